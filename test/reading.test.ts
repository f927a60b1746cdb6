/**
 * The reading path under stress: line splitting at arbitrary chunk boundaries (with sources that
 * recycle their buffers), long lines, CRLF; BGZF inflation inline and in worker threads, with
 * recycled buffers, CRC32 / size / truncation errors and a plain gzip member mid-file; the output
 * sink across its flush boundaries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BlockInflater, openInput, openInputFromBuffer, type InputOptions } from '../src/vcf/input.js';
import { splitLines } from '../src/vcf/lines.js';
import { bgzfBlock, BGZF_BLOCK, BGZF_EOF, OutputSink } from '../src/vcf/writer.js';
import { VcfError } from '../src/vcf/errors.js';

/** small deterministic PRNG (mulberry32) */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text of `n` lines of random lengths (some empty, some CRLF, a few longer than a read chunk). */
function makeText(seed: number, n: number, opts: { longLines?: number; trailingNewline?: boolean } = {}): string {
  const r = rng(seed);
  const alphabet = 'ACGT\t0123456789:;=,.|/chr';
  let pool = '';
  for (let k = 0; k < 8192; k++) pool += alphabet[Math.floor(r() * alphabet.length)];
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const len = u < 0.05 ? 0 : u < 0.95 ? Math.floor(r() * 300) : Math.floor(r() * 6000);
    const at = Math.floor(r() * (pool.length - len));
    parts.push(pool.slice(at, at + len) + (r() < 0.1 ? '\r' : ''));
  }
  for (let k = 0; k < (opts.longLines ?? 0); k++) parts.splice(Math.floor(r() * parts.length), 0, 'L'.repeat(1_100_000 + k * 300_001));
  return parts.join('\n') + (opts.trailingNewline === false ? '' : '\n');
}

function expectedLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Chunks of `size` bytes, all written into ONE buffer that is overwritten for every chunk. */
async function* recyclingSource(data: Buffer, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < data.length; i += size) {
    const n = data.copy(buf, 0, i, Math.min(data.length, i + size));
    yield buf.subarray(0, n);
  }
}

async function collectLines(chunks: AsyncIterable<Buffer>, reuse: boolean, maxLineBytes?: number): Promise<string[]> {
  const out: string[] = [];
  let next = 1;
  for await (const b of splitLines(chunks, 't.vcf', maxLineBytes, { reuseBuffers: reuse })) {
    assert.equal(b.firstLineNo, next, 'line numbers are consecutive');
    for (let i = 0; i < b.n; i++) out.push(b.buf.toString('latin1', b.starts[i], b.ends[i]));
    next += b.n;
  }
  return out;
}

test('splitLines: any chunking, recycled source buffers, CRLF, empty and long lines', async () => {
  const small = makeText(1, 250);
  const big = makeText(2, 3000, { longLines: 2 });
  const noNl = makeText(3, 100, { trailingNewline: false });
  for (const [name, text, sizes] of [['small', small, [1, 7, 4096]], ['long lines', big, [65536, 1 << 20]], ['no final newline', noNl, [3, 1000]]] as const) {
    const want = expectedLines(text);
    const data = Buffer.from(text, 'latin1');
    for (const size of sizes) {
      for (const reuse of [false, true]) {
        const got = await collectLines(recyclingSource(data, size), reuse);
        assert.equal(got.length, want.length, `${name}, chunks of ${size}, reuse ${reuse}: line count`);
        assert.ok(got.every((l, i) => l === want[i]), `${name}, chunks of ${size}, reuse ${reuse}: lines equal`);
      }
    }
  }
});

test('splitLines: a line over --max-line-bytes is an error naming its line, within a chunk or carried', async () => {
  const text = 'a\nbb\n' + 'x'.repeat(5000) + '\nc\n';
  for (const size of [100, 1 << 16]) {
    await assert.rejects(collectLines(recyclingSource(Buffer.from(text), size), true, 4096), (e: unknown) => {
      assert.ok(e instanceof VcfError);
      assert.equal(e.code, 'VCF_LINE_TOO_LONG');
      assert.equal(e.line, 3);
      return true;
    });
  }
});

/** BGZF of `data`: blocks of BGZF_BLOCK bytes (level 0 = stored, so payload bytes are literal) + EOF. */
function bgzf(data: Buffer, level = 6): { file: Buffer; offsets: number[] } {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let off = 0;
  for (let i = 0; i < data.length; i += BGZF_BLOCK) {
    const b = bgzfBlock(data.subarray(i, Math.min(data.length, i + BGZF_BLOCK)), level);
    offsets.push(off);
    off += b.length;
    parts.push(b);
  }
  parts.push(BGZF_EOF);
  return { file: Buffer.concat(parts), offsets };
}

async function inflateAll(file: Buffer, chunkSize: number, opts: InputOptions): Promise<Buffer> {
  const input = await openInputFromBuffer('t.vcf.gz', file, chunkSize, opts);
  assert.equal(input.compression, 'bgzf');
  const parts: Buffer[] = [];
  // copy at once: with reuseBuffers a chunk is only valid until the next one is requested
  for await (const c of input.chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

const CONFIGS: InputOptions[] = [{}, { reuseBuffers: true }, { threads: 1 }, { threads: 2, reuseBuffers: true }];

test('BGZF: inline and worker-thread inflation give the original bytes, for any read size', async () => {
  const data = Buffer.from(makeText(4, 4000, { longLines: 2 }), 'latin1'); // > 2 output chunks
  const { file } = bgzf(data);
  for (const opts of CONFIGS) {
    for (const chunk of [777, 70000, 1 << 20]) {
      const got = await inflateAll(file, chunk, opts);
      assert.ok(got.equals(data), `threads ${opts.threads ?? 0}, reuse ${!!opts.reuseBuffers}, reads of ${chunk}`);
    }
  }
});

test('BGZF from a file: recycled read buffers, with and without workers, lines intact', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-reading-'));
  try {
    const text = makeText(5, 3000, { longLines: 1 });
    const f = path.join(dir, 'x.vcf.gz');
    fs.writeFileSync(f, bgzf(Buffer.from(text, 'latin1'), 0).file); // stored blocks: > 2 read chunks
    for (const opts of CONFIGS) {
      const input = await openInput(f, opts);
      const got = await collectLines(input.chunks, !!opts.reuseBuffers);
      const want = expectedLines(text);
      assert.equal(got.length, want.length);
      assert.ok(got.every((l, i) => l === want[i]), `threads ${opts.threads ?? 0}, reuse ${!!opts.reuseBuffers}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('BGZF: the block inflater drives the zlib handle directly on this Node (its fallback copies each block), in one go and step by step', () => {
  const data = Buffer.from('##fileformat=VCFv4.2\n'.repeat(2000));
  const raw = zlib.deflateRawSync(data);
  const inf = new BlockInflater();
  assert.equal(inf.streaming, true, "zlib's handle internals are not where BlockInflater looks: region reads lose partial inflation");
  const out = Buffer.alloc(data.length + 1);
  assert.equal(inf.inflate(raw, 0, raw.length, out, 0, out.length), data.length);
  assert.ok(out.subarray(0, data.length).equals(data));
  // step by step: the first 100 bytes, then the rest
  inf.begin();
  const part = Buffer.alloc(data.length + 1);
  const [w1, u1] = inf.step(raw, 0, raw.length, part, 0, 100);
  assert.equal(w1, 100);
  const [w2] = inf.step(raw, u1, raw.length - u1, part, 100, part.length - 100);
  assert.equal(w1 + w2, data.length);
  assert.ok(part.subarray(0, data.length).equals(data));
});

test('BGZF: a corrupted payload fails its CRC32, naming the block; truncation is reported', async () => {
  const data = Buffer.from(makeText(6, 3000), 'latin1');
  const { file, offsets } = bgzf(data, 0);
  assert.ok(offsets.length > 4);
  const bad = Buffer.from(file);
  bad[offsets[3] + 18 + 5 + 1000] ^= 0x20; // a literal byte inside block 3's stored payload
  for (const opts of CONFIGS) {
    await assert.rejects(inflateAll(bad, 65536, opts), (e: unknown) => {
      assert.ok(e instanceof VcfError, String(e));
      assert.equal(e.code, 'BGZF_CORRUPT');
      assert.match(e.message, new RegExp(`compressed byte ${offsets[3]} fails its CRC32 check`));
      return true;
    }, `threads ${opts.threads ?? 0}`);
    await assert.rejects(inflateAll(file.subarray(0, offsets[4] + 100), 65536, opts), (e: unknown) => {
      assert.ok(e instanceof VcfError);
      assert.equal(e.code, 'GZIP_TRUNCATED');
      return true;
    });
  }
  // a garbled deflate stream (compressed block) is a corrupt block, not a crash
  const { file: z, offsets: zo } = bgzf(data, 6);
  const garbled = Buffer.from(z);
  for (let i = 0; i < 40; i++) garbled[zo[2] + 18 + i] = 0xff;
  for (const opts of CONFIGS) {
    await assert.rejects(inflateAll(garbled, 65536, opts), (e: unknown) => e instanceof VcfError && e.code === 'BGZF_CORRUPT');
  }
});

test('BGZF: an ordinary gzip member in the middle is decoded as gzip', async () => {
  const a = Buffer.from(makeText(7, 2000), 'latin1');
  const b = Buffer.from(makeText(8, 2000), 'latin1');
  const first = bgzf(a).file;
  const file = Buffer.concat([first.subarray(0, first.length - BGZF_EOF.length), zlib.gzipSync(b)]);
  for (const opts of CONFIGS) {
    const got = await inflateAll(file, 50000, opts);
    assert.ok(got.equals(Buffer.concat([a, b])), `threads ${opts.threads ?? 0}`);
  }
});

test('OutputSink: plain and BGZF files equal what was written, across flush boundaries', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-sink-'));
  try {
    const r = rng(9);
    const pieces: Buffer[] = [];
    const text = makeText(10, 6000);
    for (let at = 0; at < text.length;) { const n = Math.floor(r() * 900); pieces.push(Buffer.from(text.slice(at, at + n), 'latin1')); at += n; }
    pieces.splice(1000, 0, Buffer.alloc(2_500_000, 'Z')); // larger than the sink's buffer
    const want = Buffer.concat(pieces);
    for (const type of ['v', 'z'] as const) {
      const f = path.join(dir, `out.${type}`);
      const sink = OutputSink.open(f, type);
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i];
        const w = i % 3 === 0 ? sink.writeSlice(p, 0, p.length) : i % 3 === 1 ? sink.write(p) : sink.writeLatin1(p.toString('latin1'));
        if (w) await w;
      }
      await sink.close();
      const got = type === 'v' ? fs.readFileSync(f) : zlib.gunzipSync(fs.readFileSync(f));
      assert.ok(got.equals(want), `-O ${type}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
