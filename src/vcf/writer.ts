/**
 * Output sinks: plain text or BGZF to a file or stdout, buffered, with backpressure.
 * `-O v` plain VCF, `-O z` BGZF-compressed VCF (`-O b|u` BCF arrive with the formats issue).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VcfError, usageError } from './errors.js';

export type OutputType = 'v' | 'z' | 'b' | 'u';

/** htslib's BGZF input block size */
export const BGZF_BLOCK = 0xff00;
const BUF_SIZE = 1 << 20;

export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

export function outputTypeFor(path: string | undefined, explicit?: string): OutputType {
  if (explicit) {
    const t = explicit[0];
    if (t === 'v' || t === 'z') return t;
    if (t === 'b' || t === 'u') throw usageError(`-O ${t} (BCF output) is not supported yet; use -O v or -O z`);
    throw usageError(`unknown output type "${explicit}" for -O (expected v, z, b or u)`);
  }
  if (path && path !== '-' && /\.(gz|bgz|bgzf)$/i.test(path)) return 'z';
  if (path && path !== '-' && /\.bcf$/i.test(path)) throw usageError('BCF output is not supported yet; write .vcf or .vcf.gz');
  return 'v';
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
    if (!process.stdout.write(b)) {
      return new Promise<void>((res) => {
        const done = () => { process.stdout.off('drain', done); process.stdout.off('close', done); res(); };
        process.stdout.once('drain', done);
        process.stdout.once('close', done);
      });
    }
  }
  async end(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((res) => process.stdout.write('', () => res()));
  }
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
      const out = Buffer.from(data); // copy: the buffer is reused
      this.len = 0;
      this.bytesOut += out.length;
      return this.target.write(out);
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
    if (!this.bgzf) { this.bytesOut += b.length; return this.target.write(b); }
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
