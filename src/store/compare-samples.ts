/**
 * Compare two samples of the store: shared and private non-reference variants, and a genotype
 * matrix over the variants either carries.
 *
 * A variant is a key CHROM:POS:REF:ALT (one ALT, after splitting). For each sample and key the class is
 *   het | hom_alt   a stored non-reference call (a haploid ALT call counts as hom_alt); when the
 *                   sample is in several files holding the key, hom_alt before het before missing
 *   missing         a stored missing call ('.' in the split GT) and no non-reference call
 *   ref             no stored call, but a file holding the sample holds the key (sparse storage:
 *                   hom-ref, and calls of another ALT of the record, are implied reference, as
 *                   bcftools norm -m -any writes them), or a gVCF reference block of the sample covers POS
 *   not_called      no file holding the sample has the key (nor a reference block over it)
 * shared = both het/hom_alt; only A = A het/hom_alt and B ref, missing or not called; only B likewise.
 * Concordance counts keys where both are called (ref, het or hom_alt): agree when the classes match.
 * `region` and `include` (a bcftools expression, as `variants -i`) restrict the keys considered; a
 * key is kept when one of its rows passes them.
 */
import { VcfError } from '../vcf/errors.js';
import { parseRegion, queryVariants, type Row } from './query.js';
import { sqlStr, visibleFilterOf, type LanceStore } from './tables.js';

export type GtClass = 'ref' | 'het' | 'hom_alt' | 'missing' | 'not_called';
export const GT_CLASSES: GtClass[] = ['ref', 'het', 'hom_alt', 'missing', 'not_called'];

export interface CompareSamplesOptions {
  region?: string;
  include?: string;
  /** rows listed (default 1000; the counts cover every variant) */
  limit?: number;
}

export interface CompareSamplesResult {
  a: string;
  b: string;
  /** file ids holding each sample */
  filesA: number[];
  filesB: number[];
  /** keys carried (het/hom_alt) by A or B */
  variants: number;
  shared: number;
  onlyA: number;
  onlyB: number;
  /** matrix[classOfA][classOfB] = keys */
  matrix: Record<GtClass, Record<GtClass, number>>;
  concordance: { compared: number; agree: number; rate: number | null };
  /** the first `limit` keys in storage order */
  rows: Row[];
  truncated: boolean;
}

const RANK: Record<string, number> = { missing: 1, het: 2, hemi: 3, hom_alt: 3 };

interface Call { cls: GtClass; gt: string | null }
interface Site { key: string; a?: Call; b?: Call; chrom: string; pos: number }

async function filesOf(store: LanceStore, vis: string, sample: string): Promise<number[]> {
  const rows = await store.tables.samples.query().where(`${vis} AND sample = ${sqlStr(sample)}`).select(['file_id']).toArray();
  if (!rows.length) throw new VcfError('STORE_NO_SAMPLE', `no sample "${sample}" in the store (see \`vcf-agent samples\`)`, {}, 'usage');
  return [...new Set(rows.map((r) => Number(r.file_id)))].sort((x, y) => x - y);
}

export async function compareSamples(store: LanceStore, a: string, b: string, opts: CompareSamplesOptions = {}): Promise<CompareSamplesResult> {
  if (a === b) throw new VcfError('USAGE', `compare two different samples (both are "${a}")`, {}, 'usage');
  const files = await store.files();
  const vis = visibleFilterOf(files);
  const filesA = await filesOf(store, vis, a);
  const filesB = await filesOf(store, vis, b);
  const limit = opts.limit ?? 1000;
  const region = opts.region ? parseRegion(opts.region) : undefined;

  // 1. the stored calls of both samples (non-reference and missing), by vid
  const g = [vis, `sample IN (${sqlStr(a)}, ${sqlStr(b)})`];
  if (region) {
    g.push(`chrom = ${sqlStr(region.chrom)}`);
    if (region.end !== undefined) g.push(`pos <= ${region.end}`); // exact overlap checked on the variant rows
  }
  const calls: Array<{ vid: string; key: string; sample: string; zyg: string; gt: string }> = [];
  for await (const batch of store.tables.genotypes.query().where(g.join(' AND ')).select(['vid', 'key', 'sample', 'zygosity', 'gt'])) {
    for (const c of batch.toArray() as Row[]) calls.push({ vid: String(c.vid), key: c.key as string, sample: c.sample as string, zyg: c.zygosity as string, gt: c.gt as string });
  }

  // 2. which of those variant rows pass region/include (rows of the store's own query)
  let passing: Set<string> | undefined;
  if (region || opts.include !== undefined) {
    passing = new Set();
    const vids = [...new Set(calls.map((c) => c.vid))];
    for (let i = 0; i < vids.length; i += 2000) {
      const res = await queryVariants(store, { vids: vids.slice(i, i + 2000), region: opts.region, include: opts.include });
      for (const r of res.rows) passing.add(`${r.file_id as number}\t${r.key as string}`);
    }
  }

  // 3. per key: the best call of each sample
  const sites = new Map<string, Site>();
  for (const c of calls) {
    if (passing && !passing.has(`${Number(BigInt(c.vid) >> 32n)}\t${c.key}`)) continue;
    let s = sites.get(c.key);
    if (!s) {
      const [chrom, pos] = c.key.split(':');
      s = { key: c.key, chrom, pos: Number(pos) };
      sites.set(c.key, s);
    }
    const side = c.sample === a ? 'a' : 'b';
    const prev = s[side];
    const cls: GtClass = c.zyg === 'missing' ? 'missing' : c.zyg === 'het' ? 'het' : 'hom_alt';
    if (!prev || RANK[c.zyg] > RANK[prev.cls]) s[side] = { cls, gt: c.gt };
  }
  const carried = (x?: Call): boolean => x !== undefined && (x.cls === 'het' || x.cls === 'hom_alt');
  for (const [k, s] of sites) if (!carried(s.a) && !carried(s.b)) sites.delete(k);

  // 4. no stored call: implied reference where a file of the sample holds the key (or a ref block covers it)
  const blocks = new Set(files.filter((f) => f.status === 'committed' && f.n_ref_blocks > 0).map((f) => f.file_id));
  for (const [side, sample, fids] of [['a', a, filesA], ['b', b, filesB]] as const) {
    const open = [...sites.values()].filter((s) => !s[side]);
    for (let i = 0; i < open.length; i += 1000) {
      const chunk = open.slice(i, i + 1000);
      const held = new Set<string>();
      const rows = await store.tables.variants.query()
        .where(`${vis} AND file_id IN (${fids.join(',')}) AND key IN (${chunk.map((s) => sqlStr(s.key)).join(',')})`)
        .select(['key']).toArray();
      for (const r of rows) held.add(r.key as string);
      const withBlocks = fids.filter((f) => blocks.has(f));
      for (const s of chunk) {
        if (held.has(s.key)) { s[side] = { cls: 'ref', gt: null }; continue; }
        if (withBlocks.length) {
          const n = await store.tables.refblocks.countRows(`${vis} AND file_id IN (${withBlocks.join(',')}) AND sample = ${sqlStr(sample)} AND chrom = ${sqlStr(s.chrom)} AND pos <= ${s.pos} AND end >= ${s.pos}`);
          if (n > 0) { s[side] = { cls: 'ref', gt: null }; continue; }
        }
        s[side] = { cls: 'not_called', gt: null };
      }
    }
  }

  // 5. counts and rows
  const matrix = Object.fromEntries(GT_CLASSES.map((x) => [x, Object.fromEntries(GT_CLASSES.map((y) => [y, 0]))])) as CompareSamplesResult['matrix'];
  let shared = 0, onlyA = 0, onlyB = 0, compared = 0, agree = 0;
  const rows: Row[] = [];
  const calledCls = (c: GtClass): boolean => c === 'ref' || c === 'het' || c === 'hom_alt';
  for (const s of sites.values()) {
    const ca = s.a!, cb = s.b!;
    matrix[ca.cls][cb.cls]++;
    const inA = carried(ca), inB = carried(cb);
    const status = inA && inB ? 'shared' : inA ? 'only_a' : 'only_b';
    if (status === 'shared') shared++; else if (inA) onlyA++; else onlyB++;
    if (calledCls(ca.cls) && calledCls(cb.cls)) {
      compared++;
      if (ca.cls === cb.cls) agree++;
    }
    if (rows.length < limit) rows.push({ key: s.key, chrom: s.chrom, pos: s.pos, status, a_class: ca.cls, a_gt: ca.gt, b_class: cb.cls, b_gt: cb.gt });
  }
  return {
    a, b, filesA, filesB, variants: sites.size, shared, onlyA, onlyB, matrix,
    concordance: { compared, agree, rate: compared ? agree / compared : null },
    rows, truncated: rows.length < sites.size,
  };
}
