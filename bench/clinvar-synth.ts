/**
 * The `--clinvar` join in bounded memory (issue 6): a synthetic ClinVar-style VCF the size of the
 * real one (~2M records), and the peak RSS of an ingest with and without the join.
 *
 * Generation (bench/tmp/clinvar-synth.vcf.gz + .tbi, reused while newer than the source): for every
 * site of bench/data/trio.vcf.gz (1M records, contigs chr1..chrY) one ClinVar record per ALT with
 * the site's REF and that ALT (as ClinVar writes them: one ALT per record), plus one decoy SNV at
 * the same POS (first REF base to a base no ALT of the site has); contigs spelled without `chr` as
 * ClinVar does (1, 2, ..., X, Y); CLNSIG, CLNREVSTAT drawn from ClinVar's values, CLNDN from 5,000
 * names, GENEINFO from the site's first ANN gene (else a made-up one), seeded. Compressed with
 * `bgzip`, indexed with `tabix -p vcf`.
 *
 * Measurement (--measure): `vcf-agent ingest bench/data/trio100k.vcf.gz --no-graph` into fresh
 * /tmp workspaces, once without and once with `--clinvar bench/tmp/clinvar-synth.vcf.gz`, under
 * /usr/bin/time -v (peak RSS, wall). The join's match count (variants rows with a CLNSIG) is checked
 * against an independent count: `bcftools norm -m -any` of the input, contigs renamed to ClinVar's,
 * `bcftools isec -c none -n=2` with the synthetic file (records with identical REF and ALT).
 *
 *   node dist/bench/clinvar-synth.js [--measure] [--force]
 * Not registered in bench/cases.ts: generation takes minutes and two ingests of trio100k longer.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VcfReader } from '../src/vcf/reader.js';
import { openForRead } from '../src/store/query.js';
import { Rng } from './genome.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = path.join(ROOT, 'bench', 'data', 'trio.vcf.gz');
const INPUT = path.join(ROOT, 'bench', 'data', 'trio100k.vcf.gz');
const OUT = path.join(ROOT, 'bench', 'tmp', 'clinvar-synth.vcf.gz');

const CLNSIG = ['Pathogenic', 'Likely_pathogenic', 'Uncertain_significance', 'Likely_benign', 'Benign', 'Conflicting_interpretations_of_pathogenicity', 'Benign/Likely_benign', 'Pathogenic/Likely_pathogenic', 'not_provided'];
const REVSTAT = ['criteria_provided,_single_submitter', 'criteria_provided,_multiple_submitters,_no_conflicts', 'criteria_provided,_conflicting_interpretations', 'no_assertion_criteria_provided', 'reviewed_by_expert_panel'];

const HEADER = `##fileformat=VCFv4.1
##fileDate=2026-12-07
##source=ClinVar (synthetic: bench/clinvar-synth.ts from bench/data/trio.vcf.gz sites; not real ClinVar data)
##reference=GRCh38
##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">
##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar's preferred disease name for the concept specified by disease identifiers in CLNDISDB">
##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID">
##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant">
##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as gene symbol:gene id">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
`;

function run(cmd: string, args: string[], opts: { out?: string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', opts.out ? fs.openSync(opts.out, 'w') : 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout ?? '';
}

/** Write bench/tmp/clinvar-synth.vcf.gz(.tbi) unless it is newer than the source. */
export async function generate(force = false): Promise<{ file: string; records: number }> {
  if (!force && fs.existsSync(OUT + '.tbi') && fs.statSync(OUT).mtimeMs > fs.statSync(SOURCE).mtimeMs) {
    return { file: OUT, records: Number(run('bcftools', ['index', '-n', OUT]).trim()) };
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const plain = OUT.replace(/\.gz$/, '');
  const out = fs.createWriteStream(plain);
  const write = (s: string): Promise<void> | void => { if (!out.write(s)) return new Promise((r) => out.once('drain', () => r())); };
  await write(HEADER);
  const rng = new Rng(6);
  const reader = await VcfReader.open(SOURCE);
  let id = 0;
  let chunk = '';
  for await (const batch of reader.batches()) {
    for (const rec of batch) {
      const chrom = rec.chrom.replace(/^chr/, '');
      const ref = rec.ref;
      const alts = rec.alt;
      const ann = /(?:^|;)ANN=[^|]*\|[^|]*\|[^|]*\|([^|]*)\|([^|]*)\|/.exec(rec.infoRaw);
      const gene = ann && ann[1] ? `${ann[1]}:${100000 + (parseInt(ann[2].replace(/\D/g, '').slice(-6) || '0', 10))}` : `GENE${rng.u32() % 20000}:${rng.u32() % 900000 + 1000}`;
      const line = (r: string, alt: string): string => {
        id++;
        const sig = CLNSIG[rng.u32() % CLNSIG.length];
        const rev = REVSTAT[rng.u32() % REVSTAT.length];
        return `${chrom}\t${rec.pos}\t${id}\t${r}\t${alt}\t.\t.\tALLELEID=${id};CLNDN=Synthetic_disease_${rng.u32() % 5000};CLNREVSTAT=${rev};CLNSIG=${sig};GENEINFO=${gene}\n`;
      };
      for (const a of alts) if (a !== '.' && !a.startsWith('<') && a !== '*') chunk += line(ref, a);
      const b = ref[0]?.toUpperCase();
      const decoy = 'ACGT'.split('').find((x) => x !== b && !alts.includes(x));
      if (b && 'ACGT'.includes(b) && decoy) chunk += line(b, decoy);
    }
    if (chunk.length > 1 << 20) { await write(chunk); chunk = ''; }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  run('bgzip', ['-f', plain]);
  run('tabix', ['-f', '-p', 'vcf', OUT]);
  return { file: OUT, records: id };
}

interface Run { rssMB: number; wallS: number; cpuS: number; matched: number; variants: number }

function timeV(args: string[]): { rssMB: number; wallS: number; cpuS: number } {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, path.join(ROOT, 'bin', 'vcf-agent.js'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr.split('\n').filter((l) => l.startsWith('vcf-agent')).join(' ') || r.stderr.slice(-2000)}`);
  const cpu = (k: string): number => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  return { cpuS: cpu('User') + cpu('System'), rssMB: rss ? Number(rss[1]) / 1024 : NaN, wallS: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN };
}

async function ingestRun(clinvar: string | null): Promise<Run> {
  const db = fs.mkdtempSync('/tmp/vcf-agent-clinvar-bench-');
  try {
    const t = timeV(['ingest', INPUT, '--db', db, '--no-graph', '-q', ...(clinvar ? ['--clinvar', clinvar] : [])]);
    const s = await openForRead(db);
    try {
      const variants = await s.tables.variants.countRows();
      const matched = await s.tables.variants.countRows('clnsig IS NOT NULL');
      return { ...t, variants, matched };
    } finally {
      s.close();
    }
  } finally {
    fs.rmSync(db, { recursive: true, force: true });
  }
}

/** records of the split input with a ClinVar record of identical CHROM (renamed), POS, REF, ALT (bcftools isec) */
function independentCount(clinvar: string): number {
  const dir = fs.mkdtempSync(path.join(ROOT, 'bench', 'tmp', 'clinvar-isec-'));
  try {
    const names = path.join(dir, 'names.txt');
    fs.writeFileSync(names, [...Array(22).keys()].map((i) => `chr${i + 1}\t${i + 1}`).concat(['chrX\tX', 'chrY\tY', 'chrM\tMT']).join('\n') + '\n');
    const split = path.join(dir, 'input.split.vcf.gz');
    run('bash', ['-o', 'pipefail', '-c', `bcftools norm -m -any ${INPUT} | bcftools annotate --rename-chrs ${names} -Oz -o ${split} && bcftools index -t ${split}`]);
    // -n=2 -w1: the input's records that are in both; -c none: only identical REF and ALT match
    const n = run('bash', ['-o', 'pipefail', '-c', `bcftools isec -c none -n=2 -w1 ${split} ${clinvar} | grep -vc '^#'`]);
    return Number(n.trim());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const t0 = Date.now();
  const g = await generate(argv.includes('--force'));
  process.stdout.write(`clinvar-synth: ${g.file}: ${g.records} records (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  if (!argv.includes('--measure')) return;
  const without = await ingestRun(null);
  process.stdout.write(`ingest trio100k without --clinvar: peak RSS ${without.rssMB.toFixed(1)} MB, wall ${without.wallS.toFixed(1)} s, CPU ${without.cpuS.toFixed(1)} s, ${without.variants} variants\n`);
  const withJoin = await ingestRun(g.file);
  process.stdout.write(`ingest trio100k with --clinvar (indexed, ${g.records} records): peak RSS ${withJoin.rssMB.toFixed(1)} MB, wall ${withJoin.wallS.toFixed(1)} s, CPU ${withJoin.cpuS.toFixed(1)} s, ${withJoin.matched} of ${withJoin.variants} variants joined\n`);
  const indep = independentCount(g.file);
  process.stdout.write(`independent count (bcftools isec -c none of the split input): ${indep}; join ${withJoin.matched === indep ? 'agrees' : 'DIFFERS'}\n`);
  if (withJoin.matched !== indep) process.exitCode = 1;
  // the same file unindexed (plain text): over the in-memory cap, so the ingest refuses it
  const plain = OUT.replace(/\.gz$/, '');
  if (!fs.existsSync(plain)) run('bash', ['-c', `zcat ${OUT} > ${plain}`]);
  try {
    await ingestRun(plain);
    process.stdout.write('unindexed plain copy: ingested (expected a refusal)\n');
    process.exitCode = 1;
  } catch (e) {
    process.stdout.write(`unindexed plain copy: refused: ${(e as Error).message}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((e) => {
    process.stderr.write(`clinvar-synth: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
