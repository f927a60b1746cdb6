/**
 * BCF 2.2 reading and writing (src/vcf/bcf/).
 *
 * Own fixtures (no bcftools needed): test/fixtures/bcf/edge.bcf was written by bcftools 1.16 from
 * edge.vcf; our reader must print it as edge.bcftools.vcf (bcftools' text), whatever the chunking and
 * whether BGZF-compressed or not, and our `view -O b|u` of edge.vcf must produce its record bytes.
 *
 * Corpus (needs ../shared/data and bcftools): every MANIFEST `ok` file is converted with
 * `bcftools view -Ob`. Where bcftools can convert it, (1) our reader on bcftools' BCF gives the
 * records `bcftools view` prints from it, (2) our `view -O b` of the file, read by bcftools, gives the
 * same records as bcftools' own BCF (and the same record bytes), (3) `query` on the BCF (the native
 * path) prints what `bcftools query` prints. Where bcftools refuses, we refuse too (one exception,
 * listed below with its reason).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { VcfReader } from '../src/vcf/reader.js';
import { VcfError } from '../src/vcf/errors.js';
import { view } from '../src/vcf/view.js';
import { query } from '../src/expr/query.js';
import { kputd } from '../src/expr/format-num.js';
import { putDouble } from '../src/vcf/bcf/num.js';
import { BcfDictionary, splitIdx } from '../src/vcf/bcf/dict.js';
import { bcfHeader } from '../src/vcf/bcf/encode.js';
import { SKIP_BCFTOOLS, SKIP_SHARED, fixture, readTsv, sharedPath } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';

const EDGE_VCF = fixture('bcf', 'edge.vcf');
const EDGE_BCF = fixture('bcf', 'edge.bcf');
const EDGE_TEXT = fixture('bcf', 'edge.bcftools.vcf');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-bcf-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** the records of a BCF file (BGZF or not) as buffers, after the header */
function bcfRecords(file: string | Buffer): Buffer[] {
  let d = typeof file === 'string' ? fs.readFileSync(file) : file;
  if (d[0] === 0x1f) d = zlib.gunzipSync(d);
  assert.equal(d.subarray(0, 5).toString('latin1'), 'BCF\x02\x02');
  let q = 9 + d.readUInt32LE(5);
  const out: Buffer[] = [];
  while (q < d.length) {
    const n = 8 + d.readUInt32LE(q) + d.readUInt32LE(q + 4);
    out.push(d.subarray(q, q + n));
    q += n;
  }
  return out;
}

/** data lines our reader yields */
async function readLines(r: VcfReader): Promise<string> {
  let s = '';
  for await (const b of r.rawBatches()) for (let i = 0; i < b.n; i++) s += b.buf.toString('latin1', b.starts[i], b.ends[i]) + '\n';
  return s;
}

function dataLines(text: string): string {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l + '\n').join('');
}

async function queryText(input: string, format: string, extra: Record<string, unknown> = {}): Promise<string> {
  const parts: Buffer[] = [];
  await query({ input, format, ...extra }, { write: (b) => { parts.push(Buffer.from(b)); }, close: async () => {} });
  return Buffer.concat(parts).toString('latin1');
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 1 << 30, encoding: 'latin1' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** run jobs with at most `n` at a time */
async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]); }
  }));
  return out;
}

test('floats print as htslib kputd prints them', () => {
  const b = Buffer.alloc(64);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const special = [0, -0, 1, -1, 0.5, 713.12, 999999, 999999.5, 1000000, 0.0001, 0.00009999, 1e-10, 3.4e38, 123456.7, 0.1, 56.25, 1e-45];
  let seed = 12345;
  const values = special.map((x) => Math.fround(x));
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    u[0] = seed;
    if (Number.isFinite(f[0])) values.push(f[0]);
    values.push(Math.fround((seed % 2000000) / 1000 - 1000));
  }
  for (const v of values) {
    const n = putDouble(b, 0, v);
    assert.equal(b.toString('latin1', 0, n), kputd(v), `float ${v}`);
  }
});

test('header dictionaries: PASS first, one number per ID, IDX honoured, duplicates ignored', () => {
  const d = new BcfDictionary();
  assert.equal(d.register('INFO', { ID: 'DP', Number: '1', Type: 'Integer' }), 1);
  assert.equal(d.register('FORMAT', { ID: 'DP', Number: '1', Type: 'Integer' }), 1);
  assert.equal(d.register('INFO', { ID: 'DP', Number: '1', Type: 'Float' }), -1, 'a second INFO/DP is ignored');
  assert.equal(d.register('FILTER', { ID: 'q10' }), 2);
  assert.equal(d.register('INFO', { ID: 'X', IDX: '7' }), 7);
  assert.equal(d.register('INFO', { ID: 'Y' }), 8, 'numbering goes on after the largest IDX');
  assert.equal(d.register('contig', { ID: 'chr1', length: '10' }), 0);
  assert.equal(d.register('contig', { ID: 'chr2', length: 'x' }), -1, 'a contig whose length is not a number is ignored');
  assert.equal(d.register('contig', { ID: 'chr1' }), -1);
  assert.equal(d.register('ALT', { ID: 'DEL' }), null);
  assert.equal(d.ids[0]!.name, 'PASS');
  assert.equal(splitIdx('##INFO=<ID=A,Number=1,Type=Integer,Description="x, IDX=3",IDX=5>').raw, '##INFO=<ID=A,Number=1,Type=Integer,Description="x, IDX=3">');
  assert.deepEqual(splitIdx('##contig=<ID=1,IDX=0,length=5>'), { raw: '##contig=<ID=1,length=5>', idx: '0' });
  const h = bcfHeader(['##fileformat=VCFv4.2', '##INFO=<ID=DP,Number=1,Type=Integer,Description="d">', '##INFO=<ID=DP,Number=1,Type=Integer,Description="again">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'], 'x');
  assert.equal(h.text, '##fileformat=VCFv4.2\n##FILTER=<ID=PASS,Description="All filters passed",IDX=0>\n##INFO=<ID=DP,Number=1,Type=Integer,Description="d",IDX=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n');
});

test('reader: edge.bcf prints as bcftools prints it, BGZF or raw, however it is chunked', async () => {
  const want = fs.readFileSync(EDGE_TEXT, 'latin1');
  const r = await VcfReader.open(EDGE_BCF);
  assert.equal(r.compression, 'bcf');
  assert.deepEqual(r.header.samples, ['A', 'B', 'C']);
  assert.equal(r.header.toString(), want.slice(0, want.indexOf('\n#CHROM') + 1) + want.split('\n').find((l) => l.startsWith('#CHROM')) + '\n');
  assert.ok(!r.header.toString().includes('IDX='), 'IDX is not part of the VCF header');
  assert.equal(await readLines(r), dataLines(want));
  const raw = zlib.gunzipSync(fs.readFileSync(EDGE_BCF));
  for (const [data, chunk] of [[raw, 1], [raw, 7], [raw, 100], [fs.readFileSync(EDGE_BCF), 13]] as Array<[Buffer, number]>) {
    const rb = await VcfReader.fromBuffer('edge.bcf', data, { chunkSize: chunk });
    assert.equal(await readLines(rb), dataLines(want), `chunks of ${chunk}`);
  }
  // records as lazy VcfRecords
  const rr = await VcfReader.open(EDGE_BCF);
  const recs = [];
  for await (const rec of rr.records()) recs.push(rec);
  assert.equal(recs.length, 12);
  assert.equal(recs[0].chrom, '1');
  assert.equal(recs[0].pos, 100);
  assert.deepEqual(recs[3].alt, ['C', 'G', 'T']);
  assert.deepEqual(recs[3].genotype(0)!.alleles, [0, 1, 2]);
  assert.equal(recs[2].endPos, 350);
  assert.equal(recs[0].lineNo, r.firstDataLine);
});

test('writer: view -O b / -O u / a .bcf name give the record bytes bcftools writes', async () => {
  const theirs = bcfRecords(EDGE_BCF).map((b) => b.toString('hex'));
  for (const [name, type] of [['ours.b.out', 'b'], ['ours.u.out', 'u'], ['ours-by-name.bcf', undefined], ['ours-u-by-name.bcf', 'u']] as Array<[string, string | undefined]>) {
    const out = path.join(tmp, name);
    await view({ input: EDGE_VCF, output: out, outputType: type, noVersion: true });
    const data = fs.readFileSync(out);
    if (name === 'ours.u.out') assert.equal(data.subarray(0, 3).toString('latin1'), 'BCF', '-O u is not compressed');
    else assert.equal(data[0], 0x1f, `${name} is BGZF (a .bcf name means -O b, as in bcftools)`);
    assert.deepEqual(bcfRecords(data).map((b) => b.toString('hex')), theirs, name);
    // and our reader reads it back as bcftools prints bcftools' BCF
    assert.equal(await readLines(await VcfReader.open(out)), dataLines(fs.readFileSync(EDGE_TEXT, 'latin1')));
  }
  // BCF → BCF keeps the records; header-only writes a header
  const back = path.join(tmp, 'back.bcf');
  await view({ input: EDGE_BCF, output: back, noVersion: true });
  assert.deepEqual(bcfRecords(back).map((b) => b.toString('hex')), theirs);
  // with a sample subset the records go through text: bcftools reads the same records as from its own subset
  if (!SKIP_BCFTOOLS) {
    const sub = path.join(tmp, 'sub.bcf');
    await view({ input: EDGE_BCF, output: sub, samples: 'C,A', noVersion: true });
    const ours = await run('bcftools', ['view', '-H', sub]);
    const want = await run('bcftools', ['view', '-H', '-s', 'C,A', EDGE_BCF]);
    assert.equal(ours.stdout, want.stdout);
  }
  const h = path.join(tmp, 'h.bcf');
  await view({ input: EDGE_VCF, output: h, headerOnly: true, noVersion: true });
  assert.equal(bcfRecords(h).length, 0);
  assert.deepEqual((await VcfReader.open(h)).header.samples, ['A', 'B', 'C']);
});

test('writer and reader refuse bad input with a located error', async () => {
  const bad = path.join(tmp, 'undef.vcf');
  fs.writeFileSync(bad, '##fileformat=VCFv4.2\n##contig=<ID=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5\t.\tA\tC\t.\t.\t.\n2\t5\t.\tA\tC\t.\t.\t.\n');
  let r = await runCli(['view', '-O', 'b', '-o', path.join(tmp, 'undef.bcf'), bad]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim(), /undef\.vcf:5:1: contig "2" is not defined in the header.*\[BCF_UNDEFINED_CONTIG\]$/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  fs.writeFileSync(bad, '##fileformat=VCFv4.2\n##contig=<ID=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5\t.\tA\tC\t.\t.\tXX=1\n');
  r = await runCli(['view', '-O', 'u', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /INFO\/XX is not defined in the header.*\[BCF_UNDEFINED_TAG\]/);
  r = await runCli(['view', '-H', '-O', 'b', EDGE_VCF]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /-H\/--no-header cannot be used with -O b/);

  const raw = zlib.gunzipSync(fs.readFileSync(EDGE_BCF));
  const expectError = async (data: Buffer, code: string, line?: number): Promise<void> => {
    await assert.rejects(async () => { await readLines(await VcfReader.fromBuffer('x.bcf', data)); }, (e: unknown) => {
      assert.ok(e instanceof VcfError, String(e));
      assert.equal(e.code, code, e.message);
      if (line !== undefined) assert.equal(e.line, line);
      return true;
    });
  };
  const first = 9 + raw.readUInt32LE(5);
  const firstLine = fs.readFileSync(EDGE_TEXT, 'latin1').split('\n').findIndex((l) => l.startsWith('#CHROM')) + 2;
  await expectError(raw.subarray(0, raw.length - 3), 'BCF_TRUNCATED');
  await expectError(raw.subarray(0, 100), 'BCF_TRUNCATED', 1);
  const v = Buffer.from(raw); v[4] = 9;
  await expectError(v, 'BCF_VERSION', 1);
  const c1 = Buffer.from(raw); c1.writeInt32LE(7, first + 8); // contig number 7
  await expectError(c1, 'BCF_CORRUPT', firstLine);
  const c2 = Buffer.from(raw); c2[first + 8 + 20] = 9; // 9 samples
  await expectError(c2, 'BCF_CORRUPT', firstLine);
  const c3 = Buffer.from(raw); c3.writeUInt32LE(raw.readUInt32LE(first) + 4, first); // shared block too long
  await expectError(c3, 'BCF_CORRUPT', firstLine);
});

test('every command reads BCF: query (native and general path), filter, stats, validate, analyze', async () => {
  // the VCF text of the BCF, for the general paths
  const text = path.join(tmp, 'edge.text.vcf');
  await view({ input: EDGE_BCF, output: text, noVersion: true });
  const formats = [
    '%CHROM\t%POS\t%ID\t%REF\t%ALT\t%QUAL\t%FILTER[\t%SAMPLE=%GT:%DP:%AD:%GL:%FT:%PL]\n',
    '[%GT %FT|]\n',
    '%POS[\t%DP]',
    '%POS %INFO/DP %INFO/AF{0}[ %GT]\n',
  ];
  for (const f of formats) {
    const a = await queryText(EDGE_BCF, f);
    assert.equal(a, await queryText(text, f), f);
    assert.equal(await queryText(EDGE_BCF, f, { samples: 'C,A' }), await queryText(text, f, { samples: 'C,A' }), `${f} -s C,A`);
  }
  assert.equal(await queryText(EDGE_BCF, '%POS[ %GT]\n', { include: 'GT="het"' }), await queryText(text, '%POS[ %GT]\n', { include: 'GT="het"' }));
  // filter stops at a negative DP, on the BCF as on its text
  const f = await runCli(['filter', '-i', 'QUAL>10', EDGE_BCF]);
  const g = await runCli(['filter', '-i', 'QUAL>10', text]);
  assert.equal(f.code, g.code, f.stderr);
  assert.equal(dataLines(f.stdout), dataLines(g.stdout));
  assert.equal(f.stderr.split(EDGE_BCF).join('F'), g.stderr.split(text).join('F'));
  const s1 = await runCli(['stats', EDGE_BCF]);
  const s2 = await runCli(['stats', text]);
  assert.equal(s1.code, s2.code, s1.stderr);
  const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('#') && !l.startsWith('ID\t')).join('\n');
  assert.equal(body(s1.stdout), body(s2.stdout));
  assert.equal(s1.stderr.split(EDGE_BCF).join('F'), s2.stderr.split(text).join('F'));
  // edge.bcf breaks rules on purpose: the same findings as for its text
  const v = await runCli(['validate', EDGE_BCF]);
  const vt = await runCli(['validate', text]);
  assert.match(v.stdout, /INVALID \(12 records, 10 errors/);
  assert.equal(v.code, vt.code);
  assert.equal(v.stdout.split(EDGE_BCF).join('F'), vt.stdout.split(text).join('F'));
  const an = await runCli(['analyze', '--no-report', '--no-ingest', EDGE_BCF]);
  const at = await runCli(['analyze', '--no-report', '--no-ingest', text]);
  assert.equal(an.code, at.code, an.stderr);
  assert.match(an.stdout, /compression\s+bcf/);
  assert.match(an.stdout, /records\s+12/);
});

test('corpus: reader, writer and query against bcftools on every file it can convert', { skip: SKIP_SHARED || SKIP_BCFTOOLS, timeout: 600_000 }, async (t) => {
  const files = readTsv(sharedPath('MANIFEST.tsv')).filter((r) => r.bcftools_1_16_view.startsWith('ok')).map((r) => r.path);
  const dir = fs.mkdtempSync(path.join(tmp, 'corpus-'));
  const conv = await pool(files, 4, async (f) => {
    const out = path.join(dir, f.replace(/\//g, '_') + '.bcf');
    const r = await run('bcftools', ['view', '--no-version', '-Ob', '-o', out, sharedPath(f)]);
    return r.code === 0 ? out : null;
  });
  let converted = 0, refusedBoth = 0;
  const problems: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const theirs = conv[i];
    const ours = path.join(dir, 'ours.bcf');
    fs.rmSync(ours, { force: true });
    let err: unknown = null;
    try {
      await view({ input: sharedPath(f), output: ours, outputType: 'b', noVersion: true });
    } catch (e) { err = e; }
    if (!theirs) {
      if (err) { refusedBoth++; continue; }
      problems.push(`${f}: bcftools refuses to write BCF, we wrote it`);
      continue;
    }
    if (err) {
      // htslib adds the contigs a tabix index names to the header (vcf_hdr_read); our reader does not
      const indexed = fs.existsSync(sharedPath(f) + '.tbi') || fs.existsSync(sharedPath(f) + '.csi');
      if (err instanceof VcfError && err.code === 'BCF_UNDEFINED_CONTIG' && indexed) {
        t.diagnostic(`${f}: contigs only named by its index (htslib adds them to the header, we do not)`);
        continue;
      }
      problems.push(`${f}: we refuse (${(err as Error).message}), bcftools converts it`);
      continue;
    }
    converted++;
    // (1) our reader on bcftools' BCF
    const want = (await run('bcftools', ['view', '-H', theirs])).stdout;
    const got = await readLines(await VcfReader.open(theirs));
    if (got !== want) problems.push(`${f}: our reader differs from bcftools view`);
    // (2) our BCF read by bcftools, and its record bytes
    const back = await run('bcftools', ['view', '-H', ours]);
    if (back.code !== 0 || back.stdout !== want) problems.push(`${f}: bcftools reads different records from our BCF`);
    const a = bcfRecords(ours), b = bcfRecords(theirs);
    if (a.length !== b.length || a.some((x, k) => !x.equals(b[k]))) problems.push(`${f}: record bytes differ from bcftools'`);
    // (3) query on the BCF: the fixed columns and every FORMAT tag of the header
    const h = (await VcfReader.open(theirs)).header;
    const tags = [...h.format.values()].filter((d) => d.type !== 'Flag').map((d) => d.id).filter((id) => id !== 'GT' && /^[A-Za-z0-9_.]+$/.test(id));
    const fmt = '%CHROM:%POS:%ID:%REF:%ALT:%QUAL:%FILTER' + (h.samples.length ? `[\\t%SAMPLE=%GT${tags.map((x) => ':%' + x).join('')}]` : '') + '\\n';
    const q = await run('bcftools', ['query', '-f', fmt, theirs]);
    if (q.code === 0) {
      const ourQ = await queryText(theirs, fmt.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
      if (ourQ !== q.stdout) problems.push(`${f}: query differs from bcftools query -f '${fmt}'`);
    }
  }
  t.diagnostic(`${converted} files converted and compared, ${refusedBoth} refused by bcftools and by us`);
  assert.deepEqual(problems, []);
  assert.ok(converted > 100, `only ${converted} files compared`);
});

// ---- BCF index (CSI) and regions ----

/** the uncompressed bytes of an index file */
function indexBytes(p: string): Buffer {
  return zlib.gunzipSync(fs.readFileSync(p));
}

/** `src` (VCF or BCF) as BGZF BCF written by bcftools, twice: one copy for our index, one for theirs */
async function bcfPair(src: string, name: string): Promise<{ ours: string; theirs: string }> {
  const dir = fs.mkdtempSync(path.join(tmp, 'idx-'));
  const ours = path.join(dir, 'ours', name);
  const theirs = path.join(dir, 'theirs', name);
  fs.mkdirSync(path.dirname(ours));
  fs.mkdirSync(path.dirname(theirs));
  const r = await run('bcftools', ['view', '--no-version', '-Ob', '-o', ours, src]);
  assert.equal(r.code, 0, r.stderr);
  fs.copyFileSync(ours, theirs);
  const cli = await runCli(['index', ours]);
  assert.equal(cli.code, 0, cli.stderr);
  const b = await run('bcftools', ['index', theirs]);
  assert.equal(b.code, 0, b.stderr);
  return { ours, theirs };
}

/** regions around the records of a file (single bases, windows, a contig from a position on) */
async function bcfRegions(file: string, n: number): Promise<string[]> {
  const rd = await VcfReader.open(file);
  const recs: Array<[string, number]> = [];
  for await (const r of rd.records()) recs.push([r.chrom, r.pos]);
  await rd.close();
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const [chrom, pos] = recs[Math.floor(((k * 7919) % 1009) / 1009 * recs.length)];
    const w = [0, 10, 500, 100000][k % 4];
    const beg = Math.max(1, pos - (k % 3) * Math.floor(w / 2));
    out.push(k === n - 1 ? `${chrom}:${beg}-` : `${chrom}:${beg}-${beg + w}`);
  }
  return out;
}

const BCF_SOURCES: Array<[string, string, boolean]> = [
  [fixture('regions', 'overlap.vcf'), 'overlap.bcf', false],
  [fixture('index', 'multi.vcf'), 'multi.bcf', false],
  ['b_parser_edge_cases/cyvcf2/multi-contig.bcf', 'multi-contig.bcf', true],
  ['d_cohort/platinum/PG_NA12878_chr21.vcf.gz', 'platinum.bcf', true],
  ['d_cohort/hail_gvcf/1kg_chr22/HG00190.hg38.g.vcf.gz', 'gvcf.bcf', true],
  ['e_annotated/vep_CSQ/gnomad.genomes.r3.0.sites.chr1.sample.vcf.gz', 'gnomad.bcf', true],
];

test('BCF index: our CSI is byte-identical to bcftools index; bcftools reads regions through it; TBI refused', { skip: SKIP_BCFTOOLS, timeout: 300_000 }, async (t) => {
  let n = 0;
  for (const [src, name, shared] of BCF_SOURCES) {
    if (shared && SKIP_SHARED) continue;
    const { ours, theirs } = await bcfPair(shared ? sharedPath(src) : src, name);
    assert.ok(indexBytes(ours + '.csi').equals(indexBytes(theirs + '.csi')), `${name}: CSI differs from bcftools index`);
    for (const flag of ['-s', '-n']) {
      const a = await runCli(['index', flag, ours]);
      const b = await run('bcftools', ['index', flag, theirs]);
      assert.equal(a.stdout, b.stdout, `${name}: index ${flag}`);
    }
    const regs = (await bcfRegions(ours, 8)).join(',');
    const a = await run('bcftools', ['view', '-H', '-r', regs, ours]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, (await run('bcftools', ['view', '-H', '-r', regs, theirs])).stdout, `${name}: bcftools view -r through our index`);
    n++;
  }
  t.diagnostic(`${n} BCF files indexed`);
  const { ours } = await bcfPair(fixture('regions', 'overlap.vcf'), 'tbi.bcf');
  const r = await runCli(['index', '-t', '-f', ours]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /always indexed with CSI.*\[INDEX_BCF_TBI\]/);
});

test('BCF regions: -r/-R through the CSI give what bcftools view -r / query -r / filter -r / stats -r give', { skip: SKIP_BCFTOOLS, timeout: 300_000 }, async (t) => {
  const { openRegionQuery } = await import('../src/vcf/region-reader.js');
  let compared = 0;
  for (const [src, name, shared] of BCF_SOURCES) {
    if (shared && SKIP_SHARED) continue;
    const { ours, theirs } = await bcfPair(shared ? sharedPath(src) : src, name);
    const regs = await bcfRegions(ours, 16);
    const tsv = path.join(path.dirname(ours), 'regions.tsv');
    fs.writeFileSync(tsv, regs.map((r) => { const m = /^(.*):(\d+)-(\d*)$/.exec(r)!; return `${m[1]}\t${m[2]}\t${m[3] || 2 ** 31}`; }).join('\n') + '\n');
    for (const mode of ['0', '1', '2']) {
      for (const [flag, arg] of [['-r', regs.slice(0, 12).join(',')], ['-R', tsv]]) {
        const want = await run('bcftools', ['view', '-H', flag, arg, '--regions-overlap', mode, theirs]);
        assert.equal(want.code, 0, want.stderr);
        const q = await openRegionQuery(ours, flag === '-r' ? { regions: arg, overlap: mode } : { regionsFile: arg, overlap: mode });
        let got = '';
        for await (const b of q.batches()) for (const rec of b) got += rec.line + '\n';
        assert.equal(got, want.stdout, `${name}: view ${flag} --regions-overlap ${mode}`);
        compared += want.stdout.split('\n').length - 1;
      }
    }
    const reg = regs.slice(0, 6).join(',');
    const fmt = '%CHROM\\t%POS\\t%REF\\t%ALT\\t%QUAL\\t%FILTER\\n';
    const qa = await runCli(['query', '-f', fmt, '-r', reg, ours]);
    const qb = await run('bcftools', ['query', '-f', fmt, '-r', reg, theirs]);
    assert.equal(qa.code, 0, qa.stderr);
    assert.equal(qa.stdout, qb.stdout, `${name}: query -r`);
    const fa = await runCli(['filter', '--no-version', '-s', 'LowQ', '-i', 'QUAL>20', '-r', reg, ours]);
    const fb = await run('bcftools', ['filter', '--no-version', '-s', 'LowQ', '-i', 'QUAL>20', '-r', reg, theirs]);
    assert.equal(fa.stdout, fb.stdout, `${name}: filter -r`);
    const body = (s: string) => s.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('ID\t')).join('\n');
    const sa = await runCli(['stats', '-r', reg, ours]);
    const sb = await run('bcftools', ['stats', '-r', reg, theirs]);
    assert.equal(body(sa.stdout), body(sb.stdout), `${name}: stats -r`);
  }
  t.diagnostic(`${compared} records compared with bcftools view -r`);
  assert.ok(compared > (SKIP_SHARED ? 100 : 5000), `only ${compared} records compared`);
});
