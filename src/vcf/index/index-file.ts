/**
 * The `index` capability: build a .csi (default, as bcftools) or .tbi next to a BGZF VCF (a BGZF
 * BCF always gets a .csi), and
 * read per-contig record counts back from an existing index (`--stats`, `--nrecords`).
 */
import * as fs from 'node:fs';
import { VcfError, usageError } from '../errors.js';
import { RegionReader } from '../region-reader.js';
import { refCounts } from './format.js';
import { buildVcfIndex, defaultIndexPath, writeIndex, type IndexFormat } from './vcf-index.js';
import { buildBcfIndex, isBgzfBcf } from './bcf-index.js';

export interface IndexFileOptions {
  input: string;
  /** tbi or csi (default csi) */
  format?: IndexFormat;
  /** overwrite an existing index */
  force?: boolean;
  /** CSI min_shift (default 14) */
  minShift?: number;
  /** index file to write (default INPUT.csi / INPUT.tbi) */
  output?: string;
}

export interface IndexFileResult {
  path: string;
  format: IndexFormat;
  records: number;
  contigs: number;
  minShift: number;
  depth: number;
}

export function checkMinShift(m: number): void {
  if (!Number.isInteger(m) || m < 4 || m > 30) throw usageError(`--min-shift must be an integer from 4 to 30, got ${m}`, 'INDEX_MIN_SHIFT');
}

/** Build and write the index of a BGZF-compressed VCF. */
export async function indexFile(opts: IndexFileOptions): Promise<IndexFileResult> {
  const format = opts.format ?? 'csi';
  const minShift = opts.minShift ?? 14;
  const bcf = isBgzfBcf(opts.input);
  if (bcf && format === 'tbi') throw usageError('a BCF file is always indexed with CSI (TBI cannot address BCF records): drop -t/--tbi', 'INDEX_BCF_TBI');
  if (format === 'csi') checkMinShift(minShift);
  const out = opts.output ?? defaultIndexPath(opts.input, format);
  if (!opts.force && fs.existsSync(out)) {
    throw new VcfError('INDEX_EXISTS', 'the index file exists: use --force (-f) to overwrite it', { file: out });
  }
  const { index, records } = bcf ? await buildBcfIndex(opts.input, minShift) : await buildVcfIndex(opts.input, { format, minShift });
  if (format === 'csi' && index.depth > 9) {
    throw usageError(`--min-shift ${minShift} is too small for contigs this long (the index would need ${index.depth} levels, at most 9 are usable): use a larger --min-shift`, 'INDEX_MIN_SHIFT');
  }
  writeIndex(index, out);
  return { path: out, format, records, contigs: index.refs.length, minShift: index.minShift, depth: index.depth };
}

export interface ContigCount {
  contig: string;
  /** length from the header, or null */
  length: number | null;
  records: number;
}

/** Records per contig, read from the index (`bcftools index --stats`). */
export async function indexStats(input: string, opts: { indexPath?: string } = {}): Promise<ContigCount[]> {
  const r = await RegionReader.open(input, { indexPath: opts.indexPath });
  try {
    const names = r.index.tabix?.names ?? (r.bcf ? r.bcf.contigs.map((c) => c ?? '') : [...r.header.contigs.keys()]);
    const out: ContigCount[] = [];
    r.index.refs.forEach((ref, i) => {
      const c = refCounts(r.index, ref);
      if (!c || c[0] + c[1] === 0) return;
      const contig = names[i] ?? String(i);
      out.push({ contig, length: r.header.contigs.get(contig)?.length ?? null, records: c[0] + c[1] });
    });
    return out;
  } finally {
    r.close();
  }
}
