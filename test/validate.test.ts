/**
 * Validator unit tests on own fixtures (test/fixtures/validate/cases.tsv): for every rule id a file
 * that triggers it, with the location asserted, and a valid counterpart that does not; plus the
 * result shape (--max-errors, counts), the in-memory entry point and the CLI adapter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateFile, validateBuffer, type ValidationResult } from '../src/vcf/validate.js';
import { RULE_LIST, RULES } from '../src/vcf/rules.js';
import { fixture } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';

interface Case { rule: string; severity: string; bad: string; line?: number; column?: number; good: string; options: string; note: string }

const dir = fixture('validate');
const cases: Case[] = fs.readFileSync(path.join(dir, 'cases.tsv'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [rule, severity, bad, line, column, good, options, note] = l.split('\t');
    return { rule, severity, bad, line: line ? Number(line) : undefined, column: column ? Number(column) : undefined, good, options, note };
  });

/** rules that are not produced from a fixture file, and why */
const NOT_FROM_FIXTURES: Record<string, string> = {
  INPUT_NOT_FOUND: 'tested below with a missing path',
  INPUT_READ: 'an unreadable file cannot be checked in portably (reported by the input layer)',
  GZIP_CORRUPT: 'raised by the input layer (input.ts) for a damaged deflate stream; covered by its own tests',
  BGZF_BAD_BLOCK: 'raised by the input layer (input.ts) for a crafted BGZF header; covered by its own tests',
};

function optionsOf(c: Case): { maxLineBytes?: number } {
  const m = /maxLineBytes=(\d+)/.exec(c.options);
  return m ? { maxLineBytes: Number(m[1]) } : {};
}

function describeIssues(r: ValidationResult): string {
  return r.issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.rule} ${i.message}`).join('\n');
}

test('validate: every rule id has a fixture case (or a stated reason)', () => {
  const covered = new Set(cases.map((c) => c.rule));
  const missing = RULE_LIST.map((r) => r.id).filter((id) => !covered.has(id) && !(id in NOT_FROM_FIXTURES));
  assert.deepEqual(missing, [], `rules without a fixture: ${missing.join(', ')}`);
  for (const c of cases) assert.ok(RULES.has(c.rule), `cases.tsv names an unknown rule ${c.rule}`);
  for (const r of RULE_LIST) {
    assert.match(r.id, /^[A-Z0-9_]+$/);
    assert.ok(r.description.length > 10 && !r.description.includes('\n'), `${r.id} needs a one-line description`);
  }
});

for (const c of cases) {
  test(`validate: ${c.rule} — ${c.bad} is reported${c.line ? ` at ${c.line}${c.column ? `:${c.column}` : ''}` : ''}, ${c.good} is not`, async () => {
    const opts = optionsOf(c);
    const bad = await validateFile(path.join(dir, c.bad), { ...opts, maxErrors: 0 });
    const hit = bad.issues.find((i) => i.rule === c.rule && (c.line === undefined || i.line === c.line));
    assert.ok(hit, `${c.bad}: expected ${c.rule}${c.line ? ` at line ${c.line}` : ''}, got:\n${describeIssues(bad)}`);
    assert.equal(hit.severity, c.severity, `${c.rule} severity`);
    assert.ok(hit.line !== undefined && hit.line >= 1, 'every report has a line');
    if (c.column !== undefined) assert.equal(hit.column, c.column, `${c.rule} column (got ${hit.column}: ${hit.message})`);
    assert.ok(hit.message.length > 0 && !hit.message.includes('\n'), 'one-line message');
    assert.equal(hit.file, path.join(dir, c.bad));
    if (c.severity === 'error') assert.equal(bad.valid, false);
    const good = await validateFile(path.join(dir, c.good), { maxErrors: 0 });
    // version-aware rules may still warn in the good file (e.g. an INFO key regex before 4.3)
    assert.equal(good.issues.filter((i) => i.rule === c.rule && i.severity === c.severity).length, 0, `${c.good} must not report ${c.rule} (${c.severity}):\n${describeIssues(good)}`);
    assert.equal(good.errors, 0, `${c.good} must have no errors:\n${describeIssues(good)}`);
  });
}

test('validate: a missing file is INPUT_NOT_FOUND, not an exception', async () => {
  const r = await validateFile(path.join(dir, 'no-such-file.vcf'));
  assert.equal(r.valid, false);
  assert.equal(r.issues[0].rule, 'INPUT_NOT_FOUND');
});

test('validate: the base fixture is valid with its counts, and the in-memory entry point agrees', async () => {
  const file = path.join(dir, 'base.vcf');
  const r = await validateFile(file);
  assert.deepEqual({ valid: r.valid, errors: r.errors, warnings: r.warnings, records: r.records, fileformat: r.fileformat, truncated: r.truncated },
    { valid: true, errors: 0, warnings: 0, records: 3, fileformat: 'VCFv4.3', truncated: false });
  const bad = path.join(dir, 'vcf_info_type.bad.vcf');
  const a = await validateFile(bad, { maxErrors: 0 });
  for (const chunkSize of [1, 7, 1 << 20]) {
    const b = await validateBuffer(bad, fs.readFileSync(bad), { maxErrors: 0, chunkSize });
    assert.deepEqual(b.issues, a.issues, `chunk size ${chunkSize}`);
  }
});

test('validate: --max-errors caps the report, sets truncated, and keeps counting', async () => {
  // one undeclared FILTER warning + many INFO type errors
  const head = fs.readFileSync(path.join(dir, 'base.vcf'), 'utf8').split('\n').slice(0, 12).join('\n');
  let body = '';
  for (let i = 1; i <= 50; i++) body += `1\t${i * 10}\t.\tA\tG\t.\tPASS\tDP=x${i}\tGT\t0/1\t0/0\n`;
  const data = Buffer.from(`${head}\n${body}`);
  const all = await validateBuffer('many.vcf', data, { maxErrors: 0 });
  assert.equal(all.errors, 50);
  assert.equal(all.issues.length, 50);
  assert.equal(all.truncated, false);
  const capped = await validateBuffer('many.vcf', data, { maxErrors: 5 });
  assert.equal(capped.issues.length, 5);
  assert.equal(capped.truncated, true);
  assert.equal(capped.errors, 50, 'counts cover the whole file');
  assert.deepEqual(capped.issues, all.issues.slice(0, 5));
});

test('validate: once-per-file warnings are not repeated', async () => {
  const r = await validateFile(path.join(dir, 'vcf_contig_undeclared.bad.vcf'), { maxErrors: 0 });
  assert.equal(r.issues.filter((i) => i.rule === 'VCF_CONTIG_UNDECLARED').length, 1);
});

test('cli validate: text output, exit codes, --strict and --format json', async () => {
  const good = path.join(dir, 'base.vcf');
  const warn = path.join(dir, 'vcf_filter_undeclared.bad.vcf');
  const bad = path.join(dir, 'vcf_qual_invalid.bad.vcf');
  const ok = await runCli(['validate', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /base\.vcf: valid \(3 records, 0 errors, 0 warnings\)/);
  const w = await runCli(['validate', warn]);
  assert.equal(w.code, 0);
  const ws = await runCli(['validate', '--strict', warn]);
  assert.equal(ws.code, 1, 'warnings under --strict exit 1');
  assert.match(ws.stdout, /:14:\d+: warning: .* \[VCF_FILTER_UNDECLARED\]/);
  const b = await runCli(['validate', bad, good]);
  assert.equal(b.code, 2, 'errors exit 2');
  assert.match(b.stdout, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13:\\d+: error: QUAL "high" is not a number or \\. \\[VCF_QUAL_INVALID\\]`));
  assert.match(b.stdout, /vcf_qual_invalid\.bad\.vcf: INVALID/);
  const j = await runCli(['validate', '--format', 'json', bad]);
  assert.equal(j.code, 2);
  const parsed = JSON.parse(j.stdout) as ValidationResult;
  assert.equal(parsed.valid, false);
  assert.equal(parsed.issues[0].rule, 'VCF_QUAL_INVALID');
  assert.equal(parsed.issues[0].line, 13);
  const stdin = await runCli(['validate', '-'], { input: fs.readFileSync(bad) });
  assert.equal(stdin.code, 2);
  assert.match(stdin.stdout, /^-:13:\d+: error: .*\[VCF_QUAL_INVALID\]/m);
  // an invalid file also gets the one-line first error on stderr (as every exit 2 does)
  assert.match(stdin.stderr, /^vcf-agent: -:13:\d+: QUAL "high" is not a number or \. \[VCF_QUAL_INVALID\]\n$/);
});
