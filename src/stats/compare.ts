/**
 * `compare`: two call sets after normalisation, as bcftools users compare them.
 *
 *   const r = await compareVcfs({ a: 'truth.vcf.gz', b: 'calls.vcf.gz', truth: 'A', fasta: 'ref.fa' });
 *
 * 1. Both files go through `norm` (src/annotate/normalize.ts) as `bcftools norm -m -any [-f REF]`:
 *    multi-allelic records are split, and with a reference indels are left-aligned and REF is
 *    checked (a mismatch stops, as bcftools' default `-c e`; `checkRef` is norm's -c). The results
 *    are BGZF temporary files with a CSI index, removed afterwards.
 * 2. Sites: the normalised records are matched as `bcftools isec -c none` matches them (htslib's
 *    synced reader, exact pairing: the pairing code of two-file `stats`, bcfstats-pair.ts):
 *    records match when CHROM, POS, REF and ALT are identical. Counted by variant type (htslib's
 *    typing: SNP, MNP, indel, other; no-ALT records apart). `-R` keeps records overlapping the
 *    regions (bcftools' default `--regions-overlap 1`).
 * 3. Genotypes: `bcftools stats -s SAMPLES A B` on the same normalised files (bcfstats.ts two-file
 *    mode): NRD (NRDs/NRDi), per-sample concordance (GCsS/GCiS) and the genotype tables
 *    (GCTs/GCTi), taken as they are; plus a ref/het/hom-alt/missing matrix that sums them.
 * 4. With `truth`, site-level precision, recall and F1 for SNPs and indels (TP: shared, FP: only
 *    in the query, FN: only in the truth; genotypes are not considered).
 * 5. With `outDir`: only_A.vcf, only_B.vcf (normalised records of one file only) and
 *    gt_discordant.tsv (one row per sample and shared site whose genotype class differs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { norm } from '../annotate/normalize.js';
import { VcfError, usageError } from '../vcf/errors.js';
import { indexFile } from '../vcf/index/index-file.js';
import { RegionReader } from '../vcf/region-reader.js';
import { bcfStats, type GcSampleRow, type NrdRow, type StatsReport } from './bcfstats.js';
import { contigPlan, pairedLines, type HeldRecord } from './bcfstats-pair.js';
import {
  GT_UNKN, Site, VT_INDEL, VT_MNP, VT_REF, VT_SNP, gtType,
} from './bcfstats-site.js';

export const MATCHING_MODE =
  'as `bcftools isec -c none` after `bcftools norm -m -any`: records match when CHROM, POS, REF and ALT are identical (genotypes not considered)';

export interface CompareOptions {
  a: string;
  b: string;
  /** -s: comma-separated samples to compare (default: every sample the two files share) */
  samples?: string;
  /** -f: reference FASTA; indels are left-aligned and REF is checked */
  fasta?: string;
  /** -c: on a REF mismatch with -f: e (stop, default), w (warn), x (exclude), s (fix), as bcftools norm */
  checkRef?: string;
  /** -R: BED or region file; only records overlapping these regions are compared */
  regionsFile?: string;
  /** which file is the truth set: precision, recall and F1 */
  truth?: 'A' | 'B';
  /** write only_A.vcf, only_B.vcf and gt_discordant.tsv here */
  outDir?: string;
  /** where the normalised temporary files go (default: the OS temp dir) */
  tmpDir?: string;
  threads?: number;
  maxLineBytes?: number;
}

export type SiteType = 'snps' | 'mnps' | 'indels' | 'others' | 'noAlt';
export const SITE_TYPES: SiteType[] = ['snps', 'mnps', 'indels', 'others', 'noAlt'];
export type TypeCounts = Record<SiteType | 'total', number>;

export interface NormSummary {
  /** input records, records split, realigned (left-aligned or trimmed), records written */
  total: number;
  split: number;
  realigned: number;
  records: number;
}

/** ref / het / hom-alt / missing, rows: file A, columns: file B */
export const GT_MATRIX_CLASSES = ['ref', 'het', 'hom-alt', 'missing'] as const;

export interface SampleConcordance {
  sample: string;
  /** GCsS and GCiS rows of `bcftools stats -s SAMPLES A B` (NRD in %, matches, mismatches, r2) */
  snps: GcSampleRow;
  indels: GcSampleRow;
  /** bcftools' GCTs / GCTi tables: 5x5, classes RR Hom, RA Het, AA Hom, AA Het, missing */
  gctSnps: number[][];
  gctIndels: number[][];
  /** GCTs + GCTi folded to GT_MATRIX_CLASSES (RR + haploid ref = ref, RA Het + AA Het = het) */
  matrix: number[][];
  /** genotypes compared (matrix total) and those with a different class */
  genotypes: number;
  discordant: number;
}

export interface Concordance {
  samples: string[];
  /** NRDs / NRDi of bcftools stats (%, over all compared samples) */
  nrdSnps: NrdRow | null;
  nrdIndels: NrdRow | null;
  perSample: SampleConcordance[];
  /** all samples summed (GT_MATRIX_CLASSES) */
  matrix: number[][];
}

export interface TruthMetrics {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface CompareResult {
  fileA: string;
  fileB: string;
  matching: string;
  normalisation: { fasta: string | null; splitMultiallelics: true; leftAligned: boolean; a: NormSummary; b: NormSummary };
  regionsFile: string | null;
  sites: { shared: TypeCounts; onlyA: TypeCounts; onlyB: TypeCounts };
  /** null when the files share no sample (or have none) */
  concordance: Concordance | null;
  truth: { truthFile: 'A' | 'B'; snps: TruthMetrics; indels: TruthMetrics } | null;
  outputs: { dir: string; onlyA: string; onlyB: string; gtDiscordant: string; discordantRows: number } | null;
  warnings: string[];
}

const zero = (): TypeCounts => ({ snps: 0, mnps: 0, indels: 0, others: 0, noAlt: 0, total: 0 });

const site = new Site();
/** htslib's type of a normalised (biallelic) record; SNP > MNP > indel > other when several */
export function siteType(h: HeldRecord): SiteType {
  site.set(h.buf, 0, h.buf.length, h.rec.lineNo, false);
  const t = site.lineType;
  if (site.nAllele < 2 || t === VT_REF) return 'noAlt';
  if (t & VT_SNP) return 'snps';
  if (t & VT_MNP) return 'mnps';
  if (t & VT_INDEL) return 'indels';
  return 'others';
}

/** the same class as a GCT index (RR Hom, RA Het, AA Hom, AA Het, missing) */
const GCT_CLASS = [0, 2, 1, 3, 0, 2, 4];
const GCT_NAMES = ['RR', 'RA', 'AA', 'AA_het', 'missing'];

function metrics(tp: number, fp: number, fn: number): TruthMetrics {
  const precision = tp + fp ? tp / (tp + fp) : null;
  const recall = tp + fn ? tp / (tp + fn) : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  return { tp, fp, fn, precision, recall, f1 };
}

/** fold a 5x5 GCT (RR, RA, AA, AA het, missing) into the 4 matrix classes */
function fold(into: number[][], gct: number[][]): void {
  const m = [0, 1, 2, 1, 3];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) into[m[i]][m[j]] += gct[i][j];
}
const square = (n: number): number[][] => Array.from({ length: n }, () => new Array(n).fill(0));

/** Normalise, match, count, and compare genotypes. */
export async function compareVcfs(opts: CompareOptions): Promise<CompareResult> {
  if (opts.a === '-' && opts.b === '-') throw usageError('compare: only one of the two files can be stdin ("-")');
  if (opts.truth !== undefined && opts.truth !== 'A' && opts.truth !== 'B') throw usageError(`--truth takes A or B, not "${opts.truth}"`);
  if (opts.regionsFile !== undefined && !fs.existsSync(opts.regionsFile)) {
    throw new VcfError('INPUT_NOT_FOUND', 'no such regions file', { file: opts.regionsFile });
  }
  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'vcf-agent-compare-'));
  const files = [opts.a, opts.b];
  const label = ['A', 'B'];
  const normed = [path.join(tmp, 'A.norm.vcf.gz'), path.join(tmp, 'B.norm.vcf.gz')];
  const rename = (s: string): string => s.replaceAll(normed[0], `${opts.a} (normalised)`).replaceAll(normed[1], `${opts.b} (normalised)`);
  const warnings: string[] = [];
  try {
    const ns: NormSummary[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await norm({
        input: files[i], output: normed[i], outputType: 'z', compressionLevel: 1, multiallelics: '-any', fasta: opts.fasta, checkRef: opts.checkRef,
        noVersion: true, threads: opts.threads, maxLineBytes: opts.maxLineBytes, onWarning: (l) => warnings.push(`${label[i]}: ${l}`),
      });
      ns.push({ total: r.total, split: r.split, realigned: r.realigned, records: r.records });
      try {
        await indexFile({ input: normed[i], format: 'csi', force: true });
      } catch (e) {
        if (e instanceof VcfError && e.code.startsWith('INDEX_')) {
          throw new VcfError('COMPARE_UNSORTED', `compare needs records sorted by position (as bcftools isec) after normalisation: ${e.message}`, { file: files[i] });
        }
        throw e;
      }
    }
    const readers: RegionReader[] = [];
    let result: Omit<CompareResult, 'concordance' | 'warnings'>;
    let compared: string[] = [];
    try {
      for (const f of normed) readers.push(await RegionReader.open(f));
      const headers = readers.map((r) => r.header);
      compared = chooseSamples(opts.samples, headers[0].samples, headers[1].samples, warnings);
      const plan = await contigPlan(readers, { file: opts.regionsFile }, warnings);
      const endInt = headers.map((h) => h.info.get('END')?.type === 'Integer');
      const sites = { shared: zero(), onlyA: zero(), onlyB: zero() };
      const out = opts.outDir !== undefined ? openOutputs(opts.outDir, headers.map((h) => h.toString())) : null;
      const idxA = compared.map((s) => headers[0].samples.indexOf(s));
      const idxB = compared.map((s) => headers[1].samples.indexOf(s));
      let discordantRows = 0;
      let n = 0;
      for (const pair of pairedLines(readers, plan, () => true, endInt, 1)) {
        const [ra, rb] = pair;
        const t = siteType((ra ?? rb)!);
        const bucket = ra && rb ? sites.shared : ra ? sites.onlyA : sites.onlyB;
        bucket[t]++;
        bucket.total++;
        if (out) {
          if (ra && !rb) out.write(0, ra.buf);
          else if (rb && !ra) out.write(1, rb.buf);
          else if (ra && rb && t !== 'noAlt' && compared.length) discordantRows += out.discordant(ra, rb, t, compared, idxA, idxB);
        }
        if (++n % 4096 === 0) await new Promise<void>((res) => setImmediate(res));
      }
      let outputs: CompareResult['outputs'] = null;
      if (out) {
        await out.close();
        outputs = { dir: opts.outDir!, onlyA: out.paths[0], onlyB: out.paths[1], gtDiscordant: out.paths[2], discordantRows };
      }
      let truth: CompareResult['truth'] = null;
      if (opts.truth) {
        const fn = opts.truth === 'A' ? sites.onlyA : sites.onlyB;
        const fp = opts.truth === 'A' ? sites.onlyB : sites.onlyA;
        truth = {
          truthFile: opts.truth,
          snps: metrics(sites.shared.snps, fp.snps, fn.snps),
          indels: metrics(sites.shared.indels, fp.indels, fn.indels),
        };
      }
      result = {
        fileA: opts.a, fileB: opts.b, matching: MATCHING_MODE,
        normalisation: { fasta: opts.fasta ?? null, splitMultiallelics: true, leftAligned: opts.fasta !== undefined, a: ns[0], b: ns[1] },
        regionsFile: opts.regionsFile ?? null, sites, truth, outputs,
      };
    } finally {
      for (const r of readers) r.close();
    }
    let concordance: Concordance | null = null;
    if (compared.length) {
      let rep: StatsReport;
      try {
        rep = await bcfStats({ files: normed, samples: compared.join(','), regionsFile: opts.regionsFile, threads: opts.threads });
      } catch (e) {
        if (e instanceof VcfError) throw new VcfError(e.code, rename(e.message), { file: e.file && rename(e.file), line: e.line, column: e.column }, e.kind);
        throw e;
      }
      concordance = concordanceOf(rep);
    }
    return { ...result, concordance, warnings: warnings.map(rename) };
  } catch (e) {
    if (e instanceof VcfError && e.file && (e.file === normed[0] || e.file === normed[1])) {
      throw new VcfError(e.code, rename(e.message), { file: rename(e.file), line: e.line, column: e.column }, e.kind);
    }
    throw e;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** -s LIST (every name must be in both files), or all samples the two files share, in A's order */
function chooseSamples(list: string | undefined, a: string[], b: string[], warnings: string[]): string[] {
  const inB = new Set(b);
  if (list === undefined) {
    const common = a.filter((s) => inB.has(s));
    if (!common.length && a.length && b.length) warnings.push('the two files share no sample name: genotype concordance skipped (use the same sample names, e.g. with bcftools reheader)');
    return [...new Set(common)];
  }
  const names = list.split(',').filter((s) => s.length);
  if (!names.length) throw usageError('-s: empty sample list');
  const inA = new Set(a);
  for (const s of names) {
    if (!inA.has(s)) throw usageError(`-s: sample "${s}" is not in ${'the first file'}`);
    if (!inB.has(s)) throw usageError(`-s: sample "${s}" is not in ${'the second file'}`);
  }
  return [...new Set(names)];
}

function concordanceOf(rep: StatsReport): Concordance {
  const samples = rep.samples;
  const perSample: SampleConcordance[] = [];
  const total = square(4);
  const empty = (sample: string): GcSampleRow => ({
    id: 2, sample, nrd: 0, rrHomMatches: 0, raHetMatches: 0, aaHomMatches: 0, rrHomMismatches: 0, raHetMismatches: 0, aaHomMismatches: 0, r2: null,
  });
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const gs = rep.GCTs[i]?.table ?? square(5);
    const gi = rep.GCTi[i]?.table ?? square(5);
    const matrix = square(4);
    fold(matrix, gs);
    fold(matrix, gi);
    fold(total, gs);
    fold(total, gi);
    let genotypes = 0, same = 0;
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) {
      genotypes += gs[r][c] + gi[r][c];
      if (r === c) same += gs[r][c] + gi[r][c];
    }
    perSample.push({
      sample: s, snps: rep.GCsS[i] ?? empty(s), indels: rep.GCiS[i] ?? empty(s), gctSnps: gs, gctIndels: gi, matrix,
      genotypes, discordant: genotypes - same,
    });
  }
  return { samples, nrdSnps: rep.NRDs[0] ?? null, nrdIndels: rep.NRDi[0] ?? null, perSample, matrix: total };
}

interface Outputs {
  paths: string[];
  write(i: number, line: Buffer): void;
  discordant(a: HeldRecord, b: HeldRecord, t: SiteType, samples: string[], idxA: number[], idxB: number[]): number;
  close(): Promise<void>;
}

function openOutputs(dir: string, headers: string[]): Outputs {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new VcfError('OUTPUT_WRITE', `cannot create the output directory: ${(e as Error).message}`, { file: dir });
  }
  const paths = [path.join(dir, 'only_A.vcf'), path.join(dir, 'only_B.vcf'), path.join(dir, 'gt_discordant.tsv')];
  const fds = paths.map((p) => {
    try {
      return fs.openSync(p, 'w');
    } catch (e) {
      throw new VcfError('OUTPUT_WRITE', `cannot write: ${(e as Error).message}`, { file: p });
    }
  });
  const pending: Buffer[][] = [[], [], []];
  const sizes = [0, 0, 0];
  const flush = (i: number) => {
    if (!pending[i].length) return;
    fs.writeSync(fds[i], Buffer.concat(pending[i]));
    pending[i] = [];
    sizes[i] = 0;
  };
  const push = (i: number, b: Buffer) => {
    pending[i].push(b);
    sizes[i] += b.length;
    if (sizes[i] > 1 << 20) flush(i);
  };
  const nl = Buffer.from('\n');
  push(0, Buffer.from(headers[0]));
  push(1, Buffer.from(headers[1]));
  push(2, Buffer.from('CHROM\tPOS\tREF\tALT\tTYPE\tSAMPLE\tGT_A\tGT_B\tCLASS_A\tCLASS_B\n'));
  const gtBuf = (s: string | undefined): number => {
    if (s === undefined) return GT_UNKN;
    const b = Buffer.from(s, 'latin1');
    const t = gtType(b, 0, b.length);
    return t < 0 ? GT_UNKN : t;
  };
  return {
    paths,
    write(i, line) {
      push(i, line);
      push(i, nl);
    },
    discordant(a, b, t, samples, idxA, idxB) {
      // bcftools compares genotypes only when both records have FORMAT/GT
      if (!a.rec.formatKeys.includes('GT') || !b.rec.formatKeys.includes('GT')) return 0;
      let n = 0;
      for (let k = 0; k < samples.length; k++) {
        const ga = a.rec.gtRaw(idxA[k]);
        const gb = b.rec.gtRaw(idxB[k]);
        const ca = GCT_CLASS[gtBuf(ga)], cb = GCT_CLASS[gtBuf(gb)];
        if (ca === cb) continue;
        n++;
        const r = a.rec;
        const type = t === 'snps' ? 'SNP' : t === 'mnps' ? 'MNP' : t === 'indels' ? 'INDEL' : 'OTHER';
        push(2, Buffer.from(`${r.chrom}\t${r.pos}\t${r.ref}\t${r.altRaw}\t${type}\t${samples[k]}\t${ga ?? '.'}\t${gb ?? '.'}\t${GCT_NAMES[ca]}\t${GCT_NAMES[cb]}\n`, 'latin1'));
      }
      return n;
    },
    async close() {
      for (let i = 0; i < 3; i++) {
        flush(i);
        fs.closeSync(fds[i]);
      }
    },
  };
}

