/**
 * Helpers of the expression / format differential test: run bcftools, run ours (the filter engine
 * in-process over parsed records, or the query core function), compare, check allow-listed
 * differences, tally per construct, write the report.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { VcfRecord } from '../../src/vcf/record.js';
import type { VcfHeader } from '../../src/vcf/header.js';
import { compileFilter } from '../../src/expr/filter.js';
import { query } from '../../src/expr/query.js';

export interface RunResult { ok: boolean; out: string; err: string }

export function runBcftools(args: string[]): Promise<RunResult> {
  return runCommand('bcftools', args);
}

function runCommand(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', (e) => resolve({ ok: false, out: '', err: String(e) }));
    p.on('close', (code, signal) => resolve({ ok: code === 0 && !signal, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() + (signal ? ` (killed by ${signal})` : '') }));
  });
}

/** run tasks with bounded concurrency, results in order */
export async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const res = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      res[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return res;
}

export const SITE_SAMPLES_FORMAT = '%CHROM:%POS[ %SAMPLE]\\n';

/** our answer in the shape of `bcftools query -f '%CHROM:%POS[ %SAMPLE]\n' -i/-e EXPR` */
export function oursQuery(expr: string, header: VcfHeader, records: VcfRecord[], exclude: boolean): RunResult {
  try {
    const f = compileFilter(expr, header);
    const lines: string[] = [];
    const names = header.samples;
    const all = names.length ? ' ' + names.join(' ') : '';
    for (const rec of records) {
      const r = exclude ? f.excludeResult(rec) : f.evaluate(rec);
      if (!r.pass) continue;
      const key = `${rec.chrom}:${rec.pos}`;
      if (!r.samples) { lines.push(key + all); continue; }
      const parts = [key];
      for (let i = 0; i < names.length; i++) if (r.samples[i]) parts.push(names[i]);
      lines.push(parts.join(' '));
    }
    return { ok: true, out: lines.length ? lines.join('\n') + '\n' : '', err: '' };
  } catch (e) {
    return { ok: false, out: '', err: (e as { oneLine?: () => string }).oneLine?.() ?? String(e) };
  }
}

/** our answer in the shape of `bcftools view -H -i/-e EXPR | cut -f1,2` */
export function oursView(expr: string, header: VcfHeader, records: VcfRecord[], exclude: boolean): RunResult {
  try {
    const f = compileFilter(expr, header);
    let out = '';
    for (const rec of records) if (f.test(rec) !== exclude) out += `${rec.chrom}\t${rec.pos}\n`;
    return { ok: true, out, err: '' };
  } catch (e) {
    return { ok: false, out: '', err: (e as { oneLine?: () => string }).oneLine?.() ?? String(e) };
  }
}

export function viewSites(bcfOut: string): string {
  let s = '';
  for (const l of bcfOut.split('\n')) {
    if (!l) continue;
    const t1 = l.indexOf('\t');
    const t2 = l.indexOf('\t', t1 + 1);
    s += l.slice(0, t2) + '\n';
  }
  return s;
}

export interface FormatRun { format: string; header?: boolean; include?: string; exclude?: string }

/** our answer to `bcftools query [-H] [-i|-e EXPR] -f FORMAT FILE`, through the query core function */
export async function oursFormat(file: string, r: FormatRun): Promise<RunResult> {
  const chunks: Buffer[] = [];
  try {
    await query(
      { input: file, format: r.format, include: r.include, exclude: r.exclude, printHeader: r.header ? 1 : 0 },
      { write: (b) => { chunks.push(Buffer.from(b)); }, close: async () => {} },
    );
    return { ok: true, out: Buffer.concat(chunks).toString(), err: '' };
  } catch (e) {
    return { ok: false, out: '', err: (e as { oneLine?: () => string }).oneLine?.() ?? String(e) };
  }
}

/** the bcftools arguments of the same query */
export function formatArgs(file: string, r: FormatRun): string[] {
  return ['query', ...(r.header ? ['-H'] : []), ...(r.include !== undefined ? ['-i', r.include] : []), ...(r.exclude !== undefined ? ['-e', r.exclude] : []), '-f', r.format, file];
}

/** how a format run is shown in reports and matched by the allow-list */
export function formatDisplay(r: FormatRun): string {
  return `${r.header ? '-H ' : ''}${r.include !== undefined ? `-i '${r.include}' ` : ''}${r.exclude !== undefined ? `-e '${r.exclude}' ` : ''}-f '${r.format}'`;
}

// ------------------------------------------------------------------------------------------ allow-list

export interface AllowEntry { pattern: RegExp; source: string; check: string; reason: string }

/** test/expr/allow-list.tsv: `pattern<TAB>check<TAB>reason` (pattern: a JavaScript regex matched against the display string) */
export function readAllowList(file: string): AllowEntry[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: AllowEntry[] = [];
  for (const l of lines) {
    if (!l.trim() || l.startsWith('#') || l.startsWith('pattern\t')) continue;
    const [p, check, reason] = l.split('\t');
    if (!check || !reason) throw new Error(`allow-list line without check or reason: ${l}`);
    out.push({ pattern: new RegExp(p), source: p, check, reason });
  }
  return out;
}

export interface Outcome {
  /** the expression, or the format display string */
  expr: string;
  constructs: string[];
  /** 'query -i', 'view -e', 'query -f', 'query -i FILE' ... */
  mode: string;
  agree: boolean;
  /** reason of the allow-list entry whose check passed */
  allowed?: string;
  detail?: string;
}

/** what a check may need to re-run a comparison */
export interface Rerun {
  /**
   * re-run bcftools and ours on the slice without the records of `trigger` (null: not possible);
   * `rr` re-runs that comparison further (without more triggers, view-pipe on that file)
   */
  without?: (trigger: string) => Promise<{ bc: RunResult; ours: RunResult; rr: Rerun } | null>;
  /** bcftools `view -e E | query ...` for a query -e run */
  viewPipe?: () => Promise<RunResult>;
  /** the same query without -H: both results and its compared outcome (allow-list applied) */
  noHeader?: () => Promise<{ bc: RunResult; ours: RunResult; outcome: Outcome }>;
}

export function firstDifference(bc: RunResult, ours: RunResult): string {
  if (!bc.ok || !ours.ok) return `bcftools ${bc.ok ? 'ok' : 'error: ' + bc.err.trim().split('\n')[0]} / ours ${ours.ok ? 'ok' : 'error: ' + ours.err}`;
  const a = bc.out.split('\n'), b = ours.out.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: bcftools ${JSON.stringify(a[i] ?? null)} / ours ${JSON.stringify(b[i] ?? null)} (${a.length - 1} vs ${b.length - 1} lines)`;
  }
  return 'differs';
}

const same = (bc: RunResult, ours: RunResult) => (!bc.ok || !ours.ok ? !bc.ok && !ours.ok : bc.out === ours.out);

/** apply one check; returns null when it explains the difference, else why not */
async function runCheck(entry: AllowEntry, expr: string, bc: RunResult, ours: RunResult, rr: Rerun, allow: AllowEntry[], also: string[]): Promise<string | null> {
  const check = entry.check;
  if (check.startsWith('bcftools-error:')) {
    const re = new RegExp(check.slice('bcftools-error:'.length));
    return !bc.ok && ours.ok && re.test(bc.err) ? null : 'bcftools did not fail with the expected message';
  }
  if (check === 'doubled-newlines') {
    return bc.ok && ours.ok && bc.out === ours.out.replace(/\n/g, '\n\n') ? null : 'not a doubled-newline difference';
  }
  if (check === 'header-only') {
    if (!bc.ok || !ours.ok) return 'a run failed';
    if (!rr.noHeader) return 'no re-run without -H for this comparison';
    // the -H outputs are a header followed by the outputs without -H, which agree or differ for a
    // known reason of their own
    const nh = await rr.noHeader();
    if (!nh.bc.ok || !nh.ours.ok) return 'a run without -H failed';
    if (!bc.out.startsWith('# ') || !bc.out.endsWith(nh.bc.out) || !ours.out.startsWith('#') || !ours.out.endsWith(nh.ours.out)) return 'the outputs are not a header followed by the output without -H';
    if (nh.outcome.agree) return null;
    if (nh.outcome.allowed) { also.push(nh.outcome.allowed); return null; }
    return `the outputs without -H differ too: ${nh.outcome.detail}`;
  }
  if (check === 'view-pipe') {
    if (!rr.viewPipe) return 'no view-pipe re-run for this comparison';
    const vp = await rr.viewPipe();
    return vp.ok && bc.ok && vp.out === bc.out ? null : 'bcftools query -e differs from view -e | query';
  }
  if (check.startsWith('without:')) {
    if (!rr.without) return 'no re-run without trigger records for this comparison';
    const r = await rr.without(check.slice('without:'.length));
    if (!r) return `no slice without ${check.slice(8)} records`;
    if (same(r.bc, r.ours)) return null;
    // a second known difference in the same comparison: the other entries on the reduced slice
    const inner = await compare(expr, [], '', r.bc, r.ours, allow.filter((a) => a !== entry), r.rr);
    if (inner.allowed) { also.push(inner.allowed); return null; }
    return `still differs without ${check.slice(8)} records: ${inner.detail}`;
  }
  return `unknown check ${check}`;
}

export async function compare(expr: string, constructs: string[], mode: string, bc: RunResult, ours: RunResult, allow: AllowEntry[], rr: Rerun = {}): Promise<Outcome> {
  const agree = same(bc, ours);
  const o: Outcome = { expr, constructs, mode, agree };
  if (agree) return o;
  o.detail = firstDifference(bc, ours);
  const failed: string[] = [];
  for (const a of allow) {
    if (!a.pattern.test(expr)) continue;
    const also: string[] = [];
    const why = await runCheck(a, expr, bc, ours, rr, allow, also);
    if (why === null) { o.allowed = [a.reason, ...also].join(' + '); return o; }
    failed.push(`${a.check}: ${why}`);
  }
  if (failed.length) o.detail += ` [allow-list checks failed: ${failed.join('; ')}]`;
  return o;
}

// ----------------------------------------------------------------------------------------- trigger records

/** data lines of a generated VCF that 1.16-specific behaviour depends on, by trigger name */
export const TRIGGERS: Record<string, (cols: string[]) => boolean> = {
  'multi-id': (c) => c[2].includes(';'),
  'no-gt': (c) => c.length > 8 && !c[8].split(':').includes('GT'),
  'no-alt': (c) => c[4] === '.',
  /** any ALT whose ILEN 1.16 and newer compute differently (same length as REF, symbolic, *, breakend) */
  ilen: (c) => c[4] !== '.' && c[4].split(',').some((a) => !/^[ACGTN]+$/i.test(a) || a.length === c[3].length),
  /** site vectors with more than one value (XI, DP4, per-ALT tags at multi-allelic sites) */
  'multi-value': (c) => c[4].includes(',') || /(^|;)DP4=/.test(c[7]) || /(^|;)XI=[^;,]*,/.test(c[7]),
};

/** the VCF text without the records of the triggers */
export function withoutTrigger(vcf: string, triggers: string[]): string | null {
  const ts = triggers.map((t) => TRIGGERS[t]);
  if (ts.some((t) => !t)) return null;
  const out: string[] = [];
  for (const l of vcf.split('\n')) {
    if (!l) continue;
    if (l.startsWith('#')) { out.push(l); continue; }
    const c = l.split('\t');
    if (!ts.some((t) => t(c))) out.push(l);
  }
  return out.join('\n') + '\n';
}

export function bcftoolsViewPipe(expr: string, r: FormatRun, file: string): Promise<RunResult> {
  return runCommand('bash', ['-c', 'set -o pipefail; bcftools view -e "$1" -Ou "$3" | bcftools query ' + (r.header ? '-H ' : '') + '-f "$2" -', '_', expr, r.format, file]);
}

// ------------------------------------------------------------------------------------------- reporting

export interface Tally { n: number; same: number; known: number }

export function tally(outcomes: Outcome[]): Tally {
  const same = outcomes.filter((o) => o.agree).length;
  const known = outcomes.filter((o) => !o.agree && o.allowed).length;
  return { n: outcomes.length, same, known };
}

export const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;

/** per-construct agreement rows: construct, n, identical, known, unexplained */
export function constructRows(outcomes: Outcome[]): Array<[string, Tally]> {
  const m = new Map<string, Tally>();
  for (const o of outcomes) {
    for (const c of o.constructs) {
      const e = m.get(c) ?? { n: 0, same: 0, known: 0 };
      e.n++;
      if (o.agree) e.same++;
      else if (o.allowed) e.known++;
      m.set(c, e);
    }
  }
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

/** per-construct agreement table (plain text for the test log) */
export function constructTable(outcomes: Outcome[]): string {
  let s = 'construct'.padEnd(28) + 'n'.padStart(5) + 'same'.padStart(6) + 'known'.padStart(7) + 'other'.padStart(7) + '   identical\n';
  for (const [c, e] of constructRows(outcomes)) {
    s += c.padEnd(28) + String(e.n).padStart(5) + String(e.same).padStart(6) + String(e.known).padStart(7) + String(e.n - e.same - e.known).padStart(7) + `   ${pct(e.same, e.n)}\n`;
  }
  return s;
}

/** the same as a markdown table */
export function constructMarkdown(outcomes: Outcome[]): string {
  let s = '| construct | n | identical | known 1.16 difference | unexplained | identical % |\n|---|---:|---:|---:|---:|---:|\n';
  for (const [c, e] of constructRows(outcomes)) {
    s += `| \`${c}\` | ${e.n} | ${e.same} | ${e.known} | ${e.n - e.same - e.known} | ${pct(e.same, e.n)} |\n`;
  }
  return s;
}
