/**
 * Meaning of the feature vectors on an annotated VCF (exact search, in process, no store):
 *  - feature search: precision@10 of "same gene and same consequence class" (the most severe SnpEff
 *    ANN term's class), over every 7th variant that has a gene, against the random baseline (the
 *    share of all other variants that qualify);
 *  - carrier search (the carrier component alone as the query, `maskVector`): precision@10 of
 *    "shares at least half of the query's carriers", over every 7th variant with >= 2 carriers.
 * Relevance rules are fixed above, before running. No gene list is involved.
 *
 * Usage: node dist/bench/embed-meaning.js FILE.vcf[.gz] [--every 7]
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { annForAllele, mostSevere, parseAnn } from '../src/annotate/ann.js';
import { mostSevereTerm, parseConsequence } from '../src/embed/consequence.js';
import { FEATURE_DIM, featureMatrix, maskVector, type VariantDescriptor } from '../src/embed/features.js';
import { VcfReader } from '../src/vcf/reader.js';
import type { CustomCase } from './cases.js';

interface Row { d: VariantDescriptor; gene?: string; cls?: string; carriers: Set<number> }

export interface MeaningResult {
  file: string; variants: number; samples: number;
  feature: { queries: number; precision: number; random: number };
  carriers: { queries: number; precision: number; random: number };
}

async function load(file: string): Promise<{ rows: Row[]; samples: number }> {
  const r = await VcfReader.open(file);
  const rows: Row[] = [];
  for await (const batch of r.batches()) {
    for (const rec of batch) {
      const ann = rec.info.get('ANN');
      const af = rec.info.get('AF');
      const cln = rec.info.get('CLNSIG');
      rec.alt.forEach((alt, k) => {
        const top = typeof ann === 'string' ? mostSevere(annForAllele(parseAnn(ann), alt, rec.alt.length)) : undefined;
        const gene = top && top.gene && !/intergenic/.test(top.consequence) ? top.gene : undefined;
        const carriers: number[] = [];
        for (let i = 0; i < rec.sampleCount; i++) {
          const g = rec.gtRaw(i);
          if (g && g.split(/[/|]/).includes(String(k + 1))) carriers.push(i);
        }
        const d: VariantDescriptor = {
          chrom: rec.chrom, pos: rec.pos, ref: rec.ref, alt, consequence: top?.consequence, impact: top?.impact, gene,
          clinvarSignificance: typeof cln === 'string' ? cln : undefined, af: typeof af === 'string' ? Number(af.split(',')[k]) : undefined, carriers,
        };
        rows.push({ d, gene, cls: mostSevereTerm(parseConsequence(top?.consequence))?.cls, carriers: new Set(carriers) });
      });
    }
  }
  return { rows, samples: r.header.samples.length };
}

function topK(M: Float32Array, q: Float32Array, n: number, self: number, k: number): number[] {
  const D = FEATURE_DIM;
  const sims = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < D; t++) s += q[t] * M[j * D + t];
    sims[j] = j === self ? -Infinity : s;
  }
  return Array.from(sims.keys()).sort((a, b) => sims[b] - sims[a] || a - b).slice(0, k);
}

export async function measureMeaning(file: string, every = 7): Promise<MeaningResult> {
  const { rows, samples } = await load(file);
  const n = rows.length, D = FEATURE_DIM;
  const M = featureMatrix(rows.map((r) => r.d));
  const feature = { queries: 0, precision: 0, random: 0 };
  const carriers = { queries: 0, precision: 0, random: 0 };
  const withGene = rows.map((_, i) => i).filter((i) => rows[i].gene);
  for (let qi = 0; qi < withGene.length; qi += every) {
    const q = withGene[qi];
    const good = (j: number) => rows[j].gene === rows[q].gene && rows[j].cls === rows[q].cls;
    const hits = topK(M, M.subarray(q * D, q * D + D), n, q, 10);
    feature.precision += hits.filter(good).length / 10;
    let g = 0;
    for (let j = 0; j < n; j++) if (j !== q && good(j)) g++;
    feature.random += g / (n - 1);
    feature.queries++;
  }
  const withCarriers = rows.map((_, i) => i).filter((i) => rows[i].carriers.size >= 2);
  for (let qi = 0; qi < withCarriers.length; qi += every) {
    const q = withCarriers[qi];
    const qc = rows[q].carriers;
    const good = (j: number) => { let s = 0; for (const x of qc) if (rows[j].carriers.has(x)) s++; return s * 2 >= qc.size; };
    const hits = topK(M, maskVector(M.subarray(q * D, q * D + D), ['carriers']), n, q, 10);
    carriers.precision += hits.filter(good).length / 10;
    let g = 0;
    for (let j = 0; j < n; j++) if (j !== q && good(j)) g++;
    carriers.random += g / (n - 1);
    carriers.queries++;
  }
  for (const m of [feature, carriers]) if (m.queries) { m.precision /= m.queries; m.random /= m.queries; }
  return { file, variants: n, samples, feature, carriers };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) { process.stderr.write('usage: node dist/bench/embed-meaning.js FILE.vcf[.gz] [--every 7]\n'); process.exit(2); }
  const i = argv.indexOf('--every');
  const r = await measureMeaning(file, i >= 0 ? Number(argv[i + 1]) : 7);
  process.stdout.write(`${r.file}: ${r.variants} variants, ${r.samples} samples\n`);
  process.stdout.write(`feature search, same gene and consequence class: precision@10 ${r.feature.precision.toFixed(3)} (random ${r.feature.random.toFixed(4)}, ${r.feature.queries} queries)\n`);
  process.stdout.write(`carrier search, shares >= half of carriers:      precision@10 ${r.carriers.precision.toFixed(3)} (random ${r.carriers.random.toFixed(4)}, ${r.carriers.queries} queries)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

/**
 * Custom bench case (registered in bench/cases.ts), in process, on the cohort (1,000 samples, so
 * carrier sets are informative). Pass rule, fixed before running: each precision@10 at least twice
 * its random baseline.
 */
export const embedMeaningCase: CustomCase = {
  kind: 'custom',
  name: 'embed-meaning-cohort',
  title: 'meaning of the feature vectors (exact search): precision@10 of same gene + consequence class, and of carrier search, against the random baseline, cohort',
  issue: 7,
  data: ['cohort'],
  async run(ctx) {
    const file = ctx.rel('cohort');
    const r = await measureMeaning(path.join(ctx.root, file), 7);
    const f = r.feature, c = r.carriers;
    const pass = f.queries > 0 && c.queries > 0 && f.precision >= 2 * f.random && c.precision >= 2 * c.random;
    return {
      figures: [
        { label: 'variants', value: r.variants.toLocaleString('en-US') },
        { label: 'feature p@10 (same gene + class)', value: f.precision.toFixed(3) },
        { label: 'random', value: f.random.toFixed(3) },
        { label: 'carrier p@10 (≥ half the carriers)', value: c.precision.toFixed(3) },
        { label: 'random', value: c.random.toFixed(3) },
      ],
      pass,
      verdict: `feature search ${(f.precision / Math.max(f.random, 1e-9)).toFixed(1)}x random (${f.queries} queries), carrier search ${(c.precision / Math.max(c.random, 1e-9)).toFixed(1)}x random (${c.queries} queries); limit 2x each`,
      commands: [`node dist/bench/embed-meaning.js ${file} --every 7`],
      threads: { ours: 1, bcftools: 0, note: 'ours only, in process' },
      details: r,
    };
  },
};
