/**
 * A bound on the store calls a server runs at once. Each LanceDB query fans out over the native
 * thread pool: a hundred at once on a small machine thrash (throughput falls, memory rises) where
 * the same work queued runs at full speed. Calls beyond the bound wait in order.
 */
import * as os from 'node:os';

export class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}

  /** VCF_AGENT_SERVE_CONCURRENCY, else twice the CPUs (at least 2) */
  static fromEnv(): Gate {
    const n = Number(process.env.VCF_AGENT_SERVE_CONCURRENCY);
    return new Gate(Number.isInteger(n) && n >= 1 ? n : Math.max(2, 2 * os.availableParallelism()));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes to the next caller
      else this.running--;
    }
  }

  /** calls running and waiting */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
