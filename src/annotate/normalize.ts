/**
 * `norm`: left-align and trim indels against a reference, check REF, split and join
 * multi-allelic records, remove duplicates — `bcftools norm` 1.16 semantics (vcfnorm.c):
 *
 * - `-f ref.fa`: every record's REF is compared with the reference (case-insensitive, IUPAC codes
 *   in the reference read as N). `-c e` (default) stops at the first mismatch, `w` warns on stderr
 *   (REF_MISMATCH / NON_ACGTN_REF / NON_ACGTN_ALT / ALT_DUP lines), `x` drops the record, `s` fixes
 *   REF from the reference first (a missing REF is set, N bases filled, REF/ALT swapped when an ALT
 *   matches the reference, with GT and AC updated) and removes ALTs equal to REF. Letters combine
 *   (`-c wx`); `e` overrides the others.
 * - Normalisation: the common last base of all alleles is trimmed while possible (when an allele
 *   would become empty, up to 100 reference bases are put in front of all of them), then common
 *   first bases are trimmed keeping one; INFO/END follows the new REF. Symbolic, breakend and `*`
 *   alleles are left alone. Bases taken from the reference keep its case (soft-masked repeats give
 *   lowercase alleles, as bcftools writes them). `-N` skips this.
 * - Records that move are re-sorted within a window (`-w`, 1000 bp) and on a new contig.
 * - `-m -TYPE` splits (see norm-split.ts), `-m +TYPE` joins records at the same position
 *   (norm-merge.ts). TYPE is matched as bcftools 1.16 matches it: `snps` selects records with a
 *   SNP, `indels` records with an MNP (a bcftools quirk: its bit for "indels" is the MNP type bit),
 *   `both` (default) and `any` every record; when joining with anything but `any`, SNPs (and
 *   REF-only records) are joined apart from the other types.
 * - `-d snps|indels|both|all|exact` (`any` = `all`, `none` = `exact`, `-D` = `exact`) drops a
 *   record when one of the same kind at the same position was kept: on input, and again among the
 *   records written in one flush of the sorting window.
 * - `-a` atomizes every record as it is read, before everything above (see norm-atomize.ts): MNPs
 *   and complex variants become SNVs and indels, overlapping atoms get a `*` allele (or, with
 *   `--atom-overlaps .`, missing genotypes); the closing "total" counts the atomized records.
 *
 * bcftools 1.16 behaviours reproduced on purpose (the differential tests pin them): the variant
 * type of a record is computed once and not refreshed after -c s changed its alleles; records it
 * has just split get no non-ACGTN ALT check; a REF running past the end of the contig is cut the
 * way bcftools' C strings cut it; string fields are split with bcftools' own byte-block routines.
 * Deliberate differences: (1) records on contigs or with INFO/FORMAT keys the header does not
 * define are written (bcftools cannot write them and stops); (2) where bcftools reads past the
 * values of a record (joining a Number=G field with one value per sample) we read missing values;
 * (3) errors are one line and exit 2 (bcftools: 255); (4) with `-a`, where bcftools 1.16 crashes
 * (string FORMAT Number=R fields narrower than `.,.`, `--old-rec-tag` with a new tag and `-m -`)
 * we write the records its code describes.
 *
 * `normalizeAllele()` is the same left-alignment and trimming for one REF/ALT pair, for variant keys.
 */
import { VcfReader } from '../vcf/reader.js';
import { VcfError, usageError } from '../vcf/errors.js';
import type { VcfHeader } from '../vcf/header.js';
import { VcfRecord } from '../vcf/record.js';
import { HtslibPrinter } from '../vcf/htslib-text.js';
import { outputTypeFor, compressionLevelFor, type OutputType, type TextSink } from '../vcf/writer.js';
import { openTextSink } from '../vcf/bcf/encode.js';
import { viewHeaderText } from '../vcf/view.js';
import { provenanceLines } from '../vcf/provenance.js';
import { openRegionQuery } from '../vcf/region-reader.js';
import { TargetsFilter, loadRegions, parseTargetsArg, parseOverlapMode } from '../vcf/regions.js';
import { FastaReader } from './fasta.js';
import {
  NormRec, VCF_BND, VCF_INDEL, VCF_MNP, VCF_REF, VCF_SNP, flatGt, gtText, gtAllele, gtIsMissing, GT_END, numTokens,
  variantType as variantTypeOf,
} from './norm-record.js';
import { splitRecord, setOldRecTag, type NormContext } from './norm-split.js';
import { mergeRecords } from './norm-merge.js';
import { atomizeRecord } from './norm-atomize.js';

export { FastaReader } from './fasta.js';

const CHECK_WARN = 1, CHECK_SKIP = 2, CHECK_FIX = 4;
/** htslib's COLLAPSE_* values, as bcftools norm compares them with variant type bits */
const COLLAPSE_SNPS = 1, COLLAPSE_INDELS = 2, COLLAPSE_BOTH = 3, COLLAPSE_ANY = 4;
/** htslib's BCF_SR_PAIR_* values */
const PAIR_SNPS = 1, PAIR_INDELS = 2, PAIR_ANY = 4, PAIR_EXACT = 64;

/** bcftools norm's realignment window: at most this many reference bases are prepended at a time */
const ALN_WIN = 100;

export interface NormOptions {
  input: string;
  output?: string;
  outputType?: string;
  compressionLevel?: number;
  /** -f: reference FASTA (plain or bgzipped) */
  fasta?: string;
  /** -c: e, w, x, s or combinations */
  checkRef?: string;
  /** -m: -any, -both, -snps, -indels, +any, ... ('-' and '+' alone mean both) */
  multiallelics?: string;
  /** -d: snps, indels, both, all, any, exact, none */
  rmDup?: string;
  /** -D: deprecated alias of -d exact */
  removeDuplicates?: boolean;
  /** -N */
  doNotNormalize?: boolean;
  /** -a: decompose MNPs and complex variants */
  atomize?: boolean;
  /** --atom-overlaps: '*' (default) or '.' */
  atomOverlaps?: string;
  oldRecTag?: string;
  /** -s: with -m+, a PASS record's FILTER replaces the joined FILTER */
  strictFilter?: boolean;
  /** -w: sorting window in bp (default 1000) */
  siteWin?: number;
  /** --force: drop malformed Number=A/R/G fields instead of failing */
  force?: boolean;
  /** --keep-sum AD */
  keepSum?: string;
  regions?: string;
  regionsFile?: string;
  regionsOverlap?: string | number;
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: string | number;
  noVersion?: boolean;
  commandLine?: string;
  threads?: number;
  maxLineBytes?: number;
  /** stderr lines as they happen (REF_MISMATCH …, notices); default: collected in the result */
  onWarning?: (line: string) => void;
}

export interface NormStats {
  total: number;
  split: number;
  realigned: number;
  skipped: number;
  refTotal: number;
  refModified: number;
  refAdded: number;
}

export interface NormResult extends NormStats {
  records: number;
  outputType: OutputType;
  /** collected stderr lines (when no onWarning was given) */
  warnings: string[];
  /** bcftools' closing summary lines */
  summary: string[];
  checkRefFix: boolean;
}

interface Plan {
  checkRef: number;
  exit: boolean;
  op: '' | 'split' | 'merge';
  collapse: number;
  rmdup: number;
  doIndels: boolean;
  strictFilter: boolean;
  siteWin: number;
  atomize: boolean;
  /** -a: overlapping atoms get the `*` allele (false: `--atom-overlaps .`) */
  atomStar: boolean;
}

export function parseNormPlan(opts: NormOptions): Plan {
  let checkRef = 0;
  let exit = false;
  if (opts.checkRef !== undefined) {
    const c = opts.checkRef;
    if (!/^[a-z]+$/.test(c)) throw usageError(`-c/--check-ref expects e, w, x or s (or a combination such as wx), got "${c}"`, 'NORM_USAGE');
    if (c.includes('w')) checkRef |= CHECK_WARN;
    if (c.includes('x')) checkRef |= CHECK_SKIP;
    if (c.includes('s')) checkRef |= CHECK_FIX;
    if (c.includes('e')) { checkRef = 0; exit = true; }
    if (!exit && checkRef === 0) throw usageError(`-c/--check-ref expects e, w, x or s, got "${c}"`, 'NORM_USAGE');
  }
  if (opts.fasta !== undefined && checkRef === 0) exit = true;
  if (checkRef && opts.fasta === undefined) throw usageError('-c/--check-ref needs the reference: give -f/--fasta-ref', 'NORM_USAGE');
  let op: Plan['op'] = '';
  let collapse = COLLAPSE_BOTH;
  if (opts.multiallelics !== undefined) {
    const m = opts.multiallelics;
    if (m[0] === '-') op = 'split';
    else if (m[0] === '+') op = 'merge';
    else throw usageError(`-m expects - or + followed by snps, indels, both or any (e.g. -m -any), got "${m}"`, 'NORM_USAGE');
    const t = m.slice(1);
    if (t === 'snps') collapse = COLLAPSE_SNPS;
    else if (t === 'indels') collapse = COLLAPSE_INDELS;
    else if (t === 'both' || t === '') collapse = COLLAPSE_BOTH;
    else if (t === 'any') collapse = COLLAPSE_ANY;
    else throw usageError(`-m: the type "${t}" is not recognised (snps, indels, both or any)`, 'NORM_USAGE');
  }
  let rmdup = 0;
  if (opts.removeDuplicates) rmdup = PAIR_EXACT;
  if (opts.rmDup !== undefined) {
    const d = opts.rmDup;
    if (d === 'snps') rmdup = PAIR_SNPS;
    else if (d === 'indels') rmdup = PAIR_INDELS;
    else if (d === 'both') rmdup = PAIR_SNPS | PAIR_INDELS;
    else if (d === 'all' || d === 'any') rmdup = PAIR_ANY;
    else if (d === 'exact' || d === 'none') rmdup = PAIR_EXACT;
    else throw usageError(`-d/--rm-dup: "${d}" is not recognised (snps, indels, both, all or exact)`, 'NORM_USAGE');
  }
  let atomStar = true;
  if (opts.atomOverlaps !== undefined) {
    if (opts.atomOverlaps[0] === '*') atomStar = true;
    else if (opts.atomOverlaps[0] === '.') atomStar = false;
    else throw usageError(`--atom-overlaps expects '*' or ., got "${opts.atomOverlaps}"`, 'NORM_USAGE');
  }
  const atomize = !!opts.atomize;
  if (opts.fasta === undefined && !op && !rmdup && !atomize) throw usageError('norm needs something to do: -a (atomize), -f (left-align against a reference), -m (split or join) or -d (remove duplicates)', 'NORM_USAGE');
  if (op === 'split' && rmdup) throw usageError('-d/-D cannot be combined with -m - (split)', 'NORM_USAGE');
  if (opts.keepSum !== undefined && opts.keepSum.toLowerCase() !== 'ad') throw usageError('--keep-sum: only AD is supported', 'NORM_USAGE');
  const siteWin = opts.siteWin ?? 1000;
  if (!Number.isInteger(siteWin)) throw usageError(`-w/--site-win expects an integer, got ${siteWin}`, 'NORM_USAGE');
  return { checkRef, exit, op, collapse, rmdup, doIndels: !opts.doNotNormalize, strictFilter: !!opts.strictFilter, siteWin, atomize, atomStar };
}

// ---------------------------------------------------------------------------------------------
// reference checks and left-alignment

const ACGTN = new Set(['A', 'C', 'G', 'T', 'N']);

/** any character other than ACGTN (either case) */
function hasNonAcgtn(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!ACGTN.has(s[i].toUpperCase())) return true;
  return false;
}

/** bcftools' replace_iupac_codes: non-ACGTN characters become N; the case of the others is kept */
function replaceIupac(s: string): { s: string; n: number } {
  let n = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (ACGTN.has(s[i].toUpperCase())) out += s[i];
    else { out += 'N'; n++; }
  }
  return { s: out, n };
}

export type RealignOutcome =
  | { kind: 'unchanged' }
  | { kind: 'changed'; pos: number; alleles: string[] }
  | { kind: 'symbolic' | 'spanning' | 'dup' | 'ref-only' }
  | { kind: 'non-acgtn-ref'; refSeq: string }
  | { kind: 'ref-mismatch'; refSeq: string }
  | { kind: 'non-acgtn-alt'; allele: string }
  | { kind: 'no-contig'; at: number };

/**
 * bcftools' realign(): check REF against the reference, then trim and left-align the alleles.
 * `pos` is 1-based; the outcome's `pos` too. `checkAlts` false reproduces bcftools on the records
 * it has just split: it then checks no ALT for non-ACGTN bases (its length argument is 0 there).
 * `types` gives the record's (cached) variant types; by default they are computed from `alleles`.
 */
export function realignAlleles(fasta: FastaReader, chrom: string, pos: number, alleles: string[], checkAlts = true, types?: () => number): RealignOutcome {
  const pos0 = pos - 1;
  const ref0 = alleles[0];
  const fetched = fasta.fetch(chrom, pos0, pos0 + ref0.length - 1);
  if (fetched === null) return { kind: 'no-contig', at: pos };
  const refSeq = replaceIupac(fetched.toUpperCase()).s;
  if (hasNonAcgtn(ref0)) return { kind: 'non-acgtn-ref', refSeq };
  if (refSeq !== ref0.toUpperCase()) return { kind: 'ref-mismatch', refSeq };
  if (alleles.length === 1) return { kind: 'ref-only' };
  let vt = 0;
  if (types) vt = types();
  else for (let i = 1; i < alleles.length; i++) vt |= variantTypeOf(ref0, alleles[i]);
  if (vt === VCF_BND) return { kind: 'symbolic' };
  const als: string[] = [];
  for (let i = 0; i < alleles.length; i++) {
    const a = alleles[i];
    if (a[0] === '<') return { kind: 'symbolic' };
    if (a[0] === '*') return { kind: 'spanning' };
    if (checkAlts && hasNonAcgtn(a)) return { kind: 'non-acgtn-alt', allele: a };
    als.push(a.toUpperCase());
    if (i > 0 && als[i] === als[0]) return { kind: 'dup' };
  }
  const n = als.length;
  let newPos = pos0;
  // trim from the right, padding from the left when an allele runs out
  for (;;) {
    const last0 = als[0][als[0].length - 1]?.toUpperCase();
    let minLen = als[0].length;
    let i = 1;
    for (; i < n; i++) {
      if (als[i][als[i].length - 1]?.toUpperCase() !== last0) break;
      if (als[i].length < minLen) minLen = als[i].length;
    }
    if (i !== n) break;
    if (minLen <= 1 && newPos === 0) break;
    let pad = false;
    for (let k = 0; k < n; k++) {
      als[k] = als[k].slice(0, -1);
      if (!als[k].length) pad = true;
    }
    if (pad) {
      const npad = newPos >= ALN_WIN ? ALN_WIN : newPos;
      const seq = fasta.fetch(chrom, newPos - npad, newPos - 1);
      if (seq === null) return { kind: 'no-contig', at: newPos - npad + 1 };
      const p = replaceIupac(seq).s;
      for (let k = 0; k < n; k++) als[k] = p + als[k];
      newPos -= npad;
    }
  }
  // trim from the left, keeping one base
  let ntrim = 0;
  for (;;) {
    let minLen = als[0].length - ntrim;
    let i = 1;
    for (; i < n; i++) {
      if (als[0][ntrim] !== als[i][ntrim]) break;
      if (minLen > als[i].length - ntrim) minLen = als[i].length - ntrim;
    }
    if (i !== n || minLen <= 1) break;
    ntrim++;
  }
  if (ntrim) {
    for (let k = 0; k < n; k++) als[k] = als[k].slice(ntrim);
    newPos += ntrim;
  }
  if (newPos === pos0 && ref0.toUpperCase() === als[0].toUpperCase()) return { kind: 'unchanged' };
  return { kind: 'changed', pos: newPos + 1, alleles: als };
}

export interface NormalizedAllele { pos: number; ref: string; alt: string }

/**
 * The normalised form of one REF/ALT pair: with a reference, left-aligned and trimmed exactly as
 * `bcftools norm -f` does it; without, only trimmed (common last bases, then common first bases,
 * keeping one base in each allele). Alleles come back upper-case (bcftools keeps the case of
 * soft-masked reference bases; a variant key should not depend on it). When the REF does not match
 * the reference, or an allele is symbolic (`<DEL>`, breakends, `*`) or not A/C/G/T/N, the pair is
 * returned unchanged (upper-cased) — check REF with `norm -c` when that matters.
 */
export function normalizeAllele(chrom: string, pos: number, ref: string, alt: string, fasta?: FastaReader): NormalizedAllele {
  const R = ref.toUpperCase(), A = alt.toUpperCase();
  if (fasta) {
    const r = realignAlleles(fasta, chrom, pos, [ref, alt]);
    if (r.kind === 'changed') return { pos: r.pos, ref: r.alleles[0].toUpperCase(), alt: r.alleles[1].toUpperCase() };
    return { pos, ref: R, alt: A };
  }
  if (R[0] === '<' || A[0] === '<' || A === '*' || A === '.' || /[[\]]/.test(A)) return { pos, ref: R, alt: A };
  let r = R, a = A, p = pos;
  while (r.length > 1 && a.length > 1 && r[r.length - 1] === a[a.length - 1]) { r = r.slice(0, -1); a = a.slice(0, -1); }
  let k = 0;
  while (r.length - k > 1 && a.length - k > 1 && r[k] === a[k]) k++;
  if (k) { r = r.slice(k); a = a.slice(k); p += k; }
  return { pos: p, ref: r, alt: a };
}

// ---------------------------------------------------------------------------------------------
// the streaming driver

interface State {
  plan: Plan;
  ctx: NormContext;
  fasta?: FastaReader;
  header: VcfHeader;
  stats: NormStats;
  warn: (line: string) => void;
  /** INFO/END is an Integer: realignment keeps it in step with REF */
  endIsInt: boolean;
}

/** The record's rlen as htslib computes it: INFO/END − POS + 1 when END is there, else the REF length. */
function rlenOf(line: NormRec): number {
  const e = line.infoGet('END');
  if (typeof e === 'string' && /^\d+$/.test(e)) {
    const v = Number(e) - line.pos + 1;
    if (v > 0) return v;
  }
  return line.ref.length;
}

function fetchFail(st: State, line: NormRec, at: number): never {
  st.ctx.fail(line, 'NORM_FASTA_CONTIG', `cannot fetch ${line.chrom}:${at} from the reference: ${st.fasta!.has(line.chrom) ? 'the position is past its end' : `it has no contig "${line.chrom}"`} (${st.fasta!.path})`);
}

/** Apply a function to every GT value (htslib encoding) of the record, if it has GT. */
function updateGt(line: NormRec, fn: (v: number) => number): boolean {
  const col = line.fmtColumn('GT');
  if (!col) return false;
  const { vals, per } = flatGt(col);
  let changed = false;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    const w = fn(v);
    if (w !== v) { vals[i] = w; changed = true; }
  }
  if (!changed) return false;
  const k = line.fmt.indexOf('GT');
  const rows = line.smp.map((r) => r.slice());
  rows.forEach((r, s) => { r[k] = gtText(vals, s * per, per); });
  line.setFormat(line.fmt.slice(), rows);
  return true;
}

/** bcftools' fix_ref (-c s) */
function fixRef(st: State, line: NormRec): void {
  const fasta = st.fasta!;
  const als = line.alleles;
  const reflen = als[0].length;
  let maxlen = reflen;
  for (const a of als) if (a.length > maxlen) maxlen = a.length;
  const raw = fasta.fetch(line.chrom, line.pos - 1, line.pos - 1 + maxlen - 1);
  if (raw === null) fetchFail(st, line, line.pos);
  const ref = replaceIupac(raw).s;
  st.stats.refTotal++;
  const matches = (a: string, n: number) => a.slice(0, n).toUpperCase() === ref.slice(0, n).toUpperCase();
  if (matches(als[0], reflen)) return;
  if (reflen === 1 && als[0] === '.') {
    als[0] = ref[0] ?? '';
    st.stats.refAdded++;
    line.setAlleles(als);
    return;
  }
  let nonAcgtn = 0;
  for (let i = 0; i < als.length; i++) {
    if (als[i][0] === '<') continue;
    const r = replaceIupac(als[i]);
    nonAcgtn += r.n;
    als[i] = r.s;
  }
  if (nonAcgtn) {
    st.stats.refAdded++;
    line.setAlleles(als);
    if (matches(als[0], reflen)) return;
  }
  // N bases of REF (and the ALTs' N at the same offsets) from the reference; past the end of the
  // contig bcftools copies the reference's terminating NUL, which cuts the allele there
  let fix = 0;
  const chars = als.map((a) => a.split(''));
  const strlen = (c: string[]) => { const k = c.indexOf('\0'); return k < 0 ? c.length : k; };
  for (let i = 0; i < reflen; i++) {
    if (chars[0][i] !== 'N') continue;
    if (ref[i] === 'N') continue;
    const b = ref[i] ?? '\0';
    chars[0][i] = b;
    fix++;
    for (let j = 1; j < chars.length; j++) {
      if (strlen(chars[j]) <= i || chars[j][i] !== 'N') continue;
      chars[j][i] = b;
      fix++;
    }
  }
  if (fix) {
    for (let i = 0; i < als.length; i++) als[i] = chars[i].slice(0, strlen(chars[i])).join('');
    st.stats.refAdded++;
    line.setAlleles(als);
    if (matches(als[0], reflen)) return;
  }
  let i = 1;
  for (; i < als.length; i++) if (matches(als[i], als[i].length)) break;
  if (i === als.length) {
    st.stats.refAdded++;
    als[0] = ref.slice(0, reflen);
    // a REF running past the end of the contig: bcftools' allele string then ends after REF
    line.setAlleles(ref.length < reflen ? [als[0]] : als);
    return;
  }
  // an ALT matches the reference: swap it with REF
  const swapped = als.slice();
  swapped[0] = als[i];
  swapped[i] = als[0];
  line.setAlleles(swapped);
  st.stats.refModified++;
  let ni = 0;
  const has = updateGt(line, (v) => {
    if (v === GT_END) return v;
    if (v === 2) { ni++; return (i + 1) << 1; }
    if (v === 3) { ni++; return ((i + 1) << 1) | 1; }
    if (v === (i + 1) << 1) return 2;
    if (v === (((i + 1) << 1) | 1)) return 3;
    return v;
  });
  void has;
  const acDef = st.header.info.get('AC');
  const ac = line.infoGet('AC');
  if (acDef && acDef.type === 'Integer' && typeof ac === 'string') {
    const vals = numTokens(ac);
    if (i <= vals.length) {
      vals[i - 1] = String(ni);
      line.infoSet('AC', vals.map((v) => (v === null || v === undefined ? '.' : v)).join(','));
    }
  }
}

/** bcftools' fix_dup_alt (-c s): drop ALTs equal to REF, renumber GT */
function fixDupAlt(line: NormRec): void {
  const als = line.alleles;
  const nOri = als.length;
  const map: number[] = [0];
  const keep: string[] = [als[0]];
  let j = 1;
  for (let i = 1; i < nOri; i++) {
    if (als[0].toUpperCase() !== als[i].toUpperCase()) { map[i] = j++; keep.push(als[i]); }
    else map[i] = 0;
  }
  line.setAlleles(keep);
  updateGt(line, (v) => {
    if (v === GT_END || gtIsMissing(v)) return v;
    const ial = gtAllele(v);
    if (ial < nOri && ial === map[ial]) return v;
    const nw = ial < nOri ? map[ial] : 0;
    return ((nw + 1) << 1) | (v & 1);
  });
}

/** -c handling of a realign outcome; returns false when the record is to be dropped */
function realignLine(st: State, line: NormRec): 'ok' | 'mismatch' | 'dup' {
  const out = realignAlleles(st.fasta!, line.chrom, line.pos, line.alleles, !line.fromSplit, () => line.variantTypes);
  const { exit } = st.plan;
  const warn = (st.plan.checkRef & CHECK_WARN) !== 0;
  const where = `${line.chrom}:${line.pos}`;
  const hint = ' (-c w warns instead, -c x excludes such records, -c s fixes them)';
  switch (out.kind) {
    case 'no-contig':
      fetchFail(st, line, out.at);
    // falls through (fetchFail throws)
    case 'non-acgtn-ref':
      if (exit) st.ctx.fail(line, 'NORM_REF_NON_ACGTN', `non-ACGTN reference allele at ${where}: the reference has '${out.refSeq}', the VCF '${line.ref}'${hint}`);
      if (warn) st.warn(`NON_ACGTN_REF\t${line.chrom}\t${line.pos}\t${line.ref}`);
      return 'mismatch';
    case 'ref-mismatch':
      if (exit) st.ctx.fail(line, 'NORM_REF_MISMATCH', `reference allele mismatch at ${where}: the reference has '${out.refSeq}', the VCF '${line.ref}'${hint}`);
      if (warn) st.warn(`REF_MISMATCH\t${line.chrom}\t${line.pos}\t${line.ref}\t${out.refSeq}`);
      return 'mismatch';
    case 'non-acgtn-alt':
      if (exit) st.ctx.fail(line, 'NORM_ALT_NON_ACGTN', `non-ACGTN alternate allele at ${where}: '${out.allele}'${hint}`);
      if (warn) st.warn(`NON_ACGTN_ALT\t${line.chrom}\t${line.pos}\t${out.allele}`);
      return 'mismatch';
    case 'ref-only':
      if (rlenOf(line) > 1 && line.ref.length > 1) line.setAlleles([line.ref[0]]);
      return 'ok';
    case 'dup':
      return 'dup';
    case 'changed': {
      setOldRecTag(st.ctx, line, line, 0);
      const reflen = line.ref.length;
      const oldPos = line.pos;
      line.setAlleles(out.alleles);
      line.pos = out.pos;
      st.stats.realigned++;
      if ((out.pos !== oldPos || reflen !== out.alleles[0].length) && st.endIsInt) {
        const e = line.infoGet('END');
        if (typeof e === 'string' && numTokens(e).length === 1) line.infoSet('END', String(out.pos + out.alleles[0].length - 1));
      }
      return 'ok';
    }
    default:
      return 'ok';
  }
}

/** bcftools' normalize_line: returns the record to buffer, or null when it is excluded */
function normalizeLine(st: State, line: NormRec): NormRec | null {
  if (st.fasta) {
    if (st.plan.checkRef & CHECK_FIX) fixRef(st, line);
    if (st.plan.doIndels) {
      const r = realignLine(st, line);
      if (r === 'mismatch' && st.plan.checkRef & CHECK_SKIP) {
        st.stats.skipped++;
        return null;
      }
      if (r === 'dup') {
        if (st.plan.checkRef & CHECK_FIX) fixDupAlt(line);
        else if (st.plan.exit) st.ctx.fail(line, 'NORM_DUP_ALLELE', `duplicate alleles at ${line.chrom}:${line.pos}: an ALT equals REF (-c w warns instead, -c s removes it)`);
        else if (st.plan.checkRef & CHECK_WARN) st.warn(`ALT_DUP\t${line.chrom}\t${line.pos}`);
      }
    }
  }
  return line;
}

/** -d: "same kind at the same position" bookkeeping */
class DupCheck {
  private chrom: string | null = null;
  private pos = -1;
  private types = 0;
  private seen: Array<{ ref: string; alts: string[] }> = [];
  constructor(private mode: number) {}

  /** true when `line` is a duplicate of one seen before at its position (and should be dropped) */
  isDup(line: NormRec): boolean {
    const t = line.variantTypes;
    if (this.chrom !== null && this.chrom === line.chrom && this.pos === line.pos) {
      if (this.mode & PAIR_ANY) return true;
      if (this.mode & PAIR_SNPS && t & (VCF_SNP | VCF_MNP) && this.types & (VCF_SNP | VCF_MNP)) return true;
      if (this.mode & PAIR_INDELS && t & VCF_INDEL && this.types & VCF_INDEL) return true;
      if (this.mode & PAIR_EXACT && this.matches(line)) return true;
    } else {
      this.chrom = line.chrom;
      this.pos = line.pos;
      this.types = 0;
      this.seen = [];
    }
    this.types |= t;
    if (this.mode & PAIR_EXACT) this.seen.push({ ref: line.ref, alts: line.alts.slice() });
    return false;
  }

  private matches(line: NormRec): boolean {
    const n = line.alts.length;
    for (const s of this.seen) {
      if (s.alts.length !== n) continue;
      if (s.ref.toUpperCase() !== line.ref.toUpperCase()) continue;
      if (n === 1) {
        if (s.alts[0].toUpperCase() !== line.alts[0].toUpperCase()) continue;
        return true;
      }
      const set = new Set(s.alts);
      if (line.alts.every((a) => set.has(a))) return true;
    }
    return false;
  }
}

/** Where records go: printed as bcftools prints them (htslib's number and missing-value rules). */
class Output {
  records = 0;
  private readonly printer: HtslibPrinter;
  constructor(private sink: TextSink, private readonly header: VcfHeader) {
    this.printer = new HtslibPrinter(header);
  }
  async write(line: NormRec): Promise<void> {
    this.records++;
    const text = line.text();
    const rec = new VcfRecord(Buffer.from(text, 'latin1'), 0, text.length, line.lineNo, this.header, line.file);
    const r = this.sink.writeLatin1((this.printer.line(rec) ?? text) + '\n');
    if (r) await r;
  }
}

/** The sorting buffer with bcftools' flush_buffer (joining for -m+, duplicate removal). */
class Buffer1 {
  lines: NormRec[] = [];
  private alines: NormRec[] = [];
  private blines: NormRec[] = [];
  constructor(private st: State, private out: Output) {}

  insert(line: NormRec): void {
    const b = this.lines;
    let j = b.length;
    b.push(line);
    while (j > 0 && b[j - 1].pos > b[j].pos) {
      const t = b[j - 1];
      b[j - 1] = b[j];
      b[j] = t;
      j--;
    }
  }

  get last(): NormRec | undefined { return this.lines[this.lines.length - 1]; }

  async flush(n: number): Promise<void> {
    const { plan } = this.st;
    const dup = plan.rmdup ? new DupCheck(plan.rmdup) : null;
    for (let i = 0; i < n; i++) {
      const line = this.lines.shift()!;
      if (plan.op === 'merge') {
        if (this.readyToFlush(line)) {
          let m: NormRec | null;
          while ((m = this.mergeFlush())) await this.out.write(m);
        }
        let merge = true;
        if (plan.collapse !== COLLAPSE_BOTH && plan.collapse !== COLLAPSE_ANY) {
          if (!(line.variantTypes & plan.collapse)) merge = false;
        }
        if (merge) {
          this.schedule(line);
          continue;
        }
      } else if (dup && dup.isDup(line)) continue;
      await this.out.write(line);
    }
    if (plan.op === 'merge' && this.lines.length === 0) {
      let m: NormRec | null;
      while ((m = this.mergeFlush())) await this.out.write(m);
    }
  }

  private schedule(line: NormRec): void {
    const t = line.variantTypes;
    if (this.st.plan.collapse === COLLAPSE_ANY || t & VCF_SNP || t === VCF_REF) this.alines.push(line);
    else this.blines.push(line);
  }

  private readyToFlush(line: NormRec): boolean {
    const a = this.alines[0], b = this.blines[0];
    if (a && (a.chrom !== line.chrom || a.pos !== line.pos)) return true;
    if (b && (b.chrom !== line.chrom || b.pos !== line.pos)) return true;
    return false;
  }

  private mergeFlush(): NormRec | null {
    if (this.blines.length && this.alines.length === 1 && this.alines[0].variantTypes === VCF_REF) {
      this.blines.push(this.alines.pop()!);
    }
    const take = (list: NormRec[]): NormRec => {
      const lines = list.splice(0, list.length);
      return lines.length === 1 ? lines[0] : mergeRecords(this.st.ctx, lines, this.st.plan.strictFilter);
    };
    if (this.alines.length) return take(this.alines);
    if (this.blines.length) return take(this.blines);
    return null;
  }
}

/** Records of the input: streamed, or through -r/-R regions, filtered by -t/-T targets. */
async function openSource(opts: NormOptions, notices: string[]): Promise<{ header: VcfHeader; file: string; records: AsyncIterable<VcfRecord>; close: () => Promise<void> }> {
  if (opts.targets !== undefined && opts.targetsFile !== undefined) throw usageError('give either -t or -T, not both');
  let header: VcfHeader, file: string, records: AsyncIterable<VcfRecord>, close: () => Promise<void>;
  if (opts.regions !== undefined || opts.regionsFile !== undefined) {
    const rq = await openRegionQuery(opts.input, { regions: opts.regions, regionsFile: opts.regionsFile, overlap: parseOverlapMode(opts.regionsOverlap, '--regions-overlap') });
    notices.push(...rq.notices);
    header = rq.header; file = rq.file; records = rq.records(); close = async () => rq.close();
  } else {
    const reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes, threads: opts.threads });
    header = reader.header; file = reader.file; records = reader.records(); close = () => reader.close();
  }
  if (opts.targets !== undefined || opts.targetsFile !== undefined) {
    const t = parseTargetsArg(opts.targets ?? opts.targetsFile!);
    const loaded = await loadRegions(opts.targets !== undefined ? { list: t.spec } : { file: t.spec });
    notices.push(...loaded.notices);
    const filter = new TargetsFilter(loaded.set, {
      overlap: parseOverlapMode(opts.targetsOverlap, '--targets-overlap'),
      exclude: t.exclude, header, onNotice: (m) => notices.push(m), fileLabel: file,
    });
    records = filter.filter(records);
  }
  return { header, file, records, close };
}

export const OLD_REC_TAG_DESCRIPTION = 'Original variant. Format: CHR|POS|REF|ALT|USED_ALT_IDX';

/** Run `norm` from `opts.input` to `opts.output` (stdout by default). */
export async function norm(opts: NormOptions): Promise<NormResult> {
  const plan = parseNormPlan(opts);
  const outputType = outputTypeFor(opts.output, opts.outputType, opts.compressionLevel !== undefined, true);
  const level = compressionLevelFor(opts.outputType, opts.compressionLevel);
  const warnings: string[] = [];
  const warn = opts.onWarning ?? ((l: string) => { warnings.push(l); });
  const fasta = opts.fasta !== undefined ? FastaReader.open(opts.fasta) : undefined;
  const notices: string[] = [];
  let src: Awaited<ReturnType<typeof openSource>> | undefined;
  let sink: TextSink | undefined;
  const stats: NormStats = { total: 0, split: 0, realigned: 0, skipped: 0, refTotal: 0, refModified: 0, refAdded: 0 };
  let out: Output | undefined;
  try {
    src = await openSource(opts, notices);
    for (const n of notices.splice(0)) warn(n);
    const header = src.header;
    const file = src.file;
    if (opts.oldRecTag !== undefined && !/^[A-Za-z_][0-9A-Za-z_.]*$/.test(opts.oldRecTag)) {
      throw usageError(`--old-rec-tag: "${opts.oldRecTag}" is not a valid INFO key`, 'NORM_USAGE');
    }
    const ctx: NormContext = {
      header,
      nSamples: header.samples.length,
      force: !!opts.force,
      forceWarned: false,
      keepSumAd: opts.keepSum !== undefined,
      oldRecTag: opts.oldRecTag,
      warn: (m) => warn(m),
      fail: (rec, code, msg) => { throw new VcfError(code, msg, { file, line: rec.lineNo }); },
    };
    if (ctx.keepSumAd && !header.format.has('AD') && !header.info.has('AD')) throw usageError('--keep-sum AD: the header defines no AD field', 'NORM_USAGE');
    const st: State = {
      plan, ctx, fasta, header, stats, warn,
      endIsInt: header.info.get('END')?.type === 'Integer',
    };
    // -O b|u: the same text goes through the BCF encoder
    sink = openTextSink(opts.output, outputType, { level });
    const extra: string[] = [];
    if (opts.oldRecTag !== undefined && !header.info.has(opts.oldRecTag)) {
      extra.push(`##INFO=<ID=${opts.oldRecTag},Number=1,Type=String,Description="${OLD_REC_TAG_DESCRIPTION}">`);
    }
    if (!opts.noVersion) extra.push(...provenanceLines('norm', opts.commandLine));
    await sink.write(viewHeaderText(header, { sitesOnly: false, dropFormatHeader: false, updateAC: false }, header.samples, extra));
    out = new Output(sink, header);
    const buf = new Buffer1(st, out);
    const inDup = plan.rmdup ? new DupCheck(plan.rmdup) : null;
    const nS = header.samples.length;
    for await (const rec of src.records) {
      for (const n of notices.splice(0)) warn(n);
      const read = NormRec.from(rec, nS);
      for (const line of plan.atomize ? atomizeRecord(ctx, read, plan.atomStar) : [read]) {
        stats.total++;
        if (inDup && inDup.isDup(line)) continue;
        const last = buf.last;
        if (last && last.chrom !== line.chrom) await buf.flush(buf.lines.length);
        let split = false;
        if (plan.op === 'split') {
          split = true;
          if (plan.collapse !== COLLAPSE_BOTH && plan.collapse !== COLLAPSE_ANY) {
            if (!(line.variantTypes & plan.collapse)) split = false;
          }
          if (split && line.nAllele > 2) {
            stats.split++;
            for (const part of splitRecord(ctx, line)) {
              const r = normalizeLine(st, part);
              if (r) buf.insert(r);
            }
          } else split = false;
        }
        if (!split) {
          const r = normalizeLine(st, line);
          if (r) buf.insert(r);
        }
        const top = buf.last;
        if (top) {
          let j = 0;
          for (const l of buf.lines) {
            if (top.pos - l.pos < plan.siteWin) break;
            j++;
          }
          if (j > 0) await buf.flush(j);
        }
      }
    }
    for (const n of notices.splice(0)) warn(n);
    await buf.flush(buf.lines.length);
  } finally {
    if (src) await src.close();
    if (sink) await sink.close();
    fasta?.close();
  }
  const summary = [`Lines   total/split/realigned/skipped:\t${stats.total}/${stats.split}/${stats.realigned}/${stats.skipped}`];
  if (plan.checkRef & CHECK_FIX) summary.push(`REF/ALT total/modified/added:  \t${stats.refTotal}/${stats.refModified}/${stats.refAdded}`);
  return { ...stats, records: out?.records ?? 0, outputType, warnings, summary, checkRefFix: (plan.checkRef & CHECK_FIX) !== 0 };
}
