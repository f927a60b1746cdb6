/**
 * Values of FORMAT/INFO fields printed as htslib prints them (bcf_fmt_array, bcf_format_gt), from
 * the VCF text: integer and float vectors re-rendered unless already canonical, genotypes, subscripts,
 * and the fused copy-while-checking routines of the query fast path.
 */
import type { FieldDef } from '../vcf/header.js';
import type { QLine } from './format-line.js';
import type { ByteOut } from './format-out.js';
import { isCanonicalInt, isCanonicalFloat, intText, floatText, strtolPrefix } from './format-num.js';


export type Emit = (L: QLine, o: ByteOut) => void;
export type SEmit = (L: QLine, o: ByteOut, si: number) => void;

export const DOT = 46, COMMA = 44, COLON = 58, SLASH = 47, PIPE = 124, TAB = 9;

/** sample-block op codes */
export const OP_SEP1 = 0, OP_SEP = 1, OP_GT = 2, OP_FINT = 3, OP_FFLT = 4, OP_FSTR = 5, OP_FN = 6;

/** Which header type a tag has: 'i' integer, 'f' float, 's' string/character, 'g' genotype, 'b' flag */
export function kindOf(def: FieldDef | undefined, key: string, isFormat: boolean): 'i' | 'f' | 's' | 'b' | 'g' {
  if (isFormat && key === 'GT') return 'g';
  if (!def) return 's';
  switch (def.type) {
    case 'Integer': return 'i';
    case 'Float': return 'f';
    case 'Flag': return isFormat ? 's' : 'b';
    default: return 's';
  }
}

/** print a comma-separated integer vector as htslib does */
export function putIntVec(o: ByteOut, b: Buffer, s: number, e: number): void {
  if (e <= s) { o.byte(DOT); return; }
  let p = s;
  for (;;) {
    let q = p;
    while (q < e && b[q] !== COMMA) q++;
    if (isCanonicalInt(b, p, q)) o.copy(b, p, q);
    else o.ascii(intText(b, p, q));
    if (q >= e) break;
    o.byte(COMMA);
    p = q + 1;
  }
}

export function putFloatVec(o: ByteOut, b: Buffer, s: number, e: number): void {
  if (e <= s) { o.byte(DOT); return; }
  let p = s;
  for (;;) {
    let q = p;
    while (q < e && b[q] !== COMMA) q++;
    if (isCanonicalFloat(b, p, q)) o.copy(b, p, q);
    else o.ascii(floatText(b, p, q));
    if (q >= e) break;
    o.byte(COMMA);
    p = q + 1;
  }
}

/** the idx-th comma-separated element of b[s,e) as [start, end], or null */
export function element(b: Buffer, s: number, e: number, idx: number): [number, number] | null {
  let p = s;
  for (let k = 0; k < idx; k++) {
    while (p < e && b[p] !== COMMA) p++;
    if (p >= e) return null;
    p++;
  }
  let q = p;
  while (q < e && b[q] !== COMMA) q++;
  return [p, q];
}

/** number of comma-separated elements of b[s,e) */
export function countElements(b: Buffer, s: number, e: number): number {
  if (e <= s) return 0;
  let n = 1;
  for (let i = s; i < e; i++) if (b[i] === COMMA) n++;
  return n;
}

/**
 * Copy b[s,e) to ob at n while checking that it is a canonical integer vector; returns the new
 * output position, or -1 when the text needs re-rendering (nothing useful was written then).
 */
export function copyIntVec(b: Buffer, s: number, e: number, ob: Buffer, n: number): number {
  if (e <= s) return -1;
  let i = s;
  for (;;) {
    let c = b[i];
    if (c === DOT) { ob[n++] = c; i++; }
    else {
      if (c === 45) { ob[n++] = c; i++; if (i >= e) return -1; c = b[i]; if (c === 48) return -1; }
      if (c === 48) { ob[n++] = c; i++; }
      else if (c >= 49 && c <= 57) {
        const st = i;
        do { ob[n++] = c; i++; } while (i < e && (c = b[i]) >= 48 && c <= 57);
        if (i - st > 9) return -1;
      } else return -1;
    }
    if (i >= e) return n;
    if (b[i] !== COMMA) return -1;
    ob[n++] = COMMA;
    i++;
    if (i >= e) return -1;
  }
}

/** Same for a genotype: alleles '.' or numbers without leading zeros, separated by '/' or '|'. */
export function copyGt(b: Buffer, s: number, e: number, ob: Buffer, n: number): number {
  if (e <= s) return -1;
  let i = s;
  for (;;) {
    let c = b[i];
    if (c === DOT || c === 48) { ob[n++] = c; i++; }
    else if (c >= 49 && c <= 57) { do { ob[n++] = c; i++; } while (i < e && (c = b[i]) >= 48 && c <= 57); }
    else return -1;
    if (i >= e) return n;
    c = b[i];
    if (c !== SLASH && c !== PIPE) return -1;
    ob[n++] = c;
    i++;
    if (i >= e) return -1;
  }
}

/** position where the last fused copy stopped (the ':' / TAB / line end after a field; the TAB after a sample) */
export let scanEnd = 0;

/** copy a GT field starting at p, up to ':' / TAB / le, if canonical; returns new n or -1 */
export function copyGtUntil(b: Buffer, p: number, le: number, ob: Buffer, n: number): number {
  for (;;) {
    if (p >= le) return -1;
    let c = b[p];
    if (c === DOT || c === 48) { ob[n++] = c; p++; }
    else if (c >= 49 && c <= 57) { do { ob[n++] = c; p++; } while (p < le && (c = b[p]) >= 48 && c <= 57); }
    else return -1;
    if (p >= le) { scanEnd = p; return n; }
    c = b[p];
    if (c === COLON || c === TAB) { scanEnd = p; return n; }
    if (c !== SLASH && c !== PIPE) return -1;
    ob[n++] = c;
    p++;
  }
}

/** copy an integer vector field starting at p, up to ':' / TAB / le, if canonical */
export function copyIntUntil(b: Buffer, p: number, le: number, ob: Buffer, n: number): number {
  for (;;) {
    if (p >= le) return -1;
    let c = b[p];
    if (c === DOT) { ob[n++] = c; p++; }
    else {
      if (c === 45) { ob[n++] = c; p++; if (p >= le) return -1; c = b[p]; if (c === 48) return -1; }
      if (c === 48) { ob[n++] = c; p++; }
      else if (c >= 49 && c <= 57) {
        const st = p;
        do { ob[n++] = c; p++; } while (p < le && (c = b[p]) >= 48 && c <= 57);
        if (p - st > 9) return -1;
      } else return -1;
    }
    if (p >= le) { scanEnd = p; return n; }
    c = b[p];
    if (c === COLON || c === TAB) { scanEnd = p; return n; }
    if (c !== COMMA) return -1;
    ob[n++] = c;
    p++;
  }
}

/** copy a string (or, checked afterwards, float) field starting at p, up to ':' / TAB / le; empty → -1 */
export function copyStrUntil(b: Buffer, p: number, le: number, ob: Buffer, n: number): number {
  const st = p;
  let c = 0;
  while (p < le && (c = b[p]) !== COLON && c !== TAB) { ob[n++] = c; p++; }
  if (p === st) return -1;
  scanEnd = p;
  return n;
}

/**
 * The fast plan of a sample block: leading separators, FORMAT fields 0..m copied verbatim with their
 * ':' (each checked to be printed unchanged by htslib), trailing separators. Leaves scanEnd at the
 * end of the sample column (`colEnd` when known, else found by scanning). Returns false (having written nothing) when any field needs the
 * general path.
 */
export function planCopy(plan: { lead: Buffer; kinds: number[]; trail: Buffer }, b: Buffer, s0: number, le: number, o: ByteOut, colEnd = -1): boolean {
  o.ensure(plan.lead.length + plan.trail.length + (le - s0));
  const ob = o.buf;
  let n = o.n;
  const lead = plan.lead;
  for (let i = 0; i < lead.length; i++) ob[n++] = lead[i];
  const kinds = plan.kinds;
  const m = kinds.length;
  let p = s0;
  for (let i = 0; i < m; i++) {
    const st = n;
    let r: number;
    switch (kinds[i]) {
      case OP_GT: r = copyGtUntil(b, p, le, ob, n); break;
      case OP_FINT: r = copyIntUntil(b, p, le, ob, n); break;
      case OP_FSTR: r = copyStrUntil(b, p, le, ob, n); break;
      default: {
        r = copyStrUntil(b, p, le, ob, n);
        if (r >= 0) {
          // every element must be a canonical float
          let q = st;
          for (let j = st; j <= r; j++) {
            if (j === r || ob[j] === COMMA) {
              if (!isCanonicalFloat(ob, q, j)) return false;
              q = j + 1;
            }
          }
        }
      }
    }
    if (r < 0) return false;
    n = r;
    p = scanEnd;
    if (i < m - 1) {
      if (p >= le || b[p] !== COLON) return false; // the sample has fewer fields
      ob[n++] = COLON;
      p++;
    }
  }
  if (colEnd >= 0) p = colEnd; // the end of the sample column is known
  else while (p < le && b[p] !== TAB) p++;
  scanEnd = p;
  const trail = plan.trail;
  for (let i = 0; i < trail.length; i++) ob[n++] = trail[i];
  o.n = n;
  return true;
}

/** GT text copied unchanged when it is in htslib's canonical form, else re-rendered */
export function isCanonicalGt(b: Buffer, s: number, e: number): boolean {
  if (e <= s) return false;
  let p = s;
  for (;;) {
    // allele
    const c = b[p];
    if (c === DOT) p++;
    else if (c === 48) p++;
    else if (c >= 49 && c <= 57) { p++; while (p < e && b[p] >= 48 && b[p] <= 57) p++; }
    else return false;
    if (p >= e) return true;
    const sep = b[p];
    if (sep !== SLASH && sep !== PIPE) return false;
    p++;
    if (p >= e) return false;
  }
}

/** Parsed genotype: allele indexes (-1 missing) and per-allele phase bits (htslib encoding). */
export interface Gt { al: number[]; ph: boolean[] }

export function parseGt(b: Buffer, s: number, e: number): Gt {
  const al: number[] = [];
  const ph: boolean[] = [];
  let p = s;
  let phase = false;
  if (p < e && (b[p] === SLASH || b[p] === PIPE)) { phase = b[p] === PIPE; p++; }
  for (;;) {
    let v = -1;
    if (p < e && b[p] === DOT) p++;
    else {
      const r = strtolPrefix(b, p, e);
      if (r.end > p) { v = r.v; p = r.end; }
      else if (p < e && b[p] !== SLASH && b[p] !== PIPE) {
        // not a number: skip to the next separator
        while (p < e && b[p] !== SLASH && b[p] !== PIPE) p++;
      }
    }
    al.push(v);
    ph.push(phase);
    if (p >= e) break;
    const c = b[p];
    if (c !== SLASH && c !== PIPE) break;
    phase = c === PIPE;
    p++;
  }
  return { al, ph };
}

export function putGt(o: ByteOut, b: Buffer, s: number, e: number): void {
  if (isCanonicalGt(b, s, e)) { o.copy(b, s, e); return; }
  if (e <= s) { o.byte(DOT); return; }
  const g = parseGt(b, s, e);
  for (let i = 0; i < g.al.length; i++) {
    if (i) o.byte(g.ph[i] ? PIPE : SLASH);
    if (g.al[i] < 0) o.byte(DOT);
    else o.ascii(String(g.al[i]));
  }
}

export const IUPAC = ['AMRW', 'MCSY', 'RSGK', 'WYKT'];

export function baseIdx(a: string): number {
  if (a.length !== 1) return -1;
  switch (a) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return -1;
  }
}

/** rlen as htslib computes it: INFO/END - POS + 1 when END is a valid integer >= POS, else len(REF) */
export function rlen(L: QLine, endKey: Uint8Array, endIsInt: boolean): number {
  const refLen = L.ce[3] - L.cs[3];
  if (!endIsInt) return refLen;
  const i = L.findInfo(endKey);
  if (i >= 0 && L.infoVS[i] >= 0) {
    const r = strtolPrefix(L.buf, L.infoVS[i], L.infoVE[i]);
    if (r.end > L.infoVS[i]) {
      const pos = L.pos;
      if (r.v >= pos) return r.v - pos + 1;
    }
  }
  return refLen;
}

