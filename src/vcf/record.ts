/**
 * A lazy VCF record over a slice of a Buffer. The eight fixed columns and FORMAT are located
 * on construction (a handful of indexOf calls); every value is decoded only when asked, and
 * sample columns are located only when a sample is touched.
 */
import { latin1 } from './bytes.js';
import { VcfError } from './errors.js';
import type { VcfHeader } from './header.js';

const TAB = 9;

export interface Genotype {
  /** allele indexes; -1 = missing ('.') */
  alleles: number[];
  /** phased[i]: the separator before allele i is '|'; for i=0 the 4.4 prefix, or implied (see parseGenotype) */
  phased: boolean[];
}

export class VcfRecord {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  readonly header: VcfHeader;
  readonly file?: string;
  /** cs[k] = start offset of column k (0..9); cs[10 + k] = its end offset (exclusive); one array per record */
  private readonly cs: Int32Array;
  /** number of columns found among the first 10 (CHROM..first sample) */
  readonly nFixed: number;
  private _sampleStarts?: Int32Array;
  private _sampleEnds?: Int32Array;
  private _info?: Map<string, string | true>;
  private _alt?: string[];
  private _fmt?: string[];

  constructor(buf: Buffer, start: number, end: number, lineNo: number, header: VcfHeader, file?: string) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.lineNo = lineNo;
    this.header = header;
    this.file = file;
    const cs = new Int32Array(20);
    let s = start;
    let k = 0;
    for (; k < 10; k++) {
      cs[k] = s;
      if (k === 9) { cs[10 + k] = -1; k++; break; }
      // short columns are scanned here, long ones (INFO) by the native search
      let t = s;
      const lim = k === 7 ? s : end - s < 48 ? end : s + 48;
      while (t < lim && buf[t] !== TAB) t++;
      if (t === lim && t < end) t = buf.indexOf(TAB, t);
      if (t < 0 || t >= end) { cs[10 + k] = end; k++; break; }
      cs[10 + k] = t;
      s = t + 1;
    }
    this.nFixed = k;
    this.cs = cs;
  }

  error(code: string, message: string, column?: number): VcfError {
    return new VcfError(code, message, { file: this.file, line: this.lineNo, column });
  }

  /** 1-based column (character offset) of byte offset `off` in this line */
  columnOf(off: number): number {
    return off - this.start + 1;
  }

  colStart(k: number): number { return this.cs[k]; }
  colEnd(k: number): number { return this.cs[10 + k]; }

  /** raw text of fixed column k (0=CHROM … 8=FORMAT) */
  col(k: number): string {
    if (k >= this.nFixed || k < 0) return '';
    return this.buf.toString('utf8', this.cs[k], this.cs[10 + k]);
  }

  get line(): string { return this.buf.toString('utf8', this.start, this.end); }
  get chrom(): string { return latin1(this.buf, this.cs[0], this.cs[10]); }

  get pos(): number {
    const b = this.buf;
    let v = 0;
    const s = this.cs[1], e = this.cs[11];
    if (e <= s || this.nFixed < 2) return NaN;
    for (let i = s; i < e; i++) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) return Number(latin1(b, s, e)) || NaN;
      v = v * 10 + c;
    }
    return v;
  }

  get id(): string { return this.col(2); }
  get ids(): string[] { const s = this.col(2); return s === '.' ? [] : s.split(';'); }
  get ref(): string { return latin1(this.buf, this.cs[3], this.cs[13]); }
  get altRaw(): string { return this.nFixed > 4 ? latin1(this.buf, this.cs[4], this.cs[14]) : ''; }
  /** ALT alleles; [] when ALT is '.' */
  get alt(): string[] {
    if (!this._alt) {
      const a = this.altRaw;
      this._alt = a === '.' || a === '' ? [] : a.split(',');
    }
    return this._alt;
  }
  get nAllele(): number { return 1 + this.alt.length; }

  get qualRaw(): string { return this.col(5); }
  /** QUAL, or null when missing */
  get qual(): number | null {
    const q = this.qualRaw;
    if (q === '.' || q === '') return null;
    return Number(q);
  }

  get filterRaw(): string { return this.col(6); }
  /** FILTER values; [] when '.' */
  get filters(): string[] {
    const f = this.filterRaw;
    return f === '.' || f === '' ? [] : f.split(';');
  }

  get infoRaw(): string { return this.col(7); }

  /** INFO as a map; Flags map to `true`. Values are raw strings (percent-encoding kept). */
  get info(): Map<string, string | true> {
    if (!this._info) {
      const m = new Map<string, string | true>();
      const raw = this.infoRaw;
      if (raw !== '.' && raw !== '') {
        for (const part of raw.split(';')) {
          if (part === '') continue;
          const eq = part.indexOf('=');
          if (eq < 0) m.set(part, true);
          else m.set(part.slice(0, eq), part.slice(eq + 1));
        }
      }
      this._info = m;
    }
    return this._info;
  }

  infoValue(key: string): string | true | undefined { return this.info.get(key); }

  /** INFO value with VCF 4.3 percent-encoding decoded (%3B → ';' …); Flags give `true`. */
  infoDecoded(key: string): string | true | undefined {
    const v = this.info.get(key);
    return typeof v === 'string' ? percentDecode(v) : v;
  }

  /** INFO values split on ',' ([] when absent or a Flag). */
  infoValues(key: string): string[] {
    const v = this.info.get(key);
    return typeof v === 'string' ? v.split(',') : [];
  }

  get hasFormat(): boolean { return this.nFixed > 8; }
  get formatRaw(): string { return this.nFixed > 8 ? latin1(this.buf, this.cs[8], this.cs[18]) : ''; }
  get formatKeys(): string[] {
    if (!this._fmt) this._fmt = this.nFixed > 8 ? this.formatRaw.split(':') : [];
    return this._fmt;
  }

  /** Offset of the first sample column (or -1). */
  get samplesStart(): number { return this.nFixed > 9 ? this.cs[9] : -1; }

  private locateSamples(): void {
    const st: number[] = [];
    const en: number[] = [];
    if (this.nFixed > 9) {
      let s = this.cs[9];
      const b = this.buf;
      for (;;) {
        const t = b.indexOf(TAB, s);
        st.push(s);
        if (t < 0 || t >= this.end) { en.push(this.end); break; }
        en.push(t);
        s = t + 1;
      }
    }
    this._sampleStarts = Int32Array.from(st);
    this._sampleEnds = Int32Array.from(en);
  }

  /** number of sample columns present on this line */
  get sampleCount(): number {
    if (!this._sampleStarts) this.locateSamples();
    return this._sampleStarts!.length;
  }

  /** byte offsets of sample column i, or -1 when this line has no such column */
  sampleStart(i: number): number { if (!this._sampleStarts) this.locateSamples(); return this._sampleStarts![i] ?? -1; }
  sampleEnd(i: number): number { if (!this._sampleEnds) this.locateSamples(); return this._sampleEnds![i] ?? -1; }

  /** text of sample column i ('' when the line has fewer sample columns) */
  sampleRaw(i: number): string {
    if (!this._sampleStarts) this.locateSamples();
    const s = this._sampleStarts![i];
    return s === undefined ? '' : this.buf.toString('utf8', s, this._sampleEnds![i]);
  }

  /** the FORMAT values of sample i, split on ':' (may be shorter than FORMAT; [] when the column is absent) */
  sampleFields(i: number): string[] {
    if (!this._sampleStarts) this.locateSamples();
    return this._sampleStarts![i] === undefined ? [] : this.sampleRaw(i).split(':');
  }

  /** value of FORMAT key for sample i, or undefined when absent/truncated */
  sampleValue(i: number, key: string): string | undefined {
    const k = this.formatKeys.indexOf(key);
    if (k < 0) return undefined;
    const f = this.sampleFields(i);
    return k < f.length ? f[k] : undefined;
  }

  /** FORMAT values of `key` for sample i split on ',' ([] when the key or the value is absent). */
  sampleValues(i: number, key: string): string[] {
    const v = this.sampleValue(i, key);
    return v === undefined ? [] : v.split(',');
  }

  /** GT string of sample i (first FORMAT field when it is GT), else undefined */
  gtRaw(i: number): string | undefined {
    if (this.formatKeys[0] !== 'GT') return this.sampleValue(i, 'GT');
    if (!this._sampleStarts) this.locateSamples();
    const s = this._sampleStarts![i], e = this._sampleEnds![i];
    if (s === undefined) return undefined;
    // the GT value ends at the first ':' of this column (scan only the column, never past it)
    const b = this.buf;
    let c = s;
    while (c < e && b[c] !== 58) c++;
    return latin1(b, s, c);
  }

  genotype(i: number): Genotype | undefined {
    const g = this.gtRaw(i);
    if (g === undefined) return undefined;
    try {
      return parseGenotype(g);
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      // locate the GT value in the line for the error column
      let col: number | undefined;
      const k = this.formatKeys.indexOf('GT');
      if (k >= 0) {
        let p = this.sampleStart(i);
        for (let j = 0; j < k; j++) p = this.buf.indexOf(58, p) + 1;
        col = this.columnOf(p) + (e.column ?? 1) - 1;
      }
      throw this.error(e.code, `sample ${i + 1} (${this.header.samples[i] ?? '?'}): ${e.message}`, col);
    }
  }

  /** Genotypes of every sample column present on the line (undefined where GT is absent). */
  genotypes(): Array<Genotype | undefined> {
    const n = this.sampleCount;
    const out = new Array<Genotype | undefined>(n);
    for (let i = 0; i < n; i++) out[i] = this.genotype(i);
    return out;
  }

  /** INFO/END as a number, or undefined when absent or not an integer. */
  get infoEnd(): number | undefined {
    const e = this.info.get('END');
    return typeof e === 'string' && /^\d+$/.test(e) ? Number(e) : undefined;
  }

  /** INFO/SVLEN values (undefined entries for '.'), [] when absent. */
  get svlen(): Array<number | undefined> {
    const v = this.info.get('SVLEN');
    if (typeof v !== 'string') return [];
    return v.split(',').map((x) => (/^[+-]?\d+$/.test(x) ? Number(x) : undefined));
  }

  /**
   * End (1-based, inclusive) of allele `a` (0 = REF, 1.. = ALT), by the VCF 4.5 rule: POS + SVLEN
   * for the symbolic structural variant alleles <DEL>, <DUP>, <INV> and <CNV> (also with a subtype,
   * e.g. <DEL:ME>, <DUP:TANDEM>; SVLEN is Number=A, its absolute value is used so that pre-4.4
   * negative deletion lengths give the same end); POS + len(REF) - 1 for every other allele
   * (sequence alleles, <INS>, breakends, '*', <*>/<NON_REF> whose extent only INFO/END gives).
   */
  alleleEnd(a: number): number {
    const refEnd = this.pos + this.ref.length - 1;
    if (a <= 0) return refEnd;
    const alt = this.alt[a - 1];
    if (alt === undefined || !isLengthSymbolic(alt)) return refEnd;
    const len = this.svlen[a - 1];
    return len === undefined ? refEnd : this.pos + Math.abs(len);
  }

  /**
   * END of the record: INFO/END when present (it covers gVCF blocks and <*>), else the largest
   * allele end (see alleleEnd: 4.5 SVLEN-derived for <DEL>/<DUP>/<INV>/<CNV>), else POS+len(REF)-1.
   */
  get endPos(): number {
    const e = this.infoEnd;
    if (e !== undefined) return e;
    let end = this.pos + this.ref.length - 1;
    const alts = this.alt;
    for (let a = 1; a <= alts.length; a++) if (alts[a - 1].charCodeAt(0) === 60) end = Math.max(end, this.alleleEnd(a));
    return end;
  }
}

/**
 * How many values a field of this Number should hold: A = ALT alleles, R = all alleles,
 * G = genotypes for the ploidy (C(nAllele + ploidy - 1, ploidy)), an integer = itself; undefined for
 * '.', and the 4.4 local-allele numbers (LA, LR, LG, P, M) that depend on other fields.
 */
export function expectedValueCount(number: string, nAllele: number, ploidy = 2): number | undefined {
  if (number === 'A') return nAllele - 1;
  if (number === 'R') return nAllele;
  if (number === 'G') {
    let c = 1;
    for (let k = 1; k <= ploidy; k++) c = (c * (nAllele + k - 1)) / k;
    return Math.round(c);
  }
  return /^\d+$/.test(number) ? Number(number) : undefined;
}

/** A symbolic allele whose length SVLEN gives (VCF 4.5 §1.6.1 END): <DEL>, <DUP>, <INV>, <CNV>, with subtypes. */
export function isLengthSymbolic(alt: string): boolean {
  if (alt.length < 5 || alt[0] !== '<' || alt[alt.length - 1] !== '>') return false;
  const top = alt.slice(1, -1).split(':')[0];
  return top === 'DEL' || top === 'DUP' || top === 'INV' || top === 'CNV';
}

/**
 * Parse a GT value: `0/1`, `1|0`, `./.`, `1`, `0/1/2`, and the VCF 4.4 phasing prefix (`/0|1`, `|0/1`).
 * phased[i] is the phasing of allele i: the separator before it, for the first allele the prefix;
 * without a prefix the first allele is phased when every other allele is (so a haploid call is
 * phased, except a lone '.', which htslib keeps unphased), as VCF 4.4 defines it. An empty value is one missing allele. Anything else (a
 * non-numeric allele, a trailing or doubled separator) is a VcfError 'VCF_GT_SYNTAX' whose column
 * is the 1-based offset in `gt`.
 */
export function parseGenotype(gt: string): Genotype {
  const alleles: number[] = [];
  const phased: boolean[] = [];
  const n = gt.length;
  let i = 0;
  let sep = false;
  const prefixed = n > 0 && (gt.charCodeAt(0) === 124 || gt.charCodeAt(0) === 47);
  if (prefixed) { sep = gt.charCodeAt(0) === 124; i = 1; }
  if (i >= n) return { alleles: [-1], phased: [sep] };
  for (;;) {
    let c = gt.charCodeAt(i);
    if (c === 46) { alleles.push(-1); i++; }
    else if (c >= 48 && c <= 57) {
      let v = 0;
      do { v = v * 10 + (c - 48); i++; c = i < n ? gt.charCodeAt(i) : -1; } while (c >= 48 && c <= 57);
      if (v > 0x3fffffff) throw gtSyntax(gt, i);
      alleles.push(v);
    } else throw gtSyntax(gt, i);
    phased.push(sep);
    if (i >= n) break;
    c = gt.charCodeAt(i);
    if (c !== 47 && c !== 124) throw gtSyntax(gt, i);
    sep = c === 124;
    i++;
    if (i >= n) throw gtSyntax(gt, i - 1);
  }
  if (!prefixed) {
    // as htslib: a lone missing allele ('.') stays unphased, other haploid calls are phased
    if (alleles.length === 1 && alleles[0] < 0) return { alleles, phased: [false] };
    let all = true;
    for (let k = 1; k < phased.length; k++) if (!phased[k]) { all = false; break; }
    phased[0] = all;
  }
  return { alleles, phased };
}

function gtSyntax(gt: string, at: number): VcfError {
  const shown = gt.length > 40 ? gt.slice(0, 40) + '…' : gt;
  return new VcfError('VCF_GT_SYNTAX', `invalid GT value "${shown}": expected allele indexes or '.' separated by '/' or '|'`, { column: at + 1 });
}

/**
 * Percent-decode a VCF 4.3+ value (%3A %3B %3D %25 %2C %0D %0A %09 and any other %XX); the
 * decoded bytes are read as UTF-8, so an encoded multi-byte character comes out whole. A '%' not
 * followed by two hex digits is kept as it is.
 */
export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
    const bytes = Buffer.alloc(m.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(m.slice(i * 3 + 1, i * 3 + 3), 16);
    return bytes.toString('utf8');
  });
}
