/**
 * Queries on the store: variants (region, gene, sample), carriers of a variant, samples, db info,
 * read-only Cypher. Every LanceDB query carries the committed-files filter (tables.ts).
 * Rows come in storage order (files in ingest order, records in file order).
 */
import { VcfError } from '../vcf/errors.js';
import { compileFilter, type CompiledFilter } from '../expr/filter.js';
import { RECORD_COLUMNS, RecordRebuilder, parseStoredHeader, type StoredRow } from './records.js';
import { needsAltCall, pushdownSql } from './pushdown.js';
import { checkReadOnlyCypher, graphCounts, openGraphReadOnly, type GraphCounts } from './graph.js';
import { LanceStore, sqlStr, visibleFilterOf, type FileRow } from './tables.js';
import { readModel, readModelEnabled, readModelTooLarge, type ReadModel } from './read-model.js';
import { resolveWorkspace, workspaceExists, type Workspace } from './workspace.js';

export type Row = Record<string, unknown>;

export async function openForRead(db?: string): Promise<LanceStore> {
  const ws = resolveWorkspace(db);
  if (!workspaceExists(ws)) throw new VcfError('STORE_NOT_FOUND', 'no store here: ingest a file first (vcf-agent ingest FILE --db DIR)', { file: ws.dir });
  if (!sharedReads) return LanceStore.open(ws, false);
  let p = sharedReads.get(ws.dir);
  if (!p) {
    // one read handle per workspace for the whole process, checking for new commits on every read;
    // callers get a view whose close() leaves it open
    p = LanceStore.open(ws, false, { readConsistencyInterval: 0 }).then((st) => {
      const view = Object.create(st, { close: { value: () => undefined } }) as LanceStore;
      sharedViews.add(view);
      return view;
    });
    sharedReads.set(ws.dir, p);
    p.catch(() => sharedReads?.delete(ws.dir));
  }
  return p;
}

/** the shared read handles handed out (their tables stay open for the process's life) */
const sharedViews = new WeakSet<LanceStore>();

/** true for a shared read handle (shareReadHandles): handles opened from it (e.g. a table) may be kept with it */
export function isSharedReadHandle(store: LanceStore): boolean {
  return sharedViews.has(store);
}

/** workspace dir → its shared read handle (null: every openForRead opens its own) */
let sharedReads: Map<string, Promise<LanceStore>> | null = null;
let sharers = 0;

/**
 * Long-running processes (the HTTP server) share one read handle per workspace instead of opening
 * the tables for every call: opening costs milliseconds and memory per concurrent request.
 * Returns the function that closes the shared handles and turns sharing off.
 */
export function shareReadHandles(): () => Promise<void> {
  sharedReads ??= new Map();
  sharers++;
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    if (--sharers > 0) return; // another server of this process still shares them
    const all = sharedReads ? [...sharedReads.values()] : [];
    sharedReads = null;
    for (const p of all) {
      try { Object.getPrototypeOf(await p).close(); } catch { /* failed to open: nothing to close */ }
    }
  };
}

/**
 * The state of the in-memory read model (read-model.ts) of `db`'s shared read handle, starting its
 * build when there is none for the visible files: 'off' (no shared handles, or VCF_AGENT_READ_MODEL=0),
 * 'none' (no store yet), 'building', 'ready', 'too-large' (over VCF_AGENT_READ_MODEL_MAX_ROWS: LanceDB answers).
 */
export async function readModelStatus(db?: string): Promise<'off' | 'none' | 'building' | 'ready' | 'too-large'> {
  if (!sharedReads || !readModelEnabled()) return 'off';
  if (!workspaceExists(resolveWorkspace(db))) return 'none';
  const store = await openForRead(db);
  const vis = visibleFilterOf(await catalog(store));
  if (readModel(store, vis, VARIANT_COLUMNS)) return 'ready';
  return readModelTooLarge(store, vis) ? 'too-large' : 'building';
}

/** the catalog, re-read only when the files table has a new version (reading it costs ~2-10 ms; the version check ~0.05 ms) */
const catalogCache = new WeakMap<LanceStore, { version: number; files: FileRow[] }>();
export async function catalog(store: LanceStore): Promise<FileRow[]> {
  const version = await store.tables.files.version();
  const hit = catalogCache.get(store);
  if (hit && hit.version === version) return hit.files;
  const files = await store.files();
  catalogCache.set(store, { version, files });
  return files;
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

export interface VariantQuery {
  region?: string;
  gene?: string;
  sample?: string;
  limit?: number;
  /** leave out the first N matching rows (paging) */
  offset?: number;
  /** also count every matching row (`total`), past the page: LanceDB countRows when no expression
   *  or sample needs evaluating, else counted in the streaming pass (rows past the page are not kept) */
  count?: boolean;
  /** only these variant rows (vid values) */
  vids?: Array<string | number | bigint>;
  /** bcftools -i expression (evaluated on the rebuilt split record; simple parts pushed down) */
  include?: string;
  /** bcftools -e expression */
  exclude?: string;
  /** only this file's rows */
  fileId?: number;
  /** also return each row's split VCF line (`_vcf`, latin1 text) and file id, for --format vcf */
  withVcf?: boolean;
}

export interface VariantResult {
  rows: Row[];
  columns: string[];
  /** SQL conditions pushed down to LanceDB (besides visibility) */
  pushed: string[];
  /** rows read from LanceDB before the expression (equal to rows.length without -i/-e) */
  scanned: number;
  /** every matching row, past offset and limit: set with `count`, or when the scan was not cut short */
  total?: number;
}

export const VARIANT_COLUMNS = ['chrom', 'pos', 'id', 'ref', 'alt', 'qual', 'filter', 'key', 'vtype', 'gene', 'genes', 'consequence', 'impact', 'hgvs_c', 'hgvs_p', 'af', 'ac', 'an', 'dp', 'clnsig', 'file_id'];
export const SAMPLE_COLUMNS = ['sample', 'gt', 'zygosity', 'gt_dp', 'gt_gq'];

/** `spans`: the longest end - pos per chromosome (spansOf): bounds pos from below too, so the pos index is used on both sides */
function regionFilter(r: Region, spans?: Map<string, number>): string {
  let f = `chrom = ${sqlStr(r.chrom)}`;
  if (r.end !== undefined) f += ` AND pos <= ${r.end}`;
  if (r.start !== undefined) {
    f += ` AND end >= ${r.start}`;
    if (spans) f += ` AND pos >= ${r.start - (spans.get(r.chrom) ?? 0)}`;
  }
  return f;
}

interface SpanEntry { vis: string; spans?: Map<string, number> }
const spanCache = new WeakMap<LanceStore, SpanEntry>();

/**
 * The longest variant (end - pos) per chromosome among the visible rows, for a shared read handle:
 * a region filter is `pos <= END AND end >= START`, and only pos is indexed, so without a lower
 * bound on pos every row from the chromosome's start is read. Computed in the background (one scan
 * of the rows with end > pos) whenever the visible files change; undefined until it is ready, and
 * for one-off handles (the CLI), which query once. Rows deleted later only make the bound looser.
 */
function spansOf(store: LanceStore, vis: string): Map<string, number> | undefined {
  if (!sharedViews.has(store)) return undefined;
  const hit = spanCache.get(store);
  if (hit && hit.vis === vis) return hit.spans;
  const entry: SpanEntry = { vis };
  spanCache.set(store, entry);
  void (async () => {
    const spans = new Map<string, number>();
    for await (const b of store.tables.variants.query().where(`(${vis}) AND end > pos`).select(['chrom', 'pos', 'end'])) {
      const chrom = b.getChild('chrom')!, pos = b.getChild('pos')!, end = b.getChild('end')!;
      for (let i = 0; i < b.numRows; i++) {
        const c = chrom.get(i) as string, d = (end.get(i) as number) - (pos.get(i) as number);
        if (d > (spans.get(c) ?? 0)) spans.set(c, d);
      }
    }
    entry.spans = spans;
  })().catch(() => { if (spanCache.get(store) === entry) spanCache.delete(store); });
  return undefined;
}

function plain(r: Row): Row {
  const o: Row = {};
  for (const [k, v] of Object.entries(r)) {
    // Arrow lists come back as vectors: plain arrays for JSON and TSV
    o[k] = typeof v === 'bigint' ? Number(v) : v !== null && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function' ? [...(v as Iterable<unknown>)] : v;
  }
  return o;
}

interface FileEval { rebuild: RecordRebuilder; filter?: CompiledFilter; exclude: boolean; /** the expression cannot apply to this file: its rows are left out */ unusable?: boolean }

/** whether a stored row of the file `ev` is kept: its split record rebuilt and tested (bcftools view: -e drops sites where the expression holds) */
function passes(ev: FileEval, row: StoredRow): boolean {
  if (ev.unusable) return false;
  if (!ev.filter) return true;
  const hit = ev.filter.test(ev.rebuild.record(row));
  return ev.exclude ? !hit : hit;
}

/** per file: the record rebuilder and the compiled expression (undefined tags allowed in files lacking them) */
async function evaluators(files: FileRow[], q: VariantQuery): Promise<Map<number, FileEval>> {
  const out = new Map<number, FileEval>();
  const expr = q.include ?? q.exclude;
  let firstErr: unknown;
  let compiled = 0;
  for (const f of files.filter((x) => x.status === 'committed')) {
    const header = parseStoredHeader(f.header, f.path);
    const ev: FileEval = { rebuild: new RecordRebuilder(header, f.path), exclude: q.exclude !== undefined };
    if (expr !== undefined) {
      try {
        ev.filter = compileFilter(expr, header);
        compiled++;
      } catch (e) {
        firstErr ??= e;
        try {
          ev.filter = compileFilter(expr, header, { allowUndefTags: true });
        } catch {
          ev.unusable = true; // e.g. a tag of another type in this file's header
        }
      }
    }
    out.set(f.file_id, ev);
  }
  if (expr !== undefined && compiled === 0 && firstErr) {
    throw new VcfError('USAGE_BAD_EXPRESSION', `${q.include !== undefined ? '-i' : '-e'} '${expr}': ${(firstErr as Error).message.split('\n')[0]}`, {}, 'usage');
  }
  return out;
}

/** AF is pushed down only when every file declares it Number=A (or not at all) */
function afPerAllele(files: FileRow[]): boolean {
  for (const f of files) {
    const m = /^##INFO=<ID=AF,Number=([^,>]+)/m.exec(f.header);
    if (m && m[1] !== 'A') return false;
  }
  return true;
}

/**
 * Variant rows matching every given condition; with `sample`, that sample's non-reference calls.
 * `include`/`exclude` are bcftools expressions evaluated on each row's split record (as
 * `bcftools norm -m -any` writes it), after the parts LanceDB can answer were pushed down.
 */
export async function queryVariants(store: LanceStore, q: VariantQuery): Promise<VariantResult> {
  if (q.include !== undefined && q.exclude !== undefined) throw new VcfError('USAGE', '-i and -e cannot be combined', {}, 'usage');
  const files = await catalog(store);
  const vis = visibleFilterOf(files);
  const parts = [vis];
  const region = q.region ? parseRegion(q.region) : undefined;
  if (!q.withVcf && !q.vids && sharedViews.has(store) && readModelEnabled()) {
    // the server: rows from its in-memory copy of the visible rows once built (read-model.ts)
    const m = readModel(store, vis, VARIANT_COLUMNS);
    const offset = q.offset ?? 0;
    if (m && Number.isInteger(offset) && offset >= 0) {
      const mq = { chrom: region?.chrom, start: region?.start, end: region?.end, gene: q.gene, fileId: q.fileId };
      if (q.include === undefined && q.exclude === undefined) {
        const r = m.query({ ...mq, sample: q.sample, limit: q.limit ?? 1_000_000_000, offset, count: !!q.count });
        return { rows: r.rows, columns: [...VARIANT_COLUMNS, ...(q.sample ? SAMPLE_COLUMNS : [])], pushed: [], scanned: r.scanned, ...(r.total !== undefined ? { total: r.total } : {}) };
      }
      if (!q.sample && (region || q.gene !== undefined)) {
        const cand = m.variantRows(mq);
        if (cand.length <= MODEL_EXPR_MAX) return modelExpression(m, cand, await evaluators(files, q), q, offset);
      }
    }
  }
  const spans = region ? spansOf(store, vis) : undefined;
  if (region) parts.push(regionFilter(region, spans));
  if (q.gene) parts.push(`array_has_any(genes, [${sqlStr(q.gene)}])`);
  if (q.fileId !== undefined) parts.push(`file_id = ${q.fileId}`);
  if (q.vids) parts.push(q.vids.length ? `vid IN (${q.vids.map((v) => String(BigInt(v))).join(',')})` : 'vid < 0');
  const pushed = q.include !== undefined ? pushdownSql(q.include, { afIsPerAllele: afPerAllele(files) }) : [];
  parts.push(...pushed);
  if (q.include !== undefined && !q.sample && needsAltCall(q.include)) {
    // GT="alt": only variant rows with a stored call holding the ALT can match (checked on the
    // genotypes table by vid, without reading or rebuilding records); skipped for large candidate sets
    const alt = await altCandidates(store, parts.join(' AND '));
    if (alt) {
      parts.push(alt.length ? `vid IN (${alt.join(',')})` : 'vid < 0');
    }
  }
  const limit = q.limit ?? 1_000_000_000;
  const offset = q.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new VcfError('USAGE', `offset must be a whole number >= 0, got ${offset}`, {}, 'usage');
  /** matching rows seen so far (the page is rows offset+1 .. offset+limit of them) */
  let matched = 0;
  const full = (): boolean => out.length >= limit && !q.count;
  /** a matching row: kept when it falls in the page */
  const keep = (r: Row): boolean => {
    matched++;
    if (matched <= offset || out.length >= limit) return false;
    out.push(r);
    return true;
  };
  const needRecord = q.include !== undefined || q.exclude !== undefined || !!q.withVcf;
  const evals = needRecord ? await evaluators(files, q) : undefined;
  const cols = needRecord ? [...new Set([...VARIANT_COLUMNS, ...RECORD_COLUMNS])] : VARIANT_COLUMNS;
  const out: Row[] = [];
  let scanned = 0;
  /** the expression on the row's rebuilt record; the VCF line when asked */
  const accept = (v: Row): Row | undefined => {
    scanned++;
    const r = plain(v);
    if (evals) {
      const ev = evals.get(r.file_id as number)!;
      if (!passes(ev, r as unknown as StoredRow)) return undefined;
      if (q.withVcf) r._vcf = ev.rebuild.lineOf(r as unknown as StoredRow);
      for (const c of RECORD_COLUMNS) if (!VARIANT_COLUMNS.includes(c)) delete r[c];
    }
    return r;
  };
  const columns = [...VARIANT_COLUMNS, ...(q.sample ? SAMPLE_COLUMNS : [])];
  if (!q.sample) {
    const where = parts.join(' AND ');
    const noExpr = !evals?.size || (q.include === undefined && q.exclude === undefined);
    let query = store.tables.variants.query().where(where).select(cols);
    if (noExpr) query = query.limit(Math.min(offset + limit, 2 ** 31 - 1));
    let cut = false;
    for await (const b of query) {
      for (const v of b.toArray() as Row[]) {
        if (noExpr && matched < offset) { matched++; scanned++; continue; } // before the page: not rebuilt
        const r = accept(v);
        if (r) keep(r);
        if (out.length >= limit && (noExpr || !q.count)) { cut = true; break; }
      }
      if (cut) break;
    }
    // without an expression LanceDB counts the pushed-down filter itself
    // (a scan that ended before the page was full has seen every matching row: no count needed)
    const total = q.count && noExpr && cut ? await store.tables.variants.countRows(where) : cut ? undefined : matched;
    return { rows: out, columns, pushed, scanned, ...(total !== undefined ? { total } : {}) };
  }
  // sample: its stored calls (region on the genotypes table), then the variant rows by vid
  const gParts = [vis, `sample = ${sqlStr(q.sample)}`, `zygosity != 'missing'`];
  if (q.fileId !== undefined) gParts.push(`file_id = ${q.fileId}`);
  if (region) {
    // the variant rows overlapping the region (indexed chrom/pos on the variants table) by vid: the
    // genotypes table holds POS only, so without them every call from the chromosome's start up to
    // the region's end would be read; a large region falls back to that (exact overlap is checked on the variant)
    const rv = await regionVids(store, [vis, regionFilter(region, spans), ...(q.fileId !== undefined ? [`file_id = ${q.fileId}`] : [])].join(' AND '));
    if (rv) gParts.push(rv.length ? `vid IN (${rv.join(',')})` : 'vid < 0');
    else {
      gParts.push(`chrom = ${sqlStr(region.chrom)}`);
      if (region.end !== undefined) gParts.push(`pos <= ${region.end}`);
    }
  }
  const calls = store.tables.genotypes.query().where(gParts.join(' AND ')).select(['vid', 'sample', 'gt', 'zygosity', 'dp', 'gq']);
  let pending: Row[] = [];
  const drain = async (): Promise<void> => {
    if (!pending.length) return;
    const byVid = new Map(pending.map((c) => [String(c.vid), c]));
    const vrows = await store.tables.variants.query().where(`vid IN (${[...byVid.keys()].join(',')}) AND ${parts.join(' AND ')}`).select(['vid', ...cols]).toArray();
    const got = new Map(vrows.map((v) => [String(v.vid), v]));
    for (const [vid, c] of byVid) {
      const v = got.get(vid);
      if (!v || full()) continue;
      const r = accept(v);
      if (!r) continue;
      delete r.vid;
      keep({ ...r, sample: c.sample, gt: c.gt, zygosity: c.zygosity, gt_dp: c.dp, gt_gq: c.gq });
    }
    pending = [];
  };
  let cut = false;
  for await (const b of calls) {
    for (const c of b.toArray() as Row[]) {
      pending.push(c);
      if (pending.length >= 2000) await drain();
      if (full()) { cut = true; break; }
    }
    if (cut) break;
  }
  await drain();
  // a full page without `count` may have left matches uncounted (drain stops keeping them): no total then
  return { rows: out, columns, pushed, scanned, ...(cut || full() ? {} : { total: matched }) };
}

/** an expression query is answered from the read model when its region or gene selects at most this many rows (each is rebuilt and tested on the event loop; above it LanceDB filters the pushed-down conditions first) */
const MODEL_EXPR_MAX = 5_000;

/**
 * -i/-e on the read model's candidate rows (region/gene/file, storage order): each row's split
 * record rebuilt and tested exactly as on the LanceDB path (passes), with the
 * same paging and counting.
 */
function modelExpression(m: ReadModel, cand: ArrayLike<number>, evals: Map<number, FileEval>, q: VariantQuery, offset: number): VariantResult {
  const limit = q.limit ?? 1_000_000_000;
  const rows: Row[] = [];
  let matched = 0, scanned = 0, cut = false;
  for (let k = 0; k < cand.length; k++) {
    const i = cand[k];
    scanned++;
    const ev = evals.get(m.fileIdOf(i));
    if (!ev || !passes(ev, m.stored(i))) continue;
    matched++;
    if (matched > offset && rows.length < limit) rows.push(m.row(i));
    if (rows.length >= limit && !q.count) { cut = true; break; } // as the LanceDB path: a full page ends the scan unless counting
  }
  return { rows, columns: VARIANT_COLUMNS, pushed: [], scanned, ...(cut ? {} : { total: matched }) };
}

/** above this many variant rows in a region, sample calls are found by position rather than by vid */
const REGION_VIDS_MAX = 5_000;

/** vids (storage order) of the variant rows matching `where`; undefined when more than `max` */
async function variantVids(store: LanceStore, where: string, max: number): Promise<string[] | undefined> {
  const vids: string[] = [];
  for await (const b of store.tables.variants.query().where(where).select(['vid']).limit(max + 1)) {
    const col = b.getChild('vid')!;
    for (let i = 0; i < b.numRows; i++) vids.push(String(col.get(i)));
    if (vids.length > max) return undefined;
  }
  return vids;
}

/** vids of the variant rows matching `where`; undefined when more than REGION_VIDS_MAX */
function regionVids(store: LanceStore, where: string): Promise<string[] | undefined> {
  return variantVids(store, where, REGION_VIDS_MAX);
}

/** above this many candidate rows the GT="alt" pre-check is not worth its IN lists */
const ALT_CHECK_MAX = 20_000;

/** vids (storage order) among the rows matching `where` that have a stored call with an ALT allele; undefined when too many */
async function altCandidates(store: LanceStore, where: string): Promise<string[] | undefined> {
  const vids = await variantVids(store, where, ALT_CHECK_MAX);
  if (!vids) return undefined;
  const keep = new Set<string>();
  for (let i = 0; i < vids.length; i += 4000) {
    const chunk = vids.slice(i, i + 4000);
    const rows = await store.tables.genotypes.query().where(`vid IN (${chunk.join(',')}) AND regexp_like(gt, '[1-9]')`).select(['vid']).toArray();
    for (const r of rows) keep.add(String(r.vid));
  }
  return vids.filter((v) => keep.has(v));
}

/** The stored header of a committed file (for --format vcf). */
export async function fileHeader(store: LanceStore, fileId: number): Promise<string> {
  const f = (await store.files()).find((x) => x.file_id === fileId && x.status === 'committed');
  if (!f) throw new VcfError('STORE_NO_FILE', `no committed file with id ${fileId}`, {}, 'usage');
  return f.header;
}

/** Samples carrying a variant key (non-reference calls), with their calls. */
export async function carriers(store: LanceStore, key: string): Promise<Row[]> {
  const vis = visibleFilterOf(await catalog(store));
  const m = sharedViews.has(store) && readModelEnabled() ? readModel(store, vis, VARIANT_COLUMNS) : undefined;
  if (m) return m.carriers(key);
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
  rows: { variants: number; genotypes: number; samples: number; refBlocks: number };
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
      refBlocks: await store.tables.refblocks.countRows(vis),
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
    if (e instanceof VcfError) throw e; // e.g. STORE_GRAPH_BUSY
    throw new VcfError('GRAPH_QUERY', (e as Error).message.split('\n')[0], { file: 'cypher' });
  } finally {
    await g.close();
  }
}

export interface SampleInfo {
  sample: string;
  /** files holding the sample (its column index in each) */
  files: Array<{ file_id: number; path: string; idx: number }>;
  /** stored calls by zygosity (het, hom_alt, hemi, missing) */
  calls: Record<string, number>;
  /** distinct variant keys with a non-reference call */
  variants: number;
  /** non-reference calls by the variant's impact (HIGH, MODERATE, LOW, MODIFIER, none) */
  byImpact: Record<string, number>;
  /** genes with the most non-reference calls (top 10) */
  topGenes: Array<{ gene: string; calls: number }>;
  /** non-reference calls on variants with a ClinVar significance, by significance */
  clinvar: Record<string, number>;
  /** gVCF reference blocks of the sample */
  refBlocks: number;
}

/** One sample: where it comes from and what it carries. Throws STORE_NO_SAMPLE when unknown. */
export async function sampleInfo(store: LanceStore, sample: string): Promise<SampleInfo> {
  const files = await store.files();
  const vis = visibleFilterOf(files);
  const paths = new Map(files.map((f) => [f.file_id, f.path]));
  const srows = await store.tables.samples.query().where(`${vis} AND sample = ${sqlStr(sample)}`).select(['file_id', 'idx']).toArray();
  if (!srows.length) throw new VcfError('STORE_NO_SAMPLE', `no sample "${sample}" in the store (see \`vcf-agent samples\`)`, {}, 'usage');
  const calls: Record<string, number> = {};
  const byImpact: Record<string, number> = {};
  const clinvar: Record<string, number> = {};
  const genes = new Map<string, number>();
  const keys = new Set<string>();
  let batch: Row[] = [];
  const drain = async (): Promise<void> => {
    if (!batch.length) return;
    const vids = batch.map((c) => String(c.vid));
    const vrows = await store.tables.variants.query().where(`vid IN (${vids.join(',')})`).select(['key', 'impact', 'genes', 'clnsig']).toArray();
    for (const v of vrows) {
      keys.add(v.key as string);
      const imp = (v.impact as string | null) ?? 'none';
      byImpact[imp] = (byImpact[imp] ?? 0) + 1;
      for (const g of [...((v.genes as Iterable<string>) ?? [])]) genes.set(g, (genes.get(g) ?? 0) + 1);
      if (v.clnsig) clinvar[v.clnsig as string] = (clinvar[v.clnsig as string] ?? 0) + 1;
    }
    batch = [];
  };
  for await (const b of store.tables.genotypes.query().where(`${vis} AND sample = ${sqlStr(sample)}`).select(['vid', 'zygosity'])) {
    for (const c of b.toArray() as Row[]) {
      const z = c.zygosity as string;
      calls[z] = (calls[z] ?? 0) + 1;
      if (z === 'missing') continue;
      batch.push(c);
      if (batch.length >= 2000) await drain();
    }
  }
  await drain();
  const topGenes = [...genes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([gene, n]) => ({ gene, calls: n }));
  return {
    sample,
    files: srows.map((r) => ({ file_id: r.file_id as number, path: paths.get(r.file_id as number) ?? '', idx: r.idx as number })),
    calls, variants: keys.size, byImpact, topGenes, clinvar,
    refBlocks: await store.tables.refblocks.countRows(`${vis} AND sample = ${sqlStr(sample)}`),
  };
}

export interface GeneInfo {
  gene: string;
  /** variant rows annotated in the gene (one per ALT and file) */
  rows: number;
  /** distinct variant keys */
  variants: number;
  /** by the gene's own annotation of each variant (the IN_GENE edge): impact and consequence counts */
  byImpact: Record<string, number>;
  byConsequence: Record<string, number>;
  /** ClinVar significance of the gene's variants */
  clinvar: Record<string, number>;
  /** samples with a non-reference call in the gene, with their number of calls */
  carriers: Array<{ sample: string; calls: number }>;
  /** the variants (first 1,000), with the gene's annotation of each */
  list: Row[];
}

/** One gene: its variants with their annotation in this gene, and who carries them. */
export async function geneInfo(store: LanceStore, gene: string): Promise<GeneInfo> {
  const vis = visibleFilterOf(await store.files());
  const where = `${vis} AND array_has_any(genes, [${sqlStr(gene)}])`;
  const byImpact: Record<string, number> = {};
  const byConsequence: Record<string, number> = {};
  const clinvar: Record<string, number> = {};
  const keys = new Set<string>();
  const list: Row[] = [];
  const vids: string[] = [];
  let rows = 0;
  for await (const b of store.tables.variants.query().where(where).select(['vid', 'key', 'chrom', 'pos', 'ref', 'alt', 'gene_ann', 'clnsig', 'af', 'file_id'])) {
    for (const v of b.toArray() as Row[]) {
      rows++;
      keys.add(v.key as string);
      vids.push(String(v.vid));
      const mine = ((v.gene_ann ? JSON.parse(v.gene_ann as string) : []) as Array<Array<string | null>>).find((e) => e[0] === gene) ?? [gene, null, null, null, null];
      const [, consequence, impact, hgvsC, hgvsP] = mine;
      byImpact[impact ?? 'none'] = (byImpact[impact ?? 'none'] ?? 0) + 1;
      for (const c of (consequence ?? 'none').split('&')) byConsequence[c] = (byConsequence[c] ?? 0) + 1;
      if (v.clnsig) clinvar[v.clnsig as string] = (clinvar[v.clnsig as string] ?? 0) + 1;
      if (list.length < 1000) list.push({ key: v.key, chrom: v.chrom, pos: v.pos, ref: v.ref, alt: v.alt, consequence, impact, hgvs_c: hgvsC, hgvs_p: hgvsP, clnsig: v.clnsig, af: v.af, file_id: v.file_id });
    }
  }
  if (!rows) throw new VcfError('STORE_NO_GENE', `no variant in gene "${gene}" in the store`, {}, 'usage');
  const carriers = new Map<string, number>();
  for (let i = 0; i < vids.length; i += 2000) {
    const chunk = vids.slice(i, i + 2000);
    for await (const b of store.tables.genotypes.query().where(`vid IN (${chunk.join(',')}) AND zygosity != 'missing'`).select(['sample'])) {
      for (const c of b.toArray() as Row[]) carriers.set(c.sample as string, (carriers.get(c.sample as string) ?? 0) + 1);
    }
  }
  return {
    gene, rows, variants: keys.size, byImpact, byConsequence, clinvar,
    carriers: [...carriers].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([sample, calls]) => ({ sample, calls })),
    list,
  };
}
