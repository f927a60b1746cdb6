/**
 * Comparing two samples of the store (src/store/compare-samples.ts), its capability and CLI, against
 * expectations computed by hand on a two-file fixture written here:
 *
 *   f1 (A, B)                          f2 (B, C)
 *   chr1:100 A>G   A 0/1  B 0/1        chr1:100 A>G  B 1/1  C 0/1   -> B's best call is hom_alt
 *   chr1:200 C>T   A 1/1  B 0/1        chr3:50  C>G  B 0/1  C 0/0   -> A not called (f1 lacks it)
 *   chr1:300 G>A   A 0/1  B 0/0  (QUAL 10)
 *   chr1:400 T>C   A ./.  B 1/1
 *   chr1:500 A>C,T A 1/2  B 0/2        -> 500:A:C  A het, B ref (implied); 500:A:T both het
 *   chr1:600 G>T   A 0/0  B 0/0        -> carried by neither: not counted
 *   chr1:700 C>G   A 1/1  B 1|1
 *   chr2:100 A>G   A 0/1  B ./.  (QUAL 10)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead } from '../src/store/query.js';
import { compareSamples } from '../src/store/compare-samples.js';
import { CAPABILITIES } from '../src/capabilities.js';
import { toolList } from '../src/agent/tools.js';
import { VcfError } from '../src/vcf/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-store-compare-'));
const DB = path.join(dir, 'ws');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const head = (samples: string[]): string => [
  '##fileformat=VCFv4.2',
  '##contig=<ID=chr1,length=10000>', '##contig=<ID=chr2,length=10000>', '##contig=<ID=chr3,length=10000>',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${samples.join('\t')}`,
].join('\n') + '\n';
const rec = (chrom: string, pos: number, ref: string, alt: string, qual: number, ...gts: string[]): string => `${chrom}\t${pos}\t.\t${ref}\t${alt}\t${qual}\tPASS\t.\tGT\t${gts.join('\t')}\n`;

const F1 = path.join(dir, 'f1.vcf');
const F2 = path.join(dir, 'f2.vcf');
fs.writeFileSync(F1, head(['A', 'B'])
  + rec('chr1', 100, 'A', 'G', 100, '0/1', '0/1')
  + rec('chr1', 200, 'C', 'T', 100, '1/1', '0/1')
  + rec('chr1', 300, 'G', 'A', 10, '0/1', '0/0')
  + rec('chr1', 400, 'T', 'C', 100, './.', '1/1')
  + rec('chr1', 500, 'A', 'C,T', 100, '1/2', '0/2')
  + rec('chr1', 600, 'G', 'T', 100, '0/0', '0/0')
  + rec('chr1', 700, 'C', 'G', 100, '1/1', '1|1')
  + rec('chr2', 100, 'A', 'G', 10, '0/1', './.'));
fs.writeFileSync(F2, head(['B', 'C'])
  + rec('chr1', 100, 'A', 'G', 100, '1/1', '0/1')
  + rec('chr3', 50, 'C', 'G', 100, '0/1', '0/0'));

let ingested = false;
async function store() {
  if (!ingested) {
    await ingestFiles([F1, F2], { db: DB, noGraph: true });
    ingested = true;
  }
  return openForRead(DB);
}

const zero = () => ({ ref: 0, het: 0, hom_alt: 0, missing: 0, not_called: 0 });

test('compareSamples: shared/private counts, genotype matrix and concordance by hand', async () => {
  const s = await store();
  try {
    const r = await compareSamples(s, 'A', 'B');
    assert.deepEqual([r.variants, r.shared, r.onlyA, r.onlyB], [9, 4, 3, 2]);
    const m = { ref: zero(), het: zero(), hom_alt: zero(), missing: zero(), not_called: zero() };
    m.het.hom_alt = 1; // chr1:100 (B hom_alt in f2 beats het in f1)
    m.hom_alt.het = 1; // chr1:200
    m.het.ref = 2; // chr1:300, chr1:500:A:C (implied reference)
    m.missing.hom_alt = 1; // chr1:400
    m.het.het = 1; // chr1:500:A:T
    m.hom_alt.hom_alt = 1; // chr1:700
    m.het.missing = 1; // chr2:100
    m.not_called.het = 1; // chr3:50 (A's file lacks it)
    assert.deepEqual(r.matrix, m);
    assert.deepEqual(r.concordance, { compared: 6, agree: 2, rate: 2 / 6 });
    assert.deepEqual([r.filesA, r.filesB], [[1], [1, 2]]);
    const byKey = Object.fromEntries(r.rows.map((x) => [x.key, `${x.status} ${x.a_class}/${x.b_class}`]));
    assert.deepEqual(byKey, {
      'chr1:100:A:G': 'shared het/hom_alt',
      'chr1:200:C:T': 'shared hom_alt/het',
      'chr1:300:G:A': 'only_a het/ref',
      'chr1:400:T:C': 'only_b missing/hom_alt',
      'chr1:500:A:C': 'only_a het/ref',
      'chr1:500:A:T': 'shared het/het',
      'chr1:700:C:G': 'shared hom_alt/hom_alt',
      'chr2:100:A:G': 'only_a het/missing',
      'chr3:50:C:G': 'only_b not_called/het',
    });
    assert.equal(r.rows.find((x) => x.key === 'chr1:500:A:C')!.a_gt, '1/0');
    // the other way round: A and B swap
    const back = await compareSamples(s, 'B', 'A');
    assert.deepEqual([back.shared, back.onlyA, back.onlyB], [4, 2, 3]);
    assert.equal(back.matrix.hom_alt.het, 1);
    assert.equal(back.matrix.het.not_called, 1);
    // B and C: C (only in f2) is hom-ref at chr3:50 and not called on the sites only f1 holds
    const bc = await compareSamples(s, 'B', 'C');
    assert.deepEqual([bc.variants, bc.shared, bc.onlyA, bc.onlyB], [6, 1, 5, 0]);
    const m2 = { ref: zero(), het: zero(), hom_alt: zero(), missing: zero(), not_called: zero() };
    m2.hom_alt.het = 1; // chr1:100
    m2.het.not_called = 2; // chr1:200, chr1:500:A:T
    m2.hom_alt.not_called = 2; // chr1:400, chr1:700
    m2.het.ref = 1; // chr3:50
    assert.deepEqual(bc.matrix, m2);
    assert.deepEqual(bc.concordance, { compared: 2, agree: 0, rate: 0 });
  } finally {
    s.close();
  }
});

test('compareSamples: region and include restrict the variants; unknown samples are usage errors', async () => {
  const s = await store();
  try {
    const reg = await compareSamples(s, 'A', 'B', { region: 'chr1:150-450' });
    assert.deepEqual([reg.variants, reg.shared, reg.onlyA, reg.onlyB], [3, 1, 1, 1]);
    const q = await compareSamples(s, 'A', 'B', { include: 'QUAL>=50' });
    assert.deepEqual([q.variants, q.shared, q.onlyA, q.onlyB], [7, 4, 1, 2]);
    const lim = await compareSamples(s, 'A', 'B', { limit: 2 });
    assert.deepEqual([lim.rows.length, lim.truncated, lim.variants], [2, true, 9]);
    await assert.rejects(compareSamples(s, 'A', 'nobody'), (e: unknown) => e instanceof VcfError && e.code === 'STORE_NO_SAMPLE');
    await assert.rejects(compareSamples(s, 'A', 'A'), (e: unknown) => e instanceof VcfError && e.code === 'USAGE');
  } finally {
    s.close();
  }
});

test('compare_samples: a capability (agent tool) and the CLI command give the same counts', async () => {
  (await store()).close();
  const cap = CAPABILITIES.find((c) => c.name === 'compare_samples');
  assert.ok(cap, 'capability registered');
  assert.ok(toolList().some((t) => t.name === 'compare_samples' && !t.write), 'offered as an agent tool');
  const res = await cap.run(cap.input.parse({ a: 'A', b: 'B', region: 'chr1' }), { db: DB });
  assert.equal(res.rowCount, 7);
  assert.deepEqual([res.facts.shared, res.facts.onlyA, res.facts.onlyB], [4, 2, 1]);
  const argv = cap.commands(cap.input.parse({ a: 'A', b: 'B', region: 'chr1' }), { db: DB })[0];
  assert.deepEqual(argv, ['compare-samples', 'A', 'B', '--db', DB, '-r', 'chr1']);
  const r = await runCli(argv);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.variants, j.shared, j.onlyA, j.onlyB], [7, 4, 2, 1]);
  const bad = await runCli(['compare-samples', 'A', 'nobody', '--db', DB]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vcf-agent: .*no sample "nobody".*\[STORE_NO_SAMPLE\]\n$/);
});

test('queryVariants pages with offset and counts every match (total), with and without an expression or sample', async () => {
  const { queryVariants } = await import('../src/store/query.js');
  const s = await store();
  try {
    const all = (await queryVariants(s, {})).rows.map((r) => r.key);
    assert.equal(all.length, 11); // 8 records of f1 (one split in two) + 2 of f2
    const keys = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.key);
    const p = await queryVariants(s, { offset: 2, limit: 3, count: true });
    assert.deepEqual(keys(p.rows), all.slice(2, 5));
    assert.equal(p.total, 11);
    assert.equal((await queryVariants(s, { limit: 3 })).total, undefined, 'no count asked, scan cut short');
    assert.equal((await queryVariants(s, { offset: 4 })).total, 11, 'a full scan knows its total');
    assert.deepEqual(keys((await queryVariants(s, { offset: 20, count: true })).rows), []);
    for (const q of [{ include: 'QUAL>=50' }, { exclude: 'QUAL<50' }]) {
      const full = keys((await queryVariants(s, q)).rows);
      assert.equal(full.length, 9, JSON.stringify(q)); // chr1:300 and chr2:100 have QUAL 10
      const pg = await queryVariants(s, { ...q, offset: 1, limit: 2, count: true });
      assert.deepEqual(keys(pg.rows), full.slice(1, 3));
      assert.equal(pg.total, 9);
    }
    const b = keys((await queryVariants(s, { sample: 'B' })).rows);
    assert.equal(b.length, 7); // B's non-reference calls: 5 in f1, 2 in f2
    const bp = await queryVariants(s, { sample: 'B', offset: 3, limit: 2, count: true });
    assert.deepEqual(keys(bp.rows), b.slice(3, 5));
    assert.equal(bp.total, 7);
    await assert.rejects(queryVariants(s, { offset: -1 }), (e: unknown) => e instanceof VcfError && e.kind === 'usage');
  } finally {
    s.close();
  }
  // the capability: rowCount is the full count, rows one page; its command line lists every row
  const cap = CAPABILITIES.find((c) => c.name === 'query_variants')!;
  const input = cap.input.parse({ include: 'QUAL>=50', offset: 2, limit: 3 });
  const res = await cap.run(input, { db: DB });
  assert.equal(res.rowCount, 9);
  assert.equal(res.rows.length, 3);
  const argv = cap.commands(input, { db: DB })[0];
  const r = await runCli(argv);
  assert.equal(r.code, 0, r.stderr);
  const cliKeys = r.stdout.trim().split('\n').map((l) => JSON.parse(l).key);
  assert.equal(cliKeys.length, res.rowCount);
  assert.deepEqual(cliKeys.slice(2, 5), res.rows.map((x) => x.key));
  const paged = await runCli(['variants', '--db', DB, '-i', 'QUAL>=50', '--offset', '2', '--limit', '3', '--format', 'json']);
  assert.deepEqual(paged.stdout.trim().split('\n').map((l) => JSON.parse(l).key), res.rows.map((x) => x.key));
});
