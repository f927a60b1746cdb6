/**
 * BGZF-compressed BCF for random access: reading the header and raw records at virtual offsets,
 * and building its CSI index as `bcftools index` does (htslib bcf_index): always CSI, no tabix
 * header in the aux field, one reference per header contig (numbered as the BCF dictionary numbers
 * them, IDX honoured), depth from the longest ##contig length (2^31-1 when none is given) + 256,
 * each record indexed over [POS-1, POS-1+rlen) with rlen as stored in the record.
 */
import { VcfError } from '../errors.js';
import type { VcfHeader } from '../header.js';
import type { BcfDictionary } from '../bcf/dict.js';
import { parseBcfHeaderText } from '../bcf/reader.js';
import { BgzfByteReader, BgzfFile, fileKind } from './bgzf.js';
import { IndexBuilder, PushError } from './builder.js';
import type { IndexData } from './format.js';

/** Is `file` a BGZF-compressed BCF? (false for anything else, including unreadable files) */
export function isBgzfBcf(file: string): boolean {
  if (file === '-') return false;
  try {
    if (fileKind(file) !== 'bgzf') return false;
    const f = BgzfFile.open(file, { cacheBytes: 1 << 20 });
    try {
      const b = f.block(0);
      return !!b && b.data.length >= 3 && b.data[0] === 0x42 && b.data[1] === 0x43 && b.data[2] === 0x46;
    } finally {
      f.close();
    }
  } catch {
    return false;
  }
}

export interface BcfHead {
  header: VcfHeader;
  dict: BcfDictionary;
  /** virtual offset of the first record */
  offset: number;
  /** the line number the first record has in the equivalent VCF */
  firstDataLine: number;
}

/** Read the BCF header from the start of the file; leaves `br` at the first record. */
export function readBcfHead(br: BgzfByteReader, file: string): BcfHead {
  br.seek(0);
  const head = br.read(9);
  if (!head || head.length < 9) throw new VcfError('BCF_TRUNCATED', 'truncated BCF file: the header is incomplete', { file, line: 1 });
  if (head[0] !== 0x42 || head[1] !== 0x43 || head[2] !== 0x46) throw new VcfError('BCF_BAD_MAGIC', 'not a BCF file', { file, line: 1 });
  if (head[3] !== 2 || (head[4] !== 1 && head[4] !== 2)) {
    throw new VcfError('BCF_VERSION', `BCF version ${head[3]}.${head[4]} is not supported (BCF 2.1 and 2.2 are)`, { file, line: 1 });
  }
  const lText = head.readUInt32LE(5);
  const text = br.read(lText);
  if (!text || text.length < lText) throw new VcfError('BCF_TRUNCATED', `truncated BCF file: the header text is ${lText} bytes, the file ends before`, { file, line: 1 });
  let end = text.length;
  while (end > 0 && text[end - 1] === 0) end--;
  const { header, dict, nLines } = parseBcfHeaderText(text.toString('utf8', 0, end), file);
  return { header, dict, offset: br.tell(), firstDataLine: nLines + 1 };
}

/** One raw record: its shared block at buf[p, p + lShared), then lIndiv bytes of FORMAT data. */
export interface BcfRawRecord {
  buf: Buffer;
  p: number;
  lShared: number;
  lIndiv: number;
  /** contig number, 0-based POS, rlen */
  rid: number;
  pos: number;
  rlen: number;
}

/** The next record at the reader's position, or null at the end of the file. */
export function readBcfRecord(br: BgzfByteReader, file: string): BcfRawRecord | null {
  const lens = br.read(8);
  if (lens === null) return null;
  if (lens.length < 8) throw new VcfError('BCF_TRUNCATED', 'truncated BCF file: it ends inside a record', { file });
  const lShared = lens.readUInt32LE(0);
  const lIndiv = lens.readUInt32LE(4);
  if (lShared < 24) throw new VcfError('BCF_CORRUPT', `corrupt BCF record: shared block of ${lShared} bytes (at least 24 needed)`, { file });
  const body = br.read(lShared + lIndiv);
  if (!body || body.length < lShared + lIndiv) throw new VcfError('BCF_TRUNCATED', 'truncated BCF file: it ends inside a record', { file });
  return { buf: body, p: 0, lShared, lIndiv, rid: body.readInt32LE(0), pos: body.readInt32LE(4), rlen: body.readInt32LE(8) };
}

/** htslib bcf_index's depth: levels until 2^min_shift * 8^levels reaches the longest contig + 256. */
export function bcfDepth(minShift: number, header: VcfHeader, dict: BcfDictionary): number {
  let maxLen = 0;
  for (const c of dict.contigs) {
    if (c === undefined) continue;
    const len = header.contigs.get(c)?.length ?? 0;
    if (len > maxLen) maxLen = len;
  }
  if (!maxLen) maxLen = 2 ** 31 - 1;
  maxLen += 256;
  let depth = 0;
  for (let s = 2 ** minShift; maxLen > s; s *= 8) depth++;
  return depth;
}

/** Build the CSI index of a BGZF-compressed BCF. */
export async function buildBcfIndex(file: string, minShift = 14): Promise<{ index: IndexData; records: number }> {
  const bgzf = BgzfFile.open(file, { cacheBytes: 4 << 20 });
  try {
    const br = new BgzfByteReader(bgzf);
    const { header, dict, offset, firstDataLine } = readBcfHead(br, file);
    const depth = bcfDepth(minShift, header, dict);
    const builder = new IndexBuilder('csi', minShift, depth, offset);
    builder.reserve(dict.contigs.reduce((n, c) => n + (c === undefined ? 0 : 1), 0));
    let records = 0;
    // htslib's final offset: where the last read attempt started (an EOF marker block is not passed)
    let last = br.tell();
    for (;;) {
      last = br.tell();
      const r = readBcfRecord(br, file);
      if (!r) break;
      records++;
      const line = firstDataLine + records - 1;
      const name = dict.contigs[r.rid];
      if (r.rid < 0 || name === undefined) {
        throw new VcfError('INDEX_BAD_RECORD', `record ${records} names contig number ${r.rid}, which the header does not define`, { file, line });
      }
      try {
        builder.push(r.rid, r.pos, r.pos + r.rlen, br.tell());
      } catch (err) {
        if (!(err instanceof PushError)) throw err;
        const at = `${name}:${r.pos + 1}`;
        if (err.kind === 'too-far') {
          throw new VcfError('INDEX_BAD_RECORD', `record at ${at} reaches ${r.pos + r.rlen}, beyond what a CSI index with --min-shift ${minShift} and ${depth} levels can address (the header's ##contig lengths set the levels): fix the contig lengths`, { file, line });
        }
        if (err.kind === 'not-contiguous') {
          throw new VcfError('INDEX_UNSORTED', `records of contig ${name} are not together (it appears again after other contigs): sort the file first, e.g. \`bcftools sort\``, { file, line });
        }
        if (err.kind === 'unsorted') {
          throw new VcfError('INDEX_UNSORTED', `records are not sorted by position: ${at} comes after ${name}:${err.prev}; sort the file first, e.g. \`bcftools sort\``, { file, line });
        }
        throw new VcfError('INDEX_BAD_RECORD', `cannot index the record at ${at}: ${err.message}`, { file, line });
      }
      if (records % 65536 === 0) await new Promise<void>((res) => setImmediate(res));
    }
    return { index: builder.finish(last), records };
  } finally {
    bgzf.close();
  }
}
