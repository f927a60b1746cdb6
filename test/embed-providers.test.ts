/**
 * Embedding providers end to end against a local HTTP server started here, speaking the OpenAI
 * (`POST /v1/embeddings`) and Ollama (`POST /api/embed`) wire formats: batching, order, auth,
 * `dimensions`, retry on 429 / 5xx / no answer, immediate failure on other 4xx.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OllamaEmbedder, OpenAiEmbedder, createEmbedder } from '../src/embed/providers.js';
import { CachedTextEmbedder } from '../src/embed/text.js';
import { VcfError } from '../src/vcf/errors.js';

interface Seen { path: string; auth?: string; body: { model: string; input: string[]; dimensions?: number; encoding_format?: string; truncate?: boolean } }
const seen: Seen[] = [];
/** scripted answers for the next requests (status, headers) before normal service; 'hang' never answers */
let script: Array<{ status: number; headers?: Record<string, string>; body?: string } | 'hang'> = [];
const hung: http.ServerResponse[] = [];

/** the server's vectors: a fixed function of the text (the server is a test double, not a model) */
function vec(text: string, dim: number): number[] {
  return Array.from({ length: dim }, (_, i) => ((text.charCodeAt(i % text.length) * (i + 1)) % 17) - 8 + 0.5);
}

let server: http.Server;
let base = '';
before(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const next = script.shift();
      if (next === 'hang') { hung.push(res); return; }
      if (next) {
        res.writeHead(next.status, { 'content-type': 'application/json', ...(next.headers ?? {}) });
        res.end(next.body ?? JSON.stringify({ error: { message: `scripted ${next.status}` } }));
        return;
      }
      if (req.url === '/v1/embeddings') {
        const dim = body.dimensions ?? 1536;
        // answer in reverse order with explicit indexes (clients must sort by index)
        const data = body.input.map((t: string, index: number) => ({ object: 'embedding', index, embedding: vec(t, dim) })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
      } else if (req.url === '/api/embed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: body.model, embeddings: body.input.map((t: string) => vec(t, 768)), total_duration: 1 }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const r of hung) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const fast = { retries: 3, baseDelayMs: 5, maxDelayMs: 50 };
const texts = Array.from({ length: 10 }, (_, i) => `missense variant in GENE${i} (moderate impact)`);

function expectUnit(v: Float32Array, dim: number) {
  assert.equal(v.length, dim);
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(n - 1) < 1e-5);
}

test('OpenAI wire format: batches, order by index, auth, model, dimensions 768 default; a 429 then success', async () => {
  seen.length = 0;
  script = [{ status: 429, headers: { 'retry-after-ms': '5' } }];
  const retries: string[] = [];
  const e = createEmbedder({ provider: 'openai', baseURL: `${base}/v1`, batchSize: 4, retry: fast, onRetry: (i) => retries.push(i.reason) }, { OPENAI_API_KEY: 'sk-test' });
  assert.equal(e.id, 'openai:text-embedding-3-small:768');
  const vs = await e.embed(texts);
  assert.equal(vs.length, 10);
  vs.forEach((v, i) => {
    expectUnit(v, 768);
    const want = vec(texts[i], 768);
    const n = Math.sqrt(want.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(v[3] - want[3] / n) < 1e-6, `vector ${i} in input order`);
  });
  assert.equal(retries.length, 1);
  assert.match(retries[0], /HTTP 429/);
  assert.deepEqual(seen.map((s) => s.body.input.length), [4, 4, 4, 2], 'first batch retried once, then 4 + 4 + 2');
  assert.ok(seen.every((s) => s.path === '/v1/embeddings' && s.auth === 'Bearer sk-test' && s.body.model === 'text-embedding-3-small' && s.body.dimensions === 768 && s.body.encoding_format === 'float'));
  assert.equal(e.dim, 768);
});

test('OpenAI-compatible server: no dimensions sent unless asked; width from the answer; 5xx retried', async () => {
  seen.length = 0;
  script = [{ status: 503 }, { status: 502 }];
  const e = createEmbedder({ provider: 'openai-compatible', baseURL: `${base}/v1/`, model: 'bge-small', retry: fast }, {});
  const vs = await e.embed(texts.slice(0, 3));
  assert.equal(vs.length, 3);
  expectUnit(vs[0], 1536);
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => s.body.dimensions === undefined && s.auth === undefined && s.body.model === 'bge-small'));
  assert.equal(e.id, `openai-compatible:${base}/v1:bge-small`);
});

test('Ollama wire format: /api/embed with input array, 500 then success, nomic-embed-text default', async () => {
  seen.length = 0;
  script = [{ status: 500 }];
  const e = createEmbedder({ provider: 'ollama', batchSize: 32, retry: fast }, { OLLAMA_HOST: base.replace('http://', '') });
  assert.equal(e.id, 'ollama:nomic-embed-text');
  const vs = await e.embed(texts);
  assert.equal(vs.length, 10);
  expectUnit(vs[9], 768);
  assert.deepEqual(seen.map((s) => [s.path, s.body.model, s.body.input.length]), [['/api/embed', 'nomic-embed-text', 10], ['/api/embed', 'nomic-embed-text', 10]]);
  assert.equal(seen[1].body.truncate, true);
});

test('no answer within the timeout is retried', async () => {
  seen.length = 0;
  script = ['hang'];
  const e = new OllamaEmbedder({ baseURL: base, model: 'nomic-embed-text', timeoutMs: 300, retry: fast });
  const vs = await e.embed(['one text']);
  assert.equal(vs.length, 1);
  assert.equal(seen.length, 2);
});

test('other 4xx fail at once with the status and message; retries give up with a count', async () => {
  seen.length = 0;
  script = [{ status: 400, body: '{"error":{"message":"bad model"}}' }];
  const e = new OpenAiEmbedder({ baseURL: `${base}/v1`, model: 'x', retry: fast });
  await assert.rejects(e.embed(['a']), (err: unknown) => err instanceof VcfError && /HTTP 400: .*bad model/.test(err.message) && err.code === 'EMBED_PROVIDER');
  assert.equal(seen.length, 1);
  seen.length = 0;
  script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
  await assert.rejects(e.embed(['a']), /giving up after 4 attempts: HTTP 503/);
  assert.equal(seen.length, 4);
  script = [];
  const wrong = new OpenAiEmbedder({ baseURL: `${base}/nothing`, model: 'x', retry: fast });
  await assert.rejects(wrong.embed(['a']), /HTTP 404/);
});

test('provider settings: keys and base URLs are required where needed', () => {
  assert.throws(() => createEmbedder({ provider: 'openai' }, {}), (e: unknown) => e instanceof VcfError && e.kind === 'usage' && /OPENAI_API_KEY/.test(e.message));
  assert.throws(() => createEmbedder({ provider: 'openai-compatible' }, {}), /base URL/);
  assert.throws(() => createEmbedder({ provider: 'ollama', dimensions: 0 }, {}), /positive integer/);
  assert.equal(createEmbedder({ provider: 'openai', dimensions: 256 }, { OPENAI_API_KEY: 'k' }).id, 'openai:text-embedding-3-small:256');
  assert.equal(createEmbedder({ provider: 'local' }, {}).id, 'use-lite-512');
});

test('a cached provider sends each distinct text once', async () => {
  seen.length = 0;
  script = [];
  const e = new CachedTextEmbedder(new OpenAiEmbedder({ baseURL: `${base}/v1`, model: 'm', dimensions: 8, retry: fast }));
  const a = await e.embed(['x', 'y', 'x', 'x']);
  const b = await e.embed(['y', 'z']);
  assert.deepEqual(seen.map((s) => s.body.input), [['x', 'y'], ['z']]);
  assert.deepEqual(a[0], a[2]);
  assert.deepEqual(a[1], b[0]);
  assert.deepEqual(e.stats, { texts: 6, distinct: 4, cached: 1, embedded: 3 });
});
