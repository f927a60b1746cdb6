/**
 * Vector search over LanceDB (issue 7): no index below the row threshold (exact plan), an ANN index
 * above it (the plan shows it), SQL prefilter before the search, recall@10 by distance against
 * brute force on a small synthetic table of feature vectors in a temp dir.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { FEATURE_DIM, featureVector, type VariantDescriptor } from '../src/embed/features.js';
import { ensureVectorIndex, planUsesIndex, recallAtK, searchPlan, vectorSearch, vectorType } from '../src/embed/search.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-embed-search-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CSQ = ['missense_variant', 'synonymous_variant', 'intron_variant', 'stop_gained', 'frameshift_variant', 'upstream_gene_variant', '3_prime_UTR_variant', 'splice_region_variant'];

/** a synthetic cohort: 150 genes on 22 chromosomes, mixed consequences, AF and carriers (fixed LCG) */
function rows(n: number): Array<{ vid: number; gene: string; chrom: string; pos: number; fvec: number[] }> {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  return Array.from({ length: n }, (_, i) => {
    const g = Math.floor(rnd() * 150);
    const d: VariantDescriptor = {
      chrom: String(1 + (g % 22)), pos: 1e6 + g * 1e5 + Math.floor(rnd() * 5e4), ref: 'ACGT'[i % 4], alt: 'ACGT'[(i + 1 + (i >> 2)) % 4] === 'ACGT'[i % 4] ? 'ACGT'[(i + 2) % 4] : 'ACGT'[(i + 1 + (i >> 2)) % 4],
      consequence: CSQ[Math.floor(rnd() * CSQ.length)], gene: `G${g}`, af: rnd() * 0.2,
      carriers: Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => Math.floor(rnd() * 100)),
    };
    return { vid: i, gene: d.gene!, chrom: d.chrom, pos: d.pos, fvec: Array.from(featureVector(d)) };
  });
}

test('ANN index above the threshold, prefilter, recall@10 against brute force', async (t) => {
  const data = rows(4000);
  const db = await lancedb.connect(path.join(tmp, 'db'));
  const schema = new Schema([new Field('vid', new Int32(), false), new Field('gene', new Utf8(), false), new Field('chrom', new Utf8(), false), new Field('pos', new Int32(), false), new Field('fvec', vectorType(FEATURE_DIM), false)]);
  const table = await db.createTable('variants', data, { schema });
  const q = data[17].fvec;

  // below the threshold: nothing built, exact plan
  const none = await ensureVectorIndex(table, { column: 'fvec', minRows: 10_000 });
  assert.equal(none.built, false);
  assert.equal(planUsesIndex(await searchPlan(table, q, { column: 'fvec' })), false);

  const built = await ensureVectorIndex(table, { column: 'fvec', minRows: 1000 });
  assert.equal(built.built, true, built.reason);
  assert.equal((await ensureVectorIndex(table, { column: 'fvec', minRows: 1000 })).built, false, 'kept when present');
  const plan = await searchPlan(table, q, { column: 'fvec', where: "chrom = '5'" });
  assert.ok(planUsesIndex(plan), plan);
  assert.ok(!planUsesIndex(await searchPlan(table, q, { column: 'fvec', exact: true })));

  // the query row finds itself first
  const self = await vectorSearch(table, q, { column: 'fvec', k: 10, select: ['vid', 'gene'] });
  assert.equal(self[0].vid, 17);
  assert.ok(self[0]._distance < 1e-5);
  assert.ok(self.every((r, i) => i === 0 || r._distance >= self[i - 1]._distance), 'nearest first');

  // prefilter: every row matches and k rows come back
  const gene = data[17].gene;
  const matching = data.filter((r) => r.gene === gene).length;
  const filtered = await vectorSearch(table, data[3].fvec, { column: 'fvec', k: 10, where: `gene = '${gene}'`, select: ['vid', 'gene'] });
  assert.equal(filtered.length, Math.min(10, matching));
  assert.ok(filtered.every((r) => r.gene === gene));

  // recall@10 by distance over 30 queries, with and without a prefilter
  let recall = 0, recallF = 0;
  const queries = Array.from({ length: 30 }, (_, i) => data[(i * 131) % data.length]);
  for (const r of queries) {
    const ann = await vectorSearch(table, r.fvec, { column: 'fvec', k: 10, select: ['vid'] });
    const ex = await vectorSearch(table, r.fvec, { column: 'fvec', k: 10, select: ['vid'], exact: true });
    recall += recallAtK(ann.map((x) => x._distance), ex.map((x) => x._distance), 10);
    const where = `chrom = '${r.chrom}'`;
    const annF = await vectorSearch(table, r.fvec, { column: 'fvec', k: 10, select: ['vid'], where });
    const exF = await vectorSearch(table, r.fvec, { column: 'fvec', k: 10, select: ['vid'], where, exact: true });
    recallF += recallAtK(annF.map((x) => x._distance), exF.map((x) => x._distance), 10);
  }
  recall /= queries.length;
  recallF /= queries.length;
  t.diagnostic(`recall@10 ${recall.toFixed(3)}, with prefilter ${recallF.toFixed(3)} (30 queries, 4,000 rows, ${built.reason})`);
  assert.ok(recall >= 0.9, `recall@10 ${recall}`);
  assert.ok(recallF >= 0.9, `recall@10 with prefilter ${recallF}`);
  table.close();
  db.close();
});

test('recall counted by distance: ties at the k-th distance are not misses', () => {
  assert.equal(recallAtK([0, 0.1, 0.2], [0, 0.1, 0.2], 3), 1);
  assert.equal(recallAtK([0, 0.1, 0.2], [0, 0.1, 0.2 - 1e-7], 3), 1, 'tie within eps');
  assert.equal(recallAtK([0, 0.1, 0.5], [0, 0.1, 0.2], 3), 2 / 3);
  assert.equal(recallAtK([], [], 10), 1);
  assert.equal(recallAtK([0.3], [0.3], 10), 1, 'fewer rows than k');
});
