/**
 * ClinVar INFO fields (`CLNSIG`, `CLNREVSTAT`, `GENEINFO`, `CLNDN`) and the `--clinvar FILE` join.
 *
 * GENEINFO is `SYMBOL:GeneID|SYMBOL:GeneID`. The join matches a variant to a ClinVar record by a
 * normalised key: the contig without `chr` (M → MT), then POS/REF/ALT trimmed (or left-aligned when
 * a reference is given) exactly as the store's own keys, so `chr1` and `1` files both match.
 * ClinvarIndex does the join in memory bounded by a region window when the ClinVar file is indexed.
 */
import { normalizeAllele, type FastaReader, type NormalizedAllele } from './normalize.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contigAliases, RegionSet } from '../vcf/regions.js';
import { emptyEntry, type AnnEntry } from './ann.js';
import { VcfReader } from '../vcf/reader.js';
import type { VcfRecord } from '../vcf/record.js';
import { VcfError } from '../vcf/errors.js';
import { RegionReader } from '../vcf/region-reader.js';
import { fileKind } from '../vcf/index/bgzf.js';
import { isBgzfBcf } from '../vcf/index/bcf-index.js';
import { buildVcfIndex, findIndex, writeIndex } from '../vcf/index/vcf-index.js';

export interface ClinvarInfo {
  clnsig: string | null;
  clnrevstat: string | null;
  clndn: string | null;
  /** GENEINFO as written */
  geneinfo: string | null;
}

type InfoGet = (key: string) => string | true | undefined;

const str = (v: string | true | undefined): string | null => (typeof v === 'string' && v !== '' && v !== '.' ? v : null);

/** ClinVar fields of a record's INFO, or undefined when it has none of them. */
export function clinvarOfInfo(get: InfoGet): ClinvarInfo | undefined {
  const c: ClinvarInfo = { clnsig: str(get('CLNSIG')), clnrevstat: str(get('CLNREVSTAT')), clndn: str(get('CLNDN')), geneinfo: str(get('GENEINFO')) };
  return c.clnsig || c.clnrevstat || c.clndn || c.geneinfo ? c : undefined;
}

/** GENEINFO → one AnnEntry per gene (no consequence: ClinVar's MC is not per transcript) */
export function geneInfoEntries(geneinfo: string | null): AnnEntry[] {
  if (!geneinfo) return [];
  return geneinfo.split('|').filter(Boolean).map((g) => {
    const [sym, id] = g.split(':');
    const e = emptyEntry();
    e.gene = sym;
    e.geneId = id ?? '';
    return e;
  });
}

/** the contig spelling used in join keys: no `chr` prefix, mitochondria as MT */
export function canonicalContig(name: string): string {
  const bare = name.startsWith('chr') ? name.slice(3) : name;
  return /^(M|MT)$/i.test(bare) ? 'MT' : bare;
}

/**
 * One allele normalised: left-aligned with the reference when it has the contig (under its own
 * name or its chr/no-chr alias), else only trimmed. `leftAligned` tells which.
 */
export function normalizeKeyAllele(chrom: string, pos: number, ref: string, alt: string, fasta?: FastaReader): NormalizedAllele & { leftAligned: boolean } {
  if (fasta) {
    const name = fasta.has(chrom) ? chrom : contigAliases(chrom).find((a) => fasta.has(a));
    // one base each: neither trimming nor left-alignment (nor a REF mismatch) changes the pair
    if (ref.length === 1 && alt.length === 1) return { pos, ref: ref.toUpperCase(), alt: alt.toUpperCase(), leftAligned: name !== undefined };
    if (name !== undefined) return { ...normalizeAllele(name, pos, ref, alt, fasta), leftAligned: true };
  }
  if (ref.length === 1 && alt.length === 1) return { pos, ref: ref.toUpperCase(), alt: alt.toUpperCase(), leftAligned: false };
  return { ...normalizeAllele(chrom, pos, ref, alt), leftAligned: false };
}

/** the value of INFO key `key` in a raw INFO column ('' for a flag), or undefined */
function infoField(raw: string, key: string): string | undefined {
  let i: number;
  if (raw.startsWith(key) && (raw.length === key.length || raw[key.length] === '=' || raw[key.length] === ';')) i = 0;
  else {
    i = raw.indexOf(';' + key);
    while (i >= 0 && !(i + 1 + key.length === raw.length || raw[i + 1 + key.length] === '=' || raw[i + 1 + key.length] === ';')) i = raw.indexOf(';' + key, i + 1);
    if (i < 0) return undefined;
    i++;
  }
  const v = i + key.length;
  if (v === raw.length || raw[v] === ';') return '';
  const e = raw.indexOf(';', v + 1);
  return raw.slice(v + 1, e < 0 ? raw.length : e);
}

/** The join key of one normalised allele: canonical contig, POS, REF, ALT. */
export function joinKey(chrom: string, n: NormalizedAllele): string {
  return `${canonicalContig(chrom)}:${n.pos}:${n.ref}:${n.alt}`;
}


export interface ClinvarLoadOptions {
  /**
   * A ClinVar file without an index (plain or gzip VCF, or a BGZF BCF without .csi) is read into
   * memory; past this many distinct keys the load stops with an error asking for an indexed file
   * (default CLINVAR_IN_MEMORY_MAX).
   */
  maxInMemory?: number;
  /** bases a region window reaches past the lookup that loads it (default WINDOW_AHEAD) */
  windowAhead?: number;
  /** bases a region window reaches before the lookup that loads it (default WINDOW_BEHIND) */
  windowBehind?: number;
}

/**
 * Keys an unindexed ClinVar file may hold in memory: up to ~400 bytes each (key, Map entry, value
 * when not shared; measured on bench/clinvar-synth.ts's file), so at most ~100 MB. The full ClinVar
 * VCF (~3M records) needs its .tbi/.csi (it is distributed with one) or to be BGZF-compressed.
 */
export const CLINVAR_IN_MEMORY_MAX = 250_000;
/** a window reaches this far (bases) past the lookup that loads it: sorted input reads ClinVar once, in order */
export const WINDOW_AHEAD = 1_000_000;
/** ... and this far before it: normalised keys of position-sorted input step back a little (left-alignment) */
export const WINDOW_BEHIND = 10_000;
/** the smallest reach of a window when lookups keep going back (unsorted input) */
export const MIN_REACH = 10_000;
/** inflated BGZF blocks the region reader keeps: consecutive windows share a block or two */
const CACHE_BYTES = 1 << 20;
/** at most this many bases of right shift are searched for an indel in a tandem repeat */
export const MAX_REPEAT_SHIFT = 100_000;

export interface ClinvarStats {
  /** 'region': indexed file read window by window; 'memory': unindexed file read whole */
  mode: 'region' | 'memory';
  /** ClinVar records read (a record in two windows counts twice) */
  recordsRead: number;
  /** windows loaded ('region' mode) */
  windows: number;
  /** windows that started before the previous one of the contig, or on a contig left before (unsorted input) */
  backJumps: number;
  /** most keys held at once */
  peakKeys: number;
  /** the index the region mode reads: the file's own, or one built in memory for a BGZF VCF without one */
  index: 'file' | 'built' | null;
}

/**
 * The `--clinvar FILE` join, in bounded memory when FILE is indexed.
 *
 * Region mode (BGZF VCF/BCF with .tbi/.csi; a BGZF VCF without one gets an index built in one
 * streaming pass, held in a temporary file removed at once): `get(key)` makes sure the ClinVar
 * records that can normalise to `key` are loaded, by region through the index, then looks the key
 * up. Records are loaded a window at a time, [POS − WINDOW_BEHIND, POS + WINDOW_AHEAD] around the
 * lookup that needs a new window, and the previous window is dropped: memory is one window's keys,
 * not the file's. Which records can normalise to a key (contig C, POS p, REF r, ALT a):
 *  - without left-alignment (no --fasta, a contig the reference lacks, a REF the reference does not
 *    match) a record's key only drops padding, so its span [POS, POS + len(REF) − 1] holds p;
 *  - a left-aligned key: a record of the same event may sit anywhere along the tandem repeat the
 *    indel shifts through. The key is shifted right with the reference as far as it goes (S bases,
 *    at most MAX_REPEAT_SHIFT), and every representation's span overlaps [p, p + S + len(r)].
 * So each lookup loads a window covering [p, p + S + len(r)] of the file's spelling of C
 * (chr1/1, chrM/MT aliases) and sees every record that can match, whatever order lookups come in:
 * input that is not position-sorted still joins exactly, only with more window loads (counted in
 * stats().backJumps; windows shrink while lookups go back, see loadWindow). A contig ClinVar lacks
 * costs nothing.
 *
 * Memory mode (no index possible: plain or gzip VCF, BGZF BCF without .csi, BGZF VCF out of order):
 * every key in a Map, values interned, up to `maxInMemory` keys; beyond that the load fails with a
 * one-line error asking for a sorted BGZF file (`bgzip`, `vcf-agent index`).
 *
 * Where ClinVar has two records with one key, the later one in the file wins (both modes).
 */
export class ClinvarIndex {
  readonly file: string;
  private readonly fasta?: FastaReader;
  private readonly reader: RegionReader | null;
  private readonly ahead: number;
  private readonly behind: number;
  /** how far the next window reaches past its lookup (adapts to the lookup order, see loadWindow) */
  private reach: number;
  /** memory mode: every key; region mode: the current window's keys */
  private byKey = new Map<string, string>();
  private intern = new Map<string, string>();
  /** canonical contig -> the file's name for it (region mode) */
  private readonly contigOf = new Map<string, string>();
  /** the first segment of a key is the whole contig unless a contig name holds ':' */
  private readonly colonContigs: string[] = [];
  private winChrom: string | null = null;
  private winBeg = 0;
  private winEnd = -1;
  private readonly left = new Set<string>();
  private readonly st: ClinvarStats;

  private constructor(file: string, fasta: FastaReader | undefined, reader: RegionReader | null, index: ClinvarStats['index'], opts: ClinvarLoadOptions) {
    this.file = file;
    this.fasta = fasta;
    this.reader = reader;
    this.ahead = opts.windowAhead ?? WINDOW_AHEAD;
    this.behind = opts.windowBehind ?? WINDOW_BEHIND;
    this.reach = this.ahead;
    this.st = { mode: reader ? 'region' : 'memory', recordsRead: 0, windows: 0, backJumps: 0, peakKeys: 0, index };
    if (reader) {
      for (const name of reader.index.tabix ? reader.index.tabix.names : reader.contigs()) {
        const c = canonicalContig(name);
        if (!this.contigOf.has(c)) this.contigOf.set(c, name);
        if (c.includes(':')) this.colonContigs.push(c);
      }
      this.colonContigs.sort((a, b) => b.length - a.length);
    }
  }

  /** Open a ClinVar VCF for the join: by region when it is (or can be) indexed, else read whole. */
  static async load(file: string, fasta?: FastaReader, opts: ClinvarLoadOptions = {}): Promise<ClinvarIndex> {
    if (fileKind(file) === 'bgzf') {
      const isBcf = isBgzfBcf(file);
      if (findIndex(file, isBcf)) return new ClinvarIndex(file, fasta, await RegionReader.open(file, { cacheBytes: CACHE_BYTES }), 'file', opts);
      if (!isBcf) {
        const built = await buildTempIndex(file);
        if (built) {
          try {
            return new ClinvarIndex(file, fasta, await RegionReader.open(file, { indexPath: built, cacheBytes: CACHE_BYTES }), 'built', opts);
          } finally {
            fs.rmSync(built, { force: true });
          }
        }
      }
    }
    const ix = new ClinvarIndex(file, fasta, null, null, opts);
    const why = fileKind(file) === 'bgzf' ? 'cannot be indexed (a BCF without .csi, or records out of order)' : 'is not BGZF-compressed';
    await ix.loadAll(opts.maxInMemory ?? CLINVAR_IN_MEMORY_MAX, why);
    return ix;
  }

  /** memory mode: read the whole file */
  private async loadAll(max: number, why: string): Promise<void> {
    const reader = await VcfReader.open(this.file);
    try {
      for await (const batch of reader.batches()) {
        for (const rec of batch) {
          this.add(rec);
          if (this.byKey.size > max) {
            throw new VcfError('CLINVAR_NOT_INDEXED', `the ClinVar file ${why} and has more than ${max} alleles, too many to join in memory: give a sorted, BGZF-compressed VCF (\`bgzip\`, then \`vcf-agent index FILE.vcf.gz\`; ClinVar ships its .vcf.gz with a .tbi) to join by region`, { file: this.file });
          }
        }
      }
    } finally {
      await reader.close();
    }
    this.st.peakKeys = this.byKey.size;
  }

  /** the keys of one ClinVar record's ALTs */
  private add(rec: VcfRecord): void {
    this.st.recordsRead++;
    const raw = rec.infoRaw;
    const c = clinvarOfInfo((k) => infoField(raw, k));
    if (!c) return;
    let packed = `${c.clnsig ?? ''}\t${c.clnrevstat ?? ''}\t${c.clndn ?? ''}\t${c.geneinfo ?? ''}`;
    const seen = this.intern.get(packed);
    if (seen === undefined) this.intern.set(packed, packed);
    else packed = seen;
    const chrom = rec.chrom, pos = rec.pos, ref = rec.ref;
    for (const alt of rec.alt) {
      if (alt === '.' || alt.startsWith('<')) continue;
      this.byKey.set(joinKey(chrom, normalizeKeyAllele(chrom, pos, ref, alt, this.fasta)), packed);
    }
  }

  get(key: string): ClinvarInfo | undefined {
    if (this.reader && !this.cover(key)) return undefined;
    const p = this.byKey.get(key);
    if (p === undefined) return undefined;
    const [clnsig, clnrevstat, clndn, geneinfo] = p.split('\t');
    return { clnsig: clnsig || null, clnrevstat: clnrevstat || null, clndn: clndn || null, geneinfo: geneinfo || null };
  }

  /** region mode: load the window holding every record that can normalise to `key`; false when ClinVar lacks its contig */
  private cover(key: string): boolean {
    let c = key.slice(0, key.indexOf(':'));
    if (this.colonContigs.length) c = this.colonContigs.find((x) => key.startsWith(x + ':')) ?? c;
    const name = this.contigOf.get(c);
    if (name === undefined) return false;
    const rest = key.slice(c.length + 1);
    const i = rest.indexOf(':');
    const j = rest.indexOf(':', i + 1);
    const pos = Number(rest.slice(0, i));
    const ref = rest.slice(i + 1, j);
    const alt = rest.slice(j + 1);
    if (!Number.isFinite(pos)) return false;
    const beg = pos;
    const end = pos + Math.max(ref.length, 1) + this.rightShift(c, pos, ref, alt);
    if (name === this.winChrom && beg >= this.winBeg && end <= this.winEnd) return true;
    this.loadWindow(name, Math.max(1, beg - this.behind), end, beg);
    return true;
  }

  /** how far (bases) a left-aligned pure indel key shifts right through its repeat, with the reference; 0 otherwise */
  private rightShift(c: string, pos: number, ref: string, alt: string): number {
    const fa = this.fasta;
    if (!fa || ref.length === alt.length || (ref.length > 1 && alt.length > 1) || ref[0] !== alt[0]) return 0;
    const name = fa.has(c) ? c : contigAliases(c).find((a) => fa.has(a));
    if (name === undefined) return 0;
    const unit = ref.length > 1 ? ref.slice(1) : alt.slice(1);
    const n = unit.length;
    // deletion: the base after the deleted block (1-based pos+1+n+s) equals the block's first base (unit[s % n]);
    // insertion: the base after the anchor (pos+1+s) equals the inserted sequence's (unit[s % n])
    const from0 = ref.length > 1 ? pos + n : pos; // 0-based first base compared
    const CH = 512;
    let s = 0;
    while (s < MAX_REPEAT_SHIFT) {
      const seq = fa.fetch(name, from0 + s, from0 + s + CH - 1);
      if (!seq) break;
      let k = 0;
      for (; k < seq.length && s < MAX_REPEAT_SHIFT; k++, s++) if (seq[k].toUpperCase() !== unit[s % n]) return s;
      if (seq.length < CH) break;
    }
    return s;
  }

  /**
   * Load the window [beg, max(end, at + reach)] of contig `name`. The reach adapts to the lookup
   * order: it halves (down to MIN_REACH) at each window that goes back, and doubles (up to the
   * configured WINDOW_AHEAD) at each that goes forward, so unsorted input reloads small windows.
   */
  private loadWindow(name: string, beg: number, end: number, at: number): void {
    const reader = this.reader!;
    const back = this.winChrom !== null && (name === this.winChrom ? beg < this.winBeg : this.left.has(name));
    if (back) this.st.backJumps++;
    this.reach = back ? Math.max(Math.min(MIN_REACH, this.ahead), this.reach >> 1) : Math.min(this.ahead, this.reach * 2);
    end = Math.max(end, at + this.reach);
    if (this.winChrom !== null && name !== this.winChrom) this.left.add(this.winChrom);
    this.byKey = new Map();
    this.intern = new Map();
    for (const rec of reader.iterate(RegionSet.from([{ chrom: name, beg, end }]), 1)) this.add(rec);
    this.winChrom = name;
    this.winBeg = beg;
    this.winEnd = end;
    this.st.windows++;
    if (this.byKey.size > this.st.peakKeys) this.st.peakKeys = this.byKey.size;
  }

  stats(): ClinvarStats {
    return { ...this.st };
  }

  close(): void {
    this.reader?.close();
    this.byKey = new Map();
    this.intern = new Map();
  }
}

/**
 * A CSI index of a BGZF VCF built in memory and written to a temporary file (RegionReader opens
 * indexes by path; the caller removes it once opened); null when the file cannot be indexed
 * (unsorted), which leaves the memory mode.
 */
async function buildTempIndex(file: string): Promise<string | null> {
  let index;
  try {
    index = (await buildVcfIndex(file, { format: 'csi' })).index;
  } catch (e) {
    if (e instanceof VcfError) return null;
    throw e;
  }
  const tmp = path.join(os.tmpdir(), `vcf-agent-clinvar-${process.pid}-${Date.now()}.csi`);
  writeIndex(index, tmp);
  return tmp;
}
