/**
 * Splits decompressed chunks into lines without copying them: each batch is one Buffer plus
 * line start/end offsets. A trailing '\r' is excluded from the line. Lines longer than
 * `maxLineBytes` are an error (memory stays bounded by that limit).
 *
 * Only a line that straddles two chunks is copied (into a carry buffer owned here) and comes as a
 * batch of its own, so no chunk is referenced once its lines have been yielded. With
 * `reuseBuffers`, the carry buffer and the offset arrays are recycled as well: a batch is then
 * valid only until the consumer asks for the next one.
 */
import { VcfError } from './errors.js';

export interface LineBatch {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  n: number;
  /** 1-based line number of the first line in this batch */
  firstLineNo: number;
}

export interface SplitOptions {
  /** recycle the carry buffer and offset arrays (the consumer keeps nothing across batches) */
  reuseBuffers?: boolean;
}

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  file: string,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  opts: SplitOptions = {},
): AsyncGenerator<LineBatch> {
  const reuse = !!opts.reuseBuffers;
  // the partial line at the end of the previous chunk, copied
  let carry: Buffer = EMPTY;
  let carryLen = 0;
  const addCarry = (src: Buffer, s: number, e: number): void => {
    const n = e - s;
    if (carryLen + n > carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(carryLen + n, Math.min(2 * carry.length, maxLineBytes + 2), 4096));
      carry.copy(grown, 0, 0, carryLen);
      carry = grown;
    }
    src.copy(carry, carryLen, s, e);
    carryLen += n;
  };
  let lineNo = 1;
  let starts = new Int32Array(4096);
  let ends = new Int32Array(4096);
  const one = { starts: new Int32Array(1), ends: new Int32Array(1) };
  const lineBatch = (buf: Buffer, e: number, first: number): LineBatch => {
    const st = reuse ? one.starts : new Int32Array(1);
    const en = reuse ? one.ends : new Int32Array(1);
    st[0] = 0;
    en[0] = e;
    return { buf, starts: st, ends: en, n: 1, firstLineNo: first };
  };
  for await (const chunk of locateSourceErrors(chunks, file, () => lineNo)) {
    if (chunk.length === 0) continue;
    let s = 0;
    const len = chunk.length;
    if (carryLen) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        addCarry(chunk, 0, len);
        if (carryLen > maxLineBytes) throw tooLong(file, lineNo, maxLineBytes);
        continue;
      }
      // the carried line ends in this chunk: complete it and yield it on its own
      addCarry(chunk, 0, nl);
      let e = carryLen;
      if (e > 0 && carry[e - 1] === 13) e--;
      if (e > maxLineBytes) throw tooLong(file, lineNo, maxLineBytes);
      const joined = carry;
      carryLen = 0;
      if (!reuse) carry = EMPTY; // the consumer may keep the joined line
      yield lineBatch(joined, e, lineNo);
      lineNo++;
      s = nl + 1;
    }
    let n = 0;
    for (;;) {
      if (s >= len) break;
      const nl = chunk.indexOf(10, s);
      if (nl < 0) break;
      if (n === starts.length) {
        const ns = new Int32Array(n * 2); ns.set(starts); starts = ns;
        const ne = new Int32Array(n * 2); ne.set(ends); ends = ne;
      }
      let e = nl;
      if (e > s && chunk[e - 1] === 13) e--;
      if (e - s > maxLineBytes) throw tooLong(file, lineNo + n, maxLineBytes);
      starts[n] = s;
      ends[n] = e;
      n++;
      s = nl + 1;
    }
    if (n) {
      yield { buf: chunk, starts, ends, n, firstLineNo: lineNo };
      lineNo += n;
      if (!reuse) {
        // the consumer may keep references to the arrays of a yielded batch
        starts = new Int32Array(starts.length);
        ends = new Int32Array(ends.length);
      }
    }
    if (s < len) {
      addCarry(chunk, s, len);
      if (carryLen > maxLineBytes) throw tooLong(file, lineNo, maxLineBytes);
    }
  }
  if (carryLen) {
    const last = carry;
    let e = carryLen;
    if (last[e - 1] === 13) e--;
    carryLen = 0;
    yield lineBatch(last, e, lineNo);
  }
}

function tooLong(file: string, line: number, max: number): VcfError {
  return new VcfError('VCF_LINE_TOO_LONG', `line longer than --max-line-bytes (${max} bytes)`, { file, line });
}

/**
 * Decompression and read errors carry no line: give them the line being read when they happened
 * (`file.vcf.gz:57: truncated gzip file ...`), so every rejection has a location.
 */
async function* locateSourceErrors(chunks: AsyncIterable<Buffer>, file: string, line: () => number): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (e) {
    if (e instanceof VcfError && e.line === undefined) {
      throw new VcfError(e.code, e.message, { file: e.file ?? file, line: line(), column: e.column }, e.kind);
    }
    throw e;
  }
}
