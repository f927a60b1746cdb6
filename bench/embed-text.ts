/**
 * Meaning of the text vectors (issue 7): free-text queries (bench/text-queries.json, each with a
 * relevance rule over the stored annotation, written before the first run) over the real annotated
 * and ClinVar files of ../shared/data/e_annotated, ingested into a fresh workspace and embedded
 * with the offline model (`vcf-agent embed`, the default provider). For each query, precision@10
 * of `similar --text` (searchText, exact search) against the random baseline: the share of all
 * stored variant keys the rule accepts. No gene list enters the search.
 *
 * Usage: node dist/bench/embed-text.js [--db DIR] [--json]
 * Skips with a message when ../shared/data/e_annotated is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead } from '../src/store/query.js';
import { backfillText, searchText } from '../src/embed/text-store.js';
import { mostSevereTerm, normImpact, parseConsequence } from '../src/embed/consequence.js';
import { parseClnsig } from '../src/embed/clinsig.js';
import { frequencyClass } from '../src/embed/text.js';
import type { CustomCase } from './cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** project root (this file runs from dist/bench) */
const ROOT = path.resolve(here, '..', '..');
export const E_ANNOTATED = path.resolve(ROOT, '..', 'shared', 'data', 'e_annotated');
const QUERIES = path.join(ROOT, 'bench', 'text-queries.json');

/** the files ingested (cancer.ann.vcf and variants_1.ann.vcf are not VCF files: MANIFEST says bcftools rejects them, and so do we) */
const FILES = [
  'clinvar/clinvar_20211025_GRCh38_subset_a.vcf',
  'snpeff_ANN/1kg_head.ann.vcf.gz',
  'snpeff_ANN/EML4-ALK_fusion.vcf',
  'snpeff_ANN/test.chr22.ann.filter_missense_any.vcf',
  'snpeff_EFF/test.snpeff.vcf',
  'vep_CSQ/split-vep.vcf',
];
/** VEP output in INFO/vep */
const VEP_TAG_FILES = ['vep_CSQ/gnomad.genomes.r3.0.sites.chr1.sample.vcf.gz'];

export type Rule =
  | { all: Rule[] } | { any: Rule[] } | { not: Rule }
  | { top: string[] } | { cons: string[] } | { impact: string[] } | { clinvar: string[] } | { freq: string[] }
  | { gene: string[] } | { gene_re: string } | { condition_re: string } | { no_gene: true };

export interface TextQuerySpec { id: string; query: string; rule: Rule }

export interface Annot { gene: string | null; consequence: string | null; impact: string | null; clnsig: string | null; clndn: string | null; af: number | null }

/** whether a variant's annotation satisfies a rule (see bench/text-queries.json) */
export function judge(rule: Rule, a: Annot): boolean {
  const r = rule as Record<string, unknown>;
  if ('all' in r) return (r.all as Rule[]).every((x) => judge(x, a));
  if ('any' in r) return (r.any as Rule[]).some((x) => judge(x, a));
  if ('not' in r) return !judge(r.not as Rule, a);
  const terms = parseConsequence(a.consequence);
  if ('top' in r) { const t = mostSevereTerm(terms); return !!t && (r.top as string[]).includes(t.so); }
  if ('cons' in r) return terms.some((t) => (r.cons as string[]).includes(t.so));
  if ('impact' in r) { const imp = normImpact(a.impact) ?? mostSevereTerm(terms)?.impact; return !!imp && (r.impact as string[]).includes(imp); }
  if ('clinvar' in r) return parseClnsig(a.clnsig).some((c) => (r.clinvar as string[]).includes(c));
  if ('freq' in r) { const f = frequencyClass(a.af); return !!f && (r.freq as string[]).includes(f); }
  if ('gene' in r) return !!a.gene && (r.gene as string[]).includes(a.gene.toUpperCase());
  if ('gene_re' in r) return !!a.gene && new RegExp(r.gene_re as string).test(a.gene);
  if ('condition_re' in r) return !!a.clndn && new RegExp(r.condition_re as string, 'i').test(a.clndn.replace(/_/g, ' '));
  if ('no_gene' in r) return !a.gene;
  throw new Error(`unknown rule ${JSON.stringify(rule)}`);
}

export interface QueryOutcome { id: string; query: string; relevant: number; precision: number; random: number; best: number; top: string[] }

export interface TextMeaningResult {
  workspace: string;
  files: number;
  keys: number;
  descriptions: number;
  embedSeconds: number;
  searchMsMedian: number;
  queries: QueryOutcome[];
  /** means over queries with at least one relevant variant */
  meanPrecision: number;
  meanRandom: number;
  meanBest: number;
  scored: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as number));

export async function measureTextMeaning(db: string, log: (m: string) => void = () => undefined): Promise<TextMeaningResult> {
  fs.rmSync(db, { recursive: true, force: true });
  const spec = JSON.parse(fs.readFileSync(QUERIES, 'utf8')) as { queries: TextQuerySpec[] };
  log(`ingesting ${FILES.length + VEP_TAG_FILES.length} files of ${E_ANNOTATED}`);
  await ingestFiles(FILES.map((f) => path.join(E_ANNOTATED, f)), { db, noGraph: true });
  await ingestFiles(VEP_TAG_FILES.map((f) => path.join(E_ANNOTATED, f)), { db, noGraph: true, csqTag: 'vep' });
  const t0 = process.hrtime.bigint();
  const emb = await backfillText(db, { spec: { provider: 'local' } });
  const embedSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`embedded ${emb.descriptions} distinct descriptions of ${emb.keys} variant keys in ${embedSeconds.toFixed(1)} s`);

  const store = await openForRead(db);
  try {
    // the annotation of each key: its newest row (the one its description was written from)
    const rows = await store.tables.variants.query().select(['key', 'file_id', 'gene', 'consequence', 'impact', 'clnsig', 'clndn', 'af']).toArray();
    const ann = new Map<string, Annot & { fid: number }>();
    for (const r of rows) {
      const fid = num(r.file_id)!;
      const cur = ann.get(r.key as string);
      if (!cur || fid > cur.fid) ann.set(r.key as string, { fid, gene: r.gene ?? null, consequence: r.consequence ?? null, impact: r.impact ?? null, clnsig: r.clnsig ?? null, clndn: r.clndn ?? null, af: num(r.af) });
    }
    const out: QueryOutcome[] = [];
    const times: number[] = [];
    for (const q of spec.queries) {
      let relevant = 0;
      for (const a of ann.values()) if (judge(q.rule, a)) relevant++;
      const t1 = process.hrtime.bigint();
      const res = await searchText(store, { text: q.query, k: 10 }, { backfill: false });
      times.push(Number(process.hrtime.bigint() - t1) / 1e6);
      const hits = res.hits.slice(0, 10);
      const good = hits.filter((h) => judge(q.rule, ann.get(h.key)!)).length;
      out.push({ id: q.id, query: q.query, relevant, precision: good / 10, random: relevant / ann.size, best: Math.min(10, relevant) / 10, top: hits.slice(0, 3).map((h) => h.text) });
      log(`${q.id}: p@10 ${(good / 10).toFixed(1)} (random ${(relevant / ann.size).toFixed(3)}, ${relevant} relevant)`);
    }
    const scored = out.filter((o) => o.relevant > 0);
    const mean = (f: (o: QueryOutcome) => number): number => scored.reduce((s, o) => s + f(o), 0) / Math.max(1, scored.length);
    times.sort((a, b) => a - b);
    return {
      workspace: db, files: FILES.length + VEP_TAG_FILES.length, keys: ann.size, descriptions: emb.totalTexts, embedSeconds,
      searchMsMedian: times[Math.floor(times.length / 2)], queries: out,
      meanPrecision: mean((o) => o.precision), meanRandom: mean((o) => o.random), meanBest: mean((o) => o.best), scored: scored.length,
    };
  } finally {
    store.close();
  }
}

export function markdownTable(r: TextMeaningResult): string {
  const lines = ['| query | relevant keys | precision@10 | random | best possible |', '|---|---:|---:|---:|---:|'];
  for (const q of r.queries) lines.push(`| ${q.query} | ${q.relevant} | ${q.precision.toFixed(1)} | ${q.random.toFixed(3)} | ${q.best.toFixed(1)} |`);
  lines.push(`| **mean over ${r.scored} queries with a relevant key** | | **${r.meanPrecision.toFixed(3)}** | ${r.meanRandom.toFixed(3)} | ${r.meanBest.toFixed(3)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (!fs.existsSync(E_ANNOTATED)) {
    process.stdout.write(`skipped: ${E_ANNOTATED} is absent (the shared data set e_annotated is needed)\n`);
    return;
  }
  const i = argv.indexOf('--db');
  const db = i >= 0 ? argv[i + 1] : path.join(ROOT, 'bench', 'tmp', 'embed-text-ws');
  const r = await measureTextMeaning(db, (m) => process.stderr.write(m + '\n'));
  if (argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else process.stdout.write(`${r.keys} variant keys, ${r.descriptions} distinct descriptions, embedded in ${r.embedSeconds.toFixed(1)} s; median search ${r.searchMsMedian.toFixed(0)} ms\n\n${markdownTable(r)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

/**
 * Custom bench case. Pass rule, fixed before running: mean precision@10 at least twice the mean
 * random baseline, over the queries with at least one relevant variant.
 */
export const embedTextCase: CustomCase = {
  kind: 'custom',
  name: 'embed-text-annotated',
  title: 'meaning of the text vectors (offline model, exact search): precision@10 of 26 free-text queries with fixed relevance rules, against the random baseline, e_annotated',
  issue: 7,
  data: [],
  async run(ctx) {
    const cmd = 'node dist/bench/embed-text.js';
    if (!fs.existsSync(E_ANNOTATED)) {
      return { figures: [{ label: 'skipped', value: 'no ../shared/data/e_annotated' }], pass: true, verdict: `skipped: ${E_ANNOTATED} is absent`, commands: [cmd] };
    }
    const r = await measureTextMeaning(path.join(ctx.tmp, 'embed-text-ws'), ctx.log);
    return {
      figures: [
        { label: 'variant keys', value: r.keys.toLocaleString('en-US') },
        { label: 'distinct descriptions', value: r.descriptions.toLocaleString('en-US') },
        { label: 'embed (local)', value: `${r.embedSeconds.toFixed(1)} s` },
        { label: 'mean p@10', value: r.meanPrecision.toFixed(3) },
        { label: 'random', value: r.meanRandom.toFixed(3) },
      ],
      pass: r.meanPrecision >= 2 * r.meanRandom,
      verdict: `mean precision@10 ${r.meanPrecision.toFixed(3)} over ${r.scored} queries, ${(r.meanPrecision / Math.max(r.meanRandom, 1e-9)).toFixed(1)}x the random baseline ${r.meanRandom.toFixed(3)}; limit 2x`,
      commands: [cmd],
      threads: { ours: 1, bcftools: 0, note: 'ours only, in process' },
      details: r,
    };
  },
};
