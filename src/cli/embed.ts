/**
 * `vcf-agent embed`: text vectors for the workspace (src/embed/text-store.ts backfillText): every
 * committed file not yet embedded gets its variants' descriptions mapped and each new distinct
 * description embedded by the chosen provider.
 */
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt } from './run.js';
import type { ProviderName, ProviderSpec } from '../embed/providers.js';

export interface ProviderFlags { provider?: string; model?: string; baseUrl?: string; dimensions?: number }

const NAMES = ['local', 'openai', 'ollama', 'openai-compatible'];

/** the provider flags shared by `embed` and `similar --text` */
export function providerOptions(cmd: Command, providerHelp: string): Command {
  return cmd
    .option('--provider <name>', providerHelp)
    .option('--model <name>', 'embedding model (defaults: openai text-embedding-3-small, ollama nomic-embed-text; local has one model, use-lite-512)')
    .option('--base-url <url>', 'API root: openai $OPENAI_BASE_URL or https://api.openai.com/v1; ollama $OLLAMA_HOST or http://127.0.0.1:11434; openai-compatible $VCF_AGENT_EMBED_BASE_URL or $VCF_AGENT_BASE_URL (e.g. http://127.0.0.1:8080/v1)')
    .option('--dimensions <n>', 'vector width asked of the provider (openai default 768)', parseIntOpt('--dimensions'));
}

/** flags to a provider spec (keys from OPENAI_API_KEY / VCF_AGENT_EMBED_API_KEY) */
export function providerSpec(o: ProviderFlags): ProviderSpec {
  const provider = o.provider ?? 'local';
  if (!NAMES.includes(provider)) throw usageError(`--provider must be one of ${NAMES.join(', ')}, got "${provider}"`);
  if (provider === 'local' && (o.baseUrl !== undefined || o.dimensions !== undefined)) throw usageError('the local provider takes no --base-url or --dimensions');
  return { provider: provider as ProviderName, model: o.model, baseURL: o.baseUrl, dimensions: o.dimensions };
}

export function register(program: Command): void {
  const cmd = program
    .command('embed')
    .description('compute text vectors of the workspace\'s variants (one per distinct description: gene, consequence, impact, ClinVar, frequency class) for `similar --text`; only files not yet embedded are done')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)');
  providerOptions(cmd, 'local (offline Universal Sentence Encoder lite, the default), openai ($OPENAI_API_KEY), ollama or openai-compatible')
    .option('--replace', 'the workspace holds another model\'s text vectors: drop them and embed everything with this provider')
    .option('--batch-size <n>', 'texts per HTTP request (default 128, ollama 32)', parseIntOpt('--batch-size'))
    .option('--quiet', 'no progress lines on stderr')
    .option('--format <fmt>', 'text or json', 'text')
    .action(action(async (o: ProviderFlags & { db?: string; replace?: boolean; batchSize?: number; quiet?: boolean; format: string }) => {
      if (!['text', 'json'].includes(o.format)) throw usageError(`--format must be text or json, got "${o.format}"`);
      if (o.batchSize !== undefined && o.batchSize < 1) throw usageError('--batch-size must be at least 1');
      const spec: ProviderSpec = { ...providerSpec(o), batchSize: o.batchSize };
      if (!o.quiet) spec.onRetry = (i) => process.stderr.write(`vcf-agent: embed: retry ${i.attempt} in ${i.delayMs} ms (${i.reason})\n`);
      const { backfillText } = await import('../embed/text-store.js');
      const r = await backfillText(o.db, {
        spec,
        replace: o.replace,
        onFile: o.quiet ? undefined : (f) => process.stderr.write(`vcf-agent: embed: file ${f.fileId} ${f.path}: ${f.keys} variant keys, ${f.newTexts} new descriptions\n`),
      });
      if (o.format === 'json') {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const lines = [
        `workspace\t${r.workspace}`,
        `model\t${r.modelId} (${r.dim}-d)${r.replaced ? ' (replaced the previous model\'s vectors)' : ''}`,
        `files embedded\t${r.files}`,
        `variant keys mapped\t${r.keys}${r.unannotated ? ` (${r.unannotated} without annotation left out)` : ''}`,
        `distinct descriptions\t${r.descriptions} (${r.embedded} embedded now)`,
        `descriptions in the workspace\t${r.totalTexts}`,
      ];
      if (r.index) lines.push(`ann index\t${r.index.reason}`);
      process.stdout.write(lines.join('\n') + '\n');
    }));
}
