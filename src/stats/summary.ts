/**
 * One-pass summary of a VCF, with bcftools semantics where bcftools has a number for it:
 *  - site counts by variant type, multiallelic sites and Ts/Tv as `bcftools stats` (SN and TSTV),
 *  - per-sample genotype classes as `bcftools stats -s -` (PSC; see SampleCounts),
 *  - Mendelian consistency per trio as `bcftools +mendelian -m c` (trios from ##PEDIGREE lines),
 * plus FILTER, QUAL, contigs, SnpEff ANN / VEP CSQ impacts, genes hit and ClinVar CLNSIG counts.
 * Memory is bounded by one batch of records plus per-sample, per-contig and per-gene counters.
 * (The full bcftools-stats sections arrive with the stats issue.)
 */
import { VcfReader } from '../vcf/reader.js';
import { acgt2int, alleleTypeLen as variantType, VT_REF, VT_SNP, VT_MNP, VT_INDEL, VT_OTHER, VT_BND, VT_OVERLAP } from '../expr/format-vartype.js';
import type { VcfRecord } from '../vcf/record.js';
import type { VcfHeader } from '../vcf/header.js';

/**
 * Genotype classes as htslib's bcf_gt_type. homRef, hapRef, hapAlt and missing equal the PSC
 * columns of `bcftools stats -s -`; het and homAlt count genotypes of every variant type (PSC's
 * nHets and nNonRefHom leave out genotypes whose ALT alleles are only indels, MNPs or others).
 */
export interface SampleCounts {
  name: string;
  homRef: number;
  /** heterozygous: ref/alt and alt/alt' (and polyploid mixes) */
  het: number;
  homAlt: number;
  hapRef: number;
  hapAlt: number;
  /** a GT with any missing allele (or no GT at all) */
  missing: number;
  /** called genotypes of ploidy >= 2 written phased (every separator '|') */
  phased: number;
}

export interface TrioCounts {
  child: string;
  mother: string;
  father: string;
  /** bcftools +mendelian nOK */
  consistent: number;
  /** bcftools +mendelian nBad */
  errors: number;
  /** bcftools +mendelian nSkipped: no usable GT in the child, or more than two alleles per GT */
  skipped: number;
  /** Mendelian errors where both parents are called homozygous reference and the child carries an ALT allele */
  deNovo: number;
}

export type Impact = 'HIGH' | 'MODERATE' | 'LOW' | 'MODIFIER';
export const IMPACTS: Impact[] = ['HIGH', 'MODERATE', 'LOW', 'MODIFIER'];

export interface GeneImpact {
  gene: string;
  /** records with at least one HIGH consequence on this gene */
  high: number;
  /** records with a MODERATE (and no HIGH) consequence on this gene */
  moderate: number;
}

export interface AnnotationSummary {
  /** the INFO tag the impacts were read from */
  source: 'ANN' | 'CSQ';
  /** records by their most severe impact */
  records: Record<Impact, number>;
  /** records with the tag absent or without a recognised impact */
  unannotated: number;
  /** genes with HIGH or MODERATE consequences, most affected first */
  genes: GeneImpact[];
}

export interface VcfSummary {
  file: string;
  fileformat?: string;
  compression: string;
  samples: number;
  records: number;
  /** bcftools stats SN: rows of each type (a row with a SNP and an indel counts in both) */
  snps: number;
  mnps: number;
  indels: number;
  others: number;
  /** rows whose ALT is '.', equal to REF, or only <*>, <NON_REF>, <X> */
  noAlt: number;
  multiallelicSites: number;
  /** rows with more than one ALT, every one a SNP */
  multiallelicSnpSites: number;
  /** ALT alleles of indel type: longer (insertions) or shorter (deletions) than REF */
  insertions: number;
  deletions: number;
  /** ALT alleles that are breakends or spanning deletions ('*'): bcftools stats counts them in no SN row */
  breakendAlleles: number;
  overlapAlleles: number;
  /** bcftools stats TSTV: all SNP ALT alleles, and the first ALT only */
  ts: number;
  tv: number;
  tstv: number | null;
  tsFirstAlt: number;
  tvFirstAlt: number;
  pass: number;
  /** rows with a FILTER other than PASS and '.' */
  filtered: number;
  /** rows with FILTER '.' */
  filterMissing: number;
  /** rows per failed FILTER id (a row with two ids counts in both) */
  filterCounts: Record<string, number>;
  qual: { min: number | null; max: number | null; mean: number | null; missing: number };
  contigs: Array<{ id: string; records: number; length?: number }>;
  sampleCounts: SampleCounts[];
  trios: TrioCounts[];
  infoTags: string[];
  formatTags: string[];
  annotations: { ann: boolean; csq: boolean; clinvar: boolean };
  impact?: AnnotationSummary;
  /** rows per CLNSIG value (as written) when the header declares INFO/CLNSIG */
  clinvar?: Record<string, number>;
}

// ------------------------------------------------------------------------------------------
// Variant types, as htslib's bcf_set_variant_type

export { VT_REF, VT_SNP, VT_MNP, VT_INDEL, VT_OTHER, VT_BND, VT_OVERLAP } from '../expr/format-vartype.js';
/** htslib's type of one REF/ALT pair (VT_* constant) and the length change for indels (the one classifier) */
export { alleleTypeLen as variantType } from '../expr/format-vartype.js';

export type AltClass = 'snp' | 'mnp' | 'indel' | 'other' | 'ref' | 'bnd' | 'overlap';

/** bcftools-style classification of one REF/ALT pair. */
export function classifyAlt(ref: string, alt: string): AltClass {
  const t = variantType(ref, alt).type;
  switch (t) {
    case VT_SNP: return 'snp';
    case VT_MNP: return 'mnp';
    case VT_INDEL: return 'indel';
    case VT_BND: return 'bnd';
    case VT_OVERLAP: return 'overlap';
    case VT_REF: return 'ref';
    default: return 'other';
  }
}

export function isTransition(a: string, b: string): boolean {
  const x = acgt2int(a.charCodeAt(0)), y = acgt2int(b.charCodeAt(0));
  return x >= 0 && y >= 0 && Math.abs(x - y) === 2;
}

// ------------------------------------------------------------------------------------------
// Genotypes, classified on the bytes (no allocation), as htslib's bcf_gt_type

export const GT_MISSING = 0, GT_HOM_RR = 1, GT_HET = 2, GT_HOM_AA = 3, GT_HAP_R = 4, GT_HAP_A = 5;
/** flag added to the class when a genotype of ploidy >= 2 has only '|' separators */
export const GT_PHASED = 8;

/** Class of the GT value in buf[s, e) (the value ends at ':' or e); alleles in `out` when given. */
export function classifyGt(buf: Buffer, s: number, e: number, out?: number[]): number {
  let i = s;
  let nals = 0, hasRef = false, ial = -1, hasAlt = 0;
  let phased = true;
  if (out) out.length = 0;
  if (i < e && (buf[i] === 124 || buf[i] === 47)) i++; // VCF 4.4 phasing prefix of the first allele
  if (i >= e || buf[i] === 58) return GT_MISSING;
  for (;;) {
    const c = buf[i];
    if (c === 46 /* . */) return GT_MISSING;
    if (c < 48 || c > 57) return GT_MISSING; // not a number: treat as missing
    let v = 0;
    while (i < e && buf[i] >= 48 && buf[i] <= 57) { v = v * 10 + buf[i] - 48; i++; }
    if (out) out.push(v);
    if (v > 0) {
      if (ial < 0) { ial = v; hasAlt = 1; } else if (v !== ial) hasAlt = 2;
    } else hasRef = true;
    nals++;
    if (i >= e || buf[i] === 58) break;
    const sep = buf[i];
    if (sep === 47) phased = false;
    else if (sep !== 124) return GT_MISSING;
    i++;
    if (i >= e) return GT_MISSING;
  }
  if (nals === 1) return hasRef ? GT_HAP_R : GT_HAP_A;
  const ph = phased ? GT_PHASED : 0;
  if (!hasRef) return (hasAlt === 1 ? GT_HOM_AA : GT_HET) | ph;
  if (!hasAlt) return GT_HOM_RR | ph;
  return GT_HET | ph;
}

// ------------------------------------------------------------------------------------------
// Pedigree

/** Trios declared by ##PEDIGREE lines (VCF 4.2 Child/Mother/Father or 4.3 ID/Mother/Father) whose three samples are present. */
export function pedigreeTrios(h: VcfHeader): Array<{ child: string; mother: string; father: string }> {
  const out: Array<{ child: string; mother: string; father: string }> = [];
  const present = new Set(h.samples);
  for (const l of h.lines) {
    if (l.key !== 'PEDIGREE' || !l.attrs) continue;
    const child = l.attrs.Child ?? l.attrs.ID;
    const { Mother: mother, Father: father } = l.attrs;
    if (child && mother && father && present.has(child) && present.has(mother) && present.has(father)) out.push({ child, mother, father });
  }
  return out;
}

const HAPLOID_PAD = -2; // the absent second allele of a haploid GT (matches only itself)

/**
 * Mendelian check of one trio at one site, as bcftools +mendelian (1.16) where no inheritance
 * rule applies (its default rules name GRCh37's X, Y and MT; GRCh38's chrX matches none): each genotype is its two alleles (a haploid GT is its allele plus a pad that matches
 * only another haploid's pad); a missing parental allele matches anything. Returns
 * 'ok' | 'bad' | 'skip' (child GT missing or partly missing).
 */
export function mendelian(child: number[] | null, mother: number[] | null, father: number[] | null): 'ok' | 'bad' | 'skip' {
  if (!child || child.length === 0 || child.length > 2 || child.some((a) => a < 0)) return 'skip';
  const c1 = child[0], c2 = child.length === 2 ? child[1] : HAPLOID_PAD;
  const has = (p: number[] | null, x: number): boolean => {
    if (!p || p.length === 0) return true; // fully missing parent: matches anything
    const a = p[0], b = p.length >= 2 ? p[1] : HAPLOID_PAD;
    return a < 0 || b < 0 && b !== HAPLOID_PAD || a === x || b === x;
  };
  const ok = (has(mother, c1) && has(father, c2)) || (has(mother, c2) && has(father, c1));
  return ok ? 'ok' : 'bad';
}

/** alleles of a GT value, missing alleles as -1 (null when there is no GT value) */
function gtAlleles(buf: Buffer, s: number, e: number): number[] | null {
  const out: number[] = [];
  let i = s;
  if (i < e && (buf[i] === 124 || buf[i] === 47)) i++;
  if (i >= e || buf[i] === 58) return null;
  for (;;) {
    if (buf[i] === 46) { out.push(-1); i++; } else {
      let v = 0, d = 0;
      while (i < e && buf[i] >= 48 && buf[i] <= 57) { v = v * 10 + buf[i] - 48; i++; d++; }
      out.push(d ? v : -1);
      if (!d) i++;
    }
    if (i >= e || buf[i] === 58) break;
    i++;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Annotations

const IMPACT_RANK: Record<string, number> = { HIGH: 4, MODERATE: 3, LOW: 2, MODIFIER: 1 };

interface AnnLayout { tag: 'ANN' | 'CSQ'; impact: number; gene: number }

function annLayout(h: VcfHeader): AnnLayout | undefined {
  if (h.info.has('ANN')) return { tag: 'ANN', impact: 2, gene: 3 };
  const csq = h.info.get('CSQ');
  if (csq) {
    const m = /Format:\s*([^"]+)/.exec(csq.description);
    if (m) {
      const cols = m[1].trim().split('|').map((x) => x.trim());
      const impact = cols.indexOf('IMPACT');
      const gene = cols.indexOf('SYMBOL');
      if (impact >= 0) return { tag: 'CSQ', impact, gene };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------

export async function summarize(file: string, opts: { maxLineBytes?: number } = {}): Promise<VcfSummary> {
  const reader = await VcfReader.open(file, { maxLineBytes: opts.maxLineBytes });
  const h = reader.header;
  const ns = h.samples.length;
  const sc: SampleCounts[] = h.samples.map((name) => ({ name, homRef: 0, het: 0, homAlt: 0, hapRef: 0, hapAlt: 0, missing: 0, phased: 0 }));
  const layout = annLayout(h);
  const s: VcfSummary = {
    file,
    fileformat: h.fileformat,
    compression: reader.compression,
    samples: ns,
    records: 0,
    snps: 0, mnps: 0, indels: 0, others: 0, noAlt: 0,
    multiallelicSites: 0, multiallelicSnpSites: 0,
    insertions: 0, deletions: 0, breakendAlleles: 0, overlapAlleles: 0,
    ts: 0, tv: 0, tstv: null, tsFirstAlt: 0, tvFirstAlt: 0,
    pass: 0, filtered: 0, filterMissing: 0, filterCounts: {},
    qual: { min: null, max: null, mean: null, missing: 0 },
    contigs: [],
    sampleCounts: sc,
    trios: [],
    infoTags: [...h.info.keys()],
    formatTags: [...h.format.keys()],
    annotations: { ann: h.info.has('ANN') || h.info.has('EFF'), csq: h.info.has('CSQ'), clinvar: h.info.has('CLNSIG') },
  };
  const trioDefs = pedigreeTrios(h);
  const sampleIndex = new Map(h.samples.map((n, i) => [n, i]));
  const trios = trioDefs.map((t) => ({
    ...t, ci: sampleIndex.get(t.child)!, mi: sampleIndex.get(t.mother)!, fi: sampleIndex.get(t.father)!,
    counts: { child: t.child, mother: t.mother, father: t.father, consistent: 0, errors: 0, skipped: 0, deNovo: 0 } as TrioCounts,
  }));
  const impact: AnnotationSummary | undefined = layout
    ? { source: layout.tag, records: { HIGH: 0, MODERATE: 0, LOW: 0, MODIFIER: 0 }, unannotated: 0, genes: [] }
    : undefined;
  const genes = new Map<string, GeneImpact>();
  const clinvar: Record<string, number> | undefined = h.info.has('CLNSIG') ? {} : undefined;
  const contigCounts = new Map<string, number>();
  let qsum = 0, qn = 0;
  const gtCodes = new Uint8Array(ns);
  for await (const batch of reader.batches()) {
    for (const r of batch) {
      s.records++;
      const chrom = r.chrom;
      contigCounts.set(chrom, (contigCounts.get(chrom) ?? 0) + 1);
      countTypes(r, s);
      const f = r.filterRaw;
      if (f === 'PASS') s.pass++;
      else if (f === '.' || f === '') s.filterMissing++;
      else {
        s.filtered++;
        for (const x of new Set(f.split(';'))) if (x !== 'PASS') s.filterCounts[x] = (s.filterCounts[x] ?? 0) + 1;
      }
      const q = r.qual;
      if (q === null || Number.isNaN(q)) s.qual.missing++;
      else {
        qn++; qsum += q;
        if (s.qual.min === null || q < s.qual.min) s.qual.min = q;
        if (s.qual.max === null || q > s.qual.max) s.qual.max = q;
      }
      if (ns && r.hasFormat) countGenotypes(r, sc, gtCodes, trios);
      if (impact && layout) countImpact(r, layout, impact, genes);
      if (clinvar) {
        const v = r.info.get('CLNSIG');
        if (typeof v === 'string' && v !== '.' && v !== '') clinvar[v] = (clinvar[v] ?? 0) + 1;
      }
    }
  }
  s.qual.mean = qn ? qsum / qn : null;
  s.tstv = s.tv ? s.ts / s.tv : null;
  s.contigs = [...contigCounts.entries()].map(([id, records]) => ({ id, records, length: h.contigs.get(id)?.length }));
  s.trios = trios.map((t) => t.counts);
  if (impact) {
    impact.genes = [...genes.values()].sort((a, b) => b.high - a.high || b.moderate - a.moderate || (a.gene < b.gene ? -1 : a.gene > b.gene ? 1 : 0));
    s.impact = impact;
  }
  if (clinvar) s.clinvar = Object.fromEntries(Object.entries(clinvar).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return s;
}

function countTypes(r: VcfRecord, s: VcfSummary): void {
  const alts = r.alt;
  const ref = r.ref;
  if (alts.length > 1) s.multiallelicSites++;
  let lineType = 0;
  const types: number[] = [];
  for (const a of alts) {
    const v = variantType(ref, a);
    types.push(v.type);
    lineType |= v.type;
    if (v.type === VT_INDEL) { if (v.n > 0) s.insertions++; else s.deletions++; }
    else if (v.type === VT_BND) s.breakendAlleles++;
    else if (v.type === VT_OVERLAP) s.overlapAlleles++;
  }
  if (lineType === VT_REF) s.noAlt++;
  if (lineType & VT_SNP) {
    s.snps++;
    const rb = acgt2int(ref.charCodeAt(0));
    if (rb >= 0) {
      for (let i = 0; i < alts.length; i++) {
        if (!(types[i] & VT_SNP)) continue;
        const ab = acgt2int(alts[i].charCodeAt(0));
        if (ab < 0 || ab === rb) continue;
        const ts = Math.abs(rb - ab) === 2;
        if (ts) { s.ts++; if (i === 0) s.tsFirstAlt++; } else { s.tv++; if (i === 0) s.tvFirstAlt++; }
      }
    }
  }
  if (lineType & VT_INDEL) s.indels++;
  if (lineType & VT_MNP) s.mnps++;
  if (lineType & VT_OTHER) s.others++;
  if (alts.length > 1 && lineType === VT_SNP) s.multiallelicSnpSites++;
}

type TrioState = { ci: number; mi: number; fi: number; counts: TrioCounts };

function countGenotypes(r: VcfRecord, sc: SampleCounts[], codes: Uint8Array, trios: TrioState[]): void {
  const ns = sc.length;
  const n = Math.min(ns, r.sampleCount);
  const gtFirst = r.formatKeys[0] === 'GT';
  const hasGt = gtFirst || r.formatKeys.includes('GT');
  const buf = r.buf;
  for (let i = 0; i < ns; i++) {
    let code = GT_MISSING;
    if (hasGt && i < n) {
      if (gtFirst) code = classifyGt(buf, r.sampleStart(i), r.sampleEnd(i));
      else {
        const g = r.gtRaw(i);
        if (g !== undefined) { const b = Buffer.from(g, 'latin1'); code = classifyGt(b, 0, b.length); }
      }
    }
    codes[i] = code;
    const c = sc[i];
    switch (code & 7) {
      case GT_MISSING: c.missing++; break;
      case GT_HOM_RR: c.homRef++; break;
      case GT_HET: c.het++; break;
      case GT_HOM_AA: c.homAlt++; break;
      case GT_HAP_R: c.hapRef++; break;
      case GT_HAP_A: c.hapAlt++; break;
    }
    if (code & GT_PHASED) c.phased++;
  }
  if (!trios.length) return;
  if (r.nAllele > 63) { for (const t of trios) t.counts.skipped++; return; }
  const alleles = (i: number): number[] | null => {
    if (!hasGt || i >= n) return null;
    if (gtFirst) return gtAlleles(buf, r.sampleStart(i), r.sampleEnd(i));
    const g = r.gtRaw(i);
    if (g === undefined) return null;
    const b = Buffer.from(g, 'latin1');
    return gtAlleles(b, 0, b.length);
  };
  // bcftools skips a record whose largest ploidy (over all samples) is above 2
  if (anyPolyploid(r, n, buf, gtFirst)) { for (const t of trios) t.counts.skipped++; return; }
  const cache = new Map<number, number[] | null>();
  const get = (i: number) => { if (!cache.has(i)) cache.set(i, alleles(i)); return cache.get(i)!; };
  for (const t of trios) {
    const c = get(t.ci), m = get(t.mi), f = get(t.fi);
    const v = mendelian(c, m, f);
    if (v === 'ok') t.counts.consistent++;
    else if (v === 'skip') t.counts.skipped++;
    else {
      t.counts.errors++;
      const homRef = (g: number[] | null) => !!g && g.length > 0 && g.every((a) => a === 0);
      if (homRef(m) && homRef(f) && c!.some((a) => a > 0)) t.counts.deNovo++;
    }
  }
}

/** whether any sample's GT has more than two alleles (bcftools +mendelian skips such records) */
function anyPolyploid(r: VcfRecord, n: number, buf: Buffer, gtFirst: boolean): boolean {
  for (let i = 0; i < n; i++) {
    let s: number, e: number;
    let b = buf;
    if (gtFirst) { s = r.sampleStart(i); e = r.sampleEnd(i); } else {
      const g = r.gtRaw(i);
      if (g === undefined) continue;
      b = Buffer.from(g, 'latin1'); s = 0; e = b.length;
    }
    let seps = 0;
    for (let k = s; k < e; k++) {
      const c = b[k];
      if (c === 58) break;
      if ((c === 47 || c === 124) && k > s) seps++;
    }
    if (seps >= 2) return true;
  }
  return false;
}

function countImpact(r: VcfRecord, layout: AnnLayout, acc: AnnotationSummary, genes: Map<string, GeneImpact>): void {
  const v = r.info.get(layout.tag);
  if (typeof v !== 'string' || v === '.' || v === '') { acc.unannotated++; return; }
  let worst = 0;
  let high: Set<string> | undefined;
  let moderate: Set<string> | undefined;
  for (const entry of v.split(',')) {
    const f = entry.split('|');
    const rank = IMPACT_RANK[f[layout.impact] ?? ''] ?? 0;
    if (rank > worst) worst = rank;
    const gene = layout.gene >= 0 ? f[layout.gene] : undefined;
    if (gene && rank === 4) (high ??= new Set()).add(gene);
    else if (gene && rank === 3) (moderate ??= new Set()).add(gene);
  }
  if (!worst) { acc.unannotated++; return; }
  acc.records[IMPACTS[4 - worst]]++;
  const at = (g: string) => { let x = genes.get(g); if (!x) genes.set(g, (x = { gene: g, high: 0, moderate: 0 })); return x; };
  for (const g of high ?? []) at(g).high++;
  for (const g of moderate ?? []) if (!high?.has(g)) at(g).moderate++;
}
