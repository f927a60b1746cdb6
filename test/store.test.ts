/**
 * The store (issue 6): ingest into LanceDB + graph, counts against bcftools, re-ingest no-op,
 * queries against bcftools, graph = LanceDB, read-only Cypher, rebuild, lock, recovery after SIGKILL.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, SKIP_BCFTOOLS, fixture } from './helpers/shared.js';
import { runCli, sh } from './helpers/cli.js';
import { ingestFiles, intOrNull, rebuildGraph, sampleInt, splitGt, splitGtAny } from '../src/store/ingest.js';
import { VcfHeader } from '../src/vcf/header.js';
import { VcfRecord } from '../src/vcf/record.js';
import { carriers, dbInfo, graphQuery, openForRead, queryVariants } from '../src/store/query.js';
import { checkReadOnlyCypher } from '../src/store/graph.js';
import { acquireWriterLock, resolveWorkspace } from '../src/store/workspace.js';
import { VcfError } from '../src/vcf/errors.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-store-'));
const DB = path.join(tmpRoot, 'ws');
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function bcf(cmd: string): string {
  const r = sh(cmd);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
const count = (cmd: string): number => Number(bcf(`${cmd} | wc -l`).trim());
/** independent counts from bcftools: split rows, stored calls (allele 1 or missing), carriers */
function expected(file: string) {
  const split = `bcftools norm -m -any ${file} 2>/dev/null`;
  return {
    records: count(`bcftools view -H ${file}`),
    variants: count(`${split} | bcftools view -H`),
    genotypes: count(`${split} | bcftools query -f '[%GT\\n]' | grep '[1.]'`),
    carries: count(`${split} | bcftools query -f '[%GT\\n]' | grep 1`),
    keys: count(`${split} | bcftools query -f '%CHROM:%POS:%REF:%ALT\\n' | sort -u`),
  };
}

let first: Awaited<ReturnType<typeof ingestFiles>>;
before(async () => {
  if (SKIP_BCFTOOLS) return;
  first = await ingestFiles([TRIO, COHORT], { db: DB });
});

test('splitGt: the one-character fast path equals the general rule on every GT of up to three alleles', () => {
  const alleles = ['0', '1', '2', '3', '9', '.', '10', '12', 'a', ''];
  const seps = ['/', '|', ':'];
  const gts = new Set<string>(['', '/', '0/', '/1', '0//1']);
  for (const a of alleles) {
    gts.add(a);
    for (const s1 of seps) for (const b of alleles) {
      gts.add(a + s1 + b);
      for (const s2 of seps) for (const c of alleles) gts.add(a + s1 + b + s2 + c);
    }
  }
  let fast = 0;
  for (const gt of gts) {
    for (const k of [1, 2, 3, 9, 10, 12]) {
      assert.deepEqual(splitGt(gt, k), splitGtAny(gt, k), `GT "${gt}", ALT ${k}`);
      if (/^[0-9.]([/|][0-9.])*$/.test(gt)) fast++;
    }
  }
  assert.ok(fast > 1000, 'the fast path is exercised');
});

test('sampleInt reads a FORMAT integer from the bytes as intOrNull reads it from the split text', () => {
  const h = VcfHeader.parse(['##fileformat=VCFv4.2', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC']);
  const values = ['5', '0', '-0', '-17', '007', '', '.', '123456789', '1234567890', '99999999999', '2147483648', '-2147483647', '1e3', '+5', ' 5', '5 ', '0x10', '3.0', '3.5', 'é', '5\u00a0', 'NaN', '-'];
  let n = 0;
  for (const dp of values) for (const gq of ['12', '.', '-3', '1e2']) {
    const cols = [`0/1:${dp}:${gq}`, `1/1:${dp}`, '.'];
    const line = Buffer.from(`1\t10\t.\tA\tC\t.\t.\t.\tGT:DP:GQ\t${cols.join('\t')}`);
    const rec = new VcfRecord(line, 0, line.length, 1, h, 't.vcf');
    for (let i = 0; i < 4; i++) for (const idx of [0, 1, 2, 3]) {
      const want = intOrNull(rec.sampleStart(i) < 0 ? undefined : rec.sampleFields(i)[idx]);
      assert.equal(Object.is(sampleInt(rec, i, idx), want), true, `sample ${i} field ${idx} of ${JSON.stringify(cols)}: ${sampleInt(rec, i, idx)} vs ${want}`);
      n++;
    }
  }
  assert.ok(n > 1000);
});

test('ingest counts equal bcftools norm -m -any counts', { skip: SKIP_BCFTOOLS }, async () => {
  for (const [i, f] of [TRIO, COHORT].entries()) {
    const e = expected(f);
    const r = first.files[i];
    assert.equal(r.status, 'ingested');
    assert.deepEqual({ records: r.records, variants: r.variants, genotypes: r.genotypes }, { records: e.records, variants: e.variants, genotypes: e.genotypes }, f);
  }
  const store = await openForRead(DB);
  try {
    const info = await dbInfo(store, resolveWorkspace(DB));
    assert.equal(info.rows.variants, first.files[0].variants + first.files[1].variants);
    assert.equal(info.rows.genotypes, first.files[0].genotypes + first.files[1].genotypes);
    assert.equal(info.distinctSamples, count(`bcftools query -l ${TRIO}`) + count(`bcftools query -l ${COHORT}`));
    assert.ok(info.files.every((f) => f.status === 'committed'));
  } finally {
    store.close();
  }
});

test('re-ingesting the same files is a no-op', { skip: SKIP_BCFTOOLS }, async () => {
  const again = await ingestFiles([TRIO, COHORT], { db: DB });
  assert.deepEqual(again.files.map((f) => f.status), ['unchanged', 'unchanged']);
  assert.deepEqual(again.graph?.loaded, []);
  const store = await openForRead(DB);
  try {
    const info = await dbInfo(store, resolveWorkspace(DB));
    assert.equal(info.files.length, 2);
    assert.equal(info.rows.variants, first.files[0].variants + first.files[1].variants);
  } finally {
    store.close();
  }
});

test('carriers of a multi-allelic site and a sample\'s variants agree with bcftools', { skip: SKIP_BCFTOOLS }, async () => {
  const split = `bcftools norm -m -any ${TRIO} 2>/dev/null`;
  const store = await openForRead(DB);
  try {
    // every split allele of the multi-allelic records
    const sites = bcf(`${split} | bcftools query -f '%CHROM\\t%POS\\t%REF\\t%ALT\\n' -t chr1:55047315`).trim().split('\n');
    assert.ok(sites.length >= 2);
    for (const s of sites) {
      const [chrom, pos, ref, alt] = s.split('\t');
      const want = bcf(`${split} | bcftools view -i 'REF="${ref}" && ALT="${alt}"' -t ${chrom}:${pos} | bcftools query -f '[%SAMPLE\\t%GT\\n]' | grep 1 || true`).trim().split('\n').filter(Boolean).sort();
      const { rows } = await queryVariants(store, { region: `${chrom}:${pos}-${pos}` });
      const v = rows.find((r) => r.ref === ref && r.alt === alt && r.file_id === first.files[0].fileId);
      assert.ok(v, s);
      const got = (await carriers(store, v.key as string)).filter((c) => c.file_id === first.files[0].fileId).map((c) => `${c.sample}\t${c.gt}`).sort();
      assert.deepEqual(got, want, s);
    }
    // all variants of one sample
    const want = bcf(`${split} | bcftools query -s child -f '%CHROM:%POS:%REF:%ALT\\t[%GT]\\n' | grep '	.*1' | cut -f1`).trim().split('\n').sort();
    const { rows } = await queryVariants(store, { sample: 'child' });
    assert.deepEqual(rows.map((r) => `${r.chrom}:${r.pos}:${r.ref}:${r.alt}`).sort(), want);
    // a region query equals bcftools -r on the split file
    const reg = 'chr1:11790000-11860000';
    const wantR = bcf(`${split} | bgzip > ${tmpRoot}/t.vcf.gz && tabix -f ${tmpRoot}/t.vcf.gz && bcftools query -r ${reg} -f '%CHROM:%POS:%REF:%ALT\\n' ${tmpRoot}/t.vcf.gz`).trim().split('\n').sort();
    const gotR = (await queryVariants(store, { region: reg })).rows.filter((r) => r.file_id === first.files[0].fileId).map((r) => `${r.chrom}:${r.pos}:${r.ref}:${r.alt}`).sort();
    assert.ok(wantR.length > 10);
    assert.deepEqual(gotR, wantR);
    // a gene: every row is annotated in it, and it is found in both files
    const gene = await queryVariants(store, { gene: 'MTHFR' });
    assert.ok(gene.rows.length > 0 && gene.rows.every((r) => (r.genes as string[]).includes('MTHFR')));
    assert.deepEqual([...new Set(gene.rows.map((r) => r.file_id))].sort(), [first.files[0].fileId, first.files[1].fileId].sort());
  } finally {
    store.close();
  }
});

async function graphNumbers(): Promise<Record<string, number>> {
  const one = async (q: string) => Number((await graphQuery(DB, q))[0].n);
  return {
    samples: await one('MATCH (s:Sample) RETURN count(*) AS n'),
    variants: await one('MATCH (v:Variant) RETURN count(*) AS n'),
    carries: await one('MATCH (:Sample)-[c:CARRIES]->(:Variant) RETURN count(c) AS n'),
    inGene: await one('MATCH (:Variant)-[e:IN_GENE]->(:Gene) RETURN count(e) AS n'),
  };
}

test('graph counts equal LanceDB counts; rebuild-graph gives the same', { skip: SKIP_BCFTOOLS }, async () => {
  const e1 = expected(TRIO), e2 = expected(COHORT);
  const g = await graphNumbers();
  assert.equal(g.carries, e1.carries + e2.carries);
  const store = await openForRead(DB);
  let keys: number;
  try {
    const all = await store.tables.variants.query().select(['key']).toArray();
    keys = new Set(all.map((r) => r.key as string)).size;
  } finally {
    store.close();
  }
  assert.equal(g.variants, keys);
  assert.equal(g.samples, count(`bcftools query -l ${TRIO}`) + count(`bcftools query -l ${COHORT}`));
  assert.ok(g.inGene > 0);
  const r = await rebuildGraph({ db: DB });
  assert.equal(r.rebuilt, true);
  assert.deepEqual(await graphNumbers(), g);
});

test('read-only Cypher: writes, LOAD FROM, COPY and CALL of other procedures are rejected', async () => {
  for (const q of [
    'CREATE (:Sample {name: "x"})',
    'MATCH (s:Sample) SET s.name = "x"',
    'MATCH (s:Sample) DETACH DELETE s',
    'MERGE (g:Gene {name: "X"})',
    'LOAD FROM "/etc/passwd" RETURN *',
    'COPY Sample FROM "/tmp/x.csv"',
    'CALL drop_fts_index("a", "b")',
    'MATCH (s:Sample) RETURN s; MATCH (x) DELETE x',
    'MATCH (s:Sample) /* c */ WITH s CREATE (:Gene {name: s.name})',
  ]) assert.throws(() => checkReadOnlyCypher(q), (e: unknown) => e instanceof VcfError && e.code === 'GRAPH_QUERY_NOT_READ_ONLY', q);
  for (const q of [
    'MATCH (s:Sample)-[c:CARRIES]->(v:Variant) WHERE v.gene = "CREATE" RETURN s.name, count(*) ORDER BY s.name LIMIT 3',
    'MATCH (v:Variant) RETURN v.set, v.`delete`',
    'CALL show_tables() RETURN *',
  ]) assert.doesNotThrow(() => checkReadOnlyCypher(q), q);
});

test('CLI: variants, graph, and a rejected write (exit 2)', { skip: SKIP_BCFTOOLS }, async () => {
  const v = await runCli(['variants', '--db', DB, '-r', 'chr1:55047315', '--format', 'json']);
  assert.equal(v.code, 0, v.stderr);
  assert.ok(v.stdout.trim().split('\n').length >= 2);
  const g = await runCli(['graph', '--db', DB, 'MATCH (s:Sample) RETURN count(*) AS n']);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /^#n\n63\n$/);
  const w = await runCli(['graph', '--db', DB, 'MATCH (s:Sample) DELETE s']);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /^vcf-agent: .*DELETE is not allowed.*\[GRAPH_QUERY_NOT_READ_ONLY\]\n$/);
});

test('writer lock: a second writer fails clearly; a dead PID\'s lock is taken over', async () => {
  const ws = resolveWorkspace(path.join(tmpRoot, 'lockws'));
  const l1 = await acquireWriterLock(ws, 'test');
  await assert.rejects(acquireWriterLock(ws, 'second', 0), (e: unknown) => e instanceof VcfError && e.code === 'STORE_LOCKED' && /being written by process \d+/.test(e.message));
  l1.release();
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  fs.writeFileSync(ws.lockPath, JSON.stringify({ pid: dead, host: os.hostname(), command: 'x', since: '' }));
  const l2 = await acquireWriterLock(ws, 'third', 0);
  assert.equal(JSON.parse(fs.readFileSync(ws.lockPath, 'utf8')).pid, process.pid);
  l2.release();
  assert.equal(fs.existsSync(ws.lockPath), false);
});

test('an ingest killed (SIGKILL) before its commit shows nothing; the next run finishes with exact counts', { skip: SKIP_BCFTOOLS }, async () => {
  const db = path.join(tmpRoot, 'killws');
  const e = expected(TRIO);
  for (const phase of ['parse', 'index', 'commit', 'graph']) {
    const r = spawnSync(process.execPath, [fixture('store', 'kill-child.mjs'), db, phase, TRIO], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', `phase ${phase}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`killed in phase ${phase}`));
    const store = await openForRead(db);
    try {
      const info = await dbInfo(store, resolveWorkspace(db));
      // before the commit nothing is visible; killed in the graph phase the file is committed
      assert.equal(info.rows.variants, phase === 'graph' ? e.variants : 0, phase);
    } finally {
      store.close();
    }
  }
  const fin = await ingestFiles([TRIO], { db });
  assert.equal(fin.files[0].status, 'unchanged'); // committed by the run killed in the graph phase
  assert.equal(fin.graph?.rebuilt, true); // that run's graph load was interrupted
  const store = await openForRead(db);
  try {
    const info = await dbInfo(store, resolveWorkspace(db));
    assert.deepEqual(info.rows, { variants: e.variants, genotypes: e.genotypes, samples: 3, refBlocks: 0 });
    assert.equal(await store.tables.variants.countRows(), e.variants); // the killed runs' rows are gone
    assert.deepEqual(info.graph && 'carries' in info.graph ? info.graph.carries : -1, e.carries);
  } finally {
    store.close();
  }
});
