/**
 * `query`: print fields of VCF records in a user-defined format, as `bcftools query`.
 *
 * One pass over the raw lines: each line is located once (QLine), optionally tested against targets
 * and the -i/-e expression, and formatted by the compiled format straight into a byte buffer.
 * With -i/-e, samples failing a per-sample expression are left out of `[...]` blocks (bcftools'
 * sample-level filtering), and -e inverts the per-sample result when the site matches.
 */
import { VcfReader } from '../vcf/reader.js';
import { VcfRecord } from '../vcf/record.js';
import { VcfError, usageError } from '../vcf/errors.js';
import * as fs from 'node:fs';
import { selectSamples, parseSampleList, readSampleFile } from '../vcf/samples.js';
import { compileFormat, type CompiledFormat, type FormatExprHooks } from './format.js';
import { QLine } from './format-line.js';
import { ByteOut } from './format-out.js';
import { Targets } from './query-targets.js';
import { compileSiteFilter, formatHooks, type SiteFilter } from './query-filter.js';

export interface QueryOptions {
  input: string;
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
  /** -r / -R need an index */
  regions?: string;
  regionsFile?: string;
  /** -t / -T: streaming targets; --targets-overlap 0|1|2 */
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: number;
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
}

const FLUSH_AT = 1 << 17;

export async function query(opts: QueryOptions, output?: QueryOutput): Promise<QueryResult> {
  if (opts.include !== undefined && opts.exclude !== undefined) {
    throw usageError('only one -i or -e expression can be given, and they cannot be combined');
  }
  if ((opts.regions !== undefined || opts.regionsFile !== undefined)) {
    throw new VcfError('QUERY_REGIONS_NEED_INDEX',
      `-r/-R need an indexed file, and index-based region queries are not available yet; use -t/-T (targets: the same selection by streaming) instead`,
      { file: opts.input }, 'usage');
  }
  if (!opts.listSamples && opts.format === undefined) throw usageError('missing the --format (-f) option');
  const reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes });
  const out = output ?? sinkOutput(opts.output);
  try {
    if (opts.listSamples) return await listSamples(reader, opts, out);
    return await run(reader, opts, out);
  } finally {
    await reader.close();
    await out.close();
  }
}

/**
 * Plain-text output to stdout or a file. Buffers handed to write() are never reused by the caller,
 * so they go to the stream / file as they are (no copy).
 */
function sinkOutput(path?: string): QueryOutput {
  if (path === undefined || path === '-') {
    const out = process.stdout;
    return {
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
async function listSamples(reader: VcfReader, opts: QueryOptions, out: QueryOutput): Promise<QueryResult> {
  const names = reader.header.samples;
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

async function run(reader: VcfReader, opts: QueryOptions, out: QueryOutput): Promise<QueryResult> {
  const header = reader.header;
  const file = reader.file;
  const sel = selectSamples(header.samples, opts);
  // the samples the filter sees, in file order (htslib subsets the header keeping file order)
  const sub = sel.indexes.slice().sort((a, b) => a - b);
  const warnings = sel.warnings.slice();

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
  const targets = opts.targets !== undefined || opts.targetsFile !== undefined
    ? Targets.parse(opts.targets ?? opts.targetsFile!, opts.targetsFile !== undefined, opts.targetsOverlap ?? 0, header.info.get('END')?.type === 'Integer')
    : null;

  const o = new ByteOut();
  if (opts.printHeader) {
    o.text(fmt.header());
  }
  const L = new QLine();
  let records = 0;
  let printed = 0;
  const nsub = sub.length;
  const nAll = header.samples.length;
  // the per-sample mask handed to the formatter is indexed by sample column
  const colMask = new Uint8Array(nAll);

  for await (const b of reader.rawBatches()) {
    const buf = b.buf;
    for (let li = 0; li < b.n; li++) {
      const s = b.starts[li], e = b.ends[li];
      if (s === e) continue;
      const lineNo = b.firstLineNo + li;
      L.set(buf, s, e, lineNo);
      if (L.nCols < 8) {
        throw new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${L.nCols} tab-separated column${L.nCols === 1 ? '' : 's'}, at least 8 are required`, { file, line: lineNo, column: e - s + 1 });
      }
      records++;
      if (targets && !targets.accept(L)) continue;
      let mask: Uint8Array | null = null;
      if (filter) {
        const r = filter.evaluate(recFor(L));
        const sm = r.samples;
        if (exclude) {
          if (r.pass) {
            // -e: the site matches; samples not matching are still printed (bcftools query)
            if (!sm) continue;
            let any = false;
            colMask.fill(0);
            for (let k = 0; k < nsub; k++) if (!sm[k]) { colMask[sub[k]] = 1; any = true; }
            if (!any) continue;
            mask = colMask;
          }
          // a site not matching -e is printed with all its samples
        } else {
          if (!r.pass) continue;
          if (sm) {
            colMask.fill(0);
            for (let k = 0; k < nsub; k++) if (sm[k]) colMask[sub[k]] = 1;
            mask = colMask;
          }
        }
      }
      const before = o.n;
      fmt.write(L, o, mask);
      if (o.n > before) printed++;
      if (o.n >= FLUSH_AT) {
        const r = out.write(o.detach());
        if (r) await r;
      }
    }
  }
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

/** The filter engine works on VcfRecord; build one over the same bytes, once per line. */
function recordAdapter(header: import('../vcf/header.js').VcfHeader, file: string): (L: QLine) => VcfRecord {
  let serial = -1;
  let rec: VcfRecord | null = null;
  return (L: QLine) => {
    if (serial !== L.serial || !rec) {
      serial = L.serial;
      rec = new QueryRecord(L.buf, L.s, L.e, L.lineNo, header, file);
    }
    return rec;
  };
}
