/**
 * The `filter` command: outputs compared byte for byte with bcftools filter.
 * - fixtures: test/fixtures/expr/filter-NAME.out were produced by bcftools 1.16 with the arguments
 *   listed in filter-cases.tsv (soft filters, -m +/x, -S ./0, --mask, SnpGap/IndelGap);
 * - a differential run against the installed bcftools on the generated 5,000-record slice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, SKIP_BCFTOOLS } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { filterVcf, type FilterOptions } from '../src/vcf/filter.js';
import { generateVcf } from './expr/gen-vcf.js';
import { runBcftools, pool } from './expr/diff-util.js';

/** bcftools filter arguments → our options (the subset the fixtures use) */
function optionsFrom(args: string[], input: string, output: string): FilterOptions {
  const o: FilterOptions = { input, output, noVersion: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => args[++i];
    if (a === '-i') o.include = v();
    else if (a === '-e') o.exclude = v();
    else if (a === '-s') o.softFilter = v();
    else if (a === '-S') o.setGts = v();
    else if (a === '-g') o.snpGap = v();
    else if (a === '-G') o.indelGap = Number(v());
    else if (a === '--mask') o.mask = v();
    else if (a === '--mask-overlap') o.maskOverlap = Number(v()) as 0 | 1 | 2;
    else if (a.startsWith('-m')) o.mode = a.length > 2 ? a.slice(2) : v();
    else throw new Error(`unexpected fixture argument ${a}`);
  }
  return o;
}

/** split the recorded argument string the way a shell would for these simple cases */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /(-i|-e) (.+?) (?=[-\w.]+\.vcf$)|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[1]) out.push(m[1], m[2]);
    else out.push(m[3]);
  }
  return out;
}

test('filter: fixtures produced by bcftools filter', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-filter-'));
  try {
    const rows = fs.readFileSync(fixture('expr', 'filter-cases.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(rows.length >= 12);
    for (const row of rows) {
      const [name, argStr] = row.split('\t');
      const args = splitArgs(argStr);
      const input = fixture('expr', args.pop()!);
      const out = path.join(dir, `${name}.vcf`);
      await filterVcf(optionsFrom(args, input, out));
      assert.equal(fs.readFileSync(out, 'utf8'), fs.readFileSync(fixture('expr', `filter-${name}.out`), 'utf8'), `${name}: ${argStr}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filter CLI: provenance lines, usage errors', async () => {
  const file = fixture('expr', 'basic.vcf');
  const r = await runCli(['filter', '-s', 'LowQual', '-i', 'QUAL>25', file]);
  assert.equal(r.code, 0, r.stderr);
  const head = r.stdout.split('\n').filter((l) => l.startsWith('##'));
  assert.ok(head.some((l) => l.startsWith('##vcf-agent_filterVersion=')));
  assert.ok(head.some((l) => l.startsWith('##vcf-agent_filterCommand=')));
  const want = fs.readFileSync(fixture('expr', 'filter-soft.out'), 'utf8');
  assert.equal(r.stdout.split('\n').filter((l) => !l.startsWith('##vcf-agent')).join('\n'), want);
  const both = await runCli(['filter', '-i', 'QUAL>1', '-e', 'QUAL<1', file]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /only one -i or -e/);
  const mask = await runCli(['filter', '--mask', '1:1-10', file]);
  assert.equal(mask.code, 2);
  assert.match(mask.stderr, /--soft-filter is required/);
  const badS = await runCli(['filter', '-S', 'x', file]);
  assert.equal(badS.code, 2);
});

const SLICE_CASES: string[][] = [
  [],
  ['-s', 'LowQual', '-i', 'QUAL>50 && INFO/DP>20'],
  ['-e', 'FMT/DP<10 & GT="het"'],
  ['-S', '.', '-e', 'FMT/GQ<20'],
  ['-S', '0', '-i', 'GT="alt" && FMT/DP>30'],
  ['-m', '+', '-s', 'Rare', '-i', 'AF[0]<0.2'],
  ['-m', 'x', '-i', 'TYPE="snp"'],
  ['-s', '+', '-e', 'FILTER~"q10" || MQ<20'],
  ['-g', '10'],
  ['-G', '20'],
  ['-s', 'F', '-g', '15:indel,mnp,other', '-G', '10', '-i', 'QUAL>10'],
  ['-s', 'M', '--mask', '1:1000-5000,2:100-20000', '--mask-overlap', '2'],
];

test('filter: differential vs bcftools on the generated slice', { skip: SKIP_BCFTOOLS, timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-filter-'));
  try {
    const input = path.join(dir, 'slice.vcf');
    fs.writeFileSync(input, generateVcf(5000, 20240611));
    const res = await pool(SLICE_CASES, 2, async (args, i) => {
      const bc = await runBcftools(['filter', '--no-version', ...args, input]);
      const out = path.join(dir, `ours${i}.vcf`);
      // bcftools 1.16 compares the QUALs of an IndelGap cluster as ints (newer bcftools: floats)
      await filterVcf({ ...optionsFrom(args, input, out), indelGapQualAsInt116: true });
      return { args, same: bc.ok && bc.out === fs.readFileSync(out, 'utf8'), err: bc.err };
    });
    const bad = res.filter((r) => !r.same);
    process.stdout.write(`filter on the generated slice: ${res.length - bad.length}/${res.length} outputs identical to bcftools\n`);
    assert.deepEqual(bad.map((r) => r.args.join(' ')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
