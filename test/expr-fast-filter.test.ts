/**
 * The byte-level fast path of the expression engine (src/expr/fast-filter.ts) against the general
 * engine (eval.ts): same site result and per-sample flags on generated records full of the cases
 * the fast path must either get right or decline (haploid, triploid, phased, missing alleles,
 * multi-digit alleles, malformed genotypes, '.', empty and absent fields, commas, exponents, values
 * beyond 2^24, FORMATs without the tags, reordered FORMATs), with and without sample subsets.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VcfReader } from '../src/vcf/reader.js';
import type { VcfRecord } from '../src/vcf/record.js';
import type { VcfHeader } from '../src/vcf/header.js';
import { compileFilter } from '../src/expr/filter.js';
import { parseFilter } from '../src/expr/parse.js';
import { FastFilter } from '../src/expr/fast-filter.js';
import { mulberry32 as rng } from './helpers/shared.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-fastfilter-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const GTS = ['0/0', '0/0', '0/1', '0/1', '1/1', '1/2', '0|1', '1|0', '2|2', './.', '.', '0', '1', './1', '0/.', '.|.',
  '0/0/1', '1/1/1', '10/2', '0/10', '', '/0', '|1/0', '0//1', 'x/1', '01/1', '3/3', '.', '0/0', '0/1'];
const INTS = ['.', '', '0', '5', '19', '20', '21', '35', '99', '-3', '+7', '3,4', '16777217', '100000000', '20x', '0020', '20', '30'];
const FLOATS = ['.', '1.5', '20.0', '20', '2e1', '.5', '5.', '-0', '19.999999', '20.000001', 'nan', '1,2', '0.1', '123456.789', '30.25', '20.5'];
/** values of "clean" records (70%): within the fast path's model, so that it answers often */
const GTS_CLEAN = ['0/0', '0/1', '1/1', '1/2', '0|1', '1|0', './.', '.', '0', '1', './1', '0/0/1', '10/2', '1'];
const INTS_CLEAN = ['.', '', '0', '5', '19', '20', '21', '35', '99', '-3', '16777217'];
const FLOATS_CLEAN = ['.', '1.5', '20.0', '20', '.5', '5.', '-0', '19.999999', '20.000001', '0.1', '30.25', '20.5'];
const FORMATS = ['GT:DP:GQ:XF:AD', 'GT:DP:GQ:XF:AD', 'GT:DP:GQ:XF:AD', 'DP:GT:XF:GQ', 'GT:GQ', 'DP:XF', 'GT:DP:DP:GQ:XF'];

function makeVcf(file: string, nsmpl: number, nrec: number, seed: number): void {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  let s = '##fileformat=VCFv4.2\n##contig=<ID=1,length=100000000>\n';
  s += '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">\n';
  s += '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="q">\n##FORMAT=<ID=XF,Number=1,Type=Float,Description="f">\n';
  s += '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="a">\n';
  s += '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT';
  for (let i = 0; i < nsmpl; i++) s += `\tS${i}`;
  s += '\n';
  for (let k = 0; k < nrec; k++) {
    const clean = r() < 0.7;
    const fmt = clean ? 'GT:DP:GQ:XF:AD' : pick(FORMATS);
    const keys = fmt.split(':');
    s += `1\t${k + 1}\t.\tA\tC,G\t50\tPASS\t.\t${fmt}`;
    for (let i = 0; i < nsmpl; i++) {
      const vals = keys.map((key) => (key === 'GT' ? pick(clean ? GTS_CLEAN : GTS) : key === 'XF' ? pick(clean ? FLOATS_CLEAN : FLOATS)
        : key === 'AD' ? '1,2,0' : pick(clean ? INTS_CLEAN : INTS)));
      // sometimes fewer fields than FORMAT
      const keep = r() < 0.1 ? Math.floor(r() * keys.length) + 1 : keys.length;
      s += '\t' + vals.slice(0, keep).join(':');
    }
    s += '\n';
  }
  fs.writeFileSync(file, s);
}

async function load(file: string): Promise<{ header: VcfHeader; records: VcfRecord[] }> {
  const rd = await VcfReader.open(file);
  const records: VcfRecord[] = [];
  for await (const rec of rd.records()) records.push(rec);
  await rd.close();
  return { header: rd.header, records };
}

const EXPRS = [
  'GT="het"', 'GT!="het"', 'GT="hom"', 'GT="hap"', 'GT!="hap"', 'GT="ref"', 'GT="alt"', 'GT="mis"', 'GT!="mis"',
  'GT="rr"', 'GT="ra"', 'GT="aa"', 'GT="aA"', 'GT="r"', 'GT="a"', 'GT!="a"', '"het"=GT',
  'FMT/DP>20', 'DP>=20', 'FMT/DP<20', 'DP<=20', 'DP=20', 'DP==20', 'DP!=20', '20<FMT/DP', '20>=DP', 'DP>20.5', 'DP<100000000',
  'FMT/XF>20', 'FMT/XF<=19.999999', 'XF==0.1', 'XF!=1.5', 'XF>=20.000001', 'XF<30.25',
  'GT="het" && FMT/DP>20', 'GT="het" & FMT/DP>20', 'GT="het" || FMT/DP>20', 'GT="het" | FMT/DP>20',
  '(GT="alt" & DP>10) || (GT="ref" & GQ<30)', 'GT="het" && DP>20 && GQ>=30', 'DP>30 | XF<2 & GT!="mis"',
  'FMT/DP>20 && FMT/DP<30', 'FMT/DP>20 & FMT/DP<30', 'GT="hom" | GT="het"', 'GT="mis" || XF>20', '(DP>10 || GQ>10) & GT="alt"',
];

async function compare(nsmpl: number, seed: number, subsets: Array<number[] | undefined>): Promise<void> {
  const file = path.join(tmp, `t${nsmpl}-${seed}.vcf`);
  makeVcf(file, nsmpl, 800, seed);
  const { header, records } = await load(file);
  for (const sampleIndexes of subsets) {
    const n = sampleIndexes ? sampleIndexes.length : nsmpl;
    for (const expr of EXPRS) {
      const label = `${expr} (samples ${sampleIndexes ? sampleIndexes.join(',') : 'all'})`;
      const p = parseFilter(expr, header, { sampleNames: sampleIndexes ? sampleIndexes.map((i) => header.samples[i]) : header.samples });
      const fast = FastFilter.compile(p.rpn, n, sampleIndexes ?? null);
      assert.ok(fast, `the fast path takes ${label}`);
      const general = compileFilter(expr, header, { sampleIndexes, noFastPath: true });
      const combined = compileFilter(expr, header, { sampleIndexes });
      const mask = new Uint8Array(n);
      let answered = 0;
      for (const rec of records) {
        const want = general.evaluate(rec);
        const wantSamples = want.samples ? Array.from(want.samples) : null;
        const r = fast!.run(rec, mask);
        if (r >= 0) {
          answered++;
          assert.equal(r === 1, want.pass, `${label}: site result at POS ${rec.pos}: ${rec.line}`);
          assert.deepEqual(Array.from(mask), wantSamples, `${label}: sample flags at POS ${rec.pos}: ${rec.line}`);
        }
        // the public filter (fast path with the general engine behind it) gives the same answers
        const got = combined.evaluate(rec);
        assert.equal(got.pass, want.pass, `${label}: compileFilter at POS ${rec.pos}`);
        assert.deepEqual(got.samples ? Array.from(got.samples) : null, wantSamples, `${label}: compileFilter flags at POS ${rec.pos}`);
      }
      // the generated records are mostly within the fast path's model (with one sample, most are)
      assert.ok(answered >= records.length * 0.3, `${label}: the fast path answered ${answered} of ${records.length} records`);
    }
  }
}

test('fast filter: same answers as the general engine, one sample', async () => {
  await compare(1, 11, [undefined]);
});

test('fast filter: same answers as the general engine, three samples and subsets', async () => {
  await compare(3, 12, [undefined, [2, 0], [1]]);
});

test('fast filter: same answers as the general engine, 40 samples', async () => {
  await compare(40, 13, [undefined, [5, 7, 30]]);
});

test('fast filter: declines what it does not model', async () => {
  const file = path.join(tmp, 'decl.vcf');
  makeVcf(file, 2, 5, 14);
  const { header } = await load(file);
  const compileOf = (expr: string): FastFilter | null => FastFilter.compile(parseFilter(expr, header, { sampleNames: header.samples }).rpn, 2, null);
  for (const expr of ['QUAL>10 && GT="het"', 'FMT/DP[0]>20', 'AD>2', 'GT="0/1"', 'GT~"1"', 'DP+1>20', 'SMPL_MAX(DP)>3', 'GT="het" && !(DP>3)', 'DP>GQ']) {
    let f: FastFilter | null = null;
    try { f = compileOf(expr); } catch { continue; }
    assert.equal(f, null, expr);
  }
});
