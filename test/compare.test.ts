/**
 * `compare`: hand-computed fixtures (test/fixtures/compare: a split multi-allelic, an indel that
 * only matches after left-alignment, an MNP, samples in another order, missing genotypes), and the
 * g_concordance corpus pairs against `bcftools isec -c none` (after `bcftools norm -m -any`) for the
 * site counts and `bcftools stats -s - A B` for the genotype concordance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SHARED_DATA, SKIP_BCFTOOLS, SKIP_SHARED, fixture, readTsv } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { compareVcfs, type CompareResult, type TypeCounts } from '../src/stats/compare.js';

const A = fixture('compare', 'a.vcf');
const B = fixture('compare', 'b.vcf');
const REF = fixture('compare', 'ref.fa');
const BED = fixture('compare', 'conf.bed');

const counts = (c: Partial<TypeCounts>): TypeCounts => {
  const z: TypeCounts = { snps: 0, mnps: 0, indels: 0, others: 0, noAlt: 0, total: 0, ...c };
  z.total = z.snps + z.mnps + z.indels + z.others + z.noAlt;
  return z;
};

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-compare-test-'));
}

function bash(cmd: string, cwd?: string) {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd, maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
  return r.stdout;
}

test('compare: hand-computed fixture without a reference (the shifted deletion does not match)', async () => {
  const r = await compareVcfs({ a: A, b: B });
  assert.deepEqual(r.sites.shared, counts({ snps: 3, mnps: 1 }));
  assert.deepEqual(r.sites.onlyA, counts({ snps: 1, indels: 1 }));
  assert.deepEqual(r.sites.onlyB, counts({ snps: 1, indels: 1 }));
  assert.equal(r.normalisation.a.split, 1);
  assert.equal(r.normalisation.leftAligned, false);
  assert.match(r.matching, /bcftools isec -c none/);
  assert.equal(r.truth, null);
});

test('compare: hand-computed fixture with -f (left-aligned), --truth A, NRD and the genotype matrix', async () => {
  const dir = tmpDir();
  try {
    const r = await compareVcfs({ a: A, b: B, fasta: REF, truth: 'A', outDir: dir });
    assert.deepEqual(r.sites.shared, counts({ snps: 3, mnps: 1, indels: 1 }));
    assert.deepEqual(r.sites.onlyA, counts({ snps: 1 }));
    assert.deepEqual(r.sites.onlyB, counts({ snps: 1 }));
    assert.equal(r.normalisation.a.realigned, 1);
    // SNPs: TP 3 (2, 5 A>G, 36), FP 1 (33 in B only), FN 1 (5 A>T in A only); indels all found
    assert.deepEqual(r.truth!.snps, { tp: 3, fp: 1, fn: 1, precision: 0.75, recall: 0.75, f1: 0.75 });
    assert.deepEqual(r.truth!.indels, { tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
    const c = r.concordance!;
    assert.deepEqual(c.samples, ['S1', 'S2']);
    // NRD over SNPs: matches RA-RA 3, mismatches RR->RA (S1 @36) and AA->RA (S2 @2): 2 / 5
    assert.equal(c.nrdSnps!.nrd, 40);
    assert.equal(c.nrdIndels!.nrd, 0);
    const [s1, s2] = c.perSample;
    assert.equal(s1.snps.nrd, 33.333);
    assert.equal(s2.snps.nrd, 50);
    // rows A, columns B: ref, het, hom-alt, missing
    assert.deepEqual(s1.matrix, [[0, 1, 0, 0], [0, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]);
    assert.deepEqual(s2.matrix, [[0, 0, 0, 0], [0, 2, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0]]);
    assert.deepEqual(c.matrix, [[0, 1, 0, 0], [0, 5, 0, 0], [0, 1, 2, 0], [1, 0, 0, 0]]);
    assert.equal(s1.discordant + s2.discordant, 3);
    // discordant sites
    const onlyA = fs.readFileSync(path.join(dir, 'only_A.vcf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const onlyB = fs.readFileSync(path.join(dir, 'only_B.vcf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(onlyA.map((l) => l.split('\t').slice(0, 5).join(' ')), ['chr1 5 . A T']);
    assert.deepEqual(onlyB.map((l) => l.split('\t').slice(0, 5).join(' ')), ['chr1 33 . G A']);
    assert.match(fs.readFileSync(path.join(dir, 'only_A.vcf'), 'utf8'), /^##fileformat=VCFv4\.2\n/);
    const tsv = readTsv(path.join(dir, 'gt_discordant.tsv'));
    assert.deepEqual(tsv.map((t) => `${t.POS} ${t.SAMPLE} ${t.GT_A} ${t.GT_B} ${t.CLASS_A} ${t.CLASS_B}`), [
      '2 S2 1/1 0/1 AA RA', '36 S1 0/0 0/1 RR RA', '36 S2 ./. 0/0 missing RR',
    ]);
    assert.equal(r.outputs!.discordantRows, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('compare: -R keeps records overlapping the regions; -s picks samples; --truth B swaps FP and FN', async () => {
  const r = await compareVcfs({ a: A, b: B, fasta: REF, regionsFile: BED, samples: 'S2', truth: 'B' });
  assert.deepEqual(r.sites.shared, counts({ snps: 2, indels: 1 }));
  assert.deepEqual(r.sites.onlyA, counts({ snps: 1 }));
  assert.deepEqual(r.sites.onlyB, counts({}));
  assert.deepEqual(r.truth!.snps, { tp: 2, fp: 1, fn: 0, precision: 2 / 3, recall: 1, f1: 0.8 });
  assert.deepEqual(r.concordance!.samples, ['S2']);
  assert.deepEqual(r.concordance!.perSample[0].matrix, [[0, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]);
});

test('cli: compare text and JSON, and usage errors', async () => {
  const t = await runCli(['compare', '-f', REF, '--truth', 'A', A, B]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^Matching: as `bcftools isec -c none` after `bcftools norm -m -any`/m);
  assert.match(t.stdout, /^ {2}SNPs +3 +1 +1$/m);
  assert.match(t.stdout, /^ {2}SNPs +3 +1 +1 +75\.00% +75\.00% +75\.00%$/m);
  assert.match(t.stdout, /non-reference discordance \(NRD\): SNPs 40\.00%, indels 0\.00%/);
  const j = await runCli(['compare', '--json', A, B]);
  assert.equal(j.code, 0, j.stderr);
  const parsed = JSON.parse(j.stdout) as CompareResult;
  assert.equal(parsed.sites.shared.total, 4);
  const bad = await runCli(['compare', '--truth', 'C', A, B]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vcf-agent: --truth takes A or B/);
  const noSample = await runCli(['compare', '-s', 'S9', A, B]);
  assert.equal(noSample.code, 2);
  assert.match(noSample.stderr, /S9/);
  const unsorted = await runCli(['compare', fixture('bcf', 'edge.vcf'), B]);
  assert.equal(unsorted.code, 2);
  assert.match(unsorted.stderr, /^vcf-agent: .*edge\.vcf: compare needs records sorted by position .*\[COMPARE_UNSORTED\]\n$/);
  const missing = await runCli(['compare', A, 'no/such.vcf']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^vcf-agent: no\/such\.vcf: .*\n$/);
});

/** SN counts of `bcftools stats` on one file */
function snOf(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of bash(`bcftools stats '${file}'`).split('\n')) {
    const c = l.split('\t');
    if (c[0] === 'SN' && c[1] === '0') out[c[2].replace(/:$/, '')] = Number(c[3]);
  }
  return out;
}

function expectCounts(ours: TypeCounts, sn: Record<string, number>, what: string): void {
  assert.equal(ours.total, sn['number of records'], `${what}: records`);
  assert.equal(ours.snps, sn['number of SNPs'], `${what}: SNPs`);
  assert.equal(ours.mnps, sn['number of MNPs'], `${what}: MNPs`);
  assert.equal(ours.indels, sn['number of indels'], `${what}: indels`);
  assert.equal(ours.noAlt, sn['number of no-ALTs'], `${what}: no-ALTs`);
}

test('compare: g_concordance pairs equal bcftools isec -c none (after norm -m -any) and bcftools stats A B', { skip: SKIP_SHARED || SKIP_BCFTOOLS }, async () => {
  const base = path.join(SHARED_DATA!, 'g_concordance');
  const pairs = readTsv(path.join(base, 'PAIRS.tsv'));
  assert.equal(pairs.length, 3);
  const cases: Array<{ a: string; b: string; bed?: string }> = [];
  for (const p of pairs) {
    const dir = path.join(base, p.pair_dir);
    const query = p.query.split(' ')[0];
    cases.push({ a: path.join(dir, p.truth), b: path.join(dir, query) });
    if (p.regions) cases.push({ a: path.join(dir, p.truth), b: path.join(dir, query), bed: path.join(dir, p.regions) });
  }
  // the variants-only query of hc_vs_platinum too
  cases.push({ a: path.join(base, 'hc_vs_platinum', 'PG_hc.vcf.gz'), b: path.join(base, 'hc_vs_platinum', 'hc.varsonly.vcf.gz') });
  const tmp = tmpDir();
  try {
    let k = 0;
    let withShared = 0, withDiscordant = 0;
    for (const c of cases) {
      k++;
      const what = `${path.basename(c.a)} vs ${path.basename(c.b)}${c.bed ? ` -R ${path.basename(c.bed)}` : ''}`;
      // bcftools cannot write records with undeclared INFO keys (PG_hc.vcf.gz has some): for such a
      // file only, INFO is dropped first (matching uses CHROM, POS, REF, ALT and GT; END is kept elsewhere)
      const norm = (f: string, out: string) => {
        const r = spawnSync('bash', ['-o', 'pipefail', '-c', `bcftools norm -m -any -Oz -o '${out}' '${f}' 2>/dev/null && bcftools index -f '${out}'`]);
        if (r.status !== 0) bash(`(zcat -f '${f}') | awk 'BEGIN{OFS="\\t"} /^#/{print;next}{$8=".";print}' | bcftools norm -m -any -Oz -o '${out}' 2>/dev/null && bcftools index -f '${out}'`);
      };
      const na = path.join(tmp, `${k}.a.vcf.gz`), nb = path.join(tmp, `${k}.b.vcf.gz`);
      norm(c.a, na);
      norm(c.b, nb);
      const isec = path.join(tmp, `${k}.isec`);
      bash(`bcftools isec -c none ${c.bed ? `-R '${c.bed}'` : ''} -p '${isec}' '${na}' '${nb}'`);
      const outDir = path.join(tmp, `${k}.ours`);
      const r = await compareVcfs({ a: c.a, b: c.b, regionsFile: c.bed, outDir });
      expectCounts(r.sites.onlyA, snOf(path.join(isec, '0000.vcf')), `${what}: only A`);
      expectCounts(r.sites.onlyB, snOf(path.join(isec, '0001.vcf')), `${what}: only B`);
      expectCounts(r.sites.shared, snOf(path.join(isec, '0002.vcf')), `${what}: shared`);
      if (r.sites.shared.total) withShared++;
      // our only_A/only_B hold the records isec wrote (same CHROM, POS, REF, ALT)
      const keys = (f: string) => bash(`grep -v '^#' '${f}' | cut -f1,2,4,5 || true`);
      assert.equal(keys(path.join(outDir, 'only_A.vcf')), keys(path.join(isec, '0000.vcf')), `${what}: only_A.vcf`);
      assert.equal(keys(path.join(outDir, 'only_B.vcf')), keys(path.join(isec, '0001.vcf')), `${what}: only_B.vcf`);
      // genotype concordance: bcftools stats -s - A B
      const st = bash(`bcftools stats -s - ${c.bed ? `-R '${c.bed}'` : ''} '${na}' '${nb}'`).split('\n').map((l) => l.split('\t'));
      const con = r.concordance!;
      assert.ok(con, `${what}: concordance`);
      const nrds = st.find((l) => l[0] === 'NRDs')!, nrdi = st.find((l) => l[0] === 'NRDi')!;
      assert.equal(con.nrdSnps!.nrd, Number(nrds[2]), `${what}: NRDs`);
      assert.equal(con.nrdIndels!.nrd, Number(nrdi[2]), `${what}: NRDi`);
      for (const s of con.perSample) {
        const gcs = st.find((l) => l[0] === 'GCsS' && l[2] === s.sample)!;
        const gci = st.find((l) => l[0] === 'GCiS' && l[2] === s.sample)!;
        assert.equal(s.snps.nrd, Number(gcs[3]), `${what}: GCsS NRD ${s.sample}`);
        assert.deepEqual([s.snps.rrHomMatches, s.snps.raHetMatches, s.snps.aaHomMatches, s.snps.rrHomMismatches, s.snps.raHetMismatches, s.snps.aaHomMismatches], gcs.slice(4, 10).map(Number), `${what}: GCsS ${s.sample}`);
        assert.deepEqual([s.indels.rrHomMatches, s.indels.raHetMatches, s.indels.aaHomMatches, s.indels.rrHomMismatches, s.indels.raHetMismatches, s.indels.aaHomMismatches], gci.slice(4, 10).map(Number), `${what}: GCiS ${s.sample}`);
        const gcts = st.find((l) => l[0] === 'GCTs' && l[1] === s.sample)!.slice(2).map(Number);
        const gcti = st.find((l) => l[0] === 'GCTi' && l[1] === s.sample)!.slice(2).map(Number);
        assert.deepEqual(s.gctSnps.flat(), gcts, `${what}: GCTs ${s.sample}`);
        assert.deepEqual(s.gctIndels.flat(), gcti, `${what}: GCTi ${s.sample}`);
        if (s.discordant) withDiscordant++;
      }
      // gt_discordant.tsv has one row per off-diagonal genotype of the GCT tables
      const rows = readTsv(path.join(outDir, 'gt_discordant.tsv'));
      assert.equal(rows.length, con.perSample.reduce((n, s) => n + s.discordant, 0), `${what}: gt_discordant.tsv rows`);
    }
    assert.ok(withShared >= 3, 'some pairs share sites');
    assert.ok(withDiscordant >= 1, 'some pair has discordant genotypes');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
