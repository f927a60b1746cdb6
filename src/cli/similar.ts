/**
 * `vcf-agent similar`: variants nearest to a stored variant by feature vector or carrier sketch
 * (src/embed/similar.ts). The store modules load only when the command runs.
 */
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt } from './run.js';

export function register(program: Command): void {
  program
    .command('similar')
    .description('variants most similar to a stored variant (feature vectors or carrier sketches; cosine distance, nearest first, with why)')
    .argument('[variant]', 'CHROM:POS:REF:ALT (a stored key) or CHROM:POS (the first stored key there)')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--text <text>', 'free-text query (needs text vectors: not available yet)')
    .option('-k <n>', 'number of neighbours (the variant itself included)', parseIntOpt('-k'), 10)
    .option('-i, --include <expr>', 'bcftools expression the neighbours must satisfy (on their split records)')
    .option('-r, --regions <region>', 'only neighbours in CHR, CHR:POS or CHR:BEG-END (1-based, overlapping)')
    .option('--gene <name>', 'only neighbours annotated in this gene')
    .option('--by <what>', 'features (variant class, consequence, gene, ClinVar, AF, position, carriers) or carriers (MinHash of carrier samples); text: not available yet', 'features')
    .option('--format <fmt>', 'tsv or json', 'tsv')
    .action(action(async (variant: string | undefined, o: { db?: string; text?: string; k: number; include?: string; regions?: string; gene?: string; by: string; format: string }) => {
      if (!['features', 'carriers', 'text'].includes(o.by)) throw usageError(`--by must be features, carriers or text, got "${o.by}"`);
      if (!['tsv', 'json'].includes(o.format)) throw usageError(`--format must be tsv or json, got "${o.format}"`);
      if (variant === undefined && o.text === undefined) throw usageError('similar needs a VARIANT (CHROM:POS:REF:ALT) or --text "..."');
      const { openForRead } = await import('../store/query.js');
      const { similarVariants } = await import('../embed/similar.js');
      const store = await openForRead(o.db);
      try {
        const r = await similarVariants(store, { variant, text: o.text, k: o.k, include: o.include, region: o.regions, gene: o.gene, by: o.by as 'features' | 'carriers' | 'text' });
        if (o.format === 'json') {
          process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          return;
        }
        const cell = (v: unknown): string => (v === null || v === undefined ? '.' : String(v));
        const lines = [`# query ${r.query} by ${r.by}${r.usedIndex ? ' (ANN index)' : ' (exact search)'}`, '#key\tdistance\tgene\timpact\taf\twhy'];
        for (const h of r.hits) lines.push([h.key, h.distance.toFixed(4), cell(h.gene), cell(h.impact), h.af === null ? '.' : Number(h.af.toPrecision(4)), h.why].join('\t'));
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        store.close();
      }
    }));
}
