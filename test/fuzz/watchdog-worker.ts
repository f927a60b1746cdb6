/**
 * Watchdog thread for the fuzz test. The main thread publishes the running case in shared memory
 * (a generation counter bumped at every start and end, plus the case label). If a case runs longer
 * than `timeoutMs`, the watchdog posts {type:'hang'}; a responsive main thread (an async hang: a
 * promise that never settles) fails the test with the case label. If the main thread does not
 * answer within `graceMs` it is stuck in synchronous code: the watchdog prints the case label on
 * stderr and kills the process, so the run fails instead of hanging.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import { SLOT, NAME_OFFSET, type WatchdogConfig } from './watchdog-layout.js';

const { sab, timeoutMs, graceMs, pollMs } = workerData as WatchdogConfig & { sab: SharedArrayBuffer };
const i32 = new Int32Array(sab);
const bytes = new Uint8Array(sab);

function label(): string {
  const n = Atomics.load(i32, SLOT.NAME_LEN);
  return Buffer.from(bytes.slice(NAME_OFFSET, NAME_OFFSET + n)).toString('utf8');
}

let gen = Atomics.load(i32, SLOT.GEN);
let since = Date.now();
while (Atomics.load(i32, SLOT.STOP) === 0) {
  Atomics.wait(i32, SLOT.GEN, gen, pollMs);
  const g = Atomics.load(i32, SLOT.GEN);
  const now = Date.now();
  if (g !== gen) { gen = g; since = now; continue; }
  if (Atomics.load(i32, SLOT.ACTIVE) === 1 && now - since > timeoutMs) {
    const name = label();
    const ms = now - since;
    parentPort!.postMessage({ type: 'hang', name, ms });
    Atomics.wait(i32, SLOT.ACK, 0, graceMs);
    if (Atomics.load(i32, SLOT.ACK) === 0 && Atomics.load(i32, SLOT.GEN) === gen && Atomics.load(i32, SLOT.STOP) === 0) {
      fs.writeSync(2, `\nfuzz watchdog: case ${name} has run for ${ms} ms and the main thread is blocked: killing the test process\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    break; // one report per run: the test has failed
  }
}
