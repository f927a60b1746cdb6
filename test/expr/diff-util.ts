/**
 * Helpers of the expression differential test: run bcftools, evaluate our filter in-process over
 * parsed records, compare, tally per construct, apply the allow-list.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { VcfRecord } from '../../src/vcf/record.js';
import type { VcfHeader } from '../../src/vcf/header.js';
import { compileFilter } from '../../src/expr/filter.js';

export interface RunResult { ok: boolean; out: string; err: string }

export function runBcftools(args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn('bcftools', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', (e) => resolve({ ok: false, out: '', err: String(e) }));
    p.on('close', (code, signal) => resolve({ ok: code === 0 && !signal, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
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

export interface AllowEntry { pattern: RegExp; reason: string }

/** test/expr/allow-list.tsv: `pattern<TAB>reason` (pattern: a JavaScript regex matched against the expression) */
export function readAllowList(file: string): AllowEntry[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: AllowEntry[] = [];
  for (const l of lines) {
    if (!l.trim() || l.startsWith('#') || l.startsWith('pattern\t')) continue;
    const [p, reason] = l.split('\t');
    out.push({ pattern: new RegExp(p), reason: reason ?? '' });
  }
  return out;
}

export interface Outcome { expr: string; constructs: string[]; mode: string; agree: boolean; allowed?: string; detail?: string }

export function compare(expr: string, constructs: string[], mode: string, bc: RunResult, ours: RunResult, allow: AllowEntry[]): Outcome {
  let agree: boolean;
  if (!bc.ok || !ours.ok) agree = !bc.ok && !ours.ok;
  else agree = bc.out === ours.out;
  const o: Outcome = { expr, constructs, mode, agree };
  if (!agree) {
    const a = allow.find((e) => e.pattern.test(expr));
    if (a) o.allowed = a.reason;
    o.detail = firstDifference(bc, ours);
  }
  return o;
}

function firstDifference(bc: RunResult, ours: RunResult): string {
  if (!bc.ok || !ours.ok) return `bcftools ${bc.ok ? 'ok' : 'error: ' + bc.err.split('\n')[0]} / ours ${ours.ok ? 'ok' : 'error: ' + ours.err}`;
  const a = bc.out.split('\n'), b = ours.out.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: bcftools ${JSON.stringify(a[i] ?? null)} / ours ${JSON.stringify(b[i] ?? null)} (${a.length - 1} vs ${b.length - 1} lines)`;
  }
  return 'differs';
}

/** per-construct agreement table */
export function constructTable(outcomes: Outcome[]): string {
  const m = new Map<string, { n: number; same: number; allowed: number }>();
  for (const o of outcomes) {
    for (const c of o.constructs) {
      const e = m.get(c) ?? { n: 0, same: 0, allowed: 0 };
      e.n++;
      if (o.agree) e.same++;
      else if (o.allowed) e.allowed++;
      m.set(c, e);
    }
  }
  const rows = [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  let s = 'construct'.padEnd(28) + 'n'.padStart(5) + 'same'.padStart(6) + 'known'.padStart(7) + '   agree\n';
  for (const [c, e] of rows) s += c.padEnd(28) + String(e.n).padStart(5) + String(e.same).padStart(6) + String(e.allowed).padStart(7) + `   ${((100 * e.same) / e.n).toFixed(1)}%\n`;
  return s;
}
