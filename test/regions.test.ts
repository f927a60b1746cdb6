/**
 * Regions (-r/-R) and targets (-t/-T) with bcftools semantics: parsing, sorting/merging, the
 * three overlap modes, contig aliasing, and differential runs against `bcftools view -H` on
 * corpus files and fixtures (identical records, in the same order).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { SKIP_SHARED, SKIP_BCFTOOLS, sharedPath, fixture } from './helpers/shared.js';
import { deflateAll } from '../src/vcf/index/bgzf.js';
import { indexFile } from '../src/vcf/index/index-file.js';
import { openRegionQuery, type RegionQueryOptions } from '../src/vcf/region-reader.js';
import {
  MAX_COORD, RegionSet, TargetsFilter, contigAliases, parseOverlapMode, parseRegionList, parseTargetsArg,
  readRegionsFile, resolveContigs, type Region,
} from '../src/vcf/regions.js';
import { VcfReader } from '../src/vcf/reader.js';
import { VcfHeader } from '../src/vcf/header.js';
import { detectBuild } from '../src/vcf/build.js';
import { VcfError } from '../src/vcf/errors.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-regions-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

function tmpFile(name: string, text: string): string {
  const p = path.join(TMP, name);
  fs.writeFileSync(p, text);
  return p;
}

/** BGZF copy of a VCF (plain or gzip) in its own directory, indexed by us. */
async function prepared(src: string, name: string): Promise<string> {
  const dir = path.join(TMP, 'ours-' + name);
  fs.mkdirSync(dir, { recursive: true });
  const raw = fs.readFileSync(src);
  const out = path.join(dir, name);
  fs.writeFileSync(out, deflateAll(raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw));
  await indexFile({ input: out });
  return out;
}

/** The same bytes in another directory with bcftools' own index. */
function theirCopy(file: string): string {
  const dir = path.join(TMP, 'theirs-' + path.basename(file));
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, path.basename(file));
  fs.copyFileSync(file, out);
  const r = spawnSync('bcftools', ['index', '-f', out]);
  assert.equal(r.status, 0, r.stderr.toString());
  return out;
}

const key = (line: string) => line.split('\t').slice(0, 5).join('\t');

function bcftools(file: string, args: string[]): string[] {
  const r = spawnSync('bcftools', ['view', '-H', ...args, file], { maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `bcftools view ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString().split('\n').filter(Boolean).map(key);
}

async function ours(file: string, opts: RegionQueryOptions): Promise<{ lines: string[]; notices: string[] }> {
  const q = await openRegionQuery(file, opts);
  const lines: string[] = [];
  for await (const b of q.batches()) for (const r of b) lines.push(key(r.line));
  return { lines, notices: q.notices };
}

async function oursTargets(file: string, arg: string, isFile: boolean, overlap: 0 | 1 | 2): Promise<string[]> {
  const { exclude, spec } = parseTargetsArg(arg);
  const set = isFile ? RegionSet.from(await readRegionsFile(spec)) : RegionSet.from(parseRegionList(spec).regions);
  const rd = await VcfReader.open(file);
  const f = new TargetsFilter(set, { overlap, exclude, header: rd.header });
  const out: string[] = [];
  for await (const r of f.filter(rd.records())) out.push(key(r.line));
  return out;
}

function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function randomRegions(file: string, n: number, seed: number): Promise<Region[]> {
  const rd = await VcfReader.open(file);
  const recs: Array<[string, number]> = [];
  for await (const r of rd.records()) recs.push([r.chrom, r.pos]);
  const rnd = rng(seed);
  const out: Region[] = [];
  for (let k = 0; k < n; k++) {
    const [chrom, pos] = recs[Math.floor(rnd() * recs.length)];
    const w = [0, 1, 5, 60, 2000, 300000][Math.floor(rnd() * 6)];
    const beg = Math.max(1, pos - Math.floor(rnd() * (w + 1)));
    out.push({ chrom, beg, end: beg + Math.floor(rnd() * (w + 1)) });
  }
  return out;
}

test('regions: bcftools region syntax', () => {
  const p = (s: string) => parseRegionList(s).regions.map((r) => `${r.chrom}:${r.beg}-${r.end === MAX_COORD ? 'max' : r.end === MAX_COORD - 1 ? 'open' : r.end}`);
  assert.deepEqual(p('1'), ['1:1-max']);
  assert.deepEqual(p('1:100'), ['1:100-100']);
  assert.deepEqual(p('chr1:100-200'), ['chr1:100-200']);
  assert.deepEqual(p('1:100-'), ['1:100-open']);
  assert.deepEqual(p('1:1k-2.5k,2:1e3-2E3,X:1M'), ['1:1000-2500', '2:1000-2000', 'X:1000000-1000000']);
  assert.deepEqual(p('20:5-6,19,X:7,'), ['20:5-6', '19:1-max', 'X:7-7']);
  assert.deepEqual(p('{HLA-A*01:01:01:01}:5-10,{weird}'), ['HLA-A*01:01:01:01:5-10', 'weird:1-max']);
  assert.deepEqual(p('1:0-10'), ['1:1-10']);
  for (const bad of ['1:', '1:abc', '1:100x', '1:100-200x', '{abc', '', ',', '1:-5']) {
    assert.throws(() => parseRegionList(bad), (e: unknown) => e instanceof VcfError && e.code === 'REGION_SYNTAX', bad);
  }
  // a comma separates regions, as in bcftools: say so when it looks like a thousands separator
  const t = parseRegionList('1:1,000,000-2,000,000');
  assert.deepEqual(t.regions.map((r) => r.chrom), ['1', '000', '000-2', '000', '000']);
  assert.match(t.notices.join('\n'), /a comma separates regions/);
  assert.deepEqual(parseRegionList('1:100,200:300').notices, []);
  assert.equal(parseOverlapMode(undefined), 1);
  assert.equal(parseOverlapMode(undefined, '--targets-overlap'), 0);
  assert.equal(parseOverlapMode('variant'), 2);
  assert.throws(() => parseOverlapMode('3'), /must be 0, 1 or 2/);
  assert.deepEqual(parseTargetsArg('^1:5'), { exclude: true, spec: '1:5' });
});

test('regions: sorted and merged within a contig, contigs in order of first appearance', () => {
  const set = RegionSet.from(parseRegionList('2:50-60,1:10-20,2:1-5,2:55-70,1:30,2:71-80,1:200-100').regions);
  assert.deepEqual(set.seqs, ['2', '1']);
  assert.deepEqual(set.intervals('2'), [{ beg: 1, end: 5 }, { beg: 50, end: 70 }, { beg: 71, end: 80 }]);
  assert.deepEqual(set.intervals('1'), [{ beg: 10, end: 20 }, { beg: 30, end: 30 }]);
  assert.deepEqual(set.dropped, [{ chrom: '1', beg: 200, end: 100 }]);
  assert.ok(set.overlaps('2', 60, 72) && !set.overlaps('2', 6, 49) && !set.overlaps('3', 1, 10));
  // an insertion point (beg > end) overlaps only inside a region
  assert.ok(set.overlaps('2', 52, 51) && !set.overlaps('2', 71, 70));
});

test('regions: files are TSV (1-based) or BED (0-based) as bcftools reads them', async () => {
  const reg = (rs: Region[]) => rs.map((r) => `${r.chrom}:${r.beg}-${r.end}`);
  assert.deepEqual(reg(await readRegionsFile(tmpFile('a.tsv', '#c\tp\n1\t100\t200\n2\t5\t5\textra\n'))), ['1:100-200', '2:5-5']);
  assert.deepEqual(reg(await readRegionsFile(tmpFile('b.tsv', '1\t100\n1\t300\t999\n'))), ['1:100-100', '1:300-300']);
  assert.deepEqual(reg(await readRegionsFile(tmpFile('c.bed', 'chr1\t99\t200\nchr2\t0\t1\n'))), ['chr1:100-200', 'chr2:1-1']);
  fs.writeFileSync(path.join(TMP, 'd.bed.gz'), zlib.gzipSync('1\t9\t10\n'));
  assert.deepEqual(reg(await readRegionsFile(path.join(TMP, 'd.bed.gz'))), ['1:10-10']);
  assert.deepEqual(reg(await readRegionsFile(tmpFile('e.tsv', '1\t1k\t2k\n'))), ['1:1000-2000']);
  assert.deepEqual(reg(await readRegionsFile(tmpFile('f.vcf', '##fileformat=VCFv4.2\n#CHROM\tPOS\n1\t5\t.\tA\tC\n'))), ['1:5-5']);
  const bad: Array<[string, RegExp]> = [
    ['1\t100\t200\n1\t300\n', /g\.tsv:2: no END column/],
    ['1\t100x\t200\n', /g\.tsv:1: column 2 \("100x"\) is not a position/],
    ['1 100 200\n', /g\.tsv:1: only one column/],
    ['#only a comment\n', /no regions in the file/],
  ];
  for (const [text, re] of bad) {
    await assert.rejects(readRegionsFile(tmpFile('g.tsv', text)), (e: unknown) => e instanceof VcfError && re.test(e.oneLine()));
  }
});

test('regions: contig aliases chr1/1, chrX/X, chrM/MT', () => {
  assert.deepEqual(contigAliases('chr1'), ['1']);
  assert.deepEqual(contigAliases('1'), ['chr1']);
  assert.deepEqual(contigAliases('X'), ['chrX']);
  assert.deepEqual(contigAliases('chrM'), ['MT', 'chrMT', 'M']);
  assert.deepEqual(contigAliases('MT'), ['chrM', 'chrMT', 'M']);
  const r = resolveContigs(RegionSet.from(parseRegionList('chr1:5-6,chrM,1:10,chr9').regions), new Set(['1', 'MT', 'X']), 'region', 'f.vcf.gz');
  assert.deepEqual(r.set.seqs, ['1', 'MT']);
  assert.deepEqual(r.set.intervals('1'), [{ beg: 5, end: 6 }, { beg: 10, end: 10 }]);
  assert.deepEqual(r.missing, ['chr9']);
  assert.deepEqual(r.notices, [
    'region contig "chr1" is spelled "1" in f.vcf.gz: using "1"',
    'region contig "chrM" is spelled "MT" in f.vcf.gz: using "MT"',
    'region contig "chr9" is not in f.vcf.gz (nor "9"): no records for it',
  ]);
});

const FIXTURE = fixture('regions', 'overlap.vcf');
/** corpus files, and whether to run the (streaming, whole-file) targets comparison on them */
const CORPUS: Array<[string, boolean]> = [
  ['b_parser_edge_cases/cyvcf2/multi-contig.vcf.gz', true],
  ['d_cohort/platinum/PG_NA12878_chr21.vcf.gz', false],
  ['d_cohort/hail_gvcf/1kg_chr22/HG00190.hg38.g.vcf.gz', true],
];

async function differential(src: string, name: string, seed: number, targets = true): Promise<number> {
  const file = await prepared(src, name);
  const theirs = theirCopy(file);
  const regions = await randomRegions(file, 40, seed);
  const tsv = tmpFile(`${name}.regions.tsv`, regions.map((r) => `${r.chrom}\t${r.beg}\t${r.end}`).join('\n') + '\n');
  const bed = tmpFile(`${name}.regions.bed`, regions.map((r) => `${r.chrom}\t${r.beg - 1}\t${r.end}`).join('\n') + '\n');
  const contigs = [...new Set(regions.map((r) => r.chrom))];
  const lists = [
    regions.slice(0, 8).map((r) => `${r.chrom}:${r.beg}-${r.end}`).join(','),
    contigs.reverse().join(','),
    `${regions[0].chrom}:${regions[0].beg}-`,
  ];
  let compared = 0;
  for (const mode of ['0', '1', '2']) {
    const cases: Array<[string[], RegionQueryOptions]> = [
      [['-R', tsv], { regionsFile: tsv }],
      [['-R', bed], { regionsFile: bed }],
      ...lists.map((l): [string[], RegionQueryOptions] => [['-r', l], { regions: l }]),
    ];
    for (const [args, opts] of cases) {
      const want = bcftools(theirs, [...args, '--regions-overlap', mode]);
      const got = await ours(file, { ...opts, overlap: mode });
      assert.deepEqual(got.lines, want, `${name}: ${args.join(' ').slice(0, 100)} --regions-overlap ${mode}`);
      compared += want.length;
    }
  }
  for (const mode of targets ? [0, 1, 2] as const : []) {
    const tl = regions.slice(0, 10).map((r) => `${r.chrom}:${r.beg}-${r.end}`).join(',');
    for (const [flag, arg] of [['-T', tsv], ['-T', '^' + tsv], ['-t', tl], ['-t', '^' + tl]]) {
      const want = bcftools(theirs, [flag, arg, '--targets-overlap', String(mode)]);
      const got = await oursTargets(file, arg, flag === '-T', mode);
      assert.deepEqual(got, want, `${name}: ${flag} ${arg.slice(0, 80)} --targets-overlap ${mode}`);
    }
  }
  return compared;
}

test('regions: same records as bcftools view -r/-R/-t/-T on the overlap fixture (all modes)', { skip: SKIP_BCFTOOLS }, async () => {
  const n = await differential(FIXTURE, 'overlap.vcf.gz', 3);
  assert.ok(n > 100, `only ${n} records compared`);
});

test('regions: same records as bcftools view -r/-R/-t/-T on corpus files', { skip: SKIP_SHARED || SKIP_BCFTOOLS }, async () => {
  let n = 0;
  for (const [i, [rel, targets]] of CORPUS.entries()) n += await differential(sharedPath(rel), path.basename(rel), 17 + i, targets);
  assert.ok(n > 1000, `only ${n} records compared`);
});

test('regions: a record overlapping two regions is written once, as bcftools does', async () => {
  const file = await prepared(FIXTURE, 'dedup.vcf.gz');
  // del10 (1:150, REF 10 bp) overlaps both regions; snp_in_del (1:155) only the second
  const r = await ours(file, { regions: '1:152-153,1:155-157' });
  assert.deepEqual(r.lines.map((l) => l.split('\t')[2]), ['del10', 'snp_in_del']);
  // with POS-only overlap, del10 starts outside both
  assert.deepEqual((await ours(file, { regions: '1:152-153,1:155-157', overlap: 0 })).lines.map((l) => l.split('\t')[2]), ['snp_in_del']);
  // variant overlap: the insertion G>GA at 158 lies between 158 and 159
  assert.deepEqual((await ours(file, { regions: '1:158-159', overlap: 2 })).lines.map((l) => l.split('\t')[2]), ['del10', 'ins']);
  assert.deepEqual((await ours(file, { regions: '1:158', overlap: 2 })).lines.map((l) => l.split('\t')[2]), ['del10']);
  if (!SKIP_BCFTOOLS) {
    const theirs = theirCopy(file);
    for (const [reg, mode] of [['1:152-153,1:155-157', '1'], ['1:152-153,1:155-157', '0'], ['1:158-159', '2'], ['1:158', '2']]) {
      assert.deepEqual((await ours(file, { regions: reg, overlap: mode })).lines, bcftools(theirs, ['-r', reg, '--regions-overlap', mode]), `${reg} ${mode}`);
    }
  }
});

test('regions: chr1/1, chrX/X, chrM/MT aliasing is used and reported, never a silent empty result', async () => {
  const file = await prepared(FIXTURE, 'alias.vcf.gz');
  const plain = await ours(file, { regions: '1:100-300,X:1-5000,MT' });
  const aliased = await ours(file, { regions: 'chr1:100-300,chrX:1-5000,chrM' });
  assert.ok(plain.lines.length > 5);
  assert.deepEqual(aliased.lines, plain.lines);
  assert.deepEqual(aliased.notices, [
    'region contig "chr1" is spelled "1" in ' + file + ': using "1"',
    'region contig "chrX" is spelled "X" in ' + file + ': using "X"',
    'region contig "chrM" is spelled "MT" in ' + file + ': using "MT"',
  ]);
  const missing = await ours(file, { regions: 'chr5:1-100,1:100' });
  assert.deepEqual(missing.lines.map((l) => l.split('\t')[2]), ['snp1']);
  assert.match(missing.notices.join('\n'), /region contig "chr5" is not in .* \(nor "5"\): no records for it/);
  const inverted = await ours(file, { regions: '1:300-100' });
  assert.deepEqual(inverted.lines, []);
  assert.match(inverted.notices.join('\n'), /1:300-100 is empty: its start is after its end/);
  // targets: streaming, aliasing against the records' own spelling
  const rd = await VcfReader.open(file);
  const notices: string[] = [];
  const f = new TargetsFilter(RegionSet.from(parseRegionList('chrX:1-5000,chr7').regions), { header: rd.header, onNotice: (m) => notices.push(m), fileLabel: 'alias.vcf.gz' });
  const ids: string[] = [];
  for await (const r of f.filter(rd.records())) ids.push(r.id);
  assert.deepEqual(ids, ['x1', 'x2']);
  assert.deepEqual(notices, [
    'target contig "chrX" is spelled "X" in alias.vcf.gz: using "X"',
    'target contig "chr7" is not in alias.vcf.gz: no records for it',
  ]);
});

test('regions: a missing index or an unindexable file is a clear error', async () => {
  const dir = path.join(TMP, 'noindex');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'x.vcf.gz');
  fs.writeFileSync(file, deflateAll(fs.readFileSync(FIXTURE)));
  await assert.rejects(openRegionQuery(file, { regions: '1' }), (e: unknown) =>
    e instanceof VcfError && e.code === 'INDEX_NOT_FOUND' && /x\.vcf\.gz\.csi, x\.vcf\.csi, x\.vcf\.gz\.tbi, x\.vcf\.tbi.*vcf-agent index/.test(e.message));
  const gz = path.join(dir, 'y.vcf.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(FIXTURE)));
  await assert.rejects(openRegionQuery(gz, { regions: '1' }), (e: unknown) => e instanceof VcfError && e.code === 'INDEX_NEEDS_BGZF' && /-t\/-T/.test(e.message));
  await assert.rejects(openRegionQuery(FIXTURE, { regions: '1' }), (e: unknown) => e instanceof VcfError && e.code === 'INDEX_NEEDS_BGZF');
  await assert.rejects(openRegionQuery('-', { regions: '1' }), (e: unknown) => e instanceof VcfError && /stdin/.test(e.message));
  // an index found by the .vcf.csi name, as htslib looks for it
  await indexFile({ input: file, output: path.join(dir, 'x.vcf.csi') });
  assert.ok((await ours(file, { regions: '1:100' })).lines.length === 1);
});

test('build: detected from ##contig lengths, with evidence', async () => {
  const h = (contigs: Array<[string, number?]>, extra: string[] = []) =>
    VcfHeader.parse(['##fileformat=VCFv4.2', ...contigs.map(([id, len]) => `##contig=<ID=${id}${len ? `,length=${len}` : ''}>`), ...extra, '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']);
  const fx = detectBuild((await VcfReader.open(FIXTURE)).header);
  assert.equal(fx.build, 'GRCh37');
  assert.equal(fx.name, 'GRCh37');
  assert.equal(fx.naming, 'ensembl');
  assert.deepEqual(fx.evidence, ['1 length 249250621 = GRCh37', 'X length 155270560 = GRCh37']);
  const hg38 = detectBuild(h([['chr1', 248956422], ['chr2', 242193529], ['chrM', 16569], ['chrUn_x', 5]]));
  assert.deepEqual([hg38.build, hg38.name, hg38.naming, hg38.source], ['GRCh38', 'hg38', 'ucsc', 'contig-lengths']);
  const hg19 = detectBuild(h([['chr21', 48129895], ['chrM', 16571]]));
  assert.deepEqual([hg19.build, hg19.name], ['GRCh37', 'hg19']);
  assert.ok(hg19.evidence.includes('chrM length 16571 = hg19 (GRCh37)'));
  const mixed = detectBuild(h([['1', 249250621], ['2', 242193529]]));
  assert.equal(mixed.build, null);
  assert.ok(mixed.conflicts.length >= 2);
  const odd = detectBuild(h([['chr1', 1000]]));
  assert.deepEqual([odd.build, odd.conflicts], [null, ['chr1 length 1000 matches no known build']]);
  const ref = detectBuild(h([['1']], ['##reference=file:///data/human_g1k_v37.fasta']));
  assert.deepEqual([ref.build, ref.source], ['GRCh37', 'reference-line']);
  assert.deepEqual(detectBuild(h([])), { build: null, name: null, naming: null, source: null, evidence: [], conflicts: [] });
  if (!SKIP_SHARED) {
    const pg = detectBuild((await VcfReader.open(sharedPath('d_cohort/platinum/PG_NA12878_chr21.vcf.gz'))).header);
    assert.deepEqual([pg.build, pg.name, pg.naming], ['GRCh37', 'hg19', 'ucsc']);
  }
});

test('contig naming in query, filter and stats (VCF and BCF): aliases used with a notice, absent contigs empty, a missing index explained', async () => {
  const { runCli } = await import('./helpers/cli.js');
  const vcf = await prepared(FIXTURE, 'cli-alias.vcf.gz');
  const files = [vcf];
  if (!SKIP_BCFTOOLS) {
    const bcf = path.join(path.dirname(vcf), 'cli-alias.bcf');
    assert.equal(spawnSync('bcftools', ['view', '--no-version', '-Ob', '-o', bcf, vcf]).status, 0);
    await indexFile({ input: bcf });
    files.push(bcf);
  }
  const body = (s: string) => s.split('\n').filter((l) => l && !l.startsWith('#'));
  const cmds: Array<[string, string[]]> = [
    ['query', ['query', '-f', '%CHROM\\t%POS\\t%ID\\n']],
    ['filter', ['filter', '--no-version']],
    ['stats', ['stats']],
  ];
  for (const file of files) {
    for (const [name, args] of cmds) {
      const what = `${name} ${path.basename(file)}`;
      const plain = await runCli([...args, '-r', '1:100-300,X:1-5000,MT', file]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stderr, '', what);
      const alias = await runCli([...args, '-r', 'chr1:100-300,chrX:1-5000,chrM', file]);
      assert.equal(alias.code, 0, alias.stderr);
      const stable = (s: string) => s.split('\n').filter((l) => !/^# The command line was|^##vcf-agent_/.test(l)).join('\n');
      assert.equal(stable(alias.stdout), stable(plain.stdout), `${what}: aliased regions give the same output`);
      assert.ok(name === 'stats' ? /number of records:\t1\d/.test(plain.stdout) : body(plain.stdout).length >= 10, `${what}: records found`);
      for (const [from, to] of [['chr1', '1'], ['chrX', 'X'], ['chrM', 'MT']]) {
        assert.ok(alias.stderr.includes(`region contig "${from}" is spelled "${to}" in ${file}: using "${to}"`), `${what}: notice for ${from}\n${alias.stderr}`);
      }
      const targets = await runCli([...args, '-t', 'chr1:100-300,chrX:1-5000,chrM', file]);
      assert.equal(stable(targets.stdout), stable(plain.stdout), `${what}: aliased targets give the same output`);
      assert.match(targets.stderr, /target contig "chrX" is spelled "X"/);
      const absent = await runCli([...args, '-r', 'chr9:1-1000', file]);
      assert.equal(absent.code, 0, `${what}: absent contig is not an error: ${absent.stderr}`);
      assert.match(absent.stderr, /region contig "chr9" is not in .* \(nor "9"\): no records for it/);
      if (name === 'stats') assert.match(absent.stdout, /number of records:\t0\n/);
      else assert.deepEqual(body(absent.stdout), [], what);
    }
  }
  // a missing index: one line, exit 2, naming the files looked for and the command that makes one
  const dir = path.join(TMP, 'cli-noindex');
  fs.mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const copy = path.join(dir, path.basename(file));
    fs.copyFileSync(file, copy);
    for (const [name, args] of cmds) {
      const r = await runCli([...args, '-r', '1', copy]);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^vcf-agent: .*${path.basename(copy).replace('.', '\\.')}: no index found \\(looked for .*\\): -r/-R need one; create it with \`vcf-agent index .*\` \\[INDEX_NOT_FOUND\\]\\n$`));
      if (copy.endsWith('.bcf')) assert.ok(!r.stderr.includes('.tbi'), 'a BCF index is always a .csi');
    }
  }
});

test('build: shown by analyze (text and --json) and stats --json', async () => {
  const { runCli } = await import('./helpers/cli.js');
  const a = await runCli(['analyze', '--no-report', '--no-ingest', FIXTURE]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /\nReference build: GRCh37, from ##contig lengths: 1 length 249250621 = GRCh37, X length 155270560 = GRCh37\n/);
  const j = JSON.parse((await runCli(['analyze', '--no-report', '--no-ingest', '--json', FIXTURE])).stdout);
  assert.deepEqual([j.build.build, j.build.name, j.build.source], ['GRCh37', 'GRCh37', 'contig-lengths']);
  const s = JSON.parse((await runCli(['stats', '--json', FIXTURE])).stdout);
  assert.deepEqual(s.build, j.build);
  // no lengths: unknown, with the reason in text, null in JSON
  const bare = tmpFile('nobuild.vcf', '##fileformat=VCFv4.2\n##contig=<ID=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5\t.\tA\tC\t.\t.\t.\n');
  const u = await runCli(['analyze', '--no-report', '--no-ingest', bare]);
  assert.match(u.stdout, /\nReference build: unknown \(no ##contig lengths or ##reference naming GRCh37\/GRCh38\)\n/);
  assert.equal(JSON.parse((await runCli(['analyze', '--no-report', '--no-ingest', '--json', bare])).stdout).build, null);
  assert.equal(JSON.parse((await runCli(['stats', '--json', bare])).stdout).build, null);
  if (!SKIP_SHARED) {
    const pg = JSON.parse((await runCli(['stats', '--json', sharedPath('d_cohort/platinum/PG_NA12878_chr21.vcf.gz')])).stdout);
    assert.deepEqual([pg.build.build, pg.build.name], ['GRCh37', 'hg19']);
  }
});
