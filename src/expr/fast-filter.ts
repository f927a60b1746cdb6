/**
 * A compiled fast path for the most common per-sample filter expressions: logical combinations
 * (`&&`, `||`, `&`, `|`) of
 *   - genotype class tests  `GT="het"`, `GT!="ref"`, ... (GT compared by cmpGtClass), and
 *   - numeric FORMAT comparisons `FMT/DP>20`, `GQ<=30.5`, `20<FMT/DP` (Number=1 Integer/Float
 *     fields without subscripts, compared with a numeric constant).
 * Evaluated straight on the bytes of the sample columns, in one walk along the line, without
 * building genotype arrays, value arrays or strings.
 *
 * It gives the answers of the general engine (eval.ts) for the records it accepts: any record
 * outside its simple model (a FORMAT without the tags, GT or numbers it cannot read exactly, a value
 * with several elements, fewer sample columns than samples, ...) is declined (`run` returns -1) and
 * the caller evaluates that record with the general engine. test/expr-fast-filter.test.ts checks
 * the two against each other.
 */
import type { VcfRecord } from '../vcf/record.js';
import { latin1 } from '../vcf/bytes.js';
import { T, type Tok } from './types.js';
import * as S from './eval.js';

const TAB = 9, COLON = 58, SLASH = 47, PIPE = 124, DOT = 46;

/** genotype class codes of one sample, per class family (the value compared with the key) */
const C_MISSING = 0; // '.' (types 2 and 3), 'mis' (type 4)

interface GtAtom {
  kind: 0;
  /** 2 | 3 | 4 as Tok.gtClass */
  type: number;
  /** class code the key names */
  key: number;
  ne: boolean;
}
interface NumAtom {
  kind: 1;
  tag: string;
  isFloat: boolean;
  /** operator with the per-sample value on the left */
  op: number;
  y: number;
  /** FORMAT field slot of the tag (index into the per-sample values) */
  slot: number;
}
type Atom = GtAtom | NumAtom;

/** program step: an atom (index) or a logic operator (T.AND, T.AND_VEC, T.OR, T.OR_VEC) */
interface Step { atom: number; op: number }

/** class codes: type 3 hom=1 het=2 hap=3; type 4 ref=1 alt=2; type 2 rr=1 ra=2 aa=3 aA=4 r=5 a=6 */
const KEY_CODES: Record<number, Record<string, number>> = {
  3: { hom: 1, het: 2, hap: 3 },
  4: { ref: 1, alt: 2, mis: C_MISSING },
  2: { rr: 1, ra: 2, aa: 3, aA: 4, r: 5, a: 6 },
};

export class FastFilter {
  private readonly atoms: Atom[];
  private readonly steps: Step[];
  private readonly nsmpl: number;
  /** file column -> filter sample index (-1: not seen by the filter); null = identity */
  private readonly inv: Int32Array | null;
  /** highest file column the filter reads */
  private readonly maxCol: number;
  private readonly needGt: boolean;
  /** FORMAT tags read as numbers, by slot */
  private readonly numTags: string[];
  private readonly numFloat: boolean[];
  /** per-atom results */
  private readonly amask: Uint8Array[];
  private readonly asite: Uint8Array;
  /** evaluation stack of masks / site flags */
  private readonly smask: Uint8Array[];
  private readonly stM: Uint8Array[];
  private readonly stS: Uint8Array;
  /** per-sample genotype class codes for types 2, 3, 4 (computed when used) */
  private readonly cls2: Uint8Array;
  private readonly cls3: Uint8Array;
  private readonly cls4: Uint8Array;
  private readonly useCls = [false, false, false, false, false];
  /** per-sample numbers, slot-major; NaN = missing */
  private readonly nums: Float64Array;
  // FORMAT column cache
  private lastFmt: Buffer = Buffer.alloc(0);
  private fmtOk = false;
  /** FORMAT position -> what to read: 0 nothing, 1 GT, 2+s number slot s */
  private fieldWhat = new Int32Array(0);
  /** sample column boundaries found by the last scan (identity sample map only) */
  private readonly colS: Int32Array;
  private readonly colE: Int32Array;
  private colRec: VcfRecord | null = null;
  private colN = 0;
  private maxField = -1;

  private constructor(atoms: Atom[], steps: Step[], nsmpl: number, smap: number[] | null, numTags: string[], numFloat: boolean[]) {
    this.atoms = atoms;
    this.steps = steps;
    this.nsmpl = nsmpl;
    this.numTags = numTags;
    this.numFloat = numFloat;
    if (smap) {
      let max = -1;
      for (const c of smap) if (c > max) max = c;
      this.inv = new Int32Array(max + 1).fill(-1);
      smap.forEach((c, i) => { this.inv![c] = i; });
      this.maxCol = max;
    } else {
      this.inv = null;
      this.maxCol = nsmpl - 1;
    }
    this.amask = atoms.map(() => new Uint8Array(nsmpl));
    this.asite = new Uint8Array(atoms.length);
    this.smask = steps.map(() => new Uint8Array(nsmpl));
    this.stM = steps.map(() => this.asite);
    this.stS = new Uint8Array(steps.length);
    this.cls2 = new Uint8Array(nsmpl);
    this.cls3 = new Uint8Array(nsmpl);
    this.cls4 = new Uint8Array(nsmpl);
    this.needGt = atoms.some((a) => a.kind === 0);
    for (const a of atoms) if (a.kind === 0) this.useCls[a.type] = true;
    this.nums = new Float64Array(Math.max(1, numTags.length) * nsmpl);
    this.colS = new Int32Array(this.maxCol + 1);
    this.colE = new Int32Array(this.maxCol + 1);
  }

  /**
   * The fast path for a parsed expression, or null when the expression is outside the supported
   * forms. `smap`: the file sample column of each filter sample (null: all samples in order).
   */
  static compile(rpn: Tok[], nsmpl: number, smap: number[] | null): FastFilter | null {
    if (nsmpl <= 0) return null;
    if (smap) {
      if (smap.length !== nsmpl) return null;
      const seen = new Set<number>();
      for (const c of smap) { if (c < 0 || seen.has(c)) return null; seen.add(c); }
    }
    const allOnes = (t: Tok): boolean => {
      if (t.nsamples !== nsmpl || !t.usmpl) return false;
      for (let i = 0; i < nsmpl; i++) if (!t.usmpl[i]) return false;
      return true;
    };
    const atoms: Atom[] = [];
    const steps: Step[] = [];
    const numTags: string[] = [];
    const numFloat: boolean[] = [];
    let depth = 0;
    let i = 0;
    while (i < rpn.length) {
      const t = rpn[i];
      if (t.type !== T.VAL) {
        if (t.func !== S.logicAnd && t.func !== S.logicOr) return null;
        if (!(t.type === T.AND || t.type === T.AND_VEC || t.type === T.OR || t.type === T.OR_VEC)) return null;
        // (operator tokens take their per-sample shape from the operands at run time)
        if (depth < 2) return null;
        steps.push({ atom: -1, op: t.type });
        depth--;
        i++;
        continue;
      }
      // an atom: two values and a comparison
      if (i + 2 >= rpn.length) return null;
      const a = rpn[i], b = rpn[i + 1], op = rpn[i + 2];
      if (a.type !== T.VAL || b.type !== T.VAL || op.type === T.VAL || op.func) return null;
      let atom: Atom | null = null;
      if (op.comparator === S.cmpGtClass) {
        const g = a.setter === S.setGenotypePresence ? a : b.setter === S.setGenotypePresence ? b : null;
        const k = g === a ? b : a;
        if (!g || !allOnes(g) || k.setter || k.key === null || k.isConstant || (op.type !== T.EQ && op.type !== T.NE)) return null;
        const codes = KEY_CODES[g.gtClass];
        if (!codes || !Object.prototype.hasOwnProperty.call(codes, k.key)) return null;
        atom = { kind: 0, type: g.gtClass, key: codes[k.key], ne: op.type === T.NE };
      } else if (!op.comparator && !a.comparator && !b.comparator) {
        const isFmtNum = (x: Tok) => (x.setter === S.setFormatInt || x.setter === S.setFormatFloat) && x.hl === 'FORMAT' && x.number === '1' &&
          x.idx === 0 && !x.idxs && !x.nuidxs && x.tag !== null && allOnes(x) && !x.isStr;
        const isConst = (x: Tok) => x.isConstant && !x.setter && x.key === null && !x.isMissing && !x.isStr && Number.isFinite(x.threshold);
        let f: Tok, c: Tok, swapped: boolean;
        if (isFmtNum(a) && isConst(b)) { f = a; c = b; swapped = false; }
        else if (isFmtNum(b) && isConst(a)) { f = b; c = a; swapped = true; }
        else return null;
        let o = op.type;
        if (!(o === T.EQ || o === T.NE || o === T.LT || o === T.LE || o === T.BT || o === T.BE)) return null;
        if (swapped) o = o === T.LT ? T.BT : o === T.BT ? T.LT : o === T.LE ? T.BE : o === T.BE ? T.LE : o;
        const isFloat = f.setter === S.setFormatFloat;
        let slot = numTags.indexOf(f.tag!);
        if (slot < 0) { slot = numTags.length; numTags.push(f.tag!); numFloat.push(isFloat); }
        else if (numFloat[slot] !== isFloat) return null;
        atom = { kind: 1, tag: f.tag!, isFloat, op: o, y: c.threshold, slot };
      } else return null;
      steps.push({ atom: atoms.length, op: 0 });
      atoms.push(atom);
      depth++;
      i += 3;
    }
    if (depth !== 1 || !atoms.length) return null;
    return new FastFilter(atoms, steps, nsmpl, smap, numTags, numFloat);
  }

  /** locate the wanted fields for this FORMAT column; false when a tag is missing */
  private prepareFormat(buf: Buffer, s: number, e: number): boolean {
    const last = this.lastFmt;
    if (last.length === e - s) {
      let same = true;
      for (let i = 0; i < last.length; i++) if (buf[s + i] !== last[i]) { same = false; break; }
      if (same) return this.fmtOk;
    }
    this.lastFmt = Buffer.from(buf.subarray(s, e));
    const keys = latin1(buf, s, e).split(':');
    const what = new Int32Array(keys.length);
    let max = -1;
    let ok = true;
    if (this.needGt) {
      const k = keys.indexOf('GT');
      if (k < 0) ok = false;
      else { what[k] = 1; if (k > max) max = k; }
    }
    for (let sl = 0; sl < this.numTags.length && ok; sl++) {
      const k = keys.indexOf(this.numTags[sl]);
      if (k < 0 || what[k]) ok = false;
      else { what[k] = 2 + sl; if (k > max) max = k; }
    }
    this.fieldWhat = what;
    this.maxField = max;
    this.fmtOk = ok;
    return ok;
  }

  /**
   * Evaluate the record: 1 / 0 = the site passes / fails, with `mask` (length nsmpl) holding the
   * per-sample flags; -1 = the record is outside the fast path (mask untouched).
   */
  run(rec: VcfRecord, mask: Uint8Array): number {
    if (rec.nFixed < 10) return -1;
    const buf = rec.buf;
    if (!this.prepareFormat(buf, rec.colStart(8), rec.colEnd(8))) return -1;
    this.colRec = null;
    const n = this.scan(buf, rec.colStart(9), rec.end);
    if (n < 0) return -1;
    if (n > 0) { this.colRec = rec; this.colN = n; }
    return this.combine(mask);
  }

  /**
   * The sample columns located while evaluating `rec` (when the filter sees every sample in file
   * order and the line has exactly that many columns), else null. The arrays are reused.
   */
  columns(rec: VcfRecord): { starts: Int32Array; ends: Int32Array; n: number } | null {
    return this.colRec === rec ? { starts: this.colS, ends: this.colE, n: this.colN } : null;
  }

  /**
   * One walk along the sample columns: genotype classes and numbers of every filter sample.
   * Returns -1 when the record needs the general engine, else the number of sample columns when
   * every column of the line was located (identity sample map), else 0.
   */
  private scan(buf: Buffer, p: number, end: number): number {
    const inv = this.inv;
    const maxCol = this.maxCol;
    const what = this.fieldWhat;
    const maxField = this.maxField;
    const nums = this.nums;
    const ns = this.nsmpl;
    const numFloat = this.numFloat;
    const u2 = this.useCls[2], u3 = this.useCls[3], u4 = this.useCls[4];
    const c2 = this.cls2, c3 = this.cls3, c4 = this.cls4;
    const colS = this.colS, colE = this.colE;
    for (let col = 0; col <= maxCol; col++) {
      if (p > end) return -1; // fewer sample columns than samples
      colS[col] = p;
      const i = inv === null ? col : inv[col];
      if (i < 0) {
        // a column the filter does not see
        while (p < end && buf[p] !== TAB) p++;
        colE[col] = p;
        p++;
        continue;
      }
      let f = 0;
      let q = p;
      for (; f <= maxField; f++) {
        // field f starts at q
        const w = what[f];
        let t = q;
        if (w === 1 && t + 2 < end && DIG[buf[t]] >= 0 && (buf[t + 1] === SLASH || buf[t + 1] === PIPE) && DIG[buf[t + 2]] >= 0 &&
          (t + 3 >= end || buf[t + 3] === COLON || buf[t + 3] === TAB)) {
          // the common diploid genotype of one-digit alleles: classes from a table
          const x = DIG[buf[t]] * 11 + DIG[buf[t + 2]];
          if (u3) c3[i] = DIP3[x];
          if (u4) c4[i] = DIP4[x];
          if (u2) c2[i] = DIP2[x];
          t += 3;
        } else if (w === 1) {
          // GT: streaming class computation (genotypeClass over htslib's allele codes)
          let j = 0, missing = false, hasRef = false, isHet = false, prev = -1;
          if (t < end) {
            const c0 = buf[t];
            if (c0 === SLASH || c0 === PIPE) t++;
          }
          for (;;) {
            // one allele
            let c = t < end ? buf[t] : TAB;
            let code: number;
            if (c === DOT) {
              code = 0;
              t++;
            } else if (c >= 48 && c <= 57) {
              let v = 0, nd = 0;
              while (t < end && (c = buf[t]) >= 48 && c <= 57) { v = v * 10 + (c - 48); nd++; t++; }
              if (nd > 6) return -1;
              code = v + 1;
            } else if (j === 0 && (c === COLON || c === TAB || t >= end)) {
              break; // empty GT field
            } else return -1;
            if (!missing) {
              if (code === 0) missing = true;
              else {
                if (code === 1) hasRef = true;
                if (j > 0 && code !== prev) isHet = true;
                prev = code;
              }
            }
            j++;
            c = t < end ? buf[t] : TAB;
            if (c === SLASH || c === PIPE) { t++; continue; }
            if (c === COLON || c === TAB) break;
            return -1;
          }
          const n = missing ? -1 : j;
          if (u3) c3[i] = class3(n, isHet);
          if (u4) c4[i] = class4(n, hasRef, isHet);
          if (u2) c2[i] = class2(n, hasRef, isHet);
        } else if (w >= 2) {
          const sl = w - 2;
          let x: number;
          let c = t < end ? buf[t] : TAB;
          if (c === COLON || c === TAB) x = NaN; // empty: missing
          else if (c === DOT && (t + 1 >= end || buf[t + 1] === COLON || buf[t + 1] === TAB)) { x = NaN; t++; }
          else {
            let neg = false;
            if (c === 45 || c === 43) { neg = c === 45; t++; }
            let m = 0, nd = 0, frac = 0;
            while (t < end && (c = buf[t]) >= 48 && c <= 57) { m = m * 10 + (c - 48); nd++; t++; }
            if (t < end && c === DOT && numFloat[sl]) {
              t++;
              while (t < end && (c = buf[t]) >= 48 && c <= 57) { m = m * 10 + (c - 48); nd++; frac++; t++; }
            }
            if (nd === 0 || nd > 15) return -1;
            c = t < end ? buf[t] : TAB;
            if (c !== COLON && c !== TAB) return -1; // exponent, comma, other text: general path
            x = frac ? m / POW10[frac] : m;
            if (numFloat[sl]) x = Math.fround(x);
            if (neg) x = -x;
          }
          nums[sl * ns + i] = x;
        } else {
          while (t < end && (buf[t] !== COLON && buf[t] !== TAB)) t++;
        }
        // t is at the end of field f
        if (t >= end || buf[t] === TAB) { f++; q = t; break; }
        q = t + 1;
      }
      if (f <= maxField) {
        // the sample has fewer fields than FORMAT: the missing ones read as missing
        for (; f <= maxField; f++) {
          const w = what[f];
          if (w === 1) { if (u2) c2[i] = C_MISSING; if (u3) c3[i] = C_MISSING; if (u4) c4[i] = C_MISSING; }
          else if (w >= 2) nums[(w - 2) * ns + i] = NaN;
        }
      }
      // on to the next column
      p = q;
      while (p < end && buf[p] !== TAB) p++;
      colE[col] = p;
      p++;
    }
    return inv === null && p === end + 1 ? maxCol + 1 : 0;
  }

  private combine(mask: Uint8Array): number {
    const ns = this.nsmpl;
    const atoms = this.atoms;
    for (let a = 0; a < atoms.length; a++) {
      const at = atoms[a];
      this.asite[a] = at.kind === 0 ? gtAtom(at, at.type === 3 ? this.cls3 : at.type === 4 ? this.cls4 : this.cls2, this.amask[a], ns)
        : numAtom(at, this.nums, at.slot * ns, this.amask[a], ns);
    }
    // the logic program (logicAnd / logicOr with both operands per sample)
    const steps = this.steps;
    const stM = this.stM;
    const stS = this.stS;
    let k = 0;
    for (let si = 0; si < steps.length; si++) {
      const st = steps[si];
      if (st.atom >= 0) {
        stM[k] = this.amask[st.atom];
        stS[k] = this.asite[st.atom];
        k++;
        continue;
      }
      const am = stM[k - 2], as = stS[k - 2], bm = stM[k - 1], bs = stS[k - 1];
      const r = this.smask[si];
      let site = 0;
      switch (st.op) {
        case T.AND:
          if (as && bs) { for (let i = 0; i < ns; i++) { const x = am[i] & bm[i]; r[i] = x; site |= x; } }
          else r.fill(0);
          break;
        case T.AND_VEC:
          if (as && bs) { for (let i = 0; i < ns; i++) r[i] = am[i] | bm[i]; site = 1; }
          else r.fill(0);
          break;
        case T.OR:
          if (as || bs) { for (let i = 0; i < ns; i++) r[i] = am[i] | bm[i]; site = 1; }
          else r.fill(0);
          break;
        default: // OR_VEC
          if (as || bs) { r.fill(1); site = 1; }
          else r.fill(0);
          break;
      }
      k -= 2;
      stM[k] = r;
      stS[k] = site;
      k++;
    }
    mask.set(stM[0]);
    return stS[0];
  }
}

/** cmpGtClass on class codes: a missing genotype ('.') passes only !=; 'mis' is a class of its own in type 4 */
function gtAtom(at: GtAtom, cls: Uint8Array, m: Uint8Array, ns: number): number {
  const key = at.key;
  let site = 0;
  if (at.type === 4) {
    if (at.ne) for (let i = 0; i < ns; i++) { const x = cls[i] !== key ? 1 : 0; m[i] = x; site |= x; }
    else for (let i = 0; i < ns; i++) { const x = cls[i] === key ? 1 : 0; m[i] = x; site |= x; }
  } else {
    // key codes are never C_MISSING here: missing fails ==, passes !=
    if (at.ne) for (let i = 0; i < ns; i++) { const x = cls[i] !== key ? 1 : 0; m[i] = x; site |= x; }
    else for (let i = 0; i < ns; i++) { const x = cls[i] === key ? 1 : 0; m[i] = x; site |= x; }
  }
  return site;
}

/** cmpSamplesScalar: float32 comparison below 2^24, missing values pass only != */
function numAtom(at: NumAtom, v: Float64Array, o: number, m: Uint8Array, ns: number): number {
  const y = at.y;
  const big = y > 16777216;
  const fy = Math.fround(y);
  const op = at.op;
  let site = 0;
  if (!big && (op === T.BT || op === T.BE || op === T.LT || op === T.LE)) {
    // values are float32 already (Float) or integers; integers within +-2^24 are float32 too
    const lt = op === T.LT || op === T.LE ? 1 : 0, gt = 1 - lt, eq = op === T.BE || op === T.LE ? 1 : 0;
    let i = 0;
    for (; i < ns; i++) {
      const x = v[o + i];
      if (!(x >= -16777216 && x <= 16777216)) break; // missing (NaN) or large: the general loop below
      const r = (x < fy ? lt : x > fy ? gt : eq);
      m[i] = r;
      site |= r;
    }
    if (i === ns) return site;
    for (let k = 0; k < i; k++) site |= m[k];
    return site | numAtomFrom(at, v, o, m, ns, i);
  }
  return numAtomFrom(at, v, o, m, ns, 0);
}

function numAtomFrom(at: NumAtom, v: Float64Array, o: number, m: Uint8Array, ns: number, from: number): number {
  const y = at.y;
  const big = y > 16777216;
  const fy = Math.fround(y);
  const op = at.op;
  let site = 0;
  for (let i = from; i < ns; i++) {
    const x = v[o + i];
    let pass: boolean;
    if (x !== x) pass = op === T.NE;
    else {
      let xa = x, yb = y;
      if (!big && !(x > 16777216)) { xa = Math.fround(x); yb = fy; }
      switch (op) {
        case T.EQ: pass = xa === yb; break;
        case T.NE: pass = xa !== yb; break;
        case T.LT: pass = xa < yb; break;
        case T.LE: pass = xa <= yb; break;
        case T.BT: pass = xa > yb; break;
        default: pass = xa >= yb; break;
      }
    }
    const r = pass ? 1 : 0;
    m[i] = r;
    site |= r;
  }
  return site;
}

/**
 * genotypeClass (eval.ts) as codes; `n` = number of alleles, -1 when one is missing (a missing
 * allele makes the genotype missing, whatever follows)
 */
function class3(n: number, isHet: boolean): number { return n <= 0 ? C_MISSING : n === 1 ? 3 : isHet ? 2 : 1; }
function class4(n: number, hasRef: boolean, isHet: boolean): number { return n <= 0 ? C_MISSING : !hasRef ? 2 : isHet ? 2 : 1; }
function class2(n: number, hasRef: boolean, isHet: boolean): number {
  return n <= 0 ? C_MISSING : n === 1 ? (hasRef ? 5 : 6) : !isHet ? (hasRef ? 1 : 3) : (hasRef ? 2 : 4);
}

/** byte -> allele code for the table path: '0'..'9' -> 0..9, '.' -> 10, else -1 */
const DIG = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) DIG[48 + d] = d;
DIG[DOT] = 10;
/** classes of the diploid genotypes a/b (a, b as DIG codes), index a * 11 + b */
const DIP2 = new Uint8Array(121), DIP3 = new Uint8Array(121), DIP4 = new Uint8Array(121);
for (let a = 0; a < 11; a++) {
  for (let b = 0; b < 11; b++) {
    const x = a * 11 + b;
    const n = a === 10 || b === 10 ? -1 : 2;
    const hasRef = a === 0 || b === 0;
    const isHet = a !== b;
    DIP2[x] = class2(n, hasRef, isHet);
    DIP3[x] = class3(n, isHet);
    DIP4[x] = class4(n, hasRef, isHet);
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];
