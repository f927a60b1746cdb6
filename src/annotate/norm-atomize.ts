/**
 * `norm -a/--atomize`: decompose MNPs and complex variants into their primitive parts, as bcftools
 * 1.16 does it (abuf.c, its "split" mode), quirks included:
 *
 * - Each ALT is cut into atoms without alignment: common last bases are trimmed (case-sensitively,
 *   keeping one base), then the alleles are walked from the left; every base differing from REF
 *   is a SNV atom, and where one allele runs out the remaining bases join the atom before them
 *   (`CGTA>CG` gives `GTA>G` at POS+1; `C>GGG` and `CGT>A` stay whole). Bases equal to REF give no
 *   atom, except the base just before an indel (an ALT equal to REF gives one REF-only atom).
 * - Atoms are sorted by position, REF and ALT (case-insensitively), then by ALT index; each distinct
 *   atom becomes one record with one ALT. An atom that another ALT's atom overlaps gets the `*`
 *   allele (`--atom-overlaps .`: no `*` allele, those genotypes become missing) — also when the
 *   overlapping atom is the same (multi-allelic SNVs `A>T,G` give `A>G,*` and `A>T,*`).
 * - GT: alleles are mapped through the table (matching atom → 1, other overlapping atom → 2 (`*`),
 *   otherwise → 0); phasing, missing alleles and ploidy are kept.
 * - INFO/FORMAT: Number=A/R numeric fields take the atom's source ALT (`.` for `*`), with the
 *   values of the same atom from later ALTs added for integer `AD` and `QS` (in int32 arithmetic,
 *   bcftools' missing/vector-end sentinels included); numeric A/R fields with the wrong number of
 *   values, INFO Number=G fields and string FORMAT Number=G fields are dropped; FORMAT Number=G
 *   numeric fields keep the 0/0, 0/a, a/a values (haploid: REF's and the ALT's), a sample with
 *   another count is an error; string A/R fields take their fields where present; other fields,
 *   ID, QUAL and FILTER are copied (INFO/END too, unchanged).
 * - With `--old-rec-tag`, every atom gets CHR|POS|REF|ALT|<ALT indexes matching it>.
 * - Records with fewer than two alleles or an allele that is not A/C/G/T/N (symbolic, `*`, IUPAC)
 *   are passed on unchanged.
 */
import { NormRec, MISSING, END, fieldKind, alleles2gt, numTokens, numText, flatNumeric, flatText, flatGt, gtText, gtAllele, gtIsMissing, GT_END, type Val, type InfoEntry } from './norm-record.js';
import { transpose, type NormContext } from './norm-split.js';

interface Atom {
  ref: string;
  alt: string;
  /** the source ALT, 1-based */
  ial: number;
  /** 0-based offsets into REF (inclusive) */
  beg: number;
  end: number;
}

const ACGTN = /^[ACGTNacgtn]+$/;

/** bcftools' _atomize_allele (1.16): no alignment, right trim then greedy matching from the left */
function atomizeAllele(ref0: string, alt0: string, ial: number, out: Atom[]): void {
  let rlen = ref0.length, alen = alt0.length;
  while (rlen > 1 && alen > 1 && ref0[rlen - 1] === alt0[alen - 1]) { rlen--; alen--; }
  const mlen = rlen > alen ? rlen : alen;
  let atom: Atom | null = null;
  for (let i = 0; i < mlen; i++) {
    const rb = i < rlen ? ref0[i] : '-';
    const ab = i < alen ? alt0[i] : '-';
    if (rb !== ab) {
      if (rb === '-' || ab === '-') {
        // an indel continues the atom before it (one always exists here)
        if (ab !== '-') atom!.alt += ab;
        if (rb !== '-') { atom!.ref += rb; atom!.end++; }
      } else {
        atom = { ref: rb, alt: ab, ial, beg: i, end: i };
        out.push(atom);
      }
      continue;
    }
    if (i + 1 >= rlen || i + 1 >= alen) {
      atom = { ref: rb, alt: ab, ial, beg: i, end: i };
      out.push(atom);
    }
  }
}

/** C strcasecmp */
function strcasecmp(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i].toLowerCase().charCodeAt(0), y = b[i].toLowerCase().charCodeAt(0);
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

function inconsistent(a: Atom, b: Atom): number {
  if (a.beg !== b.beg) return a.beg < b.beg ? -1 : 1;
  return strcasecmp(a.ref, b.ref) || strcasecmp(a.alt, b.alt);
}

/** The decomposition of one record: output atoms and, per atom, how each source ALT maps to it. */
interface Table {
  outs: Atom[];
  /** tbl[iout][ialt-1]: 0 (REF), 1 (the atom's ALT) or 2 (an overlapping other atom, `*`) */
  tbl: Uint8Array[];
  overlaps: boolean[];
}

function buildTable(line: NormRec): Table {
  const atoms: Atom[] = [];
  for (let i = 0; i < line.alts.length; i++) atomizeAllele(line.ref, line.alts[i], i + 1, atoms);
  atoms.sort((a, b) => inconsistent(a, b) || a.ial - b.ial);
  const nori = line.alts.length;
  const outs: Atom[] = [];
  const tbl: Uint8Array[] = [];
  const overlaps: boolean[] = [];
  for (let i = 0; i < atoms.length; i++) {
    if (i && !inconsistent(atoms[i - 1], atoms[i])) continue;
    const row = new Uint8Array(nori);
    row[atoms[i].ial - 1] = 1;
    outs.push(atoms[i]);
    tbl.push(row);
    overlaps.push(false);
  }
  for (const atom of atoms) {
    for (let j = 0; j < outs.length; j++) {
      const out = outs[j];
      if (atom === out) continue;
      if (atom.beg > out.end) continue;
      if (atom.end < out.beg) break;
      tbl[j][atom.ial - 1] = inconsistent(atom, out) ? 2 : 1;
      overlaps[j] = true;
    }
  }
  return { outs, tbl, overlaps };
}

// int32 arithmetic on htslib's sentinels, as bcftools adds AD/QS values
const INT32_MISSING = -2147483648, INT32_END = -2147483647;
const toInt = (v: Val): number => (v === MISSING ? INT32_MISSING : v === END ? INT32_END : Number.parseInt(v, 10) | 0);
const fromInt = (n: number): Val => (n === INT32_MISSING ? MISSING : n === INT32_END ? END : String(n));

const SUM_TAGS = new Set(['AD', 'QS']);

/** the nth comma-separated field of a string value, or undefined (bcftools' copy_string_field source side) */
function strField(s: string, n: number): string | undefined {
  const f = s.split(',');
  return n < f.length ? f[n] : undefined;
}

/** Fill the `.` placeholders of `dst` from fields of `src` (missing source fields leave `.`). */
function copyFields(dst: string[], src: string, pairs: Array<[number, number]>): string {
  for (const [isrc, idst] of pairs) {
    const f = strField(src, isrc);
    if (f === undefined || f === '.') continue;
    if (dst[idst] === '.') dst[idst] = f;
  }
  return dst.join(',');
}

/** A Number=A or R text value for one atom (its source ALT iori, 0-based), with a `.` for `*` when `star`. */
function atomText(src: string, num: string, iori: number, star: boolean): string {
  if (num === 'A') return copyFields(star ? ['.', '.'] : ['.'], src, [[iori, 0]]);
  return copyFields(star ? ['.', '.', '.'] : ['.', '.'], src, [[0, 0], [iori + 1, 1]]);
}

/**
 * Integer AD/QS of an atom: its source ALT's value (vals[at + ial]) plus those of the later ALTs
 * the same atom came from (row[j] === 1), in int32 arithmetic as bcftools adds them.
 */
function summed(vals: Val[], at: number, ial: number, row: Uint8Array): Val {
  let acc = toInt(vals[at + ial]);
  for (let j = ial; j < row.length; j++) if (row[j] === 1) acc = (acc + toInt(vals[at + j + 1])) | 0;
  return fromInt(acc);
}

/**
 * `-a`: the records a record atomizes into (the record itself when bcftools leaves it alone).
 * `star` false is `--atom-overlaps .`.
 */
export function atomizeRecord(ctx: NormContext, line: NormRec, star: boolean): NormRec[] {
  if (line.nAllele < 2) return [line];
  for (const a of line.alleles) if (!ACGTN.test(a)) return [line];
  const { outs, tbl, overlaps } = buildTable(line);
  const nori = line.alts.length;
  const nAllele = line.nAllele;
  const recs: NormRec[] = [];
  for (let k = 0; k < outs.length; k++) {
    const a = outs[k];
    // as bcftools sets n_sample: sample columns of '.' even when no FORMAT field is written
    const r = new NormRec({
      chrom: line.chrom, pos: line.pos + a.beg, id: line.id, ref: a.ref, alts: [a.alt], qual: line.qual, filter: line.filter,
      infoText: '.', tail: ctx.nSamples > 0 ? '.' + '\t.'.repeat(ctx.nSamples) : undefined, raw: null,
      lineNo: line.lineNo, file: line.file, nSamples: line.nSamples,
    });
    r.setAlleles(star && overlaps[k] ? [a.ref, a.alt, '*'] : [a.ref, a.alt]);
    recs.push(r);
  }
  const hasStar = (k: number) => star && overlaps[k];

  // INFO
  const infos: InfoEntry[][] = outs.map(() => []);
  for (const e of line.info) {
    const kind = fieldKind(ctx.header, 'INFO', e.key, e.value === true);
    if (kind.num === 'G') continue;
    if (kind.type === 'flag' || kind.num === 'F' || e.value === true) {
      for (const l of infos) l.push({ key: e.key, value: e.value });
      continue;
    }
    const value = e.value;
    if (kind.type === 'str') {
      for (let k = 0; k < outs.length; k++) infos[k].push({ key: e.key, value: atomText(value, kind.num, outs[k].ial - 1, hasStar(k)) });
      continue;
    }
    const vals = numTokens(value);
    if (kind.num === 'A' && vals.length !== nori) continue;
    if (kind.num === 'R' && vals.length !== nAllele) continue;
    const sum = kind.type === 'int' && SUM_TAGS.has(e.key);
    for (let k = 0; k < outs.length; k++) {
      const ial = outs[k].ial;
      const dst: Val[] = [];
      if (kind.num === 'A') dst.push(vals[ial - 1]);
      else {
        dst.push(vals[0], sum ? summed(vals, 0, ial, tbl[k]) : vals[ial]);
      }
      if (hasStar(k)) dst.push(MISSING);
      infos[k].push({ key: e.key, value: numText(dst, 0, dst.length) });
    }
  }
  for (let k = 0; k < outs.length; k++) recs[k].setInfo(infos[k]);
  if (ctx.oldRecTag) {
    const base = `${line.chrom}|${line.pos}|${line.ref}|${line.alts.join(',')}|`;
    for (let k = 0; k < outs.length; k++) {
      const ials: number[] = [];
      for (let j = 0; j < nori; j++) if (tbl[k][j] === 1) ials.push(j + 1);
      recs[k].infoSet(ctx.oldRecTag, base + ials.join(','));
    }
  }

  // FORMAT
  const nsmpl = ctx.nSamples;
  if (nsmpl > 0) {
    const fmts: string[][] = outs.map(() => []);
    const cols: string[][][] = outs.map(() => []);
    const add = (k: number, key: string, col: string[]) => { fmts[k].push(key); cols[k].push(col); };
    if (line.hasFormat) {
      for (const key of line.fmt) {
        const col = line.fmtColumn(key)!;
        if (key === 'GT') {
          const { vals, per } = flatGt(col);
          for (let k = 0; k < outs.length; k++) {
            const s = hasStar(k);
            const out = vals.slice();
            for (let i = 0; i < out.length; i++) {
              const v = vals[i];
              if (v === GT_END || gtIsMissing(v)) continue;
              const iori = gtAllele(v);
              if (iori < 0 || iori >= nAllele) ctx.fail(line, 'NORM_GT_RANGE', `out-of-bounds genotype allele ${iori} at ${line.chrom}:${line.pos} (the record has ${nAllele} alleles)`);
              const ial = iori ? tbl[k][iori - 1] : 0;
              out[i] = ial === 2 && !s ? v & 1 : ((ial + 1) << 1) | (v & 1);
            }
            const texts: string[] = [];
            for (let i = 0; i < nsmpl; i++) texts.push(gtText(out, i * per, per));
            add(k, key, texts);
          }
          continue;
        }
        const kind = fieldKind(ctx.header, 'FORMAT', key);
        if (kind.num === 'F') {
          const c = col.map((t) => t ?? '.');
          for (let k = 0; k < outs.length; k++) add(k, key, c);
          continue;
        }
        if (kind.type === 'str' || kind.type === 'flag') {
          if (kind.num === 'G') continue;
          for (let k = 0; k < outs.length; k++) {
            const iori = outs[k].ial - 1;
            const s = hasStar(k);
            add(k, key, col.map((t) => atomText(t ?? '.', kind.num, iori, s)));
          }
          continue;
        }
        const { vals, per } = flatNumeric(col);
        if (kind.num === 'G') {
          const ng = (nAllele * (nAllele + 1)) / 2;
          if (per !== nAllele && per !== ng) continue;
          // the ploidy of each sample's values
          const kinds: Array<'hap' | 'dip' | 'miss'> = [];
          for (let i = 0; i < nsmpl; i++) {
            let n = 0;
            while (n < per && vals[i * per + n] !== END) n++;
            if (n === nAllele) kinds.push('hap');
            else if (n === per) kinds.push('dip');
            else if (n === 1 && vals[i * per] === MISSING) kinds.push('miss');
            else ctx.fail(line, 'NORM_FIELD_COUNT', `incorrect number of values at ${line.chrom}:${line.pos}: FORMAT/${key} is Number=G, the record has ${nAllele} alleles and sample ${i + 1} has ${n} values`);
          }
          for (let k = 0; k < outs.length; k++) {
            const iori = outs[k].ial;
            const i01 = alleles2gt(0, iori), i11 = alleles2gt(iori, iori);
            const s = hasStar(k);
            const dst: Val[] = [];
            for (let i = 0; i < nsmpl; i++) {
              const o = i * per;
              dst.push(vals[o]);
              const kd = kinds[i];
              if (kd === 'hap') {
                dst.push(vals[o + iori]);
                if (s) dst.push(MISSING, END, END, END); else dst.push(END);
              } else if (kd === 'dip') {
                dst.push(vals[o + i01], vals[o + i11]);
                if (s) dst.push(MISSING, MISSING, MISSING);
              } else if (s) dst.push(END, END, END, END, END);
              else dst.push(END, END);
            }
            add(k, key, flatText(dst, s ? 6 : 3, nsmpl));
          }
          continue;
        }
        if (kind.num === 'A' && per !== nori) continue;
        if (kind.num === 'R' && per !== nAllele) continue;
        const sum = kind.type === 'int' && SUM_TAGS.has(key);
        for (let k = 0; k < outs.length; k++) {
          const ial = outs[k].ial;
          const s = hasStar(k);
          const dst: Val[] = [];
          for (let i = 0; i < nsmpl; i++) {
            const o = i * per;
            if (kind.num === 'A') {
              const v = vals[o + ial - 1];
              dst.push(v === END ? MISSING : v);
            } else {
              dst.push(vals[o], sum ? summed(vals, o, ial, tbl[k]) : vals[o + ial]);
            }
            if (s) dst.push(MISSING);
          }
          add(k, key, flatText(dst, (kind.num === 'A' ? 1 : 2) + (s ? 1 : 0), nsmpl));
        }
      }
    }
    for (let k = 0; k < outs.length; k++) if (fmts[k].length) recs[k].setFormat(fmts[k], transpose(cols[k], nsmpl));
  }
  return recs;
}
