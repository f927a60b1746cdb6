/**
 * The write floor of the store (issue 6): how fast LanceDB itself can take the rows an ingest
 * stores, with no VCF parsing, no conversion and no graph.
 *
 * trio100k is ingested once (`ingest --no-graph`, cached under bench/tmp by store.ts
 * ensureWorkspace). A child process then reads back the variants, genotypes and vectors tables as Arrow, cut into the batches an ingest
 * appends (BATCH_ROWS variant rows; genotype and vector rows cut in as many parts), all in memory
 * before the clock starts, and appends them to fresh tables of the same schemas in the ingest's
 * order (per batch: variants, genotypes, vectors). Timed: the appends alone (no scalar index, no
 * catalog, no graph), once with LanceDB's default data format and once with its "legacy" format.
 *
 * Figure: the ceiling on ingest speed this implies (variant rows ÷ append wall time). The ingest
 * target (100,000 variants/s) is reachable only if this ceiling is above it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext, CustomCase } from './cases.js';
import { cmdText } from './measure.js';
import { ensureWorkspace } from './store.js';
import { INGEST_MIN_VARIANTS_PER_S } from './ingest.js';

const TABLES = ['variants', 'genotypes', 'vectors'] as const;
/** variant rows per append, as the ingest's BATCH_ROWS (src/store/ingest.ts) */
const BATCH_VARIANTS = 2_000;

interface FloorRun {
  format: string;
  batches: number;
  variants: number;
  rows: Record<string, number>;
  appendMs: Record<string, number>;
  totalMs: number;
  cpuMs: number;
  maxRssMB: number;
}

/** child: time the appends of the source workspace's rows into fresh tables */
async function child(srcDb: string, dstDir: string, format: string): Promise<void> {
  const lancedb = await import('@lancedb/lancedb');
  const src = await lancedb.connect(path.join(srcDb, 'lance'));
  fs.rmSync(dstDir, { recursive: true, force: true });
  const dst = await lancedb.connect(dstDir);
  const nv = await (await src.openTable('variants')).countRows();
  const nb = Math.ceil(nv / BATCH_VARIANTS);
  const parts: Record<string, Array<import('apache-arrow').Table | null>> = {};
  const rows: Record<string, number> = {};
  const tables: Record<string, Awaited<ReturnType<typeof dst.createEmptyTable>>> = {};
  const opts = format === 'default' ? {} : { storageOptions: { new_table_data_storage_version: format } };
  for (const name of TABLES) {
    const t = await src.openTable(name);
    const n = await t.countRows();
    rows[name] = n;
    const per = Math.ceil(n / nb);
    parts[name] = [];
    for (let b = 0; b < nb; b++) {
      const part = await t.query().offset(b * per).limit(per).toArrow();
      parts[name].push(part.numRows ? part : null);
    }
    tables[name] = await dst.createEmptyTable(name, await t.schema(), opts);
    t.close();
  }
  const appendMs: Record<string, number> = Object.fromEntries(TABLES.map((n) => [n, 0]));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < nb; b++) {
    for (const name of TABLES) {
      const part = parts[name][b];
      if (!part) continue;
      const t = performance.now();
      await tables[name].add(part);
      appendMs[name] += performance.now() - t;
      parts[name][b] = null;
    }
  }
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const out: FloorRun = { format, batches: nb, variants: nv, rows, appendMs, totalMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(out) + '\n');
  for (const t of Object.values(tables)) t.close();
  fs.rmSync(dstDir, { recursive: true, force: true });
}

function runChild(ctx: BenchContext, srcDb: string, format: string): FloorRun {
  const self = fileURLToPath(import.meta.url);
  const dst = path.join(ctx.tmp, 'floor-dst.lance');
  const r = spawnSync(process.execPath, [self, '--floor-child', srcDb, dst, format], { cwd: ctx.root, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`floor child (${format}) exited with ${r.status}: ${(r.stderr ?? '').slice(-400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FloorRun;
}

export const storeWriteFloor: CustomCase = {
  kind: 'custom',
  name: 'store-write-floor',
  title: "LanceDB's own append time for the rows an ingest of trio100k stores (variants, genotypes, vectors; in memory before timing, ingest batch size): the ceiling it puts on ingest speed",
  issue: 6,
  data: ['trio100k'],
  async run(ctx) {
    const src = ensureWorkspace(ctx, 'trio100k', 'floor-src', ['--no-graph']);
    const reps = Math.max(1, Math.min(ctx.reps, ctx.quick ? 1 : 3));
    const runs: Record<string, FloorRun[]> = { default: [], legacy: [] };
    for (let r = 0; r < reps; r++) {
      for (const format of Object.keys(runs)) {
        const run = runChild(ctx, src, format);
        runs[format].push(run);
        ctx.log(`  rep ${r + 1} ${format.padEnd(7)} appends ${(run.totalMs / 1000).toFixed(2)} s (${TABLES.map((t) => `${t} ${(run.appendMs[t] / 1000).toFixed(2)}`).join(', ')}), cpu ${(run.cpuMs / 1000).toFixed(2)} s`);
      }
    }
    const best = (f: string) => runs[f].reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    const d = best('default');
    const l = best('legacy');
    const ceiling = (x: FloorRun) => x.variants / (x.totalMs / 1000);
    const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
    const pass = ceiling(d) >= INGEST_MIN_VARIANTS_PER_S;
    return {
      figures: [
        { label: 'rows appended (variants / genotypes / vectors)', value: `${fmt(d.rows.variants)} / ${fmt(d.rows.genotypes)} / ${fmt(d.rows.vectors)} in ${d.batches} batches` },
        { label: 'append wall, default format (s; best of reps)', value: `${(d.totalMs / 1000).toFixed(2)} (${TABLES.map((t) => `${t} ${(d.appendMs[t] / 1000).toFixed(2)}`).join(', ')})` },
        { label: 'append wall, legacy format (s; best of reps)', value: `${(l.totalMs / 1000).toFixed(2)} (${TABLES.map((t) => `${t} ${(l.appendMs[t] / 1000).toFixed(2)}`).join(', ')})` },
        { label: 'append CPU, default format (s)', value: (d.cpuMs / 1000).toFixed(2) },
        { label: 'ingest ceiling, default / legacy format (variants/s)', value: `${fmt(ceiling(d))} / ${fmt(ceiling(l))}` },
      ],
      pass,
      verdict: `LanceDB alone appends the stored rows of trio100k at ${fmt(ceiling(d))} variants/s (legacy format ${fmt(ceiling(l))}): the ingest target of ${fmt(INGEST_MIN_VARIANTS_PER_S)} variants/s is ${pass ? 'within' : 'above'} what the store's writes allow on this machine`,
      commands: [cmdText(ctx.ours('ingest', '--quiet', '--no-graph', '--db', 'bench/tmp/floor-src-trio100k-SHA', ctx.rel('trio100k'))), 'node dist/bench/store-floor.js --floor-child SRC DST default|legacy'],
      threads: { ours: 2, bcftools: 0, note: "LanceDB's native writer threads; no bcftools counterpart" },
      details: runs,
    };
  },
};

if (process.argv[2] === '--floor-child') {
  child(process.argv[3], process.argv[4], process.argv[5]).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
