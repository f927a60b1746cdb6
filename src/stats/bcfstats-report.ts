/**
 * The result of `stats` as typed sections (the JSON form) and its text rendering in the layout of
 * `bcftools stats` 1.16 (section order, comment lines, columns, number formats), so MultiQC and
 * plot-vcfstats read it. Numbers in the typed form are those the text shows (already rounded to
 * the printed precision); a "." or NA cell of the text is null.
 */
import { M_INDEL, NAF_HWE, VAF_BINS, type Collector, Dist, type GtCmp, type StatsSet } from './bcfstats-accum.js';
import { f32, fmtF } from './bcfstats-num.js';
import type { BuildDetection } from '../vcf/build.js';

export interface SnRow {
  id: number;
  /** SN "number of samples" (per input file for ids 0/1; the compared samples for id 2) */
  samples: number | null;
  records: number; noAlts: number; snps: number; mnps: number; indels: number; others: number;
  multiallelicSites: number; multiallelicSnpSites: number;
}
export interface TstvRow { id: number; ts: number; tv: number; tsTv: number; tsAlt1: number; tvAlt1: number; tsTvAlt1: number }
export interface AfRow {
  id: number;
  /** SiS: allele count (always 1); AF: the bin's allele frequency */
  af: number;
  snps: number; transitions: number; transversions: number; indels: number;
  repeatConsistent: number; repeatInconsistent: number; notApplicable: number;
}
export interface QualRow { id: number; qual: number | null; snps: number; transitions: number; transversions: number; indels: number }
export interface IddRow { id: number; length: number; sites: number; genotypes: number; meanVaf: number | null }
export interface StRow { id: number; type: string; count: number }
export interface DpRow { id: number; bin: number | string; genotypes: number; genotypesPct: number; sites: number; sitesPct: number }
export interface PscRow {
  id: number; sample: string; nRefHom: number; nNonRefHom: number; nHets: number; nTransitions: number;
  nTransversions: number; nIndels: number; averageDepth: number; nSingletons: number; nHapRef: number; nHapAlt: number; nMissing: number;
}
export interface PsiRow {
  id: number; sample: string; inFrame: number; outFrame: number; notApplicable: number; outInRatio: number;
  nInsHets: number; nDelHets: number; nInsAltHoms: number; nDelAltHoms: number;
}
export interface HweRow { id: number; af: number; observations: number; p25: number; median: number; p75: number }
/** newer bcftools only: per-sample counts of ALT-allele VAF in 21 bins (0, 0.05, ..., 1) */
export interface VafRow { id: number; sample: string; snv: number[]; indel: number[] }
export interface GcAfRow {
  id: number; af: number; rrHomMatches: number; raHetMatches: number; aaHomMatches: number;
  rrHomMismatches: number; raHetMismatches: number; aaHomMismatches: number; r2: number | null; genotypes: number;
}
export interface NrdRow { id: number; nrd: number; rrDiscordance: number; raDiscordance: number; aaDiscordance: number }
export interface GcSampleRow {
  id: number; sample: string; nrd: number; rrHomMatches: number; raHetMatches: number; aaHomMatches: number;
  rrHomMismatches: number; raHetMismatches: number; aaHomMismatches: number; r2: number | null;
}
/** GCT: counts by genotype class in the first file (rows) and the second (columns) */
export interface GctRow { sample: string; table: number[][] }

export const GT_CLASSES = ['RR Hom', 'RA Het', 'AA Hom', 'AA Het', 'missing'] as const;

export interface StatsReport {
  format: 'bcftools-stats';
  /** the bcftools version whose output this reproduces */
  bcftoolsVersion: '1.16';
  producer: string;
  commandLine: string;
  /** ID lines: id 0 (and 1, 2 in two-file mode, or known/novel with --split-by-ID) */
  sets: { id: number; files: string[]; label?: string }[];
  /** samples of the per-sample sections (-s/-S) */
  samples: string[];
  SN: SnRow[];
  TSTV: TstvRow[];
  SiS: AfRow[];
  AF: AfRow[];
  QUAL: QualRow[];
  IDD: IddRow[];
  ST: StRow[];
  GCsAF: GcAfRow[];
  NRDs: NrdRow[];
  GCiAF: GcAfRow[];
  NRDi: NrdRow[];
  GCsS: GcSampleRow[];
  GCiS: GcSampleRow[];
  GCTs: GctRow[];
  GCTi: GctRow[];
  DP: DpRow[];
  PSC: PscRow[];
  PSI: PsiRow[];
  HWE: HweRow[];
  /** only with compat "1.22" */
  VAF: VafRow[];
  /** problems reported while reading (unknown samples, renamed contigs, ...) */
  warnings: string[];
  /** reference build detected from the (first) file's header (##contig lengths), or null (JSON only) */
  build?: BuildDetection | null;
}

export interface ReportMeta {
  producer: string;
  commandLine: string;
  /** the files as named on the command line ("-" for stdin) */
  files: string[];
  /** samples of each input file's header */
  fileSamples: number[];
  samples: string[];
  splitById: boolean;
  /** two files given and -s/-S: the comparison sections are printed */
  compare: boolean;
  /** the (first) header declares FORMAT/AD */
  hasAd: boolean;
  warnings: string[];
}

const num = (s: string): number => Number(s);
const r2f = (x: number, p: number): number => num(fmtF(x, p));
const ACGT = 'ACGT';

function pearsonR2(g: GtCmp): number | null {
  if (!g.n) return null;
  let r2 = g.yx - (g.x * g.y) / g.n;
  r2 /= Math.sqrt((g.xx - (g.x * g.x) / g.n) * (g.yy - (g.y * g.y) / g.n));
  r2 *= r2;
  if (Number.isNaN(r2)) return null;
  return r2;
}

/** Build the typed report from the collector's counters (this consumes them: singletons are folded in). */
export function buildReport(c: Collector, meta: ReportMeta): StatsReport {
  const o = c.opts;
  const mAf = o.mAf;
  const nStats = c.stats.length;
  const fname = (f: string) => (f === '-' ? '<STDIN>' : f);
  const sets: StatsReport['sets'] = [];
  if (meta.files.length === 1) {
    if (meta.splitById) {
      sets.push({ id: 0, files: [fname(meta.files[0])], label: 'known (sites with ID different from ".")' });
      sets.push({ id: 1, files: [fname(meta.files[0])], label: 'novel (sites where ID column is ".")' });
    } else sets.push({ id: 0, files: [fname(meta.files[0])] });
  } else {
    sets.push({ id: 0, files: [fname(meta.files[0])] }, { id: 1, files: [fname(meta.files[1])] }, { id: 2, files: meta.files.map(fname) });
  }
  const rep: StatsReport = {
    format: 'bcftools-stats', bcftoolsVersion: '1.16', producer: meta.producer, commandLine: meta.commandLine,
    sets, samples: meta.samples,
    SN: [], TSTV: [], SiS: [], AF: [], QUAL: [], IDD: [], ST: [], GCsAF: [], NRDs: [], GCiAF: [], NRDi: [],
    GCsS: [], GCiS: [], GCTs: [], GCTi: [], DP: [], PSC: [], PSI: [], HWE: [], VAF: [], warnings: meta.warnings,
  };
  const afValue = (i: number) => r2f((i - 1) / (mAf - 1), 6);
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    rep.SN.push({
      id, samples: id < meta.files.length ? meta.fileSamples[id] : meta.compare ? meta.samples.length : null,
      records: s.nRecords, noAlts: s.nNoalts, snps: s.nSnps, mnps: s.nMnps, indels: s.nIndels, others: s.nOthers,
      multiallelicSites: s.nMals, multiallelicSnpSites: s.nSnpMals,
    });
    let ts = 0, tv = 0;
    for (let i = 0; i < mAf; i++) { ts += s.afTs[i]; tv += s.afTv[i]; }
    rep.TSTV.push({
      id, ts, tv, tsTv: r2f(tv ? f32(ts / tv) : 0, 2), tsAlt1: s.tsAlt1, tvAlt1: s.tvAlt1,
      tsTvAlt1: r2f(s.tvAlt1 ? f32(s.tsAlt1 / s.tvAlt1) : 0, 2),
    });
  }
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    const rp = s.afRepeats;
    rep.SiS.push({
      id, af: 1, snps: s.afSnps[0], transitions: s.afTs[0], transversions: s.afTv[0],
      indels: rp[0][0] + rp[1][0] + rp[2][0], repeatConsistent: rp[0][0], repeatInconsistent: rp[1][0], notApplicable: rp[2][0],
    });
    s.afSnps[1] += s.afSnps[0];
    s.afTs[1] += s.afTs[0];
    s.afTv[1] += s.afTv[0];
    for (let k = 0; k < 3; k++) rp[k][1] += rp[k][0];
  }
  for (const arr of [c.afGtsSnps, c.afGtsIndels]) {
    if (!arr.length) continue;
    arr[1].y += arr[0].y; arr[1].yy += arr[0].yy; arr[1].xx += arr[0].xx; arr[1].yx += arr[0].yx; arr[1].n += arr[0].n;
  }
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    const rp = s.afRepeats;
    for (let i = 1; i < mAf; i++) {
      if (s.afSnps[i] + s.afTs[i] + s.afTv[i] + rp[0][i] + rp[1][i] + rp[2][i] === 0) continue;
      rep.AF.push({
        id, af: afValue(i), snps: s.afSnps[i], transitions: s.afTs[i], transversions: s.afTv[i],
        indels: rp[0][i] + rp[1][i] + rp[2][i], repeatConsistent: rp[0][i], repeatInconsistent: rp[1][i], notApplicable: rp[2][i],
      });
    }
  }
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    const dts = s.qualTs, dtv = s.qualTv, din = s.qualIndels;
    const nmax = Math.max(dts.nbins, dtv.nbins, din.nbins);
    for (let i = 0; i < nmax; i++) {
      let q = -1;
      const nts = i < dts.nbins ? dts.bins[i] : 0;
      const ntv = i < dtv.nbins ? dtv.bins[i] : 0;
      const nin = i < din.nbins ? din.bins[i] : 0;
      // the bin's first QUAL*10+1 value, as bcftools prints it (single precision)
      const beg = Dist.binStart(i);
      if (i < dts.nbins || i < dtv.nbins || i < din.nbins) q = beg > 0 ? f32(0.1 * (beg - 1)) : -1;
      if (nts + ntv + nin === 0) continue;
      rep.QUAL.push({ id, qual: q === -1 ? null : r2f(q, 1), snps: nts + ntv, transitions: nts, transversions: ntv, indels: nin });
    }
  }
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    const vaf = (bin: number): [number, number | null] =>
      s.nvaf.length && s.nvaf[bin] ? [s.nvaf[bin], r2f(s.dvaf[bin] / s.nvaf[bin], 2)] : [0, null];
    for (let i = M_INDEL - 1; i >= 0; i--) {
      if (!s.deletions[i]) continue;
      const [g, v] = vaf(M_INDEL - i - 1);
      rep.IDD.push({ id, length: -i - 1, sites: s.deletions[i], genotypes: g, meanVaf: v });
    }
    for (let i = 0; i < M_INDEL; i++) {
      if (!s.insertions[i]) continue;
      const [g, v] = vaf(M_INDEL + i + 1);
      rep.IDD.push({ id, length: i + 1, sites: s.insertions[i], genotypes: g, meanVaf: v });
    }
  }
  for (let id = 0; id < nStats; id++) {
    for (let t = 0; t < 15; t++) {
      if (t >> 2 === (t & 3)) continue;
      rep.ST.push({ id, type: `${ACGT[t >> 2]}>${ACGT[t & 3]}`, count: c.stats[id].subst[t] });
    }
  }
  if (meta.compare) {
    gcSections(c.afGtsSnps, mAf, afValue, rep.GCsAF, rep.NRDs);
    gcSections(c.afGtsIndels, mAf, afValue, rep.GCiAF, rep.NRDi);
    sampleConcordance(c.smplGtsSnps, meta.samples, rep.GCsS, rep.GCTs);
    sampleConcordance(c.smplGtsIndels, meta.samples, rep.GCiS, rep.GCTi);
  }
  for (let id = 0; id < nStats; id++) {
    const s = c.stats[id];
    const dp = s.dp, ds = s.dpSites;
    let sum = 0, sumSites = 0;
    for (let i = 0; i < dp.mVals; i++) { sum += dp.vals[i]; sumSites += ds.vals[i]; }
    for (let i = 0; i < dp.mVals; i++) {
      if (dp.vals[i] === 0 && ds.vals[i] === 0) continue;
      const bin = i === 0 ? `<${dp.min}` : i + 1 === dp.mVals ? `>${dp.max}` : dp.binValue(i);
      rep.DP.push({
        id, bin, genotypes: dp.vals[i], genotypesPct: r2f(sum ? (dp.vals[i] * 100) / sum : 0, 6),
        sites: ds.vals[i], sitesPct: r2f(sumSites ? (ds.vals[i] * 100) / sumSites : 0, 6),
      });
    }
  }
  if (o.nSmpl) {
    for (let id = 0; id < nStats; id++) {
      const s = c.stats[id];
      for (let i = 0; i < o.nSmpl; i++) {
        const dp = s.ndp[i] ? f32(f32(s.sdp[i]) / f32(s.ndp[i])) : 0;
        rep.PSC.push({
          id, sample: meta.samples[i], nRefHom: s.gtLines - s.notRR[i], nNonRefHom: s.homAA[i], nHets: s.hets[i], nTransitions: s.ts[i],
          nTransversions: s.tv[i], nIndels: s.indels[i], averageDepth: r2f(dp, 1), nSingletons: s.sngl[i],
          nHapRef: s.hapRef[i], nHapAlt: s.hapAlt[i], nMissing: s.missing[i],
        });
      }
    }
    for (let id = 0; id < nStats; id++) {
      const s = c.stats[id];
      for (let i = 0; i < o.nSmpl; i++) {
        rep.PSI.push({
          id, sample: meta.samples[i], inFrame: 0, outFrame: 0, notApplicable: 0, outInRatio: 0,
          nInsHets: s.insHets[i], nDelHets: s.delHets[i], nInsAltHoms: s.insHoms[i], nDelAltHoms: s.delHoms[i],
        });
      }
    }
    for (let id = 0; id < nStats; id++) hweRows(c.stats[id], id, mAf, afValue, rep.HWE);
    if (o.newer && meta.hasAd) {
      for (let id = 0; id < nStats; id++) {
        const s = c.stats[id];
        for (let i = 0; i < o.nSmpl; i++) {
          rep.VAF.push({
            id, sample: meta.samples[i],
            snv: Array.from(s.vafSnv.subarray(i * VAF_BINS, (i + 1) * VAF_BINS)),
            indel: Array.from(s.vafIndel.subarray(i * VAF_BINS, (i + 1) * VAF_BINS)),
          });
        }
      }
    }
  }
  return rep;
}

function hweRows(s: StatsSet, id: number, mAf: number, afValue: (i: number) => number, out: HweRow[]): void {
  const h = s.afHwe;
  for (let i = 0; i < NAF_HWE; i++) h[i + NAF_HWE] += h[i];
  for (let i = 1; i < mAf; i++) {
    const base = i * NAF_HWE;
    let tot = 0;
    for (let j = 0; j < NAF_HWE; j++) tot += h[base + j];
    if (!tot) continue;
    const q: number[] = [];
    let nprn = 3;
    let sum = 0;
    for (let j = 0; j < NAF_HWE; j++) {
      sum += h[base + j];
      const frac = f32(sum / tot);
      const v = r2f(f32(j / NAF_HWE), 6);
      if (frac >= 0.75) {
        while (nprn > 0) { q.push(v); nprn--; }
        break;
      }
      if (frac >= 0.5) {
        while (nprn > 1) { q.push(v); nprn--; }
        continue;
      }
      if (frac >= 0.25) {
        while (nprn > 2) { q.push(v); nprn--; }
      }
    }
    out.push({ id, af: afValue(i), observations: tot, p25: q[0], median: q[1], p75: q[2] });
  }
}

function gcSections(stats: GtCmp[], mAf: number, afValue: (i: number) => number, rows: GcAfRow[], nrd: NrdRow[]): void {
  const nrdM = [0, 0, 0, 0], nrdMm = [0, 0, 0, 0];
  for (let i = 0; i < mAf; i++) {
    const g = stats[i];
    let n = 0;
    const m = [0, 0, 0, 0], mm = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 4; k++) {
        const v = g.gt2gt[j * 5 + k];
        n += v;
        if (j === k) { nrdM[j] += v; m[j] += v; }
        else { nrdMm[j] += v; mm[j] += v; }
      }
    }
    if (!i || !n) continue;
    const r2 = pearsonR2(g);
    rows.push({
      id: 2, af: afValue(i), rrHomMatches: m[0], raHetMatches: m[1], aaHomMatches: m[2],
      rrHomMismatches: mm[0], raHetMismatches: mm[1], aaHomMismatches: mm[2],
      r2: r2 === null || !Number.isFinite(r2) ? (r2 === null ? null : r2) : r2f(r2, 6), genotypes: g.n,
    });
  }
  const m = nrdM[1] + nrdM[2] + nrdM[3];
  const mm = nrdMm[0] + nrdMm[1] + nrdMm[2] + nrdMm[3];
  const disc = (j: number) => (nrdM[j] + nrdMm[j] ? (nrdMm[j] * 100.0) / (nrdM[j] + nrdMm[j]) : 0);
  nrd.push({ id: 2, nrd: r2f(m + mm ? (mm * 100.0) / (m + mm) : 0, 6), rrDiscordance: r2f(disc(0), 6), raDiscordance: r2f(disc(1), 6), aaDiscordance: r2f(disc(2), 6) });
}

function sampleConcordance(stats: GtCmp[], samples: string[], rows: GcSampleRow[], tables: GctRow[]): void {
  for (let i = 0; i < samples.length; i++) {
    const t = stats[i].gt2gt;
    const m = t[1 * 5 + 1] + t[2 * 5 + 2];
    let mm = 0;
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) if (j !== k) mm += t[j * 5 + k];
    const r2 = pearsonR2(stats[i]);
    rows.push({
      id: 2, sample: samples[i], nrd: r2f(m + mm ? (mm * 100.0) / (m + mm) : 0, 3),
      rrHomMatches: t[0], raHetMatches: t[6], aaHomMatches: t[12],
      rrHomMismatches: t[1] + t[2], raHetMismatches: t[5] + t[7], aaHomMismatches: t[10] + t[11],
      r2: r2 === null || !Number.isFinite(r2) ? r2 : r2f(r2, 6),
    });
  }
  for (let i = 0; i < samples.length; i++) {
    const t = stats[i].gt2gt;
    const table: number[][] = [];
    for (let j = 0; j < 5; j++) table.push(Array.from(t.subarray(j * 5, j * 5 + 5)));
    tables.push({ sample: samples[i], table });
  }
}

// ---------------------------------------------------------------- text rendering

const SN_HELP = `# SN, Summary numbers:
#   number of records   .. number of data rows in the VCF
#   number of no-ALTs   .. reference-only sites, ALT is either "." or identical to REF
#   number of SNPs      .. number of rows with a SNP
#   number of MNPs      .. number of rows with a MNP, such as CC>TT
#   number of indels    .. number of rows with an indel
#   number of others    .. number of rows with other type, for example a symbolic allele or
#                          a complex substitution, such as ACT>TCGA
#   number of multiallelic sites     .. number of rows with multiple alternate alleles
#   number of multiallelic SNP sites .. number of rows with multiple alternate alleles, all SNPs
# 
#   Note that rows containing multiple types will be counted multiple times, in each
#   counter. For example, a row with a SNP and an indel increments both the SNP and
#   the indel counter.
# 
# SN\t[2]id\t[3]key\t[4]value
`;
const AF_COLS = '[4]number of SNPs\t[5]number of transitions\t[6]number of transversions\t[7]number of indels\t[8]repeat-consistent\t[9]repeat-inconsistent\t[10]not applicable';
const GC_AF_COLS = '[2]id\t[3]allele frequency\t[4]RR Hom matches\t[5]RA Het matches\t[6]AA Hom matches\t[7]RR Hom mismatches\t[8]RA Het mismatches\t[9]AA Hom mismatches\t[10]dosage r-squared\t[11]number of genotypes';
const GC_S_COLS = '[2]id\t[3]sample\t[4]non-reference discordance rate\t[5]RR Hom matches\t[6]RA Het matches\t[7]AA Hom matches\t[8]RR Hom mismatches\t[9]RA Het mismatches\t[10]AA Hom mismatches\t[11]dosage r-squared';
const NRD_COLS = '[2]id\t[3]NRD\t[4]Ref/Ref discordance\t[5]Ref/Alt discordance\t[6]Alt/Alt discordance';

function gctHeader(): string {
  let s = '\t[2]sample';
  let i = 2;
  for (const a of GT_CLASSES) for (const b of GT_CLASSES) s += `\t[${++i}]${a} -> ${b}`;
  return s;
}

/** r2 as bcftools prints it: %f, or "0" when not available */
const r2Text = (v: number | null, raw?: number): string => (v === null ? (raw !== undefined && !Number.isNaN(raw) ? fmtF(raw) : '0') : fmtF(v));

/** The report in `bcftools stats` text form. */
export function renderText(r: StatsReport): string {
  const out: string[] = [];
  const p = (s: string) => out.push(s);
  p(`# This file was produced by bcftools stats (1.16+htslib-1.16) compatible ${r.producer} and can be plotted using plot-vcfstats.\n`);
  p(`# The command line was:\t${r.commandLine}\n#\n`);
  p('# Definition of sets:\n# ID\t[2]id\t[3]tab-separated file names\n');
  for (const s of r.sets) p(`ID\t${s.id}\t${s.files.join('\t')}${s.label ? ':' + s.label : ''}\n`);
  p(SN_HELP);
  const nFiles = r.sets.length === 3 ? 2 : 1;
  for (const s of r.SN) if (s.id < nFiles && s.samples !== null) p(`SN\t${s.id}\tnumber of samples:\t${s.samples}\n`);
  for (const s of r.SN) {
    p(`SN\t${s.id}\tnumber of records:\t${s.records}\n`);
    p(`SN\t${s.id}\tnumber of no-ALTs:\t${s.noAlts}\n`);
    p(`SN\t${s.id}\tnumber of SNPs:\t${s.snps}\n`);
    p(`SN\t${s.id}\tnumber of MNPs:\t${s.mnps}\n`);
    p(`SN\t${s.id}\tnumber of indels:\t${s.indels}\n`);
    p(`SN\t${s.id}\tnumber of others:\t${s.others}\n`);
    p(`SN\t${s.id}\tnumber of multiallelic sites:\t${s.multiallelicSites}\n`);
    p(`SN\t${s.id}\tnumber of multiallelic SNP sites:\t${s.multiallelicSnpSites}\n`);
  }
  p('# TSTV, transitions/transversions:\n# TSTV\t[2]id\t[3]ts\t[4]tv\t[5]ts/tv\t[6]ts (1st ALT)\t[7]tv (1st ALT)\t[8]ts/tv (1st ALT)\n');
  for (const t of r.TSTV) p(`TSTV\t${t.id}\t${t.ts}\t${t.tv}\t${fmtF(t.tsTv, 2)}\t${t.tsAlt1}\t${t.tvAlt1}\t${fmtF(t.tsTvAlt1, 2)}\n`);
  p(`# SiS, Singleton stats:\n# SiS\t[2]id\t[3]allele count\t${AF_COLS}\n`);
  for (const a of r.SiS) p(`SiS\t${a.id}\t1\t${a.snps}\t${a.transitions}\t${a.transversions}\t${a.indels}\t${a.repeatConsistent}\t${a.repeatInconsistent}\t${a.notApplicable}\n`);
  p(`# AF, Stats by non-reference allele frequency:\n# AF\t[2]id\t[3]allele frequency\t${AF_COLS}\n`);
  for (const a of r.AF) p(`AF\t${a.id}\t${fmtF(a.af)}\t${a.snps}\t${a.transitions}\t${a.transversions}\t${a.indels}\t${a.repeatConsistent}\t${a.repeatInconsistent}\t${a.notApplicable}\n`);
  p('# QUAL, Stats by quality\n# QUAL\t[2]id\t[3]Quality\t[4]number of SNPs\t[5]number of transitions (1st ALT)\t[6]number of transversions (1st ALT)\t[7]number of indels\n');
  for (const q of r.QUAL) p(`QUAL\t${q.id}\t${q.qual === null ? '.' : fmtF(q.qual, 1)}\t${q.snps}\t${q.transitions}\t${q.transversions}\t${q.indels}\n`);
  p('# IDD, InDel distribution:\n# IDD\t[2]id\t[3]length (deletions negative)\t[4]number of sites\t[5]number of genotypes\t[6]mean VAF\n');
  for (const d of r.IDD) p(`IDD\t${d.id}\t${d.length}\t${d.sites}\t${d.genotypes}\t${d.meanVaf === null ? '.' : fmtF(d.meanVaf, 2)}\n`);
  p('# ST, Substitution types:\n# ST\t[2]id\t[3]type\t[4]count\n');
  for (const s of r.ST) p(`ST\t${s.id}\t${s.type}\t${s.count}\n`);
  const cmp = r.SN.find((s) => s.id === 2 && s.samples !== null);
  if (cmp) {
    p(`SN\t2\tnumber of samples:\t${cmp.samples}\n`);
    for (const x of [0, 1]) {
      const snp = x === 0;
      const c = snp ? 's' : 'i';
      p(snp ? `# GCsAF, Genotype concordance by non-reference allele frequency (SNPs)\n# GCsAF\t${GC_AF_COLS}\n`
        : `# GCiAF, Genotype concordance by non-reference allele frequency (indels)\n# GCiAF\t${GC_AF_COLS}\n`);
      for (const g of snp ? r.GCsAF : r.GCiAF) {
        p(`GC${c}AF\t2\t${fmtF(g.af)}\t${g.rrHomMatches}\t${g.raHetMatches}\t${g.aaHomMatches}\t${g.rrHomMismatches}\t${g.raHetMismatches}\t${g.aaHomMismatches}\t${r2Text(g.r2)}\t${fmtF(g.genotypes, 0)}\n`);
      }
      if (snp) {
        p('# NRD and discordance is calculated as follows:\n#   m .. number of matches\n#   x .. number of mismatches\n');
        p('#   NRD = 100 * (xRR + xRA + xAA) / (xRR + xRA + xAA + mRA + mAA)\n#   RR discordance = 100 * xRR / (xRR + mRR)\n');
        p('#   RA discordance = 100 * xRA / (xRA + mRA)\n#   AA discordance = 100 * xAA / (xAA + mAA)\n');
        p(`# Non-Reference Discordance (NRD), SNPs\n# NRDs\t${NRD_COLS}\n`);
      } else p(`# Non-Reference Discordance (NRD), indels\n# NRDi\t${NRD_COLS}\n`);
      for (const n of snp ? r.NRDs : r.NRDi) p(`NRD${c}\t2\t${fmtF(n.nrd)}\t${fmtF(n.rrDiscordance)}\t${fmtF(n.raDiscordance)}\t${fmtF(n.aaDiscordance)}\n`);
    }
    for (const x of [0, 1]) {
      const snp = x === 0;
      p(snp ? `# GCsS, Genotype concordance by sample (SNPs)\n# GCsS\t${GC_S_COLS}\n` : `# GCiS, Genotype concordance by sample (indels)\n# GCiS\t${GC_S_COLS}\n`);
      for (const g of snp ? r.GCsS : r.GCiS) {
        p(`GC${snp ? 's' : 'i'}S\t2\t${g.sample}\t${fmtF(g.nrd, 3)}\t${g.rrHomMatches}\t${g.raHetMatches}\t${g.aaHomMatches}\t${g.rrHomMismatches}\t${g.raHetMismatches}\t${g.aaHomMismatches}\t${r2Text(g.r2)}\n`);
      }
    }
    for (const x of [0, 1]) {
      const snp = x === 0;
      p(snp ? `# GCTs, Genotype concordance table (SNPs)\n# GCTs${gctHeader()}\n` : `# GCTi, Genotype concordance table (indels)\n# GCTi${gctHeader()}\n`);
      for (const g of snp ? r.GCTs : r.GCTi) p(`GCT${snp ? 's' : 'i'}\t${g.sample}\t${g.table.map((row) => row.join('\t')).join('\t')}\n`);
    }
  }
  p('# DP, Depth distribution\n# DP\t[2]id\t[3]bin\t[4]number of genotypes\t[5]fraction of genotypes (%)\t[6]number of sites\t[7]fraction of sites (%)\n');
  for (const d of r.DP) p(`DP\t${d.id}\t${d.bin}\t${d.genotypes}\t${fmtF(d.genotypesPct)}\t${d.sites}\t${fmtF(d.sitesPct)}\n`);
  if (r.samples.length) {
    p('# PSC, Per-sample counts. Note that the ref/het/hom counts include only SNPs, for indels see PSI. The rest include both SNPs and indels.\n');
    p('# PSC\t[2]id\t[3]sample\t[4]nRefHom\t[5]nNonRefHom\t[6]nHets\t[7]nTransitions\t[8]nTransversions\t[9]nIndels\t[10]average depth\t[11]nSingletons\t[12]nHapRef\t[13]nHapAlt\t[14]nMissing\n');
    for (const s of r.PSC) {
      p(`PSC\t${s.id}\t${s.sample}\t${s.nRefHom}\t${s.nNonRefHom}\t${s.nHets}\t${s.nTransitions}\t${s.nTransversions}\t${s.nIndels}\t${fmtF(s.averageDepth, 1)}\t${s.nSingletons}\t${s.nHapRef}\t${s.nHapAlt}\t${s.nMissing}\n`);
    }
    p('# PSI, Per-Sample Indels. Note that alt-het genotypes with both ins and del allele are counted twice, in both nInsHets and nDelHets.\n');
    p('# PSI\t[2]id\t[3]sample\t[4]in-frame\t[5]out-frame\t[6]not applicable\t[7]out/(in+out) ratio\t[8]nInsHets\t[9]nDelHets\t[10]nInsAltHoms\t[11]nDelAltHoms\n');
    for (const s of r.PSI) {
      p(`PSI\t${s.id}\t${s.sample}\t${s.inFrame}\t${s.outFrame}\t${s.notApplicable}\t${fmtF(s.outInRatio, 2)}\t${s.nInsHets}\t${s.nDelHets}\t${s.nInsAltHoms}\t${s.nDelAltHoms}\n`);
    }
    p('# HWE\n# HWE\t[2]id\t[3]1st ALT allele frequency\t[4]Number of observations\t[5]25th percentile\t[6]median\t[7]75th percentile\n');
    for (const h of r.HWE) p(`HWE\t${h.id}\t${fmtF(h.af)}\t${h.observations}\t${fmtF(h.p25)}\t${fmtF(h.median)}\t${fmtF(h.p75)}\n`);
    if (r.VAF.length) {
      p('# VAF, Variant Allele Frequency determined as fraction of alternate reads in FORMAT/AD\n');
      p('# VAF\t[2]id\t[3]sample\t[4]SNV VAF distribution\t[5]indel VAF distribution\n');
      for (const v of r.VAF) p(`VAF\t${v.id}\t${v.sample}\t${v.snv.join(',')}\t${v.indel.join(',')}\n`);
    }
  }
  return out.join('');
}
