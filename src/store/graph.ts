/**
 * The graph: derived from the LanceDB tables, rebuildable from them alone.
 *
 *   (:Sample {name})-[:CARRIES {gt, zygosity, dp, gq, file_id}]->(:Variant {key, chrom, pos, ref, alt,
 *   vtype, af, gene, impact, clnsig, clnrevstat, clndn, src_file})-[:IN_GENE {consequence, impact, hgvs_c,
 *   hgvs_p}]->(:Gene {name})
 *   IN_GENE edges come from the variants' gene_ann column (whatever the annotation source was).
 *   (:LoadedFile {id}) marks a file whose graph load finished.
 *
 * Only this file talks to the graph engine (`kuzu` today; its fork `lbug` has the same API), so the
 * engine can be swapped here. Loading is bulk COPY FROM of CSV files staged in DIR/tmp. Every query
 * result is closed before the database (an open result at exit crashes the engine), and the buffer
 * pool is sized explicitly (the engine's default takes most of the RAM).
 *
 * A load writes DIR/graph.loading first and removes it after the LoadedFile marker: a graph with
 * that file present (a load was killed) or missing a committed file's marker is rebuilt from scratch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import kuzu from 'kuzu';
import { VcfError } from '../vcf/errors.js';
import type { LanceStore } from './tables.js';
import type { Workspace } from './workspace.js';

/** buffer pool of read-only opens (Kuzu's default would be most of RAM) */
export const DEFAULT_BUFFER_POOL = 256 * 1024 * 1024;
/**
 * first buffer pool of the writer: with one COPY per table, a 1M-record file (1M Variant nodes,
 * ~2.5M CARRIES edges) filled 256 MiB, and a 1 GiB pool took the ingest's RSS to 1.5 GB. The load
 * now COPYs chunks of GRAPH_CHUNK_ROWS rows (one transaction each) and starts with this pool; a
 * chunk that fills it is rolled back by the engine, the database reopened with twice the pool
 * (up to WRITER_BUFFER_POOL_MAX) and the chunk copied again (copyChunk). Measured (shared machine)
 * on the cohort (3.0M CARRIES edges), graph load time / ingest peak RSS: one COPY per table with
 * 1 GiB 6.8 s / 1235 MB; chunks of 1M rows from 512 MiB 13.9 s / 1094 MB; chunks of 200k rows
 * from 256 MiB 30.7 s / 891 MB (the 1M-record trio with the latter: 1138 MB instead of 1.5 GB)
 */
export const WRITER_BUFFER_POOL = 512 * 1024 * 1024;
export const WRITER_BUFFER_POOL_MAX = 4096 * 1024 * 1024;

type Row = Record<string, unknown>;

/** The small adapter over the graph engine. */
export class GraphDb {
  private db: kuzu.Database;
  private conn: kuzu.Connection;
  readonly readOnly: boolean;
  private ready?: Promise<void>;
  private readonly reopen: () => kuzu.Database;
  private readonly file: string;
  private readonly waitMs: number;
  /** the buffer pool size of the current open */
  poolBytes: number;
  private constructor(file: string, reopen: () => kuzu.Database, readOnly: boolean, waitMs: number, poolBytes: number) {
    this.file = file;
    this.reopen = reopen;
    this.poolBytes = poolBytes;
    this.db = reopen();
    this.conn = new kuzu.Connection(this.db);
    this.readOnly = readOnly;
    this.waitMs = waitMs;
  }

  /**
   * The engine allows one read-write process or several read-only ones per graph; the open happens
   * at the first query, retried every 100 ms while another process holds a conflicting lock (or,
   * for a read-only open, while a writer's changes are not yet checkpointed), for up to `waitMs`
   * (default $VCF_AGENT_GRAPH_WAIT_MS or 60 s), then a clear STORE_GRAPH_BUSY error.
   */
  static open(file: string, opts: { readOnly?: boolean; bufferPoolBytes?: number; waitMs?: number } = {}): GraphDb {
    const pool = opts.bufferPoolBytes ?? (Number(process.env.VCF_AGENT_GRAPH_POOL_MB) * 1024 * 1024 || (opts.readOnly ? DEFAULT_BUFFER_POOL : WRITER_BUFFER_POOL));
    const waitMs = opts.waitMs ?? (Number(process.env.VCF_AGENT_GRAPH_WAIT_MS) || 60_000);
    let g: GraphDb | undefined = undefined;
    g = new GraphDb(file, () => new kuzu.Database(file, g?.poolBytes ?? pool, true, !!opts.readOnly), !!opts.readOnly, waitMs, pool);
    return g;
  }

  /**
   * Run one bulk COPY statement (its own transaction); when it fills the buffer pool (rolled back
   * by the engine), reopen with twice the pool, up to WRITER_BUFFER_POOL_MAX, and run it again.
   */
  async copyChunk(cypher: string): Promise<void> {
    for (;;) {
      try {
        await this.query(cypher);
        return;
      } catch (e) {
        if (!/buffer pool is full/i.test(String((e as Error).message)) || this.poolBytes * 2 > WRITER_BUFFER_POOL_MAX) throw e;
        await this.close();
        this.poolBytes *= 2;
        this.db = this.reopen();
        this.conn = new kuzu.Connection(this.db);
        this.ready = undefined;
      }
    }
  }

  private async ensureOpen(): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      try {
        await this.db.init();
        await this.conn.init();
        return;
      } catch (e) {
        const msg = String((e as Error).message);
        // another process holds a conflicting lock; or, opening read-only, a writer that has just
        // released its lock has not yet checkpointed its changes (they need a read-write open)
        const shadow = this.readOnly && /replay shadow pages/i.test(msg);
        if (!/could not set lock/i.test(msg) && !shadow) throw e;
        await this.db.close().catch(() => undefined);
        if (Date.now() >= deadline) {
          if (shadow) throw e;
          throw new VcfError('STORE_GRAPH_BUSY', `the graph ${this.file} is held by another process (${this.readOnly ? 'a writer: an ingest or db rebuild-graph' : 'a reader'}) for more than ${Math.round(this.waitMs / 1000)} s; try again when it has finished`, { file: this.file });
        }
        await new Promise((r) => setTimeout(r, 100));
        this.db = this.reopen();
        this.conn = new kuzu.Connection(this.db);
      }
    }
  }

  /** Run one statement; all rows; the result is closed before returning. */
  async query(cypher: string): Promise<Row[]> {
    await (this.ready ??= this.ensureOpen());
    const res = await this.conn.query(cypher);
    const list = Array.isArray(res) ? res : [res];
    try {
      const out: Row[] = [];
      for (const r of list) out.push(...((await r.getAll()) as Row[]));
      return out;
    } finally {
      for (const r of list) r.close();
    }
  }

  async close(): Promise<void> {
    if (this.ready && !(await this.ready.then(() => true, () => false))) return; // never opened (closed by ensureOpen)
    await this.conn.close();
    await this.db.close();
  }
}

const SCHEMA = [
  'CREATE NODE TABLE IF NOT EXISTS Sample(name STRING, PRIMARY KEY(name))',
  'CREATE NODE TABLE IF NOT EXISTS Variant(key STRING, chrom STRING, pos INT64, ref STRING, alt STRING, vtype STRING, af DOUBLE, gene STRING, impact STRING, clnsig STRING, clnrevstat STRING, clndn STRING, src_file INT64, PRIMARY KEY(key))',
  'CREATE NODE TABLE IF NOT EXISTS Gene(name STRING, PRIMARY KEY(name))',
  'CREATE NODE TABLE IF NOT EXISTS LoadedFile(id INT64, PRIMARY KEY(id))',
  'CREATE REL TABLE IF NOT EXISTS CARRIES(FROM Sample TO Variant, gt STRING, zygosity STRING, dp INT64, gq INT64, file_id INT64)',
  'CREATE REL TABLE IF NOT EXISTS IN_GENE(FROM Variant TO Gene, consequence STRING, impact STRING, hgvs_c STRING, hgvs_p STRING)',
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'bigint' ? v.toString() : String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** a CSV file written with backpressure */
class CsvOut {
  private readonly ws: fs.WriteStream;
  constructor(readonly file: string, header: string[]) {
    this.ws = fs.createWriteStream(file);
    this.ws.write(header.join(',') + '\n');
  }
  async row(values: unknown[]): Promise<void> {
    if (!this.ws.write(values.map(csvField).join(',') + '\n')) await new Promise<void>((r) => this.ws.once('drain', () => r()));
  }
  end(): Promise<void> {
    return new Promise((res, rej) => { this.ws.on('error', rej); this.ws.end(res); });
  }
}

function cypherPath(p: string): string {
  return `'${p.replace(/\\/g, '/').replace(/'/g, "\\'")}'`;
}

function loadingMarker(ws: Workspace): string {
  return path.join(ws.dir, 'graph.loading');
}

/** bumped when SCHEMA changes: a graph of another version is rebuilt */
export const GRAPH_SCHEMA_VERSION = '2';

function versionFile(ws: Workspace): string {
  return path.join(ws.dir, 'graph.version');
}

export interface SyncOptions {
  rebuild?: boolean;
  /** called after the first bulk COPY of each file (crash tests pause here) */
  pause?: (phase: 'graph') => Promise<void>;
  /** staging files already written (by ingest's parse pass) by file id; used and removed by the load */
  staged?: Map<number, StagedGraph>;
}

/**
 * the staging CSV files of one file's graph load; variants, IN_GENE and CARRIES rows are split into
 * chunks of about GRAPH_CHUNK_ROWS rows, each loaded by its own COPY (one transaction each), so the
 * engine's memory for a COPY is bounded by the chunk, not by the file (measured on the 1M-record
 * trio: one COPY per table took the writer's RSS to 1.5 GB)
 */
export interface StagedGraph { fileId: number; samples: string; variants: string[]; genes: string; inGene: string[]; carries: string[] }

/** rows per staged chunk (env VCF_AGENT_GRAPH_CHUNK_ROWS overrides) */
export const GRAPH_CHUNK_ROWS = Number(process.env.VCF_AGENT_GRAPH_CHUNK_ROWS) || 1_000_000;

function stagedPath(ws: Workspace, fileId: number, n: string, chunk?: number): string {
  return path.join(ws.tmpDir, `f${fileId}-${n}${chunk === undefined ? '' : `-${chunk}`}.csv`);
}

/** every file of a staged load */
export function stagedFiles(f: StagedGraph): string[] {
  return [f.samples, f.genes, ...f.variants, ...f.inGene, ...f.carries];
}

const VARIANT_CSV = ['key', 'chrom', 'pos', 'ref', 'alt', 'vtype', 'af', 'gene', 'impact', 'clnsig', 'clnrevstat', 'clndn', 'src_file'];
const IN_GENE_CSV = ['key', 'gene', 'consequence', 'impact', 'hgvs_c', 'hgvs_p'];
const CARRIES_CSV = ['sample', 'key', 'gt', 'zygosity', 'dp', 'gq', 'file_id'];

/**
 * The staging CSV files of one file's graph load written by ingest's parse pass, so the load after
 * the commit does not read the file's rows back from LanceDB. The same rows as loadFile's export:
 * every variant row; gene edges of a key's first row in the file (`first`: the caller's dedupe);
 * carries = genotype rows that are not 'missing'. Lines are buffered per batch (`flush` writes them).
 */
export class GraphStager {
  readonly files: StagedGraph;
  private readonly fds: Record<Chunked | 'genes', number>;
  /** rows written to the current chunk file */
  private readonly rows: Record<Chunked, number> = { variants: 0, inGene: 0, carries: 0 };
  private readonly buf: Record<Chunked | 'genes', string[]> = { variants: [], genes: [], inGene: [], carries: [] };
  private readonly seenGene = new Set<string>();
  constructor(private readonly ws: Workspace, readonly fileId: number, samples: string[]) {
    fs.mkdirSync(ws.tmpDir, { recursive: true });
    this.files = { fileId, samples: stagedPath(ws, fileId, 'samples'), genes: stagedPath(ws, fileId, 'genes'), variants: [], inGene: [], carries: [] };
    fs.writeFileSync(this.files.samples, ['name', ...samples.map(csvField)].join('\n') + '\n');
    this.fds = { genes: openCsv(this.files.genes, ['name']), variants: this.nextChunk('variants'), inGene: this.nextChunk('inGene'), carries: this.nextChunk('carries') };
  }
  private nextChunk(k: Chunked): number {
    const f = stagedPath(this.ws, this.fileId, CHUNK_NAME[k], this.files[k].length);
    this.files[k].push(f);
    this.rows[k] = 0;
    return openCsv(f, CHUNK_HEADER[k]);
  }
  variant(values: unknown[]): void { this.buf.variants.push(csvLine(values)); }
  /** the gene edges of a key (gene_ann JSON) */
  geneEdges(key: string, geneAnn: string | null): void {
    if (!geneAnn) return;
    for (const [gene, consequence, impact, hgvsC, hgvsP] of JSON.parse(geneAnn) as Array<Array<string | null>>) {
      if (!gene) continue;
      if (!this.seenGene.has(gene)) { this.seenGene.add(gene); this.buf.genes.push(csvField(gene)); }
      this.buf.inGene.push(csvLine([key, gene, consequence, impact, hgvsC, hgvsP]));
    }
  }
  carry(values: unknown[]): void { this.buf.carries.push(csvLine(values)); }
  flush(): void {
    for (const k of Object.keys(this.buf) as Array<keyof GraphStager['buf']>) {
      const b = this.buf[k];
      if (!b.length) continue;
      if (k !== 'genes' && this.rows[k] >= GRAPH_CHUNK_ROWS) { fs.closeSync(this.fds[k]); this.fds[k] = this.nextChunk(k); }
      fs.writeSync(this.fds[k], b.join('\n') + '\n');
      if (k !== 'genes') this.rows[k] += b.length;
      b.length = 0;
    }
  }
  /** write what is buffered and close the files (they stay for the load) */
  close(): StagedGraph {
    this.flush();
    for (const fd of Object.values(this.fds)) fs.closeSync(fd);
    return this.files;
  }
  /** close and remove the files (not loaded) */
  discard(): void {
    try { for (const fd of Object.values(this.fds)) fs.closeSync(fd); } catch { /* closed */ }
    removeStaged(this.files);
  }
}

function csvLine(values: unknown[]): string {
  let s = csvField(values[0]);
  for (let i = 1; i < values.length; i++) s += ',' + csvField(values[i]);
  return s;
}

type Chunked = 'variants' | 'inGene' | 'carries';
const CHUNK_NAME: Record<Chunked, string> = { variants: 'variants', inGene: 'in_gene', carries: 'carries' };
const CHUNK_HEADER: Record<Chunked, string[]> = { variants: VARIANT_CSV, inGene: IN_GENE_CSV, carries: CARRIES_CSV };

function openCsv(f: string, header: string[]): number {
  const fd = fs.openSync(f, 'w');
  fs.writeSync(fd, header.join(',') + '\n');
  return fd;
}

function removeStaged(f: StagedGraph): void {
  for (const p of stagedFiles(f)) fs.rmSync(p, { force: true });
}

/** Load one committed file's rows into the graph: from its staged CSV files (ingest), else read from LanceDB. */
async function loadFile(g: GraphDb, store: LanceStore, fileId: number, opts: SyncOptions = {}): Promise<void> {
  const ws = store.ws;
  fs.mkdirSync(ws.tmpDir, { recursive: true });
  fs.writeFileSync(loadingMarker(ws), String(fileId));
  const staged = opts.staged?.get(fileId);
  const files = staged ?? await exportFile(store, fileId);
  const opt = '(HEADER=true, IGNORE_ERRORS=true)'; // duplicate primary keys (known samples, variants, genes) are skipped
  await g.query(`COPY Sample FROM ${cypherPath(files.samples)} ${opt}`);
  for (const [i, f] of files.variants.entries()) {
    await g.copyChunk(`COPY Variant FROM ${cypherPath(f)} ${opt}`);
    if (i === 0) await opts.pause?.('graph');
  }
  await g.copyChunk(`COPY Gene FROM ${cypherPath(files.genes)} ${opt}`);
  // gene edges only for variants this file created (a key known from an earlier file has its edges)
  for (const f of files.inGene) await g.copyChunk(`COPY IN_GENE FROM (LOAD FROM ${cypherPath(f)} (HEADER=true) MATCH (v:Variant {key: key}) WHERE v.src_file = ${fileId} RETURN key, gene, consequence, impact, hgvs_c, hgvs_p)`);
  for (const f of files.carries) await g.copyChunk(`COPY CARRIES FROM ${cypherPath(f)} (HEADER=true)`);
  await g.query(`CREATE (:LoadedFile {id: ${fileId}})`);
  fs.rmSync(loadingMarker(ws), { force: true });
  removeStaged(files);
  opts.staged?.delete(fileId);
}

/** Write one committed file's staging CSV files from its LanceDB rows. */
async function exportFile(store: LanceStore, fileId: number): Promise<StagedGraph> {
  const tmp = (n: string): string => stagedPath(store.ws, fileId, n);
  const files: StagedGraph = { fileId, samples: tmp('samples'), genes: tmp('genes'), variants: [tmp('variants')], inGene: [tmp('in_gene')], carries: [tmp('carries')] };
  const samples = new CsvOut(tmp('samples'), ['name']);
  for (const r of await store.tables.samples.query().where(`file_id = ${fileId}`).select(['sample']).toArray()) await samples.row([r.sample]);
  await samples.end();
  const variants = new CsvOut(tmp('variants'), VARIANT_CSV);
  const genes = new CsvOut(tmp('genes'), ['name']);
  const inGene = new CsvOut(tmp('in_gene'), IN_GENE_CSV);
  const seenKey = new Set<string>();
  const seenGene = new Set<string>();
  const q = store.tables.variants.query().where(`file_id = ${fileId}`).select(['key', 'chrom', 'pos', 'ref', 'alt', 'vtype', 'af', 'gene', 'impact', 'clnsig', 'clnrevstat', 'clndn', 'gene_ann']);
  for await (const batch of q) {
    for (const r of batch.toArray() as Row[]) {
      const key = r.key as string;
      await variants.row([key, r.chrom, r.pos, r.ref, r.alt, r.vtype, r.af, r.gene, r.impact, r.clnsig, r.clnrevstat, r.clndn, fileId]);
      if (seenKey.has(key)) continue; // the same key twice in one file: one set of gene edges
      seenKey.add(key);
      if (!r.gene_ann) continue;
      for (const [gene, consequence, impact, hgvsC, hgvsP] of JSON.parse(r.gene_ann as string) as Array<Array<string | null>>) {
        if (!gene) continue;
        if (!seenGene.has(gene)) { seenGene.add(gene); await genes.row([gene]); }
        await inGene.row([key, gene, consequence, impact, hgvsC, hgvsP]);
      }
    }
  }
  await variants.end(); await genes.end(); await inGene.end();
  const carries = new CsvOut(tmp('carries'), CARRIES_CSV);
  const gq = store.tables.genotypes.query().where(`file_id = ${fileId} AND zygosity != 'missing'`).select(['sample', 'key', 'gt', 'zygosity', 'dp', 'gq']);
  for await (const batch of gq) for (const r of batch.toArray() as Row[]) await carries.row([r.sample, r.key, r.gt, r.zygosity, r.dp, r.gq, fileId]);
  await carries.end();
  return files;
}

function removeGraph(ws: Workspace): void {
  for (const f of fs.existsSync(ws.dir) ? fs.readdirSync(ws.dir) : []) {
    if (f === path.basename(ws.graphPath) || f.startsWith(path.basename(ws.graphPath) + '.')) fs.rmSync(path.join(ws.dir, f), { recursive: true, force: true });
  }
  fs.rmSync(loadingMarker(ws), { force: true });
  fs.rmSync(versionFile(ws), { force: true });
}

/**
 * Bring the graph up to date with the committed files (the caller holds the writer lock):
 * loads the files it lacks; rebuilds it from LanceDB when a load was interrupted, it holds a file
 * that is not committed, or `rebuild` is asked.
 */
export async function syncGraph(store: LanceStore, opts: SyncOptions = {}): Promise<{ loaded: number[]; rebuilt: boolean }> {
  const ws = store.ws;
  const committed = (await store.files()).filter((f) => f.status === 'committed').map((f) => f.file_id);
  const version = fs.existsSync(versionFile(ws)) ? fs.readFileSync(versionFile(ws), 'utf8').trim() : '';
  let rebuild = !!opts.rebuild || fs.existsSync(loadingMarker(ws)) || (fs.existsSync(ws.graphPath) && version !== GRAPH_SCHEMA_VERSION);
  let g: GraphDb | undefined;
  if (!rebuild && fs.existsSync(ws.graphPath)) {
    g = GraphDb.open(ws.graphPath);
    await initSchema(g);
    const loaded = new Set((await g.query('MATCH (f:LoadedFile) RETURN f.id AS id')).map((r) => Number(r.id)));
    if ([...loaded].some((id) => !committed.includes(id))) {
      rebuild = true;
      await g.close();
      g = undefined;
    } else {
      const todo = committed.filter((id) => !loaded.has(id));
      try {
        for (const id of todo) await loadFile(g, store, id, opts);
      } finally {
        await g.close();
      }
      return { loaded: todo, rebuilt: false };
    }
  }
  removeGraph(ws);
  g = GraphDb.open(ws.graphPath);
  try {
    await initSchema(g);
    fs.writeFileSync(versionFile(ws), GRAPH_SCHEMA_VERSION);
    for (const id of committed) await loadFile(g, store, id, opts);
  } finally {
    await g.close();
  }
  return { loaded: committed, rebuilt: true };
}

async function initSchema(g: GraphDb): Promise<void> {
  for (const s of SCHEMA) await g.query(s);
}

export interface GraphCounts { samples: number; variants: number; genes: number; carries: number; inGene: number; files: number }

export async function graphCounts(g: GraphDb): Promise<GraphCounts> {
  const one = async (q: string): Promise<number> => Number((await g.query(q))[0]?.n ?? 0);
  return {
    samples: await one('MATCH (s:Sample) RETURN count(*) AS n'),
    variants: await one('MATCH (v:Variant) RETURN count(*) AS n'),
    genes: await one('MATCH (x:Gene) RETURN count(*) AS n'),
    carries: await one('MATCH ()-[c:CARRIES]->() RETURN count(*) AS n'),
    inGene: await one('MATCH ()-[e:IN_GENE]->() RETURN count(*) AS n'),
    files: await one('MATCH (f:LoadedFile) RETURN count(*) AS n'),
  };
}

/** Open the graph of a workspace for reading; a missing graph is a clear error. */
export function openGraphReadOnly(ws: Workspace): GraphDb {
  if (!fs.existsSync(ws.graphPath)) throw new VcfError('STORE_NO_GRAPH', `no graph in ${ws.dir} (ingest a file, or run \`vcf-agent db rebuild-graph\`)`, { file: ws.dir });
  try {
    return GraphDb.open(ws.graphPath, { readOnly: true });
  } catch (e) {
    throw new VcfError('STORE_GRAPH_BUSY', `cannot open the graph in ${ws.dir} for reading: ${(e as Error).message.split('\n')[0]}`, { file: ws.dir });
  }
}

// ---- read-only Cypher -------------------------------------------------------------------------

/** clause keywords a read query may use */
const READ_WORDS = new Set(['MATCH', 'OPTIONAL', 'WHERE', 'WITH', 'RETURN', 'UNWIND', 'ORDER', 'BY', 'SKIP', 'LIMIT', 'DISTINCT', 'AS', 'AND', 'OR', 'NOT', 'XOR', 'IN', 'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'ASC', 'DESC', 'ASCENDING', 'DESCENDING', 'UNION', 'ALL', 'EXISTS', 'CONTAINS', 'STARTS', 'ENDS', 'TRUE', 'FALSE', 'COUNT', 'SHORTEST', 'ALL_SHORTEST']);
/** every clause keyword of the engine's Cypher that is not a read (anything here is rejected) */
const WRITE_WORDS = new Set(['CREATE', 'MERGE', 'SET', 'DELETE', 'DETACH', 'REMOVE', 'COPY', 'LOAD', 'CALL', 'DROP', 'ALTER', 'INSTALL', 'UNINSTALL', 'ATTACH', 'DETACH', 'USE', 'EXPORT', 'IMPORT', 'BEGIN', 'COMMIT', 'ROLLBACK', 'CHECKPOINT', 'FOREACH', 'TRANSACTION', 'PROFILE', 'EXPLAIN', 'UPDATE', 'INSERT', 'PROJECT', 'GRAPH']);
/** read-only procedures `CALL name(...)` may name */
const READ_PROCEDURES = new Set(['show_tables', 'table_info', 'show_connection', 'db_version', 'current_setting', 'show_functions']);

/**
 * Throws unless `q` is one read-only statement: clauses from an allow-list (MATCH, OPTIONAL MATCH,
 * WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT, UNION) and `CALL` only of read-only procedures.
 * Strings, comments, backquoted names and property names (after '.') are not clause keywords.
 */
export function checkReadOnlyCypher(q: string): void {
  const bad = (msg: string, at: number): never => {
    throw new VcfError('GRAPH_QUERY_NOT_READ_ONLY', msg, { file: 'cypher', line: 1 + (q.slice(0, at).match(/\n/g)?.length ?? 0), column: at - q.lastIndexOf('\n', at - 1) });
  };
  const words: Array<{ w: string; at: number; prevDot: boolean; next: string }> = [];
  let i = 0;
  const n = q.length;
  let sawStatementEnd = -1;
  while (i < n) {
    const c = q[i];
    if (c === "'" || c === '"') {
      const quote = c;
      i++;
      while (i < n && q[i] !== quote) i += q[i] === '\\' ? 2 : 1;
      if (i >= n) bad('unterminated string', i);
      i++;
      continue;
    }
    if (c === '`') { const e = q.indexOf('`', i + 1); if (e < 0) bad('unterminated `name`', i); i = e + 1; continue; }
    if (c === '/' && q[i + 1] === '/') { const e = q.indexOf('\n', i); i = e < 0 ? n : e; continue; }
    if (c === '/' && q[i + 1] === '*') { const e = q.indexOf('*/', i + 2); if (e < 0) bad('unterminated comment', i); i = e + 2; continue; }
    if (c === ';') { sawStatementEnd = i; i++; continue; }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(q[j])) j++;
      let k = i - 1;
      while (k >= 0 && /\s/.test(q[k])) k--;
      let m = j;
      while (m < n && /\s/.test(q[m])) m++;
      if (sawStatementEnd >= 0) bad('only one statement is allowed', sawStatementEnd);
      words.push({ w: q.slice(i, j), at: i, prevDot: q[k] === '.' || q[k] === ':' || q[k] === '$', next: q[m] ?? '' });
      i = j;
      continue;
    }
    i++;
  }
  const first = words.find((x) => !x.prevDot);
  if (!first || !['MATCH', 'OPTIONAL', 'WITH', 'UNWIND', 'RETURN', 'CALL'].includes(first.w.toUpperCase())) {
    bad('a graph query must start with MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN or CALL of a read-only procedure', first?.at ?? 0);
  }
  for (let k = 0; k < words.length; k++) {
    const { w, at, prevDot } = words[k];
    if (prevDot) continue; // property name, label, parameter
    const u = w.toUpperCase();
    if (u === 'CALL') {
      const proc = words[k + 1];
      if (!proc || !READ_PROCEDURES.has(proc.w.toLowerCase())) bad(`CALL ${proc?.w ?? ''} is not allowed: only read-only procedures (${[...READ_PROCEDURES].join(', ')})`, at);
      k++;
      continue;
    }
    if (WRITE_WORDS.has(u)) bad(`${u} is not allowed: graph queries are read-only (MATCH ... RETURN)`, at);
    void READ_WORDS;
  }
}
