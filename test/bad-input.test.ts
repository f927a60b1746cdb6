/**
 * Bad input through the compiled CLI: every broken file gives exactly one stderr line
 * `vcf-agent: FILE:LINE[:COL]: message [RULE]`, exit 2, no stack trace and no hang, for `view`,
 * `validate` and `analyze`. Also: header-only files are valid, stdin works (plain and gzip), a
 * closed stdout ends quietly with 0, and the exit codes 1 (--strict warnings), 2 (usage) and
 * 3 (internal failure). The last tests are in-process regressions for the reader bugs found on the way.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { runCli, sh, BIN, type CliResult } from './helpers/cli.js';
import { fixture, ROOT, hasCommand } from './helpers/shared.js';
import { VcfReader } from '../src/vcf/reader.js';
import { VcfError } from '../src/vcf/errors.js';
import type { VcfRecord } from '../src/vcf/record.js';
import { Rng } from './fuzz/rng.js';
import { bgzfBlocks } from './fuzz/mutate.js';

const COMMANDS = ['view', 'validate', 'analyze'] as const;
const ONE_LINE = /^vcf-agent: (.+?):(\d+)(?::(\d+))?: (.+) \[([A-Z][A-Z0-9_]*)\]$/;
const TIMEOUT_MS = 30_000;

let dir: string;
const tmp = (name: string) => path.join(dir, name);

/** A valid VCF of `n` records with two samples (about 60 bytes a record). */
function makeVcf(n: number, eol = '\n'): string {
  const head = [
    '##fileformat=VCFv4.2',
    '##contig=<ID=1,length=100000000>',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB',
  ];
  const recs: string[] = [];
  for (let i = 0; i < n; i++) recs.push(`1\t${1000 + i * 10}\t.\t${'ACGT'[i % 4]}\t${'GTAC'[i % 4]}\t50\tPASS\tDP=${10 + (i % 7)}\tGT\t0/1\t1|1`);
  return [...head, ...recs].join(eol) + eol;
}
const HEADER_LINES = 5;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-bad-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function noStack(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /^\s+at .+\(.*\)$|^\s+at .+:\d+:\d+$/m, `stack trace on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /Error: |node:internal/, `raw error on stderr:\n${r.stderr}`);
}

interface Expect {
  /** the file name the message must name (as given on the command line) */
  file: string;
  rule: string | RegExp;
  /** exact line, or [min, max] */
  line: number | [number, number];
}

function assertOneLineError(r: CliResult, what: string, e: Expect): void {
  assert.equal(r.signal, null, `${what}: killed (hang?)`);
  assert.equal(r.code, 2, `${what}: exit code; stderr: ${r.stderr}`);
  noStack(r);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `${what}: exactly one stderr line, got:\n${r.stderr}`);
  const m = ONE_LINE.exec(lines[0]);
  assert.ok(m, `${what}: "${lines[0]}" is not "vcf-agent: FILE:LINE[:COL]: message [RULE]"`);
  assert.equal(m[1], e.file, `${what}: names the file`);
  const line = Number(m[2]);
  if (typeof e.line === 'number') assert.equal(line, e.line, `${what}: line in "${lines[0]}"`);
  else assert.ok(line >= e.line[0] && line <= e.line[1], `${what}: line ${line} not in [${e.line}] in "${lines[0]}"`);
  if (typeof e.rule === 'string') assert.equal(m[5], e.rule, `${what}: rule in "${lines[0]}"`);
  else assert.match(m[5], e.rule, `${what}: rule in "${lines[0]}"`);
  assert.ok(m[4].length > 5, `${what}: a message`);
}

async function allCommands(file: string, e: Expect, extra: string[] = []): Promise<void> {
  const rs = await Promise.all(COMMANDS.map((c) => runCli([c, ...extra, file], { cwd: dir, timeoutMs: TIMEOUT_MS })));
  rs.forEach((r, i) => assertOneLineError(r, `${COMMANDS[i]} ${file}`, e));
}

test('empty file: VCF_EMPTY at line 1, exit 2, one line', async () => {
  fs.writeFileSync(tmp('empty.vcf'), '');
  await allCommands('empty.vcf', { file: 'empty.vcf', rule: 'VCF_EMPTY', line: 1 });
});

test('truncated gzip: GZIP_TRUNCATED at the line being read, exit 2', async () => {
  const text = makeVcf(20_000);
  const gz = zlib.gzipSync(text);
  fs.writeFileSync(tmp('trunc.vcf.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  // the line numbers decompressible from the first half
  const prefix = zlib.inflateRawSync(gz.subarray(10, Math.floor(gz.length / 2)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const prefixLines = prefix.toString('latin1').split('\n').length;
  await allCommands('trunc.vcf.gz', { file: 'trunc.vcf.gz', rule: 'GZIP_TRUNCATED', line: [Math.max(2, prefixLines - 100), prefixLines] });
});

test('truncated BGZF (cut inside a block): GZIP_TRUNCATED at the first incomplete line, exit 2', async () => {
  const text = Buffer.from(makeVcf(3000));
  const blocks = bgzfBlocks(text, 4096);
  const keep = 20;
  const data = Buffer.concat([...blocks.slice(0, keep), blocks[keep].subarray(0, 30)]);
  fs.writeFileSync(tmp('trunc.vcf.bgz'), data);
  const complete = text.subarray(0, keep * 4096).toString('latin1').split('\n').length - 1;
  await allCommands('trunc.vcf.bgz', { file: 'trunc.vcf.bgz', rule: 'GZIP_TRUNCATED', line: complete + 1 });
  // the same with BGZF inflated in worker threads
  const threaded = await runCli(['view', '--threads', '2', 'trunc.vcf.bgz'], { cwd: dir, timeoutMs: TIMEOUT_MS });
  assertOneLineError(threaded, 'view --threads 2 trunc.vcf.bgz', { file: 'trunc.vcf.bgz', rule: 'GZIP_TRUNCATED', line: complete + 1 });
  const bad = Buffer.concat(blocks);
  for (let i = bad.length >> 1; i < (bad.length >> 1) + 40; i++) bad[i] ^= 0x55;
  fs.writeFileSync(tmp('corrupt.vcf.bgz'), bad);
  const [c0, c2] = await Promise.all(['0', '2'].map((t) => runCli(['view', '--threads', t, 'corrupt.vcf.bgz'], { cwd: dir, timeoutMs: TIMEOUT_MS })));
  for (const r of [c0, c2]) assertOneLineError(r, 'view corrupt.vcf.bgz', { file: 'corrupt.vcf.bgz', rule: /^(BGZF_CORRUPT|BGZF_BAD_BLOCK|GZIP_CORRUPT)$/, line: [1, 3000 + HEADER_LINES] });
  assert.equal(c0.stderr, c2.stderr, 'same error with and without threads');
  // cut inside the very first block: nothing decompressed, line 1
  fs.writeFileSync(tmp('trunc1.vcf.gz'), blocks[0].subarray(0, 40));
  await allCommands('trunc1.vcf.gz', { file: 'trunc1.vcf.gz', rule: 'GZIP_TRUNCATED', line: 1 });
});

test('corrupt gzip data (flipped bytes inside the stream): GZIP_CORRUPT with a line, exit 2', async () => {
  const gz = Buffer.from(zlib.gzipSync(makeVcf(5000)));
  for (let i = 2000; i < 2064; i++) gz[i] ^= 0x5a;
  fs.writeFileSync(tmp('corrupt.vcf.gz'), gz);
  await allCommands('corrupt.vcf.gz', { file: 'corrupt.vcf.gz', rule: /^GZIP_(CORRUPT|TRUNCATED)$/, line: [1, 5000 + HEADER_LINES] });
});

test('random bytes, a PNG and an ELF header: VCF_NOT_VCF at line 1, exit 2', async () => {
  const rng = new Rng(7);
  const rnd = Buffer.alloc(64 * 1024);
  for (let i = 0; i < rnd.length; i++) rnd[i] = rng.int(256);
  rnd[0] = 0x9c; // not gzip/bzip2/BCF magic, not '#'
  fs.writeFileSync(tmp('random.bin'), rnd);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), rnd.subarray(0, 256)]);
  fs.writeFileSync(tmp('image.png'), png);
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]), rnd.subarray(0, 512)]);
  fs.writeFileSync(tmp('program'), elf);
  // the real thing too, when there is one
  const exe = fs.existsSync('/bin/ls') ? '/bin/ls' : undefined;
  for (const f of ['random.bin', 'image.png', 'program']) await allCommands(f, { file: f, rule: 'VCF_NOT_VCF', line: 1 });
  if (exe) await allCommands(exe, { file: exe, rule: 'VCF_NOT_VCF', line: 1 });
});

test('a record with too few columns: VCF_RECORD_TOO_FEW_COLUMNS at its line, exit 2', async () => {
  const f = fixture('bad', 'too-few-columns.vcf');
  await allCommands(f, { file: f, rule: 'VCF_RECORD_TOO_FEW_COLUMNS', line: 5 });
  // also after many good records, and with -s (the subsetting path of view)
  const lines = makeVcf(5000).split('\n');
  lines.splice(HEADER_LINES + 4000, 0, '1\t99999\t.\tA\tG');
  fs.writeFileSync(tmp('late-few.vcf'), lines.join('\n'));
  await allCommands('late-few.vcf', { file: 'late-few.vcf', rule: 'VCF_RECORD_TOO_FEW_COLUMNS', line: HEADER_LINES + 4001 });
  const r = await runCli(['view', '-s', 'A', 'late-few.vcf'], { cwd: dir, timeoutMs: TIMEOUT_MS });
  assertOneLineError(r, 'view -s A late-few.vcf', { file: 'late-few.vcf', rule: 'VCF_RECORD_TOO_FEW_COLUMNS', line: HEADER_LINES + 4001 });
});

test('a header without #CHROM: VCF_HEADER_MISSING_CHROM_LINE at the right line, exit 2', async () => {
  const ends = fixture('bad', 'header-without-chrom.vcf'); // the file ends inside the header (3 lines)
  await allCommands(ends, { file: ends, rule: 'VCF_HEADER_MISSING_CHROM_LINE', line: 3 });
  const data = fixture('bad', 'no-chrom-line.vcf'); // a data line (line 4) right after the ## lines
  await allCommands(data, { file: data, rule: 'VCF_HEADER_MISSING_CHROM_LINE', line: 4 });
});

test('a line longer than --max-line-bytes: VCF_LINE_TOO_LONG at its line, exit 2', async () => {
  const lines = makeVcf(50).split('\n');
  lines[HEADER_LINES + 9] = lines[HEADER_LINES + 9].replace('DP=', `NOTE=${'x'.repeat(5000)};DP=`);
  fs.writeFileSync(tmp('long.vcf'), lines.join('\n'));
  await allCommands('long.vcf', { file: 'long.vcf', rule: 'VCF_LINE_TOO_LONG', line: HEADER_LINES + 10 }, ['--max-line-bytes', '1000']);
  // the same file is fine with the default limit
  const ok = await runCli(['view', '--no-version', 'long.vcf'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
});

test('CRLF files read like LF files; errors in them name the right line without a stray CR', async () => {
  fs.writeFileSync(tmp('lf.vcf'), makeVcf(30));
  fs.writeFileSync(tmp('crlf.vcf'), makeVcf(30, '\r\n'));
  const [lf, crlf] = await Promise.all([
    runCli(['view', '--no-version', 'lf.vcf'], { cwd: dir }),
    runCli(['view', '--no-version', 'crlf.vcf'], { cwd: dir }),
  ]);
  assert.equal(crlf.code, 0, crlf.stderr);
  assert.equal(crlf.stdout, lf.stdout);
  assert.doesNotMatch(crlf.stdout, /\r/);
  for (const c of ['validate', 'analyze'] as const) {
    const r = await runCli([c, 'crlf.vcf'], { cwd: dir });
    assert.equal(r.code, 0, `${c}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stderr, '');
  }
  const bad = makeVcf(30, '\r\n').split('\r\n');
  bad[HEADER_LINES + 3] = '1\t2000\t.\tA';
  fs.writeFileSync(tmp('crlf-bad.vcf'), bad.join('\r\n'));
  await allCommands('crlf-bad.vcf', { file: 'crlf-bad.vcf', rule: 'VCF_RECORD_TOO_FEW_COLUMNS', line: HEADER_LINES + 4 });
});

test('a header-only file is valid: 0 records, exit 0, nothing on stderr', async () => {
  const f = fixture('bad', 'header-only.vcf');
  const [v, val, an] = await Promise.all(COMMANDS.map((c) => runCli([c, f], { cwd: dir })));
  for (const r of [v, val, an]) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  }
  assert.match(v.stdout, /^#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n$/m);
  assert.equal(v.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length, 0);
  assert.match(val.stdout, /\b0 records\b/);
  assert.match(an.stdout, /\b0 records\b|records\s+0\b/);
});

test('stdin (-) works for plain and gzip input, and names "-" in errors', async () => {
  const text = makeVcf(2000);
  fs.writeFileSync(tmp('in.vcf'), text);
  const want = await runCli(['view', '--no-version', 'in.vcf'], { cwd: dir });
  assert.equal(want.code, 0, want.stderr);
  const [plain, gz, bgz] = await Promise.all([
    runCli(['view', '--no-version', '-'], { input: text }),
    runCli(['view', '--no-version', '-'], { input: zlib.gzipSync(text) }),
    runCli(['view', '--no-version', '-'], { input: Buffer.concat(bgzfBlocks(Buffer.from(text), 65280)) }),
  ]);
  for (const r of [plain, gz, bgz]) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, want.stdout);
  }
  const [val, an] = await Promise.all([runCli(['validate', '-'], { input: zlib.gzipSync(text) }), runCli(['analyze', '-'], { input: text, cwd: dir })]);
  assert.equal(val.code, 0, val.stdout + val.stderr);
  assert.match(val.stdout, /2000 records/);
  assert.equal(an.code, 0, an.stdout + an.stderr);
  const gzText = zlib.gzipSync(text);
  const cut = await runCli(['view', '-'], { input: gzText.subarray(0, gzText.length >> 1) });
  assertOneLineError(cut, 'view - (truncated gzip)', { file: '-', rule: 'GZIP_TRUNCATED', line: [2, 2000 + HEADER_LINES] });
  const empty = await runCli(['validate', '-'], { input: '' });
  assertOneLineError(empty, 'validate - (empty)', { file: '-', rule: 'VCF_EMPTY', line: 1 });
});

test('a closed stdout (| head -1) ends quietly with exit 0', () => {
  const big = tmp('big.vcf');
  fs.writeFileSync(big, makeVcf(150_000)); // ~7 MB: far more than a pipe holds
  fs.writeFileSync(tmp('big.vcf.gz'), Buffer.concat(bgzfBlocks(fs.readFileSync(big), 65280)));
  for (const args of [`view ${big}`, `view -s A ${big}`, `view -G ${big}.gz`, `view --threads 2 ${big}.gz`, `view -O z ${big}`, `view - < ${big}`]) {
    const r = sh(`node ${BIN} ${args} | head -1`, { cwd: ROOT });
    assert.equal(r.code, 0, `${args}: pipeline exit (pipefail) ${r.code}; stderr: ${r.stderr}`);
    assert.equal(r.stderr, '', `${args}: nothing on stderr`);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1, args);
  }
});

test('a full disk on stdout is an error (exit 2, one line), never a quiet success', { skip: fs.existsSync('/dev/full') ? false : 'no /dev/full' }, () => {
  fs.writeFileSync(tmp('full.vcf'), makeVcf(20_000));
  for (const c of ['view', 'validate']) {
    const r = sh(`node ${BIN} ${c} ${tmp('full.vcf')} > /dev/full`, { cwd: ROOT });
    assert.equal(r.code, 2, `${c}: ${r.stderr}`);
    assert.match(r.stderr, /^vcf-agent: -: cannot write to standard output: .*ENOSPC.* \[OUTPUT_WRITE\]\n$/);
  }
});

test('exit 2 for usage errors, each with one line on stderr', async () => {
  fs.writeFileSync(tmp('ok.vcf'), makeVcf(3));
  const cases: string[][] = [
    ['no-such-command'],
    ['view'],
    ['view', '--no-such-option', 'ok.vcf'],
    ['view', '-O', 'q', 'ok.vcf'],
    ['view', '--max-line-bytes', 'lots', 'ok.vcf'],
    ['validate', '--format', 'xml', 'ok.vcf'],
    ['validate', '--max-errors', '-x', 'ok.vcf'],
    ['analyze'],
  ];
  const rs = await Promise.all(cases.map((a) => runCli(a, { cwd: dir })));
  rs.forEach((r, i) => {
    const what = cases[i].join(' ');
    assert.equal(r.code, 2, `${what}: exit code; stderr: ${r.stderr}`);
    noStack(r);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `${what}: one line on stderr: ${r.stderr}`);
    assert.match(lines[0], /^vcf-agent: \S/, what);
  });
  // a file that does not exist or is a directory: input errors, exit 2, the name in the message
  for (const f of ['missing.vcf', dir]) {
    const r = await runCli(['view', f], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.ok(r.stderr.startsWith(`vcf-agent: ${f}: `), r.stderr);
  }
});

test('exit 1 for warnings under --strict (0 without), using an undeclared contig', async () => {
  fs.writeFileSync(tmp('contig.vcf'), '##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n2\t100\t.\tA\tG\t.\tPASS\t.\n');
  const [plain, strict, an, anStrict] = await Promise.all([
    runCli(['validate', 'contig.vcf'], { cwd: dir }),
    runCli(['validate', '--strict', 'contig.vcf'], { cwd: dir }),
    runCli(['analyze', '--no-ingest', 'contig.vcf'], { cwd: dir }),
    runCli(['analyze', '--no-ingest', '--strict', 'contig.vcf'], { cwd: dir }),
  ]);
  assert.match(plain.stdout, /warning/, 'the validator warns about an undeclared contig');
  assert.equal(plain.code, 0, plain.stdout);
  assert.equal(strict.code, 1, strict.stdout);
  assert.equal(an.code, 0, an.stdout);
  assert.equal(anStrict.code, 1, anStrict.stdout);
});

test('exit 3 for an internal failure: one line, no stack (the stack only with VCF_AGENT_DEBUG)', () => {
  const run = path.join(ROOT, 'dist', 'src', 'cli', 'run.js');
  const script = (body: string) => `import { action } from ${JSON.stringify(run)};\nawait action(async () => { ${body} })();`;
  const internal = spawnSync(process.execPath, ['--input-type=module', '-e', script('null.x;') /* a bug: TypeError */], { encoding: 'utf8' });
  assert.equal(internal.status, 3, internal.stderr);
  assert.match(internal.stderr, /^vcf-agent: internal error: .+\n$/);
  const debug = spawnSync(process.execPath, ['--input-type=module', '-e', script('null.x;')], { encoding: 'utf8', env: { ...process.env, VCF_AGENT_DEBUG: '1' } });
  assert.equal(debug.status, 3);
  assert.match(debug.stderr, /\n\s+at /, 'stack with VCF_AGENT_DEBUG=1');
  // an error escaping every command (an unhandled stream error) still ends as one line
  const main = path.join(ROOT, 'dist', 'src', 'cli', 'run.js');
  const escaped = spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { installProcessHandlers } from ${JSON.stringify(main)};\ninstallProcessHandlers();\nsetTimeout(() => { throw new RangeError('escaped'); }, 1);`], { encoding: 'utf8' });
  assert.equal(escaped.status, 3, escaped.stderr);
  assert.equal(escaped.stderr, 'vcf-agent: internal error: escaped\n');
});

// ---- in process: regressions for robustness bugs found while writing these tests and the fuzz test ----

test('reader: a BGZF block whose BSIZE is smaller than its own header is BGZF_BAD_BLOCK at line 1, not a RangeError', async () => {
  const blk = Buffer.from(bgzfBlocks(Buffer.from(makeVcf(2)), 65280)[0]);
  for (const bsize of [0, 1, 17, 24]) {
    blk.writeUInt16LE(bsize, 16);
    await assert.rejects(VcfReader.fromBuffer('bsize.vcf.gz', blk), (e: unknown) => e instanceof VcfError && e.code === 'BGZF_BAD_BLOCK' && e.line === 1 && e.file === 'bsize.vcf.gz');
  }
});

test('reader: sample accessors past the last sample column return nothing instead of the whole buffer', async () => {
  const text = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n1\t5\t.\tA\tG\t.\tPASS\t.\tGT:DP\t0/1:3\n';
  const r = await VcfReader.fromBuffer('short.vcf', Buffer.from(text));
  const recs: VcfRecord[] = [];
  for await (const b of r.batches()) recs.push(...b);
  const rec = recs[0];
  assert.equal(rec.sampleCount, 1);
  assert.equal(rec.sampleRaw(1), '');
  assert.deepEqual(rec.sampleFields(1), []);
  assert.equal(rec.sampleValue(1, 'DP'), undefined);
  assert.equal(rec.gtRaw(1), undefined);
  assert.equal(rec.genotype(1), undefined);
  assert.equal(rec.sampleStart(1), -1);
  assert.deepEqual(rec.genotype(0), { alleles: [0, 1], phased: [false, false] });
  assert.equal(rec.col(-1), '');
});

test('reader: real-world header and line-ending variants parse (BOM, CRLF, ##pedigreeDB=<url>, META Values=[...], SnpEff trailing tab)', async () => {
  const text = [
    '\ufeff##fileformat=VCFv4.3',
    '##pedigreeDB=<ftp://www.example.org:8080/pedigree.db>',
    '##META=<ID=Assay,Type=String,Number=.,Values=[WholeGenome, Exome]>',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth, total">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\t',
    '1\t5\t.\tA\tG\t.\tPASS\tDP=4\t',
  ].join('\r\n') + '\r\n';
  const r = await VcfReader.fromBuffer('variants.vcf', Buffer.from(text));
  assert.equal(r.header.fileformat, 'VCFv4.3');
  assert.equal(r.header.lines.find((l) => l.key === 'pedigreeDB')?.value, '<ftp://www.example.org:8080/pedigree.db>');
  assert.equal(r.header.lines.find((l) => l.key === 'META')?.attrs?.Values, '[WholeGenome, Exome]');
  assert.equal(r.header.info.get('DP')?.description, 'Depth, total');
  assert.deepEqual(r.header.samples, []);
  let n = 0;
  for await (const b of r.batches()) for (const rec of b) { n++; assert.equal(rec.info.get('DP'), '4'); }
  assert.equal(n, 1);
});

test('reader: bzip2 input is read (unbzip2-stream is an old-style stream), and a corrupt one is one located error', { skip: hasCommand('bzip2') ? false : 'bzip2 not installed' }, async () => {
  const text = makeVcf(500);
  fs.writeFileSync(tmp('b.vcf'), text);
  const bz = spawnSync('bzip2', ['-c', tmp('b.vcf')]).stdout as Buffer;
  const r = await VcfReader.fromBuffer('b.vcf.bz2', bz);
  assert.equal(r.compression, 'bzip2');
  let n = 0;
  for await (const b of r.batches()) n += b.length;
  assert.equal(n, 500);
  const cut = bz.subarray(0, bz.length >> 1);
  await assert.rejects(async () => { const rr = await VcfReader.fromBuffer('cut.vcf.bz2', cut); for await (const b of rr.batches()) void b; },
    (e: unknown) => e instanceof VcfError && /^GZIP_(TRUNCATED|CORRUPT)$/.test(e.code) && e.file === 'cut.vcf.bz2' && e.line! >= 1);
});
