/**
 * Streaming validator: reports each problem with a stable rule id (see rules.ts), severity and
 * file:line:column. The file is read once, in line batches straight from the decompressor
 * (openInput + splitLines, the layers VcfReader is built on), so memory stays bounded by one batch
 * plus small per-file state (declarations, the current contig, a window of recent variants).
 * Header problems do not stop the run: every line is checked and every problem reported.
 */
import { VcfError } from './errors.js';
import { openInput, openInputFromBuffer, type OpenedInput } from './input.js';
import { splitLines, DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { bcfAsVcfText } from './bcf/reader.js';
import { ruleSeverity } from './rules.js';
import { HeaderChecker } from './validate/header.js';
import { RecordChecker } from './validate/record.js';

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  rule: string;
  severity: Severity;
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface ValidationResult {
  file: string;
  valid: boolean;
  errors: number;
  warnings: number;
  records: number;
  /** VCF version from ##fileformat (e.g. "VCFv4.3"), when readable */
  fileformat?: string;
  issues: ValidationIssue[];
  /** true when --max-errors stopped the report early (counts still cover the whole file) */
  truncated: boolean;
}

export interface ValidateOptions {
  /** report at most this many problems (0 = no limit; default 1000); counting continues */
  maxErrors?: number;
  maxLineBytes?: number;
}

const DEFAULT_MAX_ISSUES = 1000;
// eslint-disable-next-line no-control-regex
const BAD_CHAR_RE = /[\x00-\x08\x0b\x0c\x0e-\x1f\r]/;
const TAB = 9;

/** Validate a file (plain, gzip, BGZF, bzip2) or `-` for stdin. */
export async function validateFile(file: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  return validateInput(file, () => openInput(file), opts);
}

/** Validate VCF bytes held in memory (uploads, fuzzing, tests); `name` is used in locations. */
export async function validateBuffer(name: string, data: Buffer, opts: ValidateOptions & { chunkSize?: number } = {}): Promise<ValidationResult> {
  return validateInput(name, () => openInputFromBuffer(name, data, opts.chunkSize), opts);
}

async function validateInput(file: string, open: () => Promise<OpenedInput>, opts: ValidateOptions): Promise<ValidationResult> {
  const res: ValidationResult = { file, valid: true, errors: 0, warnings: 0, records: 0, issues: [], truncated: false };
  const limit = opts.maxErrors === undefined ? DEFAULT_MAX_ISSUES : opts.maxErrors;
  const report = (rule: string, line: number | undefined, column: number | undefined, message: string, severity?: Severity): void => {
    const sev = severity ?? ruleSeverity(rule);
    if (sev === 'error') res.errors++; else res.warnings++;
    if (limit > 0 && res.issues.length >= limit) { res.truncated = true; return; }
    res.issues.push({ rule, severity: sev, file, line, column, message: oneLineMessage(message) });
  };
  const onceSeen = new Set<string>();
  const once = (key: string): boolean => {
    if (onceSeen.has(key)) return false;
    onceSeen.add(key);
    return true;
  };

  const header = new HeaderChecker(report);
  let records: RecordChecker | undefined;
  let mode = 'first' as 'first' | 'header' | 'data';
  let lastLineNo = 0;
  let lastLineLen = 0;
  let lastByte = -1;
  let totalBytes = 0;
  let stop = false;

  const startData = () => {
    mode = 'data';
    records = new RecordChecker(header.state, report, once);
  };

  const handle = (text: string, lineNo: number): void => {
    const bad = BAD_CHAR_RE.exec(text);
    if (mode === 'first') {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (bad && (text.includes('\u0000') || !text.startsWith('#'))) {
        report('VCF_NOT_VCF', lineNo, bad.index + 1, 'not a VCF text file: binary data on the first line (an unsupported compression or container format?)');
        stop = true;
        return;
      }
      mode = 'header';
      if (text.startsWith('##')) {
        header.firstLine(text);
        if (bad) report('VCF_INVALID_CHARACTER', lineNo, bad.index + 1, `disallowed character U+${hex4(text.charCodeAt(bad.index))}`);
        if (!text.startsWith('##fileformat=')) header.metaLine(text, lineNo);
        return;
      }
      if (text.startsWith('#')) {
        header.firstLine(text);
        header.columns(text, lineNo);
        startData();
        return;
      }
      if (text === '') { header.firstLine(text); return; }
      report('VCF_NOT_VCF', lineNo, 1, 'not a VCF file: the first line does not start with "##fileformat=" or "#"');
      stop = true;
      return;
    }
    if (bad) report('VCF_INVALID_CHARACTER', lineNo, bad.index + 1, `disallowed character U+${hex4(text.charCodeAt(bad.index))}${text.charCodeAt(bad.index) === 13 ? ' (a carriage return inside a line)' : ''}`);
    if (text === '') {
      if (once('blank')) report('VCF_BLANK_LINE', lineNo, 1, 'empty line (ignored; reported once per file)');
      return;
    }
    if (mode === 'header') {
      if (text.startsWith('##')) { header.metaLine(text, lineNo); return; }
      if (text.startsWith('#')) { header.columns(text, lineNo); startData(); return; }
      if (countTabs(text) >= 7) {
        report('VCF_HEADER_MISSING_CHROM_LINE', lineNo, 1, 'data line before the #CHROM header line');
        startData();
      } else {
        report('VCF_HEADER_META_SYNTAX', lineNo, 1, `header line does not start with "##": "${text.length > 40 ? text.slice(0, 40) + '…' : text}"`);
        return;
      }
    }
    if (text.startsWith('#')) {
      report('VCF_HEADER_MISPLACED', lineNo, 1, text.startsWith('#CHROM') ? 'a second #CHROM line' : 'a header line after the #CHROM line');
      return;
    }
    res.records++;
    records!.check(text, lineNo);
  };

  try {
    const input = await open();
    // BCF: the VCF text of its header and records, as bcftools prints them (src/vcf/bcf/reader.ts)
    const source = input.compression === 'bcf' ? bcfAsVcfText(input) : input.chunks;
    {
      // count bytes, remember the last one (final newline), and refuse binary data before any
      // line is assembled: a binary file may have no newline for megabytes
      const tracked = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
        for await (const c of chunks) {
          if (totalBytes === 0 && c.length) {
            const bad = binaryAt(c);
            if (bad >= 0) {
              report('VCF_NOT_VCF', 1, bad + 1, 'not a VCF text file: binary data at the start (an unsupported compression or container format?)');
              stop = true;
              return;
            }
          }
          if (c.length) { lastByte = c[c.length - 1]; totalBytes += c.length; }
          yield c;
        }
      };
      outer: for await (const b of splitLines(tracked(source), file, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
        for (let i = 0; i < b.n; i++) {
          const lineNo = b.firstLineNo + i;
          const text = b.buf.toString('utf8', b.starts[i], b.ends[i]);
          lastLineNo = lineNo;
          lastLineLen = text.length;
          handle(text, lineNo);
          if (stop) break outer;
        }
      }
      if (!stop) {
        if (totalBytes === 0) report('VCF_EMPTY', 1, undefined, 'empty file: no VCF header');
        else {
          if (mode !== 'data') report('VCF_HEADER_MISSING_CHROM_LINE', lastLineNo, undefined, 'the header has no #CHROM line (the file ends inside the header)');
          if (lastByte !== 10) report('VCF_NO_FINAL_NEWLINE', lastLineNo, lastLineLen + 1, 'the last line does not end with a newline');
        }
      }
    }
  } catch (e) {
    if (!(e instanceof VcfError)) throw e;
    // a failure before the first line was complete (e.g. a corrupt first block) is at line 1
    const line = e.line ?? (e.code.startsWith('INPUT_') ? undefined : 1);
    report(e.code, line, e.column, e.message, 'error');
  }
  if (header.state.versionText) res.fileformat = header.state.versionText;
  res.valid = res.errors === 0;
  return res;
}

/** index of a NUL or other control byte (not TAB, LF, CR) among the first 512 bytes of line 1, or -1 */
function binaryAt(c: Buffer): number {
  const n = Math.min(c.length, 512);
  for (let i = 0; i < n; i++) {
    const b = c[i];
    if (b === 10) return -1;
    if (b < 32 && b !== 9 && b !== 13) return i;
  }
  return -1;
}

/** messages quote file content: keep them on one printable line */
function oneLineMessage(m: string): string {
  // eslint-disable-next-line no-control-regex
  return m.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function countTabs(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === TAB) n++;
  return n;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
