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
  /** buffers handed over are not reused by the caller, unless `consumes` */
  write(b: Buffer): Promise<void> | void;
  /**
   * write() is done with the bytes once it returns (or its promise resolves), e.g. a synchronous
   * file write: the output buffer is then reused (no fresh memory per 4 MiB of output).
   */
  consumes?: boolean;
}

export interface BcfQuery {
  run(bcf: OpenedBcf, out: BcfQueryOutput): Promise<{ records: number; printed: number }>;
}

const enum K { SEP, CHROM, POS, ID, REF, ALT, QUAL, FILTER, SAMPLE, GT, FMT }

/** one shape for every item (monomorphic property access in the loops) */
interface Item {
  kind: K;
  /** separator bytes (empty for values) */
  bytes: Buffer;
  /** FORMAT tag: slot in the per-record lookup (-1 for others) */
  slot: number;
}

const NO_BYTES = Buffer.alloc(0);
const mk = (kind: K, slot = -1, bytes: Buffer = NO_BYTES): Item => ({ kind, bytes, slot });

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
        if (name === 'SAMPLE') item = mk(K.SAMPLE);
        else if (name === 'GT') {
          const def = header.format.get('GT');
          const slot = slotOf('GT');
          if (!def || slot === null) return null;
          item = mk(K.GT, slot);
        } else {
          const def = header.format.get(name);
          if (!def || (def.type !== 'Integer' && def.type !== 'Float' && def.type !== 'String' && def.type !== 'Character')) return null;
          if (['TGT', 'IUPACGT', 'TBCSQ', 'INFO', 'PBINOM', 'N_PASS'].includes(name)) return null;
          const slot = slotOf(name);
          if (slot === null) return null;
          item = mk(K.FMT, slot);
        }
      } else {
        const k = ({ CHROM: K.CHROM, POS: K.POS, ID: K.ID, REF: K.REF, ALT: K.ALT, QUAL: K.QUAL, FILTER: K.FILTER } as Record<string, K>)[name];
        if (k === undefined) return null;
        item = mk(k);
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
    items.push({ item: mk(K.SEP, -1, Buffer.from(s, 'utf8')), inBlock });
  }
  if (inBlock) return null;
  if (opts.forceNewline && !items.some((x) => x.item.kind === K.SEP && x.item.bytes.includes(10))) {
    items.push({ item: mk(K.SEP, -1, Buffer.from('\n')), inBlock: false });
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
const SLAB = 1 << 22;

const OP_SEP1 = 0, OP_SEP = 1, OP_SAMPLE = 2, OP_DOT = 3, OP_GT8X2 = 4, OP_GT = 5, OP_I8 = 6, OP_ANY = 7;

class NativeQuery implements BcfQuery {
  private o = Buffer.allocUnsafe(SLAB);
  private n = 0;
  private readonly names: Buffer[];
  private readonly maxName: number;
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
    this.maxName = this.names.reduce((m, x) => Math.max(m, x.length), 0);
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

  /**
   * Output goes into large slabs: [base, n) is the text not handed out yet; handed-out parts of a
   * slab are never written again (the consumer may keep them).
   */
  private base = 0;

  private ensure(k: number): void {
    if (this.n + k <= this.o.length) return;
    const size = Math.max(SLAB, 2 * (this.n - this.base + k));
    const nb = Buffer.allocUnsafe(size);
    this.o.copy(nb, 0, this.base, this.n);
    this.n -= this.base;
    this.base = 0;
    this.o = nb;
  }

  private async flush(out: BcfQueryOutput): Promise<void> {
    const b = this.o.subarray(this.base, this.n);
    if (out.consumes) {
      const r = out.write(b);
      if (r) await r;
      this.base = this.n = 0;
      return;
    }
    this.base = this.n;
    if (this.o.length - this.n < 2 * FLUSH_AT) {
      this.o = Buffer.allocUnsafe(SLAB);
      this.base = this.n = 0;
    }
    const r = out.write(b);
    if (r) await r;
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
        const w = buf[p + 20] | (buf[p + 21] << 8) | (buf[p + 22] << 16);
        if (w !== nHdr) throw this.corrupt(`${w} samples in the record, the header has ${nHdr}`);
        records++;
        const before = this.n;
        this.record(buf, p, ls, li, buf[p + 23], w);
        if (this.n > before) printed++;
        if (this.n - this.base >= FLUSH_AT) await this.flush(out);
      }
    }
    if (this.n > this.base) await this.flush(out);
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

  private record(b: Buffer, p: number, ls: number, li: number, nFmt: number, nSample: number): void {
    const sEnd = p + ls;
    const iEnd = sEnd + li;
    if (this.usesShared) this.locateShared(b, p, sEnd);
    if (this.usesFormat) this.locateFormat(b, sEnd, iEnd, nFmt, nSample);
    const prog = this.prog;
    for (let pi = 0; pi < prog.length; pi++) {
      const it = prog[pi];
      if (Array.isArray(it)) {
        this.blocks(it, b);
        continue;
      }
      switch (it.kind) {
        case K.SEP: this.bytes(it.bytes); break;
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
    for (let i = 0; i < sP.length; i++) sP[i] = -1;
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

  // a block compiled for the current record: op codes and operands per item
  private opCode = new Int32Array(64);
  private opAt = new Int32Array(64);
  private opSize = new Int32Array(64);
  private opN = new Int32Array(64);
  private opType = new Int32Array(64);
  /** a one-byte separator's byte */
  private opB1 = new Int32Array(64);
  /** text of int8 diploid genotypes by their two bytes (lens[k] 0: not made yet) */
  private readonly gtText = new Uint8Array(65536 * 16);
  private readonly gtLen = new Uint8Array(65536);

  /** the samples' blocks: each sample's left out entirely when one of its values prints nothing */
  private blocks(items: Item[], b: Buffer): void {
    const ss = this.samples;
    const sP = this.sP, sN = this.sN, sT = this.sT, sSize = this.sSize;
    const ni = items.length;
    if (this.opCode.length < ni) {
      const m = ni * 2;
      this.opCode = new Int32Array(m); this.opAt = new Int32Array(m); this.opSize = new Int32Array(m);
      this.opN = new Int32Array(m); this.opType = new Int32Array(m); this.opB1 = new Int32Array(m);
    }
    const opCode = this.opCode, opAt = this.opAt, opSize = this.opSize, opN = this.opN, opType = this.opType, opB1 = this.opB1;
    // compile the block for this record's fields; room for one sample's block
    let room = 0;
    for (let k = 0; k < ni; k++) {
      const it = items[k];
      if (it.kind === K.SEP) { opCode[k] = it.bytes.length === 1 ? OP_SEP1 : OP_SEP; opB1[k] = it.bytes[0]; room += it.bytes.length; continue; }
      if (it.kind === K.SAMPLE) { opCode[k] = OP_SAMPLE; room += this.maxName; continue; }
      const sl = it.slot;
      if (sP[sl] < 0) { opCode[k] = OP_DOT; room += 1; continue; }
      const cnt = sN[sl], type = sT[sl];
      opAt[k] = sP[sl]; opSize[k] = sSize[sl]; opN[k] = cnt; opType[k] = type;
      room += cnt * 16 + 2;
      if (it.kind === K.GT) opCode[k] = type === BT_INT8 && cnt === 2 ? OP_GT8X2 : OP_GT;
      else opCode[k] = type === BT_INT8 && cnt > 0 ? OP_I8 : OP_ANY;
    }
    this.ensure(room * ss.length);
    const o = this.o;
    let n = this.n;
    const names = this.names;
    const gtText = this.gtText, gtLen = this.gtLen;
    for (let js = 0; js < ss.length; js++) {
      const ks = ss[js];
      const start = n;
      for (let k = 0; k < ni; k++) {
        switch (opCode[k]) {
          case OP_SEP1: o[n++] = opB1[k]; continue;
          case OP_SEP: { const sb = items[k].bytes; for (let i = 0; i < sb.length; i++) o[n++] = sb[i]; continue; }
          case OP_SAMPLE: { const nb = names[ks]; for (let i = 0; i < nb.length; i++) o[n++] = nb[i]; continue; }
          case OP_DOT: o[n++] = 46; continue;
          case OP_GT8X2: {
            const at = opAt[k] + ks * opSize[k];
            const key = (b[at] << 8) | b[at + 1];
            let len = gtLen[key];
            if (len === 0) len = gtLen[key] = putGt(b, at, 2, BT_INT8, gtText, key * 16) - key * 16;
            const base = key * 16;
            for (let i = 0; i < len; i++) o[n++] = gtText[base + i];
            continue;
          }
          case OP_GT: n = putGt(b, opAt[k] + ks * opSize[k], opN[k], opType[k], o, n); continue;
          case OP_I8: {
            // small integers inline (bcf_fmt_array); vector-end first prints nothing
            const at = opAt[k] + ks * opSize[k];
            const cnt = opN[k];
            let v = (b[at] << 24) >> 24;
            if (v === -127) { n = start; k = ni; continue; }
            for (let j = 0; ;) {
              // int8: at most three digits, written inline
              if (v >= 0) {
                if (v < 10) o[n++] = 48 + v;
                else if (v < 100) { const t = (v * 205) >> 11; o[n++] = 48 + t; o[n++] = 48 + v - t * 10; }
                else { const r = v - 100; const t = (r * 205) >> 11; o[n++] = 49; o[n++] = 48 + t; o[n++] = 48 + r - t * 10; }
              } else if (v === -128) o[n++] = 46;
              else n = putInt(o, n, v);
              if (++j >= cnt) break;
              v = (b[at + j] << 24) >> 24;
              if (v === -127) break;
              o[n++] = 44;
            }
            continue;
          }
          default: {
            const before = n;
            n = putArray(b, opAt[k] + ks * opSize[k], opN[k], opType[k], o, n);
            if (n === before) { n = start; k = ni; }
          }
        }
      }
    }
    this.n = n;
  }

}

