/**
 * Evaluation of compiled expressions with bcftools semantics: value setters (what each field reads
 * from a record), comparisons with bcftools' missing-value logic and float32 comparisons,
 * vector arithmetic, the per-sample logic of `&`/`&&` and `|`/`||`, and the FILTER/ID/TYPE
 * comparators.
 */
import { MISS, VEND, T, Tok, isMissOrEnd, evalError } from './types.js';
import { RecordAccess, GT_VEND, INT32_MISSING, strtod } from './eval-record.js';

// ------------------------------------------------------------------ setters

export function setUndefined(_ctx: RecordAccess, tok: Tok): void {
  tok.nvalues = 0;
  tok.str = '';
}

export function setQual(ctx: RecordAccess, tok: Tok): void {
  const q = ctx.rec.qualRaw;
  tok.values[0] = q === '.' || q === '' ? MISS : Math.fround(strtod(q));
  tok.nvalues = 1;
}

export function setType(ctx: RecordAccess, tok: Tok): void {
  const t = ctx.variantTypes();
  tok.values[0] = t ? t << 1 : 1;
  tok.nvalues = 1;
}

export function setChrom(ctx: RecordAccess, tok: Tok): void {
  tok.str = ctx.rec.chrom;
  tok.nvalues = tok.str.length;
}

export function setPos(ctx: RecordAccess, tok: Tok): void {
  tok.values[0] = ctx.rec.pos;
  tok.nvalues = 1;
}

export function setRef(ctx: RecordAccess, tok: Tok): void {
  tok.str = ctx.rec.ref;
  tok.nvalues = tok.str.length;
}

export function setAlt(ctx: RecordAccess, tok: Tok): void {
  const alts = ctx.rec.alt;
  const nAllele = alts.length + 1;
  let s = '';
  if (tok.idx >= 0) {
    s = nAllele > tok.idx + 1 ? alts[tok.idx] : '.';
  } else if (tok.idx === -2) {
    const idxs = tok.idxs!;
    let end = tok.nuidxs ? tok.nuidxs : nAllele - 1;
    if (end >= nAllele - 1) end = nAllele - 2;
    const parts: string[] = [];
    for (let i = 0; i <= end; i++) if (i >= idxs.length || idxs[i]) parts.push(alts[i]);
    s = parts.join(',');
  } else if (nAllele > 1) s = alts.join(',');
  else s = '.';
  tok.str = s;
  tok.nvalues = s.length;
}

export function setNalt(ctx: RecordAccess, tok: Tok): void {
  tok.values[0] = ctx.rec.alt.length;
  tok.nvalues = 1;
}

export function setIlen(ctx: RecordAccess, tok: Tok): void {
  const alts = ctx.rec.alt;
  const rlen = ctx.rec.ref.length;
  const v = tok.ensure(alts.length);
  for (let i = 0; i < alts.length; i++) v[i] = alts[i][0] === '<' ? MISS : alts[i].length - rlen;
  tok.nvalues = alts.length;
}

/** N_MISSING / F_MISSING: samples with a missing allele in GT (unphased-missing, as htslib codes it) */
export function setNmissing(ctx: RecordAccess, tok: Tok): void {
  const n = ctx.nsmpl;
  if (!n) { tok.values[0] = 0; tok.nvalues = 1; return; }
  const g = ctx.genotypes();
  if (!g) { tok.nvalues = 0; return; }
  let nmiss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * g.ploidy;
    for (let j = 0; j < g.ploidy; j++) {
      const x = g.gt[o + j];
      if (x === GT_VEND) break;
      if (x === 0) { nmiss++; break; }
    }
  }
  tok.values[0] = tok.tag === 'N_MISSING' ? nmiss : nmiss / n;
  tok.nvalues = 1;
}

/** bcf_calc_ac: allele counts from INFO/AC+AN (when both defined and present) or from GT; null when unavailable */
export function calcAc(ctx: RecordAccess, useInfo: boolean): number[] | null {
  const rec = ctx.rec;
  const nAllele = rec.alt.length + 1;
  const ac = new Array<number>(nAllele).fill(0);
  const h = rec.header;
  if (useInfo && (h.info.has('AN') || h.format.has('AN') || h.filter.has('AN')) && (h.info.has('AC') || h.format.has('AC') || h.filter.has('AC'))) {
    const anRaw = rec.info.get('AN');
    const acRaw = rec.info.get('AC');
    if (typeof anRaw === 'string' && typeof acRaw === 'string') {
      const an = parseIntLoose(anRaw.split(',').length === 1 ? anRaw : '');
      if (an !== null && an >= 0) {
        const vals = acRaw.split(',');
        let nac = 0;
        for (let i = 0; i < vals.length && i + 1 < nAllele; i++) {
          const v = parseIntLoose(vals[i]);
          const x = v === null ? -128 : v;
          ac[i + 1] = x;
          nac += x;
        }
        if (an < nac) throw evalError(ctx, `Incorrect AN/AC counts at ${rec.chrom}:${rec.pos}`);
        ac[0] = an - nac;
        return ac;
      }
    }
  }
  if (!h.format.has('GT') && !h.info.has('GT')) return null;
  const g = ctx.genotypes();
  if (!g) return null;
  for (let i = 0; i < ctx.nsmpl; i++) {
    const o = i * g.ploidy;
    for (let j = 0; j < g.ploidy; j++) {
      const x = g.gt[o + j];
      if (x === GT_VEND) break;
      const a = x >> 1;
      if (a === 0) continue;
      if (a > nAllele) throw evalError(ctx, `Incorrect allele ("${a - 1}") in sample ${i + 1} at ${rec.chrom}:${rec.pos}`);
      if (a - 1 < nAllele) ac[a - 1]++;
    }
  }
  return ac;
}

function parseIntLoose(s: string): number | null {
  const m = /^[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : null;
}

/** AC (and the base of AN/MAC/AF/MAF); returns AN or 0 */
function fillAc(ctx: RecordAccess, tok: Tok, useInfo: boolean): number {
  const ac = calcAc(ctx, useInfo);
  if (!ac) { tok.nvalues = 0; return 0; }
  let an = 0;
  for (const x of ac) an += x;
  if (!an) { tok.nvalues = 0; return 0; }
  const nAllele = ac.length;
  if (tok.idx >= 0) {
    tok.values[0] = tok.idx + 1 < nAllele ? ac[tok.idx + 1] : 0;
    tok.nvalues = 1;
  } else if (nAllele === 1) {
    tok.values[0] = 0;
    tok.nvalues = 1;
  } else {
    const v = tok.ensure(nAllele);
    for (let i = 1; i < nAllele; i++) v[i - 1] = ac[i];
    tok.nvalues = nAllele - 1;
  }
  return an;
}

export function setAc(ctx: RecordAccess, tok: Tok): void { fillAc(ctx, tok, true); }
export function setAn(ctx: RecordAccess, tok: Tok): void {
  const an = fillAc(ctx, tok, true);
  tok.values[0] = tok.nvalues ? an : 0;
  tok.nvalues = 1;
}
export function setMac(ctx: RecordAccess, tok: Tok): void {
  const an = fillAc(ctx, tok, true);
  for (let i = 0; i < tok.nvalues; i++) if (tok.values[i] > an * 0.5) tok.values[i] = an - tok.values[i];
}
export function setAf(ctx: RecordAccess, tok: Tok): void {
  const an = fillAc(ctx, tok, true);
  for (let i = 0; i < tok.nvalues; i++) tok.values[i] /= an;
}
export function setMaf(ctx: RecordAccess, tok: Tok): void {
  const an = fillAc(ctx, tok, true);
  for (let i = 0; i < tok.nvalues; i++) {
    tok.values[i] /= an;
    if (tok.values[i] > 0.5) tok.values[i] = 1 - tok.values[i];
  }
}

// INFO values -------------------------------------------------------

function infoRaw(ctx: RecordAccess, tag: string): string | true | undefined {
  return ctx.rec.info.get(tag);
}

function parseIntField(s: string): number {
  if (s === '.' || s === '') return MISS;
  const m = /^[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : MISS;
}
function parseFloatField(s: string): number {
  if (s === '.' || s === '') return MISS;
  const v = strtod(s);
  return v === MISS ? MISS : Math.fround(v);
}

/** INFO tag with Number=1 (bcftools filters_set_info: the single value; strings whole) */
export function setInfo(ctx: RecordAccess, tok: Tok): void {
  const raw = infoRaw(ctx, tok.tag!);
  tok.str = '';
  if (raw === undefined || raw === true) { tok.nvalues = 0; return; }
  if (tok.isStr) {
    tok.str = raw;
    tok.nvalues = raw.length;
    return;
  }
  const isFloat = tok.htype === 'Float';
  // htslib keeps a single value in v1; with several values v1 is 0
  if (raw.indexOf(',') >= 0) {
    tok.values[0] = 0;
    tok.nvalues = 1;
    return;
  }
  const v = isFloat ? parseFloatField(raw) : parseIntField(raw);
  if (v === MISS) { tok.nvalues = 0; return; }
  tok.values[0] = v;
  tok.nvalues = 1;
}

export function setInfoFlag(ctx: RecordAccess, tok: Tok): void {
  tok.values[0] = infoRaw(ctx, tok.tag!) === undefined ? 0 : 1;
  tok.nvalues = 1;
}

function selectIdx(tok: Tok, n: number, get: (i: number) => number): void {
  const idxs = tok.idxs!;
  let end = idxs[idxs.length - 1] < 0 ? n - 1 : idxs.length - 1;
  if (end >= n) end = n - 1;
  const v = tok.ensure(Math.max(1, n));
  let j = 0;
  for (let i = 0; i <= end; i++) if (i >= idxs.length || idxs[i]) v[j++] = get(i);
  tok.nvalues = j;
}

/** INFO Integer with Number != 1 */
export function setInfoInt(ctx: RecordAccess, tok: Tok): void {
  const raw = infoRaw(ctx, tok.tag!);
  if (raw === undefined || raw === true) { tok.nvalues = 0; return; }
  const parts = raw.split(',');
  if (tok.idx === -2) {
    // bcf_get_info_int32: missing values stay as the int32 missing code
    selectIdx(tok, parts.length, (i) => {
      const x = parseIntField(parts[i]);
      return x === MISS ? INT32_MISSING : x;
    });
    return;
  }
  // bcf_get_info_value: a one-value vector answers any index with its raw value
  if (parts.length === 1) {
    const x = parseIntField(parts[0]);
    tok.values[0] = x === MISS ? -128 : x;
    tok.nvalues = 1;
    return;
  }
  if (tok.idx >= parts.length) { tok.nvalues = 0; return; }
  const x = parseIntField(parts[tok.idx]);
  if (x === MISS) { tok.nvalues = 0; return; }
  tok.values[0] = x;
  tok.nvalues = 1;
}

/** INFO Float with Number != 1 */
export function setInfoFloat(ctx: RecordAccess, tok: Tok): void {
  const raw = infoRaw(ctx, tok.tag!);
  if (raw === undefined || raw === true) { tok.nvalues = 0; return; }
  const parts = raw.split(',');
  if (tok.idx === -2) {
    selectIdx(tok, parts.length, (i) => parseFloatField(parts[i]));
    return;
  }
  if (parts.length === 1) {
    const x = parseFloatField(parts[0]);
    tok.values[0] = x === MISS ? NaN : x;
    tok.nvalues = 1;
    return;
  }
  if (tok.idx >= parts.length) { tok.nvalues = 0; return; }
  const x = parseFloatField(parts[tok.idx]);
  if (x === MISS) { tok.nvalues = 0; return; }
  tok.values[0] = x;
  tok.nvalues = 1;
}

/** INFO String with Number != 1: whole, one comma-field, or a selection of fields */
export function setInfoString(ctx: RecordAccess, tok: Tok): void {
  const raw = infoRaw(ctx, tok.tag!);
  if (raw === undefined || raw === true) { tok.nvalues = 0; tok.str = ''; return; }
  let s = raw;
  if (tok.idx >= 0) {
    const parts = raw.split(',');
    s = tok.idx < parts.length ? parts[tok.idx] : '';
    if (tok.idx >= parts.length || (tok.idx === parts.length - 1 && parts[tok.idx] === '' && raw.endsWith(','))) s = '';
  } else if (tok.idx === -2 && !(tok.idxs!.length === 1 && tok.idxs![0] === -1)) {
    const parts = raw.split(',');
    const idxs = tok.idxs!;
    let iend = idxs[idxs.length - 1] < 0 ? parts.length - 1 : idxs.length - 1;
    if (iend >= parts.length) iend = parts.length - 1;
    let o = '';
    for (let i = 0; i <= iend; i++) if (i >= idxs.length || idxs[i]) o += parts[i] + ',';
    s = o;
  }
  tok.str = s;
  tok.nvalues = s.length;
}

// FORMAT values -----------------------------------------------------

const fmtBuf = { v: new Float64Array(1024) };

function setFormatNum(ctx: RecordAccess, tok: Tok, isFloat: boolean): void {
  const nsrc1 = ctx.formatNumbers(tok.tag!, isFloat, fmtBuf);
  if (nsrc1 < 0) { tok.nvalues = 0; return; }
  const src = fmtBuf.v;
  const ns = tok.nsamples;
  const u = tok.usmpl!;
  const nval1 = tok.idx >= 0 ? 1 : tok.nuidxs ? tok.nuidxs : nsrc1;
  tok.nval1 = nval1;
  tok.nvalues = nval1 * ns;
  const v = tok.ensure(tok.nvalues);
  if (tok.idx >= 0) {
    for (let i = 0; i < ns; i++) {
      if (!u[i]) continue;
      v[i] = tok.idx >= nsrc1 ? MISS : src[i * nsrc1 + tok.idx];
    }
    return;
  }
  if (tok.idx === -3) {
    const g = ctx.genotypes();
    if (!g) { tok.nvalues = 0; return; }
    for (let i = 0; i < ns; i++) {
      if (!u[i]) continue;
      const mask = gtMask(g.gt, g.ploidy, i);
      let j = 0;
      const o = i * nval1;
      for (let k = 0; k < nsrc1; k++) {
        if (!(mask & (2 ** k))) continue;
        v[o + j++] = src[i * nsrc1 + k];
      }
      if (!j) v[o + j++] = MISS;
      for (; j < nval1; j++) v[o + j] = VEND;
    }
    return;
  }
  const idxs = tok.idxs!;
  const kend = idxs[idxs.length - 1] < 0 ? nval1 : idxs.length;
  for (let i = 0; i < ns; i++) {
    if (!u[i]) continue;
    const o = i * nval1;
    let j = 0;
    for (let k = 0; k < kend && j < nval1; k++) {
      if (k < idxs.length && !idxs[k]) continue;
      v[o + j++] = k < nsrc1 ? src[i * nsrc1 + k] : VEND;
    }
    if (j === 0) v[o + j++] = MISS;
    while (j < nval1) v[o + j++] = VEND;
  }
}

function gtMask(gt: Int32Array, ploidy: number, i: number): number {
  let m = 0;
  const o = i * ploidy;
  for (let j = 0; j < ploidy; j++) {
    const x = gt[o + j];
    if (x === GT_VEND) break;
    const a = x >> 1;
    if (a === 0) continue;
    m |= 2 ** (a - 1);
  }
  return m;
}

export function setFormatInt(ctx: RecordAccess, tok: Tok): void { setFormatNum(ctx, tok, false); }
export function setFormatFloat(ctx: RecordAccess, tok: Tok): void { setFormatNum(ctx, tok, true); }

export function setFormatString(ctx: RecordAccess, tok: Tok): void {
  const r = ctx.fieldRanges(tok.tag!);
  tok.nvalues = 0;
  if (!r) return;
  const ns = tok.nsamples;
  const u = tok.usmpl!;
  if (!tok.strs || tok.strs.length !== ns) tok.strs = new Array<string>(ns).fill('');
  const strs = tok.strs;
  let g: { gt: Int32Array; ploidy: number } | null = null;
  if (tok.idx === -3) {
    g = ctx.genotypes();
    if (!g) return;
  }
  const idxs = tok.idxs;
  for (let i = 0; i < ns; i++) {
    if (!u[i]) continue;
    let raw = ctx.fieldText(r, i);
    if (raw === '') raw = '.';
    const parts = raw.split(',');
    const keep: string[] = [];
    const mask = g ? gtMask(g.gt, g.ploidy, i) : 0;
    for (let k = 0; k < parts.length; k++) {
      let take = false;
      if (tok.idx >= 0) take = tok.idx === k;
      else if (tok.idx === -3) take = !!(mask & (2 ** k));
      else if (idxs) take = k < idxs.length ? idxs[k] !== 0 : idxs[idxs.length - 1] < 0;
      if (take) {
        keep.push(parts[k]);
        if (tok.idx >= 0) break;
      }
    }
    strs[i] = keep.length ? keep.join(',') : '.';
  }
  tok.nvalues = 1;
}

// GT ----------------------------------------------------------------

const gtTextCache = new Map<number, string>();

/** bcf_format_gt: the GT text htslib writes back */
export function formatGt(gt: Int32Array, o: number, ploidy: number): string {
  if (ploidy <= 2) {
    const x = gt[o], y = ploidy === 2 ? gt[o + 1] : GT_VEND;
    if (x >= 0 && x < 0x4000 && (y === GT_VEND || (y >= 0 && y < 0x4000))) {
      const key = x * 0x8000 + (y === GT_VEND ? 0x7fff : y);
      let t = gtTextCache.get(key);
      if (t === undefined) {
        t = formatGtSlow(gt, o, ploidy);
        if (gtTextCache.size < 4096) gtTextCache.set(key, t);
      }
      return t;
    }
  }
  return formatGtSlow(gt, o, ploidy);
}

function formatGtSlow(gt: Int32Array, o: number, ploidy: number): string {
  let s = '';
  let i = 0;
  for (; i < ploidy; i++) {
    const x = gt[o + i];
    if (x === GT_VEND) break;
    if (i) s += x & 1 ? '|' : '/';
    s += x >> 1 ? String((x >> 1) - 1) : '.';
  }
  if (!i) s = '.';
  return s;
}

export function setGenotypeString(ctx: RecordAccess, tok: Tok): void {
  const g = ctx.genotypes();
  if (!g) { tok.nvalues = 0; return; }
  const ns = ctx.nsmpl;
  if (!tok.strs || tok.strs.length !== ns) tok.strs = new Array<string>(ns).fill('');
  for (let i = 0; i < ns; i++) tok.strs[i] = formatGt(g.gt, i * g.ploidy, g.ploidy);
  tok.nvalues = 1;
}

/** the genotype class of one sample as bcftools names it ('.' for a missing genotype in types 2 and 3) */
function genotypeClass(gt: Int32Array, o: number, ploidy: number, type: number): string {
  let isHet = false, hasRef = false, missing = false, jal = 0, j = 0;
  for (; j < ploidy; j++) {
    const x = gt[o + j];
    if (x === GT_VEND) break;
    if (x >> 1 === 0) { missing = true; break; }
    if (x >> 1 === 1) hasRef = true;
    if (j > 0 && x >> 1 !== jal >> 1) isHet = true;
    jal = x;
  }
  if (type === 4) {
    if (!j || missing) return 'mis';
    if (!hasRef) return 'alt';
    return isHet ? 'alt' : 'ref';
  }
  if (!j || missing) return '.';
  if (type === 3) return j === 1 ? 'hap' : !isHet ? 'hom' : 'het';
  if (j === 1) return hasRef ? 'r' : 'a';
  if (!isHet) return hasRef ? 'rr' : 'aa';
  return hasRef ? 'ra' : 'aA';
}

function setGenotypeClass(ctx: RecordAccess, tok: Tok, type: 2 | 3 | 4): void {
  const g = ctx.genotypes();
  if (!g) { tok.nvalues = 0; tok.str = ''; return; }
  const ns = ctx.nsmpl;
  if (!tok.strs || tok.strs.length !== ns) tok.strs = new Array<string>(ns).fill('');
  for (let i = 0; i < ns; i++) tok.strs[i] = genotypeClass(g.gt, i * g.ploidy, g.ploidy, type);
  tok.nvalues = 1;
}

/** GT compared by cmpGtClass: only whether the record has GT; classes are computed while comparing */
export function setGenotypePresence(ctx: RecordAccess, tok: Tok): void {
  tok.nvalues = ctx.genotypes() ? 1 : 0;
}

/** GT=="class" / GT!="class" without building strings (same answers as cmpStrings) */
export function cmpGtClass(x: Tok, y: Tok, r: Tok, ctx: RecordAccess): void {
  const gtTok = x.setter === setGenotypePresence ? x : y;
  const keyTok = gtTok === x ? y : x;
  if (!gtTok.nvalues || !keyTok.nvalues) {
    // the missing-value paths of cmpStrings do not read per-sample strings
    cmpStrings(gtTok, keyTok, r);
    return;
  }
  initSamples(gtTok, keyTok, r);
  const g = ctx.genotypes()!;
  const key = keyTok.str;
  const ne = r.type === T.NE;
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const type = gtTok.gtClass;
  for (let i = 0; i < r.nsamples; i++) {
    if (!u[i]) continue;
    const cls = genotypeClass(g.gt, i * g.ploidy, g.ploidy, type);
    const m = cls === '.' ? ne : (cls === key) !== ne;
    if (m) { ps[i] = 1; r.passSite = true; }
  }
}

export function setGenotype2(ctx: RecordAccess, tok: Tok): void { setGenotypeClass(ctx, tok, 2); }
export function setGenotype3(ctx: RecordAccess, tok: Tok): void { setGenotypeClass(ctx, tok, 3); }
export function setGenotype4(ctx: RecordAccess, tok: Tok): void { setGenotypeClass(ctx, tok, 4); }

// ------------------------------------------------------------------ comparators

/** FILTER column: == exact set, != not exact, ~ subset, !~ not a subset */
export function cmpFilter(a: Tok, b: Tok, r: Tok, ctx: RecordAccess): void {
  const flt = ctx.rec.filters;
  const q = b.filterNames ?? [];
  const allIn = () => q.every((x) => flt.includes(x));
  switch (r.type) {
    case T.NOT_IN:
      if (!q.length) { if (flt.length) r.passSite = true; return; }
      if (!flt.length) { r.passSite = true; return; }
      if (!allIn()) r.passSite = true;
      return;
    case T.IN:
      if (!q.length) { if (!flt.length) r.passSite = true; return; }
      if (!flt.length) return;
      if (allIn()) r.passSite = true;
      return;
    case T.NE:
      if (q.length !== flt.length) { r.passSite = true; return; }
      if (!q.length) return;
      if (!allIn()) r.passSite = true;
      return;
    case T.EQ:
      if (q.length !== flt.length) return;
      if (!q.length) { r.passSite = true; return; }
      if (allIn()) r.passSite = true;
      return;
    default:
      throw evalError(ctx, 'Only ==, !=, ~, and !~ operators are supported for FILTER');
  }
  void a;
}

/** ID column: any of the ;-separated IDs matches (== / ~), none matches (!= / !~), or is in a @file */
export function cmpId(a: Tok, b: Tok, r: Tok, ctx: RecordAccess): void {
  let idt = a, other = b;
  if (a.comparator !== cmpId) { idt = b; other = a; }
  void idt;
  const ids = ctx.rec.id.split(';');
  let pass = false;
  for (const id of ids) {
    if (other.hash) pass = other.hash.has(id);
    else {
      if (!other.str.length) throw evalError(ctx, 'Error occurred while evaluating the expression');
      if (r.type === T.EQ || r.type === T.NE) pass = other.str === id;
      else pass = other.regex ? other.regex.test(id) : false;
    }
    if (pass) break;
  }
  if (r.type === T.NE || r.type === T.NLIKE) pass = !pass;
  r.passSite = pass;
}

/** TYPE~"snp": the bitmask shares the type */
export function cmpBitAnd(a: Tok, b: Tok, r: Tok, _ctx: RecordAccess): void {
  const x = Math.trunc(a.nvalues ? a.values[0] : a.threshold);
  const y = Math.trunc(b.nvalues ? b.values[0] : b.threshold);
  r.passSite = r.type === T.LIKE ? (x & y) !== 0 : (x & y) === 0;
}

/** TAG==@file / TAG!=@file for string tags */
export function cmpStringHash(a: Tok, b: Tok, r: Tok, ctx: RecordAccess): void {
  let h = a, t = b;
  if (b.hash) { h = b; t = a; }
  const hash = h.hash!;
  const neg = r.type === T.NE;
  if (!t.nsamples) {
    if (t.idx >= 0) {
      let ret = t.nvalues ? hash.has(t.str) : false;
      if (neg) ret = !ret;
      r.passSite = ret;
      return;
    }
    let ret = false;
    if (t.nvalues) for (const f of t.str.split(',')) if (f !== '' && hash.has(f)) ret = true;
    if (neg) ret = !ret;
    r.passSite = ret;
    return;
  }
  initSamples(a, b, r);
  r.passSite = false;
  const u = r.usmpl!;
  for (let i = 0; i < t.nsamples; i++) {
    if (!u[i]) continue;
    const s = t.nvalues && t.strs ? t.strs[i] : '';
    let ret = false;
    if (t.idx >= 0) ret = hash.has(s);
    else for (const f of s.split(',')) if (f !== '' && hash.has(f)) ret = true;
    if (neg) ret = !ret;
    r.passSamples![i] = ret ? 1 : 0;
    if (ret) r.passSite = true;
  }
  void ctx;
}

/**
 * bcftools tok_init_samples: the result takes a per-sample shape the first time an operand has
 * one (and keeps it for the following records); its pass flags are cleared.
 */
export function initSamples(a: Tok, b: Tok, r: Tok): void {
  if ((a.nsamples || b.nsamples) && !r.nsamples) {
    const n = a.nsamples || b.nsamples;
    const u = new Uint8Array(n);
    if (a.nsamples && a.usmpl) for (let i = 0; i < a.nsamples; i++) u[i] |= a.usmpl[i];
    if (b.nsamples && b.usmpl) for (let i = 0; i < b.nsamples; i++) u[i] |= b.usmpl[i];
    r.nsamples = n;
    r.usmpl = u;
    if (!r.passSamples || r.passSamples.length < n) r.passSamples = new Uint8Array(n);
  }
  if (r.nsamples) r.passSamples!.fill(0);
}

// ------------------------------------------------------------------ numeric comparison

type Cmp = (x: number, y: number) => boolean;
const CMP_FN: Record<number, Cmp> = {
  [T.EQ]: (x, y) => x === y,
  [T.NE]: (x, y) => x !== y,
  [T.LT]: (x, y) => x < y,
  [T.LE]: (x, y) => x <= y,
  [T.BT]: (x, y) => x > y,
  [T.BE]: (x, y) => x >= y,
};

/** compare as bcftools: doubles above 2^24, float32 otherwise */
function cmpVal(op: Cmp, x: number, y: number): boolean {
  if (x > 16777216 || y > 16777216) return op(x, y);
  return op(Math.fround(x), Math.fround(y));
}

export function cmpNumbers(a: Tok, b: Tok, r: Tok): void {
  const op = CMP_FN[r.type];
  // missing logic: [0] a missing value may still pass, [1] one side missing, [2] both missing
  const ml0 = r.type === T.EQ || r.type === T.NE;
  const ml1 = r.type === T.NE;
  const ml2 = r.type === T.EQ;
  const ml = (k: number) => (k === 1 ? ml1 : k === 2 ? ml2 : ml0);
  initSamples(a, b, r);
  if (!a.nsamples && !b.nsamples) {
    if (!a.nvalues && !b.nvalues) { r.passSite = ml2; return; }
    if (!a.nvalues || !b.nvalues) {
      const t = a.nvalues ? a : b;
      for (let j = 0; j < t.nvalues; j++) {
        if (isMissOrEnd(t.values[j])) { if (ml2) { r.passSite = true; break; } }
        else if (ml1) { r.passSite = true; break; }
      }
      return;
    }
    for (let i = 0; i < a.nvalues; i++) {
      const am = isMissOrEnd(a.values[i]) ? 1 : 0;
      for (let j = 0; j < b.nvalues; j++) {
        const nm = am + (isMissOrEnd(b.values[j]) ? 1 : 0);
        if (nm) { if (ml(nm)) { r.passSite = true; return; } }
        else if (cmpVal(op, a.values[i], b.values[j])) { r.passSite = true; return; }
      }
    }
    return;
  }
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const ns = r.nsamples;
  if (a.nsamples && !b.nsamples && a.nvalues && b.nvalues === 1 && a.nval1 === 1 && a.idx !== -3) {
    cmpSamplesScalar(a, b.values[0], r, false);
    return;
  }
  if (b.nsamples && !a.nsamples && b.nvalues && a.nvalues === 1 && b.nval1 === 1 && a.idx !== -3) {
    cmpSamplesScalar(b, a.values[0], r, true);
    return;
  }
  if (!a.nvalues && !b.nvalues) {
    if (ml2) for (let i = 0; i < ns; i++) if (u[i]) { ps[i] = 1; r.passSite = true; }
    return;
  }
  if (!a.nvalues || !b.nvalues) {
    const t = a.nvalues ? a : b;
    if (!t.nsamples) {
      let miss = 0;
      for (let j = 0; j < t.nvalues; j++) if (isMissOrEnd(t.values[j])) miss = 1;
      if (ml(miss + 1)) for (let i = 0; i < ns; i++) if (u[i]) { ps[i] = 1; r.passSite = true; }
    } else {
      for (let i = 0; i < t.nsamples; i++) {
        if (!u[i]) continue;
        const o = i * t.nval1;
        let miss = 0;
        for (let j = 0; j < t.nval1; j++) if (isMissOrEnd(t.values[o + j])) miss = 1;
        if (ml(miss + 1)) { ps[i] = 1; r.passSite = true; }
      }
    }
    return;
  }
  if (a.nsamples && b.nsamples) {
    if (a.nval1 !== b.nval1) throw new RangeError(`Incompatible number of per-sample values in comparison: ${a.nval1} vs ${b.nval1}`);
    for (let i = 0; i < a.nsamples; i++) {
      if (!a.usmpl![i] || !b.usmpl![i]) { u[i] = 0; continue; }
      const ao = i * a.nval1, bo = i * b.nval1;
      for (let j = 0; j < a.nval1; j++) {
        const x = a.values[ao + j], y = b.values[bo + j];
        if (a.idx === -3 && x === VEND) break;
        if (b.idx === -3 && y === VEND) break;
        let nm = isMissOrEnd(x) ? 1 : 0;
        if (nm && !ml0) continue;
        nm += isMissOrEnd(y) ? 1 : 0;
        if (nm) { if (ml(nm)) { ps[i] = 1; r.passSite = true; break; } }
        else if (cmpVal(op, x, y)) { ps[i] = 1; r.passSite = true; break; }
      }
    }
    return;
  }
  if (a.nsamples) {
    for (let i = 0; i < a.nsamples; i++) {
      if (!u[i]) continue;
      const ao = i * a.nval1;
      outer: for (let j = 0; j < a.nval1; j++) {
        const x = a.values[ao + j];
        if (a.idx === -3 && x === VEND) break;
        const miss = isMissOrEnd(x) ? 1 : 0;
        if (miss && !ml0) continue;
        for (let k = 0; k < b.nvalues; k++) {
          const y = b.values[k];
          const nm = miss + (isMissOrEnd(y) ? 1 : 0);
          if (nm) { if (ml(nm)) { ps[i] = 1; r.passSite = true; break outer; } }
          else if (cmpVal(op, x, y)) { ps[i] = 1; r.passSite = true; break outer; }
        }
      }
    }
    return;
  }
  for (let i = 0; i < b.nsamples; i++) {
    if (!u[i]) continue;
    const bo = i * b.nval1;
    outer: for (let j = 0; j < b.nval1; j++) {
      const y = b.values[bo + j];
      if (a.idx === -3 && y === VEND) break;
      const miss = isMissOrEnd(y) ? 1 : 0;
      if (miss && !ml0) continue;
      for (let k = 0; k < a.nvalues; k++) {
        const x = a.values[k];
        const nm = miss + (isMissOrEnd(x) ? 1 : 0);
        if (nm) { if (ml(nm)) { ps[i] = 1; r.passSite = true; break outer; } }
        else if (cmpVal(op, x, y)) { ps[i] = 1; r.passSite = true; break outer; }
      }
    }
  }
}

/**
 * One value per sample compared with one site value (the common `FMT/DP>20`): the same answers as
 * the general loops, with the operator and the float32 rounding of the constant hoisted.
 */
function cmpSamplesScalar(t: Tok, y: number, r: Tok, swapped: boolean): void {
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const ns = t.nsamples;
  const v = t.values;
  const type = r.type;
  const ymiss = isMissOrEnd(y);
  // with a missing site value only the missing logic decides
  if (ymiss) {
    for (let i = 0; i < ns; i++) {
      if (!u[i]) continue;
      const xm = isMissOrEnd(v[i]);
      if (xm && !(type === T.EQ || type === T.NE)) continue;
      const pass = xm ? type === T.EQ : type === T.NE;
      if (pass) { ps[i] = 1; r.passSite = true; }
    }
    return;
  }
  const big = y > 16777216;
  const fy = Math.fround(y);
  // x op y, or y op x when the per-sample value is on the right
  let op = type;
  if (swapped) op = op === T.LT ? T.BT : op === T.BT ? T.LT : op === T.LE ? T.BE : op === T.BE ? T.LE : op;
  for (let i = 0; i < ns; i++) {
    if (!u[i]) continue;
    const x = v[i];
    if (isMissOrEnd(x)) {
      if (type === T.NE) { ps[i] = 1; r.passSite = true; }
      continue;
    }
    let a = x, b = y;
    if (!big && !(x > 16777216)) { a = Math.fround(x); b = fy; }
    let pass: boolean;
    switch (op) {
      case T.EQ: pass = a === b; break;
      case T.NE: pass = a !== b; break;
      case T.LT: pass = a < b; break;
      case T.LE: pass = a <= b; break;
      case T.BT: pass = a > b; break;
      default: pass = a >= b; break;
    }
    if (pass) { ps[i] = 1; r.passSite = true; }
  }
}

// ------------------------------------------------------------------ string comparison

function hasMissingString(s: string): boolean {
  if (s === '.') return true;
  let b = 0;
  for (;;) {
    let e = s.indexOf(',', b);
    if (e < 0) e = s.length;
    if (e - b === 1 && s.charCodeAt(b) === 46) return true;
    if (e >= s.length) return false;
    b = e + 1;
  }
}

function fields(s: string): string[] {
  if (!s.length) return [];
  const f = s.split(',');
  // a trailing comma does not start a new field (bcftools stops at the terminator)
  if (f.length > 1 && f[f.length - 1] === '') f.pop();
  return f;
}

function matchVectorStrings(a: string, b: string, ne: boolean, ml1: boolean, ml2: boolean): boolean {
  if (a.length && b.length && a.indexOf(',') < 0 && b.indexOf(',') < 0) {
    // the common case: one value on each side
    const nm = (a === '.' ? 1 : 0) + (b === '.' ? 1 : 0);
    if (nm) return nm === 1 ? ml1 : ml2;
    return (a === b) !== ne;
  }
  const af = fields(a), bf = fields(b);
  for (const x of af) {
    const xm = x === '.' ? 1 : 0;
    for (const y of bf) {
      const nm = xm + (y === '.' ? 1 : 0);
      if (nm) { if (nm === 1 ? ml1 : ml2) return true; }
      else if ((x === y) !== ne) return true;
    }
  }
  return false;
}

function regexVectorStrings(re: RegExp, s: string, nlike: boolean, ml1: boolean): boolean {
  if (s.length && s.indexOf(',') < 0) {
    if (s === '.' && ml1) return true;
    return re.test(s) !== nlike;
  }
  for (const f of fields(s)) {
    if (f === '.' && ml1) return true;
    let m = re.test(f);
    if (nlike) m = !m;
    if (m) return true;
  }
  return false;
}

export function cmpStrings(a: Tok, b: Tok, r: Tok): void {
  const logic = r.type;
  const regex = a.regex ?? b.regex;
  const ne = logic === T.NE || logic === T.NLIKE;
  const ml1 = ne;
  const ml2 = !ne;
  initSamples(a, b, r);
  const aval = a.nvalues > 0, bval = b.nvalues > 0;
  if (!a.nsamples && !b.nsamples) {
    if (!aval && !bval) { r.passSite = ml2; return; }
    if (!aval || !bval) {
      const miss = hasMissingString(aval ? a.str : b.str);
      if (miss ? ml2 : ml1) r.passSite = true;
      return;
    }
    if (!regex) r.passSite = matchVectorStrings(a.str, b.str, logic === T.NE, ml1, ml2);
    else r.passSite = regexVectorStrings(regex, (a.regex ? b : a).str, logic === T.NLIKE, ml1);
    return;
  }
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const ns = r.nsamples;
  if (!aval && !bval) {
    if (ml2) for (let i = 0; i < ns; i++) if (u[i]) { ps[i] = 1; r.passSite = true; }
    return;
  }
  if (!aval || !bval) {
    const t = aval ? a : b;
    if (!t.nsamples) {
      const miss = hasMissingString(t.str);
      if (!(miss ? ml2 : ml1)) return;
      for (let i = 0; i < ns; i++) if (u[i]) { ps[i] = 1; r.passSite = true; }
    } else {
      for (let i = 0; i < t.nsamples; i++) {
        if (!u[i]) continue;
        const miss = hasMissingString(t.strs![i]);
        if (miss ? ml2 : ml1) { ps[i] = 1; r.passSite = true; }
      }
    }
    return;
  }
  const x = a.nsamples ? a : b;
  const y = a.nsamples ? b : a;
  for (let i = 0; i < x.nsamples; i++) {
    if (!u[i]) continue;
    const s = x.strs![i];
    const m = regex
      ? regexVectorStrings(regex, s, logic === T.NLIKE, ml1)
      : matchVectorStrings(s, y.str, logic === T.NE, ml1, ml2);
    if (m) { ps[i] = 1; r.passSite = true; }
  }
}

// ------------------------------------------------------------------ arithmetic

type Arith = (x: number, y: number) => number;
const ARITH_FN: Record<number, Arith> = {
  [T.ADD]: (x, y) => x + y,
  [T.SUB]: (x, y) => x - y,
  [T.MULT]: (x, y) => x * y,
  [T.DIV]: (x, y) => x / y,
  [T.MODULO]: (x, y) => {
    const b = Math.trunc(y);
    if (b === 0) throw new RangeError('division by zero in the modulo operator');
    return Math.trunc(x) % b;
  },
};

export function arithmetic(ctx: RecordAccess, a: Tok, b: Tok, r: Tok): void {
  const f = ARITH_FN[r.type];
  let has = false;
  r.nvalues = 0;
  if (!a.nvalues || !b.nvalues) return;
  initSamples(a, b, r);
  // shape of the result: the per-sample operand, else the longer
  const t = (a.nsamples || b.nsamples) && (!a.nsamples || !b.nsamples) ? (a.nsamples ? a : b) : a.nvalues > b.nvalues ? a : b;
  r.nvalues = t.nvalues;
  r.nval1 = t.nval1;
  const v = r.ensure(r.nvalues);
  if (!a.nsamples && !b.nsamples) {
    if (a.nvalues !== b.nvalues && a.nvalues !== 1 && b.nvalues !== 1) {
      throw evalError(ctx, `Cannot run numeric operator in -i/-e filtering on vectors of different lengths: ${a.nvalues} vs ${b.nvalues}`);
    }
    let ia = 0, ib = 0;
    for (let ir = 0; ir < r.nvalues; ir++) {
      if (a.nvalues > 1) ia = ir;
      if (b.nvalues > 1) ib = ir;
      const x = a.values[ia], y = b.values[ib];
      if (isMissOrEnd(x) || isMissOrEnd(y)) { v[ir] = MISS; continue; }
      has = true;
      v[ir] = f(x, y);
    }
  } else if (a.nsamples && b.nsamples) {
    if (a.nval1 !== b.nval1 && a.nval1 !== 1 && b.nval1 !== 1) {
      throw evalError(ctx, `Cannot run numeric operator in -i/-e filtering on vectors of different lengths: ${a.nval1} vs ${b.nval1}`);
    }
    for (let i = 0; i < r.nsamples; i++) {
      const ro = i * r.nval1, ao = i * a.nval1, bo = i * b.nval1;
      let ia = 0, ib = 0;
      for (let ir = 0; ir < r.nval1; ir++) {
        if (a.nval1 > 1) ia = ir;
        if (b.nval1 > 1) ib = ir;
        const x = a.values[ao + ia], y = b.values[bo + ib];
        if (isMissOrEnd(x) || isMissOrEnd(y)) { v[ro + ir] = MISS; continue; }
        has = true;
        v[ro + ir] = f(x, y);
      }
    }
  } else if (a.nsamples) {
    if (b.nvalues !== 1) throw evalError(ctx, 'a per-sample value can be combined only with a single site value');
    const y = b.values[0];
    if (!isMissOrEnd(y)) {
      for (let i = 0; i < a.nvalues; i++) {
        const x = a.values[i];
        if (isMissOrEnd(x)) { v[i] = MISS; continue; }
        has = true;
        v[i] = f(x, y);
      }
    }
  } else {
    if (a.nvalues !== 1) throw evalError(ctx, 'a per-sample value can be combined only with a single site value');
    const x = a.values[0];
    if (!isMissOrEnd(x)) {
      for (let i = 0; i < b.nvalues; i++) {
        const y = b.values[i];
        if (isMissOrEnd(y)) { v[i] = MISS; continue; }
        has = true;
        v[i] = f(x, y);
      }
    }
  }
  if (!has) r.nvalues = 0;
}

// ------------------------------------------------------------------ logic

export function logicOr(_ctx: RecordAccess, r: Tok, stack: Tok[], n: number): number {
  const a = stack[n - 2], b = stack[n - 1];
  initSamples(a, b, r);
  if (!a.passSite && !b.passSite) return 2;
  r.passSite = true;
  if (!a.nsamples && !b.nsamples) return 2;
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const ns = r.nsamples;
  if (r.type === T.OR_VEC) {
    if ((!a.nsamples && !a.passSite) || (!b.nsamples && !b.passSite)) {
      const t = a.nsamples ? a : b;
      for (let i = 0; i < ns; i++) if (u[i]) ps[i] = t.passSamples![i];
    } else {
      for (let i = 0; i < ns; i++) if (u[i]) ps[i] = 1;
    }
    return 2;
  }
  if (!a.nsamples || !b.nsamples) {
    const t = a.nsamples ? a : b;
    for (let i = 0; i < ns; i++) if (u[i]) ps[i] = t.passSamples![i];
    return 2;
  }
  for (let i = 0; i < ns; i++) if (u[i]) ps[i] = a.passSamples![i] | b.passSamples![i];
  return 2;
}

export function logicAnd(_ctx: RecordAccess, r: Tok, stack: Tok[], n: number): number {
  const a = stack[n - 2], b = stack[n - 1];
  initSamples(a, b, r);
  if (!a.passSite || !b.passSite) return 2;
  if (!a.nsamples && !b.nsamples) { r.passSite = true; return 2; }
  const u = r.usmpl!;
  const ps = r.passSamples!;
  const ns = r.nsamples;
  if (!a.nsamples || !b.nsamples) {
    const t = a.nsamples ? a : b;
    for (let i = 0; i < ns; i++) if (u[i]) ps[i] = t.passSamples![i];
    r.passSite = true;
    return 2;
  }
  if (r.type === T.AND_VEC) {
    for (let i = 0; i < ns; i++) if (u[i]) ps[i] = a.passSamples![i] | b.passSamples![i];
    r.passSite = true;
  } else {
    for (let i = 0; i < ns; i++) {
      if (!u[i]) continue;
      ps[i] = a.passSamples![i] & b.passSamples![i];
      if (ps[i]) r.passSite = true;
    }
  }
  return 2;
}

// ------------------------------------------------------------------ the evaluation loop

/** Evaluate the reverse-Polish tokens on the record in `ctx`; returns the final token. */
export function evaluate(rpn: Tok[], stack: Tok[], ctx: RecordAccess): Tok {
  let n = 0;
  for (let i = 0; i < rpn.length; i++) {
    const t = rpn[i];
    t.passSite = false;
    if (t.type === T.VAL) {
      if (t.setter) t.setter(ctx, t);
      else if (t.key !== null) { t.str = t.key; t.nvalues = t.key.length; }
      else if (t.isConstant) { t.values[0] = t.threshold; t.nvalues = 1; }
      else if (t.isMissing) { t.nvalues = 1; }
      stack[n++] = t;
      continue;
    }
    if (t.func) {
      const nargs = t.func(ctx, t, stack, n);
      stack[n - nargs] = t;
      n -= nargs - 1;
      continue;
    }
    const b = stack[n - 1], a = stack[n - 2];
    const ty = t.type;
    if (ty === T.ADD || ty === T.SUB || ty === T.MULT || ty === T.DIV || ty === T.MODULO) {
      try {
        arithmetic(ctx, a, b, t);
      } catch (e) {
        if (e instanceof RangeError) throw evalError(ctx, e.message);
        throw e;
      }
    } else if (t.comparator) t.comparator(b, a, t, ctx);
    else if (b.comparator) b.comparator(b, a, t, ctx);
    else if (a.comparator) a.comparator(a, b, t, ctx);
    else if (a.isStr && b.isStr) cmpStrings(a, b, t);
    else {
      try {
        cmpNumbers(a, b, t);
      } catch (e) {
        if (e instanceof RangeError) throw evalError(ctx, e.message);
        throw e;
      }
    }
    stack[n - 2] = t;
    n--;
  }
  return stack[0];
}
