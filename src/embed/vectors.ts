/**
 * The `vectors` table of the store: one row per variant key with its feature vector (`fvec`,
 * FEATURE_DIM) and carrier sketch (`cvec`, CARRIER_SKETCH_DIM), computed by ingest (VectorWriter:
 * batch by batch in the parse pass, then the embed phase; docs/embeddings.md). A separate table, so
 * the variants table schema is unchanged.
 *
 * Visibility follows the store's ingest-id rule (src/store/tables.ts): each row carries the
 * `file_id` of the ingest that computed it, and readers see only rows of committed files. An ingest
 * recomputes the rows of every key its file contains (cohort AF and carriers over all files); until
 * its catalog row is committed those rows are invisible and the older rows of the same keys are the
 * live ones. After the commit, `pruneSuperseded` deletes the older rows (`replaces` marks rows that
 * superseded one). Readers also drop a row when a visible row of the same key with a larger file_id
 * exists (a crash between commit and prune), so a search never sees two rows of one key.
 */
import * as lancedb from '@lancedb/lancedb';
import { Bool, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Table, Utf8, makeData, makeVector, type Vector } from 'apache-arrow';
import { CARRIER_SKETCH_DIM, FEATURE_DIM, FEATURE_VERSION, carrierSketch, featureVectorInto, sampleId } from './features.js';
import { ensureVectorIndex, vectorType, type VectorIndexResult } from './search.js';
import { appendArrow, buildScalarIndexes, numVector, sqlStr, utf8ListVector, utf8Vector, visibleFilterOf, type LanceStore, type ScalarIndexKind } from '../store/tables.js';

export const VECTORS_TABLE = 'vectors';

export const VECTORS_SCHEMA = new Schema([
  new Field('key', new Utf8(), false),
  new Field('chrom', new Utf8(), false),
  new Field('pos', new Int32(), false),
  new Field('end', new Int32(), false),
  new Field('gene', new Utf8(), true),
  new Field('genes', new List(new Field('item', new Utf8(), true)), false),
  new Field('vtype', new Utf8(), false),
  new Field('impact', new Utf8(), true),
  new Field('af', new Float64(), true),
  new Field('n_carriers', new Int32(), false),
  new Field('fvec', vectorType(FEATURE_DIM), false),
  new Field('cvec', vectorType(CARRIER_SKETCH_DIM), false),
  new Field('feature_version', new Int32(), false),
  new Field('file_id', new Int32(), false),
  new Field('replaces', new Bool(), false),
]);

/** Open the vectors table; create it when `create` (writers), or return undefined when absent. */
export async function openVectors(store: LanceStore, create: boolean): Promise<lancedb.Table | undefined> {
  const names = await store.db.tableNames();
  if (names.includes(VECTORS_TABLE)) return store.db.openTable(VECTORS_TABLE);
  if (!create) return undefined;
  return store.db.createEmptyTable(VECTORS_TABLE, VECTORS_SCHEMA);
}

/** the inputs of one key's vector row (per file: addFileRows; in ingest's parse pass: the key's first row) */
export interface KeyAcc {
  key: string; chrom: string; pos: number; end: number; ref: string; alt: string; vtype: string;
  gene: string | null; genes: string[]; consequence: string | null; impact: string | null; clnsig: string | null;
  /** latest file holding the key (its annotation is used) */
  fileId: number;
  carriers: Set<number>;
  ac: number; an: number;
  /** INFO AF of the latest row (used when no AN can be counted) */
  infoAf: number | null;
  replaces: boolean;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as number));
const strList = (v: unknown): string[] => (v && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' && typeof v !== 'string' ? [...(v as Iterable<string>)].filter((x) => x !== null) : []);

/** plain row objects from an arrow table or record batch, reading each column once (row proxies are slow) */
function plainRows(t: { numRows: number; getChild(name: string): { get(i: number): unknown; toArray(): unknown } | null }, cols: string[]): Row[] {
  const n = t.numRows;
  const out: Row[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = {};
  for (const c of cols) {
    const v = t.getChild(c);
    if (!v) continue;
    const arr = v.toArray() as ArrayLike<unknown>;
    const dense = ArrayBuffer.isView(arr) && arr.length === n && c !== 'vid' && c !== 'genes';
    for (let i = 0; i < n; i++) out[i][c] = dense ? arr[i] : v.get(i);
  }
  // nulls in typed columns: toArray() gives 0 for null, so read those through get()
  for (const c of cols) {
    const v = t.getChild(c) as unknown as { nullCount: number; get(i: number): unknown } | null;
    if (v && v.nullCount > 0) for (let i = 0; i < n; i++) out[i][c] = v.get(i);
  }
  return out;
}

const VARIANT_SELECT = ['vid', 'file_id', 'key', 'chrom', 'end', 'vtype', 'gene', 'genes', 'consequence', 'impact', 'clnsig', 'ac', 'an', 'af'];
const GT_SELECT = ['vid', 'file_id', 'key', 'sample', 'gt', 'zygosity'];

/** copies of ALT, missing alleles and ploidy of a split GT (alleles are 0, 1 or '.') */
function gtCounts(gt: string): { copies: number; missing: number; ploidy: number } {
  let copies = 0, missing = 0, ploidy = 0;
  for (const tok of gt.split(/[/|]/)) {
    ploidy++;
    if (tok === '.') missing++;
    else if (tok === '1') copies++;
  }
  return { copies, missing, ploidy };
}

/**
 * Add one file's variant rows of a key set to the accumulators. Per file and key: carriers are the
 * stored non-reference calls; AC the ALT copies; AN the called alleles of every sample of the file
 * (samples without a stored call are implied hom-ref, counted at the ploidy of the stored calls,
 * 2 when none). Files without samples add INFO AC/AN when both are present.
 */
function addFileRows(acc: Map<string, KeyAcc>, vrows: Row[], gts: Row[], samplesN: Map<number, number>): void {
  // genotype rows by (file_id, key)
  const byFk = new Map<string, Row[]>();
  for (const g of gts) {
    const fk = `${num(g.file_id)}\t${g.key}`;
    let l = byFk.get(fk);
    if (!l) byFk.set(fk, (l = []));
    l.push(g);
  }
  const seen = new Set<string>();
  for (const v of vrows) {
    const key = v.key as string;
    const fid = num(v.file_id) as number;
    const [chrom, posS, ref, alt] = splitKey(key);
    let a = acc.get(key);
    if (!a) {
      a = { key, chrom, pos: Number(posS), end: Number(posS), ref, alt, vtype: v.vtype as string, gene: null, genes: [], consequence: null, impact: null, clnsig: null, fileId: -1, carriers: new Set(), ac: 0, an: 0, infoAf: null, replaces: false };
      acc.set(key, a);
    }
    if (fid >= a.fileId) {
      a.fileId = fid;
      a.chrom = v.chrom as string;
      a.end = Math.max(a.pos, num(v.end) ?? a.pos);
      a.vtype = v.vtype as string;
      a.gene = (v.gene as string | null) ?? null;
      a.genes = strList(v.genes);
      a.consequence = (v.consequence as string | null) ?? null;
      a.impact = (v.impact as string | null) ?? null;
      a.clnsig = (v.clnsig as string | null) ?? a.clnsig;
      a.infoAf = num(v.af);
    }
    const fk = `${fid}\t${key}`;
    if (seen.has(fk)) continue; // the same key twice in one file: its calls are counted once
    seen.add(fk);
    const n = samplesN.get(fid) ?? 0;
    if (n > 0) {
      const calls = byFk.get(fk) ?? [];
      const bySample = new Map<string, Row>();
      for (const g of calls) bySample.set(g.sample as string, g);
      let ploidy = 2;
      for (const g of bySample.values()) { ploidy = gtCounts(g.gt as string).ploidy; break; }
      let ac = 0, an = (n - bySample.size) * ploidy;
      for (const g of bySample.values()) {
        const c = gtCounts(g.gt as string);
        ac += c.copies;
        an += c.ploidy - c.missing;
        if (g.zygosity !== 'missing') a.carriers.add(sampleId(g.sample as string));
      }
      a.ac += ac;
      a.an += an;
    } else {
      const ac = num(v.ac), an = num(v.an);
      if (ac !== null && an !== null && an > 0) { a.ac += ac; a.an += an; }
    }
  }
}

/** CHROM:POS:REF:ALT (CHROM may contain ':') */
export function splitKey(key: string): [string, string, string, string] {
  const p = key.split(':');
  if (p.length < 4) return [key, '0', '', ''];
  const alt = p.pop()!, ref = p.pop()!, pos = p.pop()!;
  return [p.join(':'), pos, ref, alt];
}

function vecColumn(data: Float32Array, dim: number, n: number): Vector {
  const type = new FixedSizeList(dim, new Field('item', new Float32(), true));
  const child = makeData({ type: new Float32(), length: n * dim, data });
  return makeVector(makeData({ type, length: n, nullCount: 0, child })) as unknown as Vector;
}

/**
 * carrier sketches of small carrier sets, by the sorted ids (a trio has 7 non-empty sets; the
 * sketch is a pure function of the set): bounded, cleared when full
 */
const sketchCache = new Map<string, Float32Array>();
const SKETCH_CACHE_MAX_SET = 16;
const SKETCH_CACHE_ENTRIES = 1 << 16;

function cachedSketch(carriers: Uint32Array): Float32Array {
  if (carriers.length > SKETCH_CACHE_MAX_SET) return carrierSketch(carriers);
  const k = carriers.join(',');
  let v = sketchCache.get(k);
  if (!v) {
    if (sketchCache.size >= SKETCH_CACHE_ENTRIES) sketchCache.clear();
    v = carrierSketch(carriers);
    sketchCache.set(k, v);
  }
  return v;
}

/** the arrow batch of computed rows */
function toArrow(rows: KeyAcc[], fileId: number): Table {
  const n = rows.length;
  const fvec = new Float32Array(n * FEATURE_DIM);
  const cvec = new Float32Array(n * CARRIER_SKETCH_DIM);
  const afs: Array<number | null> = [];
  rows.forEach((a, i) => {
    const af = a.an > 0 ? a.ac / a.an : a.infoAf;
    afs.push(af);
    const carriers = Uint32Array.from([...a.carriers].sort((x, y) => x - y));
    featureVectorInto({ chrom: a.chrom, pos: a.pos, ref: a.ref, alt: a.alt, consequence: a.consequence, impact: a.impact, gene: a.gene, genes: a.genes, clinvarSignificance: a.clnsig, af, carriers, end: a.end }, fvec, i * FEATURE_DIM);
    cvec.set(cachedSketch(carriers), i * CARRIER_SKETCH_DIM);
  });
  const col = <T>(f: (a: KeyAcc) => T): T[] => rows.map(f);
  const fld = (name: string) => VECTORS_SCHEMA.fields.find((f) => f.name === name)!.type;
  const replaces = new Uint8Array((n + 7) >> 3);
  rows.forEach((a, i) => { if (a.replaces) replaces[i >> 3] |= 1 << (i & 7); });
  return new Table({
    key: utf8Vector(col((a) => a.key)),
    chrom: utf8Vector(col((a) => a.chrom)),
    pos: numVector(col((a) => a.pos), new Int32()),
    end: numVector(col((a) => a.end), new Int32()),
    gene: utf8Vector(col((a) => a.gene)),
    genes: utf8ListVector(col((a) => a.genes), fld('genes') as List),
    vtype: utf8Vector(col((a) => a.vtype)),
    impact: utf8Vector(col((a) => a.impact)),
    af: numVector(afs, new Float64()),
    n_carriers: numVector(col((a) => a.carriers.size), new Int32()),
    fvec: vecColumn(fvec, FEATURE_DIM, n),
    cvec: vecColumn(cvec, CARRIER_SKETCH_DIM, n),
    feature_version: numVector(col(() => FEATURE_VERSION), new Int32()),
    file_id: numVector(col(() => fileId), new Int32()),
    replaces: makeVector(makeData({ type: new Bool(), length: n, nullCount: 0, data: replaces })),
  } as unknown as Record<string, Vector>);
}

export interface EmbedPhaseOptions {
  /** rows of the new file handled per step (memory bound) */
  chunkRows?: number;
  /** ANN index threshold (rows); default DEFAULT_INDEX_MIN_ROWS (env VCF_AGENT_VECTOR_INDEX_MIN_ROWS overrides) */
  indexMinRows?: number;
  /**
   * (re)build the ANN indexes at the end (ingest --ann-index); by default none is built here:
   * `vcf-agent db optimize` builds them (src/store/ann.ts), searches are exact until then
   */
  annIndex?: boolean;
}

export interface EmbedPhaseResult { keys: number; recomputedShared: number; index: { fvec: VectorIndexResult; cvec: VectorIndexResult } | null }

/**
 * Set of 64-bit string hashes (two FNV-1a-style 32-bit hashes), open addressing in typed arrays:
 * 8 bytes per slot, at most half full. `add` answers whether the hash was already there (a repeat of
 * the string, or — rarely — another string with the same 64-bit hash: callers treat a hit as
 * "maybe seen" and check it exactly).
 */
export class HashSet64 {
  private a = new Uint32Array(1 << 12);
  private b = new Uint32Array(1 << 12);
  private n = 0;
  get size(): number { return this.n; }
  /** bytes held by the table */
  get bytes(): number { return this.a.byteLength + this.b.byteLength; }
  add(s: string): boolean {
    let h1 = 0x811c9dc5, h2 = 0x01000193 ^ s.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 >>>= 0; h2 = (h2 >>> 0) | 1; // slot empty <=> b == 0
    if ((this.n + 1) * 2 > this.a.length) this.grow();
    return this.put(h1, h2);
  }
  private put(h1: number, h2: number): boolean {
    const mask = this.a.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      if (this.b[i] === 0) { this.a[i] = h1; this.b[i] = h2; this.n++; return false; }
      if (this.a[i] === h1 && this.b[i] === h2) return true;
    }
  }
  private grow(): void {
    const a = this.a, b = this.b;
    this.a = new Uint32Array(a.length * 2);
    this.b = new Uint32Array(a.length * 2);
    this.n = 0;
    for (let i = 0; i < a.length; i++) if (b[i] !== 0) this.put(a[i], b[i]);
  }
}

/** one in-flight async step at a time: `submit` waits for the previous one, so work overlaps with the caller but stays bounded */
export class OneInFlight {
  private p: Promise<void> | null = null;
  private err: unknown = null;
  async submit(fn: () => Promise<void>): Promise<void> {
    await this.drain();
    this.p = fn().catch((e: unknown) => { this.err = e ?? new Error('failed'); });
  }
  async drain(): Promise<void> {
    if (this.p) { await this.p; this.p = null; }
    if (this.err) { const e = this.err; this.err = null; throw e; }
  }
}


/**
 * The embed phase, fed by ingest's parse pass (no read-back of the file's own rows): ingest hands
 * over each batch's variant and genotype rows (`add`, then `flush` when the batch is appended);
 * vectors of the batch's keys are computed at once, over this file plus, when other files are
 * committed, their rows of the same keys (read by `key IN (...)`): the documented recompute rule.
 * Rows are written with file_id = fileId (invisible until the catalog commit).
 *
 * A key is written once per file: keys are remembered by a 64-bit hash (HashSet64). A key met again
 * in a later batch (a duplicate record, or a hash collision) is a "late" key: `finish` deletes its
 * row and recomputes it from the file's stored rows (read back by key), exactly as one pass over the
 * whole file would. `lateKeys` tells ingest how often each late key was met (the graph stager uses it).
 */
export class VectorWriter {
  private batch: KeyAcc[] = [];
  private readonly seen = new HashSet64();
  /** late keys: how many of their rows were met after the hash was already known */
  readonly late = new Map<string, number>();
  private readonly q = new OneInFlight();
  keys = 0;
  shared = 0;
  private constructor(
    private readonly store: LanceStore, private readonly table: lancedb.Table, private readonly fileId: number,
    private readonly samplesN: Map<number, number>, private readonly vis: string, private readonly others: boolean,
  ) {}

  /**
   * Prepare the vectors table for file `fileId` with `nSamples` samples (its catalog row is pending):
   * leftovers of interrupted ingests (file_id >= fileId, or not committed) are deleted and superseded
   * rows pruned.
   */
  static async open(store: LanceStore, fileId: number, nSamples: number): Promise<VectorWriter> {
    const table = (await openVectors(store, true))!;
    const files = await store.files();
    const committed = files.filter((f) => f.status === 'committed' && f.file_id !== fileId);
    await table.delete(committed.length ? `file_id >= ${fileId} OR file_id NOT IN (${committed.map((f) => f.file_id).join(',')})` : 'true');
    await pruneSuperseded(store, table);
    const samplesN = new Map<number, number>(committed.map((f) => [f.file_id, f.samples_n]));
    samplesN.set(fileId, nSamples);
    return new VectorWriter(store, table, fileId, samplesN, visibleFilterOf(files), committed.length > 0);
  }

  /** whether `key` was met before in this file (by hash: true may also be a collision; see the class comment) */
  seenKey(key: string): boolean {
    const hit = this.seen.add(key);
    if (hit) this.late.set(key, (this.late.get(key) ?? 0) + 1);
    return hit;
  }

  /**
   * The inputs of a key computed from its first row in the file (seenKey(key) was false): per file
   * and key as addFileRows counts them. Keys met again are recomputed in `finish`.
   */
  add(a: KeyAcc): void { this.batch.push(a); }

  /** write the vectors of the keys handed over since the last flush (one write in flight) */
  async flush(): Promise<void> {
    if (!this.batch.length) return;
    const acc = new Map<string, KeyAcc>();
    for (const a of this.batch) if (!this.late.has(a.key)) acc.set(a.key, a); // late keys: recomputed in finish
    this.batch = [];
    await this.q.submit(() => this.write(acc));
  }

  private async write(acc: Map<string, KeyAcc>): Promise<void> {
    if (this.others) await this.addOthers(acc);
    if (acc.size) await appendArrow(this.table, toArrow([...acc.values()], this.fileId));
    this.keys += acc.size;
  }

  /** the rows of the same keys in other committed files */
  private async addOthers(acc: Map<string, KeyAcc>): Promise<void> {
    const ks = [...acc.keys()];
    for (let i = 0; i < ks.length; i += 2000) {
      const inList = ks.slice(i, i + 2000).map(sqlStr).join(',');
      const ov = plainRows(await this.store.tables.variants.query().where(`(${this.vis}) AND file_id != ${this.fileId} AND key IN (${inList})`).select(VARIANT_SELECT).toArrow(), VARIANT_SELECT);
      if (!ov.length) continue;
      const ovKeys = [...new Set(ov.map((r) => r.key as string))];
      const og = plainRows(await this.store.tables.genotypes.query().where(`(${this.vis}) AND file_id != ${this.fileId} AND key IN (${ovKeys.map(sqlStr).join(',')})`).select(GT_SELECT).toArrow(), GT_SELECT);
      addFileRows(acc, ov, og, this.samplesN);
      for (const k of ovKeys) acc.get(k)!.replaces = true;
      this.shared += ovKeys.length;
    }
  }

  /** wait for the write in flight (rows on disk) */
  drain(): Promise<void> { return this.q.drain(); }

  /**
   * After the file's rows are appended (and indexed): recompute late keys from the stored rows,
   * then the scalar indexes, and the ANN indexes only when `annIndex` is asked.
   */
  async finish(opts: EmbedPhaseOptions = {}): Promise<EmbedPhaseResult> {
    await this.flush();
    await this.q.drain();
    const late = [...this.late.keys()];
    for (let i = 0; i < late.length; i += 2000) {
      const inList = late.slice(i, i + 2000).map(sqlStr).join(',');
      await this.table.delete(`file_id = ${this.fileId} AND key IN (${inList})`);
      const where = `file_id = ${this.fileId} AND key IN (${inList})`;
      const vrows = plainRows(await this.store.tables.variants.query().where(where).select(VARIANT_SELECT).toArrow(), VARIANT_SELECT);
      vrows.sort((x, y) => (x.vid as bigint) < (y.vid as bigint) ? -1 : 1);
      const gts = plainRows(await this.store.tables.genotypes.query().where(where).select(GT_SELECT).toArrow(), GT_SELECT);
      gts.sort((x, y) => (x.vid as bigint) < (y.vid as bigint) ? -1 : 1);
      const acc = new Map<string, KeyAcc>();
      addFileRows(acc, vrows, gts, this.samplesN);
      await this.write(acc);
    }
    let index: EmbedPhaseResult['index'] = null;
    if (opts.annIndex) {
      const minRows = opts.indexMinRows ?? (Number(process.env.VCF_AGENT_VECTOR_INDEX_MIN_ROWS) || undefined);
      const fvec = await ensureVectorIndex(this.table, { column: 'fvec', minRows, replace: true });
      const cvec = await ensureVectorIndex(this.table, { column: 'cvec', minRows, replace: true });
      index = { fvec, cvec };
    }
    await vectorScalarIndexes(this.table);
    return { keys: this.keys, recomputedShared: this.shared, index };
  }

  close(): void { this.table.close(); }
}

/** scalar indexes of the vectors table: the columns `similar`'s prefilter tests (visibility, region, gene, key) */
export const VECTOR_SCALAR_INDEXES: Array<[string, ScalarIndexKind]> = [['file_id', 'bitmap'], ['chrom', 'bitmap'], ['pos', 'btree'], ['key', 'btree'], ['gene', 'btree']];

/**
 * (Re)build the scalar indexes of a vectors table (at the store's INDEX_MIN_ROWS): without them the
 * prefilter of a vector search scans every row (measured on 1M rows: p50 51 ms with a chromosome
 * prefilter, 8.8 ms with these indexes; BENCHMARKS.md, "Vector index").
 */
export async function vectorScalarIndexes(table: lancedb.Table): Promise<void> {
  await buildScalarIndexes(table, VECTOR_SCALAR_INDEXES);
}

/**
 * Delete rows superseded by a committed ingest: for each committed file with `replaces` rows, the
 * rows of those keys with a smaller file_id. Idempotent; run after each commit and at the start of
 * each embed phase (so a crash between commit and prune is repaired by the next writer).
 */
export async function pruneSuperseded(store: LanceStore, tableIn?: lancedb.Table): Promise<number> {
  const table = tableIn ?? (await openVectors(store, false));
  if (!table) return 0;
  const committed = new Set((await store.files()).filter((f) => f.status === 'committed').map((f) => f.file_id));
  const rows = (await table.query().where('replaces = true').select(['key', 'file_id']).toArray()) as Row[];
  let deleted = 0;
  const byFile = new Map<number, string[]>();
  for (const r of rows) {
    const f = num(r.file_id) as number;
    if (!committed.has(f)) continue;
    let l = byFile.get(f);
    if (!l) byFile.set(f, (l = []));
    l.push(r.key as string);
  }
  for (const [f, ks] of byFile) {
    for (let i = 0; i < ks.length; i += 2000) {
      const where = `file_id < ${f} AND key IN (${ks.slice(i, i + 2000).map(sqlStr).join(',')})`;
      const n = await table.countRows(where);
      if (n) { await table.delete(where); deleted += n; }
    }
  }
  if (!tableIn) table.close();
  return deleted;
}

/** Prune after a committed ingest (the second half of the embed phase). */
export async function afterCommit(store: LanceStore): Promise<void> {
  await pruneSuperseded(store);
}
