/**
 * Two-file mode of `stats`: both files are read through their indexes, contig by contig, and the
 * records at each position are matched as htslib's synced reader does for `bcftools stats A B`
 * (pairing logic "exact", bcf_sr_sort.c): two records match when their variant classes agree and
 * their alleles are identical (same REF>ALT list, or the same set of alleles in another order or
 * case). Unmatched records are lines of one file only.
 */
import { latin1 } from '../vcf/bytes.js';
import { MAX_COORD, RegionSet, loadRegions, type OverlapMode } from '../vcf/regions.js';
import type { RegionReader } from '../vcf/region-reader.js';
import { VcfRecord } from '../vcf/record.js';
import { Site, VT_INDEL, VT_MNP, VT_OTHER, VT_REF, VT_SNP } from './bcfstats-site.js';

const SR_REF = 1, SR_SNP = 2, SR_INDEL = 4, SR_OTHER = 8;

/** A record kept while its position is being matched (its bytes are copied: readers reuse buffers). */
export interface HeldRecord {
  buf: Buffer;
  pos: number;
  key: string;
  srType: number;
  nalt: number;
  rec: VcfRecord;
}

const scratch = new Site();

/** The pairing key of a record: REF>ALT1,REF>ALT2 (symbolic alleles with /END), or REF>. */
export function holdRecord(rec: VcfRecord, endInt: boolean): HeldRecord {
  const buf = Buffer.from(rec.buf.subarray(rec.start, rec.end));
  const site = scratch;
  site.set(buf, 0, buf.length, rec.lineNo, false);
  const ref = latin1(buf, site.alS[0], site.alE[0]);
  let key = '';
  let endPos = -1;
  for (let i = 1; i < site.nAllele; i++) {
    if (i > 1) key += ',';
    const alt = site.allele(i);
    key += ref + '>' + alt;
    if (alt.charCodeAt(0) === 60 /* < */) {
      if (endPos === -1) {
        endPos = 0;
        if (endInt) {
          site.scanInfo(false, false, true, null);
          if (site.endS >= 0) {
            const m = /^-?\d+/.exec(latin1(buf, site.endS, site.endE));
            if (m) endPos = Number(m[0]) | 0;
          }
        }
      }
      if (endPos) key += '/' + endPos;
    }
  }
  if (site.nAllele === 1) key = ref + '>.';
  const t = site.lineType;
  let sr = 0;
  if (t === VT_REF) sr = SR_REF;
  else {
    if (t & (VT_SNP | VT_MNP)) sr |= SR_SNP;
    if (t & VT_INDEL) sr |= SR_INDEL;
    if (t & VT_OTHER) sr |= SR_OTHER;
  }
  const copy = new VcfRecord(buf, 0, buf.length, rec.lineNo, rec.header, rec.file);
  return { buf, pos: site.pos, key, srType: sr, nalt: site.nAllele - 1, rec: copy };
}

function multiIsExact(a: { key: string; nalt: number }, b: { key: string; nalt: number }): boolean {
  if (a.nalt !== b.nalt) return false;
  if (a.key.length !== b.key.length) return false;
  const bs = b.key.toLowerCase().split(',');
  for (const x of a.key.toLowerCase().split(',')) if (!bs.includes(x)) return false;
  return true;
}

interface Var { str: string; type: number; nalt: number; recs: (HeldRecord | null)[]; last: number; mask: number }

/**
 * Match the records of one position: returns the output lines as [record of A | null, record of
 * B | null], in the order bcftools processes them.
 */
export function pairPosition(groups: HeldRecord[][]): (HeldRecord | null)[][] {
  const nr = groups.length;
  const active = groups.map((g) => g.length > 0);
  const out: (HeldRecord | null)[][] = [];
  if (active.filter(Boolean).length === 1) {
    const r = active.indexOf(true);
    for (const rec of groups[r]) {
      const line: (HeldRecord | null)[] = new Array(nr).fill(null);
      line[r] = rec;
      out.push(line);
    }
    return out;
  }
  const vars: Var[] = [];
  const byStr = new Map<string, Var>();
  const groupKeys: string[] = [];
  for (let r = 0; r < nr; r++) {
    const strs: string[] = [];
    for (const rec of groups[r]) {
      let str = rec.key;
      let idx = 0;
      let v = byStr.get(str);
      while (v && v.last === r) {
        str = rec.key + idx++;
        v = byStr.get(str);
      }
      if (!v) {
        v = { str, type: 0, nalt: 0, recs: new Array(nr).fill(null), last: r, mask: 0 };
        byStr.set(str, v);
        vars.push(v);
      }
      v.nalt = rec.nalt;
      v.type = rec.srType;
      v.recs[r] = rec;
      v.last = r;
      strs.push(str);
    }
    if (groups[r].length) groupKeys.push(strs.sort().join(';'));
    else groupKeys.push('\u0000');
  }
  // readers with the same set of variants form one group
  const groupOf: number[] = [];
  const gmap = new Map<string, number>();
  for (let r = 0; r < nr; r++) {
    if (!active[r]) { groupOf.push(-1); continue; }
    let g = gmap.get(groupKeys[r]);
    if (g === undefined) { g = gmap.size; gmap.set(groupKeys[r], g); }
    groupOf.push(g);
  }
  for (const v of vars) for (let r = 0; r < nr; r++) if (v.recs[r]) v.mask |= 1 << groupOf[r];
  interface VSet { vars: Var[]; mask: number; cnt: number }
  const vsets: VSet[] = vars.map((v) => ({ vars: [v], mask: v.mask, cnt: v.recs.filter(Boolean).length }));
  const score = (a: VSet, b: VSet): boolean => {
    for (const x of a.vars) {
      for (const y of b.vars) {
        if (x.type !== y.type) continue;
        if (x.str === y.str || multiIsExact({ key: x.str, nalt: x.nalt }, { key: y.str, nalt: y.nalt })) return true;
      }
    }
    return false;
  };
  while (vsets.length) {
    let imax = 0;
    for (let i = 1; i < vsets.length; i++) if (vsets[imax].cnt < vsets[i].cnt) imax = i;
    let ipair = -1;
    for (let i = 0; i < vsets.length; i++) {
      if (vsets[imax].mask & vsets[i].mask) continue;
      if (score(vsets[imax], vsets[i])) { ipair = i; break; }
    }
    if (ipair !== -1 && ipair !== imax) {
      const lo = Math.min(imax, ipair), hi = Math.max(imax, ipair);
      const a = vsets[lo], b = vsets[hi];
      a.vars.push(...b.vars);
      a.mask |= b.mask;
      a.cnt += b.cnt;
      vsets.splice(hi, 1);
      continue;
    }
    const line: (HeldRecord | null)[] = new Array(nr).fill(null);
    for (const v of vsets[imax].vars) for (let r = 0; r < nr; r++) if (v.recs[r]) line[r] = v.recs[r];
    out.push(line);
    vsets.splice(imax, 1);
  }
  return out;
}

/** The whole-contig region of each contig, for reading a file through its index. */
export function wholeContig(chrom: string): RegionSet {
  return RegionSet.from([{ chrom, beg: 1, end: MAX_COORD }]);
}

/**
 * The contigs to visit in several indexed files and the region set to read in each (null: the file
 * lacks the contig). With `-r/-R`: the regions' contigs in their order, renamed per file (chr1/1)
 * with notices in `warnings`; without: every contig of the files, first file's order first.
 */
export async function contigPlan(readers: RegionReader[], regions: { list?: string; file?: string }, warnings: string[]): Promise<(RegionSet | null)[][]> {
  const plan: (RegionSet | null)[][] = [];
  if (regions.list !== undefined || regions.file !== undefined) {
    const { set, notices } = await loadRegions(regions);
    warnings.push(...notices);
    const resolved = readers.map((r) => r.resolve(set));
    for (const r of resolved) warnings.push(...r.notices);
    for (const chrom of set.seqs) {
      plan.push(resolved.map((r) => {
        if (r.missing.includes(chrom)) return null;
        const name = r.renames.get(chrom) ?? chrom;
        return RegionSet.from(r.set.intervals(name).map((iv) => ({ chrom: name, beg: iv.beg, end: iv.end })));
      }));
    }
    return plan;
  }
  const seen = new Set<string>();
  for (const r of readers) {
    for (const chrom of r.contigs()) {
      if (seen.has(chrom)) continue;
      seen.add(chrom);
      plan.push(readers.map((x) => (x.contigs().has(chrom) ? wholeContig(chrom) : null)));
    }
  }
  return plan;
}

/**
 * Stream the matched lines of two indexed files. `contigs` lists, per contig to visit, the region
 * set to read in each file (null: the file lacks the contig). `keep` drops records before
 * matching (-f, -t/-T). Calls `line` for every output line.
 */
export function* pairedLines(
  readers: RegionReader[],
  contigs: (RegionSet | null)[][],
  keep: (rec: VcfRecord, reader: number) => boolean,
  endInt: boolean[],
  overlap: OverlapMode = 1,
): Generator<(HeldRecord | null)[]> {
  for (const sets of contigs) {
    const its = readers.map((r, i) => (sets[i] ? r.iterate(sets[i]!, overlap) : null));
    const heads: (HeldRecord | null)[] = [];
    const next = (i: number): HeldRecord | null => {
      const it = its[i];
      if (!it) return null;
      for (;;) {
        const n = it.next();
        if (n.done) { its[i] = null; return null; }
        if (!keep(n.value, i)) continue;
        return holdRecord(n.value, endInt[i]);
      }
    };
    for (let i = 0; i < readers.length; i++) heads.push(next(i));
    for (;;) {
      let minPos = Infinity;
      for (const h of heads) if (h && h.pos < minPos) minPos = h.pos;
      if (minPos === Infinity) break;
      const groups: HeldRecord[][] = [];
      for (let i = 0; i < readers.length; i++) {
        const g: HeldRecord[] = [];
        while (heads[i] && heads[i]!.pos === minPos) {
          g.push(heads[i]!);
          heads[i] = next(i);
        }
        groups.push(g);
      }
      yield* pairPosition(groups);
    }
  }
}
