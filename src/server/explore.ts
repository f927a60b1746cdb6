/**
 * Read-only routes behind the web page's explorer views, each a thin adapter over one core function:
 *
 *   GET /api/v1/graph/neighbourhood   the sample–variant–gene neighbourhood of a variant, gene or
 *                                     sample as nodes and edges (store/neighbourhood.ts)
 *   GET /api/v1/samples/:sample/depth the FORMAT/DP histogram of a sample's calls (store/sample-depth.ts)
 *   GET /api/v1/variants/:key/similar similar variants (the similar_variants capability)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from './errors.js';
import { capability, coerceQuery, jsonSchemaOf, runCap, type RouteContext } from './routes.js';
import type { Role } from './auth.js';
import type { RequestTrace } from './tracing.js';

declare module 'fastify' {
  interface FastifyRequest { trace?: RequestTrace }
}

/** run a core call as a child span of the request's span when tracing is on */
export function traced<T>(req: FastifyRequest, name: string, attrs: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T> {
  return req.trace ? req.trace.child(name, attrs, fn) : fn();
}

const neighbourhoodSchema = z.object({
  kind: z.enum(['variant', 'gene', 'sample']).describe('what the centre node is'),
  name: z.string().min(1).max(1000).describe('variant key CHROM:POS:REF:ALT, gene symbol or sample name'),
  limit: z.number().int().min(1).max(500).optional().describe("the centre's neighbours drawn (default 40; most severe impact first); the full count is in `neighbours`"),
});
const depthSchema = z.object({
  bin_width: z.number().int().min(1).max(100000).optional().describe('DP bin width (default: chosen so the 99th percentile fits in about 50 bins)'),
});
const similarSchema = capability('similar_variants').input as unknown as z.ZodObject;
const similarQuery = similarSchema.omit({ variant: true });

const gated = <T>(rc: RouteContext, fn: () => Promise<T>): Promise<T> => (rc.gate ? rc.gate.run(fn) : fn());

function parse<S extends z.ZodType>(schema: S, json: Record<string, unknown>, q: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(coerceQuery((q ?? {}) as Record<string, unknown>, json));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HttpError(400, 'SERVE_BAD_INPUT', `${what}: ${i?.path.length ? i.path.join('.') + ': ' : ''}${i?.message ?? 'invalid input'}`);
  }
  return r.data;
}

export function registerExplore(app: FastifyInstance, rc: RouteContext): void {
  const nJson = jsonSchemaOf(neighbourhoodSchema);
  app.get('/api/v1/graph/neighbourhood', {
    schema: { tags: ['graph'], summary: 'The sample–variant–gene neighbourhood of a variant, gene or sample (read-only): nodes and edges', querystring: nJson, security: [{ bearer: [] }] },
  }, async (req) => {
    const q = parse(neighbourhoodSchema, nJson, req.query, 'neighbourhood');
    const { neighbourhood } = await import('../store/neighbourhood.js');
    return traced(req, 'neighbourhood', { kind: q.kind }, () => gated(rc, () => neighbourhood(rc.db, q.kind, q.name, q.limit ?? 40)));
  });

  const dJson = jsonSchemaOf(depthSchema);
  app.get('/api/v1/samples/:sample/depth', {
    schema: { tags: ['samples'], summary: "Depth (FORMAT/DP) histogram of a sample's stored non-reference calls, by zygosity", querystring: dJson, params: { type: 'object', properties: { sample: { type: 'string' } }, required: ['sample'] }, security: [{ bearer: [] }] },
  }, async (req) => {
    const q = parse(depthSchema, dJson, req.query, 'depth');
    const sample = (req.params as { sample: string }).sample;
    const s = await import('../store/query.js');
    const { sampleDepth } = await import('../store/sample-depth.js');
    return traced(req, 'sampleDepth', { sample }, () => gated(rc, async () => {
      const store = await s.openForRead(rc.db);
      try { return await sampleDepth(store, sample, { binWidth: q.bin_width }); } finally { store.close(); }
    }));
  });

  const sJson = jsonSchemaOf(similarQuery);
  app.get('/api/v1/variants/:key/similar', {
    schema: { tags: ['variants'], summary: 'Variants most similar to a stored variant (capability similar_variants), nearest first', querystring: sJson, params: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] }, security: [{ bearer: [] }] },
  }, async (req: FastifyRequest & { role?: Role }) => {
    const q = parse(similarQuery, sJson, req.query, 'similar') as Record<string, unknown>;
    const res = await runCap(capability('similar_variants'), { ...q, variant: (req.params as { key: string }).key }, req.role ?? 'read-only', rc, req.trace);
    return { capability: res.capability, rowCount: res.rowCount, rows: res.rows, facts: res.facts, commands: res.commands };
  });
}
