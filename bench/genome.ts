/**
 * Synthetic-but-realistic genome model for the bench data: GRCh38 contigs, a deterministic gene
 * layout (real genes at their approximate GRCh38 loci plus generated genes with realistic symbol
 * families), and SnpEff-style ANN entries (consequence, impact, HGVS.c / HGVS.p, ranks, lengths).
 * Everything is driven by a seeded PRNG, so the same seed gives the same bytes.
 */

/** sfc32 PRNG seeded through splitmix32: fast, 32-bit, deterministic across platforms. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  private spare = NaN;
  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix(); this.b = mix(); this.c = mix(); this.d = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** uniform in [0, 1) */
  float(): number { return this.u32() / 4294967296; }
  /** uniform integer in [0, n) */
  int(n: number): number { return Math.floor(this.float() * n); }
  /** uniform integer in [lo, hi] */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.float() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  /** standard normal (Box–Muller, cached pair) */
  normal(): number {
    if (!Number.isNaN(this.spare)) { const v = this.spare; this.spare = NaN; return v; }
    let u = this.float();
    if (u < 1e-12) u = 1e-12;
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** geometric number of trials >= 1 with success probability p */
  geometric(p: number): number {
    let k = 1;
    while (!this.chance(p) && k < 1000) k++;
    return k;
  }
}

/** Stable 32-bit hash of a string (FNV-1a), for deriving per-contig seeds. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

/** Float as bcftools prints it (htslib stores Float as float32 and prints it like "%g"). */
export function fmtFloat(x: number): string {
  const f = Math.fround(x);
  if (f === 0) return '0';
  const a = Math.abs(f);
  if (a < 1e-4 || a >= 1e6) {
    const [m0, e] = f.toExponential(5).split('e');
    const m = m0.includes('.') ? m0.replace(/0+$/, '').replace(/\.$/, '') : m0;
    const en = Number(e);
    return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  let s = f.toPrecision(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** GRCh38 primary assembly contig lengths. */
export const GRCH38: ReadonlyArray<readonly [string, number]> = [
  ['chr1', 248956422], ['chr2', 242193529], ['chr3', 198295559], ['chr4', 190214555],
  ['chr5', 181538259], ['chr6', 170805979], ['chr7', 159345973], ['chr8', 145138636],
  ['chr9', 138394717], ['chr10', 133797422], ['chr11', 135086622], ['chr12', 133275309],
  ['chr13', 114364328], ['chr14', 107043718], ['chr15', 101991189], ['chr16', 90338345],
  ['chr17', 83257441], ['chr18', 80373285], ['chr19', 58617616], ['chr20', 64444167],
  ['chr21', 46709983], ['chr22', 50818468], ['chrX', 156040895], ['chrY', 57227415],
  ['chrM', 16569],
];

/** Well-known genes at their approximate GRCh38 loci: symbol, contig, start, end, strand, Ensembl id. */
const REAL_GENES: ReadonlyArray<readonly [string, string, number, number, '+' | '-', string]> = [
  ['MTHFR', 'chr1', 11785723, 11806455, '-', 'ENSG00000177000'],
  ['PCSK9', 'chr1', 55039548, 55064852, '+', 'ENSG00000169174'],
  ['ABCA4', 'chr1', 93992834, 94121148, '-', 'ENSG00000198691'],
  ['DPYD', 'chr1', 97077743, 97921049, '-', 'ENSG00000188641'],
  ['GBA1', 'chr1', 155234452, 155244699, '-', 'ENSG00000177628'],
  ['MSH2', 'chr2', 47403067, 47634501, '+', 'ENSG00000095002'],
  ['TTN', 'chr2', 178525989, 178830802, '-', 'ENSG00000155657'],
  ['IDH1', 'chr2', 208236227, 208266074, '-', 'ENSG00000138413'],
  ['VHL', 'chr3', 10141778, 10153667, '+', 'ENSG00000134086'],
  ['MLH1', 'chr3', 36993332, 37050918, '+', 'ENSG00000076242'],
  ['SCN5A', 'chr3', 38548062, 38649667, '-', 'ENSG00000183873'],
  ['PIK3CA', 'chr3', 179148114, 179240093, '+', 'ENSG00000121879'],
  ['HTT', 'chr4', 3074681, 3243960, '+', 'ENSG00000197386'],
  ['SMN1', 'chr5', 70924941, 70966375, '+', 'ENSG00000172062'],
  ['APC', 'chr5', 112707498, 112846239, '+', 'ENSG00000134982'],
  ['TPMT', 'chr6', 18128311, 18155169, '-', 'ENSG00000137364'],
  ['HFE', 'chr6', 26087281, 26098343, '+', 'ENSG00000010704'],
  ['EGFR', 'chr7', 55019017, 55211628, '+', 'ENSG00000146648'],
  ['CFTR', 'chr7', 117480025, 117668665, '+', 'ENSG00000001626'],
  ['BRAF', 'chr7', 140719327, 140924929, '-', 'ENSG00000157764'],
  ['MYC', 'chr8', 127735434, 127742951, '+', 'ENSG00000136997'],
  ['JAK2', 'chr9', 4984390, 5129948, '+', 'ENSG00000096968'],
  ['NOTCH1', 'chr9', 136494433, 136546048, '-', 'ENSG00000148400'],
  ['RET', 'chr10', 43077069, 43130351, '+', 'ENSG00000165731'],
  ['PTEN', 'chr10', 87863113, 87971930, '+', 'ENSG00000171862'],
  ['CYP2C19', 'chr10', 94762681, 94855547, '+', 'ENSG00000165841'],
  ['KCNQ1', 'chr11', 2444684, 2849105, '+', 'ENSG00000053918'],
  ['HBB', 'chr11', 5225464, 5229395, '-', 'ENSG00000244734'],
  ['MYBPC3', 'chr11', 47331406, 47352702, '-', 'ENSG00000134571'],
  ['ATM', 'chr11', 108222484, 108369102, '+', 'ENSG00000149311'],
  ['SLCO1B1', 'chr12', 21131194, 21239796, '+', 'ENSG00000134538'],
  ['KRAS', 'chr12', 25205246, 25250936, '-', 'ENSG00000133703'],
  ['LRRK2', 'chr12', 40196744, 40369285, '+', 'ENSG00000188906'],
  ['BRCA2', 'chr13', 32315474, 32400266, '+', 'ENSG00000139618'],
  ['RB1', 'chr13', 48303747, 48481890, '+', 'ENSG00000139687'],
  ['MYH7', 'chr14', 23412740, 23435660, '-', 'ENSG00000092054'],
  ['FBN1', 'chr15', 48408313, 48645709, '-', 'ENSG00000166147'],
  ['PKD1', 'chr16', 2088708, 2135898, '-', 'ENSG00000008710'],
  ['PALB2', 'chr16', 23603160, 23641310, '-', 'ENSG00000083093'],
  ['VKORC1', 'chr16', 31090842, 31095980, '-', 'ENSG00000167397'],
  ['TP53', 'chr17', 7661779, 7687550, '-', 'ENSG00000141510'],
  ['NF1', 'chr17', 31094927, 31382116, '+', 'ENSG00000196712'],
  ['ERBB2', 'chr17', 39687914, 39730426, '+', 'ENSG00000141736'],
  ['BRCA1', 'chr17', 43044295, 43125483, '-', 'ENSG00000012048'],
  ['COL1A1', 'chr17', 50183389, 50201632, '-', 'ENSG00000108821'],
  ['SMAD4', 'chr18', 51030213, 51085042, '+', 'ENSG00000141646'],
  ['LDLR', 'chr19', 11089462, 11133830, '+', 'ENSG00000130164'],
  ['APOE', 'chr19', 44905796, 44909393, '+', 'ENSG00000130203'],
  ['GNAS', 'chr20', 58839718, 58911192, '+', 'ENSG00000087460'],
  ['APP', 'chr21', 25880550, 26171128, '-', 'ENSG00000142192'],
  ['SOD1', 'chr21', 31659666, 31668931, '+', 'ENSG00000142168'],
  ['CHEK2', 'chr22', 28687743, 28742422, '-', 'ENSG00000183765'],
  ['CYP2D6', 'chr22', 42126499, 42130810, '-', 'ENSG00000100197'],
  ['DMD', 'chrX', 31097677, 33339441, '-', 'ENSG00000198947'],
  ['FMR1', 'chrX', 147911919, 147951125, '+', 'ENSG00000102081'],
  ['G6PD', 'chrX', 154531390, 154547572, '-', 'ENSG00000160211'],
  ['F8', 'chrX', 154835788, 155026940, '-', 'ENSG00000185010'],
  ['SRY', 'chrY', 2786855, 2787682, '-', 'ENSG00000184895'],
];

export interface Transcript {
  id: string;
  biotype: 'protein_coding' | 'lncRNA' | 'nonsense_mediated_decay';
  exons: number;
  /** coding length in bases (multiple of 3); 0 for non-coding */
  cdsLen: number;
  utr5: number;
  utr3: number;
}

export interface Gene {
  name: string;
  id: string;
  start: number;
  end: number;
  strand: '+' | '-';
  transcripts: Transcript[];
}

const LNC_FAMILIES = ['LINC', 'MIR_HG', 'LOC'];
function syntheticName(rng: Rng, chromNum: string, idx: number): { name: string; lnc: boolean } {
  const n = idx + 1;
  switch (rng.int(14)) {
    case 0: return { name: `C${chromNum}orf${(n % 180) + 1}`, lnc: false };
    case 1: return { name: `ZNF${100 + (n % 800)}`, lnc: false };
    case 2: return { name: `SLC${(n % 50) + 1}A${(n % 13) + 1}`, lnc: false };
    case 3: return { name: `TMEM${(n % 270) + 1}`, lnc: false };
    case 4: return { name: `FAM${(n % 230) + 1}${'ABC'[n % 3]}`, lnc: false };
    case 5: return { name: `CCDC${(n % 190) + 1}`, lnc: false };
    case 6: return { name: `ANKRD${(n % 65) + 1}`, lnc: false };
    case 7: return { name: `KLHL${(n % 42) + 1}`, lnc: false };
    case 8: return { name: `RNF${(n % 220) + 1}`, lnc: false };
    case 9: return { name: `OR${chromNum}${'ABCDGHJKLM'[n % 10]}${(n % 30) + 1}`, lnc: false };
    case 10: return { name: `LRRC${(n % 75) + 1}`, lnc: false };
    case 11: {
      const f = rng.pick(LNC_FAMILIES);
      if (f === 'LINC') return { name: `LINC0${String(1000 + (n % 2900)).padStart(4, '0')}`, lnc: true };
      if (f === 'MIR_HG') return { name: `MIR${100 + (n % 900)}HG`, lnc: true };
      return { name: `LOC${100000000 + n * 37}`, lnc: true };
    }
    case 12: return { name: `USP${(n % 54) + 1}`, lnc: false };
    default: return { name: `PRR${(n % 36) + 1}`, lnc: false };
  }
}

let transcriptCounter = 0;
function makeTranscripts(rng: Rng, lnc: boolean): Transcript[] {
  const k = lnc ? 1 : rng.chance(0.5) ? 1 : rng.chance(0.6) ? 2 : 3;
  const out: Transcript[] = [];
  for (let i = 0; i < k; i++) {
    transcriptCounter++;
    const id = `ENST00000${String(300000 + ((transcriptCounter * 7919) % 699999)).padStart(6, '0')}.${rng.range(1, 12)}`;
    if (lnc) out.push({ id, biotype: 'lncRNA', exons: rng.range(2, 6), cdsLen: 0, utr5: 0, utr3: rng.range(300, 3000) });
    else {
      const biotype = i > 0 && rng.chance(0.2) ? 'nonsense_mediated_decay' : 'protein_coding';
      out.push({ id, biotype, exons: rng.range(3, 40), cdsLen: 3 * rng.range(120, 2500), utr5: rng.range(40, 400), utr3: rng.range(150, 3000) });
    }
  }
  return out;
}

/** Deterministic gene layout of one contig (sorted by start, non-overlapping). */
export function geneLayout(contig: string, length: number, seed: number): Gene[] {
  const rng = new Rng(hash32(contig, seed));
  transcriptCounter = hash32(contig, seed) % 100000;
  const chromNum = contig.replace(/^chr/, '');
  const real = REAL_GENES.filter((g) => g[1] === contig).map((g): Gene => {
    const grng = new Rng(hash32(g[0], seed));
    return { name: g[0], id: g[5], start: g[2], end: g[3], strand: g[4], transcripts: makeTranscripts(grng, false) };
  });
  const genes: Gene[] = [];
  if (contig === 'chrM') return genes;
  let pos = 10000 + rng.int(50000);
  let idx = hash32(contig) % 5000;
  while (pos < length - 20000) {
    const len = Math.min(600000, Math.max(1500, Math.round(Math.exp(Math.log(22000) + 1.1 * rng.normal()))));
    const start = pos, end = Math.min(length - 10000, pos + len);
    if (!real.some((g) => g.start <= end + 5000 && g.end + 5000 >= start)) {
      const nm = syntheticName(rng, chromNum, idx++);
      const id = `ENSG00000${String(200000 + ((hash32(contig) + idx * 104729) % 799999)).padStart(6, '0')}`;
      genes.push({ name: nm.name, id, start, end, strand: rng.chance(0.5) ? '+' : '-', transcripts: makeTranscripts(rng, nm.lnc) });
    }
    pos = end + 2000 + Math.round(rng.float() * rng.float() * 260000);
  }
  genes.push(...real);
  genes.sort((a, b) => a.start - b.start);
  return genes;
}

/** Index of the last gene starting at or before pos (-1 if none). */
export function geneAt(genes: Gene[], pos: number): number {
  let lo = 0, hi = genes.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (genes[mid].start <= pos) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans;
}

const AA = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val'];
const COMP: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' };
function revcomp(s: string): string {
  let o = '';
  for (let i = s.length - 1; i >= 0; i--) o += COMP[s[i]] ?? 'N';
  return o;
}

/** Where in the gene model a variant falls, chosen per record (the profile sets the mix). */
export type Region = 'coding' | 'splice' | 'utr5' | 'utr3' | 'intron';

export interface AnnProfile {
  /** probabilities for a variant inside a gene; the rest is intronic */
  coding: number; splice: number; utr: number;
}

interface Entry { impactRank: number; text: string }

const IMPACT_RANK: Record<string, number> = { HIGH: 0, MODERATE: 1, LOW: 2, MODIFIER: 3 };

/**
 * SnpEff-style ANN value for one record: entries for each ALT allele and each overlapping
 * transcript (plus up/downstream genes within 5 kb, or an intergenic region), sorted by impact.
 */
export function annotate(rng: Rng, genes: Gene[], pos: number, ref: string, alts: string[], prof: AnnProfile): string {
  const entries: Entry[] = [];
  const gi = geneAt(genes, pos);
  const inGene = gi >= 0 && genes[gi].end >= pos ? genes[gi] : undefined;
  const u = rng.float();
  const region: Region = u < prof.coding ? 'coding' : u < prof.coding + prof.splice ? 'splice' : u < prof.coding + prof.splice + prof.utr ? (rng.chance(0.3) ? 'utr5' : 'utr3') : 'intron';
  const codonSeed = rng.u32();
  for (const alt of alts) {
    if (alt === '*') continue;
    if (inGene) {
      for (let ti = 0; ti < inGene.transcripts.length; ti++) {
        const t = inGene.transcripts[ti];
        // secondary transcripts sometimes see the variant in an intron
        const r: Region = ti > 0 && region !== 'intron' && ((codonSeed >>> ti) & 3) === 0 ? 'intron' : region;
        entries.push(transcriptEntry(inGene, t, pos, ref, alt, r, codonSeed + ti * 131));
      }
    } else {
      const left = gi >= 0 ? genes[gi] : undefined;
      const right = gi + 1 < genes.length ? genes[gi + 1] : undefined;
      for (const [g, dist] of [[left, left ? pos - left.end : Infinity], [right, right ? right.start - pos : Infinity]] as const) {
        if (!g || dist > 5000) continue;
        const up = (g === right) === (g.strand === '+');
        const t = g.transcripts[0];
        const [hr, ha] = g.strand === '+' ? [ref, alt] : [revcomp(ref), revcomp(alt)];
        const change = hgvsChange(hr, ha);
        const hgvsC = up ? `c.-${dist}${change}` : `c.*${dist + t.utr3}${change}`;
        entries.push({ impactRank: 3, text: [alt, up ? 'upstream_gene_variant' : 'downstream_gene_variant', 'MODIFIER', g.name, g.id, 'transcript', t.id, t.biotype, '', hgvsC, '', '', '', '', String(dist), ''].join('|') });
      }
      const a = left ? left : undefined, b = right ? right : undefined;
      const gname = a && b ? `${a.name}-${b.name}` : a ? a.name : b ? b.name : 'CHR_START';
      const gid = a && b ? `${a.id}-${b.id}` : a ? a.id : b ? b.id : 'CHR_START';
      entries.push({ impactRank: 3, text: [alt, 'intergenic_region', 'MODIFIER', gname, gid, 'intergenic_region', gid, '', '', `n.${pos}${hgvsChange(ref, alt)}`, '', '', '', '', '', ''].join('|') });
    }
  }
  entries.sort((x, y) => x.impactRank - y.impactRank);
  return entries.map((e) => e.text).join(',');
}

/** c.-style change string for REF→ALT on the transcript strand: `A>G`, `delAT`, `insGGT`, `delinsTT`. */
function hgvsChange(ref: string, alt: string): string {
  if (ref.length === 1 && alt.length === 1) return `${ref}>${alt}`;
  if (alt.length === 1 && ref.length > 1 && ref[0] === alt[0]) return `del${ref.slice(1)}`;
  if (ref.length === 1 && alt.length > 1 && ref[0] === alt[0]) return `ins${alt.slice(1)}`;
  return `delins${alt}`;
}

function transcriptEntry(g: Gene, t: Transcript, pos: number, ref: string, alt: string, region: Region, seed: number): Entry {
  const rel = g.strand === '+' ? pos - g.start : g.end - pos;
  const [hr, ha] = g.strand === '+' ? [ref, alt] : [revcomp(ref), revcomp(alt)];
  const h = (seed ^ Math.imul(rel, 2654435761)) >>> 0;
  const fields = (ann: string, impact: string, rank: string, c: string, p: string, cdna: string, cds: string, aa: string, extra = ''): Entry => ({
    impactRank: IMPACT_RANK[impact],
    text: [alt, ann, impact, g.name, g.id, 'transcript', t.id, t.biotype, rank, c, p, cdna, cds, aa, '', extra].join('|'),
  });
  const exon = 1 + (h % t.exons);
  const snv = ref.length === 1 && alt.length === 1;
  const lenDiff = alt.length - ref.length;
  if (t.cdsLen === 0) {
    // non-coding transcript
    const cdnaLen = t.utr3;
    const n = 1 + (h % cdnaLen);
    if (region === 'intron') {
      return fields('intron_variant', 'MODIFIER', `${Math.min(exon, t.exons - 1)}/${t.exons - 1}`, `n.${n}+${1 + (h % 900)}${hgvsChange(hr, ha)}`, '', '', '', '');
    }
    return fields('non_coding_transcript_exon_variant', 'MODIFIER', `${exon}/${t.exons}`, `n.${n}${hgvsChange(hr, ha)}`, '', `${n}/${cdnaLen}`, '', '');
  }
  const cdnaLen = t.utr5 + t.cdsLen + t.utr3;
  const aaLen = t.cdsLen / 3;
  const cdsPos = 1 + (h % (t.cdsLen - 3));
  const aaPos = Math.ceil(cdsPos / 3);
  switch (region) {
    case 'utr5': {
      const d = 1 + (h % t.utr5);
      return fields('5_prime_UTR_variant', 'MODIFIER', `1/${t.exons}`, `c.-${d}${hgvsChange(hr, ha)}`, '', `${t.utr5 - d + 1}/${cdnaLen}`, '', '');
    }
    case 'utr3': {
      const d = 1 + (h % t.utr3);
      return fields('3_prime_UTR_variant', 'MODIFIER', `${t.exons}/${t.exons}`, `c.*${d}${hgvsChange(hr, ha)}`, '', `${t.utr5 + t.cdsLen + d}/${cdnaLen}`, '', '');
    }
    case 'splice': {
      const d = 1 + (h % 8);
      const donor = (h & 16) === 0;
      const intron = `${Math.min(exon, t.exons - 1)}/${t.exons - 1}`;
      const c = `c.${cdsPos}${donor ? '+' : '-'}${d}${hgvsChange(hr, ha)}`;
      if (d <= 2) return fields(`${donor ? 'splice_donor_variant' : 'splice_acceptor_variant'}&intron_variant`, 'HIGH', intron, c, '', '', '', '');
      return fields('splice_region_variant&intron_variant', 'LOW', intron, c, '', '', '', '');
    }
    case 'intron': {
      const d = 9 + (h % 4000);
      const c = `c.${cdsPos}${(h & 32) ? '+' : '-'}${d}${hgvsChange(hr, ha)}`;
      return fields('intron_variant', 'MODIFIER', `${Math.min(exon, t.exons - 1)}/${t.exons - 1}`, c, '', '', '', '');
    }
    case 'coding': {
      const cdna = `${t.utr5 + cdsPos}/${cdnaLen}`;
      const cds = `${cdsPos}/${t.cdsLen}`;
      const aa = `${aaPos}/${aaLen}`;
      const rank = `${exon}/${t.exons}`;
      const refAA = AA[h % 20];
      if (snv) {
        const kind = (h >>> 8) % 100;
        const c = `c.${cdsPos}${hr}>${ha}`;
        if (aaPos === 1 && kind < 50) return fields('start_lost', 'HIGH', rank, c, 'p.Met1?', cdna, cds, aa);
        if (kind < 56) return fields('missense_variant', 'MODERATE', rank, c, `p.${refAA}${aaPos}${AA[(h >>> 3) % 20] === refAA ? 'Pro' : AA[(h >>> 3) % 20]}`, cdna, cds, aa);
        if (kind < 58) return fields('stop_gained', 'HIGH', rank, c, `p.${refAA}${aaPos}*`, cdna, cds, aa);
        if (kind < 59) return fields('stop_lost', 'HIGH', rank, c, `p.Ter${aaPos}${refAA}ext*?`, cdna, cds, aa);
        if (kind < 60) return fields('splice_region_variant&synonymous_variant', 'LOW', rank, c, `p.${refAA}${aaPos}${refAA}`, cdna, cds, aa);
        if (kind < 99) return fields('synonymous_variant', 'LOW', rank, c, `p.${refAA}${aaPos}${refAA}`, cdna, cds, aa);
        return fields('missense_variant&splice_region_variant', 'MODERATE', rank, c, `p.${refAA}${aaPos}${AA[(h >>> 5) % 20]}`, cdna, cds, aa, 'WARNING_TRANSCRIPT_INCOMPLETE');
      }
      if (lenDiff === 0) {
        const c = `c.${cdsPos}_${cdsPos + ref.length - 1}delins${ha}`;
        return fields('missense_variant', 'MODERATE', rank, c, `p.${refAA}${aaPos}${AA[(h >>> 3) % 20]}`, cdna, cds, aa);
      }
      const L = Math.abs(lenDiff);
      const next = AA[(h >>> 4) % 20];
      let c: string;
      if (lenDiff < 0) c = L === 1 ? `c.${cdsPos + 1}del${hr.slice(1)}` : `c.${cdsPos + 1}_${cdsPos + L}del${g.strand === '+' ? hr.slice(1) : hr.slice(0, -1)}`;
      else c = `c.${cdsPos}_${cdsPos + 1}ins${g.strand === '+' ? ha.slice(1) : ha.slice(0, -1)}`;
      if (L % 3 !== 0) return fields('frameshift_variant', 'HIGH', rank, c, `p.${refAA}${aaPos}fs`, cdna, cds, aa, (h & 7) === 0 ? 'INFO_REALIGN_3_PRIME' : '');
      if (lenDiff < 0) {
        const p = L === 3 ? `p.${refAA}${aaPos}del` : `p.${refAA}${aaPos}_${next}${aaPos + L / 3 - 1}del`;
        return fields((h & 1) ? 'conservative_inframe_deletion' : 'disruptive_inframe_deletion', 'MODERATE', rank, c, p, cdna, cds, aa);
      }
      let ins = '';
      for (let k = 0; k < L / 3; k++) ins += AA[(h >>> (k % 24)) % 20];
      return fields((h & 1) ? 'conservative_inframe_insertion' : 'disruptive_inframe_insertion', 'MODERATE', rank, c, `p.${refAA}${aaPos}_${next}${aaPos + 1}ins${ins}`, cdna, cds, aa);
    }
  }
}
