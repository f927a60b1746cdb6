/**
 * VCF text → BCF 2.2, with the choices htslib 1.16 makes (vcf_parse + bcf_write), so that bcftools
 * reads our BCF as the same records and the record bytes equal those of `bcftools view -Ob`:
 *
 * - header: the text with `IDX=n` added to every INFO/FILTER/FORMAT/contig line (dictionary numbers
 *   as htslib assigns them, PASS = 0), lines htslib ignores (duplicates) dropped, NUL-terminated.
 * - integers: the smallest of int8/int16/int32 holding every value of the vector (the 8 lowest
 *   values of each type are reserved: missing, vector-end, ...); a single value as a typed int.
 * - Number=1 INFO integers, INFO/END setting rlen, values htslib cannot parse stored as missing
 *   (integers outside the int32 range too), "-" as 0 for integers (hts_str2int), strtod for floats.
 * - FORMAT: per-field vectors padded to the longest sample with vector-end; missing trailing fields
 *   as missing; GT as (allele+1)<<1 | phased; strings padded with NULs to the longest value (htslib's
 *   length count includes the ':' before every field but the first).
 *
 * What bcftools refuses to write, we refuse too, with a located error: a contig, INFO, FORMAT or
 * FILTER not defined in the header, a record whose sample columns do not match the header, an
 * unreadable GT, a character that ends a FORMAT value early, a position beyond 2^31-2.
 */
import { VcfError, usageError } from '../errors.js';
import { latin1 } from '../bytes.js';
import { VcfHeader } from '../header.js';
import { strtodPrefix } from '../../expr/format-num.js';
import { OutputSink, type OutputType, type TextSink } from '../writer.js';
import { BcfDictionary, type DictEntry } from './dict.js';
import type { OpenedBcf } from './reader.js';
import {
  BT_CHAR, BT_FLOAT, BT_INT16, BT_INT32, BT_INT8, BT_NULL, FLOAT_MISSING, FLOAT_VECTOR_END, HT_FLAG, HT_INT, HT_REAL,
  HT_STR, INT16_MIN, INT8_MIN,
} from './types.js';

const MISSING = -2147483648;
const VECTOR_END = -2147483647;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** bits of a double rounded to float32 */
function floatBits(d: number): number {
  f32[0] = d;
  return u32[0];
}

/** A growable byte buffer for one record's blocks. */
class Bytes {
  b = Buffer.allocUnsafe(4096);
  n = 0;
  room(k: number): void {
    if (this.n + k <= this.b.length) return;
    let size = this.b.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.b.copy(nb, 0, 0, this.n);
    this.b = nb;
  }
  byte(x: number): void { this.room(1); this.b[this.n++] = x; }
  i16(x: number): void { this.room(2); this.b.writeInt16LE(x, this.n); this.n += 2; }
  i32(x: number): void { this.room(4); this.b.writeInt32LE(x | 0, this.n); this.n += 4; }
  u32(x: number): void { this.room(4); this.b.writeUInt32LE(x >>> 0, this.n); this.n += 4; }
  copy(src: Uint8Array, s: number, e: number): void {
    const k = e - s;
    this.room(k);
    if (k < 32) { const b = this.b; let n = this.n; for (let i = s; i < e; i++) b[n++] = src[i]; }
    else this.b.set(src.subarray(s, e), this.n);
    this.n += k;
  }
}

/** htslib bcf_enc_size */
function encSize(o: Bytes, size: number, type: number): void {
  if (size < 15) { o.byte((size << 4) | type); return; }
  o.byte((15 << 4) | type);
  if (size >= 128) {
    if (size >= 32768) { o.byte((1 << 4) | BT_INT32); o.i32(size); }
    else { o.byte((1 << 4) | BT_INT16); o.i16(size); }
  } else { o.byte((1 << 4) | BT_INT8); o.byte(size); }
}

/** htslib bcf_enc_int1 */
function encInt1(o: Bytes, x: number): void {
  if (x === VECTOR_END) { o.byte((1 << 4) | BT_INT8); o.byte(0x81); }
  else if (x === MISSING) { o.byte((1 << 4) | BT_INT8); o.byte(0x80); }
  else if (x <= 127 && x >= INT8_MIN) { o.byte((1 << 4) | BT_INT8); o.byte(x & 0xff); }
  else if (x <= 32767 && x >= INT16_MIN) { o.byte((1 << 4) | BT_INT16); o.i16(x); }
  else { o.byte((1 << 4) | BT_INT32); o.i32(x); }
}

/** htslib bcf_enc_vint: n values of a (wsize per sample for FORMAT, n for INFO/FILTER) */
function encVint(o: Bytes, n: number, a: Int32Array, wsize: number): void {
  if (n <= 0) { encSize(o, 0, BT_NULL); return; }
  if (n === 1) { encInt1(o, a[0]); return; }
  if (wsize <= 0) wsize = n;
  let max = MISSING, min = 2147483647;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v === MISSING || v === VECTOR_END) continue;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (max <= 127 && min >= INT8_MIN) {
    encSize(o, wsize, BT_INT8);
    o.room(n);
    const b = o.b;
    let p = o.n;
    for (let i = 0; i < n; i++) {
      const v = a[i];
      b[p++] = v === VECTOR_END ? 0x81 : v === MISSING ? 0x80 : v & 0xff;
    }
    o.n = p;
  } else if (max <= 32767 && min >= INT16_MIN) {
    encSize(o, wsize, BT_INT16);
    for (let i = 0; i < n; i++) {
      const v = a[i];
      o.i16(v === VECTOR_END ? -32767 : v === MISSING ? -32768 : v);
    }
  } else {
    encSize(o, wsize, BT_INT32);
    for (let i = 0; i < n; i++) o.i32(a[i]);
  }
}

function encVchar(o: Bytes, src: Uint8Array, s: number, e: number): void {
  encSize(o, e - s, BT_CHAR);
  o.copy(src, s, e);
}

/** hts_str2int (64 bits): value, or null when nothing was read; `end` after sign and digits */
interface IntRead { v: number; end: number; ok: boolean }
function str2int(b: Uint8Array, s: number, e: number, r: IntRead): void {
  let p = s;
  let neg = false;
  if (p < e && (b[p] === 45 || b[p] === 43)) { neg = b[p] === 45; p++; }
  let v = 0;
  let nd = 0;
  while (p < e && b[p] >= 48 && b[p] <= 57) { v = v * 10 + (b[p] - 48); p++; nd++; }
  r.end = p;
  // out of the int32 range (or of 64 bits): htslib stores missing
  r.ok = nd <= 18 && v <= (neg ? 2147483640 : 2147483647);
  r.v = neg ? -v : v;
  if (r.v === 0) r.v = 0;
}

function isDigit(c: number): boolean { return c >= 48 && c <= 57; }

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * C strtod on b[s, e): value and end offset (end === s: nothing read). Plain decimals of at most 15
 * digits are computed directly (digits / 10^k is correctly rounded, as strtod is; htslib's
 * hts_str2dbl does the same); everything else goes through the general parser.
 */
function strtod(b: Uint8Array, s: number, e: number, r: { v: number; end: number }): void {
  let p = s;
  let neg = false;
  if (p < e && (b[p] === 45 || b[p] === 43)) { neg = b[p] === 45; p++; }
  let n = 0;
  let nd = 0;
  let frac = -1;
  for (; p < e; p++) {
    const c = b[p];
    if (c >= 48 && c <= 57) { n = n * 10 + (c - 48); nd++; if (frac >= 0) frac++; }
    else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  const c = p < e ? b[p] : 0;
  if (nd === 0 || nd > 15 || c === 101 || c === 69 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (nd === 1 && n === 0 && c === 120)) {
    const x = strtodPrefix(b, s, e);
    r.v = x.v;
    r.end = x.end;
    return;
  }
  const v = frac > 0 ? n / POW10[frac] : n;
  r.v = neg ? -v : v;
  r.end = p;
}

export class BcfEncoder {
  private readonly file: string;
  private readonly nSamples: number;
  private readonly dict: BcfDictionary;
  private readonly shared = new Bytes();
  private readonly indiv = new Bytes();
  private ints = new Int32Array(64);
  private readonly ir: IntRead = { v: 0, end: 0, ok: true };
  private readonly dr = { v: 0, end: 0 };
  /** per FORMAT field of the current record */
  private fKey = new Int32Array(16);
  private fType = new Int32Array(16);
  private fGt = new Uint8Array(16);
  private fMaxM = new Int32Array(16);
  private fMaxL = new Int32Array(16);
  private fMaxG = new Int32Array(16);
  private sampleS = new Int32Array(16);
  private sampleE = new Int32Array(16);
  private lineNo = 0;
  private lineStart = 0;
  /** contig name → number, by their bytes (latin1 text) */
  private readonly ctg = new Map<string, number>();
  /** INFO/FORMAT/FILTER name → dictionary entry, by their bytes (latin1 text) */
  private readonly byBytes = new Map<string, DictEntry>();

  constructor(dict: BcfDictionary, nSamples: number, file: string) {
    this.dict = dict;
    this.nSamples = nSamples;
    this.file = file;
    dict.contigs.forEach((c, i) => { if (c !== undefined) this.ctg.set(Buffer.from(c, 'utf8').toString('latin1'), i); });
    for (const [name, e] of dict.byName) this.byBytes.set(Buffer.from(name, 'utf8').toString('latin1'), e);
  }

  private err(code: string, msg: string, at?: number): VcfError {
    return new VcfError(code, msg, { file: this.file, line: this.lineNo, column: at === undefined ? undefined : at - this.lineStart + 1 });
  }

  /** the dictionary entry of the name b[s, e) (looked up by its bytes, as latin1 text) */
  private entry(b: Buffer, s: number, e: number): DictEntry | undefined {
    return this.byBytes.get(latin1(b, s, e));
  }

  private tag(b: Buffer, s: number, e: number, kind: 'INFO' | 'FORMAT' | 'FILTER'): DictEntry {
    const d = this.entry(b, s, e);
    const type = d ? (kind === 'INFO' ? d.info : kind === 'FORMAT' ? d.fmt : 0) : -1;
    if (!d || type < 0) {
      throw this.err('BCF_UNDEFINED_TAG', `${kind}/${b.toString('utf8', s, e)} is not defined in the header: BCF output needs every INFO, FORMAT and FILTER tag declared (bcftools refuses the record too)`, s);
    }
    return d;
  }

  /**
   * Encode the VCF line b[s, e) (no newline) into `out` as one BCF record (the two length words,
   * the fixed fields, the shared and the FORMAT blocks).
   */
  encode(b: Buffer, s: number, e: number, lineNo: number, out: Bytes): void {
    this.lineNo = lineNo;
    this.lineStart = s;
    const sh = this.shared;
    const iv = this.indiv;
    sh.n = 0;
    iv.n = 0;
    // the tab-separated columns (kstrtok: empty columns count)
    const cols = this.cols;
    let nc = 0;
    let p = s;
    for (;;) {
      let t = b.indexOf(9, p);
      if (t < 0 || t > e) t = e;
      cols[2 * nc] = p;
      cols[2 * nc + 1] = t;
      nc++;
      if (t >= e || nc === 10) break;
      p = t + 1;
    }
    if (nc < 8) {
      throw new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${nc} tab-separated column${nc === 1 ? '' : 's'}, at least 8 are required`, { file: this.file, line: lineNo, column: e - s + 1 });
    }
    // CHROM
    const chrom = latin1(b, cols[0], cols[1]);
    const rid = this.ctg.get(chrom);
    if (rid === undefined) {
      throw this.err('BCF_UNDEFINED_CONTIG', `contig "${b.toString('utf8', cols[0], cols[1])}" is not defined in the header: BCF output needs every contig declared in a ##contig line (bcftools refuses the record too)`, cols[0]);
    }
    // POS (hts_str2uint, 62 bits)
    let q = cols[2];
    const pe = cols[3];
    if (q < pe && b[q] === 43) q++;
    let pos = 0;
    while (q < pe && isDigit(b[q])) { pos = pos * 10 + (b[q] - 48); q++; }
    if (q < pe) throw this.err('BCF_BAD_POS', `could not parse the position "${b.toString('utf8', cols[2], pe)}"`, cols[2]);
    const pos0 = pos - 1;
    if (pos0 >= 2147483647) throw this.err('BCF_POS_TOO_LARGE', `position ${pos} is beyond what BCF can store (2^31-1)`, cols[2]);
    // ID
    if (isDot(b, cols[4], cols[5])) encSize(sh, 0, BT_CHAR);
    else encVchar(sh, b, cols[4], cols[5]);
    // REF, ALT
    encVchar(sh, b, cols[6], cols[7]);
    let nAllele = 1;
    let rlen = cols[7] - cols[6];
    if (!isDot(b, cols[8], cols[9])) {
      let a = cols[8];
      const ae = cols[9];
      for (let r = a; ; r++) {
        if (r === ae || b[r] === 44) {
          encVchar(sh, b, a, r);
          nAllele++;
          if (nAllele > 65535) throw this.err('BCF_TOO_MANY_ALLELES', 'more than 65535 alleles', cols[8]);
          a = r + 1;
          if (r === ae) break;
        }
      }
    }
    // QUAL (atof)
    let qual = FLOAT_MISSING;
    if (!isDot(b, cols[10], cols[11])) {
      const r = this.dr;
      strtod(b, cols[10], cols[11], r);
      qual = floatBits(r.end === cols[10] ? 0 : r.v);
    }
    // FILTER
    if (isDot(b, cols[12], cols[13])) encVint(sh, 0, this.ints, -1);
    else this.filters(b, cols[12], cols[13]);
    // INFO
    let nInfo = 0;
    if (!isDot(b, cols[14], cols[15])) {
      const r = this.info(b, cols[14], cols[15], pos0);
      nInfo = r.n;
      if (r.rlen >= 0) rlen = r.rlen;
    }
    // FORMAT and samples
    let nFmt = 0;
    let nSample = 0;
    if (nc > 8 && this.nSamples > 0) {
      if (nc < 10) throw this.err('BCF_SAMPLE_COUNT', `FORMAT column with no sample columns, the header names ${this.nSamples} sample${this.nSamples === 1 ? '' : 's'}`, cols[16]);
      nSample = this.nSamples;
      if (!isDot(b, cols[16], cols[17])) nFmt = this.format(b, cols[16], cols[17], cols[18], e);
    }
    if (nSample !== this.nSamples) {
      throw this.err('BCF_SAMPLE_COUNT', `the record has no FORMAT and sample columns but the header names ${this.nSamples} sample${this.nSamples === 1 ? '' : 's'} (bcftools refuses it too)`);
    }
    // the record
    out.u32(sh.n + 24);
    out.u32(iv.n);
    out.i32(rid);
    out.u32(pos0 >>> 0);
    out.i32(rlen);
    out.u32(qual);
    out.room(8);
    out.b.writeUInt16LE(nInfo, out.n);
    out.b.writeUInt16LE(nAllele, out.n + 2);
    out.b.writeUInt32LE(((nFmt << 24) | (nSample & 0xffffff)) >>> 0, out.n + 4);
    out.n += 8;
    out.copy(sh.b, 0, sh.n);
    out.copy(iv.b, 0, iv.n);
  }

  private cols = new Int32Array(20);

  private needInts(n: number): Int32Array {
    if (this.ints.length < n) this.ints = new Int32Array(Math.max(n, 2 * this.ints.length));
    return this.ints;
  }

  /** vcf_parse_filter: names split on ';' (one trailing ';' ignored), each a dictionary number */
  private filters(b: Buffer, s: number, e: number): void {
    if (e > s && b[e - 1] === 59) e--;
    let n = 1;
    for (let i = s; i < e; i++) if (b[i] === 59) n++;
    const a = this.needInts(n);
    let k = 0;
    let p = s;
    for (let i = s; ; i++) {
      if (i === e || b[i] === 59) {
        const d = this.entry(b, p, i);
        if (!d) throw this.err('BCF_UNDEFINED_TAG', `FILTER/${b.toString('utf8', p, i)} is not defined in the header: BCF output needs every INFO, FORMAT and FILTER tag declared (bcftools refuses the record too)`, p);
        a[k++] = d.id;
        p = i + 1;
        if (i === e) break;
      }
    }
    encVint(this.shared, n, a, -1);
  }

  /** vcf_parse_info; returns the number of entries and rlen from END (-1: none) */
  private info(b: Buffer, s: number, e: number, pos0: number): { n: number; rlen: number } {
    const sh = this.shared;
    if (e > s && b[e - 1] === 59) e--;
    let n = 0;
    let rlen = -1;
    let key = s;
    const ir = this.ir;
    while (key <= e) {
      // key up to '=' or ';' or the end
      let r = key;
      while (r < e && b[r] !== 59 && b[r] !== 61) r++;
      let val = -1;
      let end = r;
      if (r < e && b[r] === 61) {
        val = r + 1;
        end = val;
        while (end < e && b[end] !== 59) end++;
      }
      if (r > key) {
        const t = this.tag(b, key, r, 'INFO');
        const ttype = t.info;
        if (n === 65535) throw this.err('BCF_TOO_MANY_INFO', 'more than 65535 INFO entries', key);
        n++;
        encInt1(sh, t.id);
        if (val < 0) encSize(sh, 0, BT_NULL);
        else if (ttype === HT_FLAG || ttype === HT_STR) encVchar(sh, b, val, end);
        else {
          let nv = 1;
          for (let i = val; i < end; i++) if (b[i] === 44) nv++;
          const a = this.needInts(nv);
          if (ttype === HT_INT) {
            let x = val;
            for (let i = 0; i < nv; i++) {
              str2int(b, x, end, ir);
              a[i] = ir.end === x || !ir.ok ? MISSING : ir.v;
              x = ir.end;
              while (x < end && b[x] !== 44) x++;
              x++;
            }
            if (nv === 1) encInt1(sh, a[0]);
            else encVint(sh, nv, a, -1);
            if (nv === 1 && a[0] !== MISSING && r - key === 3 && b[key] === 69 && b[key + 1] === 78 && b[key + 2] === 68 && a[0] > pos0) {
              rlen = a[0] - pos0;
            }
          } else if (ttype === HT_REAL) {
            let x = val;
            for (let i = 0; i < nv; i++) {
              const d = this.dr;
              strtod(b, x, end, d);
              a[i] = d.end === x ? FLOAT_MISSING : floatBits(d.v);
              x = d.end;
              while (x < end && b[x] !== 44) x++;
              x++;
            }
            encSize(sh, nv, BT_FLOAT);
            for (let i = 0; i < nv; i++) sh.u32(a[i]);
          }
        }
      }
      if (end >= e) break;
      key = end + 1;
    }
    return { n, rlen };
  }

  /**
   * vcf_parse_format: FORMAT keys in fmt[s, e), sample columns from `from` to the line end `le`.
   * Returns the number of FORMAT fields.
   */
  private format(b: Buffer, s: number, e: number, from: number, le: number): number {
    // keys
    let nf = 0;
    let p = s;
    for (let i = s; ; i++) {
      if (i === e || b[i] === 58) {
        if (nf === 255) throw this.err('BCF_TOO_MANY_FORMAT', 'more than 255 FORMAT fields', s);
        const t = this.tag(b, p, i, 'FORMAT');
        if (t.fmt === HT_FLAG) throw this.err('BCF_FORMAT_FLAG', `FORMAT/${b.toString('utf8', p, i)} is declared Type=Flag, which BCF cannot store`, p);
        if (nf === this.fKey.length) this.growFields();
        this.fKey[nf] = t.id;
        this.fType[nf] = t.fmt;
        this.fGt[nf] = i - p === 2 && b[p] === 71 && b[p + 1] === 84 ? 1 : 0;
        this.fMaxM[nf] = 0; this.fMaxL[nf] = 0; this.fMaxG[nf] = 0;
        nf++;
        p = i + 1;
        if (i === e) break;
      }
    }
    // sample columns (extra ones are ignored, as htslib does)
    const ns = this.nSamples;
    if (this.sampleS.length < ns) { this.sampleS = new Int32Array(ns); this.sampleE = new Int32Array(ns); }
    const SS = this.sampleS, SE = this.sampleE;
    let found = 0;
    p = from;
    while (p < le && found < ns) {
      let t = b.indexOf(9, p);
      if (t < 0 || t > le) t = le;
      SS[found] = p;
      SE[found] = t;
      found++;
      p = t + 1;
    }
    if (found < ns) {
      throw this.err('BCF_SAMPLE_COUNT', `record has ${found} sample column${found === 1 ? '' : 's'} but the header names ${ns} sample${ns === 1 ? '' : 's'} (bcftools refuses it too)`, le);
    }
    // pass 1 (vcf_parse_format_max3): per field, most values (commas + 1), longest text, most alleles
    const maxM = this.fMaxM, maxL = this.fMaxL, maxG = this.fMaxG, isGt = this.fGt;
    for (let i = 0; i < ns; i++) {
      let j = 0;
      let rs = SS[i];
      let m = 1, g = 1;
      const se = SE[i];
      for (let r = SS[i]; ; r++) {
        const c = r < se ? b[r] : 0;
        if (c === 44) m++;
        else if ((c === 47 || c === 124) && isGt[j]) g++;
        else if (c === 58 || c === 0) {
          const l = r - rs;
          rs = r;
          if (maxM[j] < m) maxM[j] = m;
          if (maxL[j] < l) maxL[j] = l;
          if (isGt[j] && maxG[j] < g) maxG[j] = g;
          m = 1; g = 1;
          if (c === 58) {
            j++;
            if (j >= nf) throw this.err('BCF_FORMAT_FIELDS', `sample ${i + 1} has more fields than FORMAT lists (${nf})`, r);
          } else break;
        }
      }
    }
    // sizes (vcf_parse_format_alloc4): bytes per sample
    const size = this.fSize;
    let total = 0;
    for (let j = 0; j < nf; j++) {
      if (maxM[j] === 0) maxM[j] = 1;
      const t = this.fType[j];
      size[j] = t === HT_STR ? (isGt[j] ? maxG[j] << 2 : maxL[j]) : maxM[j] << 2;
      total += size[j] * ns;
    }
    // pass 2 (fill5): values in per-field arrays; strings as bytes, numbers as int32 / float bits
    const mem = this.mem.length < total ? (this.mem = Buffer.allocUnsafe(Math.max(total, 2 * this.mem.length))) : this.mem;
    const off = this.fOff;
    let o = 0;
    for (let j = 0; j < nf; j++) { off[j] = o; o += size[j] * ns; }
    const ir = this.ir;
    for (let i = 0; i < ns; i++) {
      let t = SS[i];
      const se = SE[i];
      let j = 0;
      // htslib stops at the end of the line: an empty last field of the last column is missing
      while (j < nf && t < le) {
        const type = this.fType[j];
        const base = off[j] + i * size[j];
        const cap = size[j] >> 2;
        if (type === HT_STR && isGt[j]) {
          let l = 0;
          let phased = 0;
          let unreadable = false;
          let tooLarge = false;
          for (;; t++) {
            if (t < se && b[t] === 46) { t++; mem.writeInt32LE(phased, base + 4 * l++); }
            else {
              const t0 = t;
              if (t < se && b[t] === 43) t++;
              let v = 0;
              let nd = 0;
              while (t < se && isDigit(b[t])) { v = v * 10 + (b[t] - 48); t++; nd++; }
              if (t === t0) unreadable = true;
              if (nd > 18 || v > 1073741822) tooLarge = true;
              mem.writeInt32LE((((v + 1) << 1) | phased) | 0, base + 4 * l++);
            }
            const c = t < se ? b[t] : 0;
            phased = c === 124 ? 1 : 0;
            if (c !== 124 && c !== 47) break;
          }
          if (tooLarge) throw this.err('BCF_BAD_GT', 'could not read GT data: value too large', SS[i]);
          if (unreadable) throw this.err('BCF_BAD_GT', "could not read GT data: value not a number or '.'", SS[i]);
          for (; l < cap; l++) mem.writeInt32LE(VECTOR_END, base + 4 * l);
        } else if (type === HT_STR) {
          let l = 0;
          while (t < se && b[t] !== 58) mem[base + l++] = b[t++];
          for (; l < size[j]; l++) mem[base + l] = 0;
        } else if (type === HT_INT) {
          let l = 0;
          for (;; t++) {
            if (t < se && b[t] === 46) { mem.writeInt32LE(MISSING, base + 4 * l++); t++; }
            else {
              str2int(b, t, se, ir);
              mem.writeInt32LE(ir.end === t || !ir.ok ? MISSING : ir.v, base + 4 * l++);
              t = ir.end;
            }
            if (!(t < se && b[t] === 44)) break;
          }
          for (; l < cap; l++) mem.writeInt32LE(VECTOR_END, base + 4 * l);
        } else {
          let l = 0;
          for (;; t++) {
            if (t < se && b[t] === 46 && !(t + 1 < se && isDigit(b[t + 1]))) { mem.writeUInt32LE(FLOAT_MISSING, base + 4 * l++); t++; }
            else {
              const d = this.dr;
              strtod(b, t, se, d);
              mem.writeUInt32LE(floatBits(d.end === t ? 0 : d.v), base + 4 * l++);
              t = d.end;
            }
            if (!(t < se && b[t] === 44)) break;
          }
          for (; l < cap; l++) mem.writeUInt32LE(FLOAT_VECTOR_END, base + 4 * l);
        }
        j++;
        if (t >= se) break;
        if (b[t] === 58) { t++; continue; }
        throw this.err('BCF_BAD_VALUE', `invalid character "${String.fromCharCode(b[t])}" in the FORMAT/${this.dict.ids[this.fKey[j - 1]]!.name} value of sample ${i + 1}`, t);
      }
      // fields the sample does not have: missing, then vector-end
      for (; j < nf; j++) {
        const type = this.fType[j];
        const base = off[j] + i * size[j];
        const cap = size[j] >> 2;
        if (type === HT_STR && isGt[j]) {
          if (size[j]) mem.writeInt32LE(MISSING, base);
          for (let l = 1; l < cap; l++) mem.writeInt32LE(VECTOR_END, base + 4 * l);
        } else if (type === HT_STR) {
          if (size[j]) { mem[base] = 46; for (let l = 1; l < size[j]; l++) mem[base + l] = 0; }
        } else if (type === HT_INT) {
          mem.writeInt32LE(MISSING, base);
          for (let l = 1; l < cap; l++) mem.writeInt32LE(VECTOR_END, base + 4 * l);
        } else {
          mem.writeUInt32LE(FLOAT_MISSING, base);
          for (let l = 1; l < cap; l++) mem.writeUInt32LE(FLOAT_VECTOR_END, base + 4 * l);
        }
      }
    }
    // encode (vcf_parse_format_gt6)
    const iv = this.indiv;
    for (let j = 0; j < nf; j++) {
      encInt1(iv, this.fKey[j]);
      const type = this.fType[j];
      const sz = size[j];
      if (type === HT_STR && !isGt[j]) {
        encSize(iv, sz, BT_CHAR);
        iv.copy(mem, off[j], off[j] + sz * ns);
      } else if (type === HT_INT || isGt[j]) {
        const n = (sz >> 2) * ns;
        const a = this.needInts(n);
        for (let k = 0; k < n; k++) a[k] = mem.readInt32LE(off[j] + 4 * k);
        encVint(iv, n, a, sz >> 2);
      } else {
        encSize(iv, sz >> 2, BT_FLOAT);
        iv.copy(mem, off[j], off[j] + sz * ns);
      }
    }
    return nf;
  }

  private fSize = new Int32Array(16);
  private fOff = new Int32Array(16);
  private mem = Buffer.allocUnsafe(1 << 16);

  private growFields(): void {
    const g = <T extends Int32Array | Uint8Array>(a: T): T => { const x = new (a.constructor as { new(n: number): T })(a.length * 2); x.set(a); return x; };
    this.fKey = g(this.fKey); this.fType = g(this.fType); this.fGt = g(this.fGt);
    this.fMaxM = g(this.fMaxM); this.fMaxL = g(this.fMaxL); this.fMaxG = g(this.fMaxG);
    this.fSize = g(this.fSize); this.fOff = g(this.fOff);
  }
}

function isDot(b: Uint8Array, s: number, e: number): boolean {
  return e - s === 1 && b[s] === 46;
}

/* ------------------------------------------------------------------------------------------------ */

/**
 * The BCF header for VCF header lines (meta lines, then the #CHROM line): text with IDX added as
 * htslib writes it, and the dictionaries.
 */
export function bcfHeader(lines: string[], file: string): { text: string; dict: BcfDictionary; samples: string[] } {
  const header = new VcfHeader();
  const dict = new BcfDictionary();
  const out: string[] = [];
  const passLine = '##FILTER=<ID=PASS,Description="All filters passed",IDX=0>';
  let passOut = false;
  let columns: string | undefined;
  let lineNo = 0;
  for (const l of lines) {
    lineNo++;
    if (l === '') continue;
    if (!l.startsWith('##')) { columns = l; break; }
    const hl = header.addMetaLine(l, lineNo, file);
    if (hl.key === 'FILTER' && hl.attrs?.ID === 'PASS') {
      if (!passOut) { out.push(hl.attrs.IDX !== undefined ? l : passLine); passOut = true; }
      continue;
    }
    const idx = dict.register(hl.key, hl.attrs);
    if (idx === null) out.push(l);
    else if (idx >= 0) out.push(hl.attrs?.IDX !== undefined ? l : l.slice(0, -1) + `,IDX=${idx}>`);
  }
  // htslib puts PASS right after the first line when the header has none
  if (!passOut) out.splice(out.length ? 1 : 0, 0, passLine);
  if (columns === undefined) throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'header has no "#CHROM" line', { file });
  header.setColumns(columns, lineNo, file);
  const samples = header.samples;
  let cols = '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO';
  if (samples.length) cols += '\tFORMAT\t' + samples.join('\t');
  out.push(cols);
  return { text: out.join('\n') + '\n', dict, samples };
}

/**
 * A text sink writing BCF: takes the VCF text `view` produces (header, then lines, in pieces of any
 * size) and writes the BCF header and one record per line, BGZF-compressed (`-O b`) or not (`-O u`).
 */
export class BcfSink implements TextSink {
  private readonly inner: OutputSink;
  private readonly file: string;
  private headerLines: string[] | null = [];
  private enc?: BcfEncoder;
  private dict?: BcfDictionary;
  private readonly rec = new Bytes();
  /** a line not complete yet, copied */
  private part = Buffer.allocUnsafe(1 << 16);
  private partLen = 0;
  private lineNo = 0;

  /** where records come from, for error locations: data line k is line firstDataLine + k there */
  private readonly source?: BcfSource;
  private records = 0;

  private constructor(inner: OutputSink, file: string, source?: BcfSource) {
    this.inner = inner;
    this.file = file;
    this.source = source;
  }

  static open(path: string | undefined, type: 'b' | 'u', opts: { level?: number; source?: BcfSource } = {}): BcfSink {
    return new BcfSink(OutputSink.open(path, type === 'b' ? 'z' : 'v', opts), path ?? '-', opts.source);
  }

  get bytesOut(): number { return this.inner.bytesOut; }

  write(data: string | Buffer): Promise<void> | void {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.feed(b, 0, b.length);
  }

  writeLatin1(data: string): Promise<void> | void {
    const b = Buffer.from(data, 'latin1');
    return this.feed(b, 0, b.length);
  }

  writeSlice(src: Buffer, s: number, e: number): Promise<void> | void {
    return this.feed(src, s, e);
  }

  private feed(src: Buffer, s: number, e: number): Promise<void> | void {
    let p = s;
    while (p < e) {
      const nl = src.indexOf(10, p);
      const end = nl < 0 || nl >= e ? -1 : nl;
      if (end < 0) { this.keep(src, p, e); break; }
      if (this.partLen > 0) {
        this.keep(src, p, end);
        const n = this.partLen;
        this.partLen = 0;
        this.line(this.part, 0, n);
      } else this.line(src, p, end);
      p = end + 1;
    }
    if (this.rec.n >= 1 << 16) return this.drain();
  }

  private keep(src: Buffer, s: number, e: number): void {
    const k = e - s;
    if (this.partLen + k > this.part.length) {
      const g = Buffer.allocUnsafe(Math.max(this.partLen + k, 2 * this.part.length));
      this.part.copy(g, 0, 0, this.partLen);
      this.part = g;
    }
    src.copy(this.part, this.partLen, s, e);
    this.partLen += k;
  }

  private line(b: Buffer, s: number, e: number): void {
    if (this.failed) return;
    this.failed = true; // until this line is done: a failure stops the output
    this.lineNo++;
    if (e > s && b[e - 1] === 13) e--;
    if (this.headerLines) {
      const text = b.toString('utf8', s, e);
      if (text.startsWith('#')) {
        this.headerLines.push(text);
        if (!text.startsWith('##')) this.startRecords();
        this.failed = false;
        return;
      }
      if (this.headerLines.length === 0) throw usageError('BCF output needs the header: -H/--no-header cannot be used with -O b or -O u');
      this.startRecords();
    }
    if (e > s) {
      const line = this.source ? this.source.firstDataLine + this.records : this.lineNo;
      this.records++;
      this.enc!.encode(b, s, e, line, this.rec);
    }
    this.failed = false;
  }

  /** set while a line is being encoded: still set after a failure, which ends the output */
  private failed = false;

  private startRecords(): void {
    const lines = this.headerLines!;
    this.headerLines = null;
    const h = bcfHeader(lines, this.file);
    this.dict = h.dict;
    this.enc = new BcfEncoder(h.dict, h.samples.length, this.source?.file ?? this.file);
    const text = Buffer.from(h.text + '\0', 'utf8');
    const r = this.rec;
    r.copy(Buffer.from('BCF\x02\x02', 'latin1'), 0, 5);
    r.u32(text.length);
    r.copy(text, 0, text.length);
  }

  /**
   * Copy the records of a BCF input unchanged (`view` without sample changes: bcftools keeps the
   * binary values, text would round floats to 6 digits). Only when the header is written and its
   * dictionaries number every tag and contig as the input's do; returns null otherwise (the
   * caller then writes the records as text). Returns the number of records.
   */
  async copyRecords(bcf: OpenedBcf): Promise<number | null> {
    if (this.headerLines !== null || this.failed || this.partLen > 0 || !this.dict) return null;
    if (!sameNumbers(bcf.dict, this.dict)) return null;
    let n = 0;
    const r = this.rec;
    for await (const rb of bcf.raw) {
      for (let k = 0; k < rb.n; k++) {
        const p = rb.shared[k] - 8;
        r.copy(rb.buf, p, p + 8 + rb.lShared[k] + rb.lIndiv[k]);
        n++;
        if (r.n >= 1 << 16) { const w = this.drain(); if (w) await w; }
      }
    }
    return n;
  }

  private drain(): Promise<void> | void {
    const r = this.rec;
    if (r.n === 0) return;
    const data = r.b.subarray(0, r.n);
    const w = this.inner.writeSlice(data, 0, data.length);
    if (w) {
      // the sink copies what it buffers; until it is done, write into a new buffer
      r.b = Buffer.allocUnsafe(r.b.length);
    }
    r.n = 0;
    return w;
  }

  async close(): Promise<void> {
    try {
      if (this.partLen > 0 && !this.failed) {
        const n = this.partLen;
        this.partLen = 0;
        this.line(this.part, 0, n);
      }
      if (this.headerLines && this.headerLines.length && !this.failed) this.startRecords();
      if (!this.failed) await this.drain();
    } finally {
      await this.inner.close();
    }
  }
}

/** whether every name the input dictionaries number has the same number (and kind) in the output's */
function sameNumbers(a: BcfDictionary, b: BcfDictionary): boolean {
  for (let i = 0; i < a.ids.length; i++) {
    const x = a.ids[i];
    if (!x) continue;
    const y = b.ids[i];
    if (!y || y.name !== x.name || (x.info >= 0) !== (y.info >= 0) || (x.fmt >= 0) !== (y.fmt >= 0) || x.flt !== y.flt) return false;
  }
  for (let i = 0; i < a.contigs.length; i++) if (a.contigs[i] !== undefined && a.contigs[i] !== b.contigs[i]) return false;
  return true;
}

/** The input of a BCF sink, named in its errors (the VCF lines it gets are that file's records, in order). */
export interface BcfSource {
  file: string;
  firstDataLine: number;
}

/** An output sink for `type`: BCF (b, u) or VCF text (v, z). */
export function openTextSink(path: string | undefined, type: OutputType, opts: { level?: number; source?: BcfSource } = {}): TextSink {
  return type === 'b' || type === 'u' ? BcfSink.open(path, type, opts) : OutputSink.open(path, type, opts);
}

export { Bytes as BcfBytes };
