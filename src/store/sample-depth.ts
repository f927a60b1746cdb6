/**
 * The depth (FORMAT/DP) distribution of one sample's stored calls: a histogram over the genotypes
 * table (non-reference calls; missing calls are counted apart), by zygosity, for the sample page.
 */
import { VcfError } from '../vcf/errors.js';
import { sqlStr, visibleFilterOf, type LanceStore } from './tables.js';

export interface DepthBin {
  /** bin covers DP from `lo` to `hi` inclusive */
  lo: number;
  hi: number;
  /** calls in the bin, all zygosities */
  n: number;
  /** calls in the bin by zygosity (het, hom_alt, hemi, ...) */
  byZygosity: Record<string, number>;
}

export interface SampleDepth {
  sample: string;
  /** non-reference calls with a DP value */
  calls: number;
  /** non-reference calls without DP */
  noDp: number;
  /** missing calls (not in the histogram) */
  missing: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  binWidth: number;
  /** consecutive bins from 0 up to the last one holding a call; the last bin takes every DP above `cap` */
  bins: DepthBin[];
  /** DP values above this land in the last bin */
  cap: number;
}

/**
 * Histogram of the sample's call depths. `binWidth` (default: 1, 2, 5, 10, 20 ... chosen so the
 * 99th percentile fits in about 50 bins); DP above the 99.5th percentile (at least `binWidth*60`)
 * lands in one last bin. Throws STORE_NO_SAMPLE when the sample is not stored.
 */
export async function sampleDepth(store: LanceStore, sample: string, opts: { binWidth?: number } = {}): Promise<SampleDepth> {
  const vis = visibleFilterOf(await store.files());
  const known = await store.tables.samples.countRows(`${vis} AND sample = ${sqlStr(sample)}`);
  if (!known) throw new VcfError('STORE_NO_SAMPLE', `no sample "${sample}" in the store (see \`vcf-agent samples\`)`, {}, 'usage');
  const counts = new Map<number, Map<string, number>>();
  let missing = 0;
  let noDp = 0;
  let n = 0;
  let sum = 0;
  for await (const b of store.tables.genotypes.query().where(`${vis} AND sample = ${sqlStr(sample)}`).select(['zygosity', 'dp'])) {
    const zs = b.getChild('zygosity')!;
    const ds = b.getChild('dp')!;
    for (let i = 0; i < b.numRows; i++) {
      const z = zs.get(i) as string;
      if (z === 'missing') { missing++; continue; }
      const d = ds.get(i) as number | null;
      if (d === null || d === undefined) { noDp++; continue; }
      n++;
      sum += d;
      let m = counts.get(d);
      if (!m) counts.set(d, (m = new Map()));
      m.set(z, (m.get(z) ?? 0) + 1);
    }
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  const totalAt = (d: number): number => { let t = 0; for (const v of counts.get(d)!.values()) t += v; return t; };
  /** the smallest DP with at least q of the calls at or below it */
  const quantile = (q: number): number | null => {
    if (!n) return null;
    let acc = 0;
    for (const d of values) { acc += totalAt(d); if (acc >= q * n) return d; }
    return values[values.length - 1];
  };
  const p99 = quantile(0.99) ?? 0;
  let width = opts.binWidth ?? 0;
  if (!(width >= 1)) {
    const nice = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
    width = nice.find((w) => (p99 + 1) / w <= 50) ?? nice[nice.length - 1];
  }
  width = Math.floor(width);
  const cap = Math.max(quantile(0.995) ?? 0, width * 60 - 1);
  const bins: DepthBin[] = [];
  const binOf = (d: number): number => (d > cap ? Math.floor(cap / width) + 1 : Math.floor(d / width));
  for (const d of values) {
    const i = binOf(d);
    while (bins.length <= i) {
      const k = bins.length;
      bins.push({ lo: k * width, hi: k * width + width - 1, n: 0, byZygosity: {} });
    }
    const bin = bins[i];
    for (const [z, c] of counts.get(d)!) { bin.n += c; bin.byZygosity[z] = (bin.byZygosity[z] ?? 0) + c; }
  }
  if (values.length && values[values.length - 1] > cap) {
    const last = bins[bins.length - 1];
    last.lo = Math.floor(cap / width) * width + width;
    last.hi = values[values.length - 1];
  }
  return {
    sample, calls: n, noDp, missing,
    mean: n ? sum / n : null, median: quantile(0.5), min: n ? values[0] : null, max: n ? values[values.length - 1] : null,
    binWidth: width, bins, cap,
  };
}
