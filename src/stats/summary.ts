/**
 * One-pass summary of a VCF: record and site counts by variant type, Ts/Tv, FILTER, QUAL,
 * contigs, and per-sample genotype counts. (The full bcftools-stats sections arrive with the stats issue.)
 */
import { VcfReader } from '../vcf/reader.js';
import type { VcfRecord } from '../vcf/record.js';

export interface SampleCounts {
  name: string;
  homRef: number;
  het: number;
  homAlt: number;
  hap: number;
  missing: number;
}

export interface VcfSummary {
  file: string;
  fileformat?: string;
  compression: string;
  samples: number;
  records: number;
  /** per-ALT counts, as bcftools stats SN (a multi-allelic site counts once per ALT type) */
  snps: number;
  mnps: number;
  indels: number;
  others: number;
  noAlt: number;
  multiallelicSites: number;
  multiallelicSnpSites: number;
  ts: number;
  tv: number;
  tstv: number | null;
  pass: number;
  filtered: number;
  filterCounts: Record<string, number>;
  qual: { min: number | null; max: number | null; mean: number | null; missing: number };
  contigs: Array<{ id: string; records: number }>;
  sampleCounts: SampleCounts[];
  infoTags: string[];
  formatTags: string[];
  annotations: { ann: boolean; csq: boolean; clinvar: boolean };
}

export type AltClass = 'snp' | 'mnp' | 'indel' | 'other' | 'ref';

const BASES = /^[ACGTNacgtn]+$/;

/** bcftools-style classification of one REF/ALT pair. */
export function classifyAlt(ref: string, alt: string): AltClass {
  if (alt === '.' || alt === '*' || alt === '<*>' || alt === '<NON_REF>' || alt === '<X>') return alt === '.' ? 'ref' : 'other';
  if (alt.startsWith('<') || alt.includes('[') || alt.includes(']')) return 'other';
  if (!BASES.test(alt) || !BASES.test(ref)) return 'other';
  if (ref.length === alt.length) {
    if (ref.toUpperCase() === alt.toUpperCase()) return 'ref';
    // trim common prefix/suffix as bcftools does
    let diff = 0;
    for (let i = 0; i < ref.length; i++) if (ref[i].toUpperCase() !== alt[i].toUpperCase()) diff++;
    return diff === 1 ? 'snp' : 'mnp';
  }
  return 'indel';
}

export function isTransition(a: string, b: string): boolean {
  const x = a.toUpperCase(), y = b.toUpperCase();
  return (x === 'A' && y === 'G') || (x === 'G' && y === 'A') || (x === 'C' && y === 'T') || (x === 'T' && y === 'C');
}

export async function summarize(file: string): Promise<VcfSummary> {
  const reader = await VcfReader.open(file);
  const h = reader.header;
  const ns = h.samples.length;
  const sc: SampleCounts[] = h.samples.map((name) => ({ name, homRef: 0, het: 0, homAlt: 0, hap: 0, missing: 0 }));
  const s: VcfSummary = {
    file,
    fileformat: h.fileformat,
    compression: reader.compression,
    samples: ns,
    records: 0,
    snps: 0, mnps: 0, indels: 0, others: 0, noAlt: 0,
    multiallelicSites: 0, multiallelicSnpSites: 0,
    ts: 0, tv: 0, tstv: null,
    pass: 0, filtered: 0, filterCounts: {},
    qual: { min: null, max: null, mean: null, missing: 0 },
    contigs: [],
    sampleCounts: sc,
    infoTags: [...h.info.keys()],
    formatTags: [...h.format.keys()],
    annotations: { ann: h.info.has('ANN') || h.info.has('EFF'), csq: h.info.has('CSQ'), clinvar: h.info.has('CLNSIG') },
  };
  const contigCounts = new Map<string, number>();
  let qsum = 0, qn = 0;
  for await (const batch of reader.batches()) {
    for (const r of batch) {
      s.records++;
      const chrom = r.chrom;
      contigCounts.set(chrom, (contigCounts.get(chrom) ?? 0) + 1);
      countTypes(r, s);
      const f = r.filterRaw;
      if (f === 'PASS') s.pass++;
      else if (f !== '.') {
        s.filtered++;
        for (const x of f.split(';')) s.filterCounts[x] = (s.filterCounts[x] ?? 0) + 1;
      }
      const q = r.qual;
      if (q === null || Number.isNaN(q)) s.qual.missing++;
      else {
        qn++; qsum += q;
        if (s.qual.min === null || q < s.qual.min) s.qual.min = q;
        if (s.qual.max === null || q > s.qual.max) s.qual.max = q;
      }
      if (ns && r.hasFormat) {
        const n = Math.min(ns, r.sampleCount);
        for (let i = 0; i < n; i++) {
          const g = r.genotype(i);
          if (!g) continue;
          const al = g.alleles;
          if (al.some((a) => a < 0)) { sc[i].missing++; continue; }
          if (al.length === 1) { if (al[0] > 0) sc[i].hap++; else sc[i].homRef++; continue; }
          const allRef = al.every((a) => a === 0);
          const same = al.every((a) => a === al[0]);
          if (allRef) sc[i].homRef++;
          else if (same) sc[i].homAlt++;
          else sc[i].het++;
        }
      }
    }
  }
  s.qual.mean = qn ? qsum / qn : null;
  s.tstv = s.tv ? s.ts / s.tv : null;
  s.contigs = [...contigCounts.entries()].map(([id, records]) => ({ id, records }));
  return s;
}

function countTypes(r: VcfRecord, s: VcfSummary): void {
  const alts = r.alt;
  const ref = r.ref;
  if (alts.length === 0) { s.noAlt++; return; }
  if (alts.length > 1) s.multiallelicSites++;
  let snpAlts = 0;
  for (const a of alts) {
    const c = classifyAlt(ref, a);
    if (c === 'snp') {
      s.snps++;
      snpAlts++;
      if (ref.length === 1) {
        if (isTransition(ref, a)) s.ts++; else s.tv++;
      } else {
        for (let i = 0; i < ref.length; i++) {
          if (ref[i].toUpperCase() !== a[i].toUpperCase()) { if (isTransition(ref[i], a[i])) s.ts++; else s.tv++; }
        }
      }
    } else if (c === 'mnp') s.mnps++;
    else if (c === 'indel') s.indels++;
    else if (c === 'other') s.others++;
  }
  if (snpAlts > 1) s.multiallelicSnpSites++;
}
