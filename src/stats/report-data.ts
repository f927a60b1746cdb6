/**
 * The data behind the HTML report: every chart's values, taken from the `stats` core (the same
 * numbers `vcf-agent stats -s - --json FILE` prints), shaped for plotting. The renderer
 * (src/report/html.ts) draws exactly these values and embeds this object in the page.
 *
 *   const data = await buildReportData({ file: 'calls.vcf.gz' });
 *   fs.writeFileSync('report.html', renderReportHtml(data));
 */
import { bcfStats, type StatsReport } from './bcfstats.js';
import { VcfReader } from '../vcf/reader.js';
import { VcfError } from '../vcf/errors.js';

export interface Series { name: string; values: number[] }

/** categorical bars: one value per label and series */
export interface BarChart {
  id: string;
  kind: 'bars';
  title: string;
  xLabel: string;
  yLabel: string;
  labels: string[];
  series: Series[];
  note?: string;
}

/** numeric x (a histogram drawn as lines): one value per x and series */
export interface LineChart {
  id: string;
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  /** bin values; a string is an overflow bin such as ">500" or "<0" (drawn at the ends) */
  x: Array<number | string>;
  series: Series[];
  /** log10(1 + x) axis (QUAL) */
  logX?: boolean;
  /** draw one stem per bin (sparse histograms) instead of a line */
  style?: 'line' | 'stems';
  note?: string;
}

export type ChartData = BarChart | LineChart;

export interface SampleRow {
  sample: string;
  /** PSC of bcftools stats: hom-ref, het and hom-alt count SNP genotypes (indels in nIndels) */
  homRef: number;
  het: number;
  homAlt: number;
  missing: number;
  hapRef: number;
  hapAlt: number;
  ts: number;
  tv: number;
  /** ts / tv, null when tv is 0 */
  tsTv: number | null;
  indels: number;
  singletons: number;
  meanDepth: number;
}

export interface ReportSummary {
  records: number;
  samples: number;
  snps: number;
  mnps: number;
  indels: number;
  others: number;
  noAlts: number;
  multiallelicSites: number;
  multiallelicSnpSites: number;
  ts: number;
  tv: number;
  tsTv: number;
  tsAlt1: number;
  tvAlt1: number;
  tsTvAlt1: number;
  /** records whose QUAL is missing (not drawn in the QUAL chart) */
  qualMissing: number;
}

export interface ReportData {
  format: 'vcf-agent-report';
  version: 1;
  /** the file as the user named it */
  file: string;
  producer: string;
  /** the `stats` call whose numbers these are */
  statsCommand: string;
  summary: ReportSummary;
  charts: ChartData[];
  /** per sample (empty for a sites-only file) */
  samples: SampleRow[];
  notes: string[];
}

export interface ReportDataOptions {
  file: string;
  /** name shown for the file (default: file) */
  label?: string;
  threads?: number;
  maxLineBytes?: number;
}

async function sampleCount(file: string, maxLineBytes?: number): Promise<number> {
  const r = await VcfReader.open(file, { maxLineBytes });
  try {
    return r.header.samples.length;
  } finally {
    await r.close();
  }
}

/** Run the stats core on the file (all samples) and shape the report data. */
export async function buildReportData(opts: ReportDataOptions): Promise<ReportData> {
  if (opts.file === '-') throw new VcfError('REPORT_STDIN', 'the report reads its input twice: give a file, not stdin ("-")', { file: '-' }, 'usage');
  const n = await sampleCount(opts.file, opts.maxLineBytes);
  const notes: string[] = [];
  let stats: StatsReport;
  let samples = n > 0;
  try {
    stats = await bcfStats({ files: [opts.file], samples: samples ? '-' : undefined, threads: opts.threads, maxLineBytes: opts.maxLineBytes });
  } catch (e) {
    // per-sample statistics need well-typed FORMAT fields; the site statistics may still work
    if (!samples || !(e instanceof VcfError) || !/^STATS_/.test(e.code)) throw e;
    notes.push(`per-sample statistics not available: ${e.oneLine()}`);
    samples = false;
    stats = await bcfStats({ files: [opts.file], threads: opts.threads, maxLineBytes: opts.maxLineBytes });
  }
  const data = reportDataFrom(stats, opts.label ?? opts.file, samples ? '-s -' : '');
  data.notes.push(...notes);
  return data;
}

const ratio = (a: number, b: number): number | null => (b ? a / b : null);

/** Shape a single-file stats report (id 0) into chart data. */
export function reportDataFrom(stats: StatsReport, file: string, statsArgs = '-s -'): ReportData {
  const sn = stats.SN.find((r) => r.id === 0);
  const tstv = stats.TSTV.find((r) => r.id === 0);
  if (!sn || !tstv) throw new VcfError('REPORT_NO_STATS', 'the statistics have no set 0', { file }, 'internal');
  const qual = stats.QUAL.filter((r) => r.id === 0);
  const qualMissing = qual.filter((r) => r.qual === null).reduce((a, r) => a + r.snps + r.indels, 0);
  const summary: ReportSummary = {
    records: sn.records, samples: sn.samples ?? 0, snps: sn.snps, mnps: sn.mnps, indels: sn.indels, others: sn.others, noAlts: sn.noAlts,
    multiallelicSites: sn.multiallelicSites, multiallelicSnpSites: sn.multiallelicSnpSites,
    ts: tstv.ts, tv: tstv.tv, tsTv: tstv.tsTv, tsAlt1: tstv.tsAlt1, tvAlt1: tstv.tvAlt1, tsTvAlt1: tstv.tsTvAlt1, qualMissing,
  };
  const charts: ChartData[] = [];
  charts.push({
    id: 'variantTypes', kind: 'bars', title: 'Variant types (records)', xLabel: 'type', yLabel: 'records',
    labels: ['SNPs', 'MNPs', 'indels', 'others', 'no-ALTs', 'multiallelic'],
    series: [{ name: 'records', values: [sn.snps, sn.mnps, sn.indels, sn.others, sn.noAlts, sn.multiallelicSites] }],
    note: 'A record with several ALT types counts in each of them (as bcftools stats SN).',
  });
  charts.push({
    id: 'tstv', kind: 'bars', title: `Transitions / transversions (Ts/Tv ${tstv.tsTv.toFixed(2)}; first ALT ${tstv.tsTvAlt1.toFixed(2)})`,
    xLabel: 'class', yLabel: 'SNP alleles', labels: ['transitions', 'transversions'],
    series: [{ name: 'all ALT alleles', values: [tstv.ts, tstv.tv] }, { name: 'first ALT only', values: [tstv.tsAlt1, tstv.tvAlt1] }],
  });
  const st = stats.ST.filter((r) => r.id === 0);
  charts.push({
    id: 'substitutions', kind: 'bars', title: 'Substitution spectrum', xLabel: 'REF>ALT', yLabel: 'SNP alleles',
    labels: st.map((r) => r.type), series: [{ name: 'count', values: st.map((r) => r.count) }],
  });
  const idd = stats.IDD.filter((r) => r.id === 0);
  charts.push({
    id: 'indelLengths', kind: 'bars', title: 'Indel lengths (deletions negative)', xLabel: 'length (bp)', yLabel: 'ALT alleles',
    labels: idd.map((r) => String(r.length)), series: [{ name: 'sites', values: idd.map((r) => r.sites) }],
    note: idd.length ? 'Lengths beyond ±60 bp are counted in the ±60 bins (bcftools IDD).' : 'No indels.',
  });
  const af = stats.AF.filter((r) => r.id === 0);
  charts.push({
    id: 'alleleFrequency', kind: 'line', title: 'Allele-frequency spectrum', xLabel: 'non-reference allele frequency', yLabel: 'ALT alleles',
    x: af.map((r) => r.af), series: [{ name: 'SNPs', values: af.map((r) => r.snps) }, { name: 'indels', values: af.map((r) => r.indels) }],
    note: 'AF from INFO/AC and AN, or from the genotypes (bcftools stats AF; singletons in the first bin).',
  });
  const q = qual.filter((r) => r.qual !== null);
  charts.push({
    id: 'qual', kind: 'line', title: 'QUAL distribution', xLabel: 'QUAL (log scale)', yLabel: 'records', logX: true, style: 'stems',
    x: q.map((r) => r.qual as number),
    series: [{ name: 'SNPs', values: q.map((r) => r.snps) }, { name: 'indels', values: q.map((r) => r.indels) }],
    note: `${qualMissing.toLocaleString('en-US')} record(s) with a missing QUAL are not drawn. SNPs and transitions count the first ALT (bcftools QUAL).`,
  });
  const dp = stats.DP.filter((r) => r.id === 0);
  charts.push({
    id: 'depth', kind: 'line', title: 'Depth distribution', xLabel: 'depth', yLabel: 'count',
    x: dp.map((r) => r.bin), series: [{ name: 'genotypes (FORMAT/DP)', values: dp.map((r) => r.genotypes) }, { name: 'sites (INFO/DP)', values: dp.map((r) => r.sites) }],
    note: 'Bins 0-500; deeper values in the ">500" bin (bcftools DP).',
  });
  const samples: SampleRow[] = stats.PSC.filter((r) => r.id === 0).map((r) => ({
    sample: r.sample, homRef: r.nRefHom, het: r.nHets, homAlt: r.nNonRefHom, missing: r.nMissing, hapRef: r.nHapRef, hapAlt: r.nHapAlt,
    ts: r.nTransitions, tv: r.nTransversions, tsTv: ratio(r.nTransitions, r.nTransversions), indels: r.nIndels, singletons: r.nSingletons,
    meanDepth: r.averageDepth,
  }));
  return {
    format: 'vcf-agent-report', version: 1, file, producer: stats.producer,
    statsCommand: `vcf-agent stats ${statsArgs ? statsArgs + ' ' : ''}--json ${file}`.replace(/\s+/g, ' '),
    summary, charts, samples, notes: [...stats.warnings],
  };
}
