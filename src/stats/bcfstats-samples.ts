/**
 * Sample columns of one line for `stats`: FORMAT key positions (cached while FORMAT repeats) and
 * one pass over the sample columns giving, per column, the genotype class as htslib's
 * bcf_gt_type, the first DP value and where GT and AD are.
 */
import { COLON, GT_HET_AA, GT_HET_RA, GT_HOM_AA, GT_HOM_RR, GT_UNKN, Site, TAB, gtOut, gtType, parseIntField } from './bcfstats-site.js';

/**
 * Per-sample FORMAT data of one line, in one pass over the sample columns: the GT class and
 * alleles (bcf_gt_type), the first DP value, and where GT and AD are (AD only when the line needs
 * it). Indexed by sample column.
 */
export class SampleFields {
  n = 0;
  /** where each column's GT starts (-1: none); it ends at the next ':' or tab (gtEnd) */
  gtS = new Int32Array(0);
  /** GT class (GT_*; -2: not a genotype) and the alleles bcf_gt_type reports */
  gc = new Int8Array(0); ga = new Int32Array(0); gb = new Int32Array(0);
  /** first DP value, NaN when missing */
  dpv = new Float64Array(0);
  adS = new Int32Array(0); adE = new Int32Array(0);
  /** the largest allele index among the genotypes */
  maxAllele = 0;
  /** a GT that is not a genotype was seen */
  bad = false;
  /** the columns whose genotype is not hom-ref (ascending), and how many */
  nz = new Int32Array(0);
  nnz = 0;
  gi = -1; di = -1; ai = -1;
  /** FORMAT text of the last line whose key indexes are cached */
  private fmt = Buffer.alloc(256);
  private fmtLen = -1;

  ensure(n: number): void {
    if (this.gtS.length >= n) return;
    const m = Math.max(n, 4);
    this.gtS = new Int32Array(m);
    this.gc = new Int8Array(m); this.ga = new Int32Array(m); this.gb = new Int32Array(m);
    this.dpv = new Float64Array(m);
    this.adS = new Int32Array(m); this.adE = new Int32Array(m);
    this.nz = new Int32Array(m);
  }

  /** FORMAT key indexes of GT, DP and AD for this line */
  keys(site: Site): void {
    const b = site.buf;
    if (site.nCols < 9) { this.gi = this.di = this.ai = -1; this.fmtLen = -1; return; }
    const s = site.cs[8], e = site.ce[8];
    const len = e - s;
    if (len === this.fmtLen && b.compare(this.fmt, 0, len, s, e) === 0) return;
    if (len > this.fmt.length) this.fmt = Buffer.alloc(len * 2);
    b.copy(this.fmt, 0, s, e);
    this.fmtLen = len;
    this.gi = this.di = this.ai = -1;
    let k = 0;
    let p = s;
    while (p <= e) {
      let q = p;
      while (q < e && b[q] !== COLON) q++;
      const kl = q - p;
      if (kl === 2) {
        const c0 = b[p], c1 = b[p + 1];
        if (c0 === 71 && c1 === 84 && this.gi < 0) this.gi = k;
        else if (c0 === 68 && c1 === 80 && this.di < 0) this.di = k;
        else if (c0 === 65 && c1 === 68 && this.ai < 0) this.ai = k;
      }
      k++;
      p = q + 1;
    }
  }

  /** parse the first n sample columns */
  scan(site: Site, n: number, wantAd: boolean): void {
    this.ensure(n);
    this.n = n;
    this.bad = false;
    const b = site.buf;
    const e = site.e;
    const gi = this.gi, di = this.di, ai = wantAd ? this.ai : -1;
    const maxIdx = Math.max(gi, di, ai);
    const { gtS, gc, ga, gb, dpv, adS, adE } = this;
    let maxAl = 0;
    let p = site.nCols >= 10 ? site.cs[9] : e + 1;
    if (gi === 0 && di === 1 && (ai < 0 || ai > 1)) return this.scanGtDp(b, p, e, n, ai);
    const nz = this.nz;
    let nnz = 0;
    for (let k = 0; k < n; k++) {
      gtS[k] = -1; gc[k] = GT_UNKN; ga[k] = 0; gb[k] = 0; dpv[k] = NaN; adS[k] = -1;
      if (k > 0 && gc[k - 1] !== GT_HOM_RR) nz[nnz++] = k - 1;
      if (p > e) continue; // fewer sample columns than samples: all missing
      let f = 0;
      for (;;) {
        const fs = p;
        let c = 0;
        while (p < e) {
          c = b[p];
          if (c === COLON || c === TAB) break;
          p++;
        }
        if (f === gi) {
          gtS[k] = fs;
          const len = p - fs;
          const c0 = b[fs];
          if (len === 3 && (b[fs + 1] === 47 || b[fs + 1] === 124) && c0 >= 48 && c0 <= 57 && b[fs + 2] >= 48 && b[fs + 2] <= 57) {
            // the common diploid case, e.g. 0/1 or 1|1
            const x = c0 - 48, y = b[fs + 2] - 48;
            if (x === y) {
              gc[k] = x === 0 ? GT_HOM_RR : GT_HOM_AA;
              ga[k] = x;
            } else if (x === 0 || y === 0) {
              gc[k] = GT_HET_RA;
              ga[k] = x + y;
            } else {
              gc[k] = GT_HET_AA;
              ga[k] = x < y ? x : y;
              gb[k] = x < y ? y : x;
            }
          } else if (c0 === 46 || len === 0) {
            gc[k] = GT_UNKN;
          } else {
            const g = gtType(b, fs, p);
            if (g < 0) this.bad = true;
            gc[k] = g < 0 ? -2 : g;
            ga[k] = gtOut.ial;
            gb[k] = gtOut.jal;
          }
          if (ga[k] > maxAl) maxAl = ga[k];
          if (gb[k] > maxAl) maxAl = gb[k];
        } else if (f === di) {
          let v = 0;
          let q = fs;
          while (q < p) {
            const d = b[q] - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
            q++;
          }
          if (q === p && q > fs && q - fs < 10) dpv[k] = v;
          else if (!(p - fs === 1 && b[fs] === 46)) {
            let ce = fs;
            while (ce < p && b[ce] !== 44) ce++;
            const x = ce - fs === 1 && b[fs] === 46 ? null : parseIntField(b, fs, ce);
            dpv[k] = x === null ? NaN : x;
          }
        } else if (f === ai) {
          adS[k] = fs; adE[k] = p;
        }
        if (p >= e || c === TAB) { p++; break; }
        p++;
        if (++f > maxIdx) {
          while (p < e && b[p] !== TAB) p++;
          p++;
          break;
        }
      }
    }
    if (n > 0 && gc[n - 1] !== GT_HOM_RR) nz[nnz++] = n - 1;
    this.nnz = nnz;
    this.maxAllele = maxAl;
  }

  /** scan() for the most common layout, FORMAT GT:DP[:...]; AD located when ai >= 2 */
  private scanGtDp(b: Buffer, p: number, e: number, n: number, ai: number): void {
    const { gtS, gc, ga, gb, dpv, nz, adS, adE } = this;
    let maxAl = 0;
    let nnz = 0;
    for (let k = 0; k < n; k++) {
      if (p > e) {
        gtS[k] = -1; gc[k] = GT_UNKN; ga[k] = 0; gb[k] = 0; dpv[k] = NaN; adS[k] = -1;
        nz[nnz++] = k;
        continue;
      }
      // GT (the alleles of hom-ref genotypes are never read: not stored)
      const fs = p;
      gtS[k] = fs;
      const c0 = b[p];
      let c = 0;
      if (p + 3 <= e && (b[p + 1] === 47 || b[p + 1] === 124) && c0 >= 48 && c0 <= 57 && b[p + 2] >= 48 && b[p + 2] <= 57
        && (p + 3 === e || (c = b[p + 3]) === COLON || c === TAB)) {
        p += 3;
        const x = c0 - 48, y = b[fs + 2] - 48;
        if (x === 0 && y === 0) gc[k] = GT_HOM_RR;
        else {
          nz[nnz++] = k;
          if (x === y) {
            gc[k] = GT_HOM_AA;
            ga[k] = x;
            gb[k] = 0;
          } else if (x === 0 || y === 0) {
            gc[k] = GT_HET_RA;
            ga[k] = x + y;
            gb[k] = 0;
          } else {
            gc[k] = GT_HET_AA;
            ga[k] = x < y ? x : y;
            gb[k] = x < y ? y : x;
          }
          if (x > maxAl) maxAl = x;
          if (y > maxAl) maxAl = y;
        }
      } else {
        while (p < e) {
          c = b[p];
          if (c === COLON || c === TAB) break;
          p++;
        }
        if (c0 === 46 || p === fs) {
          gc[k] = GT_UNKN; ga[k] = 0; gb[k] = 0;
          nz[nnz++] = k;
        } else {
          const g = gtType(b, fs, p);
          if (g < 0) this.bad = true;
          gc[k] = g < 0 ? -2 : g;
          ga[k] = gtOut.ial;
          gb[k] = gtOut.jal;
          if (g !== GT_HOM_RR) nz[nnz++] = k;
          if (ga[k] > maxAl) maxAl = ga[k];
          if (gb[k] > maxAl) maxAl = gb[k];
        }
      }
      if (p >= e || c === TAB) { dpv[k] = NaN; adS[k] = -1; p++; continue; }
      p++;
      // DP: digits up to ':' or the end of the sample
      const ds = p;
      let v = 0;
      c = 0;
      while (p < e) {
        c = b[p];
        const d = c - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        p++;
      }
      if (p < e && c !== COLON && c !== TAB) {
        // not a plain number: missing, negative, several values ...
        while (p < e) {
          c = b[p];
          if (c === COLON || c === TAB) break;
          p++;
        }
        let ce = ds;
        while (ce < p && b[ce] !== 44) ce++;
        const x = ce - ds === 1 && b[ds] === 46 ? null : parseIntField(b, ds, ce);
        dpv[k] = x === null ? NaN : x;
      } else {
        dpv[k] = p > ds && p - ds < 10 ? v : p > ds ? (parseIntField(b, ds, p) ?? NaN) : NaN;
      }
      // the rest of the sample column (and AD in it)
      if (ai >= 0) {
        adS[k] = -1;
        let f = 1;
        while (p < e && c !== TAB) {
          p++; // past ':'
          f++;
          const fs2 = p;
          c = 0;
          while (p < e) {
            c = b[p];
            if (c === COLON || c === TAB) break;
            p++;
          }
          if (f === ai) {
            adS[k] = fs2; adE[k] = p;
            if (p < e && c !== TAB) while (p < e && b[p] !== TAB) p++;
            break;
          }
        }
      } else if (p < e && c !== TAB) {
        while (p < e && b[p] !== TAB) p++;
      }
      p++;
    }
    this.nnz = nnz;
    this.maxAllele = maxAl;
  }
}

/** end of the GT text starting at s (the next ':' or tab, or the line end e) */
export function gtEnd(b: Buffer, s: number, e: number): number {
  let p = s;
  while (p < e && b[p] !== COLON && b[p] !== TAB) p++;
  return p;
}

