/**
 * `view` with bcftools view's filter, trimming and region options (src/vcf/view-records.ts):
 * -i/-e, -a, -A/-AA, -c/-C, -q/-Q, -m/-M, -v/-V, -f, -k/-n, -p/-P, -u/-U, -x/-X, -g, -r/-R, -t/-T,
 * --regions-overlap, --targets-overlap, --write-index.
 *
 * Differential: the whole output (header and records, --no-version) must be byte-identical to
 * bcftools 1.16's for an option matrix on own fixtures (test/fixtures/view/filters.vcf covers
 * Number=A/R/G INFO and FORMAT values, strings, floats to re-format, haploid and missing genotypes,
 * phasing, FILTER lists, <*>, symbolic and breakend alleles) and on corpus files. -A/-AA (newer
 * bcftools only) are checked against values derived from htslib's bcf_remove_allele_set and, in
 * test/bcftools-cases.test.ts, against newer bcftools' own expected files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { view } from '../src/vcf/view.js';
import { SKIP_BCFTOOLS, SKIP_SHARED, fixture, sharedPath } from './helpers/shared.js';
import { ROOT } from './helpers/shared.js';
import { runCli, runCliSync } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-view-filters-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const FILTERS = fixture('view', 'filters.vcf');
const SUBSET = fixture('view', 'subset.vcf');
const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');

/** our `view --no-version ARGS FILE` and bcftools' (stdout, exit code) */
function both(file: string, args: string[]): { ours: string; theirs: string; oursCode: number | null; theirsCode: number | null; err: string } {
  const o = runCliSync(['view', '--no-version', ...args, file]);
  const t = spawnSync('bcftools', ['view', '--no-version', ...args, file], { maxBuffer: 1 << 30 });
  return { ours: o.stdout, theirs: t.stdout.toString(), oursCode: o.code, theirsCode: t.status, err: o.stderr };
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i + 1}:\n  ours   ${x[i]}\n  theirs ${y[i]}`;
  return '';
}

function assertSame(file: string, args: string[]): number {
  const r = both(file, args);
  assert.equal(r.theirsCode, 0, `bcftools view ${args.join(' ')} failed`);
  assert.equal(r.oursCode, 0, `view ${args.join(' ')}: ${r.err}`);
  if (r.ours !== r.theirs) assert.fail(`${path.basename(file)} ${args.join(' ')}: ${firstDiff(r.ours, r.theirs)}`);
  return r.ours.split('\n').filter((l) => l && !l.startsWith('#')).length;
}

const w = (s: string) => s.split(' ');

/** option sets compared with bcftools 1.16 on filters.vcf (samples A, B, C) */
const MATRIX: string[][] = [
  ['-i', 'QUAL>50'], ['-e', 'FMT/DP>4'], ['-i', 'GT="het"'], ['-e', 'N_ALT>1'], ['-i', 'INFO/DP>10', '-s', 'B', '-a'],
  // AC/AN header lines added by -c / -s make the expression read INFO/AC, INFO/AN (as bcftools)
  ['-c1', '-i', 'AC>2'], ['-i', 'AC>2'], ['-s', 'A', '-e', 'AN=6'],
  ...[
    '-a', '-a -s A', '-a -s B', '-a -s C', '-a -s ^A', '-a -s C,A', '-a -G', '-a -I -s B', '-a -s A -p', '-a -s B -P', '-a -s A,B',
    '-c 1', '-c 2:alt1', '-C 1:minor', '-c 3:major', '-C 2:nonmajor', '-q 0.5', '-q 0.2:minor', '-Q 0.5:major', '-q 0.1:nonmajor -s A',
    '-u', '-U', '-u -s C', '-x -s A', '-X -s A,B', '-x -s C', '-s A -I -x',
    '-p', '-P', '-p -s A', '-P -s B,C', '-k', '-n', '-m 3', '-M 2', '-m2 -M2',
    '-v snps', '-v indels', '-v mnps', '-v other', '-v bnd', '-v ref', '-V snps,indels', '-V other',
    '-f PASS', '-f q10', '-f .', '-f s50,.', '-f nope', '-f nope,q10',
    '-g het', '-g hom', '-g miss', '-g ^het', '-g ^hom', '-g ^miss',
    '-h -a', '-H -c1', '-G -s A -c1', '-s ^A,B,C -c1', '-I -s A -c1',
  ].map(w),
];

test('filters.vcf: output byte-identical to bcftools 1.16 for every filter/trim option set', { skip: SKIP_BCFTOOLS }, () => {
  let records = 0;
  for (const args of MATRIX) records += assertSame(FILTERS, args);
  assert.ok(records > 300, `only ${records} records compared`);
});

test('INFO entries with an empty value print as htslib prints them (text and flag keys alone, numbers as .)', { skip: SKIP_BCFTOOLS }, () => {
  const file = path.join(tmp, 'empty-values.vcf');
  fs.writeFileSync(file, [
    '##fileformat=VCFv4.2', '##contig=<ID=1>',
    '##INFO=<ID=S,Number=1,Type=String,Description="s">', '##INFO=<ID=F,Number=0,Type=Flag,Description="f">',
    '##INFO=<ID=N,Number=1,Type=Integer,Description="n">', '##INFO=<ID=R,Number=1,Type=Float,Description="r">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB',
    '1\t1\t.\tA\tC\t.\t.\tS=;F=\tGT\t0/1\t0/0',
    '1\t2\t.\tA\tC\t.\t.\tF=1;S=x;N=;R=\tGT\t0/1\t1/1',
    '1\t3\t.\tA\tC,G\t.\t.\tN=3;S=\tGT\t1/2\t0/0',
    '',
  ].join('\n'));
  // the record path (view without such options copies records byte for byte, as the README says)
  for (const o of [['-i', 'POS>0'], ['-a'], ['-s', 'A', '-i', 'POS>0'], ['-c', '1']]) assertSame(file, o);
});

test('subset.vcf and bcftools\' view.vcf: -a, -c/-q types, -x, -p and -i with -s', { skip: SKIP_BCFTOOLS }, () => {
  for (const o of ['-a', '-a -s B', '-c 1:minor', '-q 0.3:minor -s ^A', '-p', '-P', '-U', '-x -s A,B']) assertSame(SUBSET, w(o));
  if (SKIP_SHARED) return;
  const v = sharedPath('c_bcftools_expected', 'files', 'view.vcf');
  for (const o of ['-a -s NA00001', '-c 2', '-C 3:minor', '-Q 0.4:nonmajor', '-x -s NA00002', '-X -s NA00001,NA00002', '-g het', '-f .,PASS', '-k', '-G -a -s NA00003']) assertSame(v, w(o));
});

test('corpus: 1000 Genomes (1092 samples) and a 100-sample cohort: -a, -x, -G -c, -i with -s', { skip: SKIP_BCFTOOLS || SKIP_SHARED, timeout: 600_000 }, () => {
  // bcftools refuses to subset samples when the header lacks ##contig: add it, as htslib would assume it
  const kg = path.join(tmp, 'kg.vcf');
  const text = zlib.gunzipSync(fs.readFileSync(sharedPath('d_cohort', '1000G_phase1', '1kg.head_chr1.vcf.gz'))).toString('latin1');
  fs.writeFileSync(kg, text.replace('\n', '\n##contig=<ID=1>\n'), 'latin1');
  const hail = path.join(tmp, 'hail.vcf');
  fs.writeFileSync(hail, fs.readFileSync(sharedPath('d_cohort', 'hail', 'sample.vcf'), 'latin1').replace('\n', '\n##contig=<ID=20>\n'), 'latin1');
  let n = 0;
  for (const o of ['-a -s ^HG00096', '-X -s HG00096,HG00097', '-G -c1', '-i QUAL>0', '-a -p -s HG00096,HG00097']) n += assertSame(kg, w(o));
  for (const o of ['-a -s C1046::HG02024,C1046::HG02025', '-x -s C1046::HG02024', '-q 0.1:minor', '-v snps -m2 -M2']) n += assertSame(hail, w(o));
  assert.ok(n > 4000, `${n} records compared`);
});

test('regions (-r, -R, positional), targets (-t, -T, ^) and both overlap options as bcftools', { skip: SKIP_BCFTOOLS }, () => {
  const bed = path.join(tmp, 'reg.bed');
  fs.writeFileSync(bed, 'chr2\t47392000\t47400000\nchr1\t11726417\t11726417\nchr17\t7600000\t7700000\n');
  const tsv = path.join(tmp, 'reg.tsv');
  fs.writeFileSync(tsv, 'chr2\t47392040\nchr11\t108265895\n');
  const sets = [
    ['-r', 'chr2:47392040-47400000,chr1'], ['-r', 'chr17'], ['-R', bed], ['-R', tsv], ['-t', 'chr2:47392040-47400000,chr1'],
    ['-t', '^chr2,chr1'], ['-T', bed], ['-T', `^${tsv}`], ['-r', 'chr2', '--regions-overlap', '0'],
    ['-r', 'chr2:47392041-47392041', '--regions-overlap', '2'], ['-t', 'chr2:47392041-47392045', '--targets-overlap', '1'],
    ['-r', 'chr1', '-i', 'QUAL>50'], ['-r', 'chr2', '-s', 'child', '-a'], ['-r', 'chrX'],
  ];
  let n = 0;
  for (const args of sets) n += assertSame(TRIO, args);
  assert.ok(n > 1000);
  // regions after the file name, as bcftools view FILE REGION...
  const o = runCliSync(['view', '--no-version', '-H', TRIO, 'chr2:47392040-47400000', 'chr17']);
  const t = spawnSync('bcftools', ['view', '--no-version', '-H', TRIO, 'chr2:47392040-47400000', 'chr17']);
  assert.equal(o.stdout, t.stdout.toString());
});

test('-A / -AA remove <*> at variant sites / at every site (newer bcftools; GT, Number=R and G follow)', async () => {
  const rec = (args: string[]) => runCliSync(['view', '-H', ...args, FILTERS]).stdout.split('\n').filter((l) => /^1\t30[01]\t/.test(l));
  assert.deepEqual(rec(['-A']), [
    '1\t300\trs3\tC\t<*>\t.\t.\tEND=310;QS=1,0\tGT:PL:DP\t0/0:0,15,125:5\t0/0:0,12,110:4\t./.:.:.',
    '1\t301\t.\tCA\tC\t20\tPASS\tQS=0.6,0.3\tGT:PL:DP\t0/1:30,0,40:5\t1/1:50,20,0:6\t0/0:0,20,40:4',
  ]);
  assert.deepEqual(rec(['-AA']), [
    '1\t300\trs3\tC\t.\t.\t.\tEND=310;QS=1\tGT:PL:DP\t0/0:0:5\t0/0:0:4\t./.:.:.',
    '1\t301\t.\tCA\tC\t20\tPASS\tQS=0.6,0.3\tGT:PL:DP\t0/1:30,0,40:5\t1/1:50,20,0:6\t0/0:0,20,40:4',
  ]);
  // -A comes after -s and AC/AN: the counts are the kept sample's, <*>'s AC is dropped with it
  assert.deepEqual(rec(['-AA', '-s', 'C']), [
    '1\t300\trs3\tC\t.\t.\t.\tEND=310;QS=1;AN=0\tGT:PL:DP\t./.:.:.',
    '1\t301\t.\tCA\tC\t20\tPASS\tQS=0.6,0.3;AC=0;AN=2\tGT:PL:DP\t0/0:0,20,40:4',
  ]);
});

test('newer bcftools: -q/-Q with :alt1 drop records without ALT (1.16 keeps them)', async () => {
  const r = runCliSync(['view', '-H', '-q', '0.5:alt1', FILTERS]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('1\t700\t')), 'the ALT "." record is dropped');
});

test('--write-index: CSI by default, TBI with =tbi; bcftools reads regions through our index', { skip: SKIP_BCFTOOLS }, async () => {
  const out = path.join(tmp, 'w.vcf.gz');
  const r = await runCli(['view', '--no-version', '-W', '-Oz', '-o', out, '-i', 'QUAL>30', TRIO]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(out + '.csi'));
  const viaOurs = spawnSync('bcftools', ['view', '-H', '-r', 'chr2:47392040-47400000,chr17', out]).stdout.toString();
  const direct = spawnSync('bcftools', ['view', '--no-version', '-H', '-i', 'QUAL>30', '-r', 'chr2:47392040-47400000,chr17', TRIO]).stdout.toString();
  assert.ok(direct.length > 0);
  assert.equal(viaOurs, direct);
  const tbi = path.join(tmp, 't.vcf.gz');
  const r2 = await runCli(['view', '--write-index=tbi', '-o', tbi, '-s', 'child', TRIO]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(fs.existsSync(tbi + '.tbi'));
  assert.equal(spawnSync('tabix', ['-l', tbi]).stdout.toString().split('\n').filter(Boolean).length > 3, true);
});

test('usage errors exit 2 with one line', async () => {
  const cases: string[][] = [
    ['-i', 'QUAL>1', '-e', 'QUAL<1'], ['-c', '1:bogus'], ['-q', 'x'], ['-v', 'snp'], ['-m', '2x'], ['-x', '-X'],
    ['-p', '-P'], ['-u', '-U'], ['-g', 'homo'], ['-W'], ['-W', '-o', path.join(tmp, 'x.vcf')], ['-i', 'QUAL>'],
  ];
  for (const args of cases) {
    const r = await runCli(['view', ...args, FILTERS]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, /^vcf-agent: /, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('in process: view() with filters returns the kept record count', async () => {
  const out = path.join(tmp, 'inproc.vcf');
  const res = await view({ input: FILTERS, output: out, noVersion: true, types: 'snps', minAlleles: 2, maxAlleles: 2 });
  const recs = fs.readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(res.records, recs.length);
  assert.deepEqual(recs.map((l) => l.split('\t').slice(0, 2).join(':')), ['1:400', '2:300', '2:500']);
});
