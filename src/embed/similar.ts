/**
 * Similar-variant search over the store's `vectors` table (vectors.ts): the k nearest variant keys
 * to a stored variant, by feature vector (`features`) or carrier sketch (`carriers`), with an SQL
 * prefilter (committed rows, region, gene) applied before the vector search and a bcftools
 * expression (-i) evaluated through the store's expression path (queryVariants) on the variant rows.
 * Each hit comes with its cosine distance and why (whyText: the feature components that matched most).
 * `--by text` / `--text` searches the text vectors instead (text-store.ts): why is the description.
 */
import { VcfError } from '../vcf/errors.js';
import { catalog, isSharedReadHandle, parseRegion, queryVariants } from '../store/query.js';
import { sqlStr, visibleFilterOf, type LanceStore } from '../store/tables.js';
import { readModelEnabled } from '../store/read-model.js';
import { FEATURE_VERSION, whyText } from './features.js';
import { planUsesIndex, searchPlan, vectorSearch, type SearchOptions } from './search.js';
import { openVectors, splitKey } from './vectors.js';
import { vectorModel, vectorModelSettled, vectorModelState, type VectorModel } from './vector-model.js';
import { searchText, type TextSearchOptions } from './text-store.js';

export type SimilarBy = 'features' | 'carriers' | 'text';

export interface SimilarQuery {
  /** a variant key CHROM:POS:REF:ALT, or CHROM:POS (the first stored key there) */
  variant?: string;
  /** free text (needs --by text) */
  text?: string;
  k?: number;
  /** bcftools -i expression on the hits' split records */
  include?: string;
  /** CHR, CHR:POS or CHR:BEG-END */
  region?: string;
  gene?: string;
  by?: SimilarBy;
}

export interface SimilarHit {
  key: string; chrom: string; pos: number; gene: string | null; impact: string | null; vtype: string; af: number | null;
  n_carriers: number;
  /** cosine distance (1 - cosine similarity) */
  distance: number;
  why: string;
  /** --by text: the variant's description */
  text?: string;
}

export interface SimilarResult {
  query: string;
  by: SimilarBy;
  hits: SimilarHit[];
  /** the SQL prefilter applied before the vector search */
  where: string;
  /** whether LanceDB used an ANN index (false: exact search) */
  usedIndex: boolean;
  /** --by text: the embedder id of the text vectors */
  model?: string;
  /** --by text: files embedded before the search (automatic backfill) */
  backfilled?: number;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

function toF32(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  const a = v as { toArray?: () => ArrayLike<number> } & Iterable<number>;
  return Float32Array.from(typeof a.toArray === 'function' ? a.toArray() : [...a]);
}

/**
 * keep, per key, only the row with the largest visible file_id (see vectors.ts); `oneFile`: one
 * committed file, so one row per key; `vm`: the visible rows are in memory (vector-model.ts)
 */
async function newestOnly(table: import('@lancedb/lancedb').Table, rows: Row[], vis: string, oneFile = false, vm?: VectorModel): Promise<Row[]> {
  if (!rows.length) return rows;
  if (oneFile) {
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.key as string) && !!seen.add(r.key as string));
  }
  const keys = [...new Set(rows.map((r) => r.key as string))];
  const all = vm
    ? keys.flatMap((k) => vm.rowsOfKey(k).map((i) => ({ key: k, file_id: vm.fileIdOf(i) })))
    : ((await table.query().where(`(${vis}) AND key IN (${keys.map(sqlStr).join(',')})`).select(['key', 'file_id']).toArray()) as Row[]);
  const max = new Map<string, number>();
  for (const r of all) max.set(r.key as string, Math.max(max.get(r.key as string) ?? -1, num(r.file_id)));
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = r.key as string;
    if (num(r.file_id) !== max.get(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** a shared read handle's vectors table, kept open with it (opening costs a listing and a manifest read per call) */
const vectorTables = new WeakMap<LanceStore, Promise<import('@lancedb/lancedb').Table | undefined>>();

async function vectorsOf(store: LanceStore): Promise<{ table: import('@lancedb/lancedb').Table | undefined; keep: boolean }> {
  if (!isSharedReadHandle(store)) return { table: await openVectors(store, false), keep: false };
  let p = vectorTables.get(store);
  if (!p) {
    p = openVectors(store, false);
    vectorTables.set(store, p);
  }
  const table = await p;
  if (!table) vectorTables.delete(store); // created by a later ingest: look again next time
  return { table, keep: true };
}

/**
 * Load the ANN index of the feature vectors (the default `similar`) of a shared read handle into
 * LanceDB's index cache; the server calls it at start. Without it the first searches read index
 * partitions from disk: measured on the 1M-record trio, 122 ms per search for the first 40, 14 ms
 * once warm; prewarming took 2.3 s and ~730 MB (memory the cache reaches anyway as searches touch
 * the partitions). False when there is no such index (small stores search exactly).
 */
export async function prewarmSimilar(store: LanceStore): Promise<boolean> {
  const { table, keep } = await vectorsOf(store);
  if (!table) return false;
  // a shared handle also loads its vector model (vector-model.ts) now, not on the first search
  if (keep && vectorModel(store, table, visibleFilterOf(await catalog(store))) === undefined) await vectorModelSettled(store);
  try {
    const idx = (await table.listIndices()).find((i) => i.columns.includes('fvec') && /IVF|HNSW|PQ|SQ/i.test(i.indexType));
    if (!idx) return false;
    await table.prewarmIndex(idx.name);
    return true;
  } finally {
    if (!keep) table.close();
  }
}

/** the state of a shared handle's vector model (vector-model.ts): 'off' without shared handles or with VCF_AGENT_READ_MODEL=0 */
export function similarModelStatus(store: LanceStore): 'off' | 'none' | 'building' | 'ready' | 'too-large' {
  return isSharedReadHandle(store) && readModelEnabled() ? vectorModelState(store) : 'off';
}

/** whether the search uses the ANN index, by table version, column and whether a prefilter beyond visibility is set (not by k or the filter's values) */
const planCache = new WeakMap<import('@lancedb/lancedb').Table, Map<string, boolean>>();

async function usesIndex(table: import('@lancedb/lancedb').Table, version: number, qv: Float32Array, column: string, k: number, where: string, prefiltered: boolean): Promise<boolean> {
  const id = `${version}:${column}:${prefiltered}:${where === ''}`;
  let m = planCache.get(table);
  if (!m) planCache.set(table, (m = new Map()));
  let hit = m.get(id);
  if (hit === undefined) {
    hit = planUsesIndex(await searchPlan(table, qv, { column, k, where: where || undefined }));
    m.clear();
    m.set(id, hit);
  }
  return hit;
}

/**
 * Re-ranking of the ANN candidates on full vectors: the search asks LanceDB for refine × fetch
 * candidates by the index's quantized distances (no refine there) and ranks them here by exact
 * cosine distance on their full vectors (from the vector model in the server, selected with the
 * hits otherwise), keeping the nearest `fetch`: LanceDB's own refine, without reading each
 * candidate's vector from the table again. Feature vectors: refine 2, ef max(64, 2 × fetch)
 * (measured on the 1M-record bench trio, 40 seeded queries, compacted store: recall@10 0.993, as
 * with the defaults 4 and 4 × fetch, at about 13 instead of 16 ms of CPU per search; ranking here
 * instead: 80 queries, recall@10 0.990 both ways, 8.0 instead of 9.4-10.8 ms). Carrier sketches:
 * LanceDB's defaults, 4 and 4 × fetch.
 */
const REFINE: Record<'features' | 'carriers', number> = { features: 2, carriers: 4 };

/** 1 - cosine similarity in float64, NaN for a zero vector (LanceDB drops those rows) */
function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : NaN;
}

/**
 * Rows fetched first for k hits: k + 1 (a row beyond the k-th shows whether the k-th distance is
 * tied), rounded up to 8 × a power of two, so small k still re-rank 16 or more candidates
 * (measured with REFINE on the 1M-record bench trio, 80 seeded queries: recall 0.995 / 0.990 /
 * 0.986 at k 5 / 10 / 20). More rows are fetched when rows superseded by a newer file were dropped
 * or the last row fetched ties with the k-th.
 */
export function fetchFor(k: number): number {
  let f = 8;
  while (f < k + 1) f *= 2;
  return f;
}

const QUERY_COLUMNS = ['key', 'file_id', 'fvec', 'cvec', 'feature_version'];
const HIT_COLUMNS = ['key', 'chrom', 'pos', 'gene', 'impact', 'vtype', 'af', 'n_carriers', 'fvec', 'cvec', 'file_id'];
const HIT_KEY_COLUMNS = ['key', 'file_id'];

/** the HIT_COLUMNS of search rows (key, file_id) from the vector model; undefined when one is not there */
function hydrate(vm: VectorModel, rows: Row[]): Row[] | undefined {
  const out: Row[] = [];
  for (const r of rows) {
    const i = vm.find(r.key as string, num(r.file_id));
    if (i < 0) return undefined;
    out.push(vm.hitRow(i));
  }
  return out;
}

/** per table: whether every row is visible under `vis`, by table version (then no visibility prefilter is needed) */
const visibleCache = new WeakMap<import('@lancedb/lancedb').Table, { id: string; all: boolean }>();

async function everyRowVisible(table: import('@lancedb/lancedb').Table, version: number, vis: string): Promise<boolean> {
  const id = `${version}:${vis}`;
  const hit = visibleCache.get(table);
  if (hit?.id === id) return hit.all;
  const all = (await table.countRows(`NOT (${vis})`)) === 0;
  visibleCache.set(table, { id, all });
  return all;
}

export async function similarVariants(store: LanceStore, q: SimilarQuery, textOpts: TextSearchOptions = {}): Promise<SimilarResult> {
  const by = q.by ?? (q.text !== undefined ? 'text' : 'features');
  const k = q.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new VcfError('USAGE', `-k must be an integer from 1 to 10000 (got ${k})`, {}, 'usage');
  if (by === 'text' || q.text !== undefined) {
    if (by !== 'text') throw new VcfError('USAGE', `--text searches text vectors: it cannot be combined with --by ${by}`, {}, 'usage');
    if (q.text === undefined) throw new VcfError('USAGE', 'similar --by text needs --text "..." (a variant is found by its description: use --text)', {}, 'usage');
    if (q.variant !== undefined) throw new VcfError('USAGE', 'give either a VARIANT or --text, not both', {}, 'usage');
    const r = await searchText(store, { text: q.text, k, include: q.include, region: q.region, gene: q.gene }, textOpts);
    return { query: r.query, by: 'text', hits: r.hits, where: r.where, usedIndex: r.usedIndex, model: r.model, backfilled: r.backfilled };
  }
  if (!q.variant) throw new VcfError('USAGE', 'similar needs a VARIANT (CHROM:POS:REF:ALT or CHROM:POS)', {}, 'usage');
  const { table, keep } = await vectorsOf(store);
  if (!table) throw new VcfError('STORE_NO_VECTORS', 'the workspace has no vectors table: ingest a file with this version of vcf-agent', { file: store.ws.dir });
  try {
    const files = await catalog(store);
    const vis = visibleFilterOf(files);
    const oneFile = files.filter((f) => f.status === 'committed').length <= 1;
    // the query variant
    const spec = q.variant.trim();
    const isKey = spec.split(':').length >= 4;
    // the server's in-memory copy of the visible vectors rows, once loaded (shared read handles only)
    const vm = keep ? vectorModel(store, table, vis) : undefined;
    let cand: Row[];
    if (isKey) cand = vm ? vm.rowsOfKey(spec).map((i) => vm.queryRow(i)) : ((await table.query().where(`(${vis}) AND key = ${sqlStr(spec)}`).select(QUERY_COLUMNS).toArray()) as Row[]);
    else {
      const m = /^(.+):([\d,]+)$/.exec(spec);
      if (!m) throw new VcfError('USAGE', `bad VARIANT "${spec}" (expected CHROM:POS:REF:ALT or CHROM:POS)`, {}, 'usage');
      const pos = Number(m[2].replace(/,/g, ''));
      cand = vm ? vm.rowsAt(m[1], pos).map((i) => vm.queryRow(i)) : ((await table.query().where(`(${vis}) AND chrom = ${sqlStr(m[1])} AND pos = ${pos}`).select(QUERY_COLUMNS).toArray()) as Row[]);
    }
    const qrows = (await newestOnly(table, cand, vis, oneFile, vm)).sort((a, b) => (a.key as string).localeCompare(b.key as string));
    if (!qrows.length) throw new VcfError('STORE_NO_VARIANT', `no stored variant ${spec}`, { file: store.ws.dir }, 'usage');
    const qrow = qrows[0];
    if (num(qrow.feature_version) !== FEATURE_VERSION) throw new VcfError('STORE_VECTORS_VERSION', `vectors were computed with feature version ${num(qrow.feature_version)}, this vcf-agent uses ${FEATURE_VERSION}: ingest again into a fresh workspace`, { file: store.ws.dir });
    const qf = toF32(qrow.fvec), qc = toF32(qrow.cvec);
    const column = by === 'carriers' ? 'cvec' : 'fvec';
    const qv = by === 'carriers' ? qc : qf;
    if (by === 'carriers' && !qc.some((x) => x !== 0)) throw new VcfError('USAGE', `${qrow.key} has no carriers in the store: --by carriers needs a variant with stored non-reference calls`, {}, 'usage');

    // prefilter: visibility (left out when every row of the table is visible), region, gene; the
    // expression through the store's expression path
    const version = await table.version(); // one version for both per-version caches below
    const parts = (await everyRowVisible(table, version, vis)) ? [] : [`(${vis})`];
    const visParts = parts.length;
    if (q.region) {
      const r = parseRegion(q.region);
      parts.push(`chrom = ${sqlStr(r.chrom)}`);
      if (r.end !== undefined) parts.push(`pos <= ${r.end}`);
      if (r.start !== undefined) parts.push(`end >= ${r.start}`);
    }
    if (q.gene) parts.push(`array_has_any(genes, [${sqlStr(q.gene)}])`);
    if (by === 'carriers') parts.push('n_carriers > 0');
    if (q.include !== undefined) {
      const pass = await queryVariants(store, { include: q.include, region: q.region, gene: q.gene });
      const keys = [...new Set(pass.rows.map((r) => r.key as string))];
      parts.push(keys.length ? `key IN (${keys.map(sqlStr).join(',')})` : 'false');
    }
    const filter = parts.join(' AND ');
    // fetch more than k (fetchFor): rows superseded by a newer one are dropped, and ties at the k-th
    // distance are broken by key, so the answer is the same on every run: fetch more while the
    // last row fetched is as near as the k-th hit (rows beyond it may tie)
    let fetch = fetchFor(k);
    let hits: Row[] = [];
    const byDistance = (a: Row, b: Row): number => num(a._distance) - num(b._distance) || (a.key as string).localeCompare(b.key as string);
    const rf = REFINE[by === 'carriers' ? 'carriers' : 'features'];
    for (;;) {
      const search = (select: string[]): Promise<Row[]> => {
        const o: SearchOptions = { column, k: rf * fetch, ef: Math.max(64, rf * fetch), refineFactor: 0, where: filter || undefined, select };
        return vectorSearch(table, qv, o);
      };
      // with the vector model the search returns keys and file ids only: the rest comes from memory
      // (a row it does not hold, were the table to change under it, sends this search to LanceDB)
      let cands = vm ? hydrate(vm, await search(HIT_KEY_COLUMNS)) : undefined;
      cands ??= await search(HIT_COLUMNS);
      // re-ranked by exact distance (REFINE): the nearest `fetch`
      const rows: Row[] = [];
      for (const c of cands) {
        const d = cosineDistance(qv, toF32(c[column]));
        if (Number.isNaN(d)) continue;
        const r: Row = { _distance: d };
        for (const col of HIT_COLUMNS) r[col] = c[col];
        rows.push(r);
      }
      rows.sort(byDistance).length = Math.min(rows.length, fetch);
      hits = await newestOnly(table, rows, vis, oneFile, vm);
      if (cands.length < rf * fetch) break;
      if (hits.length >= k + 1 && num(rows[rows.length - 1]._distance) > num(hits[k - 1]._distance)) break;
      fetch *= 4;
    }
    const usedIndex = await usesIndex(table, version, qv, column, k, filter, parts.length > visParts);
    const out: SimilarHit[] = hits.slice(0, k).map((h) => {
      const hf = toF32(h.fvec), hc = toF32(h.cvec);
      let why = whyText(qf, hf);
      if (by === 'carriers') {
        let dot = 0;
        for (let i = 0; i < qc.length; i++) dot += qc[i] * hc[i];
        why = `carrier overlap (Jaccard estimate) ${Math.max(0, dot).toFixed(2)}${why ? '; ' + why : ''}`;
      }
      return {
        key: h.key as string, chrom: h.chrom as string, pos: num(h.pos), gene: (h.gene as string | null) ?? null, impact: (h.impact as string | null) ?? null,
        vtype: h.vtype as string, af: h.af === null || h.af === undefined ? null : num(h.af), n_carriers: num(h.n_carriers),
        distance: Math.max(0, num(h._distance)), why,
      };
    });
    return { query: qrow.key as string, by, hits: out, where: filter, usedIndex };
  } finally {
    if (!keep) table.close();
  }
}

export { splitKey };
