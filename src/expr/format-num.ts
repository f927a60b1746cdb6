/**
 * Numbers exactly as htslib prints and parses them.
 *
 * - `kputd(d)`: htslib's `kputd` (kstring.c), the "%g"-like printer used for every Float value, QUAL and
 *   the results of functions: 6 significant digits, fixed notation in [1e-4, 999999], C "%g" otherwise.
 * - `strtodPrefix` / `strtolPrefix`: C `strtod` / `strtol` on a byte range (longest valid prefix), as
 *   htslib's VCF parser uses them.
 * - `isCanonicalInt` / `isCanonicalFloat`: whether the raw text of a value would be printed back
 *   unchanged by htslib, so that it can be copied without conversion (the fast path of `query`).
 */

/** C `rint` (round half to even) for non-negative values. */
function rint(x: number): number {
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** C printf "%g" (precision 6) for a positive finite value, or inf/nan. */
export function formatG(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const a = neg ? -d : d;
  // decimal exponent after rounding to 6 significant digits (ties to even on exact ties, as glibc)
  let { mant, exp } = round6(a);
  let out: string;
  if (exp < -4 || exp >= 6) {
    let m = mant.length > 1 ? mant[0] + '.' + mant.slice(1) : mant;
    m = stripZeros(m);
    const ae = exp < 0 ? -exp : exp;
    out = m + 'e' + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
  } else {
    // fixed notation with 6 - 1 - exp decimals
    let s: string;
    if (exp >= 0) {
      s = mant.slice(0, exp + 1) + '.' + mant.slice(exp + 1);
    } else {
      s = '0.' + '0'.repeat(-exp - 1) + mant;
    }
    out = stripZeros(s);
  }
  return neg ? '-' + out : out;
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 48) e--;
  if (e > 0 && s.charCodeAt(e - 1) === 46) e--;
  return s.slice(0, e);
}

/** 6 significant digits of a positive finite value: digit string (length 6) and decimal exponent. */
function round6(a: number): { mant: string; exp: number } {
  const s = a.toExponential(5); // d.ddddde±x, ties away from zero on the exact binary value
  const ei = s.indexOf('e');
  let mant = s.slice(0, 1) + s.slice(2, ei);
  let exp = Number(s.slice(ei + 1));
  // JS rounds exact ties up; glibc rounds exact ties to even. Detect an exact tie with more digits.
  const long = a.toExponential(25);
  const li = long.indexOf('e');
  const digits = long.slice(0, 1) + long.slice(2, li);
  const lexp = Number(long.slice(li + 1));
  if (lexp === exp || lexp === exp - 1) {
    const tail = digits.slice(6);
    if (lexp === exp && tail[0] === '5' && /^50*$/.test(tail)) {
      const last = digits.charCodeAt(5) - 48;
      if (last % 2 === 0) { mant = digits.slice(0, 6); exp = lexp; }
    }
  }
  return { mant, exp };
}

/** htslib kputd: the text of a double as bcftools prints Float values. */
export function kputd(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  let sign = '';
  if (d < 0) { sign = '-'; d = -d; }
  if (!(d >= 0.0001 && d <= 999999)) return sign + formatG(d);
  let i: number;
  let k: number;
  if (d < 0.001) { i = rint(d * 1000000000); k = 1; }
  else if (d < 0.01) { i = rint(d * 100000000); k = 2; }
  else if (d < 0.1) { i = rint(d * 10000000); k = 3; }
  else if (d < 1) { i = rint(d * 1000000); k = 4; }
  else if (d < 10) { i = rint(d * 100000); k = 5; }
  else if (d < 100) { i = rint(d * 10000); k = 6; }
  else if (d < 1000) { i = rint(d * 1000); k = 7; }
  else if (d < 10000) { i = rint(d * 100); k = 8; }
  else if (d < 100000) { i = rint(d * 10); k = 9; }
  else { i = rint(d); k = 10; }
  let digits = String(i);
  if (digits.length < 6) digits = '0'.repeat(6 - digits.length) + digits;
  const p = digits.length + k;
  let str: string;
  let ep: number;
  if (p <= 10) {
    const zeros = 10 - p;
    str = '0.' + '0'.repeat(zeros) + digits;
    ep = 2 + zeros + 5;
  } else {
    const n = p - 10;
    str = digits.slice(0, n) + '.' + digits.slice(n);
    ep = 6;
  }
  while (ep > 0 && str.charCodeAt(ep) === 48) ep--;
  if (ep < str.length && str.charCodeAt(ep) !== 46) ep++;
  return sign + str.slice(0, ep);
}

/** Round a double to float32 and print it as htslib prints a BCF float. */
export function kputf(d: number): string {
  return kputd(Math.fround(d));
}

const SPACE = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * C strtod on buf[s,e): returns the value and the end offset of the parsed prefix (`end === s` when
 * nothing could be parsed). Accepts leading spaces, sign, decimal with exponent, inf/infinity/nan, hex.
 */
export function strtodPrefix(buf: Uint8Array, s: number, e: number): { v: number; end: number } {
  let i = s;
  while (i < e && SPACE(buf[i])) i++;
  const st = i;
  let neg = false;
  if (i < e && (buf[i] === 43 || buf[i] === 45)) { neg = buf[i] === 45; i++; }
  // inf / nan
  const lc = (j: number) => (j < e ? buf[j] | 0x20 : 0);
  if (lc(i) === 0x69 && lc(i + 1) === 0x6e && lc(i + 2) === 0x66) {
    let end = i + 3;
    if (lc(end) === 0x69 && lc(end + 1) === 0x6e && lc(end + 2) === 0x69 && lc(end + 3) === 0x74 && lc(end + 4) === 0x79) end += 5;
    return { v: neg ? -Infinity : Infinity, end };
  }
  if (lc(i) === 0x6e && lc(i + 1) === 0x61 && lc(i + 2) === 0x6e) {
    let end = i + 3;
    if (end < e && buf[end] === 40) { // nan(chars)
      let j = end + 1;
      while (j < e && ((buf[j] >= 48 && buf[j] <= 57) || ((buf[j] | 0x20) >= 97 && (buf[j] | 0x20) <= 122) || buf[j] === 95)) j++;
      if (j < e && buf[j] === 41) end = j + 1;
    }
    return { v: NaN, end };
  }
  if (buf[i] === 48 && lc(i + 1) === 0x78) {
    // hexadecimal float
    let j = i + 2;
    let mant = 0;
    let any = false;
    let scale = 0;
    let dot = false;
    for (; j < e; j++) {
      const c = buf[j];
      let dgt = -1;
      if (c >= 48 && c <= 57) dgt = c - 48;
      else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) dgt = (c | 0x20) - 87;
      else if (c === 46 && !dot) { dot = true; continue; }
      else break;
      any = true;
      mant = mant * 16 + dgt;
      if (dot) scale -= 4;
    }
    if (!any) return { v: neg ? -0 : 0, end: i + 1 };
    let exp = 0;
    if (j < e && (buf[j] | 0x20) === 0x70) {
      let q = j + 1;
      let eneg = false;
      if (q < e && (buf[q] === 43 || buf[q] === 45)) { eneg = buf[q] === 45; q++; }
      if (q < e && buf[q] >= 48 && buf[q] <= 57) {
        while (q < e && buf[q] >= 48 && buf[q] <= 57) { exp = exp * 10 + (buf[q] - 48); q++; }
        if (eneg) exp = -exp;
        j = q;
      }
    }
    const v = mant * Math.pow(2, exp + scale);
    return { v: neg ? -v : v, end: j };
  }
  let j = i;
  let nd = 0;
  while (j < e && buf[j] >= 48 && buf[j] <= 57) { j++; nd++; }
  if (j < e && buf[j] === 46) {
    j++;
    while (j < e && buf[j] >= 48 && buf[j] <= 57) { j++; nd++; }
  }
  if (nd === 0) return { v: 0, end: s };
  if (j < e && (buf[j] | 0x20) === 0x65) {
    let q = j + 1;
    if (q < e && (buf[q] === 43 || buf[q] === 45)) q++;
    if (q < e && buf[q] >= 48 && buf[q] <= 57) {
      while (q < e && buf[q] >= 48 && buf[q] <= 57) q++;
      j = q;
    }
  }
  let txt = '';
  for (let q = st; q < j; q++) txt += String.fromCharCode(buf[q]);
  return { v: Number(txt), end: j };
}

/** C strtol (base 10) on buf[s,e): value (may exceed int32) and end offset (`end === s`: no digits). */
export function strtolPrefix(buf: Uint8Array, s: number, e: number): { v: number; end: number } {
  let i = s;
  while (i < e && SPACE(buf[i])) i++;
  let neg = false;
  if (i < e && (buf[i] === 43 || buf[i] === 45)) { neg = buf[i] === 45; i++; }
  let v = 0;
  let nd = 0;
  while (i < e && buf[i] >= 48 && buf[i] <= 57) { v = v * 10 + (buf[i] - 48); i++; nd++; }
  if (!nd) return { v: 0, end: s };
  return { v: neg ? -v : v, end: i };
}

/** BCF int32 range (values at or below -2147483640 are reserved for missing/vector-end markers). */
export const BCF_MIN_INT32 = -2147483640;
export const BCF_MAX_INT32 = 2147483647;

/**
 * True when buf[s,e) is an integer htslib prints back unchanged: `0` or an optional '-' and up to 9
 * digits without a leading zero (always in the BCF int32 range), or the missing value '.'.
 */
export function isCanonicalInt(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n <= 0) return false;
  let c = buf[s];
  if (c === 46) return n === 1;
  let i = s;
  if (c === 45) { i++; if (i >= e) return false; c = buf[i]; if (c === 48) return false; }
  if (c === 48) return i + 1 === e;
  if (e - i > 9) return false;
  for (; i < e; i++) { c = buf[i]; if (c < 48 || c > 57) return false; }
  return true;
}

/**
 * True when buf[s,e) is a float htslib prints back unchanged: '.', or a decimal without exponent,
 * leading '+', superfluous zeros, with at most 6 significant digits and magnitude in [1e-4, 999999]
 * (then float32 rounding and kputd's 6 digits reproduce the text), or exactly `0`.
 */
export function isCanonicalFloat(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n <= 0) return false;
  let i = s;
  let c = buf[i];
  if (c === 46) return n === 1;
  if (c === 45) { i++; if (i >= e) return false; c = buf[i]; }
  let intDigits = 0;
  let sig = 0;
  if (c === 48) {
    // "0" or "0.xxx"
    i++;
    if (i === e) return buf[s] !== 45; // "-0" prints as "-0" too, but keep the fast path simple
    if (buf[i] !== 46) return false;
  } else {
    while (i < e && (c = buf[i]) >= 48 && c <= 57) { i++; intDigits++; }
    if (intDigits > 6) return false;
    sig = intDigits;
    if (i === e) return true;
    if (buf[i] !== 46) return false;
  }
  // fraction
  i++;
  const fs = i;
  let firstNz = -1;
  while (i < e) {
    c = buf[i];
    if (c < 48 || c > 57) return false;
    if (c !== 48 && firstNz < 0) firstNz = i;
    i++;
  }
  if (i === fs) return false; // "1." is not canonical
  if (buf[e - 1] === 48) return false; // trailing zero
  if (intDigits === 0) {
    if (firstNz < 0) return false;
    const lead = firstNz - fs; // zeros after the point
    if (lead > 3) return false; // < 1e-4
    sig = e - firstNz;
  } else {
    sig += e - fs;
  }
  return sig <= 6;
}

/** Integer text as htslib prints it: parsed with strtol; '.', empty or unparsable → '.'. */
export function intText(buf: Uint8Array, s: number, e: number): string {
  if (e <= s) return '.';
  if (e - s === 1 && buf[s] === 46) return '.';
  const r = strtolPrefix(buf, s, e);
  if (r.end === s) return '.';
  if (r.v < BCF_MIN_INT32 || r.v > BCF_MAX_INT32) return '.';
  return String(r.v === 0 ? 0 : r.v);
}

/** Float text as htslib prints it: strtod, rounded to float32, printed with kputd; '.'/empty → '.'. */
export function floatText(buf: Uint8Array, s: number, e: number): string {
  if (e <= s) return '.';
  if (e - s === 1 && buf[s] === 46) return '.';
  const r = strtodPrefix(buf, s, e);
  if (r.end === s) return '.';
  return kputf(r.v);
}
