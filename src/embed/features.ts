/**
 * Deterministic variant feature vectors (docs/embeddings.md).
 *
 * A variant descriptor becomes a float32 vector of FEATURE_DIM values made of named components
 * (blocks of dimensions). Each component is computed on its own, scaled to unit length (or left at
 * zero when its input is absent), multiplied by √weight, and the whole vector is scaled to unit
 * length. So for two vectors q and h:
 *
 *     cosine(q, h) = q · h = Σ_components (q_c · h_c)
 *
 * and each component's share of the similarity is exactly q_c · h_c (explainSimilarity). L2,
 * cosine and dot distances rank neighbours identically.
 *
 * Everything is computed with integer hashing and IEEE-754 basic operations only (detmath.ts),
 * so the same descriptor gives a byte-identical vector on every run and machine. Any change of
 * layout, weights, tables or formulas must bump FEATURE_VERSION (a golden hash test guards it).
 */
import { CLNSIG_CLASSES, parseClnsig, type ClnsigClass } from './clinsig.js';
import { CLASS_GROUP, CSQ_CLASSES, CSQ_GROUPS, IMPACTS, mostSevereTerm, normImpact, parseConsequence, type Impact } from './consequence.js';
import { fmix32, fnv1a32, log10Det, log2Det, sinTurns, cosTurns, softBins } from './detmath.js';

/** Version of the feature layout and formulas; stored with the vectors; a mismatch means recompute. */
export const FEATURE_VERSION = 1;

export interface VariantDescriptor {
  chrom: string;
  /** 1-based position as in VCF */
  pos: number;
  ref: string;
  /** one ALT allele (after splitting multi-allelic records) */
  alt: string;
  /** consequence term(s) of this allele: SO terms joined by '&' (ANN/CSQ) or a legacy EFF name */
  consequence?: string | null;
  /** HIGH | MODERATE | LOW | MODIFIER; derived from the consequence when absent */
  impact?: string | null;
  /** gene symbol of the (most severe) annotation */
  gene?: string | null;
  /** further genes the allele touches (weighted half) */
  genes?: readonly string[] | null;
  /** ClinVar CLNSIG value, e.g. `Pathogenic/Likely_pathogenic` */
  clinvarSignificance?: string | null;
  /** allele frequency in [0, 1] (the cohort's AF: recomputed when samples are added) */
  af?: number | null;
  /**
   * carriers: stable cohort-wide sample ids (uint32; e.g. the sample's ordinal in the workspace,
   * or sampleId(name)). Unknown or empty: the component is zero.
   */
  carriers?: ArrayLike<number> | null;
  /** SVLEN of a symbolic allele (its absolute value is used) */
  svlen?: number | null;
  /** INFO/END of a symbolic allele (length = end - pos + 1 when svlen is absent) */
  end?: number | null;
}

export type ComponentName = 'class' | 'length' | 'substitution' | 'consequence' | 'impact' | 'gene' | 'clinvar' | 'af' | 'chrom' | 'position' | 'carriers';

export interface Component {
  name: ComponentName;
  dim: number;
  /** relative weight: the component's share of the squared norm when every component is present */
  weight: number;
  offset: number;
  description: string;
}

const LAYOUT: Array<Omit<Component, 'offset'>> = [
  { name: 'class', dim: 8, weight: 1.0, description: 'variant class one-hot: snv, mnp, insertion, deletion, complex, sv (symbolic), breakend, other' },
  { name: 'length', dim: 8, weight: 0.5, description: 'log2 length soft-binned at 1, 2, 4, 16, 256, 65536 bp; in-frame / frameshifting length for indels' },
  { name: 'substitution', dim: 20, weight: 0.5, description: 'SNVs: 6 pyrimidine-collapsed classes (C>A C>G C>T T>A T>C T>G), 12 directed classes, transition / transversion' },
  { name: 'consequence', dim: 26, weight: 2.5, description: '18 consequence classes (most severe 1, other terms 0.5) and 8 coarse groups (0.8 / 0.4)' },
  { name: 'impact', dim: 4, weight: 1.0, description: 'HIGH, MODERATE, LOW, MODIFIER; adjacent levels 0.3' },
  { name: 'gene', dim: 36, weight: 3.0, description: 'signed feature hashing of the gene symbol: 4 hashes FNV-1a("k:SYMBOL") then fmix32; index = h mod 36, sign = top bit' },
  { name: 'clinvar', dim: 8, weight: 1.5, description: 'ClinVar classes pathogenic .. benign, conflicting, other, not provided; adjacent ordinal classes 0.4' },
  { name: 'af', dim: 8, weight: 1.0, description: 'log10 allele frequency soft-binned at -5 -4 -3 -2 -1.5 -1 -0.5 0' },
  { name: 'chrom', dim: 26, weight: 0.5, description: 'chromosome one-hot: 1..22, X, Y, M, other (chr prefix and MT normalised)' },
  { name: 'position', dim: 24, weight: 1.0, description: 'sin/cos of 2π·pos/λ + φ(chrom, λ) for 12 wavelengths λ from 10 kb to 250 Mb' },
  { name: 'carriers', dim: 40, weight: 1.5, description: '40 one-bit one-permutation MinHashes of the carrier ids (fixed seeds, rotation densification), ±1: E[q·h] ≈ Jaccard of the carrier sets' },
];

export const COMPONENTS: readonly Component[] = (() => {
  let off = 0;
  return LAYOUT.map((c) => {
    const r = { ...c, offset: off };
    off += c.dim;
    return Object.freeze(r);
  });
})();

export const FEATURE_DIM = COMPONENTS.reduce((s, c) => s + c.dim, 0);

const COMP: Record<ComponentName, Component> = Object.fromEntries(COMPONENTS.map((c) => [c.name, c])) as Record<ComponentName, Component>;

export function component(name: ComponentName): Component {
  return COMP[name];
}

// ---------------------------------------------------------------- class, length, substitution

export const VARIANT_CLASSES = ['snv', 'mnp', 'insertion', 'deletion', 'complex', 'sv', 'breakend', 'other'] as const;
export type VariantClass = (typeof VARIANT_CLASSES)[number];

export interface AlleleShape {
  cls: VariantClass;
  /** length in bp used by the length component; 0 when unknown */
  length: number;
  /** inserted minus deleted bases for sequence indels (0 otherwise) */
  delta: number;
  /** trimmed REF and ALT bases (SNV: one base each) */
  ref: string;
  alt: string;
  /** symbolic subtype (DEL, INS, DUP, INV, CNV, ...) */
  svType?: string;
}

/** Class and length of one ALT against REF, after trimming the common suffix then the common prefix. */
export function alleleShape(refIn: string, altIn: string, svlen?: number | null, pos?: number, end?: number | null): AlleleShape {
  const alt = altIn.trim();
  const ref = refIn.trim().toUpperCase();
  if (alt.includes('[') || alt.includes(']')) return { cls: 'breakend', length: 0, delta: 0, ref, alt };
  if (alt.startsWith('<') && alt.endsWith('>')) {
    const svType = alt.slice(1, -1).split(':')[0].toUpperCase();
    if (svType === 'NON_REF' || svType === '*') return { cls: 'other', length: 0, delta: 0, ref, alt, svType };
    let length = 0;
    if (svlen !== undefined && svlen !== null && Number.isFinite(svlen) && svlen !== 0) length = Math.abs(svlen);
    else if (end !== undefined && end !== null && pos !== undefined && Number.isFinite(end) && end >= pos) length = end - pos + 1;
    return { cls: 'sv', length, delta: 0, ref, alt, svType };
  }
  const a0 = alt.toUpperCase();
  if (!/^[ACGTN]+$/.test(a0) || !/^[ACGTN]+$/.test(ref)) return { cls: 'other', length: 0, delta: 0, ref, alt: a0 };
  let r = ref, a = a0;
  while (r.length && a.length && r[r.length - 1] === a[a.length - 1]) { r = r.slice(0, -1); a = a.slice(0, -1); }
  let k = 0;
  while (k < r.length && k < a.length && r[k] === a[k]) k++;
  r = r.slice(k); a = a.slice(k);
  if (!r.length && !a.length) return { cls: 'other', length: 0, delta: 0, ref: r, alt: a }; // ALT equal to REF
  if (r.length === 1 && a.length === 1) return { cls: 'snv', length: 1, delta: 0, ref: r, alt: a };
  if (r.length === a.length) return { cls: 'mnp', length: r.length, delta: 0, ref: r, alt: a };
  if (!r.length) return { cls: 'insertion', length: a.length, delta: a.length, ref: r, alt: a };
  if (!a.length) return { cls: 'deletion', length: r.length, delta: -r.length, ref: r, alt: a };
  return { cls: 'complex', length: Math.max(r.length, a.length), delta: a.length - r.length, ref: r, alt: a };
}

const LENGTH_CENTRES = [0, 1, 2, 4, 8, 16]; // log2 bp
const BASES = 'ACGT';
const COLLAPSED = ['C>A', 'C>G', 'C>T', 'T>A', 'T>C', 'T>G'];
const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };

/** index (0..5) of the pyrimidine-collapsed substitution class, or -1 */
export function collapsedSubstitution(ref: string, alt: string): number {
  if (ref.length !== 1 || alt.length !== 1 || !(ref in COMPLEMENT) || !(alt in COMPLEMENT) || ref === alt) return -1;
  const [r, a] = ref === 'C' || ref === 'T' ? [ref, alt] : [COMPLEMENT[ref], COMPLEMENT[alt]];
  return COLLAPSED.indexOf(`${r}>${a}`);
}

/** index (0..11) of the directed substitution (A>C A>G A>T C>A ... T>G), or -1 */
export function directedSubstitution(ref: string, alt: string): number {
  const ri = BASES.indexOf(ref), ai = BASES.indexOf(alt);
  if (ri < 0 || ai < 0 || ri === ai || ref.length !== 1 || alt.length !== 1) return -1;
  return ri * 3 + (ai > ri ? ai - 1 : ai);
}

function isTransition(ref: string, alt: string): boolean {
  const s = ref + alt;
  return s === 'AG' || s === 'GA' || s === 'CT' || s === 'TC';
}

// ---------------------------------------------------------------- chromosome, position

/** chromosome name without a `chr` prefix, upper-case, MT → M */
export function normChrom(chrom: string): string {
  let c = chrom.trim();
  if (/^chr/i.test(c)) c = c.slice(3);
  c = c.toUpperCase();
  return c === 'MT' ? 'M' : c;
}

export function chromIndex(chrom: string): number {
  const c = normChrom(chrom);
  if (/^[1-9][0-9]?$/.test(c)) {
    const n = Number(c);
    if (n >= 1 && n <= 22) return n - 1;
  }
  if (c === 'X') return 22;
  if (c === 'Y') return 23;
  if (c === 'M') return 24;
  return 25;
}

/** wavelengths (bp) of the position encoding */
// geometric from 10 kb to 250 Mb (ratio (25000)^(1/11) ≈ 2.511, rounded to whole bp): no two
// wavelengths have a small integer ratio, so distances do not alias back to similarity 1
export const POSITION_WAVELENGTHS = [10000, 25108, 63041, 158284, 397421, 997846, 2505396, 6290557, 15794352, 39656516, 99569719, 250000000] as const;

/** phase (in turns, [0,1)) of wavelength j on a chromosome: different chromosomes decorrelate */
function phaseTurns(chromNorm: string, j: number): number {
  return fmix32(fnv1a32(chromNorm) ^ Math.imul(j + 1, 0x9e3779b9)) / 4294967296;
}

// ---------------------------------------------------------------- gene hashing, MinHash

export const GENE_HASHES = 4;

export function normGene(symbol: string): string {
  return symbol.trim().toUpperCase();
}

/** the (index, sign) pairs of a gene symbol in the gene component */
export function geneSlots(symbol: string, dim = COMP.gene.dim): Array<[number, number]> {
  const s = normGene(symbol);
  const out: Array<[number, number]> = [];
  for (let k = 0; k < GENE_HASHES; k++) {
    const h = fmix32(fnv1a32(`${k}:${s}`));
    out.push([h % dim, h >>> 31 ? -1 : 1]);
  }
  return out;
}

/** a stable uint32 sample id from a sample name (FNV-1a 32), for carrier sets keyed by name */
export function sampleId(name: string): number {
  return fnv1a32(name);
}

/** fixed seeds (part of FEATURE_VERSION) */
const OPH_BIN_SEED = 0x3c6ef372;
const OPH_VALUE_SEED = 0xa54ff53a;
function bitSeed(j: number): number {
  return fmix32(Math.imul(j + 1, 0x85ebca6b) ^ 0x27d4eb2f);
}
const BIT_SEEDS: number[] = [];
const EMPTY = 4294967296;
let binMin = new Float64Array(0);
let binArg = new Uint32Array(0);
let binNext = new Int32Array(0);

/**
 * One-bit one-permutation MinHash of a carrier set into out[offset .. offset+n) (Li, Owen & Zhang
 * 2012; densified by rotation, Shrivastava & Li 2014): each carrier id goes to bin
 * fmix32(id ^ binSeed) mod n, each bin keeps the carrier with the smallest fmix32(id ^ valueSeed),
 * an empty bin takes the carrier of the next non-empty bin to its right (circularly), and bin j
 * contributes ±1 = top bit of fmix32(carrier ^ bitSeed_j). Two sets pick the same carrier in a bin
 * with probability about J (their Jaccard index), otherwise the bits agree half the time, so the
 * mean product of the ±1 values estimates J. Cost O(carriers + n). Returns false (nothing
 * written) for an empty set.
 */
export function minhashBits(carriers: ArrayLike<number>, n: number, out: Float64Array | Float32Array, offset: number): boolean {
  const m = carriers.length;
  if (!m) return false;
  for (let j = BIT_SEEDS.length; j < n; j++) BIT_SEEDS.push(bitSeed(j));
  if (binMin.length < n) { binMin = new Float64Array(n); binArg = new Uint32Array(n); binNext = new Int32Array(n); }
  binMin.fill(EMPTY, 0, n);
  for (let i = 0; i < m; i++) {
    const id = carriers[i] >>> 0;
    const b = fmix32(id ^ OPH_BIN_SEED) % n;
    const v = fmix32(id ^ OPH_VALUE_SEED);
    if (v < binMin[b] || (v === binMin[b] && id < binArg[b])) { binMin[b] = v; binArg[b] = id; }
  }
  // nearest non-empty bin at or right of j, circularly: one right-to-left pass over two laps
  let next = -1;
  for (let k = 2 * n - 1; k >= 0; k--) {
    const j = k % n;
    if (binMin[j] !== EMPTY) next = j;
    if (k < n) binNext[j] = next;
  }
  for (let j = 0; j < n; j++) out[offset + j] = fmix32(binArg[binNext[j]] ^ BIT_SEEDS[j]) >>> 31 ? -1 : 1;
  return true;
}

/** width of the standalone carrier sketch (carrierSketch), e.g. for a separate `cvec` column */
export const CARRIER_SKETCH_DIM = 128;

/**
 * A unit-length carrier sketch of n one-bit MinHashes (minhashBits; the feature vector holds the
 * same kind of sketch with n = 40): q · h estimates the Jaccard index of the two carrier sets
 * (standard error about √(1/n)). All zeros for an empty set.
 */
export function carrierSketch(carriers: ArrayLike<number>, n = CARRIER_SKETCH_DIM): Float32Array {
  const tmp = new Float64Array(n);
  const out = new Float32Array(n);
  if (!minhashBits(carriers, n, tmp, 0)) return out;
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) out[i] = tmp[i] * s;
  return out;
}

// ---------------------------------------------------------------- AF, ClinVar, consequence

const AF_CENTRES = [-5, -4, -3, -2, -1.5, -1, -0.5, 0];

const CLN_ORDINAL: ClnsigClass[] = ['pathogenic', 'likely_pathogenic', 'uncertain', 'likely_benign', 'benign'];

// ---------------------------------------------------------------- memo tables (speed only: results equal the direct computation)

/** a Map that forgets everything once it holds `max` entries (bounded memory over any input) */
class Memo<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number, private readonly make: (k: string) => V) {}
  get(k: string): V {
    let v = this.m.get(k);
    if (v === undefined) {
      if (this.m.size >= this.max) this.m.clear();
      v = this.make(k);
      this.m.set(k, v);
    }
    return v;
  }
}

interface ChromInfo { index: number; phases: Float64Array }
const chromMemo = new Memo<ChromInfo>(10_000, (chrom) => {
  const cn = normChrom(chrom);
  const phases = new Float64Array(POSITION_WAVELENGTHS.length);
  for (let j = 0; j < phases.length; j++) phases[j] = phaseTurns(cn, j);
  return { index: chromIndex(chrom), phases };
});
/** gene slots as [index, sign] pairs flattened */
const geneMemo = new Memo<Int32Array>(100_000, (sym) => Int32Array.from(geneSlots(sym).flat()));
const csqMemo = new Memo<{ terms: ReturnType<typeof parseConsequence>; top: ReturnType<typeof mostSevereTerm> }>(10_000, (c) => {
  const terms = parseConsequence(c);
  return { terms, top: mostSevereTerm(terms) };
});
const clnMemo = new Memo<ClnsigClass[]>(10_000, (c) => parseClnsig(c));

// ---------------------------------------------------------------- the vector

const scratch = new Float64Array(FEATURE_DIM);

/** Write the feature vector of `d` into out[offset .. offset + FEATURE_DIM). */
export function featureVectorInto(d: VariantDescriptor, out: Float32Array, offset = 0): void {
  const v = scratch;
  v.fill(0);
  const shape = alleleShape(d.ref, d.alt, d.svlen, d.pos, d.end);

  // class
  {
    const o = COMP.class.offset;
    v[o + VARIANT_CLASSES.indexOf(shape.cls)] = 1;
    if (shape.cls === 'sv') {
      const t = shape.svType ?? '';
      if (t.startsWith('DEL') || t === 'CN0') v[o + 3] = 0.5;
      else if (t.startsWith('INS') || t.startsWith('DUP')) v[o + 2] = 0.5;
    }
  }
  // length
  if (shape.length > 0) {
    const o = COMP.length.offset;
    softBins(log2Det(shape.length), LENGTH_CENTRES, v, o);
    if (shape.delta !== 0) v[o + (Math.abs(shape.delta) % 3 === 0 ? 6 : 7)] = 0.5;
  }
  // substitution
  if (shape.cls === 'snv') {
    const c = collapsedSubstitution(shape.ref, shape.alt), di = directedSubstitution(shape.ref, shape.alt);
    if (c >= 0 && di >= 0) {
      const o = COMP.substitution.offset;
      v[o + c] = 1;
      v[o + 6 + di] = 0.5;
      v[o + 18 + (isTransition(shape.ref, shape.alt) ? 0 : 1)] = 0.7;
    }
  }
  // consequence and impact
  const { terms, top } = d.consequence ? csqMemo.get(d.consequence) : { terms: [], top: undefined };
  if (top) {
    const o = COMP.consequence.offset;
    const og = o + CSQ_CLASSES.length;
    for (const t of terms) {
      const ci = CSQ_CLASSES.indexOf(t.cls), gi = CSQ_GROUPS.indexOf(CLASS_GROUP[t.cls]);
      if (v[o + ci] < 0.5) v[o + ci] = 0.5;
      if (v[og + gi] < 0.4) v[og + gi] = 0.4;
    }
    v[o + CSQ_CLASSES.indexOf(top.cls)] = 1;
    v[og + CSQ_GROUPS.indexOf(CLASS_GROUP[top.cls])] = 0.8;
  }
  const impact: Impact | undefined = normImpact(d.impact) ?? top?.impact;
  if (impact) {
    const o = COMP.impact.offset;
    const k = IMPACTS.indexOf(impact);
    v[o + k] = 1;
    if (k > 0) v[o + k - 1] = 0.3;
    if (k < IMPACTS.length - 1) v[o + k + 1] = 0.3;
  }
  // gene
  {
    const o = COMP.gene.offset;
    const primary = d.gene ? normGene(d.gene) : '';
    const add = (s: string, w: number): void => {
      const slots = geneMemo.get(s);
      for (let k = 0; k < slots.length; k += 2) v[o + slots[k]] += slots[k + 1] * w;
    };
    if (primary) add(primary, 1);
    if (d.genes && d.genes.length) {
      const seen: string[] = primary ? [primary] : [];
      for (const g of d.genes) {
        const s = normGene(g);
        if (!s || seen.includes(s)) continue;
        seen.push(s);
        add(s, 0.5);
      }
    }
  }
  // ClinVar
  {
    const cls = d.clinvarSignificance ? clnMemo.get(d.clinvarSignificance) : [];
    if (cls.length) {
      const o = COMP.clinvar.offset;
      for (const c of cls) {
        const oi = CLN_ORDINAL.indexOf(c);
        if (oi >= 0) {
          if (oi > 0) v[o + oi - 1] = Math.max(v[o + oi - 1], 0.4);
          if (oi < CLN_ORDINAL.length - 1) v[o + oi + 1] = Math.max(v[o + oi + 1], 0.4);
        }
        if (c === 'conflicting') v[o + 2] = Math.max(v[o + 2], 0.4);
      }
      for (const c of cls) v[o + CLNSIG_CLASSES.indexOf(c)] = 1;
    }
  }
  // allele frequency
  if (d.af !== undefined && d.af !== null && Number.isFinite(d.af) && d.af >= 0) {
    const af = Math.min(d.af, 1);
    softBins(af > 0 ? log10Det(af) : -6, AF_CENTRES, v, COMP.af.offset);
  }
  // chromosome and position
  const ci = chromMemo.get(d.chrom);
  v[COMP.chrom.offset + ci.index] = 1;
  if (Number.isFinite(d.pos)) {
    const o = COMP.position.offset;
    for (let j = 0; j < POSITION_WAVELENGTHS.length; j++) {
      const t = d.pos / POSITION_WAVELENGTHS[j] + ci.phases[j];
      v[o + 2 * j] = sinTurns(t);
      v[o + 2 * j + 1] = cosTurns(t);
    }
  }
  // carriers
  if (d.carriers) minhashBits(d.carriers, COMP.carriers.dim, v, COMP.carriers.offset);

  // scale: each component to length √weight, then the whole vector to unit length
  let total = 0;
  for (const c of COMPONENTS) {
    let s = 0;
    for (let i = c.offset; i < c.offset + c.dim; i++) s += v[i] * v[i];
    if (s === 0) continue;
    const f = Math.sqrt(c.weight / s);
    for (let i = c.offset; i < c.offset + c.dim; i++) v[i] *= f;
    total += c.weight;
  }
  const g = total > 0 ? 1 / Math.sqrt(total) : 0;
  for (let i = 0; i < FEATURE_DIM; i++) out[offset + i] = v[i] * g;
}

/** The feature vector of one variant (unit length, FEATURE_DIM float32 values). */
export function featureVector(d: VariantDescriptor): Float32Array {
  const out = new Float32Array(FEATURE_DIM);
  featureVectorInto(d, out, 0);
  return out;
}

/** Feature vectors of many variants, row-major in one buffer (n × FEATURE_DIM). */
export function featureMatrix(ds: readonly VariantDescriptor[]): Float32Array {
  const out = new Float32Array(ds.length * FEATURE_DIM);
  for (let i = 0; i < ds.length; i++) featureVectorInto(ds[i], out, i * FEATURE_DIM);
  return out;
}

/** The vector's bytes in little-endian float32 order (for hashing and storage independent of the host). */
export function vectorBytes(v: Float32Array): Uint8Array {
  const b = new Uint8Array(v.length * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i], true);
  return b;
}

// ---------------------------------------------------------------- explanations

export interface ComponentMatch {
  component: ComponentName;
  /** q_c · h_c: this component's additive share of the cosine similarity */
  contribution: number;
  /** cosine of the two components, or null when either is absent (zero) */
  similarity: number | null;
  /** what the hit has in this component, when it can be read back (categorical components) */
  hitLabel?: string;
}

export interface Explanation {
  /** cosine similarity of the two vectors (= Σ contributions) */
  cosine: number;
  /** components sorted by contribution, largest first */
  components: ComponentMatch[];
}

function argmaxLabel(v: Float32Array, c: Component, labels: readonly string[]): string | undefined {
  let best = -1, bi = -1;
  for (let i = 0; i < labels.length && i < c.dim; i++) {
    const x = v[c.offset + i];
    if (x > best) { best = x; bi = i; }
  }
  return best > 0 ? labels[bi] : undefined;
}

const CHROM_LABELS = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM', 'other contig'];
const AF_LABELS = ['AF ~1e-5', 'AF ~1e-4', 'AF ~0.1%', 'AF ~1%', 'AF ~3%', 'AF ~10%', 'AF ~30%', 'AF ~100%'];

/** the category a vector holds in a categorical component (undefined if absent or not categorical) */
export function componentLabel(v: Float32Array, name: ComponentName): string | undefined {
  const c = COMP[name];
  switch (name) {
    case 'class': return argmaxLabel(v, c, VARIANT_CLASSES);
    case 'consequence': return argmaxLabel(v, c, CSQ_CLASSES);
    case 'impact': return argmaxLabel(v, c, IMPACTS);
    case 'clinvar': return argmaxLabel(v, c, CLNSIG_CLASSES);
    case 'chrom': return argmaxLabel(v, c, CHROM_LABELS);
    case 'af': return argmaxLabel(v, c, AF_LABELS);
    case 'substitution': return argmaxLabel(v, c, COLLAPSED);
    default: return undefined;
  }
}

/** Which components make q and h similar: exact additive decomposition of their cosine. */
export function explainSimilarity(q: Float32Array, h: Float32Array): Explanation {
  if (q.length !== FEATURE_DIM || h.length !== FEATURE_DIM) throw new Error(`feature vectors must have ${FEATURE_DIM} values (got ${q.length} and ${h.length})`);
  const comps: ComponentMatch[] = [];
  let cosine = 0;
  for (const c of COMPONENTS) {
    let dot = 0, nq = 0, nh = 0;
    for (let i = c.offset; i < c.offset + c.dim; i++) {
      dot += q[i] * h[i];
      nq += q[i] * q[i];
      nh += h[i] * h[i];
    }
    cosine += dot;
    const m: ComponentMatch = { component: c.name, contribution: dot, similarity: nq > 0 && nh > 0 ? dot / Math.sqrt(nq * nh) : null };
    const label = componentLabel(h, c.name);
    if (label !== undefined) m.hitLabel = label;
    comps.push(m);
  }
  comps.sort((a, b) => b.contribution - a.contribution || COMPONENTS.indexOf(COMP[a.component]) - COMPONENTS.indexOf(COMP[b.component]));
  return { cosine, components: comps };
}

/** A short "why": the n components contributing most, e.g. `same gene; same consequence (missense); position 0.93`. */
export function whyText(q: Float32Array, h: Float32Array, n = 3): string {
  const e = explainSimilarity(q, h);
  return e.components
    .filter((c) => c.contribution > 0 && c.similarity !== null)
    .slice(0, n)
    .map((c) => {
      const s = c.similarity as number;
      const label = c.hitLabel ? ` (${c.hitLabel})` : '';
      return s >= 0.995 ? `same ${c.component}${label}` : `${c.component}${label} ${s.toFixed(2)}`;
    })
    .join('; ');
}

/** Keep only some components of a vector (others zero) and rescale to unit length: a query "by" those components. */
export function maskVector(v: Float32Array, keep: readonly ComponentName[]): Float32Array {
  const out = new Float32Array(v.length);
  let s = 0;
  for (const name of keep) {
    const c = COMP[name];
    for (let i = c.offset; i < c.offset + c.dim; i++) { out[i] = v[i]; s += v[i] * v[i]; }
  }
  if (s > 0) {
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < out.length; i++) out[i] *= f;
  }
  return out;
}
