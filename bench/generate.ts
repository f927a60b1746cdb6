/**
 * Deterministic bench data: realistic VCF.gz (BGZF) files with .tbi and .csi indexes in bench/data/.
 *
 *   trio        1,000,000 records x 3 samples (HG002 son, HG003 father, HG004 mother; WGS-like)
 *   trio100k    the first 100,000 records of trio (same header), for the RSS-flatness check
 *   cohort      20,000 records x 1,000 samples (exome-like, mostly rare variants)
 *
 * FORMAT GT:DP:GQ:AD; INFO AC/AF/AN/DB/DP/FS/MQ/QD and a SnpEff-style ANN; SNPs, indels, MNPs,
 * multi-allelics and spanning deletions over chr1..chr22, X, Y with GRCh38 ##contig lengths;
 * several FILTER values; Mendelian trio genotypes; haploid chrY calls for males.
 * Numbers are written in the form bcftools prints, so `bcftools view` reproduces records byte for byte.
 *
 * The same seed and GENERATOR_VERSION give the same bytes. Files whose stamp carries the current
 * version are not regenerated (use --force).
 *
 * Usage: node dist/bench/generate.js [--force] [--out DIR] [--scale F] [NAME...]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng, hash32, fmtFloat, GRCH38, geneLayout, annotate, type AnnProfile, type Gene } from './genome.js';

/** Bump whenever the bytes produced change. */
export const GENERATOR_VERSION = 1;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA_DIR = path.join(ROOT, 'bench', 'data');

interface GeneratedSpec {
  kind: 'generated';
  name: string;
  records: number;
  samples: string[];
  sexes: Array<'M' | 'F'>;
  seed: number;
  family: 'trio' | 'cohort';
  profile: AnnProfile;
  /** share of positions drawn inside genes (the rest uniform along the contig) */
  inGene: number;
  rsid: number;
  multiAllelic: number;
  missing: number;
  meanDepth: (sampleIndex: number, rng: Rng) => number;
  /** extra files holding the first N records (same header) */
  cuts: Array<{ name: string; records: number }>;
}

interface DerivedSpec {
  kind: 'derived';
  name: string;
  from: string;
  /** file name (in the data dir) of the result */
  file: string;
  make(src: string, dst: string): void;
}

export type DatasetSpec = GeneratedSpec | DerivedSpec;

const COHORT_N = 1000;

export const DATASETS: DatasetSpec[] = [
  {
    kind: 'generated', name: 'trio', records: 1_000_000, family: 'trio', seed: 20240601,
    samples: ['HG002', 'HG003', 'HG004'], sexes: ['M', 'M', 'F'],
    profile: { coding: 0.012, splice: 0.004, utr: 0.02 }, inGene: 0.1, rsid: 0.55, multiAllelic: 0.03, missing: 0.003,
    meanDepth: (i) => [36, 32, 38][i],
    cuts: [{ name: 'trio100k', records: 100_000 }],
  },
  {
    kind: 'generated', name: 'cohort', records: 20_000, family: 'cohort', seed: 20240602,
    samples: Array.from({ length: COHORT_N }, (_, i) => `COH${String(i + 1).padStart(4, '0')}`),
    sexes: Array.from({ length: COHORT_N }, (_, i) => ((hash32(`sex${i}`) & 1) ? 'M' : 'F')),
    profile: { coding: 0.55, splice: 0.05, utr: 0.12 }, inGene: 0.8, rsid: 0.4, multiAllelic: 0.08, missing: 0.01,
    meanDepth: (_i, rng) => 22 + rng.float() * 24,
    cuts: [],
  },
  {
    // BCF copy of the trio, made by bcftools (for the BCF benchmarks of the formats issue)
    kind: 'derived', name: 'trio-bcf', from: 'trio', file: 'trio.bcf',
    make(src, dst) {
      execFileSync('bcftools', ['view', '--no-version', '-Ob', '-o', dst, src], { stdio: ['ignore', 'ignore', 'inherit'] });
      execFileSync('bcftools', ['index', '-f', dst], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
  },
];

export interface DatasetFile {
  name: string;
  /** absolute path of the VCF.gz / BCF */
  path: string;
  records: number;
  samples: string[];
  bytes: number;
  sha256: string;
}

interface Stamp {
  generatorVersion: number;
  name: string;
  file: string;
  records: number;
  samples: string[];
  bytes: number;
  sha256: string;
  scale: number;
  /** derived data: sha256 of the file it was made from */
  sourceSha256?: string;
}

export interface EnsureOptions {
  dir?: string;
  force?: boolean;
  /** scale record counts (testing the generator on small files) */
  scale?: number;
  log?: (msg: string) => void;
}

function stampPath(dir: string, name: string): string { return path.join(dir, `${name}.stamp.json`); }

function readStamp(dir: string, name: string, scale: number): Stamp | undefined {
  try {
    const st = JSON.parse(fs.readFileSync(stampPath(dir, name), 'utf8')) as Stamp;
    if (st.generatorVersion !== GENERATOR_VERSION || st.scale !== scale) return undefined;
    const f = path.join(dir, st.file);
    if (!fs.existsSync(f) || fs.statSync(f).size !== st.bytes) return undefined;
    if (f.endsWith('.vcf.gz') && !(fs.existsSync(f + '.tbi') && fs.existsSync(f + '.csi'))) return undefined;
    if (f.endsWith('.bcf') && !fs.existsSync(f + '.csi')) return undefined;
    return st;
  } catch {
    return undefined;
  }
}

function fileSha256(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function writeStamp(dir: string, name: string, file: string, records: number, samples: string[], scale: number, sourceSha256?: string): Stamp {
  const f = path.join(dir, file);
  const st: Stamp = { generatorVersion: GENERATOR_VERSION, name, file, records, samples, bytes: fs.statSync(f).size, sha256: fileSha256(f), scale, sourceSha256 };
  fs.writeFileSync(stampPath(dir, name), JSON.stringify(st, null, 2) + '\n');
  return st;
}

function toFile(dir: string, st: Stamp): DatasetFile {
  return { name: st.name, path: path.join(dir, st.file), records: st.records, samples: st.samples, bytes: st.bytes, sha256: st.sha256 };
}

/** Make sure the named data sets exist (generating or deriving them as needed); returns their files. */
export async function ensureDatasets(names: string[], opts: EnsureOptions = {}): Promise<Record<string, DatasetFile>> {
  const dir = opts.dir ?? DATA_DIR;
  const scale = opts.scale ?? 1;
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  fs.mkdirSync(dir, { recursive: true });
  const out: Record<string, DatasetFile> = {};
  const forced = new Set<string>();
  const ensure = async (name: string): Promise<DatasetFile> => {
    if (out[name]) return out[name];
    // a cut is produced together with its parent
    const parent = DATASETS.find((d) => d.kind === 'generated' && d.cuts.some((c) => c.name === name)) as GeneratedSpec | undefined;
    if (parent) {
      await ensure(parent.name);
      const st = readStamp(dir, name, scale);
      if (!st) throw new Error(`bench data ${name} missing after generating ${parent.name}`);
      return (out[name] = toFile(dir, st));
    }
    const spec = DATASETS.find((d) => d.name === name);
    if (!spec) throw new Error(`unknown bench data set "${name}" (known: ${DATASETS.map((d) => d.name).join(', ')}, ${DATASETS.flatMap((d) => (d.kind === 'generated' ? d.cuts.map((c) => c.name) : [])).join(', ')})`);
    let st = opts.force && !forced.has(name) ? undefined : readStamp(dir, name, scale);
    if (st && spec.kind === 'generated' && spec.cuts.some((c) => !readStamp(dir, c.name, scale))) st = undefined;
    if (st && spec.kind === 'derived') {
      const src = readStamp(dir, spec.from, scale);
      if (!src || src.sha256 !== st.sourceSha256) st = undefined;
    }
    if (!st) {
      forced.add(name);
      if (spec.kind === 'generated') {
        const t0 = Date.now();
        log(`bench data: generating ${name} (${Math.round(spec.records * scale).toLocaleString('en-US')} records x ${spec.samples.length} samples) into ${dir} ...`);
        await generate(spec, dir, scale);
        log(`bench data: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } else {
        const src = await ensure(spec.from);
        log(`bench data: deriving ${name} from ${spec.from} ...`);
        const dst = path.join(dir, spec.file);
        spec.make(src.path, dst);
        writeStamp(dir, name, spec.file, src.records, src.samples, scale, src.sha256);
      }
      st = readStamp(dir, name, scale)!;
    }
    return (out[name] = toFile(dir, st));
  };
  for (const n of names) await ensure(n);
  return out;
}

/** A bgzip child process fed with text, with backpressure. */
class BgzipFile {
  private child;
  private done: Promise<void>;
  readonly tmp: string;
  constructor(readonly file: string) {
    this.tmp = file + '.tmp';
    const fd = fs.openSync(this.tmp, 'w');
    this.child = spawn('bgzip', ['-c'], { stdio: ['pipe', fd, 'inherit'] });
    fs.closeSync(fd);
    this.done = new Promise((res, rej) => {
      this.child.on('error', rej);
      this.child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`bgzip exited with ${code} for ${file}`))));
    });
  }
  write(s: string): Promise<void> | undefined {
    if (!this.child.stdin!.write(s)) return new Promise((res) => this.child.stdin!.once('drain', () => res()));
    return undefined;
  }
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.done;
    fs.renameSync(this.tmp, this.file);
  }
}

function header(spec: GeneratedSpec): string {
  const lines = [
    '##fileformat=VCFv4.2',
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FILTER=<ID=LowDP,Description="Low total depth">',
    '##FILTER=<ID=VQSRTrancheINDEL99.00to100.00,Description="Truth sensitivity tranche level for INDEL model at VQS Lod: -31.4 <= x < -2.3">',
    '##FILTER=<ID=VQSRTrancheSNP99.90to100.00,Description="Truth sensitivity tranche level for SNP model at VQS Lod: -39.9 <= x < -5.1">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes, for each ALT allele, in the same order as listed">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency, for each ALT allele, in the same order as listed">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP Membership">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
    '##INFO=<ID=FS,Number=1,Type=Float,Description="Phred-scaled p-value using Fisher\'s exact test to detect strand bias">',
    '##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS Mapping Quality">',
    '##INFO=<ID=QD,Number=1,Type=Float,Description="Variant Confidence/Quality by Depth">',
    ...GRCH38.map(([c, l]) => `##contig=<ID=${c},length=${l}>`),
    '##reference=file:///references/GRCh38/GRCh38_full_analysis_set_plus_decoy_hla.fa',
    `##source=vcf-agent bench/generate.ts v${GENERATOR_VERSION} (synthetic ${spec.family}, seed ${spec.seed})`,
    '##SnpEffVersion="5.1d (build 2022-04-19 15:49), by Pablo Cingolani"',
    '##SnpEffCmd="SnpEff  -noStats -canon GRCh38.105 input.vcf "',
    '##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: \'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO\'">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...spec.samples].join('\t'),
  ];
  return lines.join('\n') + '\n';
}

/** Records per contig, proportional to length (chrY: its mappable ~15%; chrM: none). */
function apportion(total: number): number[] {
  const w = GRCH38.map(([c, l]) => (c === 'chrM' ? 0 : c === 'chrY' ? l * 0.15 : l));
  const sum = w.reduce((a, b) => a + b, 0);
  const exact = w.map((x) => (x / sum) * total);
  const n = exact.map(Math.floor);
  let rest = total - n.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k++, rest--) n[order[k % order.length][1]]++;
  return n;
}

const BASES_W = 'AAATTTCCGG'; // ~40% GC
const TRANSITION: Record<string, string> = { A: 'G', G: 'A', C: 'T', T: 'C' };
const TRANSVERSIONS: Record<string, string[]> = { A: ['C', 'T'], G: ['C', 'T'], C: ['A', 'G'], T: ['A', 'G'] };

function base(rng: Rng): string { return BASES_W[rng.int(10)]; }
function bases(rng: Rng, n: number): string { let s = ''; for (let i = 0; i < n; i++) s += base(rng); return s; }
function snvAlt(rng: Rng, ref: string, avoid: string[] = []): string {
  for (let k = 0; k < 10; k++) {
    const a = rng.chance(0.68) ? TRANSITION[ref] : rng.pick(TRANSVERSIONS[ref]);
    if (a !== ref && !avoid.includes(a)) return a;
  }
  return ['A', 'C', 'G', 'T'].find((b) => b !== ref && !avoid.includes(b))!;
}

/** REF and ALT alleles of one site. */
function drawAlleles(rng: Rng, multi: number): { ref: string; alts: string[] } {
  const u = rng.float();
  if (u < multi) {
    const v = rng.float();
    if (v < 0.45) { const ref = base(rng); const a = snvAlt(rng, ref); return { ref, alts: [a, snvAlt(rng, ref, [a])] }; }
    if (v < 0.55) { const ref = base(rng); const a = snvAlt(rng, ref); const b = snvAlt(rng, ref, [a]); return { ref, alts: [a, b, ['A', 'C', 'G', 'T'].find((x) => x !== ref && x !== a && x !== b)!] }; }
    if (v < 0.78) {
      const l = 1 + rng.geometric(0.5);
      const ref = bases(rng, l + 1);
      return { ref, alts: [ref[0], ref.slice(0, l)] };
    }
    if (v < 0.9) { const ref = base(rng); return { ref, alts: [ref + bases(rng, rng.geometric(0.5)), snvAlt(rng, ref)] }; }
    const ref = base(rng);
    return { ref, alts: [snvAlt(rng, ref), '*'] };
  }
  const v = rng.float();
  if (v < 0.86) { const ref = base(rng); return { ref, alts: [snvAlt(rng, ref)] }; }
  if (v < 0.925) { const l = Math.min(40, rng.geometric(0.45)); const ref = bases(rng, l + 1); return { ref, alts: [ref[0]] }; }
  if (v < 0.99) { const ref = base(rng); return { ref, alts: [ref + bases(rng, Math.min(40, rng.geometric(0.45)))] }; }
  const ref = bases(rng, 2);
  return { ref, alts: [snvAlt(rng, ref[0]) + snvAlt(rng, ref[1])] };
}

/** Sorted, strictly increasing positions on one contig. */
function drawPositions(rng: Rng, n: number, length: number, genes: Gene[], inGene: number): Float64Array {
  const pos = new Float64Array(n);
  const lo = 10001, hi = length - 10001;
  for (let i = 0; i < n; i++) {
    if (genes.length && rng.chance(inGene)) {
      const g = genes[rng.int(genes.length)];
      pos[i] = Math.min(hi, Math.max(lo, g.start + rng.int(g.end - g.start + 1)));
    } else pos[i] = lo + rng.int(hi - lo);
  }
  pos.sort();
  for (let i = 1; i < n; i++) if (pos[i] <= pos[i - 1]) pos[i] = pos[i - 1] + 1;
  return pos;
}

interface SiteGenotypes {
  /** allele indexes per sample: a[2i], a[2i+1]; -1 missing; -2 = no second allele (haploid) */
  a: Int16Array;
}

async function generate(spec: GeneratedSpec, dir: string, scale: number): Promise<void> {
  const total = Math.max(1, Math.round(spec.records * scale));
  const ns = spec.samples.length;
  const main = new BgzipFile(path.join(dir, `${spec.name}.vcf.gz`));
  const cuts = spec.cuts.map((c) => ({ ...c, records: Math.max(1, Math.round(c.records * scale)), out: new BgzipFile(path.join(dir, `${c.name}.vcf.gz`)) }));
  const head = header(spec);
  await main.write(head);
  for (const c of cuts) await c.out.write(head);

  const depthRng = new Rng(spec.seed ^ 0x5eed);
  const sampleDepth = spec.samples.map((_, i) => spec.meanDepth(i, depthRng));
  const counts = apportion(total);
  const a = new Int16Array(ns * 2);
  const dp = new Int32Array(ns);
  const nAllele = new Int32Array(8);
  let written = 0;
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    if (!chunk.length) return;
    const text = chunk.join('');
    chunk = [];
    const r = main.write(text);
    if (r) await r;
  };
  for (let ci = 0; ci < GRCH38.length; ci++) {
    const [contig, length] = GRCH38[ci];
    const n = counts[ci];
    if (!n) continue;
    const rng = new Rng(hash32(contig, spec.seed));
    const genes = geneLayout(contig, length, 7);
    const positions = drawPositions(rng, n, length, genes, spec.inGene);
    const isY = contig === 'chrY';
    for (let k = 0; k < n; k++) {
      const pos = positions[k];
      const { ref, alts } = drawAlleles(rng, spec.multiAllelic);
      const nAlt = alts.length;
      const na = nAlt + 1;
      // allele frequencies (alt i gets a decreasing share of the total)
      let P: number;
      if (spec.family === 'trio') P = 0.03 + 0.97 * Math.pow(rng.float(), 0.8);
      else P = rng.chance(0.7) ? 0.0005 + 0.02 * rng.float() * rng.float() : 0.02 + 0.55 * rng.float();
      const drawAllele = (): number => {
        if (!rng.chance(P)) return 0;
        if (nAlt === 1) return 1;
        const u = rng.float();
        return u < 0.7 ? 1 : u < 0.92 || nAlt === 2 ? 2 : 3;
      };
      const siteMissing = rng.chance(0.05) ? spec.missing * 8 : spec.missing;
      const phased = spec.family === 'trio' && rng.chance(0.04);
      // genotypes
      for (let attempt = 0; ; attempt++) {
        let anyAlt = false;
        if (spec.family === 'trio') {
          // parents (1, 2) then the child (0) inheriting one allele from each
          for (const p of [1, 2]) {
            if (isY) { a[2 * p] = spec.sexes[p] === 'M' ? drawAllele() : -1; a[2 * p + 1] = -2; }
            else { a[2 * p] = drawAllele(); a[2 * p + 1] = drawAllele(); }
          }
          if (isY) { a[0] = rng.chance(0.002) ? drawAllele() : a[2]; a[1] = -2; }
          else {
            a[0] = a[2 + rng.int(2)];
            a[1] = a[4 + rng.int(2)];
            if (rng.chance(0.002)) a[rng.int(2)] = drawAllele();
          }
        } else {
          for (let s = 0; s < ns; s++) {
            if (isY) { a[2 * s] = spec.sexes[s] === 'M' ? drawAllele() : -1; a[2 * s + 1] = -2; }
            else { a[2 * s] = drawAllele(); a[2 * s + 1] = drawAllele(); }
          }
        }
        for (let i = 0; i < 2 * ns; i++) if (a[i] > 0) { anyAlt = true; break; }
        if (anyAlt) break;
        if (attempt >= 8) {
          // force one carrier
          const s = spec.family === 'trio' ? 1 : rng.int(ns);
          if (isY && spec.sexes[s] !== 'M') continue;
          a[2 * s] = 1;
          if (isY && spec.family === 'trio' && s === 1) a[0] = 1;
          break;
        }
      }
      // missing calls
      for (let s = 0; s < ns; s++) {
        if (a[2 * s] !== -1 && rng.chance(siteMissing)) { a[2 * s] = -1; if (a[2 * s + 1] !== -2) a[2 * s + 1] = -1; }
      }
      // AC / AN; make sure some called alt remains
      nAllele.fill(0);
      let an = 0;
      for (let i = 0; i < 2 * ns; i++) if (a[i] >= 0) { an++; nAllele[a[i]]++; }
      let acTotal = an - nAllele[0];
      if (acTotal === 0) {
        // no called ALT left: make a called sample (or, when none is called, the first one that can be) a carrier
        let s = -1;
        for (let i = 0; i < ns && s < 0; i++) if (a[2 * i] >= 0) s = i;
        for (let i = 0; i < ns && s < 0; i++) if (!isY || spec.sexes[i] === 'M') s = i;
        a[2 * s] = 1;
        if (a[2 * s + 1] === -1) a[2 * s + 1] = 0;
        if (spec.family === 'trio' && s > 0 && !isY && a[1] >= 0) a[1] = 1; // keep the child consistent
        nAllele.fill(0);
        an = 0;
        for (let i = 0; i < 2 * ns; i++) if (a[i] >= 0) { an++; nAllele[a[i]]++; }
        acTotal = an - nAllele[0];
      }
      // depths, sample columns
      const siteDepth = Math.exp(0.25 * rng.normal());
      let dpSum = 0, altReads = 0;
      const cols: string[] = new Array(ns);
      const sep = phased ? '|' : '/';
      for (let s = 0; s < ns; s++) {
        const a1 = a[2 * s], a2 = a[2 * s + 1];
        if (a1 === -1) {
          // no call: either nothing at all, or zero coverage
          if (rng.chance(0.5)) cols[s] = a2 === -2 ? '.:.:.:.' : './.:.:.:.';
          else cols[s] = `${a2 === -2 ? '.' : './.'}:0:0:${na === 2 ? '0,0' : new Array(na).fill('0').join(',')}`;
          dp[s] = 0;
          continue;
        }
        const m = sampleDepth[s] * siteDepth * (a2 === -2 ? 0.5 : 1);
        let d = Math.round(m + Math.sqrt(m) * rng.normal());
        if (d < 1) d = 1;
        dp[s] = d;
        dpSum += d;
        const ad = new Array<number>(na).fill(0);
        let gq: number;
        if (a2 === -2 || a1 === a2) {
          let err = rng.chance(0.08) ? 1 : 0;
          if (err > d) err = 0;
          ad[a1] = d - err;
          if (err) ad[a1 === 0 ? 1 : 0] += err;
          gq = Math.min(99, Math.max(0, Math.round(d * (a1 === 0 ? 2.9 : 2.5) + 3 * rng.normal())));
        } else {
          let r = Math.round(d / 2 + (Math.sqrt(d) / 2) * rng.normal());
          r = Math.max(0, Math.min(d, r));
          ad[a1] += r;
          ad[a2] += d - r;
          gq = Math.min(99, Math.max(0, Math.round(20 + d * 2 + 10 * rng.normal())));
        }
        for (let i = 1; i < na; i++) altReads += ad[i];
        const gt = a2 === -2 ? String(a1) : phased || a1 <= a2 ? `${a1}${sep}${a2}` : `${a2}${sep}${a1}`;
        cols[s] = `${gt}:${d}:${gq}:${ad.join(',')}`;
      }
      // site-level fields
      const lowQ = rng.chance(0.03);
      const qualRaw = lowQ ? 5 + rng.float() * 25 : 30 + altReads * (8 + 4 * rng.float()) + 20 * rng.float();
      const qual = fmtFloat(Math.round(qualRaw * 100) / 100);
      const ac: string[] = [], af: string[] = [];
      for (let i = 1; i < na; i++) { ac.push(String(nAllele[i])); af.push(fmtFloat(nAllele[i] / an)); }
      const hasRs = rng.chance(spec.rsid);
      const id = hasRs ? `rs${rng.range(1000, 1_500_000_000)}` : '.';
      const fs_ = rng.chance(0.45) ? '0' : fmtFloat(Math.round(Math.exp(rng.normal()) * 2000) / 1000);
      const mq = rng.chance(0.6) ? '60' : fmtFloat(Math.round((45 + 15 * rng.float()) * 100) / 100);
      const qd = fmtFloat(Math.min(40, Math.round((Number(qual) / Math.max(1, altReads + 2)) * 100) / 100));
      const isSnp = nAlt === 1 && ref.length === 1 && alts[0].length === 1;
      const lowDp = dpSum < (spec.family === 'trio' ? 24 : 8 * ns);
      let filter: string;
      if (lowQ && lowDp) filter = 'LowQual;LowDP';
      else if (lowQ) filter = 'LowQual';
      else if (lowDp) filter = 'LowDP';
      else if (rng.chance(0.03)) filter = isSnp ? 'VQSRTrancheSNP99.90to100.00' : 'VQSRTrancheINDEL99.00to100.00';
      else filter = 'PASS';
      const ann = annotate(rng, genes, pos, ref, alts, spec.profile);
      let info = `AC=${ac.join(',')};AF=${af.join(',')};AN=${an}${hasRs ? ';DB' : ''};DP=${dpSum};FS=${fs_};MQ=${mq};QD=${qd}`;
      if (ann) info += `;ANN=${ann}`;
      const line = `${contig}\t${pos}\t${id}\t${ref}\t${alts.join(',')}\t${qual}\t${filter}\t${info}\tGT:DP:GQ:AD\t${cols.join('\t')}\n`;
      chunk.push(line);
      for (const c of cuts) {
        if (written < c.records) { const r = c.out.write(line); if (r) await r; }
      }
      written++;
      if (chunk.length >= (ns > 100 ? 20 : 2000)) await flush();
    }
  }
  await flush();
  await main.close();
  for (const c of cuts) await c.out.close();
  const files = [{ name: spec.name, records: total }, ...cuts.map((c) => ({ name: c.name, records: Math.min(c.records, total) }))];
  for (const f of files) {
    const file = path.join(dir, `${f.name}.vcf.gz`);
    execFileSync('tabix', ['-f', '-p', 'vcf', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('bcftools', ['index', '-f', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeStamp(dir, f.name, `${f.name}.vcf.gz`, f.records, spec.samples, scale);
  }
}

async function main(argv: string[]): Promise<void> {
  const names: string[] = [];
  let force = false, dir: string | undefined, scale = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') force = true;
    else if (a === '--out') dir = path.resolve(argv[++i]);
    else if (a === '--scale') scale = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node dist/bench/generate.js [--force] [--out DIR] [--scale F] [NAME...]\n');
      process.stdout.write(`data sets: ${DATASETS.map((d) => d.name).join(', ')}, trio100k\n`);
      return;
    } else names.push(a);
  }
  if (!(scale > 0)) throw new Error('--scale expects a positive number');
  const files = await ensureDatasets(names.length ? names : ['trio', 'cohort'], { dir, force, scale });
  for (const f of Object.values(files)) {
    process.stdout.write(`${f.name}\t${f.path}\t${f.records} records\t${f.samples.length} samples\t${f.bytes} bytes\tsha256 ${f.sha256}\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`generate: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
