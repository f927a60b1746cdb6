/**
 * Issue 6: ingest builds no ANN index (db info says so), `db optimize` compacts the tables and
 * builds the ANN indexes, `ingest --ann-index` builds them at the end of the ingest; results of
 * `similar` are the same with and without the index for an exact-tie-free query set; the server's
 * prewarm finds the index once it exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers/cli.js';
import { openForRead } from '../src/store/query.js';
import { prewarmSimilar } from '../src/embed/similar.js';

/** prewarmSimilar on a fresh handle of `db` (what the server does at start) */
async function prewarm(db: string): Promise<boolean> {
  const store = await openForRead(db);
  try { return await prewarmSimilar(store); } finally { store.close(); }
}

/** a synthetic single-sample VCF of n SNVs (enough rows for an ANN index: at least 256) */
function writeVcf(file: string, n: number): void {
  const lines = ['##fileformat=VCFv4.2', '##contig=<ID=chr1,length=100000000>', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2'];
  const bases = ['A', 'C', 'G', 'T'];
  for (let i = 0; i < n; i++) {
    const ref = bases[i % 4], alt = bases[(i + 1 + (i >> 2) % 3) % 4];
    lines.push(`chr1\t${1000 + i * 97}\t.\t${ref}\t${alt}\t50\tPASS\t.\tGT\t${i % 3 === 0 ? '0/1' : '1/1'}\t${i % 5 === 0 ? '0/0' : '0/1'}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

test('ingest builds no ANN index; db optimize builds it; ingest --ann-index builds it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-optimize-'));
  try {
    const vcf = path.join(dir, 'a.vcf');
    writeVcf(vcf, 600);
    const db = path.join(dir, 'ws');
    const ing = await runCli(['ingest', '--quiet', '--db', db, vcf]);
    assert.equal(ing.code, 0, ing.stderr);
    const info0 = JSON.parse((await runCli(['db', 'info', '--db', db])).stdout);
    assert.equal(info0.annIndex.rows, 600);
    assert.deepEqual(info0.annIndex.columns.map((c: { indexed: boolean }) => c.indexed), [false, false]);
    assert.match(info0.annIndex.summary, /^none: exact search over 600 rows/);
    const before = await runCli(['similar', '--db', db, 'chr1:1000:A:C', '-k', '5']);
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /\(exact search\)/);
    assert.equal(await prewarm(db), false, 'no ANN index to prewarm');

    const opt = await runCli(['db', 'optimize', '--db', db, '--ann-min-rows', '1']);
    assert.equal(opt.code, 0, opt.stderr);
    assert.match(opt.stdout, /compacted variants: \d+ fragments into \d+/);
    assert.match(opt.stdout, /ann fvec: built \(ivf_hnsw_sq over 600 rows\)/);
    assert.match(opt.stdout, /ann index: covers all 600 rows/);
    const info1 = JSON.parse((await runCli(['db', 'info', '--db', db])).stdout);
    assert.deepEqual(info1.annIndex.columns.map((c: { indexed: boolean; unindexedRows?: number }) => [c.indexed, c.unindexedRows]), [[true, 0], [true, 0]]);
    assert.equal(info1.rows.variants, 600, 'compaction keeps every row');
    const after = await runCli(['similar', '--db', db, 'chr1:1000:A:C', '-k', '5']);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /\(ANN index\)/);
    assert.equal(await prewarm(db), true, 'the fvec index is loaded');
    // a second run keeps the existing index
    const again = await runCli(['db', 'optimize', '--db', db, '--ann-min-rows', '1', '--no-compact']);
    assert.match(again.stdout, /ann fvec: not built \(index exists\)/);

    const db2 = path.join(dir, 'ws2');
    const ing2 = await runCli(['ingest', '--quiet', '--ann-index', '--db', db2, vcf], { env: { VCF_AGENT_VECTOR_INDEX_MIN_ROWS: '1' } });
    assert.equal(ing2.code, 0, ing2.stderr);
    const info2 = JSON.parse((await runCli(['db', 'info', '--db', db2])).stdout);
    assert.equal(info2.annIndex.summary, 'covers all 600 rows');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('db optimize on a directory without a store fails clearly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-optimize-'));
  try {
    const r = await runCli(['db', 'optimize', '--db', path.join(dir, 'none')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no store here/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
