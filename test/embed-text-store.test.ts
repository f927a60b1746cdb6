/**
 * Text vectors in the workspace end to end (issues 7 and 8): `vcf-agent embed` against a local HTTP
 * server speaking the OpenAI and Ollama embeddings wire formats (429 then success retried; each
 * distinct description sent once; only new files embedded by a second run), `similar --text` with
 * the stored provider, refusal of a query embedded by another model, the offline default with its
 * automatic backfill, an interrupted backfill redone, prefilters, and the `semantic_search`
 * capability through the agent (scripted model) and the HTTP route.
 *
 * The test server's vectors are a bag of hashed words (a test double for the wire protocol, not a
 * model): texts sharing words are close, which is enough to check that the nearest description wins.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as lancedb from '@lancedb/lancedb';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { ROOT, fixture } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead, queryVariants } from '../src/store/query.js';
import { resolveWorkspace } from '../src/store/workspace.js';
import { EMPTY_DESCRIPTION, backfillText, descHash, rowDescription, searchText, textStatus } from '../src/embed/text-store.js';
import { LocalTextEmbedder, type TextEmbedder } from '../src/embed/text.js';
import { ask } from '../src/agent/agent.js';
import { makePolicy } from '../src/agent/guards.js';
import { buildServer, type VcfAgentServer } from '../src/server/app.js';

const A = fixture('embed', 'annotated.vcf');
const B = fixture('embed', 'annotated2.vcf');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-textstore-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Seen { path: string; auth?: string; input: string[] }
const seen: Seen[] = [];
let script: number[] = [];

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
/** bag of hashed words (the test double's "embedding") */
function bow(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) v[fnv(w) % dim] += 1;
  v[dim - 1] += 0.01; // never all zero
  return v;
}

let server: http.Server;
let base = '';
before(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as { input: string[]; dimensions?: number; model: string };
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, input: body.input });
      const status = script.shift();
      if (status) {
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after-ms': '5' });
        res.end(JSON.stringify({ error: { message: `scripted ${status}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/v1/embeddings') {
        const dim = body.dimensions ?? 1536;
        res.end(JSON.stringify({ object: 'list', data: body.input.map((t, index) => ({ object: 'embedding', index, embedding: bow(t, dim) })), model: body.model }));
      } else if (req.url === '/api/embed') {
        res.end(JSON.stringify({ model: body.model, embeddings: body.input.map((t) => bow(t, 256)) }));
      } else {
        res.writeHead(404);
        res.end('{}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function table(db: string, name: string, cols: string[]): Promise<Array<Record<string, unknown>>> {
  const conn = await lancedb.connect(resolveWorkspace(db).lanceDir);
  try {
    const t = await conn.openTable(name);
    const rows = (await t.query().select(cols).toArray()) as Array<Record<string, unknown>>;
    t.close();
    return rows.map((r) => ({ ...r }));
  } finally {
    conn.close();
  }
}

/** the descriptions of a workspace's variants, computed here from the stored rows */
async function expectedDescriptions(db: string): Promise<Map<string, string>> {
  const s = await openForRead(db);
  try {
    const rows = (await queryVariants(s, {})).rows;
    const byKey = new Map<string, { fid: number; text: string }>();
    // the stored annotation of a key's newest file wins; rowDescription needs the ClinVar condition too
    const full = await s.tables.variants.query().select(['key', 'file_id', 'gene', 'consequence', 'impact', 'clnsig', 'clndn', 'af', 'ac', 'an']).toArray();
    for (const r of full) {
      const fid = Number(r.file_id);
      const cur = byKey.get(r.key as string);
      if (!cur || fid > cur.fid) byKey.set(r.key as string, { fid, text: rowDescription(r as Record<string, unknown>) });
    }
    assert.equal(new Set(rows.map((r) => r.key)).size, byKey.size);
    return new Map([...byKey].filter(([, v]) => v.text !== EMPTY_DESCRIPTION).map(([k, v]) => [k, v.text]));
  } finally {
    s.close();
  }
}

const ENV = { OPENAI_API_KEY: 'sk-test', VCF_AGENT_DB: '' };

test('embed --provider openai against a local server: 429 retried, each distinct description sent once, rows stored; similar --text uses the stored provider', async () => {
  const db = path.join(tmp, 'openai');
  await ingestFiles([A], { db, noGraph: true });
  seen.length = 0;
  script = [429];
  const r = await runCli(['embed', '--db', db, '--provider', 'openai', '--base-url', `${base}/v1`, '--format', 'json'], { env: ENV });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /retry 1 in 5 ms \(HTTP 429/);
  const out = JSON.parse(r.stdout);
  const want = await expectedDescriptions(db);
  const distinct = new Set(want.values());
  assert.equal(out.modelId, 'openai:text-embedding-3-small:768');
  assert.equal(out.files, 1);
  assert.equal(out.keys, want.size);
  assert.equal(out.embedded, distinct.size);
  assert.ok(distinct.size < want.size, 'some variants share a description');
  // the 429'd request was sent again; every distinct text reached the server exactly once after that
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0].input, seen[1].input);
  assert.deepEqual([...seen[1].input].sort(), [...distinct].sort());
  assert.ok(seen.every((s) => s.path === '/v1/embeddings' && s.auth === 'Bearer sk-test'));

  const vrows = await table(db, 'text_vectors', ['desc_hash', 'text', 'provider', 'model', 'model_id', 'dim']);
  assert.equal(vrows.length, distinct.size);
  for (const v of vrows) {
    assert.equal(v.desc_hash, descHash(v.text as string));
    assert.deepEqual([v.provider, v.model, v.model_id, v.dim], ['openai', 'text-embedding-3-small', 'openai:text-embedding-3-small:768', 768]);
  }
  const krows = await table(db, 'text_keys', ['key', 'desc_hash', 'file_id']);
  assert.equal(krows.length, want.size);
  for (const k of krows) assert.equal(k.desc_hash, descHash(want.get(k.key as string)!), k.key as string);

  // a second run has nothing to do
  seen.length = 0;
  const again = await runCli(['embed', '--db', db, '--provider', 'openai', '--base-url', `${base}/v1`, '--format', 'json'], { env: ENV });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).files, 0);
  assert.equal(seen.length, 0);

  // similar --text: the query goes to the stored provider (same base URL), the nearest description wins
  seen.length = 0;
  const s = await runCli(['similar', '--db', db, '--text', 'stop gained in BRCA2', '-k', '3', '--format', 'json'], { env: ENV });
  assert.equal(s.code, 0, s.stderr);
  const res = JSON.parse(s.stdout);
  assert.equal(res.by, 'text');
  assert.equal(res.model, 'openai:text-embedding-3-small:768');
  assert.equal(res.hits[0].key, 'chr13:32316461:G:A');
  assert.match(res.hits[0].why, /^described as: stop gained in BRCA2 \(high impact\); ClinVar pathogenic/);
  assert.deepEqual(seen.map((x) => x.input), [['stop gained in BRCA2']]);
  for (let i = 1; i < res.hits.length; i++) assert.ok(res.hits[i].distance >= res.hits[i - 1].distance);

  // a query embedded by another model is refused, one line, exit 2
  const local = await runCli(['similar', '--db', db, '--text', 'stop gained', '--provider', 'local'], { env: ENV });
  assert.equal(local.code, 2);
  assert.match(local.stderr, /made by openai:text-embedding-3-small:768; a query embedded by use-lite-512 cannot be compared/);
  assert.equal(local.stderr.trim().split('\n').length, 1);
  const other = await runCli(['embed', '--db', db, '--provider', 'openai', '--dimensions', '256', '--base-url', `${base}/v1`], { env: ENV });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /add --replace/);

  // a second file: only its keys are mapped and only new descriptions embedded; the newer annotation wins
  await ingestFiles([B], { db, noGraph: true });
  seen.length = 0;
  const third = await runCli(['embed', '--db', db, '--provider', 'openai', '--base-url', `${base}/v1`, '--format', 'json'], { env: ENV });
  assert.equal(third.code, 0, third.stderr);
  const want2 = await expectedDescriptions(db);
  const newTexts = [...new Set(want2.values())].filter((t) => !distinct.has(t));
  assert.deepEqual(seen.flatMap((x) => x.input).sort(), newTexts.sort());
  const k2 = await table(db, 'text_keys', ['key', 'desc_hash', 'file_id']);
  assert.equal(k2.length, want2.size, 'the re-annotated key has one row');
  const mthfr = k2.find((k) => k.key === 'chr1:11850000:A:G')!;
  assert.equal(mthfr.file_id, 2);
  assert.match(want2.get('chr1:11850000:A:G')!, /^missense in MTHFR .*likely pathogenic for Homocystinuria/);
  assert.equal(mthfr.desc_hash, descHash(want2.get('chr1:11850000:A:G')!));
  // a variant with no annotation at all has nothing to describe: no text row
  assert.equal(JSON.parse(third.stdout).unannotated, 1);
  assert.ok(!k2.some((k) => k.key === 'chr3:60000000:G:T'));
});

test('ollama wire format, and switching models with --replace', async () => {
  const db = path.join(tmp, 'ollama');
  await ingestFiles([A], { db, noGraph: true });
  seen.length = 0;
  script = [503];
  const r = await runCli(['embed', '--db', db, '--provider', 'ollama', '--format', 'json'], { env: { OLLAMA_HOST: base.replace('http://', '') } });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.modelId, 'ollama:nomic-embed-text');
  assert.equal(out.dim, 256);
  assert.ok(seen.every((s) => s.path === '/api/embed'));
  assert.equal(seen.length, 2);
  const s = await runCli(['similar', '--db', db, '--text', 'frameshift in BRCA1 high impact pathogenic', '-k', '1'], { env: { OLLAMA_HOST: base.replace('http://', '') } });
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^# query text "frameshift in BRCA1 high impact pathogenic" \(ollama:nomic-embed-text\) \(exact search\)$/m);
  assert.match(s.stdout, /^chr17:43045700:C:CA\t/m);
  // switch to the OpenAI-compatible protocol: refused without --replace, everything re-embedded with it
  const sw = await runCli(['embed', '--db', db, '--provider', 'openai-compatible', '--base-url', `${base}/v1`, '--model', 'bge-small', '--replace', '--format', 'json'], { env: {} });
  assert.equal(sw.code, 0, sw.stderr);
  const o2 = JSON.parse(sw.stdout);
  assert.equal(o2.replaced, true);
  assert.equal(o2.modelId, `openai-compatible:${base}/v1:bge-small`);
  assert.equal(o2.totalTexts, out.totalTexts);
  const v = await table(db, 'text_vectors', ['model_id', 'dim']);
  assert.ok(v.every((x) => x.model_id === o2.modelId && x.dim === 1536));
});

/** the local model, failing after `okCalls` calls */
class Failing implements TextEmbedder {
  private readonly local = new LocalTextEmbedder();
  calls = 0;
  constructor(private readonly okCalls: number) {}
  get id() { return this.local.id; }
  get dim() { return this.local.dim; }
  async embed(texts: string[]) {
    if (this.calls++ >= this.okCalls) throw new Error('provider went away');
    return this.local.embed(texts);
  }
}

test('offline default: similar --text embeds locally on first use and says so; an interrupted backfill is redone', async () => {
  const db = path.join(tmp, 'local');
  await ingestFiles([A, B], { db, noGraph: true });
  // a backfill that dies in the second file leaves it unmarked; its rows are redone by the next run
  await assert.rejects(backfillText(db, { embedder: new Failing(1) }), /provider went away/);
  const s0 = await openForRead(db);
  try {
    const st = await textStatus(s0);
    assert.deepEqual([st.covered, st.uncovered], [[1], [2]]);
  } finally {
    s0.close();
  }
  const r = await runCli(['similar', '--db', db, '--text', 'loss of function in a DNA repair gene', '-k', '4', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /computing text vectors \(use-lite-512\) for 1 file not embedded yet/);
  const res = JSON.parse(r.stdout);
  assert.equal(res.model, 'use-lite-512');
  assert.equal(res.backfilled, 1);
  assert.equal(res.hits.length, 4);
  const want = await expectedDescriptions(db);
  const k = await table(db, 'text_keys', ['key']);
  assert.equal(k.length, want.size, 'no key twice after the redo');
  assert.equal(new Set(k.map((x) => x.key)).size, want.size);
  // the offline model puts pathogenic, mostly high-impact variants first (of 16 variants: 8 pathogenic or likely pathogenic, 4 high impact)
  const texts = res.hits.map((h: { text: string }) => h.text) as string[];
  assert.ok(texts.every((t) => /ClinVar (likely )?pathogenic/.test(t)), JSON.stringify(texts));
  assert.ok(texts.filter((t) => /high impact/.test(t)).length >= 2, JSON.stringify(texts));
  // the second search does not embed again
  const r2 = await runCli(['similar', '--db', db, '--text', 'benign common variant', '-k', '2']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stderr, '');

  // prefilters hold for every hit
  const s = await openForRead(db);
  try {
    const g = await searchText(s, { text: 'pathogenic variant', k: 5, gene: 'BRCA1' });
    assert.ok(g.hits.length >= 1 && g.hits.every((h) => h.gene === 'BRCA1'));
    const reg = await searchText(s, { text: 'pathogenic variant', k: 20, region: 'chr17:7000000-8000000' });
    assert.deepEqual(reg.hits.map((h) => h.key).sort(), ['chr17:7675088:C:T', 'chr17:7676000:G:A']);
    const inc = await searchText(s, { text: 'pathogenic variant', k: 20, include: 'INFO/AF<0.001' });
    assert.ok(inc.hits.length > 0 && inc.hits.every((h) => h.af !== null && h.af < 0.001));
    const none = await searchText(s, { text: 'pathogenic variant', include: 'INFO/AF>2' });
    assert.equal(none.hits.length, 0);
  } finally {
    s.close();
  }
  const bad = await runCli(['similar', '--db', db, 'chr1:11796321:G:A', '--text', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /either a VARIANT or --text/);
});

test('semantic_search: an agent tool (scripted model) and an HTTP route, with the re-runnable command', async () => {
  const db = path.join(tmp, 'local');
  const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
  let i = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (): Promise<LanguageModelV3GenerateResult> => (i++ === 0
      ? { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'semantic_search', input: JSON.stringify({ text: 'pathogenic variant in a cardiac gene', k: 3 }) }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] }
      : { content: [{ type: 'text', text: 'Found 3 variants.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
  });
  const run = await ask({ model, question: 'cardiac variants?', policy: makePolicy({ db, dataDirs: [ROOT] }) });
  assert.deepEqual(run.toolCalls.map((c) => [c.tool, c.status, c.rowCount]), [['semantic_search', 'ok', 3]]);
  assert.deepEqual(run.toolCalls[0].commands, [['similar', '--text', 'pathogenic variant in a cardiac gene', '--db', db, '-k', '3', '--format', 'json']]);
  assert.match(JSON.stringify(model.doGenerateCalls[1].prompt), /described as: /);

  // the command it names gives the same hits
  const cli = await runCli(run.toolCalls[0].commands[0]);
  assert.equal(cli.code, 0, cli.stderr);
  const viaCli = JSON.parse(cli.stdout).hits.map((h: { key: string }) => h.key);

  const app: VcfAgentServer = await buildServer({ db, dataDirs: [path.join(ROOT, 'examples')] });
  try {
    const res = await app.inject({ method: 'POST', url: '/api/v1/run/semantic_search', payload: { text: 'pathogenic variant in a cardiac gene', k: 3 } });
    assert.equal(res.statusCode, 200, res.body);
    const body = JSON.parse(res.body);
    assert.equal(body.capability, 'semantic_search');
    assert.deepEqual(body.rows.map((r: { key: string }) => r.key), viaCli);
    assert.equal(body.facts.model, 'use-lite-512');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/run/semantic_search', payload: { text: '' } })).statusCode, 400);
  } finally {
    await app.close();
  }
});
