/**
 * Fuzz test of the reader and validator: at least 20,000 mutated VCFs (corpus files from
 * ../shared/data when present, plus our own seeds in test/fixtures/bad), read in process from a
 * Buffer with every accessor touched, then validated (test/fuzz/fuzz-worker.ts, in a worker
 * thread). A watchdog thread (test/fuzz/watchdog-worker.ts) fails the run on a case that hangs.
 *
 * Asserts: nothing but VcfError escapes, no case hangs, and every rejection (reader or validator
 * error) carries a location: the file name and a line.
 *
 * Replay: FUZZ_SEED (default 20240601), FUZZ_CASES (default 20000), FUZZ_ONLY=<case number>,
 * FUZZ_CASE_TIMEOUT_MS (default 30000: a corrupt .bz2 alone can take seconds in unbzip2-stream).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SHARED_DATA, fixture } from './helpers/shared.js';
import { Watchdog, HangError } from './fuzz/watchdog.js';
import type { FuzzJob, FuzzSummary } from './fuzz/fuzz-worker.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240601) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 20_000);
const ONLY = process.env.FUZZ_ONLY !== undefined ? Number(process.env.FUZZ_ONLY) : undefined;
const CASE_TIMEOUT_MS = Number(process.env.FUZZ_CASE_TIMEOUT_MS ?? 30_000);
const here = path.dirname(fileURLToPath(import.meta.url));

test(`fuzz: ${ONLY !== undefined ? `case #${ONLY}` : `${CASES} mutated VCFs`} read, walked and validated in process; no crash, no hang, every rejection located`, async () => {
  const wd = new Watchdog({ timeoutMs: CASE_TIMEOUT_MS });
  const job: FuzzJob = {
    sab: wd.sab, seed: SEED, from: ONLY ?? 0, to: ONLY !== undefined ? ONLY + 1 : CASES,
    sharedData: SHARED_DATA, ownDir: fixture('bad'),
  };
  const worker = new Worker(path.join(here, 'fuzz', 'fuzz-worker.js'), { workerData: { job } });
  let s: FuzzSummary;
  try {
    s = await Promise.race([
      new Promise<FuzzSummary>((resolve, reject) => {
        worker.on('message', (m: { type: string; summary: FuzzSummary }) => { if (m.type === 'done') resolve(m.summary); });
        worker.on('error', reject);
        worker.on('exit', (code) => reject(new Error(`fuzz worker exited with ${code} before finishing`)));
      }),
      wd.hang,
    ]);
  } catch (e) {
    if (e instanceof HangError) await worker.terminate(); // interrupts even a busy loop
    throw e;
  } finally {
    await wd.stop();
  }
  await worker.terminate();
  process.stdout.write(
    `# fuzz: ${s.cases} cases (seed ${SEED}; ${s.corpusSeeds} corpus + ${s.ownSeeds} own seeds) in ${s.seconds.toFixed(1)} s: ` +
    `reader rejected ${s.rejected}, validator reported errors for ${s.validatorRejected}, ${s.records} records walked; ` +
    `slowest case ${s.slowest.ms.toFixed(0)} ms: ${s.slowest.label.slice(0, 160)}; failures: ${s.failures.length}\n`,
  );
  if (ONLY === undefined && !process.env.FUZZ_CASES) assert.ok(s.cases >= 20_000, 'at least 20,000 cases in the default run');
  assert.deepEqual(s.failures.slice(0, 15), [], `${s.failures.length} failing cases (replay one with FUZZ_ONLY=<n>)`);
});

test('fuzz watchdog: a case whose promise never settles fails the run, naming the case', async () => {
  const wd = new Watchdog({ timeoutMs: 150, graceMs: 2000, pollMs: 10 });
  try {
    await assert.rejects(wd.run('never-settles-case', () => new Promise<never>(() => {})), (e: Error) => e instanceof HangError && /never-settles-case/.test(e.message));
  } finally {
    await wd.stop();
  }
});

test('fuzz watchdog: a case that blocks its thread for good gets the process killed, naming the case', () => {
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(here, 'fuzz', 'hang-child.js')], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.signal, 'SIGKILL', `child should be killed by its watchdog; status ${r.status}, stderr: ${r.stderr}`);
  assert.match(r.stderr, /busy-loop-case/);
  assert.doesNotMatch(r.stdout, /not killed/);
  assert.ok(Date.now() - t < 10_000, 'killed well before the busy loop ends');
});
