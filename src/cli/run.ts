/**
 * Shared CLI plumbing: exit codes, one-line errors, a quietly closed stdout.
 * 0 success, 1 warnings under --strict, 2 bad input or usage, 3 internal failure.
 */
import { VcfError, formatLocated } from '../vcf/errors.js';
import { StdoutClosed } from '../vcf/writer.js';

export const EXIT = { OK: 0, WARN: 1, INPUT: 2, INTERNAL: 3 } as const;

let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') {
    stdoutClosed = true;
    process.exit(0);
  }
  // anything else (a full disk, an I/O error) loses output: never a quiet success
  errorExit(new VcfError('OUTPUT_WRITE', `cannot write to standard output: ${e.message}`, { file: '-' }));
});

/**
 * The one way a command ends on an error: a closed stdout ends quietly with 0; a VcfError prints
 * `vcf-agent: FILE:LINE:COL: message [RULE]` on one line and exits 2 (3 when internal); anything
 * else is an internal failure: one line, exit 3 (the stack only with VCF_AGENT_DEBUG=1).
 */
export function errorExit(e: unknown): never {
  if (e instanceof StdoutClosed || stdoutClosed || isEpipe(e)) process.exit(EXIT.OK);
  if (e instanceof VcfError) {
    writeErr(`vcf-agent: ${e.oneLine()}\n`);
    // an expression error also shows the expression with a caret under the culprit
    const details = (e as { details?: unknown }).details;
    if (Array.isArray(details)) for (const d of details) writeErr(`  ${String(d)}\n`);
    process.exit(e.kind === 'internal' ? EXIT.INTERNAL : EXIT.INPUT);
  }
  const msg = e instanceof Error ? e.message : String(e);
  writeErr(`vcf-agent: internal error: ${(msg.split('\n')[0] || (e as Error)?.name || 'unknown').slice(0, 500)}\n`);
  if (process.env.VCF_AGENT_DEBUG && e instanceof Error) writeErr(`${e.stack}\n`);
  process.exit(EXIT.INTERNAL);
}

function isEpipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || (code === 'ERR_STREAM_DESTROYED' && stdoutClosed);
}

function writeErr(s: string): void {
  try {
    process.stderr.write(s);
  } catch {
    // stderr closed too: nothing left to tell
  }
}

/**
 * Errors that escape every command (an 'error' event on a stream nobody listens to, a rejected
 * promise nobody awaits) still end as one line and an exit code, never a stack trace.
 */
export function installProcessHandlers(): void {
  process.on('uncaughtException', (e) => errorExit(e));
  process.on('unhandledRejection', (e) => errorExit(e));
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

export interface ReportedIssue {
  severity: string;
  rule: string;
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

/**
 * `validate` and `analyze` list problems on stdout; when a file is invalid (exit 2) stderr also gets
 * the one line every exit 2 has: the first error, `vcf-agent: FILE:LINE:COL: message [RULE]`.
 */
export function reportFirstError(file: string, issues: readonly ReportedIssue[]): void {
  const e = issues.find((i) => i.severity === 'error');
  if (!e) return;
  writeErr(`vcf-agent: ${formatLocated(e.file ?? file, e.line, e.column, `${e.message} [${e.rule}]`)}\n`);
}
