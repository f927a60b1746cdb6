/**
 * The benchmark registry. Each case names the data sets it needs and is either
 *  - `compare`: our command and the identical bcftools command, run alternately in the same
 *    session, outputs compared by sha256 after a stated normalisation; or
 *  - `custom`: any measurement (memory checks, in-process latency percentiles, ...) that returns
 *    its own figures and a pass/fail verdict.
 *
 * To add a benchmark, append an entry to CASES (later issues: query, stats, regions, BCF, ingest).
 * Paths are relative to the project root, which is the working directory of every command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetFile } from './generate.js';
import { measure, median, DROP_PROVENANCE, EXACT, STATS_NORMALISE, cmdText, type Cmd, type Normalisation, type RunMeasure } from './measure.js';
import { Rng, GRCH38 } from './genome.js';
import { embedMemoryCase } from './embed-memory.js';
import { embedMeaningCase } from './embed-meaning.js';
import { embedTextCase } from './embed-text.js';
import { annCase } from './ann.js';
import { loadCase } from './load.js';
import { INGEST_CASES } from './ingest.js';
import { STORE_CASES } from './store.js';
import { storeWriteFloor } from './store-floor.js';

export interface BenchContext {
  root: string;
  /** scratch directory for outputs (git-ignored bench/tmp) */
  tmp: string;
  reps: number;
  quick: boolean;
  /** a data set by name (ensured before the case runs) */
  data(name: string): DatasetFile;
  /** path of a data set relative to the project root, as written in commands */
  rel(name: string): string;
  /** our executable with arguments */
  ours(...args: string[]): Cmd;
  bcftools(...args: string[]): Cmd;
  log(msg: string): void;
}

export interface Threads {
  ours: number;
  bcftools: number;
  note?: string;
}

export interface CompareCase {
  kind: 'compare';
  name: string;
  title: string;
  issue: number;
  data: string[];
  ours(ctx: BenchContext): Cmd;
  bcftools(ctx: BenchContext): Cmd;
  normalise: Normalisation;
  threads: Threads;
  /** minimum accepted ratio bcftools wall ÷ our wall (above 1 = we are faster) */
  minRatio?: number;
  /** peak RSS limit for our process */
  maxRssMB?: number;
}

export interface CustomResult {
  /** figures shown in BENCHMARKS.md, in order */
  figures: Array<{ label: string; value: string }>;
  pass: boolean;
  verdict: string;
  commands: string[];
  threads?: Threads;
  details?: unknown;
}

export interface CustomCase {
  kind: 'custom';
  name: string;
  title: string;
  issue: number;
  data: string[];
  run(ctx: BenchContext): Promise<CustomResult>;
}

export type BenchCase = CompareCase | CustomCase;

const firstSample = (ctx: BenchContext, d: string): string => ctx.data(d).samples[0];

/** `view -I -s ^<first sample>`; with `threads`, both tools get `--threads N` (N extra decompression threads). */
const viewSubset = (data: string, minRatio?: number, threads = 0): CompareCase => {
  const t = threads ? ['--threads', String(threads)] : [];
  return {
    kind: 'compare',
    name: `view-subset-${data}${threads ? `-threads${threads}` : ''}`,
    title: `view -I -s ^<first sample> (full parse and rewrite of genotypes), ${data}${threads ? `, both with --threads ${threads}` : ''}`,
    issue: 2,
    data: [data],
    ours: (ctx) => ctx.ours('view', ...t, '-I', '-s', `^${firstSample(ctx, data)}`, ctx.rel(data)),
    bcftools: (ctx) => ctx.bcftools('view', ...t, '-I', '-s', `^${firstSample(ctx, data)}`, ctx.rel(data)),
    normalise: DROP_PROVENANCE,
    threads: threads
      ? { ours: 1 + threads, bcftools: 1 + threads, note: `both with --threads ${threads}: the main thread plus ${threads} decompression thread${threads > 1 ? 's' : ''} (ours: worker threads inflating BGZF blocks; bcftools: htslib's thread pool)` }
      : { ours: 1, bcftools: 1, note: 'both without --threads: BGZF is inflated on the main thread by both (Node\'s own GC/libuv helper threads are not counted; their CPU time is in the CPU column)' },
    minRatio,
    maxRssMB: 200,
  };
};

/** Our BGZF inflation on the main thread vs in worker threads (the measurement behind the default). */
const inflateThreads: CustomCase = {
  kind: 'custom',
  name: 'inflate-threads-trio',
  title: 'BGZF inflation on the main thread vs worker threads: our view -I -s ^HG002 with --threads 0, 1, 2 on trio',
  issue: 2,
  data: ['trio'],
  async run(ctx) {
    const counts = [0, 1, 2];
    const cmds = counts.map((n) => ctx.ours('view', '--threads', String(n), '-I', '-s', `^${firstSample(ctx, 'trio')}`, ctx.rel('trio')));
    const runs: RunMeasure[][] = counts.map(() => []);
    fs.mkdirSync(ctx.tmp, { recursive: true });
    const out = path.join(ctx.tmp, 'inflate-threads.out');
    const hashes = new Set<string>();
    for (let r = 0; r < ctx.reps; r++) {
      for (let k0 = 0; k0 < counts.length; k0++) {
        const k = (k0 + r) % counts.length; // rotate the order
        const m = await measure(cmds[k], { cwd: ctx.root, stdoutPath: out, normalise: DROP_PROVENANCE });
        if (m.exitCode !== 0) throw new Error(`${cmdText(cmds[k])} exited with ${m.exitCode}: ${m.stderrTail}`);
        hashes.add(m.sha256!);
        runs[k].push(m);
        ctx.log(`  --threads ${counts[k]} rep ${r + 1}: wall ${(m.wallMs / 1000).toFixed(2)} s, cpu ${(m.cpuMs / 1000).toFixed(2)} s, rss ${(m.maxRssKB / 1024).toFixed(1)} MB`);
      }
    }
    const wall = runs.map((rs) => median(rs.map((m) => m.wallMs)));
    const cpu = runs.map((rs) => median(rs.map((m) => m.cpuMs)));
    const rss = runs.map((rs) => Math.max(...rs.map((m) => m.maxRssKB)) / 1024);
    const best = wall.indexOf(Math.min(...wall));
    const figures = counts.flatMap((n, k) => [
      { label: `--threads ${n} wall (s)`, value: (wall[k] / 1000).toFixed(2) },
      { label: `CPU (s)`, value: (cpu[k] / 1000).toFixed(2) },
      { label: `peak RSS (MB)`, value: rss[k].toFixed(1) },
    ]);
    return {
      figures,
      pass: hashes.size === 1,
      verdict: `${hashes.size === 1 ? 'identical output for every thread count' : 'OUTPUTS DIFFER between thread counts'}; fastest wall time with --threads ${counts[best]} (${counts.map((n, k) => `${n}: ${(wall[0] / wall[k]).toFixed(2)}x`).join(', ')} the speed of --threads 0; CPU ${counts.map((n, k) => `${n}: ${(cpu[k] / cpu[0]).toFixed(2)}x`).join(', ')})`,
      commands: cmds.map((c) => `${cmdText(c)} > out`),
      threads: { ours: 3, bcftools: 0, note: 'ours only: main thread plus 0, 1 or 2 inflate workers' },
      details: { runs, wall, cpu, rss },
    };
  },
};

/** Peak RSS of our view on the 100k-record cut vs the full 1M-record trio: must stay flat. */
const rssFlat: CustomCase = {
  kind: 'custom',
  name: 'rss-flat-trio',
  title: 'peak RSS flat in file size: view -I -s ^HG002 on trio100k vs trio (1M)',
  issue: 2,
  data: ['trio100k', 'trio'],
  async run(ctx) {
    const reps = Math.max(1, Math.min(ctx.reps, 3));
    const cmds = ['trio100k', 'trio'].map((d) => ctx.ours('view', '-I', '-s', `^${firstSample(ctx, d)}`, ctx.rel(d)));
    const runs: RunMeasure[][] = [[], []];
    for (let r = 0; r < reps; r++) {
      for (let k = 0; k < 2; k++) {
        const m = await measure(cmds[k], { cwd: ctx.root });
        if (m.exitCode !== 0) throw new Error(`${cmdText(cmds[k])} exited with ${m.exitCode}: ${m.stderrTail}`);
        runs[k].push(m);
        ctx.log(`  ${k ? '1M  ' : '100k'} rep ${r + 1}: peak RSS ${(m.maxRssKB / 1024).toFixed(1)} MB, wall ${(m.wallMs / 1000).toFixed(2)} s`);
      }
    }
    const small = median(runs[0].map((m) => m.maxRssKB)) / 1024;
    const big = median(runs[1].map((m) => m.maxRssKB)) / 1024;
    const growth = big / small - 1;
    const pass = growth < 0.1 && big <= 200;
    return {
      figures: [
        { label: 'peak RSS, 100k records (MB)', value: small.toFixed(1) },
        { label: 'peak RSS, 1M records (MB)', value: big.toFixed(1) },
        { label: 'growth', value: `${(growth * 100).toFixed(1)}%` },
      ],
      pass,
      verdict: `growth ${(growth * 100).toFixed(1)}% (limit < 10%), peak ${big.toFixed(1)} MB (limit 200 MB)`,
      commands: cmds.map((c) => `${cmdText(c)} > /dev/null`),
      threads: { ours: 1, bcftools: 0, note: 'ours only' },
      details: { runs },
    };
  },
};

const SINGLE: Threads = { ours: 1, bcftools: 1, note: 'both without --threads: BGZF is inflated on the main thread by both' };

/** `query -f FMT [-i EXPR]`, identical arguments for both tools, raw outputs compared */
const queryCase = (name: string, title: string, issue: number, data: string, args: string[], minRatio: number): CompareCase => ({
  kind: 'compare',
  name,
  title,
  issue,
  data: [data],
  ours: (ctx) => ctx.ours('query', ...args, ctx.rel(data)),
  bcftools: (ctx) => ctx.bcftools('query', ...args, ctx.rel(data)),
  normalise: EXACT,
  threads: SINGLE,
  minRatio,
  maxRssMB: 200,
});

const GT_FMT = ['-f', '[%GT:%DP:%GQ:%AD]\n'];
const HET_FILTER = ['-f', '%CHROM\t%POS[\t%GT]\n', '-i', 'GT="het" && FMT/DP>20'];

/**
 * 1,000 random regions (seeded; chromosome by length, start uniform, length 1 bp to 100 kb, kept
 * at least 1 kb apart so that no record can fall in two of them), sorted in the file's contig
 * order, as a 1-based TSV (CHROM, BEG, END). Written once into bench/tmp.
 */
const REGION_SEED = 20240603;
function regionsFile(ctx: BenchContext): string {
  const file = path.join(ctx.tmp, `regions-${REGION_SEED}.tsv`);
  if (fs.existsSync(file)) return path.relative(ctx.root, file);
  const rng = new Rng(REGION_SEED);
  const total = GRCH38.reduce((a, [, len]) => a + len, 0);
  const byChrom = new Map<string, Array<[number, number]>>();
  let n = 0;
  while (n < 1000) {
    let x = rng.float() * total;
    let k = 0;
    while (x >= GRCH38[k][1] && k < GRCH38.length - 1) { x -= GRCH38[k][1]; k++; }
    const [chrom, clen] = GRCH38[k];
    const len = 1 + Math.floor(rng.float() * 100_000);
    const beg = 1 + Math.floor(rng.float() * Math.max(1, clen - len));
    const end = Math.min(clen, beg + len - 1);
    const list = byChrom.get(chrom) ?? [];
    if (list.some(([b, e]) => beg <= e + 1000 && end >= b - 1000)) continue;
    list.push([beg, end]);
    byChrom.set(chrom, list);
    n++;
  }
  let text = '';
  for (const [chrom] of GRCH38) {
    const list = (byChrom.get(chrom) ?? []).sort((a, b) => a[0] - b[0]);
    for (const [b, e] of list) text += `${chrom}\t${b}\t${e}\n`;
  }
  fs.mkdirSync(ctx.tmp, { recursive: true });
  fs.writeFileSync(file, text);
  return path.relative(ctx.root, file);
}

/** the first region of the regions file alone: the baseline both tools' start-up is measured with */
function firstRegionFile(ctx: BenchContext): string {
  const all = regionsFile(ctx);
  const file = path.join(ctx.tmp, `regions-${REGION_SEED}-first.tsv`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, fs.readFileSync(path.join(ctx.root, all), 'utf8').split('\n')[0] + '\n');
  return path.relative(ctx.root, file);
}

/**
 * Region latency with start-up measured out: per repetition, each tool runs `view -R` with the
 * 1,000 regions and with only the first of them (same file, same index), in rotating order; a
 * tool's time for the regions is its 1,000-region wall time minus its 1-region wall time of the
 * same repetition (process start-up, module loading, reading header and index are in both). The
 * ratio is bcftools' median net time over ours. Outputs of both runs must be identical between
 * the tools.
 */
const regionsTrio: CustomCase = {
  kind: 'custom',
  name: 'regions-trio',
  title: '1,000 random regions (seeded) answered through the index in one process, start-up measured out: view -R regions.tsv minus view -R (its first region), trio',
  issue: 4,
  data: ['trio'],
  async run(ctx) {
    const sets = [regionsFile(ctx), firstRegionFile(ctx)];
    const who = ['ours', 'bcftools'] as const;
    const cmd = (w: 'ours' | 'bcftools', f: string): Cmd => (w === 'ours' ? ctx.ours('view', '-R', f, ctx.rel('trio')) : ctx.bcftools('view', '-R', f, ctx.rel('trio')));
    const jobs = who.flatMap((w) => sets.map((f, k) => ({ w, k, c: cmd(w, f) })));
    const runs = new Map<string, RunMeasure[]>(jobs.map((j) => [`${j.w}${j.k}`, []]));
    const hashes = new Map<string, Set<string>>(jobs.map((j) => [`${j.w}${j.k}`, new Set()]));
    fs.mkdirSync(ctx.tmp, { recursive: true });
    const out = path.join(ctx.tmp, 'regions-trio.out');
    const one = async (j: (typeof jobs)[number], counted: boolean): Promise<void> => {
      const m = await measure(j.c, { cwd: ctx.root, stdoutPath: out, normalise: DROP_PROVENANCE });
      if (m.exitCode !== 0) throw new Error(`${cmdText(j.c)} exited with ${m.exitCode}: ${m.stderrTail}`);
      hashes.get(`${j.w}${j.k}`)!.add(m.sha256!);
      if (counted) runs.get(`${j.w}${j.k}`)!.push(m);
      ctx.log(`  ${counted ? 'rep' : 'warm-up'} ${j.w.padEnd(8)} ${j.k ? '1 region   ' : '1000 regions'} wall ${(m.wallMs / 1000).toFixed(2)} s  cpu ${(m.cpuMs / 1000).toFixed(2)} s  rss ${(m.maxRssKB / 1024).toFixed(1)} MB`);
    };
    if (!ctx.quick) for (const j of jobs) await one(j, false);
    for (let r = 0; r < ctx.reps; r++) {
      for (let i = 0; i < jobs.length; i++) await one(jobs[(i + r) % jobs.length], true); // rotate the order
    }
    const get = (w: string, k: number) => runs.get(`${w}${k}`)!;
    const net = (w: string, f: (m: RunMeasure) => number) => median(get(w, 0).map((m, r) => f(m) - f(get(w, 1)[r])));
    const wallNet = { ours: net('ours', (m) => m.wallMs), bcftools: net('bcftools', (m) => m.wallMs) };
    const cpuNet = { ours: net('ours', (m) => m.cpuMs), bcftools: net('bcftools', (m) => m.cpuMs) };
    const wall = (w: string, k: number) => median(get(w, k).map((m) => m.wallMs));
    const ratio = wallNet.bcftools / wallNet.ours;
    const same = [0, 1].every((k) => hashes.get(`ours${k}`)!.size === 1 && hashes.get(`bcftools${k}`)!.size === 1 && [...hashes.get(`ours${k}`)!][0] === [...hashes.get(`bcftools${k}`)!][0]);
    const rss = Math.max(...get('ours', 0).map((m) => m.maxRssKB)) / 1024;
    const s = (ms: number) => (ms / 1000).toFixed(3);
    const pass = same && ratio >= 1.0 && rss <= 200;
    fs.rmSync(out, { force: true });
    return {
      figures: [
        { label: 'ours wall 1,000 / 1 region (s)', value: `${s(wall('ours', 0))} / ${s(wall('ours', 1))}` },
        { label: 'bcftools wall 1,000 / 1 region (s)', value: `${s(wall('bcftools', 0))} / ${s(wall('bcftools', 1))}` },
        { label: 'net wall ours / bcftools (s)', value: `${s(wallNet.ours)} / ${s(wallNet.bcftools)}` },
        { label: 'net CPU ours / bcftools (s)', value: `${s(cpuNet.ours)} / ${s(cpuNet.bcftools)}` },
        { label: 'ratio (net wall, bcftools ÷ ours)', value: ratio.toFixed(2) },
        { label: 'ratio including start-up', value: (wall('bcftools', 0) / wall('ours', 0)).toFixed(2) },
        { label: 'peak RSS ours (MB)', value: rss.toFixed(1) },
      ],
      pass,
      verdict: `${same ? 'identical outputs (1,000 regions and 1 region)' : 'OUTPUTS DIFFER'}; net ratio ${ratio.toFixed(2)} (target ≥ 1.0: ${ratio >= 1 ? 'met' : 'not met'}); peak RSS ${rss.toFixed(1)} MB (limit 200 MB)`,
      commands: jobs.map((j) => `${cmdText(j.c)} > out`),
      threads: SINGLE,
      details: { runs: Object.fromEntries(runs), wallNet, cpuNet },
    };
  },
};

const statsCase = (data: string, args: string[], minRatio: number): CompareCase => ({
  kind: 'compare',
  name: `stats-${data}${args.length ? '-samples' : ''}`,
  title: `stats ${args.join(' ')}${args.length ? ' ' : ''}(every section bcftools stats prints${args.length ? ', per-sample sections for all samples' : ''}), ${data}`,
  issue: 5,
  data: [data],
  ours: (ctx) => ctx.ours('stats', ...args, ctx.rel(data)),
  bcftools: (ctx) => ctx.bcftools('stats', ...args, ctx.rel(data)),
  normalise: STATS_NORMALISE,
  threads: SINGLE,
  minRatio,
  maxRssMB: 200,
});

export const CASES: BenchCase[] = [
  viewSubset('trio', 1.0),
  viewSubset('cohort', 0.8),
  rssFlat,
  inflateThreads,
  viewSubset('trio', undefined, 1),
  viewSubset('cohort', undefined, 1),
  queryCase('query-gt-trio', 'query -f \'[%GT:%DP:%GQ:%AD]\\n\' (every genotype field of every sample), trio', 3, 'trio', GT_FMT, 1.0),
  queryCase('query-gt-cohort', 'query -f \'[%GT:%DP:%GQ:%AD]\\n\' (every genotype field of every sample), cohort', 3, 'cohort', GT_FMT, 1.0),
  queryCase('query-het-trio', 'query -f \'%CHROM\\t%POS[\\t%GT]\\n\' -i \'GT="het" && FMT/DP>20\' (per-sample filter), trio', 3, 'trio', HET_FILTER, 1.0),
  queryCase('query-het-cohort', 'query -f \'%CHROM\\t%POS[\\t%GT]\\n\' -i \'GT="het" && FMT/DP>20\' (per-sample filter), cohort', 3, 'cohort', HET_FILTER, 1.0),
  queryCase('query-gt-trio-bcf', 'query -f \'[%GT:%DP:%GQ:%AD]\\n\' on the BCF copy of trio (made by bcftools view -Ob)', 4, 'trio-bcf', GT_FMT, 0.8),
  regionsTrio,
  statsCase('trio', [], 1.0),
  statsCase('cohort', ['-s', '-'], 0.8),
  embedMemoryCase,
  embedMeaningCase,
  embedTextCase,
  annCase,
  loadCase,
  ...INGEST_CASES,
  storeWriteFloor,
  ...STORE_CASES,
];
