/**
 * Splits decompressed chunks into lines without copying: each batch is one Buffer plus
 * line start/end offsets. A trailing '\r' is excluded from the line. Lines longer than
 * `maxLineBytes` are an error (memory stays bounded by that limit).
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

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  file: string,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<LineBatch> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let lineNo = 1;
  let starts = new Int32Array(4096);
  let ends = new Int32Array(4096);
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    let buf: Buffer;
    let scanFrom: number;
    if (carryLen) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        carry.push(chunk);
        carryLen += chunk.length;
        if (carryLen > maxLineBytes) throw tooLong(file, lineNo, maxLineBytes);
        continue;
      }
      // join the carried partial line with the rest of this chunk
      carry.push(chunk);
      buf = Buffer.concat(carry, carryLen + chunk.length);
      scanFrom = carryLen;
      carry = [];
      carryLen = 0;
    } else {
      buf = chunk;
      scanFrom = 0;
    }
    let n = 0;
    let s = 0;
    let p = scanFrom;
    const len = buf.length;
    for (;;) {
      const nl = buf.indexOf(10, p);
      if (nl < 0) break;
      if (n === starts.length) {
        const ns = new Int32Array(n * 2); ns.set(starts); starts = ns;
        const ne = new Int32Array(n * 2); ne.set(ends); ends = ne;
      }
      let e = nl;
      if (e > s && buf[e - 1] === 13) e--;
      if (e - s > maxLineBytes) throw tooLong(file, lineNo + n, maxLineBytes);
      starts[n] = s;
      ends[n] = e;
      n++;
      s = nl + 1;
      p = s;
      if (p >= len) break;
    }
    if (n) {
      yield { buf, starts, ends, n, firstLineNo: lineNo };
      lineNo += n;
      // the consumer may keep references to the arrays only during its iteration
      starts = new Int32Array(starts.length);
      ends = new Int32Array(ends.length);
    }
    if (s < len) {
      carry.push(buf.subarray(s));
      carryLen = len - s;
      if (carryLen > maxLineBytes) throw tooLong(file, lineNo, maxLineBytes);
    }
  }
  if (carryLen) {
    const buf = carry.length === 1 ? carry[0] : Buffer.concat(carry, carryLen);
    let e = buf.length;
    if (e > 0 && buf[e - 1] === 13) e--;
    yield { buf, starts: Int32Array.of(0), ends: Int32Array.of(e), n: 1, firstLineNo: lineNo };
  }
}

function tooLong(file: string, line: number, max: number): VcfError {
  return new VcfError('VCF_LINE_TOO_LONG', `line longer than --max-line-bytes (${max} bytes)`, { file, line });
}
