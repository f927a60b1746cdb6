/**
 * Randomized differential test of filter expressions (-i/-e) and query format strings (-f) against
 * the installed bcftools (Debian's 1.16), on a seeded 5,000-record generated slice and on corpus
 * files.
 *
 * - 800 generated expressions (test/expr/gen-expr.ts) run as `query -f '%CHROM:%POS[ %SAMPLE]\n'
 *   -i EXPR` (site and per-sample results), every 8th also as `view -e EXPR`; about 220 generated
 *   format strings (150 requested, more for the coverage; test/expr/gen-format.ts), some with -H
 *   and with -i/-e, run through the query core function; header-driven expressions on 8 corpus
 *   files (more on the small ones).
 * - Distribution: the generators draw what users write (common columns, GT keywords, FORMAT/DP
 *   thresholds, && and || of two conditions ... see the generators' headers for the weights), then
 *   a coverage pass adds items until every operator, function, field class and format item appears
 *   at least 10 times; the test asserts that coverage from the generators' construct lists.
 * - Every comparison counts: "identical" is byte-identical output (or both failing). A difference
 *   is "known" when an entry of test/expr/allow-list.tsv matches it AND that entry's check
 *   confirms the cause (e.g. the two agree again without the records that trigger the documented
 *   1.16 behaviour); all others are unexplained. Asserted: at least 500 generated expressions and
 *   format strings, at least 95% identical output over all comparisons, no unexplained difference.
 * - Per-construct agreement is printed, and written to docs/expr-diff-report.md when
 *   VCF_AGENT_WRITE_REPORT=1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, SKIP_BCFTOOLS, SKIP_SHARED, sharedPath } from './helpers/shared.js';
import { VcfReader } from '../src/vcf/reader.js';
import type { VcfRecord } from '../src/vcf/record.js';
import type { VcfHeader } from '../src/vcf/header.js';
import { generateVcf } from './expr/gen-vcf.js';
import { generateExpressions, constructCounts, expressionConstructs, type GenExpr } from './expr/gen-expr.js';
import { generateFormats, formatConstructs } from './expr/gen-format.js';
import { generateForHeader } from './expr/gen-corpus.js';
import {
  runBcftools, pool, oursQuery, oursView, oursFormat, formatArgs, formatDisplay, viewSites, readAllowList, compare,
  withoutTrigger, bcftoolsViewPipe, constructTable, constructMarkdown, tally, pct, SITE_SAMPLES_FORMAT,
  type Outcome, type RunResult, type Rerun, type FormatRun,
} from './expr/diff-util.js';

const N_EXPR = 800;
const N_FMT = 150;
const SEED_VCF = 20240611;
const SEED_EXPR = 7;
const SEED_FMT = 11;
const MIN_PER_CONSTRUCT = 10;
const allow = readAllowList(path.join(ROOT, 'test', 'expr', 'allow-list.tsv'));

async function load(file: string): Promise<{ header: VcfHeader; records: VcfRecord[] }> {
  const r = await VcfReader.open(file);
  const records: VcfRecord[] = [];
  for await (const rec of r.records()) records.push(rec);
  await r.close();
  return { header: r.header, records };
}

/** results shared by the tests of this file (they run in order) */
const results = { expr: [] as Outcome[], format: [] as Outcome[], corpus: [] as Outcome[], nExpr: 0, nFmt: 0 };

/** the generated slice and its copies without the records of a trigger, made once */
let dir = '';
let sliceText = '';
let sliceFile = '';
const variants = new Map<string, Promise<{ file: string; header: VcfHeader; records: VcfRecord[] } | null>>();
function variant(triggers: string[]) {
  const key = [...new Set(triggers)].sort().join('+');
  let v = variants.get(key);
  if (!v) {
    v = (async () => {
      const text = withoutTrigger(sliceText, key.split('+'));
      if (text === null) return null;
      const file = path.join(dir, `slice-without-${key}.vcf`);
      fs.writeFileSync(file, text);
      return { file, ...(await load(file)) };
    })();
    variants.set(key, v);
  }
  return v;
}
function ensureSlice(): void {
  if (sliceFile) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-expr-'));
  sliceText = generateVcf(5000, SEED_VCF);
  sliceFile = path.join(dir, 'slice.vcf');
  fs.writeFileSync(sliceFile, sliceText);
}

function coverage(counts: Map<string, number>, required: string[]): string[] {
  const thin = required.filter((c) => (counts.get(c) ?? 0) < MIN_PER_CONSTRUCT).map((c) => `${c}=${counts.get(c) ?? 0}`);
  const unlisted = [...counts.keys()].filter((c) => !required.includes(c)).map((c) => `${c} (not in the required list)`);
  return [...thin, ...unlisted];
}

function summary(title: string, outcomes: Outcome[]): string {
  const t = tally(outcomes);
  const lines = [`${title}: ${t.same}/${t.n} identical (${pct(t.same, t.n)}); ${t.known} known 1.16 differences (allow-list, checked); ${t.n - t.same - t.known} unexplained`];
  const reasons = new Map<string, number>();
  for (const o of outcomes) if (!o.agree && o.allowed) reasons.set(o.allowed, (reasons.get(o.allowed) ?? 0) + 1);
  for (const [r, n] of reasons) lines.push(`  known x${n}: ${r}`);
  for (const o of outcomes.filter((x) => !x.agree && !x.allowed).slice(0, 40)) lines.push(`  DIFF [${o.mode}] ${o.expr}  -- ${o.detail}`);
  return lines.join('\n') + '\n';
}

test('expressions: differential vs bcftools on a generated 5,000-record slice', { skip: SKIP_BCFTOOLS, timeout: 300_000 }, async () => {
  ensureSlice();
  const { header, records } = await load(sliceFile);
  assert.equal(records.length, 5000);
  const exprs: GenExpr[] = generateExpressions(N_EXPR, SEED_EXPR);
  results.nExpr = exprs.length;
  const thin = coverage(constructCounts(exprs), expressionConstructs());
  assert.deepEqual(thin, [], `expression constructs below ${MIN_PER_CONSTRUCT}: ${thin.join(', ')}`);

  const outcomes = await pool(exprs, 2, async (e, i) => {
    const res: Outcome[] = [];
    const qArgs = (file: string) => ['query', '-f', SITE_SAMPLES_FORMAT, '-i', e.expr, file];
    const pq = runBcftools(qArgs(sliceFile));
    const oq = oursQuery(e.expr, header, records, false);
    const rq = (done: string[]): Rerun => ({
      without: async (trigger) => {
        const v = await variant([...done, trigger]);
        return v ? { bc: await runBcftools(qArgs(v.file)), ours: oursQuery(e.expr, v.header, v.records, false), rr: rq([...done, trigger]) } : null;
      },
    });
    res.push(await compare(e.expr, e.constructs, 'query -i', await pq, oq, allow, rq([])));
    if (i % 8 === 0) {
      const vArgs = (file: string) => ['view', '-H', '-e', e.expr, file];
      const sites = (r: RunResult): RunResult => ({ ...r, out: r.ok ? viewSites(r.out) : '' });
      const pv = runBcftools(vArgs(sliceFile));
      const ov = oursView(e.expr, header, records, true);
      const rv = (done: string[]): Rerun => ({
        without: async (trigger) => {
          const v = await variant([...done, trigger]);
          return v ? { bc: sites(await runBcftools(vArgs(v.file))), ours: oursView(e.expr, v.header, v.records, true), rr: rv([...done, trigger]) } : null;
        },
      });
      res.push(await compare(e.expr, [...e.constructs, 'mode:-e'], 'view -e', sites(await pv), ov, allow, rv([])));
    }
    return res;
  });
  results.expr = outcomes.flat();
  process.stdout.write(constructTable(results.expr) + summary('generated slice, expressions', results.expr));
});

test('query formats: differential vs bcftools on the generated slice', { skip: SKIP_BCFTOOLS, timeout: 300_000 }, async () => {
  ensureSlice();
  const fmts = generateFormats(N_FMT, SEED_FMT);
  results.nFmt = fmts.length;
  const counts = new Map<string, number>();
  for (const g of fmts) for (const c of g.constructs) counts.set(c, (counts.get(c) ?? 0) + 1);
  const thin = coverage(counts, formatConstructs());
  assert.deepEqual(thin, [], `format items below ${MIN_PER_CONSTRUCT}: ${thin.join(', ')}`);

  const rerunOf = (g: FormatRun, file: string, done: string[]): Rerun => ({
    without: async (trigger) => {
      const v = await variant([...done, trigger]);
      return v ? { bc: await runBcftools(formatArgs(v.file, g)), ours: await oursFormat(v.file, g), rr: rerunOf(g, v.file, [...done, trigger]) } : null;
    },
    viewPipe: g.exclude !== undefined ? () => bcftoolsViewPipe(g.exclude!, g, file) : undefined,
    noHeader: g.header ? async () => {
      const h = { ...g, header: false };
      const pb = runBcftools(formatArgs(file, h));
      const o2 = await oursFormat(file, h);
      const b2 = await pb;
      return { bc: b2, ours: o2, outcome: await compare(formatDisplay(h), [], 'query -f', b2, o2, allow, rerunOf(h, file, done)) };
    } : undefined,
  });
  results.format = await pool(fmts, 2, async (g) => {
    const pb = runBcftools(formatArgs(sliceFile, g));
    const ours = await oursFormat(sliceFile, g);
    return compare(formatDisplay(g), g.constructs, 'query -f', await pb, ours, allow, rerunOf(g, sliceFile, []));
  });
  process.stdout.write(constructTable(results.format) + summary('generated slice, format strings', results.format));
});

/** corpus files and the number of expressions for each (fewer where 2,504 samples make outputs large) */
const CORPUS: Array<[string, number]> = [
  ['d_cohort/cyvcf2/test.vcf.gz', 30],
  ['d_cohort/hail/sample.vcf.gz', 30],
  ['d_cohort/hail_gvcf/1kg_chr22/HG00190.hg38.g.vcf.gz', 25],
  ['d_cohort/1000G_phase3/1000G_phase3_chr1_2504samples.vcf', 4],
  ['d_cohort/platinum/PG_NA12878_chr21.vcf.gz', 4],
  ['e_annotated/clinvar/clinvar_20211025_GRCh38_subset_a.vcf', 15],
  ['e_annotated/snpeff_EFF/test.snpeff.vcf', 10],
  ['e_annotated/vep_CSQ/gnomad.genomes.r3.0.sites.chr1.sample.vcf.gz', 15],
];

test('expressions: differential vs bcftools on corpus files', { skip: SKIP_BCFTOOLS || SKIP_SHARED, timeout: 300_000 }, async () => {
  const all: Outcome[] = [];
  for (const [k, [rel, n]] of CORPUS.entries()) {
    const file = sharedPath(rel);
    const { header, records } = await load(file);
    const exprs = generateForHeader(header, records, n, 100 + k);
    const res = await pool(exprs, 2, async (e) => {
      const pb = runBcftools(['query', '-f', SITE_SAMPLES_FORMAT, '-i', e.expr, file]);
      const ours = oursQuery(e.expr, header, records, false);
      return compare(e.expr, e.constructs, `query -i ${path.basename(rel)}`, await pb, ours, allow);
    });
    all.push(...res);
  }
  results.corpus = all;
  process.stdout.write(summary('corpus files', all));
});

test('expressions and formats: totals, at least 95% identical, per-construct report', { skip: SKIP_BCFTOOLS }, () => {
  try {
    const all = [...results.expr, ...results.format, ...results.corpus];
    assert.ok(results.nExpr + results.nFmt >= 500, `only ${results.nExpr} expressions + ${results.nFmt} format strings generated`);
    const t = tally(all);
    process.stdout.write(`all comparisons: ${t.same}/${t.n} identical (${pct(t.same, t.n)}), ${t.known} known 1.16 differences, ${t.n - t.same - t.known} unexplained\n`);
    if (process.env.VCF_AGENT_WRITE_REPORT === '1') writeReport();
    assert.ok(t.same / t.n >= 0.95, `only ${t.same}/${t.n} comparisons identical (${pct(t.same, t.n)})`);
    const other = all.filter((o) => !o.agree && !o.allowed);
    assert.deepEqual(other.map((o) => `[${o.mode}] ${o.expr} -- ${o.detail}`), [], 'unexplained differences');
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

function writeReport(): void {
  const version = spawnSync('bcftools', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const sections: Array<[string, Outcome[]]> = [
    ['Generated slice: filter expressions (`query -i`, every 8th also `view -e`)', results.expr],
    ['Generated slice: query format strings (`query -f`, with `-H`, `-i`, `-e`)', results.format],
    ['Corpus files: header-driven expressions (`query -i`)', results.corpus],
  ];
  const all = sections.flatMap(([, o]) => o);
  const t = tally(all);
  let md = '# Expression and format differential report\n\n';
  md += `Written by \`test/expr-diff.test.ts\` (\`VCF_AGENT_WRITE_REPORT=1 node scripts/run-tests.js expr-diff\`); reference: ${version}.\n`;
  md += `Slice: 5,000 records generated with seed ${SEED_VCF} (test/expr/gen-vcf.ts); ${results.nExpr} expressions (seed ${SEED_EXPR}), ${results.nFmt} format strings (seed ${SEED_FMT}); ${CORPUS.length} corpus files.\n\n`;
  md += '"Identical" is byte-identical output (or both commands failing). "Known" differences match an entry of `test/expr/allow-list.tsv` whose check confirmed the cause (a documented 1.16 behaviour that newer bcftools, the target, changed, or a 1.16 failure); "unexplained" are all other differences.\n\n';
  md += '## Totals\n\n| comparisons | n | identical | known 1.16 difference | unexplained | identical % |\n|---|---:|---:|---:|---:|---:|\n';
  for (const [title, o] of [...sections, ['All', all] as [string, Outcome[]]]) {
    const s = tally(o);
    md += `| ${title} | ${s.n} | ${s.same} | ${s.known} | ${s.n - s.same - s.known} | ${pct(s.same, s.n)} |\n`;
  }
  md += `\nOverall: ${t.same} of ${t.n} comparisons identical (${pct(t.same, t.n)}).\n\n`;
  md += '## Known differences (allow-list entries whose check passed)\n\n| entry | count | example |\n|---|---:|---|\n';
  const byReason = new Map<string, Outcome[]>();
  for (const o of all) if (!o.agree && o.allowed) byReason.set(o.allowed, [...(byReason.get(o.allowed) ?? []), o]);
  for (const [r, os] of byReason) md += `| ${r.replace(/\|/g, '\\|')} | ${os.length} | \`${os[0].expr.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |\n`;
  const other = all.filter((o) => !o.agree && !o.allowed);
  md += `\n## Unexplained differences\n\n${other.length ? other.map((o) => `- [${o.mode}] \`${o.expr}\`: ${o.detail}`).join('\n') : 'None.'}\n`;
  for (const [title, o] of sections) md += `\n## Per construct: ${title}\n\n${constructMarkdown(o)}`;
  fs.writeFileSync(path.join(ROOT, 'docs', 'expr-diff-report.md'), md);
}
