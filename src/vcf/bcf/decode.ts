/**
 * BCF record → VCF text line, byte for byte as htslib 1.16's vcf_format prints it (what
 * `bcftools view` writes for a BCF input):
 *
 * - integers are printed in decimal; the missing value as '.', the vector-end value ends a vector
 *   (a field whose first value is vector-end prints nothing); a vector of size 0 prints '.'.
 * - floats are printed with htslib's kputd (6 significant digits, %g outside [1e-4, 999999]).
 * - strings end at their first NUL; the char 0x07 (bcf_str_missing) prints '.'.
 * - GT values are (allele+1)<<1 | phased: separators '/' or '|' from each allele's phase bit
 *   (the first allele's bit is not printed), allele 0 (missing) as '.'; an integer missing value is
 *   printed as htslib does (-65 for int8: bcf_format_gt does not special-case it).
 * - a record without FORMAT fields prints '.' for FORMAT and every sample.
 *
 * The formatter writes lines (each followed by '\n') into one output buffer; the caller takes the
 * buffer as a batch of lines. Every read stays inside the record; a record that points outside
 * itself is an error (BCF_CORRUPT) with the line number the record would have in the VCF.
 */
import { VcfError } from '../errors.js';
import { putDouble, putInt } from './num.js';
import { putArray, putChars, putGt } from './values.js';
import type { BcfDictionary } from './dict.js';
import { BT_CHAR, BT_FLOAT, BT_INT16, BT_INT32, BT_INT8, BT_NULL, FLOAT_MISSING, TYPE_SIZE } from './types.js';

/** the longest text one element of each type can print, with its separator */
const TEXT_PER_ELEM = new Uint8Array([2, 5, 7, 12, 21, 16, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
const GT_PER_ELEM = 12;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** kputd text of float32 values, by bit pattern: a small direct-mapped cache */
class FloatText {
  private readonly keys = new Uint32Array(4096);
  private readonly used = new Uint8Array(4096);
  private readonly lens = new Uint8Array(4096);
  private readonly bytes = new Uint8Array(4096 * 24 + 32);

  /** write the text of the float with these bits at o[n]; returns the new end */
  put(bits: number, o: Buffer, n: number): number {
    const h = Math.imul(bits, 0x9e3779b1) >>> 20;
    if (this.used[h] === 0 || this.keys[h] !== bits) {
      u32[0] = bits;
      const base = h * 24;
      const len = putDouble(this.bytes, base, f32[0]) - base;
      this.keys[h] = bits;
      this.lens[h] = len;
      this.used[h] = 1;
    }
    const len = this.lens[h];
    const base = h * 24;
    const by = this.bytes;
    for (let i = 0; i < len; i++) o[n + i] = by[base + i];
    return n + len;
  }
}

function corrupt(file: string, line: number, what: string): VcfError {
  return new VcfError('BCF_CORRUPT', `corrupt BCF record: ${what}`, { file, line });
}

export class BcfLineFormatter {
  /** output: lines, each followed by '\n' */
  o: Buffer;
  n = 0;
  private readonly file: string;
  private readonly nSamples: number;
  private readonly ctg: Array<Buffer | undefined>;
  private readonly ids: Array<Buffer | undefined>;
  /** dictionary number of the key "GT" (-1: none) */
  private readonly gtKey: number;
  /** the longest INFO/FORMAT/FILTER name, in bytes */
  private readonly maxName: number;
  private readonly floats = new FloatText();
  // FORMAT field descriptors of the current record
  private fKey = new Int32Array(256);
  private fN = new Int32Array(256);
  private fType = new Int32Array(256);
  private fP = new Int32Array(256);
  private fSize = new Int32Array(256);

  constructor(dict: BcfDictionary, nSamples: number, file: string, size = 1 << 20) {
    this.file = file;
    this.nSamples = nSamples;
    this.ctg = dict.contigs.map((c) => (c === undefined ? undefined : Buffer.from(c, 'utf8')));
    this.ids = dict.ids.map((e) => (e === undefined ? undefined : Buffer.from(e.name, 'utf8')));
    this.gtKey = dict.byName.get('GT')?.id ?? -1;
    this.maxName = this.ids.reduce((m, x) => Math.max(m, x ? x.length : 0), 0);
    this.o = Buffer.allocUnsafe(size);
  }

  /** room for k more bytes (keeps what was written) */
  private ensure(k: number): void {
    if (this.n + k <= this.o.length) return;
    let size = this.o.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.o.copy(nb, 0, 0, this.n);
    this.o = nb;
  }

  /**
   * Format the record whose shared block starts at src[p] (after the two length words) and is
   * lShared bytes long, followed by lIndiv bytes of FORMAT data.
   */
  format(src: Buffer, p: number, lShared: number, lIndiv: number, lineNo: number): void {
    const file = this.file;
    if (lShared < 24) throw corrupt(file, lineNo, `shared block of ${lShared} bytes (at least 24 needed)`);
    const sEnd = p + lShared;
    const iEnd = sEnd + lIndiv;
    const rid = src.readInt32LE(p);
    let pos0 = src.readUInt32LE(p + 4);
    if (pos0 === 0xffffffff) pos0 = -1;
    const qual = src.readUInt32LE(p + 12);
    const nInfo = src.readUInt16LE(p + 16);
    const nAllele = src.readUInt16LE(p + 18);
    const w = src.readUInt32LE(p + 20);
    const nSample = w & 0xffffff;
    const nFmt = w >>> 24;
    if (nSample !== this.nSamples) {
      throw corrupt(file, lineNo, `${nSample} samples in the record, the header has ${this.nSamples}`);
    }
    const chrom = rid >= 0 ? this.ctg[rid] : undefined;
    if (!chrom) throw corrupt(file, lineNo, `contig number ${rid} is not defined in the header`);
    this.ensure(chrom.length + 64);
    let o = this.o;
    let n = this.n;
    n = putName(o, n, chrom);
    o[n++] = 9;
    n = putInt(o, n, pos0 + 1);
    o[n++] = 9;
    let q = p + 24;

    // ID and alleles: typed strings
    const sizes = this.sizes;
    q = this.readSize(src, q, sEnd, lineNo);
    let len = sizes[0];
    if (sizes[1] !== BT_CHAR && len > 0) throw corrupt(file, lineNo, 'ID is not a string');
    if (q + len > sEnd) throw corrupt(file, lineNo, 'ID runs past the record');
    this.n = n;
    this.ensure(len + 2);
    o = this.o;
    n = putStrOrDot(src, q, len, o, this.n);
    q += len;
    o[n++] = 9;
    this.n = n;
    // REF, then ALT joined by ','
    for (let a = 0; a < nAllele; a++) {
      q = this.readSize(src, q, sEnd, lineNo);
      len = sizes[0];
      if (sizes[1] !== BT_CHAR && len > 0) throw corrupt(file, lineNo, 'an allele is not a string');
      if (q + len > sEnd) throw corrupt(file, lineNo, 'alleles run past the record');
      this.ensure(len + 2);
      o = this.o;
      n = this.n;
      if (a > 1) o[n++] = 44;
      n = putStrOrDot(src, q, len, o, n);
      q += len;
      if (a === 0) o[n++] = 9;
      this.n = n;
    }
    this.ensure(48);
    o = this.o;
    n = this.n;
    if (nAllele === 0) { o[n++] = 46; o[n++] = 9; o[n++] = 46; }
    else if (nAllele === 1) o[n++] = 46;
    o[n++] = 9;
    // QUAL
    if (qual === FLOAT_MISSING) o[n++] = 46;
    else n = this.floats.put(qual, o, n);
    o[n++] = 9;
    this.n = n;
    // FILTER: typed integer vector
    q = this.readSize(src, q, sEnd, lineNo);
    const nFlt = sizes[0], fltType = sizes[1];
    if (nFlt === 0) { this.ensure(2); this.o[this.n++] = 46; }
    else {
      const es = TYPE_SIZE[fltType];
      if (fltType !== BT_INT8 && fltType !== BT_INT16 && fltType !== BT_INT32) throw corrupt(file, lineNo, 'FILTER is not an integer vector');
      if (q + nFlt * es > sEnd) throw corrupt(file, lineNo, 'FILTER runs past the record');
      for (let i = 0; i < nFlt; i++) {
        const k = readInt(src, q + i * es, fltType);
        const name = k >= 0 ? this.ids[k] : undefined;
        if (!name) throw corrupt(file, lineNo, `FILTER number ${k} is not defined in the header`);
        this.ensure(name.length + 2);
        if (i) this.o[this.n++] = 59;
        this.n = putName(this.o, this.n, name);
      }
      q += nFlt * es;
    }
    this.ensure(2);
    this.o[this.n++] = 9;
    // INFO: key (typed int) + typed value; room for all of it at once (5 chars per value byte at most)
    this.ensure(nInfo * (this.maxName + 2) + 5 * (sEnd - q) + 2);
    o = this.o;
    n = this.n;
    if (nInfo === 0) o[n++] = 46;
    const ids = this.ids;
    for (let i = 0; i < nInfo; i++) {
      // the key: a typed integer (int8 in practice)
      if (q + 2 > sEnd) throw corrupt(file, lineNo, 'INFO runs past the record');
      const kt = src[q];
      let k: number;
      if (kt === 0x11) { k = (src[q + 1] << 24) >> 24; q += 2; }
      else { this.n = n; q = this.readTypedInt(src, q, sEnd, lineNo); k = this.lastInt; }
      const name = k >= 0 ? ids[k] : undefined;
      if (!name) throw corrupt(file, lineNo, `INFO key number ${k} is not defined in the header`);
      // the value's descriptor
      const d = src[q];
      let cnt = d >> 4, type = d & 15;
      if (cnt === 15 || TYPE_SIZE[type] === 0 && type !== BT_NULL) {
        q = this.readSize(src, q, sEnd, lineNo);
        cnt = sizes[0];
        type = sizes[1];
      } else q++;
      const bytes = cnt * TYPE_SIZE[type];
      if (q + bytes > sEnd) throw corrupt(file, lineNo, 'INFO runs past the record');
      if (i) o[n++] = 59;
      n = putName(o, n, name);
      if (cnt > 0) {
        o[n++] = 61;
        if (cnt === 1) n = this.putInfo1(src, q, type, o, n);
        else n = putArray(src, q, cnt, type, o, n);
      }
      q += bytes;
    }
    this.n = n;
    if (q !== sEnd) throw corrupt(file, lineNo, `the shared block has ${sEnd - q} bytes after INFO`);

    // FORMAT and samples
    if (nSample > 0) {
      if (nFmt === 0) {
        this.ensure(2 * nSample + 4);
        o = this.o;
        n = this.n;
        for (let j = 0; j <= nSample; j++) { o[n++] = 9; o[n++] = 46; }
        this.n = n;
      } else {
        this.formatSamples(src, sEnd, iEnd, nFmt, nSample, lineNo);
      }
    } else if (lIndiv > 0 && nFmt > 0) {
      throw corrupt(file, lineNo, 'FORMAT data without samples');
    }
    this.ensure(1);
    this.o[this.n++] = 10;
  }

  /** scratch: [count, type] of the last descriptor read */
  private readonly sizes = new Int32Array(2);
  private lastInt = 0;

  /** read a type descriptor at src[q] into this.sizes; returns the offset after it */
  private readSize(src: Buffer, q: number, end: number, lineNo: number): number {
    if (q >= end) throw corrupt(this.file, lineNo, 'a value runs past the record');
    const d = src[q++];
    const type = d & 15;
    let cnt = d >> 4;
    if (cnt === 15) {
      q = this.readTypedInt(src, q, end, lineNo);
      cnt = this.lastInt;
      if (cnt < 0) throw corrupt(this.file, lineNo, `negative vector size ${cnt}`);
    }
    if (type !== BT_NULL && type !== BT_INT8 && type !== BT_INT16 && type !== BT_INT32 && type !== BT_FLOAT && type !== BT_CHAR) {
      throw corrupt(this.file, lineNo, `unknown value type ${type}`);
    }
    this.sizes[0] = cnt;
    this.sizes[1] = type;
    return q;
  }

  /** read a typed integer (descriptor + one value) into this.lastInt; returns the offset after it */
  private readTypedInt(src: Buffer, q: number, end: number, lineNo: number): number {
    if (q >= end) throw corrupt(this.file, lineNo, 'a value runs past the record');
    const type = src[q++] & 15;
    const es = type === BT_INT8 ? 1 : type === BT_INT16 ? 2 : type === BT_INT32 ? 4 : 0;
    if (es === 0) throw corrupt(this.file, lineNo, `expected a typed integer, found type ${type}`);
    if (q + es > end) throw corrupt(this.file, lineNo, 'a value runs past the record');
    this.lastInt = readInt(src, q, type);
    return q + es;
  }

  /** an INFO value of one element (htslib's v1 path: vector-end is not special there) */
  private putInfo1(src: Buffer, q: number, type: number, o: Buffer, n: number): number {
    switch (type) {
      case BT_INT8: {
        const v = (src[q] << 24) >> 24;
        if (v === -128) { o[n] = 46; return n + 1; }
        return putInt(o, n, v);
      }
      case BT_INT16: {
        const v = src.readInt16LE(q);
        if (v === -32768) { o[n] = 46; return n + 1; }
        return putInt(o, n, v);
      }
      case BT_INT32: {
        const v = src.readInt32LE(q);
        if (v === -2147483648) { o[n] = 46; return n + 1; }
        return putInt(o, n, v);
      }
      case BT_FLOAT: {
        const bits = src.readUInt32LE(q);
        if (bits === FLOAT_MISSING) { o[n] = 46; return n + 1; }
        return this.floats.put(bits, o, n);
      }
      case BT_CHAR:
        o[n] = src[q];
        return n + 1;
      default:
        return n;
    }
  }

  private formatSamples(src: Buffer, q: number, end: number, nFmt: number, nSample: number, lineNo: number): void {
    const file = this.file;
    const sizes = this.sizes;
    const fKey = this.fKey, fN = this.fN, fType = this.fType, fP = this.fP, fSize = this.fSize;
    let keysLen = 2;
    let perSample = 1;
    let gtAt = -1;
    for (let i = 0; i < nFmt; i++) {
      q = this.readTypedInt(src, q, end, lineNo);
      const k = this.lastInt;
      const name = k >= 0 ? this.ids[k] : undefined;
      if (!name) throw corrupt(file, lineNo, `FORMAT key number ${k} is not defined in the header`);
      q = this.readSize(src, q, end, lineNo);
      const cnt = sizes[0], type = sizes[1];
      const size = cnt * TYPE_SIZE[type];
      if (q + size * nSample > end) throw corrupt(file, lineNo, 'FORMAT data runs past the record');
      fKey[i] = k; fN[i] = cnt; fType[i] = type; fP[i] = q; fSize[i] = size;
      q += size * nSample;
      keysLen += name.length + 1;
      // htslib prints the last field named GT as a genotype (the others as integers)
      if (k === this.gtKey) {
        if (type !== BT_INT8 && type !== BT_INT16 && type !== BT_INT32 && type !== BT_NULL) throw corrupt(file, lineNo, 'GT is not an integer vector');
        gtAt = i;
      }
      perSample += Math.max(2, cnt * Math.max(GT_PER_ELEM, TEXT_PER_ELEM[type])) + 1;
    }
    if (q !== end) throw corrupt(file, lineNo, `the FORMAT block has ${end - q} bytes left over`);
    this.ensure(keysLen + perSample * nSample + 2);
    const o = this.o;
    let n = this.n;
    for (let i = 0; i < nFmt; i++) {
      o[n++] = i ? 58 : 9;
      n = putName(o, n, this.ids[fKey[i]]!);
    }
    for (let j = 0; j < nSample; j++) {
      o[n++] = 9;
      for (let i = 0; i < nFmt; i++) {
        if (i) o[n++] = 58;
        const cnt = fN[i], type = fType[i];
        const x = fP[i] + j * fSize[i];
        if (i === gtAt) n = putGt(src, x, cnt, type, o, n);
        else if (cnt === 1 && type === BT_INT8) {
          const v = (src[x] << 24) >> 24;
          if (v >= 0 && v < 10) o[n++] = 48 + v;
          else if (v === -128) o[n++] = 46;
          else if (v !== -127) n = putInt(o, n, v);
        } else n = putArray(src, x, cnt, type, o, n);
      }
    }
    this.n = n;
  }
}

/** a typed string's chars, '.' when it has none */
function putStrOrDot(src: Buffer, q: number, len: number, o: Buffer, n: number): number {
  if (len === 0) { o[n] = 46; return n + 1; }
  return putChars(src, q, len, o, n);
}

/** copy a (usually short) name */
function putName(o: Buffer, n: number, name: Buffer): number {
  const k = name.length;
  if (k > 24) return n + name.copy(o, n);
  for (let i = 0; i < k; i++) o[n + i] = name[i];
  return n + k;
}

function readInt(src: Buffer, q: number, type: number): number {
  if (type === BT_INT8) return (src[q] << 24) >> 24;
  if (type === BT_INT16) return src.readInt16LE(q);
  return src.readInt32LE(q);
}
