/** Spawn the compiled CLI (bin/vcf-agent.js → dist), never a TypeScript loader. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './shared.js';

export const BIN = path.join(ROOT, 'bin', 'vcf-agent.js');

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; }

export function runCli(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    p.stdin.on('error', () => {});
    if (opts.input !== undefined) p.stdin.end(opts.input); else p.stdin.end();
  });
}

export function runCliSync(args: string[], input?: string | Buffer): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, maxBuffer: 1 << 30 });
  return { code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Run a shell pipeline (bash -o pipefail) and capture stdout. */
export function sh(cmd: string, opts: { cwd?: string } = {}): CliResult {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd: opts.cwd ?? ROOT, maxBuffer: 1 << 30 });
  return { code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

export interface Served { child: import('node:child_process').ChildProcess; url: string; exited: Promise<number | null> }

/**
 * Start `vcf-agent serve --port 0 ARGS...` as a child process; resolves with the child, its URL (read
 * from the `serving on URL` start-up line on stderr) and a promise of its exit code.
 */
export function startServe(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += String(d);
      const m = /serving on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1], exited });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err.slice(-2000)}`)));
  });
}
