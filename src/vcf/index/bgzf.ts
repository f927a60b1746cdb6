/**
 * Random access to BGZF files: blocks read by compressed offset through one file descriptor, with
 * read-ahead of raw bytes and an LRU cache of inflated blocks, plus a line cursor that starts at a
 * virtual offset and reports the virtual offset after each line exactly as htslib's
 * bgzf_getline/bgzf_tell do (a line ending at the end of a block moves the offset to the start of
 * the next block). Virtual offsets are Numbers (coffset * 65536 + uoffset), exact for compressed
 * files up to 128 TiB.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VcfError } from '../errors.js';
import { openError, BlockInflater } from '../input.js';
import { BGZF_BLOCK, bgzfBlock, BGZF_EOF } from '../writer.js';

export interface BgzfBlock {
  /** compressed offset of the block */
  coffset: number;
  /** compressed size of the block (the next block starts at coffset + csize) */
  csize: number;
  /** inflated bytes */
  data: Buffer;
  /** the pooled memory `data` lies in (recycling mode only) */
  mem?: Buffer;
  /** epoch of the last use (recycling mode only) */
  used?: number;
  /**
   * Bytes of `data` inflated so far when the block was read in part (see BgzfFile.blockPart);
   * absent when it is complete. `data` always has the block's full length.
   */
  avail?: number;
}

export type FileKind = 'bgzf' | 'gzip' | 'plain' | 'empty';

const V = 65536;

export function voffset(coffset: number, uoffset: number): number {
  return coffset * V + uoffset;
}
export function vcoffset(v: number): number {
  return Math.floor(v / V);
}
export function vuoffset(v: number): number {
  return v % V;
}

/** What the first bytes of a file say: BGZF, other gzip, or not compressed. */
export function sniffKind(head: Buffer): FileKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    if (head.length >= 16 && (head[3] & 4) && head[12] === 66 && head[13] === 67) return 'bgzf';
    return 'gzip';
  }
  return 'plain';
}

export function fileKind(path: string): FileKind {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw openError(path, e);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a VCF file', { file: path });
    const head = Buffer.alloc(18);
    const n = fs.readSync(fd, head, 0, 18, 0);
    return sniffKind(head.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Parse the block header at `p` of `buf` (which starts at compressed offset `base`).
 * Returns the block size, or -1 when fewer bytes than the header are available.
 */
export function blockSize(buf: Buffer, p: number, base: number, file: string): number {
  if (buf.length - p < 18) return -1;
  if (buf[p] !== 0x1f || buf[p + 1] !== 0x8b || buf[p + 2] !== 8 || !(buf[p + 3] & 4)) {
    throw new VcfError('BGZF_BAD_BLOCK', `not a BGZF block at compressed byte ${base + p}`, { file });
  }
  const xlen = buf.readUInt16LE(p + 10);
  if (buf.length - p < 12 + xlen) return -1;
  let x = p + 12;
  const xend = x + xlen;
  let bsize = -1;
  while (x + 4 <= xend) {
    const slen = buf.readUInt16LE(x + 2);
    if (buf[x] === 66 && buf[x + 1] === 67 && slen === 2 && x + 6 <= xend) bsize = buf.readUInt16LE(x + 4) + 1;
    x += 4 + slen;
  }
  if (bsize < 0) throw new VcfError('BGZF_BAD_BLOCK', `gzip member without a BGZF size field at compressed byte ${base + p} (not BGZF: recompress with bgzip)`, { file });
  if (bsize < 12 + xlen + 8) throw new VcfError('BGZF_BAD_BLOCK', `corrupt BGZF block at compressed byte ${base + p}: block size ${bsize} is too small`, { file });
  return bsize;
}

/** one reusable zlib handle for every block inflated here (inflateRawSync creates one per call) */
let inflater: BlockInflater | null = null;

/** room for any block's data plus the byte that shows a block inflating to more than announced */
export const BLOCK_MEM = 65536 + 1;

/** Inflate the complete block at `p` of `buf` (into `into`, of at least BLOCK_MEM bytes, when given). */
export function inflateBlock(buf: Buffer, p: number, bsize: number, base: number, file: string, into?: Buffer): Buffer {
  const xlen = buf.readUInt16LE(p + 10);
  const isize = buf.readUInt32LE(p + bsize - 4);
  if (isize === 0) return Buffer.alloc(0);
  // the announced size plus one byte: more output than announced shows as a wrong size
  const data = into && isize < into.length ? into : Buffer.allocUnsafe(isize + 1);
  let n: number;
  try {
    inflater ??= new BlockInflater();
    n = inflater.inflate(buf, p + 12 + xlen, bsize - 12 - xlen - 8, data, 0, isize + 1);
  } catch (e) {
    inflater = null;
    throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${base + p}: ${(e as Error).message}`, { file });
  }
  if (n !== isize) throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${base + p} has the wrong size`, { file });
  return data.subarray(0, isize);
}

export interface BgzfFileOptions {
  /** bytes of inflated blocks kept in the cache (default 64 MiB) */
  cacheBytes?: number;
}

/** bytes inflated per step of a partial block (beyond what was asked for) */
const PART_STEP = 4096;

/** One open BGZF file: blocks by compressed offset, cached. */
export class BgzfFile {
  readonly path: string;
  readonly size: number;
  private fd: number;
  private cache = new Map<number, BgzfBlock>();
  private cacheBytes = 0;
  private readonly maxCacheBytes: number;
  private win: Buffer = Buffer.alloc(0);
  private readBuf: Buffer = Buffer.alloc(0);
  private winStart = 0;
  /** bytes the last read asked for (see fill) */
  private ahead = 1 << 15;
  /** compressed blocks located so far and their total size (see fill) */
  private rawBlocks = 0;
  private rawBytes = 0;
  /** statistics: raw bytes read, blocks inflated (in part or whole) and bytes inflated */
  bytesRead = 0;
  blocksInflated = 0;
  bytesInflated = 0;
  /** the block being inflated in part: its compressed data (copied) and the stream's input position */
  private part: { blk: BgzfBlock; src: Buffer; len: number; inPos: number; out: Buffer } | null = null;
  private partSrc: Buffer = Buffer.alloc(0);
  private partInflater: BlockInflater | null = null;
  /**
   * Recycling mode (see recycle()): the memory of blocks evicted from the cache is reused for new
   * blocks once nothing can still point into it, instead of fresh memory per block (first touches
   * of fresh pages and garbage collection are what a region query spends most on).
   */
  private recycling = false;
  private epoch = 0;
  private freeMem: Buffer[] = [];
  /** blocks of memory allocated so far (recycling mode) */
  private memBlocks = 0;

  private constructor(path: string, fd: number, size: number, opts: BgzfFileOptions) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    this.maxCacheBytes = opts.cacheBytes ?? 64 * 1024 * 1024;
  }

  static open(path: string, opts: BgzfFileOptions = {}): BgzfFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw openError(path, e);
    }
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) {
      fs.closeSync(fd);
      throw new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a VCF file', { file: path });
    }
    return new BgzfFile(path, fd, st.size, opts);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.cache.clear();
    this.cacheBytes = 0;
    this.freeMem = [];
    this.win = Buffer.alloc(0);
    this.readBuf = Buffer.alloc(0);
  }

  /** Make raw bytes [coffset, coffset + n) available in the window (fewer at end of file). */
  private fill(coffset: number, n: number): void {
    const winEnd = this.winStart + this.win.length;
    if (coffset >= this.winStart && coffset + n <= winEnd) return;
    if (this.fd < 0) throw new VcfError('INTERNAL', 'BGZF file used after close', { file: this.path }, 'internal');
    // reading on from the end of the window is sequential access: read ahead more, doubling with each
    // sequential read up to 256 KiB (a region that ends just past its first window needs little more)
    const sequential = coffset >= this.winStart && coffset <= winEnd && this.win.length > 0;
    // random access (a region's first block): about two of this file's blocks (their mean compressed
    // size so far; 32 KiB before any was seen), from 16 to 64 KiB
    const mean = this.rawBlocks ? this.rawBytes / this.rawBlocks : 1 << 14;
    this.ahead = sequential ? Math.min(this.ahead * 2, 1 << 18) : Math.min(1 << 16, Math.max(1 << 14, Math.ceil(2 * mean)));
    const want = Math.max(n, this.ahead);
    const len = Math.max(0, Math.min(want, this.size - coffset));
    // one reusable read buffer: blocks are inflated into their own memory, nothing keeps a view of it
    if (this.readBuf.length < len) this.readBuf = Buffer.allocUnsafe(Math.max(len, 1 << 18));
    const buf = this.readBuf;
    let got = 0;
    while (got < len) {
      const r = fs.readSync(this.fd, buf, got, len - got, coffset + got);
      if (r === 0) break;
      got += r;
    }
    this.bytesRead += got;
    this.win = buf.subarray(0, got);
    this.winStart = coffset;
  }

  /** The raw block at `coffset` (header parsed, bytes still in the read window), or null at EOF. */
  private raw(coffset: number): { p: number; bsize: number } | null {
    if (coffset >= this.size) return null;
    this.fill(coffset, 18);
    let p = coffset - this.winStart;
    let bsize = blockSize(this.win, p, this.winStart, this.path);
    if (bsize < 0) {
      this.fill(coffset, 18 + 65536);
      p = coffset - this.winStart;
      bsize = blockSize(this.win, p, this.winStart, this.path);
      if (bsize < 0) throw truncated(this.path, coffset);
    }
    if (this.win.length - p < bsize) {
      this.fill(coffset, bsize);
      p = coffset - this.winStart;
      if (this.win.length - p < bsize) throw truncated(this.path, coffset);
    }
    this.rawBlocks++;
    this.rawBytes += bsize;
    return { p, bsize };
  }

  private store(blk: BgzfBlock): void {
    this.cache.set(blk.coffset, blk);
    this.cacheBytes += blk.data.length + 64;
    while (this.cacheBytes > this.maxCacheBytes && this.cache.size > 1) {
      const oldest = this.cache.keys().next().value as number;
      const b = this.cache.get(oldest)!;
      this.cache.delete(oldest);
      this.cacheBytes -= b.data.length + 64;
      if (this.part?.blk === b) this.part = null;
      // not used in the current epoch: nothing handed out since the last nextEpoch() points into it
      if (b.mem && this.recycling && (b.used ?? 0) < this.epoch) this.freeMem.push(b.mem);
    }
  }

  /**
   * Recycle block memory from now on. The caller promises that views of block data it handed out
   * (records pointing into blocks) are dropped by the time it calls nextEpoch(): memory of a block
   * used in the current epoch is never reused.
   */
  recycle(): void {
    this.recycling = true;
  }

  /**
   * Memory for one more block (recycling mode, none free): allocated for several blocks at a time
   * (one allocation instead of several; the others wait in the free list), growing up to 16 blocks.
   */
  private newMem(): Buffer {
    const n = Math.min(16, 1 + (this.memBlocks >> 1));
    const slab = Buffer.allocUnsafeSlow(n * BLOCK_MEM);
    for (let i = n - 1; i > 0; i--) this.freeMem.push(slab.subarray(i * BLOCK_MEM, (i + 1) * BLOCK_MEM));
    this.memBlocks += n;
    return slab.subarray(0, BLOCK_MEM);
  }

  /** Start a new epoch (recycling mode); `current` is a block still being read (a cursor's block). */
  nextEpoch(current?: BgzfBlock | null): void {
    this.epoch++;
    if (current) current.used = this.epoch;
  }

  /** The block at `coffset`, complete, or null at or past the end of the file. */
  block(coffset: number): BgzfBlock | null {
    const blk = this.blockPart(coffset, Infinity);
    if (blk && blk.avail !== undefined) this.extend(blk, Infinity);
    return blk;
  }

  /**
   * The block at `coffset` with at least its first `need` bytes inflated (all of them when the block
   * is shorter), or null at or past the end of the file. A region query reads a block only up to the
   * end of its region, so the rest of the block is inflated only when asked for (extend).
   */
  blockPart(coffset: number, need: number): BgzfBlock | null {
    const hit = this.cache.get(coffset);
    if (hit) {
      // refresh its place in the LRU order
      this.cache.delete(coffset);
      this.cache.set(coffset, hit);
      hit.used = this.epoch;
      if (hit.avail !== undefined && hit.avail < need) this.extend(hit, need);
      return hit;
    }
    const r = this.raw(coffset);
    if (!r) return null;
    if (need !== Infinity) return this.startPart(coffset, r.p, r.bsize, need);
    const mem = this.recycling ? this.freeMem.pop() ?? this.newMem() : undefined;
    const data = inflateBlock(this.win, r.p, r.bsize, this.winStart, this.path, mem);
    this.blocksInflated++;
    this.bytesInflated += data.length;
    const inMem = !!mem && data.buffer === mem.buffer;
    if (mem && !inMem) this.freeMem.push(mem);
    const blk: BgzfBlock = { coffset, csize: r.bsize, data, mem: inMem ? mem : undefined, used: this.epoch };
    this.store(blk);
    return blk;
  }

  /** Start inflating the raw block at win[p] in part: its first `need` bytes (and a step more). */
  private startPart(coffset: number, p: number, bsize: number, need: number): BgzfBlock {
    const win = this.win;
    const xlen = win.readUInt16LE(p + 10);
    const isize = win.readUInt32LE(p + bsize - 4);
    this.partInflater ??= new BlockInflater();
    if (isize === 0 || !this.partInflater.streaming) {
      // nothing to split (an empty block), or no streaming handle: whole, as block() does
      const whole = this.cache.get(coffset);
      if (whole) return whole;
      const data = inflateBlock(win, p, bsize, this.winStart, this.path);
      this.blocksInflated++;
      this.bytesInflated += data.length;
      const blk: BgzfBlock = { coffset, csize: bsize, data, used: this.epoch };
      this.store(blk);
      return blk;
    }
    // the stream keeps its own copy of the compressed data: the read window is reused by other reads
    const len = bsize - 12 - xlen - 8;
    if (this.partSrc.length < len) this.partSrc = Buffer.allocUnsafe(65536);
    win.copy(this.partSrc, 0, p + 12 + xlen, p + 12 + xlen + len);
    const mem = this.recycling ? this.freeMem.pop() ?? this.newMem() : Buffer.allocUnsafe(BLOCK_MEM);
    const blk: BgzfBlock = { coffset, csize: bsize, data: mem.subarray(0, isize), mem: this.recycling ? mem : undefined, used: this.epoch, avail: 0 };
    this.partInflater.begin();
    this.part = { blk, src: this.partSrc, len, inPos: 0, out: mem };
    this.blocksInflated++;
    this.store(blk);
    this.extend(blk, need);
    return blk;
  }

  /**
   * Inflate more of a block read in part: at least its first `need` bytes (Infinity: all of it). When
   * its stream was given to another block since, it is inflated again from its start, whole.
   */
  extend(blk: BgzfBlock, need: number): void {
    if (blk.avail === undefined || blk.avail >= need) return;
    const isize = blk.data.length;
    const part = this.part;
    if (!part || part.blk !== blk) {
      const r = this.raw(blk.coffset);
      if (!r) throw truncated(this.path, blk.coffset);
      const mem = blk.mem ?? Buffer.allocUnsafe(BLOCK_MEM);
      const data = inflateBlock(this.win, r.p, r.bsize, this.winStart, this.path, mem);
      this.bytesInflated += data.length - blk.avail;
      blk.data = data;
      blk.avail = undefined;
      return;
    }
    const want = Math.min(isize, Math.max(need, blk.avail + PART_STEP));
    let wrote: number, used: number;
    try {
      // the last step has room for one byte more than announced: a block inflating to more shows there
      [wrote, used] = this.partInflater!.step(part.src, part.inPos, part.len - part.inPos, part.out, blk.avail, want - blk.avail + (want === isize ? 1 : 0));
    } catch (e) {
      this.part = null;
      throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${blk.coffset}: ${(e as Error).message}`, { file: this.path });
    }
    part.inPos += used;
    this.bytesInflated += wrote;
    blk.avail += wrote;
    // short of what was asked for: the stream ended (or its input did) before the announced size
    if (blk.avail > isize || blk.avail < want) {
      this.part = null;
      throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${blk.coffset} has the wrong size`, { file: this.path });
    }
    if (blk.avail === isize) {
      this.part = null;
      blk.avail = undefined;
    }
  }
}

function truncated(file: string, coffset: number): VcfError {
  return new VcfError('GZIP_TRUNCATED', `truncated BGZF file: incomplete block at compressed byte ${coffset}`, { file });
}

/**
 * A position in a BGZF file (the block at compressed offset `coff`, `pos` bytes into its data) that
 * the line and byte readers share: seek to and tell virtual offsets, step to the next block.
 */
export abstract class BgzfCursor {
  protected blk: BgzfBlock | null = null;
  protected coff = 0;
  protected pos = 0;

  constructor(protected readonly file: BgzfFile) {}

  seek(v: number): void {
    const c = vcoffset(v);
    if (!this.blk || this.blk.coffset !== c) this.blk = null;
    this.coff = c;
    this.pos = vuoffset(v);
  }

  tell(): number {
    return this.coff * V + this.pos;
  }

  /** the block being read, if any */
  get current(): BgzfBlock | null {
    return this.blk;
  }

  protected advance(): void {
    this.coff = this.blk!.coffset + this.blk!.csize;
    this.pos = 0;
    this.blk = null;
  }
}

/**
 * Reads lines from a BGZF file starting at a virtual offset. After next() returns true the line
 * is buf[start, end) (without '\n' and a trailing '\r'); tell() is the virtual offset after it.
 */
export class BgzfLineReader extends BgzfCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /**
   * How far `buf` holds data after the line: when the line lies in a block, the bytes of
   * buf[start, valid) are the block's (the line, its '\n' and whatever followed that was
   * inflated); -1 when the line was joined from two blocks (buf holds only the line).
   */
  valid = -1;

  next(): boolean {
    let parts: Buffer[] | null = null;
    for (;;) {
      if (!this.blk) {
        this.blk = this.file.blockPart(this.coff, this.pos + 1);
        if (!this.blk) {
          if (parts) return this.setJoined(parts); // last line without '\n'
          return false;
        }
      }
      const blk = this.blk;
      const data = blk.data;
      if (this.pos >= data.length) {
        this.advance();
        continue;
      }
      // a block read in part: only data[0, lim) is there (the first '\n' found past it is not real)
      const lim = blk.avail ?? data.length;
      const nl = data.indexOf(10, this.pos);
      if (nl >= lim || nl < 0) {
        if (lim < data.length) {
          this.file.extend(blk, Math.max(this.pos, lim) + 1);
          continue;
        }
      } else {
        if (parts) {
          parts.push(data.subarray(this.pos, nl));
          this.setJoined(parts);
        } else {
          this.buf = data;
          this.start = this.pos;
          this.end = nl > this.pos && data[nl - 1] === 13 ? nl - 1 : nl;
          this.valid = lim;
        }
        this.pos = nl + 1;
        if (this.pos >= data.length) this.advance();
        return true;
      }
      (parts ??= []).push(data.subarray(this.pos));
      this.advance();
    }
  }

  private setJoined(parts: Buffer[]): true {
    this.valid = -1;
    const b = Buffer.concat(parts);
    this.buf = b;
    this.start = 0;
    this.end = b.length > 0 && b[b.length - 1] === 13 ? b.length - 1 : b.length;
    return true;
  }
}

/**
 * Reads bytes from a BGZF file from a virtual offset, as htslib's bgzf_read does (for BCF): when a
 * read ends a block's data, tell() is the start of the next block (offset 0 in it).
 */
export class BgzfByteReader extends BgzfCursor {
  /**
   * The next n bytes: a view into the block, or a copy when they straddle blocks. At the end of
   * the file: null when nothing was left, fewer than n bytes when the file ends inside them.
   */
  read(n: number): Buffer | null {
    let out: Buffer | null = null;
    let got = 0;
    for (;;) {
      if (!this.blk) {
        this.blk = this.file.block(this.coff);
        if (!this.blk) break;
      }
      const data = this.blk.data;
      const avail = data.length - this.pos;
      if (avail <= 0) {
        this.advance();
        continue;
      }
      if (out === null && avail >= n) {
        const r = data.subarray(this.pos, this.pos + n);
        this.pos += n;
        if (this.pos >= data.length) this.advance();
        return r;
      }
      out ??= Buffer.allocUnsafe(n);
      const k = Math.min(avail, n - got);
      data.copy(out, got, this.pos, this.pos + k);
      got += k;
      this.pos += k;
      if (this.pos >= data.length) this.advance();
      if (got === n) return out;
    }
    return out === null ? (n === 0 ? Buffer.alloc(0) : null) : out.subarray(0, got);
  }
}

/** Sequential scan of every block of a BGZF file, with large reads and no cache. */
export function* scanBlocks(path: string, readSize = 4 << 20): Generator<BgzfBlock> {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const size = fs.fstatSync(fd).size;
    let buf = Buffer.alloc(0);
    let base = 0; // compressed offset of buf[0]
    let p = 0;
    let fileOff = 0;
    for (;;) {
      let bsize = blockSize(buf, p, base, path);
      if (bsize < 0 || buf.length - p < bsize) {
        if (fileOff >= size) {
          if (buf.length - p > 0) throw truncated(path, base + p);
          return;
        }
        const rest = buf.subarray(p);
        const chunk = Buffer.allocUnsafe(Math.min(readSize, size - fileOff));
        let got = 0;
        while (got < chunk.length) {
          const r = fs.readSync(fd, chunk, got, chunk.length - got, fileOff + got);
          if (r === 0) break;
          got += r;
        }
        fileOff += got;
        base += p;
        buf = rest.length ? Buffer.concat([rest, chunk.subarray(0, got)]) : chunk.subarray(0, got);
        p = 0;
        if (got === 0) {
          if (buf.length) throw truncated(path, base);
          return;
        }
        continue;
      }
      const data = inflateBlock(buf, p, bsize, base, path);
      yield { coffset: base + p, csize: bsize, data };
      p += bsize;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Inflate a whole BGZF (or single/multi-member gzip) buffer held in memory. */
export function inflateAll(buf: Buffer, file: string): Buffer {
  if (sniffKind(buf) !== 'bgzf') {
    try {
      return zlib.gunzipSync(buf);
    } catch (e) {
      throw new VcfError('BGZF_CORRUPT', `cannot decompress: ${(e as Error).message}`, { file });
    }
  }
  // one pass for the sizes, then every block inflated in place into one buffer
  let total = 0;
  for (let p = 0; p < buf.length;) {
    const bsize = blockSize(buf, p, 0, file);
    if (bsize < 0 || buf.length - p < bsize) throw truncated(file, p);
    total += buf.readUInt32LE(p + bsize - 4);
    p += bsize;
  }
  // one spare byte: a block inflating to more than it announces shows as a wrong size
  const out = Buffer.allocUnsafe(total + 1);
  let off = 0;
  for (let p = 0; p < buf.length;) {
    const bsize = blockSize(buf, p, 0, file);
    const isize = buf.readUInt32LE(p + bsize - 4);
    if (isize > 0) {
      const xlen = buf.readUInt16LE(p + 10);
      let n: number;
      try {
        inflater ??= new BlockInflater();
        n = inflater.inflate(buf, p + 12 + xlen, bsize - 12 - xlen - 8, out, off, isize + 1);
      } catch (e) {
        inflater = null;
        throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${p}: ${(e as Error).message}`, { file });
      }
      if (n !== isize) throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${p} has the wrong size`, { file });
      off += isize;
    }
    p += bsize;
  }
  return out.subarray(0, total);
}

/** BGZF-compress a buffer in blocks of `blockSize` bytes (htslib's by default) and append the EOF marker. */
export function deflateAll(data: Buffer, level = 6, blockSize = BGZF_BLOCK): Buffer {
  const out: Buffer[] = [];
  const step = Math.max(1, Math.min(blockSize, 65536));
  for (let i = 0; i < data.length; i += step) out.push(bgzfBlock(data.subarray(i, Math.min(data.length, i + step)), level));
  out.push(BGZF_EOF);
  return Buffer.concat(out);
}
