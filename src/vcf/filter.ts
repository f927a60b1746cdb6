/**
 * `filter`: bcftools filter — apply an -i/-e expression, a region mask and the SnpGap/IndelGap
 * filters; drop failing records, or soft-filter them into the FILTER column (-s), add to or reset
 * existing FILTERs (-m +/x), set genotypes of failing samples to missing or ref (-S . / -S 0).
 *
 * Records are written the way bcftools writes them after its BCF round trip (htslib's VCF
 * formatting: integers and floats re-printed, GT normalised, absent sample fields as "."), so the
 * output matches bcftools byte for byte.
 */
import { VcfReader } from './reader.js';
import type { VcfHeader } from './header.js';
import type { VcfRecord } from './record.js';
import { OutputSink, outputTypeFor, type OutputType } from './writer.js';
import { usageError } from './errors.js';
import { provenanceLines } from './provenance.js';
import { latin1 } from './bytes.js';
import {
  parseRegionList, readRegionsFile, RegionSet, recordSpan, endIsInteger, recordLength, TargetsFilter, loadRegions,
  parseOverlapMode, parseTargetsArg, type OverlapMode,
} from './regions.js';
import { openRegionQuery, type RegionQuery } from './region-reader.js';
import { compileFilter, type CompiledFilter } from '../expr/filter.js';
import { RecordAccess, GT_VEND, VCF_INDEL, VCF_MNP, VCF_BND, VCF_OTHER, VCF_OVERLAP, VCF_SNP } from '../expr/eval-record.js';
import { calcAc, formatGt } from '../expr/eval.js';
import { intText, floatText, isCanonicalInt, isCanonicalFloat } from '../expr/format-num.js';

export interface FilterOptions {
  input: string;
  output?: string;
  outputType?: string;
  compressionLevel?: number;
  /** -i */
  include?: string;
  /** -e */
  exclude?: string;
  /** -s NAME or "+" (a made-up Filter%d name) */
  softFilter?: string;
  /** -m: "+" add to existing FILTERs, "x" reset FILTER to PASS at passing sites */
  mode?: string;
  /** -S: "." missing or "0" ref for the genotypes of failing samples */
  setGts?: string;
  /** -g N[:indel,mnp,bnd,other,overlap] */
  snpGap?: string;
  /** -G N */
  indelGap?: number;
  /** --mask [^]REGIONS */
  mask?: string;
  /** -M/--mask-file [^]FILE */
  maskFile?: string;
  /** --mask-overlap 0|1|2 */
  maskOverlap?: OverlapMode;
  /** -r: comma-separated regions, read through the index (.csi/.tbi) */
  regions?: string;
  /** -R: regions file (TSV 1-based, or BED), read through the index */
  regionsFile?: string;
  /** --regions-overlap 0|1|2 (default 1) */
  regionsOverlap?: OverlapMode | string;
  /** -t: comma-separated targets, streamed ("^" to exclude) */
  targets?: string;
  /** -T: targets file, streamed ("^" to exclude) */
  targetsFile?: string;
  /** --targets-overlap 0|1|2 (default 0) */
  targetsOverlap?: OverlapMode | string;
  noVersion?: boolean;
  maxLineBytes?: number;
  commandLine?: string;
  /** called with warnings (bcftools prints them on stderr) */
  onWarning?: (msg: string) => void;
  /**
   * Test-only: pick the best indel of an IndelGap cluster as bcftools 1.16 does (the best QUAL kept
   * in an int: truncated, missing as INT_MIN) instead of the float of newer bcftools.
   */
  indelGapQualAsInt116?: boolean;
}

export interface FilterResult {
  records: number;
  written: number;
  outputType: OutputType;
}

const ANNOT_ADD = 1, ANNOT_RESET = 2;
const SET_GTS_MISSING = 1, SET_GTS_REF = 2;

/** a record in flight: FILTER and genotype changes wait here until it is written */
interface Pending {
  rec: VcfRecord;
  /** FILTER names (null = unchanged raw column) */
  filters: string[] | null;
  /** replaced genotypes (htslib codes, ploidy per sample) */
  gt?: { codes: Int32Array; ploidy: number };
  /** replaced INFO integer values */
  info?: Map<string, number[]>;
  chrom: string;
  pos0: number;
  rlen: number;
  varType: number;
  snpGapSet: boolean;
  indelGapSet: boolean;
  qual: number;
}

export async function filterVcf(opts: FilterOptions): Promise<FilterResult> {
  if (opts.include !== undefined && opts.exclude !== undefined) throw usageError('only one -i or -e expression can be given, and they cannot be combined');
  const maskSpec = opts.mask ?? opts.maskFile;
  if (opts.mask !== undefined && opts.maskFile !== undefined) throw usageError('give either --mask or --mask-file, not both');
  if (maskSpec !== undefined && opts.softFilter === undefined) throw usageError('the option --soft-filter is required with --mask and --mask-file options');
  let setGts = 0;
  if (opts.setGts !== undefined) {
    if (opts.setGts === '.') setGts = SET_GTS_MISSING;
    else if (opts.setGts === '0') setGts = SET_GTS_REF;
    else throw usageError(`the argument to -S not recognised: ${opts.setGts} (expected . or 0)`);
  }
  let annot = 0;
  if (opts.mode) {
    if (opts.mode.includes('x')) annot |= ANNOT_RESET;
    if (opts.mode.includes('+')) annot |= ANNOT_ADD;
    if (!/^[+x]+$/.test(opts.mode)) throw usageError(`-m expects "+", "x" or "+x", got "${opts.mode}"`);
  }
  const gap = parseSnpGap(opts.snpGap);
  const indelGap = opts.indelGap ?? 0;
  if (!Number.isInteger(indelGap) || indelGap < 0) throw usageError(`--IndelGap expects a non-negative integer, got "${opts.indelGap}"`);

  // mask regions
  let mask: RegionSet | null = null;
  let maskNegate = false;
  if (maskSpec !== undefined) {
    let spec = maskSpec;
    if (spec.startsWith('^')) { maskNegate = true; spec = spec.slice(1); }
    const regions = opts.mask !== undefined ? parseRegionList(spec).regions : await readRegionsFile(spec);
    mask = RegionSet.from(regions);
  }

  if (opts.targets !== undefined && opts.targetsFile !== undefined) throw usageError('give either -t or -T, not both');
  const regionsOverlap = parseOverlapMode(opts.regionsOverlap, '--regions-overlap');
  const targetsOverlap = parseOverlapMode(opts.targetsOverlap, '--targets-overlap');
  const targetsSpec = opts.targets !== undefined || opts.targetsFile !== undefined ? parseTargetsArg(opts.targets ?? opts.targetsFile!) : null;
  const targetsLoaded = targetsSpec ? await loadRegions(opts.targets !== undefined ? { list: targetsSpec.spec } : { file: targetsSpec.spec }) : null;

  // -r/-R jump through the index; otherwise the whole file is streamed
  let rq: RegionQuery | null = null;
  let reader: VcfReader | null = null;
  if (opts.regions !== undefined || opts.regionsFile !== undefined) {
    rq = await openRegionQuery(opts.input, { regions: opts.regions, regionsFile: opts.regionsFile, overlap: regionsOverlap });
    for (const n of rq.notices) opts.onWarning?.(n);
  } else {
    reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes });
  }
  const header = rq ? rq.header : reader!.header;
  const records: AsyncIterable<VcfRecord> = rq ? rq.records() : reader!.records();
  for (const n of targetsLoaded?.notices ?? []) opts.onWarning?.(n);
  const targets = targetsLoaded ? new TargetsFilter(targetsLoaded.set, {
    overlap: targetsOverlap,
    exclude: targetsSpec!.exclude,
    header,
    onNotice: (m) => opts.onWarning?.(m),
    fileLabel: opts.input,
  }) : null;
  const outputType = outputTypeFor(opts.output, opts.outputType);
  const exprText = opts.include ?? opts.exclude;
  const exclude = opts.exclude !== undefined;
  const filter: CompiledFilter | null = exprText !== undefined ? compileFilter(exprText, header) : null;
  for (const w of filter?.warnings ?? []) opts.onWarning?.(w);

  // header: PASS first, then the soft filter, SnpGap and IndelGap lines
  const out = header.clone();
  ensurePass(out);
  let failName: string | null = null;
  if (opts.softFilter !== undefined && (filter || mask)) {
    let name = opts.softFilter;
    if (name === '+') {
      let i = 0;
      do name = `Filter${++i}`; while (out.filter.has(name));
    }
    failName = name;
    let desc: string;
    if (filter) desc = `Set if ${exclude ? 'true' : 'not true'}: ${exprText!.replace(/"/g, '\\"')}`;
    else desc = 'Record masked by region';
    if (!out.filter.has(name)) out.addLine(`##FILTER=<ID=${name},Description="${desc}">`);
  }
  if (gap.gap || indelGap) {
    if (!filter && opts.softFilter !== undefined && opts.softFilter !== '+') {
      const names = [gap.gap ? '"SnpGap"' : '', indelGap ? '"IndelGap"' : ''].filter(Boolean).join(' and ');
      opts.onWarning?.(`using ${names} filter name instead of "${opts.softFilter}"`);
    }
    if (gap.gap && !out.filter.has('SnpGap')) out.addLine(`##FILTER=<ID=SnpGap,Description="SNP within ${gap.gap} bp of ${gap.label}">`);
    if (indelGap && !out.filter.has('IndelGap')) out.addLine(`##FILTER=<ID=IndelGap,Description="Indel within ${indelGap} bp of an indel">`);
  }

  const sink = OutputSink.open(opts.output, outputType, { level: opts.compressionLevel });
  const extra = opts.noVersion ? [] : provenanceLines('filter', opts.commandLine);
  const fmt = new RecordFormatter(header);
  const acCtx = new RecordAccess(header.samples.length, null);
  const useEnd = endIsInteger(header);
  const buffer: Pending[] = [];
  const gapping = gap.gap > 0 || indelGap > 0;
  let nRecords = 0;
  let written = 0;

  const write = async (p: Pending): Promise<void> => {
    const r = sink.write(fmt.line(p));
    written++;
    if (r) await r;
  };

  const flush = async (n: number): Promise<void> => {
    for (let i = 0; i < n && buffer.length; i++) {
      const p = buffer.shift()!;
      let pass = true;
      if (opts.softFilter === undefined && p.filters) {
        if ((indelGap && p.filters.includes('IndelGap')) || (gap.gap && p.filters.includes('SnpGap'))) pass = false;
      }
      if (pass) await write(p);
    }
  };

  /** bcftools buffered_filters: SnpGap and IndelGap over a window of buffered records */
  const buffered = async (line: Pending | null): Promise<void> => {
    let varType = 0;
    if (line) {
      if (buffer.length && buffer[buffer.length - 1].chrom !== line.chrom) await flush(buffer.length);
      buffer.push(line);
      varType = line.varType;
    }
    let kFlush = 1;
    if (indelGap) {
      kFlush = 0;
      let lastTo = -1;
      let exhausted = true;
      for (const rec of buffer) {
        if (lastTo !== -1 && lastTo < rec.pos0) { exhausted = false; break; }
        kFlush++;
        if (!(rec.varType & VCF_INDEL)) continue;
        rec.indelGapSet = true;
        lastTo = indelGap + rec.pos0 + rec.rlen - 1;
      }
      if (exhausted && line && lastTo !== -1) kFlush = 0;
      if (kFlush || !line) {
        let maxAc = -1, imaxAc = -1, imaxQual = -1, maxQual = -1;
        for (let i = 0; i < buffer.length && i < kFlush; i++) {
          const rec = buffer[i];
          if (!rec.indelGapSet) continue;
          acCtx.reset(rec.rec);
          let ac: number[] | null = null;
          try { ac = calcAc(acCtx, true); } catch { ac = null; }
          const ac1 = ac && ac.length > 1 ? ac[1] : 0;
          if (imaxAc === -1 || (ac && maxAc < ac1)) { maxAc = ac1; imaxAc = i; }
          // newer bcftools keeps the best QUAL as a float (a missing QUAL is NaN: never better);
          // 1.16 kept it as an int (QUAL truncated, missing = INT_MIN) — emulated for tests only
          if (imaxQual === -1 || maxQual < rec.qual) {
            maxQual = opts.indelGapQualAsInt116 ? toInt32(rec.qual) : rec.qual;
            imaxQual = i;
          }
        }
        for (let i = 0; i < buffer.length && i < kFlush; i++) {
          const rec = buffer[i];
          if (!rec.indelGapSet) continue;
          const doFilter = maxQual > 0 ? i !== imaxQual : i !== imaxAc;
          if (doFilter) addFilter(rec, 'IndelGap');
        }
      }
    }
    if (!line) { await flush(buffer.length); return; }
    let jFlush = 1;
    if (gap.gap) {
      jFlush = 0;
      const lastFrom = line.pos0;
      for (const rec of buffer) {
        const recTo = rec.pos0 + rec.rlen - 1;
        if (recTo + gap.gap < lastFrom) jFlush++;
        else if ((varType & gap.types) && (rec.varType & VCF_SNP) && !rec.snpGapSet) {
          rec.snpGapSet = true;
          addFilter(rec, 'SnpGap');
        } else if ((varType & VCF_SNP) && (rec.varType & gap.types)) {
          line.snpGapSet = true;
          addFilter(line, 'SnpGap');
          break;
        }
      }
    }
    await flush(Math.min(jFlush, kFlush));
  };

  try {
    await sink.write(out.toString({ extraLines: extra }));
    for await (const rec of records) {
      if (targets && !targets.keep(rec)) continue;
      nRecords++;
      let pass = true;
      let smpl: Uint8Array | null = null;
      if (filter) {
        const r = filter.evaluate(rec);
        pass = r.pass;
        smpl = r.samples;
        if (exclude) pass = !pass;
      }
      if (mask) {
        const [beg, end] = recordSpan(rec, opts.maskOverlap ?? 1, useEnd);
        let mpass = !mask.overlaps(rec.chrom, beg, end);
        if (maskNegate) mpass = !mpass;
        pass = pass && mpass;
      }
      if (!(opts.softFilter !== undefined || setGts || pass)) continue;
      const p: Pending = {
        rec, filters: null, chrom: rec.chrom, pos0: rec.pos - 1, rlen: 0, varType: 0,
        snpGapSet: false, indelGapSet: false, qual: NaN,
      };
      if (pass) {
        const f = currentFilters(p);
        if (annot & ANNOT_RESET || !f.length) addFilter(p, 'PASS');
      } else if (failName !== null) {
        if (annot & ANNOT_ADD) addFilter(p, failName);
        else p.filters = [failName];
      }
      if (setGts) setGenotypes(p, header, pass, smpl, exclude, setGts, filter !== null);
      if (!gapping) { await write(p); continue; }
      acCtx.reset(rec);
      const vt = acCtx.variantTypes();
      p.varType = vt;
      p.rlen = recordLength(rec, useEnd);
      const q = rec.qualRaw;
      p.qual = q === '.' || q === '' ? NaN : Math.fround(Number(q));
      await buffered(p);
    }
    if (gapping) await buffered(null);
    targets?.finish();
  } finally {
    rq?.close();
    await reader?.close();
    await sink.close();
  }
  return { records: nRecords, written, outputType };
}

/** C's (int) conversion of a float on x86-64: truncation, NaN and out-of-range give INT_MIN */
function toInt32(x: number): number {
  if (Number.isNaN(x) || x >= 2147483648 || x < -2147483648) return -2147483648;
  return Math.trunc(x);
}

function parseSnpGap(spec: string | undefined): { gap: number; types: number; label: string } {
  if (spec === undefined) return { gap: 0, types: 0, label: '' };
  const m = /^(\d+)(?::(.*))?$/.exec(spec);
  if (!m) throw usageError(`could not parse argument: --SnpGap ${spec}`);
  const gap = Number(m[1]);
  if (m[2] === undefined) return { gap, types: VCF_INDEL, label: 'indel' };
  let types = 0;
  for (const k of m[2].split(',')) {
    const t = k.toLowerCase();
    if (t === 'indel') types |= VCF_INDEL;
    else if (t === 'mnp') types |= VCF_MNP;
    else if (t === 'bnd') types |= VCF_BND;
    else if (t === 'other') types |= VCF_OTHER;
    else if (t === 'overlap') types |= VCF_OVERLAP;
    else throw usageError(`could not parse "${k}" in "--SnpGap ${spec}" (expected indel, mnp, bnd, other, overlap)`);
  }
  return { gap, types, label: m[2] };
}

function currentFilters(p: Pending): string[] {
  if (!p.filters) p.filters = p.rec.filters.slice();
  return p.filters;
}

/** htslib bcf_add_filter: PASS replaces everything; another filter replaces PASS or is appended */
function addFilter(p: Pending, name: string): void {
  const f = currentFilters(p);
  if (f.includes(name)) return;
  if (name === 'PASS') { f.length = 0; f.push('PASS'); return; }
  if (f.length === 1 && f[0] === 'PASS') { f[0] = name; return; }
  f.push(name);
}

/** bcftools set_genotypes: failing samples get missing or ref genotypes; INFO/AN and AC follow */
function setGenotypes(p: Pending, header: VcfHeader, passSite: boolean, smpl: Uint8Array | null, exclude: boolean, mode: number, hasFilter: boolean): void {
  const ns = header.samples.length;
  if (!ns) return;
  if (smpl) {
    let npass = 0;
    for (let i = 0; i < ns; i++) npass += smpl[i];
    if (npass === ns && hasFilter && !exclude) return;
    if (npass === 0 && exclude) return;
  } else if (passSite) return;
  const rec = p.rec;
  const ctx = new RecordAccess(ns, null);
  ctx.reset(rec);
  const g = ctx.genotypes();
  if (!g) return;
  const nAllele = rec.alt.length + 1;
  const anRaw = rec.info.get('AN');
  const acRaw = rec.info.get('AC');
  const anVals = typeof anRaw === 'string' && header.info.has('AN') ? anRaw.split(',') : null;
  const hasAn = !!anVals && anVals.length === 1;
  let an = hasAn ? Number.parseInt(anVals![0], 10) : 0;
  const acVals = typeof acRaw === 'string' && header.info.has('AC') ? acRaw.split(',').map((x) => Number.parseInt(x, 10)) : null;
  const hasAc = !!acVals && acVals.length === nAllele - 1;
  const ac = hasAc ? acVals! : [];
  const codes = Int32Array.from(g.gt.subarray(0, ns * g.ploidy));
  const newGt = mode === SET_GTS_MISSING ? 0 : 2;
  for (let i = 0; i < ns; i++) {
    if (smpl) {
      let ps = smpl[i] === 1;
      if (exclude) ps = !ps;
      if (ps) continue;
    }
    const o = i * g.ploidy;
    for (let j = 0; j < g.ploidy; j++) {
      const x = codes[o + j];
      if (x === GT_VEND) break;
      const ial = (x >> 1) - 1;
      if (mode === SET_GTS_MISSING && x >> 1 !== 0) {
        if (hasAc && ial > 0 && ial < nAllele) ac[ial - 1]--;
        an--;
      } else if (mode === SET_GTS_REF) {
        if (x >> 1 === 0) an++;
        else if (hasAc && ial > 0 && ial < nAllele) ac[ial - 1]--;
      }
      codes[o + j] = newGt;
    }
  }
  p.gt = { codes, ploidy: g.ploidy };
  if (hasAn || hasAc) {
    p.info = new Map();
    if (hasAn) p.info.set('AN', [an]);
    if (hasAc) p.info.set('AC', ac);
  }
}

/**
 * The header lines as htslib writes them back: its own PASS line right after ##fileformat (a PASS
 * definition in the file is dropped), a repeated INFO/FORMAT/FILTER/contig ID or a repeated
 * generic line dropped (the first wins), trailing blanks inside a quoted value removed.
 */
function ensurePass(h: VcfHeader): void {
  const seen = new Set<string>();
  const raws: string[] = [];
  for (const l of h.lines) {
    let raw = l.raw;
    if (l.key === 'FILTER' && l.attrs?.ID === 'PASS') continue;
    let key: string;
    if (l.attrs && l.attrs.ID !== undefined && ['INFO', 'FORMAT', 'FILTER', 'contig'].includes(l.key)) key = `${l.key}/${l.attrs.ID}`;
    else if (l.value !== undefined) key = `${l.key}=${l.value}`;
    else key = raw;
    if (seen.has(key)) continue;
    seen.add(key);
    if (l.attrs) raw = raw.replace(/ +"(?=[,>])/g, '"');
    raws.push(raw);
  }
  const idx = raws.findIndex((r) => r.startsWith('##fileformat='));
  raws.splice(idx + 1, 0, '##FILTER=<ID=PASS,Description="All filters passed">');
  h.lines.length = 0;
  h.filter.clear(); h.info.clear(); h.format.clear(); h.contigs.clear(); h.alt.clear();
  for (const r of raws) h.addMetaLine(r, 0);
}

/**
 * A record printed as htslib prints it after parsing (vcf_format): QUAL and Float values through
 * float32 and kputd, Integer values through strtol, GT normalised, absent sample fields as ".",
 * undefined INFO/FORMAT tags and strings unchanged.
 */
export class RecordFormatter {
  private readonly header: VcfHeader;

  constructor(header: VcfHeader) {
    this.header = header;
  }

  line(p: { rec: VcfRecord; filters?: string[] | null; gt?: { codes: Int32Array; ploidy: number }; info?: Map<string, number[]> }): string {
    const rec = p.rec;
    const b = rec.buf;
    const cols: string[] = [];
    const pos = rec.pos;
    const alt = rec.altRaw;
    cols.push(rec.chrom, Number.isNaN(pos) ? String(Number.parseInt(rec.col(1), 10) || 0) : String(pos), rec.id || '.', rec.ref || '.',
      alt === '' ? '.' : alt.indexOf(',,') >= 0 || alt.startsWith(',') || alt.endsWith(',') ? alt.split(',').map((a) => a || '.').join(',') : alt);
    const qs = rec.colStart(5), qe = rec.colEnd(5);
    // htslib reads QUAL with atof: '.' is missing, anything unparsable is 0
    let qual = isCanonicalFloat(b, qs, qe) ? latin1(b, qs, qe) : floatText(b, qs, qe);
    if (qual === '.' && !(qe - qs === 1 && b[qs] === 46)) qual = '0';
    cols.push(qual);
    const flt = p.filters ?? rec.filterRaw.split(';').filter((f) => f !== '' && f !== '.');
    cols.push(flt.length ? flt.join(';') : '.');
    cols.push(this.info(rec, p.info));
    let s = cols.join('\t');
    const ns = this.header.samples.length;
    if (ns) s += '\t' + (rec.nFixed > 8 ? this.samples(rec, p.gt) : new Array(ns + 1).fill('.').join('\t'));
    return s + '\n';
  }

  private info(rec: VcfRecord, upd?: Map<string, number[]>): string {
    const raw = rec.infoRaw;
    if (raw === '.' || raw === '') return '.';
    const parts: string[] = [];
    for (const item of raw.split(';')) {
      if (item === '') continue;
      const eq = item.indexOf('=');
      const key = eq < 0 ? item : item.slice(0, eq);
      const def = this.header.info.get(key);
      const u = upd?.get(key);
      if (u) { parts.push(`${key}=${u.join(',')}`); continue; }
      if (eq === item.length - 1) { parts.push(key); continue; }
      if (eq < 0 || !def) { parts.push(item); continue; }
      if (def.type === 'Flag') { parts.push(item); continue; }
      const val = item.slice(eq + 1);
      if (def.type === 'Integer') parts.push(`${key}=${numbers(val, false)}`);
      else if (def.type === 'Float') parts.push(`${key}=${numbers(val, true)}`);
      else parts.push(item);
    }
    return parts.length ? parts.join(';') : '.';
  }

  private samples(rec: VcfRecord, gt?: { codes: Int32Array; ploidy: number }): string {
    const keys = rec.formatKeys;
    const fmtRaw = rec.formatRaw;
    if (fmtRaw === '.' || fmtRaw === '') {
      const dots = new Array(this.header.samples.length).fill('.');
      return ['.', ...dots].join('\t');
    }
    const types = keys.map((k) => (k === 'GT' ? 'GT' : this.header.format.get(k)?.type ?? 'String'));
    const out: string[] = [fmtRaw];
    const ns = this.header.samples.length;
    const ncol = rec.sampleCount;
    for (let i = 0; i < ns; i++) {
      const fields = i < ncol ? rec.sampleFields(i) : [];
      const vals: string[] = new Array(keys.length);
      for (let k = 0; k < keys.length; k++) {
        const v = k < fields.length ? fields[k] : undefined;
        const t = types[k];
        if (t === 'GT') {
          if (gt) vals[k] = formatGt(gt.codes, i * gt.ploidy, gt.ploidy);
          else vals[k] = v === undefined || v === '' ? '.' : normalizeGt(v);
        } else if (v === undefined) vals[k] = '.';
        else if (t === 'Integer') vals[k] = numbers(v, false);
        else if (t === 'Float') vals[k] = numbers(v, true);
        else vals[k] = v;
      }
      out.push(vals.join(':'));
    }
    return out.join('\t');
  }
}

const enc = new TextEncoder();

/** comma-separated numbers re-printed as htslib does */
function numbers(val: string, isFloat: boolean): string {
  if (val === '.' ) return '.';
  const b = enc.encode(val);
  const parts: string[] = [];
  let s = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === 44) {
      if (isFloat) parts.push(isCanonicalFloat(b, s, i) ? val.slice(s, i) : floatText(b, s, i));
      else parts.push(isCanonicalInt(b, s, i) ? val.slice(s, i) : intText(b, s, i));
      s = i + 1;
    }
  }
  return parts.join(',');
}

/** GT text as htslib writes it back (allele numbers without leading zeros, missing as ".") */
function normalizeGt(v: string): string {
  if (/^(?:0|[1-9]\d*|\.)(?:[/|](?:0|[1-9]\d*|\.))*$/.test(v)) return v;
  let s = 0;
  if (v[0] === '/' || v[0] === '|') s = 1;
  const parts: string[] = [];
  const seps: string[] = [];
  let cur = '';
  for (let i = s; i < v.length; i++) {
    const c = v[i];
    if (c === '/' || c === '|') { parts.push(cur); seps.push(c); cur = ''; } else cur += c;
  }
  parts.push(cur);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    if (i) out += seps[i - 1];
    const m = /^\d+/.exec(parts[i]);
    out += m && parts[i] !== '.' ? String(Number(m[0])) : '.';
  }
  return out;
}

