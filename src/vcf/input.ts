/**
 * Byte sources: a path or `-` (stdin), auto-detecting plain text, gzip, BGZF (multi-member) and bzip2.
 * Produces decompressed chunks as an async iterable of Buffers with bounded memory.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
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

const READ_CHUNK = 1 << 20;

/** Raw bytes of a file or stdin, in chunks. */
async function* rawChunks(name: string, counter: { n: number }): AsyncGenerator<Buffer> {
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
  try {
    const st = await fd.stat();
    if (st.isDirectory()) throw new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a VCF file', { file: name });
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await fd.read(buf, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      counter.n += bytesRead;
      yield bytesRead === READ_CHUNK ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
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
  if (head.length) yield head;
  if (done) return;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
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

export async function openInput(name: string): Promise<OpenedInput> {
  const counter = { n: 0 };
  const it = rawChunks(name, counter)[Symbol.asyncIterator]();
  const { head, done } = await peek(it, 18);
  const raw = prepend(head, it, done);
  let compression = detectCompression(head);
  let chunks: AsyncIterable<Buffer>;
  switch (compression) {
    case 'bgzf':
      chunks = bgzfInflate(raw, name);
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
    const p = await peek(dit, 4);
    if (p.head.length >= 3 && p.head[0] === 0x42 && p.head[1] === 0x43 && p.head[2] === 0x46) compression = 'bcf';
    chunks = prepend(p.head, dit, p.done);
  }
  return { name, compression, chunks, bytesRead: () => counter.n };
}

/**
 * BGZF decoder: walks block headers (BSIZE in the BC extra field) and inflates each block.
 * Falls back to a streaming gunzip if a member without a BC field appears.
 */
async function* bgzfInflate(raw: AsyncGenerator<Buffer>, name: string): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // compressed offset of pending[0]
  const out: Buffer[] = [];
  let outLen = 0;
  for await (const chunk of raw) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let p = 0;
    while (pending.length - p >= 18) {
      if (pending[p] !== 0x1f || pending[p + 1] !== 0x8b || pending[p + 2] !== 8) {
        throw new VcfError('BGZF_BAD_BLOCK', `corrupt BGZF block header at compressed byte ${offset + p}`, { file: name });
      }
      const flg = pending[p + 3];
      const xlen = pending.readUInt16LE(p + 10);
      let bsize = -1;
      if (flg & 4) {
        if (pending.length - p < 12 + xlen) break;
        let x = p + 12;
        const xend = x + xlen;
        while (x + 4 <= xend) {
          const si1 = pending[x], si2 = pending[x + 1], slen = pending.readUInt16LE(x + 2);
          if (si1 === 66 && si2 === 67 && slen === 2) bsize = pending.readUInt16LE(x + 4) + 1;
          x += 4 + slen;
        }
      }
      if (bsize < 0) {
        // ordinary gzip member in the middle: decode the rest as a plain gzip stream
        if (outLen) { yield Buffer.concat(out, outLen); out.length = 0; outLen = 0; }
        const rest = pending.subarray(p);
        yield* streamDecompress(prepend(rest, raw, false), name, zlib.createGunzip(), 'gzip');
        return;
      }
      if (pending.length - p < bsize) break;
      const cdata = pending.subarray(p + 12 + xlen, p + bsize - 8);
      const isize = pending.readUInt32LE(p + bsize - 4);
      if (isize > 0) {
        let data: Buffer;
        try {
          data = zlib.inflateRawSync(cdata);
        } catch (e) {
          throw new VcfError('BGZF_CORRUPT', `corrupt BGZF block at compressed byte ${offset + p}: ${(e as Error).message}`, { file: name });
        }
        if (data.length !== isize) {
          throw new VcfError('BGZF_CORRUPT', `BGZF block at compressed byte ${offset + p} has wrong size`, { file: name });
        }
        out.push(data);
        outLen += data.length;
      }
      p += bsize;
    }
    offset += p;
    pending = pending.subarray(p);
    if (outLen >= 1 << 20) {
      yield out.length === 1 ? out[0] : Buffer.concat(out, outLen);
      out.length = 0;
      outLen = 0;
    }
  }
  if (outLen) yield out.length === 1 ? out[0] : Buffer.concat(out, outLen);
  if (pending.length > 0) {
    throw new VcfError('GZIP_TRUNCATED', `truncated BGZF file: ${pending.length} bytes of an incomplete block at compressed byte ${offset}`, { file: name });
  }
}

async function* streamDecompress(
  raw: AsyncIterable<Buffer>,
  name: string,
  transform: NodeJS.ReadWriteStream,
  what: string,
): AsyncGenerator<Buffer> {
  const src = Readable.from(raw, { objectMode: false });
  let srcErr: unknown = null;
  src.on('error', (e) => { srcErr = e; (transform as unknown as Readable).destroy(e as Error); });
  src.pipe(transform as unknown as NodeJS.WritableStream);
  try {
    for await (const c of transform as unknown as AsyncIterable<Buffer>) yield c;
  } catch (e) {
    if (srcErr instanceof VcfError) throw srcErr;
    if (srcErr) throw openError(name, srcErr);
    const err = e as NodeJS.ErrnoException;
    const msg = err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)
      ? `truncated ${what} file (unexpected end of compressed data)`
      : `corrupt ${what} data: ${err.message}`;
    throw new VcfError(err.code === 'Z_BUF_ERROR' ? 'GZIP_TRUNCATED' : 'GZIP_CORRUPT', msg, { file: name });
  } finally {
    src.destroy();
  }
  if (srcErr) throw srcErr instanceof VcfError ? srcErr : openError(name, srcErr);
}

async function* bzip2Decompress(raw: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const unbzip2 = require('unbzip2-stream') as () => NodeJS.ReadWriteStream;
  yield* streamDecompress(raw, name, unbzip2(), 'bzip2');
}
