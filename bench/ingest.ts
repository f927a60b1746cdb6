/**
 * Ingest benchmarks (issue 6): `vcf-agent ingest FILE --db <fresh dir>` end to end (LanceDB
 * tables, scalar indexes, the vectors table (no ANN index: `db optimize` builds it), the graph load) against
 * `bcftools view -Ob -o <tmp> FILE` (a full parse and re-encode of the same file), run alternately.
 *
 * Figures: variants/s (variant rows stored ÷ our wall time), ratio (bcftools wall ÷ ours), peak RSS
 * of our process, store bytes per 100,000 variants (`du` of the workspace after the ingest), and for
 * the trio pair the growth of peak RSS from 100k to 1M records. Targets: at least 100,000 variants/s,
 * peak RSS at most 400 MB, RSS growth 100k → 1M below 15%.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { BenchContext, CustomCase, CustomResult } from './cases.js';
import { cmdText, measure, median, type RunMeasure } from './measure.js';

export const INGEST_MIN_VARIANTS_PER_S = 100_000;
export const INGEST_MAX_RSS_MB = 400;
export const INGEST_MAX_RSS_GROWTH = 0.15;

interface IngestRun { ours: RunMeasure[]; bcftools: RunMeasure[]; variants: number; storeBytes: number }

/** bytes under a directory (du -sb) */
function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split(/\s+/)[0]);
}

/** reps alternating ours and bcftools on one data set; each of our runs into a fresh workspace */
async function runIngest(ctx: BenchContext, data: string, reps: number): Promise<IngestRun> {
  fs.mkdirSync(ctx.tmp, { recursive: true });
  const db = path.join(ctx.tmp, `ingest-${data}.db`);
  const bcf = path.join(ctx.tmp, `ingest-${data}.bcf`);
  const ours = ctx.ours('ingest', '--quiet', '--db', path.relative(ctx.root, db), ctx.rel(data));
  const theirs = ctx.bcftools('view', '-Ob', '-o', path.relative(ctx.root, bcf), ctx.rel(data));
  const out: IngestRun = { ours: [], bcftools: [], variants: 0, storeBytes: 0 };
  for (let r = 0; r < reps; r++) {
    fs.rmSync(db, { recursive: true, force: true });
    const m = await measure(ours, { cwd: ctx.root, stdoutPath: path.join(ctx.tmp, `ingest-${data}.out`), keepOutput: true });
    if (m.exitCode !== 0) throw new Error(`${cmdText(ours)} exited with ${m.exitCode}: ${m.stderrTail}`);
    // the ingest's summary line: file, status, records, variants, ...
    const text = fs.readFileSync(path.join(ctx.tmp, `ingest-${data}.out`), 'utf8');
    const row = text.split('\n').find((l) => /\tingested\t/.test(l));
    if (!row) throw new Error(`no "ingested" line in the output of ${cmdText(ours)}: ${text.slice(0, 400)}`);
    out.variants = variantsOf(row);
    out.storeBytes = duBytes(db);
    out.ours.push(m);
    ctx.log(`  ours rep ${r + 1}: wall ${(m.wallMs / 1000).toFixed(2)} s, cpu ${(m.cpuMs / 1000).toFixed(2)} s, rss ${(m.maxRssKB / 1024).toFixed(1)} MB, store ${(out.storeBytes / 2 ** 20).toFixed(1)} MB`);
    const b = await measure(theirs, { cwd: ctx.root });
    if (b.exitCode !== 0) throw new Error(`${cmdText(theirs)} exited with ${b.exitCode}: ${b.stderrTail}`);
    out.bcftools.push(b);
    ctx.log(`  bcftools rep ${r + 1}: wall ${(b.wallMs / 1000).toFixed(2)} s, rss ${(b.maxRssKB / 1024).toFixed(1)} MB`);
  }
  fs.rmSync(db, { recursive: true, force: true });
  fs.rmSync(bcf, { force: true });
  return out;
}

/** `variants=N` of the ingest summary line */
function variantsOf(row: string): number {
  const v = Number(/\tvariants=(\d+)/.exec(row)?.[1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`cannot read the variant count from: ${row}`);
  return v;
}

function figuresOf(label: string, r: IngestRun): { wall: number; rate: number; ratio: number; rss: number; perK: number; figures: CustomResult['figures'] } {
  const wall = median(r.ours.map((m) => m.wallMs)) / 1000;
  const bw = median(r.bcftools.map((m) => m.wallMs)) / 1000;
  const rate = r.variants / wall;
  const rss = Math.max(...r.ours.map((m) => m.maxRssKB)) / 1024;
  const perK = r.storeBytes / (r.variants / 100_000);
  return {
    wall, rate, ratio: bw / wall, rss, perK,
    figures: [
      { label: `${label} variants`, value: String(r.variants) },
      { label: `${label} our wall (s)`, value: wall.toFixed(2) },
      { label: `${label} CPU (s)`, value: (median(r.ours.map((m) => m.cpuMs)) / 1000).toFixed(2) },
      { label: `${label} variants/s`, value: Math.round(rate).toLocaleString('en-US') },
      { label: `${label} bcftools view -Ob wall (s)`, value: bw.toFixed(2) },
      { label: `${label} ratio (bcftools ÷ ours)`, value: (bw / wall).toFixed(3) },
      { label: `${label} peak RSS (MB)`, value: rss.toFixed(1) },
      { label: `${label} store bytes per 100k variants (MB)`, value: (perK / 2 ** 20).toFixed(1) },
    ],
  };
}

const THREADS = { ours: 2, bcftools: 1, note: 'ours: the main thread plus LanceDB/Kuzu native worker threads (2 cores); bcftools without --threads' };

function ingestCase(data: string, title: string): CustomCase {
  return {
    kind: 'custom',
    name: `ingest-${data}`,
    title,
    issue: 6,
    data: [data],
    async run(ctx) {
      const reps = Math.max(1, Math.min(ctx.reps, ctx.quick ? 1 : 3));
      const r = await runIngest(ctx, data, reps);
      const f = figuresOf(data, r);
      const pass = f.rate >= INGEST_MIN_VARIANTS_PER_S && f.rss <= INGEST_MAX_RSS_MB;
      return {
        figures: f.figures,
        pass,
        verdict: `${Math.round(f.rate).toLocaleString('en-US')} variants/s (target ≥ ${INGEST_MIN_VARIANTS_PER_S.toLocaleString('en-US')}), ratio ${f.ratio.toFixed(3)} vs bcftools view -Ob, peak RSS ${f.rss.toFixed(1)} MB (limit ${INGEST_MAX_RSS_MB} MB), store ${(f.perK / 2 ** 20).toFixed(1)} MB per 100k variants`,
        commands: [cmdText(ctx.ours('ingest', '--quiet', '--db', 'bench/tmp/ingest-DATA.db', ctx.rel(data))), cmdText(ctx.bcftools('view', '-Ob', '-o', 'bench/tmp/out.bcf', ctx.rel(data)))],
        threads: THREADS,
        details: r,
      };
    },
  };
}

/** trio100k and trio (1M): speed of the 1M ingest plus the peak-RSS growth between them */
const ingestTrio: CustomCase = {
  kind: 'custom',
  name: 'ingest-trio',
  title: 'ingest end to end (tables, scalar indexes, vectors without ANN index, graph) of trio (1M records x 3 samples) vs bcftools view -Ob; peak RSS growth from trio100k',
  issue: 6,
  data: ['trio100k', 'trio'],
  async run(ctx) {
    const reps = Math.max(1, Math.min(ctx.reps, ctx.quick ? 1 : 2));
    const small = await runIngest(ctx, 'trio100k', reps);
    const big = await runIngest(ctx, 'trio', reps);
    const fs0 = figuresOf('trio100k', small);
    const fb = figuresOf('trio', big);
    const growth = fb.rss / fs0.rss - 1;
    const pass = fb.rate >= INGEST_MIN_VARIANTS_PER_S && fb.rss <= INGEST_MAX_RSS_MB && growth < INGEST_MAX_RSS_GROWTH;
    return {
      figures: [...fb.figures, { label: 'trio100k peak RSS (MB)', value: fs0.rss.toFixed(1) }, { label: 'RSS growth 100k → 1M', value: `${(growth * 100).toFixed(1)}%` }],
      pass,
      verdict: `${Math.round(fb.rate).toLocaleString('en-US')} variants/s on 1M records (target ≥ ${INGEST_MIN_VARIANTS_PER_S.toLocaleString('en-US')}), ratio ${fb.ratio.toFixed(3)} vs bcftools view -Ob, peak RSS ${fb.rss.toFixed(1)} MB (limit ${INGEST_MAX_RSS_MB}), growth from 100k ${(growth * 100).toFixed(1)}% (limit < ${INGEST_MAX_RSS_GROWTH * 100}%), store ${(fb.perK / 2 ** 20).toFixed(1)} MB per 100k variants`,
      commands: [cmdText(ctx.ours('ingest', '--quiet', '--db', 'bench/tmp/ingest-DATA.db', ctx.rel('trio'))), cmdText(ctx.bcftools('view', '-Ob', '-o', 'bench/tmp/out.bcf', ctx.rel('trio')))],
      threads: THREADS,
      details: { small, big },
    };
  },
};

export const INGEST_CASES: CustomCase[] = [
  ingestTrio,
  ingestCase('trio100k', 'ingest end to end (tables, scalar indexes, vectors without ANN index, graph) of trio100k (100k records x 3 samples) vs bcftools view -Ob'),
  ingestCase('cohort', 'ingest end to end (tables, scalar indexes, vectors without ANN index, graph) of cohort (20k records x 1,000 samples) vs bcftools view -Ob'),
];
