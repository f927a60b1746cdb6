/**
 * Functions of the expression language (MAX MIN AVG/MEAN MEDIAN STDEV SUM COUNT ABS STRLEN PHRED
 * BINOM N_PASS F_PASS, SMPL_* / s* per-sample variants) with bcftools' semantics, plus plain
 * value helpers the query-format code reuses (e.g. `%SUM(INFO/AD)`).
 *
 * Missing values (MISS) and vector ends (VEND) are skipped by the aggregates; an aggregate over
 * nothing is missing.
 */
import { MISS, VEND, Tok, isMissOrEnd } from './types.js';
import type { RecordAccess } from './eval-record.js';
import { GT_VEND } from './eval-record.js';
import { evalError } from './types.js';
import { crExp, crLog } from './crmath.js';

// ---------------------------------------------------------------- plain helpers (reusable)

/** Values that are neither missing nor vector-end. */
export function present(values: ArrayLike<number>, n = values.length): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!isMissOrEnd(values[i])) out.push(values[i]);
  return out;
}

export function SUM(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  let s = 0;
  for (const v of p) s += v;
  return s;
}
export function MAX(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  let m = -Infinity;
  for (const v of p) if (m < v) m = v;
  return m;
}
export function MIN(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  let m = Infinity;
  for (const v of p) if (m > v) m = v;
  return m;
}
export function AVG(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  let s = 0;
  for (const v of p) s += v;
  return s / p.length;
}
export const MEAN = AVG;
export function MEDIAN(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  if (p.length === 1) return p[0];
  p.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = p.length;
  return n % 2 ? p[n >> 1] : (p[n / 2 - 1] + p[n / 2]) * 0.5;
}
/** population standard deviation (bcftools divides by n) */
export function STDEV(values: ArrayLike<number>): number | null {
  const p = present(values);
  if (!p.length) return null;
  if (p.length === 1) return 0;
  let avg = 0;
  for (const v of p) avg += v;
  avg /= p.length;
  let sd = 0;
  for (const v of p) sd += (v - avg) * (v - avg);
  return Math.sqrt(sd / p.length);
}
export function COUNT(values: ArrayLike<number>): number {
  return present(values).length;
}

/** bcftools' phred scaling: -4.34294481903 * ln(p) */
export function phred(p: number): number {
  return -4.34294481903 * Math.log(p);
}

/**
 * htslib kf_lgamma (AS245, Lanczos). The logarithms are correctly rounded (crmath.ts) so that the
 * last bit agrees with glibc's, as p-values near 1 print their rounding noise (phred 4.82164e-15);
 * values for integer arguments (binomial counts) are cached.
 */
const LGAMMA_CACHE = new Float64Array(4096).fill(NaN);
export function kfLgamma(z: number): number {
  const zi = z | 0;
  if (zi === z && zi > 0 && zi < LGAMMA_CACHE.length) {
    const c = LGAMMA_CACHE[zi];
    if (c === c) return c;
    return (LGAMMA_CACHE[zi] = kfLgammaRaw(z));
  }
  return kfLgammaRaw(z);
}
function kfLgammaRaw(z: number): number {
  let x = 0;
  x += 0.1659470187408462e-06 / (z + 7);
  x += 0.9934937113930748e-05 / (z + 6);
  x -= 0.1385710331296526 / (z + 5);
  x += 12.50734324009056 / (z + 4);
  x -= 176.6150291498386 / (z + 3);
  x += 771.3234287757674 / (z + 2);
  x -= 1259.139216722289 / (z + 1);
  x += 676.5203681218835 / z;
  x += 0.9999999999995183;
  return crLog(x) - 5.58106146679532777 - z + (z - 0.5) * crLog(z + 6.5);
}

const KF_GAMMA_EPS = 1e-14;
const KF_TINY = 1e-290;

function kfBetaiAux(a: number, b: number, x: number): number {
  if (x === 0) return 0;
  if (x === 1) return 1;
  let f = 1, C = f, D = 0;
  for (let j = 1; j < 200; ++j) {
    const m = j >> 1;
    const aa = j & 1
      ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
      : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    D = 1 + aa * D;
    if (D < KF_TINY) D = KF_TINY;
    C = 1 + aa / C;
    if (C < KF_TINY) C = KF_TINY;
    D = 1 / D;
    const d = C * D;
    f *= d;
    if (Math.abs(d - 1) < KF_GAMMA_EPS) break;
  }
  return crExp(kfLgamma(a + b) - kfLgamma(a) - kfLgamma(b) + a * logOf(x) + b * logOf(1 - x)) / a / f;
}
const LOG_HALF = crLog(0.5);
const logOf = (x: number): number => (x === 0.5 ? LOG_HALF : crLog(x));

/** regularized incomplete beta function I_x(a,b) (htslib kf_betai) */
export function kfBetai(a: number, b: number, x: number): number {
  return x < (a + 1) / (a + b + 2) ? kfBetaiAux(a, b, x) : 1 - kfBetaiAux(b, a, 1 - x);
}

/** two-sided binomial test p-value as bcftools' calc_binom_two_sided (integer counts); -1 when both are 0 */
export function binomTwoSided(na: number, nb: number, p = 0.5): number {
  na = Math.trunc(na);
  nb = Math.trunc(nb);
  if (!na && !nb) return -1;
  if (na === nb) return 1;
  const prob = na > nb ? 2 * kfBetai(na, nb + 1, p) : 2 * kfBetai(nb, na + 1, p);
  return prob > 1 ? 1 : prob;
}

// ---------------------------------------------------------------- token-level functions

type F = (ctx: RecordAccess, r: Tok, stack: Tok[], n: number) => number;

/** iterate the present values of a token, sample-aware (unused samples skipped) */
function eachValue(tok: Tok, fn: (v: number) => void): void {
  if (tok.nsamples) {
    const u = tok.usmpl!;
    for (let i = 0; i < tok.nsamples; i++) {
      if (!u[i]) continue;
      const o = i * tok.nval1;
      for (let j = 0; j < tok.nval1; j++) {
        const v = tok.values[o + j];
        if (!isMissOrEnd(v)) fn(v);
      }
    }
  } else {
    for (let i = 0; i < tok.nvalues; i++) {
      const v = tok.values[i];
      if (!isMissOrEnd(v)) fn(v);
    }
  }
}

function setScalar(r: Tok, v: number | null): void {
  r.nsamples = 0;
  if (v === null) { r.nvalues = 0; return; }
  r.ensure(1)[0] = v;
  r.nvalues = 1;
}

function aggregate(agg: (vals: number[]) => number | null): F {
  return (_ctx, r, stack, n) => {
    const tok = stack[n - 1];
    r.nvalues = 0;
    if (!tok.nvalues) { r.nsamples = 0; return 1; }
    const vals: number[] = [];
    eachValue(tok, (v) => vals.push(v));
    setScalar(r, agg(vals));
    return 1;
  };
}

export const funcMax = aggregate((v) => MAX(v));
export const funcMin = aggregate((v) => MIN(v));
export const funcAvg = aggregate((v) => AVG(v));
/**
 * MEDIAN/STDEV compact the present values to the front of the argument's buffer (and MEDIAN sorts
 * them) in place, as bcftools does: a later record that lacks the field reads that buffer again.
 */
function compactInPlace(tok: Tok): number {
  const v = tok.values;
  let n = 0;
  if (tok.nsamples) {
    const u = tok.usmpl!;
    let k = 0;
    for (let i = 0; i < tok.nsamples; i++) {
      if (!u[i]) { k += tok.nval1; continue; }
      for (let j = 0; j < tok.nval1; k++, j++) {
        if (isMissOrEnd(v[k])) continue;
        if (n < k) v[n] = v[k];
        n++;
      }
    }
  } else {
    for (let i = 0; i < tok.nvalues; i++) {
      if (isMissOrEnd(v[i])) continue;
      if (n < i) v[n] = v[i];
      n++;
    }
  }
  return n;
}

const byValue = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

export const funcMedian: F = (_ctx, r, stack, n) => {
  const tok = stack[n - 1];
  r.nvalues = 0;
  r.nsamples = 0;
  if (!tok.nvalues) return 1;
  const m = compactInPlace(tok);
  if (!m) return 1;
  const v = tok.values;
  if (m > 1) v.subarray(0, m).sort(byValue);
  r.ensure(1)[0] = m === 1 ? v[0] : m % 2 ? v[m >> 1] : (v[m / 2 - 1] + v[m / 2]) * 0.5;
  r.nvalues = 1;
  return 1;
};

export const funcStdev: F = (_ctx, r, stack, n) => {
  const tok = stack[n - 1];
  r.nvalues = 0;
  r.nsamples = 0;
  if (!tok.nvalues) return 1;
  const m = compactInPlace(tok);
  if (!m) return 1;
  const v = tok.values;
  let out = 0;
  if (m > 1) {
    let avg = 0;
    for (let i = 0; i < m; i++) avg += v[i];
    avg /= m;
    let sd = 0;
    for (let i = 0; i < m; i++) sd += (v[i] - avg) * (v[i] - avg);
    out = Math.sqrt(sd / m);
  }
  r.ensure(1)[0] = out;
  r.nvalues = 1;
  return 1;
};

/** per-sample MEDIAN/STDEV, compacting (and for MEDIAN sorting) each sample's block in place */
function perSampleInPlace(median: boolean): F {
  return (ctx, r, stack, n) => {
    const tok = stack[n - 1];
    if (!tok.nsamples) return funcAvg(ctx, r, stack, n);
    r.nsamples = tok.nsamples;
    r.usmpl = tok.usmpl;
    r.nvalues = tok.nsamples;
    r.nval1 = 1;
    const out = r.ensure(tok.nsamples);
    const u = tok.usmpl!;
    const v = tok.values;
    for (let i = 0; i < tok.nsamples; i++) {
      if (!u[i]) continue;
      const o = i * tok.nval1;
      let m = 0;
      for (let j = 0; j < tok.nval1; j++) {
        const x = v[o + j];
        if (isMissOrEnd(x)) continue;
        if (m < j) v[o + m] = x;
        m++;
      }
      if (!m) { out[i] = MISS; continue; }
      if (m === 1) { out[i] = median ? v[o] : 0; continue; }
      if (median) {
        v.subarray(o, o + m).sort(byValue);
        out[i] = m % 2 ? v[o + (m >> 1)] : (v[o + m / 2 - 1] + v[o + m / 2]) * 0.5;
      } else {
        let avg = 0;
        for (let j = 0; j < m; j++) avg += v[o + j];
        avg /= m;
        let sd = 0;
        for (let j = 0; j < m; j++) sd += (v[o + j] - avg) * (v[o + j] - avg);
        out[i] = Math.sqrt(sd / m);
      }
    }
    return 1;
  };
}
export const funcSum = aggregate((v) => SUM(v));

/** per-sample variant: a vector of one value per sample; on site values falls back as bcftools does */
function perSample(agg: (vals: number[]) => number | null, fallback: F): F {
  return (ctx, r, stack, n) => {
    const tok = stack[n - 1];
    if (!tok.nsamples) return fallback(ctx, r, stack, n);
    r.nsamples = tok.nsamples;
    r.usmpl = tok.usmpl;
    r.nvalues = tok.nsamples;
    r.nval1 = 1;
    const out = r.ensure(tok.nsamples);
    const u = tok.usmpl!;
    const vals: number[] = [];
    for (let i = 0; i < tok.nsamples; i++) {
      if (!u[i]) continue;
      vals.length = 0;
      // bcftools reads the value buffer even when the field is absent from this record
      const o = i * tok.nval1;
      for (let j = 0; j < tok.nval1; j++) {
        const v = tok.values[o + j];
        if (!isMissOrEnd(v)) vals.push(v);
      }
      const x = agg(vals);
      out[i] = x === null ? MISS : x;
    }
    return 1;
  };
}

export const funcSmplMax = perSample((v) => MAX(v), funcMax);
export const funcSmplMin = perSample((v) => MIN(v), funcMin);
export const funcSmplAvg = perSample((v) => AVG(v), funcAvg);
// bcftools falls back to the average for site values in these three (filter.c)
export const funcSmplMedian = perSampleInPlace(true);
export const funcSmplStdev = perSampleInPlace(false);
export const funcSmplSum = perSample((v) => SUM(v), funcAvg);

/** COUNT(): values of a FORMAT tag, samples passing a FORMAT expression, comma-fields of a string, or values */
export const funcCount: F = (_ctx, r, stack, n) => {
  const tok = stack[n - 1];
  let cnt = 0;
  if (tok.tag && tok.nsamples && tok.type === 0) {
    if (tok.isStr) throw evalError(_ctx, 'COUNT of a String FORMAT field is not supported');
    // as bcftools, the value buffer is read even when the field is absent from this record
    const u = tok.usmpl!;
    for (let i = 0; i < tok.nsamples; i++) {
      if (!u[i]) continue;
      const o = i * tok.nval1;
      for (let j = 0; j < tok.nval1; j++) if (!isMissOrEnd(tok.values[o + j])) cnt++;
    }
  } else if (tok.nsamples) {
    const p = tok.passSamples!;
    for (let i = 0; i < tok.nsamples; i++) if (p[i]) cnt++;
  } else if (tok.isStr) {
    if (tok.str.length) {
      cnt = 1;
      for (let i = 0; i < tok.str.length; i++) if (tok.str.charCodeAt(i) === 44) cnt++;
    }
  } else cnt = tok.nvalues;
  setScalar(r, cnt);
  return 1;
};

/** SMPL_COUNT()/sCOUNT(): per-sample number of present values (newer bcftools) */
export const funcSmplCount: F = (ctx, r, stack, n) => {
  const tok = stack[n - 1];
  if (!tok.nsamples) return funcCount(ctx, r, stack, n);
  r.nsamples = tok.nsamples;
  r.usmpl = tok.usmpl;
  r.nvalues = tok.nsamples;
  r.nval1 = 1;
  const out = r.ensure(tok.nsamples);
  const u = tok.usmpl!;
  for (let i = 0; i < tok.nsamples; i++) {
    if (!u[i]) continue;
    let c = 0;
    if (tok.nvalues) {
      const o = i * tok.nval1;
      for (let j = 0; j < tok.nval1; j++) if (!isMissOrEnd(tok.values[o + j])) c++;
    }
    out[i] = c;
  }
  return 1;
};

/** STRLEN(): per comma-field lengths for list-indexed strings, else the whole length ('.' = 0) */
export const funcStrlen: F = (_ctx, r, stack, n) => {
  const tok = stack[n - 1];
  r.nvalues = 0;
  r.nsamples = 0;
  // bcftools looks at the string buffer: for FORMAT strings that is the first sample's block
  const s = tok.strs ? (tok.nvalues ? tok.strs[0] ?? '' : '') : tok.str;
  if (!tok.isStr || !tok.nvalues || !s.length) return 1;
  if (tok.idx === -2) {
    const parts = s.split(',');
    if (parts.length && parts[parts.length - 1] === '') parts.pop();
    const out = r.ensure(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = parts[i].length;
    r.nvalues = parts.length;
  } else {
    r.ensure(1)[0] = s === '.' ? 0 : s.length;
    r.nvalues = 1;
  }
  return 1;
};

/** element-wise unary numeric function keeping the shape (ABS, PHRED) */
function elementwise(name: string, f: (x: number) => number, copyPass: boolean): F {
  return (_ctx, r, stack, n) => {
    const tok = stack[n - 1];
    if (tok.isStr) throw new TypeError(`${name}() can be applied only on numeric values`);
    r.nsamples = tok.nsamples;
    r.nval1 = tok.nval1;
    r.nvalues = tok.nvalues;
    if (tok.usmpl) r.usmpl = tok.usmpl;
    if (r.nsamples && (!r.passSamples || r.passSamples.length < r.nsamples)) r.passSamples = new Uint8Array(r.nsamples);
    if (copyPass && tok.passSamples && r.passSamples) r.passSamples.set(tok.passSamples.subarray(0, r.passSamples.length));
    if (!tok.nvalues) return 1;
    const out = r.ensure(tok.nvalues);
    if (tok.nsamples) {
      const u = tok.usmpl!;
      for (let i = 0; i < tok.nsamples; i++) {
        if (!u[i]) continue;
        const o = i * tok.nval1;
        for (let j = 0; j < tok.nval1; j++) {
          const v = tok.values[o + j];
          out[o + j] = isMissOrEnd(v) ? MISS : f(v);
        }
      }
    } else {
      for (let i = 0; i < tok.nvalues; i++) {
        const v = tok.values[i];
        out[i] = v === MISS ? MISS : v === VEND ? (name === 'ABS' ? VEND : MISS) : f(v);
      }
    }
    return 1;
  };
}
export const funcAbs = elementwise('ABS', Math.abs, false);
export const funcPhred = elementwise('PHRED', phred, true);

/** N_PASS()/F_PASS(): number or fraction of samples passing the enclosed expression */
export const funcNpass: F = (ctx, r, stack, n) => {
  const tok = stack[n - 1];
  if (!tok.nsamples) throw evalError(ctx, `The function ${r.tag} works with FORMAT fields`);
  let np = 0;
  const u = tok.usmpl!;
  const p = tok.passSamples!;
  for (let i = 0; i < tok.nsamples; i++) if (u[i] && p[i]) np++;
  r.nsamples = 0;
  r.nvalues = 1;
  r.ensure(1)[0] = r.tag === 'N_PASS' ? np : ctx.nsmpl ? np / ctx.nsmpl : 0;
  return 1;
};

/** BINOM(AD) with the GT-selected alleles, or BINOM(A,B) with explicit values */
export const funcBinom: F = (ctx, r, stack, nstack) => {
  const istack = nstack - r.nargs;
  const tok = stack[istack];
  if (tok.nsamples) {
    r.nval1 = 1;
    r.nvalues = tok.nsamples;
    r.nsamples = tok.nsamples;
    r.usmpl = tok.usmpl;
    const out = r.ensure(tok.nsamples);
    const u = tok.usmpl!;
    if (istack + 1 === nstack) {
      const g = ctx.genotypes();
      if (!g || g.ploidy < 2) {
        for (let i = 0; i < tok.nsamples; i++) if (u[i]) out[i] = MISS;
        return r.nargs;
      }
      const nallele = ctx.rec.nAllele;
      for (let i = 0; i < tok.nsamples; i++) {
        if (!u[i]) continue;
        const a0 = g.gt[i * g.ploidy], a1 = g.gt[i * g.ploidy + 1];
        if (a0 >> 1 === 0 || a1 === GT_VEND || a1 >> 1 === 0) { out[i] = MISS; continue; }
        const i1 = (a0 >> 1) - 1, i2 = (a1 >> 1) - 1;
        if (i1 >= nallele || i2 >= nallele) throw evalError(ctx, `Incorrect allele index at ${ctx.rec.chrom}:${ctx.rec.pos}, sample ${i + 1}`);
        // bcftools reads the AD buffer as it is, without bounds (the previous record's values when
        // AD is absent, the next sample's when an allele index exceeds the number of values)
        const k1 = tok.nval1 * i + i1, k2 = tok.nval1 * i + i2;
        const v1 = k1 < tok.values.length ? tok.values[k1] : MISS;
        const v2 = k2 < tok.values.length ? tok.values[k2] : MISS;
        if (isMissOrEnd(v1) || isMissOrEnd(v2)) { out[i] = MISS; continue; }
        const p = binomTwoSided(v1, v2, 0.5);
        out[i] = p < 0 ? MISS : p;
      }
    } else {
      const tok2 = stack[istack + 1];
      if (tok.nval1 !== 1 || tok2.nval1 !== 1) {
        throw evalError(ctx, `Expected one value per binom() argument, found ${tok.nval1} and ${tok2.nval1} at ${ctx.rec.chrom}:${ctx.rec.pos}`);
      }
      for (let i = 0; i < tok.nsamples; i++) {
        if (!u[i]) continue;
        const v1 = tok.values[i];
        const v2 = tok2.nsamples ? tok2.values[i] : tok2.values[0];
        if (isMissOrEnd(v1) || isMissOrEnd(v2)) { out[i] = MISS; continue; }
        const p = binomTwoSided(v1, v2, 0.5);
        out[i] = p < 0 ? MISS : p;
      }
    }
  } else {
    r.nsamples = 0;
    r.nvalues = 1;
    const out = r.ensure(1);
    let v1 = MISS, v2 = MISS;
    if (istack + 1 === nstack) {
      if (tok.nvalues === 2) { v1 = tok.values[0]; v2 = tok.values[1]; }
    } else {
      const tok2 = stack[istack + 1];
      if (tok.nvalues === 1 && tok2.nvalues === 1) { v1 = tok.values[0]; v2 = tok2.values[0]; }
    }
    if (isMissOrEnd(v1) || isMissOrEnd(v2)) out[0] = MISS;
    else {
      const p = binomTwoSided(v1, v2, 0.5);
      out[0] = p < 0 ? MISS : p;
    }
  }
  return r.nargs;
};
