/**
 * `view`: stream a VCF to VCF or BGZF-compressed VCF with bcftools 1.16 `view` semantics for
 * sample subsetting (-s/-S, --force-samples), genotype dropping (-G), header-only / no-header and
 * INFO/AC,AN recomputation after subsetting (unless -I). See docs/view-differences.md.
 * The filter, trimming and region options (-i/-e, -a, -A, -c/-C, -q/-Q, -m/-M, -v/-V, -f, -k/-n,
 * -p/-P, -u/-U, -x/-X, -g, -r/-R, -t/-T) take the record path in view-records.ts instead; this
 * byte-level path is used when none of them is given. --write-index works with both.
 *
 * Works at the byte level: columns that do not change are copied as byte ranges, never decoded;
 * the only values parsed are FORMAT keys and GT (and INFO AC/AN) when AC/AN must be recomputed.
 *
 * bcftools rules reproduced here:
 * - header: `##FILTER=<ID=PASS>` second (after ##fileformat); a repeated INFO/FORMAT/FILTER/contig
 *   ID, a repeated identical unstructured line and spaces ending a structured value are dropped
 *   (as htslib parses the header); AC/AN INFO definitions appended when
 *   -s/-S is given without -I; ##FORMAT lines dropped when the output has no samples (-G, or every
 *   sample removed); provenance lines last; the #CHROM line has FORMAT only when samples remain.
 * - records: exactly as many sample columns as the header has samples (fewer is an error, extra
 *   ones are dropped); a record without FORMAT gets `.` for FORMAT and every sample.
 * - AC/AN with -s/-S (not -I): when samples remain, records with GT get AC (Number=A, removed when
 *   ALT is '.') and AN recomputed from the kept samples' GT, updated in place or appended (AC, then
 *   AN); records without GT are unchanged. When no sample remains, every record gets AC/AN: from
 *   INFO AC+AN when both are present (zeros when AC has the wrong number of values), else counted
 *   over all samples' GT, else zeros.
 */
import { latin1 } from './bytes.js';
import { VcfReader, tooFewColumns } from './reader.js';
import { outputTypeFor, compressionLevelFor, type OutputType, type TextSink } from './writer.js';
import { BcfSink, openTextSink } from './bcf/encode.js';
import { selectSamples, type SampleSelection } from './samples.js';
import { VcfError } from './errors.js';
import type { VcfHeader } from './header.js';
import { provenanceLines } from './provenance.js';
import { indexOutput, recordPlanOptions, viewRecords, writeIndexFormat } from './view-records.js';

export interface ViewOptions {
  input: string;
  output?: string;
  outputType?: string;
  samples?: string;
  samplesFile?: string;
  forceSamples?: boolean;
  /** -I: do not recompute AC/AN after subsetting */
  noUpdate?: boolean;
  headerOnly?: boolean;
  noHeader?: boolean;
  dropGenotypes?: boolean;
  noVersion?: boolean;
  threads?: number;
  compressionLevel?: number;
  maxLineBytes?: number;
  /** the command line, for the provenance header */
  commandLine?: string;
  /** called with each warning as soon as it arises (unknown samples with --force-samples, …) */
  onWarning?: (message: string) => void;

  // bcftools view's filter options (view-records.ts); any of them selects the record path
  /** -i / -e: a filter expression, evaluated on the record as read (all samples) */
  include?: string;
  exclude?: string;
  /** -a: remove ALT alleles no kept sample carries */
  trimAltAlleles?: boolean;
  /** -A given once (1: at variant sites) or twice (2: at all sites): remove <*>/<NON_REF>/<X> */
  trimUnseenAllele?: number;
  /** -c/-C INT[:nref|alt1|minor|major|nonmajor], -q/-Q FLOAT[:...] */
  minAc?: string;
  maxAc?: string;
  minAf?: string;
  maxAf?: string;
  /** -m/-M: minimum / maximum number of alleles (REF and ALT) */
  minAlleles?: string | number;
  maxAlleles?: string | number;
  /** -v/-V: snps,indels,mnps,other,ref,bnd */
  types?: string;
  excludeTypes?: string;
  /** -f: keep records with one of these FILTER values ('.' for none) */
  applyFilters?: string;
  /** -k / -n: ID is not / is '.' */
  known?: boolean;
  novel?: boolean;
  /** -p / -P: every (kept) sample phased / not */
  phased?: boolean;
  excludePhased?: boolean;
  /** -u / -U: no called allele / at least one */
  uncalled?: boolean;
  excludeUncalled?: boolean;
  /** -x / -X: non-reference alleles only in the kept samples / not */
  private?: boolean;
  excludePrivate?: boolean;
  /** -g [^]hom|het|miss */
  genotype?: string;
  /** -r / -R (through the index), or regions given after the file; --regions-overlap */
  regions?: string;
  regionsFile?: string;
  regionArgs?: string[];
  regionsOverlap?: string | number;
  /** -t / -T (streaming, ^ to exclude); --targets-overlap */
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: string | number;
  /** --write-index[=csi|tbi]: index the -o output (-O z or b); true means CSI */
  writeIndex?: boolean | string;
}

export interface ViewResult {
  records: number;
  samplesIn: number;
  samplesOut: number;
  outputType: OutputType;
  warnings: string[];
}

export const PASS_HDR = '##FILTER=<ID=PASS,Description="All filters passed">';
export const AC_HDR = '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">';
export const AN_HDR = '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">';

/** What to do with every record, decided once from the header and the options. */
interface Plan {
  file: string;
  /** samples in the input header */
  nIn: number;
  /** kept sample indexes, output order */
  keep: number[];
  /** keep as contiguous runs [first, last] of input indexes, in output order */
  runs: Array<[number, number]>;
  /** output records have no FORMAT/sample columns (-G, every sample removed, or none in the input) */
  sitesOnly: boolean;
  /** bcftools' sites-only header (-G or every sample removed): no ##FORMAT lines */
  dropFormatHeader: boolean;
  /** recompute AC/AN (-s/-S without -I) */
  updateAC: boolean;
  /** -s/-S removed every sample: AC/AN from INFO or all samples (bcftools' sites-only branch) */
  allRemoved: boolean;
}

export async function view(opts: ViewOptions): Promise<ViewResult> {
  const indexFormat = writeIndexFormat(opts);
  const filters = recordPlanOptions(opts);
  const res = filters ? await viewRecords(opts, filters) : await viewBytes(opts);
  if (indexFormat) await indexOutput(opts, indexFormat);
  return res;
}

/** The byte-level path: sample subsetting, -G, -h/-H, AC/AN (no filter option). */
async function viewBytes(opts: ViewOptions): Promise<ViewResult> {
  const outputType = outputTypeFor(opts.output, opts.outputType, opts.compressionLevel !== undefined, true);
  const level = compressionLevelFor(opts.outputType, opts.compressionLevel);
  // reuseBuffers: the loop below copies every byte it writes and keeps nothing across batches
  const reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes, reuseBuffers: true, threads: opts.threads });
  let sink: TextSink | undefined;
  let records = 0;
  let sel: SampleSelection, plan: Plan;
  try {
    const header = reader.header;
    sel = selectSamples(header.samples, opts);
    for (const w of sel.warnings) opts.onWarning?.(w);
    plan = makePlan(reader.file, header, sel, opts);
    // -O b|u: the same text goes through the BCF encoder (bcf/encode.ts)
    sink = openTextSink(opts.output, outputType, { level, source: { file: reader.file, firstDataLine: reader.firstDataLine } });
    if (!opts.noHeader) {
      const extra = opts.noVersion ? [] : provenanceLines('view', opts.commandLine);
      await sink.write(viewHeaderText(header, plan, sel.names, extra));
    }
    if (!opts.headerOnly) {
      // BCF to BCF with the samples unchanged: the records are copied, as bcftools keeps them
      const same = plan.keep.length === plan.nIn && plan.keep.every((k, i) => k === i) && !plan.updateAC && !opts.dropGenotypes;
      const copied = same && reader.bcf && sink instanceof BcfSink ? await sink.copyRecords(reader.bcf) : null;
      records = copied ?? await writeRecords(reader, sink, plan);
    }
  } finally {
    await reader.close();
    if (sink) await sink.close();
  }
  return {
    records,
    samplesIn: plan.nIn,
    samplesOut: plan.sitesOnly ? 0 : plan.keep.length,
    outputType,
    warnings: sel.warnings,
  };
}

function makePlan(file: string, header: VcfHeader, sel: SampleSelection, opts: ViewOptions): Plan {
  const nIn = header.samples.length;
  const keep = sel.indexes;
  const runs: Array<[number, number]> = [];
  for (const i of keep) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const allRemoved = sel.active && keep.length === 0;
  return {
    file,
    nIn,
    keep,
    runs,
    sitesOnly: !!opts.dropGenotypes || allRemoved || nIn === 0,
    dropFormatHeader: !!opts.dropGenotypes || allRemoved,
    updateAC: sel.active && !opts.noUpdate,
    allRemoved,
  };
}

const DEDUP_KEYS = new Set(['INFO', 'FORMAT', 'FILTER', 'contig']);

/**
 * A structured header line as htslib writes it back: spaces at the end of a value (quoted or not)
 * are dropped (bcf_hdr_parse_line), e.g. `Description="text ">` becomes `Description="text">`.
 */
function trimValueSpaces(raw: string): string {
  const lt = raw.indexOf('<');
  if (lt < 0) return raw;
  let out = raw.slice(0, lt + 1);
  let i = lt + 1;
  let inQuote = false, inValue = false;
  let pending = '';
  for (; i < raw.length; i++) {
    const c = raw[i];
    if (inQuote) {
      if (c === '\\' && i + 1 < raw.length) { out += pending + c + raw[i + 1]; pending = ''; i++; continue; }
      if (c === '"') {
        // a quote that ends the value (followed by ',' or '>'): the spaces before it go
        const next = raw[i + 1];
        if (next === ',' || next === '>') pending = '';
        inQuote = false;
        out += pending + c;
        pending = '';
        continue;
      }
      if (c === ' ') { pending += c; continue; }
      out += pending + c;
      pending = '';
      continue;
    }
    if (inValue && c === ' ') { pending += c; continue; }
    if (c === '"' && inValue && pending === '' && raw[i - 1] === '=') { inQuote = true; out += c; continue; }
    if (c === '=') inValue = true;
    else if (c === ',' || c === '>') { inValue = false; pending = ''; }
    out += pending + c;
    pending = '';
  }
  return out + pending;
}

/** The output header, as bcftools 1.16 `view` writes it (original lines kept verbatim). */
export function viewHeaderText(header: VcfHeader, plan: Pick<Plan, 'sitesOnly' | 'dropFormatHeader' | 'updateAC'>, samples: string[], extraLines: string[] = []): string {
  const out: string[] = [];
  let passAt = 0;
  // htslib keeps the first of two INFO/FORMAT/FILTER/contig lines with one ID, the first of two
  // identical unstructured lines (same key and value), and one ##fileformat
  const seen = new Set<string>();
  for (const l of header.lines) {
    if (l.key === 'FILTER' && l.attrs?.ID === 'PASS') continue;
    if (l.key === 'FORMAT' && plan.dropFormatHeader) continue;
    const dupKey = l.attrs ? (DEDUP_KEYS.has(l.key) && l.attrs.ID !== undefined ? `${l.key}\t${l.attrs.ID}` : null)
      : l.key === 'fileformat' ? 'fileformat' : `${l.key}=${l.value ?? ''}`;
    if (dupKey !== null) {
      if (seen.has(dupKey)) continue;
      seen.add(dupKey);
    }
    out.push(l.attrs && / [",>]/.test(l.raw) ? trimValueSpaces(l.raw) : l.raw);
    if (l.key === 'fileformat' && passAt === 0) passAt = out.length;
  }
  out.splice(passAt, 0, PASS_HDR);
  if (plan.updateAC) {
    if (!header.info.has('AC')) out.push(AC_HDR);
    if (!header.info.has('AN')) out.push(AN_HDR);
  }
  out.push(...extraLines);
  let cols = '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO';
  if (!plan.sitesOnly && samples.length) cols += '\tFORMAT\t' + samples.join('\t');
  out.push(cols);
  return out.join('\n') + '\n';
}

const NL = Buffer.from('\n');
const MISSING_COL = Buffer.from('\t.');

async function writeRecords(reader: VcfReader, sink: TextSink, plan: Plan): Promise<number> {
  const { nIn, runs, sitesOnly, updateAC, allRemoved, file } = plan;
  const nOut = plan.keep.length;
  // copy the whole sample block when the output samples are the input samples in order
  const copyAll = nOut === nIn && runs.length === 1 && runs[0][0] === 0;
  const starts = new Int32Array(nIn + 1);
  const ends = new Int32Array(nIn + 1);
  let ac = new Int32Array(8);
  let records = 0;
  for await (const b of reader.rawBatches()) {
    const buf = b.buf;
    for (let li = 0; li < b.n; li++) {
      const s = b.starts[li], e = b.ends[li];
      if (s === e) continue;
      records++;
      const lineNo = b.firstLineNo + li;
      // the 7 tabs of CHROM..FILTER, then the end of INFO
      let p = s;
      let k = 0;
      for (; k < 7; k++) {
        const t = buf.indexOf(9, p);
        if (t < 0 || t >= e) break;
        p = t + 1;
      }
      if (k < 7) throw tooFewColumns(k + 1, file, lineNo, e - s + 1);
      const infoStart = p;
      let t8 = buf.indexOf(9, infoStart);
      if (t8 < 0 || t8 > e) t8 = e;
      const infoEnd = t8;
      const hasFormat = infoEnd < e && nIn > 0;
      // FORMAT and sample columns: exactly nIn are required (extra ones are ignored, as htslib does)
      let fmtEnd = -1;
      let empty = false;
      if (hasFormat) {
        const t9 = buf.indexOf(9, infoEnd + 1);
        if (t9 < 0 || t9 >= e) throw sampleCountError(0, nIn, file, lineNo, e - s + 1);
        fmtEnd = t9;
        let q = t9 + 1;
        for (let i = 0; i < nIn; i++) {
          starts[i] = q;
          let t = buf.indexOf(9, q);
          if (t < 0 || t >= e) {
            if (i < nIn - 1) throw sampleCountError(i + 1, nIn, file, lineNo, e - s + 1);
            t = e;
          }
          ends[i] = t;
          if (t === q) empty = true;
          q = t + 1;
        }
      }
      // an empty sample column is written as '.' (missing), as bcftools does
      const blockCopy = copyAll && !empty;

      let info: string | undefined;
      if (updateAC) {
        const nAllele = countAlleles(buf, s, infoStart);
        if (ac.length < nAllele) ac = new Int32Array(nAllele * 2);
        const gt = hasFormat ? gtIndex(buf, infoEnd + 1, fmtEnd) : -1;
        if (!allRemoved) {
          if (gt >= 0) {
            ac.fill(0, 0, nAllele);
            let an = 0;
            for (const i of plan.keep) an += countGenotype(buf, starts[i], ends[i], gt, ac, nAllele, s, lineNo, file);
            info = updatedInfo(latin1(buf, infoStart, infoEnd), ac, nAllele, an);
          }
        } else {
          info = allRemovedInfo(buf, infoStart, infoEnd, gt, ac, nAllele, starts, ends, nIn, s, lineNo, file);
        }
      }

      // the common case (INFO unchanged, FORMAT and samples kept, no empty column): the same bytes
      // as below with fewer copies, adjacent ranges merged and the line's own '\n' included
      if (info === undefined && !sitesOnly && hasFormat && !empty) {
        let ps = s, pe = blockCopy ? ends[nIn - 1] : fmtEnd;
        let w: Promise<void> | void;
        if (!blockCopy) {
          for (let ri = 0; ri < runs.length; ri++) {
            const a = starts[runs[ri][0]] - 1, z = ends[runs[ri][1]];
            if (a === pe) { pe = z; continue; }
            w = sink.writeSlice(buf, ps, pe);
            if (w) await w;
            ps = a;
            pe = z;
          }
        }
        const withNl = pe === e && e < buf.length && buf[e] === 10;
        w = sink.writeSlice(buf, ps, withNl ? e + 1 : pe);
        if (w) await w;
        if (!withNl) { w = sink.writeSlice(NL, 0, 1); if (w) await w; }
        continue;
      }

      // write: fixed columns, INFO, FORMAT, samples
      let r: Promise<void> | void;
      if (info === undefined) {
        const end = sitesOnly ? infoEnd : hasFormat ? (blockCopy ? ends[nIn - 1] : fmtEnd) : infoEnd;
        r = sink.writeSlice(buf, s, end);
        if (r) await r;
      } else {
        r = sink.writeSlice(buf, s, infoStart);
        if (r) await r;
        r = sink.writeLatin1(info);
        if (r) await r;
        if (!sitesOnly && hasFormat) {
          r = sink.writeSlice(buf, infoEnd, blockCopy ? ends[nIn - 1] : fmtEnd);
          if (r) await r;
        }
      }
      if (!sitesOnly) {
        if (!hasFormat) {
          // no FORMAT column (bcftools writes '.' for FORMAT and every sample)
          for (let i = 0; i <= nOut; i++) { r = sink.writeSlice(MISSING_COL, 0, 2); if (r) await r; }
        } else if (empty) {
          for (const i of plan.keep) {
            r = starts[i] === ends[i] ? sink.writeSlice(MISSING_COL, 0, 2) : sink.writeSlice(buf, starts[i] - 1, ends[i]);
            if (r) await r;
          }
        } else if (!blockCopy) {
          for (let ri = 0; ri < runs.length; ri++) {
            const [a, z] = runs[ri];
            // the byte before a sample column is its tab
            r = sink.writeSlice(buf, starts[a] - 1, ends[z]);
            if (r) await r;
          }
        }
      }
      r = sink.writeSlice(NL, 0, 1);
      if (r) await r;
    }
  }
  return records;
}

export function sampleCountError(found: number, expected: number, file: string, line: number, column: number): VcfError {
  return new VcfError('VCF_RECORD_SAMPLE_COUNT', `record has ${found} sample column${found === 1 ? '' : 's'} but the header names ${expected} sample${expected === 1 ? '' : 's'}`, { file, line, column });
}

/** 1 + the number of ALT alleles (ALT is column 5; '.' means none). */
function countAlleles(buf: Buffer, s: number, infoStart: number): number {
  let p = s;
  for (let k = 0; k < 4; k++) p = buf.indexOf(9, p) + 1;
  const altEnd = buf.indexOf(9, p);
  if (altEnd - p === 1 && buf[p] === 46) return 1;
  let n = 2;
  for (let i = p; i < altEnd && i < infoStart; i++) if (buf[i] === 44) n++;
  return n;
}

/** Index of GT among the FORMAT keys in [fs, fe), or -1. */
function gtIndex(buf: Buffer, fs: number, fe: number): number {
  let k = 0;
  let p = fs;
  for (;;) {
    let q = p;
    while (q < fe && buf[q] !== 58) q++;
    if (q - p === 2 && buf[p] === 71 && buf[p + 1] === 84) return k;
    if (q >= fe) return -1;
    k++;
    p = q + 1;
  }
}

/**
 * Add the alleles of one sample's GT (FORMAT field `gt` of the column [p, end)) to `ac`; returns the
 * number of called alleles. Missing alleles ('.') are skipped; an absent GT counts nothing; a 4.4
 * phasing prefix is accepted. An allele index beyond ALT is an error, as in bcftools.
 */
function countGenotype(buf: Buffer, p: number, end: number, gt: number, ac: Int32Array, nAllele: number, lineStart: number, line: number, file: string): number {
  for (let k = 0; k < gt; k++) {
    const c = buf.indexOf(58, p);
    if (c < 0 || c >= end) return 0;
    p = c + 1;
  }
  let fieldEnd = buf.indexOf(58, p);
  if (fieldEnd < 0 || fieldEnd > end) fieldEnd = end;
  if (p < fieldEnd && (buf[p] === 47 || buf[p] === 124)) p++;
  let an = 0;
  const at = p;
  while (p < fieldEnd) {
    let c = buf[p];
    if (c === 46) p++;
    else if (c >= 48 && c <= 57) {
      const a0 = p;
      let v = 0;
      do { v = v * 10 + (c - 48); p++; c = p < fieldEnd ? buf[p] : 0; } while (c >= 48 && c <= 57 && v < 1e9);
      if (v >= nAllele) {
        throw new VcfError('VCF_GT_ALLELE_OUT_OF_RANGE', `GT allele index ${v} is beyond the ${nAllele - 1} ALT allele${nAllele === 2 ? '' : 's'}`, { file, line, column: a0 - lineStart + 1 });
      }
      ac[v]++;
      an++;
    } else break;
    if (p >= fieldEnd) break;
    c = buf[p];
    if (c !== 47 && c !== 124) break;
    p++;
  }
  if (p < fieldEnd || (p > at && (buf[p - 1] === 47 || buf[p - 1] === 124))) {
    throw new VcfError('VCF_GT_SYNTAX', `invalid GT value "${latin1(buf, at, fieldEnd).slice(0, 40)}"`, { file, line, column: (p < fieldEnd ? p : at) - lineStart + 1 });
  }
  return an;
}

/** INFO (latin1 text) with AC/AN set as bcftools' bcf_update_info does: in place, else appended. */
export function updatedInfo(info: string, ac: Int32Array, nAllele: number, an: number): string {
  let acText: string | null = null;
  if (nAllele > 1) {
    acText = 'AC=' + ac[1];
    for (let i = 2; i < nAllele; i++) acText += ',' + ac[i];
  }
  const anText = 'AN=' + an;
  if (info === '.' || info === '') return acText ? acText + ';' + anText : anText;
  const parts = info.split(';');
  let acAt = -1, anAt = -1;
  for (let i = 0; i < parts.length && (acAt < 0 || anAt < 0); i++) {
    const key = infoKey(parts[i]);
    if (key === 'AC' && acAt < 0) acAt = i;
    else if (key === 'AN' && anAt < 0) anAt = i;
  }
  if (anAt >= 0) parts[anAt] = anText;
  if (acAt >= 0) {
    if (acText) parts[acAt] = acText;
    else parts.splice(acAt, 1);
  }
  if (acAt < 0 && acText) parts.push(acText);
  if (anAt < 0) parts.push(anText);
  return parts.join(';');
}

function infoKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/**
 * bcftools' AC/AN when every sample was removed (bcf_calc_ac with INFO|FMT on the full record):
 * INFO AC and AN when both are present (AN a non-negative integer; AC must have one value per ALT,
 * else all counts are 0); otherwise counted over all samples' GT; otherwise 0.
 */
function allRemovedInfo(
  buf: Buffer, infoStart: number, infoEnd: number, gt: number, ac: Int32Array, nAllele: number,
  starts: Int32Array, ends: Int32Array, nIn: number, lineStart: number, line: number, file: string,
): string {
  const info = latin1(buf, infoStart, infoEnd);
  ac.fill(0, 0, nAllele);
  let anVal: number | undefined;
  let acVals: string[] | undefined;
  if (info !== '.' && info !== '') {
    for (const part of info.split(';')) {
      const key = infoKey(part);
      if (key === 'AN' && anVal === undefined) {
        const v = part.length > 3 ? part.slice(3) : '0';
        anVal = /^[+-]?\d+$/.test(v) ? Number(v) : -1;
      } else if (key === 'AC' && acVals === undefined) {
        acVals = part.length > 3 ? part.slice(3).split(',') : [];
      }
    }
  }
  let an = 0;
  if (anVal !== undefined && anVal >= 0 && acVals !== undefined) {
    if (acVals.length === nAllele - 1) {
      for (let i = 0; i < acVals.length; i++) ac[i + 1] = Number(acVals[i]) || 0;
      an = anVal;
    }
  } else if (gt >= 0) {
    for (let i = 0; i < nIn; i++) an += countGenotype(buf, starts[i], ends[i], gt, ac, nAllele, lineStart, line, file);
  }
  return updatedInfo(info, ac, nAllele, an);
}
