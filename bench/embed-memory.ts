/**
 * Memory recovery of the embedding path (issue 7): 10 rounds of embedding 100,000 variants in one
 * process — feature vectors (src/embed/features.ts) into a fresh float32 matrix per batch of 20,000,
 * plus, with --text, their text descriptions and offline text vectors through one bounded
 * content-hash cache that lives across rounds (slow: the synthetic variants have thousands of
 * distinct texts and the offline model embeds tens to a few hundred texts per second). RSS is read after each round (after a full GC, so
 * the figure is what the process keeps, not garbage not yet collected); every round must be within
 * 10% of the first.
 *
 * The registered case runs with --min-semi-space-size=16 (V8's young generation fixed at its usual
 * 64-bit maximum from the start): otherwise V8 grows the young generation by ~4 MB somewhere around
 * round 10 — heap reservation, not retained memory (the JS heap in use stays ~4 MB every round) —
 * which alone is ~7% of a ~56 MB process. Both RSS and heap-in-use per round are reported.
 *
 * Standalone:  node --expose-gc [--min-semi-space-size=16] dist/bench/embed-memory.js [--rounds 10] [--n 100000] [--text] [--json]
 * Registered:  `embedMemoryCase` (a custom case for bench/cases.ts) runs the above in a child process.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_DIM, featureVectorInto, type VariantDescriptor } from '../src/embed/features.js';
import { CachedTextEmbedder, LocalTextEmbedder, describeVariant } from '../src/embed/text.js';
import type { CustomCase } from './cases.js';

const CSQ = ['missense_variant', 'synonymous_variant', 'intron_variant', 'stop_gained', 'frameshift_variant', 'upstream_gene_variant', 'downstream_gene_variant',
  '3_prime_UTR_variant', 'splice_region_variant&intron_variant', 'intergenic_region', 'non_coding_transcript_exon_variant', 'inframe_deletion'];
const CLN = [undefined, undefined, undefined, 'Benign', 'Likely_benign', 'Uncertain_significance', 'Pathogenic', 'Conflicting_interpretations_of_pathogenicity'];

/** round r's variant i: a fixed function of (r, i) (LCG), 1,000 genes, up to 40 carriers of 1,000 samples */
function descriptor(r: number, i: number, scratch: number[]): VariantDescriptor {
  let s = (Math.imul(r + 1, 2654435761) ^ Math.imul(i + 1, 1597334677)) >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const g = Math.floor(rnd() * 1000);
  const nc = Math.floor(rnd() * 40);
  scratch.length = 0;
  for (let k = 0; k < nc; k++) scratch.push(Math.floor(rnd() * 1000));
  const ref = 'ACGT'[Math.floor(rnd() * 4)];
  const indel = rnd() < 0.15;
  return {
    chrom: String(1 + (g % 22)), pos: 1_000_000 + g * 100_000 + Math.floor(rnd() * 90_000), ref: indel ? ref + 'T' : ref,
    alt: indel ? ref : 'ACGT'[('ACGT'.indexOf(ref) + 1 + Math.floor(rnd() * 3)) % 4],
    consequence: CSQ[Math.floor(rnd() * CSQ.length)], gene: `GENE${g}`, clinvarSignificance: CLN[Math.floor(rnd() * CLN.length)],
    af: nc / 2000, carriers: scratch,
  };
}

/** variants per batch (the store's ingest batch size) */
const BATCH = 20_000;

export interface MemoryRun { rounds: number; n: number; text: boolean; rssMB: number[]; heapUsedMB: number[]; maxGrowth: number; pass: boolean; vectorsPerSec: number; distinctTexts?: number; cacheBytes?: number }

export async function runRounds(rounds: number, n: number, text: boolean): Promise<MemoryRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const rss: number[] = [];
  const heap: number[] = [];
  const cached = text ? new CachedTextEmbedder(new LocalTextEmbedder(), 16 << 20) : undefined;
  const carriers: number[] = [];
  let busyMs = 0;
  /** one round in its own function, so nothing of it is reachable once it returns */
  const round = async (r: number): Promise<void> => {
    // in batches, as an ingest appends them: a fresh matrix per batch, handed on and dropped
    for (let start = 0; start < n; start += BATCH) {
      const rows = Math.min(BATCH, n - start);
      const m = new Float32Array(rows * FEATURE_DIM);
      const texts: string[] = [];
      for (let i = 0; i < rows; i++) {
        const d = descriptor(r, start + i, carriers);
        featureVectorInto(d, m, i * FEATURE_DIM);
        if (cached) texts.push(describeVariant({ ...d, condition: null }));
      }
      if (cached) {
        const vs = await cached.embed(texts);
        if (vs.length !== rows) throw new Error('text vectors missing');
      }
      if (!(m[FEATURE_DIM - 1] <= 1)) throw new Error('bad vector');
    }
  };
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await round(r);
    busyMs += performance.now() - t0;
    // a full GC, a turn of the event loop (array-buffer memory is released after the sweep), another GC
    gc?.();
    await new Promise((r) => setImmediate(r));
    gc?.();
    rss.push(process.memoryUsage().rss / (1 << 20));
    heap.push(process.memoryUsage().heapUsed / (1 << 20));
    if (process.env.EMBED_MEM_DEBUG) { const mu = process.memoryUsage(); process.stderr.write(`heapTotal ${(mu.heapTotal / 1048576).toFixed(1)} heapUsed ${(mu.heapUsed / 1048576).toFixed(1)} external ${(mu.external / 1048576).toFixed(1)} arrayBuffers ${(mu.arrayBuffers / 1048576).toFixed(1)}\n`); }
  }
  const first = rss[0];
  const maxGrowth = Math.max(...rss.map((x) => Math.abs(x / first - 1)));
  return {
    rounds, n, text, rssMB: rss, heapUsedMB: heap, maxGrowth, pass: maxGrowth <= 0.1, vectorsPerSec: (rounds * n) / (busyMs / 1000),
    ...(cached ? { distinctTexts: cached.cache.size, cacheBytes: cached.cache.bytes } : {}),
  };
}

/** custom bench case (register in bench/cases.ts CASES) */
export const embedMemoryCase: CustomCase = {
  kind: 'custom',
  name: 'embed-memory',
  title: 'memory recovery: 10 rounds of embedding 100k variants (feature vectors, batches of 20k) in one process, RSS after each round vs round 1',
  issue: 7,
  data: [],
  async run(ctx) {
    const script = path.join(ctx.root, 'dist', 'bench', 'embed-memory.js');
    const args = ['--expose-gc', '--min-semi-space-size=16', script, '--rounds', '10', '--n', '100000', '--json'];
    const r = spawnSync(process.execPath, args, { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.status !== 0 && !r.stdout.trim()) throw new Error(`embed-memory exited with ${r.status}: ${r.stderr.slice(-500)}`);
    const res = JSON.parse(r.stdout) as MemoryRun;
    for (let i = 0; i < res.rssMB.length; i++) ctx.log(`  round ${i + 1}: RSS ${res.rssMB[i].toFixed(1)} MB, JS heap used ${res.heapUsedMB[i].toFixed(1)} MB`);
    return {
      figures: [
        { label: 'RSS after round 1 (MB)', value: res.rssMB[0].toFixed(1) },
        { label: 'RSS after round 10 (MB)', value: res.rssMB[res.rssMB.length - 1].toFixed(1) },
        { label: 'largest deviation from round 1', value: `${(res.maxGrowth * 100).toFixed(1)}%` },
        { label: 'JS heap used, round 1 / 10 (MB)', value: `${res.heapUsedMB[0].toFixed(1)} / ${res.heapUsedMB[res.heapUsedMB.length - 1].toFixed(1)}` },
        { label: 'variants embedded per second', value: Math.round(res.vectorsPerSec).toLocaleString('en-US') },
      ],
      pass: res.pass,
      verdict: `RSS after each of ${res.rounds} rounds within ${(res.maxGrowth * 100).toFixed(1)}% of round 1 (limit 10%)${res.distinctTexts !== undefined ? `; ${res.distinctTexts} distinct texts cached in ${((res.cacheBytes ?? 0) / (1 << 20)).toFixed(1)} MB` : ''}`,
      commands: [`node ${args.map((a) => (a === script ? 'dist/bench/embed-memory.js' : a)).join(' ')}`],
      threads: { ours: 1, bcftools: 0, note: 'ours only, in process' },
      details: res,
    };
  },
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const num = (flag: string, d: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const res = await runRounds(num('--rounds', 10), num('--n', 100_000), argv.includes('--text'));
  if (argv.includes('--json')) process.stdout.write(JSON.stringify(res) + '\n');
  else {
    res.rssMB.forEach((x, i) => process.stdout.write(`round ${i + 1}: RSS ${x.toFixed(1)} MB\n`));
    process.stdout.write(`largest deviation from round 1: ${(res.maxGrowth * 100).toFixed(1)}% (${res.pass ? 'pass' : 'FAIL'}, limit 10%); ${Math.round(res.vectorsPerSec)} variants/s${res.distinctTexts !== undefined ? `; ${res.distinctTexts} distinct texts, cache ${(res.cacheBytes! / 1048576).toFixed(1)} MB` : ''}\n`);
  }
  process.exitCode = res.pass ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
