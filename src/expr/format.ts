/**
 * bcftools query format strings (`-f`), compiled into a pipeline of small closures over byte ranges.
 *
 * Values are printed as htslib prints them after parsing the VCF into BCF: integers and floats are
 * re-rendered (floats rounded to float32 and printed with kputd) — but a value whose text htslib
 * would print back unchanged is copied from the input bytes without any conversion, which is the
 * common case. `[...]` blocks run per sample through a small op-code interpreter, and a block that
 * is a run of leading FORMAT fields joined by ':' is copied from the sample column in one pass.
 */
import type { VcfHeader } from '../vcf/header.js';
import { VcfError } from '../vcf/errors.js';
import { latin1 } from '../vcf/bytes.js';
import { QLine } from './format-line.js';
import { ByteOut } from './format-out.js';
import { isCanonicalInt, isCanonicalFloat, floatText, kputd, strtolPrefix } from './format-num.js';
import { binomTwoSided } from './functions.js';
import { variantTypes, typeText, isTransition } from './format-vartype.js';
import { variantKeyHex, rsidHex } from './format-vkey.js';
import { T, parseFormat, syntax, type Tok } from './format-parse.js';
import {
  type Emit, type SEmit, type Gt, DOT, COLON, SLASH, PIPE, TAB, OP_SEP1, OP_SEP, OP_GT, OP_FINT, OP_FFLT, OP_FSTR, OP_FN,
  kindOf, putIntVec, putFloatVec, element, countElements, copyIntVec, copyGt, planCopy, scanEnd, parseGt, putGt,
  IUPAC, baseIdx, rlen,
} from './format-values.js';

/** bytes that form a whole canonical allele on their own: '.', '0'..'9' */
const GT1 = new Uint8Array(256);
GT1[DOT] = 1;
for (let d = 48; d <= 57; d++) GT1[d] = 1;

/** Per-record values computed by the expression engine for `%N_PASS(...)` and `%SUM(...)`-like items. */
export interface FormatExprHooks {
  /** number of (output) samples passing the expression */
  nPass(expr: string): (L: QLine) => number;
  /** values of the expression: one per sample for per-sample results, else one; null = missing */
  values(expr: string): (L: QLine) => ArrayLike<number | null>;
}

export interface FormatOptions {
  header: VcfHeader;
  /** output samples as indexes into header.samples, in output order (default: all, in file order) */
  samples?: number[];
  /** -u: print '.' for tags not defined in the header instead of failing */
  allowUndefTags?: boolean;
  /** -F STR: print STR for samples failing the -i/-e sample filter (default: omit them) */
  printFiltered?: string;
  /** add a trailing newline when the format has none (bcftools ≥ 1.18 default; -N turns it off) */
  forceNewline?: boolean;
  /** -H header: prefix per-sample columns with the sample name (default true) */
  headerSamples?: boolean;
  /** -HH: no [n] column numbers in the header */
  noHeaderIndices?: boolean;
  exprs?: FormatExprHooks;
  /** the sample columns the expression engine sees, in its order (default: all, in file order) */
  exprSamples?: number[];
  /** file name for error messages */
  file?: string;
}

export interface CompiledFormat {
  /** the -H header line(s) ('' when %LINE is used) */
  header(): string;
  /** true when the format reads FORMAT/sample data (bcftools BCF_UN_FMT) */
  readonly usesFormat: boolean;
  /** true when a `[...]` block is present */
  readonly hasSampleBlock: boolean;
  /**
   * Append the formatted record to `out`. `mask[i]` (indexed like header.samples) excludes samples
   * from `[...]` blocks when 0/false; null prints all.
   */
  write(L: QLine, out: ByteOut, mask: ArrayLike<number | boolean> | null): void;
}


export function compileFormat(fmt: string, opts: FormatOptions): CompiledFormat {
  const header = opts.header;
  const { toks, undefInfo } = parseFormat(fmt, header);
  const nHdrSamples = header.samples.length;
  const samples = opts.samples ?? header.samples.map((_, i) => i);
  const allowUndef = !!opts.allowUndefTags;

  if (opts.forceNewline !== false) {
    const hasNl = toks.some((t) => t.key !== null && t.key.indexOf('\n') >= 0);
    if (!hasNl) toks.push({ type: T.SEP, key: '\n', isGt: false, subscript: -1, col: fmt.length + 1 });
  }

  const sampleNames = header.samples.map((n) => Buffer.from(n, 'utf8'));
  const enc = (s: string) => Buffer.from(s, 'utf8');
  const END_KEY = enc('END');
  // htslib takes rlen from INFO/END only when the header declares END as an Integer
  const endIsInt = header.info.get('END')?.type === 'Integer';

  let usesFormat = false;
  let hasSampleBlock = false;
  let undefFormat: string | null = null;
  /**
   * FORMAT keys seen in records so far: htslib adds a tag missing from the header when a record uses
   * it (as a String), and bcftools looks FORMAT tags up per record, so such a tag prints once seen.
   */
  const seenFormat = new Set<string>();
  const formatKnown = (key: string): boolean => header.format.has(key) || seenFormat.has(key);

  /* --- FORMAT key resolution per record: needed keys → field index in this record's FORMAT --- */
  const fmtKeys: string[] = [];
  const fmtKeyIdx = new Map<string, number>();
  const needFormatKey = (k: string): number => {
    let i = fmtKeyIdx.get(k);
    if (i === undefined) { i = fmtKeys.length; fmtKeys.push(k); fmtKeyIdx.set(k, i); }
    return i;
  };
  // per record state
  let fmtIndex: Int32Array = new Int32Array(0); // key id → FORMAT position (-1 absent)
  let fmtMax = -1; // max position needed
  const fmtCache = new Map<string, { idx: Int32Array; max: number; nFields: number }>();
  let lastFmtBytes = Buffer.alloc(0);
  let lastFmtEntry: { idx: Int32Array; max: number; nFields: number } | null = null;
  let fmtSerial = -1;
  const resolveFormat = (L: QLine): void => {
    if (fmtSerial === L.serial) return;
    fmtSerial = L.serial;
    if (!L.hasFormat) {
      if (!lastFmtEntry || lastFmtEntry.nFields !== 0 || lastFmtBytes.length !== 0) {
        lastFmtEntry = { idx: new Int32Array(fmtKeys.length).fill(-1), max: -1, nFields: 0 };
        lastFmtBytes = Buffer.alloc(0);
      }
    } else {
      const b = L.buf, s = L.cs[8], e = L.ce[8];
      const n = e - s;
      let same = lastFmtEntry !== null && n === lastFmtBytes.length;
      if (same) for (let i = 0; i < n; i++) if (b[s + i] !== lastFmtBytes[i]) { same = false; break; }
      if (!same) {
        const text = latin1(b, s, e);
        let ent = fmtCache.get(text);
        if (!ent) {
          const keys = text === '.' || text === '' ? [] : text.split(':');
          for (const k of keys) if (!header.format.has(k)) seenFormat.add(k);
          const idx = new Int32Array(fmtKeys.length).fill(-1);
          let max = -1;
          fmtKeys.forEach((k, i) => {
            const j = keys.indexOf(k);
            idx[i] = j;
            if (j > max) max = j;
          });
          ent = { idx, max, nFields: keys.length };
          if (fmtCache.size < 1024) fmtCache.set(text, ent);
        }
        lastFmtEntry = ent;
        lastFmtBytes = Buffer.from(b.subarray(s, e));
      }
    }
    fmtIndex = lastFmtEntry!.idx;
    fmtMax = lastFmtEntry!.max;
  };

  /* --- per-sample field location: fs[pos]/fe[pos] for FORMAT positions 0..fmtMax of one sample --- */
  let fs = new Int32Array(16);
  let fe = new Int32Array(16);
  let locSerial = -1;
  let locSample = -1;
  const locate = (L: QLine, si: number): void => {
    if (locSerial === L.serial && locSample === si) return;
    locSerial = L.serial;
    locSample = si;
    const m = fmtMax + 1;
    if (fs.length < m) { fs = new Int32Array(m * 2); fe = new Int32Array(m * 2); }
    let s = L.sampleStart(si);
    if (s < 0) { for (let k = 0; k < m; k++) fs[k] = -1; return; }
    const e = L.sampleEnd(si);
    const b = L.buf;
    let k = 0;
    for (; k < m; k++) {
      fs[k] = s;
      let q = s;
      while (q < e && b[q] !== COLON) q++;
      fe[k] = q;
      if (q >= e) { k++; break; }
      s = q + 1;
    }
    for (; k < m; k++) fs[k] = -1;
  };
  /** [start, end] of FORMAT key id `kid` in sample si, or start -1 */
  const field = (L: QLine, si: number, kid: number): number => {
    const pos = fmtIndex[kid];
    if (pos < 0) return -2; // key not in this record's FORMAT
    locate(L, si);
    return fs[pos] < 0 ? -1 : pos;
  };

  /* --- per-record GT decoding for TGT/IUPAC/PBINOM (max ploidy needs all samples) --- */
  let gtKid = -1;
  const gtCache = new Map<number, Gt>();
  let gtSerial = -1;
  const sampleGt = (L: QLine, si: number): Gt | null => {
    if (gtSerial !== L.serial) { gtSerial = L.serial; gtCache.clear(); }
    let g = gtCache.get(si);
    if (g) return g;
    const pos = field(L, si, gtKid);
    if (pos === -2) return null;
    if (pos === -1) g = { al: [-1], ph: [false] };
    else g = parseGt(L.buf, fs[pos], fe[pos]);
    gtCache.set(si, g);
    return g;
  };
  let ploidySerial = -1;
  let maxPloidy = 0;
  const recordMaxPloidy = (L: QLine): number => {
    if (ploidySerial === L.serial) return maxPloidy;
    ploidySerial = L.serial;
    let m = 0;
    const n = L.sampleCount;
    for (let i = 0; i < n; i++) {
      const g = sampleGt(L, i);
      if (g && g.al.length > m) m = g.al.length;
    }
    maxPloidy = m;
    return m;
  };

  /* --- INFO helpers --- */
  const infoEmit = (key: string, subscript: number): Emit => {
    const def = header.info.get(key);
    if (!def) return (_L, o) => o.byte(DOT);
    const kb = enc(key);
    const kind = kindOf(def, key, false);
    return (L, o) => {
      const i = L.findInfo(kb);
      if (i < 0) { o.byte(DOT); return; }
      const vs = L.infoVS[i], ve = L.infoVE[i];
      const b = L.buf;
      if (vs < 0 || ve <= vs) { o.byte(49); return; } // a flag (or an empty value): 1
      if (kind === 'b') { o.copy(b, vs, ve); return; } // a flag given a value: htslib keeps it as text
      if (kind === 's') {
        if (subscript < 0 || ve - vs === 1) { o.copy(b, vs, ve); return; }
        const el = element(b, vs, ve, subscript);
        if (!el || el[1] === el[0]) o.byte(DOT);
        else o.copy(b, el[0], el[1]);
        return;
      }
      const n = countElements(b, vs, ve);
      if (subscript < 0 || n === 1) {
        if (kind === 'i') putIntVec(o, b, vs, ve); else putFloatVec(o, b, vs, ve);
        return;
      }
      const el = element(b, vs, ve, subscript);
      if (!el) { o.byte(DOT); return; }
      if (kind === 'i') putIntVec(o, b, el[0], el[1]); else putFloatVec(o, b, el[0], el[1]);
    };
  };

  const wholeInfo: Emit = (L, o) => {
    L.parseInfo();
    if (L.infoN === 0) { o.byte(DOT); return; }
    const b = L.buf;
    for (let i = 0; i < L.infoN; i++) {
      if (i) o.byte(59);
      const ks = L.infoKS[i], ke = L.infoKE[i];
      o.copy(b, ks, ke);
      const vs = L.infoVS[i], ve = L.infoVE[i];
      if (vs < 0) continue;
      const def = header.info.get(latin1(b, ks, ke));
      const kind = kindOf(def, '', false);
      if (kind === 'b') {
        if (ve > vs) { o.byte(61); o.copy(b, vs, ve); }
        continue;
      }
      if (ve <= vs) continue; // "KEY=" is stored as an empty value, printed like a flag
      o.byte(61);
      if (kind === 'i') putIntVec(o, b, vs, ve);
      else if (kind === 'f') putFloatVec(o, b, vs, ve);
      else o.copy(b, vs, ve);
    }
  };

  /* --- FORMAT value emitter for one sample --- */
  const formatEmit = (key: string, subscript: number): SEmit => {
    const def = header.format.get(key);
    const kid = needFormatKey(key);
    const kind = kindOf(def, key, true);
    return (L, o, si) => {
      if (!def && !formatKnown(key)) {
        if (undefFormat === null && !allowUndef) undefFormat = key;
        o.byte(DOT);
        return;
      }
      const pos = field(L, si, kid);
      if (pos === -2) { o.byte(DOT); return; }
      if (pos === -1) { o.byte(DOT); return; }
      const b = L.buf;
      const s = fs[pos], e = fe[pos];
      if (kind === 'g') {
        if (subscript >= 0) { o.byte(DOT); return; }
        putGt(o, b, s, e);
        return;
      }
      if (subscript >= 0) {
        const el = element(b, s, e, subscript);
        if (!el || el[1] === el[0]) { o.byte(DOT); return; }
        if (kind === 'i') putIntVec(o, b, el[0], el[1]);
        else if (kind === 'f') putFloatVec(o, b, el[0], el[1]);
        else o.copy(b, el[0], el[1]);
        return;
      }
      if (kind === 'i') putIntVec(o, b, s, e);
      else if (kind === 'f') putFloatVec(o, b, s, e);
      else o.copy(b, s, e); // strings: raw (an empty string prints nothing)
    };
  };

  /* --- whole FORMAT and sample columns (%FORMAT outside brackets) --- */
  /** kinds of the FORMAT fields of a record, cached per FORMAT text */
  const kindCache = new Map<string, { keys: string; kinds: string[] }>();
  const formatKinds = (L: QLine): { keys: string; kinds: string[] } => {
    const text = latin1(L.buf, L.cs[8], L.ce[8]);
    let k = kindCache.get(text);
    if (!k) {
      const keys = text.split(':');
      k = { keys: text, kinds: keys.map((key) => kindOf(header.format.get(key), key, true)) };
      if (kindCache.size < 1024) kindCache.set(text, k);
    }
    return k;
  };

  /**
   * FORMAT keys and the given samples' columns as htslib prints them (bcf_fmt_array per field, GT via
   * bcf_format_gt, every FORMAT field of every sample, '.' for missing ones); without FORMAT keys,
   * "\t." for each sample plus one.
   */
  const formatColumns = (L: QLine, o: ByteOut, list: number[], nSmpl: number): void => {
    if (!L.hasFormat || (L.ce[8] - L.cs[8] === 1 && L.buf[L.cs[8]] === DOT) || L.ce[8] === L.cs[8]) {
      for (let j = 0; j <= nSmpl; j++) { o.byte(TAB); o.byte(DOT); }
      return;
    }
    const fk = formatKinds(L);
    o.ascii(fk.keys);
    const kinds = fk.kinds;
    const b = L.buf;
    for (const si of list) {
      o.byte(TAB);
      const s0 = L.sampleStart(si);
      const e0 = L.sampleEnd(si);
      let p = s0;
      for (let k = 0; k < kinds.length; k++) {
        if (k) o.byte(COLON);
        if (p < 0 || p > e0) { o.byte(DOT); continue; }
        let q = p;
        while (q < e0 && b[q] !== COLON) q++;
        const fs0 = p, fe0 = q;
        p = q < e0 ? q + 1 : e0 + 1;
        const kind = kinds[k];
        if (kind === 'g') putGt(o, b, fs0, fe0);
        else if (kind === 'i') putIntVec(o, b, fs0, fe0);
        else if (kind === 'f') putFloatVec(o, b, fs0, fe0);
        else o.copy(b, fs0, fe0); // an empty string prints nothing
      }
    }
  };

  /** %FORMAT: the FORMAT and sample columns of the output samples, in output order */
  const wholeFormat: Emit = (L, o) => {
    if (!samples.length) { o.byte(DOT); return; }
    formatColumns(L, o, samples, samples.length);
  };

  /** %LINE: the record as htslib writes it (vcf_format), samples of the (subset) header in file order */
  const lineSamples = samples.slice().sort((x, y) => x - y);
  const lineEmit: Emit = (L, o) => {
    const b = L.buf;
    o.copy(b, L.cs[0], L.ce[0]);
    o.byte(TAB);
    const ps = L.cs[1], pe = L.ce[1];
    if (isCanonicalInt(b, ps, pe) && b[ps] !== 45) o.copy(b, ps, pe); else o.ascii(String(L.pos));
    o.byte(TAB);
    o.copy(b, L.cs[2], L.ce[2]);
    o.byte(TAB);
    o.copy(b, L.cs[3], L.ce[3]);
    o.byte(TAB);
    if (L.ce[4] > L.cs[4]) o.copy(b, L.cs[4], L.ce[4]); else o.byte(DOT);
    o.byte(TAB);
    const qs = L.cs[5], qe = L.ce[5];
    if (qe <= qs || (qe - qs === 1 && b[qs] === DOT)) o.byte(DOT);
    else if (isCanonicalFloat(b, qs, qe)) o.copy(b, qs, qe); else o.ascii(floatText(b, qs, qe));
    o.byte(TAB);
    if (L.ce[6] > L.cs[6]) o.copy(b, L.cs[6], L.ce[6]); else o.byte(DOT);
    o.byte(TAB);
    wholeInfo(L, o);
    if (lineSamples.length) {
      if (L.hasFormat && L.ce[8] > L.cs[8] && !(L.ce[8] - L.cs[8] === 1 && b[L.cs[8]] === DOT)) o.byte(TAB);
      formatColumns(L, o, lineSamples, lineSamples.length);
    }
  };

  const altEmit = (subscript: number): Emit => (L, o) => {
    const b = L.buf, s = L.cs[4], e = L.ce[4];
    if (L.nCols < 5 || (e - s === 1 && b[s] === DOT) || e <= s) { o.byte(DOT); return; }
    if (subscript < 0) { o.copy(b, s, e); return; }
    const el = element(b, s, e, subscript);
    if (!el) o.byte(DOT); else o.copy(b, el[0], el[1]);
  };

  /* --- expression-backed items --- */
  const needExprs = (what: string, col: number): FormatExprHooks => {
    if (!opts.exprs) throw syntax(fmt, col, `${what} needs the -i/-e expression engine, which is not available`);
    return opts.exprs;
  };

  /* --- build emitters --- */
  const siteEmit = (t: Tok): Emit | null => {
    switch (t.type) {
      case T.CHROM: return (L, o) => o.copy(L.buf, L.cs[0], L.ce[0]);
      case T.POS: return (L, o) => {
        const b = L.buf, s = L.cs[1], e = L.ce[1];
        if (isCanonicalInt(b, s, e) && b[s] !== 45) o.copy(b, s, e); else o.ascii(String(L.pos));
      };
      case T.POS0: return (L, o) => o.ascii(String(L.pos - 1));
      case T.END: return (L, o) => o.ascii(String(L.pos - 1 + rlen(L, END_KEY, endIsInt)));
      case T.END0: return (L, o) => o.ascii(String(L.pos - 2 + rlen(L, END_KEY, endIsInt)));
      case T.ID: return (L, o) => o.copy(L.buf, L.cs[2], L.ce[2]);
      case T.REF: return (L, o) => o.copy(L.buf, L.cs[3], L.ce[3]);
      case T.ALT: return altEmit(t.subscript);
      case T.FIRST_ALT: return altEmit(0);
      case T.QUAL: return (L, o) => {
        const b = L.buf, s = L.cs[5], e = L.ce[5];
        if (e <= s || (e - s === 1 && b[s] === DOT)) { o.byte(DOT); return; }
        if (isCanonicalFloat(b, s, e)) o.copy(b, s, e); else o.ascii(floatText(b, s, e));
      };
      case T.FILTER: return (L, o) => {
        const b = L.buf, s = L.cs[6], e = L.ce[6];
        if (L.nCols < 7 || e <= s) o.byte(DOT); else o.copy(b, s, e);
      };
      case T.INFO: return t.key === null ? wholeInfo : infoEmit(t.key, t.subscript);
      case T.FORMAT: usesFormat = true; return wholeFormat;
      case T.SEP: {
        if (t.key === null) return null;
        const kb = enc(t.key);
        return (_L, o) => o.bytes(kb);
      }
      case T.IS_TS: return (L, o) => {
        const a = L.alleles;
        o.byte(isTransition(a[0], a.slice(1)) ? 49 : 48);
      };
      case T.TYPE: return (L, o) => { const a = L.alleles; o.ascii(typeText(variantTypes(a[0], a.slice(1)))); };
      // %MASK lists which of several synced readers have the record; query has none: prints nothing
      case T.MASK: return null;
      case T.LINE: usesFormat = true; return lineEmit;
      case T.CHROM_POS_ID: return (L, o) => {
        const b = L.buf;
        if (!(L.ce[2] - L.cs[2] === 1 && b[L.cs[2]] === DOT)) { o.copy(b, L.cs[2], L.ce[2]); return; }
        o.copy(b, L.cs[0], L.ce[0]); o.byte(COLON); o.ascii(String(L.pos));
      };
      case T.RSX: return (L, o) => o.ascii(rsidHex(L.colText(2)));
      case T.VKX: return (L, o) => {
        const a = L.alleles;
        o.ascii(variantKeyHex(L.colText(0), L.pos - 1, a[0], a.length > 1 ? a[1] : ''));
      };
      case T.NPASS: {
        const f = needExprs('N_PASS()', t.col).nPass(t.key!);
        usesFormat = true;
        return (L, o) => o.ascii(kputd(f(L)));
      }
      case T.FILTER_EXPR: {
        const f = needExprs(`%${t.key}`, t.col).values(t.key!);
        return (L, o) => {
          const v = f(L);
          const x = v.length ? v[0] : null;
          if (x === null || x === undefined || Number.isNaN(x)) o.byte(DOT); else o.ascii(kputd(x));
        };
      }
      default:
        throw syntax(fmt, t.col, `the tag "${t.key}" cannot be used outside square brackets`);
    }
  };

  const sampleEmit = (t: Tok): SEmit => {
    switch (t.type) {
      case T.SAMPLE: return (_L, o, si) => o.bytes(sampleNames[si]);
      case T.SEP: {
        const kb = enc(t.key ?? '');
        return (_L, o) => o.bytes(kb);
      }
      case T.FORMAT: usesFormat = true; return formatEmit(t.key!, t.subscript);
      case T.GT: {
        usesFormat = true;
        gtKid = needFormatKey('GT');
        const kid = gtKid;
        const defined = header.format.has('GT');
        return (L, o, si) => {
          if (!defined && !formatKnown('GT')) { if (undefFormat === null && !allowUndef) undefFormat = 'GT'; o.byte(DOT); return; }
          const pos = field(L, si, kid);
          if (pos < 0) { o.byte(DOT); return; }
          putGt(o, L.buf, fs[pos], fe[pos]);
        };
      }
      case T.TGT:
      case T.IUPAC_GT: {
        usesFormat = true;
        gtKid = needFormatKey('GT');
        const iupac = t.type === T.IUPAC_GT;
        const defined = header.format.has('GT');
        return (L, o, si) => {
          if (!defined && !formatKnown('GT')) { if (undefFormat === null && !allowUndef) undefFormat = 'GT'; o.byte(DOT); return; }
          const g = sampleGt(L, si);
          if (!g) { o.byte(DOT); return; }
          const al = L.alleles;
          if (iupac && g.al.length === 2 && g.al[0] >= 0 && g.al[1] >= 0 && g.al[0] < al.length && g.al[1] < al.length) {
            const x = baseIdx(al[g.al[0]]), y = baseIdx(al[g.al[1]]);
            if (x >= 0 && y >= 0) { o.byte(IUPAC[x].charCodeAt(y)); return; }
          }
          for (let i = 0; i < g.al.length; i++) {
            if (i) o.byte(g.ph[i] ? PIPE : SLASH);
            const a = g.al[i];
            if (a < 0) o.byte(DOT);
            else if (a < al.length) o.text(al[a]);
          }
        };
      }
      case T.PBINOM: {
        usesFormat = true;
        gtKid = needFormatKey('GT');
        const adKid = needFormatKey(t.key!);
        const def = header.format.get(t.key!);
        const isInt = def?.type === 'Integer';
        let adSerial = -1;
        let adN = 0;
        return (L, o, si) => {
          if (!isInt || fmtIndex[adKid] < 0 || recordMaxPloidy(L) !== 2 || L.alleles.length > 63) { o.byte(DOT); return; }
          const g = sampleGt(L, si);
          if (!g || g.al.length !== 2 || g.al[0] < 0 || g.al[1] < 0) { o.byte(DOT); return; }
          const b = L.buf;
          if (adSerial !== L.serial) {
            // the record's AD width: the largest number of values over all samples
            adSerial = L.serial;
            adN = 0;
            for (let j = 0; j < L.sampleCount; j++) {
              const p2 = field(L, j, adKid);
              if (p2 >= 0) { const c = countElements(b, fs[p2], fe[p2]); if (c > adN) adN = c; }
            }
          }
          const pos = field(L, si, adKid);
          if (pos < 0) { o.byte(DOT); return; }
          const n = [0, 0];
          for (let i = 0; i < 2; i++) {
            const a = g.al[i];
            if (a > L.alleles.length || a >= adN) { o.byte(DOT); return; }
            const el = element(b, fs[pos], fe[pos], a);
            if (!el || el[1] === el[0] || (el[1] - el[0] === 1 && b[el[0]] === DOT)) { o.byte(DOT); return; }
            const r = strtolPrefix(b, el[0], el[1]);
            if (r.end === el[0]) { o.byte(DOT); return; }
            n[i] = r.v;
          }
          if (n[0] === n[1]) { o.byte(n[0] === 0 ? DOT : 48); return; }
          let pval = binomTwoSided(n[0], n[1], 0.5);
          pval = pval >= 1 ? 0 : -4.34294481903 * Math.log(pval);
          o.ascii(kputd(pval));
        };
      }
      case T.FILTER_EXPR: {
        const f = needExprs(`%${t.key}`, t.col).values(t.key!);
        usesFormat = true;
        // the expression's samples are a subset of the columns: map a column to its position there
        const colToExpr = new Int32Array(nHdrSamples).fill(0);
        if (opts.exprSamples) opts.exprSamples.forEach((c, i) => { colToExpr[c] = i; });
        else for (let i = 0; i < nHdrSamples; i++) colToExpr[i] = i;
        // per-sample values are computed once per record
        let serial = -1;
        let vals: ArrayLike<number | null> = [];
        return (L, o, si) => {
          if (serial !== L.serial) { serial = L.serial; vals = f(L); }
          const ei = colToExpr[si];
          const idx = ei < vals.length ? ei : 0;
          const x = vals.length ? vals[idx] : null;
          if (x === null || x === undefined || Number.isNaN(x)) o.byte(DOT); else o.ascii(kputd(x));
        };
      }
      case T.INFO: {
        const f = t.key === null ? wholeInfo : infoEmit(t.key, t.subscript);
        return (L, o) => f(L, o);
      }
      default: {
        const f = siteEmit(t);
        return f ? (L, o) => f(L, o) : () => {};
      }
    }
  };

  /* --- program: fixed items and sample blocks --- */
  /*
   * A `[...]` block is run per sample by a small interpreter over op codes (one monomorphic loop)
   * for the common items — separators, GT and plain FORMAT values — and closures for the rest.
   */
  interface Block {
    code: number[];
    kid: number[];
    bytes: (Buffer | null)[];
    fn: (SEmit | null)[];
    /** separator bytes per item (for -F), null for value items */
    seps: (Buffer | null)[];
    /** first byte of one-byte separators */
    b1: number[];
    needLoc: boolean;
    /** number of items copying a sample field, and total separator bytes (for the room estimate) */
    nFieldOps: number;
    fixedBytes: number;
    /** fast plan: leading separators, then FORMAT fields 0..m joined by ':' (copied from the sample column in one pass), then trailing separators */
    plan: { lead: Buffer; kids: number[]; kinds: number[]; trail: Buffer } | null;
    planSerial: number;
    planOk: boolean;
    /** the plan prints GT alone between separators */
    gtOnly: boolean;
  }
  const blockOp = (blk: Block, t: Tok): void => {
    let code = OP_FN, kid = -1, bytes: Buffer | null = null, fn: SEmit | null = null;
    if (t.type === T.SEP || t.type === T.MASK) {
      // %MASK prints nothing in query (no synced readers), without dropping the sample's output
      bytes = t.type === T.SEP ? enc(t.key ?? '') : Buffer.alloc(0);
      code = bytes.length === 1 ? OP_SEP1 : OP_SEP;
    } else if (t.type === T.GT && header.format.has('GT')) {
      usesFormat = true;
      kid = gtKid = needFormatKey('GT');
      code = OP_GT;
    } else if (t.type === T.FORMAT && t.key !== null && t.subscript < 0 && header.format.has(t.key) && t.key !== 'GT') {
      usesFormat = true;
      const kind = kindOf(header.format.get(t.key), t.key, true);
      kid = needFormatKey(t.key);
      code = kind === 'i' ? OP_FINT : kind === 'f' ? OP_FFLT : OP_FSTR;
    } else {
      fn = sampleEmit(t);
    }
    if (code !== OP_FN && code !== OP_SEP && code !== OP_SEP1) { blk.needLoc = true; blk.nFieldOps++; }
    if (bytes) blk.fixedBytes += bytes.length;
    blk.b1.push(bytes && bytes.length ? bytes[0] : 0);
    blk.code.push(code);
    blk.kid.push(kid);
    blk.bytes.push(bytes);
    blk.fn.push(fn);
    blk.seps.push(t.type === T.SEP ? enc(t.key ?? '') : null);
  };
  /** the block's shape, when it is [SEP*] FIELD (':' FIELD)* [SEP*] */
  const prefixPlan = (blk: Block): Block['plan'] => {
    const c = blk.code;
    let k = 0;
    const lead: number[] = [];
    while (k < c.length && (c[k] === OP_SEP || c[k] === OP_SEP1)) { lead.push(...blk.bytes[k]!); k++; }
    const kids: number[] = [];
    const kinds: number[] = [];
    for (;;) {
      if (k >= c.length || !(c[k] === OP_GT || c[k] === OP_FINT || c[k] === OP_FFLT || c[k] === OP_FSTR)) return null;
      kids.push(blk.kid[k]);
      kinds.push(c[k]);
      k++;
      if (k < c.length - 1 && c[k] === OP_SEP1 && blk.b1[k] === COLON && c[k + 1] !== OP_SEP && c[k + 1] !== OP_SEP1) { k++; continue; }
      break;
    }
    const trail: number[] = [];
    while (k < c.length && (c[k] === OP_SEP || c[k] === OP_SEP1)) { trail.push(...blk.bytes[k]!); k++; }
    if (k !== c.length) return null;
    return { lead: Buffer.from(lead), kids, kinds, trail: Buffer.from(trail) };
  };

  const prog: Array<Emit | Block> = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.isGt) {
      let j = i;
      while (j < toks.length && toks[j].isGt) j++;
      const blk: Block = { code: [], kid: [], bytes: [], fn: [], seps: [], b1: [], needLoc: false, nFieldOps: 0, fixedBytes: 0, plan: null, planSerial: -1, planOk: false, gtOnly: false };
      for (let k = i; k < j; k++) blockOp(blk, toks[k]);
      blk.plan = prefixPlan(blk);
      blk.gtOnly = blk.plan !== null && blk.plan.kinds.length === 1 && blk.plan.kinds[0] === OP_GT;
      prog.push(blk);
      hasSampleBlock = true;
      usesFormat = true;
      i = j - 1;
      continue;
    }
    const f = siteEmit(t);
    if (f) prog.push(f);
  }
  const printFiltered = opts.printFiltered !== undefined ? enc(opts.printFiltered) : null;
  const needResolve = fmtKeys.length > 0;

  /* sequential walk over sample columns: the next sample starts after the previous one's tab */
  let seqSerial = -1;
  let seqNext = -1;
  let seqPos = -1;

  /** a filtered-out sample: keep the sequential cursor moving over its column (one pass per line) */
  const skipSample = (L: QLine, ks: number): void => {
    if (L.samplesLocated) return; // runBlock finds the next sample's column directly
    let p: number;
    if (seqSerial === L.serial && seqNext === ks) p = seqPos;
    else if (ks === 0) p = L.nCols > 9 ? L.cs[9] : -1;
    else return;
    if (p < 0) return;
    const b = L.buf, le = L.e;
    while (p < le && b[p] !== TAB) p++;
    seqSerial = L.serial;
    seqNext = ks + 1;
    seqPos = p < le ? p + 1 : -1;
  };

  /** the block's fast plan applies to this line's FORMAT (checked once per line) */
  const planReady = (blk: Block, L: QLine): boolean => {
    const plan = blk.plan!;
    if (blk.planSerial !== L.serial) {
      blk.planSerial = L.serial;
      let ok = true;
      for (let i = 0; i < plan.kids.length; i++) if (fmtIndex[plan.kids[i]] !== i) { ok = false; break; }
      blk.planOk = ok;
    }
    return blk.planOk;
  };

  /**
   * A block printing separators around GT only (`[\t%GT]`), with the sample columns already
   * located: one-digit diploid genotypes (canonical as they are) are copied without a call per
   * sample; anything else goes through runBlock.
   */
  const gtOnlyBlock = (blk: Block, L: QLine, o: ByteOut, mask: ArrayLike<number | boolean> | null): void => {
    const plan = blk.plan!;
    const lead = plan.lead, trail = plan.trail;
    const nl = lead.length, nt = trail.length;
    const room = nl + nt + 3;
    const b = L.buf;
    const S = L.sampleStarts, E = L.sampleEnds;
    const ns = samples.length;
    for (let js = 0; js < ns; js++) {
      const ks = samples[js];
      if (mask && !mask[ks]) continue;
      const s0 = S[ks], ce = E[ks];
      if (ce - s0 >= 3 && GT1[b[s0]] === 1 && (b[s0 + 1] === SLASH || b[s0 + 1] === PIPE) && GT1[b[s0 + 2]] === 1 && (ce === s0 + 3 || b[s0 + 3] === COLON)) {
        if (o.n + room > o.buf.length) o.ensure(room);
        const ob = o.buf;
        let n = o.n;
        for (let i = 0; i < nl; i++) ob[n++] = lead[i];
        ob[n++] = b[s0]; ob[n++] = b[s0 + 1]; ob[n++] = b[s0 + 2];
        for (let i = 0; i < nt; i++) ob[n++] = trail[i];
        o.n = n;
      } else runBlock(blk, L, o, ks);
    }
  };

  const runBlock = (blk: Block, L: QLine, o: ByteOut, ks: number): void => {
    const code = blk.code;
    const ne = code.length;
    const b = L.buf;
    const plan = blk.plan;
    if (plan !== null) {
      if (planReady(blk, L)) {
        let s0: number;
        let colEnd = -1;
        if (L.samplesLocated) { s0 = L.sampleStart(ks); colEnd = L.sampleEnd(ks); }
        else if (seqSerial === L.serial && seqNext === ks) s0 = seqPos;
        else if (ks === 0) s0 = L.nCols > 9 ? L.cs[9] : -1;
        else s0 = L.sampleStart(ks);
        if (s0 >= 0 && planCopy(plan, b, s0, L.e, o, colEnd)) {
          seqSerial = L.serial;
          seqNext = ks + 1;
          seqPos = scanEnd < L.e ? scanEnd + 1 : -1;
          return;
        }
      }
    }
    let room = blk.fixedBytes + 16;
    if (blk.needLoc) {
      // locate this sample's fields (positions 0..fmtMax), walking on from the previous sample
      let s0: number;
      if (seqSerial === L.serial && seqNext === ks) s0 = seqPos;
      else if (ks === 0) s0 = L.nCols > 9 ? L.cs[9] : -1;
      else s0 = L.sampleStart(ks);
      const m = fmtMax + 1;
      if (fs.length < m) { fs = new Int32Array(m * 2); fe = new Int32Array(m * 2); }
      const FS = fs, FE = fe;
      const le = L.e;
      let k = 0;
      let p = s0;
      if (s0 >= 0) {
        for (; k < m; k++) {
          FS[k] = p;
          let c = 0;
          while (p < le && (c = b[p]) !== COLON && c !== TAB) p++;
          FE[k] = p;
          if (c !== COLON || p >= le) { k++; break; }
          p++;
        }
        // find the end of the sample column for the next one
        while (p < le && b[p] !== TAB) p++;
        seqSerial = L.serial;
        seqNext = ks + 1;
        seqPos = p < le ? p + 1 : -1;
        room += (p - s0 + 1) * blk.nFieldOps;
      }
      for (; k < m; k++) FS[k] = -1;
      locSerial = L.serial;
      locSample = ks;
    }
    o.ensure(room);
    let ob = o.buf;
    let n = o.n;
    const lStart = n;
    const FS = fs, FE = fe, FI = fmtIndex;
    for (let k = 0; k < ne; k++) {
      switch (code[k]) {
        case OP_SEP1: ob[n++] = blk.b1[k]; continue;
        case OP_SEP: { const sb = blk.bytes[k]!; for (let i = 0; i < sb.length; i++) ob[n++] = sb[i]; continue; }
        case OP_GT: {
          const pos = FI[blk.kid[k]];
          if (pos < 0 || FS[pos] < 0) { ob[n++] = DOT; continue; }
          const s = FS[pos], e = FE[pos];
          const r = copyGt(b, s, e, ob, n);
          if (r >= 0) { n = r; continue; }
          o.n = n; putGt(o, b, s, e); ob = o.buf; n = o.n;
          continue;
        }
        case OP_FINT: {
          const pos = FI[blk.kid[k]];
          if (pos < 0 || FS[pos] < 0) { ob[n++] = DOT; continue; }
          const s = FS[pos], e = FE[pos];
          const r = copyIntVec(b, s, e, ob, n);
          if (r >= 0) { n = r; continue; }
          o.n = n; putIntVec(o, b, s, e); ob = o.buf; n = o.n;
          continue;
        }
        case OP_FFLT: {
          const pos = FI[blk.kid[k]];
          if (pos < 0 || FS[pos] < 0) { ob[n++] = DOT; continue; }
          o.n = n; putFloatVec(o, b, FS[pos], FE[pos]); ob = o.buf; n = o.n;
          continue;
        }
        case OP_FSTR: {
          const pos = FI[blk.kid[k]];
          if (pos < 0 || FS[pos] < 0) { ob[n++] = DOT; continue; }
          const s = FS[pos], e = FE[pos];
          if (e > s) { for (let i = s; i < e; i++) ob[n++] = b[i]; continue; }
          // an empty string prints nothing: bcftools then drops this sample's whole block output
          o.n = lStart;
          return;
        }
        default: {
          o.n = n;
          blk.fn[k]!(L, o, ks);
          if (o.n === n) { o.n = lStart; return; }
          // a closure may have located other samples' fields (PBINOM's per-record ploidy and AD
          // width scan all samples): locate this sample's fields again for the items that follow
          if (blk.needLoc && locSample !== ks) locate(L, ks);
          ob = o.buf;
          n = o.n;
          // a closure may write a lot: keep room for the remaining fixed items
          o.ensure(room);
          ob = o.buf;
        }
      }
    }
    o.n = n;
  };

  const write = (L: QLine, o: ByteOut, mask: ArrayLike<number | boolean> | null): void => {
    if (!allowUndef && undefInfo !== null) {
      let msg = `no such tag defined in the VCF header: INFO/${undefInfo}`;
      if (header.format.has(undefInfo)) msg += `. FORMAT fields must be enclosed in square brackets, e.g. "[ %${undefInfo}]"`;
      throw new VcfError('QUERY_UNDEFINED_TAG', msg, { file: opts.file, line: L.lineNo }, 'usage');
    }
    if (needResolve) resolveFormat(L);
    for (let pi = 0; pi < prog.length; pi++) {
      const item = prog[pi];
      if (typeof item === 'function') { item(L, o); continue; }
      if (item.gtOnly && !printFiltered && L.samplesLocated && planReady(item, L)) {
        gtOnlyBlock(item, L, o, mask);
        if (undefFormat !== null) {
          throw new VcfError('QUERY_UNDEFINED_TAG', `no such tag defined in the VCF header: FORMAT/${undefFormat}`, { file: opts.file, line: L.lineNo }, 'usage');
        }
        continue;
      }
      const ns = samples.length;
      for (let js = 0; js < ns; js++) {
        const ks = samples[js];
        if (mask && !mask[ks]) {
          if (item.needLoc || item.plan) skipSample(L, ks);
          if (!printFiltered) continue;
          const seps = item.seps;
          for (let k = 0; k < seps.length; k++) {
            const sep = seps[k];
            o.bytes(sep ?? printFiltered);
          }
          continue;
        }
        runBlock(item, L, o, ks);
      }
      if (undefFormat !== null) {
        throw new VcfError('QUERY_UNDEFINED_TAG', `no such tag defined in the VCF header: FORMAT/${undefFormat}`, { file: opts.file, line: L.lineNo }, 'usage');
      }
    }
  };

  const headerText = (): string => {
    if (toks.some((t) => t.type === T.LINE)) return '';
    let headerSamples = opts.headerSamples !== false;
    const noIdx = !!opts.noHeaderIndices;
    for (;;) {
      let s = '#';
      let icol = 0;
      let hasNl = false;
      let restart = false;
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.isGt) {
          let j = i;
          while (j < toks.length && toks[j].isGt) j++;
          for (let js = 0; js < samples.length; js++) {
            const ks = samples[js];
            for (let k = i; k < j; k++) {
              const tk = toks[k];
              if (tk.type === T.SEP) {
                if (tk.key) for (const ch of tk.key) { if (ch === '\n') hasNl = true; else s += ch; }
              } else {
                icol++;
                if (!noIdx) s += `[${icol}]`;
                s += headerSamples ? `${header.samples[ks]}:${tk.key ?? '(null)'}` : `${tk.key ?? '(null)'}`;
              }
            }
            if (hasNl) {
              if (!headerSamples) break;
              headerSamples = false;
              restart = true;
              break;
            }
          }
          if (restart) break;
          i = j - 1;
          continue;
        }
        if (t.type === T.SEP) { if (t.key) s += t.key; continue; }
        icol++;
        if (!noIdx) s += `[${icol}]`;
        s += t.key ?? '(null)';
      }
      if (restart) continue;
      if (hasNl) s += '\n';
      return s;
    }
  };

  return {
    header: headerText,
    get usesFormat() { return usesFormat; },
    get hasSampleBlock() { return hasSampleBlock; },
    write,
  };
}

export { QLine, ByteOut };
