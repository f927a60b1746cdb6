/**
 * Random access to a reference FASTA, as htslib's faidx does it for `bcftools norm -f`:
 * - plain FASTA with its `.fai` (name, length, offset, bases per line, bytes per line);
 * - BGZF-compressed FASTA (`bgzip`) with `.fai` and `.gzi` (the uncompressed → compressed offset
 *   map of its blocks).
 * Only the bytes a fetch needs are read: plain files through a small LRU cache of 64 KiB pages,
 * BGZF files block by block through the shared BGZF block cache.
 *
 * When the `.fai` (or the `.gzi`) is missing it is built by one pass over the file and written
 * next to it, as htslib does; when that directory is not writable the index is kept in memory.
 * A gzip (not BGZF) FASTA cannot be read at random and is refused, as htslib refuses it.
 *
 * `fetch` has faidx_fetch_seq's semantics: 0-based inclusive coordinates, clamped to the contig;
 * null for a contig the FASTA does not have. Bases come back as they are in the file (case kept).
 */
import * as fs from 'node:fs';
import { VcfError } from '../vcf/errors.js';
import { openError } from '../vcf/input.js';
import { BgzfFile, scanBlocks, sniffKind } from '../vcf/index/bgzf.js';

export interface FaiEntry {
  name: string;
  /** number of bases */
  length: number;
  /** byte offset (uncompressed) of the first base */
  offset: number;
  /** bases per full line */
  lineBases: number;
  /** bytes per full line, newline included */
  lineWidth: number;
}

interface ByteSource {
  /** `len` bytes of the uncompressed file from `off` (fewer at its end) */
  read(off: number, len: number): Buffer;
  close(): void;
}

const PAGE = 1 << 16;
const MAX_PAGES = 256;

/** A plain file read in 64 KiB pages kept in an LRU cache. */
class PlainSource implements ByteSource {
  private pages = new Map<number, Buffer>();
  constructor(private fd: number, private size: number, private path: string) {}

  private page(i: number): Buffer {
    const hit = this.pages.get(i);
    if (hit) {
      this.pages.delete(i);
      this.pages.set(i, hit);
      return hit;
    }
    const start = i * PAGE;
    const n = Math.max(0, Math.min(PAGE, this.size - start));
    const b = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      let r: number;
      try {
        r = fs.readSync(this.fd, b, got, n - got, start + got);
      } catch (e) {
        throw new VcfError('FASTA_READ', `cannot read: ${(e as Error).message}`, { file: this.path });
      }
      if (r === 0) break;
      got += r;
    }
    const p = got === n ? b : b.subarray(0, got);
    this.pages.set(i, p);
    if (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
    return p;
  }

  read(off: number, len: number): Buffer {
    const end = Math.min(off + len, this.size);
    if (end <= off) return Buffer.alloc(0);
    const first = Math.floor(off / PAGE), last = Math.floor((end - 1) / PAGE);
    if (first === last) {
      const p = this.page(first);
      return p.subarray(off - first * PAGE, end - first * PAGE);
    }
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const p = this.page(i);
      const s = i === first ? off - i * PAGE : 0;
      const e = i === last ? end - i * PAGE : p.length;
      parts.push(p.subarray(s, e));
    }
    return Buffer.concat(parts);
  }

  close(): void {
    fs.closeSync(this.fd);
    this.pages.clear();
  }
}

/** A BGZF file addressed by uncompressed offset through its `.gzi` block map. */
class BgzfSource implements ByteSource {
  /** compressed and uncompressed start offsets of every block, the first (0, 0) included */
  constructor(private file: BgzfFile, private coff: number[], private uoff: number[]) {}

  read(off: number, len: number): Buffer {
    // the last block starting at or before `off`
    let lo = 0, hi = this.uoff.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.uoff[mid] <= off) lo = mid; else hi = mid - 1;
    }
    let c = this.coff[lo], u = this.uoff[lo];
    const parts: Buffer[] = [];
    let need = len;
    let pos = off;
    while (need > 0) {
      const blk = this.file.block(c);
      if (!blk) break;
      const d = blk.data;
      if (pos < u + d.length) {
        const s = pos - u;
        const n = Math.min(d.length - s, need);
        parts.push(d.subarray(s, s + n));
        need -= n;
        pos += n;
      }
      u += d.length;
      c += blk.csize;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  close(): void {
    this.file.close();
  }
}

export class FastaReader {
  readonly path: string;
  private readonly index = new Map<string, FaiEntry>();
  /** contig names in file order */
  readonly names: string[] = [];
  private readonly src: ByteSource;
  /** what was built because it was missing (for a notice) */
  readonly built: string[] = [];

  private constructor(path: string, entries: FaiEntry[], src: ByteSource, built: string[]) {
    this.path = path;
    for (const e of entries) {
      if (!this.index.has(e.name)) this.names.push(e.name);
      this.index.set(e.name, e);
    }
    this.src = src;
    this.built = built;
  }

  /** Open `path` (plain or BGZF); reads `path.fai` (and `path.gzi`), building them when absent. */
  static open(path: string): FastaReader {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw openError(path, e);
    }
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
      if (st.isDirectory()) throw new VcfError('INPUT_IS_DIRECTORY', 'is a directory, not a FASTA file', { file: path });
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    const head = Buffer.alloc(18);
    const n = fs.readSync(fd, head, 0, 18, 0);
    const kind = sniffKind(head.subarray(0, n));
    const built: string[] = [];
    if (kind === 'gzip') {
      fs.closeSync(fd);
      throw new VcfError('FASTA_GZIP', 'the reference is gzip-compressed, which does not allow random access: recompress it with `bgzip` (or decompress it)', { file: path });
    }
    if (kind === 'bgzf') {
      fs.closeSync(fd);
      let blocks = readGzi(path);
      let entries = readFai(path);
      if (!entries || !blocks) {
        const scan = buildFromBgzf(path);
        if (!blocks) {
          blocks = scan.blocks;
          if (tryWrite(path + '.gzi', gziBytes(blocks))) built.push(path + '.gzi');
        }
        if (!entries) {
          entries = scan.entries;
          if (tryWrite(path + '.fai', faiText(entries))) built.push(path + '.fai');
        }
      }
      const file = BgzfFile.open(path, { cacheBytes: 16 << 20 });
      return new FastaReader(path, entries, new BgzfSource(file, blocks.coff, blocks.uoff), built);
    }
    let entries = readFai(path);
    if (!entries) {
      entries = buildFromPlain(fd, st.size, path);
      if (tryWrite(path + '.fai', faiText(entries))) built.push(path + '.fai');
    }
    return new FastaReader(path, entries, new PlainSource(fd, st.size, path), built);
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** contig length, or undefined when the FASTA has no such contig */
  length(name: string): number | undefined {
    return this.index.get(name)?.length;
  }

  /**
   * Bases [beg, end] (0-based, inclusive) of contig `name`, clamped to the contig as
   * faidx_fetch_seq does (end < beg fetches the one base at end); null when there is no such contig.
   */
  fetch(name: string, beg: number, end: number): string | null {
    const e = this.index.get(name);
    if (!e) return null;
    if (end < beg) beg = end;
    if (beg < 0) beg = 0;
    else if (beg >= e.length) beg = e.length;
    if (end < 0) end = 0;
    else if (end >= e.length) end = e.length - 1;
    const n = end + 1 - beg;
    if (n <= 0) return '';
    const lb = e.lineBases, lw = e.lineWidth;
    const first = e.offset + Math.floor(beg / lb) * lw + (beg % lb);
    const last = e.offset + Math.floor(end / lb) * lw + (end % lb);
    // keep printable characters only (newlines, CR and blanks are skipped) until n are collected,
    // as fai_retrieve does; with a well-formed index the first read is exactly enough
    let out = '';
    let k = 0;
    let off = first;
    let want = last - first + 1;
    const chunk: number[] = [];
    for (;;) {
      const raw = this.src.read(off, want);
      for (let i = 0; i < raw.length && k < n; i++) {
        const c = raw[i];
        if (c > 32 && c < 127) {
          chunk.push(c);
          k++;
          if (chunk.length === 4096) {
            out += String.fromCharCode(...chunk);
            chunk.length = 0;
          }
        }
      }
      if (k >= n || raw.length < want) break;
      off += raw.length;
      want = Math.max(64, (n - k) * 2);
    }
    if (chunk.length) out += String.fromCharCode(...chunk);
    return out;
  }

  close(): void {
    this.src.close();
  }
}

function tryWrite(file: string, data: Buffer | string): boolean {
  try {
    fs.writeFileSync(file, data, { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** Parse `path.fai`, or null when there is none. */
export function readFai(path: string): FaiEntry[] | null {
  const fai = path + '.fai';
  let text: string;
  try {
    text = fs.readFileSync(fai, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openError(fai, e);
  }
  const out: FaiEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '') continue;
    const c = l.split('\t');
    const nums = c.slice(1, 5).map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
    if (c.length < 5 || nums.some((v) => Number.isNaN(v))) {
      throw new VcfError('FASTA_BAD_INDEX', 'malformed .fai line: expected NAME, LENGTH, OFFSET, LINEBASES, LINEWIDTH separated by tabs', { file: fai, line: i + 1, column: 1 });
    }
    const [length, offset, lineBases, lineWidth] = nums;
    if (length > 0 && (lineBases <= 0 || lineWidth < lineBases)) {
      throw new VcfError('FASTA_BAD_INDEX', `malformed .fai line: ${lineBases} bases per line in lines of ${lineWidth} bytes`, { file: fai, line: i + 1, column: 1 });
    }
    out.push({ name: c[0], length, offset, lineBases, lineWidth });
  }
  return out;
}

export function faiText(entries: FaiEntry[]): string {
  return entries.map((e) => `${e.name}\t${e.length}\t${e.offset}\t${e.lineBases}\t${e.lineWidth}\n`).join('');
}

interface Blocks { coff: number[]; uoff: number[] }

/** Parse `path.gzi` (count, then compressed/uncompressed offset pairs after the first block), or null. */
function readGzi(path: string): Blocks | null {
  const gzi = path + '.gzi';
  let b: Buffer;
  try {
    b = fs.readFileSync(gzi);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openError(gzi, e);
  }
  if (b.length < 8) throw new VcfError('FASTA_BAD_INDEX', 'truncated .gzi index', { file: gzi });
  const n = Number(b.readBigUInt64LE(0));
  if (b.length < 8 + 16 * n) throw new VcfError('FASTA_BAD_INDEX', `truncated .gzi index: ${n} entries announced`, { file: gzi });
  const coff = [0], uoff = [0];
  for (let i = 0; i < n; i++) {
    coff.push(Number(b.readBigUInt64LE(8 + 16 * i)));
    uoff.push(Number(b.readBigUInt64LE(16 + 16 * i)));
  }
  return { coff, uoff };
}

function gziBytes(bl: Blocks): Buffer {
  const n = bl.coff.length - 1;
  const b = Buffer.alloc(8 + 16 * n);
  b.writeBigUInt64LE(BigInt(n), 0);
  for (let i = 0; i < n; i++) {
    b.writeBigUInt64LE(BigInt(bl.coff[i + 1]), 8 + 16 * i);
    b.writeBigUInt64LE(BigInt(bl.uoff[i + 1]), 16 + 16 * i);
  }
  return b;
}

/**
 * Builds .fai entries from a stream of chunks, as htslib's fai_build does: a `>` line names a
 * sequence (up to the first blank); all its lines but the last must have the same length.
 */
class FaiBuilder {
  readonly entries: FaiEntry[] = [];
  private off = 0;
  private line: number[] = [];
  private lineNo = 0;
  private cur: (FaiEntry & { lines: number; shortSeen: boolean; headerLine: number }) | null = null;
  constructor(private file: string) {}

  push(chunk: Buffer): void {
    let s = 0;
    for (;;) {
      const nl = chunk.indexOf(10, s);
      if (nl < 0) {
        for (let i = s; i < chunk.length; i++) this.line.push(chunk[i]);
        this.off += chunk.length - s;
        return;
      }
      if (this.line.length) {
        for (let i = s; i < nl; i++) this.line.push(chunk[i]);
        this.endLine(Buffer.from(this.line), this.off + (nl - s) + 1);
        this.line = [];
      } else {
        this.endLine(chunk.subarray(s, nl), this.off + (nl - s) + 1);
      }
      this.off += nl - s + 1;
      s = nl + 1;
    }
  }

  /** `l` is a line without its '\n'; `next` the offset just after the '\n' */
  private endLine(l: Buffer, next: number): void {
    this.lineNo++;
    if (l.length && l[0] === 62 /* > */) {
      this.finish();
      let e = 1;
      while (e < l.length && l[e] !== 32 && l[e] !== 9 && l[e] !== 13) e++;
      const name = l.toString('latin1', 1, e);
      if (!name) throw new VcfError('FASTA_BAD', 'a ">" line without a sequence name', { file: this.file, line: this.lineNo, column: 2 });
      this.cur = { name, length: 0, offset: next, lineBases: 0, lineWidth: 0, lines: 0, shortSeen: false, headerLine: this.lineNo };
      return;
    }
    const cur = this.cur;
    if (!cur) {
      if (l.length === 0 || (l.length === 1 && l[0] === 13)) return;
      throw new VcfError('FASTA_BAD', 'not a FASTA file: the first line does not start with ">"', { file: this.file, line: this.lineNo, column: 1 });
    }
    let bases = 0;
    for (let i = 0; i < l.length; i++) if (l[i] > 32 && l[i] < 127) bases++;
    const width = l.length + 1;
    if (bases === 0) {
      // a blank line: allowed only at the end of a sequence
      if (cur.lines) cur.shortSeen = true;
      return;
    }
    if (cur.shortSeen) {
      throw new VcfError('FASTA_BAD', `different line length in sequence "${cur.name}": lines must all be ${cur.lineBases} bases long but the last`, { file: this.file, line: this.lineNo, column: 1 });
    }
    if (cur.lines === 0) {
      cur.lineBases = bases;
      cur.lineWidth = width;
    } else if (bases !== cur.lineBases || width !== cur.lineWidth) {
      if (bases > cur.lineBases || width - bases !== cur.lineWidth - cur.lineBases) {
        throw new VcfError('FASTA_BAD', `different line length in sequence "${cur.name}": lines must all be ${cur.lineBases} bases long but the last`, { file: this.file, line: this.lineNo, column: 1 });
      }
      cur.shortSeen = true;
    }
    cur.lines++;
    cur.length += bases;
  }

  private finish(): void {
    const c = this.cur;
    if (!c) return;
    this.entries.push({ name: c.name, length: c.length, offset: c.offset, lineBases: c.lineBases, lineWidth: c.lineWidth });
    this.cur = null;
  }

  end(): FaiEntry[] {
    if (this.line.length) {
      this.endLine(Buffer.from(this.line), this.off);
      this.line = [];
    }
    this.finish();
    if (!this.entries.length) throw new VcfError('FASTA_BAD', 'no sequence found (no ">" line)', { file: this.file, line: 1 });
    return this.entries;
  }
}

function buildFromPlain(fd: number, size: number, path: string): FaiEntry[] {
  const b = new FaiBuilder(path);
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  while (pos < size) {
    const r = fs.readSync(fd, buf, 0, buf.length, pos);
    if (r === 0) break;
    b.push(buf.subarray(0, r));
    pos += r;
  }
  return b.end();
}

function buildFromBgzf(path: string): { entries: FaiEntry[]; blocks: Blocks } {
  const b = new FaiBuilder(path);
  const coff: number[] = [], uoff: number[] = [];
  let u = 0;
  for (const blk of scanBlocks(path)) {
    if (blk.data.length === 0) continue; // the EOF marker
    coff.push(blk.coffset);
    uoff.push(u);
    b.push(blk.data);
    u += blk.data.length;
  }
  if (!coff.length) { coff.push(0); uoff.push(0); }
  return { entries: b.end(), blocks: { coff, uoff } };
}
