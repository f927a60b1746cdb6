/**
 * The evaluation set (eval/questions.json): at least 60 questions whose answers were computed by
 * bcftools or directly from the VCF text (eval/make-questions.py), over examples/ and over the corpus
 * cohort (../shared/data/d_cohort, "data": "shared"). The oracle model issues each question's
 * expected tool calls and answers with the value in the tool result: every answer must equal the
 * independently computed one. Corpus questions are skipped with a message when the corpus is
 * absent. Plus the scorer itself (a wrong answer is scored wrong).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extract, isCorrect, loadEvalSet, loadQuestions, runEval } from '../src/agent/eval.js';
import { CAPABILITIES } from '../src/capabilities.js';
import { SKIP_SHARED } from './helpers/shared.js';

const FILE_TOOLS = new Set(['validate', 'file_header', 'stats', 'compare_files']);

test('the evaluation set: 60+ questions, each with an independent answer and known tools', () => {
  const qs = loadQuestions();
  assert.ok(qs.length >= 60, `${qs.length} questions`);
  assert.equal(new Set(qs.map((q) => q.id)).size, qs.length);
  const tools = new Set(CAPABILITIES.map((c) => c.name));
  for (const q of qs) {
    assert.ok(q.independent && q.question && q.extract, q.id);
    assert.ok(q.tools.length && q.tools.every((t) => tools.has(t.tool)), q.id);
  }
});

test('corpus questions: 15+, diverse, files named relative to the data root, store files listed', () => {
  const set = loadEvalSet();
  const shared = set.questions.filter((q) => q.data === 'shared');
  assert.ok(shared.length >= 15, `${shared.length} corpus questions`);
  const used = new Set(shared.flatMap((q) => q.tools.map((t) => t.tool)));
  for (const t of ['stats', 'query_variants', 'validate', 'graph_query', 'sample_summary', 'variant_detail']) assert.ok(used.has(t), `no corpus question uses ${t}`);
  const rel = (p: unknown, id: string): void => {
    assert.equal(typeof p, 'string', id);
    const s = p as string;
    assert.ok(!path.isAbsolute(s) && !s.split(/[\\/]/).includes('..') && s.startsWith('d_cohort/'), `${id}: ${s} is not relative to the data root`);
  };
  for (const q of shared) {
    assert.ok(!/\/work\b|\/tmp\b|\.\.\//.test(q.question + q.independent), `${q.id} names an absolute or escaping path`);
    for (const t of q.tools) {
      if (typeof t.input.file === 'string') rel(t.input.file, q.id);
      // a file tool, or a store question (the store holds shared_store)
      assert.ok(FILE_TOOLS.has(t.tool) || t.input.file !== undefined || q.store, `${q.id}: ${t.tool} needs the store but the question is not marked store`);
    }
  }
  assert.ok(set.shared_store?.length, 'shared_store lists the corpus files the store questions need');
  for (const f of set.shared_store ?? []) rel(f, 'shared_store');
  assert.ok(shared.some((q) => q.store));
});

test('scoring: right and wrong answers', () => {
  assert.equal(isCorrect('There are 1,500 records.', { type: 'number', value: 1500 }), true);
  assert.equal(isCorrect('There are 1,499 records.', { type: 'number', value: 1500 }), false);
  assert.equal(isCorrect('Ts/Tv is 2.01', { type: 'number', value: 2.0089 }), true);
  assert.equal(isCorrect('Ts/Tv is 2.1', { type: 'number', value: 2.0089 }), false);
  assert.equal(isCorrect('Carriers: child, mother.', { type: 'set', value: ['child', 'mother'] }), true);
  assert.equal(isCorrect('Carriers: child, grandmother.', { type: 'set', value: ['child', 'mother'] }), false);
  const out = { tool: 't', status: 'ok' as const, row_count: 7, data: '<<<VCF_DATA 0123456789ab\n{"facts":{"a":{"b":3}},"rows":[{"s":"x"},{"s":"y"}]}\nVCF_DATA 0123456789ab>>>' };
  assert.equal(extract(out, 'row_count'), 7);
  assert.equal(extract(out, 'facts.a.b'), 3);
  assert.deepEqual(extract(out, 'rows[*].s'), ['x', 'y']);
  assert.equal(extract(out, 'rows[1].s'), 'y');
});

test('oracle: the tools return every independently computed answer (examples/)', async () => {
  const failed: string[] = [];
  const { summary } = await runEval({ oracle: true, data: 'examples', onResult: (r) => { if (!r.correct) failed.push(`${r.id}: expected ${JSON.stringify(r.expected.value)}, got ${r.error ?? r.answer}`); } });
  assert.deepEqual(failed, []);
  assert.ok(summary.questions >= 60);
  assert.equal(summary.expectedToolsCalled, 1);
  assert.equal(summary.skipped, 0);
});

test('oracle: the tools return every independently computed answer (corpus cohort)', { skip: SKIP_SHARED }, async () => {
  const failed: string[] = [];
  const want = loadQuestions().filter((q) => q.data === 'shared').length;
  const { summary } = await runEval({ oracle: true, data: 'shared', onResult: (r) => { if (!r.correct) failed.push(`${r.id}: expected ${JSON.stringify(r.expected.value)}, got ${r.error ?? r.answer}`); } });
  assert.deepEqual(failed, []);
  assert.equal(summary.questions, want);
  assert.equal(summary.expectedToolsCalled, 1);
  assert.equal(summary.skipped, 0);
});

test('corpus questions are skipped, with a message, when the data root is absent', async () => {
  const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-nodata-')), 'shared', 'data');
  const want = loadQuestions().filter((q) => q.data === 'shared').length;
  const { results, summary } = await runEval({ oracle: true, data: 'shared', sharedData: missing });
  assert.equal(results.length, 0);
  assert.equal(summary.skipped, want);
  assert.match(summary.skippedReason ?? '', /corpus question\(s\) skipped: .*not found \(set VCF_AGENT_SHARED_DATA/);
  fs.rmSync(path.dirname(path.dirname(missing)), { recursive: true, force: true });
});
