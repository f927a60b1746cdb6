/**
 * The HTTP API and web page of vcf-agent (fastify): `buildServer(opts)` makes the app (testable with
 * `app.inject` or a real listen on port 0); `startServer(opts)` checks the bind address and listens.
 *
 *   /healthz, /metrics (Prometheus), /openapi.json (OpenAPI 3), /docs (Swagger UI, bundled assets)
 *   /api/v1/...  capability routes (routes.ts), samples and genes lists, ingest jobs with
 *                server-sent events, ask (SSE: text deltas, tool calls, the final report), export
 *   /            the web page (src/web, plain files)
 *
 * Auth (auth.ts): with tokens configured, /api and /metrics need `Authorization: Bearer TOKEN`;
 * read-only tokens may query, admin tokens may also ingest. Without tokens everything is open and
 * the server listens on loopback only. CORS is off unless origins are given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { LanguageModel, ModelMessage } from 'ai';
import { z } from 'zod';
import { ingest as ingestCap } from '../capabilities.js';
import { checkPath, makePolicy, type AgentPolicy } from '../agent/guards.js';
import { resolveWorkspace, workspaceExists } from '../store/workspace.js';
import { VERSION } from '../version.js';
import { VcfError } from '../vcf/errors.js';
import { roleOf, checkBind, type Role, type TokenEntry } from './auth.js';
import { HttpError, toHttp } from './errors.js';
import { JobQueue, jobView } from './jobs.js';
import { ServerMetrics } from './metrics.js';
import { capability, coerceQuery, jsonSchemaOf, page, pageSchema, registerCapabilityRoutes, runCap, sendExport, exportSchema, type RouteContext } from './routes.js';
import { registerWeb } from './web.js';
import { registerExplore } from './explore.js';
import { Gate } from './gate.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  /** workspace directory (--db) */
  db?: string;
  /** directories paths given to the API may point into (default: the current directory); the workspace is always allowed */
  dataDirs?: string[];
  tokens?: TokenEntry[];
  /** largest upload in bytes (default 2 GiB) */
  maxUploadBytes?: number;
  /** origins allowed by CORS (default none: CORS off) */
  corsOrigins?: string[];
  /** pino logger: true (JSON to stdout), false, or pino options */
  logger?: boolean | Record<string, unknown>;
  /** the model behind /api/v1/ask; default: the provider configured in the environment (src/agent/providers.ts) */
  model?: () => LanguageModel;
  /** ask may ingest (admin tokens, or no tokens) */
  agentAllowWrite?: boolean;
  /** max agent steps per question */
  maxSteps?: number;
}

declare module 'fastify' {
  interface FastifyRequest { role?: Role; t0?: bigint }
  interface FastifyContextConfig { admin?: boolean; public?: boolean }
}

export interface VcfAgentServer extends FastifyInstance {
  jobs: JobQueue;
  metrics: ServerMetrics;
}

const DEFAULT_UPLOAD = 2 * 1024 ** 3;

/** a server-sent events stream as the reply body (so hooks and metrics still see the request) */
export function sseStream(reply: FastifyReply): { send: (event: string, data: unknown) => void; end: () => void; stream: PassThrough } {
  const stream = new PassThrough();
  reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  stream.write(': vcf-agent\n\n');
  return {
    stream,
    send: (event, data) => { if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); },
    end: () => { if (!stream.writableEnded) stream.end(); },
  };
}

const askSchema = z.object({
  question: z.string().min(1).max(4000).describe('the question'),
  session: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).optional().describe('chat session id: earlier turns of this session are sent along, this turn is kept'),
});
const ingestSchema = ingestCap.input;
const samplesSchema = pageSchema.extend(exportSchema.shape);
const exportStoreSchema = z.object({
  format: z.enum(['vcf', 'jsonl']).describe('vcf: the split records under the file header; jsonl: one JSON object per split record'),
  file_id: z.number().int().min(1).optional().describe('file id (see /api/v1/workspace); required for vcf when the store holds several files'),
});
const reportSchema = z.object({ file: z.string().min(1).describe('a VCF file in an allowed directory') });
const GENES_CYPHER = 'MATCH (v:Variant)-[:IN_GENE]->(g:Gene) RETURN g.name AS gene, count(v) AS variants ORDER BY variants DESC, gene LIMIT 2000';
const VCF_NAME = /\.(vcf|vcf\.gz|vcf\.bgz|vcf\.bz2|bcf)$/i;

function safeName(n: string): string {
  const b = path.basename(n || 'upload.vcf').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return b.slice(-120) || 'upload.vcf';
}

/** VCF files (two levels deep) in the allowed data directories, for the ingest picker */
function listDataFiles(dirs: string[], limit = 500): Array<{ path: string; size: number }> {
  const out: Array<{ path: string; size: number }> = [];
  const walk = (d: string, depth: number): void => {
    let ents: fs.Dirent[];
    try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of ents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= limit || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory() && depth > 0) walk(p, depth - 1);
      else if (e.isFile() && VCF_NAME.test(e.name)) {
        try { out.push({ path: p, size: fs.statSync(p).size }); } catch { /* vanished */ }
      }
    }
  };
  for (const d of dirs) walk(d, 2);
  return out;
}

export async function buildServer(opts: ServerOptions = {}): Promise<VcfAgentServer> {
  const tokens = opts.tokens ?? [];
  const ws = resolveWorkspace(opts.db);
  const policy: AgentPolicy = makePolicy({ db: opts.db, dataDirs: opts.dataDirs });
  const rc: RouteContext = { db: opts.db, policy, gate: Gate.fromEnv() };
  const metrics = new ServerMetrics();
  const jobs = new JobQueue(opts.db, metrics);
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_UPLOAD;
  const cors = new Set(opts.corsOrigins ?? []);

  const app = Fastify({
    logger: opts.logger === undefined ? false : opts.logger,
    bodyLimit: 1024 * 1024,
    // zod validates (routes.ts); JSON schemas are for the OpenAPI document only
    ajv: { customOptions: { strict: false } },
  }) as unknown as VcfAgentServer;
  app.decorate('jobs', jobs);
  app.decorate('metrics', metrics);
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  // OpenTelemetry (tracing.ts) is loaded only when an OTLP endpoint is configured
  const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? (await import('./tracing.js')).initTracing() : undefined;
  // one LanceDB read handle per workspace for all requests (opening the tables per request costs time and memory under load)
  const storeQuery = await import('../store/query.js');
  const unshareReads = storeQuery.shareReadHandles();
  // the in-memory read model of the workspace (store/read-model.ts) starts building now, not on the first query
  void storeQuery.readModelStatus(opts.db).catch(() => undefined);
  // and the ANN index `similar` searches is loaded into LanceDB's cache (embed/similar.ts prewarmSimilar)
  if (process.env.VCF_AGENT_PREWARM !== '0' && workspaceExists(resolveWorkspace(opts.db))) {
    void Promise.all([storeQuery.openForRead(opts.db), import('../embed/similar.js')]).then(([store, sim]) => sim.prewarmSimilar(store)).catch(() => undefined);
  }

  // ---- errors, metrics, auth, CORS ------------------------------------------------------------
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toHttp(err);
    if (status >= 500) req.log.error({ err: body.error, rule: body.rule }, 'request failed');
    reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}`, rule: 'SERVE_NOT_FOUND' });
  });

  app.addHook('onRequest', async (req, reply) => {
    req.t0 = process.hrtime.bigint();
    if (tracing) req.trace = tracing.start(req.method, req.routeOptions.url ?? 'unmatched', req.url.split('?')[0]);
    const origin = req.headers.origin;
    if (origin && cors.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      reply.header('access-control-allow-headers', 'authorization, content-type').header('access-control-allow-methods', 'GET, POST, OPTIONS');
      if (req.method === 'OPTIONS') return reply.status(204).send();
    }
    const url = req.url.split('?')[0];
    const guarded = url.startsWith('/api/') || url === '/metrics';
    if (!tokens.length) {
      req.role = 'admin';
      return;
    }
    if (!guarded) return;
    const role = roleOf(tokens, req.headers.authorization);
    if (!role) {
      reply.header('www-authenticate', 'Bearer realm="vcf-agent"');
      return reply.status(401).send({ error: 'a bearer token is required (Authorization: Bearer TOKEN)', rule: 'SERVE_UNAUTHORIZED' });
    }
    req.role = role;
  });
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.admin && req.role !== 'admin') throw new HttpError(403, 'SERVE_ADMIN_ONLY', 'this route writes the workspace: it needs an admin token');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route };
    metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    if (req.t0) metrics.latency.observe(labels, Number(process.hrtime.bigint() - req.t0) / 1e9);
    if (tracing && req.trace) tracing.end(req.trace, reply.statusCode);
  });

  // ---- OpenAPI and docs -------------------------------------------------------------------------
  const swagger = (await import('@fastify/swagger')).default;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'vcf-agent API', version: VERSION, description: 'Routes generated from the vcf-agent capabilities (the same schemas the CLI and the AI agent use). Errors: {error, rule}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  const swaggerUi = (await import('@fastify/swagger-ui')).default;
  // the in-memory copy of the vectors table `similar` reads (embed/vector-model.ts), loaded by the prewarm above
  const similarModelStatus = async (): Promise<string> => {
    if (!workspaceExists(resolveWorkspace(opts.db))) return 'none';
    const [store, sim] = await Promise.all([storeQuery.openForRead(opts.db), import('../embed/similar.js')]);
    return sim.similarModelStatus(store);
  };

  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // ---- health and metrics -----------------------------------------------------------------------
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'liveness: ok, version, workspace, jobs running, state of the in-memory read model and of the in-memory vectors of similar (off, none, building, ready)' } }, async () => ({
    status: 'ok', version: VERSION, workspace: ws.dir, store: fs.existsSync(ws.lanceDir), jobsActive: jobs.active(), auth: tokens.length > 0,
    readModel: await storeQuery.readModelStatus(opts.db).catch(() => 'error'),
    similarModel: await similarModelStatus().catch(() => 'error'),
  }));
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics', security: [{ bearer: [] }] } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // ---- capability routes ------------------------------------------------------------------------
  registerCapabilityRoutes(app, rc);
  registerExplore(app, rc);

  app.get('/api/v1/whoami', { schema: { tags: ['ops'], summary: 'the role of the caller and what the server allows' } }, async (req) => ({
    role: req.role, auth: tokens.length > 0, maxUploadBytes: maxUpload, agentAllowWrite: !!opts.agentAllowWrite, dataDirs: policy.allowedDirs,
  }));

  app.get('/api/v1/samples', { schema: { tags: ['samples'], summary: 'Samples of the store (one row per sample and file); paged', querystring: jsonSchemaOf(samplesSchema), security: [{ bearer: [] }] } }, async (req, reply) => {
    const q = samplesSchema.safeParse(coerceQuery(req.query as Record<string, unknown>, jsonSchemaOf(samplesSchema)));
    if (!q.success) throw new HttpError(400, 'SERVE_BAD_INPUT', q.error.issues[0]?.message ?? 'bad query');
    const s = await import('../store/query.js');
    const store = await s.openForRead(opts.db);
    let rows;
    try { rows = await s.listSamples(store); } finally { store.close(); }
    const res = { capability: 'samples', rowCount: rows.length, rows, facts: { distinct: new Set(rows.map((r) => r.sample)).size }, commands: [`vcf-agent samples${opts.db ? ` --db ${opts.db}` : ''}`] };
    if (q.data.export) return sendExport(reply, rows, q.data.export, 'samples');
    return page(res, q.data);
  });

  app.get('/api/v1/genes', { schema: { tags: ['genes'], summary: 'Genes of the store graph with their variant counts (top 2,000), for pickers', security: [{ bearer: [] }] } }, async (req) => {
    const res = await runCap(capability('graph_query'), { cypher: GENES_CYPHER }, req.role ?? 'read-only', rc, req.trace);
    return { capability: res.capability, rowCount: res.rowCount, rows: res.rows, commands: res.commands };
  });

  app.post('/api/v1/graph', { schema: { tags: ['graph'], summary: 'Read-only Cypher on the store graph (allow-listed read clauses only)', body: jsonSchemaOf(capability('graph_query').input), security: [{ bearer: [] }] } }, async (req) => {
    const res = await runCap(capability('graph_query'), req.body ?? {}, req.role ?? 'read-only', rc, req.trace);
    return { capability: res.capability, rowCount: res.rowCount, rows: res.rows, commands: res.commands };
  });

  app.get('/api/v1/files', { schema: { tags: ['files'], summary: 'VCF files in the allowed data directories (server-side paths for ingest)', security: [{ bearer: [] }] } }, async () => {
    const rows = listDataFiles(policy.allowedDirs);
    return { rowCount: rows.length, rows, dataDirs: policy.allowedDirs };
  });

  app.get('/api/v1/export', { schema: { tags: ['variants'], summary: 'Export the store: every split record of a file as VCF or JSON lines (streamed)', querystring: jsonSchemaOf(exportStoreSchema), security: [{ bearer: [] }] } }, async (req, reply) => {
    const q = exportStoreSchema.safeParse(coerceQuery(req.query as Record<string, unknown>, jsonSchemaOf(exportStoreSchema)));
    if (!q.success) throw new HttpError(400, 'SERVE_BAD_INPUT', q.error.issues[0]?.message ?? 'bad query');
    const s = await import('../store/query.js');
    const { exportStore } = await import('../store/export.js');
    const store = await s.openForRead(opts.db);
    const out = new PassThrough();
    let started!: () => void;
    const first = new Promise<void>((r) => { started = r; });
    const write = (chunk: string): Promise<void> | void => {
      started();
      if (out.write(q.data.format === 'vcf' ? Buffer.from(chunk, 'latin1') : chunk)) return;
      return new Promise((r) => out.once('drain', () => r()));
    };
    const done = exportStore(store, { format: q.data.format, fileId: q.data.file_id, write }).finally(() => store.close());
    // an error before the first byte (no such file id, ...) is an HTTP error; a later one cuts the stream
    await Promise.race([first, done]);
    done.then(() => out.end(), (e) => out.destroy(e instanceof Error ? e : new Error(String(e))));
    reply.header('content-disposition', `attachment; filename="store${q.data.file_id ? `-${q.data.file_id}` : ''}.${q.data.format}"`);
    reply.type(q.data.format === 'vcf' ? 'text/plain; charset=latin1' : 'application/x-ndjson');
    return reply.send(out);
  });

  app.get('/api/v1/report', { schema: { tags: ['files'], summary: 'The HTML report (stats charts) of a VCF file in an allowed directory', querystring: jsonSchemaOf(reportSchema), security: [{ bearer: [] }] } }, async (req, reply) => {
    const q = reportSchema.safeParse(req.query);
    if (!q.success) throw new HttpError(400, 'SERVE_BAD_INPUT', q.error.issues[0]?.message ?? 'bad query');
    const file = checkPath(q.data.file, policy);
    const { buildReportData } = await import('../stats/report-data.js');
    const { renderReportHtml } = await import('../report/html.js');
    const html = renderReportHtml(await buildReportData({ file, label: path.basename(file) }));
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:").send(html);
  });

  // ---- ingest jobs --------------------------------------------------------------------------------
  app.post('/api/v1/ingest', {
    schema: { tags: ['ingest'], summary: 'Ingest VCF files by server-side path (admin); returns a job (202)', body: jsonSchemaOf(ingestSchema), security: [{ bearer: [] }] },
    config: { admin: true },
  }, async (req, reply) => {
    const parsed = ingestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'SERVE_BAD_INPUT', `ingest: ${parsed.error.issues[0]?.message}`);
    const files = parsed.data.files.map((f) => checkPath(f, policy));
    for (const f of files) if (!fs.existsSync(f) || !fs.statSync(f).isFile()) throw new HttpError(404, 'INPUT_NOT_FOUND', `no such file: ${f}`);
    const job = jobs.submit(files, parsed.data.files);
    return reply.status(202).send(jobView(job));
  });

  const multipart = (await import('@fastify/multipart')).default;
  await app.register(multipart, { limits: { fileSize: maxUpload, files: 1, fields: 4, parts: 5 } });
  app.post('/api/v1/ingest/upload', {
    schema: { tags: ['ingest'], summary: `Upload one VCF file (multipart field "file") and ingest it (admin); returns a job (202)`, consumes: ['multipart/form-data'], security: [{ bearer: [] }] },
    config: { admin: true },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw new HttpError(415, 'SERVE_NOT_MULTIPART', 'send the file as multipart/form-data (field "file")');
    const part = await req.file();
    if (!part) throw new HttpError(400, 'SERVE_NO_FILE', 'no file in the upload (field "file")');
    const dir = path.join(ws.dir, 'uploads');
    fs.mkdirSync(dir, { recursive: true });
    const name = safeName(part.filename);
    const dest = path.join(dir, `${Date.now()}-${randomBytes(4).toString('hex')}-${name}`);
    try {
      await pipeline(part.file, fs.createWriteStream(dest, { flags: 'wx' }));
      if (part.file.truncated) throw new HttpError(413, 'SERVE_UPLOAD_TOO_LARGE', `upload larger than the limit of ${maxUpload} bytes`);
    } catch (e) {
      fs.rmSync(dest, { force: true });
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, 'SERVE_UPLOAD_TOO_LARGE', `upload larger than the limit of ${maxUpload} bytes`);
      throw e;
    }
    const job = jobs.submit([dest], [name]);
    return reply.status(202).send(jobView(job));
  });

  app.get('/api/v1/jobs', { schema: { tags: ['ingest'], summary: 'Ingest jobs (latest 100)', security: [{ bearer: [] }] } }, async () => ({ rows: jobs.list().map(jobView) }));
  app.get('/api/v1/jobs/:id', { schema: { tags: ['ingest'], summary: 'One ingest job', params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, security: [{ bearer: [] }] } }, async (req) => {
    const j = jobs.get((req.params as { id: string }).id);
    if (!j) throw new HttpError(404, 'SERVE_NO_JOB', 'no such job');
    return jobView(j);
  });
  app.get('/api/v1/jobs/:id/events', { schema: { tags: ['ingest'], summary: 'Progress of an ingest job as server-sent events (status, phase, progress, done | error)', params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, security: [{ bearer: [] }] } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!jobs.get(id)) throw new HttpError(404, 'SERVE_NO_JOB', 'no such job');
    const s = sseStream(reply);
    let unsub = (): void => undefined;
    unsub = jobs.subscribe(id, (e) => {
      s.send(e.type, e.data);
      if (e.type === 'done' || e.type === 'error') { queueMicrotask(() => unsub()); s.end(); }
    });
    req.raw.on('close', () => { unsub(); s.end(); });
    return reply.send(s.stream);
  });

  // ---- ask ----------------------------------------------------------------------------------------
  app.post('/api/v1/ask', {
    schema: { tags: ['agent'], summary: 'Ask the AI agent: server-sent events text {delta}, tool {call}, done {answer, report, toolCalls, usage}, error {error}', body: jsonSchemaOf(askSchema), security: [{ bearer: [] }] },
  }, async (req, reply) => {
    const parsed = askSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'SERVE_BAD_INPUT', `ask: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    const agent = await import('../agent/agent.js');
    const session = await import('../agent/session.js');
    let model: LanguageModel;
    try {
      if (opts.model) model = opts.model();
      else {
        const p = await import('../agent/providers.js');
        model = p.createModel(p.resolveProvider({}));
      }
    } catch (e) {
      throw new HttpError(503, 'AGENT_NO_PROVIDER', (e as Error).message.split('\n')[0]);
    }
    const askPolicy: AgentPolicy = { ...policy, allowWrite: !!opts.agentAllowWrite && req.role === 'admin' };
    const sessFile = parsed.data.session ? session.sessionFile(opts.db, parsed.data.session) : undefined;
    const history: ModelMessage[] = sessFile ? session.loadHistory(sessFile) : [];
    const s = sseStream(reply);
    const abort = new AbortController();
    req.raw.on('close', () => { if (!s.stream.writableEnded) abort.abort(); });
    const sent = new Set<string>();
    const toolView = (c: import('../agent/tools.js').ToolCallRecord): Record<string, unknown> => ({
      id: c.id, tool: c.tool, input: c.input, status: c.status, rowCount: c.rowCount ?? null, rule: c.rule ?? null, message: c.message ?? null, ms: c.ms, commands: c.commands.map((a) => ['vcf-agent', ...a].join(' ')),
    });
    const askOpts: Parameters<typeof agent.ask>[0] = {
      model,
      question: parsed.data.question,
      policy: askPolicy,
      history,
      stream: true,
      maxSteps: opts.maxSteps,
      abortSignal: abort.signal,
      onText: (delta: string) => s.send('text', { delta }),
      // live tool calls when the agent reports them (AskOptions.onToolCall); else sent with the result
      onToolCall: (c: import('../agent/tools.js').ToolCallRecord) => { sent.add(c.id); s.send('tool', toolView(c)); },
    };
    void (async () => {
      try {
        const run = await agent.ask(askOpts);
        for (const c of run.toolCalls) if (!sent.has(c.id)) s.send('tool', toolView(c));
        metrics.llmTokens.inc({ kind: 'input' }, run.usage.inputTokens);
        metrics.llmTokens.inc({ kind: 'output' }, run.usage.outputTokens);
        metrics.askRuns.inc({ status: 'ok' });
        if (sessFile) session.saveHistory(sessFile, [...history, ...run.messages]);
        s.send('done', {
          answer: run.answer, report: run.report, howComputed: run.howComputed, grounding: { unverified: run.grounding.unverified, checked: run.grounding.checked },
          toolCalls: run.toolCalls.map(toolView), steps: run.steps.length, stepLimitReached: run.stepLimitReached, usage: run.usage, durationMs: run.durationMs, provider: run.provider, model: run.model,
        });
      } catch (e) {
        metrics.askRuns.inc({ status: 'error' });
        const { body } = toHttp(e);
        s.send('error', body);
      } finally {
        s.end();
      }
    })();
    return reply.send(s.stream);
  });

  // ---- the web page -------------------------------------------------------------------------------
  registerWeb(app);

  app.addHook('onClose', async () => { await jobs.idle(); await unshareReads(); await tracing?.shutdown(); });
  return app;
}

/** Check the bind address (no tokens: loopback only), then listen. Returns the URL. */
export async function startServer(opts: ServerOptions): Promise<{ app: VcfAgentServer; url: string }> {
  const host = opts.host ?? '127.0.0.1';
  checkBind(host, opts.tokens ?? []);
  const app = await buildServer(opts);
  try {
    const url = await app.listen({ host, port: opts.port ?? 8080 });
    return { app, url };
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new VcfError('SERVE_LISTEN', `cannot listen on ${host}:${opts.port ?? 8080}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : 'no such address here'}`, {}, 'usage');
    throw e;
  }
}

