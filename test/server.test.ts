/**
 * The HTTP API (issue 9): routes generated from the capability schemas, OpenAPI, auth (tokens,
 * roles, loopback-only without tokens), upload limit, allowed directories, CORS, metrics, ingest
 * jobs with server-sent events, and ask streaming with a scripted model (ai/test).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockLanguageModelV3 } from 'ai/test';
import { simulateReadableStream } from 'ai';
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { ROOT } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { buildServer, type VcfAgentServer } from '../src/server/app.js';
import { checkBind, isLoopback, loadTokens, roleOf } from '../src/server/auth.js';
import { jsonSchemaOf } from '../src/server/routes.js';
import { CAPABILITIES } from '../src/capabilities.js';
import { ingestFiles } from '../src/store/ingest.js';
import { VcfError } from '../src/vcf/errors.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-server-'));
const DB = path.join(tmp, 'ws');
const READ = 'read-token-123';
const ADMIN = 'admin-token-456';
const tokens = loadTokens(`${READ}:read-only,${ADMIN}:admin`, undefined);
let open: VcfAgentServer;
let authed: VcfAgentServer;

const SMALL_VCF = [
  '##fileformat=VCFv4.2',
  '##contig=<ID=chr9,length=1000000>',
  '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tu1\tu2',
  'chr9\t100\t.\tA\tG\t50\tPASS\tAF=0.5\tGT\t0/1\t0/0',
  'chr9\t200\t.\tC\tT,G\t60\tPASS\tAF=0.25,0.25\tGT\t1/2\t0/1',
  'chr9\t300\t.\tG\tA\t10\tPASS\tAF=0.001\tGT\t1/1\t./.',
  '',
].join('\n');

before(async () => {
  await ingestFiles([TRIO], { db: DB });
  open = await buildServer({ db: DB, dataDirs: [path.join(ROOT, 'examples')] });
  authed = await buildServer({ db: DB, dataDirs: [path.join(ROOT, 'examples')], tokens, maxUploadBytes: 2000 });
});
after(async () => {
  await open?.close();
  await authed?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

function multipart(name: string, content: string): { payload: Buffer; headers: Record<string, string> } {
  const b = '----vcfagent' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`),
    Buffer.from(content),
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

test('OpenAPI 3: one route per capability whose body schema is the capability schema', async () => {
  const r = await open.inject({ url: '/openapi.json' });
  assert.equal(r.statusCode, 200);
  const doc = json(r);
  assert.match(doc.openapi, /^3\./);
  for (const cap of CAPABILITIES) {
    const op = doc.paths[`/api/v1/run/${cap.name}`]?.post;
    assert.ok(op, `route for ${cap.name}`);
    const schema = op.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), Object.keys((jsonSchemaOf(cap.input).properties ?? {}) as object).sort(), cap.name);
  }
  // friendly routes carry the capability's fields as query parameters
  const vparams = doc.paths['/api/v1/variants'].get.parameters.map((p: { name: string }) => p.name).sort();
  assert.deepEqual(vparams, ['exclude', 'export', 'gene', 'include', 'limit', 'offset', 'region', 'sample']);
  const docs = await open.inject({ url: '/docs/' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger-ui/i);
  assert.doesNotMatch(docs.body, /https?:\/\/(cdn|unpkg)/);
});

test('variants: region, expression, gene, paging and export agree with the capability', async () => {
  const all = json(await open.inject({ url: '/api/v1/variants?limit=5' }));
  assert.equal(all.rowCount, 1510); // trio: 1,500 records, 10 multiallelic → 1,510 split rows
  assert.equal(all.rows.length, 5);
  const q = json(await open.inject({ url: '/api/v1/variants?include=QUAL>50&limit=3&offset=2' }));
  assert.ok(q.rowCount < 1510 && q.rowCount > 0);
  assert.equal(q.offset, 2);
  assert.ok(q.rows.every((r: { qual: number }) => r.qual > 50));
  assert.deepEqual(q.commands, [`vcf-agent variants --db ${DB} -i 'QUAL>50' --format json`]);
  // the same numbers as the generic capability route
  const viaRun = json(await open.inject({ method: 'POST', url: '/api/v1/run/query_variants', payload: { include: 'QUAL>50' } }));
  assert.equal(viaRun.rowCount, q.rowCount);
  assert.deepEqual(viaRun.rows.slice(2, 5), q.rows);
  const reg = json(await open.inject({ url: '/api/v1/variants?region=chr2&gene=TTN&limit=10000' }));
  assert.ok(reg.rowCount > 0 && reg.rows.every((r: { chrom: string; genes: string[] }) => r.chrom === 'chr2' && r.genes.includes('TTN')));
  const tsv = await open.inject({ url: '/api/v1/variants?region=chr2&gene=TTN&export=tsv' });
  assert.equal(tsv.statusCode, 200);
  assert.match(String(tsv.headers['content-disposition']), /attachment/);
  const lines = tsv.body.trimEnd().split('\n');
  assert.equal(lines.length, reg.rowCount + 1);
  assert.match(lines[0], /^chrom\tpos\t/);
  const bad = await open.inject({ url: '/api/v1/variants?include=QUAL>>' });
  assert.equal(bad.statusCode, 400);
  assert.ok(json(bad).rule);
  const badLimit = await open.inject({ url: '/api/v1/variants?limit=0' });
  assert.equal(badLimit.statusCode, 400);
});

test('variant detail, samples, sample, genes, gene, graph (read-only), workspace', async () => {
  const v = json(await open.inject({ url: '/api/v1/variants/chr1:11726417:C:T' }));
  assert.equal(v.facts.found, true);
  assert.equal(v.rowCount, 3);
  assert.deepEqual(v.rows.map((r: { sample: string }) => r.sample).sort(), ['child', 'father', 'mother']);
  const samples = json(await open.inject({ url: '/api/v1/samples' }));
  assert.deepEqual(samples.rows.map((r: { sample: string }) => r.sample), ['child', 'mother', 'father']);
  const s = json(await open.inject({ url: '/api/v1/samples/child' }));
  assert.equal(s.facts.sample, 'child');
  assert.ok(s.facts.calls.het > 0);
  assert.equal((await open.inject({ url: '/api/v1/samples/nobody' })).statusCode, 404);
  const genes = json(await open.inject({ url: '/api/v1/genes' }));
  assert.ok(genes.rows.some((g: { gene: string }) => g.gene === 'TTN'));
  const g = json(await open.inject({ url: '/api/v1/genes/TTN?limit=2' }));
  assert.equal(g.rows.length, 2);
  assert.equal(g.rowCount, genes.rows.find((x: { gene: string }) => x.gene === 'TTN').variants);
  const w = json(await open.inject({ url: '/api/v1/workspace' }));
  assert.equal(w.facts.rows.variants, 1510);
  const cy = await open.inject({ method: 'POST', url: '/api/v1/graph', payload: { cypher: 'MATCH (s:Sample) RETURN s.name AS name ORDER BY name' } });
  assert.deepEqual(json(cy).rows.map((r: { name: string }) => r.name), ['child', 'father', 'mother']);
  for (const cypher of ["CREATE (:Sample {name: 'x'})", "LOAD FROM '/etc/passwd' RETURN *", 'MATCH (s:Sample) DETACH DELETE s']) {
    const r = await open.inject({ method: 'POST', url: '/api/v1/graph', payload: { cypher } });
    assert.equal(r.statusCode, 403, cypher);
    assert.equal(json(r).rule, 'AGENT_CYPHER_NOT_READ_ONLY');
  }
});

test('paths: only inside the allowed directories', async () => {
  const ok = await open.inject({ url: `/api/v1/files/header?file=${encodeURIComponent(TRIO)}` });
  assert.equal(ok.statusCode, 200);
  assert.equal(json(ok).facts.samples, 3);
  for (const file of ['/etc/passwd', path.join(ROOT, 'examples', '..', 'package.json'), `${ROOT}/examples/../../../etc/passwd`]) {
    for (const url of [`/api/v1/files/header?file=${encodeURIComponent(file)}`, `/api/v1/files/stats?file=${encodeURIComponent(file)}`, `/api/v1/report?file=${encodeURIComponent(file)}`]) {
      const r = await open.inject({ url });
      assert.equal(r.statusCode, 403, url);
      assert.equal(json(r).rule, 'AGENT_PATH_NOT_ALLOWED');
    }
    const ing = await open.inject({ method: 'POST', url: '/api/v1/ingest', payload: { files: [file] } });
    assert.equal(ing.statusCode, 403);
  }
  const files = json(await open.inject({ url: '/api/v1/files' }));
  assert.ok(files.rows.some((f: { path: string }) => f.path === TRIO));
  assert.ok(files.rows.every((f: { path: string }) => f.path.startsWith(path.join(ROOT, 'examples')) || f.path.startsWith(DB)));
});

test('auth: tokens and roles; read-only cannot ingest; /healthz open', async () => {
  assert.equal((await authed.inject({ url: '/healthz' })).statusCode, 200);
  const none = await authed.inject({ url: '/api/v1/variants?limit=1' });
  assert.equal(none.statusCode, 401);
  assert.match(String(none.headers['www-authenticate']), /Bearer/);
  assert.equal((await authed.inject({ url: '/api/v1/variants?limit=1', headers: { authorization: 'Bearer wrong-token-000' } })).statusCode, 401);
  assert.equal((await authed.inject({ url: '/metrics' })).statusCode, 401);
  const ro = await authed.inject({ url: '/api/v1/variants?limit=1', headers: { authorization: `Bearer ${READ}` } });
  assert.equal(ro.statusCode, 200);
  for (const req of [
    { method: 'POST' as const, url: '/api/v1/ingest', payload: { files: [TRIO] } },
    { method: 'POST' as const, url: '/api/v1/run/ingest', payload: { files: [TRIO] } },
    { method: 'POST' as const, url: '/api/v1/ingest/upload', ...multipart('x.vcf', SMALL_VCF) },
  ]) {
    const r = await authed.inject({ ...req, headers: { ...(req as { headers?: Record<string, string> }).headers, authorization: `Bearer ${READ}` } });
    assert.equal(r.statusCode, 403, req.url);
    assert.equal(json(r).rule, 'SERVE_ADMIN_ONLY');
  }
  // admin may (the trio is already stored: the job finds it unchanged)
  const ad = await authed.inject({ method: 'POST', url: '/api/v1/ingest', payload: { files: [TRIO] }, headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal(ad.statusCode, 202);
  await authed.jobs.idle();
  const job = json(await authed.inject({ url: `/api/v1/jobs/${json(ad).id}`, headers: { authorization: `Bearer ${ADMIN}` } }));
  assert.equal(job.status, 'done');
  assert.equal(job.result.files[0].status, 'unchanged');
});

test('tokens: parsing, file, roles; no tokens means loopback only', async () => {
  const f = path.join(tmp, 'tokens');
  fs.writeFileSync(f, '# team\nabcdefgh1:admin\n\nabcdefgh2:read-only\n');
  const t = loadTokens(undefined, f);
  assert.deepEqual(t.map((x) => x.role), ['admin', 'read-only']);
  assert.equal(roleOf(t, 'Bearer abcdefgh2'), 'read-only');
  assert.equal(roleOf(t, 'Bearer abcdefgh3'), undefined);
  assert.equal(roleOf(t, 'Basic abcdefgh1'), undefined);
  assert.throws(() => loadTokens('abcdefgh9:superuser', undefined), /unknown role/);
  assert.throws(() => loadTokens('short:admin', undefined), /too short/);
  fs.writeFileSync(f, 'abcdefgh1 admin\n');
  assert.throws(() => loadTokens(undefined, f), (e: VcfError) => e.line === 1);
  for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.org']) assert.ok(!isLoopback(h), h);
  assert.throws(() => checkBind('0.0.0.0', []), /refusing to listen on 0\.0\.0\.0 without authentication/);
  assert.doesNotThrow(() => checkBind('0.0.0.0', t));
  const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', DB], { env: { VCF_AGENT_TOKENS: '' } });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^vcf-agent: refusing to listen on 0\.0\.0\.0 without authentication.*\[SERVE_NO_TOKENS\]$/m);
  const bad = await runCli(['serve', '--port', '0', '--db', DB], { env: { VCF_AGENT_TOKENS: 'abcdefgh1:root' } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown role "root"/);
});

test('upload: size limit (413), then an upload is ingested with progress events over SSE', async () => {
  const m = multipart('big.vcf', SMALL_VCF + '#'.repeat(3000));
  const tooBig = await authed.inject({ method: 'POST', url: '/api/v1/ingest/upload', payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${ADMIN}` } });
  assert.equal(tooBig.statusCode, 413, tooBig.body);
  assert.equal(json(tooBig).rule, 'SERVE_UPLOAD_TOO_LARGE');
  const uploads = path.join(DB, 'uploads');
  assert.deepEqual(fs.existsSync(uploads) ? fs.readdirSync(uploads) : [], [], 'no partial upload left behind');

  // a real listen: the event stream over HTTP
  const url = await authed.listen({ host: '127.0.0.1', port: 0 });
  const up = multipart('../../evil name.vcf', SMALL_VCF);
  const res = await fetch(`${url}/api/v1/ingest/upload`, { method: "POST", body: new Uint8Array(up.payload), headers: { ...up.headers, authorization: `Bearer ${ADMIN}` } });
  assert.equal(res.status, 202);
  const job = (await res.json()) as { id: string; files: string[] };
  assert.deepEqual(job.files, ['evil_name.vcf']);
  const ev = await fetch(`${url}/api/v1/jobs/${job.id}/events`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.match(String(ev.headers.get('content-type')), /text\/event-stream/);
  const text = await ev.text();
  const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((x) => ({ type: x[1], data: JSON.parse(x[2]) }));
  const phases = events.filter((e) => e.type === 'phase').map((e) => e.data.phase);
  assert.deepEqual(phases.filter((p) => ['parse', 'index', 'commit', 'graph', 'done'].includes(p)), ['parse', 'index', 'commit', 'graph', 'done']);
  const prog = events.filter((e) => e.type === 'phase').map((e) => e.data.progress);
  assert.deepEqual(prog, [...prog].sort((a, b) => a - b), 'progress only grows');
  assert.ok(events.some((e) => e.type === 'progress' && e.data.records === 3), 'records progress after the batch is appended');
  const done = events.at(-1)!;
  assert.equal(done.type, 'done');
  assert.equal(done.data.records, 3);
  assert.equal(done.data.files[0].variants, 4);
  assert.equal(done.data.files[0].file, 'evil_name.vcf');
  assert.ok(fs.readdirSync(uploads).every((n) => n.endsWith('-evil_name.vcf')));
  const v = await fetch(`${url}/api/v1/variants?region=chr9&limit=100`, { headers: { authorization: `Bearer ${READ}` } });
  assert.equal(((await v.json()) as { rowCount: number }).rowCount, 4);
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${READ}` } })).text();
  assert.match(metrics, /vcf_agent_ingest_records_total 3\b/);
  assert.match(metrics, /vcf_agent_ingest_records_per_second \d/);
});

test('metrics: request counts and latency per route, RSS and heap', async () => {
  await open.inject({ url: '/api/v1/samples' });
  await open.inject({ url: '/api/v1/samples' });
  await open.inject({ url: '/api/v1/samples/nobody' });
  const m = (await open.inject({ url: '/metrics' })).body;
  const count = (re: RegExp) => Number(re.exec(m)?.[1]);
  assert.ok(count(/vcf_agent_http_requests_total\{method="GET",route="\/api\/v1\/samples",status="200"\} (\d+)/) >= 2);
  assert.ok(count(/vcf_agent_http_requests_total\{method="GET",route="\/api\/v1\/samples\/:sample",status="404"\} (\d+)/) >= 1);
  assert.match(m, /vcf_agent_http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/v1\/samples"\}/);
  assert.match(m, /vcf_agent_process_resident_memory_bytes \d+/);
  assert.match(m, /vcf_agent_nodejs_heap_size_used_bytes \d+/);
  assert.match(m, /vcf_agent_llm_tokens_total/);
});

test('CORS: off by default, on for a configured origin', async () => {
  const r = await open.inject({ url: '/api/v1/samples', headers: { origin: 'http://evil.example' } });
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  const pre = await open.inject({ method: 'OPTIONS', url: '/api/v1/samples', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  const c = await buildServer({ db: DB, corsOrigins: ['http://lab.example'] });
  try {
    const ok = await c.inject({ url: '/healthz', headers: { origin: 'http://lab.example' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'http://lab.example');
    const other = await c.inject({ url: '/healthz', headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  } finally {
    await c.close();
  }
});

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

/** step 1: a tool call; step 2: the answer in pieces */
export function streamingModel(toolName: string, input: unknown, pieces: string[]): MockLanguageModelV3 {
  let n = 0;
  return new MockLanguageModelV3({
    doStream: async () => {
      const first = n++ === 0;
      const chunks: LanguageModelV3StreamPart[] = first
        ? [{ type: 'stream-start', warnings: [] }, { type: 'tool-call', toolCallId: 'c1', toolName, input: JSON.stringify(input) }, { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage }]
        : [{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: 't' }, ...pieces.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })), { type: 'text-end', id: 't' }, { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage }];
      return { stream: simulateReadableStream({ chunks }) };
    },
  });
}

test('ask: text deltas, the tool call and the final report stream as SSE; tokens counted', async () => {
  const app = await buildServer({ db: DB, model: () => streamingModel('sample_summary', { sample: 'child' }, ['The child ', 'carries ', 'variants.']) });
  try {
    const r = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'what does the child carry?', session: 's1' } });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /text\/event-stream/);
    const events = [...r.body.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((x) => ({ type: x[1], data: JSON.parse(x[2]) }));
    assert.deepEqual(events.filter((e) => e.type === 'text').map((e) => e.data.delta), ['The child ', 'carries ', 'variants.']);
    const tool = events.find((e) => e.type === 'tool')!;
    // the tool call streams as it finishes, before the answer's text
    assert.ok(events.findIndex((e) => e.type === 'tool') < events.findIndex((e) => e.type === 'text'));
    assert.equal(events.filter((e) => e.type === 'tool').length, 1);
    assert.equal(tool.data.tool, 'sample_summary');
    assert.equal(tool.data.status, 'ok');
    assert.deepEqual(tool.data.commands, [`vcf-agent sample child --db ${DB}`]);
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal(done.data.answer, 'The child carries variants.');
    assert.match(done.data.howComputed, /vcf-agent sample child/);
    assert.ok(fs.existsSync(path.join(DB, 'sessions', 's1.json')), 'the session is kept');
    const m = (await app.inject({ url: '/metrics' })).body;
    assert.match(m, /vcf_agent_llm_tokens_total\{kind="input"\} 20/);
    assert.match(m, /vcf_agent_llm_tokens_total\{kind="output"\} 10/);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: '' } });
    assert.equal(bad.statusCode, 400);
  } finally {
    await app.close();
  }
  // no provider configured: 503 with the how-to-configure line
  const saved = { ...process.env };
  for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_HOST', 'VCF_AGENT_BASE_URL', 'VCF_AGENT_PROVIDER']) delete process.env[k];
  const noModel = await buildServer({ db: DB });
  try {
    const r = await noModel.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'hi' } });
    assert.equal(r.statusCode, 503);
    assert.match(json(r).error, /OPENAI_API_KEY/);
  } finally {
    await noModel.close();
    Object.assign(process.env, saved);
  }
});

test('graph neighbourhood: a variant, a gene and a sample as nodes and edges agreeing with Cypher', async () => {
  const cypher = async (q: string) => json(await open.inject({ method: 'POST', url: '/api/v1/graph', payload: { cypher: q } })).rows as Array<Record<string, any>>;
  const key = 'chr1:11726417:C:T';
  const v = json(await open.inject({ url: `/api/v1/graph/neighbourhood?kind=variant&name=${encodeURIComponent(key)}` }));
  assert.equal(v.center.id, `variant:${key}`);
  const carriers = (await cypher(`MATCH (s:Sample)-[c:CARRIES]->(v:Variant {key: '${key}'}) RETURN s.name AS name, c.gt AS gt ORDER BY name`));
  const edges = v.edges.filter((e: any) => e.kind === 'CARRIES');
  assert.deepEqual(edges.map((e: any) => [e.source, e.props.gt]), carriers.map((c) => [`sample:${c.name}`, c.gt]));
  // every edge joins two listed nodes
  const ids = new Set(v.nodes.map((n: any) => n.id));
  for (const e of v.edges) assert.ok(ids.has(e.source) && ids.has(e.target));

  const gene = json(await open.inject({ url: '/api/v1/graph/neighbourhood?kind=gene&name=TTN&limit=5' }));
  const ttn = (await cypher("MATCH (v:Variant)-[:IN_GENE]->(g:Gene {name: 'TTN'}) RETURN count(*) AS n"))[0].n;
  assert.equal(gene.neighbours, ttn);
  assert.equal(gene.truncated, ttn > 5);
  const vnodes = gene.nodes.filter((n: any) => n.kind === 'variant');
  assert.equal(vnodes.length, Math.min(5, ttn));
  const rank: Record<string, number> = { HIGH: 0, MODERATE: 1, LOW: 2, MODIFIER: 3 };
  const impacts = gene.edges.filter((e: any) => e.kind === 'IN_GENE').map((e: any) => rank[e.props.impact ?? ''] ?? 4);
  assert.deepEqual(impacts, [...impacts].sort((a, b) => a - b), 'most severe first');
  // the samples drawn are exactly the carriers of the variants drawn
  const shown = vnodes.map((n: any) => `'${n.label}'`).join(',');
  const who = await cypher(`MATCH (s:Sample)-[:CARRIES]->(v:Variant) WHERE v.key IN [${shown}] RETURN DISTINCT s.name AS name ORDER BY name`);
  assert.deepEqual(gene.nodes.filter((n: any) => n.kind === 'sample').map((n: any) => n.label).sort(), who.map((r) => r.name));

  const s = json(await open.inject({ url: '/api/v1/graph/neighbourhood?kind=sample&name=child&limit=10' }));
  const carried = (await cypher("MATCH (s:Sample {name: 'child'})-[:CARRIES]->(v:Variant) RETURN count(*) AS n"))[0].n;
  assert.equal(s.neighbours, carried);
  assert.equal(s.nodes.filter((n: any) => n.depth === 1).length, 10);
  assert.ok(s.nodes.some((n: any) => n.kind === 'gene' && n.depth === 2));

  const missing = await open.inject({ url: '/api/v1/graph/neighbourhood?kind=gene&name=NO_SUCH_GENE' });
  assert.equal(missing.statusCode, 404);
  assert.equal(json(missing).rule, 'STORE_NOT_IN_GRAPH');
  assert.equal((await open.inject({ url: '/api/v1/graph/neighbourhood?kind=planet&name=x' })).statusCode, 400);
  assert.equal((await open.inject({ url: '/api/v1/graph/neighbourhood?kind=gene&name=TTN&limit=0' })).statusCode, 400);
});

test('sample depth histogram: bins add up to the calls with DP; similar variants of a variant', async () => {
  const d = json(await open.inject({ url: '/api/v1/samples/child/depth' }));
  const s = json(await open.inject({ url: '/api/v1/samples/child' }));
  const nonRef = Object.entries(s.facts.calls as Record<string, number>).filter(([z]) => z !== 'missing').reduce((t, [, n]) => t + n, 0);
  assert.equal(d.calls + d.noDp, nonRef);
  assert.equal(d.missing, s.facts.calls.missing ?? 0);
  assert.equal(d.bins.reduce((t: number, b: { n: number }) => t + b.n, 0), d.calls);
  // the same numbers from the stored calls through the graph (CARRIES holds every non-missing call with its DP)
  const dps = json(await open.inject({ method: 'POST', url: '/api/v1/graph', payload: { cypher: "MATCH (s:Sample {name: 'child'})-[c:CARRIES]->(:Variant) WHERE c.dp IS NOT NULL RETURN c.dp AS dp" } })).rows.map((r: { dp: number }) => r.dp);
  assert.equal(dps.length, d.calls);
  assert.equal(Math.max(...dps), d.max);
  for (const b of d.bins) assert.equal(b.n, dps.filter((x: number) => x >= b.lo && x <= b.hi).length, `bin ${b.lo}-${b.hi}`);
  const w5 = json(await open.inject({ url: '/api/v1/samples/child/depth?bin_width=5' }));
  assert.equal(w5.binWidth, 5);
  assert.equal(w5.bins.reduce((t: number, b: { n: number }) => t + b.n, 0), d.calls);
  assert.equal((await open.inject({ url: '/api/v1/samples/nobody/depth' })).statusCode, 404);

  const key = 'chr1:11726417:C:T';
  const sim = json(await open.inject({ url: `/api/v1/variants/${encodeURIComponent(key)}/similar?k=4` }));
  assert.equal(sim.capability, 'similar_variants');
  assert.equal(sim.rows.length, 4);
  assert.equal(sim.rows[0].key, key);
  const viaRun = json(await open.inject({ method: 'POST', url: '/api/v1/run/similar_variants', payload: { variant: key, k: 4 } }));
  assert.deepEqual(sim.rows, viaRun.rows);
  assert.equal((await open.inject({ url: `/api/v1/variants/${encodeURIComponent(key)}/similar?k=0` })).statusCode, 400);
});
