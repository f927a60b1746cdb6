/**
 * Value-level checks shared by INFO and FORMAT: data types (section 1.3), Number cardinalities
 * (section 1.4.2) and percent-encoding (4.3+).
 */

const INT_RE = /^[+-]?\d+$/;
/** 1.3: ^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ or INF/INFINITY/NAN; a trailing dot ("1.") is tolerated */
const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;
/** -2^31 .. -2^31+7 are reserved by BCF and disallowed in VCF as well (1.3) */
const INT32_RESERVED_MAX = -2147483641;

export function isFloat(s: string): boolean {
  // fast path: [-+]digits[.digits] without exponent
  const n = s.length;
  let i = n > 0 && (s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43) ? 1 : 0;
  let digits = 0, dot = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dot === 0) dot++;
    else break;
  }
  if (i === n && digits > 0) return true;
  return FLOAT_RE.test(s);
}

/** null when `s` is a valid VCF Integer, else why not */
export function integerProblem(s: string): string | null {
  // fast path: up to 9 digits, optional sign, cannot leave the 32-bit range
  const n = s.length;
  if (n > 0 && n <= 9) {
    let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
    if (i < n) {
      for (; i < n; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) break; }
      if (i === n) return null;
    }
  }
  if (!INT_RE.test(s)) return 'is not an integer';
  const v = Number(s);
  if (v > INT32_MAX || v < INT32_MIN) return 'is outside the 32-bit integer range';
  if (v <= INT32_RESERVED_MAX) return 'is in the range -2^31..-2^31+7 reserved by the specification';
  return null;
}

/**
 * First value (index) that does not match `type`, with the reason; '.' (missing) always matches.
 * Character values may be one percent-encoded character (4.3+).
 */
export function typeProblem(values: string[], type: string): { index: number; why: string } | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === '.') continue;
    if (v === '') return { index: i, why: 'is empty' };
    switch (type) {
      case 'Integer': {
        const p = integerProblem(v);
        if (p) return { index: i, why: p };
        break;
      }
      case 'Float':
        if (!isFloat(v)) return { index: i, why: 'is not a number' };
        break;
      case 'Character':
        if (v.length !== 1 && !/^%[0-9A-Fa-f]{2}$/.test(v)) return { index: i, why: 'is not a single character' };
        break;
      default:
        break;
    }
  }
  return null;
}

/** index of a '%' that does not start %XX, or -1 */
export function badPercent(s: string): number {
  let i = s.indexOf('%');
  while (i >= 0) {
    if (!(isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)))) return i;
    i = s.indexOf('%', i + 3);
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** number of genotypes for `nAllele` alleles (REF included) at ploidy `ploidy`: C(n+p-1, p) */
export function genotypeCount(nAllele: number, ploidy: number): number {
  let r = 1;
  for (let k = 1; k <= ploidy; k++) r = (r * (nAllele + k - 1)) / k;
  return Math.round(r);
}

export interface CountContext {
  nAlt: number;
  /** ploidies that are acceptable for G/P (from GT; diploid when unknown) */
  ploidies: number[];
  /** number of local alternate alleles (4.5 LAA), when known */
  nLocalAlt?: number;
}

/**
 * The value counts allowed by a Number in a context, or null when the count is not checked
 * ('.', unknown Number, or no information to derive it).
 */
export function allowedCounts(number: string, ctx: CountContext): number[] | null {
  if (/^\d+$/.test(number)) return [Number(number)];
  switch (number) {
    // ALT '.' is the missing value: per-allele counts are not checked against it
    case 'A': return ctx.nAlt > 0 ? [ctx.nAlt] : null;
    case 'R': return ctx.nAlt > 0 ? [ctx.nAlt + 1] : null;
    case 'G': return ctx.nAlt > 0 && ctx.ploidies.length ? uniq(ctx.ploidies.map((p) => genotypeCount(ctx.nAlt + 1, p))) : null;
    case 'P': return ctx.ploidies.length ? uniq(ctx.ploidies) : null;
    case 'LA': return ctx.nLocalAlt !== undefined ? [ctx.nLocalAlt] : null;
    case 'LR': return ctx.nLocalAlt !== undefined ? [ctx.nLocalAlt + 1] : null;
    case 'LG': return ctx.nLocalAlt !== undefined ? uniq(ctx.ploidies.map((p) => genotypeCount(ctx.nLocalAlt! + 1, p))) : null;
    default: return null;
  }
}

function uniq(a: number[]): number[] {
  return [...new Set(a)];
}

export const VALID_TYPES = new Set(['Integer', 'Float', 'Flag', 'Character', 'String']);

/** Number values allowed in ##INFO (any version) and ##FORMAT (4.4+: P, LA, LR, LG; 4.5: M) */
export function validNumber(n: string, kind: 'INFO' | 'FORMAT' | 'META', version: number): boolean {
  if (/^\d+$/.test(n) || n === 'A' || n === 'R' || n === 'G' || n === '.') return true;
  if (kind === 'FORMAT' && version >= 44 && (n === 'P' || n === 'LA' || n === 'LR' || n === 'LG')) return true;
  if (kind === 'FORMAT' && version >= 45 && n === 'M') return true;
  return false;
}
