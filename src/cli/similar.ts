/**
 * `vcf-agent similar`: variants nearest to a stored variant by feature vector or carrier sketch,
 * or to a free-text query by text vectors (src/embed/similar.ts, src/embed/text-store.ts). The
 * store modules load only when the command runs.
 */
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt } from './run.js';
import { providerOptions, providerSpec, type ProviderFlags } from './embed.js';

export function register(program: Command): void {
  const cmd = program
    .command('similar')
    .description('variants most similar to a stored variant (feature vectors or carrier sketches) or to a free-text description (text vectors); cosine distance, nearest first, with why')
    .argument('[variant]', 'CHROM:POS:REF:ALT (a stored key) or CHROM:POS (the first stored key there)')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--text <text>', 'free-text query, e.g. "loss of function in a DNA repair gene" (implies --by text; files not yet embedded are embedded first, with the local model unless the workspace holds another model\'s vectors)')
    .option('-k <n>', 'number of neighbours (with a VARIANT, the variant itself included)', parseIntOpt('-k'), 10)
    .option('-i, --include <expr>', 'bcftools expression the neighbours must satisfy (on their split records)')
    .option('-r, --regions <region>', 'only neighbours in CHR, CHR:POS or CHR:BEG-END (1-based, overlapping)')
    .option('--gene <name>', 'only neighbours annotated in this gene')
    .option('--by <what>', 'features (variant class, consequence, gene, ClinVar, AF, position, carriers), carriers (MinHash of carrier samples) or text (descriptions; needs --text) (default: features, text with --text)')
    .option('--format <fmt>', 'tsv or json', 'tsv');
  providerOptions(cmd, 'the query\'s embedding provider with --text: local, openai, ollama or openai-compatible (default: the provider of the workspace\'s text vectors, local when none)');
  cmd.action(action(async (variant: string | undefined, o: ProviderFlags & { db?: string; text?: string; k: number; include?: string; regions?: string; gene?: string; by?: string; format: string }) => {
    const by = o.by ?? (o.text !== undefined ? 'text' : 'features');
    if (!['features', 'carriers', 'text'].includes(by)) throw usageError(`--by must be features, carriers or text, got "${by}"`);
    if (!['tsv', 'json'].includes(o.format)) throw usageError(`--format must be tsv or json, got "${o.format}"`);
    if (variant === undefined && o.text === undefined) throw usageError('similar needs a VARIANT (CHROM:POS:REF:ALT) or --text "..."');
    const flags = o.provider !== undefined || o.model !== undefined || o.baseUrl !== undefined || o.dimensions !== undefined;
    if (flags && by !== 'text') throw usageError('--provider, --model, --base-url and --dimensions embed a --text query: they need --text');
    const spec = flags ? providerSpec(o) : undefined;
    const { openForRead } = await import('../store/query.js');
    const { similarVariants } = await import('../embed/similar.js');
    const store = await openForRead(o.db);
    try {
      const r = await similarVariants(store, { variant, text: o.text, k: o.k, include: o.include, region: o.regions, gene: o.gene, by: by as 'features' | 'carriers' | 'text' }, { spec, note: (m) => process.stderr.write(m + '\n') });
      if (o.format === 'json') {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const cell = (v: unknown): string => (v === null || v === undefined ? '.' : String(v));
      const what = r.by === 'text' ? `text ${JSON.stringify(r.query)} (${r.model})` : `${r.query} by ${r.by}`;
      const lines = [`# query ${what}${r.usedIndex ? ' (ANN index)' : ' (exact search)'}`, '#key\tdistance\tgene\timpact\taf\twhy'];
      for (const h of r.hits) lines.push([h.key, h.distance.toFixed(4), cell(h.gene), cell(h.impact), h.af === null ? '.' : Number(h.af.toPrecision(4)), h.why].join('\t'));
      process.stdout.write(lines.join('\n') + '\n');
    } finally {
      store.close();
    }
  }));
}
