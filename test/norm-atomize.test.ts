/**
 * `norm -a/--atomize` and `--atom-overlaps` against bcftools 1.16 `norm -a` with the same options:
 * the whole output (header and records, `--no-version` on both) must be byte-identical, both must
 * succeed or fail together, and the closing "Lines total/split/realigned/skipped" line and the -c w
 * warning lines on stderr must be the same.
 *
 * Inputs: a hand-written fixture (MNPs, REF=ACGT ALT=A, REF=AC ALT=GT, REF=ACG ALT=TCA,TGG,
 * REF=ACGT ALT=TCGA, ALT equal to REF, indels mixed with SNVs, multi-allelic SNVs, records left
 * alone (symbolic, `*`, IUPAC, REF-only), GT phased/unphased/haploid/triploid/missing, AD/DP/PL,
 * Number=A/R/G INFO and FORMAT fields of every type, INFO/END) with a small reference; seeded
 * random VCFs on random references; corpus files with MNPs (byte-identical too: numbers in
 * non-canonical form, e.g. `1e6`, are printed as htslib prints them, see vcf/htslib-text.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { norm, type NormOptions } from '../src/annotate/normalize.js';
import { SKIP_BCFTOOLS, SKIP_SHARED, sharedPath, mulberry32 as prng } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';

const WARN_LINE = /^(REF_MISMATCH|NON_ACGTN_REF|NON_ACGTN_ALT|ALT_DUP)\t/;
const SUMMARY = /^Lines\s+total/;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-atomize-'));
}

/** a FASTA with its .fai (one line per sequence) */
function writeFasta(file: string, seqs: Array<[string, string]>): void {
  let text = '', fai = '', off = 0;
  for (const [name, seq] of seqs) {
    const head = `>${name}\n`;
    off += head.length;
    fai += `${name}\t${seq.length}\t${off}\t${seq.length}\t${seq.length + 1}\n`;
    text += head + seq + '\n';
    off += seq.length + 1;
  }
  fs.writeFileSync(file, text);
  fs.writeFileSync(file + '.fai', fai);
}

interface Run { status: number | null; signal: string | null; stdout: string; warnings: string[]; summary: string }

function bcftools(args: string[], input: string): Run {
  const r = spawnSync('bcftools', ['norm', '--no-version', ...args, input], { maxBuffer: 1 << 30 });
  const err = r.stderr.toString('latin1').split('\n');
  return { status: r.status, signal: r.signal, stdout: r.stdout.toString('latin1'), warnings: err.filter((l) => WARN_LINE.test(l)), summary: err.find((l) => SUMMARY.test(l)) ?? '' };
}

async function ours(args: string[], input: string): Promise<Run> {
  const r = await runCli(['norm', '--no-version', ...args, input]);
  const err = r.stderr.split('\n');
  return { status: r.code, signal: r.signal, stdout: r.stdout, warnings: err.filter((l) => WARN_LINE.test(l)), summary: err.find((l) => SUMMARY.test(l)) ?? '' };
}

function firstDiff(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  let i = 0;
  while (i < la.length && la[i] === lb[i]) i++;
  return `line ${i + 1}:\n  ours:     ${(la[i] ?? '(none)').slice(0, 400)}\n  bcftools: ${(lb[i] ?? '(none)').slice(0, 400)}`;
}

/** null when equal, else a description */
function differ(label: string, us: Run, bt: Run): string | null {
  if ((bt.status === 0) !== (us.status === 0)) return `${label}: bcftools exit ${bt.status}, ours ${us.status}`;
  if (bt.status !== 0) return null;
  if (us.stdout !== bt.stdout) return `${label}: ${firstDiff(us.stdout, bt.stdout)}`;
  if (us.summary !== bt.summary) return `${label}: summary "${us.summary}" vs "${bt.summary}"`;
  if (us.warnings.join('\n') !== bt.warnings.join('\n')) return `${label}: warnings ${us.warnings.join(' | ')} vs ${bt.warnings.join(' | ')}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// the hand-written fixture

//            1         2         3         4         5         6
//   123456789012345678901234567890123456789012345678901234567890
const REF = 'ACGTACGTACGTAAAACCCCGGGGTTTTACGTACGTCACACACAGGTTACGTAGGCATT';

const FIXTURE_HEADER = [
  '##fileformat=VCFv4.2',
  `##contig=<ID=chr1,length=${REF.length}>`,
  '##FILTER=<ID=q10,Description="low">',
  '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
  '##INFO=<ID=IA,Number=A,Type=Integer,Description="A int">',
  '##INFO=<ID=IR,Number=R,Type=Integer,Description="R int">',
  '##INFO=<ID=IG,Number=G,Type=Integer,Description="G int">',
  '##INFO=<ID=FA,Number=A,Type=Float,Description="A float">',
  '##INFO=<ID=SA,Number=A,Type=String,Description="A string">',
  '##INFO=<ID=SR,Number=R,Type=String,Description="R string">',
  '##INFO=<ID=S1,Number=1,Type=String,Description="string">',
  '##INFO=<ID=F1,Number=1,Type=Float,Description="float">',
  '##INFO=<ID=FL,Number=0,Type=Flag,Description="flag">',
  '##INFO=<ID=AD,Number=R,Type=Integer,Description="summed">',
  '##INFO=<ID=OLD,Number=1,Type=String,Description="old record">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">',
  '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">',
  '##FORMAT=<ID=QS,Number=R,Type=Integer,Description="QS">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="DP">',
  '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="PL">',
  '##FORMAT=<ID=GL,Number=G,Type=Float,Description="GL">',
  '##FORMAT=<ID=FA,Number=A,Type=Float,Description="FA">',
  '##FORMAT=<ID=SA,Number=A,Type=String,Description="SA">',
  '##FORMAT=<ID=SR,Number=R,Type=String,Description="SR">',
  '##FORMAT=<ID=SG,Number=G,Type=String,Description="SG">',
  '##FORMAT=<ID=FT,Number=1,Type=String,Description="FT">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3',
];

const FIXTURE_RECORDS = [
  // deletion, kept whole (REF=ACGT ALT=A)
  'chr1\t1\trs1\tACGT\tA\t50\tPASS\tIA=1;IR=1,2\tGT:AD:DP:PL\t0/1:3,4:7:0,1,2\t1|1:0,5:5:9,8,7\t./.:.:.:.',
  // REF=AC ALT=GT: two SNVs
  'chr1\t5\t.\tAC\tGT\t.\t.\t.\tGT\t0/1\t0|1\t1',
  // REF=ACG ALT=TCA: SNVs at POS and POS+2, the identical middle base is not written; INFO/END kept
  'chr1\t9\t.\tACG\tTCA\t30\t.\tIA=3;IR=5,6;IG=1,2,3;END=11;F1=0.5;FL\tGT:AD:DP:PL:FA\t0/1:3,4:7:0,1,2:0.5\t1|0:0,5:5:9,8,7:0.25\t1:2,3:5:4,5:.',
  // REF=ACG ALT=TCA,TGG: the shared A>T gets `*`, AD of the same atom summed
  'chr1\t13\tx;y\tAAA\tTAC,TGA\t1.5\tq10\tIA=3,4;IR=5,6,7;AD=5,6,7;FA=0.5,0.25;SA=x,y;SR=r,a,b;S1=hi\tGT:AD:QS:DP:PL:GL:FA:SA:SR:SG:FT\t0/1:3,4,5:1,2,3:7:0,1,2,3,4,5:1,2,3,4,5,6:0.5,0.125:pp,q:u,v,w:a,b,c,d,e,f:PASS\t1|2:0,5,1:0,1,.:5:9,8,7,6,5,4:.:0.25,.:.:.:.:x\t2:2,3,1:.,.,.:5:4,5,6:.:.,1:s,tt:x,yy,z:g,h,i:.',
  // REF=ACGT ALT=TCGA
  'chr1\t17\t.\tCCCC\tGCCG\t.\t.\tSR=a,b\tGT:AD\t0/1:1,2\t1/1:0,4\t0/0:3,0',
  // an ALT equal to REF, and an MNP overlapping it
  'chr1\t21\t.\tGGGG\tGGGG,AGGC\t.\t.\t.\tGT:AD\t0|1:1,2,3\t1|2:4,5,6\t2/.:1,1,1',
  // multi-allelic SNVs: both atoms overlap each other
  'chr1\t25\t.\tT\tA,C\t.\t.\tIA=1,2;IR=3,4,5\tGT:AD:PL\t0/1:1,2,3:1,2,3,4,5,6\t1|2:4,5,6:6,5,4,3,2,1\t2:1,1,1:1,2,3',
  // indels mixed with SNVs
  'chr1\t29\t.\tACGT\tTCA\t.\t.\t.\tGT\t0/1\t1|1\t.',
  'chr1\t33\t.\tACG\tAC,ACGT\t.\t.\tIA=1,2\tGT:AD\t1/2:1,2,3\t0|2:3,2,1\t1:1,1,1',
  'chr1\t36\t.\tTCA\tGCACA\t.\t.\t.\tGT\t0/1\t1|1\t0',
  'chr1\t38\t.\tACAC\tA\t.\t.\t.\tGT\t0/1\t1|1\t0',
  // left alone: symbolic, spanning deletion, IUPAC, REF only, lower case compared as written
  'chr1\t42\t.\tACA\tTCC,<DEL>\t.\t.\t.\tGT\t0/1\t1|2\t.',
  'chr1\t42\t.\tACA\tTCC,*\t.\t.\t.\tGT\t0/1\t1|2\t.',
  'chr1\t42\t.\tACA\t.\t.\t.\t.\tGT\t0/0\t0|0\t.',
  'chr1\t45\t.\tGGT\tacA\t.\t.\t.\t.\t.\t.\t.',
  // triploid, haploid, missing and phased-missing genotypes
  'chr1\t48\t.\tTACG\tAACC,TTCG\t.\t.\t.\tGT\t0/1/2\t.|1\t2/.',
  'chr1\t53\t.\tAGGC\tTGGA,CGGA\t.\t.\tSA=ab,c;SR=r,s,t\tGT:SA:SR\t1|2:x,y:a,b,c\t.|.:z,w:d,e,f\t0:u,v:g,h,i',
  'chr1\t57\t.\tART\tTTT\t.\t.\t.\tGT\t0/1\t1|1\t.',
];

const FIXTURE_OPTIONS: string[][] = [
  ['-a'],
  ['-a', '--atom-overlaps', '.'],
  ['-a', '--atom-overlaps', '*'],
  ['-a', '-m', '-'],
  ['-a', '-m', '-any', '--atom-overlaps', '.'],
  ['-a', '-m', '-snps'],
  ['-a', '-m', '+'],
  ['-a', '-m', '+any'],
  ['-a', '-d', 'exact'],
  ['-a', '-d', 'all'],
  ['-a', '--old-rec-tag', 'OLD'],
  ['-a', '--old-rec-tag', 'OLD', '-m', '-'],
  ['-a', '--old-rec-tag', 'ORIG'],
  ['-a', '-w', '2'],
];

const FIXTURE_REF_OPTIONS: string[][] = [
  ['-a', '-c', 'w'],
  ['-a', '-c', 'x'],
  ['-a', '-c', 's'],
  ['-a', '-c', 'w', '-m', '-'],
  ['-a', '-c', 'w', '--old-rec-tag', 'OLD'],
  ['-a', '-c', 'w', '-N', '-m', '-any'],
  ['-a', '-c', 'w', '-m', '+'],
];

test('norm -a: the fixture equals bcftools norm -a with every option combination', { skip: SKIP_BCFTOOLS }, async () => {
  const dir = tmpdir();
  try {
    const input = path.join(dir, 'atoms.vcf');
    fs.writeFileSync(input, [...FIXTURE_HEADER, ...FIXTURE_RECORDS].join('\n') + '\n');
    const ref = path.join(dir, 'ref.fa');
    writeFasta(ref, [['chr1', REF]]);
    const problems: string[] = [];
    const runs = [...FIXTURE_OPTIONS, ...FIXTURE_REF_OPTIONS.map((o) => ['-f', ref, ...o])];
    for (const args of runs) {
      const bt = bcftools(args, input);
      assert.equal(bt.signal, null, `bcftools ${args.join(' ')} crashed`);
      const us = await ours(args, input);
      const p = differ(args.join(' '), us, bt);
      if (p) problems.push(p);
      // the fixture is valid input: every combination but -c e on an ALT equal to REF succeeds
      assert.equal(us.status, 0, `${args.join(' ')}: ${us.stdout.slice(0, 200)}`);
    }
    assert.deepEqual(problems, []);

    // the decomposition itself, spelled out
    const out = (await ours(['-a'], input)).stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
    const at = (pos: number) => out.filter((c) => c[1] === String(pos)).map((c) => `${c[3]}>${c[4]}`);
    assert.deepEqual(at(1), ['ACGT>A'], 'a deletion stays whole');
    assert.deepEqual([...at(5), ...at(6)], ['A>G', 'C>T'], 'AC>GT: two SNVs');
    assert.deepEqual([...at(9), ...at(10), ...at(11)], ['A>T', 'G>A'], 'ACG>TCA: POS and POS+2 only');
    assert.deepEqual(at(13), ['A>T,*'], 'the same atom from two ALTs gets the star allele');
    assert.deepEqual(at(25), ['T>A,*', 'T>C,*'], 'multi-allelic SNVs overlap each other');
    const mnp = out.find((c) => c[1] === '9')!;
    assert.match(mnp[7], /END=11/, 'INFO/END is copied unchanged');
    assert.doesNotMatch(mnp[7], /IG=/, 'INFO Number=G is dropped');
    const star = out.find((c) => c[1] === '13')!;
    assert.equal(star[9].split(':')[1], '3,9,.', 'AD of the same atom from a later ALT is added, `*` gets a missing value');
    assert.equal(star[10].split(':')[0], '1|1', 'GT 1|2 maps both ALTs to the atom');
    const dotted = (await ours(['-a', '--atom-overlaps', '.'], input)).stdout.split('\n').filter((l) => l.startsWith('chr1\t25\t')).map((l) => l.split('\t'));
    assert.deepEqual(dotted.map((c) => c[4]), ['A', 'C']);
    assert.equal(dotted[0][10].split(':')[0], '1|.', '--atom-overlaps .: GT 1|2 gives 1|. for A (the other ALT missing, phasing kept)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('vcf-agent norm -a: usage', async () => {
  const dir = tmpdir();
  try {
    const input = path.join(dir, 'atoms.vcf');
    fs.writeFileSync(input, [...FIXTURE_HEADER, ...FIXTURE_RECORDS.slice(0, 3)].join('\n') + '\n');
    const bad = await runCli(['norm', '-a', '--atom-overlaps', 'x', input]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--atom-overlaps/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    const help = await runCli(['norm', '--help']);
    assert.match(help.stdout, /-a, --atomize/);
    assert.match(help.stdout, /--atom-overlaps/);
    // -a alone is something to do
    const ok = await runCli(['norm', '-a', input]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^Lines\s+total\/split\/realigned\/skipped:\t5\/0\/0\/0$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// seeded random inputs

function randomCase(seed: number): { seq: string; vcf: string } {
  const r = prng(seed);
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const B = ['A', 'C', 'G', 'T'];
  let seq = '';
  while (seq.length < 400) seq += r() < 0.2 ? pick(B).repeat(int(2, 6)) : pick(B);
  seq = seq.slice(0, 400);
  const hdr = ['##fileformat=VCFv4.2', `##contig=<ID=c1,length=${seq.length}>`,
    '##INFO=<ID=IA,Number=A,Type=Integer,Description="x">', '##INFO=<ID=AD,Number=R,Type=Integer,Description="x">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="x">', '##INFO=<ID=IG,Number=G,Type=Integer,Description="x">',
    '##INFO=<ID=SR,Number=R,Type=String,Description="x">', '##INFO=<ID=DP,Number=1,Type=Integer,Description="x">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="x">', '##INFO=<ID=DB,Number=0,Type=Flag,Description="x">',
    '##INFO=<ID=OLD,Number=1,Type=String,Description="x">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="x">', '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="x">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="x">', '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="x">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="x">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3'];
  const recs: Array<[number, string]> = [];
  for (let k = int(20, 40); k > 0; k--) {
    const p = int(1, seq.length - 8);
    const rl = int(1, 6);
    const ref = seq.slice(p - 1, p - 1 + rl);
    const alts: string[] = [];
    for (let j = pick([1, 1, 2, 2, 3]); j > 0; j--) {
      const x = r();
      let a: string;
      if (x < 0.55) a = ref.split('').map((c) => (r() < 0.4 ? pick(B) : c)).join('');
      else if (x < 0.65) a = ref;
      else if (x < 0.75) a = ref[0] + ref.slice(int(1, ref.length));
      else if (x < 0.85) a = ref + Array.from({ length: int(1, 2) }, () => pick(B)).join('');
      else if (x < 0.95) a = Array.from({ length: int(1, 4) }, () => pick(B)).join('');
      else a = pick(['*', '<DEL>', 'N' + ref.slice(1)]);
      if (!alts.includes(a)) alts.push(a);
    }
    const na = alts.length + 1;
    const ng = (na * (na + 1)) / 2;
    const info: string[] = [];
    if (r() < 0.6) info.push('IA=' + alts.map(() => int(0, 9)).join(','));
    if (r() < 0.5) info.push('AD=' + Array.from({ length: na }, () => (r() < 0.1 ? '.' : int(0, 30))).join(','));
    if (r() < 0.4) info.push('AF=' + alts.map(() => pick(['0.5', '0.25', '0.125', '1'])).join(','));
    if (r() < 0.3) info.push('IG=' + Array.from({ length: ng }, () => int(0, 9)).join(','));
    if (r() < 0.3) info.push('SR=' + Array.from({ length: na }, () => pick(['x', 'yy', '.'])).join(','));
    if (r() < 0.4) info.push(`DP=${int(1, 99)}`);
    if (r() < 0.2) info.push(`END=${p + rl - 1}`);
    if (r() < 0.2) info.push('DB');
    if (r() < 0.1) info.push('OLD=kept');
    const smp = [0, 1, 2].map(() => {
      const ploidy = pick([2, 2, 2, 1, 3]);
      const al = () => (r() < 0.1 ? '.' : String(int(0, na - 1)));
      let gt = al();
      for (let i = 1; i < ploidy; i++) gt += pick(['/', '|']) + al();
      const ad = r() < 0.1 ? '.' : Array.from({ length: na }, () => (r() < 0.05 ? '.' : int(0, 30))).join(',');
      const pl = ploidy === 3 || r() < 0.1 ? '.' : Array.from({ length: ploidy === 1 ? na : ng }, () => int(0, 255)).join(',');
      // full-length vectors: a shorter one meets a `-m -` difference outside atomization
      const af = alts.map(() => pick(['0.5', '0.25', '.'])).join(',');
      return `${gt}:${ad}:${int(0, 50)}:${pl}:${af}`;
    });
    const fmt = r() < 0.1 ? ['GT', ...smp.map((s) => s.split(':')[0])] : ['GT:AD:DP:PL:AF', ...smp];
    recs.push([p, ['c1', p, pick(['.', `rs${int(1, 99)}`]), ref, alts.join(','), pick(['.', '10', '20.5']), pick(['PASS', '.']), info.length ? info.join(';') : '.', ...fmt].join('\t')]);
  }
  recs.sort((x, y) => x[0] - y[0]);
  return { seq, vcf: [...hdr, ...recs.map((x) => x[1])].join('\n') + '\n' };
}

test('norm -a: seeded random VCFs equal bcftools byte for byte', { skip: SKIP_BCFTOOLS }, async () => {
  const dir = tmpdir();
  const problems: string[] = [];
  let compared = 0;
  try {
    const options = [['-a'], ['-a', '--atom-overlaps', '.'], ['-a', '-m', '-'], ['-a', '-m', '+'], ['-a', '-d', 'both'], ['-a', '--old-rec-tag', 'OLD', '-m', '-any'], ['-a', '-c', 'w'], ['-a', '-c', 's', '-m', '-']];
    for (let seed = 1; seed <= 8; seed++) {
      const { seq, vcf } = randomCase(seed * 104729);
      const ref = path.join(dir, `r${seed}.fa`);
      const input = path.join(dir, `r${seed}.vcf`);
      writeFasta(ref, [['c1', seq]]);
      fs.writeFileSync(input, vcf);
      for (const o of options) {
        const args = o.includes('-c') ? ['-f', ref, ...o] : o;
        const bt = bcftools(args, input);
        assert.equal(bt.signal, null, `bcftools ${args.join(' ')} on seed ${seed} crashed`);
        // in process: same core as the CLI, without a node start per case
        const out = path.join(dir, 'us.vcf');
        const warnings: string[] = [];
        let status = 0;
        let summary = '';
        try {
          const res = await norm({ input, output: out, noVersion: true, onWarning: (l) => warnings.push(l), ...optsFrom(args) });
          summary = res.summary[0];
        } catch {
          status = 2;
        }
        const us: Run = { status, signal: null, stdout: status === 0 ? fs.readFileSync(out, 'latin1') : '', warnings: warnings.filter((l) => WARN_LINE.test(l)), summary };
        const p = differ(`seed ${seed} ${args.join(' ')}`, us, bt);
        if (p) problems.push(p);
        compared++;
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems, []);
  assert.equal(compared, 64);
});

function optsFrom(args: string[]): Partial<NormOptions> {
  const o: Partial<NormOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => args[++i];
    if (a === '-a') o.atomize = true;
    else if (a === '--atom-overlaps') o.atomOverlaps = v();
    else if (a === '-f') o.fasta = v();
    else if (a === '-c') o.checkRef = v();
    else if (a === '-m') o.multiallelics = v();
    else if (a === '-d') o.rmDup = v();
    else if (a === '--old-rec-tag') o.oldRecTag = v();
    else throw new Error(`optsFrom: ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// corpus files with MNPs

const CORPUS = [
  'd_cohort/platinum/PG_NA12878_chr21.vcf.gz',
  'b_parser_edge_cases/cyvcf2/test.mnp.vcf',
  'b_parser_edge_cases/bcftools/norm.vcf',
  'e_annotated/vep_CSQ/split-vep.vcf',
  'g_concordance/giab_framerestoring/Complex_2ormoreindels_framerestoring_RTG.ucsccoding.vcf',
  'b_parser_edge_cases/hail/split_test.vcf',
  'c_bcftools_expected/files/view.filter.vcf',
];

test('norm -a: corpus files with MNPs equal bcftools', { skip: SKIP_SHARED || SKIP_BCFTOOLS }, async () => {
  const dir = tmpdir();
  const problems: string[] = [];
  try {
    for (const rel of CORPUS) {
      const input = sharedPath(rel);
      for (const args of [['-a'], ['-a', '-m', '-'], ['-a', '--atom-overlaps', '.'], ['-a', '-m', '+any']]) {
        const bt = spawnSync('bcftools', ['norm', '--no-version', ...args, '-o', path.join(dir, 'bt.vcf'), input], { maxBuffer: 1 << 30 });
        const us = await runCli(['norm', '--no-version', ...args, '-o', path.join(dir, 'us.vcf'), input]);
        const label = `${rel} ${args.join(' ')}`;
        if ((bt.status === 0) !== (us.code === 0)) { problems.push(`${label}: bcftools exit ${bt.status}, ours ${us.code}`); continue; }
        if (bt.status !== 0) continue;
        const a = fs.readFileSync(path.join(dir, 'us.vcf'), 'latin1'), b = fs.readFileSync(path.join(dir, 'bt.vcf'), 'latin1');
        if (a !== b) problems.push(`${label}: ${firstDiff(a, b)}`);
        const ours1 = us.stderr.split('\n').find((l) => SUMMARY.test(l));
        const theirs = bt.stderr.toString().split('\n').find((l) => SUMMARY.test(l));
        if (ours1 !== theirs) problems.push(`${label}: summary ${ours1} vs ${theirs}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems, []);
});
