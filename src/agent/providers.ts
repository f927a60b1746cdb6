/**
 * Which language model answers: OpenAI, Anthropic, Ollama or any OpenAI-compatible server
 * (vLLM, LM Studio, Groq, Cerebras, ...), through the Vercel AI SDK providers.
 *
 * Chosen by flags > environment:
 *   --provider / VCF_AGENT_PROVIDER   openai | anthropic | ollama | openai-compatible
 *                                     (unset: the first of OPENAI_API_KEY, ANTHROPIC_API_KEY,
 *                                     OLLAMA_HOST, VCF_AGENT_BASE_URL that is set)
 *   --model / VCF_AGENT_MODEL         default gpt-4.1-mini (openai), claude-sonnet-4-5 (anthropic);
 *                                     required for ollama and openai-compatible
 *   --base-url / VCF_AGENT_BASE_URL   the API root (e.g. http://127.0.0.1:8000/v1); for ollama
 *                                     also OLLAMA_HOST (http://127.0.0.1:11434, "/api" is added)
 *   OPENAI_API_KEY, ANTHROPIC_API_KEY, VCF_AGENT_API_KEY (openai-compatible; else OPENAI_API_KEY)
 *
 * Every HTTP request goes through a counting fetch, so the run can report requests and retries
 * (the SDK retries 429 and 5xx with exponential backoff, honouring retry-after headers).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { createOllama } from 'ollama-ai-provider-v2';
import { VcfError } from '../vcf/errors.js';

export const PROVIDERS = ['openai', 'anthropic', 'ollama', 'openai-compatible'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface ProviderFlags { provider?: string; model?: string; baseUrl?: string }

export interface ProviderConfig {
  provider: ProviderName;
  model: string;
  baseURL?: string;
  apiKey?: string;
}

export const DEFAULT_MODELS: Partial<Record<ProviderName, string>> = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5' };

export const HOW_TO_CONFIGURE =
  'no AI provider configured: set OPENAI_API_KEY (OpenAI), or ANTHROPIC_API_KEY (Anthropic), or OLLAMA_HOST=http://127.0.0.1:11434 and VCF_AGENT_MODEL (Ollama), ' +
  'or VCF_AGENT_BASE_URL=http://HOST/v1 and VCF_AGENT_MODEL (an OpenAI-compatible server: vLLM, LM Studio, Groq, Cerebras; key in VCF_AGENT_API_KEY); ' +
  'or give --provider openai|anthropic|ollama|openai-compatible with --model and --base-url';

function noProvider(extra?: string): VcfError {
  return new VcfError('AGENT_NO_PROVIDER', extra ? `${extra}; ${HOW_TO_CONFIGURE.replace(/^no AI provider configured: /, '')}` : HOW_TO_CONFIGURE, {}, 'usage');
}

const nonEmpty = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

/** The provider settings from flags and environment, or a usage error saying how to configure one. */
export function resolveProvider(flags: ProviderFlags, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const named = nonEmpty(flags.provider) ?? nonEmpty(env.VCF_AGENT_PROVIDER);
  let provider: ProviderName | undefined;
  if (named) {
    if (!(PROVIDERS as readonly string[]).includes(named)) throw new VcfError('AGENT_BAD_PROVIDER', `unknown provider "${named}" (expected ${PROVIDERS.join(', ')})`, {}, 'usage');
    provider = named as ProviderName;
  } else if (nonEmpty(env.OPENAI_API_KEY)) provider = 'openai';
  else if (nonEmpty(env.ANTHROPIC_API_KEY)) provider = 'anthropic';
  else if (nonEmpty(env.OLLAMA_HOST)) provider = 'ollama';
  else if (nonEmpty(env.VCF_AGENT_BASE_URL) || nonEmpty(flags.baseUrl)) provider = 'openai-compatible';
  if (!provider) throw noProvider();

  const model = nonEmpty(flags.model) ?? nonEmpty(env.VCF_AGENT_MODEL) ?? DEFAULT_MODELS[provider];
  if (!model) throw noProvider(`provider ${provider} needs a model: give --model or set VCF_AGENT_MODEL`);
  let baseURL = nonEmpty(flags.baseUrl) ?? nonEmpty(env.VCF_AGENT_BASE_URL);
  let apiKey: string | undefined;
  switch (provider) {
    case 'openai':
      apiKey = nonEmpty(env.OPENAI_API_KEY);
      if (!apiKey && !baseURL) throw noProvider('provider openai needs OPENAI_API_KEY');
      break;
    case 'anthropic':
      apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
      if (!apiKey && !baseURL) throw noProvider('provider anthropic needs ANTHROPIC_API_KEY');
      break;
    case 'ollama': {
      if (!baseURL) {
        const host = nonEmpty(env.OLLAMA_HOST) ?? 'http://127.0.0.1:11434';
        baseURL = `${/^https?:\/\//.test(host) ? host : `http://${host}`}`.replace(/\/+$/, '') + '/api';
      }
      break;
    }
    case 'openai-compatible':
      apiKey = nonEmpty(env.VCF_AGENT_API_KEY) ?? nonEmpty(env.OPENAI_API_KEY);
      if (!baseURL) throw noProvider('provider openai-compatible needs --base-url or VCF_AGENT_BASE_URL');
      break;
  }
  return { provider, model, baseURL: baseURL?.replace(/\/+$/, ''), apiKey };
}

/** HTTP traffic of a run: requests made and responses that were not 2xx (each one retried or fatal). */
export interface HttpStats {
  requests: number;
  failed: Array<{ status: number; url: string }>;
}

export function countingFetch(stats: HttpStats, base: typeof fetch = fetch): typeof fetch {
  const f = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    stats.requests++;
    const res = await base(input, init);
    if (!res.ok) stats.failed.push({ status: res.status, url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url });
    return res;
  };
  return f as typeof fetch;
}

/** The AI SDK model for a configuration; `stats` collects the HTTP traffic. */
export function createModel(cfg: ProviderConfig, stats?: HttpStats): LanguageModel {
  const fetchFn = stats ? countingFetch(stats) : undefined;
  switch (cfg.provider) {
    case 'openai':
      // chat completions: served by OpenAI and by every OpenAI-compatible server alike
      return createOpenAI({ apiKey: cfg.apiKey ?? 'none', baseURL: cfg.baseURL, fetch: fetchFn }).chat(cfg.model);
    case 'anthropic':
      return createAnthropic({ apiKey: cfg.apiKey ?? 'none', baseURL: cfg.baseURL, fetch: fetchFn })(cfg.model);
    case 'ollama':
      return createOllama({ baseURL: cfg.baseURL, fetch: fetchFn })(cfg.model);
    case 'openai-compatible':
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: cfg.baseURL!, apiKey: cfg.apiKey, includeUsage: true, fetch: fetchFn }).chatModel(cfg.model);
  }
}

/** `provider/model` (and the base URL when one is set), for reports */
export function describeProvider(cfg: ProviderConfig): string {
  return `${cfg.provider}/${cfg.model}${cfg.baseURL ? ` at ${cfg.baseURL}` : ''}`;
}
