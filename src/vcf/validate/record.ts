/**
 * Data-line checks: the fixed columns, INFO, FORMAT and the sample columns of one record, plus the
 * state that spans records (sort order, duplicate variants) kept within a small window.
 */
import type { Severity } from '../validate.js';
import { altIdProblem, clip, contigProblem, FORMAT_KEY_RE, INFO_KEY_RE, svTypes, type FieldDef, type HeaderState, type Report } from './header.js';
import { reservedFormat, reservedInfo } from './reserved.js';
import { allowedCounts, badPercent, genotypeCount, isFloat, typeProblem, type CountContext, INT32_MAX } from './values.js';

const BASES_RE = /^[ACGTNacgtn]+$/;
const ALT_BASES_RE = /^[ACGTNacgtn*]+$/;
/** breakend replacement strings (5.4): t[p[  t]p]  ]p]t  [p[t, with p = chrom:pos (chrom may be <id>) */
const BND_RE = /^(?:([ACGTNacgtn]+)([[\]])([^[\]:]+|<[^>]+>):(\d+)\2|([[\]])([^[\]:]+|<[^>]+>):(\d+)\5([ACGTNacgtn]+))$/;
const SINGLE_BND_RE = /^(?:\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$/;
const CIGAR_RE = /^(?:\d+[MIDNSHP=X])+$/;
const RUS_RE = /^[ACGTURYSWKMBDHVNacgturyswkmbdhvn]+$/;

type AltKind = 'bases' | 'star' | 'missing' | 'sv' | 'symbolic' | 'breakend';

interface Allele {
  kind: AltKind;
  /** for 'sv': DEL, INS, DUP, INV or CNV; for symbolic: the ID */
  sv?: string;
  id?: string;
}

/** INFO keys the 4.4+ structural checks read */
const SV_KEYS = new Set(['SVCLAIM', 'SVLEN', 'END', 'CIPOS', 'CIEND', 'CILEN', 'CICN', 'MEINFO', 'METRANS', 'RN', 'RUS', 'RUL', 'RUC', 'RB', 'RUB', 'CIRUC', 'CIRB']);
/** placeholder for a value that was not split (its key is not read by the structural checks) */
const NOT_SPLIT: string[] = [];

interface InfoKey {
  keyOk: boolean;
  def?: { number: string; type: string };
  reserved?: { number: string; type: string };
  /** null: the count is never checked ('.', unknown Number) */
  counted: { fixed?: number } | null;
  nonNegative: boolean;
  cigar: boolean;
}

interface FormatDef {
  number: string;
  type: string;
  counted: { fixed?: number } | null;
  reserved: boolean;
  nonNegative: boolean;
}

interface FormatInfo {
  keys: string[];
  defs: Array<FormatDef | undefined>;
  problems: Array<{ off: number; msg: string; severity?: Severity }>;
  fatal: boolean;
  hasGT: boolean;
  iPS: number;
  iPSL: number;
  iPSO: number;
  iPSQ: number;
  iLAA: number;
}

/** how a Number is counted: a fixed integer, derived per record (A, R, G, P, LA, LR, LG), or never ('.', M) */
function countSpec(number: string): { fixed?: number } | null {
  if (/^\d+$/.test(number)) return { fixed: Number(number) };
  return ['A', 'R', 'G', 'P', 'LA', 'LR', 'LG'].includes(number) ? {} : null;
}

interface Genotype {
  alleles: number[];
  phased: boolean[];
}

export class RecordChecker {
  private readonly h: HeaderState;
  private readonly report: Report;
  /** returns true the first time `key` is seen (once-per-file warnings) */
  private readonly once: (key: string) => boolean;
  private readonly v: number;
  private chrom: string | null = null;
  private lastPos = -1;
  private doneChroms = new Set<string>();
  /** normalised variants at positions >= the current POS: pos -> keys */
  private window = new Map<number, Map<string, number>>();
  private windowPos = -1;
  private windowSize = 0;
  /** per-line (rule:key) already reported, to keep one report per problem per line */
  private lineSeen = new Set<string>();
  private lineNo = 0;
  private colStarts: number[] = [];
  private infoKeys = new Map<string, InfoKey>();
  private chromChecked: string | null = null;
  private chromProblem: string | null = null;
  private infoSeen = new Set<string>();
  private formats = new Map<string, FormatInfo>();

  constructor(h: HeaderState, report: Report, once: (key: string) => boolean) {
    this.h = h;
    this.report = report;
    this.once = once;
    this.v = h.version;
  }

  private err(rule: string, col: number, msg: string, severity?: Severity, dedupeKey?: string): void {
    if (dedupeKey !== undefined) {
      const k = `${rule}\u0000${dedupeKey}`;
      if (this.lineSeen.has(k)) return;
      this.lineSeen.add(k);
    }
    this.report(rule, this.lineNo, col, msg, severity);
  }

  check(line: string, lineNo: number): void {
    this.lineNo = lineNo;
    this.lineSeen.clear();
    const cols = line.split('\t');
    const starts = this.colStarts;
    starts.length = cols.length;
    let c = 1;
    for (let k = 0; k < cols.length; k++) { starts[k] = c; c += cols[k].length + 1; }
    if (cols.length < 8) {
      this.err('VCF_RECORD_TOO_FEW_COLUMNS', line.length + 1, `record has ${cols.length} tab-separated column${cols.length === 1 ? '' : 's'}, at least 8 are required`);
      return;
    }
    const h = this.h;
    const nSamples = h.samples.length;
    if (h.columnsSeen) {
      const expected = h.hasFormat ? 9 + nSamples : 8;
      if (cols.length !== expected) {
        const col = cols.length > expected ? starts[expected] : line.length + 1;
        const tail = cols.length > expected && cols.length === expected + 1 && cols[expected] === '' ? ' (a tab at the end of the line)' : '';
        this.err('VCF_SAMPLE_COLUMN_COUNT', col, `record has ${cols.length} columns but the #CHROM line has ${expected}${tail}`);
      }
    }

    // CHROM (checked once per run of records on the same CHROM; a bad name is reported on each line)
    const chrom = cols[0];
    const bare = chrom.length > 2 && chrom.startsWith('<') && chrom.endsWith('>') ? chrom.slice(1, -1) : chrom;
    if (chrom !== this.chromChecked) {
      const cp = contigProblem(bare, this.v);
      this.chromProblem = cp;
      this.chromChecked = chrom;
      if (!cp && !h.contigs.has(chrom) && !h.contigs.has(bare) && this.once(`contig:${chrom}`)) {
        this.err('VCF_CONTIG_UNDECLARED', 1, `contig "${clip(chrom)}" is not declared in a ##contig line`);
      }
    }
    if (this.chromProblem) this.err('VCF_CHROM_INVALID', 1, `CHROM "${clip(chrom)}" ${this.chromProblem}`);

    // POS
    const posText = cols[1];
    let pos = NaN;
    if (!/^\d+$/.test(posText)) this.err('VCF_POS_INVALID', starts[1], `POS "${clip(posText)}" is not a non-negative integer`);
    else {
      pos = Number(posText);
      if (pos > INT32_MAX) { this.err('VCF_POS_INVALID', starts[1], `POS ${clip(posText)} is beyond the 32-bit range`); pos = NaN; }
    }
    this.sortOrder(chrom, pos);
    if (!Number.isNaN(pos)) {
      const len = h.contigs.get(chrom)?.length ?? h.contigs.get(bare)?.length;
      if (len !== undefined && pos > len + 1) this.err('VCF_POS_OUT_OF_CONTIG', starts[1], `POS ${pos} is beyond the end of contig ${clip(chrom)} (length ${len})`);
    }

    // ID
    const id = cols[2];
    if (id === '') this.err('VCF_ID_INVALID', starts[2], 'ID is empty (use . when there is none)');
    else if (id !== '.') {
      const parts = id.split(';');
      const seen = new Set<string>();
      let off = 0;
      for (const p of parts) {
        if (p === '') { this.err('VCF_ID_INVALID', starts[2] + off, `ID "${clip(id)}" has an empty element (leading, trailing or double semicolon)`); break; }
        if (/\s/.test(p)) { this.err('VCF_ID_INVALID', starts[2] + off, `ID "${clip(p)}" contains whitespace`); break; }
        if (seen.has(p)) { this.err('VCF_ID_INVALID', starts[2] + off, `ID ${clip(p)} appears twice`); break; }
        seen.add(p);
        off += p.length + 1;
      }
    }

    // REF
    const ref = cols[3];
    if (!BASES_RE.test(ref)) {
      const why = ref === '' ? 'is empty' : ref.includes(',') ? 'has several alleles (commas are not allowed in REF)' : 'contains characters other than A, C, G, T, N';
      this.err('VCF_REF_INVALID_BASE', starts[3], `REF "${clip(ref)}" ${why}`);
    }

    // ALT
    const altText = cols[4];
    const alleles: Allele[] = [];
    if (altText === '') this.err('VCF_ALT_INVALID', starts[4], 'ALT is empty (use . when there is no alternate allele)');
    else if (altText !== '.') {
      let off = 0;
      for (const a of altText.split(',')) {
        const al = this.allele(a, starts[4] + off);
        alleles.push(al);
        off += a.length + 1;
      }
    }
    const nAlt = alleles.length;
    if (!Number.isNaN(pos) && BASES_RE.test(ref)) this.duplicates(chrom, pos, ref, altText, alleles);

    // QUAL
    const qual = cols[5];
    if (qual !== '.' && !isFloat(qual)) this.err('VCF_QUAL_INVALID', starts[5], `QUAL "${clip(qual)}" is not a number or .`);

    // FILTER
    this.filter(cols[6], starts[6]);

    // INFO
    const info = this.info(cols[7], starts[7], nAlt, this.v >= 44);
    if (info) this.structural(info, alleles, starts[7]);

    // FORMAT and samples
    if (cols.length > 8) this.samples(cols, starts, nAlt, Math.min(cols.length - 9, h.columnsSeen && h.hasFormat ? nSamples : cols.length - 9));
  }

  private sortOrder(chrom: string, pos: number): void {
    if (chrom !== this.chrom) {
      if (this.chrom !== null) this.doneChroms.add(this.chrom);
      if (this.doneChroms.has(chrom)) {
        this.err('VCF_UNSORTED', 1, `records for ${clip(chrom)} are not contiguous (it appeared before another CHROM)`);
      }
      this.chrom = chrom;
      this.lastPos = -1;
      this.window.clear();
      this.windowPos = -1;
      this.windowSize = 0;
    }
    if (Number.isNaN(pos)) return;
    if (pos < this.lastPos) this.err('VCF_UNSORTED', this.colStarts[1], `POS ${pos} is smaller than the previous POS ${this.lastPos} on ${clip(chrom)}`);
    else this.lastPos = pos;
  }

  private allele(a: string, col: number): Allele {
    if (a === '') { this.err('VCF_ALT_INVALID', col, 'ALT has an empty allele (misplaced comma)'); return { kind: 'missing' }; }
    if (/\s/.test(a)) { this.err('VCF_ALT_INVALID', col, `ALT allele "${clip(a)}" contains whitespace`); return { kind: 'bases' }; }
    if (a === '.') return { kind: 'missing' };
    if (a === '*') return { kind: 'star' };
    if (a.startsWith('<')) {
      if (!a.endsWith('>') || a.length < 3) { this.err('VCF_ALT_INVALID', col, `ALT allele "${clip(a)}" is not a valid symbolic allele <ID>`); return { kind: 'symbolic' }; }
      const id = a.slice(1, -1);
      if (id === '*') return { kind: 'symbolic', id };
      if (/[\s,<>]/.test(id)) { this.err('VCF_ALT_INVALID', col, `symbolic allele "${clip(a)}" contains whitespace, a comma or an angle bracket`); return { kind: 'symbolic', id }; }
      const p = altIdProblem(id, this.v);
      if (p) { this.err('VCF_ALT_SYMBOLIC_TYPE', col, `symbolic allele ${clip(a)} ${p}`); return { kind: 'symbolic', id }; }
      const top = id.split(':')[0];
      if (svTypes(this.v).has(top) && top !== 'BND') return { kind: 'sv', sv: top, id };
      return { kind: 'symbolic', id };
    }
    if (a.includes('[') || a.includes(']')) {
      const m = BND_RE.exec(a);
      if (!m) {
        const noBases = /^[[\]][^[\]]*[[\]]$/.test(a);
        this.err('VCF_ALT_INVALID', col, noBases ? `breakend "${clip(a)}" has no bases on either side` : `breakend "${clip(a)}" is malformed`);
        return { kind: 'breakend' };
      }
      const mateChrom = m[3] ?? m[6];
      const mc = mateChrom.startsWith('<') ? mateChrom.slice(1, -1) : mateChrom;
      const cp = contigProblem(mc, this.v);
      if (cp) this.err('VCF_ALT_INVALID', col, `breakend "${clip(a)}": mate contig ${cp}`);
      return { kind: 'breakend' };
    }
    if (SINGLE_BND_RE.test(a)) return { kind: 'breakend' };
    if (!ALT_BASES_RE.test(a) || (a.includes('*') && a !== '*')) {
      this.err('VCF_ALT_INVALID', col, `ALT allele "${clip(a)}" contains characters other than A, C, G, T, N (or is a lone *)`);
    }
    return { kind: 'bases' };
  }

  private duplicates(chrom: string, pos: number, ref: string, altText: string, alleles: Allele[]): void {
    // forget variants that normalise to positions before this record: sorted input cannot repeat them
    if (pos > this.windowPos) {
      for (const [p, m] of this.window) if (p < pos) { this.windowSize -= m.size; this.window.delete(p); }
      this.windowPos = pos;
    }
    // pathological input (a huge pile-up at one position): bound the memory, give up on those
    if (this.windowSize > 50_000) { this.window.clear(); this.windowSize = 0; }
    if (alleles.length === 0) return;
    const alts = altText.split(',');
    for (let i = 0; i < alts.length; i++) {
      if (alleles[i].kind !== 'bases' || !BASES_RE.test(alts[i])) continue;
      let r = ref.toUpperCase(), a = alts[i].toUpperCase(), p = pos;
      while (r.length > 1 && a.length > 1 && r[r.length - 1] === a[a.length - 1]) { r = r.slice(0, -1); a = a.slice(0, -1); }
      while (r.length > 1 && a.length > 1 && r[0] === a[0]) { r = r.slice(1); a = a.slice(1); p++; }
      const key = `${r}>${a}`;
      let m = this.window.get(p);
      if (!m) this.window.set(p, (m = new Map()));
      const prev = m.get(key);
      if (prev !== undefined && prev !== this.lineNo) {
        this.err('VCF_DUPLICATE_VARIANT', this.colStarts[1], `variant ${clip(chrom)}:${p} ${r}>${a} was already given on line ${prev}`, undefined, key);
      } else if (prev === undefined) { m.set(key, this.lineNo); this.windowSize++; }
    }
  }

  private filter(f: string, col: number): void {
    if (f === '') { this.err('VCF_FILTER_INVALID', col, 'FILTER is empty (use . when no filters were applied)'); return; }
    if (f === '.') return;
    const seen = new Set<string>();
    let off = 0;
    for (const p of f.split(';')) {
      if (p === '') { this.err('VCF_FILTER_INVALID', col + off, `FILTER "${clip(f)}" has an empty element (leading, trailing or double semicolon)`); return; }
      if (/\s/.test(p)) { this.err('VCF_FILTER_INVALID', col + off, `FILTER "${clip(p)}" contains whitespace`); return; }
      if (p === '0') { this.err('VCF_FILTER_INVALID', col + off, 'FILTER value 0 is reserved'); return; }
      if (seen.has(p)) { this.err('VCF_FILTER_INVALID', col + off, `FILTER ${clip(p)} appears twice`); return; }
      seen.add(p);
      if (p !== 'PASS' && !this.h.filters.has(p) && this.once(`filter:${p}`)) {
        this.err('VCF_FILTER_UNDECLARED', col + off, `FILTER ${clip(p)} is not declared in a ##FILTER line`);
      }
      off += p.length + 1;
    }
  }

  /** what is known about an INFO key, computed once per key */
  private infoKey(key: string, ecol: number): InfoKey {
    let k = this.infoKeys.get(key);
    if (k) return k;
    const v = this.v;
    const declared = this.h.info.get(key);
    const reserved = reservedInfo(key, v);
    if (!declared && key !== '' && INFO_KEY_RE.test(key)) {
      this.err('VCF_INFO_UNDECLARED', ecol, `INFO key ${clip(key)} is not declared in an ##INFO line${reserved ? ' (checked against its reserved definition)' : ''}`);
    }
    const def = declared ?? reserved;
    k = {
      keyOk: INFO_KEY_RE.test(key),
      def,
      reserved,
      counted: def ? countSpec(def.number) : null,
      nonNegative: !!(reserved && def && reserved.type === def.type && reserved.nonNegative && def.type === 'Integer'),
      cigar: key === 'CIGAR' && !!reserved && def?.type === reserved.type,
    };
    if (this.infoKeys.size < 100000) this.infoKeys.set(key, k);
    return k;
  }

  /** INFO checks; returns the parsed key -> values (values undefined for flags) when `collect` */
  private info(text: string, col: number, nAlt: number, collect: boolean): Map<string, string[] | undefined> | undefined {
    const out = collect ? new Map<string, string[] | undefined>() : undefined;
    if (text === '') { this.err('VCF_INFO_SYNTAX', col, 'INFO is empty (use . when there is none)'); return out; }
    if (text === '.') return out;
    const v = this.v;
    const seen = this.infoSeen;
    seen.clear();
    let off = 0;
    for (const entry of text.split(';')) {
      const ecol = col + off;
      off += entry.length + 1;
      if (entry === '') { this.err('VCF_INFO_SYNTAX', ecol, 'INFO has an empty entry (leading, trailing or double semicolon)', undefined, 'empty'); continue; }
      const eq = entry.indexOf('=');
      const key = eq < 0 ? entry : entry.slice(0, eq);
      const value = eq < 0 ? undefined : entry.slice(eq + 1);
      const ki = this.infoKey(key, ecol);
      if (!ki.keyOk) {
        this.err('VCF_INFO_SYNTAX', ecol, `INFO key "${clip(key)}" does not match ^([A-Za-z_][0-9A-Za-z_.]*|1000G)$`, v >= 43 ? undefined : 'warning');
        if (key === '') continue;
      }
      if (seen.has(key)) { this.err('VCF_INFO_DUPLICATE_KEY', ecol, `INFO key ${clip(key)} appears twice`); continue; }
      seen.add(key);
      const def = ki.def;
      // a String with an open Number needs no splitting: only empty list elements can be wrong
      const whole = value !== undefined && def !== undefined && def.type === 'String' && !ki.counted;
      const values = value === undefined ? undefined : whole && !(out && SV_KEYS.has(key)) ? undefined : value.split(',');
      if (out) out.set(key, value === undefined ? undefined : values ?? NOT_SPLIT);
      const vcol = ecol + key.length + 1;
      if (value !== undefined) {
        const e = value.indexOf('=');
        if (e >= 0) this.err('VCF_INFO_SYNTAX', vcol + e, `INFO ${clip(key)} value contains "=" (encode it as %3D)`);
        if (v >= 43 && value.indexOf('%') >= 0) {
          const bp = badPercent(value);
          if (bp >= 0) this.err('VCF_PERCENT_ENCODING', vcol + bp, `INFO ${clip(key)}: "%" must start a %XX percent-encoded character (a literal % is %25)`);
        }
      }
      if (!def) continue;
      if (whole) {
        let e = -1;
        if (value === '' || value.charCodeAt(0) === 44) e = 0;
        else {
          const dd = value.indexOf(',,');
          if (dd >= 0) e = dd + 1;
          else if (value.charCodeAt(value.length - 1) === 44) e = value.length;
        }
        if (e >= 0) this.err('VCF_INFO_TYPE', vcol + e, `INFO ${clip(key)} has an empty value${value === '' ? '' : ' in its list'}`);
        continue;
      }
      if (def.type === 'Flag') {
        if (value !== undefined) this.err('VCF_INFO_FLAG_VALUE', vcol, `INFO ${clip(key)} is a Flag and must not have a value (found "${clip(value)}")`);
        continue;
      }
      if (values === undefined || value === undefined) {
        if (def.number !== '0') this.err('VCF_INFO_TYPE', ecol, `INFO ${clip(key)} has no value (Type=${def.type}, Number=${def.number})`);
        continue;
      }
      const tp = typeProblem(values, def.type);
      if (tp) {
        this.err('VCF_INFO_TYPE', vcol + offsetOf(values, tp.index), `INFO ${clip(key)} value "${clip(values[tp.index])}" ${tp.why} (Type=${def.type})`);
        continue;
      }
      if (ki.counted && !(values.length === 1 && values[0] === '.')) {
        const allowed = ki.counted.fixed !== undefined ? ki.counted.fixed === values.length ? null : [ki.counted.fixed] : allowedCounts(def.number, { nAlt, ploidies: [2] });
        if (allowed && !allowed.includes(values.length)) {
          const sev = !ki.reserved && stringExtra(def.type, values.length, allowed) ? 'warning' : undefined;
          this.err('VCF_INFO_NUMBER', vcol, `INFO ${clip(key)} has ${values.length} value${values.length === 1 ? '' : 's'}, Number=${def.number} requires ${allowed.join(' or ')}${def.number === 'A' || def.number === 'R' || def.number === 'G' ? ` (${nAlt} ALT allele${nAlt === 1 ? '' : 's'})` : ''}`, sev);
          if (!sev) continue;
        }
      }
      if (ki.nonNegative) {
        const k = values.findIndex((x) => x.charCodeAt(0) === 45 /* - */);
        if (k >= 0) this.err('VCF_INFO_VALUE', vcol + offsetOf(values, k), `INFO ${clip(key)} value ${clip(values[k])} is negative`);
      }
      if (ki.cigar) {
        const k = values.findIndex((x) => x !== '.' && !CIGAR_RE.test(x));
        if (k >= 0) this.err('VCF_INFO_VALUE', vcol + offsetOf(values, k), `INFO CIGAR value "${clip(values[k])}" is not a CIGAR string (e.g. 1M2I)`);
      }
    }
    return out;
  }

  /** 4.4+ structural variant and tandem repeat rules (sections 3 and 5) */
  private structural(info: Map<string, string[] | undefined>, alleles: Allele[], col: number): void {
    const nAlt = alleles.length;
    const sv = (k: string) => this.err('VCF_SV_INVALID', col, k);
    const list = (key: string): string[] | undefined => {
      const x = info.get(key);
      return x && !(x.length === 1 && x[0] === '.') ? x : undefined;
    };
    // SVCLAIM: per allele type (section 3)
    const claim = list('SVCLAIM');
    if (claim && claim.length === nAlt) {
      for (let i = 0; i < nAlt; i++) {
        const c = claim[i], a = alleles[i];
        if (c !== '.' && c !== 'D' && c !== 'J' && c !== 'DJ') { sv(`SVCLAIM value "${clip(c)}" is not D, J or DJ`); break; }
        const t = a.kind === 'sv' ? a.sv : a.kind === 'breakend' ? 'BND' : undefined;
        if ((t === 'DEL' || t === 'DUP') && c === '.') { sv(`SVCLAIM must be D, J or DJ for the <${a.id}> allele ${i + 1}`); break; }
        if (t === 'CNV' && c !== 'D' && c !== '.') { sv(`SVCLAIM for the <${a.id}> allele ${i + 1} must be D or . (found ${c})`); break; }
        if ((t === 'INV' || t === 'INS') && c !== 'J' && c !== 'DJ' && c !== '.') { sv(`SVCLAIM for the <${a.id}> allele ${i + 1} must be J, DJ or . (found ${c})`); break; }
        if (t === 'BND' && c !== 'J' && c !== '.') { sv(`SVCLAIM for the breakend allele ${i + 1} must be J or . (found ${c})`); break; }
        if (t === undefined && c !== '.') { this.err('VCF_SV_INVALID', col, `SVCLAIM for the non-SV allele ${i + 1} should be . (found ${c})`, 'warning'); break; }
      }
    } else if (!info.has('SVCLAIM')) {
      const k = alleles.findIndex((a) => a.kind === 'sv' && (a.sv === 'DEL' || a.sv === 'DUP'));
      if (k >= 0) sv(`SVCLAIM must be given for the <${alleles[k].id}> allele (D, J or DJ)`);
    }
    // SVLEN: required for symbolic SV alleles, missing for the others
    const svIdx = alleles.map((a, i) => (a.kind === 'sv' ? i : -1)).filter((i) => i >= 0);
    const svlen = info.get('SVLEN');
    if (svlen === undefined) {
      const inferable = svIdx.length === 1 && nAlt === 1 && info.has('END');
      if (svIdx.length && !inferable) sv(`SVLEN must be given for symbolic structural variant allele <${alleles[svIdx[0]].id}>`);
    } else if (svlen.length === nAlt) {
      for (let i = 0; i < nAlt; i++) {
        const isSv = alleles[i].kind === 'sv';
        if (isSv && svlen[i] === '.') { sv(`SVLEN must be given for symbolic structural variant allele <${alleles[i].id}> (found .)`); break; }
        if (!isSv && svlen[i] !== '.') { this.err('VCF_SV_INVALID', col, `SVLEN for allele ${i + 1}, which is not a symbolic structural variant, should be . (found ${clip(svlen[i])})`, 'warning'); break; }
      }
    }
    // confidence intervals: pairs per ALT allele
    for (const [key, span] of [['CIPOS', true], ['CIEND', true], ['CILEN', false], ['CICN', false]] as Array<[string, boolean]>) {
      const x = list(key);
      if (!x || !this.h.info.has(key) && !reservedInfo(key, this.v)) continue;
      if (x.length !== 2 * nAlt) { sv(`${key} must have 2 values per ALT allele (${2 * nAlt}), found ${x.length}`); continue; }
      for (let i = 0; i < x.length; i += 2) {
        const lo = Number(x[i]), hi = Number(x[i + 1]);
        if (x[i] !== '.' && x[i + 1] !== '.' && lo > hi) { sv(`${key} interval ${x[i]},${x[i + 1]} has its lower bound above its upper bound`); break; }
        if (span && ((x[i] !== '.' && lo > 0) || (x[i + 1] !== '.' && hi < 0))) { sv(`${key} interval ${x[i]},${x[i + 1]} must span 0 (lower <= 0 <= upper)`); break; }
      }
    }
    for (const key of ['MEINFO', 'METRANS']) {
      const x = list(key);
      if (x && x.length !== 4 * nAlt) sv(`${key} must have 4 values per ALT allele (${4 * nAlt}), found ${x.length}`);
    }
    if (alleles.some((a) => a.kind === 'symbolic' && a.id === '*') && !info.has('END')) this.err('VCF_SV_INVALID', col, 'a record with the <*> allele should have END', 'warning');
    this.tandemRepeats(info, alleles, col);
  }

  private tandemRepeats(info: Map<string, string[] | undefined>, alleles: Allele[], col: number): void {
    const isTr = alleles.map((a) => a.kind === 'sv' && a.id === 'CNV:TR');
    const trKeys = ['RN', 'RUS', 'RUL', 'RUC', 'RB', 'RUB', 'CIRUC', 'CIRB'];
    if (!isTr.some(Boolean) && !trKeys.some((k) => info.has(k))) return;
    const tr = (m: string) => this.err('VCF_TR_INVALID', col, m);
    const get = (k: string) => info.get(k);
    const rn = get('RN');
    let total = 0;
    if (rn && rn.length === alleles.length) {
      for (const x of rn) total += x === '.' ? 0 : Number(x) || 0;
    } else total = isTr.filter(Boolean).length;
    for (const k of ['RUS', 'RUL', 'RUC', 'RB']) {
      const x = get(k);
      if (x && x.length !== total) { tr(`${k} has ${x.length} value${x.length === 1 ? '' : 's'} but RN gives ${total} repeat sequence${total === 1 ? '' : 's'}`); return; }
    }
    for (const [k, base] of [['CIRUC', 'RUC'], ['CIRB', 'RB']]) {
      const x = get(k);
      if (x && x.length !== 2 * total) { tr(`${k} must have twice as many values as ${base} (${2 * total}), found ${x.length}`); return; }
    }
    const rus = get('RUS'), rul = get('RUL'), ruc = get('RUC'), rub = get('RUB');
    if (total > 0 && !rus && !rul) { tr('a <CNV:TR> allele needs its repeat unit: give RUS or RUL'); return; }
    if (rus) {
      const bad = rus.find((s) => s !== '.' && !RUS_RE.test(s));
      if (bad !== undefined) { tr(`RUS value "${clip(bad)}" is not a nucleotide sequence`); return; }
      if (rul) {
        for (let i = 0; i < Math.min(rus.length, rul.length); i++) {
          if (rus[i] !== '.' && rul[i] !== '.' && rus[i].length !== Number(rul[i])) { tr(`RUS ${clip(rus[i])} has length ${rus[i].length} but RUL is ${rul[i]}`); return; }
        }
      }
    }
    if (rub) {
      if (!ruc) { tr('RUB requires RUC'); return; }
      const nonInt = ruc.find((x) => x !== '.' && !/^\d+$/.test(x));
      if (nonInt !== undefined) { tr(`RUC must contain integers when RUB is given (found ${clip(nonInt)})`); return; }
      const units = ruc.reduce((s, x) => s + (x === '.' ? 0 : Number(x)), 0);
      if (rub.length !== units) { tr(`RUB has ${rub.length} value${rub.length === 1 ? '' : 's'} but RUC counts ${units} repeat unit${units === 1 ? '' : 's'}`); return; }
    }
  }

  /** FORMAT keys, their definitions and the problems of the FORMAT string itself, once per string */
  private formatInfo(fmt: string): FormatInfo {
    let f = this.formats.get(fmt);
    if (f) return f;
    const v = this.v;
    const keys = fmt.split(':');
    const seen = new Set<string>();
    const problems: FormatInfo['problems'] = [];
    const defs: FormatInfo['defs'] = [];
    let off = 0;
    let fatal = false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const koff = off;
      off += k.length + 1;
      if (k === '') { problems.push({ off: koff, msg: `FORMAT "${clip(fmt)}" has an empty key` }); fatal = true; defs.push(undefined); continue; }
      if (seen.has(k)) problems.push({ off: koff, msg: `FORMAT key ${clip(k)} appears twice` });
      seen.add(k);
      if (k === 'GT' && i !== 0) problems.push({ off: koff, msg: 'GT must be the first FORMAT key' });
      if (!FORMAT_KEY_RE.test(k)) {
        // 4.3+: keys follow the regular expression; percent-encoded characters (%XX) are tolerated
        const decodedOk = v >= 43 && /^[A-Za-z_](?:[0-9A-Za-z_.]|%[0-9A-F]{2})*$/.test(k);
        if (!decodedOk) problems.push({ off: koff, msg: `FORMAT key "${clip(k)}" does not match ^[A-Za-z_][0-9A-Za-z_.]*$`, severity: v >= 43 ? undefined : 'warning' });
      }
      const r = reservedFormat(k, v);
      const declared = this.h.format.get(k);
      if (!declared && this.once(`format:${k}`)) {
        this.err('VCF_FORMAT_UNDECLARED', this.colStarts[8] + koff, `FORMAT key ${clip(k)} is not declared in a ##FORMAT line${r ? ' (checked against its reserved definition)' : ''}`);
      }
      const def = declared ?? r;
      defs.push(def ? {
        number: def.number,
        type: def.type,
        counted: countSpec(def.number),
        reserved: !!r,
        nonNegative: !!(r && r.type === def.type && r.nonNegative && def.type === 'Integer'),
      } : undefined);
    }
    f = {
      keys, defs, problems, fatal,
      hasGT: keys[0] === 'GT',
      iPS: keys.indexOf('PS'), iPSL: keys.indexOf('PSL'), iPSO: keys.indexOf('PSO'), iPSQ: keys.indexOf('PSQ'), iLAA: keys.indexOf('LAA'),
    };
    if (this.formats.size > 10000) this.formats.clear();
    this.formats.set(fmt, f);
    return f;
  }

  private samples(cols: string[], starts: number[], nAlt: number, nPresent: number): void {
    const fmt = cols[8];
    const fcol = starts[8];
    const v = this.v;
    if (fmt === '') { this.err('VCF_FORMAT_SYNTAX', fcol, 'FORMAT is empty'); return; }
    if (fmt === '.') return;
    const fi = this.formatInfo(fmt);
    for (const p of fi.problems) this.err('VCF_FORMAT_SYNTAX', fcol + p.off, p.msg, p.severity);
    if (fi.fatal) return;
    const { keys, defs, hasGT, iPS, iPSL, iPSO, iPSQ, iLAA } = fi;
    const needPhase = v >= 44 && iPSL >= 0;
    const nKeys = keys.length;
    for (let s = 0; s < nPresent; s++) {
      const col = starts[9 + s];
      const text = cols[9 + s];
      // walk the colon-separated fields without splitting
      let nFields = 1;
      for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) nFields++;
      if (nFields > nKeys) {
        this.err('VCF_SAMPLE_FIELD_COUNT', col, `sample ${this.sampleName(s)} has ${nFields} fields but FORMAT has ${nKeys}`, undefined, 'count');
        continue;
      }
      let gt: Genotype | undefined;
      let ploidy = 2;
      let gtMissing = false;
      let fStart = 0;
      let fEnd = text.indexOf(':');
      if (fEnd < 0) fEnd = text.length;
      if (hasGT) {
        const g = text.slice(0, fEnd);
        const q = quickGenotype(g, v);
        if (q < 0 || needPhase) {
          const parsed = parseGenotype(g, v);
          if (typeof parsed === 'string') {
            this.err('VCF_GT_INVALID', col, `sample ${this.sampleName(s)}: GT "${clip(g)}" ${parsed}`, undefined, 'gt');
          } else {
            gt = parsed;
            this.gtRange(gt.alleles.reduce((m, a) => Math.max(m, a), -1), g, s, col, nAlt);
            ploidy = gt.alleles.length;
            gtMissing = gt.alleles.every((a) => a < 0);
          }
        } else {
          // q packs: ploidy * 2^20 + (max allele + 1), with bit 2^19 flagging "all missing"
          ploidy = Math.floor(q / 0x100000);
          gtMissing = (q & 0x80000) !== 0;
          this.gtRange((q & 0x7ffff) - 1, g, s, col, nAlt);
        }
        fStart = fEnd + 1;
        fEnd = fStart > text.length ? -1 : text.indexOf(':', fStart);
        if (fEnd < 0) fEnd = text.length;
      }
      let ctx: CountContext | undefined;
      for (let k = hasGT ? 1 : 0; k < nFields; k++) {
        const val = text.slice(fStart, fEnd);
        const vcol = col + fStart;
        fStart = fEnd + 1;
        fEnd = text.indexOf(':', fStart);
        if (fEnd < 0) fEnd = text.length;
        const key = keys[k];
        if (v >= 43 && val.indexOf('%') >= 0) {
          const bp = badPercent(val);
          if (bp >= 0) this.err('VCF_PERCENT_ENCODING', vcol + bp, `sample ${this.sampleName(s)} ${clip(key)}: "%" must start a %XX percent-encoded character`, undefined, `pct:${key}`);
        }
        const def = defs[k];
        if (!def || val === '.') continue;
        if (val === '' && v >= 45) continue; // 4.5: a zero-length list
        // fast path: a list of plain numbers (or any String) that needs no splitting
        const quick = quickList(val, def.type, !def.nonNegative);
        if (quick > 0) {
          if (!def.counted || def.counted.fixed === quick) continue;
          const num = def.number;
          if (num === 'A' && (nAlt === 0 || quick === nAlt)) continue;
          if (num === 'R' && (nAlt === 0 || quick === nAlt + 1)) continue;
          if (num === 'G' && (nAlt === 0 || (!gtMissing && quick === genotypeCount(nAlt + 1, ploidy)))) continue;
        }
        const values = val.split(',');
        const tp = typeProblem(values, def.type);
        if (tp) {
          this.err('VCF_FORMAT_TYPE', vcol + offsetOf(values, tp.index), `sample ${this.sampleName(s)} ${clip(key)} value "${clip(values[tp.index])}" ${tp.why} (Type=${def.type})`, undefined, `type:${key}`);
          continue;
        }
        if (def.counted && !(def.counted.fixed === values.length)) {
          if (!ctx) {
            let nLocalAlt: number | undefined;
            if (iLAA >= 0) {
              const laa = fieldAt(text, iLAA);
              if (laa !== undefined) nLocalAlt = laa === '' || laa === '.' ? 0 : laa.split(',').length;
            }
            ctx = { nAlt, ploidies: gtMissing && ploidy !== 2 ? [ploidy, 2] : [ploidy], nLocalAlt };
          }
          const allowed = def.counted.fixed !== undefined ? [def.counted.fixed] : allowedCounts(def.number, ctx);
          if (allowed && !allowed.includes(values.length)) {
            const sev = !def.reserved && stringExtra(def.type, values.length, allowed) ? 'warning' : undefined;
            this.err('VCF_FORMAT_NUMBER', vcol, `sample ${this.sampleName(s)} ${clip(key)} has ${values.length} value${values.length === 1 ? '' : 's'}, Number=${def.number} requires ${allowed.join(' or ')}${countHint(def.number, ctx)}`, sev, `num:${key}`);
            if (!sev) continue;
          }
        }
        if (def.nonNegative) {
          const n = values.findIndex((x) => x.charCodeAt(0) === 45 /* - */);
          if (n >= 0) this.err('VCF_FORMAT_VALUE', vcol + offsetOf(values, n), `sample ${this.sampleName(s)} ${clip(key)} value ${clip(values[n])} is negative`, undefined, `neg:${key}`);
        }
      }
      if (needPhase && iPSL < nFields) {
        const fields = text.split(':');
        if (fields[iPSL] !== '.') this.phaseSets(fields, s, col, gt, iPS, iPSL, iPSO, iPSQ);
      }
    }
  }

  private gtRange(maxAllele: number, g: string, s: number, col: number, nAlt: number): void {
    if (maxAllele <= nAlt) return;
    this.err('VCF_GT_ALLELE_OUT_OF_RANGE', col, nAlt === 0
      ? `sample ${this.sampleName(s)}: GT ${clip(g)} refers to allele ${maxAllele} but ALT is the missing value .`
      : `sample ${this.sampleName(s)}: GT ${clip(g)} refers to allele ${maxAllele} but there ${nAlt === 1 ? 'is' : 'are'} ${nAlt} ALT allele${nAlt === 1 ? '' : 's'}`,
    nAlt === 0 ? 'warning' : undefined, 'gtrange');
  }

  /** 4.4 PSL/PSO/PSQ: unphased alleles carry '.', ordinals and qualities only where PSL is given */
  private phaseSets(fields: string[], s: number, col: number, gt: Genotype | undefined, iPS: number, iPSL: number, iPSO: number, iPSQ: number): void {
    const psl = fields[iPSL].split(',');
    const name = this.sampleName(s);
    if (iPS >= 0 && iPS < fields.length && fields[iPS] !== '.' && psl.some((x) => x !== '.')) {
      this.err('VCF_PHASE_SET_INVALID', col, `sample ${name} has both PS and PSL`, undefined, 'ps');
    }
    if (gt && psl.length === gt.alleles.length) {
      for (let i = 0; i < psl.length; i++) {
        if (!gt.phased[i] && psl[i] !== '.') {
          this.err('VCF_PHASE_SET_INVALID', col, `sample ${name}: allele ${i + 1} of GT is unphased, so its PSL must be . (found ${clip(psl[i])})`, undefined, 'psl');
          return;
        }
      }
    }
    for (const [idx, key] of [[iPSO, 'PSO'], [iPSQ, 'PSQ']] as Array<[number, string]>) {
      if (idx < 0 || idx >= fields.length || fields[idx] === '.') continue;
      const x = fields[idx].split(',');
      if (x.length !== psl.length) continue;
      const k = x.findIndex((y, i) => y !== '.' && psl[i] === '.');
      if (k >= 0) this.err('VCF_PHASE_SET_INVALID', col, `sample ${name}: ${key} value ${clip(x[k])} for allele ${k + 1}, whose PSL is ., should be .`, 'warning', key);
    }
  }

  private sampleName(i: number): string {
    const n = this.h.samples[i];
    return n !== undefined ? clip(n, 30) : `#${i + 1}`;
  }
}

/**
 * GT syntax: allele indexes or '.' separated by '/' or '|'; from 4.4 an optional leading
 * phasing prefix. Without a prefix the first allele is phased when every separator is '|'
 * (the pre-4.4 meaning of a fully phased genotype, vacuously true for a haploid call).
 */
export function parseGenotype(g: string, version: number): Genotype | string {
  const n = g.length;
  if (n === 0) return 'is empty';
  let i = 0;
  let prefix = 0; // 0 none, 47 '/', 124 '|'
  const c0 = g.charCodeAt(0);
  if (c0 === 47 || c0 === 124) { prefix = c0; i = 1; }
  const alleles: number[] = [];
  const seps: number[] = [];
  for (;;) {
    if (i >= n) return 'is not a genotype (allele indexes or . separated by / or |)';
    let c = g.charCodeAt(i);
    if (c === 46) { alleles.push(-1); i++; } else {
      let v = 0, d = 0;
      while (i < n && (c = g.charCodeAt(i)) >= 48 && c <= 57) { v = v * 10 + (c - 48); i++; d++; }
      if (d === 0) return 'is not a genotype (allele indexes or . separated by / or |)';
      alleles.push(v);
    }
    if (i === n) break;
    c = g.charCodeAt(i);
    if (c !== 47 && c !== 124) return 'is not a genotype (allele indexes or . separated by / or |)';
    seps.push(c);
    i++;
  }
  if (prefix && version < 44) return 'starts with a phasing prefix, which VCF before 4.4 does not allow';
  const phased = new Array<boolean>(alleles.length);
  phased[0] = prefix ? prefix === 124 : seps.every((x) => x === 124);
  for (let k = 1; k < alleles.length; k++) phased[k] = seps[k - 1] === 124;
  return { alleles, phased };
}

/**
 * A String with more comma-separated parts than its Number allows: htslib (and most tools) keep a
 * String value whole, commas included, so for keys that are not reserved by the specification this
 * is reported as a warning rather than an error (GATK's AS_* annotations do this).
 */
function stringExtra(type: string, n: number, allowed: number[]): boolean {
  return type === 'String' && n > Math.max(...allowed);
}

/** the i-th colon-separated field of a sample, or undefined */
function fieldAt(text: string, i: number): string | undefined {
  let s = 0;
  for (let k = 0; k < i; k++) {
    const c = text.indexOf(':', s);
    if (c < 0) return undefined;
    s = c + 1;
  }
  const e = text.indexOf(':', s);
  return text.slice(s, e < 0 ? text.length : e);
}

/**
 * Fast check of a comma-separated value list without allocating: the number of values when every
 * value is plainly valid for `type` (Integer: up to 9 digits; Float: digits with at most one '.';
 * both with a leading '-' when `allowMinus`; '.' for missing; String: anything), or -1 when the
 * full check must decide.
 */
function quickList(val: string, type: string, allowMinus: boolean): number {
  const n = val.length;
  if (type === 'String') {
    let c = 1;
    for (let i = val.indexOf(','); i >= 0; i = val.indexOf(',', i + 1)) c++;
    return c;
  }
  if (type !== 'Integer' && type !== 'Float') return -1;
  const isInt = type === 'Integer';
  let count = 1, digits = 0, dots = 0, len = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? val.charCodeAt(i) : 44;
    if (c === 44) {
      if (len === 0) return -1;
      if (!(digits > 0 || (len === 1 && dots === 1))) return -1; // '.' alone is the missing value
      if (isInt && digits > 9) return -1;
      if (i < n) count++;
      digits = 0; dots = 0; len = 0;
      continue;
    }
    len++;
    if (c >= 48 && c <= 57) digits++;
    else if (c === 45 && len === 1 && allowMinus) { /* a leading minus */ }
    else if (c === 46) { if (++dots > 1 || (isInt && len > 1)) return -1; }
    else return -1;
  }
  return count;
}

/**
 * GT fast path without allocation: ploidy * 2^20 + (max allele + 1), plus 2^19 when every allele is
 * missing; -1 when the full parser must look (prefix, odd syntax, large indexes).
 */
function quickGenotype(g: string, version: number): number {
  const n = g.length;
  if (n === 0) return -1;
  let ploidy = 0, max = -1, missing = 0, i = 0;
  for (;;) {
    if (i >= n) return -1;
    let c = g.charCodeAt(i);
    if (c === 46) { missing++; i++; } else {
      let v = 0, d = 0;
      while (i < n && (c = g.charCodeAt(i)) >= 48 && c <= 57) { v = v * 10 + (c - 48); i++; d++; }
      if (d === 0 || d > 5) return -1;
      if (v > max) max = v;
    }
    ploidy++;
    if (i === n) break;
    c = g.charCodeAt(i);
    if (c !== 47 && c !== 124) return -1;
    i++;
  }
  void version;
  if (ploidy > 500) return -1;
  return ploidy * 0x100000 + (missing === ploidy ? 0x80000 : 0) + (max + 1);
}

function offsetOf(values: string[], index: number): number {
  let o = 0;
  for (let i = 0; i < index; i++) o += values[i].length + 1;
  return o;
}

function countHint(number: string, ctx: CountContext): string {
  if (number === 'A' || number === 'R') return ` (${ctx.nAlt} ALT allele${ctx.nAlt === 1 ? '' : 's'})`;
  if (number === 'G') return ` (${ctx.nAlt} ALT allele${ctx.nAlt === 1 ? '' : 's'}, ploidy ${ctx.ploidies.join(' or ')})`;
  if (number === 'P') return ` (ploidy ${ctx.ploidies.join(' or ')})`;
  return '';
}

