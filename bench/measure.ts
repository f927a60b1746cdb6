/**
 * Measuring one process: wall time (hrtime around the child), user and system CPU time and peak
 * RSS of the child itself as reported by GNU time (wait4 rusage: ru_utime, ru_stime, ru_maxrss),
 * exit status, and a sha256 of its stdout after an optional normalisation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';

/** A command: an argv run directly, or a bash pipeline (`set -o pipefail`). */
export type Cmd = { argv: string[]; env?: Record<string, string> } | { sh: string; env?: Record<string, string> };

export interface Normalisation {
  /** human-readable statement for BENCHMARKS.md */
  describe: string;
  /** drop lines starting with any of these (applied to the leading '#' header lines only) */
  dropHeaderPrefixes?: string[];
  /** drop every line (anywhere in the output) starting with any of these */
  dropLinePrefixes?: string[];
}

export const DROP_PROVENANCE: Normalisation = {
  describe: 'header lines starting with `##bcftools_` or `##vcf-agent_` (provenance: command line and date) are dropped before hashing',
  dropHeaderPrefixes: ['##bcftools_', '##vcf-agent_'],
};

/** `stats` output: the post-processing c_bcftools_expected uses (drop `#` comment lines and `ID` lines, which name files and programs) */
export const STATS_NORMALISE: Normalisation = {
  describe: 'lines starting with `#` (comments: program, version, command line) and `ID\t` lines (input file names) are dropped before hashing, as the c_bcftools_expected stats cases do',
  dropLinePrefixes: ['#', 'ID\t'],
};

export const EXACT: Normalisation = { describe: 'none (raw stdout bytes are hashed)' };

export interface RunMeasure {
  wallMs: number;
  userMs: number;
  sysMs: number;
  cpuMs: number;
  maxRssKB: number;
  exitCode: number;
  stdoutBytes: number;
  sha256?: string;
  stderrTail: string;
}

export function cmdText(c: Cmd): string {
  if ('sh' in c) return c.sh;
  return c.argv.map(shellQuote).join(' ');
}

export function shellQuote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./^-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run `cmd` under /usr/bin/time with stdout written to `stdoutPath` (or /dev/null), then hash the
 * output (not timed). The measured figures are those of the command process itself (for a
 * pipeline: bash, whose rusage includes its waited-for children; peak RSS is then the largest one).
 */
export async function measure(cmd: Cmd, opts: { cwd: string; stdoutPath?: string; normalise?: Normalisation; keepOutput?: boolean }): Promise<RunMeasure> {
  const statsFile = path.join(os.tmpdir(), `vcf-agent-bench-${process.pid}-${Date.now()}.time`);
  const out = opts.stdoutPath ?? '/dev/null';
  const fd = fs.openSync(out, 'w');
  const argv = 'sh' in cmd ? ['bash', '-c', `set -o pipefail; ${cmd.sh}`] : cmd.argv;
  const t0 = process.hrtime.bigint();
  let stderr = '';
  const code: number = await new Promise((res, rej) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M %x', '-o', statsFile, '--', ...argv], {
      cwd: opts.cwd,
      stdio: ['ignore', fd, 'pipe'],
      env: { ...process.env, ...(cmd.env ?? {}) },
    });
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString('utf8')).slice(-4000); });
    child.on('error', rej);
    child.on('close', (c) => res(c ?? -1));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(fd);
  const stats = fs.readFileSync(statsFile, 'utf8').trim().split('\n').pop()!.split(/\s+/);
  fs.rmSync(statsFile, { force: true });
  const [, user, sys, rss, exit] = stats;
  const m: RunMeasure = {
    wallMs,
    userMs: Number(user) * 1000,
    sysMs: Number(sys) * 1000,
    cpuMs: (Number(user) + Number(sys)) * 1000,
    maxRssKB: Number(rss),
    exitCode: Number.isFinite(Number(exit)) ? Number(exit) : code,
    stdoutBytes: out === '/dev/null' ? 0 : fs.statSync(out).size,
    stderrTail: stderr.split('\n').filter((l) => !/^Command exited with non-zero status/.test(l)).join('\n').trim().slice(-1000),
  };
  if (out !== '/dev/null') {
    m.sha256 = await hashOutput(out, opts.normalise ?? EXACT);
    if (!opts.keepOutput) fs.rmSync(out, { force: true });
  }
  return m;
}

/** sha256 of a file after dropping matching leading header lines. */
export async function hashOutput(file: string, norm: Normalisation): Promise<string> {
  const h = crypto.createHash('sha256');
  if (norm.dropLinePrefixes?.length) {
    // whole-file line filter (used for small outputs such as stats)
    const text = fs.readFileSync(file, 'latin1');
    const keep = text.split('\n');
    const last = keep.pop();
    for (const line of keep) if (!norm.dropLinePrefixes.some((d) => line.startsWith(d))) h.update(line + '\n', 'latin1');
    if (last && !norm.dropLinePrefixes.some((d) => last.startsWith(d))) h.update(last, 'latin1');
    return h.digest('hex');
  }
  const drop = norm.dropHeaderPrefixes ?? [];
  let inHeader = drop.length > 0;
  let carry = Buffer.alloc(0);
  for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    if (!inHeader) { h.update(c); continue; }
    let buf = carry.length ? Buffer.concat([carry, c]) : c;
    let p = 0;
    for (;;) {
      if (p >= buf.length) { carry = Buffer.alloc(0); break; }
      if (buf[p] !== 35 /* # */) { inHeader = false; h.update(buf.subarray(p)); carry = Buffer.alloc(0); break; }
      const nl = buf.indexOf(10, p);
      if (nl < 0) { carry = Buffer.from(buf.subarray(p)); break; }
      const line = buf.toString('latin1', p, Math.min(nl, p + 64));
      if (!drop.some((d) => line.startsWith(d))) h.update(buf.subarray(p, nl + 1));
      p = nl + 1;
    }
    buf = Buffer.alloc(0);
  }
  if (carry.length) h.update(carry);
  return h.digest('hex');
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memGB: number;
  os: string;
  node: string;
  bcftools: string;
  loadavg: number[];
}

let machineCache: MachineInfo | undefined;
export function machineInfo(): MachineInfo {
  if (machineCache) return { ...machineCache, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100) };
  let bcf = 'not found';
  try {
    bcf = execFileSync('bcftools', ['--version'], { encoding: 'utf8' }).split('\n').slice(0, 2).join('; ');
  } catch { /* absent */ }
  machineCache = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    bcftools: bcf,
    loadavg: [],
  };
  return machineInfo();
}

export function gitCommit(cwd: string): string {
  try {
    const c = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim() ? '+dirty' : '';
    return c + dirty;
  } catch {
    return 'unknown';
  }
}
