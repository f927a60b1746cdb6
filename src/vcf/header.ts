/**
 * VCF header model (VCF 4.0–4.5): meta lines, structured definitions, samples.
 * Keeps every raw line so the header can be written back unchanged.
 */
import { VcfError } from './errors.js';

export type NumberSpec = string; // '0','1',... or 'A','R','G','.','P','LA','LR','LG','M'
export type ValueType = 'Integer' | 'Float' | 'Flag' | 'Character' | 'String';

export interface FieldDef {
  id: string;
  number: NumberSpec;
  type: ValueType | string;
  description: string;
  lineNo: number;
  attrs: Record<string, string>;
}

export interface HeaderLine {
  key: string;
  /** unstructured value (for `##key=value`) */
  value?: string;
  /** structured attributes (for `##key=<...>`), in order */
  attrs?: Record<string, string>;
  raw: string;
  lineNo: number;
}

export interface ContigDef {
  id: string;
  length?: number;
  attrs: Record<string, string>;
  lineNo: number;
}

export class VcfHeader {
  lines: HeaderLine[] = [];
  fileformat?: string;
  /** [major, minor], e.g. [4, 3]; undefined when fileformat is absent or unparsable */
  version?: [number, number];
  info = new Map<string, FieldDef>();
  format = new Map<string, FieldDef>();
  filter = new Map<string, HeaderLine>();
  contigs = new Map<string, ContigDef>();
  alt = new Map<string, HeaderLine>();
  samples: string[] = [];
  /** the #CHROM line as read */
  columnsLine = '';
  columnsLineNo = 0;

  /** Parse the header text lines (without trailing newlines). The last one must be #CHROM. */
  static parse(lines: string[], file?: string, firstLineNo = 1): VcfHeader {
    const h = new VcfHeader();
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i];
      const lineNo = firstLineNo + i;
      if (raw.startsWith('##')) h.addMetaLine(raw, lineNo, file);
      else if (raw.startsWith('#')) {
        h.setColumns(raw, lineNo, file);
      }
    }
    return h;
  }

  addMetaLine(raw: string, lineNo: number, file?: string): HeaderLine {
    const eq = raw.indexOf('=');
    if (eq < 0) {
      throw new VcfError('VCF_HEADER_META_SYNTAX', `header line has no '=': ${clip(raw)}`, { file, line: lineNo, column: 3 });
    }
    const key = raw.slice(2, eq);
    const rest = raw.slice(eq + 1);
    const line: HeaderLine = { key, raw, lineNo };
    if (rest.startsWith('<') && rest.endsWith('>') && key !== 'fileformat') {
      if (STRUCTURED_KEYS.has(key)) line.attrs = parseStructured(rest.slice(1, -1), file, lineNo, eq + 2);
      else {
        // other keys may hold any bracketed text, e.g. `##pedigreeDB=<ftp://host/file.db>` (VCF 4.1)
        try {
          line.attrs = parseStructured(rest.slice(1, -1), file, lineNo, eq + 2);
        } catch {
          line.value = rest;
        }
      }
    } else if (rest.startsWith('<') && !rest.endsWith('>') && STRUCTURED_KEYS.has(key)) {
      throw new VcfError('VCF_HEADER_META_SYNTAX', `##${key} line is missing the closing '>'`, { file, line: lineNo, column: raw.length });
    } else {
      line.value = rest;
    }
    this.lines.push(line);
    this.indexLine(line, file);
    return line;
  }

  private indexLine(line: HeaderLine, file?: string): void {
    const { key, attrs, lineNo } = line;
    if (key === 'fileformat') {
      this.fileformat = line.value;
      const m = /^VCFv(\d+)\.(\d+)$/.exec(line.value ?? '');
      if (m) this.version = [Number(m[1]), Number(m[2])];
      return;
    }
    if (!attrs) return;
    const id = attrs.ID;
    if (key === 'INFO' || key === 'FORMAT') {
      if (id === undefined) return;
      const def: FieldDef = {
        id,
        number: attrs.Number ?? '.',
        type: attrs.Type ?? 'String',
        description: attrs.Description ?? '',
        lineNo,
        attrs,
      };
      (key === 'INFO' ? this.info : this.format).set(id, def);
    } else if (key === 'FILTER') {
      if (id !== undefined) this.filter.set(id, line);
    } else if (key === 'contig') {
      if (id === undefined) return;
      const len = attrs.length !== undefined && /^\d+$/.test(attrs.length) ? Number(attrs.length) : undefined;
      this.contigs.set(id, { id, length: len, attrs, lineNo });
    } else if (key === 'ALT') {
      if (id !== undefined) this.alt.set(id, line);
    }
  }

  setColumns(raw: string, lineNo: number, file?: string): void {
    this.columnsLine = raw;
    this.columnsLineNo = lineNo;
    const cols = raw.split('\t');
    if (cols.length > 9) this.samples = cols.slice(9);
    else this.samples = [];
    void file;
  }

  /** Header text (every line + '\n'), optionally with other samples and extra lines before #CHROM. */
  toString(opts: { samples?: string[]; extraLines?: string[]; dropSamples?: boolean } = {}): string {
    let s = '';
    for (const l of this.lines) s += l.raw + '\n';
    for (const l of opts.extraLines ?? []) s += l + '\n';
    s += this.columnsText(opts.samples, opts.dropSamples) + '\n';
    return s;
  }

  columnsText(samples?: string[], dropSamples?: boolean): string {
    const fixed = '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO';
    const smp = dropSamples ? [] : (samples ?? this.samples);
    if (dropSamples || (smp.length === 0 && !this.hasFormatColumn())) return fixed;
    return fixed + '\tFORMAT' + (smp.length ? '\t' + smp.join('\t') : '');
  }

  hasFormatColumn(): boolean {
    return this.columnsLine.split('\t').length > 8;
  }

  /** Add a meta line before #CHROM (no-op if an identical line exists). */
  addLine(raw: string): void {
    if (this.lines.some((l) => l.raw === raw)) return;
    this.addMetaLine(raw, 0);
  }

  clone(): VcfHeader {
    const h = new VcfHeader();
    for (const l of this.lines) h.addMetaLine(l.raw, l.lineNo);
    h.setColumns(this.columnsLine, this.columnsLineNo);
    return h;
  }
}

const STRUCTURED_KEYS = new Set(['INFO', 'FORMAT', 'FILTER', 'contig', 'ALT', 'SAMPLE', 'PEDIGREE', 'META']);

/** Parse `ID=x,Number=1,Description="a, \"b\""` into an ordered record. */
export function parseStructured(body: string, file: string | undefined, lineNo: number, col0: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = body.length;
  while (i < n) {
    const eq = body.indexOf('=', i);
    if (eq < 0) {
      throw new VcfError('VCF_HEADER_META_SYNTAX', `expected key=value in structured header line near "${clip(body.slice(i))}"`, { file, line: lineNo, column: col0 + i });
    }
    const k = body.slice(i, eq).trim();
    i = eq + 1;
    let v = '';
    if (body[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = body[i];
        if (c === '\\' && i + 1 < n) { v += body[i + 1]; i += 2; continue; }
        if (c === '"') { closed = true; i++; break; }
        v += c;
        i++;
      }
      if (!closed) {
        throw new VcfError('VCF_HEADER_META_SYNTAX', `unterminated quoted value for ${k}`, { file, line: lineNo, column: col0 + eq + 1 });
      }
      // skip to comma
      while (i < n && body[i] !== ',') i++;
    } else {
      // VCF 4.3+ META lines list values in brackets: `Values=[WGS, WES]` (commas inside)
      const close = body[i] === '[' ? body.indexOf(']', i) : -1;
      const c = body.indexOf(',', close < 0 ? i : close);
      const e = c < 0 ? n : c;
      v = body.slice(i, e);
      i = e;
    }
    if (k in out && k !== '') {
      // keep the first occurrence; duplicates are a validator concern
    } else out[k] = v;
    if (body[i] === ',') i++;
  }
  return out;
}

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
