/**
 * Queries on the store: variants, samples, sample, gene, db info, db rebuild-graph, graph (read-only Cypher).
 * The store modules (LanceDB, Kuzu native code) load only when one of these commands runs.
 */
const q = () => import('../store/query.js');
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import type { Row } from '../store/query.js';
import { action, parseIntOpt } from './run.js';
import { registerDbOptimize } from './db.js';

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
    .option('-i, --include <expr>', 'bcftools expression on each split record (CHROM/POS/QUAL/AF/TYPE parts filtered in LanceDB)')
    .option('-e, --exclude <expr>', 'bcftools expression: leave out matching split records')
    .option('--gene <name>', 'variants annotated in this gene (ANN, CSQ, EFF, GENEINFO or --gff at ingest)')
    .option('--sample <name>', 'variants this sample carries (with its call)')
    .option('--file <id>', 'only rows of this file id (see db info)', parseIntOpt('--file'))
    .option('--limit <n>', 'at most N rows', parseIntOpt('--limit'))
    .option('--offset <n>', 'leave out the first N matching rows (paging)', parseIntOpt('--offset'))
    .option('--format <fmt>', 'tsv, json or vcf (the split records under their file\'s header; one file only)', 'tsv')
    .action(action(async (o: { db?: string; regions?: string; include?: string; exclude?: string; gene?: string; sample?: string; file?: number; limit?: number; offset?: number; format: string }) => {
      if (!['tsv', 'json', 'vcf'].includes(o.format)) throw usageError(`--format must be tsv, json or vcf, got "${o.format}"`);
      const { openForRead } = await q();
      const store = await openForRead(o.db);
      try {
        const m = await q();
        const res = await m.queryVariants(store, { region: o.regions, include: o.include, exclude: o.exclude, gene: o.gene, sample: o.sample, fileId: o.file, limit: o.limit, offset: o.offset, withVcf: o.format === 'vcf' });
        if (o.format === 'vcf') {
          const ids = [...new Set(res.rows.map((r) => r.file_id as number))];
          const fileId = o.file ?? (ids.length === 1 ? ids[0] : undefined);
          if (fileId === undefined && ids.length > 1) throw usageError(`rows come from ${ids.length} files (${ids.join(', ')}): choose one with --file ID for VCF output`);
          if (fileId !== undefined) process.stdout.write(await m.fileHeader(store, fileId));
          process.stdout.write(Buffer.from(res.rows.map((r) => r._vcf + '\n').join(''), 'latin1'));
        } else process.stdout.write(render(res.rows, res.columns, o.format));
      } finally {
        store.close();
      }
    }));

  program
    .command('sample')
    .description('one sample: its files, calls by zygosity and impact, top genes, ClinVar, gVCF blocks')
    .argument('<name>', 'sample name')
    .option(...dbOpt)
    .action(action(async (name: string, o: { db?: string }) => {
      const { openForRead, sampleInfo } = await q();
      const store = await openForRead(o.db);
      try {
        process.stdout.write(JSON.stringify(await sampleInfo(store, name), null, 2) + '\n');
      } finally {
        store.close();
      }
    }));

  program
    .command('gene')
    .description('one gene: its variants with their annotation in it, impact/consequence/ClinVar counts, carriers')
    .argument('<name>', 'gene symbol (or id when the annotation had no symbol)')
    .option(...dbOpt)
    .action(action(async (name: string, o: { db?: string }) => {
      const { openForRead, geneInfo } = await q();
      const store = await openForRead(o.db);
      try {
        process.stdout.write(JSON.stringify(await geneInfo(store, name), null, 2) + '\n');
      } finally {
        store.close();
      }
    }));

  program
    .command('compare-samples')
    .description('compare two samples of the store: shared and private non-reference variants, genotype matrix and concordance')
    .argument('<a>', 'first sample (A)')
    .argument('<b>', 'second sample (B)')
    .option(...dbOpt)
    .option('-r, --regions <region>', 'only variants in CHR, CHR:POS or CHR:BEG-END')
    .option('-i, --include <expr>', 'only variants passing this bcftools expression (e.g. INFO/AF<0.01)')
    .option('--limit <n>', 'variant rows listed (default 1000; the counts cover every variant)', parseIntOpt('--limit'))
    .addHelpText('after', '\nPrints JSON: shared / onlyA / onlyB counts, matrix[class of A][class of B] over ref, het, hom_alt,\nmissing and not_called (the sample\'s files do not hold the variant), concordance of sites both\ncalled, and one row per variant.')
    .action(action(async (a: string, b: string, o: { db?: string; regions?: string; include?: string; limit?: number }) => {
      const { openForRead } = await q();
      const { compareSamples } = await import('../store/compare-samples.js');
      const store = await openForRead(o.db);
      try {
        process.stdout.write(JSON.stringify(await compareSamples(store, a, b, { region: o.regions, include: o.include, limit: o.limit }), null, 2) + '\n');
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

  const db = program.command('db').description('the workspace: info, rebuild-graph, optimize');
  db.command('info')
    .description('files, row counts and graph counts of the workspace')
    .option(...dbOpt)
    .action(action(async (o: { db?: string }) => {
      const { openForRead } = await q();
      const store = await openForRead(o.db);
      try {
        const info = await (await q()).dbInfo(store, (await import('../store/workspace.js')).resolveWorkspace(o.db));
        const annIndex = await (await import('../store/ann.js')).vectorIndexStatus(store);
        process.stdout.write(JSON.stringify({ ...info, annIndex }, null, 2) + '\n');
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
      const { graphQuery } = await q();
      const one = async (c: string): Promise<number> => Number((await graphQuery(o.db, c))[0]?.n ?? 0);
      process.stdout.write(`samples ${await one('MATCH (s:Sample) RETURN count(*) AS n')}, variants ${await one('MATCH (v:Variant) RETURN count(*) AS n')}, genes ${await one('MATCH (g:Gene) RETURN count(*) AS n')}, CARRIES ${await one('MATCH ()-[c:CARRIES]->() RETURN count(*) AS n')}, IN_GENE ${await one('MATCH ()-[e:IN_GENE]->() RETURN count(*) AS n')}\n`);
    }));
  registerDbOptimize(db);
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
