/**
 * Export round trip (issue 6): a corpus file ingested, then exported as VCF, JSON lines and Parquet,
 * gives back every record, INFO and FORMAT value: `bcftools query` of each export (JSON lines and
 * Parquet: VCF records rebuilt from the exported rows under the file's header) equals `bcftools
 * query` of `bcftools norm -m -any` of the original, projected on every header INFO tag and every
 * FORMAT tag per sample (sorted: norm may reorder records of one position).
 *
 * Files: every corpus VCF bcftools 1.16 accepts (MANIFEST bcftools_1_16_view = ok) with
 * VCF_AGENT_FULL_CORPUS=1; by default every 4th file of categories b..g and every 40th of a (the
 * spec conformance files, many near-duplicates) to keep the run short. Files the reader rejects
 * with an input error (stricter than bcftools on some malformed headers) are listed, not compared.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { SKIP_BCFTOOLS, SKIP_SHARED, SHARED_DATA, readTsv } from './helpers/shared.js';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead } from '../src/store/query.js';
import { exportStore } from '../src/store/export.js';
import { parseStoredHeader } from '../src/store/records.js';
import { VcfError } from '../src/vcf/errors.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-export-rt-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function sh(cmd: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString() });
    });
  });
}
const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** the projection: fixed fields, every INFO tag, every FORMAT tag of every sample */
function queryFormat(headerText: string): string {
  const h = parseStoredHeader(headerText, 'stored');
  let f = '%CHROM\\t%POS\\t%ID\\t%REF\\t%ALT\\t%QUAL\\t%FILTER';
  for (const tag of h.info.keys()) f += `\\t%INFO/${tag}`;
  if (h.samples.length && h.format.size) f += `[\\t${[...h.format.keys()].map((t) => `%${t}`).join(':')}]`;
  return f + '\\n';
}

const NOT_VARIANT = new Set(['.', '<NON_REF>', '<*>']);
const rows = (b: Buffer): string[] => b.toString('latin1').split('\n').filter((l) => l.length && !NOT_VARIANT.has(l.split('\t')[4]));

const num = (v: number): string => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));
const text = (v: unknown): string => (typeof v === 'number' ? num(v) : String(v));

/** a JSON lines object back to a VCF line */
function jsonToLine(o: Record<string, unknown>, samples: string[]): string {
  const info = Object.entries(o.info as Record<string, string | true>).map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(';') || '.';
  const c = [o.chrom, o.pos, o.id, o.ref, o.alt, o.qual, o.filter, info].map(String);
  if (o.format) {
    const fmt = o.format as string[];
    const smp = o.samples as Record<string, Record<string, string>>;
    c.push(fmt.join(':'), ...samples.map((s) => fmt.map((k) => smp[s][k]).join(':')));
  }
  return c.join('\t');
}

/** a Parquet row back to a VCF line (typed columns as text, info_other and _other appended) */
function parquetToLine(r: Record<string, unknown>, infoCols: string[]): string {
  const info: string[] = [];
  for (const col of infoCols) {
    const v = r[col];
    if (v === null || v === false) continue;
    info.push(v === true ? col.slice(5) : `${col.slice(5)}=${text(v)}`);
  }
  if (r.info_other) info.push(r.info_other as string);
  const c = [r.chrom, r.pos, r.id ?? '.', r.ref, r.alt, r.qual === null ? '.' : text(r.qual), r.filter ?? '.', info.join(';') || '.'].map(String);
  if (r.format !== null) {
    const fmt = (r.format as string).split(':');
    c.push(r.format as string);
    for (const s of r.samples as Iterable<Record<string, unknown> & { toJSON(): Record<string, unknown> }>) {
      const o = s.toJSON();
      const other = new Map<string, string>();
      if (o._other) for (const kv of (o._other as string).split(':')) { const eq = kv.indexOf('='); other.set(kv.slice(0, eq), kv.slice(eq + 1)); }
      c.push(fmt.map((k) => (other.has(k) ? other.get(k)! : o[k] === null || o[k] === undefined ? '.' : text(o[k]))).join(':'));
    }
  }
  return c.join('\t');
}

interface Outcome { ok: string[]; failed: string[]; skipped: string[]; rejected: string[] }

async function checkFile(f: string, db: string, out: Outcome): Promise<void> {
  let fileId: number;
  try {
    fileId = (await ingestFiles([f], { db, noGraph: true })).files[0].fileId;
  } catch (e) {
    // a file our reader rejects with a one-line input error (stricter than bcftools) is not an export case
    if (e instanceof VcfError && e.kind !== 'internal') out.rejected.push(`${f}: ${e.message}`);
    else out.failed.push(`${f}: ingest: ${(e as Error).message}`);
    return;
  }
  const store = await openForRead(db);
  const vcf: Buffer[] = [];
  const jsonl: string[] = [];
  const parquet: Uint8Array[] = [];
  let headerText = '';
  try {
    headerText = (await store.files()).find((x) => x.file_id === fileId)!.header;
    await exportStore(store, { format: 'vcf', fileId, write: (s) => { vcf.push(Buffer.from(s, 'latin1')); } });
    await exportStore(store, { format: 'jsonl', fileId, write: (s) => { jsonl.push(s); } });
    await exportStore(store, { format: 'parquet', fileId, write: () => undefined, writeBytes: (b) => { parquet.push(Buffer.from(b)); } });
  } finally {
    store.close();
  }
  const fmt = queryFormat(headerText);
  let want = await sh(`bcftools norm -m -any ${q(f)} 2>/dev/null | bcftools query -f ${q(fmt)}`);
  if (want.code !== 0) {
    // bcftools norm cannot write a record whose contig the header lacks ("CONTIG id=0 not present"):
    // give it the file with a ##contig line per CHROM added (records and values unchanged)
    want = await sh(`(bcftools view -h ${q(f)} | grep -v '^#CHROM'; bcftools query -f '%CHROM\\n' ${q(f)} | sort -u | sed 's/^/##contig=<ID=/; s/$/>/'; ` +
      `bcftools view -h ${q(f)} | grep '^#CHROM'; bcftools view -H ${q(f)}) 2>/dev/null | bcftools norm -m -any - 2>/dev/null | bcftools query -f ${q(fmt)}`);
  }
  if (want.code !== 0) { out.skipped.push(`${f}: bcftools norm|query: ${want.stderr.split('\n')[0]}`); return; }
  // bcftools query cannot read what bcftools norm wrote (e.g. htslib's noroundtrip.vcf: a repeated
  // FORMAT GT comes out as "2,4"): no reference for this file
  const unreadable = /\[E::[^\n]*/.exec(want.stderr);
  if (unreadable) { out.skipped.push(`${f}: bcftools cannot read its own norm output: ${unreadable[0]}`); return; }
  const wantRows = rows(want.stdout).sort();
  const samples = parseStoredHeader(headerText, f).samples;
  const jsonLines = jsonl.join('').split('\n').filter(Boolean).map((l) => jsonToLine(JSON.parse(l), samples));
  const t = tableFromIPC(readParquet(Buffer.concat(parquet)).intoIPCStream());
  const infoCols = t.schema.fields.map((x) => x.name).filter((n) => n.startsWith('info_') && n !== 'info_other');
  const pqLines: string[] = [];
  for (const r of t) pqLines.push(parquetToLine(r!.toJSON() as Record<string, unknown>, infoCols));
  const head = headerText.endsWith('\n') ? headerText : headerText + '\n';
  const parts: Array<[string, Buffer]> = [
    ['vcf', Buffer.concat(vcf)],
    ['jsonl', Buffer.from(head + jsonLines.map((l) => l + '\n').join(''), 'utf8')],
    ['parquet', Buffer.from(head + pqLines.map((l) => l + '\n').join(''), 'utf8')],
  ];
  const errs: string[] = [];
  for (const [name, body] of parts) {
    const p = path.join(path.dirname(db), `${path.basename(db)}.${name}.vcf`);
    fs.writeFileSync(p, body);
    const got = await sh(`bcftools query -f ${q(fmt)} ${q(p)}`);
    if (got.code !== 0) { errs.push(`${name}: bcftools query fails: ${got.stderr.split('\n')[0]}`); continue; }
    const g = rows(got.stdout).sort();
    if (JSON.stringify(g) !== JSON.stringify(wantRows)) {
      const i = g.findIndex((l, k) => l !== wantRows[k]);
      errs.push(`${name}: row ${i}: got ${g[i]?.slice(0, 160)} want ${wantRows[i]?.slice(0, 160)} (${g.length} vs ${wantRows.length} rows)`);
    }
  }
  if (errs.length) out.failed.push(`${f}: ${errs.join(' | ')}`);
  else out.ok.push(f);
}

const FULL = process.env.VCF_AGENT_FULL_CORPUS === '1';

// the whole corpus (~700 files, each ingested and exported three ways) takes far longer than the default selection
test('export round trip (vcf, jsonl, parquet) on corpus files bcftools accepts', { skip: SKIP_BCFTOOLS || SKIP_SHARED, timeout: FULL ? 4 * 3600_000 : 900_000 }, async () => {
  const all = readTsv(path.join(SHARED_DATA!, 'MANIFEST.tsv')).filter((r) => r.bcftools_1_16_view.startsWith('ok') && /\.(vcf|vcf\.gz|vcf\.bgz)$/.test(r.path));
  const pick = all.filter((r, i) => FULL || (r.category !== 'a' ? i % 4 === 0 : i % 40 === 0)).map((r) => path.join(SHARED_DATA!, r.path))
    .filter((f) => !process.env.VCF_AGENT_RT_ONLY || f.includes(process.env.VCF_AGENT_RT_ONLY)); // one file while debugging
  const out: Outcome = { ok: [], failed: [], skipped: [], rejected: [] };
  // three workspaces filled at once (ingest waits on LanceDB I/O; one writer per workspace)
  const K = 3;
  await Promise.all(Array.from({ length: K }, async (_, k) => {
    for (let i = k; i < pick.length; i += K) {
      await checkFile(pick[i], path.join(tmpRoot, `ws${k}`), out);
      const done = out.ok.length + out.failed.length + out.skipped.length + out.rejected.length;
      if (FULL && done % 50 === 0) process.stdout.write(`# export round trip: ${done} of ${pick.length} files, ${out.failed.length} failed so far\n`);
    }
  }));
  process.stdout.write(`# export round trip: ${out.ok.length} of ${pick.length} corpus files equal in vcf, jsonl and parquet (${FULL ? 'whole corpus' : 'default selection; VCF_AGENT_FULL_CORPUS=1 for all'}), ${out.skipped.length} skipped, ${out.rejected.length} rejected by the reader\n`);
  for (const s of out.skipped) process.stdout.write(`#   skipped ${s}\n`);
  for (const s of out.rejected) process.stdout.write(`#   rejected ${s}\n`);
  // known: bcftools norm writes an empty value ('::') for a Number=A Float whose only value is
  // missing ('.'), which bcftools then reads back as 0; the store keeps '.'
  const KNOWN = ['c_bcftools_expected/files/view-a.vcf'];
  assert.deepEqual(out.failed.filter((f) => !KNOWN.some((k) => f.includes(k))), []);
  // compared = files bcftools norm can split (even with ##contig lines added); at most a quarter may
  // be skipped, not counting vcf-validator's conformance fragments, most of which declare no
  // INFO/FORMAT tags, so bcftools norm cannot write them ("INFO tag id=1 is too large"): 203 of its
  // files in the whole corpus, which would otherwise hide a broken reference pipeline elsewhere
  const compared = pick.length - out.rejected.length - out.skipped.length;
  const counted = out.skipped.filter((s) => !s.includes('/vcf-validator/')).length;
  const pool = pick.filter((f) => !f.includes('/vcf-validator/')).length;
  assert.ok(counted <= pool / 4, `${counted} of ${pool} files (vcf-validator's aside) skipped`);
  assert.ok(out.ok.length >= compared * 0.9, `${out.ok.length} of ${compared} compared files equal`);
});
