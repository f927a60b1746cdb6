/**
 * Seeded random generator of bcftools filter expressions over the fields of gen-vcf.ts, each tagged
 * with the constructs it uses (operators, functions, field classes) for per-construct agreement.
 *
 * Distribution (how users write filters): a predicate is a comparison of a numeric value with a
 * constant (34%: site fields, INFO tags, FORMAT tags, computed AC/AF/..., aggregate and per-sample
 * functions, some arithmetic), a comparison of two site values (6%), a test for missing "." (7%),
 * string equality or a regex on CHROM/REF/ALT/ID/INFO strings (11%), FILTER (6%), TYPE (6%), GT
 * (10%: 92% keywords such as "het"/"alt", 5% genotype strings such as "0/1", 3% regexes), FORMAT
 * strings (5%), N_PASS/F_PASS (4%), COUNT (3%), strlen (3%), binom/phred (2.5%), flags (2.5%);
 * 30% of predicates combine two with && || & |. Arithmetic mostly uses scalar site values (a
 * multi-value site vector is kept in a quarter of the cases, as users rarely do arithmetic on whole
 * vectors). Then a coverage pass adds expressions until every construct of expressionConstructs()
 * appears at least 10 times; the rest is drawn from the same distribution.
 *
 * Expressions stay within what bcftools evaluates without crashing for reasons unrelated to the
 * version difference (no modulo by a value that can be 0, no arithmetic between per-sample values
 * and multi-value site vectors, no PHRED of site values, which trip assertions in bcftools).
 */
import { rng } from './gen-vcf.js';

export interface GenExpr {
  expr: string;
  constructs: string[];
}

interface Part { s: string; c: string[]; sample?: boolean }

const SITE_NUM: Array<{ s: string; lo: number; hi: number; c: string; scalar?: boolean; float?: boolean; w?: number }> = [
  { s: 'QUAL', lo: 0, hi: 200, c: 'field:QUAL', scalar: true, float: true, w: 5 },
  { s: 'POS', lo: 100, hi: 60000, c: 'field:POS', scalar: true },
  { s: 'INFO/DP', lo: 0, hi: 300, c: 'field:INFO-int', scalar: true, w: 5 },
  { s: 'MQ', lo: 0, hi: 60, c: 'field:INFO-float', scalar: true, float: true, w: 3 },
  { s: 'INFO/MQ', lo: 0, hi: 60, c: 'field:INFO-float', scalar: true, float: true },
  { s: 'XI', lo: -5, hi: 50, c: 'field:INFO-vector' },
  { s: 'XI[0]', lo: -5, hi: 50, c: 'sub:[i]', scalar: true },
  { s: 'XI[1]', lo: -5, hi: 50, c: 'sub:[i]', scalar: true },
  { s: 'XI[*]', lo: -5, hi: 50, c: 'sub:[*]' },
  { s: 'XI[0,2]', lo: -5, hi: 50, c: 'sub:[list]' },
  { s: 'XI[1-]', lo: -5, hi: 50, c: 'sub:[range]' },
  { s: 'XF', lo: 0, hi: 1, c: 'field:INFO-vector', float: true },
  { s: 'XF[0]', lo: 0, hi: 1, c: 'sub:[i]', scalar: true, float: true },
  { s: 'INFO/XF[1]', lo: 0, hi: 1, c: 'sub:[i]', scalar: true, float: true },
  { s: 'AO', lo: 0, hi: 80, c: 'field:INFO-vector' },
  { s: 'AO[0]', lo: 0, hi: 80, c: 'sub:[i]', scalar: true },
  { s: 'DP4[0]', lo: 0, hi: 40, c: 'sub:[i]', scalar: true },
  { s: 'DP4[*]', lo: 0, hi: 40, c: 'sub:[*]' },
  { s: 'DP4[2-3]', lo: 0, hi: 40, c: 'sub:[range]' },
  { s: 'N_ALT', lo: 0, hi: 3, c: 'var:N_ALT', scalar: true, w: 2 },
  { s: 'N_SAMPLES', lo: 3, hi: 6, c: 'var:N_SAMPLES', scalar: true },
  { s: 'N_MISSING', lo: 0, hi: 3, c: 'var:N_MISSING', scalar: true },
  { s: 'F_MISSING', lo: 0, hi: 0.6, c: 'var:F_MISSING', scalar: true, float: true, w: 2 },
  { s: 'ILEN', lo: -4, hi: 5, c: 'var:ILEN' },
  { s: 'AC', lo: 0, hi: 8, c: 'var:AC', scalar: true, w: 2 },
  { s: 'AC[0]', lo: 0, hi: 8, c: 'var:AC', scalar: true },
  { s: 'AC[*]', lo: 0, hi: 8, c: 'var:AC' },
  { s: 'AN', lo: 0, hi: 10, c: 'var:AN', scalar: true },
  { s: 'AF', lo: 0, hi: 1, c: 'var:AF', scalar: true, float: true, w: 3 },
  { s: 'AF[*]', lo: 0, hi: 1, c: 'var:AF', float: true },
  { s: 'MAF', lo: 0, hi: 0.5, c: 'var:MAF', scalar: true, float: true, w: 2 },
  { s: 'MAF[0]', lo: 0, hi: 0.5, c: 'var:MAF', scalar: true, float: true },
  { s: 'MAC', lo: 0, hi: 5, c: 'var:MAC', scalar: true },
];

const SMPL_NUM: Array<{ s: string; lo: number; hi: number; c: string; float?: boolean; one?: boolean; w?: number }> = [
  { s: 'FMT/DP', lo: 0, hi: 60, c: 'field:FMT-int', one: true, w: 5 },
  { s: 'FORMAT/GQ', lo: 0, hi: 99, c: 'field:FMT-int', one: true, w: 3 },
  { s: 'GQ', lo: 0, hi: 99, c: 'field:FMT-int', one: true, w: 3 },
  { s: 'FMT/DP[0]', lo: 0, hi: 60, c: 'sub:[sample]', one: true },
  { s: 'FMT/DP[1-3]', lo: 0, hi: 60, c: 'sub:[sample-range]', one: true },
  { s: 'FMT/GQ[0,2]', lo: 0, hi: 99, c: 'sub:[sample-list]', one: true },
  { s: 'FMT/DP[2-]', lo: 0, hi: 60, c: 'sub:[sample-range]', one: true },
  { s: 'AD[:1]', lo: 0, hi: 40, c: 'sub:[:i]', one: true, w: 3 },
  { s: 'AD[:0]', lo: 0, hi: 40, c: 'sub:[:i]', one: true },
  { s: 'FMT/AD[*:1]', lo: 0, hi: 40, c: 'sub:[*:i]', one: true },
  { s: 'FMT/AD[0:1]', lo: 0, hi: 40, c: 'sub:[s:i]', one: true },
  { s: 'FMT/AD[1:]', lo: 0, hi: 40, c: 'sub:[s:]' },
  { s: 'FMT/AD', lo: 0, hi: 40, c: 'field:FMT-vector' },
  { s: 'AD[*]', lo: 0, hi: 40, c: 'sub:[*]' },
  { s: 'FMT/GL[:0]', lo: -30, hi: 0, c: 'field:FMT-float', float: true, one: true },
  { s: 'FMT/VAF', lo: 0, hi: 1, c: 'field:FMT-float', float: true },
  { s: 'VAF[:0]', lo: 0, hi: 1, c: 'field:FMT-float', float: true, one: true },
];

const STR_SITE: Array<{ s: string; vals: string[]; c: string }> = [
  { s: 'CHROM', vals: ['1', '2', 'X', 'chr1'], c: 'field:CHROM' },
  { s: 'REF', vals: ['A', 'C', 'G', 'T', 'AC'], c: 'field:REF' },
  { s: 'ALT', vals: ['A', 'C', '<DEL>', '*', '.', 'G'], c: 'field:ALT' },
  { s: 'ALT[0]', vals: ['A', 'C', 'T', '.'], c: 'field:ALT' },
  { s: 'ALT[1]', vals: ['A', '*', '.'], c: 'field:ALT' },
  { s: 'ID', vals: ['.', 'rs1', 'rs17', 'ss5'], c: 'field:ID' },
  { s: 'S1', vals: ['Hello', 'hello', 'gene1', 'A', '.', 'A,B'], c: 'field:INFO-string' },
  { s: 'INFO/S1', vals: ['Hello', 'world', '.'], c: 'field:INFO-string' },
  { s: 'XS', vals: ['abc', 'missense', '.', 'ABC'], c: 'field:INFO-string-vector' },
  { s: 'XS[0]', vals: ['abc', 'missense', '.'], c: 'field:INFO-string-vector' },
  { s: 'XS[*]', vals: ['stop_gained', 'Hello', '.'], c: 'field:INFO-string-vector' },
];

const REGEX = ['^A', 'C$', 'miss', 'hel', 'HEL/i', '^rs[0-9]\\{2\\}$', '[AG]', 'e.l', 'x\\.y', '^[^r]', 'b*c', 'o\\+', 'gene[0-9]', '<.*>'];

export function generateExpressions(n: number, seed: number): GenExpr[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  /** weighted pick (weight w, default 1): common fields such as QUAL, INFO/DP, FMT/DP more often */
  const pickW = <T extends { w?: number }>(a: T[]): T => {
    let tot = 0;
    for (const x of a) tot += x.w ?? 1;
    let k = r() * tot;
    for (const x of a) { k -= x.w ?? 1; if (k < 0) return x; }
    return a[a.length - 1];
  };
  const chance = (p: number) => r() < p;
  const fmtNum = (lo: number, hi: number, float: boolean): string => {
    const v = lo + r() * (hi - lo);
    if (!float) return String(Math.round(v));
    return pick([v.toFixed(1), v.toFixed(2), v.toFixed(3), String(Math.round(v * 10) / 10)]);
  };
  const cmpOps = ['==', '=', '!=', '<', '<=', '>', '>='];

  const siteAtom = (scalarOnly = false): Part & { lo: number; hi: number; float: boolean } => {
    const a = pickW(scalarOnly ? SITE_NUM.filter((x) => x.scalar) : SITE_NUM);
    return { s: a.s, c: [a.c], lo: a.lo, hi: a.hi, float: !!a.float };
  };
  const smplAtom = (oneOnly = false): Part & { lo: number; hi: number; float: boolean } => {
    const a = pickW(oneOnly ? SMPL_NUM.filter((x) => x.one) : SMPL_NUM);
    return { s: a.s, c: [a.c], lo: a.lo, hi: a.hi, float: !!a.float, sample: true };
  };

  /** a numeric expression with its value range */
  const numExpr = (depth: number, allowSample: boolean): Part & { lo: number; hi: number; float: boolean } => {
    const k = r();
    if (depth <= 0 || k < 0.5) return allowSample && chance(0.45) ? smplAtom() : siteAtom();
    if (k < 0.62) {
      // aggregate function over a vector
      const fn = pick(['MAX', 'MIN', 'AVG', 'MEAN', 'MEDIAN', 'STDEV', 'SUM', 'max', 'min', 'median']);
      const arg = chance(0.55) ? smplAtom() : siteAtom();
      const up = fn.toUpperCase() === 'MEAN' ? 'AVG' : fn.toUpperCase();
      return { s: `${fn}(${arg.s})`, c: [...arg.c, `fn:${up}`], lo: arg.lo, hi: up === 'SUM' ? arg.hi * 3 : up === 'STDEV' ? arg.hi / 3 : arg.hi, float: true };
    }
    if (k < 0.7 && allowSample) {
      const fn = pick(['SMPL_MAX', 'SMPL_MIN', 'SMPL_AVG', 'SMPL_MEAN', 'SMPL_MEDIAN', 'SMPL_STDEV', 'SMPL_SUM', 'sMAX', 'sMIN', 'sAVG', 'sSUM', 'sMEDIAN', 'sSTDEV']);
      const arg = smplAtom();
      const name = fn.replace(/^s(?=[A-Z])/, 'SMPL_').replace('SMPL_MEAN', 'SMPL_AVG');
      return { s: `${fn}(${arg.s})`, c: [...arg.c, `fn:${name}`], lo: arg.lo, hi: arg.hi, float: true, sample: true };
    }
    if (k < 0.76) {
      const a = allowSample && chance(0.4) ? smplAtom() : siteAtom();
      return { s: `abs(${a.s})`, c: [...a.c, 'fn:ABS'], lo: 0, hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)), float: a.float, sample: a.sample };
    }
    if (k < 0.8) {
      const a = siteAtom(true);
      return { s: `-${a.s}`, c: [...a.c, 'op:unary-'], lo: -a.hi, hi: -a.lo, float: a.float };
    }
    // arithmetic: per-sample values only with site scalars; site vectors only sometimes
    // (bcftools 1.16 mishandles vector-with-scalar arithmetic, see the allow-list)
    const op = pick(['+', '-', '*', '/', '%', '+', '-', '*']);
    let a = numExpr(depth - 1, allowSample);
    if (!a.sample && !SITE_NUM.find((x) => x.s === a.s)?.scalar && a.c.length === 1 && chance(0.75)) a = siteAtom(true);
    let b: Part & { lo: number; hi: number; float: boolean };
    if (op === '%') {
      const d = pick(['2', '3', '5']);
      b = { s: d, c: [], lo: 2, hi: 5, float: false };
    } else if (a.sample) {
      b = chance(0.5) ? siteAtom(true) : { s: fmtNum(1, 10, chance(0.3)), c: [], lo: 1, hi: 10, float: false };
      if (chance(0.3)) { const sb = smplAtom(true); if (SMPL_ONE(a.s)) b = sb; }
    } else {
      b = chance(0.5) ? siteAtom(true) : { s: fmtNum(1, 10, chance(0.3)), c: [], lo: 1, hi: 10, float: false };
    }
    const paren = chance(0.4);
    const s = `${a.s}${chance(0.3) ? ' ' : ''}${op}${chance(0.3) ? ' ' : ''}${b.s}`;
    let lo = a.lo, hi = a.hi;
    if (op === '+') { lo = a.lo + b.lo; hi = a.hi + b.hi; }
    else if (op === '-') { lo = a.lo - b.hi; hi = a.hi - b.lo; }
    else if (op === '*') { lo = Math.min(a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi); hi = Math.max(a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi); }
    else if (op === '/') { lo = a.lo / Math.max(1, b.hi); hi = a.hi / Math.max(1, b.lo || 1); }
    else if (op === '%') { lo = 0; hi = 4; }
    return { s: paren ? `(${s})` : s, c: [...a.c, ...b.c, `arith:${op}`, ...(paren ? ['paren'] : [])], lo, hi, float: a.float || b.float || op === '/', sample: a.sample || b.sample };
  };

  const predicate = (depth: number, allowSample = true): Part => {
    const k = r();
    if (depth > 0 && k < 0.3) {
      const op = pick(['&&', '||', '&', '|']);
      const a = predicate(depth - 1, allowSample);
      const b = predicate(depth - 1, allowSample);
      const paren = chance(0.35);
      const s = `${a.s} ${op} ${b.s}`;
      return { s: paren ? `(${s})` : s, c: [...a.c, ...b.c, `op:${op}`, ...(paren ? ['paren'] : [])], sample: a.sample || b.sample };
    }
    const kind = r();
    if (kind < 0.34) {
      const e = numExpr(1, allowSample);
      const op = pick(cmpOps);
      const c = fmtNum(e.lo, e.hi, e.float);
      const rev = chance(0.15);
      return { s: rev ? `${c}${op}${e.s}` : `${e.s}${op}${c}`, c: [...e.c, `cmp:${op === '=' ? '==' : op}`], sample: e.sample };
    }
    if (kind < 0.4) {
      const a = siteAtom(true), b = siteAtom(true);
      const op = pick(cmpOps);
      return { s: `${a.s}${op}${b.s}`, c: [...a.c, ...b.c, `cmp:${op === '=' ? '==' : op}`, 'cmp:field-field'] };
    }
    if (kind < 0.47) {
      const a = pick([...SITE_NUM.filter((x) => !x.s.startsWith('N_') && !/^(AC|AN|AF|MAF|MAC|ILEN)/.test(x.s)), ...SMPL_NUM]);
      const op = pick(['=', '!=', '==']);
      const sample = SMPL_NUM.includes(a as never);
      return { s: `${a.s}${op}"."`, c: [a.c, 'missing:"."', `cmp:${op === '=' ? '==' : op}`], sample };
    }
    if (kind < 0.58) {
      const f = pick(STR_SITE);
      if (chance(0.5)) {
        const op = pick(['==', '!=', '=']);
        return { s: `${f.s}${op}"${pick(f.vals)}"`, c: [f.c, `strcmp:${op === '=' ? '==' : op}`] };
      }
      const op = pick(['~', '!~']);
      const re = pick(REGEX);
      return { s: `${f.s}${op}"${re}"`, c: [f.c, `regex:${op}`, ...(re.endsWith('/i') ? ['regex:/i'] : [])] };
    }
    if (kind < 0.64) {
      const op = pick(['=', '!=', '~', '!~', '==']);
      const v = pick(['PASS', '.', 'q10', 's50', 'q10;s50', 'LowQual', 's50;q10']);
      return { s: `FILTER${op}"${v}"`, c: ['field:FILTER', `filter:${op === '=' ? '==' : op}`] };
    }
    if (kind < 0.7) {
      const op = pick(['=', '!=', '~', '!~', '==']);
      const v = pick(['snp', 'mnp', 'indel', 'ref', 'bnd', 'other', 'overlap', 'snps', 'INDEL']);
      return { s: `TYPE${op}"${v}"`, c: ['field:TYPE', `type:${op === '=' ? '==' : op}`] };
    }
    if (kind < 0.8) {
      const k2 = r();
      if (k2 < 0.92) {
        const v = pick(['het', 'hom', 'alt', 'ref', 'mis', 'hap', 'het', 'hom', 'alt', 'ref', 'mis', 'hap', 'HET', 'RR', 'RA', 'AA', 'aA', 'R', 'A']);
        const op = pick(['=', '!=', '==']);
        return { s: `GT${op}"${v}"`, c: ['field:GT', `gt:${v.toLowerCase()}`], sample: true };
      }
      if (k2 < 0.97) {
        const v = pick(['0/1', '1/1', '0|1', './.', '.', '0/0', '1', '1/2']);
        const op = pick(['=', '!=']);
        return { s: `GT${op}"${v}"`, c: ['field:GT', 'gt:string'], sample: true };
      }
      const op = pick(['~', '!~']);
      return { s: `GT${op}"${pick(['1', '\\.', '^0', '|', '2$'])}"`, c: ['field:GT', `regex:${op}`, 'gt:regex'], sample: true };
    }
    if (kind < 0.85) {
      const s = pick(['FT', 'FMT/FT']);
      if (chance(0.6)) {
        const op = pick(['=', '!=']);
        return { s: `${s}${op}"${pick(['PASS', 'LowDP', '.', 'LowGQ'])}"`, c: ['field:FMT-string', `strcmp:${op === '=' ? '==' : op}`], sample: true };
      }
      const op = pick(['~', '!~']);
      return { s: `${s}${op}"${pick(['Low', 'DP$', '^P', 'gq/i'])}"`, c: ['field:FMT-string', `regex:${op}`], sample: true };
    }
    if (kind < 0.89) {
      const fn = pick(['N_PASS', 'F_PASS']);
      const inner = predicate(0, true);
      if (!inner.sample) return { s: `N_PASS(GT="alt")>=${pick(['1', '2', '3'])}`, c: ['fn:N_PASS', 'field:GT'] };
      const op = pick(cmpOps);
      const c = fn === 'N_PASS' ? String(Math.floor(r() * 5)) : pick(['0', '0.2', '0.4', '0.5', '0.8', '1']);
      return { s: `${fn}(${inner.s})${op}${c}`, c: [...inner.c, `fn:${fn}`, `cmp:${op === '=' ? '==' : op}`] };
    }
    if (kind < 0.92) {
      const k3 = r();
      if (k3 < 0.5) {
        const inner = pick(['GT="hom"', 'GT="het"', 'FMT/DP>20', 'GQ<30', 'AD[:1]>5']);
        return { s: `COUNT(${inner})${pick(cmpOps)}${Math.floor(r() * 5)}`, c: ['fn:COUNT'] };
      }
      const a = pick(['XI', 'XS', 'AO', 'FMT/DP', 'FMT/AD', 'DP4']);
      return { s: `count(${a})${pick(cmpOps)}${Math.floor(r() * 6)}`, c: ['fn:COUNT'] };
    }
    if (kind < 0.95) {
      const a = pick(['REF', 'ALT', 'ALT[0]', 'S1', 'XS', 'XS[*]', 'CHROM', 'INFO/S1']);
      return { s: `strlen(${a})${pick(cmpOps)}${Math.floor(r() * 6)}`, c: ['fn:STRLEN'] };
    }
    if (kind < 0.975) {
      const a = pick(['binom(FMT/AD)', 'binom(AD[:0],AD[:1])', 'phred(binom(AD))', 'binom(INFO/DP4[0],INFO/DP4[1])', 'phred(FMT/GQ)', 'binom(FMT/AD[:0],FMT/AD[:1])']);
      const fnc = a.startsWith('phred') ? ['fn:PHRED', ...(a.includes('binom') ? ['fn:BINOM'] : [])] : ['fn:BINOM'];
      const isPhred = a.startsWith('phred');
      const c = isPhred ? pick(['0', '1', '3', '10', '-5']) : pick(['0.01', '0.05', '0.5', '1']);
      return { s: `${a}${pick(['<', '>', '<=', '>=', '=='])}${c}`, c: fnc, sample: !a.includes('INFO/') };
    }
    const fl = pick(['DB', 'SOMATIC', 'INFO/DB']);
    return { s: `${fl}=${pick(['0', '1'])}`, c: ['field:Flag'] };
  };

  const out: GenExpr[] = [];
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const c of expressionConstructs()) counts.set(c, 0);
  const add = (p: Part) => {
    seen.add(p.s);
    const c = [...new Set(p.c)];
    out.push({ expr: p.s, constructs: c });
    for (const x of c) counts.set(x, (counts.get(x) ?? 0) + 1);
  };
  // a random share first, then keep only expressions that use a construct seen fewer than `min` times
  const min = 10;
  for (let tries = 0; out.length < Math.floor(n * 0.4) && tries < n * 50; tries++) {
    const p = predicate(2);
    if (!seen.has(p.s)) add(p);
  }
  for (let tries = 0; tries < 200_000 && [...counts.values()].some((v) => v < min); tries++) {
    const p = predicate(2);
    if (seen.has(p.s)) continue;
    if ([...new Set(p.c)].some((x) => (counts.get(x) ?? 0) < min)) add(p);
  }
  for (let tries = 0; out.length < n && tries < n * 50; tries++) {
    const p = predicate(2);
    if (!seen.has(p.s)) add(p);
  }
  return out;
}

function SMPL_ONE(s: string): boolean {
  return /^(FMT\/DP|FORMAT\/GQ|GQ|AD\[:[01]\]|FMT\/AD\[\*:1\]|FMT\/GL\[:0\]|VAF\[:0\])$/.test(s);
}

/**
 * The constructs the coverage assertion requires (each at least 10 times): every comparison,
 * logical and arithmetic operator, every function, every field class and subscript form, every GT
 * keyword class, missing-value and regex forms.
 */
export function expressionConstructs(): string[] {
  return [
    ...['+', '-', '*', '/', '%'].map((o) => `arith:${o}`),
    ...['==', '!=', '<', '<=', '>', '>=', 'field-field'].map((o) => `cmp:${o}`),
    ...['&&', '||', '&', '|', 'unary-'].map((o) => `op:${o}`),
    'paren', 'missing:"."',
    ...['~', '!~', '/i'].map((o) => `regex:${o}`),
    ...['==', '!='].map((o) => `strcmp:${o}`),
    ...['==', '!=', '~', '!~'].map((o) => `filter:${o}`),
    ...['==', '!=', '~', '!~'].map((o) => `type:${o}`),
    ...['MAX', 'MIN', 'AVG', 'MEDIAN', 'STDEV', 'SUM', 'ABS', 'STRLEN', 'BINOM', 'PHRED', 'COUNT', 'N_PASS', 'F_PASS',
      'SMPL_MAX', 'SMPL_MIN', 'SMPL_AVG', 'SMPL_MEDIAN', 'SMPL_STDEV', 'SMPL_SUM'].map((f) => `fn:${f}`),
    ...['QUAL', 'POS', 'CHROM', 'REF', 'ALT', 'ID', 'FILTER', 'TYPE', 'INFO-int', 'INFO-float', 'INFO-vector', 'INFO-string',
      'INFO-string-vector', 'Flag', 'FMT-int', 'FMT-float', 'FMT-vector', 'FMT-string', 'GT'].map((f) => `field:${f}`),
    ...['N_ALT', 'N_SAMPLES', 'N_MISSING', 'F_MISSING', 'ILEN', 'AC', 'AN', 'AF', 'MAF', 'MAC'].map((v) => `var:${v}`),
    ...['[i]', '[*]', '[list]', '[range]', '[sample]', '[sample-range]', '[sample-list]', '[:i]', '[*:i]', '[s:i]', '[s:]'].map((x) => `sub:${x}`),
    ...['het', 'hom', 'alt', 'ref', 'mis', 'hap', 'rr', 'ra', 'aa', 'r', 'a', 'string', 'regex'].map((g) => `gt:${g}`),
  ];
}

/** count constructs across expressions */
export function constructCounts(list: GenExpr[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of list) for (const c of e.constructs) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
}
