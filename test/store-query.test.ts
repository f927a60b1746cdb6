/**
 * Store queries and export (issue 6): variants -i/-e (pushed down where possible, the rest by the
 * bcftools expression engine on rebuilt split records) against bcftools view on the split file;
 * --format vcf; sample and gene summaries against bcftools counts; rebuild-graph via the CLI; the
 * export round trip (bcftools view of the export = of `bcftools norm -m -any` of the original) on
 * the examples and a selection of corpus files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, SKIP_BCFTOOLS, SKIP_SHARED, SHARED_DATA, readTsv } from './helpers/shared.js';
import { runCli, sh } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { geneInfo, openForRead, queryVariants, sampleInfo } from '../src/store/query.js';
import { exportStore } from '../src/store/export.js';
import { pushdownSql } from '../src/store/pushdown.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-store-q-'));
const DB = path.join(tmpRoot, 'ws');
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function bcf(cmd: string): string {
  const r = sh(cmd);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
const lines = (s: string): string[] => s.split('\n').filter(Boolean);
const SPLIT = path.join(tmpRoot, 'trio.split.vcf');

before(async () => {
  if (SKIP_BCFTOOLS) return;
  await ingestFiles([TRIO], { db: DB });
  bcf(`bcftools norm -m -any ${TRIO} -o ${SPLIT} 2>/dev/null`);
});

test('push-down: simple && conjuncts only, never for ||', () => {
  // float columns with slack (bcftools compares single-precision values; the expression decides)
  assert.deepEqual(pushdownSql('QUAL>50 && INFO/AF<0.01 && GT="alt"', { afIsPerAllele: true }), ['qual >= 49.99995', 'af <= 0.01000001']);
  assert.deepEqual(pushdownSql('(CHROM=="chr1") && POS>=100 && TYPE="snp"', { afIsPerAllele: true }), ["chrom = 'chr1'", 'pos >= 100', "vtype = 'snv'"]);
  assert.deepEqual(pushdownSql('QUAL>50 || AF<0.1', { afIsPerAllele: true }), []);
  assert.deepEqual(pushdownSql('QUAL!=50 && AF<0.1', { afIsPerAllele: false }), []);
  assert.deepEqual(pushdownSql('QUAL>50 | FMT/DP>3', { afIsPerAllele: true }), []);
});

const EXPRS: Array<['-i' | '-e', string]> = [
  ['-i', 'QUAL>50 && INFO/AF<0.3 && GT="alt"'],
  ['-i', 'TYPE="indel" && FMT/DP>30'],
  ['-i', 'INFO/AF<0.01 || FILTER!="PASS"'],
  ['-e', 'QUAL<100 || GT="het"'],
  ['-i', 'POS>=11790000 && POS<=11860000 && CHROM=="chr1"'],
  ['-i', 'TYPE="snp" && ANN~"missense"'],
  ['-i', 'N_ALT>=1 && ALT="AA"'],
];

test('variants -i/-e equal bcftools view -i/-e on the split file', { skip: SKIP_BCFTOOLS }, async () => {
  const store = await openForRead(DB);
  try {
    for (const [flag, expr] of EXPRS) {
      const want = lines(bcf(`bcftools view -H ${flag} '${expr}' ${SPLIT} | cut -f1,2,4,5`)).map((l) => l.split('\t').join(':'));
      const r = await queryVariants(store, flag === '-i' ? { include: expr } : { exclude: expr });
      assert.deepEqual(r.rows.map((x) => `${x.chrom}:${x.pos}:${x.ref}:${x.alt}`), want, `${flag} ${expr}`);
      if (expr.startsWith('QUAL>50')) assert.ok(r.pushed.length === 2 && r.scanned < 1510, `${r.scanned}`);
    }
    // with --sample: bcftools -s child on the split file, non-reference GT of the child
    const want = lines(bcf(`bcftools view -s child ${SPLIT} | bcftools view -i 'GT="alt" && QUAL>100' | bcftools query -f '%CHROM:%POS:%REF:%ALT\\n'`));
    const got = await queryVariants(store, { sample: 'child', include: 'QUAL>100' });
    assert.deepEqual(got.rows.map((x) => `${x.chrom}:${x.pos}:${x.ref}:${x.alt}`), want);
    // limit counts rows after the expression
    assert.equal((await queryVariants(store, { include: 'TYPE="indel"', limit: 5 })).rows.length, 5);
  } finally {
    store.close();
  }
});

test('CLI variants --format vcf gives bcftools norm -m -any records; bad expression exits 2', { skip: SKIP_BCFTOOLS }, async () => {
  const r = await runCli(['variants', '--db', DB, '-i', 'TYPE="indel"', '--format', 'vcf']);
  assert.equal(r.code, 0, r.stderr);
  const out = path.join(tmpRoot, 'q.vcf');
  fs.writeFileSync(out, r.stdout);
  assert.deepEqual(lines(bcf(`bcftools view -H ${out}`)), lines(bcf(`bcftools view -H -i 'TYPE="indel"' ${SPLIT}`)));
  const bad = await runCli(['variants', '--db', DB, '-i', 'QUAL>>3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vcf-agent: -i 'QUAL>>3': expression error.*\[USAGE_BAD_EXPRESSION\]\n$/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /); // no stack trace
});

test('sample and gene summaries agree with bcftools counts', { skip: SKIP_BCFTOOLS }, async () => {
  const store = await openForRead(DB);
  try {
    const s = await sampleInfo(store, 'child');
    const gts = lines(bcf(`bcftools query -s child -f '[%GT]\\n' ${SPLIT}`));
    const het = gts.filter((g) => /^(0[/|]1|1[/|]0)$/.test(g)).length;
    const hom = gts.filter((g) => /^1[/|]1$/.test(g)).length;
    assert.equal(s.calls.het, het);
    assert.equal(s.calls.hom_alt, hom);
    assert.equal(s.files.length, 1);
    assert.ok(s.topGenes.length > 0);
    await assert.rejects(sampleInfo(store, 'nobody'), /no sample "nobody"/);
    const g = await geneInfo(store, 'MTHFR');
    const want = lines(bcf(`bcftools view -i 'ANN~"|MTHFR|"' ${SPLIT} | bcftools query -f '[%SAMPLE\\t%GT\\n]' | grep '1' | cut -f1 | sort | uniq -c`));
    assert.deepEqual(g.carriers.map((c) => `${c.calls} ${c.sample}`).sort(), want.map((l) => l.trim()).sort());
    assert.ok(g.byImpact.MODIFIER > 0);
  } finally {
    store.close();
  }
});

test('CLI sample, gene, db rebuild-graph (same counts)', { skip: SKIP_BCFTOOLS }, async () => {
  const s = await runCli(['sample', '--db', DB, 'mother']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).sample, 'mother');
  const g = await runCli(['gene', '--db', DB, 'TTN']);
  assert.equal(g.code, 0, g.stderr);
  assert.ok(JSON.parse(g.stdout).byImpact.HIGH >= 1);
  const count = async () => (await runCli(['graph', '--db', DB, 'MATCH ()-[c:CARRIES]->() RETURN count(*) AS n'])).stdout;
  const before = await count();
  const r = await runCli(['db', 'rebuild-graph', '--db', DB]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /graph rebuilt from 1 file\(s\)\nsamples 3, variants \d+, genes \d+, CARRIES \d+, IN_GENE \d+\n/);
  assert.equal(await count(), before);
});

/** bcftools view -H of the split original, without what the store does not hold as variants */
function splitBody(file: string): string[] {
  const r = sh(`bcftools norm -m -any ${file} 2>/dev/null | bcftools view -H`);
  if (r.code !== 0) throw new Error(`bcftools norm: ${r.stderr.split('\n')[0]}`);
  return lines(r.stdout).filter((l) => {
    const alt = l.split('\t')[4];
    return alt !== '.' && alt !== '<NON_REF>' && alt !== '<*>';
  });
}

async function roundTrip(files: string[], db: string): Promise<{ ok: string[]; failed: string[]; skipped: string[] }> {
  const ok: string[] = [], failed: string[] = [], skipped: string[] = [];
  for (const f of files) {
    let want: string[];
    try {
      want = splitBody(f);
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message}`); // bcftools norm fails on it: nothing to compare with
      continue;
    }
    let fileId: number;
    try {
      fileId = (await ingestFiles([f], { db, noGraph: true })).files[0].fileId;
    } catch (e) {
      failed.push(`${f}: ingest: ${(e as Error).message}`);
      continue;
    }
    const store = await openForRead(db);
    const out = path.join(tmpRoot, 'export.vcf');
    const chunks: Buffer[] = [];
    try {
      await exportStore(store, { format: 'vcf', fileId, write: (s) => { chunks.push(Buffer.from(s, 'latin1')); } });
    } finally {
      store.close();
    }
    fs.writeFileSync(out, Buffer.concat(chunks));
    const v = sh(`bcftools view -H ${out}`);
    if (v.code !== 0) { failed.push(`${f}: bcftools rejects the export: ${v.stderr.split('\n')[0]}`); continue; }
    // bcftools norm may reorder records of one position (its buffer): compare in sorted order
    const got = lines(v.stdout).sort();
    want.sort();
    if (JSON.stringify(got) === JSON.stringify(want)) ok.push(f);
    else {
      const i = got.findIndex((l, k) => l !== want[k]);
      failed.push(`${f}: line ${i}: got ${got[i]?.slice(0, 200)} want ${want[i]?.slice(0, 200)} (${got.length} vs ${want.length})`);
    }
  }
  return { ok, failed, skipped };
}

test('export round trip: bcftools view of the exported VCF equals the split original (examples)', { skip: SKIP_BCFTOOLS }, async () => {
  const r = await roundTrip([TRIO, path.join(ROOT, 'examples', 'cohort.vcf.gz')], path.join(tmpRoot, 'rt'));
  assert.deepEqual(r.failed, []);
  // JSON lines carry the same values
  const store = await openForRead(DB);
  let first = '';
  try {
    await exportStore(store, { format: 'jsonl', write: (s) => { if (!first) first = s.split('\n')[0]; } });
  } finally {
    store.close();
  }
  const o = JSON.parse(first);
  const want = lines(bcf(`bcftools view -H ${SPLIT}`))[0].split('\t');
  assert.deepEqual([o.chrom, String(o.pos), o.ref, o.alt], [want[0], want[1], want[3], want[4]]);
  assert.equal(o.samples.child.GT, want[9].split(':')[0]);
});

test('export round trip on corpus files bcftools accepts (a selection)', { skip: SKIP_BCFTOOLS || SKIP_SHARED }, async () => {
  const rows = readTsv(path.join(SHARED_DATA!, 'MANIFEST.tsv')).filter((r) => r.bcftools_1_16_view.startsWith('ok') && /\.(vcf|vcf\.gz|vcf\.bgz)$/.test(r.path));
  // every 3rd file of the categories b..g, every 32nd spec-conformance file (the whole corpus: VCF_AGENT_FULL_CORPUS=1)
  const full = process.env.VCF_AGENT_FULL_CORPUS === '1';
  const pick = rows.filter((r, i) => full || (r.category !== 'a' ? i % 3 === 0 : i % 32 === 0)).map((r) => path.join(SHARED_DATA!, r.path));
  const r = await roundTrip(pick, path.join(tmpRoot, 'corpus'));
  process.stdout.write(`# export round trip: ${r.ok.length} of ${pick.length} corpus files equal, ${r.skipped.length} skipped (bcftools norm -m -any fails on them, e.g. contigs missing from the header)\n`);
  assert.ok(r.ok.length >= 25);
  // known: bcftools norm writes an empty value ('::') for a Number=A Float whose only value is
  // missing ('.'), which bcftools then reads back as 0; the store keeps '.'
  const KNOWN = ['c_bcftools_expected/files/view-a.vcf'];
  assert.deepEqual(r.failed.filter((f) => !KNOWN.some((k) => f.includes(k))), []);
});
