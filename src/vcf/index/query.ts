/**
 * Index queries: the chunks of virtual offsets that may hold records overlapping a 0-based,
 * half-open interval, computed as htslib's hts_itr_query does (bins from reg2bins, chunks kept
 * when they end after the minimum offset from the linear index and start before the offset of
 * the first bin to the right; then sorted, de-nested and merged).
 */
import { binFirst, binParent, nBins, reg2bins, shr } from './binning.js';
import type { BinMap, Chunk, IndexData, RawBins, RefIndex } from './format.js';

export function queryChunks(idx: IndexData, ref: RefIndex, beg: number, end: number): Chunk[] {
  if (beg < 0) beg = 0;
  if (end < beg || ref.bins.size === 0) return [];
  const { minShift, depth } = idx;
  const bins = ref.bins;
  // an index file's bins are read from its bytes (no objects decoded per bin); others (an index
  // built in memory) through the same accessors
  const raw = typeof (bins as Partial<RawBins>).rawOffset === 'function' ? (bins as unknown as RawBins) : new MapBins(bins);
  return queryRaw(raw, minShift, depth, nBins(depth), beg, end);
}

/** RawBins over decoded bins: a bin's "offset" is its number. */
class MapBins implements RawBins {
  constructor(private readonly bins: BinMap) {}
  rawOffset(bin: number): number {
    return this.bins.has(bin) ? bin : -1;
  }
  rawLoff(bin: number): number {
    return this.bins.get(bin)!.loff;
  }
  rawCount(p: number): number {
    return this.bins.get(p)!.chunks.length;
  }
  rawU(p: number, k: number): number {
    return this.bins.get(p)!.chunks[k].u;
  }
  rawV(p: number, k: number): number {
    return this.bins.get(p)!.chunks[k].v;
  }
}

/** The steps of htslib's hts_itr_query over a reference's bins. */
function queryRaw(raw: RawBins, minShift: number, depth: number, total: number, beg: number, end: number): Chunk[] {
  let bin = binFirst(depth) + shr(beg, minShift);
  let p = raw.rawOffset(bin);
  while (p < 0 && bin) {
    const first = (binParent(bin) << 3) + 1;
    if (bin > first) bin--;
    else bin = binParent(bin);
    p = raw.rawOffset(bin);
  }
  const minOff = p >= 0 ? raw.rawLoff(bin, p) : 0;

  let maxOff = Infinity;
  bin = binFirst(depth) + shr(end - 1, minShift) + 1;
  if (bin >= total) bin = 0;
  for (;;) {
    while (bin % 8 === 1) bin = binParent(bin);
    if (bin === 0) break;
    const q = raw.rawOffset(bin);
    if (q >= 0 && raw.rawCount(q) > 0) {
      maxOff = raw.rawU(q, 0);
      break;
    }
    bin++;
  }

  const off: Chunk[] = [];
  for (const bn of reg2bins(beg, end, minShift, depth)) {
    const q = raw.rawOffset(bn);
    if (q < 0) continue;
    const n = raw.rawCount(q);
    for (let k = 0; k < n; k++) {
      const v = raw.rawV(q, k);
      if (v <= minOff) continue;
      const u = raw.rawU(q, k);
      if (u < maxOff) off.push({ u, v });
    }
  }
  return settle(off);
}

/** Sort the chunks, drop nested ones, resolve overlaps and merge those meeting in one block. */
function settle(off: Chunk[]): Chunk[] {
  if (off.length === 0) return off;
  off.sort((a, b) => a.u - b.u);
  // drop chunks contained in the previous one
  let l = 0;
  for (let i = 1; i < off.length; i++) if (off[l].v < off[i].v) off[++l] = off[i];
  off.length = l + 1;
  // resolve overlaps between neighbours (possible after the merges done when indexing)
  for (let i = 1; i < off.length; i++) if (off[i - 1].v >= off[i].u) off[i - 1].v = off[i].u;
  // merge chunks whose boundary falls in the same BGZF block
  l = 0;
  for (let i = 1; i < off.length; i++) {
    if (shr(off[l].v, 16) === shr(off[i].u, 16)) off[l].v = off[i].v;
    else off[++l] = off[i];
  }
  off.length = l + 1;
  return off;
}
