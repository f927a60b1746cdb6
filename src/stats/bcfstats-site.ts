/**
 * Byte-level view of one VCF data line for `stats`: the columns are located once, alleles and
 * their htslib variant types are computed, and INFO, QUAL, FILTER and sample fields are decoded
 * only when a statistic asks for them. One Site object is reused for every line of a stream.
 *
 * Variant types follow htslib 1.16 `bcf_set_variant_type` (vcf.c): per ALT allele REF, SNP, MNP,
 * INDEL, OTHER, BND or OVERLAP (`*`), with `n` the length change (negative for deletions).
 */
import { latin1 } from '../vcf/bytes.js';
import { VcfError } from '../vcf/errors.js';
import { f32 } from './bcfstats-num.js';
import { strtodPrefix } from '../expr/format-num.js';

import { VT_REF, VT_SNP, VT_MNP, VT_INDEL, VT_OTHER, VT_BND, VT_OVERLAP } from '../expr/format-vartype.js';
export { VT_REF, VT_SNP, VT_MNP, VT_INDEL, VT_OTHER, VT_BND, VT_OVERLAP };

/** htslib genotype classes (vcfutils.h) */
export const GT_HOM_RR = 0;
export const GT_HOM_AA = 1;
export const GT_HET_RA = 2;
export const GT_HET_AA = 3;
export const GT_HAPL_R = 4;
export const GT_HAPL_A = 5;
export const GT_UNKN = 6;

const TAB = 9;
const SEMI = 59;
const COLON = 58;
const COMMA = 44;

/** ASCII toupper as htslib's toupper_c */
function up(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

export { acgt2int } from '../expr/format-vartype.js';

/** the variant type of ALT [as, ae) against REF [rs, re); the length change goes to `varN` */
let varN = 0;
function variantType(b: Buffer, rs: number, re: number, as: number, ae: number): number {
  const rlen = re - rs;
  const alen = ae - as;
  if (alen === 1 && b[as] === 42 /* * */) { varN = 0; return VT_OVERLAP; }
  if (rlen <= 1 && alen <= 1) {
    const r = rlen ? b[rs] : 0;
    const a = alen ? b[as] : 0;
    if (a === 46 /* . */ || r === a) { varN = 0; return VT_REF; }
    if (a === 88 /* X */) { varN = 0; return VT_REF; }
    varN = 1;
    return VT_SNP;
  }
  if (b[as] === 60 /* < */) {
    if (alen >= 3 && b[as + 1] === 88 && b[as + 2] === 62) { varN = 0; return VT_REF; }
    if (alen >= 3 && b[as + 1] === 42 && b[as + 2] === 62) { varN = 0; return VT_REF; }
    if (alen === 9 && latin1(b, as, ae) === '<NON_REF>') { varN = 0; return VT_REF; }
    return VT_OTHER;
  }
  // a breakend "joined before": ]chr:pos]N or [chr:pos[N
  if (b[as] === 93 || b[as] === 91) return VT_BND;
  let i = 0;
  while (i < rlen && i < alen && up(b[rs + i]) === up(b[as + i])) i++;
  if (i < alen && i === rlen) {
    const c = b[as + i];
    if (c === 93 /* ] */ || c === 91 /* [ */) return VT_BND;
    varN = alen - rlen;
    return VT_INDEL;
  }
  if (i < rlen && i === alen) { varN = alen - rlen; return VT_INDEL; }
  if (i === rlen && i === alen) { varN = 0; return VT_REF; }
  // both differ after the common prefix: trim the common suffix
  const r = i;
  const a = i;
  let re1 = rlen - 1;
  let ae1 = alen - 1;
  while (re1 > r && ae1 > a && up(b[rs + re1]) === up(b[as + ae1])) { re1--; ae1--; }
  if (ae1 === a) {
    if (re1 === r) { varN = 1; return VT_SNP; }
    varN = -(re1 - r);
    return up(b[rs + re1]) === up(b[as + ae1]) ? VT_INDEL : VT_OTHER;
  }
  if (re1 === r) {
    varN = ae1 - a;
    return up(b[rs + re1]) === up(b[as + ae1]) ? VT_INDEL : VT_OTHER;
  }
  varN = re1 - r > ae1 - a ? -(re1 - r + 1) : ae1 - a + 1;
  return re1 - r === ae1 - a ? VT_MNP : VT_OTHER;
}

/** Outputs of gtType(): allele indexes as bcf_gt_type gives them. */
export const gtOut = { ial: 0, jal: 0 };

/**
 * bcf_gt_type over the GT text [s, e): GT_* class; gtOut.ial / gtOut.jal get the smallest and the
 * other ALT allele index (0 when none). A missing allele anywhere makes the genotype GT_UNKN.
 * Returns -1 when the text is not a genotype (htslib cannot parse the line).
 */
export function gtType(b: Buffer, s: number, e: number): number {
  let nals = 0;
  let hasRef = false;
  let hasAlt = 0;
  let ial = 0;
  let jal = 0;
  let p = s;
  if (p >= e) { gtOut.ial = 0; gtOut.jal = 0; return GT_UNKN; }
  for (;;) {
    const c = b[p];
    if (c === 46 /* . */) {
      gtOut.ial = 0; gtOut.jal = 0;
      return GT_UNKN;
    }
    let v = 0;
    const d0 = p;
    while (p < e) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    if (p === d0) return -1;
    const tmp = v + 1;
    if (tmp > 1) {
      if (!ial) { ial = tmp; hasAlt = 1; }
      else if (tmp !== ial) {
        if (tmp < ial) { jal = ial; ial = tmp; }
        else jal = tmp;
        hasAlt = 2;
      }
    } else hasRef = true;
    nals++;
    if (p >= e) break;
    const sep = b[p];
    if (sep !== 47 /* / */ && sep !== 124 /* | */) break;
    p++;
    if (p >= e) { gtOut.ial = 0; gtOut.jal = 0; return GT_UNKN; } // "0/" ends in an empty (missing) allele
  }
  gtOut.ial = ial > 0 ? ial - 1 : ial;
  gtOut.jal = jal > 0 ? jal - 1 : jal;
  if (nals === 1) return hasRef ? GT_HAPL_R : GT_HAPL_A;
  if (!hasRef) return hasAlt === 1 ? GT_HOM_AA : GT_HET_AA;
  if (!hasAlt) return GT_HOM_RR;
  return GT_HET_RA;
}

/**
 * Add the allele counts of the GT text [s, e) to `ac` (bcf_calc_ac's genotype branch): missing
 * alleles are skipped; an allele index beyond the record's alleles is an error.
 * Returns -1 when the allele at index >= nAllele is found (its value in gtBadAllele).
 */
export let gtBadAllele = 0;
export function gtCount(b: Buffer, s: number, e: number, ac: Int32Array, nAllele: number): number {
  let p = s;
  while (p < e) {
    if (b[p] === 46) {
      p++;
    } else {
      let v = 0;
      const d0 = p;
      while (p < e) {
        const d = b[p] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        p++;
      }
      if (p === d0) return 0;
      if (v >= nAllele) { gtBadAllele = v; return -1; }
      ac[v]++;
    }
    if (p >= e) break;
    const sep = b[p];
    if (sep !== 47 && sep !== 124) break;
    p++;
  }
  return 0;
}

/** Integer parse as htslib hts_str2int on [s, e): value or null (missing/unparsable/extreme). */
export function parseIntField(b: Buffer, s: number, e: number): number | null {
  let p = s;
  if (p >= e) return null;
  let neg = false;
  if (b[p] === 45 || b[p] === 43) { neg = b[p] === 45; p++; }
  let v = 0;
  const d0 = p;
  while (p < e) {
    const d = b[p] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    p++;
  }
  if (p === d0) return null;
  if (neg) v = -v;
  if (v < -2147483640 || v > 2147483647) return null;
  return v;
}

export interface InfoTypes {
  /** INFO/AC and INFO/AN are declared Integer */
  acInt: boolean;
  anInt: boolean;
  acDeclared: boolean;
  anDeclared: boolean;
  /** INFO/DP is declared Integer */
  dpInt: boolean;
  /** INFO/END is declared Integer */
  endInt: boolean;
}

export class Site {
  buf: Buffer = Buffer.alloc(0);
  s = 0;
  e = 0;
  lineNo = 0;
  file = '';
  /** start / end of columns 0..8 (CHROM..FORMAT); column 9 start = first sample */
  readonly cs = new Int32Array(10);
  readonly ce = new Int32Array(10);
  nCols = 0;
  /** incremented for every line, so per-line caches can tell lines apart */
  gen = 0;
  nAllele = 0;
  alS = new Int32Array(16);
  alE = new Int32Array(16);
  vtype = new Uint8Array(16);
  vn = new Int32Array(16);
  /** OR of the ALT alleles' types */
  lineType = 0;
  // INFO lookups (value ranges, -1 when absent)
  acS = -1; acE = -1; anS = -1; anE = -1; dpS = -1; dpE = -1; tagS = -1; tagE = -1; endS = -1; endE = -1;

  /** Locate the columns and classify the alleles. Returns the number of columns found (>= 8 needed). */
  set(buf: Buffer, s: number, e: number, lineNo: number, withFormat: boolean): number {
    this.buf = buf;
    this.s = s;
    this.e = e;
    this.lineNo = lineNo;
    this.gen++;
    const cs = this.cs;
    const ce = this.ce;
    let p = s;
    let k = 0;
    // CHROM..FILTER are short: one byte loop finds their 7 tabs
    cs[0] = s;
    for (; p < e; p++) {
      if (buf[p] === TAB) {
        ce[k] = p;
        cs[++k] = p + 1;
        if (k === 7) break;
      }
    }
    if (k < 7) {
      ce[k] = e;
      this.nCols = k + 1;
      return k + 1;
    }
    p++;
    cs[7] = p;
    if (!withFormat) {
      // where INFO ends is found only if a statistic reads past the wanted keys
      ce[7] = -1;
      this.nCols = 8;
    } else {
      let t = buf.indexOf(TAB, p);
      if (t < 0 || t > e) t = e;
      ce[7] = t;
      if (t >= e) {
        this.nCols = 8;
      } else {
        p = t + 1;
        cs[8] = p;
        while (p < e && buf[p] !== TAB) p++;
        ce[8] = p;
        if (p < e) {
          cs[9] = p + 1;
          this.nCols = 10;
        } else this.nCols = 9;
      }
    }
    this.alleles();
    return this.nCols;
  }

  private alleles(): void {
    const b = this.buf;
    const rs = this.cs[3], re = this.ce[3];
    const as = this.cs[4], ae = this.ce[4];
    this.alS[0] = rs;
    this.alE[0] = re;
    this.vtype[0] = VT_REF;
    this.vn[0] = 0;
    let n = 1;
    let lt = 0;
    if (!(ae - as === 1 && b[as] === 46) && ae > as) {
      let p = as;
      for (;;) {
        let q = p;
        while (q < ae && b[q] !== COMMA) q++;
        if (n === this.alS.length) this.grow();
        this.alS[n] = p;
        this.alE[n] = q;
        const t = variantType(b, rs, re, p, q);
        this.vtype[n] = t;
        this.vn[n] = varN;
        lt |= t;
        n++;
        if (q >= ae) break;
        p = q + 1;
      }
    }
    this.nAllele = n;
    this.lineType = lt;
  }

  private grow(): void {
    const m = this.alS.length * 2;
    const s = new Int32Array(m); s.set(this.alS); this.alS = s;
    const e = new Int32Array(m); e.set(this.alE); this.alE = e;
    const t = new Uint8Array(m); t.set(this.vtype); this.vtype = t;
    const v = new Int32Array(m); v.set(this.vn); this.vn = v;
  }

  get chrom(): string { return latin1(this.buf, this.cs[0], this.ce[0]); }

  get pos(): number {
    const b = this.buf;
    let v = 0;
    for (let i = this.cs[1]; i < this.ce[1]; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return v;
  }

  /** is the ID column "." */
  get novel(): boolean {
    return this.ce[2] - this.cs[2] === 1 && this.buf[this.cs[2]] === 46;
  }

  /** QUAL as a C float; NaN when missing */
  qual(): number {
    const b = this.buf;
    const s = this.cs[5], e = this.ce[5];
    if (e - s === 1 && b[s] === 46) return NaN;
    // fast path: [digits][.digits]
    let m = 0;
    let frac = -1;
    let p = s;
    let nd = 0;
    for (; p < e; p++) {
      const c = b[p];
      if (c === 46 && frac < 0) { frac = 0; continue; }
      const d = c - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      nd++;
      if (frac >= 0) frac++;
    }
    if (p === e && nd > 0 && nd <= 15) {
      return f32(frac > 0 ? m / POW10[frac] : m);
    }
    return f32(strtodPrefix(b, s, e).v);
  }

  /** ALT text of allele i (1-based ALT index) */
  allele(i: number): string { return latin1(this.buf, this.alS[i], this.alE[i]); }

  /**
   * Find the INFO values of AC, AN, DP, END and `tag` (first occurrence each). Stops as soon
   * as every wanted key was seen.
   */
  scanInfo(wantAc: boolean, wantDp: boolean, wantEnd: boolean, tag: Buffer | null): void {
    let acS = -1, acE = -1, anS = -1, anE = -1, dpS = -1, dpE = -1, tagS = -1, tagE = -1, endS = -1, endE = -1;
    const b = this.buf;
    const s = this.cs[7];
    const known = this.ce[7] >= 0;
    const e = known ? this.ce[7] : this.e;
    let need = (wantAc ? 2 : 0) + (wantDp ? 1 : 0) + (wantEnd ? 1 : 0) + (tag ? 1 : 0);
    const tl = tag ? tag.length : 0;
    let p = s;
    if (need && !(b[s] === 46 && (s + 1 === e || b[s + 1] === TAB))) {
      while (p < e) {
        // key: up to '=', ';' or the end of INFO
        let q = p;
        let c = 0;
        while (q < e) {
          c = b[q];
          if (c === 61 /* = */ || c === SEMI || c === TAB) break;
          q++;
        }
        const klen = q - p;
        const hasVal = q < e && c === 61;
        const vs = hasVal ? q + 1 : q;
        // end of the value: mostly short, a byte loop; memchr for long ones (ANN, CSQ)
        let ve = vs;
        let atEnd = q >= e || c === TAB;
        if (hasVal) {
          const lim = vs + 24 < e ? vs + 24 : e;
          while (ve < lim) {
            c = b[ve];
            if (c === SEMI || c === TAB) break;
            ve++;
          }
          if (ve === lim && ve < e) {
            let t = b.indexOf(SEMI, ve);
            if (t < 0 || t > e) t = e;
            if (!known) {
              const tab = b.indexOf(TAB, ve);
              if (tab >= 0 && tab < t) t = tab;
            }
            ve = t;
          }
          atEnd = ve >= e || b[ve] === TAB;
        }
        if (klen === 2) {
          const c0 = b[p], c1 = b[p + 1];
          if (c0 === 65) {
            if (wantAc && c1 === 67 && acS < 0) { acS = vs; acE = ve; need--; }
            else if (wantAc && c1 === 78 && anS < 0) { anS = vs; anE = ve; need--; }
          } else if (wantDp && c0 === 68 && c1 === 80 && dpS < 0) { dpS = vs; dpE = ve; need--; }
        } else if (klen === 3 && wantEnd && endS < 0 && b[p] === 69 && b[p + 1] === 78 && b[p + 2] === 68) {
          endS = vs; endE = ve; need--;
        }
        if (tl && klen === tl && tagS < 0 && b.compare(tag!, 0, tl, p, q) === 0) { tagS = vs; tagE = ve; need--; }
        if (need <= 0 || atEnd) break;
        p = ve + 1;
      }
    }
    this.acS = acS; this.acE = acE; this.anS = anS; this.anE = anE; this.dpS = dpS; this.dpE = dpE;
    this.tagS = tagS; this.tagE = tagE; this.endS = endS; this.endE = endE;
  }

  error(code: string, message: string): VcfError {
    return new VcfError(code, message, { file: this.file, line: this.lineNo || undefined });
  }

  where(): string {
    return `${this.chrom}:${this.pos}`;
  }
}

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

/** A reusable list of integer values; NaN marks a missing value. */
export class IntList {
  v = new Float64Array(16);
  n = 0;
}

/** Parse the comma-separated integer values of [s, e) as htslib stores them (missing: NaN). */
export function intList(b: Buffer, s: number, e: number, out: IntList): number {
  out.n = 0;
  if (s > e) return 0;
  let p = s;
  let n = 0;
  for (;;) {
    let q = p;
    while (q < e && b[q] !== COMMA) q++;
    if (n === out.v.length) {
      const t = new Float64Array(n * 2);
      t.set(out.v);
      out.v = t;
    }
    const x = b[p] === 46 && q - p === 1 ? null : parseIntField(b, p, q);
    out.v[n++] = x === null ? NaN : x;
    if (q >= e) break;
    p = q + 1;
  }
  out.n = n;
  return n;
}

export { COLON, TAB };
