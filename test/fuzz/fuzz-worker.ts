/**
 * The fuzz loop, run in a worker thread: cases are generated from seeds, read and validated in this
 * process (runCase), and the running case is published through a Heartbeat for the watchdog.
 * (A worker, not the test's own thread: node:test tracks every promise of its thread with an
 * async hook, which makes this promise-heavy loop several times slower.)
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Rng, caseSeed } from './rng.js';
import { makeCase, type Seed } from './mutate.js';
import { runCase } from './exercise.js';
import { Heartbeat } from './watchdog.js';
import { openInputFromBuffer } from '../../src/vcf/input.js';

export interface FuzzJob {
  sab: SharedArrayBuffer;
  seed: number;
  /** case numbers [from, to) */
  from: number;
  to: number;
  /** ../shared/data, or null */
  sharedData: string | null;
  ownDir: string;
}

export interface FuzzSummary {
  cases: number;
  corpusSeeds: number;
  ownSeeds: number;
  rejected: number;
  validatorRejected: number;
  records: number;
  slowest: { ms: number; label: string };
  failures: string[];
  seconds: number;
}

/** corpus files above this size are left out: they make cases slow, not more varied */
const MAX_SEED_BYTES = 48 * 1024;
/** a seed keeps its header (when under HEADER_MAX) and about RECORD_BYTES of records */
const HEADER_MAX = 32 * 1024;
const RECORD_BYTES = 8 * 1024;
/** compressed files are corrupted as stored only when this small */
const MAX_PACKED_BYTES = 16 * 1024;
/** share of cases built from our own feature-rich seeds when the corpus is present */
const OWN_SHARE = 0.2;

function walk(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
}

/** The header and the first records of a VCF text, cut at a line end; undefined if the header is huge. */
function cutSeed(plain: Buffer): Buffer | undefined {
  let p = 0;
  while (p < plain.length && plain[p] === 35) {
    const nl = plain.indexOf(10, p);
    if (nl < 0) return plain.length <= HEADER_MAX ? plain : undefined;
    p = nl + 1;
  }
  if (p > HEADER_MAX) return undefined;
  if (plain.length <= p + RECORD_BYTES) return plain;
  const nl = plain.indexOf(10, p + RECORD_BYTES);
  return nl < 0 ? plain : plain.subarray(0, nl + 1);
}

async function decompress(name: string, raw: Buffer): Promise<Buffer> {
  const input = await openInputFromBuffer(name, raw);
  const parts: Buffer[] = [];
  for await (const c of input.chunks) parts.push(c);
  return Buffer.concat(parts);
}

export async function loadSeeds(sharedData: string | null, ownDir: string): Promise<{ own: Seed[]; corpus: Seed[] }> {
  const own: Seed[] = walk(ownDir).filter((f) => f.endsWith('.vcf')).sort().map((f) => ({ name: path.relative(ownDir, f), plain: fs.readFileSync(f) }));
  const corpus: Seed[] = [];
  if (!sharedData) return { own, corpus };
  for (const f of walk(sharedData).filter((x) => /\.vcf(\.gz|\.bgz|\.bz2)?$/.test(x)).sort()) {
    const raw = fs.readFileSync(f);
    if (raw.length > MAX_SEED_BYTES) continue;
    const name = path.relative(sharedData, f);
    if (!/\.(gz|bgz|bz2)$/.test(f)) {
      const plain = cutSeed(raw);
      if (plain) corpus.push({ name, plain });
      continue;
    }
    let plain: Buffer;
    try {
      plain = /\.bz2$/.test(f) ? await decompress(name, raw) : zlib.gunzipSync(raw);
    } catch {
      continue; // corrupt on purpose (an "invalid" conformance file)
    }
    const cut = cutSeed(plain);
    if (!cut) continue;
    const kind = /\.bz2$/.test(f) ? 'bzip2' : raw.length >= 16 && raw[12] === 66 && raw[13] === 67 ? 'bgzf' : 'gzip';
    corpus.push(raw.length <= MAX_PACKED_BYTES ? { name, plain: cut, packed: raw, packedKind: kind } : { name, plain: cut });
  }
  return { own, corpus };
}

export async function fuzz(job: FuzzJob, beat: Heartbeat): Promise<FuzzSummary> {
  const { own, corpus } = await loadSeeds(job.sharedData, job.ownDir);
  if (own.length === 0) throw new Error(`no seeds in ${job.ownDir}`);
  const s: FuzzSummary = { cases: 0, corpusSeeds: corpus.length, ownSeeds: own.length, rejected: 0, validatorRejected: 0, records: 0, slowest: { ms: 0, label: '' }, failures: [], seconds: 0 };
  const t0 = performance.now();
  for (let i = job.from; i < job.to; i++) {
    const rng = new Rng(caseSeed(job.seed, i));
    const pool = corpus.length && !rng.chance(OWN_SHARE) ? corpus : own;
    const c = makeCase(rng.pick(pool), rng);
    const label = `#${i} ${c.label}`;
    const name = `fuzz-${i}.vcf`;
    s.cases++;
    const t = performance.now();
    beat.begin(label);
    let r;
    try {
      r = await runCase(name, c.data, c);
    } catch (e) {
      const err = e as Error;
      s.failures.push(`${label}: uncaught ${err?.name}: ${err?.message} @ ${String(err?.stack).split('\n')[1]?.trim()}`);
      continue;
    } finally {
      beat.end();
    }
    const ms = performance.now() - t;
    if (ms > s.slowest.ms) s.slowest = { ms, label };
    s.records += r.records;
    if (r.rejection) {
      s.rejected++;
      const e = r.rejection;
      if (e.file !== name || !(Number.isInteger(e.line) && e.line! >= 1)) s.failures.push(`${label}: reader rejection without a location: ${e.oneLine()}`);
    }
    if (r.validatorErrors.length) s.validatorRejected++;
    const bad = r.validatorErrors.find((v) => v.file !== name || !(Number.isInteger(v.line) && v.line! >= 1));
    if (bad) s.failures.push(`${label}: validator error without a location: ${bad.file}:${bad.line}: ${bad.message} [${bad.rule}]`);
  }
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}

if (parentPort && workerData?.job) {
  const job = workerData.job as FuzzJob;
  const summary = await fuzz(job, new Heartbeat(job.sab));
  parentPort.postMessage({ type: 'done', summary });
}
