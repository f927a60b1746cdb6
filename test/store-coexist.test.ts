/**
 * `serve` and CLI commands on one workspace (issue 6): the graph engine allows one read-write
 * process or several read-only ones, so every open waits (bounded) for a conflicting holder; the
 * writer lock lets one ingest in at a time (a second waits, then fails with a message naming the
 * holder). A real `serve` process runs while the CLI reads and ingests, and the server ingests
 * while the CLI reads.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import { runCli, startServe } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { GraphDb } from '../src/store/graph.js';
import { dbInfo, openForRead } from '../src/store/query.js';
import { resolveWorkspace } from '../src/store/workspace.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-coexist-'));
const DB = path.join(tmpRoot, 'ws');
const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');
const CSQ = path.join(ROOT, 'test', 'fixtures', 'store', 'csq.vcf');
const GVCF = path.join(ROOT, 'test', 'fixtures', 'store', 'gvcf.vcf');
let server: ChildProcess | undefined;
let base = '';

before(async () => {
  await ingestFiles([TRIO], { db: DB });
  const srv = await startServe(['--db', DB, '--data-dir', ROOT, '--log-level', 'error']);
  server = srv.child;
  base = srv.url;
});
after(() => {
  server?.kill('SIGTERM');
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

async function api(p: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(base + p, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = (await r.json()) as Record<string, unknown>;
  assert.ok(r.ok, `${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}
const serverSamples = async (): Promise<number> => Number(((await api('/api/v1/graph', { cypher: 'MATCH (s:Sample) RETURN count(s) AS n' })).rows as Array<{ n: number }>)[0].n);
const cliSamples = async (env?: NodeJS.ProcessEnv): Promise<{ code: number | null; n: number; stderr: string }> => {
  const r = await runCli(['graph', 'MATCH (s:Sample) RETURN count(s) AS n', '--db', DB], { env });
  return { code: r.code, n: Number(r.stdout.trim().split('\n')[1]), stderr: r.stderr };
};

async function waitJob(id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const j = await api(`/api/v1/jobs/${id}`);
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('CLI reads and ingests while serve runs on the same workspace', async () => {
  assert.equal(await serverSamples(), 3);
  const g = await cliSamples();
  assert.equal(g.code, 0, g.stderr);
  assert.equal(g.n, 3);
  const v = await runCli(['variants', '--db', DB, '--limit', '5']);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout.trim().split('\n').length, 6);
  const ing = await runCli(['ingest', CSQ, '--db', DB]);
  assert.equal(ing.code, 0, ing.stderr);
  // the server sees the new file's samples on its next request (it opens the graph per request)
  const csqSamples = fs.readFileSync(CSQ, 'utf8').split('\n').find((l) => l.startsWith('#CHROM'))!.split('\t').slice(9);
  const want = new Set(['child', 'mother', 'father', ...csqSamples]).size;
  assert.equal(await serverSamples(), want);
  assert.equal((await cliSamples()).n, want);
});

test('server ingests while the CLI reads; a second ingest waits or fails with a clear message', async () => {
  const job = await api('/api/v1/ingest', { files: [COHORT] });
  // reads during the server's ingest: variants (LanceDB) and the graph (waits while the ingest writes it)
  const [v, g, second] = await Promise.all([
    runCli(['variants', '--db', DB, '--limit', '3']),
    cliSamples(),
    runCli(['ingest', GVCF, '--db', DB]),
  ]);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(g.code, 0, g.stderr);
  assert.ok(g.n >= 3);
  if (second.code !== 0) {
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /^vcf-agent: .*is being written by process \d+ \(ingest .*\); try again when it has finished \[STORE_LOCKED\]\n$/);
  }
  const done = await waitJob(job.id as string);
  assert.equal(done.status, 'done', JSON.stringify(done.error));
  if (second.code !== 0) assert.equal((await runCli(['ingest', GVCF, '--db', DB])).code, 0);
  // nothing lost or doubled: every file committed once, the graph holds every sample
  const store = await openForRead(DB);
  const info = await dbInfo(store, resolveWorkspace(DB)).finally(() => store.close());
  const paths = info.files.map((f) => path.resolve(f.path)).sort();
  assert.deepEqual(paths, [TRIO, COHORT, CSQ, GVCF].map((p) => path.resolve(p)).sort());
  assert.ok(info.files.every((f) => f.status === 'committed'));
  assert.equal(await serverSamples(), info.distinctSamples);
  assert.equal(typeof info.graph === 'object' && info.graph !== null && 'files' in info.graph ? info.graph.files : -1, 4);
});

test('a graph read waits for a process holding the graph read-write, or fails clearly after the wait', async () => {
  const ws = resolveWorkspace(DB);
  const writer = GraphDb.open(ws.graphPath);
  await writer.query('MATCH (s:Sample) RETURN count(s) AS n');
  let closed = false;
  try {
    const busy = await cliSamples({ VCF_AGENT_GRAPH_WAIT_MS: '300' });
    assert.equal(busy.code, 2);
    assert.match(busy.stderr, /held by another process \(a writer: an ingest or db rebuild-graph\).*\[STORE_GRAPH_BUSY\]\n$/);
    const waiting = cliSamples();
    // the CLI is now polling for the lock; release it once the CLI process has started
    await new Promise((r) => setTimeout(r, 1500));
    await writer.close();
    closed = true;
    const ok = await waiting;
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(ok.n > 0);
  } finally {
    if (!closed) await writer.close();
  }
});
