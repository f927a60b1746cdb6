/**
 * Hang detection for the fuzz test. A Heartbeat (in whatever thread runs the cases) publishes the
 * running case in shared memory; the Watchdog's thread (watchdog-worker.ts) checks it and reports a
 * case that runs longer than the timeout: `hang` rejects with a HangError naming the case. A thread
 * that is blocked for good gets the whole process killed, after the case label is printed.
 */
import { Worker } from 'node:worker_threads';
import { SLOT, NAME_OFFSET, NAME_MAX, type WatchdogConfig } from './watchdog-layout.js';

export class HangError extends Error {}

/** The publishing side: cheap enough to call twice per case (no syscalls, no wake-ups). */
export class Heartbeat {
  private readonly i32: Int32Array;
  private readonly nameBuf: Buffer;

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
    this.nameBuf = Buffer.from(sab, NAME_OFFSET, NAME_MAX);
  }

  begin(label: string): void {
    Atomics.store(this.i32, SLOT.NAME_LEN, this.nameBuf.write(label.slice(0, NAME_MAX / 4), 'utf8'));
    Atomics.store(this.i32, SLOT.ACTIVE, 1);
    Atomics.add(this.i32, SLOT.GEN, 1);
  }

  end(): void {
    Atomics.store(this.i32, SLOT.ACTIVE, 0);
    Atomics.add(this.i32, SLOT.GEN, 1);
  }
}

export class Watchdog {
  readonly sab = new SharedArrayBuffer(NAME_OFFSET + NAME_MAX);
  private readonly i32 = new Int32Array(this.sab);
  private readonly worker: Worker;
  /** rejects with a HangError when a case overruns the timeout */
  readonly hang: Promise<never>;
  private readonly beat = new Heartbeat(this.sab);
  private stopped = false;

  constructor(cfg: Partial<WatchdogConfig> = {}) {
    const config: WatchdogConfig = { timeoutMs: 10_000, graceMs: 2_000, pollMs: 100, ...cfg };
    this.worker = new Worker(new URL('./watchdog-worker.js', import.meta.url), { workerData: { ...config, sab: this.sab } });
    this.worker.unref();
    this.hang = new Promise<never>((_, reject) => {
      this.worker.on('message', (m: { type: string; name: string; ms: number }) => {
        if (m.type !== 'hang') return;
        // answering proves this thread is alive: the watchdog will not kill the process
        Atomics.store(this.i32, SLOT.ACK, 1);
        Atomics.notify(this.i32, SLOT.ACK);
        reject(new HangError(`fuzz watchdog: case ${m.name} did not finish within ${m.ms} ms (hang)`));
      });
      this.worker.on('error', (e) => reject(e));
    });
    this.hang.catch(() => {});
  }

  /** Run one case in this thread under watch: rejects with HangError if it overruns. */
  async run<T>(label: string, fn: () => Promise<T>): Promise<T> {
    this.beat.begin(label);
    try {
      return await Promise.race([fn(), this.hang]);
    } finally {
      this.beat.end();
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.i32, SLOT.STOP, 1);
    Atomics.notify(this.i32, SLOT.GEN);
    await this.worker.terminate();
  }
}
