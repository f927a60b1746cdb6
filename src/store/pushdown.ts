/**
 * Push-down of a bcftools filter expression to LanceDB SQL: the top-level `&&` conjuncts of the
 * simple forms `FIELD OP VALUE` on scalar-indexed typed columns become SQL conditions; the whole
 * expression is still evaluated afterwards on the rebuilt records (records.ts), so a push-down only
 * has to be a superset of the answer. Fields: CHROM (= string), POS, QUAL, INFO/AF or AF (numbers;
 * AF only when every file declares it Number=A, so the stored per-allele value is the split
 * record's), TYPE (= "snp" | "mnp" | "indel"). Comparisons with a missing value are false in
 * bcftools as in SQL, so `<`, `<=`, `>`, `>=`, `=`, `==` are pushed; `!=` is not (true on missing).
 * Nothing is pushed for `-e`, or when the top level has `||` or `|`.
 */
import { sqlStr } from './tables.js';

/** Split at depth-0 operators; returns null when an OR is at the top level. */
function conjuncts(expr: string): string[] | null {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      const e = expr.indexOf(c, i + 1);
      if (e < 0) return null;
      i = e;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === '|') return null;
    else if (depth === 0 && c === '&' && expr[i + 1] === '&') { out.push(expr.slice(start, i)); start = i + 2; i++; }
  }
  out.push(expr.slice(start));
  return out.map((s) => s.trim());
}

function unwrap(s: string): string {
  while (s.startsWith('(') && s.endsWith(')')) {
    let depth = 0, ok = true;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') { depth--; if (depth === 0 && i < s.length - 1) { ok = false; break; } }
    }
    if (!ok) break;
    s = s.slice(1, -1).trim();
  }
  return s;
}

const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const TYPES: Record<string, string> = { snp: 'snv', snps: 'snv', mnp: 'mnp', mnps: 'mnp', indel: 'indel', indels: 'indel' };

export interface PushdownOptions { afIsPerAllele: boolean }

/** SQL conditions implied by an `-i` expression (empty when nothing can be pushed) */
export function pushdownSql(expr: string, opts: PushdownOptions): string[] {
  const parts = conjuncts(expr);
  if (!parts) return [];
  const sql: string[] = [];
  for (const p of parts) {
    const m = /^(CHROM|POS|QUAL|INFO\/AF|AF|TYPE)\s*(==|=|<=|>=|<|>)\s*(.+)$/.exec(unwrap(p));
    if (!m) continue;
    const [, field, op0, raw] = m;
    const op = op0 === '==' ? '=' : op0;
    const value = raw.trim();
    const str = /^"([^"]*)"$/.exec(value) ?? /^'([^']*)'$/.exec(value);
    if (field === 'CHROM') { if (op === '=' && str) sql.push(`chrom = ${sqlStr(str[1])}`); continue; }
    if (field === 'TYPE') {
      const t = str ? TYPES[str[1].toLowerCase()] : undefined;
      if (op === '=' && t) sql.push(`vtype = ${sqlStr(t)}`);
      continue;
    }
    if (!NUM.test(value)) continue;
    const n = Number(value);
    if (!Number.isFinite(n)) continue;
    if (field === 'POS') sql.push(`pos ${op} ${n}`);
    else if (field === 'QUAL') sql.push(widened('qual', op, n));
    else if (opts.afIsPerAllele) sql.push(widened('af', op, n));
  }
  return sql;
}

/**
 * A float column compared with some slack: bcftools compares single-precision values (the stored
 * columns are the text parsed as doubles), so the SQL bound is loosened by far more than a float's
 * rounding; the exact test is the expression's, on the rebuilt record.
 */
function widened(col: string, op: string, n: number): string {
  const slack = Math.abs(n) * 1e-6 + 1e-30;
  const lo = n - slack, hi = n + slack;
  if (op === '<' || op === '<=') return `${col} <= ${hi}`;
  if (op === '>' || op === '>=') return `${col} >= ${lo}`;
  return `${col} >= ${lo} AND ${col} <= ${hi}`;
}

/**
 * True when a top-level `&&` conjunct of `expr` is `GT="alt"` (any sample has an ALT allele): on a
 * split record that needs a stored genotype row of the variant with a non-zero allele, which the
 * store checks on the genotypes table before rebuilding records (a necessary condition only).
 */
export function needsAltCall(expr: string): boolean {
  const parts = conjuncts(expr);
  return !!parts?.some((p) => /^(FMT\/)?GT\s*==?\s*("alt"|'alt')$/i.test(unwrap(p)));
}
