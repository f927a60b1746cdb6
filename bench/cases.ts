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
import { measure, median, DROP_PROVENANCE, cmdText, type Cmd, type Normalisation, type RunMeasure } from './measure.js';

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

export const CASES: BenchCase[] = [
  viewSubset('trio', 1.0),
  viewSubset('cohort', 0.8),
  rssFlat,
  inflateThreads,
  viewSubset('trio', undefined, 1),
  viewSubset('cohort', undefined, 1),
];
