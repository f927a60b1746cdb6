/**
 * `query` straight from BCF records, for plain format strings: the fixed columns CHROM, POS, ID,
 * REF, ALT, QUAL, FILTER outside brackets, and FORMAT tags defined in the header (GT included),
 * %SAMPLE and separators inside `[...]`; no -i/-e, no targets. Anything else returns null and the
 * caller uses the general path (the records as VCF text through the compiled format), which this
 * must agree with byte for byte: values print as htslib prints them (bcf_fmt_array, bcf_format_gt),
 * a FORMAT tag absent from the record prints '.', and a sample whose block has a value printing
 * nothing (an empty string) is left out, as bcftools does.
 *
 * Only the FORMAT fields the format names are decoded; INFO is never looked at. This is what
 * makes `query -f '[%GT:%DP]\n'` on BCF faster than on the equivalent VCF.
 */
import type { VcfHeader } from '../header.js';
import { VcfError } from '../errors.js';
import type { OpenedBcf } from './reader.js';
import type { BcfDictionary } from './dict.js';
import { putInt } from './num.js';
import { putArray, putChars, putFloatBits, putGt } from './values.js';
import { BT_CHAR, BT_FLOAT, BT_INT16, BT_INT32, BT_INT8, BT_NULL, FLOAT_MISSING, TYPE_SIZE } from './types.js';

export interface BcfQueryOptions {
  /** output samples (indexes into header.samples), in output order */
  samples: number[];
  /** append '\n' when the format has none */
  forceNewline: boolean;
}

export interface BcfQueryOutput {
  /** buffers handed over are not reused by the caller */
  write(b: Buffer): Promise<void> | void;
}

export interface BcfQuery {
  run(bcf: OpenedBcf, out: BcfQueryOutput): Promise<{ records: number; printed: number }>;
}

const enum K { SEP, CHROM, POS, ID, REF, ALT, QUAL, FILTER, SAMPLE, GT, FMT }

interface Item {
  kind: K;
  /** separator bytes */
  bytes?: Buffer;
  /** FORMAT tag: slot in the per-record lookup */
  slot?: number;
}

type Prog = Array<Item | Item[]>;

const isTagChar = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46;

/**
 * Compile `fmt` for the native path, or return null when it uses anything beyond plain columns and
 * FORMAT tags (the caller has already compiled it with the general compiler, which reports errors).
 */
export function compileBcfQuery(fmt: string, header: VcfHeader, dict: BcfDictionary, opts: BcfQueryOptions): BcfQuery | null {
  const items: Array<{ item: Item; inBlock: boolean }> = [];
  const slotKeys: number[] = [];
  const slotOf = (name: string): number | null => {
    const e = dict.byName.get(name);
    if (!e || e.fmt < 0) return null;
    let s = slotKeys.indexOf(e.id);
    if (s < 0) { s = slotKeys.length; slotKeys.push(e.id); }
    return s;
  };
  let inBlock = false;
  let p = 0;
  const n = fmt.length;
  while (p < n) {
    const c = fmt[p];
    if (c === '[') { inBlock = true; p++; continue; }
    if (c === ']') { inBlock = false; p++; continue; }
    if (c === '%') {
      if (fmt[p + 1] === '/') return null;
      let q = p + 1;
      while (q < n && isTagChar(fmt.charCodeAt(q))) q++;
      if (q === p + 1) return null;
      const name = fmt.slice(p + 1, q);
      if (fmt[q] === '{' || fmt[q] === '(') return null;
      let item: Item;
      if (inBlock) {
        if (name === 'SAMPLE') item = { kind: K.SAMPLE };
        else if (name === 'GT') {
          const def = header.format.get('GT');
          const slot = slotOf('GT');
          if (!def || slot === null) return null;
          item = { kind: K.GT, slot };
        } else {
          const def = header.format.get(name);
          if (!def || (def.type !== 'Integer' && def.type !== 'Float' && def.type !== 'String' && def.type !== 'Character')) return null;
          if (['TGT', 'IUPACGT', 'TBCSQ', 'INFO', 'PBINOM', 'N_PASS'].includes(name)) return null;
          const slot = slotOf(name);
          if (slot === null) return null;
          item = { kind: K.FMT, slot };
        }
      } else {
        const k = ({ CHROM: K.CHROM, POS: K.POS, ID: K.ID, REF: K.REF, ALT: K.ALT, QUAL: K.QUAL, FILTER: K.FILTER } as Record<string, K>)[name];
        if (k === undefined) return null;
        item = { kind: k };
      }
      items.push({ item, inBlock });
      p = q;
      continue;
    }
    // separator text up to the next '[', ']' or '%', with \n \t and \c escapes
    let s = '';
    while (p < n && fmt[p] !== '[' && fmt[p] !== ']' && fmt[p] !== '%') {
      if (fmt[p] === '\\') {
        p++;
        if (p >= n) break;
        const e = fmt[p];
        s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else s += fmt[p];
      p++;
    }
    if (s === '') return null;
    items.push({ item: { kind: K.SEP, bytes: Buffer.from(s, 'utf8') }, inBlock });
  }
  if (inBlock) return null;
  if (opts.forceNewline && !items.some((x) => x.item.kind === K.SEP && x.item.bytes!.includes(10))) {
    items.push({ item: { kind: K.SEP, bytes: Buffer.from('\n') }, inBlock: false });
  }
  // consecutive block items form one block (as the general compiler groups them)
  const prog: Prog = [];
  for (let i = 0; i < items.length; i++) {
    if (!items[i].inBlock) { prog.push(items[i].item); continue; }
    const blk: Item[] = [];
    while (i < items.length && items[i].inBlock) blk.push(items[i++].item);
    i--;
    prog.push(blk);
  }
  return new NativeQuery(prog, slotKeys, header, dict, opts.samples);
}

const FLUSH_AT = 1 << 17;

class NativeQuery implements BcfQuery {
  private o = Buffer.allocUnsafe(FLUSH_AT * 2);
  private n = 0;
  private readonly names: Buffer[];
  private readonly ctg: Array<Buffer | undefined>;
  private readonly ids: Array<Buffer | undefined>;
  /** dictionary id → slot + 1 (0: not needed) */
  private readonly slotById: Int32Array;
  // per record: field of each slot (-1 absent): data offset, count, type, bytes per sample
  private readonly sP: Int32Array;
  private readonly sN: Int32Array;
  private readonly sT: Int32Array;
  private readonly sSize: Int32Array;
  private readonly usesShared: boolean;
  private readonly usesFormat: boolean;
  private file = '';
  private lineNo = 0;

  constructor(private readonly prog: Prog, slotKeys: number[], header: VcfHeader, dict: BcfDictionary, private readonly samples: number[]) {
    this.names = header.samples.map((s) => Buffer.from(s, 'utf8'));
    this.ctg = dict.contigs.map((c) => (c === undefined ? undefined : Buffer.from(c, 'utf8')));
    this.ids = dict.ids.map((e) => (e === undefined ? undefined : Buffer.from(e.name, 'utf8')));
    this.slotById = new Int32Array(dict.ids.length + 1);
    slotKeys.forEach((id, s) => { this.slotById[id] = s + 1; });
    const m = slotKeys.length;
    this.sP = new Int32Array(m); this.sN = new Int32Array(m); this.sT = new Int32Array(m); this.sSize = new Int32Array(m);
    const flat = prog.flat();
    this.usesShared = flat.some((x) => x.kind === K.ID || x.kind === K.REF || x.kind === K.ALT || x.kind === K.FILTER);
    this.usesFormat = m > 0;
  }

  private ensure(k: number): void {
    if (this.n + k <= this.o.length) return;
    let size = this.o.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.o.copy(nb, 0, 0, this.n);
    this.o = nb;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length);
    const o = this.o;
    let n = this.n;
    for (let i = 0; i < b.length; i++) o[n++] = b[i];
    this.n = n;
  }

  private corrupt(what: string): VcfError {
    return new VcfError('BCF_CORRUPT', `corrupt BCF record: ${what}`, { file: this.file, line: this.lineNo });
  }

  async run(bcf: OpenedBcf, out: BcfQueryOutput): Promise<{ records: number; printed: number }> {
    this.file = bcf.file;
    let records = 0, printed = 0;
    const nHdr = this.names.length;
    for await (const rb of bcf.raw) {
      const { buf, shared, lShared, lIndiv } = rb;
      for (let k = 0; k < rb.n; k++) {
        this.lineNo = rb.firstLineNo + k;
        const p = shared[k], ls = lShared[k], li = lIndiv[k];
        if (ls < 24) throw this.corrupt(`shared block of ${ls} bytes`);
        const nSample = buf.readUInt32LE(p + 20) & 0xffffff;
        if (nSample !== nHdr) throw this.corrupt(`${nSample} samples in the record, the header has ${nHdr}`);
        records++;
        const before = this.n;
        this.record(buf, p, ls, li);
        if (this.n > before) printed++;
        if (this.n >= FLUSH_AT) {
          const b = this.o.subarray(0, this.n);
          this.o = Buffer.allocUnsafe(Math.max(FLUSH_AT * 2, this.o.length));
          this.n = 0;
          const r = out.write(b);
          if (r) await r;
        }
      }
    }
    if (this.n) {
      const b = this.o.subarray(0, this.n);
      this.o = Buffer.allocUnsafe(16);
      this.n = 0;
      await out.write(b);
    }
    return { records, printed };
  }

  /** offsets of ID, alleles and FILTER in the shared block (when the format prints them) */
  private idAt = 0;
  private allelesAt = 0;
  private filterAt = 0;

  private locateShared(b: Buffer, p: number, end: number): void {
    let q = p + 24;
    this.idAt = q;
    q = this.skipTyped(b, q, end);
    this.allelesAt = q;
    const nAllele = b.readUInt16LE(p + 18);
    for (let a = 0; a < nAllele; a++) q = this.skipTyped(b, q, end);
    this.filterAt = q;
  }

  /** skip a typed vector at b[q]; returns the offset after it */
  private skipTyped(b: Buffer, q: number, end: number): number {
    if (q >= end) throw this.corrupt('a value runs past the record');
    const d = b[q++];
    let cnt = d >> 4;
    if (cnt === 15) {
      const t = b[q++] & 15;
      cnt = t === BT_INT8 ? (b[q] << 24) >> 24 : t === BT_INT16 ? b.readInt16LE(q) : b.readInt32LE(q);
      q += TYPE_SIZE[t];
    }
    q += cnt * TYPE_SIZE[d & 15];
    if (q > end || cnt < 0) throw this.corrupt('a value runs past the record');
    return q;
  }

  /** a typed string at b[q] as VCF prints it ('.' when empty) */
  private putTypedStr(b: Buffer, q: number, end: number): void {
    const d = b[q];
    let cnt = d >> 4;
    let at = q + 1;
    if (cnt === 15) {
      const t = b[at++] & 15;
      cnt = t === BT_INT8 ? (b[at] << 24) >> 24 : t === BT_INT16 ? b.readInt16LE(at) : b.readInt32LE(at);
      at += TYPE_SIZE[t];
    }
    if (cnt <= 0) { this.ensure(1); this.o[this.n++] = 46; return; }
    if (at + cnt > end) throw this.corrupt('a string runs past the record');
    this.ensure(cnt);
    this.n = putChars(b, at, cnt, this.o, this.n);
  }

  private record(b: Buffer, p: number, ls: number, li: number): void {
    const sEnd = p + ls;
    const iEnd = sEnd + li;
    if (this.usesShared) this.locateShared(b, p, sEnd);
    if (this.usesFormat) this.locateFormat(b, sEnd, iEnd, b.readUInt32LE(p + 20) >>> 24, b.readUInt32LE(p + 20) & 0xffffff);
    const prog = this.prog;
    for (let pi = 0; pi < prog.length; pi++) {
      const it = prog[pi];
      if (Array.isArray(it)) {
        const ss = this.samples;
        for (let js = 0; js < ss.length; js++) this.block(it, b, ss[js]);
        continue;
      }
      switch (it.kind) {
        case K.SEP: this.bytes(it.bytes!); break;
        case K.CHROM: {
          const rid = b.readInt32LE(p);
          const name = rid >= 0 ? this.ctg[rid] : undefined;
          if (!name) throw this.corrupt(`contig number ${rid} is not defined in the header`);
          this.bytes(name);
          break;
        }
        case K.POS: {
          let pos0 = b.readUInt32LE(p + 4);
          if (pos0 === 0xffffffff) pos0 = -1;
          this.ensure(12);
          this.n = putInt(this.o, this.n, pos0 + 1);
          break;
        }
        case K.ID: this.putTypedStr(b, this.idAt, sEnd); break;
        case K.REF:
          if (b.readUInt16LE(p + 18) === 0) { this.ensure(1); this.o[this.n++] = 46; }
          else this.putTypedStr(b, this.allelesAt, sEnd);
          break;
        case K.ALT: {
          const nAllele = b.readUInt16LE(p + 18);
          if (nAllele < 2) { this.ensure(1); this.o[this.n++] = 46; break; }
          let q = this.skipTyped(b, this.allelesAt, sEnd);
          for (let a = 1; a < nAllele; a++) {
            if (a > 1) { this.ensure(1); this.o[this.n++] = 44; }
            this.putTypedStr(b, q, sEnd);
            q = this.skipTyped(b, q, sEnd);
          }
          break;
        }
        case K.QUAL: {
          const bits = b.readUInt32LE(p + 12);
          this.ensure(24);
          if (bits === FLOAT_MISSING) this.o[this.n++] = 46;
          else this.n = putFloatBits(this.o, this.n, bits);
          break;
        }
        case K.FILTER: this.putFilter(b, this.filterAt, sEnd); break;
      }
    }
  }

  private putFilter(b: Buffer, q: number, end: number): void {
    const d = b[q++];
    const t = d & 15;
    let cnt = d >> 4;
    if (cnt === 15) {
      const tt = b[q++] & 15;
      cnt = tt === BT_INT8 ? (b[q] << 24) >> 24 : tt === BT_INT16 ? b.readInt16LE(q) : b.readInt32LE(q);
      q += TYPE_SIZE[tt];
    }
    if (cnt <= 0) { this.ensure(1); this.o[this.n++] = 46; return; }
    const es = TYPE_SIZE[t];
    if (t !== BT_INT8 && t !== BT_INT16 && t !== BT_INT32) throw this.corrupt('FILTER is not an integer vector');
    if (q + cnt * es > end) throw this.corrupt('FILTER runs past the record');
    for (let i = 0; i < cnt; i++) {
      const x = q + i * es;
      const id = t === BT_INT8 ? (b[x] << 24) >> 24 : t === BT_INT16 ? b.readInt16LE(x) : b.readInt32LE(x);
      const name = id >= 0 ? this.ids[id] : undefined;
      if (!name) throw this.corrupt(`FILTER number ${id} is not defined in the header`);
      if (i) { this.ensure(1); this.o[this.n++] = 59; }
      this.bytes(name);
    }
  }

  /** find the FORMAT fields the format needs (first field with each key, as bcf_get_fmt) */
  private locateFormat(b: Buffer, q: number, end: number, nFmt: number, nSample: number): void {
    const sP = this.sP;
    sP.fill(-1);
    const byId = this.slotById;
    for (let i = 0; i < nFmt; i++) {
      if (q + 2 > end) throw this.corrupt('FORMAT data runs past the record');
      const kt = b[q++] & 15;
      const key = kt === BT_INT8 ? (b[q] << 24) >> 24 : kt === BT_INT16 ? b.readInt16LE(q) : kt === BT_INT32 ? b.readInt32LE(q) : -1;
      if (key < 0 && kt !== BT_INT8 && kt !== BT_INT16 && kt !== BT_INT32) throw this.corrupt(`FORMAT key of type ${kt}`);
      q += TYPE_SIZE[kt];
      const d = b[q++];
      const type = d & 15;
      let cnt = d >> 4;
      if (cnt === 15) {
        const tt = b[q++] & 15;
        cnt = tt === BT_INT8 ? (b[q] << 24) >> 24 : tt === BT_INT16 ? b.readInt16LE(q) : b.readInt32LE(q);
        q += TYPE_SIZE[tt];
      }
      if (cnt < 0 || (type !== BT_NULL && type !== BT_INT8 && type !== BT_INT16 && type !== BT_INT32 && type !== BT_FLOAT && type !== BT_CHAR)) {
        throw this.corrupt(`FORMAT value of type ${type}`);
      }
      const size = cnt * TYPE_SIZE[type];
      if (q + size * nSample > end) throw this.corrupt('FORMAT data runs past the record');
      const s = key >= 0 && key < byId.length ? byId[key] - 1 : -1;
      if (s >= 0 && sP[s] < 0) {
        sP[s] = q; this.sN[s] = cnt; this.sT[s] = type; this.sSize[s] = size;
      }
      q += size * nSample;
    }
  }

  /** one sample's block; left out entirely when a value prints nothing */
  private block(items: Item[], b: Buffer, ks: number): void {
    const start = this.n;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      switch (it.kind) {
        case K.SEP: this.bytes(it.bytes!); continue;
        case K.SAMPLE: this.bytes(this.names[ks]); continue;
        case K.GT: {
          const s = it.slot!;
          const x = this.sP[s];
          if (x < 0) { this.ensure(1); this.o[this.n++] = 46; continue; }
          const cnt = this.sN[s], type = this.sT[s];
          this.ensure(cnt * 12 + 2);
          this.n = putGt(b, x + ks * this.sSize[s], cnt, type, this.o, this.n);
          continue;
        }
        default: {
          const s = it.slot!;
          const x = this.sP[s];
          if (x < 0) { this.ensure(1); this.o[this.n++] = 46; continue; }
          const cnt = this.sN[s], type = this.sT[s];
          this.ensure(cnt * 16 + 2);
          const before = this.n;
          this.n = putArray(b, x + ks * this.sSize[s], cnt, type, this.o, this.n);
          if (this.n === before) { this.n = start; return; }
        }
      }
    }
  }
}

