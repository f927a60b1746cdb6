/**
 * Random access by region (`-r`/`-R`) into BGZF VCF (.csi/.tbi) or BGZF BCF (.csi; its records are
 * printed as VCF text as bcftools prints them): reads only the BGZF blocks the index points at,
 * through one file descriptor and a block cache shared by every region of a query, and yields
 * VcfRecords in bcftools order: contig by contig in order of first appearance in the region list,
 * regions sorted and merged within a contig, records in file order within a region.
 *
 * Selection follows htslib: the index iterator keeps records whose tabix interval overlaps the
 * region; the synced reader then keeps those whose span under --regions-overlap (default 1)
 * overlaps it, and drops a record that starts at or before the end of the previous region of the
 * same contig (it was output there), so a record spanning two regions is written once.
 */
import * as fs from 'node:fs';
import { VcfError } from './errors.js';
import type { VcfHeader } from './header.js';
import { VcfReader, tooFewColumns } from './reader.js';
import { VcfRecord } from './record.js';
import { BgzfByteReader, BgzfCursor, BgzfFile, BgzfLineReader } from './index/bgzf.js';
import { readBcfHead, readBcfRecord } from './index/bcf-index.js';
import { BcfLineFormatter } from './bcf/decode.js';
import type { BcfDictionary } from './bcf/dict.js';
import type { Chunk, IndexData, RefIndex } from './index/format.js';
import { queryChunks } from './index/query.js';
import { findIndex, indexCandidates, loadIndex, requireBgzfVcf, tabixInterval } from './index/vcf-index.js';
import {
  endIsInteger, loadRegions, parseOverlapMode, recordSpan, recordSpanTo, resolveContigs,
  type Interval, type OverlapMode, type RegionSet,
} from './regions.js';

export interface RegionReaderOptions {
  /** index file to use instead of looking next to the data file */
  indexPath?: string;
  /** bytes of inflated blocks to cache (default 8 MiB: regions come sorted, a block is rarely needed again after the next few regions) */
  cacheBytes?: number;
}

const DEFAULT_CACHE = 1 << 20;

const BATCH = 512;

/** bytes of the buffers the lines of VCF records are copied into */
const LINES = 1 << 20;
/** the most bytes of a block copied at a time (when the line is shorter) */
const COPY_MAX = 1 << 15;

/** A walk over the regions of a VCF (see RegionReader.fill). */
interface Walk {
  plans: RegionPlan[];
  /** the next plan to start */
  i: number;
  /** the region being read, and its chunks' progress (null between regions) */
  plan: RegionPlan | null;
  steps: ChunkSteps | null;
  lr: BgzfLineReader;
  mode: OverlapMode;
  useEnd: boolean;
  /** recordSpanTo's answer, reused */
  span: [number, number];
}

interface RegionPlan {
  chrom: Buffer;
  iv: Interval;
  /** end of the previous region of the same contig (records starting there were output) */
  prevEnd: number;
  chunks: Chunk[];
}

/** An indexed BGZF VCF or BCF opened for region queries. */
export class RegionReader {
  readonly file: string;
  readonly header: VcfHeader;
  /** BCF input: its dictionaries (records are decoded to VCF text as bcftools prints them) */
  readonly bcf: BcfDictionary | null;
  readonly index: IndexData;
  readonly indexPath: string;
  /** warnings found while opening (e.g. an index older than the data) */
  readonly notices: string[] = [];
  private readonly bgzf: BgzfFile;
  private readonly names: string[];
  private readonly tids = new Map<string, number>();
  /** the cursor iterate() reads with */
  private cursor: BgzfCursor | null = null;
  /** where region() copies the lines it hands out (see batchesOf for when it is reused) */
  private lines: Buffer = Buffer.alloc(0);
  private linesN = 0;
  /**
   * The last piece of a block copied into `lines`: source buffer and range, and where it went.
   * Lines that follow in the same block are usually inside it: their records point into the copy,
   * so a region's lines cost one copy rather than one each.
   */
  private copySrc: Buffer | null = null;
  private copyFrom = 0;
  private copyTo = 0;
  private copyAt = 0;

  private constructor(file: string, header: VcfHeader, index: IndexData, indexPath: string, bgzf: BgzfFile, bcf: BcfDictionary | null) {
    this.file = file;
    this.header = header;
    this.bcf = bcf;
    this.index = index;
    this.indexPath = indexPath;
    this.bgzf = bgzf;
    // VCF indexes name their contigs; a CSI without names (BCF) numbers them as the BCF dictionary does
    this.names = index.tabix ? index.tabix.names : bcf ? bcf.contigs.map((c) => c ?? '') : [...header.contigs.keys()];
    this.names.forEach((n, i) => this.tids.set(n, i));
  }

  static async open(file: string, opts: RegionReaderOptions = {}): Promise<RegionReader> {
    requireBgzfVcf(file, 'regions');
    const bgzf = BgzfFile.open(file, { cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE });
    let header: VcfHeader;
    let dict: BcfDictionary | null = null;
    let index: IndexData;
    let indexPath: string | null;
    try {
      const first = bgzf.block(0);
      const isBcf = !!first && first.data.length >= 3 && first.data[0] === 66 && first.data[1] === 67 && first.data[2] === 70;
      // a BCF's index is always a .csi
      indexPath = opts.indexPath ?? findIndex(file, isBcf);
      if (!indexPath) {
        throw new VcfError('INDEX_NOT_FOUND', `no index found (looked for ${indexCandidates(file, isBcf).map((c) => c.slice(c.lastIndexOf('/') + 1)).join(', ')}): -r/-R need one; create it with \`vcf-agent index ${file}\``, { file });
      }
      index = loadIndex(indexPath);
      if (isBcf) {
        const head = readBcfHead(new BgzfByteReader(bgzf), file);
        header = head.header;
        dict = head.dict;
      } else {
        header = await readHeader(bgzf, file);
      }
    } catch (e) {
      bgzf.close();
      throw e;
    }
    const r = new RegionReader(file, header, index, indexPath, bgzf, dict);
    try {
      if (fs.statSync(indexPath).mtimeMs < fs.statSync(file).mtimeMs) {
        r.notices.push(`the index ${indexPath} is older than the data file: if the file changed, rebuild it with \`vcf-agent index -f ${file}\``);
      }
    } catch {
      /* stat failures surface elsewhere */
    }
    return r;
  }

  /** Contig names the file has: those in the index and those the header declares. */
  contigs(): Set<string> {
    return new Set([...this.names, ...this.header.contigs.keys()]);
  }

  /** Match a region set to this file's contig names (aliases, missing contigs, empty regions). */
  resolve(set: RegionSet) {
    return resolveContigs(set, this.contigs(), 'region', this.file);
  }

  private ref(chrom: string): { tid: number; ref: RefIndex } | null {
    const tid = this.tids.get(chrom);
    if (tid === undefined || tid >= this.index.refs.length) return null;
    return { tid, ref: this.index.refs[tid] };
  }

  /** Per region of the set (in bcftools order): its contig, interval, previous end and chunks. */
  private plan(set: RegionSet): RegionPlan[] {
    const out: RegionPlan[] = [];
    for (const chrom of set.seqs) {
      const r = this.ref(chrom);
      if (!r) continue;
      const chromBytes = Buffer.from(chrom, 'latin1');
      let prevEnd = -Infinity;
      for (const iv of set.intervals(chrom)) {
        // 0-based, half-open query, as tbx_itr_queryi(tid, start, end + 1)
        out.push({ chrom: chromBytes, iv, prevEnd, chunks: queryChunks(this.index, r.ref, iv.beg - 1, iv.end) });
        prevEnd = iv.end;
      }
    }
    return out;
  }

  /**
   * Records overlapping the regions (already resolved to this file's contig names), in bcftools
   * order. Synchronous: reads through the cache with blocking reads.
   */
  *iterate(set: RegionSet, overlap: OverlapMode = 1): Generator<VcfRecord> {
    if (this.bcf) {
      yield* this.iterateBcf(set, overlap);
      return;
    }
    const w = this.walk(set, overlap);
    const out: VcfRecord[] = [];
    for (;;) {
      const more = this.fill(w, out, BATCH);
      yield* out;
      out.length = 0;
      if (!more) return;
    }
  }

  /**
   * Start a walk over the regions of a VCF. Its records are copied out of the blocks (lines into
   * this.lines), so the memory of a block can be reused as soon as the cache lets it go and the
   * cursor has left it, i.e. from one region to the next.
   */
  private walk(set: RegionSet, mode: OverlapMode): Walk {
    this.bgzf.recycle();
    const lr = new BgzfLineReader(this.bgzf);
    this.cursor = lr;
    return { plans: this.plan(set), i: 0, plan: null, steps: null, lr, mode, useEnd: endIsInteger(this.header), span: [0, 0] };
  }

  /**
   * Add the walk's next records to `out` until it holds `max`: true when there may be more, false
   * when the last region is done. (A loop rather than generators: these few functions run for every
   * line, and a short run, such as a thousand small regions, is over before V8 has optimised much.)
   */
  private fill(w: Walk, out: VcfRecord[], max: number): boolean {
    for (;;) {
      if (w.steps === null) {
        if (w.i >= w.plans.length) return false;
        const p = w.plans[w.i++];
        this.bgzf.nextEpoch(w.lr.current);
        if (p.chunks.length === 0) continue;
        w.plan = p;
        w.steps = new ChunkSteps(w.lr, p.chunks);
      }
      if (out.length >= max) return true;
      if (!this.region(w, out, max)) w.steps = null;
    }
  }

  /** Records of the walk's current region into `out`: true when it stopped because `out` is full, false when the region is done. */
  private region(w: Walk, out: VcfRecord[], max: number): boolean {
    const lr = w.lr;
    const steps = w.steps!;
    const { chrom, iv, prevEnd } = w.plan!;
    const qbeg = iv.beg - 1;
    const qend = iv.end;
    const header = this.header;
    const file = this.file;
    const clen = chrom.length;
    const span = w.span;
    // the quick look at CHROM below needs a name without a tab (a tab ends the column)
    const quick = chrom.indexOf(9) < 0;
    while (steps.step()) {
      if (!lr.next()) return false;
      const buf = lr.buf;
      const s = lr.start;
      const e = lr.end;
      if (e === s || buf[s] === 35) continue; // blank or comment line
      // the common line: this contig's name, a tab, POS as plain decimal digits and a tab. Its tabix
      // interval starts at POS-1 and ends after it, so a record starting at or after the query's
      // start overlaps it; other lines take tabix's full parse (END, odd POS, errors).
      let overlaps = false;
      if (quick && s + clen < e && buf[s + clen] === 9) {
        let same = true;
        for (let k = 0; k < clen; k++) {
          if (buf[s + k] !== chrom[k]) {
            same = false;
            break;
          }
        }
        let p = s + clen + 1;
        if (same && p < e && buf[p] >= 49 && buf[p] <= 57) {
          let v = 0;
          for (; p < e; p++) {
            const d = buf[p] - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
          }
          if (p < e && buf[p] === 9) {
            if (v - 1 >= qend) return false;
            overlaps = v - 1 >= qbeg;
          }
        }
      }
      if (!overlaps) {
        const t = tabixInterval(buf, s, e);
        if (typeof t === 'string') {
          throw new VcfError('VCF_RECORD_BAD_POS', `${t} (record at compressed offset ${Math.floor(lr.tell() / 65536)})`, { file });
        }
        if (t.chromEnd - s !== clen || buf.compare(chrom, 0, clen, s, t.chromEnd) !== 0 || t.beg >= qend) return false;
        if (!(t.end > qbeg && qend > t.beg)) continue;
      }
      // records never point into block memory (it is reused for the next block while it is still in
      // the CPU's caches): the line is read from a copy of the block's bytes from it on
      let at: number;
      if (buf === this.copySrc && s >= this.copyFrom && e < this.copyTo) at = this.copyAt + (s - this.copyFrom);
      else at = this.copyOut(buf, s, e, lr.valid);
      const rec = new VcfRecord(this.lines, at, at + (e - s), 0, header, file);
      if (rec.nFixed < 8) throw tooFewColumns(rec.nFixed, file, 0, e - s + 1);
      recordSpanTo(rec, w.mode, w.useEnd, span);
      if (span[0] <= prevEnd || span[1] < iv.beg || span[0] > iv.end) continue;
      out.push(rec);
      if (out.length >= max) return true;
    }
    return false;
  }

  /**
   * Copy buf[s, valid) (at most COPY_MAX bytes, but the whole line and the byte after it) into
   * `lines`; valid < 0: only the line, and a '\n' after it. Returns where the line starts there.
   */
  private copyOut(buf: Buffer, s: number, e: number, valid: number): number {
    let to: number;
    if (valid < 0) to = e;
    else {
      to = Math.min(valid, s + COPY_MAX);
      if (to < e + 1) to = e + 1;
    }
    const n = to - s + (valid < 0 ? 1 : 0);
    let lb = this.lines;
    let at = this.linesN;
    if (at + n > lb.length) {
      // a full buffer stays with the records that point into it
      lb = this.lines = Buffer.allocUnsafe(Math.max(LINES, n));
      at = 0;
    }
    buf.copy(lb, at, s, to);
    if (valid < 0) {
      lb[at + n - 1] = 10;
      this.copySrc = null;
    } else {
      this.copySrc = buf;
      this.copyFrom = s;
      this.copyTo = to;
      this.copyAt = at;
    }
    this.linesN = at + n;
    return at;
  }

  /** The records of a BCF, region by region. */
  private *iterateBcf(set: RegionSet, overlap: OverlapMode): Generator<VcfRecord> {
    const useEnd = endIsInteger(this.header);
    // records are printed into the formatter's buffer: block memory is reused from one region to the next
    const bgzf = this.bgzf;
    bgzf.recycle();
    const br = new BgzfByteReader(bgzf);
    this.cursor = br;
    const fmt = new BcfLineFormatter(this.bcf!, this.header.samples.length, this.file, 1 << 16);
    for (const p of this.plan(set)) {
      bgzf.nextEpoch(br.current);
      yield* this.bcfRegion(br, fmt, p, overlap, useEnd);
    }
  }

  /**
   * The records of one region of a BCF: htslib's iterator (records whose [POS-1, POS-1+rlen)
   * overlaps the region, rlen as stored), then the synced reader's overlap rule on the VCF text.
   * Each record is printed as VCF into the formatter's buffer; a full buffer is replaced, never
   * overwritten, so records handed out stay valid.
   */
  private *bcfRegion(br: BgzfByteReader, fmt: BcfLineFormatter, plan: RegionPlan, mode: OverlapMode, useEnd: boolean): Generator<VcfRecord> {
    const { iv, prevEnd, chunks } = plan;
    if (chunks.length === 0) return;
    const tid = this.tids.get(plan.chrom.toString('latin1'))!;
    const qbeg = iv.beg - 1;
    const qend = iv.end;
    const steps = new ChunkSteps(br, chunks);
    while (steps.step()) {
      const r = readBcfRecord(br, this.file);
      if (r === null) return;
      if (r.rid !== tid || r.pos >= qend) return;
      if (!(r.pos + r.rlen > qbeg && qend > r.pos)) continue;
      if (fmt.n > (1 << 16) - 4096) {
        fmt.o = Buffer.allocUnsafe(fmt.o.length);
        fmt.n = 0;
      }
      const s = fmt.n;
      fmt.format(r.buf, r.p, r.lShared, r.lIndiv, 0);
      const rec = new VcfRecord(fmt.o, s, fmt.n - 1, 0, this.header, this.file);
      const [b, en] = recordSpan(rec, mode, useEnd);
      if (b <= prevEnd || en < iv.beg || b > iv.end) continue;
      yield rec;
    }
  }

  /**
   * Records in batches, giving the event loop a turn between batches. A batch (its records' bytes)
   * is valid until the next one is asked for: the memory of blocks is recycled after that.
   */
  batches(set: RegionSet, overlap: OverlapMode = 1): AsyncGenerator<VcfRecord[]> {
    return this.batchesOf(set, overlap, true);
  }

  private async *batchesOf(set: RegionSet, overlap: OverlapMode, recycle: boolean): AsyncGenerator<VcfRecord[]> {
    let out: VcfRecord[] = [];
    if (this.bcf) {
      for (const rec of this.iterateBcf(set, overlap)) {
        out.push(rec);
        if (out.length >= BATCH) {
          yield out;
          out = [];
        }
      }
      if (out.length) yield out;
      return;
    }
    const w = this.walk(set, overlap);
    for (;;) {
      const more = this.fill(w, out, BATCH);
      if (out.length) {
        yield out;
        // the consumer is done with the batch: the lines buffer it pointed into is reused; records
        // that are kept (records()) keep theirs, and the next lines go to a new one
        if (recycle) this.linesN = 0;
        else {
          this.lines = Buffer.alloc(0);
          this.linesN = 0;
        }
        this.copySrc = null;
        out = [];
      }
      if (!more) return;
    }
  }

  /** Records one by one; each stays valid (their lines are never overwritten). */
  async *records(set: RegionSet, overlap: OverlapMode = 1): AsyncGenerator<VcfRecord> {
    for await (const b of this.batchesOf(set, overlap, false)) yield* b;
  }

  /** statistics of the underlying file: raw bytes read and blocks inflated */
  stats(): { bytesRead: number; blocksInflated: number } {
    return { bytesRead: this.bgzf.bytesRead, blocksInflated: this.bgzf.blocksInflated };
  }

  close(): void {
    this.bgzf.close();
  }
}

/** The VCF header (up to and including #CHROM) read from the start of the BGZF file (BCF is read by readBcfHead). */
async function readHeader(bgzf: BgzfFile, file: string): Promise<VcfHeader> {
  const lr = new BgzfLineReader(bgzf);
  lr.seek(0);
  const parts: Buffer[] = [];
  while (lr.next()) {
    const { buf, start, end } = lr;
    parts.push(buf.subarray(start, end), NL);
    if (end > start && buf[start] !== 35) break; // a data line: the header is over (the reader reports it)
    if (end - start >= 2 && buf[start] === 35 && buf[start + 1] !== 35) break; // #CHROM
  }
  const reader = await VcfReader.fromBuffer(file, Buffer.concat(parts));
  const header = reader.header;
  await reader.close();
  return header;
}

const NL = Buffer.from('\n');

export interface RegionQueryOptions extends RegionReaderOptions {
  /** `-r` region list */
  regions?: string;
  /** `-R` regions file */
  regionsFile?: string;
  /** `--regions-overlap` 0|1|2|pos|record|variant (default 1) */
  overlap?: OverlapMode | string;
}

/** A region query ready to run: the header, what the CLI should print, and the records. */
export interface RegionQuery {
  readonly file: string;
  readonly header: VcfHeader;
  /** the regions after contig matching */
  readonly regions: RegionSet;
  /** things to tell the user on stderr (renamed or missing contigs, empty regions, stale index) */
  readonly notices: string[];
  /** batches of records; a batch is valid until the next one is asked for (block memory is recycled) */
  batches(): AsyncGenerator<VcfRecord[]>;
  /** records one by one, each valid for as long as it is kept */
  records(): AsyncGenerator<VcfRecord>;
  close(): void;
}

/** Open `file` for `-r LIST` or `-R FILE` with bcftools semantics. */
export async function openRegionQuery(file: string, opts: RegionQueryOptions): Promise<RegionQuery> {
  const overlap = typeof opts.overlap === 'number' ? opts.overlap : parseOverlapMode(opts.overlap, '--regions-overlap');
  const { set, notices } = await loadRegions({ list: opts.regions, file: opts.regionsFile });
  const reader = await RegionReader.open(file, opts);
  const resolved = reader.resolve(set);
  const all = [...notices, ...reader.notices, ...resolved.notices];
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      reader.close();
    }
  };
  async function* batches(): AsyncGenerator<VcfRecord[]> {
    try {
      yield* reader.batches(resolved.set, overlap);
    } finally {
      close();
    }
  }
  async function* records(): AsyncGenerator<VcfRecord> {
    try {
      yield* reader.records(resolved.set, overlap);
    } finally {
      close();
    }
  }
  return {
    file,
    header: reader.header,
    regions: resolved.set,
    notices: all,
    batches,
    records,
    close,
  };
}

/**
 * htslib's index iterator over a region's chunks: before each read, step() seeks to the next chunk
 * when the reader is past the current one's end (unless that chunk continues it), and is false once
 * the reader is past the last chunk's end. The caller reads (stopping at the end of the file) and
 * applies its own overlap rules.
 */
class ChunkSteps {
  private i = -1;
  constructor(private readonly cur: BgzfCursor, private readonly chunks: Chunk[]) {}
  step(): boolean {
    const { cur, chunks } = this;
    const i = this.i;
    if (i < 0 || cur.tell() >= chunks[i].v) {
      if (i === chunks.length - 1) return false;
      if (i < 0 || chunks[i].v !== chunks[i + 1].u) cur.seek(chunks[i + 1].u);
      this.i = i + 1;
    }
    return true;
  }
}
