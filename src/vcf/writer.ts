/**
 * Output sinks: plain text or BGZF to a file or stdout, buffered, with backpressure.
 * `-O v` plain VCF, `-O z` BGZF-compressed VCF (`-O b|u` BCF: bcf/encode.ts BcfSink over these sinks).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VcfError, usageError } from './errors.js';

export type OutputType = 'v' | 'z' | 'b' | 'u';

/** htslib's BGZF input block size */
export const BGZF_BLOCK = 0xff00;
const BUF_SIZE = 1 << 20;

export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/**
 * The output type, as bcftools 1.16 decides it: a file name ending in `.vcf` (plain) or `.vcf.gz` /
 * `.vcf.bgz` (BGZF) wins over `-O`; otherwise `-O` (v, z, b, u, optionally followed by a level 0-9,
 * or a bare level meaning compressed), and `-l` alone asks for compression. Deviation: a name
 * ending in `.gz`/`.bgz` without `-O` is written BGZF-compressed (bcftools would write plain text).
 * A `.bcf` name means compressed BCF whatever `-O` says; BCF (`b`, `u`) only for callers that pass
 * `allowBcf` (they write through bcf/encode.ts `openTextSink`).
 */
export function outputTypeFor(path: string | undefined, explicit?: string, levelGiven = false, allowBcf = false): OutputType {
  let t: OutputType | undefined;
  if (explicit !== undefined) {
    const m = /^([vzbu]?)([0-9]?)$/.exec(explicit);
    if (!m || explicit === '') throw usageError(`the output type "${explicit}" is not recognised (expected v, z, b or u, optionally followed by a compression level 0-9)`);
    t = (m[1] || 'z') as OutputType;
  }
  const p = path && path !== '-' ? path.toLowerCase() : '';
  if (p.endsWith('.vcf')) return 'v';
  if (p.endsWith('.vcf.gz') || p.endsWith('.vcf.bgz')) return 'z';
  if (p.endsWith('.bcf')) {
    if (!allowBcf) throw usageError('BCF output is not supported by this command yet; write .vcf or .vcf.gz');
    return 'b';
  }
  if ((t === 'b' || t === 'u') && !allowBcf) throw usageError(`-O ${t} (BCF output) is not supported by this command yet; use -O v or -O z`);
  if (t) return t === 'v' && levelGiven ? 'z' : t;
  if (levelGiven || /\.(gz|bgz|bgzf)$/.test(p)) return 'z';
  return 'v';
}

/** Compression level from `-O z9` / `-O 9` or `-l N` (`-l` wins, as the later option in bcftools' usual use). */
export function compressionLevelFor(explicit?: string, level?: number): number | undefined {
  if (level !== undefined) {
    if (!Number.isInteger(level) || level < 0 || level > 9) throw usageError(`--compression-level expects 0-9, got ${level}`);
    return level;
  }
  const m = explicit ? /([0-9])$/.exec(explicit) : null;
  return m ? Number(m[1]) : undefined;
}

/** Compress one BGZF block (data length <= 65536). */
export function bgzfBlock(data: Buffer, level = 6): Buffer {
  let cdata = zlib.deflateRawSync(data, { level });
  if (cdata.length > 65536 - 26) cdata = zlib.deflateRawSync(data, { level: 0 });
  const block = Buffer.allocUnsafe(18 + cdata.length + 8);
  block[0] = 0x1f; block[1] = 0x8b; block[2] = 8; block[3] = 4;
  block.writeUInt32LE(0, 4);
  block[8] = 0; block[9] = 0xff;
  block.writeUInt16LE(6, 10);
  block[12] = 66; block[13] = 67; block.writeUInt16LE(2, 14);
  block.writeUInt16LE(block.length - 1, 16);
  cdata.copy(block, 18);
  block.writeUInt32LE(zlib.crc32(data) >>> 0, 18 + cdata.length);
  block.writeUInt32LE(data.length, 22 + cdata.length);
  return block;
}

interface ByteTarget {
  /**
   * Write b. Returns nothing when b has been consumed (written, or copied), else a promise that
   * resolves once b is no longer referenced and more may be written.
   */
  write(b: Buffer): Promise<void> | void;
  end(): Promise<void>;
}

class FileTarget implements ByteTarget {
  constructor(private fd: number, private path: string) {}
  write(b: Buffer): void {
    let off = 0;
    while (off < b.length) {
      try {
        off += fs.writeSync(this.fd, b, off, b.length - off);
      } catch (e) {
        throw new VcfError('OUTPUT_WRITE', `cannot write: ${(e as Error).message}`, { file: this.path });
      }
    }
  }
  async end(): Promise<void> { fs.closeSync(this.fd); }
}

export class StdoutClosed extends Error {}

class StdoutTarget implements ByteTarget {
  private closed = false;
  constructor() {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') { this.closed = true; return; }
      this.closed = true;
    });
  }
  write(b: Buffer): Promise<void> | void {
    if (this.closed) throw new StdoutClosed('stdout closed');
    let flushed = false;
    let resolve: (() => void) | undefined;
    // the callback runs once this chunk has left the stream's queue (or the stream failed)
    process.stdout.write(b, () => { flushed = true; resolve?.(); });
    // a file, or a pipe with room: written synchronously, b is free again
    if (flushed || process.stdout.writableLength === 0) return;
    return new Promise<void>((res) => { if (flushed) res(); else resolve = res; });
  }
  async end(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((res) => process.stdout.write('', () => res()));
  }
}

/** Where VCF text goes: an OutputSink, or the BCF encoder taking the same text (bcf/encode.ts). */
export interface TextSink {
  write(data: string | Buffer): Promise<void> | void;
  writeLatin1(data: string): Promise<void> | void;
  writeSlice(src: Buffer, s: number, e: number): Promise<void> | void;
  close(): Promise<void>;
  readonly bytesOut: number;
}

/** Buffered text sink; BGZF-compresses when asked. */
export class OutputSink {
  private buf = Buffer.allocUnsafe(BUF_SIZE);
  private len = 0;
  private readonly bgzf: boolean;
  private readonly level: number;
  bytesOut = 0;

  private constructor(private target: ByteTarget, type: OutputType, level: number, readonly path: string) {
    this.bgzf = type === 'z';
    this.level = level;
  }

  static open(path: string | undefined, type: OutputType, opts: { level?: number } = {}): OutputSink {
    let target: ByteTarget;
    const p = path ?? '-';
    if (p === '-') target = new StdoutTarget();
    else {
      let fd: number;
      try {
        fd = fs.openSync(p, 'w');
      } catch (e) {
        throw new VcfError('OUTPUT_OPEN', `cannot open for writing: ${(e as Error).message}`, { file: p });
      }
      target = new FileTarget(fd, p);
    }
    return new OutputSink(target, type, opts.level ?? 6, p);
  }

  /** Append text or bytes; may return a promise when the consumer applies backpressure. */
  write(data: string | Buffer): Promise<void> | void {
    const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.len + n > this.buf.length) {
      const r = this.flush(false);
      if (n > this.buf.length) {
        const b = typeof data === 'string' ? Buffer.from(data) : data;
        return chain(r, () => this.emit(b, false));
      }
      if (r) return r.then(() => { this.append(data); });
    }
    this.append(data);
  }

  /** Append a string whose characters are bytes (latin1), e.g. text decoded with `latin1()`. */
  writeLatin1(data: string): Promise<void> | void {
    const n = data.length;
    if (this.len + n > this.buf.length) return this.write(Buffer.from(data, 'latin1'));
    this.len += this.buf.write(data, this.len, 'latin1');
  }

  /** Append a slice of a buffer (fast path for copying columns). */
  writeSlice(src: Buffer, s: number, e: number): Promise<void> | void {
    const n = e - s;
    if (this.len + n > this.buf.length) {
      const r = this.flush(false);
      if (n > this.buf.length) return chain(r, () => this.emit(src.subarray(s, e), false));
      if (r) return r.then(() => { src.copy(this.buf, this.len, s, e); this.len += n; });
    }
    src.copy(this.buf, this.len, s, e);
    this.len += n;
  }

  private append(data: string | Buffer): void {
    if (typeof data === 'string') this.len += this.buf.write(data, this.len);
    else { data.copy(this.buf, this.len); this.len += data.length; }
  }

  /** Flush whole buffer (BGZF: complete blocks only unless final). */
  private flush(final: boolean): Promise<void> | void {
    if (this.len === 0) return;
    const data = this.buf.subarray(0, this.len);
    if (!this.bgzf) {
      this.len = 0;
      this.bytesOut += data.length;
      const r = this.target.write(data);
      // the target still holds the bytes (a pipe that is full): continue in a new buffer
      if (r) this.buf = Buffer.allocUnsafe(BUF_SIZE);
      return r;
    }
    let off = 0;
    const blocks: Buffer[] = [];
    while (this.len - off >= BGZF_BLOCK || (final && off < this.len)) {
      const e = Math.min(off + BGZF_BLOCK, this.len);
      blocks.push(bgzfBlock(data.subarray(off, e), this.level));
      off = e;
    }
    if (off < this.len) data.copy(this.buf, 0, off, this.len);
    this.len -= off;
    if (!blocks.length) return;
    const out = Buffer.concat(blocks);
    this.bytesOut += out.length;
    return this.target.write(out);
  }

  private emit(b: Buffer, final: boolean): Promise<void> | void {
    // copy: the caller may reuse its buffer (VcfReader reuseBuffers) before an async write ends
    if (!this.bgzf) { this.bytesOut += b.length; return this.target.write(Buffer.from(b)); }
    // large payload: stage through the buffer
    let off = 0;
    const step = (): Promise<void> | void => {
      while (off < b.length) {
        const n = Math.min(this.buf.length - this.len, b.length - off);
        b.copy(this.buf, this.len, off, off + n);
        this.len += n;
        off += n;
        const r = this.flush(final);
        if (r) return r.then(step);
      }
    };
    return step();
  }

  async close(): Promise<void> {
    await this.flush(true);
    if (this.bgzf) {
      this.bytesOut += BGZF_EOF.length;
      await this.target.write(BGZF_EOF);
    }
    await this.target.end();
  }
}

function chain(r: Promise<void> | void, f: () => Promise<void> | void): Promise<void> | void {
  if (r) return r.then(f);
  return f();
}
