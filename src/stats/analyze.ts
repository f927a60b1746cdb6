/**
 * `analyze`: the README's main job. Validates a file and summarises it in one call.
 * With `report`, also writes the HTML report (src/report: a third pass, the stats core).
 *
 * Two streaming passes over the input (validation, then the summary); stdin (`-`) is first
 * spooled to a temporary file so both passes can read it, and the file is removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { validateFile, type ValidationResult } from '../vcf/validate.js';
import { VcfError } from '../vcf/errors.js';
import { summarize, type VcfSummary } from './summary.js';
import { writeReport } from '../report/write.js';
import { VcfReader } from '../vcf/reader.js';
import { detectBuild, type BuildDetection } from '../vcf/build.js';

export interface AnalyzeResult {
  file: string;
  validation: ValidationResult;
  /** absent when the file could not be read far enough to summarise */
  summary?: VcfSummary;
  /** why the summary is absent (one line), when it is */
  summaryError?: string;
  /** reference build detected from the header (##contig lengths, else ##reference), or null */
  build: BuildDetection | null;
  /** why no build was detected (contigs matching no build or two builds), when it was not */
  buildNote?: string;
  /** the HTML report written (options.report), or why it was not */
  report?: { path: string; bytes: number };
  reportError?: string;
}

export interface AnalyzeOptions {
  /** stop the validation report after N problems (default 20; 0 = no limit) */
  maxErrors?: number;
  maxLineBytes?: number;
  /** write the HTML report (src/report) to this path when the file could be summarised */
  report?: string;
  /** readable to spool when file is '-' (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
}

/** Validation problems after which the records cannot be read at all. */
const FATAL = /^(VCF_EMPTY|VCF_NOT_VCF|VCF_BINARY|BCF_|GZIP_|BGZF_|BZIP2_|INPUT_|VCF_RECORD_TOO_FEW|VCF_HEADER_MISSING_CHROM|VCF_HEADER_BAD_COLUMNS|VCF_LINE_TOO_LONG)/;

export async function analyze(file: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  if (file !== '-') return analyzePath(file, file, opts);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vcf-agent-analyze-'));
  const tmp = path.join(dir, 'stdin');
  try {
    await pipeline(opts.stdin ?? process.stdin, fs.createWriteStream(tmp));
    return await analyzePath(tmp, '-', opts);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

async function analyzePath(file: string, shown: string, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const validation = await validateFile(file, { maxErrors: opts.maxErrors ?? 20, maxLineBytes: opts.maxLineBytes });
  if (shown !== file) {
    validation.file = shown;
    for (const i of validation.issues) if (i.file === file) i.file = shown;
  }
  // a file that cannot be opened at all is a plain input error, not a validation report
  const open = validation.issues.find((i) => i.severity === 'error' && /^INPUT_/.test(i.rule));
  if (open) throw new VcfError(open.rule, open.message, { file: open.file, line: open.line, column: open.column });
  let summary: VcfSummary | undefined;
  let summaryError: string | undefined;
  const fatal = validation.issues.find((i) => i.severity === 'error' && FATAL.test(i.rule));
  if (fatal) summaryError = `not summarised: ${fatal.message} [${fatal.rule}]`;
  else {
    try {
      summary = await summarize(file, { maxLineBytes: opts.maxLineBytes });
      summary.file = shown;
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      summaryError = `not summarised: ${e.oneLine().replaceAll(file, shown)}`;
    }
  }
  const det = summary ? await headerBuild(file) : null;
  const res: AnalyzeResult = { file: shown, validation, summary, summaryError, build: det?.build ? det : null };
  if (det && !det.build) res.buildNote = det.conflicts.length ? det.conflicts.slice(0, 3).join('; ') : 'no ##contig lengths or ##reference naming GRCh37/GRCh38';
  if (summary && opts.report !== undefined) {
    try {
      const w = await writeReport({ file, label: shown, output: opts.report, maxLineBytes: opts.maxLineBytes });
      res.report = { path: w.path, bytes: w.bytes };
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      res.reportError = `report not written: ${e.oneLine().replaceAll(file, shown)}`;
    }
  }
  return res;
}

/** The build from the file's header (read again: cheap, the records are not touched). */
async function headerBuild(file: string): Promise<BuildDetection | null> {
  try {
    const r = await VcfReader.open(file);
    try {
      return detectBuild(r.header);
    } finally {
      await r.close();
    }
  } catch (e) {
    if (e instanceof VcfError) return null;
    throw e;
  }
}
