/**
 * One error class for every problem the core reports to a user.
 * `code` is a stable rule id (e.g. VCF_HEADER_MISSING_FILEFORMAT); the location is 1-based.
 */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
}

export type ErrorKind = 'input' | 'usage' | 'internal';

export class VcfError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly kind: ErrorKind;

  constructor(code: string, message: string, loc: Location = {}, kind: ErrorKind = 'input') {
    super(message);
    this.name = 'VcfError';
    this.code = code;
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.kind = kind;
  }

  /** `file:line:column: message [CODE]` on one line. */
  oneLine(): string {
    return formatLocated(this.file, this.line, this.column, `${this.message} [${this.code}]`);
  }

  withFile(file: string): VcfError {
    if (this.file) return this;
    return new VcfError(this.code, this.message, { file, line: this.line, column: this.column }, this.kind);
  }
}

export function formatLocated(file: string | undefined, line: number | undefined, column: number | undefined, msg: string): string {
  let loc = file ?? '';
  if (line !== undefined) loc += `${loc ? ':' : 'line '}${line}`;
  if (line !== undefined && column !== undefined) loc += `:${column}`;
  return loc ? `${loc}: ${msg.replace(/[\r\n]+/g, ' ')}` : msg.replace(/[\r\n]+/g, ' ');
}

export function usageError(message: string, code = 'USAGE'): VcfError {
  return new VcfError(code, message, {}, 'usage');
}
