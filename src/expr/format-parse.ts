/**
 * The parser of bcftools query format strings: the token list bcftools convert.c builds, with the
 * same precedence of names and the same quirks (`%TAG` outside brackets is INFO/TAG, inside brackets
 * FORMAT/TAG; a FORMAT tag named like a VCF column wins inside brackets; `{i}` subscripts; `\t`/`\n`
 * escapes; `%FUNC(...)` and `%N_PASS(...)` expressions; `%/COL` columns inside brackets).
 */
import type { VcfHeader } from '../vcf/header.js';
import { VcfError } from '../vcf/errors.js';

/** Token types (bcftools T_*) */
export const enum T {
  CHROM, POS, POS0, END, END0, ID, REF, ALT, FIRST_ALT, QUAL, FILTER, INFO, FORMAT, SAMPLE, SEP, IS_TS,
  TYPE, MASK, GT, TGT, IUPAC_GT, LINE, CHROM_POS_ID, RSX, VKX, PBINOM, NPASS, FILTER_EXPR,
}

/** names usable as `%NAME` for VCF columns and computed site values */
export const NON_FORMAT: Record<string, T> = {
  CHROM: T.CHROM, POS: T.POS, POS0: T.POS0, END: T.END, END0: T.END0, ID: T.ID, REF: T.REF,
  FIRST_ALT: T.FIRST_ALT, QUAL: T.QUAL, TYPE: T.TYPE, FILTER: T.FILTER, IS_TS: T.IS_TS, MASK: T.MASK,
  LINE: T.LINE,
};

/** -i/-e functions that can be printed with `%FUNC(...)` (bcftools _SET_FILTER_EXPR, case-insensitive) */
const FORMAT_FUNCS = new Set([
  'MAX', 'MIN', 'MEAN', 'MEDIAN', 'AVG', 'SUM', 'ABS', 'COUNT', 'STDEV', 'STRLEN', 'BINOM', 'PHRED',
  'SMPL_MAX', 'SMPL_MIN', 'SMPL_MEAN', 'SMPL_MEDIAN', 'SMPL_AVG', 'SMPL_STDEV', 'SMPL_SUM', 'SMPL_COUNT',
  'SMAX', 'SMIN', 'SMEAN', 'SMEDIAN', 'SAVG', 'SSTDEV', 'SSUM', 'SCOUNT',
]);

export interface Tok {
  type: T;
  /** tag name, separator text, or expression (null for the whole INFO / FORMAT, and for `]`) */
  key: string | null;
  isGt: boolean;
  subscript: number;
  /** 1-based column in the format string */
  col: number;
}

export function syntax(fmt: string, col: number, msg: string): VcfError {
  return new VcfError('QUERY_FORMAT_SYNTAX', `${msg} (format string column ${col}: "${fmt}")`, {}, 'usage');
}

const isTagChar = (c: string) => /[A-Za-z0-9_.]/.test(c);

/** Parse a format string into bcftools' token list. */
export function parseFormat(fmt: string, header: VcfHeader): { toks: Tok[]; undefInfo: string | null } {
  const toks: Tok[] = [];
  let undefInfo: string | null = null;
  const push = (type: T, key: string | null, isGt: boolean, col: number, subscript = -1): Tok => {
    const t: Tok = { type, key, isGt, subscript, col };
    toks.push(t);
    return t;
  };
  /** bcftools register_tag: a FORMAT request for a non-FORMAT name falls back to columns and INFO */
  const registerFormat = (name: string, isGt: boolean, col: number): Tok => {
    if (!header.format.has(name)) {
      const nf = NON_FORMAT[name];
      if (nf !== undefined) return push(nf, name, isGt, col);
      if (name === 'ALT') return push(T.ALT, name, isGt, col);
      if (name === '_CHROM_POS_ID') return push(T.CHROM_POS_ID, name, isGt, col);
      if (name === 'RSX') return push(T.RSX, name, isGt, col);
      if (name === 'VKX') return push(T.VKX, name, isGt, col);
      if (header.info.has(name)) return push(T.INFO, name, isGt, col);
    }
    return push(T.FORMAT, name, isGt, col);
  };
  const registerInfo = (name: string, isGt: boolean, col: number): Tok => {
    if (!header.info.has(name) && undefInfo === null) undefInfo = name;
    return push(T.INFO, name, isGt, col);
  };
  /** `{n}` subscript at position q: returns [index, new q] */
  const subscript = (q: number): [number, number] => {
    if (fmt[q] !== '{') return [-1, q];
    let r = q + 1;
    while (r < fmt.length && fmt[r] !== '}' && /[0-9]/.test(fmt[r])) r++;
    if (fmt[r] !== '}') return [-1, q];
    const idx = r > q + 1 ? Number(fmt.slice(q + 1, r)) : 0;
    return [idx, r + 1];
  };
  const readName = (p: number): number => {
    let q = p;
    while (q < fmt.length && isTagChar(fmt[q])) q++;
    return q;
  };
  const isFunc = (name: string, q: number) => fmt[q] === '(' && FORMAT_FUNCS.has(name.toUpperCase());
  /** %FUNC(...) up to the first ')' (bcftools does not nest here) */
  const filterExpr = (p: number, isGt: boolean, col: number): number => {
    const close = fmt.indexOf(')', p);
    if (close < 0) throw syntax(fmt, col, 'could not parse the format string: missing ")"');
    push(T.FILTER_EXPR, fmt.slice(p, close + 1), isGt, col);
    return close + 1;
  };

  const parseTag = (p0: number, isGt: boolean): number => {
    const col = p0 + 1;
    let p = p0;
    const isVcfColumn = fmt[p + 1] === '/';
    if (isVcfColumn) p++;
    p++;
    let q = readName(p);
    if (q === p) throw syntax(fmt, col, 'could not parse the format string: expected a tag name after "%"');
    const name = fmt.slice(p, q);
    if (isGt && isVcfColumn) {
      const nf = NON_FORMAT[name];
      if (nf !== undefined) push(nf, name, isGt, col);
      else if (name === 'ALT') {
        const [s, nq] = subscript(q);
        push(T.ALT, name, isGt, col, s);
        q = nq;
      } else throw syntax(fmt, col, `could not parse the tag "%/${name}": not a VCF column`);
      return q;
    }
    if (isGt) {
      if (isFunc(name, q)) return filterExpr(p, isGt, col);
      switch (name) {
        case 'SAMPLE': push(T.SAMPLE, 'SAMPLE', isGt, col); return q;
        case 'GT': push(T.GT, 'GT', isGt, col); return q;
        case 'TGT': push(T.TGT, 'GT', isGt, col); return q;
        case 'IUPACGT': push(T.IUPAC_GT, 'GT', isGt, col); return q;
        case 'TBCSQ': throw syntax(fmt, col, '%TBCSQ (haplotype-aware consequences of bcftools csq) is not supported');
        case 'INFO': {
          if (fmt[q] !== '/') {
            if (header.info.has(name)) throw syntax(fmt, col, `could not parse the format string: did you mean %INFO/${name}?`);
            throw syntax(fmt, col, 'could not parse the format string: expected "%INFO/TAG"');
          }
          const p2 = q + 1;
          q = readName(p2);
          if (q === p2) throw syntax(fmt, col, 'could not parse the format string: expected a tag name after "%INFO/"');
          const t = registerInfo(fmt.slice(p2, q), isGt, col);
          [t.subscript, q] = subscript(q);
          return q;
        }
        case 'PBINOM': {
          if (fmt[q] !== '(') throw syntax(fmt, col, 'could not parse the expression: expected "%PBINOM(TAG)"');
          const p2 = q + 1;
          const close = fmt.indexOf(')', p2);
          if (close < 0 || close === p2) throw syntax(fmt, col, 'could not parse the format string: expected "%PBINOM(TAG)"');
          const tag = fmt.slice(p2, close);
          if (!header.format.has(tag)) throw syntax(fmt, col, `no such FORMAT tag defined in the header: ${tag}`);
          push(T.PBINOM, tag, isGt, col);
          return close + 1;
        }
        case 'N_PASS':
          throw syntax(fmt, col, 'N_PASS() must be placed outside the square brackets');
        default: {
          const t = registerFormat(name, isGt, col);
          [t.subscript, q] = subscript(q);
          return q;
        }
      }
    }
    // outside brackets
    const nf = NON_FORMAT[name];
    if (nf !== undefined) { push(nf, name, isGt, col); return q; }
    if (isFunc(name, q)) return filterExpr(p, isGt, col);
    switch (name) {
      case 'ALT': {
        const t = push(T.ALT, name, isGt, col);
        [t.subscript, q] = subscript(q);
        return q;
      }
      case '_CHROM_POS_ID': push(T.CHROM_POS_ID, name, isGt, col); return q;
      case 'RSX': push(T.RSX, name, isGt, col); return q;
      case 'VKX': push(T.VKX, name, isGt, col); return q;
      case '_GT_TO_PROB3': case '_PL_TO_PROB3': case '_GP_TO_PROB3': case '_GT_TO_HAP': case '_GT_TO_HAP2':
        throw syntax(fmt, col, `%${name} (an internal format of bcftools convert) is not supported`);
      case 'PBINOM': throw syntax(fmt, col, 'PBINOM() is currently supported only with FORMAT tags, inside square brackets');
      case 'INFO': {
        if (fmt[q] === '/') {
          const p2 = q + 1;
          q = readName(p2);
          if (q === p2) throw syntax(fmt, col, 'could not parse the format string: expected a tag name after "%INFO/"');
          const t = registerInfo(fmt.slice(p2, q), isGt, col);
          [t.subscript, q] = subscript(q);
        } else push(T.INFO, null, isGt, col);
        return q;
      }
      case 'FORMAT': push(T.FORMAT, null, false, col); return q;
      case 'N_PASS': {
        if (fmt[q] !== '(') throw syntax(fmt, col, 'could not parse the expression: expected "%N_PASS(EXPR)"');
        const p2 = q + 1;
        let r = p2;
        let open = 1;
        while (r < fmt.length && open) {
          if (fmt[r] === '(') open++;
          else if (fmt[r] === ')') open--;
          r++;
        }
        if (r === p2 || open) throw syntax(fmt, col, 'could not parse the format string: unbalanced parentheses in N_PASS()');
        push(T.NPASS, fmt.slice(p2, r - 1), isGt, col);
        return r;
      }
      default: {
        const t = registerInfo(name, isGt, col);
        [t.subscript, q] = subscript(q);
        return q;
      }
    }
  };

  const parseSep = (p: number, isGt: boolean): number => {
    let q = p;
    let s = '';
    while (q < fmt.length && fmt[q] !== '[' && fmt[q] !== ']' && fmt[q] !== '%') {
      if (fmt[q] === '\\') {
        q++;
        if (q >= fmt.length) break;
        const c = fmt[q];
        s += c === 'n' ? '\n' : c === 't' ? '\t' : c;
      } else s += fmt[q];
      q++;
    }
    if (!s.length) throw syntax(fmt, p + 1, 'could not parse the format string');
    push(T.SEP, s, isGt, p + 1);
    return q;
  };

  let isGt = false;
  let p = 0;
  let open = -1;
  while (p < fmt.length) {
    const c = fmt[p];
    if (c === '[') { isGt = true; open = p; p++; }
    else if (c === ']') { isGt = false; push(T.SEP, null, false, p + 1); p++; }
    else if (c === '%') p = parseTag(p, isGt);
    else p = parseSep(p, isGt);
  }
  if (isGt) throw syntax(fmt, open + 1, 'could not parse the format string, missing the square bracket "]"');
  return { toks, undefInfo };
}

