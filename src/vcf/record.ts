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
  /** phased[i] tells whether the separator before allele i is '|' (i=0: the 4.4 prefix, else inherited) */
  phased: boolean[];
}

export class VcfRecord {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  readonly header: VcfHeader;
  readonly file?: string;
  /** cols[k] = start offset of column k (0..9); colEnds[k] = end offset (exclusive) */
  private readonly cs: Int32Array;
  private readonly ce: Int32Array;
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
    const cs = new Int32Array(10);
    const ce = new Int32Array(10);
    let s = start;
    let k = 0;
    for (; k < 10; k++) {
      cs[k] = s;
      if (k === 9) { ce[k] = -1; k++; break; }
      const t = buf.indexOf(TAB, s);
      if (t < 0 || t >= end) { ce[k] = end; k++; break; }
      ce[k] = t;
      s = t + 1;
    }
    this.nFixed = k;
    this.cs = cs;
    this.ce = ce;
  }

  error(code: string, message: string, column?: number): VcfError {
    return new VcfError(code, message, { file: this.file, line: this.lineNo, column });
  }

  /** 1-based column (character offset) of byte offset `off` in this line */
  columnOf(off: number): number {
    return off - this.start + 1;
  }

  colStart(k: number): number { return this.cs[k]; }
  colEnd(k: number): number { return this.ce[k]; }

  /** raw text of fixed column k (0=CHROM … 8=FORMAT) */
  col(k: number): string {
    if (k >= this.nFixed || k < 0) return '';
    return this.buf.toString('utf8', this.cs[k], this.ce[k]);
  }

  get line(): string { return this.buf.toString('utf8', this.start, this.end); }
  get chrom(): string { return latin1(this.buf, this.cs[0], this.ce[0]); }

  get pos(): number {
    const b = this.buf;
    let v = 0;
    const s = this.cs[1], e = this.ce[1];
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
  get ref(): string { return latin1(this.buf, this.cs[3], this.ce[3]); }
  get altRaw(): string { return this.nFixed > 4 ? latin1(this.buf, this.cs[4], this.ce[4]) : ''; }
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

  get hasFormat(): boolean { return this.nFixed > 8; }
  get formatRaw(): string { return this.nFixed > 8 ? latin1(this.buf, this.cs[8], this.ce[8]) : ''; }
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
    return g === undefined ? undefined : parseGenotype(g);
  }

  /** END: INFO/END, else POS + len(REF) - 1 (4.5: SVLEN for symbolic <DEL>/<DUP>/<INV>/<CNV>) */
  get endPos(): number {
    const e = this.info.get('END');
    if (typeof e === 'string' && /^\d+$/.test(e)) return Number(e);
    return this.pos + this.ref.length - 1;
  }
}

/** Parse a GT value: `0/1`, `1|0`, `./.`, `1`, `0/1/2`, 4.4 prefix `/0|1`, `|0/1`. */
export function parseGenotype(gt: string): Genotype {
  const alleles: number[] = [];
  const phased: boolean[] = [];
  let i = 0;
  const n = gt.length;
  let pendingPhase: boolean | undefined;
  if (n > 0 && (gt[0] === '|' || gt[0] === '/')) {
    pendingPhase = gt[0] === '|';
    i = 1;
  }
  while (i <= n) {
    let j = i;
    while (j < n && gt[j] !== '/' && gt[j] !== '|') j++;
    const tok = gt.slice(i, j);
    alleles.push(tok === '.' || tok === '' ? -1 : Number(tok));
    phased.push(pendingPhase ?? false);
    if (j >= n) break;
    pendingPhase = gt[j] === '|';
    i = j + 1;
  }
  // without a 4.4 prefix, the first allele is phased iff all separators are '|' (htslib's rule)
  if (!(n > 0 && (gt[0] === '|' || gt[0] === '/')) && phased.length > 1) phased[0] = phased[1];
  return { alleles, phased };
}

/** Percent-decode a VCF 4.3+ value (%3A %3B %3D %25 %2C %0D %0A %09). */
export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
