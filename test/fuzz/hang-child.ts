/**
 * Child process for the watchdog self-test: runs one case that blocks the main thread in a busy
 * loop. The watchdog must notice, print the case label on stderr and kill this process.
 */
import { Watchdog } from './watchdog.js';

const wd = new Watchdog({ timeoutMs: 200, graceMs: 300, pollMs: 20 });
await wd.run('busy-loop-case', async () => {
  const until = Date.now() + 20_000;
  while (Date.now() < until) { /* blocked main thread */ }
});
process.stdout.write('not killed\n');
await wd.stop();
