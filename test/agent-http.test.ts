/**
 * The agent end to end through the real providers (AI SDK OpenAI, Anthropic, Ollama and
 * OpenAI-compatible clients) against local HTTP servers started here that speak each wire format
 * (OpenAI chat completions, Anthropic messages, Ollama chat), streaming (SSE / NDJSON) and not,
 * with tool calls: the server asks for `validate` on the example trio, then answers from the tool
 * result it receives. Also: retry on 429, the CLI (`ask`, `ask --json`, `chat`, no provider).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ROOT } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { ask } from '../src/agent/agent.js';
import { makePolicy } from '../src/agent/guards.js';
import { createModel, type HttpStats, type ProviderConfig } from '../src/agent/providers.js';
import { providerError, setup } from '../src/agent/session.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-agent-http-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Wire = 'openai' | 'anthropic' | 'ollama';
interface Seen { path: string; body: Record<string, unknown> }

const ANSWER = ['The trio file is valid: ', '1,500 records, 0 errors.'];
const TOOL_ARGS = JSON.stringify({ file: TRIO });

/** true when the request already carries a tool result (then the scripted model answers) */
function hasToolResult(wire: Wire, body: Record<string, unknown>): boolean {
  const msgs = body.messages as Array<Record<string, unknown>>;
  if (wire === 'anthropic') return msgs.some((m) => Array.isArray(m.content) && (m.content as Array<{ type: string }>).some((c) => c.type === 'tool_result'));
  return msgs.some((m) => m.role === 'tool');
}

function sse(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>, done = false): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function openaiReply(res: http.ServerResponse, stream: boolean, answer: boolean): void {
  const base = { id: 'chatcmpl-1', created: 1700000000, model: 'test-model' };
  const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
  if (!stream) {
    const message = answer ? { role: 'assistant', content: ANSWER.join('') } : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'validate', arguments: TOOL_ARGS } }] };
    return json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: answer ? 'stop' : 'tool_calls' }], usage });
  }
  const chunk = (delta: unknown, finish: string | null) => ({ data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] } });
  const events = answer
    ? [chunk({ role: 'assistant', content: ANSWER[0] }, null), chunk({ content: ANSWER[1] }, null), chunk({}, 'stop')]
    : [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'validate', arguments: '' } }] }, null),
      chunk({ tool_calls: [{ index: 0, function: { arguments: TOOL_ARGS.slice(0, 10) } }] }, null),
      chunk({ tool_calls: [{ index: 0, function: { arguments: TOOL_ARGS.slice(10) } }] }, null),
      chunk({}, 'tool_calls'),
    ];
  events.push({ data: { ...base, object: 'chat.completion.chunk', choices: [], usage } as never });
  sse(res, events, true);
}

function anthropicReply(res: http.ServerResponse, stream: boolean, answer: boolean): void {
  const usage = { input_tokens: 11, output_tokens: 7 };
  if (!stream) {
    const content = answer ? [{ type: 'text', text: ANSWER.join('') }] : [{ type: 'tool_use', id: 'toolu_1', name: 'validate', input: { file: TRIO } }];
    return json(res, 200, { id: 'msg_1', type: 'message', role: 'assistant', model: 'test-model', content, stop_reason: answer ? 'end_turn' : 'tool_use', stop_sequence: null, usage });
  }
  const ev = (event: string, data: Record<string, unknown>) => ({ event, data: { type: event, ...data } });
  const events = [ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'test-model', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } } })];
  if (answer) {
    events.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    for (const t of ANSWER) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } }));
  } else {
    events.push(ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'validate', input: {} } }));
    events.push(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: TOOL_ARGS.slice(0, 7) } }));
    events.push(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: TOOL_ARGS.slice(7) } }));
  }
  events.push(ev('content_block_stop', { index: 0 }));
  events.push(ev('message_delta', { delta: { stop_reason: answer ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: 7 } }));
  events.push(ev('message_stop', {}));
  sse(res, events);
}

function ollamaReply(res: http.ServerResponse, stream: boolean, answer: boolean): void {
  const base = { model: 'test-model', created_at: '2026-01-01T00:00:00Z' };
  const tool_calls = [{ function: { name: 'validate', arguments: { file: TRIO } } }];
  const last = { ...base, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 11, eval_count: 7 };
  if (!stream) return json(res, 200, { ...last, message: answer ? { role: 'assistant', content: ANSWER.join('') } : { role: 'assistant', content: '', tool_calls } });
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const lines = answer
    ? ANSWER.map((t) => ({ ...base, message: { role: 'assistant', content: t }, done: false }))
    : [{ ...base, message: { role: 'assistant', content: '', tool_calls }, done: false }];
  for (const l of [...lines, last]) res.write(JSON.stringify(l) + '\n');
  res.end();
}

/** A scripted model server: tool call first, then the answer; `fail` answers the first N requests with that status. */
async function server(wire: Wire, opts: { fail?: { status: number; times: number } } = {}): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let failures = 0;
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      seen.push({ path: req.url ?? '', body });
      if (opts.fail && failures < opts.fail.times) {
        failures++;
        return json(res, opts.fail.status, { error: { message: 'slow down', type: 'rate_limit' } }, { 'retry-after-ms': '20' });
      }
      const expected = wire === 'openai' ? '/v1/chat/completions' : wire === 'anthropic' ? '/v1/messages' : '/api/chat';
      if (req.url !== expected) return json(res, 404, { error: { message: `no route ${req.url}` } });
      const answer = hasToolResult(wire, body);
      const stream = body.stream === true;
      if (wire === 'openai') openaiReply(res, stream, answer);
      else if (wire === 'anthropic') anthropicReply(res, stream, answer);
      else ollamaReply(res, stream, answer);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => srv.close(() => r())) };
}

const providers: Array<{ name: string; wire: Wire; cfg: (url: string) => ProviderConfig }> = [
  { name: 'openai', wire: 'openai', cfg: (u) => ({ provider: 'openai', model: 'test-model', baseURL: `${u}/v1`, apiKey: 'k' }) },
  { name: 'openai-compatible', wire: 'openai', cfg: (u) => ({ provider: 'openai-compatible', model: 'test-model', baseURL: `${u}/v1` }) },
  { name: 'anthropic', wire: 'anthropic', cfg: (u) => ({ provider: 'anthropic', model: 'test-model', baseURL: `${u}/v1`, apiKey: 'k' }) },
  { name: 'ollama', wire: 'ollama', cfg: (u) => ({ provider: 'ollama', model: 'test-model', baseURL: `${u}/api` }) },
];

for (const p of providers) {
  for (const stream of [false, true]) {
    test(`${p.name} ${stream ? 'streaming' : 'non-streaming'}: tool call, tool result sent back, grounded answer`, async () => {
      const s = await server(p.wire);
      try {
        const stats: HttpStats = { requests: 0, failed: [] };
        const pieces: string[] = [];
        const run = await ask({ model: createModel(p.cfg(s.url), stats), question: 'Is the trio valid?', policy: makePolicy({ dataDirs: [ROOT], db: path.join(tmp, 'ws') }), stream, onText: (t) => pieces.push(t), maxRetries: 0 });
        assert.equal(s.seen.length, 2);
        assert.equal(s.seen[0].body.stream === true, stream);
        // the tools were offered, and the second request carries the fenced tool result
        assert.match(JSON.stringify(s.seen[0].body), /query_variants/);
        const second = JSON.stringify(s.seen[1].body);
        assert.match(second, /VCF_DATA [0-9a-f]{12}/);
        assert.match(second, /records\\+":1500/);
        assert.equal(run.answer, ANSWER.join(''));
        if (stream) assert.ok(pieces.length >= 2, `text arrived in ${pieces.length} piece(s)`);
        assert.deepEqual(run.toolCalls.map((c) => [c.tool, c.status, c.rowCount]), [['validate', 'ok', 0]]);
        assert.deepEqual(run.grounding.unverified, []);
        assert.equal(run.usage.inputTokens, 22);
        assert.equal(run.usage.outputTokens, 14);
        assert.equal(stats.requests, 2);
        assert.match(run.howComputed, /vcf-agent validate --format json \S+trio\.vcf\.gz   \(validate: 0 rows\)/);
      } finally {
        await s.close();
      }
    });
  }
}

test('429 is retried with backoff (retry-after honoured); a persistent 500 ends in one clear error', async () => {
  const s = await server('openai', { fail: { status: 429, times: 2 } });
  try {
    const stats: HttpStats = { requests: 0, failed: [] };
    const run = await ask({ model: createModel(providers[0].cfg(s.url), stats), question: 'q', policy: makePolicy({ dataDirs: [ROOT] }), maxRetries: 3 });
    assert.equal(run.answer, ANSWER.join(''));
    assert.deepEqual(stats.failed.map((f) => f.status), [429, 429]);
    assert.equal(stats.requests, 4);
  } finally {
    await s.close();
  }
  const bad = await server('openai', { fail: { status: 500, times: 100 } });
  try {
    const r = await runCli(['ask', 'q', '--provider', 'openai-compatible', '--model', 'm', '--base-url', `${bad.url}/v1`, '--max-retries', '1'], { env: { VCF_AGENT_DB: path.join(tmp, 'ws') } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^vcf-agent: openai-compatible\/m at http:\/\/127\.0\.0\.1:\d+\/v1: HTTP 500 after 2 attempts: .*\[AGENT_PROVIDER_ERROR\]\n$/);
    assert.equal(bad.seen.length, 2);
  } finally {
    await bad.close();
  }
});

test('a model call that does not answer within the timeout ends in one clear error', async () => {
  const held: http.ServerResponse[] = [];
  const srv = http.createServer((_req, res) => { held.push(res); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
  try {
    const st = setup({ provider: 'openai-compatible', model: 'm', baseUrl: url }, {});
    const err = await ask({ model: createModel(st.cfg), question: 'q', policy: st.policy, timeoutMs: 300, maxRetries: 0 }).then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'the call must fail');
    const v = providerError(err, st);
    assert.equal(v.code, 'AGENT_PROVIDER_TIMEOUT', v.message);
    assert.match(v.oneLine(), /^openai-compatible\/m at http:\/\/127\.0\.0\.1:\d+\/v1: no answer within the timeout \[AGENT_PROVIDER_TIMEOUT\]$/);
  } finally {
    for (const r of held) r.destroy();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

const noProviderEnv = { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', OLLAMA_HOST: '', VCF_AGENT_BASE_URL: '', VCF_AGENT_PROVIDER: '', VCF_AGENT_MODEL: '' };

test('CLI: no provider configured is one line saying how, exit 2', async () => {
  for (const cmd of [['ask', 'hello'], ['chat']]) {
    const r = await runCli(cmd, { env: noProviderEnv });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^vcf-agent: no AI provider configured: set OPENAI_API_KEY \(OpenAI\), or ANTHROPIC_API_KEY \(Anthropic\), or OLLAMA_HOST=.*VCF_AGENT_BASE_URL=.*\[AGENT_NO_PROVIDER\]\n$/);
  }
});

test('CLI: ask streams the answer and the commands; --json is the full trace', async () => {
  const s = await server('openai');
  try {
    const env = { ...noProviderEnv, VCF_AGENT_BASE_URL: `${s.url}/v1`, VCF_AGENT_MODEL: 'test-model', VCF_AGENT_DB: path.join(tmp, 'ws') };
    const r = await runCli(['ask', 'Is the trio valid?', '--data-dir', ROOT], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${ANSWER.join('')}\n\nHow this was computed:\n  1. vcf-agent validate --format json ${TRIO}   (validate: 0 rows)\n`);
    assert.match(r.stderr, /openai-compatible\/test-model at http:\/\/127\.0\.0\.1:\d+\/v1: 2 step\(s\), 1 tool call\(s\), tokens in 22 \/ out 14/);
    const j = await runCli(['ask', 'Is the trio valid?', '--json', '--data-dir', ROOT], { env });
    assert.equal(j.code, 0, j.stderr);
    const t = JSON.parse(j.stdout);
    assert.equal(t.answer, ANSWER.join(''));
    assert.equal(t.toolCalls[0].tool, 'validate');
    assert.deepEqual(t.toolCalls[0].commands, [['validate', '--format', 'json', TRIO]]);
    assert.match(t.toolCalls[0].output.data, /"records":1500/);
    assert.equal(t.steps.length, 2);
    assert.deepEqual(t.usage, { inputTokens: 22, outputTokens: 14, totalTokens: 36 });
    assert.equal(JSON.stringify(t).includes('apiKey'), false);
    // a file outside the allowed directories: the model's call is refused and the trace says so
    const outside = await runCli(['ask', 'Is the trio valid?', '--json', '--data-dir', tmp], { env });
    assert.equal(outside.code, 0, outside.stderr);
    const o = JSON.parse(outside.stdout);
    assert.equal(o.toolCalls[0].status, 'refused');
    assert.equal(o.toolCalls[0].rule, 'AGENT_PATH_NOT_ALLOWED');
  } finally {
    await s.close();
  }
});

test('CLI: chat keeps history per session id; /tools, /trace, /exit', async () => {
  const s = await server('ollama');
  try {
    const db = path.join(tmp, 'chat-ws');
    const env = { ...noProviderEnv, OLLAMA_HOST: s.url, VCF_AGENT_MODEL: 'test-model' };
    const r = await runCli(['chat', '--db', db, '--data-dir', ROOT, '--session', 'abc', '--no-stream'], { env, input: '/tools\nIs the trio valid?\n/trace\n/exit\nnever read\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /session abc/);
    assert.match(r.stdout, /^workspace_overview\t/m);
    assert.match(r.stdout, /^ingest \(writes: needs --allow-write\)\t/m);
    assert.match(r.stdout, /The trio file is valid: 1,500 records, 0 errors\.\n\nHow this was computed:\n {2}1\. vcf-agent validate/);
    assert.match(r.stdout, /"finishReason": "stop"/);
    assert.equal(s.seen.length, 2);
    const saved = JSON.parse(fs.readFileSync(path.join(db, 'sessions', 'abc.json'), 'utf8'));
    assert.equal(saved.messages[0].content, 'Is the trio valid?');
    // resuming sends the earlier turn to the model
    const r2 = await runCli(['chat', '--db', db, '--data-dir', ROOT, '--session', 'abc', '--no-stream'], { env, input: 'And again?\n' });
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /\(4 earlier messages\)/);
    assert.match(JSON.stringify(s.seen[2].body.messages), /Is the trio valid\?[\s\S]*And again\?/);
    const bad = await runCli(['chat', '--db', db, '--session', '../x'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad session id/);
  } finally {
    await s.close();
  }
});
