/**
 * Regions and targets with bcftools 1.16 semantics (htslib synced_bcf_reader.c).
 *
 * - `-r` lists: `chr`, `chr:pos`, `chr:beg-end`, `chr:beg-`, comma-separated (a comma always
 *   separates regions, so positions take no thousands separators; `1k`, `1.5M`, `2e6` are
 *   accepted as htslib's hts_parse_decimal does), `{name:with:colons}:pos`.
 * - `-R` files: tab-separated CHROM, POS[, END] (1-based, inclusive), or BED (0-based start,
 *   exclusive end) when the name ends in .bed or .bed.gz; a VCF gives CHROM, POS. The first data
 *   line decides between 2 and 3 columns. `#` lines are comments.
 * - Regions are grouped by contig in order of first appearance; within a contig they are sorted
 *   and overlapping ones merged; a region whose start is after its end is dropped.
 * - Overlap (`--regions-overlap`, `--targets-overlap`): 0 (pos) POS in the region; 1 (record)
 *   [POS, POS+rlen-1] overlaps, rlen from REF or INFO/END; 2 (variant) the bases the alleles
 *   change overlap (POS + shared REF/ALT prefix .. POS+rlen-1), so an insertion lies between
 *   two bases and a record without ALT covers none.
 * - Contig aliasing (chr1/1, chrX/X, chrM/MT): a region naming a contig the file spells
 *   differently is renamed, with a notice; a contig absent from the file gives a notice too.
 *
 * Coordinates here are 1-based and inclusive.
 */
import { VcfError, usageError } from './errors.js';
import { openInput } from './input.js';
import { splitLines } from './lines.js';
import type { VcfHeader } from './header.js';
import type { VcfRecord } from './record.js';

/** htslib's MAX_CSI_COOR: the end of a whole-contig region */
export const MAX_COORD = 2 ** 44 - 1;

export type OverlapMode = 0 | 1 | 2;

export interface Region {
  chrom: string;
  /** 1-based first base */
  beg: number;
  /** 1-based last base (inclusive) */
  end: number;
}

export interface Interval {
  beg: number;
  end: number;
}

/** `0|1|2` or `pos|record|variant`, as bcftools accepts them. */
export function parseOverlapMode(v: string | number | undefined, flag = '--regions-overlap'): OverlapMode {
  if (v === undefined) return flag.startsWith('--targets') ? 0 : 1;
  const s = String(v).trim().toLowerCase();
  if (s === '0' || s === 'pos') return 0;
  if (s === '1' || s === 'record') return 1;
  if (s === '2' || s === 'variant') return 2;
  throw usageError(`${flag} must be 0, 1 or 2 (or pos, record, variant), got "${v}"`, 'REGION_OVERLAP');
}

interface Decimal {
  value: number;
  /** index after the number, or the start index when there were no digits */
  next: number;
  fraction: boolean;
}

/** htslib hts_parse_decimal without thousands separators: digits, decimals, e/E exponent, k/M/G. */
export function parseDecimal(s: string, i: number): Decimal {
  const start = i;
  while (i < s.length && /\s/.test(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let digits = 0;
  let decimals = 0;
  let text = '';
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    text += s[i++];
    digits++;
  }
  if (s[i] === '.') {
    i++;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') {
      text += s[i++];
      digits++;
      decimals++;
    }
  }
  let e = 0;
  const c = s[i];
  if (c === 'e' || c === 'E') {
    i++;
    let eneg = false;
    if (s[i] === '+' || s[i] === '-') {
      eneg = s[i] === '-';
      i++;
    }
    let ev = 0;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') ev = ev * 10 + (s.charCodeAt(i++) - 48);
    e = eneg ? -ev : ev;
  } else if (c === 'k' || c === 'K') {
    e = 3;
    i++;
  } else if (c === 'm' || c === 'M') {
    e = 6;
    i++;
  } else if (c === 'g' || c === 'G') {
    e = 9;
    i++;
  }
  e -= decimals;
  let n = digits ? Number(text) : 0;
  let fraction = false;
  while (e > 0) {
    n *= 10;
    e--;
  }
  while (e < 0) {
    if (n % 10) fraction = true;
    n = Math.floor(n / 10);
    e++;
  }
  return { value: neg ? -n : n, next: digits > 0 ? i : start, fraction };
}

function regionError(list: string, msg: string): VcfError {
  return usageError(`cannot parse the region list "${list.length > 80 ? list.slice(0, 80) + '…' : list}": ${msg}`, 'REGION_SYNTAX');
}

export interface ParsedRegions {
  regions: Region[];
  notices: string[];
}

/** Parse a bcftools region list (`-r`, `-t`). */
export function parseRegionList(list: string): ParsedRegions {
  const regions: Region[] = [];
  const notices: string[] = [];
  const s = list;
  const n = s.length;
  let sp = 0;
  let ep = 0;
  const add = (chrom: string, beg: number, end: number, text: string) => {
    if (beg < 0 || end < 0) throw regionError(list, `negative position in "${text}" (positions are 1-based)`);
    regions.push({ chrom, beg: Math.max(beg, 1), end: Math.min(end, MAX_COORD) });
  };
  for (;;) {
    let chrom: string;
    if (s[ep] === '{') {
      const close = s.indexOf('}', ep);
      if (close < 0) throw regionError(list, 'mismatched braces');
      chrom = s.slice(sp + 1, close);
      ep = close + 1;
    } else {
      while (ep < n && s[ep] !== ',' && s[ep] !== ':') ep++;
      chrom = s.slice(sp, ep);
    }
    if (s[ep] === ':') {
      const tokStart = sp;
      sp = ep + 1;
      const from = parseDecimal(s, sp);
      if (from.next === sp) throw regionError(list, `expected a position after "${chrom}:"`);
      ep = from.next;
      if (from.fraction) notices.push(`region ${s.slice(tokStart, ep)}: fractional part of the position discarded`);
      if (ep >= n || s[ep] === ',') {
        add(chrom, from.value, from.value, s.slice(tokStart, ep));
        sp = ep;
        continue;
      }
      if (s[ep] !== '-') throw regionError(list, `unexpected "${s[ep]}" after "${s.slice(tokStart, ep)}" (expected -END or a comma)`);
      ep++;
      sp = ep;
      const to = parseDecimal(s, sp);
      ep = to.next;
      if (ep < n && s[ep] !== ',') throw regionError(list, `unexpected "${s[ep]}" in "${s.slice(tokStart, ep + 1)}" (positions are plain numbers; a comma separates regions)`);
      if (to.fraction) notices.push(`region ${s.slice(tokStart, ep)}: fractional part of the position discarded`);
      add(chrom, from.value, sp === ep ? MAX_COORD - 1 : to.value, s.slice(tokStart, ep));
      if (ep >= n) break;
      sp = ep;
    } else if (ep >= n || s[ep] === ',') {
      if (chrom.length) regions.push({ chrom, beg: 1, end: MAX_COORD });
      if (ep >= n) break;
      sp = ++ep;
    } else {
      throw regionError(list, `unexpected "${s[ep]}" after "{${chrom}}"`);
    }
  }
  if (/[:-]\d{1,3},\d{3}(?=[-,]|$)/.test(list)) {
    notices.push(`a comma separates regions (as in bcftools), so "${list.length > 60 ? list.slice(0, 60) + '…' : list}" is read as several regions: write positions without thousands separators (1:1000000-2000000, or 1:1M-2M)`);
  }
  if (regions.length === 0) throw regionError(list, 'no region given');
  return { regions, notices };
}

/** Read a regions/targets file (`-R`, `-T`): TSV CHROM POS [END] 1-based, or BED by name. */
export async function readRegionsFile(file: string): Promise<Region[]> {
  const isBed = /\.bed(\.gz)?$/i.test(file);
  const input = await openInput(file);
  const regions: Region[] = [];
  let threeCols: boolean | undefined;
  let vcf = false;
  let first = true;
  const bad = (what: string, lineNo: number) => new VcfError('REGIONS_FILE_SYNTAX', `${what}; expected tab-separated ${isBed ? 'CHROM, START, END (BED, 0-based)' : 'CHROM, POS[, END] (1-based)'}`, { file, line: lineNo });
  for await (const b of splitLines(input.chunks, file)) {
    for (let i = 0; i < b.n; i++) {
      const line = b.buf.toString('utf8', b.starts[i], b.ends[i]);
      const lineNo = b.firstLineNo + i;
      if (first) {
        first = false;
        if (line.startsWith('##fileformat=VCF')) vcf = true;
      }
      if (line.length === 0 || line[0] === '#') continue;
      const cols = line.split('\t');
      if (cols.length < 2) throw bad('only one column', lineNo);
      let from = wholeNumber(cols[1]);
      if (from === null) throw bad(`column 2 ("${clip(cols[1])}") is not a position`, lineNo);
      let to: number | null;
      if (vcf) to = from;
      else {
        if (threeCols === undefined) threeCols = cols.length >= 3 && wholeNumber(cols[2]) !== null;
        if (threeCols) {
          to = wholeNumber(cols[2]);
          if (to === null) throw bad(cols.length < 3 ? 'no END column (the first line had one)' : `column 3 ("${clip(cols[2])}") is not a position`, lineNo);
        } else to = from;
      }
      if (isBed) from++;
      if (from < 0 || to < 0) throw bad('negative position', lineNo);
      regions.push({ chrom: cols[0], beg: Math.max(from, 1), end: Math.min(to, MAX_COORD) });
    }
  }
  if (regions.length === 0) throw new VcfError('REGIONS_FILE_EMPTY', 'no regions in the file', { file });
  return regions;
}

/** A column that is one number as parseDecimal reads it (nothing before or after), or null. */
function wholeNumber(t: string | undefined): number | null {
  if (t === undefined) return null;
  const d = parseDecimal(t, 0);
  if (d.next === 0 || d.next !== t.length) return null;
  return d.value;
}

function clip(s: string, n = 20): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** Regions grouped by contig (order of first appearance), sorted and merged within a contig. */
export class RegionSet {
  readonly seqs: string[];
  private readonly bySeq: Map<string, Interval[]>;
  /** regions dropped because their start is after their end */
  readonly dropped: Region[];

  private constructor(seqs: string[], bySeq: Map<string, Interval[]>, dropped: Region[]) {
    this.seqs = seqs;
    this.bySeq = bySeq;
    this.dropped = dropped;
  }

  static from(regions: Iterable<Region>): RegionSet {
    const seqs: string[] = [];
    const raw = new Map<string, Interval[]>();
    for (const r of regions) {
      let l = raw.get(r.chrom);
      if (!l) {
        l = [];
        raw.set(r.chrom, l);
        seqs.push(r.chrom);
      }
      l.push({ beg: r.beg, end: r.end });
    }
    const bySeq = new Map<string, Interval[]>();
    const dropped: Region[] = [];
    for (const [chrom, list] of raw) {
      list.sort((a, b) => a.beg - b.beg || a.end - b.end);
      const out: Interval[] = [];
      let i = 0;
      while (i < list.length) {
        const cur = { ...list[i] };
        let j = i + 1;
        while (j < list.length && cur.end >= list[j].beg) {
          if (cur.end < list[j].end) cur.end = list[j].end;
          j++;
        }
        if (cur.beg > cur.end) dropped.push({ chrom, ...cur });
        else out.push(cur);
        i = j;
      }
      bySeq.set(chrom, out);
    }
    return new RegionSet(seqs, bySeq, dropped);
  }

  intervals(chrom: string): Interval[] {
    return this.bySeq.get(chrom) ?? [];
  }

  has(chrom: string): boolean {
    return this.bySeq.has(chrom);
  }

  /** Does [beg, end] overlap a region of `chrom`? (beg > end, an insertion point, needs a region spanning both neighbours) */
  overlaps(chrom: string, beg: number, end: number): boolean {
    const list = this.bySeq.get(chrom);
    if (!list || list.length === 0) return false;
    // first interval with end >= beg
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].end < beg) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && list[lo].beg <= end;
  }

  /** The same regions with contigs renamed (regions of contigs mapped to one name are merged) and some dropped. */
  renamed(map: Map<string, string>, drop: Set<string> = new Set()): RegionSet {
    const regions: Region[] = [];
    for (const chrom of this.seqs) {
      if (drop.has(chrom)) continue;
      const to = map.get(chrom) ?? chrom;
      for (const iv of this.intervals(chrom)) regions.push({ chrom: to, beg: iv.beg, end: iv.end });
    }
    const set = RegionSet.from(regions);
    (set.dropped as Region[]).push(...this.dropped);
    return set;
  }

  get size(): number {
    let n = 0;
    for (const l of this.bySeq.values()) n += l.length;
    return n;
  }
}

/** Other spellings of a contig name: chr1 <-> 1, chrX <-> X, chrM <-> MT (and chrMT, M). */
export function contigAliases(name: string): string[] {
  const bare = name.startsWith('chr') ? name.slice(3) : name;
  if (/^(M|MT)$/i.test(bare)) return ['MT', 'chrM', 'chrMT', 'M'].filter((x) => x !== name);
  return name.startsWith('chr') ? [bare] : ['chr' + name];
}

export interface Resolved {
  set: RegionSet;
  /** region contig -> file contig, for contigs that were renamed */
  renames: Map<string, string>;
  /** region contigs not in the file under any spelling (left out of `set`) */
  missing: string[];
  notices: string[];
}

/**
 * Match the contigs of a region set to those a file has (`available`: index names and header
 * contigs). Renames aliases, reports contigs the file lacks, and regions dropped as empty.
 */
export function resolveContigs(set: RegionSet, available: Set<string>, what = 'region', fileLabel = 'the file'): Resolved {
  const renames = new Map<string, string>();
  const missing: string[] = [];
  const notices: string[] = [];
  for (const chrom of set.seqs) {
    if (available.has(chrom)) continue;
    const alias = contigAliases(chrom).find((a) => available.has(a));
    if (alias !== undefined) {
      renames.set(chrom, alias);
      notices.push(`${what} contig "${chrom}" is spelled "${alias}" in ${fileLabel}: using "${alias}"`);
    } else {
      missing.push(chrom);
      notices.push(`${what} contig "${chrom}" is not in ${fileLabel}${contigAliases(chrom).length ? ` (nor ${contigAliases(chrom).map((a) => `"${a}"`).join(', ')})` : ''}: no records for it`);
    }
  }
  for (const d of set.dropped) notices.push(`${what} ${d.chrom}:${d.beg}-${d.end} is empty: its start is after its end`);
  return { set: renames.size || missing.length ? set.renamed(renames, new Set(missing)) : set, renames, missing, notices };
}

/** Is INFO/END an Integer in this header (so htslib takes the record length from it)? */
export function endIsInteger(header: VcfHeader): boolean {
  return header.info.get('END')?.type === 'Integer';
}

/** htslib's rlen: len(REF), or END - POS + 1 when INFO/END is a declared Integer and END >= POS. */
export function recordLength(rec: VcfRecord, useEnd: boolean): number {
  const refLen = rec.colEnd(3) - rec.colStart(3);
  if (!useEnd) return refLen;
  const end = infoEnd(rec);
  if (end !== null && end >= rec.pos) return end - rec.pos + 1;
  return refLen;
}

/** The integer value of INFO/END, or null when absent, missing or not an integer. */
export function infoEnd(rec: VcfRecord): number | null {
  if (rec.nFixed < 8) return null;
  const b = rec.buf;
  const s = rec.colStart(7);
  const e = rec.colEnd(7);
  let p = s;
  while (p < e) {
    let q = b.indexOf(59, p);
    if (q < 0 || q > e) q = e;
    if (q - p > 4 && b[p] === 69 && b[p + 1] === 78 && b[p + 2] === 68 && b[p + 3] === 61) {
      let v = 0;
      let k = p + 4;
      let neg = false;
      if (b[k] === 45 || b[k] === 43) neg = b[k++] === 45;
      if (k >= q) return null;
      for (; k < q; k++) {
        const d = b[k] - 48;
        if (d < 0 || d > 9) {
          if (b[k] === 44) break; // first of several values
          return null;
        }
        v = v * 10 + d;
      }
      return neg ? -v : v;
    }
    if (q - p === 3 && b[p] === 69 && b[p + 1] === 78 && b[p + 2] === 68) return null;
    p = q + 1;
  }
  return null;
}

/** The record's span [beg, end] (1-based) under an overlap mode, as htslib computes it. */
export function recordSpan(rec: VcfRecord, mode: OverlapMode, useEnd: boolean): [number, number] {
  const out: [number, number] = [0, 0];
  recordSpanTo(rec, mode, useEnd, out);
  return out;
}

/** recordSpan written into out[0] (start) and out[1] (end): no pair made per record. */
export function recordSpanTo(rec: VcfRecord, mode: OverlapMode, useEnd: boolean, out: { 0: number; 1: number }): void {
  const pos = rec.pos;
  if (mode === 0) {
    out[0] = pos;
    out[1] = pos;
    return;
  }
  const rlen = recordLength(rec, useEnd);
  out[1] = pos + rlen - 1;
  if (mode === 1) {
    out[0] = pos;
    return;
  }
  // variant: skip the prefix every ALT shares with REF
  let off = rlen;
  const b = rec.buf;
  const rs = rec.colStart(3);
  const re = rec.colEnd(3);
  if (rec.nFixed > 4) {
    const as = rec.colStart(4);
    const ae = rec.colEnd(4);
    if (!(ae - as === 1 && b[as] === 46)) {
      let p = as;
      while (p <= ae && off > 0) {
        let q = b.indexOf(44, p);
        if (q < 0 || q > ae) q = ae;
        let j = 0;
        while (rs + j < re && p + j < q && b[rs + j] === b[p + j]) j++;
        if (off > j) off = j;
        p = q + 1;
      }
    }
  }
  out[0] = pos + off;
}

export interface TargetsOptions {
  overlap?: OverlapMode;
  /** `^`: keep records outside the targets */
  exclude?: boolean;
  header: VcfHeader;
  /** called once per renamed or missing contig */
  onNotice?: (msg: string) => void;
  fileLabel?: string;
}

/** `-t/-T`: parse a targets argument with its optional `^` (exclude) prefix. */
export function parseTargetsArg(arg: string): { exclude: boolean; spec: string } {
  return arg.startsWith('^') ? { exclude: true, spec: arg.slice(1) } : { exclude: false, spec: arg };
}

/**
 * A streaming targets filter: keeps the records that overlap (or, with `exclude`, do not
 * overlap) the targets. Contig names of the targets are matched to the records' own spelling.
 */
export class TargetsFilter {
  private readonly map = new Map<string, string | null>();
  private readonly mode: OverlapMode;
  private readonly exclude: boolean;
  private readonly useEnd: boolean;
  private readonly matched = new Set<string>();

  constructor(readonly targets: RegionSet, private readonly opts: TargetsOptions) {
    this.mode = opts.overlap ?? 0;
    this.exclude = !!opts.exclude;
    this.useEnd = endIsInteger(opts.header);
    for (const d of targets.dropped) this.notice(`target ${d.chrom}:${d.beg}-${d.end} is empty: its start is after its end`);
  }

  private notice(msg: string): void {
    this.opts.onNotice?.(msg);
  }

  /** The target contig a record contig maps to, or null. */
  private targetContig(chrom: string): string | null {
    let t = this.map.get(chrom);
    if (t !== undefined) return t;
    t = null;
    if (this.targets.has(chrom)) t = chrom;
    else {
      const alias = contigAliases(chrom).find((a) => this.targets.has(a) && !this.opts.header.contigs.has(a));
      if (alias !== undefined) {
        t = alias;
        this.notice(`target contig "${alias}" is spelled "${chrom}" in ${this.opts.fileLabel ?? 'the file'}: using "${chrom}"`);
      }
    }
    if (t !== null) this.matched.add(t);
    this.map.set(chrom, t);
    return t;
  }

  keep(rec: VcfRecord): boolean {
    const t = this.targetContig(rec.chrom);
    let hit = false;
    if (t !== null) {
      const [beg, end] = recordSpan(rec, this.mode, this.useEnd);
      hit = this.targets.overlaps(t, beg, end);
    }
    return hit !== this.exclude;
  }

  /** Notices for target contigs that matched no record contig (call at the end of the stream). */
  finish(): void {
    for (const c of this.targets.seqs) {
      if (this.matched.has(c)) continue;
      const inHeader = this.opts.header.contigs.has(c) || contigAliases(c).some((a) => this.opts.header.contigs.has(a));
      if (!inHeader) this.notice(`target contig "${c}" is not in ${this.opts.fileLabel ?? 'the file'}: no records for it`);
    }
  }

  async *filter(records: AsyncIterable<VcfRecord>): AsyncGenerator<VcfRecord> {
    for await (const r of records) if (this.keep(r)) yield r;
    this.finish();
  }
}

/** Load `-r` list or `-R` file into a RegionSet, with parse notices. */
export async function loadRegions(spec: { list?: string; file?: string }): Promise<{ set: RegionSet; notices: string[] }> {
  if (spec.list !== undefined && spec.file !== undefined) throw usageError('give either a region list or a regions file, not both', 'REGION_SYNTAX');
  if (spec.list !== undefined) {
    const p = parseRegionList(spec.list);
    return { set: RegionSet.from(p.regions), notices: p.notices };
  }
  if (spec.file !== undefined) return { set: RegionSet.from(await readRegionsFile(spec.file)), notices: [] };
  throw usageError('no regions given', 'REGION_SYNTAX');
}
