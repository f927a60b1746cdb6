/**
 * Correctly rounded exp and log for the places where bcftools' printed digits depend on the last
 * bit of glibc's exp/log (htslib kf_betai behind binom() and %PBINOM: a p-value of 1 - 1 ulp prints
 * as phred 4.82164e-15, 1 - 1.2 ulp as 5.78596e-15). V8's Math.exp/Math.log are within 1 ulp,
 * glibc's are correctly rounded in all but rare hard cases; these compute the value in
 * double-double (about 100 bits) and round once.
 */

// double-double helpers; results in module variables to avoid allocations
let H = 0, L = 0;
const SPLIT = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  L = (a - (s - bb)) + (b - bb);
  H = s;
}

function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  L = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  H = p;
}

/** (ah,al) * (bh,bl) -> H,L */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = H;
  const pl = L + (ah * bl + al * bh);
  twoSum(ph, pl);
}

/** (ah,al) + (bh,bl) -> H,L */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = H;
  const sl = L + al + bl;
  twoSum(sh, sl);
}

/** (ah,al) / n for a small positive integer n -> H,L */
function ddDivInt(ah: number, al: number, n: number): void {
  const q1 = ah / n;
  twoProd(q1, n);
  const rh = ah - H - L + al; // remainder (ah + al) - q1*n, the subtraction ah - H is exact
  const q2 = rh / n;
  twoSum(q1, q2);
}

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const LOG2E = 1.4426950408889634;
const SQUARINGS = 10;

/** exp(x) as a double-double in H,L (finite x with |x| < 700) */
function expDD(x: number): void {
  const k = Math.round(x * LOG2E);
  // r = x - k*ln2 in double-double
  twoProd(k, LN2_HI);
  const ph = H, pl = L;
  twoSum(x, -ph);
  let rh = H;
  let rl = L - pl - k * LN2_LO;
  twoSum(rh, rl);
  rh = H; rl = L;
  // s = r / 2^SQUARINGS (exact); expm1(s) by its series in double-double
  const scale = 1 / (1 << SQUARINGS);
  const sh = rh * scale, sl = rl * scale;
  let th = sh, tl = sl; // term s^n / n!
  let eh = sh, el = sl; // sum
  for (let n = 2; n <= 12; n++) {
    ddMul(th, tl, sh, sl);
    ddDivInt(H, L, n);
    th = H; tl = L;
    if (Math.abs(th) < 1e-36) break;
    ddAdd(eh, el, th, tl);
    eh = H; el = L;
  }
  // expm1(2t) = expm1(t) * (expm1(t) + 2), SQUARINGS times
  for (let i = 0; i < SQUARINGS; i++) {
    ddAdd(eh, el, 2, 0);
    ddMul(eh, el, H, L);
    eh = H; el = L;
  }
  ddAdd(1, 0, eh, el);
  const f = Math.pow(2, k);
  H *= f;
  L *= f;
}

/** e^x, correctly rounded (but for rare hard cases) */
export function crExp(x: number): number {
  if (!(Math.abs(x) < 700)) return Math.exp(x);
  expDD(x);
  return H + L;
}

/** natural logarithm, correctly rounded (but for rare hard cases) */
export function crLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  const y0 = Math.log(x);
  if (!(Math.abs(y0) < 700)) return y0;
  // one Newton step on exp(y) = x: y = y0 + (x - e^y0) / e^y0
  expDD(y0);
  const eh = H, el = L;
  twoSum(x, -eh);
  const d = H + (L - el);
  return y0 + d / eh;
}
