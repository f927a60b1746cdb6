/**
 * HTTP routes generated from the capability list (src/capabilities.ts): each capability's zod input
 * schema becomes the route's JSON schema (z.toJSONSchema, OpenAPI 3.0 flavour) for the OpenAPI
 * document, and the same zod schema validates the request. The handler checks role, paths and
 * Cypher with the agent's guards, then calls the capability's `run`: no route holds domain logic.
 *
 * Two kinds of routes:
 *   POST /api/v1/run/{capability}   every capability, input as the JSON body
 *   friendly GET routes             (variants, variant detail, sample, gene, stats, ...) mapping
 *                                   query string and path parameters onto a capability's input
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CAPABILITIES, type Capability, type CapabilityResult, type Row } from '../capabilities.js';
import { checkCypher, checkPath, type AgentPolicy } from '../agent/guards.js';
import { commandLine } from '../agent/grounding.js';
import { HttpError } from './errors.js';
import type { Role } from './auth.js';
import type { RequestTrace } from './tracing.js';
import type { Gate } from './gate.js';

export type JsonSchema = Record<string, unknown>;

/** JSON schema (OpenAPI 3.0) of a zod schema */
export function jsonSchemaOf(s: z.ZodType): JsonSchema {
  const j = z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;
  delete j.$schema;
  return j;
}

export function capability(name: string): Capability {
  const c = CAPABILITIES.find((x) => x.name === name);
  if (!c) throw new Error(`no capability ${name}`);
  return c;
}

/** query-string values (strings) to the types the schema's properties declare */
export function coerceQuery(q: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, { type?: string }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '') continue;
    const t = props[k]?.type;
    if (typeof v !== 'string') out[k] = v;
    else if (t === 'integer' || t === 'number') out[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    else if (t === 'boolean') out[k] = v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v;
    else if (t === 'array') out[k] = v.split(',').filter(Boolean);
    else out[k] = v;
  }
  return out;
}

export interface RouteContext {
  db?: string;
  policy: AgentPolicy;
  /** bounds the read calls running at once (gate.ts); writes (ingest) are not gated */
  gate?: Gate;
}

export interface CapRun extends CapabilityResult {
  capability: string;
  commands: string[];
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}` : 'invalid input';
}

/** validate, guard, run one capability for a caller with `role` */
export async function runCap(cap: Capability, input: unknown, role: Role, rc: RouteContext, trace?: RequestTrace): Promise<CapRun> {
  const parsed = cap.input.safeParse(input);
  if (!parsed.success) throw new HttpError(400, 'SERVE_BAD_INPUT', `${cap.name}: ${firstIssue(parsed.error)}`);
  if (cap.write && role !== 'admin') throw new HttpError(403, 'SERVE_ADMIN_ONLY', `${cap.name} writes the workspace: it needs an admin token`);
  for (const p of cap.paths(parsed.data)) checkPath(p, rc.policy);
  if (cap.name === 'graph_query') checkCypher((parsed.data as { cypher: string }).cypher);
  const ctx = { db: rc.db };
  const call = (): Promise<CapabilityResult> => (rc.gate && !cap.write ? rc.gate.run(() => cap.run(parsed.data, ctx)) : cap.run(parsed.data, ctx));
  const res = trace ? await trace.child(`capability ${cap.name}`, { 'vcf_agent.capability': cap.name }, call) : await call();
  return { ...res, capability: cap.name, commands: cap.commands(parsed.data, ctx).map(commandLine) };
}

export const pageSchema = z.object({
  offset: z.number().int().min(0).optional().describe('first row returned (default 0)'),
  limit: z.number().int().min(1).max(10000).optional().describe('rows returned (default 100, at most 10,000); rowCount is always the full count'),
});
export const exportSchema = z.object({
  export: z.enum(['tsv', 'jsonl']).optional().describe('every row (not one page) as a TSV or JSON-lines download'),
});

/** one page of the rows; `paged`: the capability already returned only that page (its limit/offset inputs) */
export function page(res: CapRun, q: { offset?: number; limit?: number }, paged = false): Record<string, unknown> {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 100;
  return { capability: res.capability, rowCount: res.rowCount, offset, limit, rows: paged ? res.rows : res.rows.slice(offset, offset + limit), facts: res.facts, commands: res.commands };
}

/** capabilities whose input takes limit/offset: they page (and count) themselves */
function pagesItself(cap: Capability): boolean {
  const shape = (cap.input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return 'limit' in shape && 'offset' in shape;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '.';
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/[\t\n]/g, ' ');
}

/** every row as TSV (columns of the first row, header line) or JSON lines, as a download */
export function sendExport(reply: FastifyReply, rows: Row[], format: 'tsv' | 'jsonl', name: string): FastifyReply {
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'jsonl') return reply.type('application/x-ndjson').send(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [cols.join('\t'), ...rows.map((r) => cols.map((c) => cell(r[c])).join('\t'))];
  return reply.type('text/tab-separated-values').send(lines.join('\n') + '\n');
}

export interface FriendlyRoute {
  url: string;
  cap: string;
  summary: string;
  /** path parameters: name in the URL → input field */
  params?: Record<string, string>;
  /** input fields the route does not take (e.g. the store-only variants route takes no file) */
  omit?: string[];
  /** paging and export on the rows */
  paged?: boolean;
  tag: string;
}

export const FRIENDLY: FriendlyRoute[] = [
  { url: '/api/v1/workspace', cap: 'workspace_overview', summary: 'Workspace overview: ingested files, row counts, samples, graph counts', tag: 'workspace' },
  { url: '/api/v1/variants', cap: 'query_variants', summary: 'Variants of the store by region, bcftools expression, gene, sample; paged; export as TSV/JSONL', omit: ['file', 'format'], paged: true, tag: 'variants' },
  { url: '/api/v1/variants/:key', cap: 'variant_detail', summary: 'One variant (CHROM:POS:REF:ALT): annotations and carriers', params: { key: 'key' }, paged: true, tag: 'variants' },
  { url: '/api/v1/samples/:sample', cap: 'sample_summary', summary: 'One sample: calls by zygosity, impact, ClinVar, top genes', params: { sample: 'sample' }, tag: 'samples' },
  { url: '/api/v1/genes/:gene', cap: 'gene_summary', summary: 'One gene: its variants, counts by impact and consequence, carriers', params: { gene: 'gene' }, paged: true, tag: 'genes' },
  { url: '/api/v1/files/query', cap: 'query_variants', summary: 'bcftools query over a VCF file in an allowed directory (region, -i/-e, -f format); paged', paged: true, tag: 'files' },
  { url: '/api/v1/files/stats', cap: 'stats', summary: 'bcftools stats numbers of a VCF file (SN, TSTV, ST, PSC)', paged: true, tag: 'files' },
  { url: '/api/v1/files/header', cap: 'file_header', summary: 'Header of a VCF file: samples, contigs, INFO/FORMAT/FILTER', tag: 'files' },
  { url: '/api/v1/files/validate', cap: 'validate', summary: 'Validate a VCF file: errors and warnings with rule ids', paged: true, tag: 'files' },
];

type Req = FastifyRequest & { role?: Role };

export function registerCapabilityRoutes(app: FastifyInstance, rc: RouteContext): void {
  // generic: one POST route per capability
  for (const cap of CAPABILITIES) {
    const body = jsonSchemaOf(cap.input);
    app.post(`/api/v1/run/${cap.name}`, {
      schema: { tags: ['capabilities'], summary: cap.name, description: `${cap.description}${cap.write ? ' (admin only)' : ''}`, body, security: [{ bearer: [] }] },
      config: { admin: cap.write },
    }, async (req: Req) => {
      const res = await runCap(cap, req.body ?? {}, req.role ?? 'read-only', rc, req.trace);
      return { capability: res.capability, rowCount: res.rowCount, rows: res.rows, facts: res.facts, commands: res.commands };
    });
  }
  for (const r of FRIENDLY) {
    const cap = capability(r.cap);
    let input = cap.input as unknown as z.ZodObject;
    const omit: Record<string, true> = {};
    for (const k of [...(r.omit ?? []), ...Object.keys(r.params ?? {}).map((p) => r.params![p])]) omit[k] = true;
    if (Object.keys(omit).length) input = input.omit(omit);
    const query = r.paged ? input.extend(pageSchema.shape).extend(exportSchema.shape) : input;
    const qs = jsonSchemaOf(query);
    const params = r.params ? { type: 'object', properties: Object.fromEntries(Object.keys(r.params).map((p) => [p, { type: 'string' }])), required: Object.keys(r.params) } : undefined;
    app.get(r.url, {
      schema: { tags: [r.tag], summary: r.summary, description: `${cap.description} (capability ${cap.name})`, querystring: qs, ...(params ? { params } : {}), security: [{ bearer: [] }] },
    }, async (req: Req, reply) => {
      const q = coerceQuery((req.query ?? {}) as Record<string, unknown>, qs);
      const parsed = query.safeParse(q);
      if (!parsed.success) throw new HttpError(400, 'SERVE_BAD_INPUT', `${r.url}: ${firstIssue(parsed.error)}`);
      const { offset, limit, export: exp, ...rest } = parsed.data as Record<string, unknown> & { offset?: number; limit?: number; export?: 'tsv' | 'jsonl' };
      const inp: Record<string, unknown> = { ...rest };
      for (const [p, field] of Object.entries(r.params ?? {})) inp[field] = (req.params as Record<string, string>)[p];
      // a capability that pages itself gets the page (an export takes every row)
      const self = r.paged && !exp && pagesItself(cap);
      if (self) Object.assign(inp, { offset: offset ?? 0, limit: limit ?? 100 });
      const res = await runCap(cap, inp, req.role ?? 'read-only', rc, req.trace);
      if (r.paged && exp) return sendExport(reply, res.rows, exp, cap.name);
      return r.paged ? page(res, { offset, limit }, self) : { capability: res.capability, rowCount: res.rowCount, rows: res.rows, facts: res.facts, commands: res.commands };
    });
  }
}
