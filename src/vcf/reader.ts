/**
 * Streaming VCF reader: opens a path or `-`, reads the header, then yields records in batches.
 */
import { VcfError } from './errors.js';
import { VcfHeader } from './header.js';
import { openInput, type Compression } from './input.js';
import { splitLines, type LineBatch, DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { VcfRecord } from './record.js';

export interface ReadOptions {
  maxLineBytes?: number;
}

export interface RawBatch extends LineBatch {}

export class VcfReader {
  readonly file: string;
  readonly header: VcfHeader;
  readonly compression: Compression;
  private readonly it: AsyncIterator<LineBatch>;
  private pending?: LineBatch;
  readonly bytesRead: () => number;
  /** line number of the first data line */
  readonly firstDataLine: number;

  private constructor(file: string, header: VcfHeader, compression: Compression, it: AsyncIterator<LineBatch>, pending: LineBatch | undefined, bytesRead: () => number, firstDataLine: number) {
    this.file = file;
    this.header = header;
    this.compression = compression;
    this.it = it;
    this.pending = pending;
    this.bytesRead = bytesRead;
    this.firstDataLine = firstDataLine;
  }

  static async open(file: string, opts: ReadOptions = {}): Promise<VcfReader> {
    const input = await openInput(file);
    if (input.compression === 'bcf') {
      throw new VcfError('BCF_UNSUPPORTED', 'BCF input is not supported yet (convert with `bcftools view -Oz`)', { file });
    }
    const it = splitLines(input.chunks, file, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)[Symbol.asyncIterator]();
    const headerLines: string[] = [];
    let pending: LineBatch | undefined;
    let sawColumns = false;
    let firstDataLine = 1;
    outer: for (;;) {
      const r = await it.next();
      if (r.done) break;
      const b = r.value;
      for (let i = 0; i < b.n; i++) {
        const s = b.starts[i], e = b.ends[i];
        const lineNo = b.firstLineNo + i;
        if (lineNo === 1) checkText(b.buf, s, Math.min(e, s + 512), file);
        if (e > s && b.buf[s] === 35 /* # */) {
          const text = b.buf.toString('utf8', s, e);
          headerLines.push(text);
          if (!text.startsWith('##')) {
            sawColumns = true;
            firstDataLine = lineNo + 1;
            pending = sliceBatch(b, i + 1);
            break outer;
          }
          continue;
        }
        if (e === s && headerLines.length > 0) continue; // blank line inside the header: tolerate
        // a data line before #CHROM
        if (headerLines.length === 0) {
          throw new VcfError('VCF_NOT_VCF', 'not a VCF file: the first line does not start with "##fileformat" or "#"', { file, line: lineNo, column: 1 });
        }
        throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'data line before the "#CHROM" header line', { file, line: lineNo, column: 1 });
      }
    }
    if (headerLines.length === 0) {
      throw new VcfError('VCF_EMPTY', 'empty file: no VCF header', { file, line: 1 });
    }
    if (!sawColumns) {
      throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'header has no "#CHROM" line', { file, line: headerLines.length });
    }
    const header = VcfHeader.parse(headerLines, file, 1);
    const cols = header.columnsLine.split('\t');
    const fixed = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
    for (let k = 0; k < fixed.length; k++) {
      if (cols[k] !== fixed[k]) {
        throw new VcfError('VCF_HEADER_BAD_COLUMNS', `header line must start with ${fixed.join('\\t')}; column ${k + 1} is "${(cols[k] ?? '').slice(0, 20)}"`, { file, line: header.columnsLineNo, column: 1 });
      }
    }
    if (cols.length > 8 && cols[8] !== 'FORMAT') {
      throw new VcfError('VCF_HEADER_BAD_COLUMNS', `column 9 of the #CHROM line must be FORMAT, found "${cols[8].slice(0, 20)}"`, { file, line: header.columnsLineNo, column: 1 });
    }
    return new VcfReader(file, header, input.compression, it, pending, input.bytesRead, firstDataLine);
  }

  /** Raw line batches of the data section (no parsing at all). Empty lines are skipped by consumers. */
  async *rawBatches(): AsyncGenerator<LineBatch> {
    if (this.pending && this.pending.n > 0) yield this.pending;
    this.pending = undefined;
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      yield r.value;
    }
  }

  /** Records in batches (arrays). Lines with fewer than 8 columns are an error. */
  async *batches(): AsyncGenerator<VcfRecord[]> {
    const h = this.header;
    const file = this.file;
    for await (const b of this.rawBatches()) {
      const out: VcfRecord[] = new Array(b.n);
      let k = 0;
      for (let i = 0; i < b.n; i++) {
        const s = b.starts[i], e = b.ends[i];
        if (e === s) continue;
        const rec = new VcfRecord(b.buf, s, e, b.firstLineNo + i, h, file);
        if (rec.nFixed < 8) {
          throw new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${rec.nFixed} tab-separated columns, at least 8 are required`, { file, line: rec.lineNo, column: e - s + 1 });
        }
        out[k++] = rec;
      }
      out.length = k;
      if (k) yield out;
    }
  }

  async *records(): AsyncGenerator<VcfRecord> {
    for await (const b of this.batches()) yield* b;
  }
}

function sliceBatch(b: LineBatch, from: number): LineBatch | undefined {
  if (from >= b.n) return undefined;
  return {
    buf: b.buf,
    starts: b.starts.subarray(from),
    ends: b.ends.subarray(from),
    n: b.n - from,
    firstLineNo: b.firstLineNo + from,
  };
}

/** Reject binary data early with a clear message. */
function checkText(buf: Buffer, s: number, e: number, file: string): void {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 0 || (c < 32 && c !== 9 && c !== 13 && c !== 10)) {
      throw new VcfError('VCF_BINARY', 'not a VCF file: binary data on the first line', { file, line: 1, column: i - s + 1 });
    }
  }
}
