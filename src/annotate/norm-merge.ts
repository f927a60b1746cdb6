/**
 * `norm -m +`: join records at the same position into one multi-allelic record, as bcftools 1.16
 * does it (vcfnorm.c merge_biallelics_to_multiallelic with vcfmerge.c merge_alleles):
 * - alleles: the first record's, then each other record's new ALTs (a shorter REF is extended
 *   with the longer REF's extra bases, its ALTs too);
 * - QUAL: the highest; ID: the first record's, other IDs appended once; FILTER: the first
 *   record's plus the others' (PASS dropped next to a failed filter; -s: a PASS record's FILTER
 *   replaces it);
 * - INFO and FORMAT: the keys of the first record; Number=A/R/G values placed at their new allele
 *   index, missing where no record gave one; other values from the first record; GT: each
 *   record's ALT call fills the first REF (or missing) allele of the first record's genotype.
 */
import {
  NormRec, MISSING, END, fieldKind, alleles2gt, numTokens, numText, flatNumeric, flatText, flatStrings,
  flatGt, gtText, gtAllele, gtIsMissing, gtUnphased, GT_END, type Val, type InfoEntry,
} from './norm-record.js';
import { transpose, type NormContext } from './norm-split.js';

interface Merge {
  lines: NormRec[];
  /** per line: its allele index → the merged record's allele index */
  maps: number[][];
  /** number of alleles of the merged record */
  n: number;
}

/** vcfmerge.c merge_alleles: merge alleles `a` into `b` (both mutated), filling `map`; null when the REFs disagree. */
export function mergeAlleles(a: string[], map: number[], b: string[]): string[] | null {
  map[0] = 0;
  const rla = a[0].length <= 1 ? 1 : a[0].length;
  const rlb = b[0].length <= 1 ? 1 : b[0].length;
  if (a.length === 2 && b.length === 2 && rla === 1 && rlb === 1 && a[1][0] === b[1][0] && a[1].length <= 1 && b[1].length <= 1) {
    map[1] = 1;
    return b;
  }
  const m = Math.min(rla, rlb);
  if (a[0].slice(0, m) !== b[0].slice(0, m)) {
    if (a[0].slice(0, m).toUpperCase() !== b[0].slice(0, m).toUpperCase()) return null;
    for (let i = 0; i < a.length; i++) a[i] = a[i].toUpperCase();
    for (let i = 0; i < b.length; i++) b[i] = b[i].toUpperCase();
  }
  if (rla > rlb) {
    for (let i = 0; i < b.length; i++) {
      if (b[i][0] === '<' || b[i][0] === '*') continue;
      b[i] = b[i] + a[0].slice(rlb);
    }
  }
  for (let i = 1; i < a.length; i++) {
    let ai = a[i];
    if (rlb > rla && a[i][0] !== '<' && a[i][0] !== '*') ai = a[i] + b[0].slice(rla);
    let j = 1;
    for (; j < b.length; j++) if (ai.toUpperCase() === b[j].toUpperCase()) break;
    if (j < b.length) { map[i] = j; continue; }
    map[i] = b.length;
    b.push(ai);
  }
  return b;
}

/** vcfmerge.c copy_string_field: put field `isrc` of src into field `idst` of dst when that one is '.' */
export function copyStringField(src: string, isrc: number, srcLen: number, dst: string, idst: number): string {
  let ith = 0, s = 0;
  while (ith < isrc && s < srcLen) {
    if (src[s] === ',') ith++;
    s++;
  }
  if (ith !== isrc) return dst;
  let e = s;
  while (e < srcLen && e < src.length && src[e] !== '\0' && src[e] !== ',') e++;
  if (e - s === 1 && src[s] === '.') return dst;
  let ithd = 0, sd = 0;
  while (ithd < idst && sd < dst.length) {
    if (dst[sd] === ',') ithd++;
    sd++;
  }
  if (ithd !== idst) return dst;
  let ed = sd;
  while (ed < dst.length && dst[ed] !== ',') ed++;
  if (ed - sd > 1 || dst[sd] !== '.') return dst;
  return dst.slice(0, sd) + src.slice(s, e) + dst.slice(ed);
}

/** htslib's bcf_add_id: append `id` (the whole ID text of a record) unless present. */
function addId(cur: string, id: string): string {
  let p = cur.indexOf(id);
  while (p >= 0) {
    const after = cur[p + id.length];
    if (after !== undefined && after !== ';') { p = cur.indexOf(id, p + 1); continue; }
    if (p === 0 || cur[p - 1] === ';') return cur;
    p = cur.indexOf(id, p + 1);
  }
  return cur !== '.' ? `${cur};${id}` : id;
}

const filterList = (f: string) => (f === '.' || f === '' ? [] : f.split(';'));

/** htslib's bcf_add_filter */
function addFilter(flt: string[], f: string): void {
  if (flt.includes(f)) return;
  if (f === 'PASS') { flt.length = 0; flt.push('PASS'); return; }
  if (flt.length === 1 && flt[0] === 'PASS') { flt[0] = f; return; }
  flt.push(f);
}

export function mergeRecords(ctx: NormContext, lines: NormRec[], strictFilter: boolean): NormRec {
  const first = lines[0];
  const dst = NormRec.blank(first);
  // QUAL: the highest
  let qual = '.';
  let qv = NaN;
  for (const l of lines) {
    if (l.qual === '.' || l.qual === '') continue;
    const v = Math.fround(Number(l.qual));
    if (Number.isNaN(qv) || qv < v) { qv = v; qual = l.qual; }
  }
  dst.qual = qual;
  let id = first.id;
  for (let i = 1; i < lines.length; i++) if (lines[i].id !== '.') id = addId(id, lines[i].id);
  dst.id = id;
  // alleles
  const maps: number[][] = [first.alleles.map((_, i) => i)];
  let als: string[] | null = first.alleles.slice();
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i].alleles;
    const map: number[] = new Array(a.length).fill(0);
    als = mergeAlleles(a, map, als);
    if (!als) ctx.fail(lines[i], 'NORM_MERGE_ALLELES', `cannot join the records at ${first.chrom}:${first.pos}: their REF alleles disagree (${lines[0].ref} vs ${lines[i].ref})`);
    maps.push(map);
  }
  dst.setAlleles(als!);
  const m: Merge = { lines, maps, n: als!.length };
  // FILTER
  let flt = filterList(first.filter);
  for (let i = 1; i < lines.length; i++) {
    for (const f of filterList(lines[i].filter)) {
      if (f === 'PASS') {
        if (strictFilter) { flt = filterList(lines[i].filter); break; }
        continue;
      }
      addFilter(flt, f);
    }
  }
  dst.filter = flt.length ? flt.join(';') : '.';
  // INFO
  const info: InfoEntry[] = [];
  for (const e of first.info) {
    const kind = fieldKind(ctx.header, 'INFO', e.key, e.value === true);
    let v: string | true;
    if (kind.type === 'flag') v = true;
    else if (e.value === true || kind.num === 'F') v = e.value;
    else if (kind.type === 'int' || kind.type === 'real') v = mergeInfoNumeric(ctx, m, e.key, kind.num);
    else v = mergeInfoString(m, e.key, kind.num);
    info.push({ key: e.key, value: v });
  }
  dst.setInfo(info);
  // FORMAT
  if (first.hasFormat) {
    const fmt: string[] = [];
    const cols: string[][] = [];
    for (const key of first.fmt) {
      let r: string[];
      if (key === 'GT') r = mergeGt(ctx, m);
      else {
        const kind = fieldKind(ctx.header, 'FORMAT', key);
        if (kind.num === 'F') r = first.fmtColumn(key)!.map((t) => t ?? '.');
        else if (kind.type === 'int' || kind.type === 'real') r = mergeFormatNumeric(ctx, m, key, kind.num);
        else r = mergeFormatString(ctx, m, key, kind.num);
      }
      fmt.push(key);
      cols.push(r);
    }
    dst.setFormat(fmt, transpose(cols, ctx.nSamples));
  }
  return dst;
}

function infoTokens(l: NormRec, key: string): Val[] | null {
  const v = l.infoGet(key);
  if (v === undefined) return null;
  return numTokens(v === true ? '' : v);
}

function mergeInfoNumeric(ctx: NormContext, m: Merge, key: string, num: string): string {
  const [first] = m.lines;
  const vals = infoTokens(first, key)!;
  const n0 = first.nAllele;
  const expect = num === 'A' ? n0 - 1 : num === 'R' ? n0 : (n0 * (n0 + 1)) / 2;
  if (vals.length !== expect) {
    ctx.fail(first, 'NORM_FIELD_COUNT', `cannot join the records at ${first.chrom}:${first.pos}: INFO/${key} of the first has ${vals.length} values, ${expect} expected`);
  }
  const nvals = num === 'A' ? m.n - 1 : num === 'R' ? m.n : (m.n * (m.n + 1)) / 2;
  for (let k = vals.length; k < nvals; k++) vals[k] = MISSING;
  for (let i = 1; i < m.lines.length; i++) {
    const l = m.lines[i];
    const v2 = infoTokens(l, key);
    if (!v2) continue;
    const ni = l.nAllele;
    const map = m.maps[i];
    const exp2 = num === 'A' ? ni - 1 : num === 'R' ? ni : (ni * (ni + 1)) / 2;
    if (v2.length !== exp2) ctx.fail(l, 'NORM_FIELD_COUNT', `cannot join INFO/${key} at ${l.chrom}:${l.pos}: ${v2.length} values, ${exp2} expected`);
    if (num === 'A') for (let k = 0; k < v2.length; k++) vals[map[k + 1] - 1] = v2[k];
    else if (num === 'R') for (let k = 0; k < v2.length; k++) vals[map[k]] = v2[k];
    else {
      let k = 0;
      for (let ia = 0; ia < ni; ia++) for (let ib = 0; ib <= ia; ib++) vals[alleles2gt(map[ia], map[ib])] = v2[k++];
    }
  }
  return numText(vals, 0, nvals);
}

function mergeInfoString(m: Merge, key: string, num: string): string {
  const dstN = m.n;
  if (num === 'A' || num === 'R') {
    const jfrom = num === 'A' ? 1 : 0;
    let str = '.' + ',.'.repeat(Math.max(0, dstN - jfrom - 1));
    m.lines.forEach((l, i) => {
      const src = l.infoGet(key);
      if (src === undefined || src === true) return;
      for (let j = jfrom; j < l.nAllele; j++) str = copyStringField(src, j - jfrom, src.length, str, m.maps[i][j] - jfrom);
    });
    return str;
  }
  const ngts = (dstN * (dstN + 1)) / 2;
  let str = '.' + ',.'.repeat(ngts - 1);
  m.lines.forEach((l, i) => {
    const src = l.infoGet(key);
    if (src === undefined || src === true) return;
    let kori = 0;
    for (let iori = 0; iori < l.nAllele; iori++) {
      const inew = m.maps[i][iori];
      for (let jori = 0; jori <= iori; jori++) {
        str = copyStringField(src, kori, src.length, str, alleles2gt(inew, m.maps[i][jori]));
        kori++;
      }
    }
  });
  return str;
}

function mergeGt(ctx: NormContext, m: Merge): string[] {
  const [first] = m.lines;
  const nsmpl = ctx.nSamples;
  const { vals: gt, per } = flatGt(first.fmtColumn('GT')!);
  for (let i = 1; i < m.lines.length; i++) {
    const l = m.lines[i];
    const col = l.fmtColumn('GT');
    const g2 = col ? flatGt(col) : null;
    if (!g2 || g2.per !== per) ctx.fail(l, 'NORM_MERGE_PLOIDY', `cannot join the records at ${l.chrom}:${l.pos}: cannot combine genotypes of different ploidy`);
    const { vals: gt2, per: per2 } = g2;
    for (let j = 0; j < nsmpl; j++) {
      for (let k2 = 0; k2 < per2; k2++) {
        const v2 = gt2[j * per2 + k2];
        if (v2 === GT_END) break;
        if (gtIsMissing(v2)) continue;
        const ial2 = gtAllele(v2);
        if (ial2 === 0) continue;
        if (ial2 >= l.nAllele) ctx.fail(l, 'NORM_BAD_ALLELE', `incorrect allele index ${ial2} at ${l.chrom}:${l.pos}`);
        const ial = m.maps[i][ial2];
        let k = 0;
        for (; k < per; k++) {
          const v = gt[j * per + k];
          if (v === GT_END || gtIsMissing(v) || gtAllele(v) === 0) break;
        }
        if (k < per) gt[j * per + k] = gtUnphased(ial);
      }
    }
  }
  const out: string[] = [];
  for (let j = 0; j < nsmpl; j++) out.push(gtText(gt, j * per, per));
  return out;
}

/** ENLARGE_ARRAY: re-stride `nsmpl` blocks of `ori` values to `nvals`, filling with missing */
function enlarge(vals: Val[], nsmpl: number, ori: number, nvals: number): void {
  for (let s = nsmpl - 1; s >= 0; s--) {
    const block = vals.slice(s * ori, s * ori + ori);
    for (let k = 0; k < ori; k++) vals[s * nvals + k] = block[k];
    for (let k = ori; k < nvals; k++) vals[s * nvals + k] = MISSING;
  }
}

function mergeFormatNumeric(ctx: NormContext, m: Merge, key: string, num: string): string[] {
  const [first] = m.lines;
  const nsmpl = ctx.nSamples;
  const f0 = flatNumeric(first.fmtColumn(key)!);
  const vals = f0.vals;
  const ori = f0.per;
  const fail = (l: NormRec) => ctx.fail(l, 'NORM_FIELD_COUNT', `cannot join FORMAT/${key} at ${l.chrom}:${l.pos}: wrong number of values`);
  if (num === 'A' || num === 'R') {
    const nvals = num === 'A' ? m.n - 1 : m.n;
    enlarge(vals, nsmpl, ori, nvals);
    for (let i = 1; i < m.lines.length; i++) {
      const l = m.lines[i];
      const col = l.fmtColumn(key);
      if (!col) continue;
      const { vals: v2, per: p2 } = flatNumeric(col);
      if (p2 !== (num === 'A' ? l.nAllele - 1 : l.nAllele)) fail(l);
      const map = m.maps[i];
      for (let j = 0; j < nsmpl; j++) {
        for (let k = 0; k < p2; k++) {
          const v = v2[j * p2 + k];
          if (v === END) break;
          vals[j * nvals + (num === 'A' ? map[k + 1] - 1 : map[k])] = v;
        }
      }
    }
    return flatText(vals, nvals, nsmpl);
  }
  // G
  const n0 = first.nAllele;
  const diploid = new Array<boolean>(nsmpl).fill(false);
  let allHaploid = true;
  if (ori > n0) {
    const nd = (n0 * (n0 + 1)) / 2;
    for (let i = 0; i < nsmpl; i++) {
      let k = 0;
      for (; k < ori; k++) if (vals[i * ori + k] === END) break;
      if (k === nd) { diploid[i] = true; allHaploid = false; }
    }
  }
  let nvals = (m.n * (m.n + 1)) / 2;
  enlarge(vals, nsmpl, ori, nvals);
  for (let i = 1; i < m.lines.length; i++) {
    const l = m.lines[i];
    const col = l.fmtColumn(key);
    if (!col) continue;
    const { vals: v2, per: p2 } = flatNumeric(col);
    const ni = l.nAllele;
    const nd = (ni * (ni + 1)) / 2;
    const lineDiploid = p2 === nd;
    if (!(p2 === 1 || p2 === ni || p2 === nd)) fail(l);
    const map = m.maps[i];
    for (let j = 0; j < nsmpl; j++) {
      const o = j * nvals, o2 = j * p2;
      let smplDiploid = lineDiploid;
      if (smplDiploid) {
        let k = 0;
        for (; k < p2; k++) if (v2[o2 + k] === END) break;
        if (k !== nd) smplDiploid = false;
      }
      if (smplDiploid && !diploid[j]) { diploid[j] = true; allHaploid = false; }
      if (!smplDiploid) {
        // with one value per sample bcftools reads past this sample's values (past the array at
        // the last sample: undefined behaviour there); values beyond the array are taken as missing
        for (let k = 0; k < ni; k++) vals[o + map[k]] = o2 + k < v2.length ? v2[o2 + k] : MISSING;
      } else {
        let k = 0;
        for (let ia = 0; ia < ni; ia++) for (let ib = 0; ib <= ia; ib++) vals[o + alleles2gt(map[ia], map[ib])] = v2[o2 + k++];
      }
    }
  }
  if (allHaploid) {
    // diploid_to_haploid: keep the first n values of every sample
    for (let i = 1; i < nsmpl; i++) for (let k = 0; k < m.n; k++) vals[i * m.n + k] = vals[i * nvals + k];
    nvals = m.n;
  } else {
    for (let i = 0; i < nsmpl; i++) if (!diploid[i]) vals[i * nvals + m.n] = END;
  }
  return flatText(vals, nvals, nsmpl);
}

function blocksOf(col: Array<string | undefined>): { blocks: string[]; blen: number } {
  const { buf, blen } = flatStrings(col);
  const blocks: string[] = [];
  for (let i = 0; i < col.length; i++) {
    let s = '';
    for (let k = 0; k < blen; k++) s += String.fromCharCode(buf[i * blen + k]);
    blocks.push(s);
  }
  return { blocks, blen };
}

function mergeFormatString(ctx: NormContext, m: Merge, key: string, num: string): string[] {
  const nsmpl = ctx.nSamples;
  const dstN = m.n;
  const tmp: string[] = [];
  if (num === 'A' || num === 'R') {
    const jfrom = num === 'A' ? 1 : 0;
    for (let i = 0; i < nsmpl; i++) tmp.push('.' + ',.'.repeat(Math.max(0, dstN - jfrom - 1)));
    m.lines.forEach((l, i) => {
      const col = l.fmtColumn(key);
      if (!col) return;
      const { blocks, blen } = blocksOf(col);
      for (let k = 0; k < nsmpl; k++) {
        for (let j = jfrom; j < l.nAllele; j++) tmp[k] = copyStringField(blocks[k], j - jfrom, blen, tmp[k], m.maps[i][j] - jfrom);
      }
    });
    return tmp;
  }
  // G
  const [first] = m.lines;
  const n0 = first.nAllele;
  const b0 = blocksOf(first.fmtColumn(key)!);
  const haploid: boolean[] = [];
  for (let i = 0; i < nsmpl; i++) {
    const blk = b0.blocks[i];
    let nfields = 1;
    for (let k = 0; k < blk.length && blk[k] !== '\0'; k++) if (blk[k] === ',') nfields++;
    let nf: number;
    if (nfields === n0) { haploid.push(true); nf = dstN; }
    else if (nfields === (n0 * (n0 + 1)) / 2) { haploid.push(false); nf = (dstN * (dstN + 1)) / 2; }
    else ctx.fail(first, 'NORM_MERGE_PLOIDY', `cannot join FORMAT/${key} at ${first.chrom}:${first.pos}: sample ${i + 1} is neither haploid nor diploid`);
    tmp.push('.' + ',.'.repeat(nf! - 1));
  }
  m.lines.forEach((l, i) => {
    const col = l.fmtColumn(key);
    if (!col) return;
    const { blocks, blen } = i === 0 ? b0 : blocksOf(col);
    for (let k = 0; k < nsmpl; k++) {
      const src = blocks[k];
      if (haploid[k]) {
        for (let j = 0; j < l.nAllele; j++) tmp[k] = copyStringField(src, j, blen, tmp[k], m.maps[i][j]);
      } else {
        let kori = 0;
        for (let iori = 0; iori < l.nAllele; iori++) {
          const inew = m.maps[i][iori];
          for (let jori = 0; jori <= iori; jori++) {
            tmp[k] = copyStringField(src, kori, blen, tmp[k], alleles2gt(inew, m.maps[i][jori]));
            kori++;
          }
        }
      }
    }
  });
  return tmp;
}
