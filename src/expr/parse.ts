/**
 * Parser of bcftools filter expressions: tokenizer, shunting-yard conversion to reverse-Polish
 * order with bcftools' precedences, token initialisation against the VCF header, and bcftools'
 * post-processing (TYPE/GT/FILTER keywords, "." as missing, regex compilation).
 *
 * Errors are ExprError values carrying the column and a caret line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { VcfHeader } from '../vcf/header.js';
import { ExprError, T, OP_PREC, Tok, MISS } from './types.js';
import { compileBcftoolsRegex } from './parse-regex.js';
import { strtod } from './eval-record.js';
import * as S from './eval.js';
import * as F from './functions.js';

export interface ParseOptions {
  /** treat tags missing from the header as always-missing values instead of failing */
  allowUndefTags?: boolean;
  /** names of the samples the filter sees, in order (default: the header's) */
  sampleNames?: string[];
}

export interface ParsedFilter {
  rpn: Tok[];
  /** the expression reads FORMAT data (bcftools BCF_UN_FMT): per-sample results are meaningful */
  hasFormat: boolean;
  nsmpl: number;
  warnings: string[];
  undefTags: string[];
}

interface RawTok {
  type: number; // T.* or negative for variable-argument functions
  start: number;
  len: number;
  /** for operators: how many characters were consumed */
  adv: number;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function startsI(s: string, pos: number, word: string, n = word.length): boolean {
  return s.substr(pos, n).toUpperCase() === word.slice(0, n).toUpperCase() && s.length - pos >= n;
}

/** strtod prefix length at s[pos..] (0 when not a number) */
function numberPrefix(s: string, pos: number): number {
  const m = /^(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s.slice(pos));
  if (!m) return 0;
  // strtod accepts "1e" as "1" only when the exponent has digits
  return m[0].length;
}

const FUNCS: Array<[string, number]> = [
  ['SMPL_COUNT(', T.sCOUNT], ['SMPL_MAX(', T.sMAX], ['SMPL_MIN(', T.sMIN], ['SMPL_MEAN(', T.sAVG], ['SMPL_MEDIAN(', T.sMEDIAN],
  ['SMPL_AVG(', T.sAVG], ['SMPL_STDEV(', T.sSTDEV], ['SMPL_SUM(', T.sSUM],
  ['sCOUNT(', T.sCOUNT], ['sMAX(', T.sMAX], ['sMIN(', T.sMIN], ['sMEAN(', T.sAVG], ['sMEDIAN(', T.sMEDIAN], ['sAVG(', T.sAVG],
  ['sSTDEV(', T.sSTDEV], ['sSUM(', T.sSUM],
  ['MAX(', T.MAX], ['MIN(', T.MIN], ['MEAN(', T.AVG], ['MEDIAN(', T.MEDIAN], ['AVG(', T.AVG], ['STDEV(', T.STDEV],
  ['SUM(', T.SUM], ['ABS(', T.ABS],
];

/** bcftools filters_next_token */
function nextToken(s: string, pos: number, expr: string): RawTok & { pos: number } {
  let p = pos;
  while (p < s.length && isSpace(s[p])) p++;
  const start = p;
  const tok = (type: number, len: number, adv: number) => ({ type, start, len, adv, pos: start + adv });
  if (p >= s.length) return tok(T.VAL, 0, 0);
  if (isDigit(s[p]) || s[p] === '.') {
    const n = numberPrefix(s, p);
    if (n > 0 && (p + n >= s.length || !isAlnum(s[p + n]))) return tok(T.VAL, n, n);
  }
  for (const [name, type] of FUNCS) {
    if (startsI(s, p, name)) return tok(type, name.length - 1, name.length - 1);
  }
  // COUNT( is matched on its first four letters in bcftools
  if (startsI(s, p, 'COUNT(', 4)) return tok(T.CNT, 5, 5);
  if (startsI(s, p, 'STRLEN(')) return tok(T.LEN, 6, 6);
  if (startsI(s, p, 'BINOM(')) return tok(-T.BINOM, 5, 5);
  if (startsI(s, p, 'PHRED(')) return tok(T.PHRED, 5, 5);
  for (const name of ['%MAX(', '%MIN(', '%AVG(', '%SUM(']) {
    if (startsI(s, p, name)) {
      const type = name === '%MAX(' ? T.MAX : name === '%MIN(' ? T.MIN : name === '%AVG(' ? T.AVG : T.SUM;
      return tok(type, 4, 4);
    }
  }
  let q = p;
  if (startsI(s, q, 'INFO/')) q += 5;
  if (startsI(s, q, 'FORMAT/')) q += 7;
  if (startsI(s, q, 'FMT/')) q += 4;
  if (startsI(s, q, 'PERL.')) {
    throw new ExprError('EXPR_UNSUPPORTED', 'perl functions are not supported', expr, q, 5);
  }
  if (startsI(s, q, 'N_PASS(') || startsI(s, q, 'F_PASS(')) return { type: -T.FUNC, start: q, len: 6, adv: q + 6 - start, pos: q + 6 };
  if (startsI(s, q, '%ILEN')) return tok(T.VAL, 5, 5);
  if (s[q] === '{') {
    const m = /^\{(?:|str|int|float)\}/i.exec(s.slice(q));
    if (m) throw new ExprError('EXPR_UNSUPPORTED', `external values ${m[0]} are not supported on the command line`, expr, q, m[0].length);
  }
  if (s[q] === '@') {
    while (q < s.length && !isSpace(s[q]) && s[q] !== '=' && s[q] !== '!') q++;
    return tok(T.VAL, q - start, q - start);
  }
  let sq = 0;
  while (q < s.length) {
    const c = s[q];
    if (!sq) {
      if (c === '"' || c === "'" || isSpace(c) || c === '<' || c === '>' || c === '=' || c === '!' || c === '&' || c === '|'
        || c === '(' || c === ')' || c === '+' || c === '*' || c === '-' || c === '/' || c === '~' || c === '%') break;
    }
    if (c === ']') { if (sq) q++; break; }
    if (c === '[') sq++;
    q++;
  }
  if (q > start) return tok(T.VAL, q - start, q - start);
  const c = s[q];
  if (c === '"' || c === "'") {
    let e = q + 1;
    while (e < s.length && s[e] !== c) e++;
    if (e >= s.length) throw new ExprError('EXPR_SYNTAX', 'missing closing quote', expr, q, s.length - q);
    return tok(T.VAL, e - start + 1, e - start + 1);
  }
  const c1 = s[q + 1];
  if (c === '!') {
    if (c1 === '=') return tok(T.NE, 0, 2);
    if (c1 === '~') return tok(T.NLIKE, 0, 2);
    throw new ExprError('EXPR_SYNTAX', 'unary "!" is not part of the bcftools expression language (use != or !~, or -e to negate)', expr, q, 1);
  }
  if (c === '<') return c1 === '=' ? tok(T.LE, 0, 2) : tok(T.LT, 0, 1);
  if (c === '>') return c1 === '=' ? tok(T.BE, 0, 2) : tok(T.BT, 0, 1);
  if (c === '=') return c1 === '=' ? tok(T.EQ, 0, 2) : tok(T.EQ, 0, 1);
  if (c === '(') return tok(T.LFT, 0, 1);
  if (c === ')') return tok(T.RGT, 0, 1);
  if (c === '&') return c1 === '&' ? tok(T.AND_VEC, 0, 2) : tok(T.AND, 0, 1);
  if (c === '|') return c1 === '|' ? tok(T.OR_VEC, 0, 2) : tok(T.OR, 0, 1);
  if (c === '+') return tok(T.ADD, 0, 1);
  if (c === '-') return tok(T.SUB, 0, 1);
  if (c === '*') return tok(T.MULT, 0, 1);
  if (c === '/') return tok(T.DIV, 0, 1);
  if (c === '~') return tok(T.LIKE, 0, 1);
  if (c === '%') return tok(T.MODULO, 0, 1);
  return tok(T.VAL, 0, 0);
}

/** ~, ~user and $VAR expansion of @file names, as bcftools expand_path */
function expandPath(p: string): string {
  if (p.startsWith('~')) {
    if (p.length === 1 || p[1] === '/') return os.homedir() + p.slice(1);
    return p;
  }
  if (p.startsWith('$')) {
    const v = process.env[p.slice(1)];
    if (v !== undefined) return v;
  }
  return p;
}

function readList(file: string): string[] | null {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  } catch {
    return null;
  }
}

/** parse_idxs: "", "*", "GT", "3", "0,2-4", "1-" */
function parseIdxs(s: string): { idx: number; idxs: number[] | null } | null {
  if (s === '' || s === '*') return { idx: -2, idxs: [-1] };
  if (s === 'GT') return { idx: -3, idxs: [-1] };
  if (/^\d+$/.test(s)) return { idx: Number(s), idxs: null };
  const idxs: number[] = [];
  let ibeg = -1;
  let i = 0;
  while (i < s.length) {
    const m = /^\d+/.exec(s.slice(i));
    if (!m) return null;
    const num = Number(m[0]);
    i += m[0].length;
    const end = s[i];
    if (end === ',') i++;
    else if (end === undefined) { /* done */ }
    else if (end === '-') { i++; ibeg = num; continue; }
    else return null;
    while (idxs.length <= num) idxs.push(0);
    if (ibeg >= 0) {
      for (let k = ibeg; k <= num; k++) idxs[k] = 1;
      ibeg = -1;
    }
    idxs[num] = 1;
  }
  if (ibeg >= 0) {
    while (idxs.length <= ibeg) idxs.push(0);
    idxs[ibeg] = -1;
  }
  if (!idxs.length) return null;
  return { idx: -2, idxs };
}

interface Ctx {
  header: VcfHeader;
  expr: string;
  nsmpl: number;
  sampleNames: string[];
  opts: ParseOptions;
  hasFormat: boolean;
  undef: string[];
}

function err(ctx: Ctx, msg: string, tok: { col: number; len: number } | null, code = 'EXPR_SYNTAX'): ExprError {
  return tok ? new ExprError(code, msg, ctx.expr, tok.col, tok.len) : new ExprError(code, msg, ctx.expr);
}

function allSamples(n: number): Uint8Array {
  return new Uint8Array(n).fill(1);
}

/** parse_tag_idx: subscripts of INFO/FORMAT tags, with sample selection for FORMAT */
function parseTagIdx(ctx: Ctx, isFmt: boolean, tag: string, sub: string, tok: Tok, number: string): void {
  const bad = (why: string) => err(ctx, why, tok);
  const colon = sub.lastIndexOf(':');
  let setSamples: { idx: number; idxs: number[] | null } | null = null;
  if (sub.startsWith('@')) {
    if (!isFmt) throw bad(`"${sub}": a sample list is given for a tag that is not a FORMAT tag`);
    let fname = expandPath(sub.slice(1));
    let list = readList(fname);
    let hasColon = false;
    if (!list && colon >= 0) {
      const p = parseIdxs(sub.slice(colon + 1));
      if (!p) throw bad(`could not parse the index "${sub}"`);
      tok.idx = p.idx;
      tok.idxs = p.idxs;
      fname = expandPath(sub.slice(1, colon));
      list = readList(fname);
      hasColon = true;
    }
    if (!list) throw err(ctx, `could not read the sample list "${fname}"`, tok, 'EXPR_FILE');
    tok.nsamples = ctx.nsmpl;
    tok.usmpl = new Uint8Array(ctx.nsmpl);
    for (const name of list) {
      const k = ctx.sampleNames.indexOf(name);
      if (k < 0) throw err(ctx, `no such sample in the VCF: "${name}"`, tok, 'EXPR_UNKNOWN_SAMPLE');
      tok.usmpl[k] = 1;
    }
    if (!hasColon) { tok.idx = -2; tok.idxs = [-1]; }
  } else if (colon >= 0) {
    if (!isFmt) throw bad(`could not parse the index "${sub}": not a FORMAT tag yet a sample index is given`);
    const p1 = parseIdxs(sub.slice(0, colon));
    const p2 = parseIdxs(sub.slice(colon + 1));
    if (!p1 || !p2) throw bad(`could not parse the index "${sub}"`);
    tok.idx = p2.idx;
    tok.idxs = p2.idxs;
    setSamples = p1;
  } else {
    const p1 = parseIdxs(sub);
    if (!p1) throw bad(`could not parse the index "${sub}"`);
    if (isFmt) {
      if (p1.idxs && p1.idxs.length === 1 && p1.idxs[0] === -1) {
        tok.idxs = [-1];
        tok.idx = p1.idx;
      } else if (number !== '1') {
        throw bad(`the FORMAT tag ${tag} can have multiple subfields, run as ${tag}[sample:subfield]`);
      } else tok.idx = 0;
      setSamples = p1;
    } else {
      tok.idx = p1.idx;
      tok.idxs = p1.idxs;
    }
  }
  if (setSamples) {
    tok.nsamples = ctx.nsmpl;
    const u = new Uint8Array(ctx.nsmpl);
    if (setSamples.idx >= 0) {
      if (setSamples.idx >= ctx.nsmpl) throw bad(`the sample index is too large: ${sub}`);
      u[setSamples.idx] = 1;
    } else {
      const ix = setSamples.idxs!;
      let i = 0;
      for (; i < ix.length; i++) {
        if (ix[i] === 0) continue;
        if (ix[i] === -1) break;
        if (i >= ctx.nsmpl) throw bad(`the sample index is too large: ${sub}`);
        u[i] = 1;
      }
      if (ix.length && ix[ix.length - 1] === -1) for (; i < ctx.nsmpl; i++) u[i] = 1;
    }
    tok.usmpl = u;
  }
  if (tok.idxs && tok.idxs.length && tok.idxs[tok.idxs.length - 1] !== -1) {
    tok.nuidxs = tok.idxs.reduce((a, x) => a + (x ? 1 : 0), 0);
  }
}

/** case-insensitive prefix match used by bcftools for the column names (strncasecmp(str, NAME, len)) */
function isName(str: string, name: string): boolean {
  if (!str.length || str.length > name.length) return false;
  return name.slice(0, str.length).toUpperCase() === str.toUpperCase();
}

/** bcftools filters_init1: a value token (constant, field, computed variable) */
function initValue(ctx: Ctx, text: string, col: number): Tok {
  const tok = new Tok(T.VAL, col, text.length);
  const h = ctx.header;
  const q = text[0];
  if (q === '"' || q === "'") {
    if (text.length < 2 || text[text.length - 1] !== q) throw err(ctx, 'missing closing quote', tok);
    tok.key = text.slice(1, -1);
    tok.isStr = true;
    tok.htype = 'String';
    if (tok.key === '.') tok.isMissing = true;
    return tok;
  }
  if (q === '@') {
    tok.tag = text;
    const fname = expandPath(text.slice(1));
    const list = readList(fname);
    if (!list) throw err(ctx, `could not read "${fname}"`, tok, 'EXPR_FILE');
    tok.hash = new Set(list.map((l) => l.split(/\s/)[0]));
    return tok;
  }
  let str = text;
  let isFmt = -1;
  if (startsI(str, 0, 'FMT/')) { str = str.slice(4); isFmt = 1; }
  else if (startsI(str, 0, 'FORMAT/')) { str = str.slice(7); isFmt = 1; }
  else if (startsI(str, 0, 'INFO/')) { str = str.slice(5); isFmt = 0; }
  else {
    if (isName(str, 'QUAL')) { tok.setter = S.setQual; tok.tag = 'QUAL'; tok.htype = 'Float'; return tok; }
    if (isName(str, 'TYPE')) { tok.setter = S.setType; tok.tag = 'TYPE'; tok.htype = 'String'; return tok; }
    if (isName(str, 'FILTER')) { tok.comparator = S.cmpFilter; tok.tag = 'FILTER'; tok.hl = 'FILTER'; tok.htype = 'String'; return tok; }
    if (isName(str, 'ID')) { tok.comparator = S.cmpId; tok.tag = 'ID'; tok.htype = 'String'; return tok; }
    if (isName(str, 'CHROM')) { tok.setter = S.setChrom; tok.tag = 'CHROM'; tok.isStr = true; tok.htype = 'String'; return tok; }
    if (isName(str, 'POS')) { tok.setter = S.setPos; tok.tag = 'POS'; tok.htype = 'Integer'; return tok; }
    if (isName(str, 'REF')) { tok.setter = S.setRef; tok.tag = 'REF'; tok.isStr = true; tok.htype = 'String'; return tok; }
    if (isName(str, 'ALT')) {
      tok.setter = S.setAlt; tok.tag = 'ALT'; tok.isStr = true; tok.htype = 'String';
      tok.idx = -2; tok.idxs = [-1];
      return tok;
    }
    if (isName(str, 'N_ALT')) { tok.setter = S.setNalt; tok.tag = 'N_ALT'; tok.htype = 'Integer'; return tok; }
    if (isName(str, 'N_SAMPLES')) { tok.isConstant = true; tok.threshold = ctx.nsmpl; tok.htype = 'Integer'; tok.tag = 'N_SAMPLES'; return tok; }
    if (isName(str, 'N_MISSING')) { ctx.hasFormat = true; tok.setter = S.setNmissing; tok.tag = 'N_MISSING'; tok.htype = 'Integer'; return tok; }
    if (isName(str, 'F_MISSING')) { ctx.hasFormat = true; tok.setter = S.setNmissing; tok.tag = 'F_MISSING'; tok.htype = 'Float'; return tok; }
  }
  // array subscript?
  let name = str;
  let sub: string | null = null;
  if (str.endsWith(']')) {
    const b = str.indexOf('[');
    if (b >= 0) { name = str.slice(0, b); sub = str.slice(b + 1, -1); }
  }
  const info = h.info.get(name);
  const fmt = h.format.get(name);
  const inDict = !!info || !!fmt || h.filter.has(name) || name === 'PASS';
  tok.inHeader = inDict;
  if (isFmt === -1) {
    if (inDict) {
      if (info && fmt) {
        throw err(ctx, `ambiguous filtering expression, both INFO/${name} and FORMAT/${name} are defined in the VCF header`, tok, 'EXPR_AMBIGUOUS_TAG');
      }
      isFmt = fmt ? 1 : 0;
    } else isFmt = 0;
  }
  if (sub !== null) {
    const number = isFmt ? (fmt?.number ?? '.') : (info?.number ?? '.');
    parseTagIdx(ctx, isFmt === 1, name, sub, tok, number);
    if (tok.idx === -3 && !(fmt && fmt.number === 'R')) throw err(ctx, 'GT subscripts can be used only with Number=R tags', tok);
  } else if (isFmt === 1 && !tok.nsamples) {
    tok.nsamples = ctx.nsmpl;
    tok.usmpl = allSamples(ctx.nsmpl);
  }
  tok.hl = isFmt ? 'FORMAT' : 'INFO';
  if (isFmt) ctx.hasFormat = true;
  if (inDict) {
    tok.tag = name;
    if (isFmt && name === 'GT') {
      tok.setter = S.setGenotypeString;
      tok.isStr = true;
      tok.htype = 'String';
      tok.number = '1';
      return tok;
    }
    if (isFmt) {
      if (!fmt) throw err(ctx, `no such FORMAT field: ${name}`, tok, 'EXPR_UNKNOWN_TAG');
      tok.number = fmt.number;
      tok.htype = fmt.type;
      if (fmt.number !== '1' && sub === null) { tok.idx = -2; tok.idxs = [-1]; }
      if (fmt.type === 'Integer') tok.setter = S.setFormatInt;
      else if (fmt.type === 'Float') tok.setter = S.setFormatFloat;
      else if (fmt.type === 'String' || fmt.type === 'Character') { tok.setter = S.setFormatString; tok.isStr = true; tok.htype = 'String'; }
      else throw err(ctx, `FORMAT/${name} has an unsupported type "${fmt.type}"`, tok, 'EXPR_UNKNOWN_TAG');
      return tok;
    }
    if (!info) throw err(ctx, `no such INFO field: ${name}`, tok, 'EXPR_UNKNOWN_TAG');
    tok.number = info.number;
    tok.htype = info.type;
    if (info.type === 'Flag') {
      tok.setter = S.setInfoFlag;
      tok.htype = 'Integer';
    } else {
      if (info.type === 'String' || info.type === 'Character') { tok.isStr = true; tok.htype = 'String'; }
      if (info.number === '1') tok.setter = S.setInfo;
      else {
        if (info.type === 'Integer') tok.setter = S.setInfoInt;
        else if (info.type === 'Float') tok.setter = S.setInfoFloat;
        else if (tok.isStr) tok.setter = S.setInfoString;
        else throw err(ctx, `INFO/${name} has an unsupported type "${info.type}"`, tok, 'EXPR_UNKNOWN_TAG');
        if (sub === null) { tok.idx = -2; tok.idxs = [-1]; }
      }
    }
    return tok;
  }
  const up = name.toUpperCase();
  if (up === 'ALT') { tok.setter = S.setAlt; tok.isStr = true; tok.htype = 'String'; tok.tag = 'ALT'; return tok; }
  if (up === 'AN') { ctx.hasFormat = true; tok.setter = S.setAn; tok.tag = 'AN'; tok.htype = 'Integer'; return tok; }
  if (up === 'AC') { ctx.hasFormat = true; tok.setter = S.setAc; tok.tag = 'AC'; tok.htype = 'Integer'; return tok; }
  if (up === 'MAC' || up === 'AF' || up === 'MAF') {
    if (!(h.info.has('AC') && h.info.has('AN'))) ctx.hasFormat = true;
    tok.setter = up === 'MAC' ? S.setMac : up === 'AF' ? S.setAf : S.setMaf;
    tok.tag = up;
    tok.htype = up === 'MAC' ? 'Integer' : 'Float';
    return tok;
  }
  if (up === 'ILEN' || up === '%ILEN') { tok.setter = S.setIlen; tok.tag = 'ILEN'; tok.htype = 'Integer'; return tok; }
  // a numeric constant?
  tok.isConstant = true;
  tok.tag = null;
  if (/^[+-]?\d+$/.test(name)) {
    tok.threshold = Number(name);
    tok.htype = 'Integer';
    return tok;
  }
  const full = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i.test(name);
  if (full) {
    tok.threshold = strtod(name);
    tok.htype = 'Float';
    return tok;
  }
  ctx.undef.push(name);
  if (!ctx.opts.allowUndefTags) {
    throw err(ctx, `the tag "${name}" is not defined in the VCF header`, tok, 'EXPR_UNKNOWN_TAG');
  }
  tok.isConstant = false;
  tok.tag = name;
  tok.setter = S.setUndefined;
  return tok;
}

/** Parse and initialise an expression against a header; throws ExprError. */
export function parseFilter(expr: string, header: VcfHeader, opts: ParseOptions = {}): ParsedFilter {
  const sampleNames = opts.sampleNames ?? header.samples;
  const ctx: Ctx = { header, expr, nsmpl: sampleNames.length, sampleNames, opts, hasFormat: false, undef: [] };
  const warnings: string[] = [];
  if (/^\s*perl:/i.test(expr)) throw new ExprError('EXPR_UNSUPPORTED', 'perl filters are not supported', expr, expr.indexOf('perl:'), 5);
  const out: Tok[] = [];
  const ops: Tok[] = [];
  let lastOp = -1;
  let pos = 0;
  for (;;) {
    const rt = nextToken(expr, pos, expr);
    const ret = rt.type;
    if (ret === T.LFT) {
      ops.push(new Tok(T.LFT, rt.start, 1));
    } else if (ret === T.RGT) {
      while (ops.length && ops[ops.length - 1].type !== T.LFT) out.push(ops.pop()!);
      if (!ops.length) throw err(ctx, 'unbalanced ")"', { col: rt.start, len: 1 });
      ops.pop();
    } else if (ret !== T.VAL) {
      let type = ret;
      if (type === T.SUB && lastOp !== T.VAL && lastOp !== T.RGT) {
        const m = new Tok(T.VAL, rt.start, 1);
        m.isConstant = true;
        m.threshold = -1;
        m.htype = 'Integer';
        out.push(m);
        type = T.MULT;
      } else if (type === -T.FUNC) {
        const f = new Tok(T.FUNC, rt.start, rt.len);
        const name = expr.substr(rt.start, 6).toUpperCase();
        f.tag = name;
        f.func = F.funcNpass;
        ctx.hasFormat = true;
        ops.push(f);
        pos = rt.pos;
        continue;
      } else if (type < 0) {
        // binom(): arguments up to the first ')', split on commas, each a plain value
        type = -type;
        const open = rt.pos;
        if (expr[open] !== '(') throw err(ctx, 'expected "(" after binom', { col: rt.start, len: rt.len });
        const close = expr.indexOf(')', open);
        if (close < 0) throw err(ctx, 'binom(...) is not closed', { col: rt.start, len: expr.length - rt.start });
        const inner = expr.slice(open + 1, close);
        const args = inner.length ? inner.split(',') : [];
        let off = open + 1;
        for (const a of args) {
          out.push(initValue(ctx, a, off));
          off += a.length + 1;
        }
        const b = new Tok(T.FUNC, rt.start, close + 1 - rt.start);
        b.nargs = args.length;
        b.tag = 'BINOM';
        b.func = F.funcBinom;
        if (b.nargs !== 1 && b.nargs !== 2) throw err(ctx, 'binom() takes one or two arguments', b);
        out.push(b);
        pos = close + 1;
        continue;
      } else {
        while (ops.length && OP_PREC[type] < OP_PREC[ops[ops.length - 1].type]) out.push(ops.pop()!);
      }
      const opTok = new Tok(type, rt.start, Math.max(1, rt.adv));
      ops.push(opTok);
      lastOp = type;
      pos = rt.pos;
      continue;
    } else if (!rt.len) {
      let p = rt.pos;
      while (p < expr.length && isSpace(expr[p])) p++;
      if (p < expr.length) throw err(ctx, `could not parse the expression near "${expr.slice(p, p + 10)}"`, { col: p, len: 1 });
      break;
    } else {
      let text = expr.substr(rt.start, rt.len);
      if (text.endsWith(',')) text = text.slice(0, -1);
      out.push(initValue(ctx, text, rt.start));
    }
    lastOp = ret;
    pos = rt.pos;
  }
  while (ops.length) {
    const o = ops.pop()!;
    if (o.type === T.LFT || o.type === T.RGT) throw err(ctx, 'unbalanced "("', o);
    out.push(o);
  }
  if (!out.length) throw new ExprError('EXPR_SYNTAX', 'empty expression', expr);
  postProcess(ctx, out, warnings);
  const rpn = out;
  assignFunctions(ctx, rpn);
  checkStack(ctx, rpn);
  // result shapes are decided at run time, as bcftools does (see eval.ts initSamples); every token
  // gets pass flags when the expression reads FORMAT data
  for (const t of rpn) {
    if (t.type !== T.VAL) { t.nsamples = 0; t.usmpl = null; }
    t.passSamples = ctx.hasFormat ? new Uint8Array(ctx.nsmpl) : null;
  }
  return { rpn, hasFormat: ctx.hasFormat, nsmpl: ctx.nsmpl, warnings, undefTags: ctx.undef };
}

/** bcftools' post-processing walk over the reverse-Polish tokens */
function postProcess(ctx: Ctx, out: Tok[], warnings: string[]): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const t = out[i];
    if (i + 1 < n && (t.type === T.LT || t.type === T.BT) && out[i + 1].type === T.EQ) {
      throw err(ctx, 'could not parse the expression ("< =" or "> =")', t);
    }
    if (t.hash) {
      const j = i + 1 < n && out[i + 1].type === T.VAL ? i + 1 : i - 1;
      const o = out[j];
      if (!o) throw err(ctx, '"@file" must be compared with a tag', t);
      if (o.comparator !== S.cmpId) {
        if (o.comparator) throw err(ctx, 'could not parse the expression with "@file_name" syntax', t);
        o.comparator = S.cmpStringHash;
      }
    }
    if (t.type === T.OR || t.type === T.OR_VEC) { t.func = S.logicOr; t.nargs = 2; }
    if (t.type === T.AND || t.type === T.AND_VEC) { t.func = S.logicAnd; t.nargs = 2; }
    if ((t.type === T.EQ || t.type === T.NE) && i >= 2) {
      let j = i - 1, k = i - 2;
      if (!out[j].isStr) { k = i - 1; j = i - 2; }
      const sj = out[j], sk = out[k];
      if (sj.isStr && sj.key === '.') {
        let setMissing = false;
        if (sk.inHeader && sk.type === T.VAL && sk.tag && sk.tag !== 'PASS') {
          const def = sk.hl === 'FORMAT' ? ctx.header.format.get(sk.tag) : ctx.header.info.get(sk.tag);
          if (def && (def.type === 'Integer' || def.type === 'Float')) setMissing = true;
        } else if (sk.tag === 'QUAL' && sk.type === T.VAL) setMissing = true;
        else if (sk.setter === S.setUndefined) setMissing = true;
        if (setMissing) {
          sj.isStr = false;
          sj.isMissing = true;
          sj.values[0] = MISS;
        }
      }
    }
    if (t.type === T.LIKE || t.type === T.NLIKE) {
      const j = out[i - 1];
      if (!j || j.key === null) throw err(ctx, 'wrong value for the regex operator: the right-hand side must be a quoted string', t);
      try {
        j.regex = compileBcftoolsRegex(j.key).regex;
      } catch (e) {
        throw err(ctx, `could not compile the regex expression "${j.key}": ${(e as Error).message}`, j, 'EXPR_REGEX');
      }
    }
    if (t.isStr && t.type === T.VAL && t.key !== null && t.key.indexOf(',') >= 0) {
      const a = out[i + 1], b = out[i + 2];
      if ((a && (a.type === T.EQ || a.type === T.NE)) || (a && a.isStr && b && (b.type === T.EQ || b.type === T.NE))) {
        const w = 'comma is interpreted as a separator and OR logic is used in string comparisons (search the bcftools manual for "Comma in strings")';
        if (!warnings.includes(w)) warnings.push(w);
      }
    }
    if (t.type !== T.VAL || !t.tag) continue;
    if (t.setter === S.setType) {
      const a = out[i + 1];
      if (!a || a.key === null) throw err(ctx, 'TYPE must be compared with a quoted type name, e.g. TYPE="snp"', t);
      let itok: number, ival: number;
      const ty = (k: number) => out[k]?.type;
      if (ty(i + 1) === T.EQ || ty(i + 1) === T.NE || ty(i + 1) === T.LIKE || ty(i + 1) === T.NLIKE) { ival = i - 1; itok = i + 1; }
      else if (ty(i + 2) === T.EQ || ty(i + 2) === T.NE || ty(i + 2) === T.LIKE || ty(i + 2) === T.NLIKE) { itok = i + 2; ival = i + 1; }
      else throw err(ctx, 'TYPE must be compared with ==, !=, ~ or !~', t);
      const v = out[ival];
      if (!v || v.key === null) throw err(ctx, 'TYPE must be compared with a quoted type name', t);
      const key = v.key.toLowerCase();
      const codes: Record<string, number> = {
        snp: 1 << 1, snps: 1 << 1, indel: 4 << 1, indels: 4 << 1, mnp: 2 << 1, mnps: 2 << 1, other: 8 << 1, bnd: 16 << 1, overlap: 32 << 1, ref: 1,
      };
      if (!(key in codes)) throw err(ctx, `the type "${v.key}" is not recognised (snp, mnp, indel, ref, bnd, other, overlap)`, v, 'EXPR_BAD_VALUE');
      v.threshold = codes[key];
      v.isStr = false;
      v.isConstant = true;
      v.tag = v.key;
      v.key = null;
      const op = out[itok];
      if (op.type === T.LIKE || op.type === T.NLIKE) op.comparator = S.cmpBitAnd;
      i = itok;
      continue;
    }
    if (t.tag === 'GT' && t.hl === 'FORMAT') {
      const ty = (k: number) => out[k]?.type;
      let ival: number;
      let iop: number;
      if (i + 1 === n) throw err(ctx, 'GT must be compared with a value, e.g. GT="het"', t);
      if (ty(i + 1) === T.EQ || ty(i + 1) === T.NE || ty(i + 1) === T.LIKE || ty(i + 1) === T.NLIKE) { ival = i - 1; iop = i + 1; }
      else if (ty(i + 2) === T.EQ || ty(i + 2) === T.NE || ty(i + 2) === T.LIKE || ty(i + 2) === T.NLIKE) { ival = i + 1; iop = i + 2; }
      else throw err(ctx, 'GT must be compared with ==, !=, ~ or !~', t);
      const v = out[ival];
      if (!v || v.key === null) throw err(ctx, 'comparison between samples is not supported', t);
      const k = v.key;
      const low = k.toLowerCase();
      if (low === 'hom' || low === 'het' || low === 'hap') { t.setter = S.setGenotype3; v.key = low; }
      else if (low === 'mis' || low === 'ref' || low === 'alt') { t.setter = S.setGenotype4; v.key = low; }
      else if (low === 'rr') { t.setter = S.setGenotype2; v.key = 'rr'; }
      else if (low === 'ra' || low === 'ar') { t.setter = S.setGenotype2; v.key = 'ra'; }
      else if (k === 'aA' || k === 'Aa') { t.setter = S.setGenotype2; v.key = 'aA'; }
      else if (low === 'aa') { t.setter = S.setGenotype2; v.key = 'aa'; }
      else if (low === 'a') { t.setter = S.setGenotype2; v.key = 'a'; }
      else if (low === 'r') { t.setter = S.setGenotype2; v.key = 'r'; }
      // GT=="class" and GT!="class" between GT and the constant: compared without strings
      const op = out[iop];
      const cls = t.setter === S.setGenotype2 ? 2 : t.setter === S.setGenotype3 ? 3 : t.setter === S.setGenotype4 ? 4 : 0;
      if (cls && (op.type === T.EQ || op.type === T.NE) && v.key.indexOf(',') < 0 && (iop === i + 1 ? ival === i - 1 : ival === i + 1)) {
        t.gtClass = cls;
        t.setter = S.setGenotypePresence;
        op.comparator = S.cmpGtClass;
      }
      continue;
    }
    if (t.hl === 'FILTER') {
      if (i + 1 === n) throw err(ctx, 'FILTER must be compared with a quoted value, e.g. FILTER="PASS"', t);
      const ty = (k: number) => out[k]?.type;
      let ival: number;
      let opi: number;
      if (ty(i + 1) === T.EQ || ty(i + 1) === T.NE) { ival = i - 1; opi = i + 1; }
      else if (ty(i + 1) === T.LIKE) { out[i + 1].type = T.IN; ival = i - 1; opi = i + 1; }
      else if (ty(i + 1) === T.NLIKE) { out[i + 1].type = T.NOT_IN; ival = i - 1; opi = i + 1; }
      else if (ty(i + 2) === T.EQ || ty(i + 2) === T.NE) { ival = i + 1; opi = i + 2; }
      else if (ty(i + 2) === T.LIKE) { out[i + 2].type = T.IN; ival = i + 1; opi = i + 2; }
      else if (ty(i + 2) === T.NLIKE) { out[i + 2].type = T.NOT_IN; ival = i + 1; opi = i + 2; }
      else throw err(ctx, 'FILTER must be compared with ==, !=, ~ or !~', t);
      void opi;
      const v = out[ival];
      if (!v || v.type !== T.VAL || v.key === null) throw err(ctx, 'FILTER must be compared with a quoted value (an unquoted string perhaps?)', t);
      const names: string[] = [];
      let hasMissing = false;
      for (const part of v.key.split(';')) {
        if (part === '.') { hasMissing = true; continue; }
        if (!ctx.header.filter.has(part) && part !== 'PASS') {
          throw err(ctx, `the filter "${part}" is not present in the VCF header`, v, 'EXPR_UNKNOWN_FILTER');
        }
        names.push(part);
      }
      if (hasMissing && names.length) throw err(ctx, `the FILTER expression cannot contain missing value AND filters: "${v.key}"`, v, 'EXPR_BAD_VALUE');
      v.filterNames = names;
      v.tag = v.key;
      v.key = null;
      v.isStr = false;
      if (i + 1 < n && out[i + 1] === v) i++;
      continue;
    }
  }
}

/** map function tokens to their implementations */
function assignFunctions(ctx: Ctx, out: Tok[]): void {
  for (const t of out) {
    const m: Record<number, typeof F.funcMax> = {
      [T.MAX]: F.funcMax, [T.MIN]: F.funcMin, [T.AVG]: F.funcAvg, [T.MEDIAN]: F.funcMedian, [T.STDEV]: F.funcStdev,
      [T.SUM]: F.funcSum, [T.ABS]: F.funcAbs, [T.CNT]: F.funcCount, [T.LEN]: F.funcStrlen, [T.PHRED]: F.funcPhred,
      [T.sMAX]: F.funcSmplMax, [T.sMIN]: F.funcSmplMin, [T.sAVG]: F.funcSmplAvg, [T.sMEDIAN]: F.funcSmplMedian,
      [T.sSTDEV]: F.funcSmplStdev, [T.sSUM]: F.funcSmplSum, [T.sCOUNT]: F.funcSmplCount,
    };
    const f = m[t.type];
    if (f) {
      t.tag = FUNC_NAMES[t.type] ?? null;
      t.func = f;
      t.type = T.FUNC;
      t.nargs = 1;
    } else if (t.type === T.FUNC && !t.nargs) t.nargs = 1;
  }
  void ctx;
}

const FUNC_NAMES: Record<number, string> = {
  [T.MAX]: 'MAX', [T.MIN]: 'MIN', [T.AVG]: 'AVG', [T.MEDIAN]: 'MEDIAN', [T.STDEV]: 'STDEV', [T.SUM]: 'SUM', [T.ABS]: 'ABS',
  [T.CNT]: 'COUNT', [T.LEN]: 'STRLEN', [T.PHRED]: 'PHRED', [T.sMAX]: 'SMPL_MAX', [T.sMIN]: 'SMPL_MIN', [T.sAVG]: 'SMPL_AVG',
  [T.sMEDIAN]: 'SMPL_MEDIAN', [T.sSTDEV]: 'SMPL_STDEV', [T.sSUM]: 'SMPL_SUM', [T.sCOUNT]: 'SMPL_COUNT',
};

const ARITH = new Set<number>([T.ADD, T.SUB, T.MULT, T.DIV, T.MODULO]);
const CMP = new Set<number>([T.EQ, T.NE, T.LT, T.LE, T.BT, T.BE, T.LIKE, T.NLIKE, T.IN, T.NOT_IN]);

/**
 * Simulate the evaluation stack once: operand counts, string/number mixing and the static shape
 * (per-sample or site) of every result, so that problems bcftools reports on the first record
 * are reported before reading any data.
 */
function checkStack(ctx: Ctx, out: Tok[]): void {
  const st: Tok[] = [];
  for (const t of out) {
    if (t.type === T.VAL) { st.push(t); continue; }
    if (t.func === S.logicOr || t.func === S.logicAnd) {
      if (st.length < 2) throw err(ctx, `missing operand for "${opText(ctx, t)}"`, t);
      const b = st.pop()!, a = st.pop()!;
      shapeBinary(ctx, t, a, b);
      st.push(t);
      continue;
    }
    if (t.func) {
      const nargs = t.nargs || 1;
      if (st.length < nargs) throw err(ctx, `missing argument for ${t.tag ?? 'function'}`, t);
      const args = st.splice(st.length - nargs, nargs);
      shapeFunction(ctx, t, args);
      st.push(t);
      continue;
    }
    if (st.length < 2) throw err(ctx, `missing operand for "${opText(ctx, t)}"`, t);
    const b = st.pop()!, a = st.pop()!;
    shapeBinary(ctx, t, a, b);
    st.push(t);
  }
  if (st.length !== 1) {
    const extra = st[1] ?? st[0];
    throw err(ctx, 'could not parse the expression: an operator is missing between values', extra);
  }
}

function opText(ctx: Ctx, t: Tok): string {
  return ctx.expr.substr(t.col, t.len) || '?';
}

function orSamples(a: Tok, b: Tok, n: number): Uint8Array {
  const u = new Uint8Array(n);
  for (let i = 0; i < n; i++) u[i] = (a.usmpl && a.nsamples ? a.usmpl[i] : 0) | (b.usmpl && b.nsamples ? b.usmpl[i] : 0);
  return u;
}

function shapeBinary(ctx: Ctx, t: Tok, a: Tok, b: Tok): void {
  const n = ctx.nsmpl;
  if (t.func === S.logicOr || t.func === S.logicAnd) {
    t.nargs = 2;
    if (a.nsamples || b.nsamples) { t.nsamples = n; t.usmpl = orSamples(a, b, n); }
    allocPass(t);
    return;
  }
  if (ARITH.has(t.type)) {
    if (a.isStr || b.isStr) throw err(ctx, 'arithmetic operators cannot be applied to strings', t, 'EXPR_TYPE');
    if (a.nsamples || b.nsamples) { t.nsamples = n; t.usmpl = orSamples(a, b, n); }
    allocPass(t);
    return;
  }
  if (!CMP.has(t.type)) throw err(ctx, 'unexpected operator', t);
  const comparator = t.comparator ?? b.comparator ?? a.comparator;
  if (comparator) {
    if (comparator === S.cmpGtClass) {
      t.nsamples = n;
      t.usmpl = orSamples(a, b, n);
    } else if (comparator === S.cmpStringHash) {
      const x = a.hash ? b : a;
      if (t.type !== T.EQ && t.type !== T.NE) throw err(ctx, 'only == and != are supported for strings read from a file', t, 'EXPR_TYPE');
      if (x.nsamples) { t.nsamples = n; t.usmpl = orSamples(a, b, n); }
    } else if (comparator === S.cmpFilter) {
      if (!([T.EQ, T.NE, T.IN, T.NOT_IN] as number[]).includes(t.type)) throw err(ctx, 'only ==, !=, ~ and !~ are supported for FILTER', t, 'EXPR_TYPE');
    } else if (comparator === S.cmpId) {
      const other = a.comparator === S.cmpId ? b : a;
      if (other.hash) {
        if (t.type !== T.EQ && t.type !== T.NE) throw err(ctx, 'only == and != are supported for strings read from a file', t, 'EXPR_TYPE');
      } else if (!([T.EQ, T.NE, T.LIKE, T.NLIKE] as number[]).includes(t.type)) {
        throw err(ctx, 'only ==, !=, ~ and !~ are supported for ID', t, 'EXPR_TYPE');
      } else if (!other.isStr) throw err(ctx, 'ID must be compared with a quoted string', t, 'EXPR_TYPE');
    }
    allocPass(t);
    return;
  }
  const nstr = (a.isStr ? 1 : 0) + (b.isStr ? 1 : 0);
  if (nstr === 2) {
    if (a.nsamples && b.nsamples) throw err(ctx, 'comparing two per-sample strings is not supported', t, 'EXPR_TYPE');
    if (t.type !== T.EQ && t.type !== T.NE && t.type !== T.LIKE && t.type !== T.NLIKE) {
      throw err(ctx, `strings can be compared only with ==, !=, ~ and !~, not "${opText(ctx, t)}"`, t, 'EXPR_TYPE');
    }
  } else if (nstr === 1) {
    throw err(ctx, 'cannot use arithmetic operators to compare strings and numbers', t, 'EXPR_TYPE');
  } else if (t.type === T.LIKE || t.type === T.NLIKE) {
    throw err(ctx, 'the regex operators ~ and !~ need a string on the left', t, 'EXPR_TYPE');
  }
  if (a.nsamples || b.nsamples) {
    t.nsamples = n;
    if (a.nsamples && b.nsamples && nstr === 0) {
      const u = new Uint8Array(n);
      for (let i = 0; i < n; i++) u[i] = a.usmpl![i] & b.usmpl![i];
      t.usmpl = u;
    } else t.usmpl = orSamples(a, b, n);
  }
  allocPass(t);
}

function shapeFunction(ctx: Ctx, t: Tok, args: Tok[]): void {
  const a = args[0];
  const n = ctx.nsmpl;
  switch (t.func) {
    case F.funcSmplMax: case F.funcSmplMin: case F.funcSmplAvg: case F.funcSmplMedian: case F.funcSmplStdev:
    case F.funcSmplSum: case F.funcSmplCount:
      if (a.nsamples) { t.nsamples = a.nsamples; t.usmpl = a.usmpl; }
      break;
    case F.funcAbs: case F.funcPhred:
      if (a.isStr) throw err(ctx, `${t.tag}() can be applied only on numeric values`, t, 'EXPR_TYPE');
      t.nsamples = a.nsamples;
      t.usmpl = a.usmpl;
      break;
    case F.funcBinom:
      if (a.nsamples) { t.nsamples = a.nsamples; t.usmpl = a.usmpl; }
      break;
    case F.funcNpass:
      if (!a.nsamples) throw err(ctx, `the function ${t.tag} works with FORMAT fields`, t, 'EXPR_TYPE');
      break;
    case F.funcCount:
      if (a.tag && a.nsamples && a.type === T.VAL && a.isStr) throw err(ctx, 'COUNT() of a String FORMAT field is not supported', t, 'EXPR_TYPE');
      break;
    default:
      break;
  }
  void n;
  allocPass(t);
}

function allocPass(t: Tok): void {
  if (t.nsamples && !t.passSamples) t.passSamples = new Uint8Array(t.nsamples);
}

