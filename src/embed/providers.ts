/**
 * Text embedding providers over HTTP: OpenAI (`text-embedding-3-small`, `dimensions` 768 by
 * default), Ollama (`nomic-embed-text`, POST /api/embed) and any OpenAI-compatible
 * `/v1/embeddings` server. Requests are batched; HTTP 429 and 5xx answers, network errors and
 * timeouts are retried with exponential backoff (honouring Retry-After); other 4xx answers fail at
 * once. Every returned vector is scaled to unit length. Base URLs are overridable (tests point them
 * at a local server).
 */
import { VcfError, usageError } from '../vcf/errors.js';
import { LocalTextEmbedder, unit, type TextEmbedder } from './text.js';

export interface RetryOptions {
  /** retries after the first attempt (default 5) */
  retries?: number;
  /** first backoff delay; doubles each retry (default 500 ms) */
  baseDelayMs?: number;
  /** longest single wait, also caps Retry-After (default 30 s) */
  maxDelayMs?: number;
}

export interface HttpEmbedderOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  /** requested width (OpenAI `dimensions`; Ollama `dimensions` for models that support it) */
  dimensions?: number;
  /** texts per request */
  batchSize?: number;
  /** per-request timeout (default 60 s) */
  timeoutMs?: number;
  retry?: RetryOptions;
  headers?: Record<string, string>;
  /** called before each retry (logging, tests) */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

function providerError(msg: string): VcfError {
  return new VcfError('EMBED_PROVIDER', msg, {}, 'internal');
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** wait asked by the server: `retry-after-ms` (ms) or `Retry-After` (seconds or an HTTP date) */
function retryAfterMs(res: Response): number | undefined {
  const ms = res.headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = res.headers.get('retry-after');
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const t = Date.parse(ra);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/**
 * POST JSON with timeout and retries. Retried: network errors, timeouts, 408, 409, 429, 5xx.
 * Returns the parsed JSON body of the first 2xx answer.
 */
export async function postJson(url: string, body: unknown, opts: Pick<HttpEmbedderOptions, 'apiKey' | 'timeoutMs' | 'retry' | 'headers' | 'onRetry'>): Promise<unknown> {
  const retries = opts.retry?.retries ?? 5;
  const base = opts.retry?.baseDelayMs ?? 500;
  const maxDelay = opts.retry?.maxDelayMs ?? 30_000;
  const timeout = opts.timeoutMs ?? 60_000;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    let wait: number | undefined;
    try {
      const res = await fetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(timeout) });
      if (res.ok) {
        try {
          return await res.json();
        } catch (e) {
          throw providerError(`${url}: the answer is not JSON (${(e as Error).message})`);
        }
      }
      const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      const retriable = res.status === 429 || res.status === 408 || res.status === 409 || res.status >= 500;
      if (!retriable) throw providerError(`${url}: HTTP ${res.status}${text ? `: ${text}` : ''}`);
      reason = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      wait = retryAfterMs(res);
    } catch (e) {
      if (e instanceof VcfError) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      reason = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${timeout} ms` : `${err.message}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
    }
    if (attempt >= retries) throw providerError(`${url}: giving up after ${attempt + 1} attempt${attempt ? 's' : ''}: ${reason}`);
    const d = Math.min(maxDelay, wait ?? base * 2 ** attempt);
    opts.onRetry?.({ attempt: attempt + 1, delayMs: d, reason });
    await delay(d);
  }
}

function toVectors(raw: unknown, n: number, where: string, dim?: number): Float32Array[] {
  if (!Array.isArray(raw) || raw.length !== n) throw providerError(`${where}: expected ${n} embeddings, got ${Array.isArray(raw) ? raw.length : 'none'}`);
  let width = dim;
  return raw.map((v, i) => {
    if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw providerError(`${where}: embedding ${i} is not an array of numbers`);
    width ??= v.length;
    if (v.length !== width) throw providerError(`${where}: embedding ${i} has ${v.length} values, expected ${width}`);
    return unit(v as number[]);
  });
}

abstract class HttpEmbedder implements TextEmbedder {
  abstract readonly id: string;
  dim: number;
  protected readonly o: HttpEmbedderOptions;
  constructor(o: HttpEmbedderOptions, defaultBatch: number) {
    if (o.dimensions !== undefined && (!Number.isInteger(o.dimensions) || o.dimensions < 1)) throw usageError(`embedding dimensions must be a positive integer (got ${o.dimensions})`);
    this.o = { ...o, baseURL: trimSlash(o.baseURL), batchSize: o.batchSize ?? defaultBatch };
    this.dim = o.dimensions ?? 0;
  }
  protected abstract request(batch: string[]): Promise<Float32Array[]>;
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const bs = this.o.batchSize!;
    for (let i = 0; i < texts.length; i += bs) {
      const vs = await this.request(texts.slice(i, i + bs));
      if (vs.length && !this.dim) this.dim = vs[0].length;
      if (vs.length && vs[0].length !== this.dim) throw providerError(`${this.id}: got ${vs[0].length}-d vectors, expected ${this.dim}`);
      out.push(...vs);
    }
    return out;
  }
}

/** OpenAI and OpenAI-compatible servers: POST {baseURL}/embeddings {model, input, dimensions?, encoding_format: "float"}. */
export class OpenAiEmbedder extends HttpEmbedder {
  readonly id: string;
  constructor(o: HttpEmbedderOptions, idPrefix = 'openai') {
    super(o, 128);
    this.id = `${idPrefix}:${o.model}${o.dimensions ? `:${o.dimensions}` : ''}`;
  }
  protected async request(batch: string[]): Promise<Float32Array[]> {
    const url = `${this.o.baseURL}/embeddings`;
    const body: Record<string, unknown> = { model: this.o.model, input: batch, encoding_format: 'float' };
    if (this.o.dimensions) body.dimensions = this.o.dimensions;
    const res = (await postJson(url, body, this.o)) as { data?: Array<{ embedding?: unknown; index?: number }> };
    if (!res || !Array.isArray(res.data)) throw providerError(`${url}: the answer has no "data" array`);
    const data = [...res.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return toVectors(data.map((d) => d.embedding), batch.length, url, this.o.dimensions);
  }
}

/** Ollama: POST {baseURL}/api/embed {model, input, truncate: true} → {embeddings}. */
export class OllamaEmbedder extends HttpEmbedder {
  readonly id: string;
  constructor(o: HttpEmbedderOptions) {
    super(o, 32);
    this.id = `ollama:${o.model}${o.dimensions ? `:${o.dimensions}` : ''}`;
  }
  protected async request(batch: string[]): Promise<Float32Array[]> {
    const url = `${this.o.baseURL}/api/embed`;
    const body: Record<string, unknown> = { model: this.o.model, input: batch, truncate: true };
    if (this.o.dimensions) body.dimensions = this.o.dimensions;
    const res = (await postJson(url, body, this.o)) as { embeddings?: unknown };
    if (!res || !Array.isArray(res.embeddings)) throw providerError(`${url}: the answer has no "embeddings" array`);
    return toVectors(res.embeddings, batch.length, url, this.o.dimensions);
  }
}

export type ProviderName = 'local' | 'openai' | 'ollama' | 'openai-compatible';
export const PROVIDERS: readonly ProviderName[] = ['local', 'openai', 'ollama', 'openai-compatible'];

export interface ProviderSpec {
  provider: ProviderName;
  model?: string;
  baseURL?: string;
  apiKey?: string;
  dimensions?: number;
  batchSize?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  onRetry?: HttpEmbedderOptions['onRetry'];
}

export const DEFAULT_MODELS: Record<Exclude<ProviderName, 'local'>, string> = {
  openai: 'text-embedding-3-small',
  ollama: 'nomic-embed-text',
  'openai-compatible': 'text-embedding-3-small',
};

/** OLLAMA_HOST may be `host:port` without a scheme */
function ollamaBase(env: NodeJS.ProcessEnv): string {
  const h = env.OLLAMA_HOST;
  if (!h) return 'http://127.0.0.1:11434';
  return /^https?:\/\//.test(h) ? h : `http://${h}`;
}

/**
 * An embedder from a provider spec. Settings not given come from the environment:
 * OPENAI_API_KEY and OPENAI_BASE_URL (openai), OLLAMA_HOST (ollama), VCF_AGENT_EMBED_BASE_URL (else
 * VCF_AGENT_BASE_URL) and VCF_AGENT_EMBED_API_KEY (openai-compatible).
 */
export function createEmbedder(spec: ProviderSpec, env: NodeJS.ProcessEnv = process.env): TextEmbedder {
  const common = { batchSize: spec.batchSize, timeoutMs: spec.timeoutMs, retry: spec.retry, onRetry: spec.onRetry };
  switch (spec.provider) {
    case 'local':
      if (spec.model && spec.model !== 'use-lite-512') throw usageError(`the local provider has one model, use-lite-512 (got ${spec.model})`);
      return new LocalTextEmbedder();
    case 'openai': {
      const apiKey = spec.apiKey ?? env.OPENAI_API_KEY;
      if (!apiKey) throw usageError('the openai embedding provider needs an API key: set OPENAI_API_KEY');
      return new OpenAiEmbedder({ ...common, baseURL: spec.baseURL ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', model: spec.model ?? DEFAULT_MODELS.openai, apiKey, dimensions: spec.dimensions ?? 768 });
    }
    case 'ollama':
      return new OllamaEmbedder({ ...common, baseURL: spec.baseURL ?? ollamaBase(env), model: spec.model ?? DEFAULT_MODELS.ollama, dimensions: spec.dimensions });
    case 'openai-compatible': {
      const baseURL = spec.baseURL ?? env.VCF_AGENT_EMBED_BASE_URL ?? env.VCF_AGENT_BASE_URL;
      if (!baseURL) throw usageError('the openai-compatible embedding provider needs a base URL (e.g. http://localhost:8080/v1): --base-url, VCF_AGENT_EMBED_BASE_URL or VCF_AGENT_BASE_URL');
      return new OpenAiEmbedder({ ...common, baseURL, model: spec.model ?? DEFAULT_MODELS['openai-compatible'], apiKey: spec.apiKey ?? env.VCF_AGENT_EMBED_API_KEY, dimensions: spec.dimensions }, `openai-compatible:${trimSlash(baseURL)}`);
    }
    default:
      throw usageError(`unknown embedding provider "${String((spec as { provider: unknown }).provider)}" (one of ${PROVIDERS.join(', ')})`);
  }
}
