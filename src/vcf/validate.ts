/**
 * Streaming validator: reports each problem with a stable rule id, severity and file:line:column.
 * Rule ids are listed in RULES (src/vcf/rules.ts once it grows); memory is bounded by one batch.
 */
import { VcfReader } from './reader.js';
import { VcfError } from './errors.js';

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
  issues: ValidationIssue[];
  /** true when --max-errors stopped the report early */
  truncated: boolean;
}

export interface ValidateOptions {
  maxErrors?: number;
  maxLineBytes?: number;
}

export async function validateFile(file: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const res: ValidationResult = { file, valid: true, errors: 0, warnings: 0, records: 0, issues: [], truncated: false };
  const add = (i: ValidationIssue) => {
    if (i.severity === 'error') res.errors++; else res.warnings++;
    res.issues.push(i);
  };
  try {
    const reader = await VcfReader.open(file, { maxLineBytes: opts.maxLineBytes });
    if (!reader.header.fileformat) {
      add({ rule: 'VCF_HEADER_MISSING_FILEFORMAT', severity: 'error', file, line: 1, column: 1, message: 'the first line must be ##fileformat=VCFvX.Y' });
    }
    for await (const batch of reader.batches()) res.records += batch.length;
  } catch (e) {
    if (!(e instanceof VcfError)) throw e;
    add({ rule: e.code, severity: 'error', file: e.file ?? file, line: e.line, column: e.column, message: e.message });
  }
  res.valid = res.errors === 0;
  return res;
}
