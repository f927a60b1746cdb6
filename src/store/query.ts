/**
 * Queries on the store: variants (region, gene, sample), carriers of a variant, samples, db info,
 * read-only Cypher. Every LanceDB query carries the committed-files filter (tables.ts).
 * Rows come in storage order (files in ingest order, records in file order).
 */
import { VcfError } from '../vcf/errors.js';
import { checkReadOnlyCypher, graphCounts, openGraphReadOnly, type GraphCounts } from './graph.js';
import { LanceStore, sqlStr, visibleFilterOf, type FileRow } from './tables.js';
import { resolveWorkspace, workspaceExists, type Workspace } from './workspace.js';

export type Row = Record<string, unknown>;

export async function openForRead(db?: string): Promise<LanceStore> {
  const ws = resolveWorkspace(db);
  if (!workspaceExists(ws)) throw new VcfError('STORE_NOT_FOUND', 'no store here: ingest a file first (vcf-agent ingest FILE --db DIR)', { file: ws.dir });
  return LanceStore.open(ws, false);
}

export interface Region { chrom: string; start?: number; end?: number }

/** `chr1`, `chr1:100`, `chr1:100-200` (1-based, inclusive; commas in numbers allowed) */
export function parseRegion(s: string): Region {
  const m = /^([^:]+)(?::([\d,]+)(?:-([\d,]*))?)?$/.exec(s.trim());
  if (!m) throw new VcfError('USAGE_BAD_REGION', `bad region "${s}" (expected CHR, CHR:POS or CHR:BEG-END)`, {}, 'usage');
  const num = (x: string | undefined): number | undefined => (x ? Number(x.replace(/,/g, '')) : undefined);
  const start = num(m[2]);
  const end = m[3] !== undefined ? (m[3] === '' ? undefined : num(m[3])) : start;
  if (start !== undefined && end !== undefined && end < start) throw new VcfError('USAGE_BAD_REGION', `bad region "${s}": end before start`, {}, 'usage');
  return { chrom: m[1], start, end };
}

export interface VariantQuery { region?: string; gene?: string; sample?: string; limit?: number }

export const VARIANT_COLUMNS = ['chrom', 'pos', 'id', 'ref', 'alt', 'qual', 'filter', 'key', 'vtype', 'gene', 'genes', 'consequence', 'impact', 'hgvs_c', 'hgvs_p', 'af', 'ac', 'an', 'dp', 'clnsig', 'file_id'];
export const SAMPLE_COLUMNS = ['sample', 'gt', 'zygosity', 'gt_dp', 'gt_gq'];

function regionFilter(r: Region): string {
  let f = `chrom = ${sqlStr(r.chrom)}`;
  if (r.end !== undefined) f += ` AND pos <= ${r.end}`;
  if (r.start !== undefined) f += ` AND end >= ${r.start}`;
  return f;
}

function plain(r: Row): Row {
  const o: Row = {};
  for (const [k, v] of Object.entries(r)) {
    // Arrow lists come back as vectors: plain arrays for JSON and TSV
    o[k] = typeof v === 'bigint' ? Number(v) : v !== null && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function' ? [...(v as Iterable<unknown>)] : v;
  }
  return o;
}

/** Variant rows matching every given condition; with `sample`, that sample's non-reference or missing calls. */
export async function queryVariants(store: LanceStore, q: VariantQuery): Promise<{ rows: Row[]; columns: string[] }> {
  const vis = visibleFilterOf(await store.files());
  const parts = [vis];
  const region = q.region ? parseRegion(q.region) : undefined;
  if (region) parts.push(regionFilter(region));
  if (q.gene) parts.push(`array_has_any(genes, [${sqlStr(q.gene)}])`);
  const limit = q.limit ?? 1_000_000_000;
  if (!q.sample) {
    const rows = await store.tables.variants.query().where(parts.join(' AND ')).select(VARIANT_COLUMNS).limit(limit).toArray();
    return { rows: rows.map(plain), columns: VARIANT_COLUMNS };
  }
  // sample: its stored calls (region on the genotypes table), then the variant rows by vid
  const gParts = [vis, `sample = ${sqlStr(q.sample)}`, `zygosity != 'missing'`];
  if (region) {
    gParts.push(`chrom = ${sqlStr(region.chrom)}`);
    // genotypes hold POS only: take calls that may overlap, the exact overlap is checked on the variant
    if (region.end !== undefined) gParts.push(`pos <= ${region.end}`);
  }
  const out: Row[] = [];
  const calls = store.tables.genotypes.query().where(gParts.join(' AND ')).select(['vid', 'sample', 'gt', 'zygosity', 'dp', 'gq']);
  let pending: Row[] = [];
  const drain = async (): Promise<void> => {
    if (!pending.length) return;
    const byVid = new Map(pending.map((c) => [String(c.vid), c]));
    const vrows = await store.tables.variants.query().where(`vid IN (${[...byVid.keys()].join(',')}) AND ${parts.join(' AND ')}`).select(['vid', ...VARIANT_COLUMNS]).toArray();
    const got = new Map(vrows.map((v) => [String(v.vid), v]));
    for (const [vid, c] of byVid) {
      const v = got.get(vid);
      if (!v || out.length >= limit) continue;
      const r = plain(v);
      delete r.vid;
      out.push({ ...r, sample: c.sample, gt: c.gt, zygosity: c.zygosity, gt_dp: c.dp, gt_gq: c.gq });
    }
    pending = [];
  };
  for await (const b of calls) {
    for (const c of b.toArray() as Row[]) {
      pending.push(c);
      if (pending.length >= 2000) await drain();
      if (out.length >= limit) break;
    }
    if (out.length >= limit) break;
  }
  await drain();
  return { rows: out, columns: [...VARIANT_COLUMNS, ...SAMPLE_COLUMNS] };
}

/** Samples carrying a variant key (non-reference calls), with their calls. */
export async function carriers(store: LanceStore, key: string): Promise<Row[]> {
  const vis = visibleFilterOf(await store.files());
  const rows = await store.tables.genotypes.query().where(`${vis} AND key = ${sqlStr(key)} AND zygosity != 'missing'`).select(['sample', 'gt', 'zygosity', 'dp', 'gq', 'file_id']).toArray();
  return rows.map(plain);
}

export async function listSamples(store: LanceStore): Promise<Row[]> {
  const files = await store.files();
  const vis = visibleFilterOf(files);
  const paths = new Map(files.map((f) => [f.file_id, f.path]));
  const rows = await store.tables.samples.query().where(vis).select(['sample', 'file_id', 'idx']).toArray();
  return rows.map(plain).map((r) => ({ ...r, file: paths.get(r.file_id as number) }));
}

export interface DbInfo {
  workspace: string;
  files: Array<Omit<FileRow, 'header'>>;
  rows: { variants: number; genotypes: number; samples: number };
  distinctSamples: number;
  graph: GraphCounts | { error: string } | null;
}

export async function dbInfo(store: LanceStore, ws: Workspace): Promise<DbInfo> {
  const files = await store.files();
  const vis = visibleFilterOf(files);
  const samples = await store.tables.samples.query().where(vis).select(['sample']).toArray();
  let graph: DbInfo['graph'] = null;
  try {
    const g = openGraphReadOnly(ws);
    try { graph = await graphCounts(g); } finally { await g.close(); }
  } catch (e) {
    graph = { error: e instanceof VcfError ? e.message : String((e as Error).message ?? e).split('\n')[0] };
  }
  return {
    workspace: ws.dir,
    files: files.map(({ header: _h, ...rest }) => rest),
    rows: {
      variants: await store.tables.variants.countRows(vis),
      genotypes: await store.tables.genotypes.countRows(vis),
      samples: samples.length,
    },
    distinctSamples: new Set(samples.map((s) => s.sample as string)).size,
    graph,
  };
}

/** Run a read-only Cypher query (checked by the allow-list first, then on a read-only open). */
export async function graphQuery(db: string | undefined, cypher: string): Promise<Row[]> {
  checkReadOnlyCypher(cypher);
  const ws = resolveWorkspace(db);
  const g = openGraphReadOnly(ws);
  try {
    return (await g.query(cypher)).map(plain);
  } catch (e) {
    throw new VcfError('GRAPH_QUERY', (e as Error).message.split('\n')[0], { file: 'cypher' });
  } finally {
    await g.close();
  }
}
