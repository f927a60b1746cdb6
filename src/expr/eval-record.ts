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

  /** FORMAT keys located together in one pass over the sample columns */
  private wanted: string[] = [];

  constructor(nsmpl: number, smap: number[] | null) {
    this.nsmpl = nsmpl;
    this.smap = smap ? Int32Array.from(smap) : null;
    this.colStart = new Int32Array(8);
    this.colEnd = new Int32Array(8);
  }

  /** declare the FORMAT keys an expression reads, so that they are located in a single pass */
  want(keys: Iterable<string>): void {
    for (const k of keys) if (!this.wanted.includes(k)) this.wanted.push(k);
  }

  private slot(key: string): RangeSlot {
    let slot = this.ranges.get(key);
    if (!slot) {
      slot = { stamp: 0, present: false, r: { starts: new Int32Array(this.nsmpl), ends: new Int32Array(this.nsmpl) } };
      this.ranges.set(key, slot);
    }
    return slot;
  }

  /** locate every wanted key in one pass over each sample column */
  private fillWanted(): void {
    const keys = this.formatKeys();
    const bySlot: Array<RangeSlot | undefined> = [];
    let maxK = -1;
    for (const w of this.wanted) {
      const slot = this.slot(w);
      slot.stamp = this.stamp;
      const k = keys.indexOf(w);
      slot.present = k >= 0;
      if (k >= 0) {
        bySlot[k] = slot;
        if (k > maxK) maxK = k;
      }
    }
    if (maxK < 0) return;
    const n = this.nsmpl;
    const buf = this.buf;
    if (!this.smap && this.ncol < 0) {
      // sample columns in file order: one walk along the line, no separate column pass
      const end = this.rec.end;
      let p = this.rec.samplesStart;
      for (let i = 0; i < n; i++) {
        let q = p;
        let f = 0;
        if (q >= 0) {
          for (; f <= maxK; f++) {
            let t = q;
            while (t < end) {
              const c = buf[t];
              if (c === COLON || c === 9) break;
              t++;
            }
            const slot = bySlot[f];
            if (slot) { slot.r.starts[i] = q; slot.r.ends[i] = t; }
            if (t >= end || buf[t] === 9) { q = t; f++; break; }
            q = t + 1;
          }
        }
        for (; f <= maxK; f++) {
          const slot = bySlot[f];
          if (slot) { slot.r.starts[i] = -1; slot.r.ends[i] = -1; }
        }
        if (p < 0) continue;
        let t = q < end ? buf.indexOf(9, q) : -1;
        if (t >= end) t = -1;
        p = t < 0 ? -1 : t + 1;
      }
      return;
    }
    const ncol = this.columns();
    const cs = this.colStart, ce = this.colEnd;
    const smap = this.smap;
    for (let i = 0; i < n; i++) {
      const c = smap ? smap[i] : i;
      let p = c < ncol ? cs[c] : -1;
      const e = c < ncol ? ce[c] : -1;
      for (let f = 0; f <= maxK; f++) {
        const slot = bySlot[f];
        if (p < 0) {
          if (slot) { slot.r.starts[i] = -1; slot.r.ends[i] = -1; }
          continue;
        }
        let t = p;
        while (t < e && buf[t] !== COLON) t++;
        if (slot) { slot.r.starts[i] = p; slot.r.ends[i] = t; }
        p = t < e ? t + 1 : -1;
      }
    }
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
    if (this.wanted.length > 1 && this.wanted.includes(key)) {
      this.fillWanted();
      slot = this.ranges.get(key)!;
      return slot.present ? slot.r : null;
    }
    const n = this.nsmpl;
    if (!slot) slot = this.slot(key);
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
    if (!isFloat && this.singleInts(r, out)) return 1;
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

  /** one integer per sample (the common case), parsed in a single pass; false when a field has a comma */
  private singleInts(r: FieldRanges, out: { v: Float64Array }): boolean {
    const n = this.nsmpl;
    const buf = this.buf;
    if (out.v.length < n) out.v = new Float64Array(Math.max(n, 16));
    const v = out.v;
    for (let i = 0; i < n; i++) {
      const s = r.starts[i];
      const e = r.ends[i];
      if (s < 0 || e === s) { v[i] = MISS; continue; }
      let p = s;
      let neg = false;
      let c = buf[p];
      if (c === 45 || c === 43) { neg = c === 45; p++; }
      let x = 0;
      let digits = false;
      while (p < e) {
        c = buf[p];
        if (c < 48 || c > 57) break;
        x = x * 10 + (c - 48);
        digits = true;
        p++;
      }
      if (p < e) {
        // a comma means several values: the general path
        for (let q = p; q < e; q++) if (buf[q] === COMMA) return false;
        if (!digits) { v[i] = MISS; continue; }
      }
      v[i] = digits ? (neg ? -x : x) : MISS;
    }
    return true;
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
    // one pass assuming at most diploid genotypes; redone with the real ploidy when one is larger
    if (!this.parseGTWith(r, 2)) {
      let ploidy = 1;
      const buf = this.buf;
      for (let i = 0; i < this.nsmpl; i++) {
        const s = r.starts[i];
        if (s < 0) continue;
        let c = 1;
        for (let p = s + 1, e = r.ends[i]; p < e; p++) if (buf[p] === SLASH || buf[p] === PIPE) c++;
        if (c > ploidy) ploidy = c;
      }
      this.parseGTWith(r, ploidy);
    }
  }

  /** parse GT with `ploidy` codes per sample; false when a sample has more alleles */
  private parseGTWith(r: FieldRanges, ploidy: number): boolean {
    const n = this.nsmpl;
    const buf = this.buf;
    if (this.gt.length < n * ploidy) this.gt = new Int32Array(n * ploidy);
    const gt = this.gt;
    let maxp = 1;
    for (let i = 0; i < n; i++) {
      const o = i * ploidy;
      let p = r.starts[i];
      const e = r.ends[i];
      if (p < 0 || p === e) {
        gt[o] = 0;
        for (let j = 1; j < ploidy; j++) gt[o + j] = GT_VEND;
        continue;
      }
      let phased = 0;
      const c0 = buf[p];
      if (c0 === PIPE || c0 === SLASH) { phased = c0 === PIPE ? 1 : 0; p++; }
      let j = 0;
      for (;;) {
        let val = 0;
        let digits = false;
        let dot = false;
        let c = 0;
        while (p < e && (c = buf[p]) !== SLASH && c !== PIPE) {
          if (c >= 48 && c <= 57) { val = val * 10 + (c - 48); digits = true; }
          else if (c === DOT) dot = true;
          p++;
        }
        if (j >= ploidy) return false;
        gt[o + j] = ((digits && !(dot && !digits) ? val + 1 : 0) << 1) | phased;
        j++;
        if (p >= e) break;
        phased = buf[p] === PIPE ? 1 : 0;
        p++;
      }
      if (j > maxp) maxp = j;
      for (; j < ploidy; j++) gt[o + j] = GT_VEND;
    }
    // the stored ploidy is the largest one seen (htslib pads to the record's maximum)
    if (maxp < ploidy) {
      // compact to the real maximum so consumers see htslib's layout
      for (let i = 0; i < n; i++) for (let j = 0; j < maxp; j++) gt[i * maxp + j] = gt[i * ploidy + j];
    }
    this.gtPloidy = maxp;
    return true;
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
