/**
 * The record model of `norm`: a VCF line whose columns can be rewritten, with access to INFO and
 * FORMAT values shaped the way htslib holds them in memory, so that splitting and joining give
 * exactly what bcftools 1.16 gives (including its quirks):
 * - numeric values are flat arrays, every sample padded to the longest sample with "vector end";
 *   a '.' is a missing value; a sample without the field has one missing value;
 * - string FORMAT values are fixed-width byte blocks (the longest sample), padded with NUL bytes;
 * - GT is htslib's integer encoding ((allele+1)<<1 | phased, 0 = missing).
 * Text is kept as latin1 strings (one character per byte) so byte lengths are string lengths.
 * An unmodified record is written back as its original bytes.
 */
import type { VcfHeader } from '../vcf/header.js';
import type { VcfRecord } from '../vcf/record.js';

/** a value token, MISSING ('.') or END (htslib's vector_end padding) */
export type Val = string | null | undefined;
export const MISSING = null;
export const END = undefined;

export type NumberKind = 'A' | 'R' | 'G' | 'F';
export type TypeKind = 'int' | 'real' | 'flag' | 'str';
export interface FieldKind { num: NumberKind; type: TypeKind }

export interface InfoEntry { key: string; value: string | true }

/** htslib's variant type bits (bcf_get_variant_types) */
export const VCF_REF = 0, VCF_SNP = 1, VCF_MNP = 2, VCF_INDEL = 4, VCF_OTHER = 8, VCF_BND = 16, VCF_OVERLAP = 32;

export class NormRec {
  chrom: string;
  /** 1-based */
  pos: number;
  id: string;
  ref: string;
  alts: string[];
  qual: string;
  filter: string;
  readonly lineNo: number;
  readonly file?: string;
  /** the original line while nothing changed */
  private raw: string | null;
  private infoText: string;
  private _info?: InfoEntry[];
  /** FORMAT column and sample columns as read (undefined when the line has no FORMAT) */
  private tail?: string;
  private _fmt?: string[];
  private _smp?: Array<Array<string | undefined>>;
  readonly nSamples: number;
  /** built by splitting (bcftools then skips its non-ACGTN ALT check in realign) */
  fromSplit = false;

  constructor(init: { chrom: string; pos: number; id: string; ref: string; alts: string[]; qual: string; filter: string; infoText: string; tail?: string; raw: string | null; lineNo: number; file?: string; nSamples: number }) {
    this.chrom = init.chrom;
    this.pos = init.pos;
    this.id = init.id;
    this.ref = init.ref;
    this.alts = init.alts;
    this.qual = init.qual;
    this.filter = init.filter;
    this.infoText = init.infoText;
    this.tail = init.tail;
    this.raw = init.raw;
    this.lineNo = init.lineNo;
    this.file = init.file;
    this.nSamples = init.nSamples;
  }

  /** From a reader's record (its bytes read as latin1). */
  static from(rec: VcfRecord, nSamples: number): NormRec {
    const line = rec.buf.toString('latin1', rec.start, rec.end);
    const c: string[] = [];
    let s = 0;
    for (let k = 0; k < 8; k++) {
      const t = line.indexOf('\t', s);
      if (t < 0) { c.push(line.slice(s)); s = line.length + 1; break; }
      c.push(line.slice(s, t));
      s = t + 1;
    }
    while (c.length < 8) c.push('');
    const tail = s <= line.length ? line.slice(s) : undefined;
    const altRaw = c[4];
    return new NormRec({
      chrom: c[0], pos: Number(c[1]), id: c[2], ref: c[3],
      alts: altRaw === '.' || altRaw === '' ? [] : altRaw.split(','),
      qual: c[5], filter: c[6], infoText: c[7], tail, raw: line,
      lineNo: rec.lineNo, file: rec.file, nSamples,
    });
  }

  /** A new record with the fixed columns of `src` and no INFO/FORMAT (bcf_clear + copies). */
  static blank(src: NormRec): NormRec {
    return new NormRec({
      chrom: src.chrom, pos: src.pos, id: src.id, ref: src.ref, alts: src.alts.slice(), qual: src.qual, filter: src.filter,
      infoText: '.', tail: undefined, raw: null, lineNo: src.lineNo, file: src.file, nSamples: src.nSamples,
    });
  }

  get nAllele(): number { return 1 + this.alts.length; }
  get alleles(): string[] { return [this.ref, ...this.alts]; }
  get changed(): boolean { return this.raw === null; }

  /** Mark the record as rewritten (its line is rebuilt on output). */
  touch(): void { this.raw = null; }

  setAlleles(als: string[]): void {
    this.ref = als[0];
    this.alts = als.slice(1);
    this.raw = null;
  }

  get info(): InfoEntry[] {
    if (!this._info) {
      const out: InfoEntry[] = [];
      const t = this.infoText;
      if (t !== '.' && t !== '') {
        for (const part of t.split(';')) {
          if (part === '') continue;
          const eq = part.indexOf('=');
          if (eq < 0) out.push({ key: part, value: true });
          else out.push({ key: part.slice(0, eq), value: part.slice(eq + 1) });
        }
      }
      this._info = out;
    }
    return this._info;
  }

  /** replace the INFO entries (the record becomes modified) */
  setInfo(entries: InfoEntry[]): void {
    this._info = entries;
    this.raw = null;
  }

  infoGet(key: string): string | true | undefined {
    for (const e of this.info) if (e.key === key) return e.value;
    return undefined;
  }

  /** set (append when absent) or, with value undefined, remove an INFO entry */
  infoSet(key: string, value: string | true | undefined): void {
    const list = this.info.slice();
    const i = list.findIndex((e) => e.key === key);
    if (value === undefined) { if (i >= 0) list.splice(i, 1); }
    else if (i >= 0) list[i] = { key, value };
    else list.push({ key, value });
    this.setInfo(list);
  }

  get hasFormat(): boolean { return this._fmt ? this._fmt.length > 0 : this.tail !== undefined; }

  private parseFormat(): void {
    if (this._fmt) return;
    const fmt: string[] = [];
    const smp: Array<Array<string | undefined>> = [];
    if (this.tail !== undefined) {
      const cols = this.tail.split('\t');
      const keys = cols[0] === '.' || cols[0] === '' ? [] : cols[0].split(':');
      fmt.push(...keys);
      for (let i = 0; i < this.nSamples; i++) {
        const c = cols[i + 1];
        const f: Array<string | undefined> = c === undefined ? [] : c.split(':');
        f.length = keys.length;
        smp.push(f);
      }
    }
    this._fmt = fmt;
    this._smp = smp;
  }

  /** FORMAT keys */
  get fmt(): string[] { this.parseFormat(); return this._fmt!; }
  /** per sample, the value of each FORMAT key (undefined when the sample column is shorter) */
  get smp(): Array<Array<string | undefined>> { this.parseFormat(); return this._smp!; }

  setFormat(fmt: string[], smp: Array<Array<string | undefined>>): void {
    this._fmt = fmt;
    this._smp = smp;
    this.raw = null;
  }

  /** FORMAT values of one key as text per sample (undefined: absent), or null when the key is absent */
  fmtColumn(key: string): Array<string | undefined> | null {
    const k = this.fmt.indexOf(key);
    if (k < 0) return null;
    return this.smp.map((s) => s[k]);
  }

  /** The line to write (no newline). */
  text(): string {
    if (this.raw !== null) return this.raw;
    let s = `${this.chrom}\t${this.pos}\t${this.id}\t${this.ref}\t${this.alts.length ? this.alts.join(',') : '.'}\t${this.qual}\t${this.filter}\t`;
    if (this._info) s += this._info.length ? this._info.map((e) => (e.value === true ? e.key : `${e.key}=${e.value}`)).join(';') : '.';
    else s += this.infoText;
    if (this._fmt) {
      if (this.nSamples > 0) {
        if (this._fmt.length === 0) s += '\t.'.repeat(this.nSamples + 1);
        else {
          s += '\t' + this._fmt.join(':');
          for (const f of this._smp!) {
            s += '\t';
            for (let k = 0; k < this._fmt.length; k++) s += (k ? ':' : '') + (f[k] ?? '.');
          }
        }
      }
    } else if (this.tail !== undefined) s += '\t' + this.tail;
    return s;
  }

  private _vt?: number;

  /**
   * htslib's bcf_get_variant_types: the OR of every ALT's type (0 = REF only). Computed once and
   * cached, as htslib 1.16 does: changing the alleles later does not refresh it (bcftools norm
   * decisions depend on that).
   */
  get variantTypes(): number {
    if (this._vt === undefined) {
      let t = 0;
      for (const a of this.alts) t |= variantType(this.ref, a);
      this._vt = t;
    }
    return this._vt;
  }
}

const up = (c: string) => c.toUpperCase();

/** htslib 1.16 bcf_set_variant_type for one ALT. */
export function variantType(ref: string, alt: string): number {
  if (alt === '*') return VCF_OVERLAP;
  if (ref.length <= 1 && alt.length <= 1) {
    if (alt === '.' || ref === alt) return VCF_REF;
    if (alt === 'X') return VCF_REF;
    return VCF_SNP;
  }
  if (alt[0] === '<') {
    if (alt === '<X>' || alt.startsWith('<X>') || alt.startsWith('<*>') || alt === '<NON_REF>') return VCF_REF;
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
    return up(ref[re]) === up(alt[ae]) ? VCF_INDEL : VCF_OTHER;
  }
  if (re === r) return up(ref[re]) === up(alt[ae]) ? VCF_INDEL : VCF_OTHER;
  return re - r === ae - a ? VCF_MNP : VCF_OTHER;
}

/** The header's Number/Type of an INFO or FORMAT key, or htslib's assumption for undefined keys. */
export function fieldKind(header: VcfHeader, where: 'INFO' | 'FORMAT', key: string, isFlagValue = false): FieldKind {
  const def = (where === 'INFO' ? header.info : header.format).get(key);
  if (!def) return where === 'INFO' && isFlagValue ? { num: 'F', type: 'flag' } : { num: 'F', type: 'str' };
  const n = def.number;
  const num: NumberKind = n === 'A' || n === 'R' || n === 'G' ? n : 'F';
  const t = def.type;
  const type: TypeKind = t === 'Integer' ? 'int' : t === 'Float' ? 'real' : t === 'Flag' ? 'flag' : 'str';
  return { num, type };
}

/** htslib's bcf_alleles2gt */
export function alleles2gt(a: number, b: number): number {
  return a > b ? (a * (a + 1)) / 2 + b : (b * (b + 1)) / 2 + a;
}

/** Tokens of a numeric value: '.' (and empty) are missing. */
export function numTokens(text: string): Val[] {
  return text.split(',').map((t) => (t === '.' || t === '' ? MISSING : t));
}

/** Write numeric values until the vector end; nothing written gives '.'. */
export function numText(vals: Val[], from: number, n: number): string {
  let s = '';
  let k = 0;
  for (; k < n; k++) {
    const v = vals[from + k];
    if (v === END) break;
    if (k) s += ',';
    s += v === MISSING ? '.' : v;
  }
  return k === 0 ? '.' : s;
}

/** A FORMAT numeric field as htslib's flat array: `per` values for every sample. */
export interface FlatNum { vals: Val[]; per: number }

export function flatNumeric(col: Array<string | undefined>): FlatNum {
  const toks = col.map((t) => (t === undefined ? [MISSING] : numTokens(t)));
  let per = 0;
  for (const t of toks) if (t.length > per) per = t.length;
  const vals: Val[] = new Array(per * toks.length);
  toks.forEach((t, i) => {
    for (let k = 0; k < per; k++) vals[i * per + k] = k < t.length ? t[k] : END;
  });
  return { vals, per };
}

/** Per-sample text of a flat numeric array with `per` values per sample. */
export function flatText(vals: Val[], per: number, nSamples: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < nSamples; i++) out.push(numText(vals, i * per, per));
  return out;
}

/** A FORMAT string field as htslib's byte blocks of `blen` bytes per sample, NUL-padded. */
export interface FlatStr { buf: Uint8Array; blen: number }

export function flatStrings(col: Array<string | undefined>): FlatStr {
  const strs = col.map((t) => (t === undefined ? '.' : t));
  let blen = 0;
  for (const s of strs) if (s.length > blen) blen = s.length;
  // slack after the blocks: bcftools may read or write a little past them
  const buf = new Uint8Array(blen * strs.length + blen + 16);
  strs.forEach((s, i) => {
    for (let k = 0; k < s.length; k++) buf[i * blen + k] = s.charCodeAt(k) & 0xff;
  });
  return { buf, blen };
}

/** Per-sample text of byte blocks of `stride` bytes (each up to its first NUL). */
export function blockText(buf: Uint8Array, stride: number, nSamples: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < nSamples; i++) {
    let s = '';
    for (let k = 0; k < stride; k++) {
      const c = buf[i * stride + k] ?? 0;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    out.push(s);
  }
  return out;
}

/** bcf_int32_vector_end, as GT arrays hold it */
export const GT_END = -2147483647;

/** htslib's GT parsing: (allele+1)<<1 | phased; '.' = 0 | phased; the first allele is never phased. */
export function parseGt(text: string | undefined): number[] {
  if (text === undefined || text === '') return [0];
  const out: number[] = [];
  let phased = 0;
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text[i] === '.') {
      i++;
      out.push(phased);
    } else {
      let j = i;
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const v = j > i ? Number(text.slice(i, j)) : 0;
      out.push(((v + 1) << 1) | phased);
      i = j;
    }
    if (i >= n || (text[i] !== '|' && text[i] !== '/')) break;
    phased = text[i] === '|' ? 1 : 0;
    i++;
  }
  return out;
}

/** GT of every sample as one flat array of `per` values each (GT_END padding). */
export function flatGt(col: Array<string | undefined>): { vals: number[]; per: number } {
  const gts = col.map((t) => parseGt(t));
  let per = 0;
  for (const g of gts) if (g.length > per) per = g.length;
  const vals: number[] = new Array(per * gts.length);
  gts.forEach((g, i) => {
    for (let k = 0; k < per; k++) vals[i * per + k] = k < g.length ? g[k] : GT_END;
  });
  return { vals, per };
}

/** htslib's bcf_format_gt for one sample */
export function gtText(vals: number[], from: number, per: number): string {
  let s = '';
  let k = 0;
  for (; k < per; k++) {
    const v = vals[from + k];
    if (v === GT_END || v === undefined) break;
    if (k) s += v & 1 ? '|' : '/';
    s += v >> 1 ? String((v >> 1) - 1) : '.';
  }
  return k === 0 ? '.' : s;
}

export const gtAllele = (v: number) => (v >> 1) - 1;
export const gtIsMissing = (v: number) => v >> 1 === 0;
export const gtUnphased = (a: number) => (a + 1) << 1;
