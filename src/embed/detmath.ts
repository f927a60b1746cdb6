/**
 * Deterministic arithmetic for the feature vectors: hashes on 32-bit integers (Math.imul, shifts)
 * and sin/log built only from IEEE-754 basic operations (+ - * / and floor), which JavaScript
 * evaluates exactly the same way on every platform and Node version (no FMA contraction, no
 * extended precision). Math.sin/Math.log are avoided on purpose: their last bit may differ between
 * V8 versions, and a feature vector must be byte-identical everywhere.
 */

/**
 * FNV-1a, 32-bit, over the UTF-8 bytes of `s` (offset basis 2166136261, prime 16777619); the bytes
 * are those of TextEncoder (a lone surrogate counts as U+FFFD), encoded inline for speed.
 */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  const byte = (b: number): void => { h = Math.imul(h ^ b, 0x01000193); };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { h = Math.imul(h ^ c, 0x01000193); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; } else c = 0xfffd;
    }
    if (c < 0x800) { byte(0xc0 | (c >> 6)); byte(0x80 | (c & 63)); }
    else if (c < 0x10000) { byte(0xe0 | (c >> 12)); byte(0x80 | ((c >> 6) & 63)); byte(0x80 | (c & 63)); }
    else { byte(0xf0 | (c >> 18)); byte(0x80 | ((c >> 12) & 63)); byte(0x80 | ((c >> 6) & 63)); byte(0x80 | (c & 63)); }
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finaliser (fmix32): a bijective avalanche mix of a uint32. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_PI = 6.283185307179586;

/** sin(2π·t) for a number of turns t, exact-operation only: reduce to [-1/2, 1/2) turns, then [-π/4, π/4] and a Taylor polynomial. */
export function sinTurns(t: number): number {
  let f = t - Math.floor(t); // [0, 1)
  if (f >= 0.5) f -= 1; // [-0.5, 0.5)
  // quadrant reduction in turns: q = round(4f) in {-2..2}, r in [-1/8, 1/8]
  const q = Math.floor(f * 4 + 0.5);
  const r = (f - q / 4) * TWO_PI; // |r| <= π/4
  switch (((q % 4) + 4) % 4) {
    case 0: return polySin(r);
    case 1: return polyCos(r);
    case 2: return -polySin(r);
    default: return -polyCos(r);
  }
}

/** cos(2π·t) */
export function cosTurns(t: number): number {
  return sinTurns(t + 0.25);
}

function polySin(x: number): number {
  const x2 = x * x;
  // x - x^3/3! + ... - x^15/15!  (error < 1e-16 on |x| <= π/4)
  return x * (1 + x2 * (-1 / 6 + x2 * (1 / 120 + x2 * (-1 / 5040 + x2 * (1 / 362880 + x2 * (-1 / 39916800 + x2 * (1 / 6227020800 + x2 * (-1 / 1307674368000))))))));
}

function polyCos(x: number): number {
  const x2 = x * x;
  return 1 + x2 * (-1 / 2 + x2 * (1 / 24 + x2 * (-1 / 720 + x2 * (1 / 40320 + x2 * (-1 / 3628800 + x2 * (1 / 479001600 + x2 * (-1 / 87178291200)))))));
}

const LN2 = 0.6931471805599453;
const LN10 = 2.302585092994046;

/** natural logarithm of x > 0, exact-operation only (scaling by powers of two is exact; atanh series on [1, 2)). */
export function lnDet(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return NaN;
  let e = 0;
  let m = x;
  while (m >= 2) { m /= 2; e++; }
  while (m < 1) { m *= 2; e--; }
  // ln m = 2·atanh(s), s = (m-1)/(m+1) in [0, 1/3)
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 0; k < 40; k++) {
    sum += term / (2 * k + 1);
    term *= s2;
  }
  return e * LN2 + 2 * sum;
}

export function log10Det(x: number): number {
  return lnDet(x) / LN10;
}

export function log2Det(x: number): number {
  return lnDet(x) / LN2;
}

/**
 * Piecewise-linear ("triangular kernel") soft binning of x over increasing centres: the two
 * centres around x share weight 1 linearly; below the first / above the last centre all weight
 * goes to the end bin. Neighbouring values get similar vectors.
 */
export function softBins(x: number, centres: readonly number[], out: Float64Array, offset: number): void {
  const n = centres.length;
  if (x <= centres[0]) { out[offset] = 1; return; }
  if (x >= centres[n - 1]) { out[offset + n - 1] = 1; return; }
  for (let i = 0; i < n - 1; i++) {
    const a = centres[i], b = centres[i + 1];
    if (x >= a && x <= b) {
      const t = (x - a) / (b - a);
      out[offset + i] = 1 - t;
      out[offset + i + 1] = t;
      return;
    }
  }
}
