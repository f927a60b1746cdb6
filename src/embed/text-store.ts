/**
 * Text vectors in the workspace, and free-text search over them (`similar --text`, `embed`,
 * capability `semantic_search`).
 *
 * Three LanceDB tables of the store, beside the core tables and `vectors`:
 *
 *   text_vectors  one row per distinct description (describeVariant): desc_hash (sha256 of the text),
 *                 text, provider, model, model_id (the embedder id), dim, vector (unit length)
 *   text_keys     one row per variant key: key, chrom, pos, end, gene, genes, vtype, impact, af,
 *                 desc_hash, file_id (the file whose annotation the description was written from)
 *   text_files    one row per committed file whose keys are mapped and embedded: file_id, sha256,
 *                 the embedder (provider, model, model_id, dim, base_url), counts, when
 *
 * Descriptions hold no positions, so distinct texts are far fewer than variants: each is embedded
 * once (the table is content-addressed; within a run a CachedTextEmbedder with a byte cap also
 * dedupes). The text tables hold vectors of one model at a time: a query embedded by another
 * model is refused, and `embed --replace` switches models.
 *
 * Visibility follows the store's rule (tables.ts): text_keys rows carry a file_id and readers see
 * only rows of committed files; a key's newest visible row wins (a newer file's annotation replaces
 * the description). A file is marked done in text_files only after its vectors and key rows are
 * written; an interrupted backfill leaves the file unmarked, and the next backfill deletes its rows
 * and redoes it. Backfills run under the workspace writer lock (one writer at a time, like ingest).
 * Ingest does not embed text (it stays fast); `vcf-agent embed` backfills, and a text search
 * backfills files not yet embedded before it searches.
 */
import { createHash } from 'node:crypto';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Table, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { VcfError } from '../vcf/errors.js';
import { LanceStore, sqlStr, visibleFilterOf, type FileRow } from '../store/tables.js';
import { acquireWriterLock, resolveWorkspace, workspaceExists } from '../store/workspace.js';
import { CachedTextEmbedder, describeVariant, type TextEmbedder } from './text.js';
import { DEFAULT_MODELS, createEmbedder, type ProviderName, type ProviderSpec } from './providers.js';
import { ensureVectorIndex, planUsesIndex, searchPlan, vectorSearch, vectorType, type VectorIndexResult } from './search.js';

export const TEXT_VECTORS_TABLE = 'text_vectors';
export const TEXT_KEYS_TABLE = 'text_keys';
export const TEXT_FILES_TABLE = 'text_files';

export function textVectorsSchema(dim: number): Schema {
  return new Schema([
    new Field('desc_hash', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('provider', new Utf8(), false),
    new Field('model', new Utf8(), false),
    new Field('model_id', new Utf8(), false),
    new Field('dim', new Int32(), false),
    new Field('vector', vectorType(dim), false),
  ]);
}

const GENES_TYPE = new List(new Field('item', new Utf8(), true));

export const TEXT_KEYS_SCHEMA = new Schema([
  new Field('key', new Utf8(), false),
  new Field('chrom', new Utf8(), false),
  new Field('pos', new Int32(), false),
  new Field('end', new Int32(), false),
  new Field('gene', new Utf8(), true),
  new Field('genes', GENES_TYPE, false),
  new Field('vtype', new Utf8(), false),
  new Field('impact', new Utf8(), true),
  new Field('af', new Float64(), true),
  new Field('desc_hash', new Utf8(), false),
  new Field('file_id', new Int32(), false),
]);

export const TEXT_FILES_SCHEMA = new Schema([
  new Field('file_id', new Int32(), false),
  new Field('sha256', new Utf8(), false),
  new Field('provider', new Utf8(), false),
  new Field('model', new Utf8(), false),
  new Field('model_id', new Utf8(), false),
  new Field('dim', new Int32(), false),
  new Field('base_url', new Utf8(), true),
  new Field('keys', new Int32(), false),
  new Field('texts', new Int32(), false),
  new Field('done', new Utf8(), false),
]);

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

/** sha256 hex of a description (model-independent: the key of text_vectors and text_keys) */
export function descHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The embedder of the stored text vectors (from text_files). */
export interface StoredTextModel {
  provider: ProviderName;
  model: string;
  modelId: string;
  dim: number;
  baseURL: string | null;
}

/** A provider spec with its defaults filled in, and the embedder it makes. */
export interface ResolvedEmbedder { spec: ProviderSpec & { model: string }; embedder: TextEmbedder }

/** the embedder of a spec; the model name recorded is the provider's default when none is given */
export function resolveEmbedder(spec: ProviderSpec, env: NodeJS.ProcessEnv = process.env): ResolvedEmbedder {
  const embedder = createEmbedder(spec, env);
  const model = spec.provider === 'local' ? 'use-lite-512' : spec.model ?? DEFAULT_MODELS[spec.provider];
  return { spec: { ...spec, model }, embedder };
}

async function openIf(db: lancedb.Connection, name: string): Promise<lancedb.Table | undefined> {
  return (await db.tableNames()).includes(name) ? db.openTable(name) : undefined;
}

async function rows(t: lancedb.Table, where: string | undefined, cols: string[]): Promise<Row[]> {
  let q = t.query().select(cols);
  if (where) q = q.where(where);
  return (await q.toArray()) as Row[];
}

/** What the workspace holds of text vectors. */
export interface TextStatus {
  model?: StoredTextModel;
  /** committed files whose keys are mapped and embedded */
  covered: number[];
  /** committed files not yet embedded */
  uncovered: number[];
  /** distinct descriptions with a vector */
  texts: number;
}

function coveredIds(done: Row[], committed: FileRow[]): number[] {
  const sha = new Map(committed.map((f) => [f.file_id, f.sha256]));
  return done.filter((r) => sha.get(num(r.file_id)) === r.sha256).map((r) => num(r.file_id));
}

function modelOf(done: Row[]): StoredTextModel | undefined {
  const r = done[done.length - 1];
  if (!r) return undefined;
  return { provider: r.provider as ProviderName, model: r.model as string, modelId: r.model_id as string, dim: num(r.dim), baseURL: (r.base_url as string | null) ?? null };
}

export async function textStatus(store: LanceStore): Promise<TextStatus> {
  const committed = (await store.files()).filter((f) => f.status === 'committed');
  const tf = await openIf(store.db, TEXT_FILES_TABLE);
  const done = tf ? (await rows(tf, undefined, ['file_id', 'sha256', 'provider', 'model', 'model_id', 'dim', 'base_url'])).sort((a, b) => num(a.file_id) - num(b.file_id)) : [];
  tf?.close();
  const covered = coveredIds(done, committed);
  const tv = await openIf(store.db, TEXT_VECTORS_TABLE);
  const texts = tv ? await tv.countRows() : 0;
  tv?.close();
  const cov = new Set(covered);
  return { model: covered.length ? modelOf(done.filter((r) => cov.has(num(r.file_id)))) : undefined, covered, uncovered: committed.map((f) => f.file_id).filter((id) => !cov.has(id)), texts };
}

// ---- backfill ----------------------------------------------------------------------------------

export interface TextBackfillOptions {
  /** the provider (default local) */
  spec?: ProviderSpec;
  /** an embedder already made from `spec` (else made here) */
  embedder?: TextEmbedder;
  env?: NodeJS.ProcessEnv;
  /** drop text vectors of another model and embed everything again */
  replace?: boolean;
  /** byte cap of the in-process vector cache (default 64 MB) */
  cacheBytes?: number;
  /** variant rows handled per step (memory bound; default 20,000) */
  chunkRows?: number;
  /** texts sent to the embedder per call (default 1,024) */
  embedBatch?: number;
  lockWaitMs?: number;
  /** progress: a file done */
  onFile?: (info: { fileId: number; path: string; keys: number; newTexts: number }) => void;
  /** ANN index threshold (rows of text_vectors) */
  indexMinRows?: number;
}

export interface TextBackfillResult {
  workspace: string;
  provider: string;
  model: string;
  modelId: string;
  dim: number;
  /** files embedded by this run */
  files: number;
  /** variant keys mapped to a description by this run */
  keys: number;
  /** distinct descriptions met by this run */
  descriptions: number;
  /** of those, embedded now (the rest had vectors already) */
  embedded: number;
  /** keys left out: nothing to describe (no gene, consequence, ClinVar or frequency) */
  unannotated: number;
  /** distinct descriptions with a vector in the workspace */
  totalTexts: number;
  /** whether text vectors of another model were dropped (--replace) */
  replaced: boolean;
  index?: VectorIndexResult;
}

const VARIANT_COLS = ['key', 'chrom', 'pos', 'end', 'gene', 'genes', 'vtype', 'impact', 'consequence', 'clnsig', 'clndn', 'af', 'ac', 'an'];

function plainRows(b: { numRows: number; getChild(name: string): { get(i: number): unknown } | null }, cols: string[]): Row[] {
  const out: Row[] = [];
  const children = cols.map((c) => [c, b.getChild(c)] as const);
  for (let i = 0; i < b.numRows; i++) {
    const r: Row = {};
    for (const [c, v] of children) r[c] = v ? v.get(i) : null;
    out.push(r);
  }
  return out;
}

const strList = (v: unknown): string[] => (v && typeof v !== 'string' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' ? [...(v as Iterable<string | null>)].filter((x): x is string => x !== null) : []);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function vecColumn(data: Float32Array, dim: number, n: number): Vector {
  const type = new FixedSizeList(dim, new Field('item', new Float32(), true));
  const child = makeData({ type: new Float32(), length: n * dim, data });
  return makeVector(makeData({ type, length: n, nullCount: 0, child })) as unknown as Vector;
}

interface KeyRow { key: string; chrom: string; pos: number; end: number; gene: string | null; genes: string[]; vtype: string; impact: string | null; af: number | null; desc_hash: string }

function keysArrow(rs: KeyRow[], fileId: number): Table {
  const col = <T>(f: (r: KeyRow) => T): T[] => rs.map(f);
  return new Table({
    key: vectorFromArray(col((r) => r.key), new Utf8()),
    chrom: vectorFromArray(col((r) => r.chrom), new Utf8()),
    pos: vectorFromArray(col((r) => r.pos), new Int32()),
    end: vectorFromArray(col((r) => r.end), new Int32()),
    gene: vectorFromArray(col((r) => r.gene), new Utf8()),
    genes: vectorFromArray(col((r) => r.genes), GENES_TYPE),
    vtype: vectorFromArray(col((r) => r.vtype), new Utf8()),
    impact: vectorFromArray(col((r) => r.impact), new Utf8()),
    af: vectorFromArray(col((r) => r.af), new Float64()),
    desc_hash: vectorFromArray(col((r) => r.desc_hash), new Utf8()),
    file_id: vectorFromArray(col(() => fileId), new Int32()),
  } as unknown as Record<string, Vector>);
}

function vectorsArrow(hashes: string[], texts: string[], vs: Float32Array[], m: { provider: string; model: string; modelId: string; dim: number }): Table {
  const n = hashes.length;
  const flat = new Float32Array(n * m.dim);
  vs.forEach((v, i) => flat.set(v, i * m.dim));
  return new Table({
    desc_hash: vectorFromArray(hashes, new Utf8()),
    text: vectorFromArray(texts, new Utf8()),
    provider: vectorFromArray(hashes.map(() => m.provider), new Utf8()),
    model: vectorFromArray(hashes.map(() => m.model), new Utf8()),
    model_id: vectorFromArray(hashes.map(() => m.modelId), new Utf8()),
    dim: vectorFromArray(hashes.map(() => m.dim), new Int32()),
    vector: vecColumn(flat, m.dim, n),
  } as unknown as Record<string, Vector>);
}

/** the text of a variant with nothing to describe (no gene, consequence, ClinVar or frequency) */
export const EMPTY_DESCRIPTION = describeVariant({});

/**
 * The description of a stored variant row (its annotation; AF from INFO/AF, else INFO AC/AN).
 * A row with nothing to describe gives EMPTY_DESCRIPTION: such keys get no text row, since a text
 * without content would sit near every short query ("missense variant") and mean nothing.
 */
export function rowDescription(r: Row): string {
  let af = numOrNull(r.af);
  if (af === null) {
    const ac = numOrNull(r.ac), an = numOrNull(r.an);
    if (ac !== null && an !== null && an > 0) af = ac / an;
  }
  return describeVariant({ gene: r.gene as string | null, consequence: r.consequence as string | null, impact: r.impact as string | null, clinvarSignificance: r.clnsig as string | null, condition: r.clndn as string | null, af });
}

/**
 * Map and embed every committed file not yet embedded: for each variant key of the file, its
 * description (from the file's annotation) and, for descriptions without a vector, the vector.
 * Takes the writer lock.
 */
export async function backfillText(db: string | undefined, o: TextBackfillOptions = {}): Promise<TextBackfillResult> {
  const ws = resolveWorkspace(db);
  if (!workspaceExists(ws)) throw new VcfError('STORE_NOT_FOUND', 'no store here: ingest a file first (vcf-agent ingest FILE --db DIR)', { file: ws.dir });
  const spec: ProviderSpec = o.spec ?? { provider: 'local' };
  const resolved = resolveEmbedder(spec, o.env);
  const inner = o.embedder ?? resolved.embedder;
  const model = resolved.spec.model;
  const lock = await acquireWriterLock(ws, 'embed', o.lockWaitMs);
  const store = await LanceStore.open(ws, false);
  const opened: lancedb.Table[] = [];
  try {
    const files = await store.files();
    const committed = files.filter((f) => f.status === 'committed');
    const vis = visibleFilterOf(files);
    let tf = await openIf(store.db, TEXT_FILES_TABLE);
    let done = tf ? (await rows(tf, undefined, ['file_id', 'sha256', 'provider', 'model', 'model_id', 'dim', 'base_url'])).sort((a, b) => num(a.file_id) - num(b.file_id)) : [];
    const stored = modelOf(done);
    let replaced = false;
    if (stored && stored.modelId !== inner.id) {
      if (!o.replace) {
        throw new VcfError('TEXT_MODEL_MISMATCH', `the workspace's text vectors were made by ${stored.modelId}, not ${inner.id}; vectors of different models cannot be mixed: add --replace to embed everything again with ${inner.id}`, { file: ws.dir }, 'usage');
      }
      replaced = true;
    }
    if (replaced || (tf && !stored)) {
      // another model (or an empty catalog): start over
      tf?.close();
      tf = undefined;
      for (const name of [TEXT_FILES_TABLE, TEXT_KEYS_TABLE, TEXT_VECTORS_TABLE]) if ((await store.db.tableNames()).includes(name)) await store.db.dropTable(name);
      done = [];
    }
    tf ??= await store.db.createEmptyTable(TEXT_FILES_TABLE, TEXT_FILES_SCHEMA);
    opened.push(tf);
    const tk = (await openIf(store.db, TEXT_KEYS_TABLE)) ?? (await store.db.createEmptyTable(TEXT_KEYS_TABLE, TEXT_KEYS_SCHEMA));
    opened.push(tk);
    let tv = await openIf(store.db, TEXT_VECTORS_TABLE);
    if (tv) opened.push(tv);

    // catalog rows of files no longer committed with that content (a re-used id): dropped with their rows
    const covered = new Set(coveredIds(done, committed));
    const stale = done.map((r) => num(r.file_id)).filter((id) => !covered.has(id));
    if (stale.length) await tf.delete(`file_id IN (${stale.join(',')})`);
    // key rows of files not marked done (an interrupted backfill, a re-used id)
    await tk.delete(covered.size ? `file_id NOT IN (${[...covered].join(',')})` : 'true');

    const known = new Set<string>(tv ? (await rows(tv, undefined, ['desc_hash'])).map((r) => r.desc_hash as string) : []);
    const cached = new CachedTextEmbedder(inner, o.cacheBytes ?? 64 << 20);
    const chunkRows = o.chunkRows ?? 20_000;
    const embedBatch = o.embedBatch ?? 1024;
    const todo = committed.filter((f) => !covered.has(f.file_id));
    let dim = tv ? (stored?.dim ?? inner.dim) : inner.dim;
    let keysN = 0, embedded = 0, unannotated = 0;
    const metDescs = new Set<string>();

    const addVectors = async (hashes: string[], texts: string[]): Promise<void> => {
      for (let i = 0; i < hashes.length; i += embedBatch) {
        const h = hashes.slice(i, i + embedBatch), t = texts.slice(i, i + embedBatch);
        const vs = await cached.embed(t);
        if (!vs.length) continue;
        dim ||= vs[0].length;
        if (vs[0].length !== dim) throw new VcfError('EMBED_PROVIDER', `${inner.id} returned ${vs[0].length}-d vectors, the workspace holds ${dim}-d ones`, {}, 'internal');
        const batch = vectorsArrow(h, t, vs, { provider: spec.provider, model, modelId: inner.id, dim });
        if (!tv) {
          tv = await store.db.createEmptyTable(TEXT_VECTORS_TABLE, textVectorsSchema(dim));
          opened.push(tv);
        }
        await tv.add(batch);
        for (const x of h) known.add(x);
        embedded += h.length;
      }
    };

    for (const f of todo) {
      const fileKeys = new Set<string>();
      let fileNew = 0, mapped = 0;
      let chunk: KeyRow[] = [];
      let pendH: string[] = [], pendT: string[] = [];
      const flush = async (): Promise<void> => {
        if (pendH.length) await addVectors(pendH, pendT);
        fileNew += pendH.length;
        pendH = []; pendT = [];
        if (chunk.length) await tk.add(keysArrow(chunk, f.file_id));
        chunk = [];
      };
      const pending = new Set<string>();
      for await (const b of store.tables.variants.query().where(`(${vis}) AND file_id = ${f.file_id}`).select(VARIANT_COLS)) {
        for (const r of plainRows(b as never, VARIANT_COLS)) {
          const key = r.key as string;
          if (fileKeys.has(key)) continue; // a key twice in one file: its first row
          fileKeys.add(key);
          const text = rowDescription(r);
          if (text === EMPTY_DESCRIPTION) { unannotated++; continue; }
          const h = descHash(text);
          metDescs.add(h);
          if (!known.has(h) && !pending.has(h)) { pending.add(h); pendH.push(h); pendT.push(text); }
          const pos = num(r.pos);
          mapped++;
          chunk.push({ key, chrom: r.chrom as string, pos, end: Math.max(pos, numOrNull(r.end) ?? pos), gene: (r.gene as string | null) ?? null, genes: strList(r.genes), vtype: r.vtype as string, impact: (r.impact as string | null) ?? null, af: numOrNull(r.af), desc_hash: h });
          if (chunk.length >= chunkRows) await flush();
        }
      }
      await flush();
      // older rows of the file's keys are superseded (readers also keep only the newest)
      const ks = [...fileKeys];
      for (let i = 0; i < ks.length; i += 2000) await tk.delete(`file_id < ${f.file_id} AND key IN (${ks.slice(i, i + 2000).map(sqlStr).join(',')})`);
      await tf.add([{ file_id: f.file_id, sha256: f.sha256, provider: spec.provider, model, model_id: inner.id, dim: dim || inner.dim, base_url: spec.provider === 'local' ? null : spec.baseURL ?? null, keys: mapped, texts: fileNew, done: new Date().toISOString() }]);
      keysN += mapped;
      o.onFile?.({ fileId: f.file_id, path: f.path, keys: mapped, newTexts: fileNew });
    }
    let index: VectorIndexResult | undefined;
    const tvNow = tv as lancedb.Table | undefined;
    if (tvNow && embedded) {
      const minRows = o.indexMinRows ?? (Number(process.env.VCF_AGENT_VECTOR_INDEX_MIN_ROWS) || undefined);
      index = await ensureVectorIndex(tvNow, { column: 'vector', minRows, replace: true });
    }
    return {
      workspace: ws.dir, provider: spec.provider, model, modelId: inner.id, dim: dim || inner.dim, files: todo.length, keys: keysN,
      descriptions: metDescs.size, embedded, unannotated, totalTexts: tvNow ? await tvNow.countRows() : 0, replaced, index,
    };
  } finally {
    for (const t of opened) t.close();
    store.close();
    lock.release();
  }
}

// ---- search ------------------------------------------------------------------------------------

export interface TextQuery {
  text: string;
  k?: number;
  /** bcftools -i expression on the hits' split records */
  include?: string;
  region?: string;
  gene?: string;
}

export interface TextSearchOptions {
  /** the query's provider; default: the provider of the stored vectors, or local when none */
  spec?: ProviderSpec;
  env?: NodeJS.ProcessEnv;
  /** embed files not yet embedded before searching (default true) */
  backfill?: boolean;
  /** a line for the user (stderr in the CLI) */
  note?: (msg: string) => void;
}

export interface TextHit {
  key: string; chrom: string; pos: number; gene: string | null; impact: string | null; vtype: string; af: number | null;
  n_carriers: number;
  /** cosine distance between the query and the variant's description */
  distance: number;
  why: string;
  /** the variant's description */
  text: string;
}

export interface TextSearchResult {
  query: string;
  model: string;
  hits: TextHit[];
  /** the SQL prefilter on text_keys */
  where: string;
  usedIndex: boolean;
  /** files embedded before this search (automatic backfill) */
  backfilled: number;
}

/** the spec a stored model is re-made from (keys and hosts from the environment) */
export function specOf(m: StoredTextModel): ProviderSpec {
  if (m.provider === 'local') return { provider: 'local' };
  // the width was asked for when the id carries it (openai always; ollama and compatible servers when given)
  const asked = m.provider === 'openai' || m.modelId.endsWith(`${m.model}:${m.dim}`);
  return { provider: m.provider, model: m.model, baseURL: m.baseURL ?? undefined, dimensions: asked ? m.dim : undefined };
}

function mismatch(stored: StoredTextModel, id: string): VcfError {
  return new VcfError('TEXT_MODEL_MISMATCH', `the workspace's text vectors were made by ${stored.modelId}; a query embedded by ${id} cannot be compared with them: search with --provider ${stored.provider}${stored.provider === 'local' ? '' : ` --model ${stored.model}`}, or re-embed with \`vcf-agent embed --provider ${id.split(':')[0]} --replace\``, {}, 'usage');
}

/**
 * The k variants whose descriptions are nearest to a free-text query: the query is embedded by
 * the stored model's provider, text_vectors is searched (prefiltered to the descriptions of the
 * variants passing region, gene and -i), and each description's variants follow in key order.
 */
export async function searchText(store: LanceStore, q: TextQuery, o: TextSearchOptions = {}): Promise<TextSearchResult> {
  const k = q.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new VcfError('USAGE', `-k must be an integer from 1 to 10000 (got ${k})`, {}, 'usage');
  const text = q.text.trim();
  if (!text) throw new VcfError('USAGE', '--text needs a non-empty query', {}, 'usage');
  let status = await textStatus(store);
  const spec = o.spec ?? (status.model ? specOf(status.model) : { provider: 'local' as const });
  let embedder: TextEmbedder;
  try {
    embedder = resolveEmbedder(spec, o.env).embedder;
  } catch (e) {
    // the stored model's provider cannot be made here (no key): say why that provider is used
    if (!o.spec && status.model && e instanceof VcfError) throw new VcfError(e.code, `the workspace's text vectors were made by ${status.model.modelId}, so the query must be embedded by it too: ${e.message}`, {}, e.kind);
    throw e;
  }
  if (status.model && status.model.modelId !== embedder.id) throw mismatch(status.model, embedder.id);
  let backfilled = 0;
  if (status.uncovered.length && o.backfill !== false) {
    o.note?.(`vcf-agent: computing text vectors (${embedder.id}) for ${status.uncovered.length} file${status.uncovered.length === 1 ? '' : 's'} not embedded yet; \`vcf-agent embed\` does this ahead of time`);
    try {
      const r = await backfillText(store.ws.dir, { spec, embedder, env: o.env });
      backfilled = r.files;
    } catch (e) {
      // another writer (an ingest) holds the workspace: search what is embedded already
      if (!(e instanceof VcfError && e.code === 'STORE_LOCKED') || !status.texts) throw e;
      o.note?.(`vcf-agent: ${e.message}; searching the ${status.covered.length} file${status.covered.length === 1 ? '' : 's'} embedded already`);
    }
    status = await textStatus(store);
  }
  if (!status.model || !status.texts) {
    throw new VcfError('STORE_NO_TEXT_VECTORS', status.covered.length || status.uncovered.length ? 'the workspace has no text vectors: run vcf-agent embed' : 'the workspace holds no committed files: ingest a file first', { file: store.ws.dir }, 'usage');
  }
  const [qv] = await embedder.embed([text]);
  const files = await store.files();
  const vis = visibleFilterOf(files);
  const tk = await store.db.openTable(TEXT_KEYS_TABLE);
  const tv = await store.db.openTable(TEXT_VECTORS_TABLE);
  try {
    const parts = [`(${vis})`];
    if (q.region) {
      const { parseRegion } = await import('../store/query.js');
      const r = parseRegion(q.region);
      parts.push(`chrom = ${sqlStr(r.chrom)}`);
      if (r.end !== undefined) parts.push(`pos <= ${r.end}`);
      if (r.start !== undefined) parts.push(`end >= ${r.start}`);
    }
    if (q.gene) parts.push(`array_has_any(genes, [${sqlStr(q.gene)}])`);
    if (q.include !== undefined) {
      const { queryVariants } = await import('../store/query.js');
      const pass = await queryVariants(store, { include: q.include, region: q.region, gene: q.gene });
      const keys = [...new Set(pass.rows.map((r) => r.key as string))];
      parts.push(keys.length ? `key IN (${keys.map(sqlStr).join(',')})` : 'false');
    }
    const where = parts.join(' AND ');
    const KEY_COLS = ['key', 'chrom', 'pos', 'gene', 'impact', 'vtype', 'af', 'desc_hash', 'file_id'];
    /** newest visible row per key */
    const newest = (rs: Row[]): Row[] => {
      const best = new Map<string, Row>();
      for (const r of rs) {
        const b = best.get(r.key as string);
        if (!b || num(r.file_id) > num(b.file_id)) best.set(r.key as string, r);
      }
      return [...best.values()];
    };
    const prefiltered = parts.length > 1;
    let allowed: Set<string> | undefined;
    let byHash = new Map<string, Row[]>();
    const group = (rs: Row[]): void => {
      for (const r of newest(rs)) {
        const h = r.desc_hash as string;
        let l = byHash.get(h);
        if (!l) byHash.set(h, (l = []));
        l.push(r);
      }
    };
    if (prefiltered) {
      group(await rows(tk, where, KEY_COLS));
      allowed = new Set(byHash.keys());
    }
    // nearest descriptions first; enough of them to give k variants (ties at the k-th broken by key)
    const hashFilter = allowed ? (allowed.size ? `desc_hash IN (${[...allowed].map(sqlStr).join(',')})` : 'false') : undefined;
    let fetch = Math.max(k, 10);
    let descs: Row[] = [];
    for (;;) {
      descs = await vectorSearch(tv, qv, { column: 'vector', k: fetch, where: hashFilter, select: ['desc_hash', 'text'] });
      if (!allowed) {
        const need = descs.map((d) => d.desc_hash as string).filter((h) => !byHash.has(h));
        for (let i = 0; i < need.length; i += 2000) {
          group(await rows(tk, `(${vis}) AND desc_hash IN (${need.slice(i, i + 2000).map(sqlStr).join(',')})`, KEY_COLS));
        }
      }
      const n = descs.reduce((s, d) => s + (byHash.get(d.desc_hash as string)?.length ?? 0), 0);
      if (n >= k || descs.length < fetch) break;
      fetch *= 4;
    }
    descs.sort((a, b) => num(a._distance) - num(b._distance) || (a.desc_hash as string).localeCompare(b.desc_hash as string));
    const out: Array<{ r: Row; d: Row }> = [];
    for (const d of descs) {
      const rs = (byHash.get(d.desc_hash as string) ?? []).slice().sort((a, b) => (a.key as string).localeCompare(b.key as string));
      for (const r of rs) out.push({ r, d });
    }
    out.sort((a, b) => num(a.d._distance) - num(b.d._distance) || (a.r.key as string).localeCompare(b.r.key as string));
    const top = out.slice(0, k);
    const carriers = await carrierCounts(store, top.map((x) => x.r.key as string), vis);
    const plan = await searchPlan(tv, qv, { column: 'vector', k: fetch, where: hashFilter });
    const hits: TextHit[] = top.map(({ r, d }) => ({
      key: r.key as string, chrom: r.chrom as string, pos: num(r.pos), gene: (r.gene as string | null) ?? null, impact: (r.impact as string | null) ?? null,
      vtype: r.vtype as string, af: numOrNull(r.af), n_carriers: carriers.get(r.key as string) ?? 0,
      distance: Math.max(0, num(d._distance)), why: `described as: ${d.text as string}`, text: d.text as string,
    }));
    byHash = new Map();
    return { query: text, model: status.model.modelId, hits, where, usedIndex: planUsesIndex(plan), backfilled };
  } finally {
    tk.close();
    tv.close();
  }
}

/** carriers per key from the `vectors` table when it exists (the newest visible row) */
async function carrierCounts(store: LanceStore, keys: string[], vis: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!keys.length) return out;
  const t = await openIf(store.db, 'vectors');
  if (!t) return out;
  try {
    const rs = await rows(t, `(${vis}) AND key IN (${keys.map(sqlStr).join(',')})`, ['key', 'n_carriers', 'file_id']);
    const fid = new Map<string, number>();
    for (const r of rs) {
      const key = r.key as string;
      if ((fid.get(key) ?? -1) < num(r.file_id)) { fid.set(key, num(r.file_id)); out.set(key, num(r.n_carriers)); }
    }
  } finally {
    t.close();
  }
  return out;
}
