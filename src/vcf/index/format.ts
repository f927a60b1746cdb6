/**
 * TBI and CSI index files: the in-memory model, the parser and the serializer (uncompressed
 * bytes; the files themselves are BGZF-compressed). Layouts follow the tabix and CSI
 * specifications (samtools/hts-specs) and htslib's hts.c:
 *
 * TBI: "TBI\1", n_ref, format, col_seq, col_beg, col_end, meta, skip, l_nm, names,
 *      per ref { n_bin, per bin { bin u32, n_chunk, chunks (u64, u64) }, n_intv, ioff u64[] },
 *      [n_no_coor u64]
 * CSI: "CSI\1", min_shift, depth, l_aux, aux, n_ref,
 *      per ref { n_bin, per bin { bin u32, loffset u64, n_chunk, chunks } }, [n_no_coor u64]
 *
 * For VCF, CSI's aux holds the same tabix header as TBI (format .. names).
 */
import { VcfError } from '../errors.js';
import { binBot, nBins, metaBin } from './binning.js';

export interface Chunk {
  /** virtual offset of the first record */
  u: number;
  /** virtual offset just past the last record */
  v: number;
}

export interface Bin {
  bin: number;
  /** smallest virtual offset of a record overlapping the bin's region (CSI loffset) */
  loff: number;
  chunks: Chunk[];
}

/** The read side of a bin table (a Map, or a lazily decoded view of an index file). */
export interface BinMap {
  get(bin: number): Bin | undefined;
  has(bin: number): boolean;
  readonly size: number;
  keys(): IterableIterator<number>;
  values(): IterableIterator<Bin>;
}

/**
 * Bins read straight from the index bytes, without decoding them into objects (the lazy view of
 * an index file has it): what queryChunks needs of a bin, by the byte offset of its record.
 */
export interface RawBins {
  /** byte offset of the bin's record, or -1 when the bin is not there */
  rawOffset(bin: number): number;
  /** the bin's loffset (CSI; TBI: from the linear index, as htslib update_loff) */
  rawLoff(bin: number, p: number): number;
  /** its number of chunks */
  rawCount(p: number): number;
  /** virtual offsets of its chunk k: start and end */
  rawU(p: number, k: number): number;
  rawV(p: number, k: number): number;
}

export interface RefIndex {
  /** bins by number */
  readonly bins: BinMap;
  /** bin numbers in file order */
  readonly order: number[];
  /** TBI linear index (16 kb windows); empty for CSI */
  readonly linear: number[];
}

/** The tabix header: how to read the indexed text file, and the sequence names. */
export interface TabixConf {
  /** 0 generic, 1 SAM, 2 VCF; 0x10000 = UCSC (0-based) coordinates */
  preset: number;
  colSeq: number;
  colBeg: number;
  colEnd: number;
  /** comment character code ('#' = 35) */
  meta: number;
  skip: number;
  names: string[];
}

export interface IndexData {
  format: 'tbi' | 'csi';
  minShift: number;
  depth: number;
  /** tabix header (TBI, and CSI of text files); absent for BCF's CSI */
  tabix?: TabixConf;
  /** raw CSI aux bytes when they are not a tabix header */
  aux?: Buffer;
  refs: RefIndex[];
  nNoCoor?: number;
}

export const TBX_VCF = 2;
export const VCF_CONF: Omit<TabixConf, 'names'> = { preset: TBX_VCF, colSeq: 1, colBeg: 2, colEnd: 0, meta: 35, skip: 0 };

class Cursor {
  p = 0;
  constructor(readonly b: Buffer, readonly file: string) {}
  need(n: number): void {
    if (this.p + n > this.b.length) throw corrupt(this.file, `truncated at byte ${this.p}`);
  }
  i32(): number {
    this.need(4);
    const v = this.b.readInt32LE(this.p);
    this.p += 4;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.p);
    this.p += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const lo = this.b.readUInt32LE(this.p);
    const hi = this.b.readUInt32LE(this.p + 4);
    this.p += 8;
    if (hi >= 0x200000) {
      if (hi === 0xffffffff && lo === 0xffffffff) return Infinity;
      throw corrupt(this.file, `virtual offset beyond 2^53 at byte ${this.p - 8} (files over 128 TiB are not supported)`);
    }
    return hi * 0x100000000 + lo;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }
  count(what: string): number {
    const n = this.i32();
    if (n < 0) throw corrupt(this.file, `negative ${what} at byte ${this.p - 4}`);
    return n;
  }
}

function corrupt(file: string, msg: string): VcfError {
  return new VcfError('INDEX_CORRUPT', `corrupt index: ${msg}`, { file });
}

function parseTabix(c: Cursor, names = true): TabixConf {
  const preset = c.i32(), colSeq = c.i32(), colBeg = c.i32(), colEnd = c.i32(), meta = c.i32(), skip = c.i32();
  const lnm = c.count('l_nm');
  const raw = c.bytes(lnm);
  const list: string[] = [];
  if (names) {
    let s = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0) {
        list.push(raw.toString('latin1', s, i));
        s = i + 1;
      }
    }
    if (s < raw.length) list.push(raw.toString('latin1', s));
  }
  return { preset, colSeq, colBeg, colEnd, meta, skip, names: list };
}

/** Parse an uncompressed index. */
export function parseIndex(b: Buffer, file: string): IndexData {
  const c = new Cursor(b, file);
  const magic = c.bytes(4).toString('latin1');
  let idx: IndexData;
  if (magic === 'TBI\x01') {
    const nRef = c.count('n_ref');
    const tabix = parseTabix(c);
    idx = { format: 'tbi', minShift: 14, depth: 5, tabix, refs: [] };
    for (let i = 0; i < nRef; i++) idx.refs.push(skipRef(c, false));
  } else if (magic === 'CSI\x01') {
    const minShift = c.i32();
    const depth = c.i32();
    if (minShift < 1 || minShift > 40 || depth < 0 || depth > 12) throw corrupt(file, `unsupported min_shift ${minShift} / depth ${depth}`);
    const lAux = c.count('l_aux');
    const auxBytes = c.bytes(lAux);
    idx = { format: 'csi', minShift, depth, refs: [] };
    if (lAux >= 28) {
      const ac = new Cursor(auxBytes, file);
      try {
        idx.tabix = parseTabix(ac);
      } catch {
        idx.aux = Buffer.from(auxBytes);
      }
    } else if (lAux > 0) idx.aux = Buffer.from(auxBytes);
    const nRef = c.count('n_ref');
    for (let i = 0; i < nRef; i++) idx.refs.push(skipRef(c, true));
  } else {
    throw new VcfError('INDEX_CORRUPT', 'not a TBI or CSI index (bad magic)', { file });
  }
  if (c.p + 8 <= b.length) idx.nNoCoor = c.u64();
  return idx;
}

/**
 * Walk over one reference's bins (checking bounds) and return a lazy view of it: bins are
 * located when first asked for and decoded one at a time, so opening a large index costs one
 * pass over its bytes rather than an object per chunk. The pass notes each bin's number and the
 * byte offset of its record (two typed arrays), so locating the bins later reads no bytes.
 */
function skipRef(c: Cursor, csi: boolean): RefIndex {
  const nBin = c.count('n_bin');
  const nums = new Uint32Array(nBin);
  const offs = new Float64Array(nBin);
  c.p = walkBins(c.b, c.p, csi ? 16 : 8, nums, offs, c.file);
  let linStart = -1;
  let nIntv = 0;
  if (!csi) {
    linStart = c.p;
    nIntv = c.count('n_intv');
    c.need(nIntv * 8);
    c.p += nIntv * 8;
  }
  return new LazyRef(c.b, c.file, nBin, csi, linStart, nIntv, nums, offs);
}

/**
 * The bin records from byte p: each one's number and offset into nums/offs (their length is the
 * bin count); returns the offset after them. `head` is the
 * record's size before its chunks. (The loops of the index passes are functions of their own:
 * code after a long loop that V8 compiled while it ran has no type feedback yet and would send it
 * back to the interpreter.)
 */
function walkBins(b: Buffer, p: number, head: number, nums: Uint32Array, offs: Float64Array, file: string): number {
  const len = b.length;
  const n = nums.length;
  for (let j = 0; j < n; j++) {
    if (p + head > len) throw corrupt(file, `truncated at byte ${p}`);
    nums[j] = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
    offs[j] = p;
    const q = p + head - 4;
    const nChunk = b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24);
    if (nChunk < 0) throw corrupt(file, `negative n_chunk at byte ${q}`);
    p = q + 4;
    if (p + nChunk * 16 > len) throw corrupt(file, `truncated at byte ${p}`);
    p += nChunk * 16;
  }
  return p;
}

/** the largest bin number and the largest one below it (-1: none) */
function twoLargest(nums: Uint32Array): [number, number] {
  let max = -1, max2 = -1;
  for (let j = 0; j < nums.length; j++) {
    const bin = nums[j];
    if (bin > max) {
      max2 = max;
      max = bin;
    } else if (bin > max2 && bin < max) max2 = bin;
  }
  return [max, max2];
}

/**
 * Fill a direct table (bin number - base -> file-order position + 1) with every bin from `base`
 * on but `max`, the bins below `base` into `upper`; returns max's position + 1.
 */
function fillDirect(nums: Uint32Array, table: Int32Array, base: number, max: number, upper: Map<number, number>, file: string): number {
  let metaPos = 0;
  for (let j = 0; j < nums.length; j++) {
    const bin = nums[j];
    if (bin === max) {
      if (metaPos !== 0) throw corrupt(file, `bin ${bin} listed twice`);
      metaPos = j + 1;
    } else if (bin >= base) {
      if (table[bin - base] !== 0) throw corrupt(file, `bin ${bin} listed twice`);
      table[bin - base] = j + 1;
    } else {
      if (upper.has(bin)) throw corrupt(file, `bin ${bin} listed twice`);
      upper.set(bin, j + 1);
    }
  }
  return metaPos;
}

/** Fill an open-addressing table (bin number + 1 per slot, file-order position + 1 in `pos`). */
function fillHash(nums: Uint32Array, keys: Int32Array, pos: Int32Array, file: string): void {
  const mask = keys.length - 1;
  for (let j = 0; j < nums.length; j++) {
    const bin = nums[j];
    if (bin >= 0x7fffffff) throw corrupt(file, `bin number ${bin} out of range`);
    let h = Math.imul(bin, 0x9e3779b1) >>> 0 & mask;
    while (keys[h] !== 0) {
      if (keys[h] === bin + 1) throw corrupt(file, `bin ${bin} listed twice`);
      h = (h + 1) & mask;
    }
    keys[h] = bin + 1;
    pos[h] = j + 1;
  }
}

function readU64(b: Buffer, p: number, file: string): number {
  const lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
  const hi = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16)) + b[p + 7] * 0x1000000;
  if (hi >= 0x200000) {
    if (hi === 0xffffffff && lo === 0xffffffff) return Infinity;
    throw corrupt(file, `virtual offset beyond 2^53 at byte ${p} (files over 128 TiB are not supported)`);
  }
  return hi * 0x100000000 + lo;
}

/** a bin table indexed by bin number is used when the largest bin number is at most this many times the bin count (plus a margin) */
const DIRECT_SPREAD = 8;

class LazyRef implements RefIndex, BinMap, RawBins {
  /**
   * Where each bin's record is, by bin number: either a direct table (slot = bin number, holding
   * the bin's file-order position + 1, 0 = absent) when the numbers are dense, as they are for
   * every real index (all but a few bins are on the lowest level), or an open-addressing hash
   * table (bin number + 1 per slot, 0 = empty, capacity a power of two; slotPos parallel to it).
   */
  private direct?: Int32Array;
  /** the direct table starts at this bin number (the first bin of the level of the largest bins); */
  private base = 0;
  /** bins below it (upper levels: few) by number */
  private upper?: Map<number, number>;
  /** the direct table leaves out the pseudo-bin (its number is far above the others): its position + 1 */
  private metaPos = 0;
  private metaNum = -1;
  private slotBin?: Int32Array;
  private slotPos?: Int32Array;
  private decoded = new Map<number, Bin>();
  private lin?: number[];

  constructor(
    private readonly b: Buffer,
    private readonly file: string,
    private readonly nBin: number,
    private readonly csi: boolean,
    private readonly linStart: number,
    private readonly nIntv: number,
    /** bin numbers in file order */
    private readonly nums: Uint32Array,
    /** byte offset of each bin's record, in file order */
    private readonly offs: Float64Array,
  ) {}

  get bins(): BinMap {
    return this;
  }

  get size(): number {
    return this.nBin;
  }

  /** index the bins by number once (htslib keeps them in a hash table too) */
  private locate(): void {
    if (this.direct || this.slotBin) return;
    const n = this.nBin;
    const [max, max2] = twoLargest(this.nums);
    // (bin numbers out of range are reported by the hash table's pass, in file order)
    // the first bin of max2's level: (8^l - 1) / 7 for the largest l with that at most max2
    let base = 0;
    if (max2 > 0) while (base * 8 + 1 <= max2) base = base * 8 + 1;
    if (max < 0x7fffffff && max2 - base < DIRECT_SPREAD * n + 4096) {
      // dense: a table by bin number from `base`, the largest bin (the pseudo-bin) kept aside
      const table = new Int32Array(max2 < 0 ? 0 : max2 - base + 1);
      const upper = new Map<number, number>();
      this.metaPos = fillDirect(this.nums, table, base, max, upper, this.file);
      this.metaNum = max;
      this.base = base;
      this.upper = upper;
      this.direct = table;
      return;
    }
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    const keys = new Int32Array(cap);
    const pos = new Int32Array(cap);
    fillHash(this.nums, keys, pos, this.file);
    this.slotBin = keys;
    this.slotPos = pos;
  }

  /** byte offset of the bin's record, or -1 when the bin is not there */
  private find(bin: number): number {
    this.locate();
    const direct = this.direct;
    if (direct) {
      if (bin === this.metaNum) return this.metaPos ? this.offs[this.metaPos - 1] : -1;
      let j: number;
      if (bin >= this.base) {
        const k = bin - this.base;
        if (k >= direct.length) return -1;
        j = direct[k];
      } else j = this.upper!.get(bin) ?? 0;
      return j === 0 ? -1 : this.offs[j - 1];
    }
    const keys = this.slotBin!;
    const mask = keys.length - 1;
    const want = bin + 1;
    let h = Math.imul(bin, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const k = keys[h];
      if (k === want) return this.offs[this.slotPos![h] - 1];
      if (k === 0) return -1;
      h = (h + 1) & mask;
    }
  }

  get order(): number[] {
    return Array.from(this.nums);
  }

  rawOffset(bin: number): number {
    return this.find(bin);
  }

  rawLoff(bin: number, p: number): number {
    if (this.csi) return readU64(this.b, p + 4, this.file);
    // TBI: a bin's loff is the linear-index entry of its first window (htslib update_loff)
    if (bin >= nBins(5)) return 0;
    const lin = this.linear;
    const bot = binBot(bin, 5);
    return bot < lin.length ? lin[bot] : 0;
  }

  rawCount(p: number): number {
    const q = p + (this.csi ? 12 : 4);
    const b = this.b;
    return b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24);
  }

  rawU(p: number, k: number): number {
    return readU64(this.b, p + (this.csi ? 16 : 8) + k * 16, this.file);
  }

  rawV(p: number, k: number): number {
    return readU64(this.b, p + (this.csi ? 24 : 16) + k * 16, this.file);
  }

  get linear(): number[] {
    if (this.lin) return this.lin;
    const lin: number[] = new Array(this.nIntv);
    for (let j = 0; j < this.nIntv; j++) lin[j] = readU64(this.b, this.linStart + 4 + j * 8, this.file);
    // fill zeros as htslib does (older writers left gaps)
    for (let j = 1; j < this.nIntv; j++) if (lin[j] === 0) lin[j] = lin[j - 1];
    this.lin = lin;
    return lin;
  }

  has(bin: number): boolean {
    return this.find(bin) >= 0;
  }

  get(bin: number): Bin | undefined {
    const hit = this.decoded.get(bin);
    if (hit) return hit;
    const p = this.find(bin);
    if (p < 0) return undefined;
    const n = this.rawCount(p);
    const chunks: Chunk[] = new Array(n);
    for (let k = 0; k < n; k++) chunks[k] = { u: this.rawU(p, k), v: this.rawV(p, k) };
    const loff = this.rawLoff(bin, p);
    const out: Bin = { bin, loff, chunks };
    this.decoded.set(bin, out);
    return out;
  }

  *keys(): IterableIterator<number> {
    yield* this.order;
  }

  *values(): IterableIterator<Bin> {
    for (const k of this.order) yield this.get(k)!;
  }
}

class Writer {
  private parts: Buffer[] = [];
  private cur = Buffer.allocUnsafe(1 << 16);
  private p = 0;
  private room(n: number): void {
    if (this.p + n <= this.cur.length) return;
    this.parts.push(this.cur.subarray(0, this.p));
    this.cur = Buffer.allocUnsafe(Math.max(1 << 16, n));
    this.p = 0;
  }
  i32(v: number): void { this.room(4); this.cur.writeInt32LE(v, this.p); this.p += 4; }
  u32(v: number): void { this.room(4); this.cur.writeUInt32LE(v >>> 0, this.p); this.p += 4; }
  u64(v: number): void {
    this.room(8);
    const lo = v % 0x100000000;
    this.cur.writeUInt32LE(lo, this.p);
    this.cur.writeUInt32LE((v - lo) / 0x100000000, this.p + 4);
    this.p += 8;
  }
  bytes(b: Buffer): void { this.room(b.length); b.copy(this.cur, this.p); this.p += b.length; }
  done(): Buffer {
    this.parts.push(this.cur.subarray(0, this.p));
    return Buffer.concat(this.parts);
  }
}

export function tabixBytes(t: TabixConf): Buffer {
  const names = Buffer.concat(t.names.map((n) => Buffer.from(n + '\0', 'latin1')));
  const w = new Writer();
  w.i32(t.preset); w.i32(t.colSeq); w.i32(t.colBeg); w.i32(t.colEnd); w.i32(t.meta); w.i32(t.skip);
  w.i32(names.length);
  w.bytes(names);
  return w.done();
}

/** Serialize an index (uncompressed bytes); bins are written in each ref's `order`. */
export function serializeIndex(idx: IndexData): Buffer {
  const w = new Writer();
  const aux = idx.tabix ? tabixBytes(idx.tabix) : idx.aux ?? Buffer.alloc(0);
  if (idx.format === 'csi') {
    w.bytes(Buffer.from('CSI\x01', 'latin1'));
    w.i32(idx.minShift);
    w.i32(idx.depth);
    w.u32(aux.length);
    w.bytes(aux);
    w.i32(idx.refs.length);
  } else {
    w.bytes(Buffer.from('TBI\x01', 'latin1'));
    w.i32(idx.refs.length);
    w.bytes(aux);
  }
  for (const ref of idx.refs) {
    w.i32(ref.order.length);
    for (const bn of ref.order) {
      const b = ref.bins.get(bn)!;
      w.u32(b.bin);
      if (idx.format === 'csi') w.u64(b.loff);
      w.i32(b.chunks.length);
      for (const ch of b.chunks) {
        w.u64(ch.u);
        w.u64(ch.v);
      }
    }
    if (idx.format === 'tbi') {
      w.i32(ref.linear.length);
      for (const o of ref.linear) w.u64(o);
    }
  }
  w.u64(idx.nNoCoor ?? 0);
  return w.done();
}

/** Records per reference from the pseudo-bin (as `bcftools index -s`): [mapped, unmapped] or null. */
export function refCounts(idx: IndexData, ref: RefIndex): [number, number] | null {
  const m = ref.bins.get(metaBin(idx.depth));
  if (!m || m.chunks.length < 2) return null;
  return [m.chunks[1].u, m.chunks[1].v];
}
