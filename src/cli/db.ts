/**
 * `vcf-agent db optimize` (registered on the `db` command of store.ts): compaction of the store's
 * tables and the ANN indexes of the similarity vectors (src/store/ann.ts optimizeStore).
 */
import type { Command } from 'commander';
import { action, parseIntOpt } from './run.js';

export function registerDbOptimize(db: Command): void {
  db.command('optimize')
    .description('compact the workspace\'s tables (merges appended fragments, brings indexes up to date) and build the ANN indexes of the similarity vectors (ingest does not build them; `similar` searches exactly without them)')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--lock-wait <ms>', 'how long to wait for another writer of the workspace (default 5000)', parseIntOpt('--lock-wait'))
    .option('--rebuild-ann', 'retrain ANN indexes that exist (default: existing ones are only updated with the appended rows)')
    .option('--no-compact', 'only build the ANN indexes')
    .option('--ann-min-rows <n>', 'vectors tables with fewer rows get no ANN index (default 50000: exact search is fast there)', parseIntOpt('--ann-min-rows'))
    .option('-q, --quiet', 'no progress on stderr')
    .action(action(async (o: { db?: string; lockWait?: number; rebuildAnn?: boolean; compact?: boolean; annMinRows?: number; quiet?: boolean }) => {
      const { optimizeStore } = await import('../store/ann.js');
      const tty = !o.quiet && process.stderr.isTTY;
      const r = await optimizeStore({
        db: o.db, lockWaitMs: o.lockWait, rebuild: o.rebuildAnn, noCompact: o.compact === false, minRows: o.annMinRows,
        onStep: tty ? (s) => process.stderr.write(`vcf-agent: ${s}\n`) : undefined,
      });
      for (const [t, c] of Object.entries(r.compacted)) process.stdout.write(`compacted ${t}: ${c.fragmentsRemoved} fragments into ${c.fragmentsAdded}\n`);
      for (const [col, a] of Object.entries(r.ann)) process.stdout.write(`ann ${col}: ${a.built ? 'built' : 'not built'} (${a.reason})\n`);
      process.stdout.write(`ann index: ${r.status ? r.status.summary : 'no vectors table'}\n`);
      process.stdout.write(`workspace: ${r.workspace}\n`);
    }));
}
