/**
 * `query`: print fields of VCF records in a user-defined format, as `bcftools query`.
 *
 * One pass over the raw lines (or, with -r/-R, over the records an index points at): each line is
 * located once (QLine), optionally tested against targets and the -i/-e expression, and formatted
 * by the compiled format straight into a byte buffer.
 * With -i/-e, samples failing a per-sample expression are left out of `[...]` blocks (bcftools'
 * sample-level filtering), and -e inverts the per-sample result when the site matches.
 */
import { VcfReader } from '../vcf/reader.js';
import type { OpenedBcf } from '../vcf/bcf/reader.js';
import { compileBcfQuery } from '../vcf/bcf/query.js';
import { VcfRecord } from '../vcf/record.js';
import { VcfError, usageError } from '../vcf/errors.js';
import * as fs from 'node:fs';
import { selectSamples, parseSampleList, readSampleFile } from '../vcf/samples.js';
import { compileFormat, type CompiledFormat } from './format.js';
import { QLine } from './format-line.js';
import { ByteOut } from './format-out.js';
import type { VcfHeader } from '../vcf/header.js';
import { openRegionQuery, type RegionQuery } from '../vcf/region-reader.js';
import { TargetsFilter, loadRegions, parseTargetsArg, parseOverlapMode } from '../vcf/regions.js';
import { compileSiteFilter, formatHooks, type SiteFilter } from './query-filter.js';

export interface QueryOptions {
  input: string;
  /** -v: a file listing VCFs to query one after the other (same samples); replaces `input` */
  vcfList?: string;
  /** worker threads inflating BGZF input (0: the calling thread) */
  threads?: number;
  /** -f */
  format?: string;
  /** -i */
  include?: string;
  /** -e */
  exclude?: string;
  /** -s / -S / --force-samples */
  samples?: string;
  samplesFile?: string;
  forceSamples?: boolean;
  /** -l */
  listSamples?: boolean;
  /** -H given n times (1: header with column numbers, 2+: without) */
  printHeader?: number;
  /** -u */
  allowUndefTags?: boolean;
  /** -F STR */
  printFiltered?: string;
  /** -N */
  noAutoNewline?: boolean;
  /** -o */
  output?: string;
  /** -r / -R: regions read through the index (.tbi/.csi); --regions-overlap 0|1|2 (default 1) */
  regions?: string;
  regionsFile?: string;
  regionsOverlap?: number | string;
  /** -t / -T: streaming targets (prefix ^ to exclude); --targets-overlap 0|1|2 (default 0) */
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: number | string;
  maxLineBytes?: number;
}

export interface QueryResult {
  /** records read */
  records: number;
  /** records that produced output */
  printed: number;
  warnings: string[];
}

/** Where query output goes: a file / stdout sink, or any byte consumer (tests, the HTTP API). */
export interface QueryOutput {
  write(b: Buffer): Promise<void> | void;
  close(): Promise<void>;
  /** write() is done with a buffer when it returns (synchronous file writes): the caller may reuse it */
  consumes?: boolean;
}

const FLUSH_AT = 1 << 17;

export async function query(opts: QueryOptions, output?: QueryOutput): Promise<QueryResult> {
  if (opts.include !== undefined && opts.exclude !== undefined) {
    throw usageError('only one -i or -e expression can be given, and they cannot be combined');
  }
  if (opts.targets !== undefined && opts.targetsFile !== undefined) throw usageError('give either -t or -T, not both');
  if (!opts.listSamples && opts.format === undefined) throw usageError('missing the --format (-f) option');
  const inputs = opts.vcfList !== undefined ? readVcfList(opts.vcfList) : [opts.input];
  const out = output ?? sinkOutput(opts.output);
  const total: QueryResult = { records: 0, printed: 0, warnings: [] };
  let firstSamples: string[] | null = null;
  try {
    for (let i = 0; i < inputs.length; i++) {
      const source = await openSource(inputs[i], opts);
      try {
        if (opts.listSamples) return await listSamples(source.header, opts, out);
        // -v: every file must have the first file's samples; the -H header is printed once
        const smp = source.header.samples;
        if (firstSamples === null) firstSamples = smp;
        else if (smp.length !== firstSamples.length || smp.some((n, k) => n !== firstSamples![k])) {
          throw new VcfError('QUERY_SAMPLES_DIFFER', `different samples in ${inputs[i - 1]} and ${inputs[i]}`, { file: inputs[i] }, 'input');
        }
        const r = await run(source, { ...opts, printHeader: i === 0 ? opts.printHeader : 0 }, out);
        total.records += r.records;
        total.printed += r.printed;
        total.warnings.push(...r.warnings);
      } finally {
        await source.close();
      }
    }
    return total;
  } finally {
    await out.close();
  }
}

async function openSource(input: string, opts: QueryOptions): Promise<Source> {
  if ((opts.regions !== undefined || opts.regionsFile !== undefined) && !opts.listSamples) {
    const rq = await openRegionQuery(input, {
      regions: opts.regions, regionsFile: opts.regionsFile, overlap: parseOverlapMode(opts.regionsOverlap, '--regions-overlap'),
    });
    return regionSource(rq);
  }
  return streamSource(await VcfReader.open(input, { maxLineBytes: opts.maxLineBytes, threads: opts.threads, reuseBuffers: true }));
}

/** -v FILE: one VCF path per line (blank lines and # comments skipped) */
function readVcfList(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new VcfError('QUERY_VCF_LIST', `cannot read the file list: ${(e as Error).message}`, { file }, 'usage');
  }
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (!names.length) throw new VcfError('QUERY_VCF_LIST', 'the file list names no files', { file }, 'usage');
  return names;
}

/** The lines to query: streamed from the file, or the records of -r/-R regions. */
interface Source {
  header: VcfHeader;
  file: string;
  notices: string[];
  /** BCF input read as a stream: its raw records (see the native path in run()) */
  bcf?: OpenedBcf;
  /** calls `line` for every data line; a record object is passed when the source has one */
  each(line: (buf: Buffer, s: number, e: number, lineNo: number, rec: VcfRecord | null) => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

function streamSource(reader: VcfReader): Source {
  return {
    header: reader.header,
    file: reader.file,
    notices: [],
    bcf: reader.bcf,
    async each(line) {
      for await (const b of reader.rawBatches()) {
        const buf = b.buf;
        for (let li = 0; li < b.n; li++) {
          const s = b.starts[li], e = b.ends[li];
          if (s === e) continue;
          const r = line(buf, s, e, b.firstLineNo + li, null);
          if (r) await r;
        }
      }
    },
    close: () => reader.close(),
  };
}

function regionSource(rq: RegionQuery): Source {
  return {
    header: rq.header,
    file: rq.file,
    notices: rq.notices,
    async each(line) {
      for await (const batch of rq.batches()) {
        for (const rec of batch) {
          const r = line(rec.buf, rec.start, rec.end, rec.lineNo, rec);
          if (r) await r;
        }
      }
    },
    close: async () => rq.close(),
  };
}

/**
 * Plain-text output to stdout or a file. Buffers handed to write() are never reused by the caller,
 * so they go to the stream / file as they are (no copy).
 */
function sinkOutput(path?: string): QueryOutput {
  if (path === undefined || path === '-') {
    const out = process.stdout;
    return {
      // stdout redirected to a file is written synchronously (fs.writeSync)
      consumes: (out as unknown as { _type?: string })._type === 'fs',
      write(b) {
        if (out.write(b)) return;
        return new Promise<void>((res) => {
          const done = () => { out.off('drain', done); out.off('close', done); res(); };
          out.once('drain', done);
          out.once('close', done);
        });
      },
      close: () => new Promise<void>((res) => { out.write('', () => res()); }),
    };
  }
  let fd: number;
  try {
    fd = fs.openSync(path, 'w');
  } catch (e) {
    throw new VcfError('OUTPUT_OPEN', `cannot open for writing: ${(e as Error).message}`, { file: path });
  }
  return {
    consumes: true,
    write(b) {
      let off = 0;
      while (off < b.length) {
        try {
          off += fs.writeSync(fd, b, off, b.length - off);
        } catch (e) {
          throw new VcfError('OUTPUT_WRITE', `cannot write: ${(e as Error).message}`, { file: path });
        }
      }
    },
    close: async () => { fs.closeSync(fd); },
  };
}

/** -l: the sample names, one per line (file order; -s/-S restrict, ^ negates). */
async function listSamples(header: VcfHeader, opts: QueryOptions, out: QueryOutput): Promise<QueryResult> {
  const names = header.samples;
  const warnings: string[] = [];
  let keep = names.map(() => true);
  if (opts.samples !== undefined || opts.samplesFile !== undefined) {
    const spec = opts.samples !== undefined ? parseSampleList(opts.samples) : readSampleFile(opts.samplesFile!);
    const known = new Set(names);
    spec.names.forEach((n, i) => {
      if (!known.has(n)) {
        if (!opts.forceSamples) throw new VcfError('SAMPLE_NOT_FOUND', `sample #${i + 1} ("${n}") not found in the header, use --force-samples to proceed anyway`, {}, 'usage');
        warnings.push(`sample "${n}" not found in the header... skipping`);
      }
    });
    const set = new Set(spec.names);
    keep = names.map((n) => (spec.exclude ? !set.has(n) : set.has(n)));
  }
  let text = '';
  names.forEach((n, i) => { if (keep[i]) text += n + '\n'; });
  if (text) await out.write(Buffer.from(text, 'utf8'));
  return { records: 0, printed: 0, warnings };
}

async function run(src: Source, opts: QueryOptions, out: QueryOutput): Promise<QueryResult> {
  const header = src.header;
  const file = src.file;
  const sel = selectSamples(header.samples, opts);
  // the samples the filter sees, in file order (htslib subsets the header keeping file order)
  const sub = sel.indexes.slice().sort((a, b) => a - b);
  const warnings = [...src.notices, ...sel.warnings];

  const exprText = opts.include ?? opts.exclude;
  const exclude = opts.exclude !== undefined;
  const smap = sel.active ? sub : null;
  const recFor = recordAdapter(header, file);
  const engineOpts = { samples: smap, allowUndefTags: !!opts.allowUndefTags };

  const fmt: CompiledFormat = compileFormat(opts.format!, {
    header,
    samples: sel.indexes,
    allowUndefTags: opts.allowUndefTags,
    printFiltered: opts.printFiltered,
    forceNewline: !opts.noAutoNewline,
    headerSamples: true,
    noHeaderIndices: (opts.printHeader ?? 0) > 1,
    exprs: formatHooks(header, engineOpts, recFor),
    exprSamples: smap ?? undefined,
    file,
  });
  const filter: SiteFilter | null = exprText !== undefined ? compileSiteFilter(exprText, header, engineOpts) : null;
  let targets: TargetsFilter | null = null;
  if (opts.targets !== undefined || opts.targetsFile !== undefined) {
    const t = parseTargetsArg(opts.targets ?? opts.targetsFile!);
    const loaded = await loadRegions(opts.targets !== undefined ? { list: t.spec } : { file: t.spec });
    warnings.push(...loaded.notices);
    targets = new TargetsFilter(loaded.set, {
      overlap: parseOverlapMode(opts.targetsOverlap as number | string | undefined, '--targets-overlap'),
      exclude: t.exclude,
      header,
      onNotice: (m) => warnings.push(m),
      fileLabel: file,
    });
  }

  const o = new ByteOut();
  if (opts.printHeader) {
    o.text(fmt.header());
  }
  // BCF input, a plain format, nothing to filter: printed straight from the binary records
  const native = src.bcf && !filter && !targets
    ? compileBcfQuery(opts.format!, header, src.bcf.dict, { samples: sel.indexes, forceNewline: !opts.noAutoNewline })
    : null;
  if (native) {
    if (o.n) await out.write(o.detach());
    const r = await native.run(src.bcf!, out);
    return { records: r.records, printed: r.printed, warnings };
  }
  const L = new QLine();
  let records = 0;
  let printed = 0;
  const nsub = sub.length;
  const nAll = header.samples.length;
  // the per-sample mask handed to the formatter is indexed by sample column
  const colMask = new Uint8Array(nAll);
  // the filter sees every sample in file order: its flags are the column mask as they are
  const identity = nsub === nAll && sub.every((c, k) => c === k);

  await src.each((buf, s, e, lineNo, rec) => {
    L.set(buf, s, e, lineNo);
    if (L.nCols < 8) {
      throw new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${L.nCols} tab-separated column${L.nCols === 1 ? '' : 's'}, at least 8 are required`, { file, line: lineNo, column: e - s + 1 });
    }
    records++;
    if (rec) recFor.use(L, rec);
    if (targets && !targets.keep(recFor(L))) return;
    let mask: Uint8Array | null = null;
    if (filter) {
      const fr = recFor(L);
      const r = filter.evaluate(fr);
      const sm = r.samples;
      // sample columns the filter located: the formatter need not look for them again
      const cols = filter.columns(fr);
      if (cols && cols.n === nAll) L.adoptSamples(cols.starts, cols.ends, cols.n);
      if (exclude) {
        if (r.pass) {
          // -e: the site matches; samples not matching are still printed (bcftools query)
          if (!sm) return;
          let any = false;
          colMask.fill(0);
          for (let k = 0; k < nsub; k++) if (!sm[k]) { colMask[sub[k]] = 1; any = true; }
          if (!any) return;
          mask = colMask;
        }
        // a site not matching -e is printed with all its samples
      } else {
        if (!r.pass) return;
        if (sm) {
          if (identity) mask = sm as Uint8Array;
          else {
            colMask.fill(0);
            for (let k = 0; k < nsub; k++) if (sm[k]) colMask[sub[k]] = 1;
            mask = colMask;
          }
        }
      }
    }
    const before = o.n;
    fmt.write(L, o, mask);
    if (o.n > before) printed++;
    if (o.n >= FLUSH_AT) return out.write(o.detach());
  });
  targets?.finish();
  if (o.n) await out.write(o.detach());
  return { records, printed, warnings };
}

/**
 * A VcfRecord whose FORMAT keys come from a cache shared by all records (consecutive records nearly
 * always have the same FORMAT): no split per record. The array is shared: never modified by readers.
 */
class QueryRecord extends VcfRecord {
  private static lastFmt: Buffer = Buffer.alloc(0);
  private static lastKeys: string[] = [];
  private static hasLast = false;

  override get formatKeys(): string[] {
    if (!this.hasFormat) return [];
    const b = this.buf, s = this.colStart(8), e = this.colEnd(8);
    const last = QueryRecord.lastFmt;
    let same = QueryRecord.hasLast && last.length === e - s;
    if (same) for (let i = 0; i < last.length; i++) if (b[s + i] !== last[i]) { same = false; break; }
    if (!same) {
      QueryRecord.lastFmt = Buffer.from(b.subarray(s, e));
      QueryRecord.lastKeys = super.formatKeys;
      QueryRecord.hasLast = true;
    }
    return QueryRecord.lastKeys;
  }
}

/** The filter engine works on VcfRecord: the source's own, or one built over the same bytes once per line. */
interface RecordFor {
  (L: QLine): VcfRecord;
  /** the record of the current line is already at hand */
  use(L: QLine, rec: VcfRecord): void;
}

/** VcfRecord's own fields, in declaration order (checked at run time before records are built directly). */
const RECORD_FIELDS = ['buf', 'start', 'end', 'lineNo', 'header', 'file', 'cs', 'nFixed', '_sampleStarts', '_sampleEnds', '_info', '_alt', '_fmt'];
let directRecords: boolean | undefined;

/**
 * Build the record for a line whose columns QLine has already located, without VcfRecord's
 * constructor scanning them again. Used only when VcfRecord still has exactly the fields above
 * (probed once); otherwise the constructor is called.
 */
export function directRecordsOk(header: VcfHeader): boolean {
  if (directRecords === undefined) {
    const line = Buffer.from('1\t1\t.\tA\tC\t.\t.\t.');
    const keys = Object.keys(new VcfRecord(line, 0, line.length, 1, header, 'probe'));
    directRecords = keys.length === RECORD_FIELDS.length && keys.every((k, i) => k === RECORD_FIELDS[i]);
  }
  return directRecords;
}

/**
 * Column offsets shared by successive records: a record is only read while its line is the current
 * one (the filter engine and formatter never keep one past the next line).
 */
/** VcfRecord's layout: starts of columns 0..9, then their ends at 10..19 */
const sharedCs = new Int32Array(20);

function recordOf(L: QLine, header: VcfHeader, file: string): VcfRecord {
  const r = Object.create(QueryRecord.prototype) as Record<string, unknown>;
  r.buf = L.buf;
  r.start = L.s;
  r.end = L.e;
  r.lineNo = L.lineNo;
  r.header = header;
  r.file = file;
  const n = L.nCols;
  const cs = sharedCs;
  for (let k = 0; k < n; k++) { cs[k] = L.cs[k]; cs[10 + k] = L.ce[k]; }
  if (n === 10) cs[19] = -1;
  r.cs = cs;
  r.nFixed = n;
  r._sampleStarts = undefined;
  r._sampleEnds = undefined;
  r._info = undefined;
  r._alt = undefined;
  r._fmt = undefined;
  return r as unknown as VcfRecord;
}

function recordAdapter(header: VcfHeader, file: string): RecordFor {
  let serial = -1;
  let rec: VcfRecord | null = null;
  const direct = directRecordsOk(header);
  const f = ((L: QLine) => {
    if (serial !== L.serial || !rec) {
      serial = L.serial;
      rec = direct ? recordOf(L, header, file) : new QueryRecord(L.buf, L.s, L.e, L.lineNo, header, file);
    }
    return rec;
  }) as RecordFor;
  f.use = (L, r) => { serial = L.serial; rec = r; };
  return f;
}
