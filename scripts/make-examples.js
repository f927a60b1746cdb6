#!/usr/bin/env node
// Generates the example data in examples/: a trio and a small cohort, as BGZF VCF with an index.
//
//   node scripts/make-examples.js [outdir]        (default: examples/)
//
// Plain Node, no dependencies; needs `bgzip` and `tabix` (Debian: apt-get install -y tabix) and,
// for the cohort's CSI index, `bcftools`. The output is deterministic: a fixed-seed PRNG drives
// every choice, so re-running it rewrites the same records.
//
// What is real and what is synthetic (see examples/README.md):
//  - contig names and lengths are GRCh38's; genes, their Ensembl ids, strands, approximate GRCh38
//    spans, exon counts and protein lengths are real;
//  - REF bases come from a deterministic pseudo-reference (no FASTA is shipped), exon layouts are
//    evenly spread over the real gene span, and so the HGVS notations, consequences and the
//    ClinVar-like CLNSIG values are plausible but invented: they describe no real variant.
//  - genotypes, depths and likelihoods are internally consistent: AD sums to at most DP, PL is
//    computed from AD with a simple error model, GQ is the second-smallest PL (capped at 99), the
//    called GT has PL 0, AC/AN/AF match the genotypes, and the trio follows Mendelian inheritance
//    except for the planted de novo variants and a few genotyping errors.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'examples'));

// ---------------------------------------------------------------- deterministic randomness
function makeRng(seed) {
  // sfc32 seeded through splitmix32
  let s = seed >>> 0;
  const sm = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = sm(), b = sm(), c = sm(), d = sm();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    normal: (mu, sd) => {
      const u = Math.max(next(), 1e-12), v = next();
      return mu + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    weighted: (pairs) => {
      let tot = 0;
      for (const [, w] of pairs) tot += w;
      let x = next() * tot;
      for (const [v, w] of pairs) { x -= w; if (x < 0) return v; }
      return pairs[pairs.length - 1][0];
    },
    binomial: (n, p) => { let k = 0; for (let i = 0; i < n; i++) if (next() < p) k++; return k; },
  };
  return rng;
}

// ---------------------------------------------------------------- reference data (GRCh38)
const CONTIGS = [
  ['chr1', 248956422], ['chr2', 242193529], ['chr3', 198295559], ['chr4', 190214555], ['chr5', 181538259],
  ['chr6', 170805979], ['chr7', 159345973], ['chr8', 145138636], ['chr9', 138394717], ['chr10', 133797422],
  ['chr11', 135086622], ['chr12', 133275309], ['chr13', 114364328], ['chr14', 107043718], ['chr15', 101991189],
  ['chr16', 90338345], ['chr17', 83257441], ['chr18', 80373285], ['chr19', 58617616], ['chr20', 64444167],
  ['chr21', 46709983], ['chr22', 50818468], ['chrX', 156040895], ['chrY', 57227415], ['chrM', 16569],
];
const CONTIG_LEN = new Map(CONTIGS);

// gene, chrom, start, end (approximate GRCh38 spans), strand, Ensembl gene, transcript, exons, protein length (aa), ClinVar-style condition
const GENES = [
  ['MTHFR', 'chr1', 11785723, 11806455, '-', 'ENSG00000177000', 'ENST00000376590', 12, 656, 'Homocystinuria_due_to_MTHFR_deficiency'],
  ['PCSK9', 'chr1', 55039548, 55064852, '+', 'ENSG00000169174', 'ENST00000302118', 12, 692, 'Familial_hypercholesterolemia'],
  ['LMNA', 'chr1', 156082573, 156140089, '+', 'ENSG00000160789', 'ENST00000368300', 12, 664, 'Dilated_cardiomyopathy_1A'],
  ['TNNT2', 'chr1', 201359008, 201377764, '-', 'ENSG00000118194', 'ENST00000656932', 17, 298, 'Hypertrophic_cardiomyopathy_2'],
  ['MSH2', 'chr2', 47403067, 47634501, '+', 'ENSG00000095002', 'ENST00000233146', 16, 934, 'Lynch_syndrome_1'],
  ['TTN', 'chr2', 178525989, 178830802, '-', 'ENSG00000155657', 'ENST00000589042', 363, 35991, 'Dilated_cardiomyopathy_1G'],
  ['CFTR', 'chr7', 117480025, 117668665, '+', 'ENSG00000001626', 'ENST00000003084', 27, 1480, 'Cystic_fibrosis'],
  ['HBB', 'chr11', 5225464, 5227071, '-', 'ENSG00000244734', 'ENST00000335295', 3, 147, 'beta_Thalassemia'],
  ['MYBPC3', 'chr11', 47331406, 47352702, '-', 'ENSG00000134571', 'ENST00000545968', 35, 1274, 'Hypertrophic_cardiomyopathy_4'],
  ['ATM', 'chr11', 108222484, 108369102, '+', 'ENSG00000149311', 'ENST00000278616', 63, 3056, 'Ataxia-telangiectasia_syndrome'],
  ['BRCA2', 'chr13', 32315508, 32400268, '+', 'ENSG00000139618', 'ENST00000380152', 27, 3418, 'Hereditary_breast_ovarian_cancer_syndrome'],
  ['MYH7', 'chr14', 23412740, 23435660, '-', 'ENSG00000092054', 'ENST00000355349', 40, 1935, 'Hypertrophic_cardiomyopathy_1'],
  ['TP53', 'chr17', 7661779, 7687550, '-', 'ENSG00000141510', 'ENST00000269305', 11, 393, 'Li-Fraumeni_syndrome'],
  ['BRCA1', 'chr17', 43044295, 43125483, '-', 'ENSG00000012048', 'ENST00000357654', 23, 1863, 'Hereditary_breast_ovarian_cancer_syndrome'],
  ['LDLR', 'chr19', 11089462, 11133820, '+', 'ENSG00000130164', 'ENST00000558518', 18, 860, 'Familial_hypercholesterolemia_1'],
  ['APOE', 'chr19', 44905796, 44909393, '+', 'ENSG00000130203', 'ENST00000252486', 4, 317, 'not_provided'],
  ['DMD', 'chrX', 31097677, 33339441, '-', 'ENSG00000198947', 'ENST00000357033', 79, 3685, 'Duchenne_muscular_dystrophy'],
].map(([name, chrom, start, end, strand, geneId, tx, nExons, aaLen, condition]) => buildGene({ name, chrom, start, end, strand, geneId, tx, nExons, aaLen, condition }));

/** Lay the exons of a transcript evenly over the gene span (the real span and counts; synthetic layout). */
function buildGene(g) {
  const rng = makeRng(hashStr(g.name));
  const cdsLen = 3 * (g.aaLen + 1); // including the stop codon
  const utr5 = 60 + rng.int(0, 140);
  const utr3 = 150 + rng.int(0, 600);
  const txLen = utr5 + cdsLen + utr3;
  const span = g.end - g.start + 1;
  if (txLen > span * 0.8) throw new Error(`gene ${g.name}: transcript does not fit`);
  // exon lengths: the CDS split in jittered shares; the UTRs sit in the first and last exons
  const w = Array.from({ length: g.nExons }, () => 0.6 + rng.next() * 0.8);
  const wsum = w.reduce((a, b) => a + b, 0);
  const lens = w.map((x) => Math.max(30, Math.floor((x / wsum) * cdsLen)));
  lens[lens.length - 1] += cdsLen - lens.reduce((a, b) => a + b, 0);
  if (lens[lens.length - 1] < 10) throw new Error(`gene ${g.name}: exon layout failed`);
  lens[0] += utr5;
  lens[lens.length - 1] += utr3;
  const gap = Math.floor((span - txLen) / Math.max(1, g.nExons - 1));
  // genomic exons in transcript order
  const exons = [];
  if (g.strand === '+') {
    let p = g.start;
    for (const L of lens) { exons.push({ gs: p, ge: p + L - 1, len: L }); p += L + gap; }
  } else {
    let p = g.end;
    for (const L of lens) { exons.push({ gs: p - L + 1, ge: p, len: L }); p -= L + gap; }
  }
  let cum = 0;
  for (const e of exons) { e.t0 = cum; cum += e.len; }
  return { ...g, utr5, utr3, cdsLen, txLen, exons };
}

function hashStr(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

// ---------------------------------------------------------------- pseudo-reference
const BASES = 'ACGT';
const refCache = new Map();
/** deterministic base at chrom:pos (GC ~ 41%, like the human genome) */
function refBase(chrom, pos) {
  const k = chrom + ':' + pos;
  let b = refCache.get(k);
  if (b) return b;
  let h = hashStr(chrom) ^ Math.imul(pos, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h = (h ^ (h >>> 15)) >>> 0;
  const x = h / 4294967296;
  b = x < 0.295 ? 'A' : x < 0.59 ? 'T' : x < 0.795 ? 'C' : 'G';
  refCache.set(k, b);
  return b;
}
function refSeq(chrom, pos, len) { let s = ''; for (let i = 0; i < len; i++) s += refBase(chrom, pos + i); return s; }
const COMP = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' };
const revcomp = (s) => s.split('').reverse().map((c) => COMP[c]).join('');
const TRANSITION = { A: 'G', G: 'A', C: 'T', T: 'C' };
function snpAlt(rng, ref, tsProb = 0.68) {
  if (rng.chance(tsProb)) return TRANSITION[ref];
  const tv = BASES.split('').filter((b) => b !== ref && b !== TRANSITION[ref]);
  return rng.pick(tv);
}

// ---------------------------------------------------------------- transcript coordinates and HGVS
/** where a genomic position falls on a gene's transcript */
function locate(g, pos) {
  const ex = g.exons;
  const txStart = g.strand === '+' ? ex[0].gs : ex[0].ge;
  const txEnd = g.strand === '+' ? ex[ex.length - 1].ge : ex[ex.length - 1].gs;
  const before = g.strand === '+' ? pos < txStart : pos > txStart;
  const after = g.strand === '+' ? pos > txEnd : pos < txEnd;
  if (before) return { kind: 'upstream', dist: Math.abs(pos - txStart) };
  if (after) return { kind: 'downstream', dist: Math.abs(pos - txEnd) };
  for (let i = 0; i < ex.length; i++) {
    const e = ex[i];
    if (pos >= e.gs && pos <= e.ge) {
      const off = g.strand === '+' ? pos - e.gs : e.ge - pos;
      return { kind: 'exon', exon: i, t: e.t0 + off + 1 };
    }
  }
  // intron between transcript exons i and i+1
  for (let i = 0; i + 1 < ex.length; i++) {
    const a = ex[i], b = ex[i + 1];
    const inIntron = g.strand === '+' ? pos > a.ge && pos < b.gs : pos < a.gs && pos > b.ge;
    if (inIntron) {
      const d1 = g.strand === '+' ? pos - a.ge : a.gs - pos; // after exon i (donor side)
      const d2 = g.strand === '+' ? b.gs - pos : pos - b.ge; // before exon i+1 (acceptor side)
      return { kind: 'intron', intron: i, d1, d2, tA: a.t0 + a.len, tB: b.t0 + 1 };
    }
  }
  throw new Error(`locate: ${g.name} ${pos}`);
}

/** transcript position (1-based) → c. coordinate text */
function cCoord(g, t) {
  if (t <= g.utr5) return `-${g.utr5 - t + 1}`;
  if (t > g.utr5 + g.cdsLen) return `*${t - g.utr5 - g.cdsLen}`;
  return String(t - g.utr5);
}

/** c. position text of any genomic position within the transcript span */
function cPos(g, pos) {
  const l = locate(g, pos);
  if (l.kind === 'exon') return cCoord(g, l.t);
  if (l.kind === 'intron') return l.d1 <= l.d2 ? `${cCoord(g, l.tA)}+${l.d1}` : `${cCoord(g, l.tB)}-${l.d2}`;
  if (l.kind === 'upstream') return `-${g.utr5 + l.dist}`;
  return `*${g.utr3 + l.dist}`;
}

const AA = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val'];

/**
 * SnpEff-style ANN entry for one ALT allele of a variant (pos, ref, alt) on gene g, or an
 * intergenic_region entry when g is null. `force` plants a consequence for coding variants.
 */
function annotate(rng, chrom, pos0, ref0, alt, g, flank, force) {
  const rank = (n, tot) => `${n}/${tot}`;
  // the minimal representation of this allele (shared suffix and prefix trimmed, keeping one anchor base)
  const { pos, ref, alt: a1 } = minimal(pos0, ref0, alt);
  const isSnp = ref.length === 1 && a1.length === 1;
  const isDel = !isSnp && a1.length === 1 && ref[0] === a1[0];
  const isIns = !isSnp && ref.length === 1 && a1[0] === ref[0];
  // affected genomic interval [s, e] and the bases on the + strand
  let s, e, kind, bases;
  if (isSnp) { s = e = pos; kind = 'snp'; }
  else if (isDel) { s = pos + 1; e = pos + ref.length - 1; kind = 'del'; bases = ref.slice(1); }
  else if (isIns) { s = pos; e = pos + 1; kind = 'ins'; bases = a1.slice(1); }
  else { s = pos; e = pos + ref.length - 1; kind = 'delins'; bases = a1; }
  if (!g) {
    const [left, right] = flank;
    const gname = `${left ? left.name : 'CHR_START'}-${right ? right.name : 'CHR_END'}`;
    const gid = `${left ? left.geneId : 'CHR_START'}-${right ? right.geneId : 'CHR_END'}`;
    const h = kind === 'snp' ? `n.${pos}${ref}>${a1}` : kind === 'del' ? (s === e ? `n.${s}del${bases}` : `n.${s}_${e}del${bases}`)
      : kind === 'ins' ? `n.${s}_${e}ins${bases}` : `n.${s}_${e}delins${bases}`;
    return { ann: [alt, 'intergenic_region', 'MODIFIER', gname, gid, 'intergenic_region', gid, '', '', h, '', '', '', '', '', ''], impact: 'MODIFIER' };
  }
  // HGVS.c on the transcript strand
  const plus = g.strand === '+';
  const range = (x, y) => (x === y ? cPos(g, x) : plus ? `${cPos(g, x)}_${cPos(g, y)}` : `${cPos(g, y)}_${cPos(g, x)}`);
  const strandSeq = (b) => (plus ? b : revcomp(b));
  let hgvsC;
  if (kind === 'snp') hgvsC = `c.${cPos(g, pos)}${strandSeq(ref)}>${strandSeq(a1)}`;
  else if (kind === 'del') hgvsC = `c.${range(s, e)}del${strandSeq(bases)}`;
  else if (kind === 'ins') hgvsC = `c.${range(s, e)}ins${strandSeq(bases)}`;
  else hgvsC = `c.${range(s, e)}delins${strandSeq(bases)}`;
  const lenDiff = a1.length - ref.length;
  const base = (effect, impact, rk, hgvsP, cdna, cds, aa, dist) =>
    ({ ann: [alt, effect, impact, g.name, g.geneId, 'transcript', g.tx, 'protein_coding', rk, hgvsC, hgvsP, cdna, cds, aa, dist, ''], impact });
  const l = locate(g, s); // first affected base
  const nEx = g.exons.length;
  if (l.kind === 'upstream') return base('upstream_gene_variant', 'MODIFIER', '', '', '', '', '', String(l.dist));
  if (l.kind === 'downstream') return base('downstream_gene_variant', 'MODIFIER', '', '', '', '', '', String(l.dist));
  if (l.kind === 'intron') {
    const d = Math.min(l.d1, l.d2);
    const rk = rank(l.intron + 1, nEx - 1);
    if (d <= 2) return base(l.d1 <= l.d2 ? 'splice_donor_variant&intron_variant' : 'splice_acceptor_variant&intron_variant', 'HIGH', rk, '', '', '', '', '');
    if (d <= 8) return base('splice_region_variant&intron_variant', 'LOW', rk, '', '', '', '', '');
    return base('intron_variant', 'MODIFIER', rk, '', '', '', '', '');
  }
  const rk = rank(l.exon + 1, nEx);
  const cdna = `${l.t}/${g.txLen}`;
  if (l.t <= g.utr5) return base('5_prime_UTR_variant', 'MODIFIER', rk, '', cdna, '', '', '');
  if (l.t > g.utr5 + g.cdsLen) return base('3_prime_UTR_variant', 'MODIFIER', rk, '', cdna, '', '', '');
  const c = l.t - g.utr5;
  const aaPos = Math.ceil(c / 3);
  const cds = `${c}/${g.cdsLen}`;
  const aa = `${aaPos}/${g.aaLen}`;
  const refAa = AA[hashStr(g.name + aaPos) % AA.length];
  if (isSnp) {
    const k = force ?? rng.weighted([['syn', 38], ['mis', 58], ['stop', 4]]);
    if (k === 'syn') return base('synonymous_variant', 'LOW', rk, `p.${refAa}${aaPos}${refAa}`, cdna, cds, aa, '');
    if (k === 'stop') return base('stop_gained', 'HIGH', rk, `p.${refAa}${aaPos}*`, cdna, cds, aa, '');
    let altAa = rng.pick(AA);
    while (altAa === refAa) altAa = rng.pick(AA);
    return base('missense_variant', 'MODERATE', rk, `p.${refAa}${aaPos}${altAa}`, cdna, cds, aa, '');
  }
  const n = Math.abs(lenDiff);
  if (n % 3 !== 0) return base('frameshift_variant', 'HIGH', rk, `p.${refAa}${aaPos}fs`, cdna, cds, aa, '');
  if (kind === 'delins') return base('missense_variant', 'MODERATE', rk, `p.${refAa}${aaPos}delins${rng.pick(AA)}`, cdna, cds, aa, '');
  if (isDel) {
    const k = n / 3;
    const p = k === 1 ? `p.${refAa}${aaPos}del` : `p.${refAa}${aaPos}_${AA[hashStr(g.name + (aaPos + k - 1)) % AA.length]}${aaPos + k - 1}del`;
    return base(c % 3 === 1 ? 'conservative_inframe_deletion' : 'disruptive_inframe_deletion', 'MODERATE', rk, p, cdna, cds, aa, '');
  }
  const insAa = Array.from({ length: n / 3 }, () => rng.pick(AA)).join('');
  const next = AA[hashStr(g.name + (aaPos + 1)) % AA.length];
  return base(c % 3 === 0 ? 'conservative_inframe_insertion' : 'disruptive_inframe_insertion', 'MODERATE', rk, `p.${refAa}${aaPos}_${next}${aaPos + 1}ins${insAa}`, cdna, cds, aa, '');
}

function minimal(pos, ref, alt) {
  let r = ref, a = alt, p = pos;
  while (r.length > 1 && a.length > 1 && r[r.length - 1] === a[a.length - 1]) { r = r.slice(0, -1); a = a.slice(0, -1); }
  while (r.length > 1 && a.length > 1 && r[0] === a[0]) { r = r.slice(1); a = a.slice(1); p++; }
  return { pos: p, ref: r, alt: a };
}

// ---------------------------------------------------------------- sites
/** a random position in one of the genes (or a flanking window) on the given chromosomes */
function drawPosition(rng, genes) {
  const g = rng.weighted(genes.map((x) => [x, Math.min(x.end - x.start, 150000) + 40000]));
  const region = rng.weighted([['exon', 14], ['splice', 1.5], ['intron', 55], ['flank', 30]]);
  const at = (pos) => ({ chrom: g.chrom, pos });
  if (region === 'exon') {
    const e = rng.pick(g.exons);
    return at(rng.int(e.gs, e.ge));
  }
  if (region === 'splice') {
    const i = rng.int(0, g.exons.length - 2);
    const e = g.exons[i];
    const d = rng.int(1, 8);
    // donor side: just after the exon in transcript orientation
    return at(g.strand === '+' ? e.ge + d : e.gs - d);
  }
  if (region === 'intron') return at(rng.int(g.start, g.end));
  const side = rng.chance(0.5) ? -1 : 1;
  const dist = rng.int(1, 60000);
  return at(side < 0 ? g.start - dist : g.end + dist);
}

function geneAt(genes, chrom, pos) {
  let best = null;
  for (const g of genes) {
    if (g.chrom !== chrom) continue;
    if (pos >= g.start - 5000 && pos <= g.end + 5000) {
      // prefer the gene whose span contains pos
      if (!best || (pos >= g.start && pos <= g.end)) best = g;
    }
  }
  return best;
}
function flanks(chrom, pos) {
  const on = GENES.filter((g) => g.chrom === chrom);
  let left = null, right = null;
  for (const g of on) {
    if (g.end < pos && (!left || g.end > left.end)) left = g;
    if (g.start > pos && (!right || g.start < right.start)) right = g;
  }
  return [left, right];
}

/** Alleles for a new site at pos: SNP (most), indel, or a multi-allelic combination. */
function drawAlleles(rng, chrom, pos, opts) {
  const kind = opts.kind ?? rng.weighted([['snp', 84], ['del', 6.5], ['ins', 5.5], ['multi', opts.multi ?? 4]]);
  const r0 = refBase(chrom, pos);
  if (kind === 'snp') return { ref: r0, alts: [snpAlt(rng, r0)] };
  if (kind === 'del') {
    const L = opts.len ?? rng.weighted([[1, 50], [2, 18], [3, 10], [4, 8], [5, 4], [6, 3], [8, 3], [12, 2], [17, 1]]);
    return { ref: refSeq(chrom, pos, L + 1), alts: [r0] };
  }
  if (kind === 'ins') {
    const L = opts.len ?? rng.weighted([[1, 50], [2, 18], [3, 10], [4, 8], [6, 5], [9, 3], [13, 2]]);
    let ins = '';
    for (let i = 0; i < L; i++) ins += rng.chance(0.5) ? refBase(chrom, pos - L + 1 + i) : rng.pick(['A', 'C', 'G', 'T']);
    return { ref: r0, alts: [r0 + ins] };
  }
  // multi-allelic
  const m = rng.weighted([['snp2', 55], ['del2', 25], ['snpdel', 20]]);
  if (m === 'snp2') {
    const a = snpAlt(rng, r0);
    const b = BASES.split('').filter((x) => x !== r0 && x !== a);
    return { ref: r0, alts: [a, rng.pick(b)] };
  }
  if (m === 'del2') {
    // a repeat-like site: REF=XYY.. with two different deletion lengths, or a deletion and an insertion
    const ref = refSeq(chrom, pos, 4);
    return rng.chance(0.6) ? { ref, alts: [ref.slice(0, 1), ref.slice(0, 3)] } : { ref: ref.slice(0, 2), alts: [ref.slice(0, 1), ref.slice(0, 2) + ref[1]] };
  }
  // a deletion and a SNP at the same position: REF=XY, ALT=X,ZY
  const ref = refSeq(chrom, pos, 2);
  return { ref, alts: [ref[0], snpAlt(rng, ref[0]) + ref[1]] };
}

// ---------------------------------------------------------------- genotypes and likelihoods
const ERR = 0.01;
/** index of diploid genotype (j,k) in a Number=G array */
const gIndex = (j, k) => (j <= k ? (k * (k + 1)) / 2 + j : (j * (j + 1)) / 2 + k);

/** PL array from AD for the given ploidy */
function computePL(ad, ploidy) {
  const n = ad.length;
  const pr = (a, g) => (a === g ? 1 - ERR : ERR / 3);
  const ll = [];
  if (ploidy === 1) {
    for (let g = 0; g < n; g++) { let s = 0; for (let a = 0; a < n; a++) s += ad[a] * Math.log10(pr(a, g)); ll.push(s); }
  } else {
    for (let k = 0; k < n; k++) for (let j = 0; j <= k; j++) {
      let s = 0;
      for (let a = 0; a < n; a++) s += ad[a] * Math.log10((pr(a, j) + pr(a, k)) / 2);
      ll[gIndex(j, k)] = s;
    }
  }
  const mx = Math.max(...ll);
  return ll.map((x) => Math.round(-10 * (x - mx)));
}

/** reads supporting each allele for a genotype (allele list) at depth dp */
function drawAD(rng, alleles, nAllele, dp, balance = 0.5) {
  const ad = new Array(nAllele).fill(0);
  for (let r = 0; r < dp; r++) {
    let a = alleles.length === 1 ? alleles[0] : rng.chance(balance) ? alleles[1] : alleles[0];
    if (rng.chance(ERR)) {
      const others = [];
      for (let x = 0; x < nAllele; x++) if (x !== a) others.push(x);
      if (others.length) a = rng.pick(others);
    }
    ad[a]++;
  }
  return ad;
}

/** FORMAT values for one called genotype; ensures the called GT is the most likely one */
function sampleCall(rng, alleles, nAllele, dp, lowQ) {
  const gtIdx = alleles.length === 1 ? alleles[0] : gIndex(alleles[0], alleles[1]);
  let ad, pl;
  for (let tries = 0; tries < 30; tries++) {
    ad = drawAD(rng, alleles, nAllele, dp, lowQ ? 0.3 : 0.5);
    pl = computePL(ad, alleles.length);
    if (pl[gtIdx] === 0 && pl.filter((x) => x === 0).length === 1) break;
    if (tries === 29) {
      // fall back to a clean balanced pileup
      ad = new Array(nAllele).fill(0);
      if (alleles.length === 1) ad[alleles[0]] = dp;
      else { ad[alleles[0]] += Math.ceil(dp / 2); ad[alleles[1]] += Math.floor(dp / 2); }
      pl = computePL(ad, alleles.length);
    }
  }
  const sorted = [...pl].sort((a, b) => a - b);
  const gq = Math.min(99, sorted[1] ?? 99);
  const fdp = ad.reduce((a, b) => a + b, 0) + (rng.chance(0.15) ? rng.int(1, 2) : 0);
  return { ad, pl, gq, dp: fdp };
}

function depth(rng, mean, lowQ) {
  if (lowQ) return rng.int(3, 8);
  return Math.max(6, Math.round(rng.normal(mean, mean * 0.25)));
}

function fmtAF(x) {
  if (x === 0) return '0.00';
  if (x >= 0.001) return x.toFixed(3);
  return x.toExponential(3);
}

/** Build one VCF record line. */
function recordLine(ctx, site, calls) {
  const { rng } = ctx;
  const nAllele = 1 + site.alts.length;
  const fmt = [];
  const ac = new Array(site.alts.length).fill(0);
  let an = 0, infoDp = 0, carrierDp = 0, qual = 0;
  for (const c of calls) {
    if (!c.alleles) {
      const ploidy = c.ploidy ?? 2;
      fmt.push(`${ploidy === 1 ? '.' : './.'}:${new Array(nAllele).fill(0).join(',')}:0:.:${new Array(ploidy === 1 ? nAllele : (nAllele * (nAllele + 1)) / 2).fill(0).join(',')}`);
      continue;
    }
    const d = depth(rng, ctx.meanDepth, site.lowQ && c.alleles.some((a) => a > 0));
    const v = sampleCall(rng, c.alleles, nAllele, d, site.lowQ);
    infoDp += v.dp;
    for (const a of c.alleles) { an++; if (a > 0) ac[a - 1]++; }
    if (c.alleles.some((a) => a > 0)) {
      carrierDp += v.dp;
      qual += Math.min(v.pl[0], 2500) * 0.8;
    }
    const sep = c.phased ? '|' : '/';
    fmt.push(`${c.alleles.join(sep)}:${v.ad.join(',')}:${v.dp}:${v.gq}:${v.pl.join(',')}`);
  }
  if (site.lowQ) qual = 8 + rng.next() * 21;
  else qual = Math.max(qual, 31 + rng.next() * 40);
  const filter = qual < 30 ? 'LowQual' : site.filter ?? 'PASS';
  const info = [];
  info.push(`AC=${ac.join(',')}`);
  info.push(`AF=${ac.map((x) => fmtAF(an ? x / an : 0)).join(',')}`);
  info.push(`AN=${an}`);
  info.push(`DP=${infoDp + rng.int(0, 6)}`);
  if (site.excessHet !== undefined) info.push(`ExcessHet=${site.excessHet.toFixed(4)}`);
  const fs = rng.chance(0.9) ? rng.next() * 4 : 5 + rng.next() * 50;
  info.push(`FS=${fs.toFixed(3)}`);
  info.push(`MQ=${(rng.chance(0.85) ? 60 : 40 + rng.next() * 20).toFixed(2)}`);
  info.push(`QD=${(carrierDp ? qual / carrierDp : 0).toFixed(2)}`);
  if (site.deNovo) info.push(`hiConfDeNovo=${ctx.child}`);
  info.push(`ANN=${site.ann.map((a) => a.ann.join('|')).join(',')}`);
  const lof = site.ann.find((a) => a.impact === 'HIGH' && site.gene);
  if (lof) info.push(`LOF=(${site.gene.name}|${site.gene.geneId}|1|1.00)`);
  if (site.clin) info.push(`CLNSIG=${site.clin.sig}`, `CLNREVSTAT=${site.clin.rev}`, `CLNDN=${site.clin.dn}`);
  return [site.chrom, site.pos, '.', site.ref, site.alts.join(','), qual.toFixed(2), filter, info.join(';'), 'GT:AD:DP:GQ:PL', ...fmt].join('\t');
}

const REVSTAT = {
  Pathogenic: ['criteria_provided,_multiple_submitters,_no_conflicts', 'reviewed_by_expert_panel'],
  Likely_pathogenic: ['criteria_provided,_single_submitter', 'criteria_provided,_multiple_submitters,_no_conflicts'],
  Uncertain_significance: ['criteria_provided,_single_submitter', 'criteria_provided,_multiple_submitters,_no_conflicts'],
  Conflicting_interpretations_of_pathogenicity: ['criteria_provided,_conflicting_interpretations'],
  Likely_benign: ['criteria_provided,_single_submitter', 'criteria_provided,_multiple_submitters,_no_conflicts'],
  Benign: ['criteria_provided,_multiple_submitters,_no_conflicts', 'reviewed_by_expert_panel'],
  'Pathogenic/Likely_pathogenic': ['criteria_provided,_multiple_submitters,_no_conflicts'],
  risk_factor: ['no_assertion_criteria_provided'],
};

/** ClinVar-like significance for a biallelic site in a gene, from its impact (or a planted value) */
function clinvarFor(rng, site, planted) {
  if (!site.gene || site.alts.length !== 1) return undefined;
  const impact = site.ann[0].impact;
  let sig = planted;
  if (!sig) {
    if (impact === 'HIGH' && rng.chance(0.7)) sig = rng.weighted([['Pathogenic', 6], ['Likely_pathogenic', 3], ['Uncertain_significance', 1]]);
    else if (impact === 'MODERATE' && rng.chance(0.55)) sig = rng.weighted([['Uncertain_significance', 5], ['Conflicting_interpretations_of_pathogenicity', 2], ['Likely_benign', 2], ['Benign', 2], ['Likely_pathogenic', 0.4]]);
    else if (impact === 'LOW' && rng.chance(0.5)) sig = rng.weighted([['Benign', 4], ['Likely_benign', 5], ['Uncertain_significance', 1]]);
    else if (impact === 'MODIFIER' && rng.chance(0.04)) sig = rng.weighted([['Benign', 6], ['Likely_benign', 3]]);
  }
  if (!sig) return undefined;
  const dn = sig === 'Benign' || sig === 'Likely_benign' ? rng.pick([site.gene.condition, 'not_specified', 'not_provided']) : site.gene.condition;
  return { sig, rev: rng.pick(REVSTAT[sig]), dn };
}

/** Create site skeletons (position + alleles + annotation) without genotypes. */
function makeSites(rng, genes, chroms, n, opts = {}) {
  const cand = genes.filter((g) => chroms.includes(g.chrom));
  const used = [];
  const sites = [];
  const tooClose = (chrom, pos) => used.some((u) => u.chrom === chrom && Math.abs(u.pos - pos) < 60);
  const add = (site) => { used.push({ chrom: site.chrom, pos: site.pos }); sites.push(site); return site; };
  for (const p of opts.planted ?? []) {
    const g = GENES.find((x) => x.name === p.gene);
    // a coding position: pick an exon from the middle of the CDS
    let pos;
    for (let tries = 0; ; tries++) {
      const e = g.exons[rng.int(1, g.exons.length - 2)];
      pos = rng.int(e.gs + 12, e.ge - 12);
      const l = locate(g, pos);
      if (l.kind === 'exon' && l.t > g.utr5 + 3 && l.t < g.utr5 + g.cdsLen - 30 && !tooClose(g.chrom, pos)) break;
      if (tries > 500) throw new Error(`cannot place planted variant in ${g.name}`);
    }
    const al = drawAlleles(rng, g.chrom, pos, { kind: p.kind === 'frameshift' ? 'del' : 'snp', len: p.kind === 'frameshift' ? 1 : undefined });
    const force = p.kind === 'stop' ? 'stop' : p.kind === 'missense' ? 'mis' : undefined;
    const site = { chrom: g.chrom, pos, ...al, gene: g, planted: p };
    site.ann = site.alts.map((a) => annotate(rng, g.chrom, pos, site.ref, a, g, null, force));
    site.clin = clinvarFor(rng, site, p.clnsig);
    add(site);
  }
  while (sites.length < n) {
    const { chrom, pos } = drawPosition(rng, cand);
    const g0 = geneAt(cand, chrom, pos);
    const len = CONTIG_LEN.get(chrom);
    if (pos < 1000 || pos > len - 1000 || tooClose(chrom, pos)) continue;
    const al = drawAlleles(rng, chrom, pos, { multi: opts.multi });
    const site = { chrom, pos, ...al, gene: g0 };
    site.ann = site.alts.map((a) => annotate(rng, chrom, pos, site.ref, a, g0, flanks(chrom, pos)));
    // purifying selection: keep only some of the drawn high-impact variants
    if (site.ann.some((a) => a.impact === 'HIGH') && !rng.chance(0.3)) continue;
    // intergenic variants name no gene
    if (!g0) site.gene = null;
    site.clin = clinvarFor(rng, site);
    add(site);
  }
  const order = new Map(CONTIGS.map(([c], i) => [c, i]));
  sites.sort((a, b) => order.get(a.chrom) - order.get(b.chrom) || a.pos - b.pos);
  return sites;
}

/** damaging variants are rare: the frequency spectrum depends on the annotation */
function spectrumFor(site, neutral) {
  const impacts = new Set(site.ann.map((a) => a.impact));
  if (impacts.has('HIGH') || /athogenic/.test(site.clin?.sig ?? '')) return [['ultra', 1]];
  if (impacts.has('MODERATE')) return [['ultra', 40], ['rare', 35], ['common', 25]];
  return neutral;
}

/** population allele frequencies for the ALT alleles of a site */
function drawAF(rng, nAlt, spectrum) {
  const one = () => {
    const k = rng.weighted(spectrum);
    if (k === 'ultra') return 0.002 + rng.next() * 0.008;
    if (k === 'rare') return 0.01 + rng.next() * 0.04;
    return 0.05 + rng.next() * 0.6;
  };
  const afs = [];
  for (let i = 0; i < nAlt; i++) afs.push(one() / (i + 1));
  return afs;
}
function drawAllele(rng, afs) {
  let x = rng.next();
  for (let i = 0; i < afs.length; i++) { x -= afs[i]; if (x < 0) return i + 1; }
  return 0;
}

// ---------------------------------------------------------------- header
function header(opts) {
  const L = [];
  L.push(`##fileformat=${opts.fileformat}`);
  L.push('##FILTER=<ID=PASS,Description="All filters passed">');
  if (opts.excessHet) L.push('##FILTER=<ID=ExcessHet,Description="ExcessHet > 54.69">');
  L.push('##FILTER=<ID=LowQual,Description="Low quality">');
  L.push('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">');
  L.push('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">');
  L.push('##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">');
  L.push('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">');
  L.push('##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes as defined in the VCF specification">');
  L.push(`##GATKCommandLine=<ID=GenotypeGVCFs,CommandLine="GenotypeGVCFs --output ${opts.name}.vcf.gz --variant gendb://${opts.name}_db --reference Homo_sapiens_assembly38.fasta",Version="4.2.6.1",Date="March 4, 2024 10:12:31 AM UTC">`);
  L.push('##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes, for each ALT allele, in the same order as listed">');
  L.push('##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency, for each ALT allele, in the same order as listed">');
  L.push('##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">');
  L.push('##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">');
  if (opts.excessHet) L.push('##INFO=<ID=ExcessHet,Number=1,Type=Float,Description="Phred-scaled p-value for exact test of excess heterozygosity">');
  L.push('##INFO=<ID=FS,Number=1,Type=Float,Description="Phred-scaled p-value using Fisher\'s exact test to detect strand bias">');
  L.push('##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS Mapping Quality">');
  L.push('##INFO=<ID=QD,Number=1,Type=Float,Description="Variant Confidence/Quality by Depth">');
  if (opts.trio) L.push('##INFO=<ID=hiConfDeNovo,Number=1,Type=String,Description="High confidence possible de novo mutation (GQ >= 20 for all trio members)=[comma-delimited list of child samples]">');
  for (const [id, len] of CONTIGS) L.push(`##contig=<ID=${id},length=${len},assembly=GRCh38>`);
  L.push('##reference=file:///references/GRCh38/Homo_sapiens_assembly38.fasta');
  L.push('##source=GenotypeGVCFs');
  if (opts.trio) {
    L.push(opts.fileformat === 'VCFv4.2'
      ? `##PEDIGREE=<Child=${opts.trio.child},Mother=${opts.trio.mother},Father=${opts.trio.father}>`
      : `##PEDIGREE=<ID=${opts.trio.child},Father=${opts.trio.father},Mother=${opts.trio.mother}>`);
  }
  L.push('##SnpEffVersion="5.1d (build 2022-04-19 15:49), by Pablo Cingolani"');
  L.push(`##SnpEffCmd="SnpEff  -noStats GRCh38.105 ${opts.name}.genotyped.vcf.gz "`);
  L.push('##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: \'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO\' ">');
  L.push('##INFO=<ID=LOF,Number=.,Type=String,Description="Predicted loss of function effects for this variant. Format: \'Gene_Name | Gene_ID | Number_of_transcripts_in_gene | Percent_of_transcripts_affected\'">');
  L.push('##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant (ClinVar-style; synthetic example values)">');
  L.push('##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID (synthetic example values)">');
  L.push('##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar\'s preferred disease name for the concept specified by disease identifiers in CLNDISDB (synthetic example values)">');
  L.push('##comment=Synthetic example data written by scripts/make-examples.js: not real calls. Contigs and gene names/ids/spans are GRCh38; REF bases, exon layout, HGVS and CLNSIG are invented.');
  L.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...opts.samples].join('\t'));
  return L.join('\n') + '\n';
}

// ---------------------------------------------------------------- trio
function makeTrio() {
  const rng = makeRng(20240304);
  const trio = { child: 'child', mother: 'mother', father: 'father' };
  const chroms = ['chr1', 'chr2', 'chr7', 'chr11', 'chr13', 'chr14', 'chr17', 'chrX'];
  const planted = [
    { gene: 'MYH7', kind: 'missense', inherit: 'denovo', clnsig: 'Pathogenic' },
    { gene: 'TTN', kind: 'frameshift', inherit: 'denovo', clnsig: 'Likely_pathogenic' },
    { gene: 'BRCA1', kind: 'missense', inherit: 'denovo', clnsig: 'Uncertain_significance' },
    { gene: 'MYBPC3', kind: 'frameshift', inherit: 'maternal', clnsig: 'Pathogenic' },
    { gene: 'CFTR', kind: 'missense', inherit: 'paternal', clnsig: 'Pathogenic' },
    { gene: 'CFTR', kind: 'stop', inherit: 'maternal', clnsig: 'Pathogenic' },
    { gene: 'LMNA', kind: 'missense', inherit: 'paternal', clnsig: 'Uncertain_significance' },
    { gene: 'DMD', kind: 'missense', inherit: 'maternal', clnsig: 'Likely_benign' },
  ];
  const sites = makeSites(rng, GENES, chroms, 1500, { planted, multi: 12 });
  const ctx = { rng, meanDepth: 34, child: trio.child };
  // a few random de novo sites (intronic/intergenic) and genotyping errors
  const extraDeNovo = new Set();
  const errors = new Set();
  while (extraDeNovo.size < 5) extraDeNovo.add(rng.int(0, sites.length - 1));
  while (errors.size < 4) { const i = rng.int(0, sites.length - 1); if (!extraDeNovo.has(i)) errors.add(i); }
  const lines = [];
  sites.forEach((site, idx) => {
    const onX = site.chrom === 'chrX';
    const phasedRegion = site.chrom === 'chr7' || site.chrom === 'chr13' || site.chrom === 'chr17';
    site.lowQ = !site.planted && rng.chance(0.035);
    const afs = drawAF(rng, site.alts.length, spectrumFor(site, [['ultra', 25], ['rare', 25], ['common', 50]]));
    let mother, father, child, fromM, fromF;
    const inherit = site.planted?.inherit ?? (extraDeNovo.has(idx) ? 'denovo' : errors.has(idx) ? 'error' : undefined);
    if (inherit === 'denovo') {
      site.deNovo = true;
      site.lowQ = false;
      mother = [0, 0]; father = onX ? [0] : [0, 0]; child = [0, 1]; fromM = 0; fromF = 1;
    } else if (inherit === 'maternal' || inherit === 'paternal') {
      mother = inherit === 'maternal' ? [0, 1] : [0, 0];
      father = onX ? [inherit === 'paternal' ? 1 : 0] : inherit === 'paternal' ? [0, 1] : [0, 0];
      fromM = inherit === 'maternal' ? 1 : 0;
      fromF = inherit === 'paternal' ? 1 : 0;
      child = [fromM, fromF];
    } else if (inherit === 'error') {
      // child called hom-alt while the father is hom-ref: a genotyping error (low quality)
      site.lowQ = true;
      site.alts = site.alts.slice(0, 1);
      site.ann = site.ann.slice(0, 1);
      mother = [0, 1]; father = onX ? [0] : [0, 0]; child = [1, 1]; fromM = 1; fromF = 1;
    } else {
      for (;;) {
        mother = [drawAllele(rng, afs), drawAllele(rng, afs)];
        father = onX ? [drawAllele(rng, afs)] : [drawAllele(rng, afs), drawAllele(rng, afs)];
        fromM = mother[rng.int(0, 1)];
        fromF = father[onX ? 0 : rng.int(0, 1)];
        child = [fromM, fromF];
        if ([...mother, ...father].some((a) => a > 0)) break;
      }
    }
    // phase by transmission: child maternal|paternal, parents transmitted|untransmitted;
    // only where the transmission is unambiguous (not every member heterozygous)
    const het = (g) => g.length === 2 && g[0] !== g[1];
    const ambiguous = het(mother) && het(child) && (onX ? false : het(father));
    const phase = phasedRegion && !ambiguous && inherit !== 'error' && inherit !== 'denovo';
    const calls = [];
    const mk = (g, transmitted, ploidy) => {
      if (rng.chance(0.01) && inherit === undefined) return { alleles: null, ploidy };
      if (phase && g.length === 2) {
        const i = g.indexOf(transmitted);
        const ordered = i === 1 ? [g[1], g[0]] : [...g];
        return { alleles: ordered, phased: true };
      }
      return { alleles: g.length === 2 ? [...g].sort((a, b) => a - b) : [...g], phased: false };
    };
    const c = mk(child, undefined, 2);
    if (phase && c.alleles) c.alleles = [fromM, fromF];
    calls.push(c);
    calls.push(mk(mother, fromM, 2));
    calls.push(mk(father, fromF, onX ? 1 : 2));
    // drop ALT alleles nobody carries (multi-allelic sites drawn with a rare second allele)
    const used = new Set(calls.flatMap((x) => x.alleles ?? []).filter((a) => a > 0));
    if (!used.size) { calls[1] = { alleles: mother.length === 2 ? [0, 1] : [1], phased: false }; used.add(1); }
    if (site.alts.length > 1 && used.size < site.alts.length) {
      const keep = site.alts.map((_, i) => i + 1).filter((a) => used.has(a));
      const remap = new Map([[0, 0], ...keep.map((a, i) => [a, i + 1])]);
      site.alts = keep.map((a) => site.alts[a - 1]);
      site.ann = keep.map((a) => site.ann[a - 1]);
      for (const x of calls) if (x.alleles) x.alleles = x.alleles.map((a) => remap.get(a));
      trimRef(site);
      if (site.alts.length === 1) site.clin = undefined;
    }
    lines.push(recordLine(ctx, site, calls));
  });
  return header({ fileformat: 'VCFv4.2', name: 'trio', trio, samples: [trio.child, trio.mother, trio.father] }) + lines.join('\n') + '\n';
}

/** after dropping an ALT allele, trim the shared trailing REF/ALT bases (keep VCF normalised) */
function trimRef(site) {
  for (;;) {
    const all = [site.ref, ...site.alts];
    if (all.some((a) => a.length < 2)) return;
    const last = site.ref[site.ref.length - 1];
    if (!all.every((a) => a[a.length - 1] === last)) return;
    site.ref = site.ref.slice(0, -1);
    site.alts = site.alts.map((a) => a.slice(0, -1));
    for (const a of site.ann) a.ann[0] = a.ann[0].slice(0, -1);
  }
}

// ---------------------------------------------------------------- cohort
function makeCohort() {
  const rng = makeRng(1000);
  const n = 60;
  const samples = Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
  const chroms = ['chr1', 'chr2', 'chr11', 'chr13', 'chr17', 'chr19'];
  const planted = [
    { gene: 'BRCA2', kind: 'frameshift', carriers: 1, clnsig: 'Pathogenic' },
    { gene: 'BRCA1', kind: 'stop', carriers: 2, clnsig: 'Pathogenic' },
    { gene: 'LDLR', kind: 'missense', carriers: 3, clnsig: 'Pathogenic/Likely_pathogenic' },
    { gene: 'APOE', kind: 'missense', carriers: 14, clnsig: 'risk_factor' },
    { gene: 'PCSK9', kind: 'missense', carriers: 9, clnsig: 'Benign' },
    { gene: 'MYBPC3', kind: 'missense', carriers: 1, clnsig: 'Conflicting_interpretations_of_pathogenicity' },
  ];
  const sites = makeSites(rng, GENES, chroms, 1800, { planted, multi: 5 });
  const ctx = { rng, meanDepth: 28 };
  const poorSample = 36; // S037: a sample with low coverage and many missing calls
  const lines = [];
  for (const site of sites) {
    site.lowQ = !site.planted && rng.chance(0.03);
    const artefact = !site.planted && !site.lowQ && site.alts.length === 1 && rng.chance(0.006);
    let gts;
    if (site.planted) {
      const carriers = new Set();
      while (carriers.size < site.planted.carriers) carriers.add(rng.int(0, n - 1));
      gts = samples.map((_, i) => (carriers.has(i) ? [0, 1] : [0, 0]));
      if (site.planted.carriers > 10) gts[[...carriers][0]] = [1, 1];
    } else {
      const afs = drawAF(rng, site.alts.length, spectrumFor(site, [['ultra', 45], ['rare', 25], ['common', 30]]));
      for (;;) {
        gts = samples.map(() => {
          if (artefact) return rng.chance(0.85) ? [0, 1] : [0, 0];
          const g = [drawAllele(rng, afs), drawAllele(rng, afs)];
          return g.sort((a, b) => a - b);
        });
        if (gts.some((g) => g.some((a) => a > 0))) break;
      }
    }
    const calls = gts.map((g, i) => {
      const pMiss = i === poorSample ? 0.12 : 0.012;
      if (!site.planted && rng.chance(pMiss)) return { alleles: null };
      return { alleles: g, phased: false };
    });
    // drop ALT alleles nobody carries
    const used = new Set(calls.flatMap((x) => x.alleles ?? []).filter((a) => a > 0));
    if (!used.size) {
      const i = calls.findIndex((x) => x.alleles);
      calls[i] = { alleles: [0, 1], phased: false };
      used.add(1);
    }
    if (site.alts.length > 1 && used.size < site.alts.length) {
      const keep = site.alts.map((_, i) => i + 1).filter((a) => used.has(a));
      const remap = new Map([[0, 0], ...keep.map((a, i) => [a, i + 1])]);
      site.alts = keep.map((a) => site.alts[a - 1]);
      site.ann = keep.map((a) => site.ann[a - 1]);
      for (const x of calls) if (x.alleles) x.alleles = x.alleles.map((a) => remap.get(a));
      trimRef(site);
      if (site.alts.length === 1) site.clin = undefined;
    }
    // excess heterozygosity: phred-scaled one-sided binomial p-value of the observed het count
    const called = calls.filter((x) => x.alleles);
    const nHet = called.filter((x) => x.alleles[0] !== x.alleles[1]).length;
    let alt = 0;
    for (const x of called) for (const a of x.alleles) if (a > 0) alt++;
    const p = alt / (2 * called.length);
    site.excessHet = Math.min(3000, -10 * Math.log10(Math.max(binomTail(called.length, 2 * p * (1 - p), nHet), 1e-300)));
    if (site.excessHet > 54.69) site.filter = 'ExcessHet';
    lines.push(recordLine(ctx, site, calls));
  }
  return header({ fileformat: 'VCFv4.3', name: 'cohort', excessHet: true, samples }) + lines.join('\n') + '\n';
}

/** P(X >= k) for X ~ Binomial(n, p) */
function binomTail(n, p, k) {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  let s = 0;
  let logC = 0; // log C(n, i)
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    if (i >= k) s += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, s);
}

// ---------------------------------------------------------------- write, compress, index
function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.error) throw new Error(`${cmd} not found: install it (Debian: apt-get install -y bcftools tabix)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

function write(name, text, indexes) {
  const vcf = path.join(outDir, `${name}.vcf`);
  const gz = vcf + '.gz';
  for (const f of [gz, gz + '.tbi', gz + '.csi']) fs.rmSync(f, { force: true });
  fs.writeFileSync(vcf, text);
  run('bgzip', ['-f', vcf]); // replaces name.vcf by name.vcf.gz
  if (indexes.includes('tbi')) run('tabix', ['-f', '-p', 'vcf', gz]);
  if (indexes.includes('csi')) run('bcftools', ['index', '-f', '--csi', gz]);
  const nrec = text.split('\n').filter((l) => l && l[0] !== '#').length;
  process.stdout.write(`${path.relative(process.cwd(), gz)}: ${nrec} records, ${fs.statSync(gz).size} bytes; index: ${indexes.join(', ')}\n`);
}

fs.mkdirSync(outDir, { recursive: true });
write('trio', makeTrio(), ['tbi']);
write('cohort', makeCohort(), ['tbi', 'csi']);
