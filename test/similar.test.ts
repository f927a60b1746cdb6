/**
 * Similar-variant search end to end (issue 7): ingest computes the vectors table (embed phase),
 * `similar` finds the variant itself first, results are deterministic, prefilters hold, vectors of
 * an interrupted ingest stay invisible, carrier neighbours share carriers, and the recompute rule
 * (a key's cohort AF and carriers over all files) gives the same vectors as one combined file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as lancedb from '@lancedb/lancedb';
import { ROOT, SKIP_BCFTOOLS } from './helpers/shared.js';
import { BIN, runCli, sh } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { carriers, openForRead, queryVariants, shareReadHandles } from '../src/store/query.js';
import { resolveWorkspace } from '../src/store/workspace.js';
import { prewarmSimilar, similarModelStatus, similarVariants, type SimilarQuery } from '../src/embed/similar.js';
import { vectorBytes } from '../src/embed/features.js';

const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');
const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-similar-'));
const DB = path.join(tmpRoot, 'ws');
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

let missense = '';

before(async () => {
  await ingestFiles([COHORT], { db: DB, noGraph: true });
  const store = await openForRead(DB);
  try {
    const r = await queryVariants(store, { include: 'INFO/ANN~"missense_variant"' });
    assert.ok(r.rows.length > 5);
    missense = r.rows.find((x) => x.gene === 'MTHFR')?.key as string ?? (r.rows[0].key as string);
  } finally {
    store.close();
  }
});

async function withStore<T>(db: string, f: (s: Awaited<ReturnType<typeof openForRead>>) => Promise<T>): Promise<T> {
  const s = await openForRead(db);
  try { return await f(s); } finally { s.close(); }
}

/** key → fvec bytes (hex) of the vectors table, all rows */
async function vectorRows(db: string): Promise<Array<{ key: string; file_id: number; fvec: string }>> {
  const conn = await lancedb.connect(resolveWorkspace(db).lanceDir);
  const t = await conn.openTable('vectors');
  const rows = await t.query().select(['key', 'file_id', 'fvec']).toArray();
  t.close();
  conn.close();
  return rows.map((r) => ({ key: r.key as string, file_id: Number(r.file_id), fvec: Buffer.from(vectorBytes(Float32Array.from(r.fvec.toArray() as Float32Array))).toString('hex') }));
}

test('ingest writes one vector row per distinct key; similar returns the variant itself first at distance 0', async () => {
  const rows = await vectorRows(DB);
  const keys = await withStore(DB, async (s) => new Set((await queryVariants(s, {})).rows.map((r) => r.key as string)));
  assert.equal(rows.length, keys.size);
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
  const r = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 10 }));
  assert.equal(r.hits.length, 10);
  assert.equal(r.hits[0].key, missense);
  assert.ok(r.hits[0].distance < 1e-5, `self distance ${r.hits[0].distance}`);
  for (let i = 1; i < r.hits.length; i++) assert.ok(r.hits[i].distance >= r.hits[i - 1].distance, 'nearest first');
  // feature search: the nearest others share the gene and consequence with the query
  assert.ok(r.hits[1].why.includes('same gene') || r.hits[1].why.includes('same consequence'), r.hits[1].why);
});

test('results are deterministic: two CLI runs print the same bytes; a second ingest gives byte-identical vectors', async () => {
  const a = await runCli(['similar', missense, '--db', DB, '-k', '15']);
  const b = await runCli(['similar', missense, '--db', DB, '-k', '15']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length, 15);
  assert.ok(a.stdout.split('\n')[2].startsWith(`${missense}\t0.0000\t`), a.stdout);
  const db2 = path.join(tmpRoot, 'ws-again');
  await ingestFiles([COHORT], { db: db2, noGraph: true });
  const sort = (x: Array<{ key: string; fvec: string }>) => x.map((r) => `${r.key} ${r.fvec}`).sort();
  assert.deepEqual(sort(await vectorRows(db2)), sort(await vectorRows(DB)));
});

test('prefilters: region, gene and a bcftools expression hold for every hit', async () => {
  const chrom = missense.split(':')[0];
  const reg = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 20, region: `${chrom}:1-20000000` }));
  assert.ok(reg.hits.length > 0);
  for (const h of reg.hits) assert.ok(h.chrom === chrom && h.pos <= 20_000_000, h.key);
  const gene = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 20, gene: 'BRCA1' }));
  assert.ok(gene.hits.length > 0);
  assert.ok(!gene.hits.some((h) => h.key === missense));
  for (const h of gene.hits) assert.equal(h.gene, 'BRCA1', h.key);
  const expr = 'QUAL>1000 && TYPE="snp"';
  const passing = await withStore(DB, async (s) => new Set((await queryVariants(s, { include: expr })).rows.map((r) => r.key as string)));
  const ex = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 30, include: expr }));
  assert.equal(ex.hits.length, 30);
  for (const h of ex.hits) assert.ok(passing.has(h.key), h.key);
  // the unfiltered neighbours include some that fail the expression: the filter did something
  const all = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 30 }));
  assert.ok(all.hits.some((h) => !passing.has(h.key)));
});

test('--by carriers: neighbours share carriers with the query, far more than variants at random', async () => {
  const r = await withStore(DB, (s) => similarVariants(s, { variant: missense, k: 10, by: 'carriers' }));
  const carrierSet = async (key: string) => withStore(DB, async (s) => new Set((await carriers(s, key)).map((c) => c.sample as string)));
  const q = await carrierSet(missense);
  assert.ok(q.size > 0);
  assert.equal(r.hits[0].key, missense);
  const jac = (a: Set<string>, b: Set<string>): number => [...a].filter((x) => b.has(x)).length / new Set([...a, ...b]).size;
  let sum = 0;
  for (const h of r.hits.slice(1)) {
    const c = await carrierSet(h.key);
    assert.ok([...c].some((x) => q.has(x)), `${h.key} shares no carrier with ${missense}`);
    sum += jac(q, c);
  }
  const meanHits = sum / (r.hits.length - 1);
  // baseline: every stored variant with carriers
  const baseline = await withStore(DB, async (s) => {
    const rows = await s.tables.genotypes.query().where("zygosity != 'missing'").select(['key', 'sample']).toArray();
    const by = new Map<string, Set<string>>();
    for (const x of rows) { let z = by.get(x.key); if (!z) by.set(x.key, (z = new Set())); z.add(x.sample); }
    let t = 0;
    for (const c of by.values()) t += jac(q, c);
    return t / by.size;
  });
  assert.ok(meanHits > 2 * baseline, `mean Jaccard of hits ${meanHits.toFixed(3)} vs all variants ${baseline.toFixed(3)}`);
});

test('usage errors: unknown variant, --by text without --text, bad --by are one line with exit 2', async () => {
  const a = await runCli(['similar', 'chr1:1:A:C', '--db', DB]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /no stored variant chr1:1:A:C/);
  const b = await runCli(['similar', missense, '--by', 'text', '--db', DB]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--by text needs --text/);
  const c = await runCli(['similar', missense, '--by', 'nonsense', '--db', DB]);
  assert.equal(c.code, 2);
  for (const x of [a, b, c]) assert.equal(x.stderr.trim().split('\n').length, 1, x.stderr);
});

/** run `ingest` and SIGKILL it when it reports having paused in `phase` */
function ingestKilled(db: string, file: string, phase: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, VCF_AGENT_TEST_PAUSE_PHASE: phase };
    const p = spawn(process.execPath, [BIN, 'ingest', '--db', db, '--quiet', '--no-graph', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes(`paused in phase ${phase} `)) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('close', () => resolve(stderr));
  });
}

test('crash safety: vectors of an ingest killed in the embed phase are invisible, and removed by the next ingest', async () => {
  const db = path.join(tmpRoot, 'ws-kill');
  await ingestFiles([COHORT], { db, noGraph: true });
  const before = await withStore(db, (s) => similarVariants(s, { variant: missense, k: 50 }));
  const stderr = await ingestKilled(db, TRIO, 'embed');
  assert.match(stderr, /paused in phase embed/);
  const written = (await vectorRows(db)).filter((r) => r.file_id === 2);
  assert.ok(written.length > 1000, `the killed ingest wrote ${written.length} vector rows`);
  const trioKey = written[0].key;
  const afterKill = await withStore(db, (s) => similarVariants(s, { variant: missense, k: 50 }));
  // the same hits; the killed ingest's rows are filtered out before the search (no visibility filter is needed before them)
  assert.deepEqual({ ...afterKill, where: undefined }, { ...before, where: undefined });
  assert.equal(before.where, '');
  assert.match(afterKill.where, /file_id <= 1/);
  await assert.rejects(withStore(db, (s) => similarVariants(s, { variant: trioKey })), /no stored variant/);
  // the next ingest removes the leftovers and commits its own rows, one per key
  await ingestFiles([TRIO], { db, noGraph: true });
  const rows = await vectorRows(db);
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
  const found = await withStore(db, (s) => similarVariants(s, { variant: trioKey, k: 3 }));
  assert.equal(found.hits[0].key, trioKey);
});

test('recompute rule: a cohort split by samples into two files, ingested one after the other, gives the vectors of the whole cohort', { skip: SKIP_BCFTOOLS }, async () => {
  const samples = sh(`bcftools query -l ${COHORT}`).stdout.trim().split('\n');
  const half = Math.floor(samples.length / 2);
  const a = path.join(tmpRoot, 'a.vcf.gz'), b = path.join(tmpRoot, 'b.vcf.gz');
  assert.equal(sh(`bcftools view -s ${samples.slice(0, half).join(',')} -Oz -o ${a} ${COHORT}`).code, 0);
  assert.equal(sh(`bcftools view -s ${samples.slice(half).join(',')} -Oz -o ${b} ${COHORT}`).code, 0);
  const db = path.join(tmpRoot, 'ws-split');
  await ingestFiles([a], { db, noGraph: true });
  const firstOnly = new Map((await vectorRows(db)).map((r) => [r.key, r.fvec]));
  await ingestFiles([b], { db, noGraph: true });
  const rows = await vectorRows(db);
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'superseded rows pruned: one row per key');
  assert.ok(rows.every((r) => r.file_id === 2));
  const whole = new Map((await vectorRows(DB)).map((r) => [r.key, r.fvec]));
  assert.equal(rows.length, whole.size);
  let changed = 0;
  for (const r of rows) {
    assert.equal(r.fvec, whole.get(r.key), r.key);
    if (firstOnly.get(r.key) !== r.fvec) changed++;
  }
  assert.ok(changed > rows.length / 2, `vectors recomputed with the second file's carriers (${changed} changed)`);
});

test("the server's in-memory vectors (vector-model.ts) give the same answers as LanceDB: one file and two, every query form", async () => {
  const db = path.join(tmpRoot, 'ws-two');
  await ingestFiles([COHORT], { db, noGraph: true });
  const one = path.join(tmpRoot, 'ws-one');
  await ingestFiles([COHORT], { db: one, noGraph: true });
  await ingestFiles([TRIO], { db, noGraph: true });
  const trioKey = (await vectorRows(db)).find((r) => r.file_id === 2)!.key;
  const [chrom, pos] = missense.split(':');
  const queries: SimilarQuery[] = [
    { variant: missense, k: 10 }, { variant: missense, k: 3 }, { variant: missense, k: 40 }, { variant: `${chrom}:${pos}`, k: 5 },
    { variant: missense, k: 8, by: 'carriers' }, { variant: missense, k: 10, region: chrom }, { variant: missense, k: 10, gene: 'MTHFR' },
    { variant: missense, k: 10, include: 'QUAL>20' }, { variant: trioKey, k: 12 },
  ];
  for (const dir of [one, db]) {
    const direct = [];
    for (const q of queries) direct.push(q.variant === trioKey && dir === one ? null : await withStore(dir, (s) => similarVariants(s, q)));
    const unshare = shareReadHandles();
    try {
      const s = await openForRead(dir);
      assert.equal(similarModelStatus(s), 'none');
      await prewarmSimilar(s);
      assert.equal(similarModelStatus(s), 'ready', 'the prewarm loads the vectors');
      for (let i = 0; i < queries.length; i++) {
        if (!direct[i]) continue;
        assert.deepEqual(await similarVariants(s, queries[i]), direct[i], `${dir} ${JSON.stringify(queries[i])}`);
      }
      await assert.rejects(similarVariants(s, { variant: `${chrom}:1:A:C` }), /no stored variant/);
    } finally {
      await unshare();
    }
  }
});
