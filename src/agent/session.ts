/**
 * What `ask` and `chat` share: options → provider + policy, running a turn with its report, and the
 * chat history kept per session id in WORKSPACE/sessions/ID.json (messages as the AI SDK keeps
 * them). Sessions are plain files next to the store; they never touch its tables.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APICallError, RetryError, type ModelMessage } from 'ai';
import { resolveWorkspace } from '../store/workspace.js';
import { VcfError } from '../vcf/errors.js';
import { ask, type AgentRun } from './agent.js';
import { makePolicy, type AgentPolicy } from './guards.js';
import { createModel, describeProvider, resolveProvider, type HttpStats, type ProviderConfig } from './providers.js';
import { DEFAULT_BUDGET, type Budget } from './tools.js';

export interface AgentCliOptions {
  provider?: string;
  model?: string;
  baseUrl?: string;
  db?: string;
  dataDir?: string[];
  allowWrite?: boolean;
  maxSteps?: number;
  timeout?: number;
  maxRetries?: number;
  maxRows?: number;
  stream?: boolean;
}

export interface AgentSetup {
  cfg: ProviderConfig;
  policy: AgentPolicy;
  budget: Budget;
  http: HttpStats;
  describe: string;
}

export function setup(o: AgentCliOptions, env: NodeJS.ProcessEnv = process.env): AgentSetup {
  const cfg = resolveProvider({ provider: o.provider, model: o.model, baseUrl: o.baseUrl }, env);
  return {
    cfg,
    policy: makePolicy({ db: o.db, dataDirs: o.dataDir, allowWrite: o.allowWrite }),
    budget: { ...DEFAULT_BUDGET, ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}) },
    http: { requests: 0, failed: [] },
    describe: describeProvider(cfg),
  };
}

/** Provider failures (after retries) as one line. */
export function providerError(e: unknown, s: AgentSetup): VcfError {
  const inner = RetryError.isInstance(e) ? e.lastError : e;
  if (APICallError.isInstance(inner)) {
    const body = (inner.responseBody ?? '').replace(/\s+/g, ' ').slice(0, 200);
    const retried = RetryError.isInstance(e) ? ` after ${e.errors.length} attempts` : '';
    return new VcfError('AGENT_PROVIDER_ERROR', `${s.describe}: HTTP ${inner.statusCode ?? '?'}${retried}: ${inner.message.split('\n')[0]}${body ? ` (${body})` : ''}`, {}, 'internal');
  }
  const err = inner as Error;
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return new VcfError('AGENT_PROVIDER_TIMEOUT', `${s.describe}: no answer within the timeout`, {}, 'internal');
  if (err instanceof VcfError) return err;
  return new VcfError('AGENT_PROVIDER_ERROR', `${s.describe}: ${(err?.message ?? String(e)).split('\n')[0]}`, {}, 'internal');
}

export async function runTurn(s: AgentSetup, o: AgentCliOptions, question: string, history: ModelMessage[], onText?: (t: string) => void): Promise<AgentRun> {
  const model = createModel(s.cfg, s.http);
  try {
    return await ask({
      model,
      question,
      policy: s.policy,
      history,
      budget: s.budget,
      maxSteps: o.maxSteps,
      stream: o.stream !== false,
      onText,
      timeoutMs: o.timeout !== undefined ? o.timeout * 1000 : 120_000,
      maxRetries: o.maxRetries,
    });
  } catch (e) {
    throw providerError(e, s);
  }
}

/** one line for stderr: steps, tool calls, tokens, time, retries */
export function usageLine(run: AgentRun, s: AgentSetup): string {
  const retried = s.http.failed.length ? `, ${s.http.failed.length} HTTP error(s) retried or failed (${[...new Set(s.http.failed.map((f) => f.status))].join(', ')})` : '';
  return `${s.describe}: ${run.steps.length} step(s), ${run.toolCalls.length} tool call(s), tokens in ${run.usage.inputTokens} / out ${run.usage.outputTokens}, ${(run.durationMs / 1000).toFixed(1)} s${retried}${run.stepLimitReached ? ', stopped at the step limit' : ''}`;
}

/** The trace as JSON (`ask --json`, `/trace`): no API key, no history. */
export function traceJson(run: AgentRun, s: AgentSetup): Record<string, unknown> {
  const { messages: _m, ...rest } = run;
  return { ...rest, provider: s.cfg.provider, model: s.cfg.model, baseURL: s.cfg.baseURL, http: s.http, policy: { allowWrite: s.policy.allowWrite, allowedDirs: s.policy.allowedDirs } };
}

// ---- chat sessions -----------------------------------------------------------------------------

export function sessionFile(db: string | undefined, id: string): string {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(id) || id.startsWith('.')) throw new VcfError('USAGE', `bad session id "${id}" (letters, digits, _ . - only)`, {}, 'usage');
  return path.join(resolveWorkspace(db).dir, 'sessions', `${id}.json`);
}

export function newSessionId(): string {
  return randomUUID().slice(0, 8);
}

export function loadHistory(file: string): ModelMessage[] {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { messages?: ModelMessage[] };
    return Array.isArray(j.messages) ? j.messages : [];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new VcfError('AGENT_SESSION_UNREADABLE', `cannot read the session: ${(e as Error).message.split('\n')[0]}`, { file });
  }
}

export function saveHistory(file: string, messages: ModelMessage[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ updated: new Date().toISOString(), messages }));
  fs.renameSync(tmp, file);
}
