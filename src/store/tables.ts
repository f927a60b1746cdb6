/**
 * LanceDB tables of the store (the source of truth) and how rows become visible.
 *
 *   files      the catalog: one row per ingested file (file_id, path, content sha256, header text,
 *              counts, status 'pending' | 'committed', normalisation used (`trim` or `left-align <fasta>`),
 *              annotation sources used)
 *   samples    file_id, sample, idx (column index in that file)
 *   variants   one row per ALT allele after splitting; `vid` = file_id * 2^32 + ordinal in the file;
 *              `key` = CHROM:POS:REF:ALT after trimming (see ingest.ts); chrom/pos/ref/alt as the split
 *              record (bcftools norm -m -any), allele_idx = the ALT's index in the original record,
 *              typed common INFO (ac an af dp mq qd fs), the most severe annotation of this allele
 *              (gene, consequence, impact, hgvs_c, hgvs_p; from ANN, CSQ/--csq-tag, EFF, GENEINFO or
 *              --gff overlap: ann_source), all its genes, gene_ann = JSON [[gene, consequence, impact,
 *              hgvs_c, hgvs_p], ...] one per gene (the graph's IN_GENE edges), ClinVar CLNSIG/CLNREVSTAT/
 *              CLNDN (from INFO or the --clinvar join), and the original record's ALT column (`alts`),
 *              INFO text and FORMAT+sample columns (`tail`) unchanged: every value of the record is
 *              kept, so the split record is rebuilt exactly (records.ts) for -i/-e, --format vcf, export
 *   refblocks  gVCF reference blocks: one row per (block record, sample), hom-ref over pos..end with DP/GQ
 *   genotypes  sparse: one row per (variant row, sample) whose call holds that ALT or is missing
 *              (hom-ref and calls of other ALTs are implied reference, as bcftools norm -m -any writes
 *              them); gt is the split GT, data/format the sample's original column and FORMAT keys
 *
 * Crash safety (ingest-id visibility): a file is the unit of ingest. Its catalog row is written
 * first with status 'pending', then its rows (tagged with its file_id), then the row is updated to
 * 'committed' (one atomic LanceDB version). file_ids only grow and one writer holds the lock, so
 * readers see exactly the committed files with the filter `file_id <= M AND file_id NOT IN (P…)`
 * (M the largest committed id, P pending ids below M: a crashed ingest not yet cleaned up).
 * The next writer deletes rows of pending files, then their catalog rows.
 */
import * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Int32, Int64, List, RecordBatchFileWriter, Schema, Table, Utf8, makeData, makeVector, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { Workspace } from './workspace.js';
import { VcfError } from '../vcf/errors.js';

type ColDefs = Array<[string, DataType, boolean]>;

const utf8 = (): Utf8 => new Utf8();
const i32 = (): Int32 => new Int32();
const f64 = (): Float64 => new Float64();
const i64 = (): Int64 => new Int64();

export const FILES_COLS: ColDefs = [
  ['file_id', i32(), false], ['path', utf8(), false], ['sha256', utf8(), false], ['size', i64(), false],
  ['status', utf8(), false], ['header', utf8(), false], ['samples_n', i32(), false],
  ['n_records', i64(), false], ['n_variants', i64(), false], ['n_genotypes', i64(), false], ['n_skipped_alleles', i64(), false],
  ['n_ref_blocks', i64(), false], ['norm', utf8(), false], ['annotation', utf8(), false], ['started', utf8(), false], ['committed', utf8(), true]
];
export const SAMPLES_COLS: ColDefs = [['file_id', i32(), false], ['sample', utf8(), false], ['idx', i32(), false]];
export const VARIANTS_COLS: ColDefs = [
  ['vid', i64(), false], ['file_id', i32(), false], ['line', i32(), false], ['key', utf8(), false],
  ['chrom', utf8(), false], ['pos', i32(), false], ['end', i32(), false], ['id', utf8(), true],
  ['ref', utf8(), false], ['alt', utf8(), false], ['allele_idx', i32(), false], ['n_alt', i32(), false], ['alts', utf8(), false], ['vtype', utf8(), false],
  ['qual', f64(), true], ['filter', utf8(), true],
  ['ac', i32(), true], ['an', i32(), true], ['af', f64(), true], ['dp', i32(), true], ['mq', f64(), true], ['qd', f64(), true], ['fs', f64(), true],
  ['gene', utf8(), true], ['consequence', utf8(), true], ['impact', utf8(), true], ['hgvs_c', utf8(), true], ['hgvs_p', utf8(), true],
  ['genes', new List(new Field('item', utf8(), true)), false], ['ann_source', utf8(), true], ['gene_ann', utf8(), true],
  ['clnsig', utf8(), true], ['clnrevstat', utf8(), true], ['clndn', utf8(), true],
  ['info', utf8(), false], ['tail', utf8(), true],
];
export const GENOTYPES_COLS: ColDefs = [
  ['vid', i64(), false], ['file_id', i32(), false], ['key', utf8(), false], ['chrom', utf8(), false], ['pos', i32(), false],
  ['sample', utf8(), false], ['gt', utf8(), false], ['zygosity', utf8(), false], ['dp', i32(), true], ['gq', i32(), true],
  ['format', utf8(), false], ['data', utf8(), false],
];

/** gVCF reference blocks (records whose only ALTs are <NON_REF>/<*>): hom-ref with DP/GQ per block and sample */
export const REFBLOCKS_COLS: ColDefs = [
  ['file_id', i32(), false], ['chrom', utf8(), false], ['pos', i32(), false], ['end', i32(), false], ['sample', utf8(), false],
  ['gt', utf8(), false], ['dp', i32(), true], ['gq', i32(), true], ['min_dp', i32(), true],
];

export const TABLES = { files: FILES_COLS, samples: SAMPLES_COLS, variants: VARIANTS_COLS, genotypes: GENOTYPES_COLS, refblocks: REFBLOCKS_COLS } as const;
export type TableName = keyof typeof TABLES;

/** scalar indexes created after each ingest (btree for ranges/equality, bitmap for few values) */
export type ScalarIndexKind = 'btree' | 'bitmap' | 'labelList';

const INDEXES: Record<TableName, Array<[string, ScalarIndexKind]>> = {
  files: [],
  samples: [],
  variants: [['vid', 'btree'], ['key', 'btree'], ['chrom', 'bitmap'], ['pos', 'btree'], ['file_id', 'bitmap'], ['gene', 'bitmap'], ['impact', 'bitmap'], ['af', 'btree'], ['genes', 'labelList']],
  genotypes: [['vid', 'btree'], ['key', 'btree'], ['sample', 'bitmap'], ['file_id', 'bitmap'], ['chrom', 'bitmap'], ['pos', 'btree']],
  refblocks: [['sample', 'bitmap'], ['file_id', 'bitmap'], ['chrom', 'bitmap'], ['pos', 'btree']],
};

/** below this many rows a table gets no scalar index (env VCF_AGENT_INDEX_MIN_ROWS overrides) */
export const INDEX_MIN_ROWS = Number(process.env.VCF_AGENT_INDEX_MIN_ROWS) || 20_000;

export function schemaOf(cols: ColDefs): Schema {
  return new Schema(cols.map(([n, t, nullable]) => new Field(n, t, nullable)));
}

/**
 * Columnar row buffer for one table: push values per column, then toArrow(). Values are encoded
 * at push time into typed builders (Int32/Float64/Int64 typed arrays, UTF-8 bytes + offsets,
 * validity bits), so a batch holds no JS strings or boxed numbers until the append: the strings of
 * a record die young (cheap minor GCs) instead of being promoted with the batch, and toArrow() only
 * wraps (copies once) the builders' bytes.
 */
export class ColumnBuffer {
  readonly cols: ColDefs;
  private readonly b: ColBuilder[];
  length = 0;
  constructor(cols: ColDefs) {
    this.cols = cols;
    this.b = cols.map(([, type]) => builderFor(type));
  }
  /** approximate bytes of the string values held (for flushing by size) */
  get bytes(): number {
    let n = 0;
    for (const b of this.b) if (b instanceof Utf8Builder) n += b.at;
    return n;
  }
  /** append one row; values in column order */
  push(...values: unknown[]): void {
    const b = this.b;
    for (let i = 0; i < b.length; i++) b[i].push(values[i] ?? null);
    this.length++;
  }
  toArrow(): Table {
    const vecs: Record<string, Vector> = {};
    this.cols.forEach(([name, type], i) => { vecs[name] = this.b[i].finish(type, this.length); });
    return new Table(vecs);
  }
  clear(): void {
    for (const b of this.b) b.clear();
    this.length = 0;
  }
}

interface ColBuilder { push(v: unknown): void; finish(type: DataType, n: number): Vector; clear(): void }

function builderFor(type: DataType): ColBuilder {
  if (type instanceof Utf8) return new Utf8Builder();
  if (type instanceof Int32) return new NumBuilder(Int32Array);
  if (type instanceof Float64) return new NumBuilder(Float64Array);
  if (type instanceof Int64) return new Int64Builder();
  return new ArrayBuilder();
}

/** validity bits (1 = valid) grown with the column; `nulls` counted */
class Validity {
  bits = new Uint8Array(1024);
  nulls = 0;
  set(i: number, valid: boolean): void {
    if ((i >> 3) >= this.bits.length) { const nb = new Uint8Array(this.bits.length * 2); nb.set(this.bits); this.bits = nb; }
    if (valid) this.bits[i >> 3] |= 1 << (i & 7);
    else { this.bits[i >> 3] &= ~(1 << (i & 7)); this.nulls++; }
  }
  /** the bitmap of n rows (a copy, padded to 8 bytes) or undefined when nothing is null */
  take(n: number): Uint8Array | undefined {
    if (!this.nulls) return undefined;
    const out = new Uint8Array(((n + 63) >> 6) << 3);
    out.set(this.bits.subarray(0, (n + 7) >> 3));
    return out;
  }
  clear(): void { this.bits.fill(0); this.nulls = 0; }
}

class NumBuilder implements ColBuilder {
  private a: Int32Array | Float64Array;
  private n = 0;
  private readonly v = new Validity();
  constructor(private readonly ctor: Int32ArrayConstructor | Float64ArrayConstructor) { this.a = new ctor(1024); }
  push(x: unknown): void {
    if (this.n === this.a.length) { const na = new this.ctor(this.a.length * 2); na.set(this.a); this.a = na; }
    const ok = x !== null && x !== undefined;
    this.a[this.n] = ok ? (typeof x === 'bigint' ? Number(x) : (x as number)) : 0;
    this.v.set(this.n++, ok);
  }
  finish(type: DataType, n: number): Vector {
    const data = this.a.slice(0, n);
    const bm = this.v.take(n);
    return makeVector(makeData({ type, length: n, nullCount: this.v.nulls, nullBitmap: bm, data } as never)) as unknown as Vector;
  }
  clear(): void { this.n = 0; this.v.clear(); }
}

/** Int64 from numbers (exact below 2^53) or bigints, stored as little-endian (lo, hi) int32 pairs */
class Int64Builder implements ColBuilder {
  private a = new Int32Array(2048);
  private n = 0;
  private readonly v = new Validity();
  push(x: unknown): void {
    if (this.n * 2 === this.a.length) { const na = new Int32Array(this.a.length * 2); na.set(this.a); this.a = na; }
    const ok = x !== null && x !== undefined;
    let lo = 0, hi = 0;
    if (typeof x === 'bigint') { lo = Number(BigInt.asIntN(32, x)); hi = Number(BigInt.asIntN(32, x >> 32n)); }
    else if (ok) { const v = x as number; lo = v | 0; hi = Math.floor(v / 4294967296); }
    this.a[this.n * 2] = lo;
    this.a[this.n * 2 + 1] = hi;
    this.v.set(this.n++, ok);
  }
  finish(_type: DataType, n: number): Vector {
    const data = new BigInt64Array(this.a.slice(0, n * 2).buffer);
    return makeVector(makeData({ type: new Int64(), length: n, nullCount: this.v.nulls, nullBitmap: this.v.take(n), data } as never)) as unknown as Vector;
  }
  clear(): void { this.n = 0; this.v.clear(); }
}

/** strings up to this many characters are encoded by a JS loop when ASCII (Buffer.write is a native call) */
const SHORT_UTF8 = 48;

/**
 * UTF-8 bytes and offsets, written at push time. The same string as the previous row (a variant's
 * key, CHROM and FORMAT repeat for each of its samples) is copied from the previous row's bytes, and
 * short ASCII strings are written byte by byte: Buffer.write per value was ~10% of an ingest's main
 * thread on the 1,000-sample cohort.
 */
class Utf8Builder implements ColBuilder {
  private buf = Buffer.allocUnsafe(1 << 16);
  at = 0;
  private off = new Int32Array(1025);
  private n = 0;
  private readonly v = new Validity();
  /** the previous non-empty string and where its bytes are */
  private last: string | null = null;
  private lastAt = 0;
  private lastLen = 0;
  private room(need: number): void {
    if (need > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(nb, 0, 0, this.at);
      this.buf = nb;
    }
  }
  push(x: unknown): void {
    if (this.n + 1 >= this.off.length) { const no = new Int32Array(this.off.length * 2); no.set(this.off); this.off = no; }
    const ok = x !== null && x !== undefined;
    if (ok) {
      const s = typeof x === 'string' ? x : String(x);
      const len = s.length;
      if (len && s === this.last) {
        const k = this.lastLen, from = this.lastAt, at = this.at;
        this.room(at + k);
        const b = this.buf;
        if (k <= SHORT_UTF8) for (let i = 0; i < k; i++) b[at + i] = b[from + i];
        else b.copy(b, at, from, from + k);
        this.lastAt = at;
        this.at = at + k;
      } else if (len) {
        const at = this.at;
        this.room(at + len * 3);
        const b = this.buf;
        let i = 0;
        if (len <= SHORT_UTF8) {
          for (; i < len; i++) {
            const c = s.charCodeAt(i);
            if (c >= 0x80) break;
            b[at + i] = c;
          }
        }
        const k = i === len ? len : b.write(s, at, 'utf8');
        this.last = s;
        this.lastAt = at;
        this.lastLen = k;
        this.at = at + k;
      }
    }
    this.v.set(this.n++, ok);
    this.off[this.n] = this.at;
  }
  finish(_type: DataType, n: number): Vector {
    const data = new Uint8Array(this.at);
    data.set(this.buf.subarray(0, this.at));
    return makeVector(makeData({ type: new Utf8(), length: n, nullCount: this.v.nulls, nullBitmap: this.v.take(n), valueOffsets: this.off.slice(0, n + 1), data })) as unknown as Vector;
  }
  clear(): void { this.n = 0; this.at = 0; this.off[0] = 0; this.v.clear(); this.last = null; }
}

/** other types (List<Utf8>): JS values, converted at finish */
class ArrayBuilder implements ColBuilder {
  private a: unknown[] = [];
  push(x: unknown): void { this.a.push(x); }
  finish(type: DataType, _n: number): Vector {
    if (type instanceof List && type.children[0].type instanceof Utf8) return utf8ListVector(this.a as Array<Array<string | null> | null>, type);
    return vectorFromArray(this.a as never[], type) as unknown as Vector;
  }
  clear(): void { this.a = []; }
}

/**
 * Append an arrow table to a LanceDB table. LanceDB's `add` serialises the table to IPC and then
 * copies the whole buffer once more (`Buffer.from(uint8array)`); measured on trio100k that copy was
 * ~5% of the ingest's main-thread time. Here the IPC file bytes are wrapped, not copied, and handed
 * to the native table (the same call `add` ends with); when the native handle is not where this
 * version of @lancedb/lancedb keeps it, the public `add` is used.
 */
export async function appendArrow(t: lancedb.Table, data: Table): Promise<void> {
  const inner = (t as unknown as { inner?: { add?: (buf: Buffer, mode: string, progress?: unknown) => Promise<unknown> } }).inner;
  if (typeof inner?.add !== 'function') { await t.add(data); return; }
  const u8 = RecordBatchFileWriter.writeAll(data).toUint8Array(true);
  await inner.add(Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength), 'append', undefined);
}

/** validity bitmap (LSB first) or undefined when nothing is null */
function validity(arr: unknown[]): { bitmap?: Uint8Array; nulls: number } {
  let nulls = 0;
  for (const v of arr) if (v === null || v === undefined) nulls++;
  if (!nulls) return { nulls };
  const bitmap = new Uint8Array(((arr.length + 63) >> 6) << 3);
  for (let i = 0; i < arr.length; i++) if (arr[i] !== null && arr[i] !== undefined) bitmap[i >> 3] |= 1 << (i & 7);
  return { bitmap, nulls };
}

/** a Utf8 vector built in one pass (the generic builder is several times slower) */
export function utf8Vector(arr: Array<string | null>): Vector {
  return makeVector(utf8Data(arr)) as unknown as Vector;
}

function utf8Data(arr: Array<string | null>) {
  const n = arr.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) { const v = arr[i]; if (v !== null && v !== undefined) total += Buffer.byteLength(v, 'utf8'); }
  const data = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (v !== null && v !== undefined && v.length) at += data.write(v, at, 'utf8');
    offsets[i + 1] = at;
  }
  const { bitmap, nulls } = validity(arr);
  return makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, at) });
}

/** a List<Utf8> vector (null lists are empty lists) */
export function utf8ListVector(arr: Array<Array<string | null> | null>, type: List): Vector {
  const n = arr.length;
  const offsets = new Int32Array(n + 1);
  const items: Array<string | null> = [];
  for (let i = 0; i < n; i++) {
    const l = arr[i];
    if (l) for (const x of l) items.push(x);
    offsets[i + 1] = items.length;
  }
  return makeVector(makeData({ type, length: n, nullCount: 0, valueOffsets: offsets, child: utf8Data(items) })) as unknown as Vector;
}

export function int64Vector(arr: Array<number | bigint | null>): Vector {
  const n = arr.length;
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) { const v = arr[i]; if (v !== null && v !== undefined) data[i] = BigInt(v); }
  const { bitmap, nulls } = validity(arr);
  return makeVector(makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: bitmap, data } as never)) as unknown as Vector;
}

export function numVector(arr: Array<number | null>, type: Int32 | Float64): Vector {
  const n = arr.length;
  const data = type instanceof Int32 ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) { const v = arr[i]; if (v !== null && v !== undefined) data[i] = v; }
  const { bitmap, nulls } = validity(arr);
  return makeVector(makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data } as never)) as unknown as Vector;
}

export interface FileRow {
  file_id: number; path: string; sha256: string; size: number; status: string; header: string; samples_n: number;
  n_records: number; n_variants: number; n_genotypes: number; n_skipped_alleles: number; n_ref_blocks: number; norm: string;
  annotation: string; started: string; committed: string | null;
}

/** SQL string literal */
export function sqlStr(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** index and metadata cache of a writer's LanceDB session (each) */
export const WRITER_CACHE_BYTES = 64 << 20;

export class LanceStore {
  readonly ws: Workspace;
  readonly db: lancedb.Connection;
  readonly tables: Record<TableName, lancedb.Table>;
  private constructor(ws: Workspace, db: lancedb.Connection, tables: Record<TableName, lancedb.Table>) {
    this.ws = ws;
    this.db = db;
    this.tables = tables;
  }

  /** Open the tables, creating missing ones (only writers create). */
  static async open(ws: Workspace, create: boolean, opts: { readConsistencyInterval?: number } = {}): Promise<LanceStore> {
    // readConsistencyInterval (s): a long-lived reader sees later commits (0: checked on every read)
    const options = opts.readConsistencyInterval !== undefined ? { readConsistencyInterval: opts.readConsistencyInterval } : {};
    // a writer's caches are bounded (LanceDB's defaults: 6 GB index, 1 GB metadata): ingest memory stays flat
    const db = create
      ? await lancedb.connect(ws.lanceDir, options, new lancedb.Session(BigInt(WRITER_CACHE_BYTES), BigInt(WRITER_CACHE_BYTES)))
      : await lancedb.connect(ws.lanceDir, opts.readConsistencyInterval !== undefined ? options : undefined);
    const names = new Set(await db.tableNames());
    const tables = {} as Record<TableName, lancedb.Table>;
    for (const [name, cols] of Object.entries(TABLES) as Array<[TableName, ColDefs]>) {
      if (names.has(name)) {
        tables[name] = await db.openTable(name);
        const have = (await tables[name].schema()).fields.map((f) => f.name).join(',');
        if (have !== cols.map(([n]) => n).join(',')) {
          throw new VcfError('STORE_SCHEMA', `the ${name} table was written by another version of vcf-agent (columns differ): remove the workspace and ingest again`, { file: ws.dir });
        }
      } else if (create) tables[name] = await db.createEmptyTable(name, schemaOf(cols));
      else throw new Error(`the store in ${ws.dir} has no ${name} table`);
    }
    return new LanceStore(ws, db, tables);
  }

  close(): void {
    for (const t of Object.values(this.tables)) t.close();
    this.db.close();
  }

  async files(): Promise<FileRow[]> {
    const rows = await this.tables.files.query().toArray();
    return rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const [n] of FILES_COLS) o[n] = typeof r[n] === 'bigint' ? Number(r[n]) : r[n];
      return o as unknown as FileRow;
    }).sort((a, b) => a.file_id - b.file_id);
  }

  /** the filter that shows committed rows only (see the header comment) */
  async visibleFilter(): Promise<string> {
    return visibleFilterOf(await this.files());
  }

  /**
   * (Re)build the scalar indexes of a table; data added later is still found (scanned) until the
   * next build. Tables under INDEX_MIN_ROWS rows are scanned (an index would not pay off there).
   */
  async buildIndexes(name: TableName): Promise<void> {
    await buildScalarIndexes(this.tables[name], INDEXES[name]);
  }
}

/**
 * (Re)build scalar indexes on a table (any table of the workspace, e.g. the vectors table) once it
 * has INDEX_MIN_ROWS rows; below that a scan is cheaper. Columns the table lacks are skipped.
 */
export async function buildScalarIndexes(t: lancedb.Table, cols: Array<[string, ScalarIndexKind]>): Promise<void> {
  if ((await t.countRows()) < INDEX_MIN_ROWS) return;
  const have = new Set((await t.schema()).fields.map((f) => f.name));
  for (const [col, kind] of cols) {
    if (!have.has(col)) continue;
    const config = kind === 'btree' ? lancedb.Index.btree() : kind === 'bitmap' ? lancedb.Index.bitmap() : lancedb.Index.labelList();
    await t.createIndex(col, { config, replace: true });
  }
}

export function visibleFilterOf(files: FileRow[]): string {
  const committed = files.filter((f) => f.status === 'committed').map((f) => f.file_id);
  if (!committed.length) return 'file_id < 0';
  const max = Math.max(...committed);
  const hidden = files.filter((f) => f.status !== 'committed' && f.file_id < max).map((f) => f.file_id);
  return hidden.length ? `file_id <= ${max} AND file_id NOT IN (${hidden.join(',')})` : `file_id <= ${max}`;
}
