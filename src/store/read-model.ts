/**
 * The server's in-memory read model of the store: the visible rows of the variants table (the
 * columns a variant query returns, the columns a row's split record is rebuilt from (records.ts),
 * plus vid and end) and the visible non-missing calls of the genotypes table, held as the Arrow
 * columns LanceDB returns, with a position index per chromosome, a gene index and per-sample call
 * lists. Measured on the 1M-record bench trio (2.5M calls): ~900 MB of server RSS.
 *
 * Why: every LanceDB query costs a fixed 2-8 ms of CPU (plan, index lookups, page decode of each
 * selected column, Arrow IPC), measured on trio100k; a 2-core server then answers ~100 queries/s,
 * not the ~400/s that 100 concurrent clients at p99 250 ms need. The same answers from memory cost
 * well under a millisecond.
 *
 * It is a copy of the store, not a result cache: queryVariants (query.ts) answers a query from it
 * with the same semantics (rows in storage order, paging, exact counts) when it needs no VCF lines
 * and no vid list and, with -i/-e, when a region or gene selects at most MODEL_EXPR_MAX rows (each
 * rebuilt and tested as on the LanceDB path); from LanceDB otherwise. The model is
 * tied to the visible-files filter (tables.ts): committed files' rows never change, pending rows
 * are invisible, so the model is exact while that filter is the same. When a commit changes it, the
 * model is dropped and rebuilt in the background; queries go to LanceDB meanwhile. Only shared read
 * handles (the long-running server) get one; set VCF_AGENT_READ_MODEL=0 to turn it off.
 */
import type { Table as ArrowTable, Vector } from 'apache-arrow';
import { RECORD_COLUMNS, type StoredRow } from './records.js';
import { sqlStr, type LanceStore } from './tables.js';

type Row = Record<string, unknown>;

export interface ModelQuery {
  chrom?: string; start?: number; end?: number;
  gene?: string; sample?: string; fileId?: number;
  limit: number; offset: number; count: boolean;
}

export interface ModelResult { rows: Row[]; scanned: number; total?: number }

/** a value as the store's query path returns it (bigint → number, Arrow lists → arrays) */
function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function') return [...(v as Iterable<unknown>)];
  return v;
}

export function lowerBound(a: Int32Array | Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

/** an index permutation of `keys` sorted ascending (stable), or null when `keys` is already sorted */
function sortedOrder(keys: Int32Array | Float64Array): Int32Array | null {
  let sorted = true;
  for (let i = 1; i < keys.length; i++) if (keys[i] < keys[i - 1]) { sorted = false; break; }
  if (sorted) return null;
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  idx.sort((x, y) => keys[x] - keys[y] || x - y);
  return Int32Array.from(idx);
}

interface ChromIndex { rows: Int32Array; pos: Int32Array; span: number }
interface SampleCalls { calls: Int32Array; vids: Float64Array; order: Int32Array | null }

export class ReadModel {
  private readonly chroms = new Map<string, ChromIndex>();
  private readonly genes = new Map<string, Int32Array>();
  private readonly samples = new Map<string, SampleCalls>();
  private readonly vids: Float64Array;
  private readonly vidOrder: Int32Array | null;
  private readonly fileIds: Int32Array;
  private readonly ends: Int32Array;
  private readonly pos: Int32Array;
  private readonly chromIds: Int32Array;
  private readonly chromNames: string[] = [];
  private readonly cols: Array<[string, Vector]>;
  /** the columns a row's split record is rebuilt from (records.ts), for -i/-e on the model's rows */
  private readonly rec: Array<[string, Vector]>;
  private readonly genesCol: Vector;
  private readonly calls: { gt: Vector; zygosity: Vector; dp: Vector; gq: Vector; sample: Vector };

  constructor(readonly vis: string, readonly columns: string[], v: ArrowTable, g: ArrowTable) {
    const n = v.numRows;
    const col = (t: ArrowTable, c: string): Vector => {
      const x = t.getChild(c);
      if (!x) throw new Error(`read model: no column ${c}`);
      return x;
    };
    this.cols = columns.map((c) => [c, col(v, c)]);
    this.rec = RECORD_COLUMNS.map((c) => [c, col(v, c)]);
    this.genesCol = col(v, 'genes');
    const vidCol = col(v, 'vid');
    this.vids = new Float64Array(n);
    // iterators walk the record batches in order (get(i) looks the batch up on every call)
    let i = 0;
    for (const x of vidCol as Iterable<bigint>) this.vids[i++] = Number(x);
    this.vidOrder = sortedOrder(this.vids);
    this.fileIds = Int32Array.from(col(v, 'file_id').toArray() as ArrayLike<number>);
    this.ends = Int32Array.from(col(v, 'end').toArray() as ArrayLike<number>);
    const posAll = (this.pos = Int32Array.from(col(v, 'pos').toArray() as ArrayLike<number>));
    // chromosome → its rows sorted by pos (then storage order), and the longest end - pos
    const chromCol = col(v, 'chrom');
    const byChrom = new Map<string, number[]>();
    this.chromIds = new Int32Array(n);
    const ids = new Map<string, number>();
    i = 0;
    for (const c of chromCol as Iterable<string>) {
      let a = byChrom.get(c);
      if (!a) {
        byChrom.set(c, (a = []));
        ids.set(c, this.chromNames.length);
        this.chromNames.push(c);
      }
      this.chromIds[i] = ids.get(c)!;
      a.push(i++);
    }
    for (const [c, list] of byChrom) {
      const rows = Int32Array.from(list);
      const p = Int32Array.from(list, (i) => posAll[i]);
      const ord = sortedOrder(p);
      const sortedRows = ord ? Int32Array.from(ord, (k) => rows[k]) : rows;
      const sortedPos = ord ? Int32Array.from(ord, (k) => p[k]) : p;
      let span = 0;
      for (const i of list) span = Math.max(span, this.ends[i] - posAll[i]);
      this.chroms.set(c, { rows: sortedRows, pos: sortedPos, span });
    }
    const byGene = new Map<string, number[]>();
    i = -1;
    for (const gs of this.genesCol as Iterable<Iterable<string | null> | null>) {
      i++;
      if (!gs) continue;
      let last: string | null = null;
      for (const x of gs) {
        if (x === null || x === last) continue;
        last = x;
        let a = byGene.get(x);
        if (!a) byGene.set(x, (a = []));
        if (a[a.length - 1] !== i) a.push(i);
      }
    }
    for (const [x, a] of byGene) this.genes.set(x, Int32Array.from(a));
    // calls: per sample, in storage order, with their vids
    this.calls = { gt: col(g, 'gt'), zygosity: col(g, 'zygosity'), dp: col(g, 'dp'), gq: col(g, 'gq'), sample: col(g, 'sample') };
    const gVid = col(g, 'vid');
    const bySample = new Map<string, number[]>();
    i = 0;
    for (const s of this.calls.sample as Iterable<string>) {
      let a = bySample.get(s);
      if (!a) bySample.set(s, (a = []));
      a.push(i++);
    }
    const callVids = new Float64Array(g.numRows);
    i = 0;
    for (const x of gVid as Iterable<bigint>) callVids[i++] = Number(x);
    for (const [s, list] of bySample) {
      const vids = Float64Array.from(list, (k) => callVids[k]);
      this.samples.set(s, { calls: Int32Array.from(list), vids, order: sortedOrder(vids) });
    }
  }

  /** variant rows: the row index of a vid, or -1 */
  private rowOfVid(vid: number): number {
    const o = this.vidOrder;
    if (!o) {
      const k = lowerBound(this.vids, vid);
      return k < this.vids.length && this.vids[k] === vid ? k : -1;
    }
    let lo = 0, hi = o.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.vids[o[m]] < vid) lo = m + 1; else hi = m; }
    return lo < o.length && this.vids[o[lo]] === vid ? o[lo] : -1;
  }

  /** the sample's calls (indices into the calls) of a vid */
  private callsOf(s: SampleCalls, vid: number, out: number[]): void {
    const o = s.order;
    let lo = 0, hi = s.vids.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (s.vids[o ? o[m] : m] < vid) lo = m + 1; else hi = m; }
    for (let k = lo; k < s.vids.length && s.vids[o ? o[k] : k] === vid; k++) out.push(o ? o[k] : k);
  }

  /** variant rows (storage order, as row indices) matching region, gene and file */
  variantRows(q: Pick<ModelQuery, 'chrom' | 'start' | 'end' | 'gene' | 'fileId'>): Int32Array | number[] {
    if (q.gene !== undefined) {
      // the gene's rows (ascending), then the region and file
      const a = this.genes.get(q.gene) ?? new Int32Array(0);
      if (q.chrom === undefined && q.fileId === undefined) return a;
      const cid = q.chrom !== undefined ? this.chromNames.indexOf(q.chrom) : -1;
      const out: number[] = [];
      for (const i of a) {
        if (q.chrom !== undefined) {
          if (this.chromIds[i] !== cid) continue;
          if (q.end !== undefined && this.pos[i] > q.end) continue;
          if (q.start !== undefined && this.ends[i] < q.start) continue;
        }
        if (q.fileId !== undefined && this.fileIds[i] !== q.fileId) continue;
        out.push(i);
      }
      return out;
    }
    if (q.chrom !== undefined) {
      const c = this.chroms.get(q.chrom);
      if (!c) return [];
      const lo = q.start !== undefined ? lowerBound(c.pos, q.start - c.span) : 0;
      const hi = q.end !== undefined ? lowerBound(c.pos, q.end + 1) : c.pos.length;
      const out: number[] = [];
      for (let k = lo; k < hi; k++) {
        const i = c.rows[k];
        if (q.start !== undefined && this.ends[i] < q.start) continue;
        if (q.fileId !== undefined && this.fileIds[i] !== q.fileId) continue;
        out.push(i);
      }
      return out.sort((a, b) => a - b);
    }
    if (q.fileId !== undefined) {
      const out: number[] = [];
      for (let i = 0; i < this.fileIds.length; i++) if (this.fileIds[i] === q.fileId) out.push(i);
      return out;
    }
    const all = new Int32Array(this.vids.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return all;
  }

  /** row i with the model's columns, as the store's query path returns it */
  row(i: number): Row {
    const r: Row = {};
    for (const [c, v] of this.cols) r[c] = plainValue(v.get(i));
    return r;
  }

  /** row i as the record rebuilder reads it (records.ts) */
  stored(i: number): StoredRow {
    const r: Row = {};
    for (const [c, v] of this.rec) r[c] = plainValue(v.get(i));
    return r as unknown as StoredRow;
  }

  fileIdOf(i: number): number {
    return this.fileIds[i];
  }

  /** the rows of a variant query (no expression), as queryVariants returns them */
  query(q: ModelQuery): ModelResult {
    const { offset, limit } = q;
    if (!q.sample) {
      const rows = this.variantRows(q);
      const end = Math.min(rows.length, offset + limit);
      const page: Row[] = [];
      for (let k = offset; k < end; k++) page.push(this.row(rows[k]));
      const full = page.length >= limit;
      // as the LanceDB path: a full page is counted only when asked
      return { rows: page, scanned: full ? offset + limit : rows.length, ...(q.count || !full ? { total: rows.length } : {}) };
    }
    const s = this.samples.get(q.sample);
    if (!s) return { rows: [], scanned: 0, total: 0 };
    // pairs (call, variant row), in the calls' storage order
    const pairs: Array<[number, number]> = [];
    if (q.chrom !== undefined || q.gene !== undefined) {
      const tmp: number[] = [];
      for (const i of this.variantRows(q)) {
        tmp.length = 0;
        this.callsOf(s, this.vids[i], tmp);
        for (const k of tmp) pairs.push([k, i]);
      }
      pairs.sort((a, b) => a[0] - b[0]);
    } else {
      for (let k = 0; k < s.calls.length; k++) {
        const i = this.rowOfVid(s.vids[k]);
        if (i < 0 || (q.fileId !== undefined && this.fileIds[i] !== q.fileId)) continue;
        pairs.push([k, i]);
      }
    }
    const end = Math.min(pairs.length, offset + limit);
    const page: Row[] = [];
    const c = this.calls;
    for (let k = offset; k < end; k++) {
      const [ck, i] = pairs[k];
      const g = s.calls[ck];
      page.push({ ...this.row(i), sample: c.sample.get(g), gt: c.gt.get(g), zygosity: c.zygosity.get(g), gt_dp: c.dp.get(g), gt_gq: c.gq.get(g) });
    }
    const full = page.length >= limit;
    return { rows: page, scanned: q.count ? pairs.length : end, ...(q.count || !full ? { total: pairs.length } : {}) };
  }

  /**
   * The non-missing calls of the variant rows whose key is `key`, in the calls' storage order, as
   * carriers() returns them (sample, gt, zygosity, dp, gq, file_id). A key's position lies within
   * its row's pos..end (keys are the trimmed split alleles), so its rows are found by position.
   */
  carriers(key: string): Row[] {
    const m = /^(.*):(\d+):[^:]*:[^:]*$/.exec(key);
    if (!m) return [];
    const at = Number(m[2]);
    const keyCol = this.cols.find(([c]) => c === 'key')?.[1];
    if (!keyCol) throw new Error('read model: no key column');
    const out: Array<[number, Row]> = [];
    const tmp: number[] = [];
    const c = this.calls;
    for (const i of this.variantRows({ chrom: m[1], start: at, end: at })) {
      if (keyCol.get(i) !== key) continue;
      for (const s of this.samples.values()) {
        tmp.length = 0;
        this.callsOf(s, this.vids[i], tmp);
        for (const k of tmp) {
          const g = s.calls[k];
          out.push([g, { sample: c.sample.get(g), gt: c.gt.get(g), zygosity: c.zygosity.get(g), dp: c.dp.get(g), gq: c.gq.get(g), file_id: this.fileIds[i] }]);
        }
      }
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  }

  /** Load the visible rows of `vis` (LanceDB scans of the two tables); null above the row cap. */
  static async load(store: LanceStore, vis: string, columns: string[]): Promise<ReadModel | null> {
    if ((await store.tables.variants.countRows(vis)) > readModelMaxRows()) return null;
    const vcols = [...new Set([...columns, ...RECORD_COLUMNS, 'vid', 'end', 'chrom', 'pos', 'genes', 'file_id'])];
    const v = await store.tables.variants.query().where(vis).select(vcols).toArrow();
    const g = await store.tables.genotypes.query().where(`(${vis}) AND zygosity != ${sqlStr('missing')}`).select(['vid', 'sample', 'gt', 'zygosity', 'dp', 'gq']).toArrow();
    return new ReadModel(vis, columns, v as unknown as ArrowTable, g as unknown as ArrowTable);
  }
}

export function readModelEnabled(): boolean {
  return process.env.VCF_AGENT_READ_MODEL !== '0';
}

/**
 * Largest store (visible variant rows) the server holds a read model of: memory is ~300-600 bytes a
 * row with its calls (measured: +630 MB RSS for the 1M-record trio), so bigger stores are queried in
 * LanceDB only. VCF_AGENT_READ_MODEL_MAX_ROWS overrides the default of 2,000,000.
 */
export function readModelMaxRows(): number {
  const v = Number(process.env.VCF_AGENT_READ_MODEL_MAX_ROWS);
  return Number.isFinite(v) && v >= 0 && process.env.VCF_AGENT_READ_MODEL_MAX_ROWS !== '' && process.env.VCF_AGENT_READ_MODEL_MAX_ROWS !== undefined ? v : 2_000_000;
}

/**
 * Per store, the one in-memory model of a kind for the store's current visible-files filter
 * (the variant read model here; embed/vector-model.ts for `similar`): `get` returns it when ready,
 * else starts loading it in the background (once per filter) and returns undefined, so the caller
 * reads LanceDB meanwhile. A model of another filter is dropped when a new one is asked for; a
 * load that failed is tried again 5 s later; a store over the row cap (the loader returns null)
 * stays with LanceDB until its visible files change.
 */
export class VisibleModels<M> {
  private readonly slots = new WeakMap<LanceStore, { vis: string; model?: M; tooLarge?: boolean; failedAt?: number; loading?: Promise<void> }>();

  get(store: LanceStore, vis: string, load: () => Promise<M | null>): M | undefined {
    const slot = this.slots.get(store);
    if (slot && slot.vis === vis && (slot.tooLarge || slot.failedAt === undefined || Date.now() - slot.failedAt < 5000)) return slot.model;
    const next: { vis: string; model?: M; tooLarge?: boolean; failedAt?: number; loading?: Promise<void> } = { vis };
    this.slots.set(store, next); // the old model (another filter) is dropped here
    next.loading = load().then(
      (m) => {
        if (this.slots.get(store) !== next) return;
        if (m) next.model = m;
        else next.tooLarge = true; // over the row cap: LanceDB answers, until the visible files change
      },
      () => { next.failedAt = Date.now(); }, // e.g. a table being rewritten: tried again 5 s later
    );
    return undefined;
  }

  /** whether the store was found over the row cap for the visible filter `vis` */
  tooLarge(store: LanceStore, vis: string): boolean {
    const slot = this.slots.get(store);
    return !!slot && slot.vis === vis && !!slot.tooLarge;
  }

  /** settles when the model being loaded for `store` (if any) is ready or has failed; for tests and benchmarks */
  async settled(store: LanceStore): Promise<boolean> {
    const slot = this.slots.get(store);
    await slot?.loading;
    return !!slot?.model;
  }

  /** 'building' while a model is being loaded for `store`, 'ready' once loaded, 'too-large' over the cap, else 'none' */
  state(store: LanceStore): 'none' | 'building' | 'ready' | 'too-large' {
    const slot = this.slots.get(store);
    if (!slot) return 'none';
    if (slot.model) return 'ready';
    if (slot.tooLarge) return 'too-large';
    return slot.failedAt === undefined ? 'building' : 'none';
  }
}

const variantModels = new VisibleModels<ReadModel>();

/**
 * The read model of a (shared) store for the visible filter `vis`: ready → the model; else starts
 * building it in the background (once per filter) and returns undefined (the caller queries LanceDB).
 */
export function readModel(store: LanceStore, vis: string, columns: string[]): ReadModel | undefined {
  return variantModels.get(store, vis, () => ReadModel.load(store, vis, columns));
}

/** whether the store was found over the row cap for the visible filter `vis` (its queries go to LanceDB) */
export function readModelTooLarge(store: LanceStore, vis: string): boolean {
  return variantModels.tooLarge(store, vis);
}

/** settles when the model being built for `store` (if any) is ready or has failed; for tests and benchmarks */
export function readModelSettled(store: LanceStore): Promise<boolean> {
  return variantModels.settled(store);
}
