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
import * as zlib from 'node:zlib';
import { fixture, sharedPath, SKIP_BCFTOOLS, SKIP_SHARED } from './helpers/shared.js';
import { deflateAll } from '../src/vcf/index/bgzf.js';
import { indexFile } from '../src/vcf/index/index-file.js';
import { VcfReader } from '../src/vcf/reader.js';
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

/** a BGZF copy of a VCF (plain or gzip) in `dir`, indexed by us (CSI) */
async function bgzfIndexed(src: string, dir: string, name: string): Promise<string> {
  const raw = fs.readFileSync(src);
  const out = path.join(dir, name);
  fs.writeFileSync(out, deflateAll(raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw));
  await indexFile({ input: out, force: true });
  return out;
}

/** regions around records of the file: single bases, short and long windows, a whole contig */
async function regionsAround(file: string, n: number, seed: number): Promise<Array<[string, number, number]>> {
  const rd = await VcfReader.open(file);
  const recs: Array<[string, number]> = [];
  for await (const r of rd.records()) recs.push([r.chrom, r.pos]);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: Array<[string, number, number]> = [];
  for (let k = 0; k < n; k++) {
    const [chrom, pos] = recs[Math.floor(rnd() * recs.length)];
    const w = [0, 3, 50, 5000][k % 4];
    const beg = Math.max(1, pos - Math.floor(rnd() * (w + 1)));
    out.push([chrom, beg, beg + w]);
  }
  return out;
}

/** bcftools filter vs ours, byte for byte, for each argument list (regions/targets with other filters) */
async function regionCases(file: string, dir: string, tag: string): Promise<{ total: number; bad: string[] }> {
  const regs = await regionsAround(file, 24, 7);
  const tsv = path.join(dir, `${tag}.regions.tsv`);
  const bed = path.join(dir, `${tag}.regions.bed`);
  fs.writeFileSync(tsv, regs.map(([c, b, e]) => `${c}\t${b}\t${e}`).join('\n') + '\n');
  fs.writeFileSync(bed, regs.map(([c, b, e]) => `${c}\t${b - 1}\t${e}`).join('\n') + '\n');
  const list = regs.slice(0, 8).map(([c, b, e]) => `${c}:${b}-${e}`).join(',');
  const contigs = [...new Set(regs.map(([c]) => c))].reverse().join(',');
  const cases: string[][] = [];
  for (const m of ['0', '1', '2']) {
    cases.push(['-r', list, '--regions-overlap', m], ['-R', tsv, '--regions-overlap', m], ['-R', bed, '-s', 'Q', '-i', 'QUAL>30', '--regions-overlap', m]);
    cases.push(['-t', list, '--targets-overlap', m], ['-T', '^' + tsv, '--targets-overlap', m], ['-T', bed, '-e', 'QUAL<20', '--targets-overlap', m]);
  }
  cases.push(['-r', contigs, '-g', '10', '-G', '5'], ['-r', `${regs[0][0]}:${regs[0][1]}-`, '-t', '^' + list, '-s', 'F', '-m', '+', '-e', 'QUAL>50']);
  const res = await pool(cases, 2, async (args, i) => {
    const bc = await runBcftools(['filter', '--no-version', ...args, file]);
    const out = path.join(dir, `${tag}-ours${i}.vcf`);
    const o: FilterOptions = { input: file, output: out, noVersion: true, indelGapQualAsInt116: true };
    for (let k = 0; k < args.length; k++) {
      const a = args[k];
      const v = () => args[++k];
      if (a === '-r') o.regions = v();
      else if (a === '-R') o.regionsFile = v();
      else if (a === '-t') o.targets = v();
      else if (a === '-T') o.targetsFile = v();
      else if (a === '--regions-overlap') o.regionsOverlap = v();
      else if (a === '--targets-overlap') o.targetsOverlap = v();
      else if (a === '-s') o.softFilter = v();
      else if (a === '-i') o.include = v();
      else if (a === '-e') o.exclude = v();
      else if (a === '-m') o.mode = v();
      else if (a === '-g') o.snpGap = v();
      else if (a === '-G') o.indelGap = Number(v());
      else throw new Error(a);
    }
    await filterVcf(o);
    const ours = fs.readFileSync(out, 'utf8');
    return { args, same: bc.ok && bc.out === ours, n: ours.split('\n').filter((l) => l && l[0] !== '#').length, err: bc.err };
  });
  return { total: res.reduce((n, r) => n + r.n, 0), bad: res.filter((r) => !r.same).map((r) => `${tag}: ${r.args.join(' ').slice(0, 120)}`) };
}

test('filter -r/-R/-t/-T and the overlap options: identical to bcftools filter (fixtures, generated slice)', { skip: SKIP_BCFTOOLS, timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-filter-reg-'));
  try {
    const slice = path.join(dir, 'slice.vcf');
    fs.writeFileSync(slice, generateVcf(3000, 99));
    let total = 0;
    const bad: string[] = [];
    for (const [src, name] of [[fixture('regions', 'overlap.vcf'), 'overlap.vcf.gz'], [slice, 'slice.vcf.gz']]) {
      const r = await regionCases(await bgzfIndexed(src, dir, name), dir, name);
      total += r.total;
      bad.push(...r.bad);
    }
    process.stdout.write(`filter regions/targets: ${total} records written, ${bad.length} cases differ from bcftools\n`);
    assert.deepEqual(bad, []);
    assert.ok(total > 2000, `only ${total} records compared`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filter -r/-R/-t/-T: identical to bcftools filter on corpus files', { skip: SKIP_SHARED || SKIP_BCFTOOLS, timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-filter-reg-'));
  try {
    let total = 0;
    const bad: string[] = [];
    for (const rel of ['b_parser_edge_cases/cyvcf2/multi-contig.vcf.gz', 'd_cohort/platinum/PG_NA12878_chr21.vcf.gz']) {
      const r = await regionCases(await bgzfIndexed(sharedPath(rel), dir, path.basename(rel)), dir, path.basename(rel));
      total += r.total;
      bad.push(...r.bad);
    }
    process.stdout.write(`filter regions/targets on corpus files: ${total} records written, ${bad.length} cases differ from bcftools\n`);
    assert.deepEqual(bad, []);
    assert.ok(total > 1000, `only ${total} records compared`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filter CLI: regions need an index, contig aliases are used with a notice, absent contigs are empty', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-filter-reg-'));
  try {
    const file = path.join(dir, 'ov.vcf.gz');
    fs.writeFileSync(file, deflateAll(fs.readFileSync(fixture('regions', 'overlap.vcf'))));
    const noIdx = await runCli(['filter', '-r', '1:100-300', file]);
    assert.equal(noIdx.code, 2);
    assert.match(noIdx.stderr, /no index found .*vcf-agent index/);
    await indexFile({ input: file });
    const body = (s: string) => s.split('\n').filter((l) => l && l[0] !== '#');
    const plain = await runCli(['filter', '--no-version', '-r', '1:100-300,X:1-5000', file]);
    const alias = await runCli(['filter', '--no-version', '-r', 'chr1:100-300,chrX:1-5000', file]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(body(plain.stdout).length > 5);
    assert.equal(alias.stdout, plain.stdout);
    assert.match(alias.stderr, /region contig "chr1" is spelled "1" in .*: using "1"/);
    assert.match(alias.stderr, /region contig "chrX" is spelled "X"/);
    const talias = await runCli(['filter', '--no-version', '-t', 'chr1:100-300,chrX:1-5000', file]);
    assert.equal(talias.stdout, plain.stdout);
    assert.match(talias.stderr, /target contig "chr1" is spelled "1"/);
    const absent = await runCli(['filter', '--no-version', '-r', 'chr5:1-1000', file]);
    assert.equal(absent.code, 0, absent.stderr);
    assert.deepEqual(body(absent.stdout), []);
    assert.match(absent.stderr, /region contig "chr5" is not in .*no records for it/);
    const badOv = await runCli(['filter', '-r', '1', '--regions-overlap', '3', file]);
    assert.equal(badOv.code, 2);
    assert.match(badOv.stderr, /--regions-overlap must be 0, 1 or 2/);
    const both = await runCli(['filter', '-t', '1', '-T', file, file]);
    assert.equal(both.code, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
