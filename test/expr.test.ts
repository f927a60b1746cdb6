/**
 * Unit tests of the -i/-e expression engine on a hand-made fixture (test/fixtures/expr/basic.vcf).
 * Expected answers: test/fixtures/expr/basic.bcftools-1.16.tsv was captured from bcftools 1.16;
 * the cases below marked "newer bcftools" were computed by hand from the newer semantics that
 * ../shared/data/c_bcftools_expected targets; the helper values by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fixture } from './helpers/shared.js';
import { VcfReader } from '../src/vcf/reader.js';
import type { VcfRecord } from '../src/vcf/record.js';
import type { VcfHeader } from '../src/vcf/header.js';
import { compileFilter, ExprError, SUM, MAX, MIN, AVG, MEDIAN, STDEV, COUNT, binomTwoSided, phred, MISS } from '../src/expr/filter.js';
import { breToJs } from '../src/expr/parse-regex.js';
import { runCli } from './helpers/cli.js';

const FILE = fixture('expr', 'basic.vcf');

async function load(): Promise<{ header: VcfHeader; records: VcfRecord[] }> {
  const r = await VcfReader.open(FILE);
  const records: VcfRecord[] = [];
  for await (const rec of r.records()) records.push(rec);
  return { header: r.header, records };
}

/** our answer in the shape of the captured bcftools answers */
function answer(expr: string, header: VcfHeader, records: VcfRecord[], opts: { sampleIndexes?: number[]; allowUndefTags?: boolean } = {}): string {
  const f = compileFilter(expr, header, opts);
  const names = opts.sampleIndexes ? opts.sampleIndexes.map((i) => header.samples[i]) : header.samples;
  let s = '';
  for (const rec of records) {
    const r = f.evaluate(rec);
    if (!r.pass) continue;
    s += String(rec.pos);
    for (let i = 0; i < names.length; i++) if (!r.samples || r.samples[i]) s += ' ' + names[i];
    s += '|';
  }
  return s;
}

test('expr: answers agree with bcftools on every construct of the fixture', async () => {
  const { header, records } = await load();
  const rows = fs.readFileSync(fixture('expr', 'basic.bcftools-1.16.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(rows.length >= 100);
  for (const row of rows) {
    const [expr, want] = row.split('\t');
    assert.equal(answer(expr, header, records), want, expr);
  }
});

test('expr: newer-bcftools semantics (computed by hand)', async () => {
  const { header, records } = await load();
  // ID compares each ;-separated ID (bcftools >= 1.17; c155-c158)
  assert.equal(answer('ID="rs2"', header, records), '10 A B C|');
  assert.equal(answer('ID!="rs1"', header, records), '20 A B C|30 A B C|40 A B C|50 A B C|');
  // per-sample number of values (c006-c009)
  assert.equal(answer('SMPL_COUNT(FMT/AD)=2', header, records), '10 A B|30 A B C|');
  assert.equal(answer('sCOUNT(AD)=3', header, records), '20 A B C|');
  // values selected by the alleles of GT (c108-c110)
  assert.equal(answer('FMT/AD[GT]>3', header, records), '10 B|20 B|30 A C|');
  assert.equal(answer('FMT/AD[0:GT]>3', header, records), '30 A|');
  // GT compared with genotype strings (1.16 aborts on these; c018, c019)
  assert.equal(answer('GT="0/1"', header, records), '10 A|30 C|50 C|');
  assert.equal(answer('GT="0|1"', header, records), '20 C|');
  assert.equal(answer('GT="."', header, records), '');
  assert.equal(answer('GT="./."', header, records), '10 C|');
  assert.equal(answer('GT~"2"', header, records), '20 B|50 A|');
});

test('expr: precedence as bcftools (equal precedence is right-associative)', async () => {
  const { header, records } = await load();
  // DP=5: 5-(2-3) = 6; a left-associative reading would give 0
  assert.equal(answer('DP-2-3==6', header, records), '10 A B C|');
  assert.equal(answer('DP/5/5==5', header, records), '10 A B C|');
  // && binds tighter than ||, & than |
  assert.equal(answer('QUAL>35 || DP>6 && POS<25', header, records), '20 A B C|40 A B C|50 A B C|');
  assert.equal(answer('(QUAL>35 || DP>6) && POS<25', header, records), '20 A B C|');
  // unary minus
  assert.equal(answer('-DP==-7', header, records), '20 A B C|');
  assert.equal(answer('2*-DP<-20', header, records), '50 A B C|');
});

test('expr: sample masks, -e reading and sample subsets', async () => {
  const { header, records } = await load();
  const f = compileFilter('GT="het"', header);
  assert.equal(f.usesSamples, true);
  assert.deepEqual(f.sampleMask(records[0]), [true, false, false]);
  // -e: inverted per sample; the site passes when a sample remains
  const ex = f.excludeResult(records[0]);
  assert.equal(ex.pass, true);
  assert.deepEqual(Array.from(ex.samples!), [0, 1, 1]);
  // a site-only expression has no mask
  const g = compileFilter('QUAL>20', header);
  assert.equal(g.sampleMask(records[0]), null);
  assert.equal(g.excludeResult(records[0]).pass, true);
  // the filter sees the subset (C, A): N_SAMPLES, sample subscripts and AN follow it
  assert.equal(answer('N_SAMPLES=2', header, records, { sampleIndexes: [2, 0] }), '10 C A|20 C A|30 C A|40 C A|50 C A|');
  assert.equal(answer('FMT/GQ[0]>8', header, records, { sampleIndexes: [2, 0] }), '30 C|');
  assert.equal(answer('AN=4', header, records, { sampleIndexes: [2, 0] }), '20 C A|40 C A|50 C A|');
});

test('expr: errors carry a code, the column and a caret', async () => {
  const { header } = await load();
  const cases: Array<[string, string, number]> = [
    ['QUAL>10 && XYZ>3', 'EXPR_UNKNOWN_TAG', 12],
    ['QUAL>10 && (DP>3', 'EXPR_SYNTAX', 12],
    ['QUAL>10)', 'EXPR_SYNTAX', 8],
    ['S1="abc', 'EXPR_SYNTAX', 4],
    ['!(QUAL>10)', 'EXPR_SYNTAX', 1],
    ['S1>"a"', 'EXPR_TYPE', 3],
    ['S1==5', 'EXPR_TYPE', 3],
    ['TYPE="snv"', 'EXPR_BAD_VALUE', 6],
    ['FILTER="nope"', 'EXPR_UNKNOWN_FILTER', 8],
    ['AD[1]>3', 'EXPR_SYNTAX', 1],
    ['GQ[7]>3', 'EXPR_SYNTAX', 1],
    ['QUAL>', 'EXPR_SYNTAX', 5],
    ['QUAL 5', 'EXPR_SYNTAX', 6],
    ['DP~"x"', 'EXPR_TYPE', 3],
    ['S1~"a\\("', 'EXPR_REGEX', 4],
  ];
  for (const [expr, code, col] of cases) {
    let err: unknown;
    try { compileFilter(expr, header); } catch (e) { err = e; }
    assert.ok(err instanceof ExprError, `${expr}: expected an ExprError, got ${String(err)}`);
    assert.equal(err.code, code, `${expr}: ${err.message}`);
    assert.equal(err.kind, 'usage');
    assert.equal(err.exprColumn, col, `${expr}: ${err.message}`);
    assert.equal(err.details[0], expr);
    assert.equal(err.details[1].indexOf('^'), col - 1, `${expr}: caret ${JSON.stringify(err.details[1])}`);
  }
});

test('expr: -u treats undefined tags as missing values', async () => {
  const { header, records } = await load();
  assert.throws(() => compileFilter('NOPE>1', header), ExprError);
  const f = compileFilter('NOPE>1 || QUAL>35', header, { allowUndefTags: true });
  assert.deepEqual(f.undefinedTags, ['NOPE']);
  assert.deepEqual(records.map((r) => f.test(r)), [false, false, false, true, true]);
  assert.equal(answer('NOPE="."', header, records, { allowUndefTags: true }).split('|').length - 1, 5);
  assert.equal(answer('NOPE!="."', header, records, { allowUndefTags: true }), '');
});

test('expr: value helpers used by query formats', () => {
  assert.equal(SUM([1, 2, MISS, 4]), 7);
  assert.equal(MAX([1, 9, MISS]), 9);
  assert.equal(MIN([MISS, 3, -2]), -2);
  assert.equal(AVG([1, 2, 3, MISS]), 2);
  assert.equal(MEDIAN([5, 1, 4, 2]), 3);
  assert.equal(MEDIAN([5, 1, 4]), 4);
  assert.equal(STDEV([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  assert.equal(COUNT([1, MISS, 3]), 2);
  assert.equal(SUM([MISS]), null);
  // two-sided binomial test: equal counts 1, 10 vs 0 = 2 * 0.5^10
  assert.equal(binomTwoSided(5, 5), 1);
  assert.ok(Math.abs(binomTwoSided(10, 0) - 2 * 0.5 ** 10) < 1e-12);
  assert.equal(binomTwoSided(0, 0), -1);
  assert.ok(Math.abs(phred(0.01) - 20) < 1e-9);
});

test('expr: POSIX basic regular expressions as bcftools compiles them', () => {
  const t = (bre: string, s: string) => new RegExp(breToJs(bre), 's').test(s);
  assert.equal(t('l+o', 'hello'), false); // + is literal in a BRE
  assert.equal(t('l+o', 'l+o'), true);
  assert.equal(t('l\\+o', 'hello'), true);
  assert.equal(t('l\\{2\\}', 'hello'), true);
  assert.equal(t('(ell)', 'hello'), false);
  assert.equal(t('\\(el\\)l', 'hello'), true);
  assert.equal(t('a|b', 'b'), false);
  assert.equal(t('a\\|b', 'b'), true);
  assert.equal(t('*x', '*x'), true);
  assert.equal(t('[[:digit:]]\\{2\\}', 'rs12'), true);
  assert.equal(t('[\\.]', '\\'), true);
  assert.equal(t('^0/[1-9]', '0/1'), true);
});

test('filter CLI: an expression error exits 2 with the column and a caret line', async () => {
  const r = await runCli(['filter', '-i', 'QUAL>10 && XYZ>3', FILE]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^vcf-agent: expression error at column 12: .*"XYZ".* \[EXPR_UNKNOWN_TAG\]$/);
  assert.equal(lines[1], '  QUAL>10 && XYZ>3');
  assert.equal(lines[2], '             ^^^');
});
