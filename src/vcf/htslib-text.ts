/**
 * VCF text as htslib writes a record back (vcf_format after vcf_parse), for records nothing edits:
 * numbers re-formatted (integers through strtol, floats through float32 and kputd), empty INFO
 * entries dropped, empty sample columns and missing trailing FORMAT fields written '.'. `view`
 * uses it for the records it writes (printsAsIs: the line as read already is that text), `norm`
 * for every record it writes (HtslibPrinter), so both print what bcftools prints.
 */
import { latin1 } from './bytes.js';
import type { VcfHeader } from './header.js';
import type { VcfRecord } from './record.js';
import { floatText, intText, isCanonicalFloat, isCanonicalInt } from '../expr/format-num.js';
import { sampleCountError } from './view.js';

const T_INT = 1, T_FLOAT = 2;
const typeCode = (t: string | undefined) => (t === 'Integer' ? T_INT : t === 'Float' ? T_FLOAT : 0);

let lastFmtKeys: string[] = [];
let lastFmtTypes: Uint8Array = new Uint8Array(0);
let lastFmtHeader: VcfHeader | null = null;

/** Integer/Float type codes of FORMAT keys (cached: consecutive records share FORMAT). */
export function formatTypes(keys: string[], header: VcfHeader): Uint8Array {
  if (lastFmtHeader === header && keys.length === lastFmtKeys.length && keys.every((k, i) => k === lastFmtKeys[i])) return lastFmtTypes;
  lastFmtKeys = keys;
  lastFmtHeader = header;
  lastFmtTypes = Uint8Array.from(keys.map((k) => typeCode(header.format.get(k)?.type)));
  return lastFmtTypes;
}

/**
 * Values of buf[s,e) (comma-separated) as htslib prints them back: non-canonical numbers are
 * re-formatted (floats through float32, integers through strtol); other text is kept.
 */
function normValues(buf: Buffer, s: number, e: number, type: number): string | null {
  let out = '';
  let changed = false;
  let a = s;
  for (;;) {
    // values are short: a JS scan for the ',' (no native call per value)
    let z = a;
    while (z < e && buf[z] !== 44) z++;
    // "-0" prints back as "-0"
    const ok = type === T_INT ? isCanonicalInt(buf, a, z) : isCanonicalFloat(buf, a, z) || (z - a === 2 && buf[a] === 45 && buf[a + 1] === 48);
    if (!ok) {
      if (!changed) { out = latin1(buf, s, a); changed = true; }
      out += type === T_INT ? intText(buf, a, z) : floatText(buf, a, z);
    } else if (changed) out += latin1(buf, a, z);
    if (z >= e) break;
    if (changed) out += ',';
    a = z + 1;
  }
  return changed ? out : null;
}

/** INFO entries with numbers as htslib prints them. */
export function normInfo(rec: VcfRecord, header: VcfHeader): string[] {
  const buf = rec.buf;
  const s = rec.colStart(7), e = rec.colEnd(7);
  if (e <= s || (e - s === 1 && buf[s] === 46)) return [];
  const out: string[] = [];
  let a = s;
  while (a <= e) {
    let z = buf.indexOf(59, a);
    if (z < 0 || z > e) z = e;
    if (z > a) {
      let eq = buf.indexOf(61, a);
      if (eq < 0 || eq > z) eq = -1;
      const type = eq < 0 ? 0 : typeCode(header.info.get(latin1(buf, a, eq))?.type);
      const v = type ? normValues(buf, eq + 1, z, type) : null;
      // a text entry with an empty value ("XX=") prints as its key alone
      if (!type && eq >= 0 && eq + 1 === z) out.push(latin1(buf, a, eq));
      else out.push(v === null ? latin1(buf, a, z) : latin1(buf, a, eq + 1) + v);
    }
    a = z + 1;
  }
  return out;
}

/**
 * One sample column as htslib prints it: numbers re-formatted, an empty column '.', and missing
 * trailing fields written '.' (one per FORMAT key).
 */
export function normSample(buf: Buffer, s: number, e: number, types: Uint8Array): string {
  if (s === e) return types.length > 1 ? '.' + ':.'.repeat(types.length - 1) : '.';
  let out = '';
  let a = s, k = 0;
  let piece = s;
  for (;;) {
    let z = buf.indexOf(58, a);
    if (z < 0 || z > e) z = e;
    const t = types[k];
    if (t) {
      const v = normValues(buf, a, z, t);
      if (v !== null) {
        out += latin1(buf, piece, a) + v;
        piece = z;
      }
    }
    k++;
    if (z >= e) break;
    a = z + 1;
  }
  out += latin1(buf, piece, e);
  if (k < types.length) out += ':.'.repeat(types.length - k);
  return out;
}


/** Integer/Float type codes of a FORMAT column's keys, by its bytes (consecutive records share FORMAT). */
export class FormatTypeCache {
  private raw: Buffer = Buffer.alloc(0);
  private types: Uint8Array | null = null;
  constructor(private readonly header: VcfHeader) {}
  of(rec: VcfRecord): Uint8Array {
    const buf = rec.buf;
    const s = rec.colStart(8), e = rec.colEnd(8);
    const raw = this.raw;
    let same = this.types !== null && raw.length === e - s;
    for (let i = 0; same && i < raw.length; i++) if (raw[i] !== buf[s + i]) same = false;
    if (!same) {
      this.raw = Buffer.from(buf.subarray(s, e));
      this.types = Uint8Array.from(rec.formatRaw.split(':').map((k) => typeCode(this.header.format.get(k)?.type)));
    }
    return this.types!;
  }
}

/** Integer/Float type codes of INFO keys, found by the key's bytes (no string made per entry). */
export class InfoTypeCache {
  /** bucket (by length and first and last byte) -> first entry + 1; next[] chains the entries */
  private readonly head = new Int32Array(1024);
  private readonly keys: Buffer[] = [];
  private readonly codes: number[] = [];
  private readonly next: number[] = [];
  constructor(private readonly header: VcfHeader) {}
  /** the type code of the key buf[s, e) */
  of(buf: Buffer, s: number, e: number): number {
    const n = e - s;
    const h = n > 0 ? (n * 61 + buf[s] * 7 + buf[e - 1]) & 1023 : 0;
    for (let j = this.head[h] - 1; j >= 0; j = this.next[j]) {
      const k = this.keys[j];
      if (k.length !== n) continue;
      let i = 0;
      while (i < n && k[i] === buf[s + i]) i++;
      if (i === n) return this.codes[j];
    }
    const code = typeCode(this.header.info.get(latin1(buf, s, e))?.type);
    // keys seen are few (the header's); a stream of undeclared ones is not kept beyond a bound
    if (this.keys.length < 4096) {
      this.keys.push(Buffer.from(buf.subarray(s, e)));
      this.codes.push(code);
      this.next.push(this.head[h] - 1);
      this.head[h] = this.keys.length;
    }
    return code;
  }
}

/**
 * Whether processRecord, with nothing to edit, would print the line exactly as read: QUAL, INFO and
 * FORMAT numbers already canonical (normValues leaves them), INFO without empty entries, exactly
 * `nIn` sample columns, none empty or short of FORMAT's fields.
 */
export function printsAsIs(rec: VcfRecord, nIn: number, fmtTypes: FormatTypeCache, infoTypes: InfoTypeCache): boolean {
  if (rec.nFixed < 10) return false;
  const buf = rec.buf;
  if (!isCanonicalFloat(buf, rec.colStart(5), rec.colEnd(5))) return false;
  // INFO
  const s = rec.colStart(7), e = rec.colEnd(7);
  if (e <= s) return false;
  if (!(e - s === 1 && buf[s] === 46)) {
    let a = s;
    for (;;) {
      // the key ends at the first '=' or ';'
      let k = a;
      while (k < e) {
        const c = buf[k];
        if (c === 61 || c === 59) break;
        k++;
      }
      let z = k;
      if (k < e && buf[k] === 61) {
        const type = infoTypes.of(buf, a, k);
        if (type) {
          z = k + 1;
          while (z < e && buf[z] !== 59) z++;
          if (normValues(buf, k + 1, z, type) !== null) return false;
        } else {
          // text values can be long (annotations): the native search
          z = buf.indexOf(59, k + 1);
          if (z < 0 || z > e) z = e;
          if (z === k + 1) return false; // "XX=" prints as "XX"
        }
      }
      if (z === a) return false; // an empty entry (';;', or ';' first or last) is dropped on output
      if (z >= e) break;
      a = z + 1;
    }
  }
  // samples
  const types = fmtTypes.of(rec);
  const nTypes = types.length;
  const end = rec.end;
  let p = rec.colStart(9);
  for (let i = 0; i < nIn; i++) {
    let t = p;
    while (t < end && buf[t] !== 9) t++;
    if ((t === end) !== (i === nIn - 1)) return false; // fewer or more sample columns than the header's
    if (t === p) return false; // an empty column prints as '.'
    let a = p, k = 0;
    for (;;) {
      let z = a;
      while (z < t && buf[z] !== 58) z++;
      const ty = k < nTypes ? types[k] : 0;
      if (ty && normValues(buf, a, z, ty) !== null) return false;
      k++;
      if (z >= t) break;
      a = z + 1;
    }
    if (k < nTypes) return false; // missing trailing fields are written out
    p = t + 1;
  }
  return true;
}


/**
 * Records printed as htslib writes them back when nothing about them is edited: the text of
 * view's record path for a record with no edits (same QUAL, INFO and sample rules).
 */
export class HtslibPrinter {
  private readonly fmtTypes: FormatTypeCache;
  private readonly infoTypes: InfoTypeCache;
  private readonly nIn: number;
  constructor(private readonly header: VcfHeader) {
    this.fmtTypes = new FormatTypeCache(header);
    this.infoTypes = new InfoTypeCache(header);
    this.nIn = header.samples.length;
  }

  /** The record's line (without '\n') as htslib prints it, or null when that is the line as read. */
  line(rec: VcfRecord): string | null {
    const nIn = this.nIn;
    if (nIn > 0 && printsAsIs(rec, nIn, this.fmtTypes, this.infoTypes)) return null;
    const buf = rec.buf;
    const fixed = latin1(buf, rec.start, rec.colEnd(6)).split('\t');
    if (!isCanonicalFloat(buf, rec.colStart(5), rec.colEnd(5))) fixed[5] = floatText(buf, rec.colStart(5), rec.colEnd(5));
    const info = normInfo(rec, this.header);
    let line = fixed.join('\t') + '\t' + (info.length ? info.join(';') : '.');
    if (nIn > 0) {
      if (!rec.hasFormat) line += '\t.' + '\t.'.repeat(nIn);
      else {
        const n = rec.sampleCount;
        if (n < nIn) throw sampleCountError(n, nIn, rec.file ?? '', rec.lineNo, rec.end - rec.start + 1);
        const types = formatTypes(rec.formatKeys, this.header);
        line += '\t' + rec.formatRaw;
        for (let i = 0; i < nIn; i++) line += '\t' + normSample(buf, rec.sampleStart(i), rec.sampleEnd(i), types);
      }
    }
    return line;
  }
}
