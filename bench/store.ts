/**
 * Store query benchmarks (issue 6), in process on an ingested trio (process start-up is not
 * measured). The workspace is ingested once (`vcf-agent ingest`) into bench/tmp/store-<data>-<sha
 * of the data>/ and reused while the data stamp is unchanged.
 *
 *   region     50 seeded random 1 Mb regions: queryVariants({region, limit 1000, count}) — the count
 *              plus the first 1,000 rows
 *   expr       queryVariants({include: 'INFO/AF<0.01 && GT="alt"', limit 1000, count}), 20 repetitions
 *   shared     graph: pairs of samples sharing at least 5 rare (AF < 1%) variants, 10 repetitions
 *   high       graph: the 10 genes with most HIGH-impact variants, 10 repetitions
 *
 * Targets: p50 at most 50 ms (region, expr) and 500 ms (graph). Also reported: p95/p99, peak RSS of
 * the measuring process, store bytes per 100,000 variant rows.
 *
 * Standalone: node dist/bench/store.js --db DIR [--json]   (the registered case spawns this)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, CustomCase, CustomResult } from './cases.js';

export const STORE_QUERY_P50_MS = 50;
export const STORE_GRAPH_P50_MS = 500;

export const EXPR = 'INFO/AF<0.01 && GT="alt"';
export const SHARED_RARE = 'MATCH (a:Sample)-[:CARRIES]->(v:Variant)<-[:CARRIES]-(b:Sample) WHERE a.name < b.name AND v.af < 0.01 WITH a, b, count(v) AS n WHERE n >= 5 RETURN a.name AS a, b.name AS b, n ORDER BY n DESC';
export const TOP_HIGH = "MATCH (v:Variant)-[e:IN_GENE]->(g:Gene) WHERE e.impact = 'HIGH' RETURN g.name AS gene, count(DISTINCT v) AS n ORDER BY n DESC, gene LIMIT 10";

interface Series { name: string; ms: number[]; p50: number; p95: number; p99: number; rows: number; total?: number }
export interface StoreRun { variants: number; storeBytes: number; peakRssMB: number; series: Series[] }

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** xorshift32, seeded: the same regions on every run */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

async function runAll(db: string): Promise<StoreRun> {
  const { openForRead, queryVariants, graphQuery } = await import('../src/store/query.js');
  const store = await openForRead(db);
  const series: Series[] = [];
  const time = async (name: string, n: number, f: (i: number) => Promise<{ rows: number; total?: number }>): Promise<void> => {
    await f(-1); // warm-up (first open of tables / graph pages)
    const ms: number[] = [];
    let last = { rows: 0 } as { rows: number; total?: number };
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      last = await f(i);
      ms.push(performance.now() - t0);
    }
    series.push({ name, ms, p50: pct(ms, 50), p95: pct(ms, 95), p99: pct(ms, 99), rows: last.rows, total: last.total });
  };
  try {
    const vis = await store.visibleFilter();
    const variants = await store.tables.variants.countRows(vis);
    // contig extents from the data: min/max pos per chrom
    const chroms = new Map<string, [number, number]>();
    for await (const b of store.tables.variants.query().where(vis).select(['chrom', 'pos'])) {
      const c = b.getChild('chrom')!, p = b.getChild('pos')!;
      for (let i = 0; i < b.numRows; i++) {
        const k = c.get(i) as string, v = p.get(i) as number;
        const e = chroms.get(k);
        if (!e) chroms.set(k, [v, v]); else { if (v < e[0]) e[0] = v; if (v > e[1]) e[1] = v; }
      }
    }
    const names = [...chroms.keys()];
    const r = rng(20240603);
    const regions = Array.from({ length: 50 }, () => {
      const c = names[Math.floor(r() * names.length)];
      const [lo, hi] = chroms.get(c)!;
      const start = lo + Math.floor(r() * Math.max(1, hi - lo - 1_000_000));
      return `${c}:${start}-${start + 1_000_000}`;
    });
    await time('region', regions.length, async (i) => {
      const res = await queryVariants(store, { region: regions[Math.max(0, i)], limit: 1000, count: true });
      return { rows: res.rows.length, total: res.total };
    });
    await time('expr', 20, async () => {
      const res = await queryVariants(store, { include: EXPR, limit: 1000, count: true });
      return { rows: res.rows.length, total: res.total };
    });
    await time('shared', 10, async () => ({ rows: (await graphQuery(db, SHARED_RARE)).length }));
    await time('high', 10, async () => ({ rows: (await graphQuery(db, TOP_HIGH)).length }));
    const storeBytes = Number(execFileSync('du', ['-sb', db], { encoding: 'utf8' }).split(/\s+/)[0]);
    return { variants, storeBytes, peakRssMB: process.resourceUsage().maxRSS / 1024, series };
  } finally {
    store.close();
  }
}

/**
 * the cached workspace of a data set: ingested once per data sha256 (`prefix` names the cache,
 * `args` are extra ingest options, e.g. --no-graph)
 */
export function ensureWorkspace(ctx: BenchContext, data: string, prefix = 'store', args: string[] = []): string {
  const d = ctx.data(data);
  const db = path.join(ctx.tmp, `${prefix}-${data}-${d.sha256.slice(0, 12)}`);
  const ready = path.join(db, 'bench-ready.json');
  if (fs.existsSync(ready)) return db;
  fs.rmSync(db, { recursive: true, force: true });
  ctx.log(`  ingesting ${ctx.rel(data)} into ${path.relative(ctx.root, db)} (once per data stamp)`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(ctx.root, 'bin', 'vcf-agent.js'), 'ingest', '--quiet', ...args, '--db', db, d.path], { cwd: ctx.root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ingest of ${data} failed (${r.status}): ${r.stderr.slice(-500)}`);
  fs.writeFileSync(ready, JSON.stringify({ sha256: d.sha256, seconds: (Date.now() - t0) / 1000 }));
  return db;
}

function storeCase(data: string): CustomCase {
  return {
    kind: 'custom',
    name: `store-query-${data}`,
    title: `store queries on the ingested ${data} (in process): region and -i '${EXPR}' (count + first 1,000 rows), graph: samples sharing >= 5 rare variants, genes with most HIGH-impact variants`,
    issue: 6,
    data: [data],
    async run(ctx): Promise<CustomResult> {
      const db = ensureWorkspace(ctx, data);
      const script = path.join(ctx.root, 'dist', 'bench', 'store.js');
      const r = spawnSync(process.execPath, [script, '--db', db, '--json'], { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 << 20 });
      if (r.status !== 0) throw new Error(`store bench exited with ${r.status}: ${r.stderr.slice(-800)}`);
      const res = JSON.parse(r.stdout) as StoreRun;
      const by = new Map(res.series.map((s) => [s.name, s]));
      const fig = (s: Series): string => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)} ms (${s.ms.length} runs, ${s.rows} rows${s.total !== undefined ? `, count ${s.total}` : ''})`;
      for (const s of res.series) ctx.log(`  ${s.name}: p50/p95/p99 ${fig(s)}`);
      const fails = res.series.filter((s) => s.p50 > (s.name === 'region' || s.name === 'expr' ? STORE_QUERY_P50_MS : STORE_GRAPH_P50_MS)).map((s) => s.name);
      return {
        figures: [
          { label: 'region query p50/p95/p99', value: fig(by.get('region')!) },
          { label: `-i '${EXPR}' p50/p95/p99`, value: fig(by.get('expr')!) },
          { label: 'graph: samples sharing >= 5 rare variants p50/p95/p99', value: fig(by.get('shared')!) },
          { label: 'graph: genes with most HIGH variants p50/p95/p99', value: fig(by.get('high')!) },
          { label: 'peak RSS of the query process (MB)', value: res.peakRssMB.toFixed(0) },
          { label: 'store bytes per 100,000 variant rows', value: Math.round((res.storeBytes / res.variants) * 100_000).toLocaleString('en-US') },
        ],
        pass: fails.length === 0,
        verdict: fails.length ? `p50 over target: ${fails.join(', ')}` : `p50 within ${STORE_QUERY_P50_MS} ms (queries) and ${STORE_GRAPH_P50_MS} ms (graph)`,
        commands: [`vcf-agent ingest --db ${path.relative(ctx.root, db)} ${ctx.rel(data)}`, `node dist/bench/store.js --db ${path.relative(ctx.root, db)}`],
        details: res,
      };
    },
  };
}

export const STORE_CASES: CustomCase[] = [storeCase('trio'), storeCase('trio100k')];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--db');
  if (i < 0) { process.stderr.write('usage: node dist/bench/store.js --db DIR [--json]\n'); process.exit(2); }
  const res = await runAll(process.argv[i + 1]);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(res) + '\n');
  else for (const s of res.series) process.stdout.write(`${s.name}\tp50 ${s.p50.toFixed(1)}\tp95 ${s.p95.toFixed(1)}\tp99 ${s.p99.toFixed(1)} ms\trows ${s.rows}\tcount ${s.total ?? ''}\n`);
  if (!process.argv.includes('--json')) process.stdout.write(`variants ${res.variants}\tstore bytes ${res.storeBytes}\tpeak RSS ${res.peakRssMB.toFixed(0)} MB\n`);
}
