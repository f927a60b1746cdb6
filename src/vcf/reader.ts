/**
 * Streaming VCF reader: opens a path, `-` or an in-memory buffer, reads the header, then yields
 * records in batches. Every problem it finds is a VcfError with the file and line (and column).
 */
import { VcfError } from './errors.js';
import { VcfHeader } from './header.js';
import { openInput, openInputFromBuffer, type Compression, type OpenedInput } from './input.js';
import { splitLines, type LineBatch, DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { VcfRecord } from './record.js';
import { openBcf, type OpenedBcf } from './bcf/reader.js';

export interface ReadOptions {
  maxLineBytes?: number;
  /**
   * Recycle input buffers: a batch from rawBatches() is valid only until the next one is requested
   * (the consumer keeps no references to its buffer, e.g. copies what it writes). Less garbage and
   * a flat peak RSS; not for batches()/records() consumers that keep records.
   */
  reuseBuffers?: boolean;
  /** worker threads inflating BGZF input (bcftools' --threads); default 0: the calling thread */
  threads?: number;
}

export interface BufferReadOptions extends ReadOptions {
  /** split the buffer into chunks of this size, as file reads would (default 1 MiB) */
  chunkSize?: number;
}

export interface RawBatch extends LineBatch {}

const FIXED_COLUMNS = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];

export class VcfReader {
  readonly file: string;
  readonly header: VcfHeader;
  readonly compression: Compression;
  private readonly it: AsyncIterator<LineBatch>;
  private pending?: LineBatch;
  readonly bytesRead: () => number;
  /** line number of the first data line */
  readonly firstDataLine: number;
  /** BCF input: the undecoded records, for consumers that read BCF natively (use either this or the batches) */
  bcf?: OpenedBcf;

  private constructor(file: string, header: VcfHeader, compression: Compression, it: AsyncIterator<LineBatch>, pending: LineBatch | undefined, bytesRead: () => number, firstDataLine: number) {
    this.file = file;
    this.header = header;
    this.compression = compression;
    this.it = it;
    this.pending = pending;
    this.bytesRead = bytesRead;
    this.firstDataLine = firstDataLine;
  }

  /** Open a path or `-` (stdin): plain, gzip, BGZF or bzip2. */
  static async open(file: string, opts: ReadOptions = {}): Promise<VcfReader> {
    return VcfReader.fromInput(await atLine1(openInput(file, { reuseBuffers: opts.reuseBuffers, threads: opts.threads })), opts);
  }

  /** Read VCF bytes (plain or compressed) held in memory; `name` is used in error locations. */
  static async fromBuffer(name: string, data: Buffer, opts: BufferReadOptions = {}): Promise<VcfReader> {
    return VcfReader.fromInput(await atLine1(openInputFromBuffer(name, data, opts.chunkSize, { reuseBuffers: opts.reuseBuffers, threads: opts.threads })), opts);
  }

  private static async fromInput(input: OpenedInput, opts: ReadOptions): Promise<VcfReader> {
    const file = input.name;
    if (input.compression === 'bcf') {
      // BCF: records come as batches of the VCF text lines bcftools would print (src/vcf/bcf/)
      const bcf = await openBcf(input, { reuseBuffers: opts.reuseBuffers });
      const r = new VcfReader(file, bcf.header, 'bcf', bcf.batches, undefined, input.bytesRead, bcf.firstDataLine);
      r.bcf = bcf;
      return r;
    }
    const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const it = splitLines(sniffText(input.chunks, file), file, maxLineBytes, { reuseBuffers: opts.reuseBuffers })[Symbol.asyncIterator]();
    try {
      return await VcfReader.readHeader(input, it);
    } catch (e) {
      await closeQuietly(it);
      throw e;
    }
  }

  private static async readHeader(input: OpenedInput, it: AsyncIterator<LineBatch>): Promise<VcfReader> {
    const file = input.name;
    const header = new VcfHeader();
    let nHeaderLines = 0;
    let lastHeaderLine = 0;
    let pending: LineBatch | undefined;
    let sawColumns = false;
    let firstDataLine = 1;
    outer: for (;;) {
      const r = await it.next();
      if (r.done) break;
      const b = r.value;
      for (let i = 0; i < b.n; i++) {
        let s = b.starts[i];
        const e = b.ends[i];
        const lineNo = b.firstLineNo + i;
        if (lineNo === 1) s = skipBom(b.buf, s, e);
        if (e > s && b.buf[s] === 35 /* # */) {
          const text = b.buf.toString('utf8', s, e);
          nHeaderLines++;
          lastHeaderLine = lineNo;
          if (text.length > 1 && text.charCodeAt(1) === 35) {
            header.addMetaLine(text, lineNo, file);
            continue;
          }
          header.setColumns(stripEmptyFormatColumn(text), lineNo, file);
          sawColumns = true;
          firstDataLine = lineNo + 1;
          pending = sliceBatch(b, i + 1);
          break outer;
        }
        if (e === s && nHeaderLines > 0) continue; // blank line inside the header: tolerate
        if (nHeaderLines === 0) {
          throw new VcfError('VCF_NOT_VCF', 'not a VCF file: the first line does not start with "##fileformat" or "#"', { file, line: lineNo, column: 1 });
        }
        throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'data line before the "#CHROM" header line', { file, line: lineNo, column: 1 });
      }
    }
    if (nHeaderLines === 0) {
      throw new VcfError('VCF_EMPTY', 'empty file: no VCF header', { file, line: 1 });
    }
    if (!sawColumns) {
      throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'header has no "#CHROM" line (the file ends inside the header)', { file, line: lastHeaderLine });
    }
    checkColumnsLine(header, file);
    return new VcfReader(file, header, input.compression, it, pending, input.bytesRead, firstDataLine);
  }

  /** Raw line batches of the data section (no parsing at all). Empty lines are skipped by consumers. */
  async *rawBatches(): AsyncGenerator<LineBatch> {
    let finished = false;
    try {
      const p = this.pending;
      this.pending = undefined;
      if (p && p.n > 0) yield p;
      for (;;) {
        const r = await this.it.next();
        if (r.done) { finished = true; return; }
        yield r.value;
      }
    } finally {
      // the consumer stopped early or failed: release the input (file handle, inflaters)
      if (!finished) await this.close();
    }
  }

  /** Stop reading and release the input. Safe to call more than once. */
  async close(): Promise<void> {
    this.pending = undefined;
    await closeQuietly(this.it);
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
        if (rec.nFixed < 8) throw tooFewColumns(rec.nFixed, file, rec.lineNo, e - s + 1);
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

async function closeQuietly(it: AsyncIterator<unknown>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    // closing after a failure: the first error is the one to report
  }
}

/** Errors while opening (e.g. a corrupt first compressed block) happen before line 1 is complete. */
async function atLine1(p: Promise<OpenedInput>): Promise<OpenedInput> {
  try {
    return await p;
  } catch (e) {
    const lineless = e instanceof VcfError && e.line === undefined && !e.code.startsWith('INPUT_');
    if (lineless) throw new VcfError(e.code, e.message, { file: e.file, line: 1, column: e.column }, e.kind);
    throw e;
  }
}

export function tooFewColumns(n: number, file: string | undefined, line: number, column: number): VcfError {
  return new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${n} tab-separated column${n === 1 ? '' : 's'}, at least 8 are required`, { file, line, column });
}

/**
 * For consumers of rawBatches() that copy lines without parsing them: throws unless the line
 * [s, e) has the 8 fixed columns (7 tabs). Costs at most 7 indexOf calls.
 */
export function checkMinColumns(buf: Buffer, s: number, e: number, line: number, file?: string): void {
  let p = s;
  for (let k = 1; k < 8; k++) {
    const t = buf.indexOf(9, p);
    if (t < 0 || t >= e) throw tooFewColumns(k, file, line, e - s + 1);
    p = t + 1;
  }
}

function checkColumnsLine(header: VcfHeader, file: string): void {
  const cols = header.columnsLine.split('\t');
  const line = header.columnsLineNo;
  let col = 1;
  for (let k = 0; k < FIXED_COLUMNS.length; k++) {
    if (cols[k] !== FIXED_COLUMNS[k]) {
      const found = cols[k] === undefined ? 'missing' : `"${clip(cols[k])}"`;
      throw new VcfError('VCF_HEADER_BAD_COLUMNS', `the header line must start with ${FIXED_COLUMNS.join(' ')} separated by tabs; column ${k + 1} is ${found}`, { file, line, column: col });
    }
    col += cols[k].length + 1;
  }
  if (cols.length > 8 && cols[8] !== 'FORMAT') {
    throw new VcfError('VCF_HEADER_BAD_COLUMNS', `column 9 of the #CHROM line must be FORMAT, found "${clip(cols[8])}"`, { file, line, column: col });
  }
}

/**
 * `#CHROM ... INFO<TAB>` with nothing after the tab (real SnpEff output of sites-only files) is a
 * sites-only header: drop the empty ninth column rather than reject the file.
 */
function stripEmptyFormatColumn(text: string): string {
  if (text.endsWith('\tINFO\t') && text.split('\t').length === 9) return text.slice(0, -1);
  return text;
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

function skipBom(buf: Buffer, s: number, e: number): number {
  return e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf ? s + 3 : s;
}

/**
 * Rejects binary or non-VCF data as soon as the first bytes arrive, before a whole "line" of a
 * binary file is buffered: the first line must start with '#' (after an optional UTF-8 BOM) and
 * hold no control characters other than tab and CR.
 */
async function* sniffText(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  let checked = false;
  let head: Buffer | undefined;
  for await (const c of chunks) {
    if (checked) { yield c; continue; }
    if (c.length === 0) continue;
    head = head ? Buffer.concat([head, c]) : c;
    const nl = head.indexOf(10);
    if (nl < 0 && head.length < 512) {
      // need more bytes to judge; keep a copy, the source may recycle its chunks (reuseBuffers)
      if (head === c) head = Buffer.from(c);
      continue;
    }
    checkFirstLine(head, nl < 0 ? Math.min(head.length, 512) : Math.min(nl, 512), file);
    checked = true;
    yield head;
    head = undefined;
  }
  if (head) {
    checkFirstLine(head, head.length, file);
    yield head;
  }
}

function checkFirstLine(buf: Buffer, end: number, file: string): void {
  const s = skipBom(buf, 0, end);
  for (let i = s; i < end; i++) {
    const c = buf[i];
    if (c < 32 && c !== 9 && c !== 13) {
      throw new VcfError('VCF_NOT_VCF', 'not a VCF text file: binary data on the first line', { file, line: 1, column: i - s + 1 });
    }
  }
  if (end > s && buf[s] !== 35) {
    throw new VcfError('VCF_NOT_VCF', 'not a VCF file: the first line does not start with "##fileformat" or "#"', { file, line: 1, column: 1 });
  }
}

function clip(s: string, n = 20): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
