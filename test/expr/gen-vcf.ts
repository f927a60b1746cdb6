/**
 * Deterministic generator of a VCF slice for the expression differential test: realistic but
 * deliberately varied records (SNPs, MNPs, indels, multi-allelics, symbolic and breakend alleles,
 * spanning deletions, no-ALT sites; missing and partially missing values, truncated sample columns,
 * phased/haploid/missing genotypes, multiple FILTERs and IDs).
 */
import { mulberry32 } from '../helpers/shared.js';

/** the tests' seeded PRNG (mulberry32) */
export const rng = mulberry32;

export const GEN_SAMPLES = ['S1', 'S2', 'S3', 'S4', 'S5'];

export const GEN_HEADER = [
  '##fileformat=VCFv4.2',
  '##FILTER=<ID=PASS,Description="All filters passed">',
  '##FILTER=<ID=q10,Description="Quality below 10">',
  '##FILTER=<ID=s50,Description="Less than 50% of samples have data">',
  '##FILTER=<ID=LowQual,Description="Low quality">',
  '##contig=<ID=1,length=100000000>',
  '##contig=<ID=2,length=100000000>',
  '##contig=<ID=X,length=100000000>',
  '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
  '##INFO=<ID=MQ,Number=1,Type=Float,Description="Mapping quality">',
  '##INFO=<ID=XI,Number=.,Type=Integer,Description="Integer vector">',
  '##INFO=<ID=XF,Number=A,Type=Float,Description="Float per ALT">',
  '##INFO=<ID=AO,Number=A,Type=Integer,Description="Alt observations">',
  '##INFO=<ID=XS,Number=.,Type=String,Description="String vector">',
  '##INFO=<ID=S1,Number=1,Type=String,Description="Single string">',
  '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP membership">',
  '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic">',
  '##INFO=<ID=DP4,Number=4,Type=Integer,Description="Strand counts">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
  '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
  '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
  '##FORMAT=<ID=GL,Number=G,Type=Float,Description="Genotype likelihoods">',
  '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">',
  '##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Allele fraction">',
];

const BASES = ['A', 'C', 'G', 'T'];

/** Generate `n` records; returns the whole VCF text. */
export function generateVcf(n: number, seed: number): string {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const chance = (p: number) => r() < p;
  const seq = (len: number) => Array.from({ length: len }, () => pick(BASES)).join('');
  const lines: string[] = [...GEN_HEADER, ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...GEN_SAMPLES].join('\t')];
  const chroms = ['1', '2', 'X'];
  let ci = 0;
  let pos = 100;
  const perChrom = Math.ceil(n / chroms.length);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % perChrom === 0) { ci++; pos = 100; }
    pos += int(1, 40);
    const chrom = chroms[Math.min(ci, chroms.length - 1)];
    // alleles
    let ref: string;
    let alts: string[];
    const kind = r();
    if (kind < 0.45) { ref = pick(BASES); alts = [pick(BASES.filter((b) => b !== ref))]; }
    else if (kind < 0.55) { ref = pick(BASES); alts = BASES.filter((b) => b !== ref).slice(0, int(2, 3)); }
    else if (kind < 0.65) { ref = pick(BASES) + seq(int(1, 4)); alts = [ref[0]]; }
    else if (kind < 0.73) { ref = pick(BASES); alts = [ref + seq(int(1, 5))]; }
    else if (kind < 0.78) { ref = seq(2); alts = [seq(2)]; if (alts[0] === ref) alts = [ref[0] + (ref[1] === 'A' ? 'C' : 'A')]; }
    else if (kind < 0.82) { ref = pick(BASES) + seq(2); alts = [ref[0], ref + 'T']; }
    else if (kind < 0.85) { ref = pick(BASES); alts = ['<DEL>']; }
    else if (kind < 0.87) { ref = pick(BASES); alts = [pick(BASES.filter((b) => b !== ref)), '*']; }
    else if (kind < 0.89) { ref = pick(BASES); alts = []; }
    else if (kind < 0.91) { ref = pick(BASES); alts = ['<*>']; }
    else if (kind < 0.93) { ref = pick(BASES); alts = [`${ref}[2:${int(1000, 90000)}[`]; }
    else if (kind < 0.95) { ref = seq(3); alts = [seq(2)]; }
    else { ref = pick(BASES); alts = [pick(BASES.filter((b) => b !== ref)), ref + seq(2)]; }
    const nAlt = alts.length;
    const nAllele = nAlt + 1;
    const id = chance(0.5) ? '.' : chance(0.8) ? `rs${int(1, 99999)}` : `rs${int(1, 999)};ss${int(1, 999)}`;
    const qual = chance(0.1) ? '.' : chance(0.5) ? String(int(0, 200)) : (r() * 200).toFixed(int(1, 2));
    const filter = pick(['PASS', 'PASS', 'PASS', '.', 'q10', 's50', 'q10;s50', 'LowQual', 's50;LowQual']);
    const info: string[] = [];
    const numOrMiss = (v: string) => (chance(0.06) ? '.' : v);
    if (chance(0.85)) info.push(`DP=${numOrMiss(String(int(0, 300)))}`);
    if (chance(0.7)) info.push(`MQ=${numOrMiss((r() * 60).toFixed(int(0, 3)))}`);
    if (chance(0.5)) info.push(`XI=${Array.from({ length: int(1, 4) }, () => (chance(0.12) ? '.' : String(int(-5, 50)))).join(',')}`);
    if (chance(0.6) && nAlt) info.push(`XF=${Array.from({ length: nAlt }, () => (chance(0.08) ? '.' : (r()).toFixed(int(1, 4)))).join(',')}`);
    if (chance(0.5) && nAlt) info.push(`AO=${Array.from({ length: nAlt }, () => String(int(0, 80))).join(',')}`);
    if (chance(0.4)) info.push(`XS=${Array.from({ length: int(1, 3) }, () => (chance(0.1) ? '.' : pick(['abc', 'ABC', 'missense', 'synonymous', 'stop_gained', 'Hello', 'x.y']))).join(',')}`);
    if (chance(0.4)) info.push(`S1=${pick(['Hello', 'hello', 'world', 'A,B', 'gene1', 'GENE2', '.'])}`);
    if (chance(0.3)) info.push('DB');
    if (chance(0.1)) info.push('SOMATIC');
    if (chance(0.4)) info.push(`DP4=${Array.from({ length: 4 }, () => String(int(0, 40))).join(',')}`);
    const infoStr = info.length ? info.join(';') : '.';
    // FORMAT
    const fmtKind = r();
    const keys = fmtKind < 0.05 ? ['GT'] : fmtKind < 0.1 ? ['GT', 'DP'] : fmtKind < 0.15 ? ['DP', 'GQ'] : ['GT', 'DP', 'GQ', 'AD', 'GL', 'FT', 'VAF'].filter((k) => k === 'GT' || k === 'DP' || chance(0.85));
    const samples: string[] = [];
    for (let s = 0; s < GEN_SAMPLES.length; s++) {
      const vals: string[] = [];
      for (const key of keys) {
        switch (key) {
          case 'GT': {
            const g = r();
            if (g < 0.08) vals.push(pick(['./.', '.', '.|.', '0/.']));
            else if (g < 0.12) vals.push(String(int(0, nAllele - 1)));
            else {
              const a1 = chance(0.5) ? 0 : int(0, nAllele - 1);
              const a2 = int(0, nAllele - 1);
              vals.push(`${a1}${chance(0.2) ? '|' : '/'}${a2}`);
            }
            break;
          }
          case 'DP': vals.push(chance(0.08) ? '.' : String(int(0, 60))); break;
          case 'GQ': vals.push(chance(0.08) ? '.' : String(int(0, 99))); break;
          case 'AD': vals.push(chance(0.08) ? '.' : Array.from({ length: nAllele }, () => (chance(0.05) ? '.' : String(int(0, 40)))).join(',')); break;
          case 'GL': {
            const ng = (nAllele * (nAllele + 1)) / 2;
            vals.push(chance(0.08) ? '.' : Array.from({ length: ng }, () => (-r() * 30).toFixed(int(0, 2))).join(','));
            break;
          }
          case 'FT': vals.push(pick(['PASS', 'PASS', 'LowDP', 'LowGQ', '.', 'LowDP;LowGQ'])); break;
          case 'VAF': vals.push(nAlt ? Array.from({ length: nAlt }, () => (chance(0.08) ? '.' : r().toFixed(int(1, 3)))).join(',') : '.'); break;
        }
      }
      // occasionally drop trailing fields (allowed by the spec)
      let cut = vals.length;
      if (cut > 2 && chance(0.06)) cut = int(1, cut - 1);
      samples.push(vals.slice(0, cut).join(':'));
    }
    lines.push([chrom, String(pos), id, ref, nAlt ? alts.join(',') : '.', qual, filter, infoStr, keys.join(':'), ...samples].join('\t'));
  }
  return lines.join('\n') + '\n';
}
