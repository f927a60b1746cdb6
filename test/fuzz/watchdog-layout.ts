/** Shared-memory layout between the fuzz test and its watchdog thread. */
export const SLOT = { GEN: 0, ACTIVE: 1, STOP: 2, ACK: 3, NAME_LEN: 4 } as const;
export const NAME_OFFSET = 32;
export const NAME_MAX = 2048;

export interface WatchdogConfig {
  /** a case running longer than this is a hang */
  timeoutMs: number;
  /** how long a hung main thread gets to answer before the process is killed */
  graceMs: number;
  /** how often the watchdog looks */
  pollMs: number;
}
