/**
 * Byte sources: a path or `-` (stdin), auto-detecting plain text, gzip, BGZF (multi-member) and bzip2.
 * Produces decompressed chunks as an async iterable of Buffers with bounded memory.
 *
 * BGZF is inflated block by block straight into ~1 MiB output chunks with one reusable inflater
 * (no per-block buffers, no concatenation), and each block's CRC32 and size are checked. Compressed
 * reads go into reused buffers. With `reuseBuffers`, the decompressed chunks themselves are
 * recycled too: a chunk is valid only until the consumer asks for the next one (the streaming
 * `view` path uses this; it keeps garbage, page faults and peak RSS flat whatever the file size).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { InflateJob, InflateResult } from './inflate-worker.js';
import { VcfError } from './errors.js';

const require = createRequire(import.meta.url);

export type Compression = 'none' | 'gzip' | 'bgzf' | 'bzip2' | 'bcf';

export interface OpenedInput {
  /** file name as given ("-" for stdin) */
  name: string;
  compression: Compression;
  /** decompressed bytes */
  chunks: AsyncIterable<Buffer>;
  /** compressed bytes consumed so far (for progress) */
  bytesRead(): number;
}

export interface InputOptions {
  /**
   * Recycle the decompressed chunks: each one may be overwritten as soon as the consumer asks for
   * the next, so the consumer must not keep references to earlier chunks (or to slices of them).
   */
  reuseBuffers?: boolean;
  /**
   * Worker threads inflating BGZF blocks ahead of the reader (bcftools' `--threads`); 0 (default):
   * inflate on the calling thread.
   */
  threads?: number;
}

const READ_CHUNK = 1 << 20;

/**
 * Shared between the raw reader and its consumer: may read buffers be recycled? And bytes the
 * consumer could not use yet (an incomplete BGZF block), which a file reader places in front of
 * its next read instead of the consumer copying that whole read behind them (`carryIn` tells it can).
 */
interface RawControl { reuse: boolean; carry?: Buffer | null; carryIn?: boolean }

/** Raw bytes of a file or stdin, in chunks, a file read one chunk ahead. With ctl.reuse, reads alternate between two buffers. */
async function* rawChunks(name: string, counter: { n: number }, ctl: RawControl = { reuse: false }): AsyncGenerator<Buffer> {
  if (name === '-') {
    for await (const c of process.stdin as AsyncIterable<Buffer>) {
      counter.n += c.length;
      yield c;
    }
    return;
  }
  let fd: fs.promises.FileHandle;
  try {
    fd = await fs.promises.open(name, 'r');
  } catch (e) {
    throw openError(name, e);
  }
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const st = await fd.stat();
    if (st.isDirectory()) throw new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a VCF file', { file: name });
    ctl.carryIn = true;
    // each read lands HEAD bytes into its buffer: room for what the consumer left of the previous
    // chunk (an incomplete BGZF block), put in front when the chunk is handed out
    const HEAD = 2 * MAX_BLOCK;
    const SIZE = HEAD + READ_CHUNK;
    const pool: Buffer[] = [];
    let sel = 0;
    const take = (): Buffer => {
      if (!ctl.reuse) return Buffer.allocUnsafe(SIZE);
      sel ^= 1;
      return (pool[sel] ??= Buffer.allocUnsafe(SIZE));
    };
    let buf = take();
    // one read ahead: the next chunk is read while the consumer works on this one
    pending = fd.read(buf, HEAD, READ_CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      const pre = ctl.carry ?? EMPTY;
      ctl.carry = null;
      if (bytesRead === 0) {
        ctl.carry = pre; // nothing more: the consumer sees what is left
        break;
      }
      if (pre.length > HEAD) throw new VcfError('INTERNAL', 'carried bytes exceed a block', { file: name }, 'internal');
      counter.n += bytesRead;
      pre.copy(buf, HEAD - pre.length);
      const chunk = buf.subarray(HEAD - pre.length, HEAD + bytesRead);
      // the consumer is done with the chunk before this one (its rest was just copied): read into it
      const next = take();
      pending = fd.read(next, HEAD, READ_CHUNK, null);
      yield chunk;
      buf = next;
    }
  } finally {
    // a read still in flight (the consumer stopped early) must end before the file is closed
    if (pending) await pending.catch(() => undefined);
    await fd.close();
  }
}

export function openError(name: string, e: unknown): VcfError {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOENT') return new VcfError('INPUT_NOT_FOUND', 'no such file', { file: name });
  if (err && err.code === 'EACCES') return new VcfError('INPUT_PERMISSION', 'permission denied', { file: name });
  if (err && err.code === 'EISDIR') return new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a VCF file', { file: name });
  if (err instanceof VcfError) return err;
  return new VcfError('INPUT_READ', `cannot read: ${err?.message ?? String(e)}`, { file: name });
}

/** Peek at the first bytes of an async iterator without losing them. */
async function peek(it: AsyncIterator<Buffer>, min: number): Promise<{ head: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let n = 0;
  let done = false;
  while (n < min) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    parts.push(r.value);
    n += r.value.length;
  }
  return { head: parts.length === 1 ? parts[0] : Buffer.concat(parts), done };
}

async function* prepend(head: Buffer, it: AsyncIterator<Buffer>, done: boolean): AsyncGenerator<Buffer> {
  let finished = done;
  try {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) { finished = true; return; }
      yield r.value;
    }
  } finally {
    // stopped early (an error downstream, or the consumer is done): release the file handle
    if (!finished) await it.return?.();
  }
}

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    if (head.length >= 16 && (head[3] & 4) && head[12] === 66 && head[13] === 67) return 'bgzf';
    return 'gzip';
  }
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x43 && head[2] === 0x46) return 'bcf';
  return 'none';
}

export async function openInput(name: string, opts: InputOptions = {}): Promise<OpenedInput> {
  const counter = { n: 0 };
  const ctl: RawControl = { reuse: false };
  return openRaw(name, rawChunks(name, counter, ctl), counter, opts, ctl);
}

/**
 * Open an in-memory buffer as if it were a file called `name` (fuzzing, tests, uploads): same
 * detection and decompression as a file. `chunkSize` splits the buffer the way reads would.
 */
export async function openInputFromBuffer(name: string, data: Buffer, chunkSize = READ_CHUNK, opts: InputOptions = {}): Promise<OpenedInput> {
  const counter = { n: 0 };
  async function* chunksOf(): AsyncGenerator<Buffer> {
    const step = Math.max(1, chunkSize);
    for (let i = 0; i < data.length; i += step) {
      const c = data.subarray(i, Math.min(data.length, i + step));
      counter.n += c.length;
      yield c;
    }
  }
  return openRaw(name, chunksOf(), counter, opts, { reuse: false });
}

async function openRaw(name: string, source: AsyncGenerator<Buffer>, counter: { n: number }, opts: InputOptions, ctl: RawControl): Promise<OpenedInput> {
  const it = source[Symbol.asyncIterator]();
  const { head, done } = await peek(it, 18);
  const raw = prepend(head, it, done);
  let compression = detectCompression(head);
  // compressed reads never leave the BGZF inflater, which copies what it keeps: recycle them;
  // plain text goes downstream as is, so only when the consumer accepts recycled chunks
  if (compression === 'bgzf' || (compression === 'none' && opts.reuseBuffers)) ctl.reuse = true;
  let chunks: AsyncIterable<Buffer>;
  switch (compression) {
    case 'bgzf':
      chunks = (opts.threads ?? 0) > 0
        ? bgzfInflateThreaded(raw, name, ctl, !!opts.reuseBuffers, Math.min(opts.threads!, 16))
        : bgzfInflate(raw, name, ctl, !!opts.reuseBuffers);
      break;
    case 'gzip':
      chunks = streamDecompress(raw, name, zlib.createGunzip(), 'gzip');
      break;
    case 'bzip2':
      chunks = bzip2Decompress(raw, name);
      break;
    default:
      chunks = raw;
  }
  // BCF inside BGZF: peek decompressed bytes
  if (compression === 'bgzf' || compression === 'gzip') {
    const dit = chunks[Symbol.asyncIterator]();
    const p = await peek(dit, 4).catch((e: unknown) => { throw atFirstLine(e); });
    if (p.head.length >= 3 && p.head[0] === 0x42 && p.head[1] === 0x43 && p.head[2] === 0x46) compression = 'bcf';
    chunks = prepend(p.head, dit, p.done);
  }
  return { name, compression, chunks, bytesRead: () => counter.n };
}

/** A decompression error before any text came out is an error on line 1 (every rejection has a line). */
function atFirstLine(e: unknown): unknown {
  if (!(e instanceof VcfError) || e.line !== undefined) return e;
  return new VcfError(e.code, e.message, { file: e.file, line: 1, column: e.column }, e.kind);
}

/** Decompressed bytes per chunk from the BGZF inflater (whole blocks; a block holds at most 64 KiB). */
const OUT_CHUNK = 1 << 20;
const MAX_BLOCK = 65536;
const OUT_CAP = OUT_CHUNK + MAX_BLOCK;
const EMPTY = Buffer.alloc(0);

interface ZlibInternals {
  _handle?: { writeSync?: (flush: number, src: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number) => void };
  _writeState?: Uint32Array;
  errored?: Error | null;
  reset(): void;
  close(): void;
  on(ev: 'error', f: (e: Error) => void): void;
}

/**
 * Inflates raw-deflate blocks into a caller's buffer through one zlib handle, reset per block: the
 * same engine `zlib.inflateRawSync` drives, without creating a handle and an output buffer per call.
 * Falls back to `inflateRawSync` + copy if the handle's internals are not there.
 */
export class BlockInflater {
  private z?: ZlibInternals;
  private used = false;
  constructor() {
    const z = zlib.createInflateRaw() as unknown as ZlibInternals;
    if (typeof z._handle?.writeSync === 'function' && z._writeState instanceof Uint32Array) {
      z.on('error', () => { /* reported through z.errored right after writeSync */ });
      this.z = z;
    } else z.close();
  }

  /** whether the handle's internals are there: step() needs them (inflate() falls back without) */
  get streaming(): boolean {
    return !!this.z;
  }

  /** Start a new stream, inflated step by step (a block read only as far as a reader needs). */
  begin(): void {
    if (this.used) this.z!.reset();
    this.used = true;
  }

  /**
   * Inflate the stream on from src[s, s+len) into out[off, off+cap): [bytes written, input bytes
   * consumed]; stops when `out` is full. Throws on corrupt data (the handle is not usable after).
   */
  step(src: Buffer, s: number, len: number, out: Buffer, off: number, cap: number): [number, number] {
    const z = this.z!;
    z._handle!.writeSync!(zlib.constants.Z_SYNC_FLUSH, src, s, len, out, off, cap);
    if (z.errored) {
      const e = z.errored;
      this.z = undefined;
      throw e;
    }
    return [cap - z._writeState![0], len - z._writeState![1]];
  }

  /** Inflate src[s, s+len) into out[off, off+cap); returns the number of bytes written. Throws on corrupt data. */
  inflate(src: Buffer, s: number, len: number, out: Buffer, off: number, cap: number): number {
    const z = this.z;
    if (!z) {
      const d = zlib.inflateRawSync(src.subarray(s, s + len));
      if (d.length > cap) return cap + 1;
      d.copy(out, off);
      return d.length;
    }
    if (this.used) z.reset();
    this.used = true;
    z._handle!.writeSync!(zlib.constants.Z_FINISH, src, s, len, out, off, cap);
    if (z.errored) {
      const e = z.errored;
      this.z = undefined; // the handle is destroyed after an error
      throw e;
    }
    return cap - z._writeState![0];
  }

  close(): void {
    this.z?.close();
    this.z = undefined;
  }
}

const NEED_MORE = -2;
const NOT_BGZF = -1;

/**
 * Size of the BGZF block at buf[p] (at least 18 bytes available): BSIZE+1 from the BC extra field,
 * NEED_MORE when the extra field is not complete yet, NOT_BGZF for a gzip member without one.
 */
function blockSize(buf: Buffer, p: number, offset: number, name: string): number {
  if (buf[p] !== 0x1f || buf[p + 1] !== 0x8b || buf[p + 2] !== 8) {
    throw new VcfError('BGZF_BAD_BLOCK', `corrupt BGZF block header at compressed byte ${offset + p}`, { file: name });
  }
  const flg = buf[p + 3];
  const xlen = buf.readUInt16LE(p + 10);
  let bsize = NOT_BGZF;
  if (flg & 4) {
    if (buf.length - p < 12 + xlen) return NEED_MORE;
    let x = p + 12;
    const xend = x + xlen;
    while (x + 4 <= xend) {
      const si1 = buf[x], si2 = buf[x + 1], slen = buf.readUInt16LE(x + 2);
      if (si1 === 66 && si2 === 67 && slen === 2 && x + 6 <= xend) bsize = buf.readUInt16LE(x + 4) + 1;
      x += 4 + slen;
    }
    // a block must hold its header, extra field and the 8-byte CRC/ISIZE trailer
    if (bsize >= 0 && bsize < 12 + xlen + 8) {
      throw new VcfError('BGZF_BAD_BLOCK', `corrupt BGZF block header at compressed byte ${offset + p}: block size ${bsize} is too small`, { file: name });
    }
  }
  return bsize;
}

/** Compressed bytes of an incomplete block, carried to the next read in one of two work buffers. */
class Carry {
  private work: Buffer[] = [];
  private sel = 0;
  pending: Buffer = EMPTY;
  /** pending + chunk, as one buffer (the chunk itself when nothing is pending) */
  join(chunk: Buffer): Buffer {
    if (!this.pending.length) return chunk;
    const need = this.pending.length + chunk.length;
    this.sel ^= 1;
    let w = this.work[this.sel];
    if (!w || w.length < need) w = this.work[this.sel] = Buffer.allocUnsafe(Math.max(need, READ_CHUNK + 2 * MAX_BLOCK));
    this.pending.copy(w, 0);
    chunk.copy(w, this.pending.length);
    return w.subarray(0, need);
  }
}

/**
 * BGZF decoder: walks block headers (BSIZE in the BC extra field), inflates each block straight
 * into the current output chunk and checks its size and CRC32. Falls back to a streaming gunzip
 * if a member without a BC field appears.
 */
async function* bgzfInflate(raw: AsyncGenerator<Buffer>, name: string, ctl: RawControl, reuseOut: boolean): AsyncGenerator<Buffer> {
  const inflater = new BlockInflater();
  const outPool: Buffer[] = [];
  let outSel = 0;
  const nextOut = (): Buffer => {
    if (!reuseOut) return Buffer.allocUnsafe(OUT_CAP);
    outSel ^= 1;
    return (outPool[outSel] ??= Buffer.allocUnsafe(OUT_CAP));
  };
  let out = nextOut();
  let outLen = 0;
  const carry = new Carry();
  let offset = 0; // compressed offset of carry.pending[0]
  try {
    for await (const chunk of raw) {
      const buf = carry.join(chunk);
      let p = 0;
      while (buf.length - p >= 18) {
        const bsize = blockSize(buf, p, offset, name);
        if (bsize === NEED_MORE) break;
        const xlen = buf.readUInt16LE(p + 10);
        if (bsize === NOT_BGZF) {
          // ordinary gzip member in the middle: decode the rest as a plain gzip stream
          if (outLen) { yield out.subarray(0, outLen); outLen = 0; }
          ctl.reuse = false; // the stream may hold on to read buffers
          const rest = Buffer.from(buf.subarray(p));
          yield* streamDecompress(prepend(rest, raw, false), name, zlib.createGunzip(), 'gzip');
          return;
        }
        if (buf.length - p < bsize) break;
        const isize = buf.readUInt32LE(p + bsize - 4);
        if (isize > 0) {
          if (isize > MAX_BLOCK) {
            throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${offset + p}: declared size ${isize} exceeds 65536`, { file: name });
          }
          let n: number;
          try {
            n = inflater.inflate(buf, p + 12 + xlen, bsize - 12 - xlen - 8, out, outLen, OUT_CAP - outLen);
          } catch (e) {
            throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${offset + p}: ${(e as Error).message}`, { file: name });
          }
          if (n !== isize) {
            throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${offset + p} has wrong size`, { file: name });
          }
          if (zlib.crc32(out.subarray(outLen, outLen + n)) >>> 0 !== buf.readUInt32LE(p + bsize - 8)) {
            throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${offset + p} fails its CRC32 check`, { file: name });
          }
          outLen += n;
          if (outLen >= OUT_CHUNK) {
            yield out.subarray(0, outLen);
            out = nextOut();
            outLen = 0;
          }
        }
        p += bsize;
      }
      offset += p;
      const rest = p < buf.length ? buf.subarray(p) : EMPTY;
      // a file reader puts the rest in front of its next read; other sources get it joined here
      if (ctl.carryIn) {
        ctl.carry = rest;
        carry.pending = EMPTY;
      } else carry.pending = rest;
    }
  } finally {
    inflater.close();
  }
  if (outLen) yield out.subarray(0, outLen);
  const left = carry.pending.length || (ctl.carryIn ? ctl.carry?.length ?? 0 : 0);
  if (left > 0) throw truncatedBgzf(name, left, offset);
}

function truncatedBgzf(name: string, n: number, offset: number): VcfError {
  return new VcfError('GZIP_TRUNCATED', `truncated BGZF file: ${n} bytes of an incomplete block at compressed byte ${offset}`, { file: name });
}

/** Worker threads running inflate-worker.js; each is referenced only while it has work. */
class InflatePool {
  private workers: Worker[] = [];
  private load: number[] = [];
  private waiting = new Map<number, { resolve: (r: InflateResult) => void; reject: (e: Error) => void; w: number }>();
  private failed: Error | undefined;
  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./inflate-worker.js', import.meta.url));
      w.unref();
      w.on('message', (r: InflateResult) => {
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if (--this.load[p.w] === 0) w.unref();
        p.resolve(r);
      });
      const fail = (e: Error): void => {
        this.failed ??= e;
        for (const [id, p] of this.waiting) { this.waiting.delete(id); p.reject(e); }
      };
      w.on('error', fail);
      w.on('exit', (code) => { if (this.waiting.size) fail(new Error(`inflate worker exited with code ${code}`)); });
      this.workers.push(w);
      this.load.push(0);
    }
  }
  run(job: InflateJob): Promise<InflateResult> {
    if (this.failed) return Promise.reject(this.failed);
    let wi = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i] < this.load[wi]) wi = i;
    const w = this.workers[wi];
    if (this.load[wi]++ === 0) w.ref();
    return new Promise<InflateResult>((resolve, reject) => {
      this.waiting.set(job.id, { resolve, reject, w: wi });
      w.postMessage(job, [job.src, job.out]);
    });
  }
  /**
   * Let every worker finish and exit on its own: terminate() on a worker that is still starting
   * (creating its zlib handle) aborts the whole process in Node 20 ("close before init"). A worker
   * handles the close message only once it is initialised; it stays referenced until it exits so
   * the process does not tear it down mid-start either.
   */
  close(): void {
    for (const w of this.workers) {
      w.ref();
      w.postMessage({ close: true });
    }
    this.workers = [];
  }
}

/**
 * BGZF decoder with `threads` worker threads: the calling thread walks block headers and groups
 * whole blocks into jobs of ~1 MiB of output; workers inflate and check them (size, CRC32); results
 * are yielded in file order with up to 2 jobs per worker in flight. Same output and errors as
 * bgzfInflate.
 */
async function* bgzfInflateThreaded(raw: AsyncGenerator<Buffer>, name: string, ctl: RawControl, reuseOut: boolean, threads: number): AsyncGenerator<Buffer> {
  const pool = new InflatePool(threads);
  const SRC_CAP = OUT_CAP + MAX_BLOCK;
  const freeSrc: ArrayBuffer[] = [];
  const freeOut: ArrayBuffer[] = [];
  // output buffers yielded most recently (reuse mode): released one step late, like bgzfInflate's pair
  let lastOut: ArrayBuffer | undefined, prevOut: ArrayBuffer | undefined;
  interface Job { src: Buffer; srcLen: number; blocks: number[]; offsets: number[]; outTotal: number }
  let job: Job | undefined;
  const inflight: Array<{ promise: Promise<InflateResult>; offsets: number[] }> = [];
  const maxInflight = 2 * threads;
  let nextId = 0;
  const dispatch = (): void => {
    if (!job) return;
    const out = (reuseOut && freeOut.pop()) || new ArrayBuffer(OUT_CAP);
    const j: InflateJob = { id: nextId++, src: job.src.buffer as ArrayBuffer, blocks: Int32Array.from(job.blocks), out };
    const promise = pool.run(j);
    promise.catch(() => { /* awaited in order by take(); failures after an early stop are moot */ });
    inflight.push({ promise, offsets: job.offsets });
    job = undefined;
  };
  const take = async (): Promise<Buffer> => {
    const j = inflight.shift()!;
    const r = await j.promise;
    freeSrc.push(r.src);
    if (r.error) {
      const at = j.offsets[r.error.block];
      if (r.error.kind === 'inflate') throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${at}: ${r.error.message}`, { file: name });
      if (r.error.kind === 'size') throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${at} has wrong size`, { file: name });
      throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${at} fails its CRC32 check`, { file: name });
    }
    if (reuseOut) {
      if (prevOut) freeOut.push(prevOut);
      prevOut = lastOut;
      lastOut = r.out;
    }
    return Buffer.from(r.out, 0, r.outLen);
  };
  const carry = new Carry();
  let offset = 0;
  try {
    for await (const chunk of raw) {
      const buf = carry.join(chunk);
      let p = 0;
      while (buf.length - p >= 18) {
        const bsize = blockSize(buf, p, offset, name);
        if (bsize === NEED_MORE) break;
        if (bsize === NOT_BGZF) {
          dispatch();
          while (inflight.length) yield await take();
          ctl.reuse = false;
          const rest = Buffer.from(buf.subarray(p));
          yield* streamDecompress(prepend(rest, raw, false), name, zlib.createGunzip(), 'gzip');
          return;
        }
        if (buf.length - p < bsize) break;
        const xlen = buf.readUInt16LE(p + 10);
        const isize = buf.readUInt32LE(p + bsize - 4);
        if (isize > 0) {
          if (isize > MAX_BLOCK) {
            throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${offset + p}: declared size ${isize} exceeds 65536`, { file: name });
          }
          const dlen = bsize - 12 - xlen - 8;
          if (job && (job.srcLen + dlen > job.src.length || job.outTotal + isize > OUT_CAP)) dispatch();
          if (!job) {
            const ab = freeSrc.pop() ?? new ArrayBuffer(SRC_CAP);
            job = { src: Buffer.from(ab), srcLen: 0, blocks: [], offsets: [], outTotal: 0 };
          }
          buf.copy(job.src, job.srcLen, p + 12 + xlen, p + 12 + xlen + dlen);
          job.blocks.push(job.srcLen, dlen, isize, buf.readInt32LE(p + bsize - 8));
          job.offsets.push(offset + p);
          job.srcLen += dlen;
          job.outTotal += isize;
          if (job.outTotal >= OUT_CHUNK) dispatch();
          while (inflight.length >= maxInflight) yield await take();
        }
        p += bsize;
      }
      offset += p;
      carry.pending = p < buf.length ? buf.subarray(p) : EMPTY;
    }
    dispatch();
    while (inflight.length) yield await take();
  } finally {
    pool.close();
  }
  if (carry.pending.length > 0) throw truncatedBgzf(name, carry.pending.length, offset);
}

async function* streamDecompress(
  raw: AsyncIterable<Buffer>,
  name: string,
  transform: NodeJS.ReadWriteStream,
  what: string,
): AsyncGenerator<Buffer> {
  const src = Readable.from(raw, { objectMode: false });
  let srcErr: unknown = null;
  // old-style (`through`) streams such as unbzip2-stream are not async iterable: wrap them
  const out: Readable = Symbol.asyncIterator in (transform as object)
    ? transform as unknown as Readable
    : fromOldStream(transform);
  src.on('error', (e) => { srcErr = e; out.destroy(e as Error); });
  src.pipe(transform as unknown as NodeJS.WritableStream);
  try {
    for await (const c of out as AsyncIterable<Buffer>) yield c;
  } catch (e) {
    if (srcErr instanceof VcfError) throw srcErr;
    if (srcErr) throw openError(name, srcErr);
    const err = (e ?? {}) as NodeJS.ErrnoException;
    const text = String(err.message ?? e);
    const truncated = err.code === 'Z_BUF_ERROR' || /unexpected end|ended prematurely/i.test(text);
    const msg = truncated
      ? `truncated ${what} file (unexpected end of compressed data)`
      : `corrupt ${what} data${what === 'bzip2' ? '' : `: ${text}`}`;
    throw new VcfError(truncated ? 'GZIP_TRUNCATED' : 'GZIP_CORRUPT', msg, { file: name });
  } finally {
    src.destroy();
  }
  if (srcErr) throw srcErr instanceof VcfError ? srcErr : openError(name, srcErr);
}

/** A Readable over an old-style stream ('data'/'end'/'error', pause/resume), keeping backpressure. */
function fromOldStream(s: NodeJS.ReadWriteStream): Readable {
  const r = new Readable({ read() { s.resume(); } });
  s.on('data', (d: Buffer) => { if (!r.push(d)) s.pause(); });
  s.on('end', () => r.push(null));
  s.on('error', (e: Error) => r.destroy(e instanceof Error ? e : new Error(String(e))));
  return r;
}

async function* bzip2Decompress(raw: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const unbzip2 = require('unbzip2-stream') as () => NodeJS.ReadWriteStream;
  yield* streamDecompress(raw, name, unbzip2(), 'bzip2');
}
