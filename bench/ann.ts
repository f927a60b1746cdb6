/**
 * ANN index of the `vectors` table (issue 7): recall@10 against exact brute force over the ~1M
 * vectors of the bench trio, query latency with a prefilter, build time and RSS of the index.
 *
 * Vectors: to keep this independent of ingest speed, the trio's records are parsed here and each
 * split ALT allele gets the same two vectors ingest's embed phase computes (src/embed/vectors.ts):
 * featureVectorInto (FEATURE_DIM) and carrierSketch (CARRIER_SKETCH_DIM) of the same descriptor —
 * the most severe ANN annotation of the allele (src/store/annotations.ts does the same), AF = ALT
 * copies / called alleles of the record's genotypes, carriers = samples whose GT holds the allele
 * (as sampleId(name)). They are written once to a LanceDB table in bench/tmp/ann (reused while the
 * data file and FEATURE_VERSION are unchanged) with the columns the store's prefilters use (chrom,
 * pos, end, af, n_carriers, file_id).
 *
 * Measurement (per index variant): build time and peak RSS (RSS polled every 50 ms during
 * createIndex, minus nothing: the whole process); then for Q seeded query rows (their own fvec, as
 * `similar` does) under two prefilters — none, and the query's chromosome plus the store's
 * visibility clause (`file_id IN (1) AND chrom = 'chrN'`, what `similar --region chrN` sends) —
 * exact top-10 by brute force (`bypassVectorIndex`) vs ANN top-10: recall counted by distance
 * (recallAtK: a hit counts when its distance <= the 10th exact distance + 1e-5, so ties are not
 * misses); latency p50/p95 of the ANN query in process; the query plan (explainPlan) must show the
 * ANN index. The carrier sketch column is measured by brute force only (see BENCHMARKS.md).
 *
 * Standalone:
 *   node dist/bench/ann.js [--queries 200] [--variants default|all|NAME,NAME] [--rows N] [--json] [--reuse-index]
 * (--rows N: the first N rows only, as their own table; a quick check, not the acceptance figure;
 *  --reuse-index: query the default index the previous run built instead of rebuilding it)
 * Registered: `annCase` runs `--variants default` (ensureVectorIndex's defaults) in a child process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Table, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { annForAllele, mostSevere, parseAnn } from '../src/annotate/ann.js';
import { CARRIER_SKETCH_DIM, FEATURE_DIM, FEATURE_VERSION, carrierSketch, featureVectorInto, sampleId } from '../src/embed/features.js';
import { ensureVectorIndex, recallAtK, searchPlan, planUsesIndex, vectorSearch, vectorType, type SearchOptions, type VectorIndexKind } from '../src/embed/search.js';
import { VcfReader } from '../src/vcf/reader.js';
import { VECTOR_SCALAR_INDEXES, vectorScalarIndexes } from '../src/embed/vectors.js';
import { Rng } from './genome.js';
import type { CustomCase } from './cases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = path.join(ROOT, 'bench', 'data', 'trio.vcf.gz');
const DIR = path.join(ROOT, 'bench', 'tmp', 'ann');
const TABLE = 'vectors';
const QUERY_SEED = 20261206;
const REUSE_INDEX = process.argv.includes('--reuse-index');

const SCHEMA = new Schema([
  new Field('rid', new Int32(), false),
  new Field('key', new Utf8(), false),
  new Field('chrom', new Utf8(), false),
  new Field('pos', new Int32(), false),
  new Field('end', new Int32(), false),
  new Field('af', new Float64(), true),
  new Field('n_carriers', new Int32(), false),
  new Field('file_id', new Int32(), false),
  new Field('fvec', vectorType(FEATURE_DIM), false),
  new Field('cvec', vectorType(CARRIER_SKETCH_DIM), false),
]);

function vecColumn(data: Float32Array, dim: number, n: number): Vector {
  const type = new FixedSizeList(dim, new Field('item', new Float32(), true));
  const child = makeData({ type: new Float32(), length: n * dim, data });
  return makeVector(makeData({ type, length: n, nullCount: 0, child })) as unknown as Vector;
}

interface Batch { rid: number[]; key: string[]; chrom: string[]; pos: number[]; end: number[]; af: Array<number | null>; nc: number[]; fvec: Float32Array; cvec: Float32Array; n: number }
const BATCH = 50_000;
const newBatch = (): Batch => ({ rid: [], key: [], chrom: [], pos: [], end: [], af: [], nc: [], fvec: new Float32Array((BATCH + 64) * FEATURE_DIM), cvec: new Float32Array((BATCH + 64) * CARRIER_SKETCH_DIM), n: 0 });

function toArrow(b: Batch): Table {
  const n = b.n;
  return new Table({
    rid: vectorFromArray(b.rid, new Int32()),
    key: vectorFromArray(b.key, new Utf8()),
    chrom: vectorFromArray(b.chrom, new Utf8()),
    pos: vectorFromArray(b.pos, new Int32()),
    end: vectorFromArray(b.end, new Int32()),
    af: vectorFromArray(b.af, new Float64()),
    n_carriers: vectorFromArray(b.nc, new Int32()),
    file_id: vectorFromArray(new Array<number>(n).fill(1), new Int32()),
    fvec: vecColumn(b.fvec.subarray(0, n * FEATURE_DIM), FEATURE_DIM, n),
    cvec: vecColumn(b.cvec.subarray(0, n * CARRIER_SKETCH_DIM), CARRIER_SKETCH_DIM, n),
  } as unknown as Record<string, Vector>);
}

/** the vectors table of the trio, computed once (stamp: data size + mtime + FEATURE_VERSION) */
async function ensureTable(log: (m: string) => void): Promise<{ table: lancedb.Table; rows: number; computeS?: number }> {
  const st = fs.statSync(DATA);
  const stamp = JSON.stringify({ size: st.size, mtime: st.mtimeMs, featureVersion: FEATURE_VERSION, layout: 1 });
  const stampFile = path.join(DIR, 'stamp.json');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    const db = await lancedb.connect(DIR);
    const table = await db.openTable(TABLE);
    return { table, rows: await table.countRows() };
  }
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const t0 = performance.now();
  const db = await lancedb.connect(DIR);
  const table = await db.createEmptyTable(TABLE, SCHEMA);
  const r = await VcfReader.open(DATA);
  const sids = r.header.samples.map((s) => sampleId(s));
  let b = newBatch();
  let rid = 0;
  const carriers: number[] = [];
  for await (const batch of r.batches()) {
    for (const rec of batch) {
      const alts = rec.alt;
      const annRaw = rec.info.get('ANN');
      const ann = typeof annRaw === 'string' ? parseAnn(annRaw) : undefined;
      const gts = sids.map((_, i) => (rec.gtRaw(i) ?? '').split(/[/|]/));
      alts.forEach((alt, k) => {
        const a = String(k + 1);
        carriers.length = 0;
        let ac = 0, an = 0;
        gts.forEach((al, i) => {
          let has = false;
          for (const x of al) {
            if (x === '.' || x === '') continue;
            an++;
            if (x === a) { ac++; has = true; }
          }
          if (has) carriers.push(sids[i]);
        });
        carriers.sort((x, y) => x - y);
        const top = ann ? mostSevere(annForAllele(ann, alt, alts.length)) : undefined;
        const gene = top?.gene || null;
        const af = an > 0 ? ac / an : null;
        const end = rec.pos + Math.max(0, rec.ref.length - 1);
        featureVectorInto({ chrom: rec.chrom, pos: rec.pos, ref: rec.ref, alt, consequence: top?.consequence || null, impact: top?.impact || null, gene, genes: gene ? [gene] : [], af, carriers, end }, b.fvec, b.n * FEATURE_DIM);
        b.cvec.set(carrierSketch(carriers), b.n * CARRIER_SKETCH_DIM);
        b.rid.push(rid++); b.key.push(`${rec.chrom}:${rec.pos}:${rec.ref}:${alt}`); b.chrom.push(rec.chrom); b.pos.push(rec.pos); b.end.push(end);
        b.af.push(af); b.nc.push(carriers.length);
        b.n++;
      });
      if (b.n >= BATCH) {
        await table.add(toArrow(b));
        b = newBatch();
        if (rid % 200_000 < BATCH) log(`  vectors: ${rid} rows`);
      }
    }
  }
  if (b.n) await table.add(toArrow(b));
  await table.optimize();
  const computeS = (performance.now() - t0) / 1000;
  fs.writeFileSync(stampFile, stamp);
  return { table, rows: await table.countRows(), computeS };
}

/** an index configuration plus the query-time parameters tried with it */
export interface Variant {
  name: string;
  /** the vector column (default fvec); cvec queries add `n_carriers > 0` as similar does */
  column?: 'fvec' | 'cvec';
  kind: VectorIndexKind | 'ivf_flat';
  numPartitions?: number;
  numSubVectors?: number;
  m?: number;
  efConstruction?: number;
  /** query settings tried (nprobes, refineFactor, ef) */
  queries: Array<Pick<SearchOptions, 'nprobes' | 'refineFactor' | 'ef'>>;
}

/** `default` is whatever ensureVectorIndex / vectorSearch pick without options */
const VARIANTS: Variant[] = [
  { name: 'default', kind: 'ivf_hnsw_sq', queries: [{}, { nprobes: 40, ef: 128 }] },
  { name: 'ivf_flat-1000', kind: 'ivf_flat', numPartitions: 1000, queries: [{ nprobes: 10 }, { nprobes: 20 }, { nprobes: 40 }] },
  { name: 'ivf_pq-1000-sv26', kind: 'ivf_pq', numPartitions: 1000, numSubVectors: 26, queries: [{ nprobes: 20, refineFactor: 4 }, { nprobes: 20, refineFactor: 10 }, { nprobes: 40, refineFactor: 10 }] },
  { name: 'ivf_pq-1000-sv52', kind: 'ivf_pq', numPartitions: 1000, numSubVectors: 52, queries: [{ nprobes: 20, refineFactor: 4 }, { nprobes: 40, refineFactor: 4 }] },
  { name: 'ivf_hnsw_sq-250', kind: 'ivf_hnsw_sq', numPartitions: 250, queries: [{ nprobes: 20, ef: 64 }, { nprobes: 20, ef: 128 }, { nprobes: 40, ef: 128 }] },
  { name: 'ivf_hnsw_sq-64', kind: 'ivf_hnsw_sq', numPartitions: 64, queries: [{ nprobes: 8, ef: 64 }, { nprobes: 8, ef: 128 }] },
  { name: 'cvec-default', column: 'cvec', kind: 'ivf_hnsw_sq', queries: [{}] },
  { name: 'cvec-ivf_flat-256', column: 'cvec', kind: 'ivf_flat', numPartitions: 256, queries: [{ nprobes: 20 }] },
  { name: 'ivf_hnsw_sq-250-m10-ef100', kind: 'ivf_hnsw_sq', numPartitions: 250, m: 10, efConstruction: 100, queries: [{ nprobes: 20, ef: 64 }, { nprobes: 20, ef: 128 }] },
];

async function buildIndex(table: lancedb.Table, v: Variant): Promise<void> {
  const column = v.column ?? 'fvec';
  if (v.name === 'default' || v.name === 'cvec-default') {
    const r = await ensureVectorIndex(table, { column, replace: true });
    if (!r.built) throw new Error(`default index not built: ${r.reason}`);
    return;
  }
  let config: lancedb.Index;
  if (v.kind === 'ivf_flat') config = lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: v.numPartitions });
  else if (v.kind === 'ivf_pq') config = lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions: v.numPartitions, numSubVectors: v.numSubVectors });
  else config = lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: v.numPartitions, ...(v.m ? { m: v.m } : {}), ...(v.efConstruction ? { efConstruction: v.efConstruction } : {}) });
  await table.createIndex(column, { config, replace: true });
}

interface Query { rid: number; chrom: string; fvec: Float32Array; cvec: Float32Array }
const FILTERS = { none: (_q: Query) => undefined, chrom: (q: Query) => `file_id IN (1) AND chrom = '${q.chrom}'` } as const;
type FilterName = keyof typeof FILTERS;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const toF32 = (v: unknown): Float32Array => {
  const a = v as { toArray?: () => ArrayLike<number> } & Iterable<number>;
  return Float32Array.from(typeof a.toArray === 'function' ? a.toArray() : [...a]);
};

export interface SettingResult {
  settings: Pick<SearchOptions, 'nprobes' | 'refineFactor' | 'ef'>;
  recall: Record<FilterName, number>;
  minRecall: Record<FilterName, number>;
  p50: Record<FilterName, number>;
  p95: Record<FilterName, number>;
}
export interface VariantResult { name: string; kind: string; buildS: number; peakRssMB: number; planUsesIndex: boolean; plan: string; settings: SettingResult[] }
export interface AnnRun {
  rows: number; queries: number; computeS?: number;
  exact: { fvec: Record<FilterName, { p50: number; p95: number }>; cvec: Record<FilterName, { p50: number; p95: number }> };
  variants: VariantResult[];
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

/** exact top-10 cosine distances of every query, with no prefilter and with its chrom prefilter */
async function flatScan(table: lancedb.Table, queries: Query[]): Promise<Record<FilterName, number[][]>> {
  const D = FEATURE_DIM, nq = queries.length;
  const Q = new Float64Array(nq * D);
  const qn = new Float64Array(nq);
  queries.forEach((q, i) => {
    let n = 0;
    for (let t = 0; t < D; t++) { Q[i * D + t] = q.fvec[t]; n += q.fvec[t] * q.fvec[t]; }
    qn[i] = Math.sqrt(n);
  });
  const best: Record<FilterName, Float64Array[]> = { none: queries.map(() => new Float64Array(10).fill(Infinity)), chrom: queries.map(() => new Float64Array(10).fill(Infinity)) };
  const push = (a: Float64Array, d: number) => {
    if (d >= a[9]) return;
    let j = 9;
    while (j > 0 && a[j - 1] > d) { a[j] = a[j - 1]; j--; }
    a[j] = d;
  };
  for await (const b of table.query().select(['chrom', 'fvec'])) {
    const col = b.getChild('fvec')!;
    const chromCol = b.getChild('chrom')!;
    const d0 = col.data[0];
    const child = d0.children[0];
    const vals = (child.values as Float32Array).subarray(child.offset + d0.offset * D);
    for (let r = 0; r < b.numRows; r++) {
      const chrom = chromCol.get(r) as string;
      const o = r * D;
      let vn = 0;
      for (let t = 0; t < D; t++) vn += vals[o + t] * vals[o + t];
      vn = Math.sqrt(vn);
      for (let i = 0; i < nq; i++) {
        let dot = 0;
        const qo = i * D;
        for (let t = 0; t < D; t++) dot += Q[qo + t] * vals[o + t];
        const dist = 1 - dot / (qn[i] * vn);
        push(best.none[i], dist);
        if (chrom === queries[i].chrom) push(best.chrom[i], dist);
      }
    }
  }
  return { none: best.none.map((a) => [...a]), chrom: best.chrom.map((a) => [...a]) };
}

/** the first `n` rows of the full table as their own table (for quick checks on a loaded machine) */
async function subTable(full: lancedb.Table, n: number, log: (m: string) => void): Promise<lancedb.Table> {
  const db = await lancedb.connect(DIR);
  const name = `${TABLE}_${n}`;
  if ((await db.tableNames()).includes(name)) {
    const t = await db.openTable(name);
    if ((await t.countRows()) === n) return t;
    await db.dropTable(name);
  }
  const t = await db.createEmptyTable(name, SCHEMA);
  for (let lo = 0; lo < n; lo += 100_000) await t.add(await full.query().where(`rid >= ${lo} AND rid < ${Math.min(n, lo + 100_000)}`).toArrow());
  await t.optimize();
  log(`table ${name}: the first ${n} rows of ${TABLE}`);
  return t;
}

export async function runAnn(nq: number, names: string[], log: (m: string) => void, limitRows?: number): Promise<AnnRun> {
  const base = await ensureTable(log);
  const sub = limitRows !== undefined && limitRows < base.rows;
  const table = sub ? await subTable(base.table, limitRows, log) : base.table;
  const rows = sub ? await table.countRows() : base.rows;
  const computeS = base.computeS;
  log(`table: ${rows} rows${computeS !== undefined ? ` (vectors computed and written in ${computeS.toFixed(1)} s)` : ' (reused)'}`);
  // the store's scalar indexes of the vectors table (src/embed/vectors.ts), so the prefilter is what `similar` runs
  const [, scalarMs] = await timed(() => vectorScalarIndexes(table));
  log(`scalar indexes (${VECTOR_SCALAR_INDEXES.map(([c, k]) => `${c} ${k}`).join(', ')}) built in ${(scalarMs / 1000).toFixed(1)} s`);
  // seeded queries: distinct row ids
  const rng = new Rng(QUERY_SEED);
  const rids = new Set<number>();
  while (rids.size < Math.min(nq, rows)) rids.add(rng.int(rows));
  const qrows = (await table.query().where(`rid IN (${[...rids].join(',')})`).select(['rid', 'chrom', 'fvec', 'cvec']).toArray()) as Array<Record<string, unknown>>;
  const queries: Query[] = qrows.map((r) => ({ rid: r.rid as number, chrom: r.chrom as string, fvec: toF32(r.fvec), cvec: toF32(r.cvec) })).sort((a, b) => a.rid - b.rid);
  const filters = Object.keys(FILTERS) as FilterName[];
  // ground truth: our own flat scan in JS over every row's fvec, all queries in one pass (cosine
  // distance in float64, top 10 per query and prefilter); cached in bench/tmp/ann next to the table
  const truthFile = path.join(DIR, `truth-${rows}-${QUERY_SEED}-${queries.length}.json`);
  let truth: Record<FilterName, number[][]> = { none: [], chrom: [] };
  let exact = { fvec: {} as AnnRun['exact']['fvec'], cvec: {} as AnnRun['exact']['cvec'] };
  const cached = fs.existsSync(truthFile) && computeS === undefined ? (JSON.parse(fs.readFileSync(truthFile, 'utf8')) as { truth: typeof truth; exact: typeof exact }) : undefined;
  if (cached) ({ truth, exact } = cached);
  else {
    const t0 = performance.now();
    truth = await flatScan(table, queries);
    log(`exact top-10 by a flat scan in JS over ${rows} rows for ${queries.length} queries: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // LanceDB's own brute force (bypassVectorIndex), latency only, on the first 20 queries
    for (const f of filters) {
      const ms: number[] = [], cms: number[] = [];
      for (const q of queries.slice(0, 20)) {
        const [res, t] = await timed(() => vectorSearch(table, q.fvec, { column: 'fvec', k: 10, where: FILTERS[f](q), select: ['key'], exact: true }));
        const i = queries.indexOf(q);
        if (Math.abs(res[9]._distance - truth[f][i][9]) > 1e-4) throw new Error(`LanceDB exact 10th distance ${res[9]._distance} != flat scan ${truth[f][i][9]} (query rid ${q.rid}, prefilter ${f})`);
        ms.push(t);
        if (!q.cvec.some((y) => y !== 0)) continue;
        const w = [FILTERS[f](q), 'n_carriers > 0'].filter(Boolean).join(' AND ');
        cms.push((await timed(() => vectorSearch(table, q.cvec, { column: 'cvec', k: 10, where: w, select: ['key'], exact: true })))[1]);
      }
      exact.fvec[f] = { p50: pct(ms, 50), p95: pct(ms, 95) };
      exact.cvec[f] = { p50: pct(cms, 50), p95: pct(cms, 95) };
      log(`LanceDB exact (bypassVectorIndex), prefilter ${f}: fvec p50 ${exact.fvec[f].p50.toFixed(1)} ms, p95 ${exact.fvec[f].p95.toFixed(1)} ms; cvec (AND n_carriers > 0) p50 ${exact.cvec[f].p50.toFixed(1)} ms, p95 ${exact.cvec[f].p95.toFixed(1)} ms`);
    }
  }
  if (!cached) fs.writeFileSync(truthFile, JSON.stringify({ truth, exact }));
  else log(`exact top-10 reused from ${path.relative(ROOT, truthFile)} (exact fvec p50 ${exact.fvec.none.p50.toFixed(1)} ms no filter, ${exact.fvec.chrom.p50.toFixed(1)} ms chrom prefilter)`);
  const out: VariantResult[] = [];
  const chosen = names.includes('all') ? VARIANTS : VARIANTS.filter((v) => names.includes(v.name));
  let cvecTruth: { qs: Query[]; truth: Record<FilterName, number[][]> } | undefined;
  const cw = (q: Query, f: FilterName) => [FILTERS[f](q), 'n_carriers > 0'].filter(Boolean).join(' AND ');
  for (const v of chosen) {
    const column = v.column ?? 'fvec';
    let qs = queries, tr = truth;
    if (column === 'cvec') {
      if (!cvecTruth) {
        const cq = queries.filter((q) => q.cvec.some((y) => y !== 0));
        const ct: Record<FilterName, number[][]> = { none: [], chrom: [] };
        for (const f of filters) for (const q of cq) ct[f].push((await vectorSearch(table, q.cvec, { column, k: 10, where: cw(q, f), select: ['key'], exact: true })).map((r) => r._distance));
        cvecTruth = { qs: cq, truth: ct };
      }
      ({ qs, truth: tr } = cvecTruth);
    }
    const qv = (q: Query) => (column === 'cvec' ? q.cvec : q.fvec);
    const where = (q: Query, f: FilterName) => (column === 'cvec' ? cw(q, f) : FILTERS[f](q));
    let peak = process.memoryUsage().rss;
    const poll = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
    // --reuse-index: measure the queries on the index the last run left (no rebuild)
    const reuse = REUSE_INDEX && v.name === 'default' && (await table.listIndices()).some((i) => i.columns.includes(column));
    const [, buildMs] = reuse ? [undefined, 0] : await timed(() => buildIndex(table, v));
    if (reuse) log(`${v.name}: reusing the existing index (build time not measured)`);
    clearInterval(poll);
    peak = Math.max(peak, process.memoryUsage().rss);
    const idx = (await table.listIndices()).filter((i) => i.columns.includes(column)).map((i) => i.indexType).join(',');
    log(`${v.name} (${idx}): built in ${(buildMs / 1000).toFixed(1)} s, peak RSS ${(peak / 1048576).toFixed(0)} MB`);
    const plan = await searchPlan(table, qv(qs[0]), { column, k: 10, where: where(qs[0], 'chrom'), ...v.queries[0] });
    const settings: SettingResult[] = [];
    for (const s of v.queries) {
      const r: SettingResult = { settings: s, recall: { none: 0, chrom: 0 }, minRecall: { none: 1, chrom: 1 }, p50: { none: 0, chrom: 0 }, p95: { none: 0, chrom: 0 } };
      for (const f of filters) {
        const ms: number[] = [];
        let sum = 0;
        for (let i = 0; i < qs.length; i++) {
          const q = qs[i];
          const [res, t] = await timed(() => vectorSearch(table, qv(q), { column, k: 10, where: where(q, f), select: ['key'], ...s }));
          ms.push(t);
          const rc = recallAtK(res.map((x) => x._distance), tr[f][i], 10);
          sum += rc;
          r.minRecall[f] = Math.min(r.minRecall[f], rc);
        }
        r.recall[f] = sum / qs.length;
        r.p50[f] = pct(ms, 50);
        r.p95[f] = pct(ms, 95);
      }
      log(`  ${JSON.stringify(s)}: recall@10 none ${r.recall.none.toFixed(3)} chrom ${r.recall.chrom.toFixed(3)}; p50/p95 none ${r.p50.none.toFixed(1)}/${r.p95.none.toFixed(1)} ms, chrom ${r.p50.chrom.toFixed(1)}/${r.p95.chrom.toFixed(1)} ms`);
      settings.push(r);
    }
    out.push({ name: v.name, kind: idx, buildS: buildMs / 1000, peakRssMB: peak / 1048576, planUsesIndex: planUsesIndex(plan), plan, settings });
  }
  table.close();
  return { rows, queries: queries.length, computeS, exact, variants: out };
}

/** custom bench case (registered in bench/cases.ts): the default index, in a child process */
export const annCase: CustomCase = {
  kind: 'custom',
  name: 'ann-trio',
  title: 'ANN index on the ~1M feature vectors of trio: recall@10 vs exact brute force (by distance), p50/p95 query latency with a chrom prefilter in process, build time and RSS',
  issue: 7,
  data: ['trio'],
  async run(ctx) {
    const script = path.join(ctx.root, 'dist', 'bench', 'ann.js');
    const nq = ctx.quick ? 50 : 200;
    const args = [script, '--queries', String(nq), '--variants', 'default', '--json'];
    const r = spawnSync(process.execPath, args, { cwd: ctx.root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`ann exited with ${r.status}`);
    const res = JSON.parse(r.stdout) as AnnRun;
    const v = res.variants[0];
    const s = v.settings[0];
    const pass = v.planUsesIndex && s.recall.none >= 0.95 && s.recall.chrom >= 0.95 && s.p50.chrom <= 20;
    return {
      figures: [
        { label: 'vectors', value: res.rows.toLocaleString('en-US') },
        { label: 'index', value: v.kind },
        { label: 'build (s)', value: v.buildS.toFixed(1) },
        { label: 'peak RSS in build (MB)', value: v.peakRssMB.toFixed(0) },
        { label: 'recall@10, no filter', value: s.recall.none.toFixed(3) },
        { label: 'recall@10, chrom prefilter', value: s.recall.chrom.toFixed(3) },
        { label: 'p50 / p95 with prefilter (ms)', value: `${s.p50.chrom.toFixed(1)} / ${s.p95.chrom.toFixed(1)}` },
        { label: 'p50 / p95 no filter (ms)', value: `${s.p50.none.toFixed(1)} / ${s.p95.none.toFixed(1)}` },
        { label: 'exact p50 with prefilter (ms)', value: res.exact.fvec.chrom.p50.toFixed(1) },
      ],
      pass,
      verdict: `${res.queries} seeded queries; recall@10 ${s.recall.none.toFixed(3)} (no filter) / ${s.recall.chrom.toFixed(3)} (chrom prefilter), limit 0.95; p50 ${s.p50.chrom.toFixed(1)} ms with prefilter, limit 20 ms; plan ${v.planUsesIndex ? 'uses' : 'DOES NOT use'} the ANN index`,
      commands: [`node dist/bench/ann.js --queries ${nq} --variants default --json`],
      threads: { ours: 2, bcftools: 0, note: 'ours only, in process; LanceDB uses its own thread pool (2 cores)' },
      details: res,
    };
  },
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (flag: string, d: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : d;
  };
  const json = argv.includes('--json');
  const log = (m: string) => process.stderr.write(m + '\n');
  const lim = opt('--rows', '');
  const res = await runAnn(Number(opt('--queries', '200')), opt('--variants', 'default').split(','), log, lim ? Number(lim) : undefined);
  if (json) process.stdout.write(JSON.stringify(res) + '\n');
  else for (const v of res.variants) process.stdout.write(`${v.name}: plan uses index: ${v.planUsesIndex}\n${v.plan}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
