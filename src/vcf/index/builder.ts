/**
 * Builds TBI/CSI binning and linear indexes from (tid, beg, end, offset) pushes, reproducing
 * htslib's hts_idx_push / hts_idx_finish (update_loff, compress_binning) so the chunks, loffsets
 * and linear index equal those of `bcftools index`/`tabix`. Bins are written in the iteration
 * order of htslib's khash table (modelled by KhashOrder), which makes our uncompressed index
 * byte-identical to htslib's for the same input.
 */
import { VcfError } from '../errors.js';
import { binBot, binFirst, binParent, maxPos, metaBin, nBins, reg2bin, shr } from './binning.js';
import type { Bin, Chunk, IndexData, RefIndex, TabixConf } from './format.js';

/** The slot layout of khash (khash.h, integer keys, identity hash): only keys and flags. */
export class KhashOrder {
  private keys: number[] = [];
  /** 0 empty, 1 occupied, 2 deleted */
  private flags: Uint8Array = new Uint8Array(0);
  private nBuckets = 0;
  private size = 0;
  private nOccupied = 0;
  private upper = 0;

  put(key: number): void {
    if (this.nOccupied >= this.upper) {
      if (this.nBuckets > this.size << 1) this.resize(this.nBuckets - 1);
      else this.resize(this.nBuckets + 1);
    }
    const mask = this.nBuckets - 1;
    let x = this.nBuckets;
    let site = this.nBuckets;
    let i = key & mask;
    if (this.flags[i] === 0) x = i;
    else {
      const last = i;
      let step = 0;
      while (this.flags[i] !== 0 && (this.flags[i] === 2 || this.keys[i] !== key)) {
        if (this.flags[i] === 2) site = i;
        i = (i + ++step) & mask;
        if (i === last) {
          x = site;
          break;
        }
      }
      if (x === this.nBuckets) x = this.flags[i] === 0 && site !== this.nBuckets ? site : i;
    }
    if (this.flags[x] === 0) {
      this.keys[x] = key;
      this.flags[x] = 1;
      this.size++;
      this.nOccupied++;
    } else if (this.flags[x] === 2) {
      this.keys[x] = key;
      this.flags[x] = 1;
      this.size++;
    }
  }

  del(key: number): void {
    const x = this.find(key);
    if (x >= 0) {
      this.flags[x] = 2;
      this.size--;
    }
  }

  private find(key: number): number {
    if (!this.nBuckets) return -1;
    const mask = this.nBuckets - 1;
    let i = key & mask;
    const last = i;
    let step = 0;
    while (this.flags[i] !== 0 && (this.flags[i] === 2 || this.keys[i] !== key)) {
      i = (i + ++step) & mask;
      if (i === last) return -1;
    }
    return this.flags[i] === 1 ? i : -1;
  }

  private resize(want: number): void {
    let n = roundup32(want);
    if (n < 4) n = 4;
    if (this.size >= Math.floor(n * 0.77 + 0.5)) return;
    const newFlags = new Uint8Array(n);
    const newMask = n - 1;
    const keys = this.keys;
    const flags = this.flags;
    const old = this.nBuckets;
    for (let j = 0; j < old; j++) {
      if (flags[j] !== 1) continue;
      let key = keys[j];
      flags[j] = 2;
      for (;;) {
        let i = key & newMask;
        let step = 0;
        while (newFlags[i] !== 0) i = (i + ++step) & newMask;
        newFlags[i] = 1;
        if (i < old && flags[i] === 1) {
          const t = keys[i];
          keys[i] = key;
          key = t;
          flags[i] = 2;
        } else {
          keys[i] = key;
          break;
        }
      }
    }
    if (keys.length > n) keys.length = n;
    this.flags = newFlags;
    this.nBuckets = n;
    this.nOccupied = this.size;
    this.upper = Math.floor(n * 0.77 + 0.5);
  }

  /** keys in iteration order (kh_begin .. kh_end) */
  order(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.nBuckets; i++) if (this.flags[i] === 1) out.push(this.keys[i]);
    return out;
  }
}

function roundup32(x: number): number {
  let v = x - 1;
  v |= v >>> 1; v |= v >>> 2; v |= v >>> 4; v |= v >>> 8; v |= v >>> 16;
  return (v >>> 0) + 1;
}

interface BuildRef {
  bins: Map<number, Bin>;
  hash: KhashOrder;
  /** linear index; -1 = unset */
  linear: number[];
}

/** Why a push was refused; the caller turns it into a located error (or rebuilds deeper). */
export class PushError extends Error {
  constructor(readonly kind: 'unsorted' | 'not-contiguous' | 'too-far' | 'bad-span', message: string, readonly prev = 0) {
    super(message);
  }
}

const UNSET = 0xffffffff;

export class IndexBuilder {
  readonly format: 'tbi' | 'csi';
  readonly minShift: number;
  readonly depth: number;
  private readonly nBins: number;
  private readonly metaBin: number;
  private readonly maxPos: number;
  private refs: (BuildRef | undefined)[] = [];
  private n = 0;
  private finished = false;
  // htslib's idx->z
  private lastBin = UNSET;
  private saveBin = UNSET;
  private lastTid = -1;
  private saveTid = -1;
  private lastCoor = UNSET;
  private lastOff: number;
  private saveOff: number;
  private offBeg: number;
  private offEnd: number;
  private nMapped = 0;
  private nUnmapped = 0;
  private started = false;

  constructor(format: 'tbi' | 'csi', minShift: number, depth: number, offset0: number) {
    this.format = format;
    this.minShift = minShift;
    this.depth = depth;
    this.nBins = nBins(depth);
    this.metaBin = metaBin(depth);
    this.maxPos = maxPos(minShift, depth);
    this.lastOff = this.saveOff = this.offBeg = this.offEnd = offset0;
  }

  /** At least n references in the index, as hts_idx_init(n, ...) (BCF: one per header contig). */
  reserve(n: number): void {
    if (n > this.n) this.n = n;
  }

  private ref(tid: number): BuildRef {
    let r = this.refs[tid];
    if (!r) {
      r = { bins: new Map(), hash: new KhashOrder(), linear: [] };
      this.refs[tid] = r;
    }
    return r;
  }

  private insertBin(tid: number, bin: number, u: number, v: number): void {
    const r = this.ref(tid);
    r.hash.put(bin);
    let b = r.bins.get(bin);
    if (!b) {
      b = { bin, loff: 0, chunks: [] };
      r.bins.set(bin, b);
    }
    b.chunks.push({ u, v });
  }

  private insertLinear(r: BuildRef, beg: number, end: number, offset: number): void {
    const b = shr(beg, this.minShift);
    const e = shr(end - 1, this.minShift);
    const lin = r.linear;
    while (lin.length < e + 1) lin.push(-1);
    for (let i = b; i <= e; i++) if (lin[i] === -1) lin[i] = offset;
  }

  /**
   * One record of reference `tid` spanning [beg, end) (0-based), ending at virtual offset
   * `offset` (the offset after the record; the record starts where the previous one ended).
   */
  push(tid: number, beg: number, end: number, offset: number): void {
    if (beg > this.maxPos || end > this.maxPos) {
      throw new PushError('too-far', `position ${Math.max(beg, end)} is beyond the ${this.format.toUpperCase()} limit of ${this.maxPos}`);
    }
    if (tid + 1 > this.n) this.n = tid + 1;
    if (this.lastTid !== tid || !this.started) {
      if (this.refs[tid]) throw new PushError('not-contiguous', 'records of a contig are not together');
      this.lastTid = tid;
      this.lastBin = UNSET;
      this.started = true;
    } else if (this.lastCoor > beg) {
      throw new PushError('unsorted', `position ${beg + 1} follows ${this.lastCoor + 1}`, this.lastCoor + 1);
    } else if (end < beg) {
      throw new PushError('bad-span', `end ${end} before begin ${beg + 1}`);
    }
    const r = this.ref(tid);
    if (beg < 0) beg = 0;
    if (end <= 0) end = 1;
    this.insertLinear(r, beg, end, this.lastOff);
    const bin = reg2bin(beg, end, this.minShift, this.depth);
    if (this.lastBin !== bin) {
      if (this.saveBin !== UNSET) this.insertBin(this.saveTid, this.saveBin, this.saveOff, this.lastOff);
      if (this.lastBin === UNSET && this.saveBin !== UNSET) {
        // change of contig: keep its meta information
        this.offEnd = this.lastOff;
        this.insertBin(this.saveTid, this.metaBin, this.offBeg, this.offEnd);
        this.insertBin(this.saveTid, this.metaBin, this.nMapped, this.nUnmapped);
        this.nMapped = this.nUnmapped = 0;
        this.offBeg = this.offEnd;
      }
      this.saveOff = this.lastOff;
      this.saveBin = this.lastBin = bin;
      this.saveTid = tid;
    }
    this.nMapped++;
    this.lastOff = offset;
    this.lastCoor = beg;
  }

  /** Close the index at the final virtual offset (end of file). */
  finish(finalOffset: number, tabix?: TabixConf): IndexData {
    if (this.finished) throw new VcfError('INTERNAL', 'index finished twice', {}, 'internal');
    this.finished = true;
    if (this.saveTid >= 0 && this.started) {
      this.insertBin(this.saveTid, this.saveBin, this.saveOff, finalOffset);
      this.insertBin(this.saveTid, this.metaBin, this.offBeg, finalOffset);
      this.insertBin(this.saveTid, this.metaBin, this.nMapped, this.nUnmapped);
    }
    const out: RefIndex[] = [];
    for (let i = 0; i < this.n; i++) {
      const r = this.refs[i];
      if (!r) {
        out.push({ bins: new Map(), order: [], linear: [] });
        continue;
      }
      this.updateLoff(r);
      this.compressBinning(r);
      out.push({ bins: r.bins, order: r.hash.order(), linear: this.format === 'tbi' ? r.linear : [] });
    }
    return { format: this.format, minShift: this.minShift, depth: this.depth, tabix, refs: out, nNoCoor: 0 };
  }

  private updateLoff(r: BuildRef): void {
    // htslib 1.16: an empty window gets the offset of the next record (the last entry is set)
    const lin = r.linear;
    for (let l = lin.length - 2; l >= 0; l--) if (lin[l] === -1) lin[l] = lin[l + 1];
    for (const b of r.bins.values()) {
      if (b.bin < this.nBins) {
        const bot = binBot(b.bin, this.depth);
        b.loff = bot < lin.length ? lin[bot] : 0;
      } else b.loff = 0;
    }
  }

  private compressBinning(r: BuildRef): void {
    const bins = r.bins;
    const byU = (a: Chunk, b: Chunk) => a.u - b.u;
    // merge a bin into its parent when its chunks span less than 64 KiB of compressed file
    for (let l = this.depth; l > 0; l--) {
      const start = binFirst(l);
      for (const key of r.hash.order()) {
        if (key >= this.nBins || key < start) continue;
        const p = bins.get(key)!;
        if (l < this.depth && p.chunks.length > 1) p.chunks.sort(byU);
        const list = p.chunks;
        if (shr(list[list.length - 1].v, 16) - shr(list[0].u, 16) < 0x10000) {
          const q = bins.get(binParent(key));
          if (!q) continue;
          for (const c of list) q.chunks.push(c);
          bins.delete(key);
          r.hash.del(key);
        }
      }
    }
    const root = bins.get(0);
    if (root) root.chunks.sort(byU);
    // merge adjacent chunks that start in the same BGZF block
    for (const b of bins.values()) {
      if (b.bin >= this.nBins) continue;
      const list = b.chunks;
      let m = 0;
      for (let i = 1; i < list.length; i++) {
        if (shr(list[m].v, 16) >= shr(list[i].u, 16)) {
          if (list[m].v < list[i].v) list[m].v = list[i].v;
        } else list[++m] = list[i];
      }
      list.length = m + 1;
    }
  }
}
