/**
 * `norm` against bcftools 1.16 `norm` with the same options: records (non-header lines) of both
 * outputs must be byte-identical (numbers and missing values printed as htslib prints them); both must fail together (bcftools' error exits are ours too); with -c w the
 * REF_MISMATCH / NON_ACGTN_* / ALT_DUP lines on stderr must be the same.
 *
 * Inputs: the fixtures in test/fixtures/norm (a 375 bp reference with homopolymers, tandem
 * repeats, a soft-masked stretch and an IUPAC code; indels that must move left; one record per
 * kind of REF problem), the same reference bgzipped (with bgzip's .gzi) and re-blocked into tiny
 * BGZF blocks without any index (both indexes then built by us and compared with htslib's); corpus
 * files with multi-allelic records (-m -/+, -d); bcftools' own norm.vcf against a reference made
 * to agree with its REF alleles; and seeded random references and VCFs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { norm, normalizeAllele, FastaReader, type NormOptions } from '../src/annotate/normalize.js';
import { deflateAll } from '../src/vcf/index/bgzf.js';
import { SKIP_BCFTOOLS, SKIP_SHARED, fixture, sharedPath, mulberry32 as prng } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';

const FIX = (f: string) => fixture('norm', f);
const SKIP_DIFF = SKIP_BCFTOOLS || false;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-norm-'));
}

/** `bcftools norm`-style arguments → our options */
function optsFrom(args: string[]): Partial<NormOptions> {
  const o: Partial<NormOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => args[++i];
    if (a === '-f') o.fasta = v();
    else if (a === '-c') o.checkRef = v();
    else if (a.startsWith('-m')) o.multiallelics = a.length > 2 ? a.slice(2) : v();
    else if (a === '-d') o.rmDup = v();
    else if (a === '-N') o.doNotNormalize = true;
    else if (a === '--old-rec-tag') o.oldRecTag = v();
    else if (a === '-w') o.siteWin = Number(v());
    else if (a === '-s') o.strictFilter = true;
    else if (a === '--keep-sum') o.keepSum = v();
    else if (a === '--force') o.force = true;
    else if (a === '-r') o.regions = v();
    else if (a === '-t') o.targets = v();
    else if (a === '--regions-overlap') o.regionsOverlap = v();
    else throw new Error(`optsFrom: ${a}`);
  }
  return o;
}

interface Side { ok: boolean; records: string; warnings: string[]; error?: string }

const WARN_LINE = /^(REF_MISMATCH|NON_ACGTN_REF|NON_ACGTN_ALT|ALT_DUP)\t/;

function bcftoolsNorm(input: string, args: string[], out: string): Side {
  const r = spawnSync('bcftools', ['norm', '--no-version', ...args, '-o', out, input], { maxBuffer: 1 << 30 });
  const stderr = r.stderr.toString('latin1');
  const warnings = stderr.split('\n').filter((l) => WARN_LINE.test(l));
  if (r.status !== 0) return { ok: false, records: '', warnings, error: stderr.split('\n').filter((l) => l && !l.startsWith('[W::')).join(' | ') };
  // htslib wrote it: its records are already in the form `bcftools view` gives
  const text = fs.readFileSync(out, 'latin1');
  const recs = text.split('\n').filter((l) => l && !l.startsWith('#'));
  return { ok: true, records: recs.length ? recs.join('\n') + '\n' : '', warnings };
}

async function ourNorm(input: string, args: string[], out: string): Promise<Side> {
  const warnings: string[] = [];
  try {
    await norm({ input, output: out, noVersion: true, onWarning: (l) => { if (WARN_LINE.test(l)) warnings.push(l); }, ...optsFrom(args) });
  } catch (e) {
    return { ok: false, records: '', warnings, error: (e as Error).message };
  }
  // our text as written, byte for byte: numbers and missing values printed as htslib prints them
  const text = fs.readFileSync(out, 'latin1');
  const recs = text.split('\n').filter((l) => l && !l.startsWith('#'));
  return { ok: true, records: recs.length ? recs.join('\n') + '\n' : '', warnings };
}

function firstDiff(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  const i = la.findIndex((l, k) => l !== lb[k]);
  if (i < 0) return `${la.length - 1} vs ${lb.length - 1} records`;
  return `record ${i + 1}:\n  ours:     ${(la[i] ?? '(none)').slice(0, 300)}\n  bcftools: ${(lb[i] ?? '(none)').slice(0, 300)}`;
}

/** Run both; returns a problem description or null when they agree. */
async function compare(input: string, args: string[], dir: string, what = input): Promise<string | null> {
  const bt = bcftoolsNorm(input, args, path.join(dir, 'bt.vcf'));
  const us = await ourNorm(input, args, path.join(dir, 'ours.vcf'));
  const label = `${path.basename(what)} ${args.join(' ')}`;
  if (bt.ok !== us.ok) return `${label}: bcftools ${bt.ok ? 'succeeded' : `failed (${bt.error})`}, ours ${us.ok ? 'succeeded' : `failed (${us.error})`}`;
  if (!bt.ok) return null;
  if (us.records !== bt.records) return `${label}: ${firstDiff(us.records, bt.records)}`;
  if (us.warnings.join('\n') !== bt.warnings.join('\n')) return `${label}: stderr lines differ:\n  ours:     ${us.warnings.join(' | ')}\n  bcftools: ${bt.warnings.join(' | ')}`;
  return null;
}

// ---------------------------------------------------------------------------------------------

test('norm: left-alignment, trimming and REF checks on the fixtures (expected values)', async () => {
  const dir = tmpdir();
  try {
    const out = path.join(dir, 'o.vcf');
    await norm({ input: FIX('indels.vcf'), fasta: FIX('ref.fa'), checkRef: 'w', output: out, noVersion: true, onWarning: () => {} });
    const rec = new Map<string, string[]>();
    for (const l of fs.readFileSync(out, 'latin1').split('\n')) if (l && !l.startsWith('#')) rec.set(l.split('\t')[2], l.split('\t'));
    const at = (id: string) => rec.get(id)!.slice(0, 5).join(' ');
    // an A inserted at the end of a run of 12 A moves before the run
    assert.equal(at('hp_ins'), 'chr1 20 hp_ins G GA');
    assert.equal(at('hp_del'), 'chr1 20 hp_del GA G');
    assert.equal(at('hp_del_right_anchor'), 'chr1 20 hp_del_right_anchor GA G');
    // INFO/END follows the new REF
    assert.match(rec.get('hp_del')![7], /END=21(;|$)/);
    // tandem repeats: CA and CAG units
    assert.equal(at('ca_multi'), 'chr1 47 ca_multi C CCA,CCACA');
    assert.equal(at('cag_del'), 'chr1 73 cag_del ACAG A');
    // bases taken from a soft-masked stretch keep their case, as bcftools writes them
    assert.equal(at('softmask_ins'), 'chr1 106 softmask_ins g gt');
    // at the start of a contig there is nothing to pad with
    assert.equal(at('start_ins'), 'chr2 1 start_ins T TT');
    // REF problems with -c w: written unchanged
    assert.equal(at('ref_mismatch'), 'chr1 5 ref_mismatch T C');
    assert.equal(at('symbolic'), 'chr1 258 symbolic C <DEL>');
    // -c x drops them, -c s fixes them
    await norm({ input: FIX('indels.vcf'), fasta: FIX('ref.fa'), checkRef: 'x', output: out, noVersion: true });
    const ids = fs.readFileSync(out, 'latin1').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[2]);
    for (const id of ['ref_mismatch', 'ref_has_N', 'ref_swapped', 'ref_missing', 'iupac_ref']) assert.ok(!ids.includes(id), `${id} excluded`);
    const r = await norm({ input: FIX('indels.vcf'), fasta: FIX('ref.fa'), checkRef: 's', output: out, noVersion: true });
    const fixed = new Map(fs.readFileSync(out, 'latin1').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.split('\t')[2], l.split('\t')]));
    assert.deepEqual(fixed.get('ref_mismatch')!.slice(3, 5), ['A', 'C']);
    assert.deepEqual(fixed.get('ref_swapped')!.slice(1, 5), ['15', 'ref_swapped', 'G', 'T']);
    assert.equal(fixed.get('ref_swapped')![9].split(':')[0], '1/0', 'GT follows the swap');
    assert.deepEqual(fixed.get('ref_missing')!.slice(3, 5), ['G', 'T']);
    assert.deepEqual(fixed.get('alt_dup_multi')!.slice(3, 5), ['AC', 'A']);
    assert.deepEqual(r.summary, ['Lines   total/split/realigned/skipped:\t28/0/18/0', 'REF/ALT total/modified/added:  \t28/1/4']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('norm -f: fixtures equal bcftools with every -c mode, plain and bgzipped FASTA', { skip: SKIP_DIFF }, async () => {
  const dir = tmpdir();
  try {
    // the reference in BGZF blocks of 50 bytes, without .fai or .gzi: we build both
    const tiny = path.join(dir, 'tiny.fa.gz');
    fs.writeFileSync(tiny, deflateAll(fs.readFileSync(FIX('ref.fa')), 6, 50));
    const cases = [
      ['-c', 'e'], ['-c', 'w'], ['-c', 'x'], ['-c', 's'], ['-c', 'ws', '-m-any'], ['-c', 'w', '-m+any'], ['-c', 'x', '-m-snps'],
      ['-c', 's', '-d', 'exact'], ['-c', 's', '-d', 'all'], ['-c', 'w', '-d', 'both'], ['-c', 's', '-N'], ['-c', 'w', '-N', '-m-'],
      ['-c', 'w', '--old-rec-tag', 'ORIGINAL', '-m-any'], ['-c', 'x', '-w', '5'], ['-c', 'ws', '-m-', '--keep-sum', 'AD'],
    ];
    const problems: string[] = [];
    for (const fa of [FIX('ref.fa'), FIX('ref.fa.gz'), tiny]) {
      for (const c of cases) {
        const p = await compare(FIX('indels.vcf'), ['-f', fa, ...c], dir, `indels.vcf (${path.basename(fa)})`);
        if (p) problems.push(p);
      }
    }
    // bcftools quirks reproduced: its variant type cached before -c s changed the alleles (-d
    // computes it early), no non-ACGTN ALT check on records it has just split, REF running past
    // the end of the contig, N bases to fix past that end
    for (const c of [['-c', 's', '-d', 'exact'], ['-c', 's'], ['-c', 'w', '-m-'], ['-c', 'w'], ['-c', 'ws', '-m-any']]) {
      const p = await compare(FIX('quirks.vcf'), ['-f', FIX('ref.fa'), ...c], dir, 'quirks.vcf');
      if (p) problems.push(p);
    }
    // BCF input; an indexed input with -r, and -t
    const bcf = path.join(dir, 'indels.bcf');
    const gz = path.join(dir, 'indels.vcf.gz');
    for (const [fmt, out] of [['b', bcf], ['z', gz]]) {
      const r = spawnSync('bcftools', ['view', '--no-version', '-O', fmt, '-o', out, '--write-index', FIX('indels.vcf')]);
      if (r.status !== 0) assert.equal(spawnSync('bcftools', ['view', '--no-version', '-O', fmt, '-o', out, FIX('indels.vcf')]).status, 0);
      if (!fs.existsSync(out + '.csi')) assert.equal(spawnSync('bcftools', ['index', out]).status, 0);
    }
    for (const [input, c] of [
      [bcf, ['-c', 'w', '-m-any']], [bcf, ['-c', 's', '-m+any']], [gz, ['-c', 'w', '-m-any', '-r', 'chr1:20-100']], [gz, ['-c', 'w', '-r', 'chr2']],
      [gz, ['-c', 'w', '-r', 'chr1:30-35', '--regions-overlap', '0']], [FIX('indels.vcf'), ['-c', 'w', '-t', '^chr1:1-50']],
    ] as Array<[string, string[]]>) {
      const p = await compare(input, ['-f', FIX('ref.fa'), ...c], dir, path.basename(input));
      if (p) problems.push(p);
    }
    assert.deepEqual(problems, []);
    // the indexes we built for the tiny-block file equal the ones htslib builds
    const oursFai = fs.readFileSync(tiny + '.fai'), oursGzi = fs.readFileSync(tiny + '.gzi');
    const copy = path.join(dir, 'copy.fa.gz');
    fs.copyFileSync(tiny, copy);
    const r = spawnSync('bcftools', ['norm', '-f', copy, '-c', 'w', '-o', path.join(dir, 'x.vcf'), FIX('indels.vcf')]);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(oursFai, fs.readFileSync(copy + '.fai'));
    assert.deepEqual(oursGzi, fs.readFileSync(copy + '.gzi'));
    assert.ok(oursGzi.readUInt32LE(0) > 5, 'several BGZF blocks');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('FastaReader: faidx fetch semantics, plain and BGZF, .fai built like htslib', async () => {
  const dir = tmpdir();
  try {
    const plain = FastaReader.open(FIX('ref.fa'));
    const tinyPath = path.join(dir, 't.fa.gz');
    fs.writeFileSync(tinyPath, deflateAll(fs.readFileSync(FIX('ref.fa')), 6, 23));
    const tiny = FastaReader.open(tinyPath);
    assert.deepEqual(tiny.built.map((f) => path.basename(f)).sort(), ['t.fa.gz.fai', 't.fa.gz.gzi']);
    const seq1 = fs.readFileSync(FIX('ref.fa'), 'latin1').split('>')[1].split('\n').slice(1).join('');
    assert.equal(seq1.length, 278);
    for (const fa of [plain, tiny]) {
      assert.deepEqual(fa.names, ['chr1', 'chr2']);
      assert.equal(fa.length('chr1'), 278);
      assert.equal(fa.fetch('chr1', 0, 277), seq1);
      assert.equal(fa.fetch('chr1', 55, 130), seq1.slice(55, 131), 'across lines');
      assert.equal(fa.fetch('chr1', 100, 110), seq1.slice(100, 111));
      assert.match(fa.fetch('chr1', 100, 110)!, /[acgt]/, 'case kept');
      assert.equal(fa.fetch('chr1', 270, 400), seq1.slice(270), 'clamped at the end');
      assert.equal(fa.fetch('chr1', -5, 2), seq1.slice(0, 3), 'clamped at the start');
      assert.equal(fa.fetch('chr1', 10, 5), seq1[5], 'end < beg: the base at end');
      assert.equal(fa.fetch('chr1', 300, 310), '', 'past the end');
      assert.equal(fa.fetch('chrZ', 1, 2), null);
    }
    plain.close();
    tiny.close();
    // the .fai we build for a plain FASTA is htslib's
    const copy = path.join(dir, 'r.fa');
    fs.copyFileSync(FIX('ref.fa'), copy);
    FastaReader.open(copy).close();
    assert.equal(fs.readFileSync(copy + '.fai', 'latin1'), fs.readFileSync(FIX('ref.fa.fai'), 'latin1'));
    // a gzip (not BGZF) FASTA cannot be read at random
    const gz = path.join(dir, 'g.fa.gz');
    fs.writeFileSync(gz, (await import('node:zlib')).gzipSync(fs.readFileSync(FIX('ref.fa'))));
    assert.throws(() => FastaReader.open(gz), /bgzip/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('normalizeAllele: the variant key normalisation', async () => {
  const fa = FastaReader.open(FIX('ref.fa'));
  try {
    assert.deepEqual(normalizeAllele('chr1', 32, 'A', 'AA', fa), { pos: 20, ref: 'G', alt: 'GA' });
    assert.deepEqual(normalizeAllele('chr1', 31, 'AA', 'A', fa), { pos: 20, ref: 'GA', alt: 'G' });
    assert.deepEqual(normalizeAllele('chr1', 89, 'CAGC', 'C', fa), { pos: 73, ref: 'ACAG', alt: 'A' });
    // upper-cased, unlike bcftools' output for soft-masked bases
    assert.deepEqual(normalizeAllele('chr1', 115, 'T', 'TT', fa), { pos: 106, ref: 'G', alt: 'GT' });
    assert.deepEqual(normalizeAllele('chr2', 11, 'T', 'TT', fa), { pos: 1, ref: 'T', alt: 'TT' });
    assert.deepEqual(normalizeAllele('chr1', 217, 'ATGATC', 'ATGATG', fa), { pos: 222, ref: 'C', alt: 'G' });
    // a REF that disagrees with the reference, symbolic alleles: unchanged
    assert.deepEqual(normalizeAllele('chr1', 5, 'T', 'C', fa), { pos: 5, ref: 'T', alt: 'C' });
    assert.deepEqual(normalizeAllele('chr1', 258, 'C', '<DEL>', fa), { pos: 258, ref: 'C', alt: '<DEL>' });
    // without a reference: trimmed only
    assert.deepEqual(normalizeAllele('1', 100, 'CAGCAG', 'CAG'), { pos: 100, ref: 'CAGC', alt: 'C' });
    assert.deepEqual(normalizeAllele('1', 100, 'ATGATC', 'ATGATG'), { pos: 105, ref: 'C', alt: 'G' });
    assert.deepEqual(normalizeAllele('1', 100, 'acgt', 'aggt'), { pos: 101, ref: 'C', alt: 'G' });
    // every biallelic record of the fixture: the same position and alleles as norm -f writes
    const dir = tmpdir();
    try {
      const out = path.join(dir, 'o.vcf');
      await norm({ input: FIX('indels.vcf'), fasta: FIX('ref.fa'), checkRef: 'x', multiallelics: '-any', output: out, noVersion: true });
      const orig = new Map<string, string[]>();
      for (const l of fs.readFileSync(FIX('indels.vcf'), 'latin1').split('\n')) if (l && !l.startsWith('#')) orig.set(l.split('\t')[2], l.split('\t'));
      let n = 0;
      for (const l of fs.readFileSync(out, 'latin1').split('\n')) {
        if (!l || l.startsWith('#')) continue;
        const c = l.split('\t');
        const o = orig.get(c[2])!;
        if (o[4].includes(',') || c[4].includes(',') || c[4] === '.' || o[4] === o[3]) continue;
        assert.deepEqual(normalizeAllele(o[0], Number(o[1]), o[3], o[4], fa), { pos: Number(c[1]), ref: c[3].toUpperCase(), alt: c[4].toUpperCase() }, c[2]);
        n++;
      }
      assert.ok(n >= 12, `${n} records checked`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    fa.close();
  }
});

// ---------------------------------------------------------------------------------------------
// corpus files

/**
 * The definitions htslib assumes for ids a file uses without defining them. bcftools norm writes
 * with the header as read, so it refuses such records; both sides then get a copy with them.
 */
function withAssumedDefinitions(text: string): string {
  const lines = text.split('\n');
  const hdrEnd = lines.findIndex((l) => l.startsWith('#CHROM'));
  const header = lines.slice(0, hdrEnd);
  const defined = (key: string) => new Set(header.filter((l) => l.startsWith(`##${key}=<`)).map((l) => /ID=([^,>]*)/.exec(l)?.[1]));
  const contigs = defined('contig'), filters = defined('FILTER'), infos = defined('INFO'), formats = defined('FORMAT');
  filters.add('PASS');
  const add: string[] = [];
  const need = (set: Set<string | undefined>, id: string, line: string) => { if (!set.has(id)) { set.add(id); add.push(line); } };
  for (const l of lines.slice(hdrEnd + 1)) {
    if (!l) continue;
    const c = l.split('\t');
    need(contigs, c[0], `##contig=<ID=${c[0]}>`);
    if (c[6] && c[6] !== '.') for (const f of c[6].split(';')) need(filters, f, `##FILTER=<ID=${f},Description="Dummy">`);
    if (c[7] && c[7] !== '.') {
      for (const kv of c[7].split(';')) {
        const k = kv.split('=')[0];
        need(infos, k, kv.includes('=') ? `##INFO=<ID=${k},Number=1,Type=String,Description="Dummy">` : `##INFO=<ID=${k},Number=0,Type=Flag,Description="Dummy">`);
      }
    }
    if (c[8] && c[8] !== '.') for (const k of c[8].split(':')) need(formats, k, `##FORMAT=<ID=${k},Number=1,Type=String,Description="Dummy">`);
  }
  return [...header, ...add, ...lines.slice(hdrEnd)].join('\n');
}

const CORPUS: Array<{ file: string; args: string[][] }> = [
  ...[
    'b_parser_edge_cases/bcftools/norm.vcf', 'b_parser_edge_cases/bcftools/merge.mrules.1.a.vcf', 'b_parser_edge_cases/bcftools/merge.gvcf.4.b.vcf',
    'b_parser_edge_cases/bcftools/mpileup.hwe.vcf', 'b_parser_edge_cases/bcftools/consensus.18.vcf', 'b_parser_edge_cases/bcftools/norm.symbolic.vcf',
    'b_parser_edge_cases/hail/split_test.vcf', 'b_parser_edge_cases/hail/generic.vcf', 'b_parser_edge_cases/hail/33alleles.vcf',
    'b_parser_edge_cases/hail/missingFormatArray.vcf', 'b_parser_edge_cases/hail/gvcfs/has_filter.g.vcf.gz', 'b_parser_edge_cases/hail/gvcfs/non_ref_call.g.vcf.gz',
    'b_parser_edge_cases/cyvcf2/test.mnp.vcf', 'b_parser_edge_cases/cyvcf2/o.vcf.gz', 'b_parser_edge_cases/cyvcf2/test-multiallelic-homozygous-alt.vcf.gz',
    'b_parser_edge_cases/cyvcf2/multi-contig.vcf.gz', 'b_parser_edge_cases/cyvcf2/test-hemi.vcf', 'b_parser_edge_cases/cyvcf2/test-genotypes.vcf',
    'b_parser_edge_cases/vcf-js/multipleAltSVs.vcf', 'b_parser_edge_cases/vcf-js/simple.vcf', 'b_parser_edge_cases/htslib/index.vcf',
    'b_parser_edge_cases/htslib/tabix/vcf_file.vcf', 'd_cohort/cyvcf2/test.vcf.gz', 'd_cohort/hail/sample.vcf.gz',
    'e_annotated/vep_CSQ/split-vep.vcf', 'e_annotated/clinvar/clinvar_20211025_GRCh38_subset_a.vcf', 'g_concordance/decomp/decomp_test.query.vcf',
  ].map((file) => ({ file, args: [['-m-any'], ['-m+any'], ['-m-snps'], ['-d', 'exact'], ['-m+', '-d', 'both'], ['-m-', '--old-rec-tag', 'OLD']] })),
  // large files: fewer option sets
  { file: 'd_cohort/1000G_phase3/1000G_phase3_chr1_2504samples.vcf', args: [['-m-any'], ['-m+both']] },
  { file: 'd_cohort/platinum/PG_NA12878_chr21.vcf.gz', args: [['-m-any'], ['-d', 'all']] },
];

test('norm -m/-d: corpus files equal bcftools', { skip: SKIP_SHARED || SKIP_DIFF }, async () => {
  const dir = tmpdir();
  const problems: string[] = [];
  let compared = 0;
  try {
    for (const { file, args } of CORPUS) {
      let input = sharedPath(file);
      for (const a of args) {
        let p = await compare(input, a, dir, file);
        if (p && /not present in the header|is too large/.test(p) && input === sharedPath(file)) {
          // bcftools writes with the header as read: give both the definitions htslib assumes
          const text = spawnSync('bcftools', ['view', '--no-version', input], { maxBuffer: 1 << 30 }).stdout.toString('latin1');
          input = path.join(dir, path.basename(file).replace(/\.gz$/, '') + '.defs.vcf');
          fs.writeFileSync(input, withAssumedDefinitions(text), 'latin1');
          p = await compare(input, a, dir, file);
        }
        compared++;
        if (p) problems.push(p);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems, []);
  assert.ok(compared >= 160, `${compared} comparisons`);
});

test('norm -f: bcftools\' own norm.vcf against a reference agreeing with its REF alleles', { skip: SKIP_SHARED || SKIP_DIFF }, async () => {
  const dir = tmpdir();
  try {
    const vcf = sharedPath('b_parser_edge_cases/bcftools/norm.vcf');
    const rnd = prng(360);
    const seqs = new Map<string, string[]>();
    for (const l of fs.readFileSync(vcf, 'latin1').split('\n')) {
      if (!l || l.startsWith('#')) continue;
      const c = l.split('\t');
      const s = seqs.get(c[0]) ?? [];
      seqs.set(c[0], s);
      const p = Number(c[1]) - 1;
      for (let i = 0; i < c[3].length; i++) if (s[p + i] === undefined && /[ACGT]/i.test(c[3][i])) s[p + i] = c[3][i].toUpperCase();
    }
    let fa = '';
    for (const [name, s] of seqs) {
      const n = s.length + 50;
      let t = '';
      for (let i = 0; i < n; i++) t += s[i] ?? 'ACGT'[Math.floor(rnd() * 4)];
      fa += `>${name}\n${t.replace(/(.{60})/g, '$1\n')}\n`;
    }
    const ref = path.join(dir, 'norm.fa');
    fs.writeFileSync(ref, fa.replace(/\n\n/g, '\n'));
    const problems: string[] = [];
    for (const c of [['-c', 'w'], ['-c', 'x'], ['-c', 's'], ['-c', 'w', '-m-any'], ['-c', 'ws', '-m-both', '--old-rec-tag', 'O'], ['-c', 'w', '-m+any'], ['-c', 'w', '-d', 'exact']]) {
      const p = await compare(vcf, ['-f', ref, ...c], dir, 'norm.vcf');
      if (p) problems.push(p);
    }
    assert.deepEqual(problems, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// seeded random references and VCFs

/** A reference of repeats (homopolymers, 2-4 bp units), soft-masked stretches and IUPAC codes, and a VCF of indels, MNPs, multi-allelic records and REF problems on it. */
function randomCase(seed: number, clean: boolean): { fa: string; vcf: string } {
  const r = prng(seed);
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const B = ['A', 'C', 'G', 'T'];
  const rnd = (n: number) => Array.from({ length: n }, () => pick(B)).join('');
  const contigs: Array<[string, string]> = [];
  for (const name of ['1', '2', 'chrX']) {
    const n = int(200, 900);
    let s = '';
    while (s.length < n) {
      const k = r();
      if (k < 0.3) s += pick(B).repeat(int(3, 12));
      else if (k < 0.6) s += rnd(int(2, 4)).repeat(int(2, 6));
      else s += rnd(int(1, 15));
    }
    const a = s.slice(0, n).split('');
    for (let i = int(0, 2); i > 0; i--) { const b = int(0, n - 20); for (let j = b; j < Math.min(n, b + int(5, 60)); j++) a[j] = a[j].toLowerCase(); }
    if (r() < 0.3) a[int(0, n - 1)] = pick(['N', 'R', 'Y']);
    contigs.push([name, a.join('')]);
  }
  const fa = contigs.map(([n, s]) => `>${n} random\n${s.replace(/(.{60})/g, '$1\n')}\n`.replace(/\n\n$/, '\n')).join('');
  const hdr = ['##fileformat=VCFv4.2', ...contigs.map(([n, s]) => `##contig=<ID=${n},length=${s.length}>`),
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="x">', '##INFO=<ID=AF,Number=A,Type=Float,Description="x">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="x">', '##INFO=<ID=END,Number=1,Type=Integer,Description="x">',
    '##INFO=<ID=RS,Number=R,Type=String,Description="x">', '##INFO=<ID=DB,Number=0,Type=Flag,Description="x">',
    '##FILTER=<ID=q10,Description="x">', '##FILTER=<ID=s50,Description="x">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="x">', '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="x">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="x">', '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="x">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2'];
  const lines: string[] = [];
  for (const [c, s] of contigs) {
    const n = s.length;
    const recs: Array<[number, string]> = [];
    const gen = (p: number): [number, string] => {
      const rl = Math.max(1, Math.min(int(1, 8), n - p + 1));
      let ref = s.slice(p - 1, p - 1 + rl).toUpperCase().replace(/[^ACGTN]/g, 'N');
      if (!clean) {
        if (r() < 0.1) { const i = int(0, ref.length - 1); ref = ref.slice(0, i) + pick(B) + ref.slice(i + 1); }
        if (r() < 0.05) ref = ref.toLowerCase();
        if (r() < 0.04) ref = ref.slice(0, -1) + 'N';
        if (r() < 0.02) ref = '.';
      }
      const alts: string[] = [];
      for (let k = pick([1, 1, 1, 2, 2, 3]); k > 0; k--) {
        const x = r();
        let a: string;
        if (x < 0.25) a = ref[0] + ref[0].repeat(int(1, 3)) + ref.slice(1);
        else if (x < 0.45) a = ref.length > 1 ? ref[0] : ref + pick(B);
        else if (x < 0.6) a = ref + ref[ref.length - 1].repeat(int(1, 2));
        else if (x < 0.7) a = rnd(ref.length);
        else if (x < 0.75) a = pick(['*', '<DEL>', '<NON_REF>', `${ref[0]}[2:10[`, `]1:5]${ref[0]}`, 'N' + ref.slice(1)]);
        else if (x < 0.8) a = ref;
        else a = ref.slice(0, -1) + pick(B);
        if (!alts.includes(a)) alts.push(a);
      }
      const na = alts.length + 1;
      const info: string[] = [];
      if (r() < 0.8) info.push('AC=' + alts.map(() => int(0, 4)).join(','));
      if (r() < 0.5) info.push('AF=' + alts.map(() => (r() * 0.999).toPrecision(3)).join(','));
      if (r() < 0.5) info.push(`DP=${int(1, 99)}`);
      if (r() < 0.2) info.push(`END=${p + rl - 1 + int(0, 3)}`);
      if (r() < 0.3) info.push('RS=' + Array.from({ length: na }, () => pick(['x', 'yy', '.'])).join(','));
      if (r() < 0.2) info.push('DB');
      const gt = () => (r() < 0.1 ? (clean ? './.' : pick(['.', './.'])) : `${int(0, na - 1)}${pick(['/', '|'])}${int(0, na - 1)}`);
      const smp = [0, 1].map(() => {
        const ad = r() < 0.1 ? '.' : Array.from({ length: na }, () => int(0, 30)).join(',');
        const pl = r() < 0.1 && na > 2 ? '.' : Array.from({ length: (na * (na + 1)) / 2 }, () => int(0, 255)).join(',');
        return `${gt()}:${ad}:${pl}:${int(0, 50)}`;
      });
      return [p, [c, p, pick(['.', `rs${int(1, 99)}`]), ref, alts.join(','), pick(['.', '10', '20.5', '99']), pick(['PASS', '.', 'q10', 'q10;s50']), info.length ? info.join(';') : '.', 'GT:AD:PL:DP', ...smp].join('\t')];
    };
    for (let k = int(5, 30); k > 0; k--) recs.push(gen(r() < 0.9 ? int(1, n - 10) : pick([1, 2, n - 1, n])));
    for (const [p] of recs.slice()) if (r() < 0.15) recs.push(gen(p));
    recs.sort((x, y) => x[0] - y[0]);
    lines.push(...recs.map((x) => x[1]));
  }
  return { fa, vcf: [...hdr, ...lines].join('\n') + '\n' };
}

test('norm: seeded random references and VCFs equal bcftools', { skip: SKIP_DIFF }, async () => {
  const dir = tmpdir();
  const problems: string[] = [];
  let compared = 0;
  try {
    const withRef = [['-c', 'w'], ['-c', 'x'], ['-c', 's'], ['-c', 'ws', '-m-any'], ['-c', 'w', '-m-', '--old-rec-tag', 'O'], ['-c', 's', '-d', 'exact'], ['-c', 'w', '-d', 'all'], ['-c', 'wx', '-m+snps'], ['-c', 's', '-N']];
    const clean = [['-c', 'w', '-m+any'], ['-c', 'w', '-m+', '-s'], ['-m+indels'], ['-d', 'both'], ['-c', 'w', '-d', 'both', '-m+'], ['-m-any']];
    for (let seed = 1; seed <= 6; seed++) {
      for (const isClean of [false, true]) {
        const { fa, vcf } = randomCase(seed * 7919 + (isClean ? 1 : 0), isClean);
        const ref = path.join(dir, `r${seed}${isClean ? 'c' : ''}.fa`);
        const input = path.join(dir, `r${seed}${isClean ? 'c' : ''}.vcf`);
        fs.writeFileSync(ref, fa);
        fs.writeFileSync(input, vcf);
        for (const a of isClean ? clean : withRef) {
          const args = a.includes('-c') ? ['-f', ref, ...a] : a;
          const p = await compare(input, args, dir, `seed ${seed}${isClean ? ' clean' : ''}`);
          compared++;
          if (p) problems.push(p);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems, []);
  assert.equal(compared, 90);
});

// ---------------------------------------------------------------------------------------------
// the command line

test('vcf-agent norm: errors, exit codes, headers and output types', async () => {
  const dir = tmpdir();
  try {
    // -c e (the default with -f): the first REF mismatch stops, one line naming file, line and rule
    let r = await runCli(['norm', '-f', FIX('ref.fa'), FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    const err = r.stderr.trim().split('\n');
    assert.equal(err.length, 1, r.stderr);
    assert.match(err[0], /^vcf-agent: .*indels\.vcf:\d+: reference allele mismatch at chr1:5: .* \[NORM_REF_MISMATCH\]$/);
    // nothing to do / bad arguments / a contig the reference lacks
    r = await runCli(['norm', FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^vcf-agent: norm needs something to do/);
    r = await runCli(['norm', '-m', 'x', FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    r = await runCli(['norm', '-m-', '-d', 'all', FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    r = await runCli(['norm', '-c', 'w', FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-f\/--fasta-ref/);
    const other = path.join(dir, 'other.fa');
    fs.writeFileSync(other, '>chr9\nACGT\n');
    r = await runCli(['norm', '-f', other, '-c', 'w', FIX('indels.vcf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no contig "chr1".*\[NORM_FASTA_CONTIG\]/);
    // -c w: warnings and the summary on stderr, records on stdout, provenance lines
    r = await runCli(['norm', '-f', FIX('ref.fa'), '-c', 'w', '-m-any', FIX('indels.vcf')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^REF_MISMATCH\tchr1\t5\tT\tA$/m);
    assert.match(r.stderr, /^Lines {3}total\/split\/realigned\/skipped:\t28\/7\/21\/0$/m);
    assert.match(r.stdout, /^##vcf-agent_normVersion=/m);
    assert.match(r.stdout, /^##vcf-agent_normCommand=vcf-agent norm -f /m);
    assert.doesNotMatch(r.stdout, /^##bcftools_norm/m);
    // -O z to a file, --no-version, -q
    const out = path.join(dir, 'o.vcf.gz');
    r = await runCli(['norm', '-f', FIX('ref.fa.gz'), '-c', 'x', '-m+any', '--no-version', '-q', '-O', 'z', '-o', out, FIX('indels.vcf')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const back = fs.readFileSync(out);
    assert.equal(back[0], 0x1f);
    const text = (await import('node:zlib')).gunzipSync(back).toString();
    assert.doesNotMatch(text, /##vcf-agent_norm/);
    assert.match(text, /^chr1\t20\thp_del;hp_ins;hp_del_right_anchor\tGA\tG,GAA\t/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
