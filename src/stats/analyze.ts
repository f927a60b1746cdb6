/**
 * `analyze`: the README's main job. Validates a file and summarises it in one call.
 * With `report`, also writes the HTML report (src/report: a third pass, the stats core).
 * With `ingest`, a file without validation errors is also stored in the workspace (src/store
 * ingestFiles) and `next` lists commands to try on it, each checked to return rows there.
 * stdin is ingested from its spool and catalogued under the name "-" (the spool is removed).
 *
 * Two streaming passes over the input (validation, then the summary); stdin (`-`) is first
 * spooled to a temporary file so both passes can read it, and the file is removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { validateFile, type ValidationResult } from '../vcf/validate.js';
import { VcfError } from '../vcf/errors.js';
import { summarize, type VcfSummary } from './summary.js';
import { writeReport } from '../report/write.js';
import { VcfReader } from '../vcf/reader.js';
import { detectBuild, type BuildDetection } from '../vcf/build.js';

export interface AnalyzeResult {
  file: string;
  validation: ValidationResult;
  /** absent when the file could not be read far enough to summarise */
  summary?: VcfSummary;
  /** why the summary is absent (one line), when it is */
  summaryError?: string;
  /** reference build detected from the header (##contig lengths, else ##reference), or null */
  build: BuildDetection | null;
  /** why no build was detected (contigs matching no build or two builds), when it was not */
  buildNote?: string;
  /** the HTML report written (options.report), or why it was not */
  report?: { path: string; bytes: number };
  reportError?: string;
  /** the file stored in the workspace (options.ingest), or why it was not */
  ingest?: AnalyzeIngest;
  ingestError?: string;
  /** commands to try on the ingested file (argv after the program name), each with what it shows */
  next?: NextCommand[];
}

export interface AnalyzeIngest {
  workspace: string;
  fileId: number;
  /** 'unchanged': the same content was already in the workspace */
  status: 'ingested' | 'unchanged';
  records: number;
  variants: number;
  genotypes: number;
  samples: number;
}

export interface NextCommand { argv: string[]; what: string }

export interface AnalyzeOptions {
  /** stop the validation report after N problems (default 20; 0 = no limit) */
  maxErrors?: number;
  maxLineBytes?: number;
  /** write the HTML report (src/report) to this path when the file could be summarised */
  report?: string;
  /**
   * store the file in this workspace when it has no validation errors (db: --db, else
   * $VCF_AGENT_DB, else ./.vcf-agent; dbArg: put `--db DIR` in the suggested commands)
   */
  ingest?: { db?: string; dbArg?: string; lockWaitMs?: number };
  /** readable to spool when file is '-' (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
}

/** Validation problems after which the records cannot be read at all. */
const FATAL = /^(VCF_EMPTY|VCF_NOT_VCF|VCF_BINARY|BCF_|GZIP_|BGZF_|BZIP2_|INPUT_|VCF_RECORD_TOO_FEW|VCF_HEADER_MISSING_CHROM|VCF_HEADER_BAD_COLUMNS|VCF_LINE_TOO_LONG)/;

export async function analyze(file: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  if (file !== '-') return analyzePath(file, file, opts);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vcf-agent-analyze-'));
  const tmp = path.join(dir, 'stdin');
  try {
    await pipeline(opts.stdin ?? process.stdin, fs.createWriteStream(tmp));
    return await analyzePath(tmp, '-', opts);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

async function analyzePath(file: string, shown: string, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const validation = await validateFile(file, { maxErrors: opts.maxErrors ?? 20, maxLineBytes: opts.maxLineBytes });
  if (shown !== file) {
    validation.file = shown;
    for (const i of validation.issues) if (i.file === file) i.file = shown;
  }
  // a file that cannot be opened at all is a plain input error, not a validation report
  const open = validation.issues.find((i) => i.severity === 'error' && /^INPUT_/.test(i.rule));
  if (open) throw new VcfError(open.rule, open.message, { file: open.file, line: open.line, column: open.column });
  let summary: VcfSummary | undefined;
  let summaryError: string | undefined;
  const fatal = validation.issues.find((i) => i.severity === 'error' && FATAL.test(i.rule));
  if (fatal) summaryError = `not summarised: ${fatal.message} [${fatal.rule}]`;
  else {
    try {
      summary = await summarize(file, { maxLineBytes: opts.maxLineBytes });
      summary.file = shown;
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      summaryError = `not summarised: ${e.oneLine().replaceAll(file, shown)}`;
    }
  }
  const det = summary ? await headerBuild(file) : null;
  const res: AnalyzeResult = { file: shown, validation, summary, summaryError, build: det?.build ? det : null };
  if (det && !det.build) res.buildNote = det.conflicts.length ? det.conflicts.slice(0, 3).join('; ') : 'no ##contig lengths or ##reference naming GRCh37/GRCh38';
  if (summary && opts.report !== undefined) {
    try {
      const w = await writeReport({ file, label: shown, output: opts.report, maxLineBytes: opts.maxLineBytes });
      res.report = { path: w.path, bytes: w.bytes };
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      res.reportError = `report not written: ${e.oneLine().replaceAll(file, shown)}`;
    }
  }
  if (summary && opts.ingest && !validation.errors) {
    try {
      const { ingestFiles } = await import('../store/ingest.js');
      const r = await ingestFiles([file], { db: opts.ingest.db, lockWaitMs: opts.ingest.lockWaitMs });
      const f = r.files[0];
      if (shown !== file && f.status === 'ingested') await relabel(opts.ingest.db, f.fileId, shown, opts.ingest.lockWaitMs);
      res.ingest = { workspace: r.workspace, fileId: f.fileId, status: f.status, records: f.records, variants: f.variants, genotypes: f.genotypes, samples: f.samples };
      res.next = await nextCommands(opts.ingest.db, opts.ingest.dbArg, f.fileId, summary);
    } catch (e) {
      if (!(e instanceof VcfError)) throw e;
      res.ingestError = `not stored in the workspace: ${e.oneLine().replaceAll(file, shown)}`;
    }
  }
  return res;
}

/** the catalog path of a file ingested from the stdin spool becomes `name` ("-") */
async function relabel(db: string | undefined, fileId: number, name: string, lockWaitMs?: number): Promise<void> {
  const { acquireWriterLock, resolveWorkspace } = await import('../store/workspace.js');
  const { LanceStore, sqlStr } = await import('../store/tables.js');
  const ws = resolveWorkspace(db);
  const lock = await acquireWriterLock(ws, 'analyze (stdin name)', lockWaitMs);
  try {
    const store = await LanceStore.open(ws, false);
    try {
      await store.tables.files.update({ where: `file_id = ${fileId}`, valuesSql: { path: sqlStr(name) } });
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * Commands to try on an ingested file, each checked on the store to return rows for it: a region
 * (the span of its first variant rows), a rare-variant expression (AF < 1%, AF < 5%, or singletons
 * AC=1, whichever first matches), a gene (HIGH, then MODERATE impact genes of the summary, else the
 * first annotated gene), its first sample, and an `ask` question (which needs an AI provider).
 */
async function nextCommands(db: string | undefined, dbArg: string | undefined, fileId: number, s: VcfSummary): Promise<NextCommand[]> {
  const q = await import('../store/query.js');
  const store = await q.openForRead(db);
  const dbA = dbArg ? ['--db', dbArg] : [];
  const out: NextCommand[] = [];
  try {
    /** the first row a query returns (undefined: none, or an expression the store rejects) */
    const firstRow = async (vq: Omit<import('../store/query.js').VariantQuery, 'fileId' | 'limit'>): Promise<Record<string, unknown> | undefined> => {
      try {
        return (await q.queryVariants(store, { ...vq, fileId, limit: 1 })).rows[0];
      } catch (e) {
        if (e instanceof VcfError) return undefined;
        throw e;
      }
    };
    const has = async (vq: Parameters<typeof firstRow>[0]): Promise<boolean> => (await firstRow(vq)) !== undefined;
    const first = (await q.queryVariants(store, { fileId, limit: 20 })).rows;
    if (first.length) {
      const chrom = first[0].chrom as string;
      const same = first.filter((r) => r.chrom === chrom);
      const region = `${chrom}:${first[0].pos as number}-${same[same.length - 1].pos as number}`;
      out.push({ argv: ['variants', ...dbA, '-r', region], what: 'variants in a region (this file\'s first rows)' });
    }
    const rare: Array<[string, string]> = [['INFO/AF<0.01', 'rare variants (AF < 1%)'], ['INFO/AF<0.05', 'uncommon variants (AF < 5%)'], ['INFO/AC==1', 'singletons (one ALT allele among the called genotypes)']];
    for (const [expr, what] of rare) {
      if (await has({ include: expr })) { out.push({ argv: ['variants', ...dbA, '-i', expr, '--limit', '20'], what }); break; }
    }
    const genes: string[] = [];
    if (s.impact) {
      genes.push(...s.impact.genes.filter((g) => g.high).map((g) => g.gene));
      genes.push(...[...s.impact.genes].filter((g) => g.moderate).sort((a, b) => b.moderate - a.moderate).map((g) => g.gene));
    }
    for (const r of first) if (typeof r.gene === 'string' && r.gene) genes.push(r.gene);
    let gene: string | undefined;
    let geneRow: Record<string, unknown> | undefined;
    for (const g of [...new Set(genes)].slice(0, 5)) if ((geneRow = await firstRow({ gene: g }))) { gene = g; break; }
    if (gene) out.push({ argv: ['gene', gene, ...dbA], what: 'one gene: its variants, impacts, ClinVar, carriers' });
    // similar-variant search from a variant of that gene (or the first stored one), when it finds others
    const seed = geneRow ?? first[0];
    if (seed && typeof seed.key === 'string') {
      try {
        const { similarVariants } = await import('../embed/similar.js');
        if ((await similarVariants(store, { variant: seed.key, k: 5 })).hits.length) {
          out.push({ argv: ['similar', seed.key, ...dbA, '-k', '5'], what: 'the stored variants most like this one (deterministic feature vectors)' });
        }
      } catch (e) {
        if (!(e instanceof VcfError)) throw e;
      }
    }
    const sample = s.sampleCounts[0]?.name;
    if (sample) out.push({ argv: ['sample', sample, ...dbA], what: 'one sample: calls by zygosity and impact, top genes, ClinVar' });
    const question = gene ? `which samples carry a variant in ${gene}, and with which genotypes?` : sample ? `how many variants does ${sample} carry, and how many are rare?` : 'what does the workspace hold?';
    out.push({ argv: ['ask', ...dbA, question], what: 'the AI agent; needs a provider (OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST; see vcf-agent ask --help)' });
  } finally {
    store.close();
  }
  return out;
}

/** The build from the file's header (read again: cheap, the records are not touched). */
async function headerBuild(file: string): Promise<BuildDetection | null> {
  try {
    const r = await VcfReader.open(file);
    try {
      return detectBuild(r.header);
    } finally {
      await r.close();
    }
  } catch (e) {
    if (e instanceof VcfError) return null;
    throw e;
  }
}
