/**
 * `analyze` and its summary, checked against bcftools on the shipped examples and on an
 * edge-case fixture: SN/TSTV/IDD/PSC from `bcftools stats -s -`, trios from `bcftools +mendelian`,
 * everything else recomputed here from `bcftools query` output. CLI tests spawn the compiled bin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, SKIP_BCFTOOLS, fixture } from './helpers/shared.js';
import { runCli, sh } from './helpers/cli.js';
import { summarize, variantType, classifyGt, mendelian, VT_SNP, VT_MNP, VT_INDEL, VT_OTHER, VT_BND, VT_OVERLAP, VT_REF, GT_MISSING, GT_HOM_RR, GT_HET, GT_HOM_AA, GT_HAP_R, GT_HAP_A, GT_PHASED, type VcfSummary } from '../src/stats/summary.js';

const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');
const EDGE = fixture('analyze', 'edge.vcf');
const skip = { skip: SKIP_BCFTOOLS };

function run(cmd: string): string {
  const r = sh(cmd);
  assert.equal(r.code, 0, `${cmd} failed: ${r.stderr}`);
  return r.stdout;
}
const lines = (s: string) => s.split('\n').filter((l) => l.length);

interface BcfStats {
  sn: Map<string, number>;
  tstv: number[];
  idd: Array<[number, number]>;
  psc: Map<string, number[]>;
}
function bcftoolsStats(file: string): BcfStats {
  const st: BcfStats = { sn: new Map(), tstv: [], idd: [], psc: new Map() };
  for (const l of lines(run(`bcftools stats -s - '${file}'`))) {
    const c = l.split('\t');
    if (c[0] === 'SN') st.sn.set(c[2].replace(/:$/, ''), Number(c[3]));
    else if (c[0] === 'TSTV') st.tstv = c.slice(2).map(Number);
    else if (c[0] === 'IDD') st.idd.push([Number(c[2]), Number(c[3])]);
    else if (c[0] === 'PSC') st.psc.set(c[2], c.slice(3).map(Number));
  }
  return st;
}

function checkAgainstBcftoolsStats(s: VcfSummary, file: string): BcfStats {
  const b = bcftoolsStats(file);
  assert.equal(s.samples, b.sn.get('number of samples'));
  assert.equal(s.records, b.sn.get('number of records'));
  assert.equal(s.noAlt, b.sn.get('number of no-ALTs'));
  assert.equal(s.snps, b.sn.get('number of SNPs'));
  assert.equal(s.mnps, b.sn.get('number of MNPs'));
  assert.equal(s.indels, b.sn.get('number of indels'));
  assert.equal(s.others, b.sn.get('number of others'));
  assert.equal(s.multiallelicSites, b.sn.get('number of multiallelic sites'));
  assert.equal(s.multiallelicSnpSites, b.sn.get('number of multiallelic SNP sites'));
  const [ts, tv, , ts1, tv1] = b.tstv;
  assert.deepEqual([s.ts, s.tv, s.tsFirstAlt, s.tvFirstAlt], [ts, tv, ts1, tv1], 'TSTV');
  if (tv) assert.equal(s.tstv!.toFixed(2), (ts / tv).toFixed(2));
  const ins = b.idd.filter(([len]) => len > 0).reduce((a, [, n]) => a + n, 0);
  const del = b.idd.filter(([len]) => len < 0).reduce((a, [, n]) => a + n, 0);
  assert.deepEqual([s.insertions, s.deletions], [ins, del], 'insertions/deletions vs IDD');
  // PSC: [3]nRefHom [4]nNonRefHom [5]nHets ... [11]nHapRef [12]nHapAlt [13]nMissing (0-based after the sample)
  for (const c of s.sampleCounts) {
    const p = b.psc.get(c.name)!;
    assert.ok(p, `PSC row for ${c.name}`);
    assert.deepEqual([c.homRef, c.hapRef, c.hapAlt, c.missing], [p[0], p[8], p[9], p[10]], `PSC of ${c.name}`);
  }
  return b;
}

/** per-sample classes recomputed from the GT strings bcftools prints */
function checkGenotypes(s: VcfSummary, file: string): void {
  const names = s.sampleCounts.map((c) => c.name);
  const exp = names.map((name) => ({ name, homRef: 0, het: 0, homAlt: 0, hapRef: 0, hapAlt: 0, missing: 0, phased: 0 }));
  for (const l of lines(run(`bcftools query -f '[%GT\\t]\\n' '${file}'`))) {
    l.split('\t').slice(0, names.length).forEach((gt, i) => {
      const e = exp[i];
      if (gt.includes('.') || gt === '') { e.missing++; return; }
      const al = gt.split(/[/|]/).map(Number);
      if (al.length === 1) { if (al[0] === 0) e.hapRef++; else e.hapAlt++; return; }
      if (!gt.includes('/')) e.phased++;
      if (al.every((a) => a === 0)) e.homRef++;
      else if (al.every((a) => a === al[0])) e.homAlt++;
      else e.het++;
    });
  }
  assert.deepEqual(s.sampleCounts, exp);
}

function checkSites(s: VcfSummary, file: string, annTag: 'ANN' | 'CSQ' | null): void {
  // FILTER and QUAL
  const filters: Record<string, number> = {};
  let pass = 0, missing = 0, failed = 0, qmiss = 0, qn = 0, qsum = 0, qmin = Infinity, qmax = -Infinity;
  for (const l of lines(run(`bcftools query -f '%FILTER\\t%QUAL\\n' '${file}'`))) {
    const [f, q] = l.split('\t');
    if (f === 'PASS') pass++;
    else if (f === '.') missing++;
    else { failed++; for (const x of f.split(';')) filters[x] = (filters[x] ?? 0) + 1; }
    if (q === '.') qmiss++;
    else { const v = Number(q); qn++; qsum += v; qmin = Math.min(qmin, v); qmax = Math.max(qmax, v); }
  }
  assert.deepEqual([s.pass, s.filterMissing, s.filtered, s.filterCounts], [pass, missing, failed, filters]);
  assert.equal(s.qual.missing, qmiss);
  const near = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) <= 1e-4 * Math.abs(b) + 0.01, `${a} vs ${b}`);
  if (qn) { near(s.qual.min, qmin); near(s.qual.max, qmax); near(s.qual.mean, qsum / qn); }
  // contigs
  const contigs = new Map<string, number>();
  for (const c of lines(run(`bcftools query -f '%CHROM\\n' '${file}'`))) contigs.set(c, (contigs.get(c) ?? 0) + 1);
  assert.deepEqual(s.contigs.map((c) => [c.id, c.records]), [...contigs.entries()]);
  // impacts and genes
  if (annTag) {
    const rank: Record<string, number> = { HIGH: 4, MODERATE: 3, LOW: 2, MODIFIER: 1 };
    const recs: Record<string, number> = { HIGH: 0, MODERATE: 0, LOW: 0, MODIFIER: 0 };
    const genes = new Map<string, { high: number; moderate: number }>();
    let unannotated = 0;
    for (const v of run(`bcftools query -f '%INFO/${annTag}\\n' '${file}'`).split('\n').slice(0, -1)) {
      const entries = v === '.' ? [] : v.split(',').map((e) => e.split('|'));
      const worst = Math.max(0, ...entries.map((e) => rank[e[2]] ?? 0));
      if (!worst) { unannotated++; continue; }
      recs[['', 'MODIFIER', 'LOW', 'MODERATE', 'HIGH'][worst]]++;
      const hi = new Set(entries.filter((e) => e[2] === 'HIGH').map((e) => e[3]));
      const mo = new Set(entries.filter((e) => e[2] === 'MODERATE' && !hi.has(e[3])).map((e) => e[3]));
      for (const g of hi) { const x = genes.get(g) ?? { high: 0, moderate: 0 }; x.high++; genes.set(g, x); }
      for (const g of mo) { const x = genes.get(g) ?? { high: 0, moderate: 0 }; x.moderate++; genes.set(g, x); }
    }
    assert.ok(s.impact);
    assert.equal(s.impact.source, annTag);
    assert.deepEqual(s.impact.records, recs);
    assert.equal(s.impact.unannotated, unannotated);
    assert.deepEqual(Object.fromEntries(s.impact.genes.map((g) => [g.gene, { high: g.high, moderate: g.moderate }])), Object.fromEntries([...genes.entries()].sort()));
    for (let i = 1; i < s.impact.genes.length; i++) {
      const a = s.impact.genes[i - 1], b = s.impact.genes[i];
      assert.ok(a.high > b.high || (a.high === b.high && a.moderate >= b.moderate), 'genes sorted by HIGH then MODERATE');
    }
  }
  // ClinVar
  const cln: Record<string, number> = {};
  for (const v of run(`bcftools query -f '%INFO/CLNSIG\\n' '${file}'`).split('\n').slice(0, -1)) if (v !== '.') cln[v] = (cln[v] ?? 0) + 1;
  assert.deepEqual(s.clinvar, cln);
}

function checkTrio(s: VcfSummary, file: string): void {
  assert.equal(s.trios.length, 1);
  const t = s.trios[0];
  const out = lines(run(`bcftools +mendelian '${file}' -t ${t.mother},${t.father},${t.child} -m c`)).filter((l) => !l.startsWith('#'));
  const [ok, bad, skipped] = out[0].split('\t').map(Number);
  assert.deepEqual([t.consistent, t.errors, t.skipped], [ok, bad, skipped], 'bcftools +mendelian nOK/nBad/nSkipped');
  // candidate de novo: among bcftools' inconsistent sites, parents called hom-ref and the child carries an ALT
  let dn = 0;
  const bad2 = run(`bcftools +mendelian '${file}' -t ${t.mother},${t.father},${t.child} -m x | bcftools query -f '[%SAMPLE=%GT\\t]\\n'`);
  for (const l of lines(bad2)) {
    const gt: Record<string, string> = Object.fromEntries(l.split('\t').filter(Boolean).map((x) => x.split('=') as [string, string]));
    const homRef = (g: string) => !g.includes('.') && g.split(/[/|]/).every((a) => a === '0');
    if (homRef(gt[t.mother]) && homRef(gt[t.father]) && gt[t.child].split(/[/|]/).some((a) => a !== '.' && a !== '0')) dn++;
  }
  assert.equal(t.deNovo, dn);
}

test('variantType follows htslib (bcftools stats) on SNPs, MNPs, indels, symbolic, breakends', () => {
  const cases: Array<[string, string, number]> = [
    ['A', 'G', VT_SNP], ['A', 'a', VT_SNP], ['A', '.', VT_REF], ['A', 'A', VT_REF], ['A', 'X', VT_REF],
    ['A', '<*>', VT_REF], ['A', '<NON_REF>', VT_REF], ['A', '<DEL>', VT_OTHER], ['A', '*', VT_OVERLAP],
    ['AC', 'GT', VT_MNP], ['ACT', 'AGT', VT_SNP], ['ACT', 'TCGA', VT_OTHER], ['ACGT', 'A', VT_INDEL], ['A', 'ATT', VT_INDEL],
    ['AT', 'GTT', VT_OTHER], ['ACG', 'AG', VT_INDEL], ['A', 'A[chr1:5[', VT_BND], ['A', ']chr1:5]A', VT_BND],
    ['AC', 'A[chr1:5[', VT_OTHER], ['A', 'AC[chr1:5[', VT_INDEL], ['A', 'A.', VT_INDEL], ['AC', '.A', VT_MNP], ['AC', 'A.', VT_SNP],
  ];
  for (const [ref, alt, type] of cases) assert.equal(variantType(ref, alt).type, type, `${ref}>${alt}`);
  assert.equal(variantType('ACGT', 'A').n, -3);
  assert.equal(variantType('A', 'ATT').n, 2);
});

test('classifyGt and mendelian on byte-level genotypes', () => {
  const c = (s: string) => classifyGt(Buffer.from(s), 0, s.length);
  assert.equal(c('0/0'), GT_HOM_RR);
  assert.equal(c('0|0'), GT_HOM_RR | GT_PHASED);
  assert.equal(c('0/1:12,3'), GT_HET);
  assert.equal(c('1|2'), GT_HET | GT_PHASED);
  assert.equal(c('2/2'), GT_HOM_AA);
  assert.equal(c('0'), GT_HAP_R);
  assert.equal(c('3'), GT_HAP_A);
  assert.equal(c('./.'), GT_MISSING);
  assert.equal(c('1/.'), GT_MISSING);
  assert.equal(c('.'), GT_MISSING);
  assert.equal(c(':5'), GT_MISSING);
  assert.equal(c('0/0/1'), GT_HET);
  assert.equal(c('/0|1'), GT_HET | GT_PHASED);
  assert.equal(mendelian([0, 1], [0, 0], [1, 1]), 'ok');
  assert.equal(mendelian([1, 1], [0, 0], [0, 1]), 'bad');
  assert.equal(mendelian([1, 1], [-1, -1], [0, 1]), 'ok');
  assert.equal(mendelian([1, -1], [0, 0], [0, 0]), 'skip');
  assert.equal(mendelian([0, 1], [0, 0], [1]), 'ok'); // chrX: a daughter gets her father's only X
  assert.equal(mendelian([0, 1], [0, 0], [0]), 'bad');
  assert.equal(mendelian([1], [0, 1], [0]), 'ok'); // a son's X comes from his mother
  assert.equal(mendelian([1], [0, 0], [1]), 'bad');
});

test('trio example: summary equals bcftools stats, query and +mendelian', skip, async () => {
  const s = await summarize(TRIO);
  checkAgainstBcftoolsStats(s, TRIO);
  checkGenotypes(s, TRIO);
  checkSites(s, TRIO, 'ANN');
  checkTrio(s, TRIO);
  // the example is what its README says: a trio with phased calls, chrX hemizygous calls in the father,
  // multiallelic sites, indels, missing genotypes, filtered sites and de novo variants
  assert.equal(s.samples, 3);
  assert.ok(s.records >= 300 && s.records <= 2000);
  assert.ok(s.multiallelicSites > 0 && s.indels > 0 && s.filtered > 0);
  assert.ok(s.sampleCounts.every((c) => c.missing > 0 && c.phased > 0));
  assert.ok(s.sampleCounts[2].hapRef + s.sampleCounts[2].hapAlt > 0);
  assert.ok(s.trios[0].deNovo > 0 && s.trios[0].errors >= s.trios[0].deNovo);
  assert.ok(s.impact!.records.HIGH > 0 && s.clinvar!.Pathogenic > 0);
});

test('cohort example: summary equals bcftools stats and query', skip, async () => {
  const s = await summarize(COHORT);
  checkAgainstBcftoolsStats(s, COHORT);
  checkGenotypes(s, COHORT);
  checkSites(s, COHORT, 'ANN');
  assert.equal(s.trios.length, 0);
  assert.ok(s.samples >= 50 && s.samples <= 100);
  assert.ok(s.records >= 1000 && s.records <= 3000);
  // contigs from the index agree with the records
  const idx = lines(run(`bcftools index -s '${COHORT}'`)).map((l) => l.split('\t'));
  assert.deepEqual(s.contigs.map((c) => [c.id, String(c.length), String(c.records)]), idx);
});

test('edge cases: allele types, ploidies, missing and partial genotypes, VEP CSQ, Mendelian rules', skip, async () => {
  const s = await summarize(EDGE);
  checkAgainstBcftoolsStats(s, EDGE);
  checkGenotypes(s, EDGE);
  checkSites(s, EDGE, 'CSQ');
  checkTrio(s, EDGE);
  assert.equal(s.breakendAlleles, 2);
  assert.equal(s.overlapAlleles, 1);
});

test('examples are clean for bcftools and our validator, and make-examples.js rewrites them identically', skip, async () => {
  for (const f of [TRIO, COHORT]) {
    const r = sh(`bcftools view '${f}' > /dev/null`);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '', `bcftools warns on ${f}`);
    assert.ok(fs.existsSync(f + '.tbi'), `${f}.tbi`);
  }
  assert.ok(fs.existsSync(COHORT + '.csi'));
  const v = await runCli(['validate', '--format', 'json', TRIO, COHORT]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  for (const r of JSON.parse(v.stdout)) assert.equal(r.errors, 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-examples-'));
  try {
    run(`node '${path.join(ROOT, 'scripts', 'make-examples.js')}' '${dir}'`);
    for (const f of ['trio.vcf.gz', 'cohort.vcf.gz']) {
      const a = run(`gzip -dc '${path.join(ROOT, 'examples', f)}' | md5sum`);
      const b = run(`gzip -dc '${path.join(dir, f)}' | md5sum`);
      assert.equal(a, b, `examples/${f} differs from what scripts/make-examples.js writes`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cli: analyze prints validation and the summary for both examples (exit 0)', skip, async () => {
  const b = bcftoolsStats(TRIO);
  // run where the README runs it, but in a scratch directory so the report it writes lands there
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'analyze-main-'));
  fs.mkdirSync(path.join(cwd, 'examples'));
  fs.copyFileSync(TRIO, path.join(cwd, 'examples', 'trio.vcf.gz'));
  const r = await runCli(['analyze', 'examples/trio.vcf.gz'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const o = r.stdout;
  assert.match(o, /^== examples\/trio\.vcf\.gz$/m);
  const html = fs.readFileSync(path.join(cwd, 'trio.report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/i);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="https?:/i, 'self-contained report');
  // the file is stored in ./.vcf-agent of the working directory: one variant row per ALT allele
  const alts = lines(run(`bcftools query -f '%ALT\\n' '${TRIO}'`)).flatMap((a) => a.split(',')).filter((a) => a !== '.' && a !== '<*>' && a !== '<NON_REF>').length;
  const ws = path.join(cwd, '.vcf-agent');
  const info = await runCli(['db', 'info', '--db', ws]);
  assert.equal(info.code, 0, info.stderr);
  const di = JSON.parse(info.stdout);
  assert.equal(di.rows.variants, alts);
  assert.equal(di.files.length, 1);
  assert.equal(di.files[0].n_records, b.sn.get('number of records'));
  assert.match(o, new RegExp(`^Workspace: .*\\.vcf-agent \\(file id 1, stored: ${alts.toLocaleString('en-US')} variant rows`, 'm'));
  // the suggested next commands: each runs on that workspace, the variant queries return rows
  const next = o.slice(o.indexOf('\nNext, try:\n')).split('\n').filter((l) => l.startsWith('  vcf-agent '));
  assert.deepEqual(next.map((l) => l.split(/\s+/)[2]), ['variants', 'variants', 'gene', 'similar', 'sample', 'ask']);
  assert.match(next[2], /^  vcf-agent gene TTN /, 'a gene with HIGH-impact records');
  assert.match(next[5], /needs a provider/);
  for (const l of next.slice(0, 5)) {
    const argv = sh(`printf '%s\\n' ${l.replace(/^\s*vcf-agent /, '').replace(/\s+#.*$/, '')}`).stdout.split('\n').filter(Boolean);
    const x = await runCli([...argv, '--db', ws], { cwd });
    assert.equal(x.code, 0, `${l}: ${x.stderr}`);
    if (argv[0] === 'variants') assert.ok(lines(x.stdout).length > 1, `${l} returns rows`);
    else if (argv[0] === 'similar') assert.ok(lines(x.stdout).filter((r) => !r.startsWith('#')).length > 1, `${l} finds similar variants`);
    else assert.ok(JSON.parse(x.stdout).variants > 0, `${l}: ${x.stdout}`);
  }
  fs.rmSync(cwd, { recursive: true, force: true });
  assert.match(o, /^Validation: valid/m);
  assert.match(o, new RegExp(`^  records +${b.sn.get('number of records')!.toLocaleString('en-US')}$`, 'm'));
  assert.match(o, new RegExp(`^  SNPs +${b.sn.get('number of SNPs')!.toLocaleString('en-US')}$`, 'm'));
  assert.match(o, new RegExp(`^  Ts/Tv +${(b.tstv[0] / b.tstv[1]).toFixed(2)} \\(${b.tstv[0]} / ${b.tstv[1]}\\)$`, 'm'));
  const [ok, bad] = lines(run(`bcftools +mendelian '${TRIO}' -t mother,father,child -m c`)).filter((l) => !l.startsWith('#'))[0].split('\t').map(Number);
  assert.match(o, new RegExp(`child \\(mother mother, father father\\): ${ok.toLocaleString('en-US')} consistent, ${bad} Mendelian errors`));
  assert.match(o, /^  child +\d/m);
  assert.match(o, /^Functional impact \(SnpEff ANN/m);
  assert.match(o, /^ClinVar CLNSIG/m);

  const c = await runCli(['analyze', '--no-report', '--no-ingest', 'examples/cohort.vcf.gz']);
  assert.doesNotMatch(c.stdout, /^(Workspace|Next, try):/m);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^Validation: valid/m);
  assert.match(c.stdout, /^Genotypes per sample \(first 10 of 60/m);
  assert.match(c.stdout, /most missing genotypes: S\d+/);
});

test('cli: analyze --json equals the in-process summary; stdin works; --strict reflects warnings', skip, async () => {
  const s = await summarize(COHORT);
  const r = await runCli(['analyze', '--no-report', '--no-ingest', '--json', COHORT]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.validation.errors, 0);
  assert.deepEqual(j.summary, JSON.parse(JSON.stringify(s)));
  const p = await runCli(['analyze', '--no-report', '--no-ingest', '--json', '--strict', '-'], { input: fs.readFileSync(TRIO) });
  const pj = JSON.parse(p.stdout);
  assert.equal(p.code, pj.validation.warnings ? 1 : 0, p.stderr);
  assert.equal(pj.file, '-');
  assert.equal(pj.summary.file, '-');
  const t = await summarize(TRIO);
  assert.deepEqual({ ...pj.summary, file: TRIO }, JSON.parse(JSON.stringify(t)));
});

test('cli: analyze on bad input fails with one line and exit 2', async () => {
  const missing = await runCli(['analyze', 'no/such/file.vcf']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^vcf-agent: no\/such\/file\.vcf: .*\[INPUT_NOT_FOUND\]\n$/);
  const junk = await runCli(['analyze', '--no-report', '--no-ingest', '-'], { input: Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x10, 0x20, 0x30]) });
  assert.equal(junk.code, 2);
  assert.doesNotMatch(junk.stderr + junk.stdout, /\n\s+at /, 'no stack trace');
  assert.match(junk.stdout, /^Validation: INVALID/m);
  const usage = await runCli(['analyze']);
  assert.equal(usage.code, 2);
});

test('cli: analyze - stores stdin under the name "-" in --db; a file with errors is not stored', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analyze-ingest-'));
  try {
    const ws = path.join(dir, 'ws');
    // summarised but invalid (a bad QUAL): not stored, no workspace created
    const bad = '##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\t.\tA\tG\t.\tPASS\t.\n1\t200\t.\tA\tG\tabc\tPASS\t.\n';
    const r = await runCli(['analyze', '--no-report', '--db', ws, '-'], { input: bad, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /^Summary$/m);
    assert.doesNotMatch(r.stdout, /^(Workspace|Next, try):/m);
    assert.ok(!fs.existsSync(ws), 'nothing stored for a file with errors');
    const t = await runCli(['analyze', '--no-report', '--db', ws, '-'], { input: fs.readFileSync(TRIO), cwd: dir });
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^Next, try:$/m);
    assert.match(t.stdout, new RegExp(`^  vcf-agent sample child --db ${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm'));
    const after = JSON.parse((await runCli(['db', 'info', '--db', ws])).stdout);
    const trio = after.files.filter((f: { path: string }) => f.path === '-');
    assert.equal(trio.length, 1, JSON.stringify(after.files));
    assert.equal(trio[0].samples_n, 3);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ws'], 'only the workspace is written (no spool left, no report)');
    // the same content again: already stored, nothing doubled
    const again = await runCli(['analyze', '--no-report', '--json', '--db', ws, '-'], { input: fs.readFileSync(TRIO), cwd: dir });
    const j = JSON.parse(again.stdout);
    assert.equal(j.ingest.status, 'unchanged');
    assert.equal(j.ingest.fileId, trio[0].file_id);
    assert.equal(JSON.parse((await runCli(['db', 'info', '--db', ws])).stdout).rows.variants, after.rows.variants);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
