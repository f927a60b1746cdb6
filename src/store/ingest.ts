/**
 * Ingest: VCF files → LanceDB tables (tables.ts) → graph (graph.ts).
 *
 * Each file is one ingest, committed on its own: catalog row 'pending' → rows tagged with its
 * file_id, appended in batches (each append awaited before more records are parsed: backpressure,
 * memory bounded by the batch size) → scalar indexes → catalog row 'committed' → graph load.
 * A file whose content sha256 is already committed is skipped. A writer first removes the rows of
 * pending (killed) ingests, so a re-run after a kill ends with exact counts.
 *
 * Splitting follows bcftools norm -m -any: one row per ALT; in the row of ALT k a call's alleles
 * other than k become 0, so only calls holding k (or a missing allele) are stored. `<NON_REF>` and
 * `<*>` never become variants; records without ALT ('.') add no variant (both counted as skipped).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeAllele } from '../annotate/normalize.js';
import { VcfError } from '../vcf/errors.js';
import { VcfReader } from '../vcf/reader.js';
import type { VcfRecord } from '../vcf/record.js';
import { annForAllele, genesOf, mostSevere, parseAnn } from './ann.js';
import { syncGraph } from './graph.js';
import { ColumnBuffer, GENOTYPES_COLS, LanceStore, SAMPLES_COLS, VARIANTS_COLS, FILES_COLS, sqlStr } from './tables.js';
import { acquireWriterLock, resolveWorkspace, type Workspace } from './workspace.js';

export interface IngestOptions {
  db?: string;
  /** how long a second writer waits for the lock (ms) */
  lockWaitMs?: number;
  /** variant rows per LanceDB append (genotype rows flush at 8x this) */
  batchRows?: number;
  /** skip the graph load (it can be done later by syncGraph / db rebuild-graph) */
  noGraph?: boolean;
  /** called with a phase name as the ingest moves on (progress, crash tests) */
  onPhase?: (phase: 'recover' | 'hash' | 'parse' | 'index' | 'commit' | 'graph' | 'done', file?: string) => void;
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
}

export interface IngestResult { workspace: string; files: FileIngestResult[]; recovered: number[]; graph: { loaded: number[]; rebuilt: boolean } | null }

/** how the key is normalised (normalizeAllele without a reference); recorded per file in the catalog */
export const NORM = 'trim';

export async function ingestFiles(files: string[], opts: IngestOptions = {}): Promise<IngestResult> {
  const ws = resolveWorkspace(opts.db);
  for (const f of files) {
    if (f === '-') throw new VcfError('USAGE', 'ingest needs file paths (a content hash is taken before reading), not stdin', {}, 'usage');
    if (!fs.existsSync(f)) throw new VcfError('INPUT_NOT_FOUND', 'no such file', { file: f });
  }
  const lock = await acquireWriterLock(ws, `ingest ${files.join(' ')}`, opts.lockWaitMs);
  let store: LanceStore | undefined;
  try {
    store = await LanceStore.open(ws, true);
    opts.onPhase?.('recover');
    const recovered = await recover(store);
    const out: FileIngestResult[] = [];
    for (const f of files) out.push(await ingestOne(store, ws, f, opts));
    let graph: IngestResult['graph'] = null;
    if (!opts.noGraph) {
      opts.onPhase?.('graph');
      graph = await syncGraph(store);
    }
    opts.onPhase?.('done');
    return { workspace: ws.dir, files: out, recovered, graph };
  } finally {
    store?.close();
    lock.release();
  }
}

/** Delete the rows of pending (interrupted) ingests, then their catalog rows. */
export async function recover(store: LanceStore): Promise<number[]> {
  const pending = (await store.files()).filter((f) => f.status !== 'committed').map((f) => f.file_id);
  if (!pending.length) return [];
  const where = `file_id IN (${pending.join(',')})`;
  for (const t of ['variants', 'genotypes', 'samples'] as const) await store.tables[t].delete(where);
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

async function ingestOne(store: LanceStore, ws: Workspace, file: string, opts: IngestOptions): Promise<FileIngestResult> {
  opts.onPhase?.('hash', file);
  const { sha256, size } = await sha256File(file);
  const catalog = await store.files();
  const known = catalog.find((f) => f.sha256 === sha256 && f.status === 'committed');
  if (known) {
    return { file, fileId: known.file_id, status: 'unchanged', records: known.n_records, variants: known.n_variants, genotypes: known.n_genotypes, samples: known.samples_n, skippedAlleles: known.n_skipped_alleles };
  }
  const reader = await VcfReader.open(file);
  const fileId = catalog.reduce((m, f) => Math.max(m, f.file_id), 0) + 1;
  const header = reader.header;
  const fr = new ColumnBuffer(FILES_COLS);
  fr.push(fileId, path.resolve(file), sha256, size, 'pending', header.toString(), header.samples.length, 0, 0, 0, 0, NORM, new Date().toISOString(), null);
  await store.tables.files.add(fr.toArrow());

  const sm = new ColumnBuffer(SAMPLES_COLS);
  header.samples.forEach((s, i) => sm.push(fileId, s, i));
  if (sm.length) await store.tables.samples.add(sm.toArrow());

  opts.onPhase?.('parse', file);
  const batchRows = opts.batchRows ?? 20_000;
  const conv = new RecordConverter(fileId, header.samples);
  for await (const batch of reader.batches()) {
    for (const rec of batch) conv.add(rec);
    if (conv.variants.length >= batchRows || conv.genotypes.length >= batchRows * 8) await conv.flush(store);
  }
  await conv.flush(store);

  opts.onPhase?.('index', file);
  await store.buildIndexes('variants');
  await store.buildIndexes('genotypes');

  opts.onPhase?.('commit', file);
  await store.tables.files.update({
    where: `file_id = ${fileId} AND sha256 = ${sqlStr(sha256)}`,
    valuesSql: {
      status: "'committed'",
      n_records: String(conv.records),
      n_variants: String(conv.nVariants),
      n_genotypes: String(conv.nGenotypes),
      n_skipped_alleles: String(conv.skipped),
      committed: sqlStr(new Date().toISOString()),
    },
  });
  return { file, fileId, status: 'ingested', records: conv.records, variants: conv.nVariants, genotypes: conv.nGenotypes, samples: header.samples.length, skippedAlleles: conv.skipped };
}

const INT32_MAX = 2147483647;

function intOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === '.') return null;
  const v = Number(s);
  return Number.isInteger(v) && Math.abs(v) <= INT32_MAX ? v : null;
}

function floatOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === '.') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** value k (0-based) of a comma-separated INFO value; undefined for flags/absent */
function nth(v: string | true | undefined, k: number): string | undefined {
  if (v === undefined || v === true) return undefined;
  if (k === 0 && v.indexOf(',') < 0) return v;
  return v.split(',')[k];
}

/**
 * The key's alleles: trimmed by normalizeAllele (no reference yet: common last bases, then common
 * first bases, one base kept; upper-case; symbolic alleles unchanged). TODO: `--fasta` for left-alignment.
 */
export function trimAlleles(chrom: string, pos: number, ref: string, alt: string): [number, string, string] {
  const n = normalizeAllele(chrom, pos, ref, alt);
  return [n.pos, n.ref, n.alt];
}

export function variantType(ref: string, alt: string): string {
  if (alt === '*' || alt.startsWith('<') || alt.includes('[') || alt.includes(']')) return 'other';
  if (ref.length === 1 && alt.length === 1) return 'snv';
  if (ref.length === alt.length) return 'mnp';
  return 'indel';
}

/** GT of the row of ALT k: allele k stays 1, other called alleles become 0, '.' stays. */
function splitGt(gt: string, k: number): { gt: string; copies: number; missing: number; ploidy: number } {
  let copies = 0, missing = 0, ploidy = 0;
  const out = gt.replace(/[^/|]+/g, (tok) => {
    ploidy++;
    if (tok === '.') { missing++; return '.'; }
    if (Number(tok) === k) { copies++; return '1'; }
    return '0';
  });
  return { gt: out, copies, missing, ploidy };
}

class RecordConverter {
  readonly variants = new ColumnBuffer(VARIANTS_COLS);
  readonly genotypes = new ColumnBuffer(GENOTYPES_COLS);
  records = 0;
  nVariants = 0;
  nGenotypes = 0;
  skipped = 0;
  private ordinal = 0;
  constructor(private readonly fileId: number, private readonly samples: string[]) {}

  add(rec: VcfRecord): void {
    this.records++;
    const alts = rec.alt;
    if (!alts.length) { this.skipped++; return; }
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
    const annRaw = info.get('ANN');
    const ann = typeof annRaw === 'string' ? parseAnn(annRaw) : undefined;
    const cln = info.get('CLNSIG');
    const infoRaw = rec.infoRaw;
    const nS = this.samples.length;
    const fmt = rec.formatRaw;
    // per sample: GT once per record
    const gts: Array<string | undefined> = new Array(nS);
    for (let i = 0; i < nS; i++) gts[i] = rec.hasFormat ? rec.gtRaw(i) : undefined;
    for (let k = 1; k <= alts.length; k++) {
      const alt = alts[k - 1];
      if (alt === '<NON_REF>' || alt === '<*>') { this.skipped++; continue; }
      const vid = BigInt(this.fileId) * 4294967296n + BigInt(++this.ordinal);
      const [kp, kr, ka] = trimAlleles(chrom, pos, ref, alt);
      const key = `${chrom}:${kp}:${kr}:${ka}`;
      const annK = ann ? annForAllele(ann, alt, alts.length) : [];
      const top = mostSevere(annK);
      const genes = genesOf(annK).map((e) => e.gene);
      this.variants.push(
        vid, this.fileId, rec.lineNo, key, chrom, pos, end, idRaw === '.' ? null : idRaw, ref, alt, k, alts.length, variantType(ref, alt),
        qual !== null && Number.isFinite(qual) ? qual : null, filter,
        intOrNull(nth(info.get('AC'), k - 1)), an, floatOrNull(nth(info.get('AF'), k - 1)), dp, mq, qd, fs,
        (top && genes.includes(top.gene) ? top.gene : genes[0]) || null, top?.consequence || null, top?.impact || null, top?.hgvsC || null, top?.hgvsP || null,
        genes, typeof cln === 'string' ? cln : null, infoRaw,
      );
      this.nVariants++;
      if (!nS) continue;
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
        this.genotypes.push(vid, this.fileId, key, chrom, pos, this.samples[i], split.gt, zyg,
          intOrNull(rec.sampleValue(i, 'DP')), intOrNull(rec.sampleValue(i, 'GQ')), fmt, rec.sampleRaw(i));
        this.nGenotypes++;
      }
    }
  }

  async flush(store: LanceStore): Promise<void> {
    if (this.variants.length) { await store.tables.variants.add(this.variants.toArrow()); this.variants.clear(); }
    if (this.genotypes.length) { await store.tables.genotypes.add(this.genotypes.toArrow()); this.genotypes.clear(); }
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
