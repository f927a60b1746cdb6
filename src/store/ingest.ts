/**
 * Ingest: VCF files → LanceDB tables (tables.ts) → graph (graph.ts).
 *
 * Each file is one ingest, committed on its own: catalog row 'pending' → rows tagged with its
 * file_id, appended in batches (one batch appended while the next is parsed; the append is awaited
 * before the next one starts: backpressure, memory bounded by two batches) → scalar indexes →
 * embed phase → catalog row 'committed' → graph load.
 *
 * One pass over the records: the same pass computes each key's vector inputs (the vectors of a
 * batch are written with it; src/embed/vectors.ts VectorWriter) and writes the graph's staging CSV
 * files (graph.ts GraphStager), so neither reads the file's rows back from LanceDB. Only keys met
 * twice in the file are recomputed from the stored rows (embed phase).
 * A file whose content sha256 is already committed is skipped. A writer first removes the rows of
 * pending (killed) ingests, so a re-run after a kill ends with exact counts.
 *
 * Splitting follows bcftools norm -m -any: one row per ALT; in the row of ALT k a call's alleles
 * other than k become 0, so only calls holding k (or a missing allele) are stored. `<NON_REF>` and
 * `<*>` never become variants; records without ALT ('.') add no variant (both counted as skipped).
 * gVCF reference blocks (records whose every ALT is `<NON_REF>`/`<*>`) go to the refblocks table:
 * one hom-ref row per sample with the block's span and its DP, GQ, MIN_DP.
 *
 * Keys: trimmed (normalizeAllele without a reference), or left-aligned with `--fasta` (contigs the
 * reference lacks, under either chr spelling, are only trimmed); the choice is the catalog's `norm`.
 * Annotations: see annotations.ts (ANN, CSQ/--csq-tag, EFF, ClinVar INFO, --gff, --clinvar).
 *
 * Test hook: with VCF_AGENT_TEST_PAUSE_PHASE=P (parse, append, index, embed, commit, graph) the ingest
 * prints `vcf-agent: paused in phase P` on stderr at that point and waits until it is killed, so a
 * crash test can SIGKILL it at a known place (parse: records of the first batch converted, nothing
 * appended; append: the first batch appended; index: scalar indexes being built; embed: all vectors
 * written (batch by batch, late keys recomputed) and, with --ann-index, the ANN indexes built, not yet committed; commit: just before
 * the catalog row becomes committed; graph: part of the graph COPY done).
 */
import { createHash } from 'node:crypto';
import type { Table } from 'apache-arrow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FastaReader } from '../annotate/normalize.js';
import { ClinvarIndex, joinKey, normalizeKeyAllele } from '../annotate/clinvar.js';
import { GeneIndex } from '../annotate/gff.js';
import { FileAnnotator, type AnnotationOptions } from './annotations.js';
import { VcfError } from '../vcf/errors.js';
import { VcfReader } from '../vcf/reader.js';
import type { VcfRecord } from '../vcf/record.js';
import { GraphStager, stagedFiles, syncGraph, type StagedGraph } from './graph.js';
import { OneInFlight, VectorWriter, pruneSuperseded, splitKey } from '../embed/vectors.js';
import { sampleId } from '../embed/features.js';
import { ColumnBuffer, appendArrow, GENOTYPES_COLS, LanceStore, SAMPLES_COLS, VARIANTS_COLS, FILES_COLS, REFBLOCKS_COLS, sqlStr } from './tables.js';
import { acquireWriterLock, resolveWorkspace } from './workspace.js';

export interface IngestOptions {
  db?: string;
  /** how long a second writer waits for the lock (ms) */
  lockWaitMs?: number;
  /** variant rows per LanceDB append (default BATCH_ROWS; genotype rows flush at 16x this) */
  batchRows?: number;
  /** skip the graph load (it can be done later by syncGraph / db rebuild-graph) */
  noGraph?: boolean;
  /** reference FASTA: keys left-aligned (bcftools norm -f) instead of only trimmed */
  fasta?: string;
  /** GFF3 or GTF gene models: genes by overlap for files without ANN/CSQ/EFF */
  gff?: string;
  /** a ClinVar VCF joined by normalised key (CLNSIG, CLNREVSTAT, CLNDN, GENEINFO) */
  clinvar?: string;
  /** INFO tag holding VEP output (default CSQ) */
  csqTag?: string;
  /** build (retrain) the vectors table's ANN indexes at the end of the ingest (default: not built; `db optimize` builds them) */
  annIndex?: boolean;
  /** called with a phase name as the ingest moves on (progress, crash tests) */
  onPhase?: (phase: IngestPhase, file?: string) => void;
  /** called after each batch is appended with the records of the file read so far (progress, records/s) */
  onProgress?: (file: string, records: number) => void;
}

export type IngestPhase = 'recover' | 'hash' | 'parse' | 'append' | 'index' | 'embed' | 'commit' | 'graph' | 'done';

/** VCF_AGENT_TEST_PAUSE_PHASE: stop here until killed (see the header comment) */
export async function pausePoint(phase: string): Promise<void> {
  if (process.env.VCF_AGENT_TEST_PAUSE_PHASE !== phase) return;
  process.stderr.write(`vcf-agent: paused in phase ${phase} (pid ${process.pid})\n`);
  await new Promise<never>(() => { setInterval(() => undefined, 1 << 30); });
}

export interface FileIngestResult {
  file: string;
  fileId: number;
  status: 'ingested' | 'unchanged';
  records: number;
  variants: number;
  genotypes: number;
  samples: number;
  skippedAlleles: number;
  refBlocks: number;
}

export interface IngestResult { workspace: string; files: FileIngestResult[]; recovered: number[]; graph: { loaded: number[]; rebuilt: boolean } | null }

/** how the key is normalised without a reference (normalizeAllele trimming); recorded per file in the catalog */
export const NORM = 'trim';

/** the catalog's `norm` with a reference */
export function normWithFasta(fasta: string): string {
  return `left-align ${path.resolve(fasta)}`;
}

interface Context { fasta?: FastaReader; norm: string; ann: AnnotationOptions }

export async function ingestFiles(files: string[], opts: IngestOptions = {}): Promise<IngestResult> {
  const ws = resolveWorkspace(opts.db);
  for (const f of files) {
    if (f === '-') throw new VcfError('USAGE', 'ingest needs file paths (a content hash is taken before reading), not stdin', {}, 'usage');
    if (!fs.existsSync(f)) throw new VcfError('INPUT_NOT_FOUND', 'no such file', { file: f });
  }
  for (const [flag, f] of [['--fasta', opts.fasta], ['--gff', opts.gff], ['--clinvar', opts.clinvar]] as const) {
    if (f !== undefined && !fs.existsSync(f)) throw new VcfError('INPUT_NOT_FOUND', `no such file (${flag})`, { file: f });
  }
  const fasta = opts.fasta ? FastaReader.open(opts.fasta) : undefined;
  const ctx: Context = {
    fasta,
    norm: opts.fasta ? normWithFasta(opts.fasta) : NORM,
    ann: {
      csqTag: opts.csqTag,
      gff: opts.gff ? await GeneIndex.load(opts.gff) : undefined,
      clinvar: opts.clinvar ? await ClinvarIndex.load(opts.clinvar, fasta) : undefined,
    },
  };
  const lock = await acquireWriterLock(ws, `ingest ${files.join(' ')}`, opts.lockWaitMs);
  let store: LanceStore | undefined;
  /** graph staging files written by the parse pass, consumed by the graph load */
  const staged = new Map<number, StagedGraph>();
  try {
    store = await LanceStore.open(ws, true);
    opts.onPhase?.('recover');
    const recovered = await recover(store);
    const out: FileIngestResult[] = [];
    for (const f of files) out.push(await ingestOne(store, f, opts, ctx, staged));
    let graph: IngestResult['graph'] = null;
    if (!opts.noGraph) {
      opts.onPhase?.('graph');
      graph = await syncGraph(store, { pause: pausePoint, staged });
    }
    opts.onPhase?.('done');
    return { workspace: ws.dir, files: out, recovered, graph };
  } finally {
    for (const f of staged.values()) for (const p of stagedFiles(f)) fs.rmSync(p, { force: true });
    store?.close();
    fasta?.close();
    ctx.ann.clinvar?.close();
    lock.release();
  }
}

/** Delete the rows of pending (interrupted) ingests, then their catalog rows. */
export async function recover(store: LanceStore): Promise<number[]> {
  const pending = (await store.files()).filter((f) => f.status !== 'committed').map((f) => f.file_id);
  if (!pending.length) return [];
  const where = `file_id IN (${pending.join(',')})`;
  for (const t of ['variants', 'genotypes', 'samples', 'refblocks'] as const) await store.tables[t].delete(where);
  await store.tables.files.delete(where);
  return pending;
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

async function ingestOne(store: LanceStore, file: string, opts: IngestOptions, ctx: Context, staged: Map<number, StagedGraph>): Promise<FileIngestResult> {
  opts.onPhase?.('hash', file);
  const { sha256, size } = await sha256File(file);
  const catalog = await store.files();
  const known = catalog.find((f) => f.sha256 === sha256 && f.status === 'committed');
  if (known) {
    return { file, fileId: known.file_id, status: 'unchanged', records: known.n_records, variants: known.n_variants, genotypes: known.n_genotypes, samples: known.samples_n, skippedAlleles: known.n_skipped_alleles, refBlocks: known.n_ref_blocks };
  }
  const reader = await VcfReader.open(file);
  const fileId = catalog.reduce((m, f) => Math.max(m, f.file_id), 0) + 1;
  const header = reader.header;
  const annotator = new FileAnnotator(header, ctx.ann);
  const fr = new ColumnBuffer(FILES_COLS);
  fr.push(fileId, path.resolve(file), sha256, size, 'pending', header.toString(), header.samples.length, 0, 0, 0, 0, 0, ctx.norm, annotator.describe(), new Date().toISOString(), null);
  await store.tables.files.add(fr.toArrow());

  const sm = new ColumnBuffer(SAMPLES_COLS);
  header.samples.forEach((s, i) => sm.push(fileId, s, i));
  if (sm.length) await store.tables.samples.add(sm.toArrow());

  // vectors and graph staging files are computed in this pass (no read-back of the file's rows)
  const vec = await VectorWriter.open(store, fileId, header.samples.length);
  const stager = opts.noGraph ? undefined : new GraphStager(store.ws, fileId, header.samples);
  const conv = new RecordConverter(fileId, header.samples, annotator, ctx.fasta, vec, stager);
  try {
    opts.onPhase?.('parse', file);
    const batchRows = opts.batchRows ?? BATCH_ROWS;
    // one batch being appended while the next is parsed (the append is awaited before the next flush)
    const appendQ = new OneInFlight();
    let appended = false;
    const flush = async (): Promise<void> => {
      if (!appended) opts.onPhase?.('append', file);
      const batch = conv.take();
      stager?.flush();
      await appendQ.submit(async () => {
        for (const [name, t] of batch) await appendArrow(store.tables[name], t);
      });
      await vec.flush();
      opts.onProgress?.(file, conv.records);
      if (!appended && conv.nVariants) {
        appended = true;
        if (process.env.VCF_AGENT_TEST_PAUSE_PHASE === 'append') await appendQ.drain();
        await pausePoint('append');
      }
    };
    let first = true;
    for await (const batch of reader.batches()) {
      for (const rec of batch) conv.add(rec);
      if (first) { first = false; await pausePoint('parse'); }
      if (conv.variants.length >= batchRows || conv.variants.bytes + conv.genotypes.bytes >= FLUSH_BYTES || conv.genotypes.length >= batchRows * 16 || conv.refblocks.length >= batchRows * 16) await flush();
    }
    await flush();
    await appendQ.drain();

    opts.onPhase?.('index', file);
    await store.buildIndexes('variants');
    await pausePoint('index');
    await store.buildIndexes('genotypes');
    await store.buildIndexes('refblocks');

    // embed phase (src/embed/vectors.ts): the vectors were written batch by batch (invisible until
    // the commit); keys met twice are recomputed from the stored rows; ANN indexes only with
    // --ann-index (src/store/ann.ts: `db optimize` builds them otherwise)
    opts.onPhase?.('embed', file);
    await vec.finish({ annIndex: opts.annIndex });
    if (stager) {
      // gene edges of late keys whose first row had not been staged (a 64-bit hash collision)
      const unstaged = [...vec.late].filter(([, n]) => n > 0).map(([k]) => k);
      for (let i = 0; i < unstaged.length; i += 2000) {
        const rows = await store.tables.variants.query().where(`file_id = ${fileId} AND key IN (${unstaged.slice(i, i + 2000).map(sqlStr).join(',')})`).select(['vid', 'key', 'gene_ann']).toArray();
        const byKey = new Map<string, Array<{ vid: bigint; ann: string | null }>>();
        for (const r of rows) {
          const l = byKey.get(r.key as string) ?? [];
          l.push({ vid: BigInt(r.vid as bigint), ann: (r.gene_ann as string | null) ?? null });
          byKey.set(r.key as string, l);
        }
        for (const [k, l] of byKey) {
          if (l.length !== vec.late.get(k)) continue; // the key's first row was staged
          l.sort((a, b) => (a.vid < b.vid ? -1 : 1));
          stager.geneEdges(k, l[0].ann);
        }
      }
      staged.set(fileId, stager.close());
    }
    await pausePoint('embed');
  } catch (e) {
    stager?.discard();
    throw e;
  } finally {
    vec.close();
  }

  opts.onPhase?.('commit', file);
  await pausePoint('commit');
  await store.tables.files.update({
    where: `file_id = ${fileId} AND sha256 = ${sqlStr(sha256)}`,
    valuesSql: {
      status: "'committed'",
      n_records: String(conv.records),
      n_variants: String(conv.nVariants),
      n_genotypes: String(conv.nGenotypes),
      n_skipped_alleles: String(conv.skipped),
      n_ref_blocks: String(conv.nRefBlocks),
      committed: sqlStr(new Date().toISOString()),
    },
  });
  await pruneSuperseded(store);
  return { file, fileId, status: 'ingested', records: conv.records, variants: conv.nVariants, genotypes: conv.nGenotypes, samples: header.samples.length, skippedAlleles: conv.skipped, refBlocks: conv.nRefBlocks };
}

const INT32_MAX = 2147483647;
/**
 * variant rows per batch (one batch appended while the next is converted): LanceDB's native
 * memory per append grows with the batch. Measured on trio100k (no graph, shared machine), peak
 * RSS: 2,000 rows 381 MB, 4,000 426 MB, 8,000 ~480 MB, 32,000 795 MB, with no loss of speed at
 * 2,000 (more fragments per table: `vcf-agent db optimize` compacts them)
 */
const BATCH_ROWS = 2_000;
/** flush the row buffers when their strings hold this many characters (wide cohorts) */
const FLUSH_BYTES = 24 << 20;

export function intOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === '.') return null;
  const v = Number(s);
  return Number.isInteger(v) && Math.abs(v) <= INT32_MAX ? v : null;
}

function floatOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === '.') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * intOrNull of FORMAT field `idx` of sample i (as intOrNull(rec.sampleFields(i)[idx])), read from
 * the bytes: plain decimal integers directly, anything else through the text.
 */
export function sampleInt(rec: VcfRecord, i: number, idx: number): number | null {
  const s = rec.sampleStart(i);
  if (s < 0) return null;
  const e = rec.sampleEnd(i);
  const b = rec.buf;
  let a = s;
  for (let k = 0; k < idx; k++) {
    while (a < e && b[a] !== 58) a++;
    if (a >= e) return null; // fewer fields
    a++;
  }
  let z = a;
  while (z < e && b[z] !== 58) z++;
  let p = a;
  const neg = p < z && b[p] === 45;
  if (neg) p++;
  if (z > p && z - p <= 9) {
    let v = 0;
    for (; p < z; p++) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (p === z) return neg ? -v : v;
  }
  return intOrNull(b.toString('utf8', a, z));
}

/** value k (0-based) of a comma-separated INFO value; undefined for flags/absent */
function nth(v: string | true | undefined, k: number): string | undefined {
  if (v === undefined || v === true) return undefined;
  if (k === 0 && v.indexOf(',') < 0) return v;
  return v.split(',')[k];
}

/**
 * The key's alleles: trimmed by normalizeAllele (common last bases, then common first bases, one
 * base kept; upper-case; symbolic alleles unchanged), or left-aligned with a reference.
 */
export function trimAlleles(chrom: string, pos: number, ref: string, alt: string, fasta?: FastaReader): [number, string, string] {
  const n = normalizeKeyAllele(chrom, pos, ref, alt, fasta);
  return [n.pos, n.ref, n.alt];
}

/** snv | mnp | indel | other of a trimmed allele pair (as bcftools TYPE sees a split record) */
export function variantType(ref: string, alt: string): string {
  if (alt === '*' || alt.startsWith('<') || alt.includes('[') || alt.includes(']')) return 'other';
  if (ref.length === 1 && alt.length === 1) return 'snv';
  if (ref.length === alt.length) return 'mnp';
  return 'indel';
}

/** GT of the row of ALT k: allele k stays 1, other called alleles become 0, '.' stays. */
export function splitGt(gt: string, k: number): { gt: string; copies: number; missing: number; ploidy: number } {
  // the common GT: one-character alleles ('0'-'9', '.') between '/' or '|' separators
  const n = gt.length;
  if (n & 1) {
    const kc = k < 10 ? 48 + k : -1;
    let copies = 0, missing = 0, changed = false, simple = true;
    for (let i = 0; i < n; i++) {
      const c = gt.charCodeAt(i);
      if (i & 1) {
        if (c !== 47 && c !== 124) { simple = false; break; }
      } else if (c === 46) missing++;
      else if (c === kc) { copies++; if (c !== 49) changed = true; }
      else if (c >= 48 && c <= 57) { if (c !== 48) changed = true; }
      else { simple = false; break; }
    }
    if (simple) {
      const ploidy = (n + 1) >> 1;
      if (!changed) return { gt, copies, missing, ploidy };
      let out = '';
      for (let i = 0; i < n; i++) {
        const c = gt.charCodeAt(i);
        out += i & 1 || c === 46 ? gt[i] : c === kc ? '1' : '0';
      }
      return { gt: out, copies, missing, ploidy };
    }
  }
  return splitGtAny(gt, k);
}

/** splitGt for any GT text (multi-character allele numbers, odd separators) */
export function splitGtAny(gt: string, k: number): { gt: string; copies: number; missing: number; ploidy: number } {
  let copies = 0, missing = 0, ploidy = 0;
  const out = gt.replace(/[^/|]+/g, (tok) => {
    ploidy++;
    if (tok === '.') { missing++; return '.'; }
    if (Number(tok) === k) { copies++; return '1'; }
    return '0';
  });
  return { gt: out, copies, missing, ploidy };
}

const isGvcfAlt = (a: string): boolean => a === '<NON_REF>' || a === '<*>';

class RecordConverter {
  readonly variants = new ColumnBuffer(VARIANTS_COLS);
  readonly genotypes = new ColumnBuffer(GENOTYPES_COLS);
  readonly refblocks = new ColumnBuffer(REFBLOCKS_COLS);
  records = 0;
  nVariants = 0;
  nGenotypes = 0;
  nRefBlocks = 0;
  skipped = 0;
  private ordinal = 0;
  constructor(private readonly fileId: number, private readonly samples: string[], private readonly annotator: FileAnnotator, private readonly fasta: FastaReader | undefined,
    private readonly vec: VectorWriter, private readonly stager: GraphStager | undefined) {
    this.sampleIds = samples.map(sampleId);
  }
  private readonly sampleIds: number[];

  /** a gVCF reference block: one hom-ref row per sample over POS..END with DP, GQ, MIN_DP */
  private refBlock(rec: VcfRecord): void {
    this.skipped += rec.alt.length;
    const end = rec.endPos;
    for (let i = 0; i < this.samples.length; i++) {
      const gt = rec.hasFormat ? rec.gtRaw(i) ?? '.' : '.';
      this.refblocks.push(this.fileId, rec.chrom, rec.pos, end, this.samples[i], gt,
        intOrNull(rec.sampleValue(i, 'DP')), intOrNull(rec.sampleValue(i, 'GQ')), intOrNull(rec.sampleValue(i, 'MIN_DP')));
      this.nRefBlocks++;
    }
  }

  add(rec: VcfRecord): void {
    this.records++;
    const alts = rec.alt;
    if (!alts.length) { this.skipped++; return; }
    if (alts.every(isGvcfAlt)) { this.refBlock(rec); return; }
    const chrom = rec.chrom, pos = rec.pos, ref = rec.ref;
    if (!Number.isFinite(pos)) throw rec.error('VCF_RECORD_BAD_POS', `POS "${rec.col(1)}" is not a number`, rec.columnOf(rec.colStart(1)));
    const info = rec.info;
    const idRaw = rec.id;
    const qual = rec.qual;
    const filter = rec.filterRaw === '.' ? null : rec.filterRaw;
    const end = rec.endPos;
    const an = intOrNull(nth(info.get('AN'), 0));
    const dp = intOrNull(nth(info.get('DP'), 0));
    const mq = floatOrNull(nth(info.get('MQ'), 0));
    const qd = floatOrNull(nth(info.get('QD'), 0));
    const fs = floatOrNull(nth(info.get('FS'), 0));
    const annOf = this.annotator.forRecord({ chrom, ref, alts, info: (k) => info.get(k) });
    const infoRaw = rec.infoRaw;
    const altsRaw = rec.altRaw;
    const tail = rec.hasFormat ? rec.buf.toString('utf8', rec.colStart(8), rec.end) : null;
    const nS = this.samples.length;
    const fmt = rec.formatRaw;
    // per sample: GT once per record
    const gts: Array<string | undefined> = new Array(nS);
    for (let i = 0; i < nS; i++) gts[i] = rec.hasFormat ? rec.gtRaw(i) : undefined;
    // FORMAT positions of DP and GQ, once per record (each stored call's values are read from its bytes)
    const fkeys = rec.hasFormat ? rec.formatKeys : [];
    const dpIdx = fkeys.indexOf('DP'), gqIdx = fkeys.indexOf('GQ');
    for (let k = 1; k <= alts.length; k++) {
      const alt = alts[k - 1];
      if (isGvcfAlt(alt)) { this.skipped++; continue; }
      const vid = BigInt(this.fileId) * 4294967296n + BigInt(++this.ordinal);
      const n = normalizeKeyAllele(chrom, pos, ref, alt, this.fasta);
      const key = `${chrom}:${n.pos}:${n.ref}:${n.alt}`;
      const a = annOf(k, [n.pos, Math.max(n.pos, n.pos + n.ref.length - 1)], joinKey(chrom, n));
      const vtype = variantType(n.ref, n.alt);
      const afK = floatOrNull(nth(info.get('AF'), k - 1));
      this.variants.push(
        vid, this.fileId, rec.lineNo, key, chrom, pos, end, idRaw === '.' ? null : idRaw, ref, alt, k, alts.length, altsRaw, vtype,
        qual !== null && Number.isFinite(qual) ? qual : null, filter,
        intOrNull(nth(info.get('AC'), k - 1)), an, afK, dp, mq, qd, fs,
        a.gene, a.consequence, a.impact, a.hgvsC, a.hgvsP, a.genes, a.source, a.geneAnn,
        a.clinvar?.clnsig ?? null, a.clinvar?.clnrevstat ?? null, a.clinvar?.clndn ?? null, infoRaw, tail,
      );
      this.nVariants++;
      const firstOfKey = !this.vec.seenKey(key);
      if (this.stager) {
        this.stager.variant([key, chrom, pos, ref, alt, vtype, afK, a.gene, a.impact, a.clinvar?.clnsig ?? null, a.clinvar?.clnrevstat ?? null, a.clinvar?.clndn ?? null, this.fileId]);
        if (firstOfKey) this.stager.geneEdges(key, a.geneAnn);
      }
      // the key's vector inputs from this row (as addFileRows counts a file's calls): carriers, AC, and
      // AN = called alleles of the stored calls + samples without a stored call at the first call's ploidy
      let carriers: Set<number> | undefined, ac = 0, an0 = 0, stored = 0, ploidy = 2;
      for (let i = 0; i < nS; i++) {
        const g = gts[i];
        let split: ReturnType<typeof splitGt>;
        if (g === undefined) split = { gt: '.', copies: 0, missing: 1, ploidy: 1 };
        else {
          if (g === '0/0' || g === '0|0' || g === '0') continue; // fast path: hom-ref, implied
          split = splitGt(g, k);
        }
        if (split.copies === 0 && split.missing === 0) continue;
        const zyg = split.copies === 0 ? 'missing' : split.ploidy === 1 ? 'hemi' : split.copies === split.ploidy ? 'hom_alt' : 'het';
        const sdp = dpIdx >= 0 ? sampleInt(rec, i, dpIdx) : null, sgq = gqIdx >= 0 ? sampleInt(rec, i, gqIdx) : null;
        this.genotypes.push(vid, this.fileId, key, chrom, pos, this.samples[i], split.gt, zyg, sdp, sgq, fmt, rec.sampleRaw(i));
        if (zyg !== 'missing') {
          this.stager?.carry([this.samples[i], key, split.gt, zyg, sdp, sgq, this.fileId]);
          (carriers ??= new Set()).add(this.sampleIds[i]);
        }
        if (!stored++) ploidy = split.ploidy;
        ac += split.copies;
        an0 += split.ploidy - split.missing;
        this.nGenotypes++;
      }
      if (firstOfKey) {
        const [, kPos, kRef, kAlt] = splitKey(key);
        const p = Number(kPos);
        let acK = 0, anK = 0;
        if (nS > 0) { acK = ac; anK = an0 + (nS - stored) * ploidy; }
        else { const iac = intOrNull(nth(info.get('AC'), k - 1)); if (iac !== null && an !== null && an > 0) { acK = iac; anK = an; } }
        this.vec.add({
          key, chrom, pos: p, end: Math.max(p, end ?? p), ref: kRef, alt: kAlt, vtype, gene: a.gene, genes: a.genes,
          consequence: a.consequence, impact: a.impact, clnsig: a.clinvar?.clnsig ?? null, fileId: this.fileId, carriers: carriers ?? new Set(),
          ac: acK, an: anK, infoAf: afK, replaces: false,
        });
      }
    }
  }

  /** the buffered rows as arrow tables (buffers cleared) */
  take(): Array<['variants' | 'genotypes' | 'refblocks', Table]> {
    const out: Array<['variants' | 'genotypes' | 'refblocks', Table]> = [];
    for (const name of ['variants', 'genotypes', 'refblocks'] as const) {
      const b = this[name];
      if (b.length) { out.push([name, b.toArrow()]); b.clear(); }
    }
    return out;
  }
}

/** Rebuild the graph from the LanceDB tables alone (takes the writer lock). */
export async function rebuildGraph(opts: { db?: string; lockWaitMs?: number } = {}): Promise<{ loaded: number[]; rebuilt: boolean }> {
  const ws = resolveWorkspace(opts.db);
  if (!fs.existsSync(ws.lanceDir)) throw new VcfError('STORE_NOT_FOUND', 'no store here: ingest a file first', { file: ws.dir });
  const lock = await acquireWriterLock(ws, 'db rebuild-graph', opts.lockWaitMs);
  let store: LanceStore | undefined;
  try {
    store = await LanceStore.open(ws, false);
    await recover(store);
    return await syncGraph(store, { rebuild: true });
  } finally {
    store?.close();
    lock.release();
  }
}
