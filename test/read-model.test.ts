/**
 * The server's in-memory read model (src/store/read-model.ts) answers variant queries (region,
 * gene, sample, paging, counts, -i/-e on a region's or gene's rows) and carriers exactly as the
 * LanceDB path does, and is not used once
 * a commit changes the visible files (the next query sees the new file's rows).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import { ingestFiles } from '../src/store/ingest.js';
import { carriers, openForRead, queryVariants, readModelStatus, shareReadHandles, type VariantQuery } from '../src/store/query.js';
import { readModelSettled } from '../src/store/read-model.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-read-model-'));
const DB = path.join(tmpRoot, 'ws');
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/**
 * run with the model on or off (the env switch is read on every query); afterwards the switch is
 * unset (the default), also when calls overlap (restoring a saved value would leak a sibling's)
 */
async function withModel<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  process.env.VCF_AGENT_READ_MODEL = on ? '1' : '0';
  try { return await fn(); } finally { delete process.env.VCF_AGENT_READ_MODEL; }
}

test('read model: same rows, order, counts and carriers as LanceDB; dropped when a commit changes what is visible', async () => {
  await ingestFiles([TRIO], { db: DB, noGraph: true });
  const unshare = shareReadHandles();
  try {
    const store = await openForRead(DB);
    const all = await withModel(false, () => queryVariants(store, { count: true }));
    assert.ok(all.rows.length > 20, 'the example trio has variants');
    await withModel(true, () => queryVariants(store, { limit: 1 })); // starts the build
    assert.equal(await readModelSettled(store), true, 'the model was built');

    const sampleNames = [...new Set((await withModel(false, () => Promise.all(all.rows.slice(0, 50).map((r) => carriers(store, r.key as string))))).flat().map((c) => c.sample as string))];
    assert.ok(sampleNames.length >= 1);
    const genes = [...new Set(all.rows.flatMap((r) => (r.genes as string[]) ?? []))].slice(0, 15);
    const qs: VariantQuery[] = [{ count: true }, { limit: 5, offset: 3 }, { limit: 5, offset: 3, count: true }, { region: 'chrNone', count: true }, { sample: 'no-such-sample', count: true }];
    for (const [i, r] of all.rows.entries()) {
      if (i % 3 !== 0) continue;
      const pos = r.pos as number;
      qs.push({ region: `${r.chrom}:${pos}-${pos}` });
      qs.push({ region: `${r.chrom}:${Math.max(1, pos - 5000)}-${pos + 20000}`, limit: 4, count: true });
      qs.push({ region: `${r.chrom}:${pos}`, limit: 2, offset: 1 });
      qs.push({ region: String(r.chrom), limit: 3, offset: i % 7, count: true });
      qs.push({ sample: sampleNames[i % sampleNames.length], region: `${r.chrom}:${Math.max(1, pos - 50000)}-${pos + 50000}`, limit: 6, count: true });
    }
    for (const g of genes) qs.push({ gene: g, limit: 3, count: true }, { gene: g, sample: sampleNames[0], count: true }, { gene: g, region: String(all.rows[0].chrom), offset: 1, limit: 2 });
    // -i/-e on the rows a region or gene selects (rebuilt split records, as on the LanceDB path)
    const exprs = ['QUAL>50', 'INFO/DP>30', 'INFO/AF<0.6', 'TYPE="snp" && QUAL>40', 'GT="alt"', 'FMT/DP>20', 'ALT="A" || INFO/DP<10'];
    for (const [i, r] of all.rows.entries()) {
      if (i % 13 !== 0) continue;
      const pos = r.pos as number;
      const e = exprs[(i / 13) % exprs.length];
      qs.push({ region: `${r.chrom}:${Math.max(1, pos - 50000)}-${pos + 50000}`, include: e, limit: 3, count: true });
      qs.push({ region: `${r.chrom}:${Math.max(1, pos - 50000)}-${pos + 50000}`, exclude: e, limit: 2, offset: 1 });
      qs.push({ region: String(r.chrom), include: e, limit: 2 });
    }
    for (const g of genes) qs.push({ gene: g, include: 'QUAL>30', count: true }, { gene: g, exclude: 'INFO/DP>25', limit: 1 });
    for (const s of sampleNames) qs.push({ sample: s, count: true }, { sample: s, limit: 4, offset: 2, count: true }, { sample: s, fileId: 1, limit: 3 });
    let compared = 0;
    for (const q of qs) {
      const m = await withModel(true, () => queryVariants(store, q));
      const l = await withModel(false, () => queryVariants(store, q));
      assert.deepEqual({ rows: m.rows, total: m.total, columns: m.columns }, { rows: l.rows, total: l.total, columns: l.columns }, JSON.stringify(q));
      compared++;
    }
    assert.ok(compared > 50);
    const keys = [...new Set(all.rows.map((r) => r.key as string))];
    for (const k of [...keys, 'chr1:1:A:C']) {
      assert.deepEqual(await withModel(true, () => carriers(store, k)), await withModel(false, () => carriers(store, k)), k);
    }

    // a second file commits: the next query must see its rows (the old model is not used)
    const before = (await withModel(true, () => queryVariants(store, { count: true }))).total;
    await ingestFiles([COHORT], { db: DB, noGraph: true });
    const afterIngest = await withModel(true, () => queryVariants(store, { count: true }));
    const truth = await withModel(false, () => queryVariants(store, { count: true }));
    assert.ok((truth.total ?? 0) > (before ?? 0), 'the cohort adds rows');
    assert.equal(afterIngest.total, truth.total);
    assert.equal(await readModelSettled(store), true);
    const chrom = String(all.rows[0].chrom);
    for (const q of [{ limit: 10, offset: 5, count: true }, { sample: sampleNames[0], limit: 10, offset: 5, count: true }, { fileId: 2, limit: 5, count: true },
      { region: chrom, include: 'QUAL>30', limit: 10, offset: 2, count: true }, { region: chrom, include: 'INFO/DP>20 && GT="alt"', count: true }, { region: chrom, exclude: 'FMT/GQ>30', fileId: 2, limit: 4 }]) {
      const m = await withModel(true, () => queryVariants(store, q));
      const l = await withModel(false, () => queryVariants(store, q));
      assert.deepEqual({ rows: m.rows, total: m.total }, { rows: l.rows, total: l.total }, JSON.stringify(q));
    }
  } finally {
    await unshare();
  }
});

test('read model: a store over VCF_AGENT_READ_MODEL_MAX_ROWS is not held in memory; LanceDB answers', async () => {
  const db = path.join(tmpRoot, 'ws-cap');
  await ingestFiles([TRIO], { db, noGraph: true });
  const old = process.env.VCF_AGENT_READ_MODEL_MAX_ROWS;
  process.env.VCF_AGENT_READ_MODEL_MAX_ROWS = '5';
  const unshare = shareReadHandles();
  try {
    const store = await openForRead(db);
    const truth = await withModel(false, () => queryVariants(store, { limit: 7, offset: 2, count: true }));
    assert.ok((truth.total ?? 0) > 5, 'the trio has more rows than the cap');
    const first = await withModel(true, () => queryVariants(store, { limit: 7, offset: 2, count: true }));
    assert.equal(await readModelSettled(store), false, 'no model over the cap');
    assert.equal(await readModelStatus(db), 'too-large');
    const again = await withModel(true, () => queryVariants(store, { limit: 7, offset: 2, count: true }));
    assert.deepEqual({ rows: first.rows, total: first.total }, { rows: truth.rows, total: truth.total });
    assert.deepEqual({ rows: again.rows, total: again.total }, { rows: truth.rows, total: truth.total });
  } finally {
    await unshare();
    if (old === undefined) delete process.env.VCF_AGENT_READ_MODEL_MAX_ROWS; else process.env.VCF_AGENT_READ_MODEL_MAX_ROWS = old;
  }
});
