/**
 * Shared types of the bcftools-compatible expression engine (`-i/-e`).
 *
 * The engine mirrors bcftools' filter.c model: an expression is compiled into a reverse-Polish
 * list of tokens (shunting-yard with bcftools' operator precedences, which makes equal-precedence
 * operators right-associative), and evaluated per record with a value stack. Each token owns its
 * result buffers, reused from record to record, so evaluation allocates almost nothing.
 */
import { VcfError } from '../vcf/errors.js';

/** Missing value and vector-end markers inside numeric value arrays (never produced by arithmetic). */
export const MISS = -Number.MAX_VALUE;
export const VEND = -1.7976931348623155e308;
export function isMissOrEnd(x: number): boolean {
  return x === MISS || x === VEND;
}

/** Token types (numbering follows bcftools so the precedence table reads the same). */
export const T = {
  VAL: 0, LFT: 1, RGT: 2, LE: 3, LT: 4, EQ: 5, BT: 6, BE: 7, NE: 8, OR: 9, AND: 10,
  ADD: 11, SUB: 12, MULT: 13, DIV: 14, MAX: 15, MIN: 16, AVG: 17, AND_VEC: 18, OR_VEC: 19,
  LIKE: 20, NLIKE: 21, SUM: 22, ABS: 23, LEN: 24, FUNC: 25, CNT: 26, PERLSUB: 27, BINOM: 28,
  PHRED: 29, MEDIAN: 30, STDEV: 31, sMAX: 32, sMIN: 33, sAVG: 34, sMEDIAN: 35, sSTDEV: 36,
  sSUM: 37, IN: 38, NOT_IN: 39, MODULO: 40, sCOUNT: 41,
} as const;

/** Operator precedence (bcftools op_prec; a lower-precedence operator pops the ones above it). */
export const OP_PREC: number[] = [
  0, 1, 1, 5, 5, 5, 5, 5, 5, 2, 3, 6, 6, 7, 7, 8, 8, 8, 3, 2, 5, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
  8, 8, 8, 8, 8, 8, 5, 5, 7, 8,
];

export const OP_NAME: Record<number, string> = {
  [T.LE]: '<=', [T.LT]: '<', [T.EQ]: '==', [T.BT]: '>', [T.BE]: '>=', [T.NE]: '!=', [T.OR]: '|',
  [T.AND]: '&', [T.ADD]: '+', [T.SUB]: '-', [T.MULT]: '*', [T.DIV]: '/', [T.AND_VEC]: '&&',
  [T.OR_VEC]: '||', [T.LIKE]: '~', [T.NLIKE]: '!~', [T.MODULO]: '%', [T.IN]: '~', [T.NOT_IN]: '!~',
};

export type Setter = (ctx: import('./eval-record.js').RecordAccess, tok: Tok) => void;
export type Func = (ctx: import('./eval-record.js').RecordAccess, rtok: Tok, stack: Tok[], nstack: number) => number;
export type Comparator = (a: Tok, b: Tok, r: Tok, ctx: import('./eval-record.js').RecordAccess) => void;

/**
 * One token of the compiled expression: a value (constant, field, computed variable) or an
 * operator/function whose result it holds after evaluation.
 */
export class Tok {
  type: number;
  /** 0-based position and length in the expression text (for error carets) */
  col: number;
  len: number;
  nargs = 0;
  /** string constant (without quotes) */
  key: string | null = null;
  /** field or function name */
  tag: string | null = null;
  threshold = 0;
  isConstant = false;
  /** header line type of a field: 'INFO' | 'FORMAT' | 'FILTER' | '' */
  hl = '';
  /** header value type: Integer | Float | String | Flag | Character ('' when not a header field) */
  htype = '';
  /** header Number of a field */
  number = '';
  /** true when the field is defined in the header (bcftools hdr_id >= 0) */
  inHeader = false;
  /** 0-based vector index; -2 list (see idxs); -3 indexes taken from GT */
  idx = 0;
  /** idxs[i] = 1 to select element i; a trailing -1 marks an open range */
  idxs: number[] | null = null;
  nuidxs = 0;
  /** number of samples for FORMAT-derived values (0 for site values) */
  nsamples = 0;
  /** samples the value applies to */
  usmpl: Uint8Array | null = null;
  setter: Setter | null = null;
  func: Func | null = null;
  comparator: Comparator | null = null;
  hash: Set<string> | null = null;
  regex: RegExp | null = null;
  isStr = false;
  /** "." constant turned into a missing numeric value */
  isMissing = false;
  /** FILTER names of a FILTER comparison value */
  filterNames: string[] | null = null;
  /** GT compared with a genotype class: 2 (rr/ra/aa/aA/r/a), 3 (hom/het/hap), 4 (ref/alt/mis) */
  gtClass = 0;

  // ---- per-record state ----
  values: Float64Array = new Float64Array(4);
  nvalues = 0;
  /** values per sample */
  nval1 = 0;
  /** site-level string value ('' when missing) */
  str = '';
  /** per-sample string values (FORMAT strings, GT), one per sample */
  strs: string[] | null = null;
  passSite = false;
  passSamples: Uint8Array | null = null;

  constructor(type: number, col: number, len: number) {
    this.type = type;
    this.col = col;
    this.len = len;
  }

  ensure(n: number): Float64Array {
    if (this.values.length < n) {
      const v = new Float64Array(Math.max(n, this.values.length * 2));
      v.set(this.values);
      this.values = v;
    }
    return this.values;
  }
}

/** An error in an expression: one-line message plus the expression and a caret line. */
export class ExprError extends VcfError {
  /** lines to print after the one-line message: the expression and a caret under the culprit */
  readonly details: string[];
  readonly expr: string;
  readonly exprColumn?: number;

  constructor(code: string, message: string, expr: string, col?: number, len = 1) {
    const where = col === undefined ? '' : ` at column ${col + 1}`;
    super(code, `expression error${where}: ${message}`, {}, 'usage');
    this.expr = expr;
    this.exprColumn = col === undefined ? undefined : col + 1;
    this.details = col === undefined ? [expr] : [expr, ' '.repeat(col) + '^'.repeat(Math.max(1, len))];
  }
}

/** A run-time error while evaluating a record (e.g. vectors of different lengths), bcftools' fatal errors. */
export function evalError(ctx: { file?: string; line?: number }, message: string): VcfError {
  return new VcfError('EXPR_EVAL', message, { file: ctx.file, line: ctx.line }, 'input');
}
