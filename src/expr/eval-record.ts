/**
 * Record access for the expression evaluator: the values of one VCF record decoded the way htslib
 * decodes them into BCF (typed INFO/FORMAT values, float32 floats, GT as allele codes), touching
 * only the fields an expression needs. One instance is reused for every record of a file.
 */
import type { VcfRecord } from '../vcf/record.js';
import { latin1 } from '../vcf/bytes.js';
import { MISS, VEND } from './types.js';

/** htslib GT encoding: (allele+1)<<1 | phased; 0/1 = missing allele; GT_VEND = shorter ploidy. */
export const GT_VEND = -2147483647;
export const INT32_MISSING = -2147483648;

const COLON = 58, COMMA = 44, SLASH = 47, PIPE = 124, DOT = 46;

export interface FieldRanges {
  /** byte offset of the field in each sample, -1 when the sample has no such field */
  starts: Int32Array;
  ends: Int32Array;
}

interface RangeSlot { stamp: number; present: boolean; r: FieldRanges }

export class RecordAccess {
  rec!: VcfRecord;
  buf!: Buffer;
  /** number of samples the filter sees */
  readonly nsmpl: number;
  /** filter sample i -> sample column of the record (null = identity) */
  readonly smap: Int32Array | null;
  private fmtKeys: string[] | null = null;
  /** per FORMAT key: byte ranges in each sample, valid for the record with the same stamp */
  private ranges = new Map<string, RangeSlot>();
  private stamp = 0;
  /** sample column boundaries of the current record (-1 = not located yet) */
  private colStart: Int32Array;
  private colEnd: Int32Array;
  private ncol = -1;
  private gtDone = false;
  private gt: Int32Array = new Int32Array(0);
  private gtPloidy = 0;
  private varTypeCache = -1;
  /** variant types per ALT (htslib VCF_* bits), computed on demand */
  altTypes: number[] = [];

  constructor(nsmpl: number, smap: number[] | null) {
    this.nsmpl = nsmpl;
    this.smap = smap ? Int32Array.from(smap) : null;
    this.colStart = new Int32Array(8);
    this.colEnd = new Int32Array(8);
  }

  reset(rec: VcfRecord): void {
    this.rec = rec;
    this.buf = rec.buf;
    this.fmtKeys = null;
    this.stamp++;
    this.ncol = -1;
    this.gtDone = false;
    this.varTypeCache = -1;
  }

  get file(): string | undefined { return this.rec.file; }
  get line(): number { return this.rec.lineNo; }

  formatKeys(): string[] {
    if (!this.fmtKeys) this.fmtKeys = this.rec.formatKeys;
    return this.fmtKeys;
  }

  hasFormatKey(key: string): boolean {
    return this.formatKeys().indexOf(key) >= 0;
  }

  /** locate all sample columns of the record in one pass */
  private columns(): number {
    if (this.ncol >= 0) return this.ncol;
    const rec = this.rec;
    const buf = this.buf;
    let s = rec.samplesStart;
    let n = 0;
    if (s >= 0) {
      const end = rec.end;
      for (;;) {
        if (n >= this.colStart.length) {
          const a = new Int32Array(this.colStart.length * 2); a.set(this.colStart); this.colStart = a;
          const b = new Int32Array(this.colEnd.length * 2); b.set(this.colEnd); this.colEnd = b;
        }
        let t = s;
        while (t < end && buf[t] !== 9) t++;
        this.colStart[n] = s;
        this.colEnd[n] = t;
        n++;
        if (t >= end) break;
        s = t + 1;
      }
    }
    this.ncol = n;
    return n;
  }

  /** Byte ranges of FORMAT field `key` in every filter sample, or null when FORMAT lacks the key. */
  fieldRanges(key: string): FieldRanges | null {
    let slot = this.ranges.get(key);
    if (slot && slot.stamp === this.stamp) return slot.present ? slot.r : null;
    const n = this.nsmpl;
    if (!slot) {
      slot = { stamp: 0, present: false, r: { starts: new Int32Array(n), ends: new Int32Array(n) } };
      this.ranges.set(key, slot);
    }
    slot.stamp = this.stamp;
    const k = this.formatKeys().indexOf(key);
    if (k < 0) { slot.present = false; return null; }
    slot.present = true;
    const { starts, ends } = slot.r;
    const buf = this.buf;
    const ncol = this.columns();
    const cs = this.colStart, ce = this.colEnd;
    const smap = this.smap;
    for (let i = 0; i < n; i++) {
      const c = smap ? smap[i] : i;
      if (c >= ncol) { starts[i] = -1; ends[i] = -1; continue; }
      let p = cs[c];
      const e = ce[c];
      // bounded scans: indexOf would run past the sample into the rest of the batch buffer
      let f = 0;
      while (f < k) {
        while (p < e && buf[p] !== COLON) p++;
        if (p >= e) { p = -1; break; }
        p++;
        f++;
      }
      if (p < 0) { starts[i] = -1; ends[i] = -1; continue; }
      let t = p;
      while (t < e && buf[t] !== COLON) t++;
      starts[i] = p;
      ends[i] = t;
    }
    return slot.r;
  }

  /** raw text of a FORMAT field in a sample ('' when absent) */
  fieldText(r: FieldRanges, i: number): string {
    const s = r.starts[i];
    return s < 0 ? '' : latin1(this.buf, s, r.ends[i]);
  }

  /**
   * Numeric FORMAT values as htslib stores them: per sample `width` values, the first missing and
   * the rest vector-end for a missing/absent field. Returns the width (max values per sample).
   */
  formatNumbers(key: string, isFloat: boolean, out: { v: Float64Array }): number {
    const r = this.fieldRanges(key);
    if (!r) return -1;
    const n = this.nsmpl;
    const buf = this.buf;
    // width = max number of comma-separated values
    let width = 1;
    for (let i = 0; i < n; i++) {
      const s = r.starts[i];
      if (s < 0) continue;
      let c = 1;
      for (let p = s, e = r.ends[i]; p < e; p++) if (buf[p] === COMMA) c++;
      if (c > width) width = c;
    }
    if (out.v.length < n * width) out.v = new Float64Array(n * width);
    const v = out.v;
    for (let i = 0; i < n; i++) {
      const o = i * width;
      const s = r.starts[i];
      if (s < 0 || r.ends[i] === s) {
        v[o] = MISS;
        for (let j = 1; j < width; j++) v[o + j] = VEND;
        continue;
      }
      let j = 0;
      let p = s;
      const e = r.ends[i];
      while (p <= e && j < width) {
        let q = p;
        while (q < e && buf[q] !== COMMA) q++;
        v[o + j] = parseNum(buf, p, q, isFloat);
        j++;
        p = q + 1;
      }
      // a lone "." stands for the whole vector: first missing, rest vector-end (htslib)
      for (; j < width; j++) v[o + j] = VEND;
    }
    return width;
  }

  /** Genotypes in htslib encoding, `ploidy` codes per sample; null when the record has no GT. */
  genotypes(): { gt: Int32Array; ploidy: number } | null {
    if (!this.gtDone) this.parseGT();
    return this.gtPloidy > 0 ? { gt: this.gt, ploidy: this.gtPloidy } : null;
  }

  private parseGT(): void {
    this.gtDone = true;
    this.gtPloidy = 0;
    const r = this.fieldRanges('GT');
    if (!r) return;
    const n = this.nsmpl;
    const buf = this.buf;
    let ploidy = 1;
    for (let i = 0; i < n; i++) {
      const s = r.starts[i];
      if (s < 0) continue;
      let c = 1;
      for (let p = s + 1, e = r.ends[i]; p < e; p++) if (buf[p] === SLASH || buf[p] === PIPE) c++;
      if (c > ploidy) ploidy = c;
    }
    if (this.gt.length < n * ploidy) this.gt = new Int32Array(n * ploidy);
    const gt = this.gt;
    for (let i = 0; i < n; i++) {
      const o = i * ploidy;
      let s = r.starts[i];
      const e = r.ends[i];
      if (s < 0 || s === e) {
        gt[o] = 0;
        for (let j = 1; j < ploidy; j++) gt[o + j] = GT_VEND;
        continue;
      }
      let phased = 0;
      if (buf[s] === PIPE || buf[s] === SLASH) { phased = buf[s] === PIPE ? 1 : 0; s++; }
      let j = 0;
      let p = s;
      for (;;) {
        let q = p;
        let a = -1;
        let digits = false;
        let val = 0;
        while (q < e && buf[q] !== SLASH && buf[q] !== PIPE) {
          const c = buf[q];
          if (c >= 48 && c <= 57) { val = val * 10 + (c - 48); digits = true; }
          q++;
        }
        if (digits && !(q - p === 1 && buf[p] === DOT)) a = val;
        gt[o + j] = ((a + 1) << 1) | phased;
        j++;
        if (q >= e || j >= ploidy) break;
        phased = buf[q] === PIPE ? 1 : 0;
        p = q + 1;
      }
      for (; j < ploidy; j++) gt[o + j] = GT_VEND;
    }
    this.gtPloidy = ploidy;
  }

  /** htslib's bcf_get_variant_types bitmask for the record (0 = ref). */
  variantTypes(): number {
    if (this.varTypeCache < 0) {
      const ref = this.rec.ref;
      const alts = this.rec.alt;
      let t = 0;
      this.altTypes = new Array(alts.length);
      for (let i = 0; i < alts.length; i++) {
        const ty = alleleType(ref, alts[i]);
        this.altTypes[i] = ty;
        t |= ty;
      }
      this.varTypeCache = t;
    }
    return this.varTypeCache;
  }
}

/** Parse one VCF number the way htslib does (strtol / strtod→float); '.' or garbage → MISS. */
export function parseNum(buf: Buffer, s: number, e: number, isFloat: boolean): number {
  if (e <= s) return MISS;
  if (e - s === 1 && buf[s] === DOT) return MISS;
  if (!isFloat) {
    let p = s;
    let neg = false;
    if (buf[p] === 45 || buf[p] === 43) { neg = buf[p] === 45; p++; }
    let v = 0;
    let any = false;
    while (p < e) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      any = true;
      p++;
    }
    if (!any) return MISS;
    return neg ? -v : v;
  }
  return Math.fround(strtod(latin1(buf, s, e)));
}

/** C strtod on a whole token (prefix parse; "inf"/"nan" accepted); garbage → MISS. */
export function strtod(s: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^\s*[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(s);
  if (!m) return MISS;
  const t = m[0].trim();
  const low = t.toLowerCase();
  const neg = low.startsWith('-');
  const body = low.replace(/^[+-]/, '');
  if (body.startsWith('inf')) return neg ? -Infinity : Infinity;
  if (body.startsWith('nan')) return NaN;
  if (body.startsWith('0x')) return (neg ? -1 : 1) * parseHexFloat(body.slice(2));
  return Number(t);
}

function parseHexFloat(h: string): number {
  const m = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(h);
  if (!m) return NaN;
  let v = m[1] ? parseInt(m[1], 16) : 0;
  if (m[2]) for (let i = 0; i < m[2].length; i++) v += parseInt(m[2][i], 16) / Math.pow(16, i + 1);
  if (m[3]) v *= Math.pow(2, Number(m[3]));
  return v;
}

// htslib variant type bits
export const VCF_REF = 0, VCF_SNP = 1, VCF_MNP = 2, VCF_INDEL = 4, VCF_OTHER = 8, VCF_BND = 16, VCF_OVERLAP = 32;

function up(c: string): string { return c >= 'a' && c <= 'z' ? String.fromCharCode(c.charCodeAt(0) - 32) : c; }

/** htslib bcf_set_variant_type for one REF/ALT pair. */
export function alleleType(ref: string, alt: string): number {
  if (alt === '*') return VCF_OVERLAP;
  if (ref.length === 1 && alt.length === 1) {
    if (alt === '.' || ref === alt) return VCF_REF;
    if (alt === 'X') return VCF_REF;
    return VCF_SNP;
  }
  if (alt[0] === '<') {
    if (alt === '<X>' || alt === '<*>' || alt === '<NON_REF>') return VCF_REF;
    return VCF_OTHER;
  }
  if (alt[0] === ']' || alt[0] === '[') return VCF_BND;
  let r = 0, a = 0;
  while (r < ref.length && a < alt.length && up(ref[r]) === up(alt[a])) { r++; a++; }
  if (a < alt.length && r >= ref.length) {
    if (alt[a] === ']' || alt[a] === '[') return VCF_BND;
    return VCF_INDEL;
  }
  if (r < ref.length && a >= alt.length) return VCF_INDEL;
  if (r >= ref.length && a >= alt.length) return VCF_REF;
  let re = ref.length - 1, ae = alt.length - 1;
  while (re > r && ae > a && up(ref[re]) === up(alt[ae])) { re--; ae--; }
  if (ae === a) {
    if (re === r) return VCF_SNP;
    if (up(ref[re]) === up(alt[ae])) return VCF_INDEL;
    return VCF_OTHER;
  }
  if (re === r) {
    if (up(ref[re]) === up(alt[ae])) return VCF_INDEL;
    return VCF_OTHER;
  }
  return re - r === ae - a ? VCF_MNP : VCF_OTHER;
}
