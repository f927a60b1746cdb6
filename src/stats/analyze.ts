/**
 * `analyze`: the README's main job. Validates a file and summarises it in one call.
 * (Later issues add the HTML report and the store ingest.)
 */
import { validateFile, type ValidationResult } from '../vcf/validate.js';
import { summarize, type VcfSummary } from './summary.js';

export interface AnalyzeResult {
  file: string;
  validation: ValidationResult;
  /** absent when the file could not be read far enough to summarise */
  summary?: VcfSummary;
}

export async function analyze(file: string, opts: { maxErrors?: number } = {}): Promise<AnalyzeResult> {
  const validation = await validateFile(file, { maxErrors: opts.maxErrors ?? 20 });
  let summary: VcfSummary | undefined;
  const fatal = validation.issues.some((i) => i.severity === 'error' && /^(VCF_EMPTY|VCF_NOT_VCF|VCF_BINARY|GZIP_|BGZF_|INPUT_|VCF_RECORD_TOO_FEW|VCF_HEADER_MISSING_CHROM|VCF_HEADER_BAD_COLUMNS|VCF_LINE_TOO_LONG)/.test(i.rule));
  if (!fatal) summary = await summarize(file);
  return { file, validation, summary };
}
