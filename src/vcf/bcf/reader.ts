/**
 * BCF 2.2 (and 2.1) input, BGZF-compressed or not: the header text becomes a VcfHeader (IDX
 * attributes removed, as htslib prints it in VCF) plus the BCF dictionaries; records become batches
 * of VCF text lines, exactly as `bcftools view` prints them, so everything downstream of VcfReader
 * (lazy VcfRecord, rawBatches consumers such as view and query) reads BCF unchanged.
 *
 * Records are decoded straight from the decompressed chunks; only a record that straddles two
 * chunks is copied. With `reuseBuffers` the output buffer and offset arrays are recycled (a batch is
 * valid until the next one is requested), as for text input.
 */
import { VcfError } from '../errors.js';
import { VcfHeader } from '../header.js';
import type { OpenedInput } from '../input.js';
import type { LineBatch } from '../lines.js';
import { BcfDictionary, splitIdx } from './dict.js';
import { BcfLineFormatter } from './decode.js';

export interface BcfReadOptions {
  reuseBuffers?: boolean;
  /** largest accepted record (bytes of its two blocks) */
  maxRecordBytes?: number;
}

/**
 * Records as they are in the file: record k of a batch has its shared block at buf[shared[k]], of
 * lShared[k] bytes, followed by lIndiv[k] bytes of FORMAT data. Valid until the next batch is asked
 * for (buffers are recycled).
 */
export interface BcfRawBatch {
  buf: Buffer;
  shared: Int32Array;
  lShared: Int32Array;
  lIndiv: Int32Array;
  n: number;
  /** line number of the first record in the equivalent VCF */
  firstLineNo: number;
}

/** An open BCF stream after its header: read either as VCF text batches or as raw records, not both. */
export interface OpenedBcf {
  header: VcfHeader;
  dict: BcfDictionary;
  /** batches of VCF text lines (each line followed by '\n' in the buffer) */
  batches: AsyncGenerator<LineBatch>;
  /** the records undecoded */
  raw: AsyncGenerator<BcfRawBatch>;
  /** line number the first record has in the equivalent VCF */
  firstDataLine: number;
  /** 'major.minor' */
  version: string;
  file: string;
  /** release the input (safe at any point, and more than once) */
  close(): Promise<void>;
}

const FLUSH_AT = 1 << 20;
const DEFAULT_MAX_RECORD = 256 * 1024 * 1024;

/** Read the BCF header from the input's decompressed chunks; records are decoded as batches are pulled. */
export async function openBcf(input: OpenedInput, opts: BcfReadOptions = {}): Promise<OpenedBcf> {
  const file = input.name;
  const it = input.chunks[Symbol.asyncIterator]();
  try {
    // magic (5) + l_text (4) + text
    let head = Buffer.alloc(0);
    let done = false;
    const need = async (k: number): Promise<boolean> => {
      while (head.length < k && !done) {
        const r = await it.next();
        if (r.done) { done = true; break; }
        head = head.length ? Buffer.concat([head, r.value]) : Buffer.from(r.value);
      }
      return head.length >= k;
    };
    if (!(await need(9))) throw new VcfError('BCF_TRUNCATED', 'truncated BCF file: the header is incomplete', { file, line: 1 });
    if (head[0] !== 0x42 || head[1] !== 0x43 || head[2] !== 0x46) throw new VcfError('BCF_BAD_MAGIC', 'not a BCF file', { file, line: 1 });
    if (head[3] !== 2 || (head[4] !== 1 && head[4] !== 2)) {
      throw new VcfError('BCF_VERSION', `BCF version ${head[3]}.${head[4]} is not supported (BCF 2.1 and 2.2 are)`, { file, line: 1 });
    }
    const version = `${head[3]}.${head[4]}`;
    const lText = head.readUInt32LE(5);
    if (!(await need(9 + lText))) throw new VcfError('BCF_TRUNCATED', `truncated BCF file: the header text is ${lText} bytes, the file ends before`, { file, line: 1 });
    let textEnd = 9 + lText;
    while (textEnd > 9 && head[textEnd - 1] === 0) textEnd--;
    const { header, dict, nLines } = parseBcfHeaderText(head.toString('utf8', 9, textEnd), file);
    const rest = head.subarray(9 + lText);
    const firstDataLine = nLines + 1;
    const raw = rawBatches(it, rest, done, file, firstDataLine, opts);
    const text = textBatches(raw, header, dict, file, firstDataLine, opts);
    // release the input however far the reading went (a generator never started skips its finally)
    const close = async (): Promise<void> => {
      for (const g of [text, raw, it]) {
        try { await g.return?.(undefined); } catch { /* closing after a failure: the first error is the one to report */ }
      }
    };
    const batches = {
      next: () => text.next(),
      return: async () => { await close(); return { done: true as const, value: undefined }; },
      throw: (e: unknown) => text.throw(e),
      [Symbol.asyncIterator]() { return this; },
    } as unknown as AsyncGenerator<LineBatch>;
    return { header, dict, batches, raw, firstDataLine, version, file, close };
  } catch (e) {
    try { await it.return?.(); } catch { /* the first error is the one to report */ }
    throw e;
  }
}

/** Parse the header text of a BCF file: VcfHeader (without IDX) + dictionaries. */
export function parseBcfHeaderText(text: string, file: string): { header: VcfHeader; dict: BcfDictionary; nLines: number } {
  const header = new VcfHeader();
  const dict = new BcfDictionary();
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let sawColumns = false;
  let lineNo = 0;
  for (const l0 of lines) {
    lineNo++;
    const l = l0.endsWith('\r') ? l0.slice(0, -1) : l0;
    if (l === '') continue;
    if (sawColumns) throw new VcfError('BCF_BAD_HEADER', 'BCF header text continues after the #CHROM line', { file, line: lineNo, column: 1 });
    if (l.startsWith('##')) {
      const { raw, idx } = splitIdx(l);
      const hl = header.addMetaLine(raw, lineNo, file);
      dict.register(hl.key, idx !== undefined && hl.attrs ? { ...hl.attrs, IDX: idx } : hl.attrs);
    } else if (l.startsWith('#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO')) {
      header.setColumns(l, lineNo, file);
      sawColumns = true;
    } else {
      throw new VcfError('BCF_BAD_HEADER', 'BCF header line is neither "##" meta nor the #CHROM line', { file, line: lineNo, column: 1 });
    }
  }
  if (!sawColumns) throw new VcfError('BCF_BAD_HEADER', 'BCF header text has no #CHROM line', { file, line: Math.max(1, lineNo) });
  return { header, dict, nLines: lineNo };
}

/** VCF text lines of the records, in output buffers of about FLUSH_AT bytes. */
async function* textBatches(
  raw: AsyncGenerator<BcfRawBatch>, header: VcfHeader, dict: BcfDictionary, file: string, firstLine: number, opts: BcfReadOptions,
): AsyncGenerator<LineBatch> {
  const reuse = !!opts.reuseBuffers;
  const fmt = new BcfLineFormatter(dict, header.samples.length, file, FLUSH_AT + (FLUSH_AT >> 2));
  let starts = new Int32Array(4096);
  let ends = new Int32Array(4096);
  let nLines = 0;
  let batchFirst = firstLine;
  const take = (next: number): LineBatch => {
    const b: LineBatch = { buf: fmt.o, starts, ends, n: nLines, firstLineNo: batchFirst };
    batchFirst = next;
    nLines = 0;
    fmt.n = 0;
    if (!reuse) {
      fmt.o = Buffer.allocUnsafe(fmt.o.length);
      starts = new Int32Array(starts.length);
      ends = new Int32Array(ends.length);
    }
    return b;
  };
  let finished = false;
  try {
    for await (const rb of raw) {
      const { buf, shared, lShared, lIndiv } = rb;
      for (let k = 0; k < rb.n; k++) {
        if (nLines === starts.length) {
          const ns = new Int32Array(nLines * 2); ns.set(starts); starts = ns;
          const ne = new Int32Array(nLines * 2); ne.set(ends); ends = ne;
        }
        starts[nLines] = fmt.n;
        fmt.format(buf, shared[k], lShared[k], lIndiv[k], rb.firstLineNo + k);
        ends[nLines] = fmt.n - 1;
        nLines++;
        if (fmt.n >= FLUSH_AT) yield take(rb.firstLineNo + k + 1);
      }
    }
    if (nLines > 0) yield take(0);
    finished = true;
  } finally {
    if (!finished) await raw.return(undefined);
  }
}

/** The records of the file, batch by batch, undecoded. */
async function* rawBatches(
  it: AsyncIterator<Buffer>, first: Buffer, done: boolean, file: string, firstLine: number, opts: BcfReadOptions,
): AsyncGenerator<BcfRawBatch> {
  const maxRecord = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD;
  let cap = 1024;
  let shared: Int32Array = new Int32Array(cap);
  let lSh: Int32Array = new Int32Array(cap);
  let lIn: Int32Array = new Int32Array(cap);
  const one: BcfRawBatch = { buf: first, shared: new Int32Array(1), lShared: new Int32Array(1), lIndiv: new Int32Array(1), n: 1, firstLineNo: 0 };
  let lineNo = firstLine;
  // a record straddling chunks, copied
  let pend = Buffer.alloc(0);
  let pendLen = 0;
  let finished = false;
  const sizeOf = (lShared: number, lIndiv: number): number => {
    const total = 8 + lShared + lIndiv;
    if (total > maxRecord) {
      throw new VcfError('BCF_RECORD_TOO_LARGE', `BCF record of ${total} bytes is larger than the limit (${maxRecord})`, { file, line: lineNo });
    }
    return total;
  };
  try {
    let chunk: Buffer | undefined = first;
    for (;;) {
      if (!chunk) {
        if (done) break;
        const r = await it.next();
        if (r.done) { done = true; break; }
        chunk = r.value;
      }
      const c: Buffer = chunk;
      chunk = undefined;
      let p = 0;
      const len = c.length;
      if (pendLen > 0) {
        // complete the straddling record: its length words first
        if (pendLen < 8) {
          const k = Math.min(8 - pendLen, len);
          c.copy(pend, pendLen, 0, k);
          pendLen += k;
          p = k;
          if (pendLen < 8) continue;
        }
        const total = sizeOf(pend.readUInt32LE(0), pend.readUInt32LE(4));
        if (pend.length < total) {
          const g = Buffer.allocUnsafe(Math.max(total, 2 * pend.length));
          pend.copy(g, 0, 0, pendLen);
          pend = g;
        }
        const k = Math.min(total - pendLen, len - p);
        c.copy(pend, pendLen, p, p + k);
        pendLen += k;
        p += k;
        if (pendLen < total) continue;
        one.buf = pend;
        one.shared[0] = 8;
        one.lShared[0] = pend.readUInt32LE(0);
        one.lIndiv[0] = pend.readUInt32LE(4);
        one.firstLineNo = lineNo++;
        pendLen = 0;
        yield one;
      }
      let n = 0;
      const first = lineNo;
      while (len - p >= 8) {
        const ls = c.readUInt32LE(p);
        const li = c.readUInt32LE(p + 4);
        const total = sizeOf(ls, li);
        if (p + total > len) break;
        if (n === cap) {
          cap *= 2;
          const g = (a: Int32Array): Int32Array => { const x = new Int32Array(cap); x.set(a); return x; };
          shared = g(shared); lSh = g(lSh); lIn = g(lIn);
        }
        shared[n] = p + 8;
        lSh[n] = ls;
        lIn[n] = li;
        n++;
        lineNo++;
        p += total;
      }
      if (n > 0) yield { buf: c, shared, lShared: lSh, lIndiv: lIn, n, firstLineNo: first };
      if (p < len) {
        const k = len - p;
        if (pend.length < Math.max(k, 8)) pend = Buffer.allocUnsafe(Math.max(k, 4096));
        c.copy(pend, 0, p, len);
        pendLen = k;
      }
    }
    if (pendLen > 0) {
      throw new VcfError('BCF_TRUNCATED', `truncated BCF file: it ends inside a record (${pendLen} bytes of it)`, { file, line: lineNo });
    }
    finished = true;
  } finally {
    if (!finished) {
      try { await it.return?.(); } catch { /* the first error is the one to report */ }
    }
  }
}

/**
 * The VCF text of a BCF input (header without IDX, then the records as bcftools prints them), as
 * chunks of bytes: for consumers of raw text such as the validator.
 */
export async function* bcfAsVcfText(input: OpenedInput): AsyncGenerator<Buffer> {
  const bcf = await openBcf(input);
  let finished = false;
  try {
    yield Buffer.from(bcf.header.toString(), 'utf8');
    for await (const b of bcf.batches) {
      if (b.n) yield b.buf.subarray(b.starts[0], b.ends[b.n - 1] + 1);
    }
    finished = true;
  } finally {
    if (!finished) await bcf.close();
  }
}
