/**
 * The BCF header dictionaries, built from header lines exactly as htslib registers them
 * (bcf_hdr_parse / bcf_hdr_register_hrec):
 *
 * - strings (FILTER, INFO, FORMAT share one dictionary): `PASS` is registered first and gets 0; every
 *   other ID gets the next free number in order of first appearance, unless its line carries an
 *   `IDX=n` attribute (BCF headers do), which is used as is. An ID defined as INFO and FORMAT (or
 *   FILTER) has one number. A second definition of the same ID and kind is ignored (htslib drops
 *   the line from the header).
 * - contigs: their own numbering, in order of appearance or by IDX; a duplicate contig, one without
 *   ID, or one whose `length` is not an integer is not registered.
 *
 * The value type of an INFO/FORMAT key decides its encoding: Integer, Float, Flag, or string
 * (String, Character and any other Type).
 */
import { HT_FLAG, HT_INT, HT_REAL, HT_STR } from './types.js';

export interface DictEntry {
  name: string;
  id: number;
  /** header type when defined as INFO / FORMAT (HT_*), -1 when not */
  info: number;
  fmt: number;
  flt: boolean;
}

export type LineKind = 'INFO' | 'FORMAT' | 'FILTER' | 'contig';

export class BcfDictionary {
  /** string dictionary: id → entry (holes possible with explicit IDX) */
  readonly ids: Array<DictEntry | undefined> = [];
  readonly byName = new Map<string, DictEntry>();
  /** contig dictionary: id → name */
  readonly contigs: Array<string | undefined> = [];
  readonly contigByName = new Map<string, number>();
  private nId = 0;
  private nCtg = 0;

  constructor() {
    // htslib registers PASS right after ##fileformat, before any line of the file
    this.register('FILTER', { ID: 'PASS', Description: 'All filters passed' });
  }

  /**
   * Register one structured header line. Returns the dictionary number it has (the IDX htslib writes
   * in BCF), -1 when htslib ignores the line (duplicate, no ID, bad contig length), or null when the
   * line is not a dictionary line (kept as is).
   */
  register(key: string, attrs: Record<string, string> | undefined): number | null {
    if (key !== 'INFO' && key !== 'FORMAT' && key !== 'FILTER' && key !== 'contig') return null;
    if (!attrs) return -1;
    const id = attrs.ID;
    let idx = -1;
    if (attrs.IDX !== undefined) {
      if (!/^[0-9]+$/.test(attrs.IDX) || Number(attrs.IDX) >= 0x7ffffffe) return -1;
      idx = Number(attrs.IDX);
    }
    if (key === 'contig') {
      const len = findKey(attrs, 'length');
      if (len !== undefined && !/^\s*[+-]?[0-9]/.test(len)) return -1;
      const cid = findKey(attrs, 'ID');
      if (cid === undefined || this.contigByName.has(cid)) return -1;
      if (idx < 0) idx = this.nCtg++;
      else if (idx >= this.nCtg) this.nCtg = idx + 1;
      this.contigs[idx] = cid;
      this.contigByName.set(cid, idx);
      return idx;
    }
    if (id === undefined) return -1;
    const ht = key === 'FILTER' ? -1 : headerType(attrs.Type);
    const have = this.byName.get(id);
    if (have) {
      if (key === 'INFO') { if (have.info >= 0) return -1; have.info = ht; }
      else if (key === 'FORMAT') { if (have.fmt >= 0) return -1; have.fmt = ht; }
      else { if (have.flt) return -1; have.flt = true; }
      return have.id;
    }
    if (idx < 0) idx = this.nId++;
    else if (idx >= this.nId) this.nId = idx + 1;
    const e: DictEntry = { name: id, id: idx, info: -1, fmt: -1, flt: false };
    if (key === 'INFO') e.info = ht;
    else if (key === 'FORMAT') e.fmt = ht;
    else e.flt = true;
    this.ids[idx] = e;
    this.byName.set(id, e);
    return idx;
  }
}

/** htslib: Integer, Float, Flag; String, Character and anything else are strings */
function headerType(t: string | undefined): number {
  switch (t) {
    case 'Integer': return HT_INT;
    case 'Float': return HT_REAL;
    case 'Flag': return HT_FLAG;
    default: return HT_STR;
  }
}

/** htslib looks contig keys up case-insensitively */
function findKey(attrs: Record<string, string>, key: string): string | undefined {
  if (attrs[key] !== undefined) return attrs[key];
  const lk = key.toLowerCase();
  for (const k of Object.keys(attrs)) if (k.toLowerCase() === lk) return attrs[k];
  return undefined;
}

/**
 * Split the `IDX=n` attribute off a structured header line (`##KEY=<...,IDX=n,...>`): returns the
 * line without it (as htslib prints it in VCF) and its value, or the line unchanged.
 */
export function splitIdx(raw: string): { raw: string; idx?: string } {
  const open = raw.indexOf('=<');
  if (open < 0 || !raw.endsWith('>') || raw.indexOf('IDX=', open) < 0) return { raw };
  const body = raw.slice(open + 2, -1);
  // entries [start, end) at the top level, honouring quotes and nested <...>
  let i = 0;
  const n = body.length;
  while (i < n) {
    const start = i;
    const eq = body.indexOf('=', i);
    if (eq < 0) break;
    let j = eq + 1;
    if (body[j] === '"') {
      j++;
      while (j < n && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      j++;
      while (j < n && body[j] !== ',') j++;
    } else {
      let depth = 0;
      while (j < n) {
        const c = body[j];
        if (c === '<') depth++;
        else if (c === '>') depth--;
        else if (c === ',' && depth <= 0) break;
        j++;
      }
    }
    if (body.slice(start, eq).trim() === 'IDX') {
      const value = body.slice(eq + 1, j).trim();
      let rest: string;
      if (j < n) rest = body.slice(0, start) + body.slice(j + 1);
      else rest = body.slice(0, start > 0 ? start - 1 : 0);
      return { raw: raw.slice(0, open + 2) + rest + '>', idx: value };
    }
    i = j + 1;
  }
  return { raw };
}
