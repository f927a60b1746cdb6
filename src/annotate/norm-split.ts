/**
 * `norm -m -`: split a multi-allelic record into one record per ALT, with INFO and FORMAT values
 * split exactly as bcftools 1.16 does it (vcfnorm.c split_multiallelic_to_biallelics):
 * - Number=A: the ALT's value; Number=R: REF's and the ALT's; Number=G: the 0/0, 0/a and a/a
 *   values (haploid samples: the REF's and the ALT's); other Numbers are copied;
 * - a numeric A/R/G field with the wrong number of values is an error (with --force: the field
 *   is dropped); a string field with too few values is left out of that record;
 * - GT: the ALT becomes 1, other ALTs become 0 (the REF), missing alleles and phasing are kept;
 * - QUAL, ID and FILTER are copied to every record.
 * String fields are worked on as htslib's fixed-width NUL-padded blocks with bcftools' own
 * routines, so the output matches bcftools byte for byte, its oddities included.
 */
import {
  NormRec, MISSING, END, fieldKind, alleles2gt, numTokens, numText, flatNumeric, flatText, flatStrings, blockText,
  flatGt, gtText, gtAllele, gtIsMissing, GT_END, type Val, type InfoEntry,
} from './norm-record.js';
import type { VcfHeader } from '../vcf/header.js';

export interface NormContext {
  header: VcfHeader;
  nSamples: number;
  /** --force: drop malformed fields instead of failing */
  force: boolean;
  forceWarned: boolean;
  /** --keep-sum AD */
  keepSumAd: boolean;
  /** --old-rec-tag */
  oldRecTag?: string;
  /** a warning line for stderr */
  warn(msg: string): void;
  /** an error about a record: throws */
  fail(rec: NormRec, code: string, msg: string): never;
}

/** bcftools' STR_MOVE_NTH: find field `nth` of the comma list at src (up to end or NUL), move it to dst. */
export function strMoveNth(b: Uint8Array, dst: number, src: number, end: number, nth: number): { n: number; src: number } | null {
  let ss = src, se = src, j = 0;
  while (b[se] && se < end) {
    if (b[se] === 44) {
      if (j === nth) break;
      j++;
      ss = se + 1;
    }
    se++;
  }
  if (j !== nth) return null;
  const n = se - ss;
  b.copyWithin(dst, ss, ss + n);
  return { n, src: se };
}

function bytesOf(s: string, extra = 16): Uint8Array {
  const b = new Uint8Array(s.length + 1 + extra);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

function strOf(b: Uint8Array, from: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[from + i]);
  return s;
}

/** Set INFO/<tag> to the original variant unless the record has it already. */
export function setOldRecTag(ctx: NormContext, dst: NormRec, src: NormRec, ialt: number): void {
  if (!ctx.oldRecTag) return;
  if (dst.infoGet(ctx.oldRecTag) !== undefined) return;
  let v = `${src.chrom}|${src.pos}|${src.ref}|${src.alts.join(',')}`;
  if (ialt > 0) v += `|${ialt}`;
  dst.infoSet(ctx.oldRecTag, v);
}

export function splitRecord(ctx: NormContext, line: NormRec): NormRec[] {
  const out: NormRec[] = [];
  const nAlt = line.alts.length;
  for (let i = 0; i < nAlt; i++) {
    const dst = NormRec.blank(line);
    dst.fromSplit = true;
    dst.setAlleles([line.ref, line.alts[i]]);
    const info: InfoEntry[] = [];
    for (const e of line.info) {
      const kind = fieldKind(ctx.header, 'INFO', e.key, e.value === true);
      let v: string | true | undefined;
      if (kind.type === 'int' || kind.type === 'real') v = splitInfoNumeric(ctx, line, e, kind.num, kind.type, i);
      else if (kind.type === 'flag') v = true;
      else v = splitInfoString(e, kind.num, i);
      if (v !== undefined) info.push({ key: e.key, value: v });
    }
    dst.setInfo(info);
    setOldRecTag(ctx, dst, line, i + 1);
    if (line.hasFormat) {
      const fmt: string[] = [];
      const cols: string[][] = [];
      for (const key of line.fmt) {
        const col = line.fmtColumn(key)!;
        let r: string[] | undefined;
        if (key === 'GT') r = splitGt(col, i);
        else {
          const kind = fieldKind(ctx.header, 'FORMAT', key);
          if (kind.type === 'int' || kind.type === 'real') r = splitFormatNumeric(ctx, line, key, col, kind.num, kind.type, i);
          else r = splitFormatString(ctx, line, key, col, kind.num, i);
        }
        if (r) { fmt.push(key); cols.push(r); }
      }
      dst.setFormat(fmt, transpose(cols, ctx.nSamples));
    }
    out.push(dst);
  }
  return out;
}

/** per-key columns → per-sample rows */
export function transpose(cols: string[][], nSamples: number): Array<Array<string | undefined>> {
  const rows: Array<Array<string | undefined>> = [];
  for (let s = 0; s < nSamples; s++) rows.push(cols.map((c) => c[s]));
  return rows;
}

function wrongCount(ctx: NormContext, line: NormRec, what: string, expected: number, found: number, dropNote = ''): 'drop' {
  const msg = `wrong number of fields in ${what} at ${line.chrom}:${line.pos}, expected ${expected}, found ${found}`;
  if (!ctx.force) ctx.fail(line, 'NORM_FIELD_COUNT', `${msg} (--force drops such fields)`);
  if (!ctx.forceWarned) {
    ctx.warn(`${msg}${dropNote}; the field is dropped (this warning is printed only once)`);
    ctx.forceWarned = true;
  }
  return 'drop';
}

function addNum(a: Val, b: Val, type: 'int' | 'real'): Val {
  if (a === MISSING || a === END || b === MISSING || b === END) return a;
  if (type === 'int') return String((Number(a) + Number(b)) | 0);
  return String(Math.fround(Number(a) + Number(b)));
}

function splitInfoNumeric(ctx: NormContext, line: NormRec, e: InfoEntry, num: string, type: 'int' | 'real', ialt: number): string | true | undefined {
  const vals = numTokens(e.value === true ? '' : e.value);
  const n = line.nAllele;
  const ret = vals.length;
  const tag = `INFO/${e.key}`;
  if (num === 'A') {
    if (ret !== n - 1) { wrongCount(ctx, line, tag, n - 1, ret); return undefined; }
    return numText(vals, ialt, 1);
  }
  if (num === 'R') {
    if (ret !== n) { wrongCount(ctx, line, tag, n, ret); return undefined; }
    if (ctx.keepSumAd && e.key === 'AD') {
      for (let j = 1; j < ret; j++) if (j !== ialt + 1) vals[0] = addNum(vals[0], vals[j], type);
      vals[1] = vals[ialt + 1];
    } else if (ialt !== 0) vals[1] = vals[ialt + 1];
    return numText(vals, 0, 2);
  }
  if (num === 'G') {
    const ng = (n * (n + 1)) / 2;
    if (ret !== ng) { wrongCount(ctx, line, tag, ng, ret); return undefined; }
    if (ialt !== 0) {
      const v1 = vals[alleles2gt(0, ialt + 1)], v2 = vals[alleles2gt(ialt + 1, ialt + 1)];
      vals[1] = v1;
      vals[2] = v2;
    }
    return numText(vals, 0, 3);
  }
  return e.value;
}

function splitInfoString(e: InfoEntry, num: string, ialt: number): string | true | undefined {
  if (e.value === true || num === 'F') return e.value;
  const s = e.value;
  const b = bytesOf(s);
  const end = s.length;
  if (num === 'A') {
    const r = strMoveNth(b, 0, 0, end, ialt);
    if (!r) return undefined;
    return strOf(b, 0, r.n);
  }
  if (num === 'R') {
    const r0 = strMoveNth(b, 0, 0, end, 0)!;
    let len = r0.n;
    b[len] = 44;
    const tmp = r0.src + 1;
    len++;
    const r1 = strMoveNth(b, len, tmp, end, ialt);
    if (!r1) return undefined;
    len += r1.n;
    return strOf(b, 0, len);
  }
  // G
  const i0a = alleles2gt(0, ialt + 1), iaa = alleles2gt(ialt + 1, ialt + 1);
  const r0 = strMoveNth(b, 0, 0, end, 0)!;
  let len = r0.n;
  b[len] = 44;
  let tmp = r0.src + 1;
  len++;
  const r1 = strMoveNth(b, len, tmp, end, i0a - 1);
  if (!r1) return undefined;
  len += r1.n;
  b[len] = 44;
  tmp = r1.src + 1;
  len++;
  const r2 = strMoveNth(b, len, tmp, end, iaa - i0a - 1);
  if (!r2) return undefined;
  len += r2.n;
  return strOf(b, 0, len);
}

function splitGt(col: Array<string | undefined>, ialt: number): string[] {
  const { vals, per } = flatGt(col);
  const out: string[] = [];
  for (let s = 0; s < col.length; s++) {
    const o = s * per;
    for (let j = 0; j < per; j++) {
      const v = vals[o + j];
      if (v === GT_END) break;
      if (gtIsMissing(v)) continue;
      const a = gtAllele(v);
      if (a === 0) continue;
      vals[o + j] = a === ialt + 1 ? (2 << 1) | (v & 1) : (1 << 1) | (v & 1);
    }
    out.push(gtText(vals, o, per));
  }
  return out;
}

function splitFormatNumeric(ctx: NormContext, line: NormRec, key: string, col: Array<string | undefined>, num: string, type: 'int' | 'real', ialt: number): string[] | undefined {
  const { vals, per } = flatNumeric(col);
  const nsmpl = col.length;
  const nvals = per * nsmpl;
  const n = line.nAllele;
  const tag = `FORMAT/${key}`;
  if (nvals === nsmpl || num === 'F') return col.map((t) => t ?? '.');
  if (num === 'A') {
    if (nvals !== (n - 1) * nsmpl) { wrongCount(ctx, line, tag, (n - 1) * nsmpl, nvals); return undefined; }
    const dst: Val[] = [];
    for (let i = 0; i < nsmpl; i++) dst.push(vals[i * per + ialt]);
    return flatText(dst, 1, nsmpl);
  }
  if (num === 'R') {
    if (nvals !== n * nsmpl) { wrongCount(ctx, line, tag, n * nsmpl, nvals); return undefined; }
    const dst: Val[] = [];
    for (let i = 0; i < nsmpl; i++) {
      const o = i * per;
      let v0 = vals[o];
      if (ctx.keepSumAd && key === 'AD') {
        for (let j = 1; j < per; j++) if (j !== ialt + 1) v0 = addNum(v0, vals[o + j], type);
      }
      dst.push(v0, vals[o + ialt + 1]);
    }
    return flatText(dst, 2, nsmpl);
  }
  // G
  const ng = (n * (n + 1)) / 2;
  if (nvals !== ng * nsmpl && nvals !== n * nsmpl) { wrongCount(ctx, line, tag, ng * nsmpl, nvals); return undefined; }
  const allHaploid = per === n;
  const stride = allHaploid ? 2 : 3;
  const dst: Val[] = [];
  for (let i = 0; i < nsmpl; i++) {
    const o = i * per;
    let haploid = allHaploid;
    if (!haploid) {
      for (let j = 0; j < per; j++) if (vals[o + j] === END) { haploid = true; break; }
    }
    dst.push(vals[o]);
    if (haploid) {
      dst.push(vals[o + ialt + 1]);
      if (!allHaploid) dst.push(END);
    } else {
      dst.push(vals[o + alleles2gt(0, ialt + 1)], vals[o + alleles2gt(ialt + 1, ialt + 1)]);
    }
  }
  return flatText(dst, stride, nsmpl);
}

function squeeze(b: Uint8Array, srcBlen: number, dstBlen: number, n: number): void {
  let isrc = 0, idst = 0;
  for (let i = 0; i < n; i++) {
    b.copyWithin(idst, isrc, isrc + dstBlen);
    idst += dstBlen;
    isrc += srcBlen;
  }
}

function splitFormatString(ctx: NormContext, line: NormRec, key: string, col: Array<string | undefined>, num: string, ialt: number): string[] | undefined {
  if (num === 'F') return col.map((t) => t ?? '.');
  const nsmpl = col.length;
  const { buf: b, blen } = flatStrings(col);
  if (blen * nsmpl === 0) return undefined;
  let maxlen = 0;
  if (num === 'A') {
    let ptr = 0;
    for (let i = 0; i < nsmpl; i++) {
      const r = strMoveNth(b, ptr, ptr, ptr + blen, ialt);
      if (!r) return undefined;
      if (maxlen < r.n) maxlen = r.n;
      ptr += blen;
    }
  } else if (num === 'R') {
    let ptr = 0;
    for (let i = 0; i < nsmpl; i++) {
      const r0 = strMoveNth(b, ptr, ptr, ptr + blen, 0)!;
      let len = r0.n;
      b[ptr + len] = 44;
      const tmp = r0.src + 1;
      len++;
      const r1 = strMoveNth(b, ptr + len, tmp, ptr + blen, ialt);
      if (!r1) return undefined;
      len += r1.n;
      if (maxlen < len) maxlen = len;
      ptr += blen;
    }
  } else {
    const n = line.nAllele;
    const i0a = alleles2gt(0, ialt + 1), iaa = alleles2gt(ialt + 1, ialt + 1);
    let ptr = 0;
    for (let i = 0; i < nsmpl; i++) {
      let se = ptr;
      const sx = ptr + blen;
      let nfields = 1;
      while (b[se] && se < sx) {
        if (b[se] === 44) nfields++;
        se++;
      }
      // bcftools skips a missing value without moving on to the next sample (its blocks are then left as they are)
      if (nfields === 1 && se - ptr === 1 && b[ptr] === 46) continue;
      if (nfields !== (n * (n + 1)) / 2 && nfields !== n) {
        const msg = `wrong number of fields in FORMAT/${key} at ${line.chrom}:${line.pos}, expected ${(n * (n + 1)) / 2} or ${n}, found ${nfields}`;
        if (!ctx.force) ctx.fail(line, 'NORM_FIELD_COUNT', `${msg} (--force drops such fields)`);
        if (!ctx.forceWarned) { ctx.warn(`${msg}; the field is dropped (this warning is printed only once)`); ctx.forceWarned = true; }
        return undefined;
      }
      let len = 0;
      if (nfields === n) {
        const r0 = strMoveNth(b, ptr + len, ptr, ptr + blen, 0)!;
        len += r0.n;
        b[ptr + len] = 44;
        const tmp = r0.src + 1;
        len++;
        const r1 = strMoveNth(b, ptr + len, tmp, ptr + blen, ialt);
        if (!r1) return undefined;
        len += r1.n;
      } else {
        const r0 = strMoveNth(b, ptr + len, ptr, ptr + blen, 0)!;
        len += r0.n;
        b[ptr + len] = 44;
        let tmp = r0.src + 1;
        len++;
        const r1 = strMoveNth(b, ptr + len, tmp, ptr + blen, i0a - 1);
        if (!r1) return undefined;
        len += r1.n;
        b[ptr + len] = 44;
        tmp = r1.src + 1;
        len++;
        const r2 = strMoveNth(b, ptr + len, tmp, ptr + blen, iaa - i0a - 1);
        if (!r2) return undefined;
        len += r2.n;
      }
      if (maxlen < len) maxlen = len;
      ptr += blen;
    }
  }
  if (maxlen < blen) squeeze(b, blen, maxlen, nsmpl);
  if (maxlen === 0) return undefined;
  return blockText(b, maxlen, nsmpl);
}
