/**
 * Header checks, one line at a time: ##fileformat, the structured meta-information lines
 * (INFO, FORMAT, FILTER, ALT, contig, SAMPLE, PEDIGREE, META), ##assembly / ##pedigreeDB and the
 * #CHROM line. Every problem is reported and the checker carries on, so one run lists them all.
 * What it learns (definitions, contigs, samples) is what the record checks use.
 */
import type { Severity } from '../validate.js';
import { reservedFormat, reservedInfo, numberCompatible } from './reserved.js';
import { VALID_TYPES, validNumber } from './values.js';

export type Report = (rule: string, line: number, column: number | undefined, message: string, severity?: Severity) => void;

export interface FieldDef {
  id: string;
  number: string;
  type: string;
  lineNo: number;
}

export interface HeaderState {
  /** VCF version as major*10+minor (40..45) */
  version: number;
  versionText?: string;
  info: Map<string, FieldDef>;
  format: Map<string, FieldDef>;
  filters: Set<string>;
  alts: Set<string>;
  contigs: Map<string, { length?: number }>;
  samples: string[];
  /** the #CHROM line has a FORMAT column */
  hasFormat: boolean;
  /** the #CHROM line was seen */
  columnsSeen: boolean;
  columnsOk: boolean;
}

export const FIXED_COLUMNS = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];

/** 4.3+ INFO key / FORMAT key syntax (1.6.1, 1.6.2) */
export const INFO_KEY_RE = /^(?:[A-Za-z_][0-9A-Za-z_.]*|1000G)$/;
export const FORMAT_KEY_RE = /^[A-Za-z_][0-9A-Za-z_.]*$/;
/** 4.3+ contig names (1.4.7): SAM reference-name rules */
export const CONTIG_RE = /^[0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*$/;
/** SAMPLE / PEDIGREE identifiers: no whitespace nor characters with a meaning in VCF */
const IDENT_BAD = /[\s,;:=*<>"]/;

/** first-level types of symbolic structural variant alleles (1.4.5; BND dropped in 4.4) */
export function svTypes(version: number): Set<string> {
  return version >= 44 ? new Set(['DEL', 'INS', 'DUP', 'INV', 'CNV']) : new Set(['DEL', 'INS', 'DUP', 'INV', 'CNV', 'BND']);
}

const STRUCTURED = new Set(['INFO', 'FORMAT', 'FILTER', 'ALT', 'contig', 'SAMPLE', 'PEDIGREE', 'META']);

interface Field {
  key: string;
  value: string;
  quoted: boolean;
  /** 1-based column of the key */
  col: number;
}

type Parsed = { fields: Field[] } | { error: string; col: number };

/**
 * Strict parser for the inside of `<...>`: key=value pairs separated by commas, values either
 * double-quoted (with backslash escapes), a bracketed list, or plain text up to the next comma.
 */
export function parseFields(body: string, col0: number): Parsed {
  const fields: Field[] = [];
  const n = body.length;
  let i = 0;
  if (n === 0) return { error: 'empty structured value "<>"', col: col0 };
  for (;;) {
    while (i < n && body[i] === ' ') i++;
    if (i >= n) return { error: 'empty field after a comma', col: col0 + i };
    let j = i;
    while (j < n && body[j] !== '=' && body[j] !== ',') j++;
    const key = body.slice(i, j);
    if (j >= n || body[j] !== '=') return { error: `"${clip(key)}" is not a key=value pair`, col: col0 + i };
    if (key === '' || /[\s"<>]/.test(key)) return { error: `malformed key "${clip(key)}"`, col: col0 + i };
    const keyCol = col0 + i;
    i = j + 1;
    let value = '';
    let quoted = false;
    if (body[i] === '"') {
      quoted = true;
      const q = i;
      i++;
      let closed = false;
      while (i < n) {
        const c = body[i];
        if (c === '\\' && i + 1 < n) { value += body[i + 1]; i += 2; continue; }
        if (c === '"') { closed = true; i++; break; }
        value += c;
        i++;
      }
      if (!closed) return { error: `the quoted value of ${key} has no closing quote`, col: col0 + q };
      if (i < n && body[i] !== ',') return { error: `text after the closing quote of ${key} (an unescaped quote inside the value?)`, col: col0 + i };
    } else if (body[i] === '[' || body[i] === '<') {
      // a bracketed list (`Values=[a, b]`) or a nested <...> value (as htslib accepts: `softwareName=<x,y>`)
      const open = body[i], closeCh = open === '[' ? ']' : '>';
      let depth = 0, close = -1;
      for (let k = i; k < n; k++) {
        if (body[k] === open) depth++;
        else if (body[k] === closeCh && --depth === 0) { close = k; break; }
      }
      if (close < 0) return { error: `the value of ${key} has no closing "${closeCh}"`, col: col0 + i };
      value = body.slice(i, close + 1);
      i = close + 1;
      if (i < n && body[i] !== ',') return { error: `text after the closing "${closeCh}" of ${key}`, col: col0 + i };
    } else {
      let c = body.indexOf(',', i);
      if (c < 0) c = n;
      value = body.slice(i, c);
      if (value === '') return { error: `empty value for ${key}`, col: col0 + i };
      i = c;
    }
    fields.push({ key, value, quoted, col: keyCol });
    if (i >= n) return { fields };
    i++; // the comma
  }
}

/**
 * URL check for ##assembly and ##pedigreeDB: an absolute URL needs a host that is a dotted IPv4
 * address, `localhost` or a DNS name whose last label is alphabetic (file:/// may omit it); a
 * relative reference (no scheme) must not contain whitespace.
 */
export function urlProblem(u: string): string | null {
  if (u === '') return 'is empty';
  if (/\s/.test(u)) return 'contains whitespace';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(u);
  if (!m) return /:\/\//.test(u) ? 'has a malformed scheme' : null;
  const scheme = m[1].toLowerCase();
  let host = m[2];
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  const pm = /^(.*?)(?::(\d*))?$/.exec(host)!;
  host = pm[1];
  if (pm[2] !== undefined && !/^\d+$/.test(pm[2])) return 'has a malformed port';
  if (host === '') return scheme === 'file' ? null : 'has no host';
  if (/^\d+(\.\d+){3}$/.test(host)) return host.split('.').every((p) => Number(p) <= 255) ? null : 'has an invalid IPv4 host';
  if (host === 'localhost') return null;
  if (/^\[[0-9A-Fa-f:.]+\]$/.test(host)) return null;
  const labels = host.split('.');
  if (labels.some((l) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l))) return `has an invalid host "${host}"`;
  if (!/[A-Za-z]/.test(labels[labels.length - 1])) return `has an invalid host "${host}" (not a domain name or IP address)`;
  return null;
}

export class HeaderChecker {
  readonly state: HeaderState;
  private readonly report: Report;
  private seenIds = new Map<string, Set<string>>();
  private fileformatLine = 0;

  constructor(report: Report) {
    this.report = report;
    this.state = {
      version: 42,
      info: new Map(),
      format: new Map(),
      filters: new Set(),
      alts: new Set(),
      contigs: new Map(),
      samples: [],
      hasFormat: false,
      columnsSeen: false,
      columnsOk: false,
    };
  }

  /** the first line of the file (which must be ##fileformat) */
  firstLine(text: string): void {
    if (!text.startsWith('##fileformat=')) {
      this.report('VCF_HEADER_MISSING_FILEFORMAT', 1, 1, 'the first line must be ##fileformat=VCFvX.Y');
      return;
    }
    this.fileformatLine = 1;
    this.fileformat(text.slice('##fileformat='.length), 1);
  }

  private fileformat(v: string, lineNo: number): void {
    const col = '##fileformat='.length + 1;
    const m = /^VCFv(\d+)\.(\d+)$/.exec(v);
    if (!m) {
      this.report('VCF_FILEFORMAT_INVALID', lineNo, col, `malformed fileformat "${clip(v)}" (expected VCFv4.x, no whitespace)`);
      const loose = /(\d+)\s*\.\s*(\d+)/.exec(v.slice(0, 64));
      if (loose) this.setVersion(Number(loose[1]), Number(loose[2]));
      return;
    }
    this.state.versionText = v;
    const major = Number(m[1]), minor = Number(m[2]);
    if (major !== 4 || minor > 5) {
      this.report('VCF_FILEFORMAT_UNSUPPORTED', lineNo, col, `${v} is not a VCF version this validator knows (4.0-4.5); checking with the nearest rules`);
    }
    this.setVersion(major, minor);
  }

  private setVersion(major: number, minor: number): void {
    const v = major * 10 + minor;
    this.state.version = v < 40 ? 40 : v > 45 ? 45 : v;
  }

  /** a `##...` line (any line number) */
  metaLine(text: string, lineNo: number): void {
    const rest = text.slice(2);
    const eq = rest.indexOf('=');
    if (eq < 0) {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, 3, `meta-information line is not a key=value pair: "${clip(text)}"`);
      return;
    }
    const key = rest.slice(0, eq);
    if (key === '' || /[\s<>"]/.test(key)) {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, 3, `malformed meta-information key "${clip(key)}"`);
      return;
    }
    const value = rest.slice(eq + 1);
    const vcol = eq + 4; // 1-based column of the value
    if (key === 'fileformat') {
      if (lineNo !== this.fileformatLine) {
        this.report('VCF_FILEFORMAT_INVALID', lineNo, 1, this.fileformatLine ? 'a second ##fileformat line' : '##fileformat must be the first line');
        if (!this.fileformatLine) this.fileformat(value, lineNo);
      }
      return;
    }
    if (value === '') {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, vcol, `##${key} has an empty value`);
      return;
    }
    if (key === 'assembly') return this.url(key, value, lineNo, vcol);
    if (key === 'pedigreeDB') {
      if (value.startsWith('<')) {
        if (!value.endsWith('>')) return this.report('VCF_HEADER_META_SYNTAX', lineNo, text.length, `##${key} is missing the closing ">"`);
        const inner = value.slice(1, -1);
        if (inner === '') return this.report('VCF_HEADER_META_SYNTAX', lineNo, vcol, `##${key}=<> has an empty value`);
        return this.url(key, inner, lineNo, vcol + 1);
      }
      return this.url(key, value, lineNo, vcol);
    }
    if (!STRUCTURED.has(key)) return; // other lines: free text, or structured lines we do not interpret
    if (!value.startsWith('<')) {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, vcol, `##${key} must be a structured line ##${key}=<ID=...>`);
      return;
    }
    if (!value.endsWith('>')) {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, text.length, `##${key} line is missing the closing ">"`);
      return;
    }
    const parsed = parseFields(value.slice(1, -1), vcol + 1);
    if ('error' in parsed) {
      this.report('VCF_HEADER_META_SYNTAX', lineNo, parsed.col, `##${key}: ${parsed.error}`);
      return;
    }
    const fields = parsed.fields;
    const byKey = new Map<string, Field>();
    for (const f of fields) {
      if (byKey.has(f.key)) {
        this.report('VCF_HEADER_META_SYNTAX', lineNo, f.col, `##${key}: key ${f.key} appears twice`);
        return;
      }
      byKey.set(f.key, f);
    }
    switch (key) {
      case 'INFO':
      case 'FORMAT':
        return this.definition(key, fields, byKey, lineNo);
      case 'FILTER':
      case 'ALT':
        return this.filterOrAlt(key, fields, byKey, lineNo);
      case 'contig':
        return this.contig(byKey, lineNo);
      case 'SAMPLE':
        return this.sample(byKey, lineNo);
      case 'PEDIGREE':
        return this.pedigree(fields, byKey, lineNo);
      case 'META':
        return this.meta(byKey, lineNo);
    }
  }

  private url(key: string, u: string, lineNo: number, col: number): void {
    const p = urlProblem(u);
    if (p) this.report('VCF_HEADER_URL_INVALID', lineNo, col, `##${key} URL ${p}: "${clip(u)}"`);
  }

  private duplicate(kind: string, id: string, lineNo: number, col: number): boolean {
    let s = this.seenIds.get(kind);
    if (!s) this.seenIds.set(kind, (s = new Set()));
    if (s.has(id)) {
      this.report('VCF_HEADER_DUPLICATE_ID', lineNo, col, `##${kind} ID ${clip(id)} is defined twice`);
      return true;
    }
    s.add(id);
    return false;
  }

  private unquoted(kind: string, fields: Field[], required: Set<string>, lineNo: number): void {
    const bad = fields.filter((f) => (!required.has(f.key) || f.key === 'Description') && !f.quoted);
    if (bad.length) {
      this.report('VCF_HEADER_FIELD_UNQUOTED', lineNo, bad[0].col, `##${kind}: ${bad.map((f) => f.key).join(', ')} must be a double-quoted string`);
    }
  }

  private definition(kind: 'INFO' | 'FORMAT', fields: Field[], byKey: Map<string, Field>, lineNo: number): void {
    const v = this.state.version;
    const required = ['ID', 'Number', 'Type', 'Description'];
    const missing = required.filter((k) => !byKey.has(k));
    if (missing.length) {
      this.report('VCF_HEADER_DEFINITION', lineNo, 3, `##${kind} line lacks ${missing.join(', ')}`);
    } else if (!required.every((k, i) => fields[i]?.key === k)) {
      this.report('VCF_HEADER_DEFINITION', lineNo, fields[0].col,
        `##${kind} fields must start with ID, Number, Type, Description in this order (found ${fields.slice(0, 4).map((f) => f.key).join(', ')})`,
        v >= 44 ? 'warning' : undefined);
    }
    const idF = byKey.get('ID');
    if (!idF) return;
    const id = idF.value;
    const keyOk = kind === 'INFO' ? INFO_KEY_RE.test(id) : FORMAT_KEY_RE.test(id);
    if (!keyOk) {
      this.report('VCF_HEADER_ID_INVALID', lineNo, idF.col, `##${kind} ID "${clip(id)}" does not match ${kind === 'INFO' ? '^([A-Za-z_][0-9A-Za-z_.]*|1000G)$' : '^[A-Za-z_][0-9A-Za-z_.]*$'}`,
        v >= 43 ? undefined : 'warning');
    }
    const dup = this.duplicate(kind, id, lineNo, idF.col);
    const numF = byKey.get('Number');
    const typeF = byKey.get('Type');
    let number = numF?.value ?? '.';
    let type = typeF?.value ?? 'String';
    if (numF && numF.value === 'R' && v < 42) {
      this.report('VCF_HEADER_NUMBER_INVALID', lineNo, numF.col, `##${kind} ${id}: Number=R was introduced in VCF 4.2`, 'warning');
    } else if (numF && !validNumber(numF.value, kind, v)) {
      this.report('VCF_HEADER_NUMBER_INVALID', lineNo, numF.col, `##${kind} ${id}: Number=${clip(numF.value)} is not an integer, A, R, G or .${kind === 'FORMAT' && v >= 44 ? ' (or P, LA, LR, LG' + (v >= 45 ? ', M' : '') + ')' : ''}`);
      number = '.';
    }
    if (typeF && (!VALID_TYPES.has(typeF.value) || (kind === 'FORMAT' && typeF.value === 'Flag'))) {
      this.report('VCF_HEADER_TYPE_INVALID', lineNo, typeF.col, `##${kind} ${id}: Type=${clip(typeF.value)} is not ${kind === 'FORMAT' ? 'Integer, Float, Character or String' : 'Integer, Float, Flag, Character or String'}`);
      type = 'String';
    }
    if (type === 'Flag' && numF && number !== '0') {
      this.report('VCF_HEADER_FLAG_NUMBER', lineNo, numF.col, `##INFO ${id}: a Flag must have Number=0, not ${numF.value}`);
      number = '0';
    }
    this.unquoted(kind, fields, new Set(required), lineNo);
    const reserved = kind === 'INFO' ? reservedInfo(id, v) : reservedFormat(id, v);
    if (reserved) {
      const problems: string[] = [];
      if (typeF && VALID_TYPES.has(typeF.value) && typeF.value !== reserved.type) problems.push(`Type=${typeF.value} (reserved: ${reserved.type})`);
      if (numF && validNumber(numF.value, kind, v) && !numberCompatible(numF.value, reserved.number)) problems.push(`Number=${numF.value} (reserved: ${reserved.number})`);
      if (problems.length) {
        this.report('VCF_HEADER_RESERVED_MISMATCH', lineNo, (problems[0].startsWith('Type') ? typeF : numF)!.col,
          `##${kind} ${id} is a reserved key but declares ${problems.join(' and ')}`);
      }
    }
    if (!dup) (kind === 'INFO' ? this.state.info : this.state.format).set(id, { id, number, type, lineNo });
  }

  private filterOrAlt(kind: 'FILTER' | 'ALT', fields: Field[], byKey: Map<string, Field>, lineNo: number): void {
    const idF = byKey.get('ID');
    if (!idF) {
      this.report('VCF_HEADER_MISSING_ID', lineNo, 3, `##${kind} line has no ID`);
      return;
    }
    const id = idF.value;
    if (!byKey.has('Description')) this.report('VCF_HEADER_DEFINITION', lineNo, 3, `##${kind} ${clip(id)} has no Description`);
    if (kind === 'FILTER') {
      if (id === '0') this.report('VCF_HEADER_ID_INVALID', lineNo, idF.col, '##FILTER ID 0 is reserved');
      else if (/[\s;]/.test(id)) this.report('VCF_HEADER_ID_INVALID', lineNo, idF.col, `##FILTER ID "${clip(id)}" contains whitespace or a semicolon`);
      this.state.filters.add(id);
    } else {
      const p = altIdProblem(id, this.state.version);
      if (p) this.report('VCF_HEADER_ALT_INVALID', lineNo, idF.col, `##ALT ID "${clip(id)}" ${p}`);
      this.state.alts.add(id);
    }
    this.duplicate(kind, id, lineNo, idF.col);
    this.unquoted(kind, fields, new Set(['ID']), lineNo);
  }

  private contig(byKey: Map<string, Field>, lineNo: number): void {
    const idF = byKey.get('ID');
    if (!idF) {
      this.report('VCF_HEADER_MISSING_ID', lineNo, 3, '##contig line has no ID');
      return;
    }
    const id = idF.value;
    const p = contigProblem(id, this.state.version);
    if (p) this.report('VCF_CONTIG_ID_INVALID', lineNo, idF.col, `contig ID "${clip(id)}" ${p}`);
    const lenF = byKey.get('length');
    let length: number | undefined;
    if (lenF) {
      if (/^\d+$/.test(lenF.value)) length = Number(lenF.value);
      else this.report('VCF_CONTIG_LENGTH_INVALID', lineNo, lenF.col, `contig ${clip(id)} length "${clip(lenF.value)}" is not a non-negative integer`);
    }
    if (!this.duplicate('contig', id, lineNo, idF.col)) this.state.contigs.set(id, { length });
  }

  private sample(byKey: Map<string, Field>, lineNo: number): void {
    const idF = byKey.get('ID');
    if (!idF) {
      this.report('VCF_HEADER_MISSING_ID', lineNo, 3, '##SAMPLE line has no ID');
      return;
    }
    if (IDENT_BAD.test(idF.value)) this.report('VCF_HEADER_ID_INVALID', lineNo, idF.col, `##SAMPLE ID "${clip(idF.value)}" contains whitespace or one of , ; : = * < > "`);
    if (this.state.version <= 42 && !byKey.has('Genomes')) {
      this.report('VCF_HEADER_SAMPLE_LINE', lineNo, 3, `##SAMPLE ${clip(idF.value)} has no Genomes (VCF ${this.state.versionText ?? '4.1/4.2'} syntax: ID, Genomes, Mixture, Description)`);
    }
    this.duplicate('SAMPLE', idF.value, lineNo, idF.col);
  }

  private pedigree(fields: Field[], byKey: Map<string, Field>, lineNo: number): void {
    if (this.state.version >= 43 && !byKey.has('ID')) {
      this.report('VCF_HEADER_MISSING_ID', lineNo, 3, '##PEDIGREE line has no ID');
      return;
    }
    for (const f of fields) {
      const v = f.quoted ? f.value : f.value;
      if (IDENT_BAD.test(v)) {
        this.report('VCF_HEADER_ID_INVALID', lineNo, f.col, `##PEDIGREE ${f.key}="${clip(v)}": genome identifiers must not contain whitespace or one of , ; : = * < > "`);
        return;
      }
    }
  }

  private meta(byKey: Map<string, Field>, lineNo: number): void {
    const idF = byKey.get('ID');
    if (!idF) {
      this.report('VCF_HEADER_MISSING_ID', lineNo, 3, '##META line has no ID');
      return;
    }
    const numF = byKey.get('Number');
    if (numF && !validNumber(numF.value, 'META', this.state.version)) {
      this.report('VCF_HEADER_NUMBER_INVALID', lineNo, numF.col, `##META ${clip(idF.value)}: Number=${clip(numF.value)} is not an integer, A, R, G or .`);
    }
    const typeF = byKey.get('Type');
    if (typeF && !VALID_TYPES.has(typeF.value)) {
      this.report('VCF_HEADER_TYPE_INVALID', lineNo, typeF.col, `##META ${clip(idF.value)}: Type=${clip(typeF.value)} is not Integer, Float, Flag, Character or String`);
    }
    const valF = byKey.get('Values');
    if (!valF || !/^\[.*\]$/.test(valF.value)) {
      this.report('VCF_HEADER_META_VALUES', lineNo, valF?.col ?? 3, `##META ${clip(idF.value)}: Values must be a list in square brackets, e.g. Values=[a, b]`);
    }
    this.duplicate('META', idF.value, lineNo, idF.col);
  }

  /** the #CHROM line */
  columns(text: string, lineNo: number): void {
    const st = this.state;
    st.columnsSeen = true;
    const cols = text.split('\t');
    let col = 1;
    let ok = true;
    for (let k = 0; k < FIXED_COLUMNS.length; k++) {
      if (cols[k] !== FIXED_COLUMNS[k]) {
        this.report('VCF_HEADER_BAD_COLUMNS', lineNo, col,
          k < cols.length ? `column ${k + 1} of the #CHROM line must be ${FIXED_COLUMNS[k]}, found "${clip(cols[k])}"` : `the #CHROM line has ${cols.length} columns; the 8 fixed columns are ${FIXED_COLUMNS.join(' ')}`);
        ok = false;
        break;
      }
      col += cols[k].length + 1;
    }
    if (ok && cols.length === 9 && cols[8] === '') {
      this.report('VCF_HEADER_BAD_COLUMNS', lineNo, col, 'the #CHROM line ends with a tab');
      st.columnsOk = false;
      return;
    }
    if (cols.length > 8) {
      if (cols[8] !== 'FORMAT') {
        this.report('VCF_HEADER_BAD_COLUMNS', lineNo, col, `column 9 of the #CHROM line must be FORMAT, found "${clip(cols[8])}"`);
        ok = false;
      }
      st.hasFormat = true;
      st.samples = cols.slice(9);
      const seen = new Map<string, number>();
      let c = col + cols[8].length + 1;
      for (let i = 0; i < st.samples.length; i++) {
        const s = st.samples[i];
        if (s === '') {
          this.report('VCF_HEADER_BAD_COLUMNS', lineNo, c, i === st.samples.length - 1 ? 'the #CHROM line ends with a tab' : `sample ${i + 1} has an empty name`);
        } else if (seen.has(s)) {
          this.report('VCF_SAMPLE_DUPLICATE', lineNo, c, `sample name "${clip(s)}" appears twice (columns ${seen.get(s)! + 10} and ${i + 10})`);
        } else seen.set(s, i);
        c += s.length + 1;
      }
    }
    st.columnsOk = ok;
  }
}

/** why an ##ALT ID / symbolic allele ID is invalid, or null */
export function altIdProblem(id: string, version: number): string | null {
  if (id === '') return 'is empty';
  if (/[\s,<>]/.test(id)) return 'contains whitespace, a comma or an angle bracket';
  const colon = id.indexOf(':');
  if (colon >= 0) {
    const top = id.slice(0, colon);
    if (!svTypes(version).has(top)) return `has the first-level type "${top}", which is none of ${[...svTypes(version)].join(', ')}`;
  }
  return null;
}

/** why a contig name (##contig ID or CHROM) is invalid, or null; `<name>` is accepted for CHROM */
export function contigProblem(id: string, version: number): string | null {
  if (id === '') return 'is empty';
  if (/\s/.test(id)) return 'contains whitespace';
  if (id.includes(',')) return 'contains a comma';
  if (version >= 43 && !CONTIG_RE.test(id)) return 'contains a character not allowed in contig names (or starts with * or =)';
  return null;
}

export function clip(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
