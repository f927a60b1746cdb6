/**
 * Indexing BGZF-compressed VCF as `bcftools index` / `tabix -p vcf` do (htslib tbx.c), and
 * finding and loading existing .csi/.tbi files.
 *
 * A record's interval is tabix's: [POS-1, POS-1+len(REF)), or up to INFO/END when an `END=`
 * key is present and END > POS-1. Lines starting with '#' are skipped; empty lines are ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VcfError, usageError } from '../errors.js';
import { IndexBuilder, PushError } from './builder.js';
import { adjustDepth, defaultCsiDepth, maxPos } from './binning.js';
import { deflateAll, fileKind, inflateAll, scanBlocks, voffset, type FileKind } from './bgzf.js';
import { parseIndex, serializeIndex, VCF_CONF, type IndexData } from './format.js';

export type IndexFormat = 'tbi' | 'csi';

export interface TabixInterval {
  /** end of the CHROM column (CHROM is buf[start, chromEnd)) */
  chromEnd: number;
  /** 0-based begin */
  beg: number;
  /** 0-based exclusive end */
  end: number;
}

/** C strtoll(s, &end, 0) over buf[s, e): decimal, 0x hex or 0-prefixed octal. */
export function strtoll0(buf: Buffer, s: number, e: number): { value: number; next: number } {
  let p = s;
  while (p < e && (buf[p] === 32 || (buf[p] >= 9 && buf[p] <= 13))) p++;
  let neg = false;
  if (p < e && (buf[p] === 43 || buf[p] === 45)) {
    neg = buf[p] === 45;
    p++;
  }
  let base = 10;
  if (p < e && buf[p] === 48) {
    if (p + 2 < e && (buf[p + 1] === 120 || buf[p + 1] === 88) && hexVal(buf[p + 2]) >= 0) {
      base = 16;
      p += 2;
    } else base = 8;
  }
  const d0 = p;
  let v = 0;
  for (; p < e; p++) {
    const d = base === 16 ? hexVal(buf[p]) : buf[p] - 48;
    if (d < 0 || d >= base) break;
    v = v * base + d;
  }
  if (p === d0) return { value: 0, next: s };
  return { value: neg ? -v : v, next: p };
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const END_EQ = Buffer.from('END=');
const SEMI_END_EQ = Buffer.from(';END=');

/**
 * Tabix's interval of the VCF line buf[s, e) (tbx_parse1 with the VCF preset), or a string
 * saying why the line cannot be indexed.
 */
export function tabixInterval(buf: Buffer, s: number, e: number): TabixInterval | string {
  const t1 = buf.indexOf(9, s);
  if (t1 < 0 || t1 >= e) return 'the line has no POS column';
  const t2x = buf.indexOf(9, t1 + 1);
  const t2 = t2x < 0 || t2x > e ? e : t2x;
  const p = strtoll0(buf, t1 + 1, t2);
  if (p.next === t1 + 1) return 'POS is not a number';
  let beg = p.value - 1;
  let end = p.value;
  if (beg < 0) beg = 0;
  if (end < 1) end = 1;
  if (t2 >= e) return { chromEnd: t1, beg, end };
  // columns 3 (ID) and 4 (REF)
  const t3x = buf.indexOf(9, t2 + 1);
  if (t3x < 0 || t3x >= e) return { chromEnd: t1, beg, end };
  const t4x = buf.indexOf(9, t3x + 1);
  const t4 = t4x < 0 || t4x > e ? e : t4x;
  if (t4 > t3x + 1) end = beg + (t4 - t3x - 1);
  if (t4 >= e) return { chromEnd: t1, beg, end };
  // INFO is column 8
  let q = t4;
  for (let k = 5; k <= 7; k++) {
    const t = buf.indexOf(9, q + 1);
    if (t < 0 || t >= e) return { chromEnd: t1, beg, end };
    q = t;
  }
  const is = q + 1;
  const tx = buf.indexOf(9, is);
  const ie = tx < 0 || tx > e ? e : tx;
  const endVal = infoEndValue(buf, is, ie);
  if (endVal !== null && endVal > beg) end = endVal;
  return { chromEnd: t1, beg, end };
}

/** tbx_parse1's INFO/END lookup: `END=` at the start of INFO, else the first `;END=`. */
function infoEndValue(buf: Buffer, is: number, ie: number): number | null {
  if (ie - is < 4) return null;
  const info = buf.subarray(is, ie);
  const first = info.indexOf(END_EQ);
  if (first < 0) return null;
  let v: number;
  if (first === 0) v = 4;
  else {
    const semi = info.indexOf(SEMI_END_EQ);
    if (semi < 0) return null;
    v = semi + 5;
  }
  if (v < info.length && info[v] === 46) return null; // END=.
  return strtoll0(info, v, info.length).value;
}

export interface BuildOptions {
  format: IndexFormat;
  /** CSI min_shift (default 14) */
  minShift?: number;
}

export interface BuildResult {
  index: IndexData;
  records: number;
}

const TBI_MAX = maxPos(14, 5);

/** Build the index of a BGZF-compressed VCF. */
export async function buildVcfIndex(file: string, opts: BuildOptions): Promise<BuildResult> {
  requireBgzfVcf(file, 'index');
  const minShift = opts.format === 'csi' ? opts.minShift ?? 14 : 14;
  let depth = opts.format === 'csi' ? defaultCsiDepth(minShift) : 5;
  for (;;) {
    const r = await scanOnce(file, opts.format, minShift, depth);
    if (typeof r === 'number') {
      depth = r; // CSI too shallow for a position: rebuild deeper
      continue;
    }
    return r;
  }
}

/** Throws a clear error unless `file` is a BGZF-compressed VCF. */
export function requireBgzfVcf(file: string, what: 'index' | 'regions'): void {
  if (file === '-') {
    throw usageError(what === 'index'
      ? 'cannot index stdin: give a BGZF-compressed file'
      : '-r/-R need an indexed file, not stdin (use -t/-T to filter a stream)', 'INDEX_NEEDS_FILE');
  }
  const kind: FileKind = fileKind(file);
  if (kind === 'bgzf') return;
  if (kind === 'plain' && startsWithBcfMagic(file)) {
    throw new VcfError('INDEX_NEEDS_BGZF', `uncompressed BCF cannot be indexed: write it compressed (\`vcf-agent view -O b -o ${file.replace(/\.bcf$/i, '')}.bgzf.bcf ${file}\`) and index that${what === 'regions' ? ' (or use -t/-T, which stream the file)' : ''}`, { file });
  }
  const fix = kind === 'gzip'
    ? `recompress it with \`bgzip\` (e.g. \`zcat ${file} | bgzip > ${bgzfName(file)}\`) and index that with \`vcf-agent index\``
    : `compress it with \`bgzip\` (e.g. \`bgzip ${file}\`, which writes ${file}.gz) and index that with \`vcf-agent index\``;
  const tail = what === 'regions' ? ' (or use -t/-T, which stream the file)' : '';
  if (kind === 'gzip') throw new VcfError('INDEX_NEEDS_BGZF', `compressed with plain gzip, not BGZF, so it cannot be indexed: ${fix}${tail}`, { file });
  if (kind === 'empty') throw new VcfError('VCF_EMPTY', 'empty file: no VCF header', { file });
  throw new VcfError('INDEX_NEEDS_BGZF', `not compressed, so it cannot be indexed: ${fix}${tail}`, { file });
}

function startsWithBcfMagic(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(3);
      return fs.readSync(fd, b, 0, 3, 0) === 3 && b.toString('latin1') === 'BCF';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** A name for the BGZF copy of a gzip file: x.vcf.gz -> x.bgzf.vcf.gz */
function bgzfName(f: string): string {
  const m = /^(.*?)((\.vcf)?\.gz)$/i.exec(f);
  return m ? `${m[1]}.bgzf${m[2]}` : `${f}.bgzf.gz`;
}

async function scanOnce(file: string, format: IndexFormat, minShift: number, depth: number): Promise<BuildResult | number> {
  let builder: IndexBuilder | null = null;
  const tids = new Map<string, number>();
  const names: string[] = [];
  let lastOff = 0; // tell after the last header line
  let lineNo = 0;
  let maxContigLen = 0;
  /** contigs the header declares longer than TBI can address */
  const longContigs = new Map<string, number>();
  let records = 0;
  let blockEnd = 0;
  let nBlocks = 0;
  let first = true;
  let sawColumns = false;
  let carry: Buffer[] | null = null;

  const onLine = (b: Buffer, s: number, e: number, tell: number): number | void => {
    lineNo++;
    if (first) {
      first = false;
      if (e - s >= 3 && b[s] === 66 && b[s + 1] === 67 && b[s + 2] === 70) {
        throw new VcfError('INDEX_BCF_UNSUPPORTED', 'indexing BCF is not supported yet (BCF indexes are CSI; use `bcftools index` meanwhile)', { file, line: 1 });
      }
      if (e === s || b[s] !== 35) {
        throw new VcfError('VCF_NOT_VCF', 'not a VCF file: the first line does not start with "##fileformat" or "#"', { file, line: 1, column: 1 });
      }
    }
    if (e > s && b[s] === 35) {
      if (!builder) lastOff = tell;
      if (e - s < 2 || b[s + 1] !== 35) sawColumns = true;
      if (e - s > 9 && b.toString('latin1', s, s + 8) === '##contig') {
        const len = contigLength(b.toString('latin1', s, e));
        if (len !== null) {
          if (len > maxContigLen) maxContigLen = len;
          if (len > TBI_MAX) longContigs.set(contigId(b.toString('latin1', s, e)), len);
        }
      }
      return;
    }
    if (e === s) return; // empty line
    if (!sawColumns) throw new VcfError('VCF_HEADER_MISSING_CHROM_LINE', 'data line before the "#CHROM" header line', { file, line: lineNo, column: 1 });
    const iv = tabixInterval(b, s, e);
    if (typeof iv === 'string') throw new VcfError('INDEX_BAD_RECORD', `cannot index this record: ${iv}`, { file, line: lineNo });
    if (!builder) {
      const d = format === 'csi' ? adjustDepth(minShift, depth, maxContigLen) : depth;
      depth = d;
      builder = new IndexBuilder(format, minShift, d, lastOff);
    }
    const chrom = b.toString('latin1', s, iv.chromEnd);
    let tid = tids.get(chrom);
    if (tid === undefined) {
      tid = names.length;
      tids.set(chrom, tid);
      names.push(chrom);
    }
    try {
      builder.push(tid, iv.beg, iv.end, tell);
    } catch (err) {
      if (!(err instanceof PushError)) throw err;
      const at = `${chrom}:${iv.beg + 1}`;
      if (err.kind === 'too-far') {
        if (format === 'csi') return adjustDepth(minShift, depth, Math.max(iv.beg, iv.end));
        const len = longContigs.get(chrom);
        const decl = len !== undefined ? ` (the header declares ${chrom} ${len} bp long)` : '';
        throw new VcfError('INDEX_TBI_LIMIT', `record at ${at} reaches ${iv.end}, beyond the 2^29 bp (${TBI_MAX}) a TBI index can address${decl}: use CSI (the default, \`vcf-agent index\` without -t)`, { file, line: lineNo });
      }
      if (err.kind === 'not-contiguous') {
        throw new VcfError('INDEX_UNSORTED', `records of contig ${chrom} are not together (it appears again after other contigs): sort the file first, e.g. \`bcftools sort\``, { file, line: lineNo });
      }
      if (err.kind === 'unsorted') {
        throw new VcfError('INDEX_UNSORTED', `records are not sorted by position: ${at} comes after ${chrom}:${err.prev}; sort the file first, e.g. \`bcftools sort\``, { file, line: lineNo });
      }
      throw new VcfError('INDEX_BAD_RECORD', `cannot index the record at ${at}: ${err.message}`, { file, line: lineNo });
    }
    records++;
  };

  for (const blk of scanBlocks(file)) {
    const data = blk.data;
    const next = blk.coffset + blk.csize;
    if (data.length === 0) continue;
    blockEnd = next;
    let pos = 0;
    for (;;) {
      const nl = data.indexOf(10, pos);
      if (nl < 0) break;
      const tell = nl + 1 >= data.length ? voffset(next, 0) : voffset(blk.coffset, nl + 1);
      let r: number | void;
      if (carry) {
        carry.push(data.subarray(pos, nl));
        const joined = Buffer.concat(carry);
        carry = null;
        r = onLine(joined, 0, trimCr(joined, 0, joined.length), tell);
      } else {
        r = onLine(data, pos, trimCr(data, pos, nl), tell);
      }
      if (typeof r === 'number') return r;
      pos = nl + 1;
    }
    if (pos < data.length) (carry ??= []).push(data.subarray(pos));
    if (++nBlocks % 256 === 0) await new Promise<void>((res) => setImmediate(res));
  }
  const final = voffset(blockEnd, 0);
  if (carry) {
    const joined = Buffer.concat(carry);
    const r = onLine(joined, 0, trimCr(joined, 0, joined.length), final);
    if (typeof r === 'number') return r;
  }
  if (lineNo === 0) throw new VcfError('VCF_EMPTY', 'empty file: no VCF header', { file });
  const b: IndexBuilder = builder ?? new IndexBuilder(format, minShift, format === 'csi' ? adjustDepth(minShift, depth, maxContigLen) : depth, lastOff);
  const index = b.finish(final, { ...VCF_CONF, names });
  return { index, records };
}

function trimCr(b: Buffer, s: number, e: number): number {
  return e > s && b[e - 1] === 13 ? e - 1 : e;
}

/** `length` of a ##contig line as htslib reads it for CSI depth (first "length", then digits). */
function contigLength(line: string): number | null {
  const i = line.indexOf('length', 8);
  if (i < 0) return null;
  let p = i + 6;
  while (line[p] === ' ' || line[p] === '=') p++;
  const m = /^[+-]?\d+/.exec(line.slice(p));
  return m ? Number(m[0]) : null;
}

function contigId(line: string): string {
  const m = /[<,]ID=([^,>]*)/.exec(line);
  return m ? m[1] : '?';
}

/** Where htslib looks for the index of `file`, in order (a BCF's index is always a .csi). */
export function indexCandidates(file: string, csiOnly = false): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const out: string[] = [];
  for (const ext of csiOnly ? ['.csi'] : ['.csi', '.tbi']) {
    out.push(file + ext);
    const dot = base.lastIndexOf('.');
    if (dot > 0) out.push(path.join(dir, base.slice(0, dot) + ext));
  }
  return out;
}

/** The existing index of `file`, or null. */
export function findIndex(file: string, csiOnly = false): string | null {
  for (const c of indexCandidates(file, csiOnly)) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      /* not there */
    }
  }
  return null;
}

/** Read and parse an index file (.csi or .tbi, BGZF-compressed). */
export function loadIndex(indexPath: string): IndexData {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(indexPath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new VcfError('INDEX_NOT_FOUND', err.code === 'ENOENT' ? 'no such index file' : `cannot read the index: ${err.message}`, { file: indexPath });
  }
  return parseIndex(inflateAll(raw, indexPath), indexPath);
}

/** The default index name for a data file. */
export function defaultIndexPath(file: string, format: IndexFormat): string {
  return `${file}.${format}`;
}

/** BGZF-compress and write an index, atomically (temp file + rename). */
export function writeIndex(index: IndexData, out: string): void {
  const bytes = deflateAll(serializeIndex(index));
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, out);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* nothing to remove */ }
    throw new VcfError('OUTPUT_WRITE', `cannot write the index: ${(e as Error).message}`, { file: out });
  }
}
