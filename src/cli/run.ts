/**
 * Shared CLI plumbing: exit codes, one-line errors, a quietly closed stdout.
 * 0 success, 1 warnings under --strict, 2 bad input or usage, 3 internal failure.
 */
import { VcfError } from '../vcf/errors.js';
import { StdoutClosed } from '../vcf/writer.js';

export const EXIT = { OK: 0, WARN: 1, INPUT: 2, INTERNAL: 3 } as const;

let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') {
    stdoutClosed = true;
    process.exit(0);
  }
});

export function errorExit(e: unknown): never {
  if (e instanceof StdoutClosed || stdoutClosed || (e as NodeJS.ErrnoException)?.code === 'EPIPE') process.exit(0);
  if (e instanceof VcfError) {
    process.stderr.write(`vcf-agent: ${e.oneLine()}\n`);
    process.exit(e.kind === 'internal' ? EXIT.INTERNAL : EXIT.INPUT);
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`vcf-agent: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.VCF_AGENT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(EXIT.INTERNAL);
}

/** Wrap a command action: run it, map errors to exit codes. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      await flushStdout();
      process.exitCode = code ?? 0;
    } catch (e) {
      errorExit(e);
    }
  };
}

export function flushStdout(): Promise<void> {
  return new Promise((res) => {
    if (stdoutClosed) return res();
    process.stdout.write('', () => res());
  });
}

export function warn(msg: string): void {
  process.stderr.write(`vcf-agent: warning: ${msg}\n`);
}

/** The command line as typed (for provenance headers). */
export function commandLine(): string {
  return ['vcf-agent', ...process.argv.slice(2)].map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export function parseIntOpt(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new VcfError('USAGE', `${name} expects an integer, got "${v}"`, {}, 'usage');
    return Number(v);
  };
}
