/**
 * Errors as HTTP answers: {error: one line, rule}. Guard refusals are 403, bad input 400, unknown
 * samples/genes/stores 404, internal failures 500 (one line, no stack).
 */
import { GuardRefusal } from '../agent/guards.js';
import { VcfError } from '../vcf/errors.js';

export class HttpError extends Error {
  constructor(readonly status: number, readonly rule: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

const NOT_FOUND = new Set(['STORE_NOT_FOUND', 'STORE_NO_SAMPLE', 'STORE_NO_GENE', 'STORE_NO_FILE', 'INPUT_NOT_FOUND', 'STORE_NOT_IN_GRAPH', 'STORE_NO_GRAPH']);

export function toHttp(e: unknown): { status: number; body: { error: string; rule: string } } {
  if (e instanceof HttpError) return { status: e.status, body: { error: e.message, rule: e.rule } };
  if (e instanceof GuardRefusal) return { status: 403, body: { error: `refused: ${e.message}`, rule: e.rule } };
  if (e instanceof VcfError) {
    const status = NOT_FOUND.has(e.code) ? 404 : e.kind === 'internal' ? 500 : 400;
    return { status, body: { error: e.oneLine(), rule: e.code } };
  }
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: (fe.message ?? 'bad request').split('\n')[0], rule: fe.code ?? 'SERVE_BAD_REQUEST' } };
  }
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
  return { status: 500, body: { error: `internal error: ${msg}`, rule: 'INTERNAL' } };
}
