/**
 * Removing ALT alleles from a record held as text, as htslib's `bcf_remove_allele_set` does for
 * `bcftools view -a` (ALT alleles no kept sample carries) and `-A/-AA` (the unseen `<*>`,
 * `<NON_REF>` or `<X>` allele):
 * - ALT loses the alleles ('.' when none is left);
 * - INFO and FORMAT fields defined Number=A, R or G lose the values of those alleles (G: the
 *   genotypes containing them; diploid order, or haploid when a sample has one value per allele);
 *   a field left without values is removed (INFO) or written '.' (a sample's FORMAT value);
 * - GT allele indexes are renumbered, a removed allele becomes '.' (its separator is kept).
 * Values that are kept are copied as text, never re-formatted (see docs/view-differences.md).
 * A value count that does not fit the Number is an error, as in htslib ("Unexpected number of
 * values"). Local-allele fields (LAA, Number=LA/LR/LG) are left unchanged.
 */
import { VcfError } from './errors.js';
import type { FieldDef, VcfHeader } from './header.js';

/** A record under edit: the columns as latin1 text, split where edits happen. */
export interface EditRecord {
  /** CHROM, POS, ID, REF, ALT, QUAL, FILTER */
  fixed: string[];
  alts: string[];
  /** INFO entries ("KEY=VALUE" or "KEY"); [] for '.' */
  info: string[];
  /** FORMAT keys, or null when the record has no FORMAT column */
  fmt: string[] | null;
  /** the kept samples' FORMAT values (a sample may have fewer values than FORMAT keys) */
  samples: string[][];
}

export interface Where {
  file?: string;
  line: number;
}

type Vlen = 'A' | 'R' | 'G';

const vlenOf = (def: FieldDef | undefined): Vlen | null => {
  if (!def || def.type === 'Flag') return null;
  return def.number === 'A' || def.number === 'R' || def.number === 'G' ? def.number : null;
};
const isStringType = (def: FieldDef) => def.type === 'String' || def.type === 'Character';

function err(where: Where, rec: EditRecord, msg: string): VcfError {
  return new VcfError('VIEW_TRIM_ALLELES', `cannot remove alleles at ${rec.fixed[0]}:${rec.fixed[1]}: ${msg}`, { file: where.file, line: where.line });
}

/** Index of the first `<*>`, `<NON_REF>` or `<X>` ALT allele (1-based allele index), or 0. */
export function unseenAllele(rec: EditRecord): number {
  for (let i = 0; i < rec.alts.length; i++) {
    const a = rec.alts[i];
    if (a === '<*>' || a === '<NON_REF>' || a === '<X>') return i + 1;
  }
  return 0;
}

/**
 * Per-allele counts over the GT values of the record's (kept) samples; null without GT. An allele
 * index beyond ALT is an error (htslib: "Allele index is out of bounds").
 */
export function gtAlleleCounts(rec: EditRecord, where: Where): number[] | null {
  const k = rec.fmt ? rec.fmt.indexOf('GT') : -1;
  if (k < 0) return null;
  const n = rec.alts.length + 1;
  const ac = new Array<number>(n).fill(0);
  for (const s of rec.samples) {
    const g = s[k];
    if (g === undefined) continue;
    for (const a of gtAlleles(g)) {
      if (a < 0) continue;
      if (a >= n) throw err(where, rec, `GT allele index ${a} is beyond the ${n - 1} ALT allele${n === 2 ? '' : 's'}`);
      ac[a]++;
    }
  }
  return ac;
}

/** Allele indexes of a GT text value (-1 for '.'); a 4.4 phasing prefix is skipped. */
export function gtAlleles(g: string): number[] {
  const out: number[] = [];
  let p = g.length && (g[0] === '/' || g[0] === '|') ? 1 : 0;
  while (p < g.length) {
    let q = p;
    while (q < g.length && g[q] !== '/' && g[q] !== '|') q++;
    const t = g.slice(p, q);
    out.push(t === '.' || t === '' ? -1 : /^\d+$/.test(t) ? Number(t) : -1);
    p = q + 1;
  }
  return out;
}

/** Remove the alleles flagged in `rm` (indexed by allele, rm[0] is ignored); returns how many. */
export function removeAlleles(rec: EditRecord, rm: boolean[], header: VcfHeader, where: Where, infoDef: (key: string) => FieldDef | undefined = (k) => header.info.get(k)): number {
  const nR = rec.alts.length + 1;
  const map = new Array<number>(nR);
  map[0] = 0;
  let nrm = 0;
  const alts: string[] = [];
  for (let i = 1; i < nR; i++) {
    if (rm[i]) { map[i] = -1; nrm++; continue; }
    alts.push(rec.alts[i - 1]);
    map[i] = alts.length;
  }
  if (!nrm) return 0;
  const nA = nR - 1, nG = (nR * (nR + 1)) / 2;
  rec.alts = alts;
  rec.fixed[4] = alts.length ? alts.join(',') : '.';

  // INFO
  const info: string[] = [];
  for (const entry of rec.info) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const def = infoDef(key);
    const vlen = vlenOf(def);
    if (!vlen || eq < 0) { info.push(entry); continue; }
    const vals = entry.slice(eq + 1).split(',');
    let kept: string[] | null;
    if (isStringType(def!)) kept = pickString(vals, vlen, map, nR, `INFO/${key}`, (m) => err(where, rec, m));
    else kept = pickNumeric(vals, vlen, map, nR, nA, nG, `INFO/${key}`, (m) => err(where, rec, m));
    if (kept === null) info.push(entry);
    else if (kept.length) info.push(key + '=' + kept.join(','));
  }
  rec.info = info;

  if (!rec.fmt) return nrm;
  // GT: renumber, removed alleles become '.'
  const gtk = rec.fmt.indexOf('GT');
  if (gtk >= 0) {
    for (const s of rec.samples) {
      const g = s[gtk];
      if (g === undefined) continue;
      s[gtk] = remapGt(g, map, nR, () => err(where, rec, `GT "${g}" has an allele beyond the ${nA} ALT allele${nA === 1 ? '' : 's'}`));
    }
  }
  // other FORMAT fields with Number=A/R/G
  for (let k = 0; k < rec.fmt.length; k++) {
    const key: string = rec.fmt[k];
    if (key === 'GT') continue;
    const def = header.format.get(key);
    const vlen = vlenOf(def);
    if (!vlen) continue;
    const fail = (m: string) => err(where, rec, m);
    if (isStringType(def!)) {
      // htslib writes the kept values of each sample one after the other: a value emptied of all
      // its values prints as ''; a sample whose value is missing ('.') adds its first value only
      // when that allele is kept (Number=A/R) or nothing (Number=G), and when no sample adds
      // anything the field is removed
      let anyOut = false;
      for (const s of rec.samples) {
        const v = s[k] ?? '.';
        const vals = v.split(',');
        if (vals.length === 1 && v.startsWith('.')) {
          if (vlen !== 'G' && map[vlen === 'A' ? 1 : 0] >= 0) anyOut = true;
          else s[k] = '';
          continue;
        }
        const kept = vlen === 'G' ? pickStringG(vals, map, nR, `FORMAT/${key}`, fail) : pickString(vals, vlen, map, nR, `FORMAT/${key}`, fail);
        if (kept !== null) s[k] = kept.join(',');
        anyOut = true;
      }
      if (!anyOut) {
        rec.fmt.splice(k, 1);
        for (const s of rec.samples) s.splice(k, 1);
        k--;
      }
      continue;
    }
    // numeric: the vector width is the largest number of values of any sample (absent = one missing)
    let nori = 0;
    let allMissing = true;
    for (const s of rec.samples) {
      const v = s[k];
      const n = v === undefined ? 1 : countCommas(v) + 1;
      if (n > nori) nori = n;
      if (v !== undefined && v !== '.') allMissing = false;
    }
    if (!rec.samples.length) continue;
    if (nori === 1 && !(vlen === 'A' && nori === nA) && allMissing) continue;
    if (vlen === 'A' || vlen === 'R' || (vlen === 'G' && nori === nR)) {
      const inc = vlen === 'A' ? 1 : 0;
      if (vlen === 'A' && nori !== nA) throw fail(`FORMAT/${key} is Number=A (${nA} values) but has ${nori}`);
      if (vlen === 'R' && nori !== nR) throw fail(`FORMAT/${key} is Number=R (${nR} values) but has ${nori}`);
      for (const s of rec.samples) {
        if (s[k] === undefined) continue;
        const vals = s[k].split(',');
        const kept: string[] = [];
        for (let j = 0; j < vals.length && j < nori; j++) if (map[j + inc] >= 0) kept.push(vals[j]);
        s[k] = kept.length ? kept.join(',') : '.';
      }
    } else {
      if (nori !== nG) throw fail(`FORMAT/${key} is Number=G (${nG} values) but has ${nori}`);
      for (const s of rec.samples) {
        if (s[k] === undefined) continue;
        const vals = s[k].split(',');
        const kept: string[] = [];
        if (vals.length === nR) {
          for (let j = 0; j < nR; j++) if (map[j] >= 0) kept.push(vals[j]);
        } else {
          let l = -1;
          outer: for (let a = 0; a < nR; a++) {
            for (let b = 0; b <= a; b++) {
              l++;
              if (l >= vals.length) break outer;
              if (map[a] < 0 || map[b] < 0) continue;
              kept.push(vals[l]);
            }
          }
        }
        s[k] = kept.length ? kept.join(',') : '.';
      }
    }
  }
  return nrm;
}

function countCommas(s: string): number {
  let n = 0;
  for (let i = s.indexOf(','); i >= 0; i = s.indexOf(',', i + 1)) n++;
  return n;
}

/** Number=A/R/G string values; null = leave as is (a single missing value). */
function pickString(vals: string[], vlen: Vlen, map: number[], nR: number, what: string, fail: (m: string) => VcfError): string[] | null {
  if (vlen === 'G') return pickStringG(vals, map, nR, what, fail);
  const inc = vlen === 'A' ? 1 : 0;
  const nexp = vlen === 'A' ? nR - 1 : nR;
  if (vals.length === 1 && vals[0].startsWith('.')) return null;
  if (vals.length < nexp) throw fail(`${what} is Number=${vlen} (${nexp} values) but has ${vals.length}`);
  const kept: string[] = [];
  for (let j = 0; j < nexp; j++) if (map[j + inc] >= 0) kept.push(vals[j]);
  return kept;
}

function pickStringG(vals: string[], map: number[], nR: number, what: string, fail: (m: string) => VcfError): string[] | null {
  if (vals.length === 1 && vals[0].startsWith('.')) return null;
  const nG = (nR * (nR + 1)) / 2;
  const kept: string[] = [];
  if (vals.length === nG) {
    let l = -1;
    for (let a = 0; a < nR; a++) for (let b = 0; b <= a; b++) { l++; if (map[a] >= 0 && map[b] >= 0) kept.push(vals[l]); }
  } else if (vals.length === nR) {
    for (let j = 0; j < nR; j++) if (map[j] >= 0) kept.push(vals[j]);
  } else throw fail(`${what} is Number=G (${nG} values, or ${nR} haploid) but has ${vals.length}`);
  return kept;
}

/** Number=A/R/G numeric INFO values; null = leave as is (a single missing value). */
function pickNumeric(vals: string[], vlen: Vlen, map: number[], nR: number, nA: number, nG: number, what: string, fail: (m: string) => VcfError): string[] | null {
  if (vals.length === 1 && vals[0] === '.') return null;
  const kept: string[] = [];
  if (vlen === 'A' || vlen === 'R') {
    const nexp = vlen === 'A' ? nA : nR;
    const inc = vlen === 'A' ? 1 : 0;
    if (vals.length !== nexp) throw fail(`${what} is Number=${vlen} (${nexp} values) but has ${vals.length}`);
    for (let j = 0; j < nexp; j++) if (map[j + inc] >= 0) kept.push(vals[j]);
    return kept;
  }
  if (vals.length !== nG) throw fail(`${what} is Number=G (${nG} values) but has ${vals.length}`);
  let l = -1;
  for (let a = 0; a < nR; a++) for (let b = 0; b <= a; b++) { l++; if (map[a] >= 0 && map[b] >= 0) kept.push(vals[l]); }
  return kept;
}

/** GT text with allele indexes renumbered by `map` (removed: '.'), separators kept. */
function remapGt(g: string, map: number[], nR: number, fail: () => VcfError): string {
  let out = '';
  let p = 0;
  if (g.length && (g[0] === '/' || g[0] === '|')) { out = g[0]; p = 1; }
  while (p <= g.length) {
    let q = p;
    while (q < g.length && g[q] !== '/' && g[q] !== '|') q++;
    const t = g.slice(p, q);
    if (/^\d+$/.test(t)) {
      const a = Number(t);
      if (a >= nR) throw fail();
      out += map[a] < 0 ? '.' : String(map[a]);
    } else out += t;
    if (q < g.length) out += g[q];
    p = q + 1;
  }
  return out;
}
