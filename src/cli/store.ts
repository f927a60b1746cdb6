/**
 * Queries on the store: variants, samples, db info, db rebuild-graph, graph (read-only Cypher).
 * The store modules (LanceDB, Kuzu native code) load only when one of these commands runs.
 */
const q = () => import('../store/query.js');
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import type { Row } from '../store/query.js';
import { action, parseIntOpt } from './run.js';

function render(rows: Row[], columns: string[], format: string): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  if (format !== 'tsv') throw usageError(`--format must be tsv or json, got "${format}"`);
  const cell = (v: unknown): string => (v === null || v === undefined ? '.' : Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return ['#' + columns.join('\t'), ...rows.map((r) => columns.map((c) => cell(r[c])).join('\t'))].join('\n') + '\n';
}

const dbOpt = ['--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)'] as const;

export function register(program: Command): void {
  program
    .command('variants')
    .description('variants in the store (one row per ALT), by region, gene and sample')
    .option(...dbOpt)
    .option('-r, --regions <region>', 'CHR, CHR:POS or CHR:BEG-END (1-based, overlapping)')
    .option('--gene <name>', 'variants annotated (SnpEff ANN) in this gene')
    .option('--sample <name>', 'variants this sample carries (with its call)')
    .option('--limit <n>', 'at most N rows', parseIntOpt('--limit'))
    .option('--format <fmt>', 'tsv or json', 'tsv')
    .action(action(async (o: { db?: string; regions?: string; gene?: string; sample?: string; limit?: number; format: string }) => {
      if (o.format !== 'tsv' && o.format !== 'json') throw usageError(`--format must be tsv or json, got "${o.format}"`);
      const { openForRead } = await q();
      const store = await openForRead(o.db);
      try {
        const { rows, columns } = await (await q()).queryVariants(store, { region: o.regions, gene: o.gene, sample: o.sample, limit: o.limit });
        process.stdout.write(render(rows, columns, o.format));
      } finally {
        store.close();
      }
    }));

  program
    .command('samples')
    .description('samples in the store, with the file each comes from')
    .option(...dbOpt)
    .option('--format <fmt>', 'tsv or json', 'tsv')
    .action(action(async (o: { db?: string; format: string }) => {
      const { openForRead } = await q();
      const store = await openForRead(o.db);
      try {
        process.stdout.write(render(await (await q()).listSamples(store), ['sample', 'file_id', 'file'], o.format));
      } finally {
        store.close();
      }
    }));

  const db = program.command('db').description('the workspace: info, rebuild-graph');
  db.command('info')
    .description('files, row counts and graph counts of the workspace')
    .option(...dbOpt)
    .action(action(async (o: { db?: string }) => {
      const { openForRead } = await q();
      const store = await openForRead(o.db);
      try {
        process.stdout.write(JSON.stringify(await (await q()).dbInfo(store, (await import('../store/workspace.js')).resolveWorkspace(o.db)), null, 2) + '\n');
      } finally {
        store.close();
      }
    }));
  db.command('rebuild-graph')
    .description('rebuild the graph from the LanceDB tables alone')
    .option(...dbOpt)
    .action(action(async (o: { db?: string }) => {
      const r = await (await import('../store/ingest.js')).rebuildGraph({ db: o.db });
      process.stdout.write(`graph rebuilt from ${r.loaded.length} file(s)\n`);
    }));
  for (const c of db.commands) c.exitOverride();

  program
    .command('graph')
    .description('run a read-only Cypher query on the graph: (:Sample)-[:CARRIES]->(:Variant)-[:IN_GENE]->(:Gene)')
    .argument('<cypher>', 'e.g. "MATCH (s:Sample)-[:CARRIES]->(v:Variant) RETURN s.name, count(v)"')
    .option(...dbOpt)
    .option('--format <fmt>', 'tsv or json', 'tsv')
    .action(action(async (cypher: string, o: { db?: string; format: string }) => {
      const rows = await (await q()).graphQuery(o.db, cypher);
      const columns = rows.length ? Object.keys(rows[0]) : [];
      process.stdout.write(render(rows, columns, o.format));
    }));
}
