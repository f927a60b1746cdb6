/**
 * `stats`: every section `bcftools stats` 1.16 prints, in one streaming pass.
 *
 *   const report = await bcfStats({ files: ['calls.vcf.gz'], samples: '-' });
 *   process.stdout.write(renderText(report));   // bcftools' text layout (MultiQC, plot-vcfstats)
 *   JSON.stringify(report);                      // the same numbers, typed per section
 *
 * One file: SN, TSTV, SiS, AF, QUAL, IDD, ST, DP and, with -s/-S, PSC, PSI, HWE. Two files
 * (both bgzipped and indexed, as bcftools requires): the same per set (0: only in the first file,
 * 1: only in the second, 2: in both, records matched as bcftools matches them) and, with -s/-S,
 * the genotype concordance sections GCsAF, NRDs, GCiAF, NRDi, GCsS, GCiS, GCTs, GCTi.
 *
 * Differences from bcftools are listed in docs/stats-differences.md.
 */
import { latin1 } from '../vcf/bytes.js';
import { VcfError, usageError } from '../vcf/errors.js';
import type { VcfHeader } from '../vcf/header.js';
import { VcfReader, tooFewColumns } from '../vcf/reader.js';
import { VcfRecord } from '../vcf/record.js';
import { RegionReader, openRegionQuery } from '../vcf/region-reader.js';
import { TargetsFilter, loadRegions, parseOverlapMode, parseTargetsArg } from '../vcf/regions.js';
import { readSampleFile } from '../vcf/samples.js';
import { detectBuild } from '../vcf/build.js';
import { compileFilter, type CompiledFilter } from '../expr/filter.js';
import { VERSION } from '../version.js';
import { Collector, type CollectorOptions, type InputInfo } from './bcfstats-accum.js';
import { contigPlan, pairedLines } from './bcfstats-pair.js';
import { buildReport, renderText, type StatsReport } from './bcfstats-report.js';
import { Site } from './bcfstats-site.js';

export { renderText, type StatsReport };
export type * from './bcfstats-report.js';

export interface BcfStatsOptions {
  /** one file, or two to compare ("-" reads stdin; two files must be BGZF with an index) */
  files: string[];
  /** -s: comma-separated samples, "-" for all (^LIST excludes) */
  samples?: string;
  /** -S: file of sample names */
  samplesFile?: string;
  /** -i / -e: bcftools filter expression */
  include?: string;
  exclude?: string;
  /** -f: keep records whose FILTER is one of these ("PASS,." etc.) */
  applyFilters?: string;
  /** -r / -R (index needed), --regions-overlap */
  regions?: string;
  regionsFile?: string;
  regionsOverlap?: string | number;
  /** -t / -T (streamed), --targets-overlap */
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: string | number;
  /** -1: only the first ALT allele of multiallelic sites */
  firstAlleleOnly?: boolean;
  /** -d: depth histogram "min,max,step" (default 0,500,1) */
  depth?: string;
  /** -I: separate stats for sites with and without an ID */
  splitById?: boolean;
  /** --af-tag: allele frequency INFO tag instead of AC/AN or genotypes */
  afTag?: string;
  /** BGZF inflate threads */
  threads?: number;
  maxLineBytes?: number;
  /**
   * "1.16" (default): bcftools 1.16. "1.22": the newer bcftools the c_bcftools_expected files
   * come from (VAF section; ts/tv of both ALT alleles of alt-het genotypes; indel VAF over the
   * total depth), inferred from its output; see docs/stats-differences.md
   */
  compat?: string;
  /** shown in the "command line" comment */
  commandLine?: string;
}

interface Depth { min: number; max: number; step: number }

function parseDepth(s: string | undefined): Depth {
  if (s === undefined) return { min: 0, max: 500, step: 1 };
  const m = /^\s*([+-]?\d+),\s*([+-]?\d+),\s*([+-]?\d+)/.exec(s);
  if (!m) throw usageError(`could not parse --depth ${s}: expected min,max,step`);
  const d = { min: Number(m[1]), max: Number(m[2]), step: Number(m[3]) };
  if (d.min < 0 || d.min >= d.max || d.step > d.max - d.min + 1 || d.step <= 0) throw usageError(`is this a typo? --depth ${s}`);
  return d;
}

/** -f: the FILTER names to keep (names the header does not define are ignored, as in htslib) */
interface ApplyFilters { names: Set<string>; dot: boolean }
function applyFiltersSpec(header: VcfHeader, list: string | undefined): ApplyFilters | null {
  if (list === undefined) return null;
  const names = new Set<string>();
  let dot = false;
  for (const n of list.split(',')) {
    if (n === '.') dot = true;
    else if (n === 'PASS' || header.filter.has(n) || header.info.has(n) || header.format.has(n)) names.add(n);
  }
  if (!dot && names.size === 0) return null;
  return { names, dot };
}

function passesFilters(f: ApplyFilters, buf: Buffer, s: number, e: number): boolean {
  if (e - s === 1 && buf[s] === 46) return f.dot;
  if (e === s) return f.dot;
  let p = s;
  while (p <= e) {
    let q = p;
    while (q < e && buf[q] !== 59) q++;
    if (f.names.has(latin1(buf, p, q))) return true;
    p = q + 1;
  }
  return false;
}

interface SampleChoice { names: string[]; maps: Int32Array[]; warnings: string[] }

/** bcf_sr_set_samples: the samples in every file, in list order ("-": the first file's order) */
function chooseSamples(headers: VcfHeader[], files: string[], opts: BcfStatsOptions): SampleChoice | null {
  if (opts.samples === undefined && opts.samplesFile === undefined) return null;
  if (opts.samples !== undefined && opts.samplesFile !== undefined) throw usageError('use either -s/--samples or -S/--samples-file, not both');
  const warnings: string[] = [];
  let candidates: string[];
  let excluded: Set<string> | null = null;
  if (opts.samplesFile !== undefined) {
    const spec = readSampleFile(opts.samplesFile);
    if (spec.exclude) excluded = new Set(spec.names);
    candidates = spec.exclude ? headers[0].samples : spec.names;
  } else if (opts.samples === '-') {
    candidates = headers[0].samples;
  } else if (opts.samples!.startsWith('^')) {
    excluded = new Set(opts.samples!.slice(1).split(','));
    candidates = headers[0].samples;
  } else {
    candidates = opts.samples!.split(',');
  }
  const names: string[] = [];
  const maps: number[][] = headers.map(() => []);
  const index = headers.map((h) => {
    const m = new Map<string, number>();
    h.samples.forEach((n, i) => { if (!m.has(n)) m.set(n, i); });
    return m;
  });
  for (const n of candidates) {
    if (excluded?.has(n)) continue;
    const missing = index.findIndex((m) => !m.has(n));
    if (missing >= 0) {
      warnings.push(`the sample "${n}" was not found in ${files[missing]}, skipping`);
      continue;
    }
    names.push(n);
    index.forEach((m, r) => maps[r].push(m.get(n)!));
  }
  if (!names.length) {
    if (!headers[0].samples.length) throw new VcfError('STATS_NO_SAMPLES', 'no sample columns: -s/-S need a file with samples', { file: files[0] }, 'usage');
    if (headers.length > 1) throw usageError(`no samples in common between ${files.join(' and ')}${opts.samples !== undefined ? ` for -s "${opts.samples}"` : ''}`);
    throw usageError(`none of the samples ${opts.samples !== undefined ? `"${opts.samples}"` : `in ${opts.samplesFile}`} is in ${files[0]}`);
  }
  return { names, maps: maps.map((m) => Int32Array.from(m)), warnings };
}

function inputInfo(header: VcfHeader, file: string, map: Int32Array, afTag: string | undefined): InputInfo {
  const t = (k: string) => header.info.get(k)?.type;
  let need = map.length;
  let identity = true;
  for (let k = 0; k < map.length; k++) {
    if (map[k] + 1 > need) need = map[k] + 1;
    if (map[k] !== k) identity = false;
  }
  return {
    header, file, sampleMap: map, identity, scanNeed: need,
    acDeclared: header.info.has('AC'), anDeclared: header.info.has('AN'),
    acInt: t('AC') === 'Integer', anInt: t('AN') === 'Integer',
    acType: t('AC') ?? 'undefined', anType: t('AN') ?? 'undefined',
    dpInfoInt: t('DP') === 'Integer',
    gtDeclared: header.format.has('GT'),
    dpFmtType: header.format.get('DP')?.type,
    adFmtType: header.format.get('AD')?.type,
    afTagType: afTag ? (header.info.get(afTag)?.type ?? '') : '',
  };
}

/** -i/-e as bcftools stats applies them: the site result, negated for -e */
function siteFilter(opts: BcfStatsOptions, header: VcfHeader): ((rec: VcfRecord) => boolean) | null {
  const expr = opts.include ?? opts.exclude;
  if (expr === undefined) return null;
  const f: CompiledFilter = compileFilter(expr, header);
  const neg = opts.exclude !== undefined;
  return (rec) => f.test(rec) !== neg;
}

async function targetsFor(opts: BcfStatsOptions, header: VcfHeader, file: string, warnings: string[]): Promise<TargetsFilter | null> {
  if (opts.targets === undefined && opts.targetsFile === undefined) return null;
  if (opts.targets !== undefined && opts.targetsFile !== undefined) throw usageError('give either -t or -T, not both');
  const t = parseTargetsArg(opts.targets ?? opts.targetsFile!);
  const loaded = await loadRegions(opts.targets !== undefined ? { list: t.spec } : { file: t.spec });
  warnings.push(...loaded.notices);
  return new TargetsFilter(loaded.set, {
    overlap: parseOverlapMode(opts.targetsOverlap, '--targets-overlap'),
    exclude: t.exclude,
    header,
    onNotice: (m) => warnings.push(m),
    fileLabel: file,
  });
}

/** Compute the statistics. */
export async function bcfStats(opts: BcfStatsOptions): Promise<StatsReport> {
  const files = opts.files;
  if (files.length < 1 || files.length > 2) throw usageError('stats takes one file, or two files to compare');
  if (opts.include !== undefined && opts.exclude !== undefined) throw usageError('only one -i or -e expression can be given, and they cannot be combined');
  if (files.length === 2 && opts.splitById) throw usageError('--split-by-ID works with one file only');
  if (opts.compat !== undefined && opts.compat !== '1.16' && opts.compat !== '1.22') throw usageError(`--compat takes 1.16 or 1.22, not "${opts.compat}"`);
  const depth = parseDepth(opts.depth);
  return files.length === 1 ? singleFile(opts, depth) : twoFiles(opts, depth);
}

function collectorOptions(opts: BcfStatsOptions, headers: VcfHeader[], choice: SampleChoice | null, depth: Depth, nStats: number): CollectorOptions {
  let mAf = 101;
  for (const h of headers) if (h.samples.length + 1 > mAf) mAf = h.samples.length + 1;
  if (opts.afTag !== undefined && !headers[0].info.has(opts.afTag)) throw usageError(`no such INFO tag: ${opts.afTag}`);
  return {
    mAf, nSmpl: choice ? choice.names.length : 0, samplesGiven: !!choice,
    firstAlleleOnly: !!opts.firstAlleleOnly, dpMin: depth.min, dpMax: depth.max, dpStep: depth.step,
    nStats, splitById: !!opts.splitById, afTag: opts.afTag !== undefined ? Buffer.from(opts.afTag, 'latin1') : null,
    newer: opts.compat === '1.22',
  };
}

function reportFor(c: Collector, opts: BcfStatsOptions, headers: VcfHeader[], choice: SampleChoice | null, warnings: string[]): StatsReport {
  warnings.push(...c.warnings);
  const detected = detectBuild(headers[0]);
  const rep = buildReport(c, {
    producer: `vcf-agent stats ${VERSION}`,
    commandLine: opts.commandLine ?? `vcf-agent stats ${opts.files.join(' ')}`,
    files: opts.files,
    fileSamples: headers.map((h) => h.samples.length),
    samples: choice ? choice.names : [],
    splitById: !!opts.splitById,
    compare: opts.files.length === 2 && !!choice,
    hasAd: headers[0].format.has('AD'),
    warnings,
  });
  rep.build = detected.build ? detected : null;
  return rep;
}

async function singleFile(opts: BcfStatsOptions, depth: Depth): Promise<StatsReport> {
  const file = opts.files[0];
  const warnings: string[] = [];
  const useRegions = opts.regions !== undefined || opts.regionsFile !== undefined;
  const rq = useRegions
    ? await openRegionQuery(file, { regions: opts.regions, regionsFile: opts.regionsFile, overlap: parseOverlapMode(opts.regionsOverlap, '--regions-overlap') })
    : null;
  const reader = rq ? null : await VcfReader.open(file, { reuseBuffers: true, threads: opts.threads, maxLineBytes: opts.maxLineBytes });
  try {
    const header = rq ? rq.header : reader!.header;
    if (rq) warnings.push(...rq.notices);
    const choice = chooseSamples([header], [file], opts);
    if (choice) warnings.push(...choice.warnings);
    const co = collectorOptions(opts, [header], choice, depth, opts.splitById ? 2 : 1);
    const map = choice ? choice.maps[0] : new Int32Array(0);
    const c = new Collector(co, [inputInfo(header, file, map, opts.afTag)]);
    const fspec = applyFiltersSpec(header, opts.applyFilters);
    const filter = siteFilter(opts, header);
    const targets = await targetsFor(opts, header, file, warnings);
    const needRec = !!filter || !!targets;
    const withFormat = co.samplesGiven;
    const site = new Site();
    site.file = file;
    const line = (buf: Buffer, s: number, e: number, lineNo: number, given: VcfRecord | null): void => {
      const nc = site.set(buf, s, e, lineNo, withFormat);
      if (nc < 8) throw tooFewColumns(nc, file, lineNo, e - s + 1);
      if (fspec && !passesFilters(fspec, buf, site.cs[6], site.ce[6])) return;
      if (needRec) {
        const rec = given ?? new VcfRecord(buf, s, e, lineNo, header, file);
        if (targets && !targets.keep(rec)) return;
        if (filter && !filter(rec)) return;
      }
      c.add(1, site, 0, null);
    };
    if (rq) {
      for await (const batch of rq.batches()) for (const rec of batch) line(rec.buf, rec.start, rec.end, rec.lineNo, rec);
    } else {
      for await (const b of reader!.rawBatches()) {
        const buf = b.buf;
        const starts = b.starts, ends = b.ends;
        for (let i = 0; i < b.n; i++) {
          const s = starts[i], e = ends[i];
          if (s === e) continue;
          line(buf, s, e, b.firstLineNo + i, null);
        }
      }
    }
    targets?.finish();
    return reportFor(c, opts, [header], choice, warnings);
  } finally {
    rq?.close();
    await reader?.close();
  }
}

async function twoFiles(opts: BcfStatsOptions, depth: Depth): Promise<StatsReport> {
  const files = opts.files;
  if (files.includes('-')) throw usageError('two-file stats read both files through their index: stdin ("-") cannot be one of them');
  const readers: RegionReader[] = [];
  try {
    for (const f of files) readers.push(await RegionReader.open(f));
    const headers = readers.map((r) => r.header);
    const warnings: string[] = [];
    for (const r of readers) warnings.push(...r.notices);
    const choice = chooseSamples(headers, files, opts);
    if (choice) warnings.push(...choice.warnings);
    const co = collectorOptions(opts, headers, choice, depth, 3);
    const infos = headers.map((h, i) => inputInfo(h, files[i], choice ? choice.maps[i] : new Int32Array(0), opts.afTag));
    const c = new Collector(co, infos);
    const fspecs = headers.map((h) => applyFiltersSpec(h, opts.applyFilters));
    const filters = headers.map((h) => siteFilter(opts, h));
    const targets = await Promise.all(headers.map((h, i) => targetsFor(opts, h, files[i], warnings)));
    const plan = await contigPlan(readers, { list: opts.regions, file: opts.regionsFile }, warnings);
    const overlap = parseOverlapMode(opts.regionsOverlap, '--regions-overlap');
    const keep = (rec: VcfRecord, i: number): boolean => {
      if (rec.nFixed < 8) throw tooFewColumns(rec.nFixed, files[i], rec.lineNo, rec.end - rec.start + 1);
      const f = fspecs[i];
      if (f && !passesFilters(f, rec.buf, rec.colStart(6), rec.colEnd(6))) return false;
      const t = targets[i];
      if (t && !t.keep(rec)) return false;
      return true;
    };
    const endInt = headers.map((h) => h.info.get('END')?.type === 'Integer');
    const sites = [new Site(), new Site()];
    sites[0].file = files[0];
    sites[1].file = files[1];
    const withFormat = co.samplesGiven;
    let n = 0;
    for (const pair of pairedLines(readers, plan, keep, endInt, overlap)) {
      let ret = 0;
      let pass = true;
      for (let i = 0; i < 2; i++) {
        const h = pair[i];
        if (!h) continue;
        const f = filters[i];
        if (f && !f(h.rec)) { pass = false; break; }
        ret |= 1 << i;
      }
      if (!pass) continue;
      for (let i = 0; i < 2; i++) {
        const h = pair[i];
        if (h) sites[i].set(h.buf, 0, h.buf.length, h.rec.lineNo, withFormat);
      }
      const first = pair[0] ? 0 : 1;
      c.add(ret, sites[first], first, ret === 3 ? sites[1] : null);
      if (++n % 4096 === 0) await new Promise<void>((res) => setImmediate(res));
    }
    for (const t of targets) t?.finish();
    return reportFor(c, opts, headers, choice, warnings);
  } finally {
    for (const r of readers) r.close();
  }
}

/** the regions of one contig of a set */
