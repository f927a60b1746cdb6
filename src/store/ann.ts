/**
 * The ANN (approximate nearest neighbour) indexes of the `vectors` table, and `db optimize`.
 *
 * Ingest writes the vectors but does not build ANN indexes (measured on trio100k: the IVF_HNSW_SQ
 * builds on `fvec` and `cvec` took ~55% of the ingest time, and every ingest retrained them over the
 * whole table). Without an index, `similar` runs an exact (flat) search, which is what LanceDB does
 * for rows an index does not cover anyway. Measured on the ann bench tables (shared machine):
 * 100k vectors, exact top-30: p50 ~260 ms without a prefilter, ~120 ms with a region prefilter;
 * 1M vectors: p50 ~3.2 s without a prefilter, ~110 ms with a chromosome prefilter, ~13 ms with a
 * region prefilter. So large workspaces want an index, built when asked:
 *
 *   vcf-agent db optimize        compacts the tables (merging the appended fragments and bringing
 *                                existing indexes up to date with the rows appended since), then
 *                                builds the ANN indexes a vectors table of >= DEFAULT_INDEX_MIN_ROWS
 *                                rows lacks (`--rebuild-ann`: retrain them from scratch)
 *   vcf-agent ingest --ann-index builds (retrains) them at the end of the ingest
 *
 * Rows appended after the index was built are still found (LanceDB searches them exactly and merges
 * the results); `db info` reports how many rows each index covers (vectorIndexStatus).
 *
 * (This file used to only re-export the SnpEff ANN decoder, now in src/annotate/ann.ts; that
 * re-export is kept below for existing imports.)
 */
import type * as lancedb from '@lancedb/lancedb';
import { VcfError } from '../vcf/errors.js';
import { DEFAULT_INDEX_MIN_ROWS, ensureVectorIndex, hasVectorIndex, type VectorIndexResult } from '../embed/search.js';
import { openVectors } from '../embed/vectors.js';
import { LanceStore, TABLES, type TableName } from './tables.js';
import { acquireWriterLock, resolveWorkspace, workspaceExists } from './workspace.js';

/** the vector columns of the `vectors` table that get an ANN index */
export const ANN_COLUMNS = ['fvec', 'cvec'] as const;

export interface AnnColumnStatus {
  column: string;
  /** whether an ANN index exists on the column */
  indexed: boolean;
  /** index type (e.g. IVF_HNSW_SQ) */
  type?: string;
  /** rows the index covers / rows appended since it was built (searched exactly) */
  indexedRows?: number;
  unindexedRows?: number;
}

export interface AnnStatus {
  /** rows of the vectors table (all versions of keys; readers see the committed ones) */
  rows: number;
  columns: AnnColumnStatus[];
  /** one line: "none (exact search) ..." / "covers all rows" / "N rows not covered" */
  summary: string;
}

/** The ANN index state of a vectors table. */
export async function annStatusOf(table: lancedb.Table): Promise<AnnStatus> {
  const rows = await table.countRows();
  const indices = await table.listIndices();
  const columns: AnnColumnStatus[] = [];
  for (const column of ANN_COLUMNS) {
    const idx = indices.find((i) => i.columns.includes(column) && /IVF|HNSW|PQ|SQ/i.test(i.indexType));
    if (!idx) { columns.push({ column, indexed: false }); continue; }
    const st = await table.indexStats(idx.name);
    columns.push({ column, indexed: true, type: idx.indexType, indexedRows: st?.numIndexedRows, unindexedRows: st?.numUnindexedRows });
  }
  const missing = columns.filter((c) => !c.indexed).map((c) => c.column);
  const behind = columns.filter((c) => c.indexed && (c.unindexedRows ?? 0) > 0);
  let summary: string;
  if (missing.length === columns.length) summary = `none: exact search over ${rows} rows (build with \`vcf-agent db optimize\`${rows < DEFAULT_INDEX_MIN_ROWS ? `; not needed below ${DEFAULT_INDEX_MIN_ROWS} rows` : ''})`;
  else if (missing.length) summary = `no index on ${missing.join(', ')} (exact search there); run \`vcf-agent db optimize\``;
  else if (behind.length) summary = `${behind.map((c) => `${c.column}: ${c.unindexedRows} of ${rows} rows not covered (searched exactly)`).join('; ')}; run \`vcf-agent db optimize\``;
  else summary = `covers all ${rows} rows`;
  return { rows, columns, summary };
}

/** The ANN index state of the workspace's vectors table (null when it has none). */
export async function vectorIndexStatus(store: LanceStore): Promise<AnnStatus | null> {
  const table = await openVectors(store, false);
  if (!table) return null;
  try {
    return await annStatusOf(table);
  } finally {
    table.close();
  }
}

export interface AnnBuildOptions {
  /** retrain indexes that exist (default: build only missing ones) */
  rebuild?: boolean;
  /** rows below which no index is built (default DEFAULT_INDEX_MIN_ROWS, env VCF_AGENT_VECTOR_INDEX_MIN_ROWS) */
  minRows?: number;
  /** the table was just compacted (LanceDB optimize updated existing indexes) */
  compacted?: boolean;
}

/** Build the ANN indexes of a vectors table (missing ones, or all with `rebuild`). */
export async function buildAnnIndexes(table: lancedb.Table, opts: AnnBuildOptions = {}): Promise<Record<string, VectorIndexResult>> {
  const minRows = opts.minRows ?? (Number(process.env.VCF_AGENT_VECTOR_INDEX_MIN_ROWS) || undefined);
  const out: Record<string, VectorIndexResult> = {};
  for (const column of ANN_COLUMNS) {
    if (!opts.rebuild && (await hasVectorIndex(table, column))) {
      out[column] = { built: false, rows: await table.countRows(), reason: opts.compacted ? 'index exists (updated with appended rows by the compaction)' : 'index exists' };
      continue;
    }
    out[column] = await ensureVectorIndex(table, { column, minRows, replace: true });
  }
  return out;
}

export interface OptimizeOptions extends AnnBuildOptions {
  db?: string;
  lockWaitMs?: number;
  /** skip the compaction (only build ANN indexes) */
  noCompact?: boolean;
  onStep?: (step: string) => void;
}

export interface OptimizeResult {
  workspace: string;
  /** per table: fragments removed/added by compaction */
  compacted: Record<string, { fragmentsRemoved: number; fragmentsAdded: number }>;
  ann: Record<string, VectorIndexResult>;
  status: AnnStatus | null;
}

/**
 * `vcf-agent db optimize`: takes the writer lock; compacts every table (LanceDB optimize: merges
 * small fragments, updates existing scalar and vector indexes with appended rows; old versions are
 * kept for LanceDB's default 7 days so open readers are not broken), then builds the ANN indexes.
 */
export async function optimizeStore(opts: OptimizeOptions = {}): Promise<OptimizeResult> {
  const ws = resolveWorkspace(opts.db);
  if (!workspaceExists(ws)) throw new VcfError('STORE_NOT_FOUND', 'no store here: ingest a file first', { file: ws.dir });
  const lock = await acquireWriterLock(ws, 'db optimize', opts.lockWaitMs);
  let store: LanceStore | undefined;
  try {
    store = await LanceStore.open(ws, false);
    const compacted: OptimizeResult['compacted'] = {};
    const vectors = await openVectors(store, false);
    try {
      if (!opts.noCompact) {
        const all: Array<[string, lancedb.Table]> = (Object.keys(TABLES) as TableName[]).map((n) => [n, store!.tables[n]]);
        if (vectors) all.push(['vectors', vectors]);
        for (const [name, t] of all) {
          opts.onStep?.(`compact ${name}`);
          const s = await t.optimize();
          compacted[name] = { fragmentsRemoved: s.compaction.fragmentsRemoved, fragmentsAdded: s.compaction.fragmentsAdded };
        }
      }
      let ann: Record<string, VectorIndexResult> = {};
      if (vectors) {
        opts.onStep?.('ann index');
        ann = await buildAnnIndexes(vectors, { ...opts, compacted: !opts.noCompact });
      }
      return { workspace: ws.dir, compacted, ann, status: vectors ? await annStatusOf(vectors) : null };
    } finally {
      vectors?.close();
    }
  } finally {
    store?.close();
    lock.release();
  }
}

/** Moved to src/annotate/ann.ts (kept as a re-export for existing imports). */
export * from '../annotate/ann.js';
