/**
 * OpenTelemetry (issue 9): `vcf-agent serve` with OTEL_EXPORTER_OTLP_ENDPOINT set exports one span
 * per request (named by the route pattern, with its status) and child spans for the core calls, over
 * OTLP/HTTP JSON, to a receiver run by this test.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import { startServe } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-otel-'));
const DB = path.join(tmp, 'ws');

interface OtlpSpan { name: string; kind: number; traceId: string; spanId: string; parentSpanId?: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }

/** an OTLP/HTTP receiver: every span posted to /v1/traces, with the content types seen */
const received: OtlpSpan[] = [];
const contentTypes: string[] = [];
let resourceAttrs: Array<{ key: string; value: Record<string, unknown> }> = [];
let receiver: http.Server;
let endpoint = '';

before(async () => {
  await ingestFiles([TRIO], { db: DB });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        contentTypes.push(String(req.headers['content-type']));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: typeof resourceAttrs }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const rs of body.resourceSpans) {
          resourceAttrs = rs.resource.attributes;
          for (const ss of rs.scopeSpans) received.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
after(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});


const attr = (s: OtlpSpan, k: string): unknown => {
  const v = s.attributes.find((a) => a.key === k)?.value;
  return v ? (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue)) : undefined;
};

test('serve exports a span per request (route, status) and child spans for core calls over OTLP/HTTP JSON', async () => {
  // a long batch delay: the spans must arrive through the flush at shutdown
  const { child, url, exited } = await startServe(['--db', DB, '--log-level', 'warn'], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_SERVICE_NAME: 'vcf-agent-test' } });
  const get = async (p: string): Promise<number> => (await fetch(url + p)).status;
  assert.equal(await get('/api/v1/variants?limit=3'), 200);
  assert.equal(await get('/api/v1/samples/child'), 200);
  assert.equal(await get('/api/v1/graph/neighbourhood?kind=gene&name=TTN&limit=3'), 200);
  assert.equal(await get('/api/v1/samples/nobody'), 404);
  assert.equal(await get('/healthz'), 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const server = received.filter((s) => s.kind === 2); // SPAN_KIND_SERVER
  const byName = (n: string) => server.find((s) => s.name === n);
  for (const [name, status] of [['GET /api/v1/variants', 200], ['GET /api/v1/samples/:sample', 200], ['GET /api/v1/graph/neighbourhood', 200], ['GET /healthz', 200]] as const) {
    const s = byName(name);
    assert.ok(s, `span ${name} in ${JSON.stringify(received.map((x) => x.name))}`);
    assert.equal(attr(s, 'http.response.status_code'), status);
  }
  const notFound = server.filter((s) => s.name === 'GET /api/v1/samples/:sample').map((s) => attr(s, 'http.response.status_code')).sort();
  assert.deepEqual(notFound, [200, 404]);
  assert.equal(attr(byName('GET /api/v1/variants')!, 'http.route'), '/api/v1/variants');
  // core calls: children of their request's span, in the same trace
  const cap = received.find((s) => s.name === 'capability query_variants');
  assert.ok(cap, 'child span of the capability');
  const parent = byName('GET /api/v1/variants')!;
  assert.equal(cap.parentSpanId, parent.spanId);
  assert.equal(cap.traceId, parent.traceId);
  const nb = received.find((s) => s.name === 'neighbourhood');
  assert.equal(nb?.parentSpanId, byName('GET /api/v1/graph/neighbourhood')!.spanId);
  assert.ok(contentTypes.every((c) => /json/.test(c)), `OTLP JSON: ${contentTypes.join(',')}`);
  assert.ok(resourceAttrs.some((a) => a.key === 'service.name' && a.value.stringValue === 'vcf-agent-test'));
});
