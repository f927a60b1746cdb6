/**
 * `view` with bcftools 1.16 semantics, on own fixtures (test/fixtures/view): sample selection
 * (-s/-S, ^, --force-samples), AC/AN recomputation (which records, INFO order, header lines),
 * -G, -I, -h/-H, provenance, output types and BGZF. Expected values were produced by bcftools
 * 1.16; when bcftools is installed the same option matrix is also compared live, record for record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { view, AC_HDR, AN_HDR, PASS_HDR, type ViewOptions } from '../src/vcf/view.js';
import { selectSamples } from '../src/vcf/samples.js';
import { outputTypeFor, BGZF_EOF } from '../src/vcf/writer.js';
import { VcfError } from '../src/vcf/errors.js';
import { SKIP_BCFTOOLS, fixture, hasCommand } from './helpers/shared.js';
import { runCli, sh } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-view-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let nOut = 0;

/** Run view in process; returns the output text and the result. */
async function run(input: string, opts: Partial<ViewOptions> = {}) {
  const output = path.join(tmp, `out${nOut++}.vcf`);
  const warnings: string[] = [];
  const res = await view({ input, output, noVersion: true, onWarning: (w) => warnings.push(w), ...opts });
  const text = fs.readFileSync(output, 'utf8');
  const lines = text.split('\n').slice(0, -1);
  return { res, text, warnings, header: lines.filter((l) => l.startsWith('#')), records: lines.filter((l) => !l.startsWith('#')) };
}

const SUBSET = fixture('view', 'subset.vcf');
const FEATURES = fixture('view', 'features.vcf');
const NO_FORMAT = fixture('view', 'no-format.vcf');

/** POS → INFO, FORMAT and samples, as bcftools 1.16 writes them for `-s B` on subset.vcf. */
const SUBSET_B: Array<[string, string]> = [
  ['10', 'DP=30;AC=2;AN=2\tGT:DP:AD\t1|1:12:0,12'],
  ['20', 'AC=1;AN=1\tGT\t1'],
  ['30', 'DP=1;AN=1\tGT\t0'], // ALT '.': AC removed, AN in place
  ['40', 'AN=3;DP=1;AC=2,1\tGT:AD\t1/1/2:0,2,1'], // polyploid, multi-allelic: AN in place, AC appended
  ['50', 'AN=4;DP=1;DB\tDP\t2'], // no GT: INFO unchanged
  ['60', 'DB;AN=1;DP=1;AC=1\tDP:GT\t2:1'], // GT not the first FORMAT key
  ['70', 'AC=0;DP=1;AN=1\tGT\t0|.'], // missing allele not counted
  ['80', 'AC=2;AN=2\tGT\t1/1'],
  ['10', 'AC=0;AN=1\tGT:DP\t0:4'], // <*> counts as an ALT allele
  ['20', 'AN=1;AC=0\tGT\t0'], // AN=. and AC=. replaced in place
  ['40', 'DP=5\tDP\t7'],
  ['50', 'AC=2;AN=2\tGT\t1/1'], // extra sample column dropped
];

/** POS → INFO for `-s ^A,B,C` (every sample removed): AC/AN from INFO AC+AN, else all samples' GT, else 0. */
const SUBSET_NONE: Array<[string, string]> = [
  ['10', 'DP=30;AC=3;AN=4'],
  ['20', 'AC=2;AN=3'],
  ['30', 'DP=1;AN=0'], // AC has 1 value for 0 ALT alleles: counts are 0
  ['40', 'AN=5;DP=1;AC=2,2'], // AN without AC: counted over all samples
  ['50', 'AN=0;DP=1;DB;AC=0'], // no GT: zeros
  ['60', 'DB;AN=4;DP=1;AC=3'],
  ['70', 'AC=3;DP=1;AN=4'], // INFO AC+AN used as they are
  ['80', 'AC=0;AN=0'], // AC with the wrong number of values: zeros
  ['10', 'AC=0;AN=3'],
  ['20', 'AN=3;AC=1'], // AN=. is not usable: counted
  ['40', 'DP=5;AC=0;AN=0'],
  ['50', 'AC=3;AN=6'], // three header samples, the extra column ignored
];

test('-s B: AC/AN recomputed from the kept GT, in place or appended (AC then AN), as bcftools 1.16', async () => {
  const { records, header, res } = await run(SUBSET, { samples: 'B' });
  assert.deepEqual(records.map((r) => { const c = r.split('\t'); return [c[1], c.slice(7).join('\t')]; }), SUBSET_B);
  assert.equal(header[header.length - 1], '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tB');
  assert.equal(header.filter((l) => l.startsWith('##INFO=<ID=AC,')).length, 1, 'AC defined by the file: not added again');
  assert.deepEqual([res.samplesIn, res.samplesOut, res.records], [3, 1, 12]);
});

test('-s ^A,B,C removes every sample: sites-only output without ##FORMAT, AC/AN for every record, a warning', async () => {
  const { records, header, warnings } = await run(SUBSET, { samples: '^A,B,C' });
  assert.deepEqual(records.map((r) => { const c = r.split('\t'); assert.equal(c.length, 8); return [c[1], c[7]]; }), SUBSET_NONE);
  assert.ok(!header.some((l) => l.startsWith('##FORMAT')));
  assert.equal(header[header.length - 1], '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO');
  assert.deepEqual(warnings, ['subsetting has removed all samples']);
});

test('-s with the identity selection still recomputes AC/AN; -I never does', async () => {
  const same = await run(SUBSET, { samples: 'A,B,C' });
  assert.equal(same.records[0].split('\t')[7], 'DP=30;AC=3;AN=4');
  const noUpdate = await run(SUBSET, { samples: 'C,A', noUpdate: true });
  const orig = fs.readFileSync(SUBSET, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(noUpdate.records.map((r) => r.split('\t')[7]), orig.map((r) => r.split('\t')[7]));
  assert.equal(noUpdate.records[0].split('\t').slice(9).join('\t'), './.:.:.\t0/1:10:5,5');
});

test('header: PASS second, AC/AN definitions appended when missing, provenance last, FORMAT lines kept with samples', async () => {
  const withVersion = await run(FEATURES, { samples: 'S2', noVersion: false, commandLine: 'vcf-agent view -s S2 features.vcf' });
  const h = withVersion.header;
  assert.equal(h[0], '##fileformat=VCFv4.5');
  assert.equal(h[1], PASS_HDR);
  assert.equal(h.filter((l) => l.startsWith('##INFO=<ID=AC,')).length, 1);
  assert.equal(h.filter((l) => l === AN_HDR).length, 1);
  assert.ok(!h.includes(AC_HDR), 'the file defines AC: its own line is kept');
  assert.match(h[h.length - 3], /^##vcf-agent_viewVersion=\d+\.\d+\.\d+/);
  assert.match(h[h.length - 2], /^##vcf-agent_viewCommand=vcf-agent view -s S2 features\.vcf; Date=/);
  assert.ok(h.indexOf(AN_HDR) < h.length - 3);
  assert.ok(h.some((l) => l.startsWith('##FORMAT=<ID=PL,')));
  const plain = await run(FEATURES);
  assert.ok(!plain.header.some((l) => l.startsWith('##vcf-agent')), '--no-version');
  assert.ok(!plain.header.includes(AN_HDR), 'no -s: no AC/AN definitions');
});

test('an existing PASS line moves to second place with the standard description', async () => {
  const f = path.join(tmp, 'pass.vcf');
  fs.writeFileSync(f, '##fileformat=VCFv4.2\n##contig=<ID=1>\n##FILTER=<ID=PASS,Description="">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t1\t.\tA\tC\t.\tPASS\t.\n');
  const { header } = await run(f);
  assert.deepEqual(header, ['##fileformat=VCFv4.2', PASS_HDR, '##contig=<ID=1>', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']);
});

test('-G drops FORMAT, samples and ##FORMAT lines; AC/AN only change with -s', async () => {
  const g = await run(SUBSET, { dropGenotypes: true });
  assert.ok(g.records.every((r) => r.split('\t').length === 8));
  assert.equal(g.records[0], '1\t10\trs1\tA\tC\t50\tPASS\tDP=30');
  assert.ok(!g.header.some((l) => l.startsWith('##FORMAT')));
  const sg = await run(SUBSET, { samples: 'B', dropGenotypes: true });
  assert.deepEqual(sg.records.map((r) => r.split('\t')[7]), SUBSET_B.map(([, v]) => v.split('\t')[0]));
  assert.ok(sg.header.some((l) => l.startsWith('##INFO=<ID=AN,')));
});

test('-h prints the header only, -H the records only', async () => {
  const h = await run(SUBSET, { headerOnly: true, samples: 'C' });
  assert.deepEqual(h.records, []);
  assert.equal(h.header[h.header.length - 1].split('\t').slice(9).join(','), 'C');
  const H = await run(SUBSET, { noHeader: true });
  assert.deepEqual(H.header, []);
  assert.equal(H.records.length, 12);
});

test('records without FORMAT get "." for FORMAT and each sample; sites-only keeps 8 columns', async () => {
  const s = await run(NO_FORMAT, { samples: 'B' });
  assert.deepEqual(s.records, ['2\t30\t.\tA\tC\t.\tPASS\tDP=5\t.\t.', '2\t35\t.\tA\tC\t.\tPASS\tAN=3;AC=1\t.\t.']);
  const none = await run(NO_FORMAT, { samples: '^A,B,C' });
  assert.deepEqual(none.records, ['2\t30\t.\tA\tC\t.\tPASS\tDP=5;AC=0;AN=0', '2\t35\t.\tA\tC\t.\tPASS\tAN=3;AC=1']);
});

test('an empty sample column is written as "."', async () => {
  const { records } = await run(SUBSET, { samples: 'A' });
  assert.equal(records[10], '2\t40\t.\tA\tC\t.\tPASS\tDP=5\tDP\t.');
  const plain = await run(SUBSET);
  assert.equal(plain.records[10], '2\t40\t.\tA\tC\t.\tPASS\tDP=5\tDP\t.\t7\t8');
});

test('a record with fewer sample columns than the header is an error with line and column', async () => {
  const file = fixture('view', 'sample-count.vcf');
  const bad = fs.readFileSync(file, 'utf8').split('\n')[6];
  for (const opts of [{}, { samples: 'A' }, { samples: '^A', noUpdate: true }, { dropGenotypes: true }]) {
    await assert.rejects(run(file, opts), (e: unknown) => e instanceof VcfError && e.code === 'VCF_RECORD_SAMPLE_COUNT' && e.line === 7 && e.column === bad.length + 1 && /1 sample column but the header names 2 samples/.test(e.message));
  }
});

test('a GT allele beyond ALT while recomputing AC/AN is an error (as bcftools), with line and column', async () => {
  const f = path.join(tmp, 'range.vcf');
  fs.writeFileSync(f, '##fileformat=VCFv4.2\n##contig=<ID=1>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n1\t5\t.\tA\tC\t.\t.\t.\tGT\t0/1\t0/2\n');
  await assert.rejects(run(f, { samples: 'B' }), (e: unknown) => e instanceof VcfError && e.code === 'VCF_GT_ALLELE_OUT_OF_RANGE' && e.line === 5 && e.column === 26);
  const ok = await run(f, { samples: 'A' });
  assert.equal(ok.records[0].split('\t')[7], 'AC=1;AN=2');
  assert.equal((await run(f, { samples: 'B', noUpdate: true })).records.length, 1, '-I does not look at GT');
});

test('sample selection: order, ^exclude, unknown names, --force-samples, duplicates, -S files', async () => {
  const names = ['A', 'B', 'C,D', '#E'];
  assert.deepEqual(selectSamples(names, { samples: 'B,A' }).indexes, [1, 0]);
  assert.deepEqual(selectSamples(names, { samples: '^A,A,B' }).names, ['C,D', '#E']);
  assert.deepEqual(selectSamples(names, {}), { indexes: [0, 1, 2, 3], names, active: false, subset: false, warnings: [] });
  assert.equal(selectSamples(names, { samples: 'A,B,C,D'.slice(0, 3) }).active, true);
  const usage = (code: string, msg: RegExp) => (e: unknown) => e instanceof VcfError && e.kind === 'usage' && e.code === code && msg.test(e.message);
  // bcftools 1.16 splits on every comma: "C,D" cannot be selected with -s
  assert.throws(() => selectSamples(names, { samples: 'C\\,D' }), usage('SAMPLE_NOT_FOUND', /subset called for sample that does not exist in header: "C\\"/));
  assert.throws(() => selectSamples(names, { samples: '^Z' }), usage('SAMPLE_NOT_FOUND', /exclude called .*"Z". Use "--force-samples"/));
  assert.throws(() => selectSamples(names, { samples: 'A,,B' }), usage('SAMPLE_NOT_FOUND', /""/));
  assert.throws(() => selectSamples(names, { samples: 'B,A,B' }), usage('SAMPLE_DUPLICATE', /"B"/));
  assert.throws(() => selectSamples(names, { samples: 'A', samplesFile: 'x' }), usage('USAGE', /either -s/));
  const forced = selectSamples(names, { samples: 'Z,B', forceSamples: true });
  assert.deepEqual([forced.names, forced.warnings], [['B'], ['subset called for sample that does not exist in header: "Z"... skipping']]);
  const none = selectSamples(names, { samples: 'Z', forceSamples: true });
  assert.deepEqual(none.warnings, ['subset called for sample that does not exist in header: "Z"... skipping', 'subsetting has removed all samples']);

  const file = (name: string, data: string | Buffer) => { const p = path.join(tmp, name); fs.writeFileSync(p, data); return p; };
  // one name per line, verbatim: CRLF and empty lines handled, '#' and spaces are part of names
  assert.deepEqual(selectSamples(names, { samplesFile: file('s1.txt', 'B\r\n\n#E\r\nC,D\n') }).indexes, [1, 3, 2]);
  assert.deepEqual(selectSamples(names, { samplesFile: '^' + file('s2.txt', 'A\n#E\n') }).names, ['B', 'C,D']);
  assert.deepEqual(selectSamples(names, { samplesFile: file('s3.txt.gz', zlib.gzipSync('C,D\nA\n')) }).names, ['C,D', 'A']);
  assert.throws(() => selectSamples(names, { samplesFile: file('s4.txt', 'A B\n') }), usage('SAMPLE_NOT_FOUND', /"A B"/));
  assert.throws(() => selectSamples(names, { samplesFile: path.join(tmp, 'missing.txt') }), usage('SAMPLE_FILE_UNREADABLE', /cannot read/));
});

test('output type: .vcf.gz/.vcf.bgz imply BGZF, .vcf plain (even with -O z), -O b|u refused; BGZF ends with the EOF block', async () => {
  assert.equal(outputTypeFor('x.vcf.gz'), 'z');
  assert.equal(outputTypeFor('X.VCF.BGZ'), 'z');
  assert.equal(outputTypeFor('x.vcf.gz', 'v'), 'z');
  assert.equal(outputTypeFor('x.vcf', 'z'), 'v');
  assert.equal(outputTypeFor(undefined, 'z9'), 'z');
  assert.equal(outputTypeFor(undefined), 'v');
  assert.equal(outputTypeFor('out.txt', undefined, true), 'z', '-l implies compression');
  assert.throws(() => outputTypeFor(undefined, 'b'), /not supported/);
  assert.throws(() => outputTypeFor('x.bcf'), /not supported/);
  assert.throws(() => outputTypeFor(undefined, 'q'), /not recognised/);

  const plain = await run(FEATURES, { samples: 'S3,S1' });
  for (const level of [undefined, 0, 9]) {
    const out = path.join(tmp, `z${level}.vcf.gz`);
    await view({ input: FEATURES, output: out, samples: 'S3,S1', noVersion: true, compressionLevel: level });
    const z = fs.readFileSync(out);
    // every member is a BGZF block (BC extra field, BSIZE) and the last one is the EOF marker
    let p = 0, blocks = 0;
    while (p < z.length) {
      assert.deepEqual([z[p], z[p + 1], z[p + 3] & 4, z[p + 12], z[p + 13]], [0x1f, 0x8b, 4, 66, 67], `block header at ${p}`);
      p += z.readUInt16LE(p + 16) + 1;
      blocks++;
    }
    assert.equal(p, z.length);
    assert.ok(blocks >= 2);
    assert.deepEqual(z.subarray(z.length - 28), BGZF_EOF);
    assert.equal(zlib.gunzipSync(z).toString(), plain.text);
  }
});

test('bgzip -t and tabix accept our -O z output', { skip: hasCommand('tabix') && hasCommand('bgzip') ? false : 'bgzip/tabix not installed' }, async () => {
  const out = path.join(tmp, 'indexed.vcf.gz');
  await view({ input: SUBSET, output: out, samples: '^A' });
  assert.equal(sh(`bgzip -t ${out}`).code, 0);
  const ix = sh(`tabix -f -p vcf ${out} && tabix ${out} 1:30-40`);
  assert.equal(ix.code, 0, ix.stderr);
  assert.deepEqual(ix.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[1]), ['30', '40']);
});

// ---------------------------------------------------------------- live differential with bcftools

const MATRIX: Array<[string, string[]]> = [
  [SUBSET, []], [SUBSET, ['-s', 'B']], [SUBSET, ['-s', '^A']], [SUBSET, ['-s', 'C,A']], [SUBSET, ['-s', 'A,B,C']],
  [SUBSET, ['-s', '^A,B,C']], [SUBSET, ['-G']], [SUBSET, ['-s', 'B', '-G']], [SUBSET, ['-s', 'C,A', '-I']],
  [SUBSET, ['-s', '^B', '-I', '-G']], [SUBSET, ['-s', 'Z,C', '--force-samples']],
  [FEATURES, []], [FEATURES, ['-s', 'S2']], [FEATURES, ['-s', '^S1']], [FEATURES, ['-s', 'S3,S1']],
  [FEATURES, ['-s', '^S1,S2,S3']], [FEATURES, ['-G']], [FEATURES, ['-s', 'S3,S1', '-I']],
  [NO_FORMAT, ['-s', 'B']], [NO_FORMAT, ['-s', '^A,B,C']], [NO_FORMAT, ['-G']],
];

test('records are byte-identical to bcftools view for the option matrix on the fixtures', { skip: SKIP_BCFTOOLS }, async () => {
  for (const [file, args] of MATRIX) {
    const want = spawnSync('bcftools', ['view', '--no-version', '-H', ...args, file]);
    assert.equal(want.status, 0, `bcftools ${args.join(' ')}: ${want.stderr}`);
    const opts: Partial<ViewOptions> = { noHeader: true };
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-s') opts.samples = args[++i];
      else if (args[i] === '-G') opts.dropGenotypes = true;
      else if (args[i] === '-I') opts.noUpdate = true;
      else if (args[i] === '--force-samples') opts.forceSamples = true;
    }
    const ours = await run(file, opts);
    assert.equal(ours.text, want.stdout.toString(), `${path.basename(file)} ${args.join(' ')}`);
  }
});

test('bcftools reads our headers: AC/AN definitions and the #CHROM line match its own', { skip: SKIP_BCFTOOLS }, async () => {
  for (const args of [['-s', 'S2'], ['-G'], ['-s', '^S1,S2,S3']]) {
    const opts: Partial<ViewOptions> = { samples: args[0] === '-s' ? args[1] : undefined, dropGenotypes: args[0] === '-G' };
    const ours = await run(FEATURES, opts);
    const theirs = spawnSync('bcftools', ['view', '--no-version', '-h', ...args, FEATURES]).stdout.toString().split('\n').filter(Boolean);
    assert.deepEqual(ours.header, theirs, args.join(' '));
  }
});

// ---------------------------------------------------------------- CLI

test('cli: unknown sample exits 2 with one line; --force-samples warns; a bad record exits 2 with file:line:col', async () => {
  const r = await runCli(['view', '-s', 'Z', SUBSET]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /subset called for sample that does not exist in header: "Z"/);
  const f = await runCli(['view', '--no-version', '-s', 'Z,B', '--force-samples', SUBSET]);
  assert.equal(f.code, 0);
  assert.match(f.stderr, /warning: subset called for sample that does not exist in header: "Z"\.\.\. skipping/);
  assert.equal(f.stdout.split('\n').find((l) => l.startsWith('1\t10\t')), '1\t10\trs1\tA\tC\t50\tPASS\tDP=30;AC=2;AN=2\tGT:DP:AD\t1|1:12:0,12');
  const bad = await runCli(['view', fixture('view', 'sample-count.vcf')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /sample-count\.vcf:7:\d+: record has 1 sample column but the header names 2 samples \[VCF_RECORD_SAMPLE_COUNT\]/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('cli: -o x.vcf.gz writes BGZF with a ##vcf-agent provenance line; -O b writes BGZF-compressed BCF', async () => {
  const out = path.join(tmp, 'cli.vcf.gz');
  const r = await runCli(['view', '-s', '^A', '-o', out, SUBSET]);
  assert.equal(r.code, 0, r.stderr);
  const text = zlib.gunzipSync(fs.readFileSync(out)).toString();
  assert.match(text, /^##vcf-agent_viewVersion=/m);
  assert.match(text, /^##vcf-agent_viewCommand=vcf-agent view -s \^A -o .*cli\.vcf\.gz .*subset\.vcf; Date=/m);
  const bcfOut = path.join(tmp, 'cli.bcf');
  const b = await runCli(['view', '-O', 'b', '-o', bcfOut, SUBSET]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(zlib.gunzipSync(fs.readFileSync(bcfOut)).subarray(0, 5).toString('latin1'), 'BCF\x02\x02');
});

test('cli: a closed stdout ends quietly with 0', async () => {
  const r = sh(`node bin/vcf-agent.js view -s ^S1 ${fixture('view', 'features.vcf')} | head -1`);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '##fileformat=VCFv4.5\n');
  assert.equal(r.stderr, '');
});
