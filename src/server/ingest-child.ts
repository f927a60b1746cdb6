/**
 * An ingest job of the server, run in a child process (jobs.ts forks this file): parsing and
 * encoding a large VCF is CPU work that would stall the server's event loop and time out the
 * queries it answers meanwhile. Messages to the parent over IPC: {t:'phase'}, {t:'progress'},
 * then {t:'done', res} or {t:'error', rule, message}.
 */
import { ingestFiles } from '../store/ingest.js';
import { VcfError } from '../vcf/errors.js';

interface Start { files: string[]; db?: string }

const send = (m: Record<string, unknown>): Promise<void> => new Promise((r) => { if (process.send) process.send(m, undefined, undefined, () => r()); else r(); });

process.once('message', (m: Start) => {
  void (async () => {
    try {
      const res = await ingestFiles(m.files, {
        db: m.db,
        onPhase: (phase, file) => { void send({ t: 'phase', phase, file }); },
        onProgress: (file, records) => { void send({ t: 'progress', file, records }); },
      });
      await send({ t: 'done', res });
    } catch (e) {
      const err = e instanceof VcfError ? { rule: e.code, message: e.oneLine() } : { rule: 'INTERNAL', message: ((e as Error).message ?? String(e)).split('\n')[0].slice(0, 500) };
      await send({ t: 'error', ...err });
    }
    process.disconnect?.();
  })();
});
