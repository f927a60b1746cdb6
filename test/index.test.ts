/**
 * `vcf-agent index` and the index library: our .csi/.tbi are byte-identical (uncompressed) to
 * those of bcftools 1.16, bcftools and tabix return the same records through our index as through
 * their own, and bad input gives one-line errors with exit 2.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { SKIP_SHARED, SKIP_BCFTOOLS, sharedPath, fixture, hasCommand, mulberry32 } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { reg2bin, reg2bins, adjustDepth } from '../src/vcf/index/binning.js';
import { deflateAll, inflateAll } from '../src/vcf/index/bgzf.js';
import { parseIndex, serializeIndex } from '../src/vcf/index/format.js';
import { queryChunks } from '../src/vcf/index/query.js';
import { buildVcfIndex, loadIndex } from '../src/vcf/index/vcf-index.js';
import { indexFile, indexStats } from '../src/vcf/index/index-file.js';
import { RegionReader } from '../src/vcf/region-reader.js';
import { RegionSet, recordSpan, endIsInteger, type Region } from '../src/vcf/regions.js';
import { VcfReader } from '../src/vcf/reader.js';
import { view } from '../src/vcf/view.js';
import type { VcfRecord } from '../src/vcf/record.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-index-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const SKIP_DIFF = SKIP_BCFTOOLS || (hasCommand('tabix') && hasCommand('bgzip') ? false : 'tabix/bgzip not installed');

function run(cmd: string, args: string[], cwd = TMP): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, maxBuffer: 1 << 30 });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** A plain or gzip VCF as BGZF in `dir`, compressed by us in blocks of `blockSize` bytes. */
function ourBgzf(src: string, dir: string, name: string, blockSize?: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const raw = fs.readFileSync(src);
  const data = raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
  const out = path.join(dir, name);
  fs.writeFileSync(out, deflateAll(data, 6, blockSize));
  return out;
}

/** A corpus file as BGZF: copied when it already is, else recompressed with bgzip. */
function corpusBgzf(rel: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const src = sharedPath(rel);
  const out = path.join(dir, path.basename(rel).replace(/\.vcf(\.gz)?$/, '') + '.vcf.gz');
  const head = Buffer.alloc(16);
  const fd = fs.openSync(src, 'r');
  fs.readSync(fd, head, 0, 16, 0);
  fs.closeSync(fd);
  const bgzf = head[0] === 0x1f && head[1] === 0x8b && (head[3] & 4) && head[12] === 66 && head[13] === 67;
  if (bgzf) fs.copyFileSync(src, out);
  else {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${src.endsWith('.gz') ? 'zcat' : 'cat'} '${src}' | bgzip > '${out}'`]);
    assert.equal(r.status, 0, r.stderr.toString());
  }
  return out;
}

/** `dir/name` as a symlink to `file`, with nothing else next to it. */
function linkIn(file: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, path.basename(file));
  if (!fs.existsSync(p)) fs.symlinkSync(path.resolve(file), p);
  return p;
}

function uncompressed(indexPath: string): Buffer {
  return inflateAll(fs.readFileSync(indexPath), indexPath);
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

/** Seeded regions around the records of a file: points, small and large windows. */
async function randomRegions(file: string, n: number, seed: number): Promise<Region[]> {
  const rd = await VcfReader.open(file);
  const recs: Array<[string, number]> = [];
  for await (const r of rd.records()) recs.push([r.chrom, r.pos]);
  const rnd = rng(seed);
  const out: Region[] = [];
  for (let k = 0; k < n; k++) {
    const [chrom, pos] = recs[Math.floor(rnd() * recs.length)];
    const w = [0, 1, 10, 300, 20000, 400000][Math.floor(rnd() * 6)];
    const beg = Math.max(1, pos - Math.floor(rnd() * (w + 1)));
    out.push({ chrom, beg, end: beg + Math.floor(rnd() * (w + 1)) });
  }
  return out;
}

test('binning: reg2bin and reg2bins follow the SAM specification', () => {
  assert.equal(reg2bin(0, 1, 14, 5), 4681);
  assert.equal(reg2bin(16384, 16385, 14, 5), 4682);
  assert.equal(reg2bin(16383, 16385, 14, 5), 585);
  assert.equal(reg2bin(0, 1 << 29, 14, 5), 0);
  assert.deepEqual(reg2bins(0, 1, 14, 5), [0, 1, 9, 73, 585, 4681]);
  assert.deepEqual(reg2bins(0, 0, 14, 5), []);
  // CSI positions beyond 2^32
  assert.equal(reg2bin(5e9, 5e9 + 1, 14, 7), (2 ** 21 - 1) / 7 + Math.floor(5e9 / 16384));
  assert.equal(adjustDepth(14, 6, 3e9), 6);
  assert.equal(adjustDepth(14, 6, 1e10), 7);
});

const CORPUS = [
  'd_cohort/platinum/PG_NA12878_chr21.vcf.gz',
  'd_cohort/hail/sample.vcf.gz',
  'd_cohort/cyvcf2/test.vcf.gz',
  'd_cohort/hail_gvcf/1kg_chr22/HG00190.hg38.g.vcf.gz',
  'b_parser_edge_cases/cyvcf2/multi-contig.vcf.gz',
  'b_parser_edge_cases/hail/gvcfs/non_ref_call.g.vcf.gz',
  'e_annotated/vep_CSQ/gnomad.genomes.r3.0.sites.chr1.sample.vcf.gz',
  'g_concordance/hc_vs_platinum/hc.vcf.gz',
];

test('index: CSI and TBI byte-identical to bcftools index on corpus files', { skip: SKIP_SHARED || SKIP_DIFF }, async () => {
  for (const rel of CORPUS) {
    const file = corpusBgzf(rel, path.join(TMP, 'corpus'));
    const ours = linkIn(file, path.join(TMP, 'ours-csi'));
    const theirs = linkIn(file, path.join(TMP, 'theirs-csi'));
    const cli = await runCli(['index', ours]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(run('bcftools', ['index', '-c', theirs]).code, 0);
    assert.ok(uncompressed(ours + '.csi').equals(uncompressed(theirs + '.csi')), `${rel}: CSI differs from bcftools'`);

    const oursT = linkIn(file, path.join(TMP, 'ours-tbi'));
    const theirsT = linkIn(file, path.join(TMP, 'theirs-tbi'));
    await indexFile({ input: oursT, format: 'tbi' });
    assert.equal(run('bcftools', ['index', '-t', theirsT]).code, 0);
    assert.ok(uncompressed(oursT + '.tbi').equals(uncompressed(theirsT + '.tbi')), `${rel}: TBI differs from bcftools'`);
  }
});

test('index: bcftools view -r and tabix return through our index what they return through theirs', { skip: SKIP_SHARED || SKIP_DIFF }, async () => {
  for (const rel of CORPUS.slice(0, 5)) {
    const name = path.basename(rel).replace(/\.vcf(\.gz)?$/, '') + '.vcf.gz';
    const regions = await randomRegions(path.join(TMP, 'corpus', name), 12, 5);
    const tsv = path.join(TMP, `${name}.regions.tsv`);
    fs.writeFileSync(tsv, regions.map((r) => `${r.chrom}\t${r.beg}\t${r.end}`).join('\n') + '\n');
    const list = regions.slice(0, 6).map((r) => `${r.chrom}:${r.beg}-${r.end}`);
    for (const fmt of ['csi', 'tbi']) {
      const ours = path.join(TMP, `ours-${fmt}`, name);
      const theirs = path.join(TMP, `theirs-${fmt}`, name);
      for (const args of [['-R', tsv], ['-r', list.join(',')]]) {
        const a = run('bcftools', ['view', '-H', ...args, ours]);
        const b = run('bcftools', ['view', '-H', ...args, theirs]);
        assert.equal(a.code, 0, a.err);
        assert.equal(a.out, b.out, `${name} ${fmt} bcftools view ${args[0]}`);
      }
      const t1 = run('tabix', [ours, ...list]);
      const t2 = run('tabix', [theirs, ...list]);
      assert.equal(t1.code, 0, t1.err);
      assert.equal(t1.out, t2.out, `${name} ${fmt} tabix`);
    }
  }
});

test('index: small BGZF blocks, long contigs and END spans match bcftools', { skip: SKIP_DIFF }, async () => {
  // 3 kB blocks: many lines cross block boundaries
  const multi = ourBgzf(fixture('index', 'multi.vcf'), path.join(TMP, 'fx'), 'multi.vcf.gz', 3000);
  for (const fmt of ['csi', 'tbi'] as const) {
    const ours = linkIn(multi, path.join(TMP, `fx-ours-${fmt}`));
    const theirs = linkIn(multi, path.join(TMP, `fx-theirs-${fmt}`));
    await indexFile({ input: ours, format: fmt });
    assert.equal(run('bcftools', ['index', fmt === 'csi' ? '-c' : '-t', theirs]).code, 0);
    assert.ok(uncompressed(`${ours}.${fmt}`).equals(uncompressed(`${theirs}.${fmt}`)), `multi ${fmt}`);
    for (const reg of ['chrA:1-1', 'chrA:100000-150000', 'chrA:2000000-', 'chrB', 'chrB:16384-16385', 'chrC:150']) {
      const a = run('bcftools', ['view', '-H', '-r', reg, ours]);
      assert.equal(a.out, run('bcftools', ['view', '-H', '-r', reg, theirs]).out, `multi ${fmt} ${reg}`);
    }
  }
  // CSI needs 6 levels for a 3 Gbp contig; min-shift 12 changes the layout
  const long = ourBgzf(fixture('index', 'long-contig.vcf'), path.join(TMP, 'fx-long'), 'long.vcf.gz');
  const lo = linkIn(long, path.join(TMP, 'fx-long-ours'));
  const lt = linkIn(long, path.join(TMP, 'fx-long-theirs'));
  const r = await indexFile({ input: lo, minShift: 12 });
  assert.equal(r.depth, 7);
  assert.equal(run('bcftools', ['index', '-m', '12', lt]).code, 0);
  assert.ok(uncompressed(lo + '.csi').equals(uncompressed(lt + '.csi')));
  const q = run('bcftools', ['view', '-H', '-r', 'big:599999990-2900000000', lo]);
  assert.equal(q.out.split('\n').filter(Boolean).length, 2);
  assert.equal(q.out, run('bcftools', ['view', '-H', '-r', 'big:599999990-2900000000', lt]).out);
});

test('index: TBI refused past 2^29 with a clear error; CSI works', async () => {
  const long = ourBgzf(fixture('index', 'long-contig.vcf'), path.join(TMP, 'tbi-limit'), 'long.vcf.gz');
  const r = await runCli(['index', '-t', long]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^vcf-agent: .*long\.vcf\.gz:\d+: .*2\^29.*CSI.*\[INDEX_TBI_LIMIT\]\n$/);
  assert.ok(!fs.existsSync(long + '.tbi'));
  const c = await runCli(['index', long]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(loadIndex(long + '.csi').depth, 6);
});

test('index: our reader finds through our index exactly the records a full scan finds', async () => {
  const file = ourBgzf(fixture('index', 'multi.vcf'), path.join(TMP, 'self'), 'multi.vcf.gz', 2000);
  for (const fmt of ['csi', 'tbi'] as const) {
    const idxPath = `${file}.${fmt}`;
    await indexFile({ input: file, format: fmt, output: idxPath, force: true });
    const regions = await randomRegions(file, 60, 9);
    const all: VcfRecord[] = [];
    for await (const rec of (await VcfReader.open(file)).records()) all.push(rec);
    const reader = await RegionReader.open(file, { indexPath: idxPath });
    try {
      const useEnd = endIsInteger(reader.header);
      for (const mode of [0, 1, 2] as const) {
        for (const reg of regions) {
          const got = [...reader.iterate(RegionSet.from([reg]), mode)].map((r) => r.line);
          const want = all.filter((rec) => {
            const [b, e] = recordSpan(rec, mode, useEnd);
            return rec.chrom === reg.chrom && e >= reg.beg && b <= reg.end;
          }).map((r) => r.line);
          assert.deepEqual(got, want, `${fmt} mode ${mode} ${reg.chrom}:${reg.beg}-${reg.end}`);
        }
      }
    } finally {
      reader.close();
    }
  }
});

test('index: --stats and --nrecords read the index', async () => {
  const file = ourBgzf(fixture('index', 'multi.vcf'), path.join(TMP, 'stats'), 'multi.vcf.gz');
  assert.equal((await runCli(['index', file])).code, 0);
  const s = await runCli(['index', '--stats', file]);
  assert.equal(s.code, 0, s.stderr);
  const lines = s.stdout.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split('\t')[0]), ['chrA', 'chrB', 'chrC']);
  assert.deepEqual(lines[1].split('\t'), ['chrB', '5000000', '6']);
  const total = fs.readFileSync(fixture('index', 'multi.vcf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).length;
  const n = await runCli(['index', '-n', file]);
  assert.equal(n.stdout, `${total}\n`);
  assert.deepEqual((await indexStats(file)).reduce((a, c) => a + c.records, 0), total);
});

test('index: errors are one line with exit 2', async () => {
  const dir = path.join(TMP, 'errors');
  fs.mkdirSync(dir, { recursive: true });
  const plain = path.join(dir, 'plain.vcf');
  fs.copyFileSync(fixture('index', 'multi.vcf'), plain);
  const gz = path.join(dir, 'plain.vcf.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)));
  const rawBcf = path.join(dir, 'raw.bcf');
  fs.writeFileSync(rawBcf, zlib.gunzipSync(fs.readFileSync(fixture('bcf', 'edge.bcf'))));
  const unsortedBcf = path.join(dir, 'unsorted.bcf');
  await view({ input: fixture('index', 'unsorted.vcf'), output: unsortedBcf, outputType: 'b', noVersion: true });
  const cases: Array<[string[], RegExp]> = [
    [['index', plain], /not compressed.*bgzip.*\[INDEX_NEEDS_BGZF\]/],
    [['index', gz], /plain gzip, not BGZF.*bgzip.*\[INDEX_NEEDS_BGZF\]/],
    [['index', path.join(dir, 'missing.vcf.gz')], /no such file \[INPUT_NOT_FOUND\]/],
    [['index', '-'], /stdin/],
    [['index', ourBgzf(fixture('index', 'unsorted.vcf'), dir, 'unsorted.vcf.gz')], /unsorted\.vcf\.gz:7: records are not sorted by position: 1:200 comes after 1:300.*\[INDEX_UNSORTED\]/],
    [['index', ourBgzf(fixture('index', 'split-contig.vcf'), dir, 'split.vcf.gz')], /split\.vcf\.gz:9: records of contig 1 are not together.*\[INDEX_UNSORTED\]/],
    [['index', '-t', '-c', plain], /not both/],
    [['index', '-m', '2', plain], /--min-shift must be/],
    [['index', '-t', '-m', '14', plain], /--min-shift applies to CSI/],
    [['index', rawBcf], /uncompressed BCF cannot be indexed: write it compressed.*\[INDEX_NEEDS_BGZF\]/],
    [['index', unsortedBcf], /unsorted\.bcf:8: records are not sorted by position: 1:200 comes after 1:300.*\[INDEX_UNSORTED\]/],
    [['index', '-t', unsortedBcf], /BCF file is always indexed with CSI.*\[INDEX_BCF_TBI\]/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
});

test('index: an existing index needs -f; -o chooses the path', async () => {
  const file = ourBgzf(fixture('index', 'multi.vcf'), path.join(TMP, 'force'), 'multi.vcf.gz');
  assert.equal((await runCli(['index', file])).code, 0);
  const again = await runCli(['index', file]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /multi\.vcf\.gz\.csi: the index file exists: use --force \(-f\) to overwrite it \[INDEX_EXISTS\]/);
  const before = fs.statSync(file + '.csi').mtimeMs;
  const forced = await runCli(['index', '-f', file]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(fs.statSync(file + '.csi').mtimeMs >= before);
  const out = path.join(TMP, 'force', 'elsewhere.tbi');
  assert.equal((await runCli(['index', '-t', '-o', out, file])).code, 0);
  assert.ok(fs.existsSync(out) && !fs.existsSync(file + '.tbi'));
  assert.equal(loadIndex(out).format, 'tbi');
  // a library build equals what the CLI wrote
  const { index } = await buildVcfIndex(file, { format: 'tbi' });
  assert.ok(serializeIndex(index).equals(uncompressed(out)));
});

test('index: vcf-agent query -r/-R through our CSI and TBI returns exactly the records bcftools view -r returns through its own index', { skip: SKIP_SHARED || SKIP_DIFF, timeout: 300_000 }, async () => {
  let compared = 0;
  for (const rel of [CORPUS[0], CORPUS[3], CORPUS[4], CORPUS[6]]) {
    const file = corpusBgzf(rel, path.join(TMP, 'e2e-src'));
    const name = path.basename(file);
    const theirs = linkIn(file, path.join(TMP, 'e2e-theirs'));
    assert.equal(run('bcftools', ['index', '-f', theirs]).code, 0);
    const regions = await randomRegions(file, 20, 11);
    const tsv = path.join(TMP, `e2e-${name}.regions.tsv`);
    fs.writeFileSync(tsv, regions.map((r) => `${r.chrom}\t${r.beg}\t${r.end}`).join('\n') + '\n');
    const list = regions.slice(0, 10).map((r) => `${r.chrom}:${r.beg}-${r.end}`).join(',');
    for (const fmt of ['csi', 'tbi'] as const) {
      const ours = linkIn(file, path.join(TMP, `e2e-ours-${fmt}`));
      await indexFile({ input: ours, format: fmt, force: true });
      for (const args of [['-R', tsv], ['-r', list]]) {
        const want = run('bcftools', ['view', '-H', ...args, theirs]);
        assert.equal(want.code, 0, want.err);
        const cols = want.out.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 5).join('\t') + '\n').join('');
        const got = await runCli(['query', '-f', '%CHROM\\t%POS\\t%ID\\t%REF\\t%ALT\\n', ...args, ours]);
        assert.equal(got.code, 0, got.stderr);
        assert.equal(got.stdout, cols, `${name} ${fmt}: vcf-agent query ${args[0]} vs bcftools view ${args[0]}`);
        // and bcftools itself, through our index
        assert.equal(run('bcftools', ['view', '-H', ...args, ours]).out, want.out, `${name} ${fmt}: bcftools view ${args[0]} through our index`);
        compared += cols.split('\n').length - 1;
      }
    }
  }
  assert.ok(compared > 1000, `only ${compared} records compared`);
});

test('queryChunks: bins read from the index bytes and bins built in memory give the same chunks (TBI and CSI)', async () => {
  // SNPs, and deletions of 1 kb to 3 Mb with INFO/END, so that bins of every level hold records
  const rnd = mulberry32(20261207);
  const lines = ['##fileformat=VCFv4.2', '##contig=<ID=c1,length=60000000>', '##contig=<ID=c2,length=9000000>',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="end">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'];
  const spans: Array<[string, number]> = [['c1', 60_000_000], ['c2', 9_000_000]];
  for (const [chrom, len] of spans) {
    const pos: number[] = [];
    for (let i = 0; i < 2500; i++) pos.push(1 + Math.floor(rnd() * (len - 4_000_000)));
    pos.sort((a, b) => a - b);
    for (const p of pos) {
      const del = rnd() < 0.15;
      lines.push(`${chrom}\t${p}\t.\tA\t${del ? '<DEL>' : 'C'}\t.\t.\t${del ? `END=${p + 1000 + Math.floor(rnd() * rnd() * 3_000_000)}` : '.'}`);
    }
  }
  const file = path.join(TMP, 'bins.vcf.gz');
  fs.writeFileSync(file, deflateAll(Buffer.from(lines.join('\n') + '\n', 'latin1'), 6, 8192));
  for (const format of ['tbi', 'csi'] as const) {
    const { index: built } = await buildVcfIndex(file, { format });
    const parsed = parseIndex(serializeIndex(built), `${format} bytes`);
    assert.equal(parsed.refs.length, built.refs.length);
    let nonEmpty = 0;
    for (let t = 0; t < built.refs.length; t++) {
      // the parsed index's bins decoded into objects, seen through a plain Map
      const decoded = { ...parsed.refs[t], bins: new Map([...parsed.refs[t].bins.keys()].map((b) => [b, parsed.refs[t].bins.get(b)!])) };
      for (let i = 0; i < 400; i++) {
        const beg = Math.floor(rnd() * spans[t][1]);
        const end = beg + 1 + Math.floor(rnd() * (i % 3 === 0 ? 5_000_000 : 100_000));
        const a = queryChunks(built, built.refs[t], beg, end);
        assert.deepEqual(queryChunks(parsed, parsed.refs[t], beg, end), a, `${format} ref ${t} [${beg}, ${end}): index bytes`);
        assert.deepEqual(queryChunks(parsed, decoded, beg, end), a, `${format} ref ${t} [${beg}, ${end}): decoded bins`);
        if (a.length > 1) nonEmpty++;
      }
    }
    assert.ok(nonEmpty > 200, `${format}: only ${nonEmpty} queries had several chunks`);
  }
});
