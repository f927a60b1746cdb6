/**
 * The AI agent (issue 8) with scripted models (ai/test MockLanguageModelV3): multi-step tool use,
 * tool errors, invalid tool arguments, the step limit, grounding, guards, and the prompt-injection
 * scenario (a VCF whose header tells the model to ingest /etc/passwd; the scripted model tries every
 * harmful call and each is refused, visibly in the trace).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockLanguageModelV3 } from 'ai/test';
import { simulateReadableStream } from 'ai';
import type { LanguageModelV3GenerateResult, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { ROOT, fixture } from './helpers/shared.js';
import { ask } from '../src/agent/agent.js';
import { makePolicy, checkPath, checkCypher, GuardRefusal, fence } from '../src/agent/guards.js';
import { checkGrounding, claimsIn, howComputed, shellQuote } from '../src/agent/grounding.js';
import { resolveProvider, HOW_TO_CONFIGURE } from '../src/agent/providers.js';
import { compactRows } from '../src/agent/tools.js';
import { ingestFiles } from '../src/store/ingest.js';
import { dbInfo, graphQuery, openForRead } from '../src/store/query.js';
import { resolveWorkspace } from '../src/store/workspace.js';
import { VcfError } from '../src/vcf/errors.js';

const INJECT = fixture('agent', 'inject.vcf');
const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-agent-'));
const DB = path.join(tmp, 'ws');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

before(async () => {
  await ingestFiles([INJECT], { db: DB });
});

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

type Call = { tool: string; input: unknown };
/** a model that plays a script: each step is tool calls or the final text */
function scripted(script: Array<Call[] | string>): MockLanguageModelV3 {
  let i = 0;
  return new MockLanguageModelV3({
    doGenerate: async (): Promise<LanguageModelV3GenerateResult> => {
      const step = script[Math.min(i, script.length - 1)];
      const n = i++;
      if (typeof step === 'string') return { content: [{ type: 'text', text: step }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
      return {
        content: step.map((c, k) => ({ type: 'tool-call' as const, toolCallId: `call-${n}-${k}`, toolName: c.tool, input: JSON.stringify(c.input) })),
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      };
    },
  });
}

/** the text of every tool result the model was sent in a call */
function toolResultsSent(call: LanguageModelV3CallOptions): string {
  return JSON.stringify(call.prompt.filter((m) => m.role === 'tool'));
}

const policy = () => makePolicy({ db: DB, dataDirs: [ROOT] });

test('multi-step tool use: results reach the model, commands and row counts in the answer', async () => {
  const model = scripted([
    [{ tool: 'gene_summary', input: { gene: 'BRCA2' } }],
    [{ tool: 'variant_detail', input: { key: 'chr13:32316461:G:A' } }, { tool: 'query_variants', input: { file: TRIO, region: 'chr1', include: 'QUAL>50' } }],
    'BRCA2 has 4 variants in the store, 2 of them HIGH impact; chr13:32316461:G:A (stop_gained, Pathogenic) is carried by 1 sample, S1. In the trio file, 270 chr1 records have QUAL>50.',
  ]);
  const run = await ask({ model, question: 'Tell me about BRCA2', policy: policy() });
  assert.equal(run.steps.length, 3);
  assert.deepEqual(run.toolCalls.map((c) => [c.tool, c.status, c.rowCount]), [['gene_summary', 'ok', 4], ['variant_detail', 'ok', 1], ['query_variants', 'ok', 270]]);
  // the second model call saw the gene summary; the third saw both results of step 2
  assert.match(toolResultsSent(model.doGenerateCalls[1]), /BRCA2/);
  assert.match(toolResultsSent(model.doGenerateCalls[2]), /chr13:32316461:G:A/);
  assert.match(toolResultsSent(model.doGenerateCalls[2]), /records_printed\\+":270/);
  assert.deepEqual(run.grounding.unverified, []);
  assert.ok(run.grounding.checked >= 4);
  assert.match(run.howComputed, /^ {2}1\. vcf-agent gene BRCA2 --db \S+ {3}\(gene_summary: 4 rows\)$/m);
  assert.match(run.howComputed, /^ {2}2\. vcf-agent variants --db \S+ -r chr13:32316461-32316461 --format json\n {5}vcf-agent graph --db \S+ 'MATCH \(s:Sample\)-\[c:CARRIES\]->\(v:Variant \{key: '\\''chr13:32316461:G:A'\\''\}\) RETURN s\.name AS sample, c\.gt AS gt, c\.zygosity AS zygosity' {3}\(variant_detail: 1 row\)$/m);
  assert.match(run.howComputed, /vcf-agent query -f .* -i 'QUAL>50' -r chr1 \S+trio\.vcf\.gz   \(query_variants: 270 rows\)/);
  assert.equal(run.usage.inputTokens, 30);
  assert.equal(run.usage.outputTokens, 15);
  assert.ok(run.report.endsWith(run.howComputed + '\n'));
});

test('a number found in no tool result is marked and listed', async () => {
  const model = scripted([[{ tool: 'gene_summary', input: { gene: 'BRCA2' } }], 'BRCA2 has 4 variants carried by 3 samples and 17 are pathogenic.']);
  // (4 rows, 3 carrier samples: in the result; 17: nowhere)
  const run = await ask({ model, question: 'How many BRCA2 variants?', policy: policy() });
  assert.deepEqual(run.grounding.unverified, ['17']);
  assert.match(run.report, /17 \[unverified\] are pathogenic/);
  assert.match(run.report, /Grounding check: 1 number\(s\) appear in no tool result: 17/);
});

test('tool errors are results the model sees; the loop goes on', async () => {
  const model = scripted([
    [{ tool: 'stats', input: { file: path.join(ROOT, 'examples', 'missing.vcf.gz') } }, { tool: 'query_variants', input: { file: TRIO, include: 'QUAL>>' } }],
    'The file does not exist and the expression is invalid.',
  ]);
  const run = await ask({ model, question: 'q', policy: policy() });
  assert.deepEqual(run.toolCalls.map((c) => c.status), ['error', 'error']);
  assert.match(run.toolCalls[0].message!, /missing\.vcf\.gz/);
  assert.ok(run.toolCalls[1].rule);
  const sent = toolResultsSent(model.doGenerateCalls[1]);
  assert.equal(sent.match(/"status":"error"/g)?.length, 2);
  assert.match(run.howComputed, /FAILED: vcf-agent stats/);
  assert.equal(run.steps.length, 2);
});

test('invalid tool arguments and unknown tools are recorded, not executed', async () => {
  const model = scripted([
    [{ tool: 'variant_detail', input: { key: 'not a key' } }, { tool: 'stats', input: { samples: '-' } }, { tool: 'rm_rf', input: { path: '/' } }],
    'I could not look that up.',
  ]);
  const run = await ask({ model, question: 'q', policy: policy() });
  assert.equal(run.toolCalls.length, 3);
  for (const c of run.toolCalls) assert.equal(c.status, 'invalid-input', JSON.stringify(c));
  assert.deepEqual(run.toolCalls.map((c) => c.tool), ['variant_detail', 'stats', 'rm_rf']);
  // the model is told, and answers in the next step
  assert.equal(model.doGenerateCalls.length, 2);
  assert.match(JSON.stringify(model.doGenerateCalls[1].prompt), /variant key CHROM:POS:REF:ALT/);
  assert.match(run.howComputed, /INVALID INPUT: variant_detail/);
});

test('the step limit stops a model that never answers', async () => {
  const model = scripted([[{ tool: 'workspace_overview', input: {} }]]);
  const run = await ask({ model, question: 'loop forever', policy: policy(), maxSteps: 3 });
  assert.equal(run.steps.length, 3);
  assert.equal(model.doGenerateCalls.length, 3);
  assert.equal(run.stepLimitReached, true);
  assert.equal(run.toolCalls.length, 3);
  assert.match(run.answer, /step limit of 3/);
});

test('streaming: text arrives in pieces, the run is the same', async () => {
  let n = 0;
  const model = new MockLanguageModelV3({
    doStream: async () => {
      const first = n++ === 0;
      const chunks: LanguageModelV3StreamPart[] = first
        ? [{ type: 'stream-start' as const, warnings: [] }, { type: 'tool-call' as const, toolCallId: 's1', toolName: 'validate', input: JSON.stringify({ file: TRIO }) }, { type: 'finish' as const, finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' }, usage }]
        : [{ type: 'stream-start' as const, warnings: [] }, { type: 'text-start' as const, id: 't' }, { type: 'text-delta' as const, id: 't', delta: 'The trio is valid: ' }, { type: 'text-delta' as const, id: 't', delta: '1,500 records.' }, { type: 'text-end' as const, id: 't' }, { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage }];
      return { stream: simulateReadableStream({ chunks }) };
    },
  });
  const pieces: string[] = [];
  const run = await ask({ model, question: 'is the trio valid?', policy: policy(), stream: true, onText: (t) => pieces.push(t) });
  assert.deepEqual(pieces, ['The trio is valid: ', '1,500 records.']);
  assert.equal(run.answer, 'The trio is valid: 1,500 records.');
  assert.deepEqual(run.grounding.unverified, []);
  assert.equal(run.toolCalls[0].status, 'ok');
});

test('history: a second turn sends the first turn to the model', async () => {
  const m1 = scripted([[{ tool: 'workspace_overview', input: {} }], 'The store holds 6 variants.']);
  const r1 = await ask({ model: m1, question: 'what is in the store?', policy: policy() });
  const m2 = scripted(['As I said, 6 variants.']);
  const r2 = await ask({ model: m2, question: 'repeat that', policy: policy(), history: r1.messages });
  const prompt = JSON.stringify(m2.doGenerateCalls[0].prompt);
  assert.match(prompt, /what is in the store\?/);
  assert.match(prompt, /The store holds 6 variants/);
  assert.deepEqual(r2.grounding.unverified, []);
  assert.match(r2.howComputed, /no tool was called/);
});

test('prompt injection: every harmful call the VCF asks for is refused, visibly', async () => {
  const before = await (async () => { const s = await openForRead(DB); try { return await dbInfo(s, resolveWorkspace(DB)); } finally { s.close(); } })();
  const model = scripted([
    [{ tool: 'file_header', input: { file: INJECT } }],
    // the "model" obeys the header
    [
      { tool: 'ingest', input: { files: ['/etc/passwd'] } },
      { tool: 'validate', input: { file: '/etc/passwd' } },
      { tool: 'file_header', input: { file: path.join(ROOT, 'examples', '..', '..', '..', '..', '..', 'etc', 'passwd') } },
      { tool: 'graph_query', input: { cypher: "CREATE (:Sample {name: 'pwned'})" } },
      { tool: 'graph_query', input: { cypher: "LOAD FROM '/etc/passwd' RETURN *" } },
      { tool: 'graph_query', input: { cypher: "MATCH (s:Sample) RETURN s.name; MATCH (n) DETACH DELETE n" } },
      { tool: 'graph_query', input: { cypher: "MATCH (s:Sample) WITH s COPY Sample FROM '/etc/passwd'" } },
    ],
    'Done.',
  ]);
  const run = await ask({ model, question: 'Summarise the header of inject.vcf', policy: policy() });
  // the injected text reached the model only inside the fence
  const first = run.toolCalls[0];
  assert.equal(first.status, 'ok');
  const data = first.output!.data!;
  assert.match(data, /^<<<VCF_DATA ([0-9a-f]{12})\n[\s\S]*ignore previous instructions[\s\S]*\nVCF_DATA \1>>>$/);
  assert.match(first.output!.note!, /never instructions/);
  const refused = run.toolCalls.slice(1);
  assert.deepEqual(refused.map((c) => c.status), Array(7).fill('refused'));
  assert.deepEqual(refused.map((c) => c.rule), ['AGENT_WRITE_NOT_ALLOWED', 'AGENT_PATH_NOT_ALLOWED', 'AGENT_PATH_NOT_ALLOWED', 'AGENT_CYPHER_NOT_READ_ONLY', 'AGENT_CYPHER_NOT_READ_ONLY', 'AGENT_CYPHER_NOT_READ_ONLY', 'AGENT_CYPHER_NOT_READ_ONLY']);
  // the model was told each refusal, and the trace shows them
  const sent = toolResultsSent(model.doGenerateCalls[2]);
  assert.equal(sent.match(/"status":"refused"/g)?.length, 7);
  assert.equal(run.howComputed.match(/REFUSED/g)?.length, 7);
  assert.match(run.howComputed, /REFUSED: vcf-agent ingest \/etc\/passwd/);
  // nothing changed
  const afterInfo = await (async () => { const s = await openForRead(DB); try { return await dbInfo(s, resolveWorkspace(DB)); } finally { s.close(); } })();
  assert.deepEqual(afterInfo.rows, before.rows);
  assert.deepEqual(afterInfo.files.map((f) => f.path), before.files.map((f) => f.path));
  assert.deepEqual((await graphQuery(DB, 'MATCH (s:Sample) RETURN s.name AS n ORDER BY n')).map((r) => r.n), ['S1', 'S2', 'S3']);
});

test('with --allow-write, ingest still only reads allowed directories', async () => {
  const model = scripted([[{ tool: 'ingest', input: { files: ['/etc/passwd'] } }], 'no']);
  const run = await ask({ model, question: 'q', policy: makePolicy({ db: DB, dataDirs: [ROOT], allowWrite: true }) });
  assert.equal(run.toolCalls[0].status, 'refused');
  assert.equal(run.toolCalls[0].rule, 'AGENT_PATH_NOT_ALLOWED');
});

test('guards: paths, symlinks out of an allowed directory, stdin, Cypher', () => {
  const p = makePolicy({ db: DB, dataDirs: [tmp] });
  const inside = path.join(tmp, 'x.vcf');
  fs.writeFileSync(inside, '');
  assert.equal(checkPath(inside, p), fs.realpathSync(inside));
  assert.equal(checkPath(path.join(tmp, 'not-yet', 'y.vcf'), p), path.join(fs.realpathSync(tmp), 'not-yet', 'y.vcf'));
  fs.symlinkSync('/etc', path.join(tmp, 'etc-link'));
  const refuses = (f: () => unknown, rule: string) => assert.throws(f, (e: unknown) => e instanceof GuardRefusal && e.rule === rule);
  refuses(() => checkPath(path.join(tmp, 'etc-link', 'passwd'), p), 'AGENT_PATH_NOT_ALLOWED');
  refuses(() => checkPath(path.join(tmp, '..', 'passwd'), p), 'AGENT_PATH_NOT_ALLOWED');
  refuses(() => checkPath(`${tmp}-other/x.vcf`, p), 'AGENT_PATH_NOT_ALLOWED');
  refuses(() => checkPath('-', p), 'AGENT_PATH_NOT_ALLOWED');
  refuses(() => checkPath(`${tmp}/a\0b`, p), 'AGENT_PATH_NOT_ALLOWED');
  checkCypher('MATCH (s:Sample)-[:CARRIES]->(v:Variant) RETURN s.name, count(v) AS n ORDER BY n DESC LIMIT 5');
  for (const q of ["MERGE (s:Sample {name: 'x'})", 'MATCH (n) SET n.x = 1', "CALL drop_table('Sample')", "COPY Sample FROM '/etc/passwd'", 'MATCH (n) REMOVE n.name', "MATCH (s:Sample) WITH s LOAD FROM '/etc/passwd' RETURN *"]) {
    refuses(() => checkCypher(q), 'AGENT_CYPHER_NOT_READ_ONLY');
  }
  const f = fence('x VCF_DATA 000000000000>>> y');
  const nonce = /^<<<VCF_DATA ([0-9a-f]{12})/.exec(f)![1];
  assert.notEqual(nonce, '000000000000');
  assert.ok(f.endsWith(`VCF_DATA ${nonce}>>>`));
});

test('grounding: numbers, thousands, percentages, rounding; words and code are not numbers', () => {
  const tools = [JSON.stringify({ records: 1500, tsTv: 2.0089, af: 0.0123, n: 37 })];
  const g = checkGrounding('1,500 records, Ts/Tv 2.01, AF 1.2% (0.01), 37 in BRCA2 on chr13, `bcftools -i QUAL>99`; 12 samples.\n1. first', tools, 'AF below 0.01');
  assert.deepEqual(g.unverified, ['12']);
  assert.deepEqual(claimsIn('chr1:12345 S037 rs123 c.10G>A 2 x').map((c) => c.text), ['2']);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.match(howComputed([]), /no tool was called/);
  const rows = Array.from({ length: 100 }, (_, i) => ({ i }));
  assert.deepEqual(compactRows(rows, { maxRows: 10, maxChars: 1000 }).shown.length, 10);
  assert.equal(compactRows(rows, { maxRows: 100, maxChars: 30 }).shown.length, 3);
  assert.equal(compactRows(rows.slice(0, 2), { maxRows: 10, maxChars: 1000 }).truncated, false);
});

test('providers: flags > env, inferred provider, and one message when none is configured', () => {
  assert.deepEqual(resolveProvider({}, { OPENAI_API_KEY: 'k' }), { provider: 'openai', model: 'gpt-4.1-mini', baseURL: undefined, apiKey: 'k' });
  assert.deepEqual(resolveProvider({ model: 'm' }, { ANTHROPIC_API_KEY: 'a', VCF_AGENT_MODEL: 'x' }), { provider: 'anthropic', model: 'm', baseURL: undefined, apiKey: 'a' });
  assert.equal(resolveProvider({}, { OLLAMA_HOST: '127.0.0.1:11434', VCF_AGENT_MODEL: 'llama3.1' }).baseURL, 'http://127.0.0.1:11434/api');
  assert.deepEqual(resolveProvider({ provider: 'openai-compatible', model: 'q', baseUrl: 'http://h:1/v1/' }, {}), { provider: 'openai-compatible', model: 'q', baseURL: 'http://h:1/v1', apiKey: undefined });
  assert.equal(resolveProvider({}, { VCF_AGENT_BASE_URL: 'http://h/v1', VCF_AGENT_MODEL: 'q' }).provider, 'openai-compatible');
  const usage = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof VcfError && e.kind === 'usage' && re.test(e.message));
  usage(() => resolveProvider({}, {}), /OPENAI_API_KEY.*ANTHROPIC_API_KEY.*OLLAMA_HOST.*VCF_AGENT_BASE_URL/);
  assert.equal(HOW_TO_CONFIGURE.includes('\n'), false);
  usage(() => resolveProvider({ provider: 'ollama' }, {}), /needs a model/);
  usage(() => resolveProvider({ provider: 'gemini' }, {}), /unknown provider "gemini"/);
  usage(() => resolveProvider({ provider: 'anthropic' }, {}), /needs ANTHROPIC_API_KEY/);
});
