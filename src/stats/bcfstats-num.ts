/**
 * Number formatting exactly as bcftools' printf calls produce it (glibc): `%f`, `%.1f`, `%.2f`,
 * `%.3f` round the exact binary value half-to-even; `inf`/`nan` are spelled as C does.
 * `f32` is C's `float` (IEEE single): bcftools computes several ratios in single precision.
 */

export const f32 = Math.fround;

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

/** C `printf("%.<prec>f", x)` for a double. */
export function fmtF(x: number, prec = 6): string {
  if (x !== x) return x < 0 ? '-nan' : 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Math.abs(x) >= 1e21) {
    // toFixed switches to exponent notation here; doubles this large are integers
    return BigInt(x).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
  }
  let s = x.toFixed(prec);
  // toFixed breaks exact ties away from zero; glibc breaks them to even. A tie is exact only
  // when the decimal expansion ends in 5 right after the last printed digit.
  const y = Math.abs(x) * POW10[prec];
  const frac = y - Math.floor(y);
  if (Math.abs(frac - 0.5) > 1e-6 * Math.max(1, y) || y > 2 ** 52) return s;
  const long = x.toFixed(Math.min(100, prec + 30));
  const cut = long.length - 30;
  if (long.charCodeAt(cut) === 53 /* 5 */ && /^0*$/.test(long.slice(cut + 1))) {
    const trunc = long.slice(0, cut);
    const last = trunc.charCodeAt(trunc.length - 1);
    if (((last === 46 ? trunc.charCodeAt(trunc.length - 2) : last) - 48) % 2 === 0) {
      s = prec === 0 ? trunc.slice(0, -1) : trunc;
    }
  }
  return s;
}

/** C integer division result of a float conversion `(int)x` (truncation toward zero). */
export function cInt(x: number): number {
  if (x !== x || x >= 2147483648 || x < -2147483648) return -2147483648; // x86 cvttss2si
  return Math.trunc(x);
}

/** Round up to a power of two as htslib's kroundup32. */
export function kroundup32(x: number): number {
  let v = x - 1;
  v |= v >>> 1;
  v |= v >>> 2;
  v |= v >>> 4;
  v |= v >>> 8;
  v |= v >>> 16;
  return v + 1;
}
