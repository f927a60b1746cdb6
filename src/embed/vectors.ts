/**
 * The `vectors` table of the store: one row per variant key with its feature vector (`fvec`,
 * FEATURE_DIM) and carrier sketch (`cvec`, CARRIER_SKETCH_DIM), computed in ingest's embed phase
 * (docs/embeddings.md). A separate table, so the variants table schema is unchanged.
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
import { Bool, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Table, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { CARRIER_SKETCH_DIM, FEATURE_DIM, FEATURE_VERSION, carrierSketch, featureVectorInto, sampleId } from './features.js';
import { ensureVectorIndex, vectorType, type VectorIndexResult } from './search.js';
import { sqlStr, visibleFilterOf, type LanceStore } from '../store/tables.js';

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

interface KeyAcc {
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
    cvec.set(carrierSketch(carriers), i * CARRIER_SKETCH_DIM);
  });
  const col = <T>(f: (a: KeyAcc) => T): T[] => rows.map(f);
  const fld = (name: string) => VECTORS_SCHEMA.fields.find((f) => f.name === name)!.type;
  return new Table({
    key: vectorFromArray(col((a) => a.key), new Utf8()),
    chrom: vectorFromArray(col((a) => a.chrom), new Utf8()),
    pos: vectorFromArray(col((a) => a.pos), new Int32()),
    end: vectorFromArray(col((a) => a.end), new Int32()),
    gene: vectorFromArray(col((a) => a.gene), new Utf8()),
    genes: vectorFromArray(col((a) => a.genes), fld('genes')),
    vtype: vectorFromArray(col((a) => a.vtype), new Utf8()),
    impact: vectorFromArray(col((a) => a.impact), new Utf8()),
    af: vectorFromArray(afs, new Float64()),
    n_carriers: vectorFromArray(col((a) => a.carriers.size), new Int32()),
    fvec: vecColumn(fvec, FEATURE_DIM, n),
    cvec: vecColumn(cvec, CARRIER_SKETCH_DIM, n),
    feature_version: vectorFromArray(col(() => FEATURE_VERSION), new Int32()),
    file_id: vectorFromArray(col(() => fileId), new Int32()),
    replaces: vectorFromArray(col((a) => a.replaces), new Bool()),
  } as unknown as Record<string, Vector>);
}

export interface EmbedPhaseOptions {
  /** rows of the new file handled per step (memory bound) */
  chunkRows?: number;
  /** ANN index threshold (rows); default DEFAULT_INDEX_MIN_ROWS (env VCF_AGENT_VECTOR_INDEX_MIN_ROWS overrides) */
  indexMinRows?: number;
}

export interface EmbedPhaseResult { keys: number; recomputedShared: number; index: { fvec: VectorIndexResult; cvec: VectorIndexResult } }

/**
 * The embed phase of ingest, run for file `fileId` after its rows are appended and before its
 * catalog row is committed: vectors for every key the file contains, over all committed files plus
 * this one (the documented recompute rule), written with file_id = fileId (invisible until the
 * commit). Leftover rows of interrupted ingests (file_id >= fileId) are deleted first.
 */
export async function embedPhase(store: LanceStore, fileId: number, opts: EmbedPhaseOptions = {}): Promise<EmbedPhaseResult> {
  const table = (await openVectors(store, true))!;
  const files = await store.files();
  const committed = files.filter((f) => f.status === 'committed');
  await table.delete(committed.length ? `file_id >= ${fileId} OR file_id NOT IN (${committed.map((f) => f.file_id).join(',')})` : 'true');
  await pruneSuperseded(store, table);
  const vis = visibleFilterOf(files);
  const samplesN = new Map<number, number>(committed.map((f) => [f.file_id, f.samples_n]));
  samplesN.set(fileId, await store.tables.samples.countRows(`file_id = ${fileId}`));
  const others = committed.filter((f) => f.file_id !== fileId).length > 0;
  const chunkRows = opts.chunkRows ?? 10_000;
  let keys = 0, shared = 0;
  let chunk: Row[] = [];
  const done = new Set<string>();
  const step = async (): Promise<void> => {
    if (!chunk.length) return;
    const vids = chunk.map((r) => r.vid as bigint);
    let lo = vids[0], hi = vids[0];
    for (const v of vids) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const gts = plainRows(await store.tables.genotypes.query().where(`file_id = ${fileId} AND vid >= ${lo} AND vid <= ${hi}`).select(GT_SELECT).toArrow(), GT_SELECT);
    const acc = new Map<string, KeyAcc>();
    addFileRows(acc, chunk, gts, samplesN);
    const ks = [...acc.keys()];
    if (others) {
      for (let i = 0; i < ks.length; i += 2000) {
        const inList = ks.slice(i, i + 2000).map(sqlStr).join(',');
        const ov = plainRows(await store.tables.variants.query().where(`(${vis}) AND file_id != ${fileId} AND key IN (${inList})`).select(VARIANT_SELECT).toArrow(), VARIANT_SELECT);
        if (!ov.length) continue;
        const ovKeys = [...new Set(ov.map((r) => r.key as string))];
        const og = plainRows(await store.tables.genotypes.query().where(`(${vis}) AND file_id != ${fileId} AND key IN (${ovKeys.map(sqlStr).join(',')})`).select(GT_SELECT).toArrow(), GT_SELECT);
        addFileRows(acc, ov, og, samplesN);
        for (const k of ovKeys) acc.get(k)!.replaces = true;
        shared += ovKeys.length;
      }
    }
    const out = [...acc.values()].filter((a) => !done.has(a.key));
    for (const a of out) done.add(a.key);
    if (out.length) await table.add(toArrow(out, fileId));
    keys += out.length;
    chunk = [];
  };
  for await (const b of store.tables.variants.query().where(`file_id = ${fileId}`).select(VARIANT_SELECT)) {
    for (const r of plainRows(b, VARIANT_SELECT)) {
      chunk.push(r);
      if (chunk.length >= chunkRows) await step();
    }
  }
  await step();
  const minRows = opts.indexMinRows ?? (Number(process.env.VCF_AGENT_VECTOR_INDEX_MIN_ROWS) || undefined);
  const fvec = await ensureVectorIndex(table, { column: 'fvec', minRows, replace: true });
  const cvec = await ensureVectorIndex(table, { column: 'cvec', minRows, replace: true });
  table.close();
  return { keys, recomputedShared: shared, index: { fvec, cvec } };
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
