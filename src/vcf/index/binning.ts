/**
 * The UCSC/SAM binning scheme shared by TBI (min_shift 14, depth 5) and CSI (any min_shift and
 * depth), as in the SAM and CSI specifications and htslib's hts.h. Coordinates here are 0-based,
 * half-open. Arithmetic avoids 32-bit shifts: CSI positions go up to 2^44 and beyond.
 */

/** 2^n as a Number (exact up to 2^53). */
export function pow2(n: number): number {
  return 2 ** n;
}

/** x >> s for non-negative x of any size up to 2^53. */
export function shr(x: number, s: number): number {
  return Math.floor(x / 2 ** s);
}

/** Index of the first bin of level l (level 0 is the root bin 0). */
export function binFirst(l: number): number {
  return (2 ** (3 * l) - 1) / 7;
}

export function binParent(b: number): number {
  return (b - 1) >>> 3;
}

/** Number of bins of an index of this depth (the pseudo-bin is nBins(depth) + 1). */
export function nBins(depth: number): number {
  return (2 ** (3 * depth + 3) - 1) / 7;
}

/** The pseudo-bin holding per-reference metadata (offsets and record counts). */
export function metaBin(depth: number): number {
  return nBins(depth) + 1;
}

/** Largest position an index with this min_shift and depth can hold. */
export function maxPos(minShift: number, depth: number): number {
  return 2 ** (minShift + 3 * depth);
}

/** Level of bin b. */
export function binLevel(b: number): number {
  let l = 0;
  for (let x = b; x; x = binParent(x)) l++;
  return l;
}

/** First linear-index slot covered by bin b (hts_bin_bot). */
export function binBot(b: number, depth: number): number {
  const l = binLevel(b);
  return (b - binFirst(l)) * 2 ** (3 * (depth - l));
}

/** The smallest bin holding [beg, end) (hts_reg2bin). */
export function reg2bin(beg: number, end: number, minShift: number, depth: number): number {
  let s = minShift;
  let t = binFirst(depth);
  const e = end - 1;
  for (let l = depth; l > 0; l--) {
    const b = shr(beg, s);
    if (b === shr(e, s)) return t + b;
    s += 3;
    t -= 2 ** (3 * (l - 1));
  }
  return 0;
}

/** Every bin that may hold records overlapping [beg, end), level by level (htslib reg2bins). */
export function reg2bins(beg: number, end: number, minShift: number, depth: number): number[] {
  const out: number[] = [];
  if (beg >= end) return out;
  let s = minShift + 3 * depth;
  const cap = 2 ** s;
  let e = end >= cap ? cap : end;
  e -= 1;
  let t = 0;
  for (let l = 0; l <= depth; l++) {
    const b = t + shr(beg, s);
    const last = t + shr(e, s);
    for (let i = b; i <= last; i++) out.push(i);
    s -= 3;
    t += 2 ** (3 * l);
  }
  return out;
}

/** The depth htslib gives a CSI index so that `maxLen` fits (tbx.c adjust_n_lvls). */
export function adjustDepth(minShift: number, depth: number, maxLen: number): number {
  let s = maxPos(minShift, depth);
  const len = maxLen + 256;
  let d = depth;
  while (len > s) {
    d++;
    s *= 8;
  }
  return d;
}

/** Default CSI depth for a min_shift before adjustment: (TBX_MAX_SHIFT - min_shift + 2) / 3. */
export function defaultCsiDepth(minShift: number): number {
  return Math.floor((31 - minShift + 2) / 3);
}
