/**
 * Vector search over a LanceDB table with a fixed-size float32 vector column.
 *
 *  - ensureVectorIndex: an ANN index (IVF_HNSW_SQ by default, or IVF_PQ) is built once the table
 *    holds at least `minRows` rows, and rebuilt when asked (after an ingest); below that, exact
 *    search is fast enough and an index would be poorly trained.
 *  - vectorSearch: the k nearest rows to a query, with an SQL prefilter (`where`, applied before
 *    the search, so k rows come back whenever k rows match), through the index when there is one.
 *  - exact: the same query by brute force (bypassing the index): ground truth for recall.
 *  - recallAtK: recall counted by distance, so ties at the k-th distance are not misses.
 *
 * Distances are cosine distances (1 - cosine similarity); feature vectors and text vectors are unit
 * length, so this ranks like L2 and dot.
 *
 * Defaults chosen by measurement (bench/ann.ts, BENCHMARKS.md "Vector index"): IVF_HNSW_SQ with
 * √rows / 4 partitions (m 20, efConstruction 300) and, at query time, nprobes 20, ef max(64, 4k),
 * refineFactor 4 (re-ranking on full vectors, so `_distance` is exact) gave recall@10 0.992 on the
 * trio's feature vectors with and without a chrom prefilter (100k rows, 50 queries, counted by
 * distance); IVF_FLAT (1000 partitions) reached only 0.87-0.93 at nprobes 10-40 and IVF_PQ was
 * measured too (see BENCHMARKS.md).
 */
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Type } from 'apache-arrow';

export type DistanceType = 'cosine' | 'l2' | 'dot';
export type VectorIndexKind = 'ivf_hnsw_sq' | 'ivf_pq';

/** Arrow type of a vector column of `dim` float32 values (for table schemas). */
export function vectorType(dim: number): FixedSizeList<Float32> {
  return new FixedSizeList(dim, new Field('item', new Float32(), true));
}

/** Rows below which no ANN index is built (exact search over them takes a few ms). */
export const DEFAULT_INDEX_MIN_ROWS = 50_000;

export interface VectorIndexOptions {
  column: string;
  minRows?: number;
  kind?: VectorIndexKind;
  distanceType?: DistanceType;
  /** IVF partitions (default: √rows for IVF_PQ, √rows / 4 for IVF_HNSW_SQ, at least 1) */
  numPartitions?: number;
  /** IVF_PQ sub-vectors (default: dim / 8 when divisible, LanceDB's default otherwise) */
  numSubVectors?: number;
  /** IVF_HNSW_SQ graph degree (LanceDB default 20) */
  m?: number;
  /** IVF_HNSW_SQ build candidates (LanceDB default 300) */
  efConstruction?: number;
  /** rebuild even if an index on the column exists (after appends) */
  replace?: boolean;
}

export interface VectorIndexResult {
  built: boolean;
  rows: number;
  kind?: VectorIndexKind;
  reason: string;
}

async function vectorDim(table: lancedb.Table, column: string): Promise<number> {
  const schema = await table.schema();
  const f = schema.fields.find((x) => x.name === column);
  if (!f) throw new Error(`table has no column ${column}`);
  // LanceDB may hand back apache-arrow classes of its own copy: check the type id, not instanceof
  const t = f.type as { typeId: number; listSize?: number };
  if (t.typeId !== Type.FixedSizeList || !t.listSize) throw new Error(`column ${column} is not a fixed-size vector column`);
  return t.listSize;
}

export async function hasVectorIndex(table: lancedb.Table, column: string): Promise<boolean> {
  return (await table.listIndices()).some((i) => i.columns.includes(column) && /IVF|HNSW|PQ|SQ/i.test(i.indexType));
}

/** Build (or rebuild) the ANN index when the table is large enough. */
export async function ensureVectorIndex(table: lancedb.Table, opts: VectorIndexOptions): Promise<VectorIndexResult> {
  const rows = await table.countRows();
  const minRows = opts.minRows ?? DEFAULT_INDEX_MIN_ROWS;
  if (rows < Math.max(minRows, 256)) return { built: false, rows, reason: `${rows} rows < ${Math.max(minRows, 256)}: exact search` };
  if (!opts.replace && (await hasVectorIndex(table, opts.column))) return { built: false, rows, reason: 'index exists' };
  const kind = opts.kind ?? 'ivf_hnsw_sq';
  const distanceType = opts.distanceType ?? 'cosine';
  const dim = await vectorDim(table, opts.column);
  let config: lancedb.Index;
  if (kind === 'ivf_pq') {
    const numPartitions = opts.numPartitions ?? Math.max(1, Math.round(Math.sqrt(rows)));
    const numSubVectors = opts.numSubVectors ?? (dim % 8 === 0 ? dim / 8 : undefined);
    config = lancedb.Index.ivfPq({ distanceType, numPartitions, ...(numSubVectors ? { numSubVectors } : {}) });
  } else {
    const numPartitions = opts.numPartitions ?? Math.max(1, Math.round(Math.sqrt(rows) / 4));
    config = lancedb.Index.hnswSq({ distanceType, numPartitions, ...(opts.m ? { m: opts.m } : {}), ...(opts.efConstruction ? { efConstruction: opts.efConstruction } : {}) });
  }
  await table.createIndex(opts.column, { config, replace: true });
  return { built: true, rows, kind, reason: `${kind} over ${rows} rows` };
}

export interface SearchOptions {
  column: string;
  k?: number;
  /** SQL filter applied before the vector search */
  where?: string;
  /** columns to return (besides _distance) */
  select?: string[];
  distanceType?: DistanceType;
  /** IVF partitions to probe (default 20) */
  nprobes?: number;
  /** re-rank k × refineFactor candidates on full vectors (default 4; 0: none, distances are those of the index's quantized vectors) */
  refineFactor?: number;
  /** HNSW candidates (default max(64, efPerK × k)) */
  ef?: number;
  /** HNSW candidates per requested row when `ef` is not given (default 4) */
  efPerK?: number;
  /** brute force, ignoring any index */
  exact?: boolean;
}

export type SearchRow = Record<string, unknown> & { _distance: number };

function buildQuery(table: lancedb.Table, query: ArrayLike<number>, o: SearchOptions): lancedb.VectorQuery {
  const k = o.k ?? 10;
  let q = table.query().nearestTo(Array.from(query)).column(o.column).distanceType(o.distanceType ?? 'cosine').limit(k);
  if (o.where) q = q.where(o.where);
  if (o.select) q = q.select([...o.select, '_distance']);
  if (o.exact) return q.bypassVectorIndex();
  q = q.nprobes(o.nprobes ?? 20).ef(o.ef ?? Math.max(64, (o.efPerK ?? 4) * k));
  return o.refineFactor === 0 ? q : q.refineFactor(o.refineFactor ?? 4);
}

/** The k nearest rows (nearest first) with their `_distance`. */
export async function vectorSearch(table: lancedb.Table, query: ArrayLike<number>, o: SearchOptions): Promise<SearchRow[]> {
  return (await buildQuery(table, query, o).toArray()) as SearchRow[];
}

/** The query plan LanceDB will run (shows `ANNSubIndex` / `ANNIvfPartition` when the index is used). */
export async function searchPlan(table: lancedb.Table, query: ArrayLike<number>, o: SearchOptions): Promise<string> {
  return buildQuery(table, query, o).explainPlan();
}

/** whether a plan uses an ANN index (rather than brute-force KNN over every row) */
export function planUsesIndex(plan: string): boolean {
  return /ANNSubIndex|ANNIvfPartition/.test(plan);
}

/**
 * Recall@k of approximate results against exact ones, counted by distance: an approximate hit
 * counts when its exact distance is within `eps` of the k-th exact distance, so rows tied with the
 * k-th are not misses. `annDistances` must be true distances (use refineFactor with IVF_PQ).
 */
export function recallAtK(annDistances: readonly number[], exactDistances: readonly number[], k = 10, eps = 1e-5): number {
  const want = Math.min(k, exactDistances.length);
  if (!want) return 1;
  const kth = exactDistances[want - 1];
  const hits = annDistances.slice(0, k).filter((d) => d <= kth + eps).length;
  return Math.min(hits, want) / want;
}
