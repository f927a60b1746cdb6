/**
 * Spec-conformance test on ../shared/data/a_spec_conformance (EBI vcf-validator and hts-specs suites):
 * the ##CauseOfFailure lines are stripped first (test/conformance/harness.ts), then
 *  - >= 98% of the valid files have no error,
 *  - >= 95% of the invalid files have at least one error,
 *  - >= 85% of those rejections report, as their first error, a rule id that
 *    test/conformance/rule-map.tsv maps to the file's INVALID_RULES.tsv rule, on an offending line.
 * The checked-in docs/conformance-report.md must carry the same figures (regenerate it with
 * `npm run build && node scripts/conformance-report.js`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SKIP_SHARED, sharedPath, ROOT } from './helpers/shared.js';
import { runConformance, figures, loadRuleMap, offendingLines, stripCause } from './conformance/harness.js';
import { RULES } from '../src/vcf/rules.js';

test('conformance: rule-map.tsv names only known rule ids', () => {
  const unknown = [...loadRuleMap().keys()].filter((r) => !RULES.has(r));
  assert.deepEqual(unknown, []);
});

test('conformance: stripping and offending lines', () => {
  const src = Buffer.from('##fileformat=VCFv4.3\r\n##CauseOfFailure=INFO DB value is not a flag\r\n#CHROM\tPOS\n1\t2\n');
  assert.equal(stripCause(src).toString(), '##fileformat=VCFv4.3\r\n#CHROM\tPOS\n1\t2\n');
  const lines = ['##fileformat=VCFv4.3', '##INFO=<ID=DB,Number=0,Type=String,Description="x">', '##INFO=<ID=DP,Number=1,Type=Integer,Description="x">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO', '1\t1\t.\tA\tG\t.\t.\tDP=1', '1\t2\t.\tA\tG\t.\t.\tDB=2'];
  assert.deepEqual(offendingLines(lines, 'INFO DB Type is not Flag').lines, [2]);
  assert.deepEqual(offendingLines(lines, 'INFO DB value is not a flag').lines, [6]);
  assert.deepEqual(offendingLines(lines, 'no newline at end of file').lines, [6]);
  assert.deepEqual(offendingLines(lines, 'Whitespace in fileformat').lines, [1]);
  assert.deepEqual(offendingLines(lines, 'QUAL is not a number').lines, [5, 6]);
});

test('conformance: a_spec_conformance valid/invalid suites', { skip: SKIP_SHARED }, async (t) => {
  const s = await runConformance(sharedPath('a_spec_conformance'));
  const fig = figures(s);
  t.diagnostic(fig);
  process.stdout.write(`${fig}\n`);
  assert.ok(s.valid > 50 && s.invalid > 400, `corpus too small: ${s.valid} valid, ${s.invalid} invalid`);
  assert.ok(s.validAccepted / s.valid >= 0.98, `valid files accepted ${s.validAccepted}/${s.valid} < 98%`);
  assert.ok(s.invalidRejected / s.invalid >= 0.95, `invalid files rejected ${s.invalidRejected}/${s.invalid} < 95%`);
  assert.ok(s.matchedFirst / s.invalidRejected >= 0.85, `rejections with the mapped rule at the offending line ${s.matchedFirst}/${s.invalidRejected} < 85%`);
  // the checked-in report must describe this validator
  const report = fs.readFileSync(path.join(ROOT, 'docs', 'conformance-report.md'), 'utf8');
  assert.ok(report.includes(fig), 'docs/conformance-report.md is out of date: run `npm run build && node scripts/conformance-report.js`');
});
