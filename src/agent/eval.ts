/**
 * The evaluation set (eval/questions.json, written by eval/make-questions.py with answers computed
 * by bcftools or directly from the VCF text, never by vcf-agent) run through the agent.
 *
 *   npm run eval -- --provider openai --model gpt-4.1-mini     score a real model
 *   npm run eval -- --oracle                                    the oracle model (CI)
 *   options: --only SUBSTR, --json, --data examples|shared|all (default all),
 *            --db DIR (a workspace holding examples/, and DIR-corpus one holding the corpus store
 *            files; default new temporary ones)
 *
 * Questions marked "data": "shared" are over the corpus cohort in ../shared/data (relative to the
 * project root; $VCF_AGENT_SHARED_DATA overrides it): their file paths are relative to that data
 * root, they run with it as the current and only allowed directory, and those marked "store" run
 * on a workspace holding the questions file's `shared_store` files. Without the data root they are
 * skipped, and the run says so.
 *
 * The oracle is a scripted model that issues each question's expected tool calls and answers with
 * the value found in the first tool result at the question's `extract` path: it proves the tools
 * return the independently computed answers. A real model is scored on the same questions:
 * accuracy, the expected tools called, tool calls, tokens and latency.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import type { LanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { ask, type AgentRun } from './agent.js';
import { claimsIn } from './grounding.js';
import { makePolicy } from './guards.js';
import { createModel, resolveProvider, type HttpStats } from './providers.js';
import type { ToolOutput } from './tools.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const QUESTIONS = path.join(ROOT, 'eval', 'questions.json');

/** the corpus data root (holding MANIFEST.tsv), or null when absent */
export function sharedDataRoot(dir = process.env.VCF_AGENT_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data')): string | null {
  return fs.existsSync(path.join(dir, 'MANIFEST.tsv')) ? path.resolve(dir) : null;
}

export interface EvalQuestion {
  id: string;
  question: string;
  expected: { type: 'number' | 'set'; value: number | string[] };
  independent: string;
  tools: Array<{ tool: string; input: Record<string, unknown> }>;
  extract: string;
  /** "shared": over the corpus (paths relative to the data root) */
  data?: 'shared';
  /** asked of the workspace holding the corpus store files (shared questions) */
  store?: boolean;
}

export interface EvalSet { questions: EvalQuestion[]; shared_store?: string[] }

export interface EvalResult {
  id: string;
  correct: boolean;
  expectedToolsCalled: boolean;
  toolCalls: number;
  tokens: number;
  ms: number;
  answer: string;
  expected: EvalQuestion['expected'];
  error?: string;
}

export function loadEvalSet(file = QUESTIONS): EvalSet {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EvalSet;
}

export function loadQuestions(file = QUESTIONS): EvalQuestion[] {
  return loadEvalSet(file).questions;
}

/** the value at `path` (a.b, rows[0].x, rows[*].x) of a tool output */
export function extract(output: ToolOutput, spec: string): unknown {
  const data = output.data ? JSON.parse(output.data.replace(/^<<<VCF_DATA [0-9a-f]+\n/, '').replace(/\nVCF_DATA [0-9a-f]+>>>$/, '')) as Record<string, unknown> : {};
  let cur: unknown[] = [{ ...output, ...data }];
  let many = false;
  for (const part of spec.split('.')) {
    const m = /^(\w+)(?:\[(\d+|\*)\])?$/.exec(part);
    if (!m) throw new Error(`bad extract path ${spec}`);
    cur = cur.map((c) => (c as Record<string, unknown> | undefined)?.[m[1]]);
    if (m[2] === '*') { cur = cur.flatMap((c) => (Array.isArray(c) ? c : [])); many = true; } else if (m[2] !== undefined) cur = cur.map((c) => (Array.isArray(c) ? c[Number(m[2])] : undefined));
  }
  return many ? cur : cur[0];
}

/** A scripted model: the question's expected tool calls, then the answer read from the first result. */
export function oracleModel(q: EvalQuestion): MockLanguageModelV3 {
  const usage = { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } };
  return new MockLanguageModelV3({
    provider: 'oracle',
    modelId: 'oracle',
    doGenerate: async (o: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
      const tools = o.prompt.filter((m) => m.role === 'tool');
      if (!tools.length) {
        return { content: q.tools.map((t, i) => ({ type: 'tool-call' as const, toolCallId: `oracle-${i}`, toolName: t.tool, input: JSON.stringify(t.input) })), finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] };
      }
      const part = tools.flatMap((m) => m.content).find((c) => c.type === 'tool-result' && c.toolCallId === 'oracle-0');
      const out = part && part.type === 'tool-result' && part.output.type === 'json' ? (part.output.value as unknown as ToolOutput) : undefined;
      let text: string;
      if (!out || out.status !== 'ok') text = `The tool did not answer (${out?.status ?? 'no result'}: ${out?.message ?? ''}).`;
      else {
        const v = extract(out, q.extract);
        text = Array.isArray(v) ? (v.length ? `The samples are: ${v.join(', ')}.` : 'No sample.') : `The answer is ${String(v)}.`;
      }
      return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
    },
  });
}

export function isCorrect(answer: string, expected: EvalQuestion['expected']): boolean {
  if (expected.type === 'set') {
    const want = expected.value as string[];
    if (!want.length) return /\b(no|none|zero|0)\b/i.test(answer);
    return want.every((s) => new RegExp(`(^|[^\\w])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(answer));
  }
  const want = expected.value as number;
  // integers exactly; fractions as written, to the decimals the answer gives (at least 2)
  return claimsIn(answer).some((c) => c.value === want || (!Number.isInteger(want) && c.decimals >= 2 && Math.abs(c.value - want) <= 0.5 * 10 ** -c.decimals + 1e-12));
}

export interface EvalOptions {
  oracle?: boolean;
  model?: LanguageModel;
  db?: string;
  only?: string;
  /** which questions: over examples/, over the corpus cohort, or both (default) */
  data?: 'examples' | 'shared' | 'all';
  /** the corpus data root (default sharedDataRoot()) */
  sharedData?: string;
  onResult?: (r: EvalResult) => void;
  maxSteps?: number;
}

export interface EvalSummary {
  questions: number;
  correct: number;
  accuracy: number;
  expectedToolsCalled: number;
  meanToolCalls: number;
  totalTokens: number;
  meanLatencyMs: number;
  /** corpus questions not run (no data root) */
  skipped: number;
  skippedReason?: string;
}

/** Ingest examples/ into `db` when it holds no store yet. */
export async function prepareWorkspace(db: string): Promise<void> {
  if (fs.existsSync(path.join(db, 'lance'))) return;
  const { ingestFiles } = await import('../store/ingest.js');
  await ingestFiles([path.join(ROOT, 'examples', 'trio.vcf.gz'), path.join(ROOT, 'examples', 'cohort.vcf.gz')], { db });
}

/** Ingest the corpus store files (relative to `data`) into `db` when it holds no store yet. */
export async function prepareCorpusWorkspace(db: string, data: string, files: string[]): Promise<void> {
  if (fs.existsSync(path.join(db, 'lance'))) return;
  const { ingestFiles } = await import('../store/ingest.js');
  await ingestFiles(files.map((f) => path.join(data, f)), { db });
}

export async function runEval(opts: EvalOptions): Promise<{ results: EvalResult[]; summary: EvalSummary }> {
  const cwd = process.cwd();
  const set = loadEvalSet();
  const which = opts.data ?? 'all';
  const selected = set.questions.filter((x) => (!opts.only || x.id.includes(opts.only)) && (which === 'all' || (which === 'shared') === (x.data === 'shared')));
  const local = selected.filter((x) => x.data !== 'shared');
  let shared = selected.filter((x) => x.data === 'shared');
  const data = opts.sharedData !== undefined ? sharedDataRoot(opts.sharedData) : sharedDataRoot();
  let skipped = 0;
  let skippedReason: string | undefined;
  if (shared.length && !data) {
    skipped = shared.length;
    skippedReason = `${skipped} corpus question(s) skipped: ${opts.sharedData ?? process.env.VCF_AGENT_SHARED_DATA ?? '../shared/data (next to the project)'} not found (set VCF_AGENT_SHARED_DATA to the corpus data root)`;
    shared = [];
  }
  const userDb = opts.db ? path.resolve(opts.db) : undefined;
  const temps: string[] = [];
  const workspace = (suffix: string): string => {
    if (userDb) return userDb + suffix;
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-eval-'));
    temps.push(d);
    return d;
  };
  const results: EvalResult[] = [];
  const runOne = async (q: EvalQuestion, policy: ReturnType<typeof makePolicy>): Promise<void> => {
    const t0 = Date.now();
    let run: AgentRun | undefined;
    let error: string | undefined;
    try {
      run = await ask({ model: opts.oracle ? oracleModel(q) : opts.model!, question: q.question, policy, maxSteps: opts.maxSteps ?? 8, budget: { maxRows: 200, maxChars: 20000 } });
    } catch (e) {
      error = (e as Error).message.split('\n')[0];
    }
    const called = new Set(run?.toolCalls.map((c) => c.tool) ?? []);
    const r: EvalResult = {
      id: q.id,
      correct: run ? isCorrect(run.answer, q.expected) : false,
      expectedToolsCalled: q.tools.every((t) => called.has(t.tool)),
      toolCalls: run?.toolCalls.length ?? 0,
      tokens: run?.usage.totalTokens ?? 0,
      ms: Date.now() - t0,
      answer: run?.answer ?? '',
      expected: q.expected,
      error,
    };
    results.push(r);
    opts.onResult?.(r);
  };
  try {
    if (local.length) {
      process.chdir(ROOT); // question paths are relative to the project
      const db = workspace('');
      await prepareWorkspace(db);
      const policy = makePolicy({ db, dataDirs: [ROOT] });
      for (const q of local) await runOne(q, policy);
    }
    if (shared.length && data) {
      process.chdir(data); // corpus question paths are relative to the data root
      const db = workspace('-corpus');
      if (shared.some((q) => q.store)) await prepareCorpusWorkspace(db, data, set.shared_store ?? []);
      const policy = makePolicy({ db, dataDirs: [data] });
      for (const q of shared) await runOne(q, policy);
    }
    const n = results.length || 1;
    const summary = {
      questions: results.length,
      correct: results.filter((r) => r.correct).length,
      accuracy: results.filter((r) => r.correct).length / n,
      expectedToolsCalled: results.filter((r) => r.expectedToolsCalled).length / n,
      meanToolCalls: results.reduce((s, r) => s + r.toolCalls, 0) / n,
      totalTokens: results.reduce((s, r) => s + r.tokens, 0),
      meanLatencyMs: Math.round(results.reduce((s, r) => s + r.ms, 0) / n),
      skipped,
      skippedReason,
    };
    return { results, summary };
  } finally {
    process.chdir(cwd);
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const oracle = argv.includes('--oracle');
  const data = arg('--data') ?? 'all';
  if (!['examples', 'shared', 'all'].includes(data)) {
    process.stderr.write(`vcf-agent eval: --data must be examples, shared or all (got ${JSON.stringify(data)})\n`);
    return 2;
  }
  const json = argv.includes('--json');
  let model: LanguageModel | undefined;
  const http: HttpStats = { requests: 0, failed: [] };
  if (!oracle) {
    try {
      model = createModel(resolveProvider({ provider: arg('--provider'), model: arg('--model'), baseUrl: arg('--base-url') }), http);
    } catch (e) {
      process.stderr.write(`vcf-agent eval: ${(e as Error).message} (or run the oracle: npm run eval -- --oracle)\n`);
      return 2;
    }
  }
  const { results, summary } = await runEval({
    oracle,
    model,
    db: arg('--db'),
    only: arg('--only'),
    data: data as EvalOptions['data'],
    onResult: json ? undefined : (r) => process.stdout.write(`${r.correct ? 'ok  ' : 'FAIL'} ${r.id}\t${r.toolCalls} call(s)\t${r.tokens} tok\t${r.ms} ms\t${r.correct ? '' : `expected ${JSON.stringify(r.expected.value)}, got: ${(r.error ?? r.answer).replace(/\s+/g, ' ').slice(0, 160)}`}\n`),
  });
  if (summary.skippedReason) process.stderr.write(`vcf-agent eval: ${summary.skippedReason}\n`);
  if (json) process.stdout.write(JSON.stringify({ summary, http, results }, null, 2) + '\n');
  else process.stdout.write(`\n${summary.correct}/${summary.questions} correct (accuracy ${(summary.accuracy * 100).toFixed(1)}%), expected tools called ${(summary.expectedToolsCalled * 100).toFixed(1)}%, ${summary.meanToolCalls.toFixed(2)} tool calls per question, ${summary.totalTokens} tokens, mean latency ${summary.meanLatencyMs} ms${http.failed.length ? `, ${http.failed.length} HTTP errors` : ''}${summary.skipped ? `, ${summary.skipped} corpus question(s) skipped` : ''}\n`);
  return summary.correct === summary.questions ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((c) => process.exit(c), (e) => { process.stderr.write(`vcf-agent eval: ${(e as Error).message.split('\n')[0]}\n`); process.exit(3); });
}
