/**
 * The evaluation set (eval/questions.json): at least 60 questions whose answers were computed by
 * bcftools or directly from the VCF text (eval/make-questions.py). The oracle model issues each
 * question's expected tool calls and answers with the value in the tool result: every answer must
 * equal the independently computed one. Plus the scorer itself (a wrong answer is scored wrong).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extract, isCorrect, loadQuestions, runEval } from '../src/agent/eval.js';
import { CAPABILITIES } from '../src/capabilities.js';

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

test('oracle: the tools return every independently computed answer', async () => {
  const failed: string[] = [];
  const { summary } = await runEval({ oracle: true, onResult: (r) => { if (!r.correct) failed.push(`${r.id}: expected ${JSON.stringify(r.expected.value)}, got ${r.error ?? r.answer}`); } });
  assert.deepEqual(failed, []);
  assert.ok(summary.questions >= 60);
  assert.equal(summary.expectedToolsCalled, 1);
});
