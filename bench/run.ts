/**
 * `npm run bench`: runs the benchmark cases of bench/cases.ts against bcftools, writes
 * bench/results/<name>.json and regenerates the results section of BENCHMARKS.md.
 *
 * Usage: node dist/bench/run.js [--only NAME[,NAME]] [--quick] [--reps N] [--list] [--keep-outputs] [--no-report]
 *   --only      case names (exact, or a substring such as `view`)
 *   --quick     one repetition per command, no warm-up
 *   --reps N    repetitions per command (default 5); the median is reported
 *   --keep-outputs  keep the stdout files in bench/tmp
 *
 * Exit status: 0 when every case ran and outputs matched, 1 when an output differed or a command
 * failed. Missed speed targets are reported, not fatal (timings depend on the machine's load).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CASES, type BenchCase, type BenchContext, type CompareCase, type CustomCase } from './cases.js';
import { ensureDatasets, ROOT, DATA_DIR, type DatasetFile } from './generate.js';
import { measure, median, cmdText, machineInfo, gitCommit, type RunMeasure } from './measure.js';
import { writeReport, type CaseResultFile, type CompareSummary } from './report.js';

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const TMP_DIR = path.join(ROOT, 'bench', 'tmp');

interface Args { only: string[]; quick: boolean; reps: number; list: boolean; keep: boolean; report: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { only: [], quick: false, reps: 5, list: false, keep: false, report: true };
  let repsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--only') a.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (x.startsWith('--only=')) a.only.push(...x.slice(7).split(',').filter(Boolean));
    else if (x === '--quick') a.quick = true;
    else if (x === '--reps') { a.reps = Number(argv[++i]); repsGiven = true; }
    else if (x === '--list') a.list = true;
    else if (x === '--keep-outputs') a.keep = true;
    else if (x === '--no-report') a.report = false;
    else if (x === '-h' || x === '--help') {
      process.stdout.write('usage: npm run bench -- [--only NAME[,NAME]] [--quick] [--reps N] [--list] [--keep-outputs] [--no-report]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${x}`);
  }
  if (a.quick && !repsGiven) a.reps = 1;
  if (!(Number.isInteger(a.reps) && a.reps >= 1)) throw new Error('--reps expects a positive integer');
  return a;
}

function select(only: string[]): BenchCase[] {
  if (!only.length) return CASES;
  const out: BenchCase[] = [];
  for (const o of only) {
    const exact = CASES.filter((c) => c.name === o);
    const hits = exact.length ? exact : CASES.filter((c) => c.name.includes(o));
    if (!hits.length) throw new Error(`no benchmark case matches "${o}" (cases: ${CASES.map((c) => c.name).join(', ')})`);
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

const log = (m: string): void => { process.stderr.write(m + '\n'); };

function context(files: Record<string, DatasetFile>, args: Args): BenchContext {
  return {
    root: ROOT,
    tmp: TMP_DIR,
    reps: args.reps,
    quick: args.quick,
    data(name) {
      const f = files[name];
      if (!f) throw new Error(`data set ${name} was not declared by the case`);
      return f;
    },
    rel(name) { return path.relative(ROOT, this.data(name).path); },
    ours: (...a) => ({ argv: ['node', 'bin/vcf-agent.js', ...a] }),
    bcftools: (...a) => ({ argv: ['bcftools', ...a] }),
    log,
  };
}

function summarise(runs: RunMeasure[]): CompareSummary {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    userMs: median(runs.map((r) => r.userMs)),
    sysMs: median(runs.map((r) => r.sysMs)),
    maxRssMB: median(runs.map((r) => r.maxRssKB)) / 1024,
    maxRssMBMax: Math.max(...runs.map((r) => r.maxRssKB)) / 1024,
    stdoutBytes: runs[0]?.stdoutBytes ?? 0,
  };
}

async function runCompare(c: CompareCase, ctx: BenchContext, args: Args): Promise<CaseResultFile> {
  const cmds = { ours: c.ours(ctx), bcftools: c.bcftools(ctx) };
  const runs: Record<'ours' | 'bcftools', RunMeasure[]> = { ours: [], bcftools: [] };
  const hashes: Record<'ours' | 'bcftools', Set<string>> = { ours: new Set(), bcftools: new Set() };
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const one = async (who: 'ours' | 'bcftools', counted: boolean, rep: number): Promise<void> => {
    const out = path.join(TMP_DIR, `${c.name}.${who}.out`);
    const m = await measure(cmds[who], { cwd: ROOT, stdoutPath: out, normalise: c.normalise, keepOutput: true });
    if (m.exitCode !== 0) throw new Error(`${who}: \`${cmdText(cmds[who])}\` exited with ${m.exitCode}: ${m.stderrTail}`);
    hashes[who].add(m.sha256!);
    if (counted) runs[who].push(m);
    log(`  ${counted ? `rep ${rep + 1}` : 'warm-up'} ${who.padEnd(8)} wall ${(m.wallMs / 1000).toFixed(2)} s  cpu ${(m.cpuMs / 1000).toFixed(2)} s  rss ${(m.maxRssKB / 1024).toFixed(1)} MB  out ${(m.stdoutBytes / 1e6).toFixed(1)} MB`);
  };
  if (!args.quick) { await one('ours', false, 0); await one('bcftools', false, 0); }
  for (let r = 0; r < args.reps; r++) {
    // alternate the order so neither side always runs on a warmer (or busier) machine
    const order: Array<'ours' | 'bcftools'> = r % 2 === 0 ? ['ours', 'bcftools'] : ['bcftools', 'ours'];
    for (const who of order) await one(who, true, r);
  }
  const match = hashes.ours.size === 1 && hashes.bcftools.size === 1 && [...hashes.ours][0] === [...hashes.bcftools][0];
  if (!args.keep && match) {
    for (const who of ['ours', 'bcftools']) fs.rmSync(path.join(TMP_DIR, `${c.name}.${who}.out`), { force: true });
  }
  const ours = summarise(runs.ours), bcf = summarise(runs.bcftools);
  const ratio = bcf.wallMs / ours.wallMs;
  const ratioCpu = bcf.cpuMs / ours.cpuMs;
  const targetMet = c.minRatio === undefined ? undefined : ratio >= c.minRatio;
  const rssMet = c.maxRssMB === undefined ? undefined : ours.maxRssMBMax <= c.maxRssMB;
  return {
    kind: 'compare',
    name: c.name,
    title: c.title,
    issue: c.issue,
    date: new Date().toISOString(),
    machine: machineInfo(),
    commit: gitCommit(ROOT),
    reps: args.reps,
    quick: args.quick,
    data: Object.fromEntries(c.data.map((d) => [d, dataInfo(ctx.data(d))])),
    commands: { ours: cmdText(cmds.ours), bcftools: cmdText(cmds.bcftools) },
    normalisation: c.normalise.describe,
    threads: c.threads,
    ours,
    bcftools: bcf,
    ratio,
    ratioCpu,
    outputsMatch: match,
    sha256: { ours: [...hashes.ours], bcftools: [...hashes.bcftools] },
    minRatio: c.minRatio,
    targetMet,
    maxRssMB: c.maxRssMB,
    rssMet,
    runs,
  };
}

async function runCustom(c: CustomCase, ctx: BenchContext, args: Args): Promise<CaseResultFile> {
  const r = await c.run(ctx);
  return {
    kind: 'custom',
    name: c.name,
    title: c.title,
    issue: c.issue,
    date: new Date().toISOString(),
    machine: machineInfo(),
    commit: gitCommit(ROOT),
    reps: args.reps,
    quick: args.quick,
    data: Object.fromEntries(c.data.map((d) => [d, dataInfo(ctx.data(d))])),
    commands: r.commands,
    figures: r.figures,
    pass: r.pass,
    verdict: r.verdict,
    threads: r.threads,
    details: r.details,
  };
}

function dataInfo(f: DatasetFile): { file: string; records: number; samples: number; bytes: number; sha256: string } {
  return { file: path.relative(ROOT, f.path), records: f.records, samples: f.samples.length, bytes: f.bytes, sha256: f.sha256 };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const cases = select(args.only);
  if (args.list) {
    for (const c of CASES) process.stdout.write(`${c.name}\t${c.kind}\t${c.title}\n`);
    return 0;
  }
  const needed = [...new Set(cases.flatMap((c) => c.data))];
  const files = await ensureDatasets(needed, { dir: DATA_DIR, log });
  const ctx = context(files, args);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  let failed = false;
  for (const c of cases) {
    log(`bench ${c.name}: ${c.title}`);
    let res: CaseResultFile;
    try {
      res = c.kind === 'compare' ? await runCompare(c, ctx, args) : await runCustom(c, ctx, args);
    } catch (e) {
      failed = true;
      log(`bench ${c.name}: FAILED: ${(e as Error).message}`);
      continue;
    }
    fs.writeFileSync(path.join(RESULTS_DIR, `${c.name}.json`), JSON.stringify(res, null, 2) + '\n');
    if (res.kind === 'compare') {
      if (!res.outputsMatch) failed = true;
      process.stdout.write(
        `${c.name}: ours ${(res.ours.wallMs / 1000).toFixed(2)} s, bcftools ${(res.bcftools.wallMs / 1000).toFixed(2)} s, ratio ${res.ratio.toFixed(2)}` +
        `${res.minRatio !== undefined ? ` (target >= ${res.minRatio}: ${res.targetMet ? 'met' : 'NOT met'})` : ''}, ` +
        `peak RSS ours ${res.ours.maxRssMBMax.toFixed(1)} MB / bcftools ${res.bcftools.maxRssMBMax.toFixed(1)} MB` +
        `${res.maxRssMB !== undefined ? ` (limit ${res.maxRssMB} MB: ${res.rssMet ? 'met' : 'NOT met'})` : ''}, ` +
        `outputs ${res.outputsMatch ? 'identical' : 'DIFFER (kept in bench/tmp)'}\n`,
      );
    } else {
      process.stdout.write(`${c.name}: ${res.pass ? 'pass' : 'FAIL'}: ${res.verdict}\n`);
    }
  }
  if (args.report) {
    const file = writeReport(ROOT, RESULTS_DIR, CASES.map((c) => c.name));
    log(`bench: wrote ${path.relative(ROOT, file)}`);
  }
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
});
