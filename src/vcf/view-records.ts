/**
 * `view` with bcftools view's filter, trimming and region options (-i/-e, -a, -A, -c/-C, -q/-Q,
 * -m/-M, -v/-V, -f, -k/-n, -p/-P, -u/-U, -x/-X, -g, -r/-R, -t/-T): the record path, taken only when
 * one of them is used (plain subsetting keeps the byte-level fast path in view.ts).
 *
 * Each record goes through the steps of bcftools' vcfview.c `subset_vcf`, in its order:
 *  0. the reader: -r/-R regions (through the index), -f FILTER list, -t/-T targets;
 *  1. -m/-M allele counts, -k/-n ID, -v/-V variant types, -i/-e expression — all on the record as
 *     read, with every sample (the expression sees the file's samples, not the -s subset);
 *  2. allele counts (when -a, -c/-C, -q/-Q, -u/-U, -x/-X, or -s/-S without -I ask for them): INFO
 *     AC+AN when both are usable, else counted over every sample's GT (htslib bcf_calc_ac);
 *  3. -s/-S subsetting; records with GT get their counts from the kept samples; -x/-X compare;
 *  4. -g genotype types, -c/-C, -q/-Q (nref, alt1, minor, major, nonmajor), -u/-U;
 *  5. INFO AC/AN written (unless -I); -a trims ALT alleles no kept sample carries; -A / -AA
 *     removes the unseen `<*>`/`<NON_REF>`/`<X>` allele; -p/-P on the kept samples' GT; -G.
 */
import { latin1 } from './bytes.js';
import { VcfError, usageError } from './errors.js';
import type { FieldDef, VcfHeader } from './header.js';
import { VcfReader, tooFewColumns } from './reader.js';
import { VcfRecord } from './record.js';
import { openRegionQuery } from './region-reader.js';
import { TargetsFilter, loadRegions, parseOverlapMode, parseTargetsArg } from './regions.js';
import { selectSamples } from './samples.js';
import { provenanceLines } from './provenance.js';
import { outputTypeFor, compressionLevelFor, type TextSink } from './writer.js';
import { openTextSink } from './bcf/encode.js';
import { compileFilter } from '../expr/filter.js';
import { variantTypes } from '../expr/format-vartype.js';
import { floatText, isCanonicalFloat } from '../expr/format-num.js';
import { gtAlleleCounts, removeAlleles, unseenAllele, type EditRecord } from './view-alleles.js';
import { FormatTypeCache, InfoTypeCache, formatTypes, normInfo, normSample, printsAsIs } from './htslib-text.js';
import { AC_HDR, AN_HDR, viewHeaderText, updatedInfo, sampleCountError, type ViewOptions, type ViewResult } from './view.js';
import { indexFile } from './index/index-file.js';

const enum AT { NREF = 1, MINOR, ALT1, MAJOR, NONMAJOR }
const enum GTQ { NEED_HOM = 1, NEED_HET, NO_HOM, NO_HET, NEED_MISSING, NO_MISSING }

/** Threshold of -c/-C/-q/-Q with its allele type */
interface Threshold { value: number; type: AT }

/** The view options that need the record path, parsed and checked. */
export interface RecordPlanOptions {
  include?: string;
  exclude?: string;
  trimAlts: boolean;
  trimUnseen: number;
  minAc?: Threshold;
  maxAc?: Threshold;
  minAf?: Threshold;
  maxAf?: Threshold;
  minAlleles: number;
  maxAlleles: number;
  typesInclude: number;
  typesExclude: number;
  /** -f: FILTER names as given (null: not used) */
  applyFilters: string[] | null;
  known: boolean;
  novel: boolean;
  /** 1 = -p, 2 = -P */
  phased: 0 | 1 | 2;
  uncalled: 0 | 1 | 2;
  privateVars: 0 | 1 | 2;
  gtType: number;
}

const ATYPES: Record<string, AT> = { nref: AT.NREF, alt1: AT.ALT1, minor: AT.MINOR, major: AT.MAJOR, nonmajor: AT.NONMAJOR };

function parseThreshold(arg: string | number, flag: string, integer: boolean): Threshold {
  const s = String(arg);
  const m = integer ? /^\s*([+-]?\d+)(?::(.*))?/.exec(s) : /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?::(.*))?/.exec(s);
  if (!m) throw usageError(`could not parse ${flag} ${s} (expected ${integer ? 'INT' : 'FLOAT'}[:nref|alt1|minor|major|nonmajor])`);
  let type = AT.NREF;
  if (m[2] !== undefined && m[2] !== '') {
    const t = ATYPES[m[2].slice(0, 8)];
    if (t === undefined) throw usageError(`allele type not recognised in ${flag} ${s}: expected one of nref|alt1|minor|major|nonmajor, got "${m[2]}"`);
    type = t;
  }
  // -q/-Q are read as a C float
  return { value: integer ? Number(m[1]) : Math.fround(Number(m[1])), type };
}

function parseIntArg(v: string | number | undefined, flag: string): number {
  if (v === undefined) return 0;
  const s = String(v);
  if (!/^\s*[+-]?\d+$/.test(s)) throw usageError(`could not parse argument: ${flag} ${s}`);
  return Number(s);
}

const TYPE_BITS: Record<string, number> = {
  // htslib's VCF_* bits shifted left by one, as vcfview.c does; "ref" selects OTHER there (sic)
  snps: 1 << 1, indels: 4 << 1, mnps: 2 << 1, other: 8 << 1, ref: 8 << 1, bnd: 16 << 1,
};

function parseTypes(list: string, flag: string): number {
  let mask = 0;
  for (const t of list.split(',')) {
    const b = TYPE_BITS[t];
    if (b === undefined) throw usageError(`unknown variant type "${t}" in ${flag} (accepted: snps, indels, mnps, ref, bnd, other)`);
    mask |= b;
  }
  return mask;
}

const GT_TYPES: Record<string, number> = { hom: GTQ.NEED_HOM, het: GTQ.NEED_HET, miss: GTQ.NEED_MISSING, '^hom': GTQ.NO_HOM, '^het': GTQ.NO_HET, '^miss': GTQ.NO_MISSING };

/** The record-path options of `opts`, or null when none is used (the fast path applies). */
export function recordPlanOptions(opts: ViewOptions): RecordPlanOptions | null {
  if (opts.include !== undefined && opts.exclude !== undefined) throw usageError('only one -i or -e expression can be given, and they cannot be combined');
  if (opts.private && opts.excludePrivate) throw usageError('only one of -x or -X can be given');
  if (opts.uncalled && opts.excludeUncalled) throw usageError('only one of -u or -U can be given');
  if (opts.phased && opts.excludePhased) throw usageError('only one of -p or -P can be given');
  if (opts.types !== undefined && opts.excludeTypes !== undefined) throw usageError('only one of -v/--types and -V/--exclude-types can be given');
  if (opts.targets !== undefined && opts.targetsFile !== undefined) throw usageError('give either -t or -T, not both');
  if (opts.regions !== undefined && opts.regionsFile !== undefined) throw usageError('give either -r or -R, not both');
  let gtType = 0;
  if (opts.genotype !== undefined) {
    gtType = GT_TYPES[opts.genotype.toLowerCase()] ?? 0;
    if (!gtType) throw usageError(`the argument to -g is not recognised: expected one of hom/het/miss/^hom/^het/^miss, got "${opts.genotype}"`);
  }
  const p: RecordPlanOptions = {
    include: opts.include,
    exclude: opts.exclude,
    trimAlts: !!opts.trimAltAlleles,
    trimUnseen: opts.trimUnseenAllele ?? 0,
    minAc: opts.minAc !== undefined ? parseThreshold(opts.minAc, '--min-ac', true) : undefined,
    maxAc: opts.maxAc !== undefined ? parseThreshold(opts.maxAc, '--max-ac', true) : undefined,
    minAf: opts.minAf !== undefined ? parseThreshold(opts.minAf, '--min-af', false) : undefined,
    maxAf: opts.maxAf !== undefined ? parseThreshold(opts.maxAf, '--max-af', false) : undefined,
    minAlleles: parseIntArg(opts.minAlleles, '--min-alleles'),
    maxAlleles: parseIntArg(opts.maxAlleles, '--max-alleles'),
    typesInclude: opts.types !== undefined ? parseTypes(opts.types, '--types') : 0,
    typesExclude: opts.excludeTypes !== undefined ? parseTypes(opts.excludeTypes, '--exclude-types') : 0,
    applyFilters: opts.applyFilters !== undefined ? opts.applyFilters.split(',') : null,
    known: !!opts.known,
    novel: !!opts.novel,
    phased: opts.phased ? 1 : opts.excludePhased ? 2 : 0,
    uncalled: opts.uncalled ? 1 : opts.excludeUncalled ? 2 : 0,
    privateVars: opts.private ? 1 : opts.excludePrivate ? 2 : 0,
    gtType,
  };
  const used = p.include !== undefined || p.exclude !== undefined || p.trimAlts || p.trimUnseen > 0 || p.minAc || p.maxAc || p.minAf || p.maxAf
    || p.minAlleles || p.maxAlleles || p.typesInclude || p.typesExclude || p.applyFilters || p.known || p.novel || p.phased || p.uncalled
    || p.privateVars || p.gtType || opts.regions !== undefined || opts.regionsFile !== undefined || (opts.regionArgs?.length ?? 0) > 0
    || opts.targets !== undefined || opts.targetsFile !== undefined;
  return used ? p : null;
}

/** --write-index[=csi|tbi]: the index format, checked before anything is written (null: none). */
export function writeIndexFormat(opts: ViewOptions): 'csi' | 'tbi' | null {
  if (!opts.writeIndex) return null;
  const f = opts.writeIndex === true ? 'csi' : opts.writeIndex;
  if (f !== 'csi' && f !== 'tbi') throw usageError(`unsupported index format "${f}" for --write-index (csi or tbi)`);
  if (opts.output === undefined || opts.output === '-') throw usageError('--write-index needs an output file (-o): an index cannot be written for standard output');
  const t = outputTypeFor(opts.output, opts.outputType, opts.compressionLevel !== undefined, true);
  if (t !== 'z' && t !== 'b') throw usageError('--write-index needs compressed output (-O z or -O b)');
  return f;
}

/** Index the finished output (bcftools view --write-index). */
export async function indexOutput(opts: ViewOptions, format: 'csi' | 'tbi'): Promise<void> {
  await indexFile({ input: opts.output!, format, force: true });
}

/** A source of data lines: streamed, or the records of -r/-R regions. */
interface Source {
  header: VcfHeader;
  file: string;
  notices: string[];
  firstDataLine: number;
  /** fn for every record; batchEnd after each batch (records of a batch are valid until it returns) */
  each(fn: (rec: VcfRecord) => void | Promise<void>, batchEnd: () => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function openSource(opts: ViewOptions): Promise<Source> {
  const regionList = opts.regions ?? (opts.regionsFile === undefined && opts.regionArgs?.length ? opts.regionArgs.join(',') : undefined);
  if (regionList !== undefined || opts.regionsFile !== undefined) {
    const rq = await openRegionQuery(opts.input, {
      regions: regionList,
      regionsFile: opts.regionsFile,
      overlap: parseOverlapMode(opts.regionsOverlap, '--regions-overlap'),
    });
    return {
      header: rq.header,
      file: rq.file,
      notices: rq.notices,
      firstDataLine: 1,
      async each(fn, batchEnd) {
        for await (const batch of rq.batches()) {
          for (const rec of batch) {
            const r = fn(rec);
            if (r) await r;
          }
          const r = batchEnd();
          if (r) await r;
        }
      },
      close: async () => rq.close(),
    };
  }
  const reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes, threads: opts.threads, reuseBuffers: true });
  return {
    header: reader.header,
    file: reader.file,
    notices: [],
    firstDataLine: reader.firstDataLine,
    async each(fn, batchEnd) {
      const header = reader.header, file = reader.file;
      for await (const b of reader.rawBatches()) {
        for (let li = 0; li < b.n; li++) {
          const s = b.starts[li], e = b.ends[li];
          if (s === e) continue;
          const r = fn(new VcfRecord(b.buf, s, e, b.firstLineNo + li, header, file));
          if (r) await r;
        }
        const r = batchEnd();
        if (r) await r;
      }
    },
    close: () => reader.close(),
  };
}

/** `view` through the record path (see the file comment). */
export async function viewRecords(opts: ViewOptions, p: RecordPlanOptions): Promise<ViewResult> {
  const outputType = outputTypeFor(opts.output, opts.outputType, opts.compressionLevel !== undefined, true);
  const level = compressionLevelFor(opts.outputType, opts.compressionLevel);
  const src = await openSource(opts);
  let sink: TextSink | undefined;
  let records = 0;
  const warnings: string[] = [];
  const warn = (w: string) => { warnings.push(w); opts.onWarning?.(w); };
  let nIn = 0, samplesOut = 0;
  try {
    const header = src.header;
    for (const n of src.notices) warn(n);
    nIn = header.samples.length;
    const sel = selectSamples(header.samples, opts);
    for (const w of sel.warnings) warn(w);
    const updateInfo = !opts.noUpdate;
    const calcAc = (sel.active && updateInfo) || p.trimAlts || !!p.minAc || !!p.maxAc || !!p.minAf || !!p.maxAf || p.uncalled > 0 || p.privateVars > 0;
    const allRemoved = sel.active && sel.indexes.length === 0;
    // bcftools subsets records only when -s/-S leave samples (n_samples > 0)
    const subsetting = sel.active && sel.indexes.length > 0;
    const keep = subsetting ? sel.indexes : header.samples.map((_, i) => i);
    const sitesOnly = !!opts.dropGenotypes || allRemoved || nIn === 0;
    samplesOut = sitesOnly ? 0 : keep.length;
    const headerPlan = { sitesOnly, dropFormatHeader: !!opts.dropGenotypes || allRemoved, updateAC: calcAc && updateInfo };

    // bcftools compiles the expression against the header after AC/AN were added to it: the
    // expression then reads INFO/AC and INFO/AN, not the counts computed from GT
    const exprHeader = headerPlan.updateAC && (!header.info.has('AC') || !header.info.has('AN')) ? withAcAn(header) : header;
    const filter = p.include !== undefined || p.exclude !== undefined ? compileFilter((p.include ?? p.exclude)!, exprHeader) : null;
    for (const w of filter?.warnings ?? []) warn(w);
    const excludeExpr = p.exclude !== undefined;

    let targets: TargetsFilter | null = null;
    if (opts.targets !== undefined || opts.targetsFile !== undefined) {
      const t = parseTargetsArg(opts.targets ?? opts.targetsFile!);
      const loaded = await loadRegions(opts.targets !== undefined ? { list: t.spec } : { file: t.spec });
      for (const n of loaded.notices) warn(n);
      targets = new TargetsFilter(loaded.set, {
        overlap: parseOverlapMode(opts.targetsOverlap, '--targets-overlap'),
        exclude: t.exclude,
        header,
        onNotice: warn,
        fileLabel: src.file,
      });
    }

    // -f: FILTER names the header defines (PASS always); '.' stands for no FILTER. Names the header
    // does not define are dropped, and an empty list filters nothing (htslib's init_filters).
    let applyNames: Set<string> | null = null;
    let applyMissing = false;
    if (p.applyFilters) {
      applyNames = new Set();
      for (const n of p.applyFilters) {
        if (n === '.') applyMissing = true;
        else if (n === 'PASS' || header.filter.has(n)) applyNames.add(n);
      }
      if (!applyNames.size && !applyMissing) applyNames = null;
    }

    const infoDef = (key: string): FieldDef | undefined => {
      const d = header.info.get(key);
      if (d || !headerPlan.updateAC) return d;
      if (key === 'AC') return { id: 'AC', number: 'A', type: 'Integer', description: '', lineNo: 0, attrs: {} };
      if (key === 'AN') return { id: 'AN', number: '1', type: 'Integer', description: '', lineNo: 0, attrs: {} };
      return undefined;
    };

    // no step of processRecord edits the record (no AC/AN, subsetting, trimming, -G, -p/-P, -g): a record whose
    // values print back unchanged is copied as read
    const asIs = !calcAc && !subsetting && !sitesOnly && !p.trimAlts && !p.trimUnseen && !p.phased && !p.gtType && nIn > 0;
    const fmtTypes = new FormatTypeCache(header);
    const infoTypes = new InfoTypeCache(header);

    sink = openTextSink(opts.output, outputType, { level, source: { file: src.file, firstDataLine: src.firstDataLine } });
    if (!opts.noHeader) {
      const extra = opts.noVersion ? [] : provenanceLines('view', opts.commandLine);
      await sink.write(viewHeaderText(header, headerPlan, sel.names, extra));
    }
    if (!opts.headerOnly) {
      const out = sink;
      const file = src.file;
      let pending: string[] = [];
      let pendingLen = 0;
      // text output: lines copied as read that lie back to back in one buffer are copied in one go
      // (a run; flushed before any other text, at the end of each batch while its memory is
      // valid, and before an error is reported). At most one of the run and `pending` holds lines.
      const runs = outputType === 'v' || outputType === 'z';
      let runBuf: Buffer | null = null;
      let runS = 0, runE = 0;
      const flushRun = (): Promise<void> | void => {
        if (!runBuf) return;
        const b = runBuf;
        runBuf = null;
        return out.writeSlice(b, runS, runE);
      };
      const each = src.each((rec) => {
        if (rec.nFixed < 8) throw tooFewColumns(rec.nFixed, file, rec.lineNo, rec.end - rec.start + 1);
        if (applyNames || applyMissing) {
          const f = rec.filterRaw;
          if (f === '.' || f === '') { if (!applyMissing) return; }
          else if (!applyNames || !f.split(';').some((x) => applyNames!.has(x))) return;
        }
        if (targets && !targets.keep(rec)) return;
        const line = processRecord(rec);
        if (line === null) return;
        records++;
        if (line === AS_IS) {
          // the line as read, '\n' included, copied from the record's buffer after the text before it
          if (rec.buf[rec.end] === 10) {
            if (runs) {
              if (runBuf === rec.buf && runE === rec.start) {
                runE = rec.end + 1;
                return;
              }
              if (!pendingLen) {
                const r = flushRun();
                runBuf = rec.buf;
                runS = rec.start;
                runE = rec.end + 1;
                return r;
              }
              const text = pending.join('');
              pending = [];
              pendingLen = 0;
              runBuf = rec.buf;
              runS = rec.start;
              runE = rec.end + 1;
              return out.writeLatin1(text);
            }
            if (!pendingLen) return out.writeSlice(rec.buf, rec.start, rec.end + 1);
            const text = pending.join('');
            pending = [];
            pendingLen = 0;
            const r = out.writeLatin1(text);
            return r ? r.then(() => out.writeSlice(rec.buf, rec.start, rec.end + 1)) : out.writeSlice(rec.buf, rec.start, rec.end + 1);
          }
          const text = latin1(rec.buf, rec.start, rec.end) + '\n';
          const r = flushRun();
          pending.push(text);
          pendingLen += text.length;
          return r;
        }
        const r = flushRun();
        pending.push(line);
        pendingLen += line.length;
        if (pendingLen >= 1 << 16) {
          const text = pending.join('');
          pending = [];
          pendingLen = 0;
          return r ? r.then(() => out.writeLatin1(text)) : out.writeLatin1(text);
        }
        return r;
      }, flushRun);
      try {
        await each;
      } catch (e) {
        // the lines before the failing record are written, as they are without runs
        try {
          await flushRun();
        } catch {
          /* the first error is the one to report */
        }
        throw e;
      }
      await flushRun();
      if (pending.length) await out.writeLatin1(pending.join(''));
      targets?.finish();
    }

    /** One record through subset_vcf's steps; the output line (with '\n'), AS_IS (the line as read) or null when dropped. */
    function processRecord(rec: VcfRecord): string | typeof AS_IS | null {
      if (p.minAlleles && rec.nAllele < p.minAlleles) return null;
      if (p.maxAlleles && rec.nAllele > p.maxAlleles) return null;
      if (p.novel || p.known) {
        const novel = rec.id === '.';
        if (p.novel && !novel) return null;
        if (p.known && novel) return null;
      }
      if (p.typesInclude || p.typesExclude) {
        const t = variantTypes(rec.ref, rec.alt) << 1;
        if (p.typesInclude && !(t & p.typesInclude)) return null;
        if (p.typesExclude && t & p.typesExclude) return null;
      }
      if (filter) {
        const r = filter.test(rec);
        if (excludeExpr ? r : !r) return null;
      }
      // nothing to edit and every value already as htslib prints it: the line as read
      if (asIs && printsAsIs(rec, nIn, fmtTypes, infoTypes)) return AS_IS;
      const nAllele = rec.nAllele;

      // the sample columns (exactly nIn are required; extra ones are ignored)
      const hasFormat = rec.hasFormat && nIn > 0;
      if (hasFormat) {
        const n = rec.sampleCount;
        if (n < nIn) throw sampleCountError(n, nIn, file(), rec.lineNo, rec.end - rec.start + 1);
      }
      const ed: EditRecord = {
        fixed: latin1(rec.buf, rec.start, rec.colEnd(6)).split('\t'),
        alts: rec.alt.slice(),
        info: normInfo(rec, header),
        fmt: hasFormat ? rec.formatRaw.split(':') : null,
        samples: [],
      };
      // QUAL as htslib prints it
      if (!isCanonicalFloat(rec.buf, rec.colStart(5), rec.colEnd(5))) ed.fixed[5] = floatText(rec.buf, rec.colStart(5), rec.colEnd(5));
      const gtk = ed.fmt ? ed.fmt.indexOf('GT') : -1;

      let ac: number[] | null | undefined = null;
      let an = 0, nonRefAc = 0;
      let updateAc = calcAc;
      if (calcAc) {
        ac = infoCounts(ed.info, nAllele);
        if (ac === undefined) ac = gtk >= 0 ? countGt(rec, gtk, null, nAllele) : new Array<number>(nAllele).fill(0);
        for (let i = 1; i < nAllele; i++) nonRefAc += ac![i];
        for (let i = 0; i < nAllele; i++) an += ac![i];
      }
      if (subsetting) {
        if (calcAc && gtk < 0) updateAc = false;
        if (updateAc) {
          const sub = countGt(rec, gtk, keep, nAllele);
          an = 0;
          let nonRefSub = 0;
          for (let i = 0; i < nAllele; i++) an += sub[i];
          for (let i = 1; i < nAllele; i++) nonRefSub += sub[i];
          const priv = nonRefSub > 0 && nonRefAc === nonRefSub;
          if (p.privateVars === 1 && !priv) return null;
          if (p.privateVars === 2 && priv) return null;
          nonRefAc = nonRefSub;
          ac = sub;
        }
      }
      if (p.gtType && gtk >= 0 && !gtTypeOk(rec, gtk)) return null;

      if (calcAc) {
        const a = ac!;
        let minor = a[0], major = a[0];
        for (let i = 1; i < nAllele; i++) {
          if (a[i] < minor) minor = a[i];
          if (a[i] > major) major = a[i];
        }
        const countOf = (t: AT): number | null => {
          switch (t) {
            case AT.NREF: return nonRefAc;
            case AT.MINOR: return minor;
            case AT.ALT1: return nAllele < 2 ? null : a[1];
            case AT.MAJOR: return major;
            default: return an - major;
          }
        };
        if (p.minAc) {
          const c = countOf(p.minAc.type);
          if (c === null || p.minAc.value > c) return null;
        }
        if (p.maxAc) {
          const c = countOf(p.maxAc.type);
          if (c !== null && p.maxAc.value < c) return null;
        }
        if (p.minAf) {
          if (an === 0) return null;
          const c = countOf(p.minAf.type);
          if (c === null || p.minAf.value > c / an) return null;
        }
        if (p.maxAf) {
          if (an === 0) return null;
          const c = countOf(p.maxAf.type);
          if (c !== null && p.maxAf.value < c / an) return null;
        }
        if (p.uncalled === 1 && an > 0) return null;
        if (p.uncalled === 2 && an === 0) return null;
      }

      // from here on the record is edited: the kept samples' values
      if (hasFormat) {
        const split = p.trimAlts || p.trimUnseen > 0;
        const types = formatTypes(ed.fmt!, header);
        for (const i of keep) {
          const raw = normSample(rec.buf, rec.sampleStart(i), rec.sampleEnd(i), types);
          ed.samples.push(split ? raw.split(':') : [raw]);
        }
      }
      let info = ed.info;
      if (updateAc && updateInfo) {
        const arr = Int32Array.from(ac!);
        const text = updatedInfo(info.length ? info.join(';') : '.', arr, nAllele, an);
        ed.info = info = infoEntries(text);
      }
      const where = { file: file(), line: rec.lineNo };
      if (p.trimAlts && gtk >= 0) {
        const counts = gtAlleleCounts(ed, where);
        if (counts) {
          const rm = counts.map((c, i) => i > 0 && c === 0);
          if (rm.some((x) => x)) removeAlleles(ed, rm, header, where, infoDef);
        }
      }
      if (p.trimUnseen > 0 && (ed.alts.length + 1 > 2 || p.trimUnseen > 1)) {
        const u = unseenAllele(ed);
        if (u > 0) {
          const rm = new Array<boolean>(ed.alts.length + 1).fill(false);
          rm[u] = true;
          removeAlleles(ed, rm, header, where, infoDef);
        }
      }
      if (p.phased) {
        const ph = allPhased(ed, ed.fmt ? ed.fmt.indexOf('GT') : -1);
        if (p.phased === 1 && !ph) return null;
        if (p.phased === 2 && ph) return null;
      }

      let line = ed.fixed.join('\t') + '\t' + (ed.info.length ? ed.info.join(';') : '.');
      if (!sitesOnly) {
        if (!ed.fmt) {
          line += '\t.';
          for (let i = 0; i < keep.length; i++) line += '\t.';
        } else {
          line += '\t' + ed.fmt.join(':');
          for (const s of ed.samples) line += '\t' + (s.length === 1 ? s[0] : s.join(':'));
        }
      }
      return line + '\n';
    }

    /** -g: bcftools' test over the genotypes of the record (its kept samples) */
    function gtTypeOk(rec: VcfRecord, gtk: number): boolean {
      let nhet = false, nhom = false, nmiss = false;
      for (const i of keep) {
        const t = gtClass(sampleField(rec, i, gtk));
        if (t === 1) {
          if (p.gtType === GTQ.NO_HET) return false;
          nhet = true;
        } else if (t === 0) {
          if (p.gtType === GTQ.NO_MISSING) return false;
          nmiss = true;
        } else {
          if (p.gtType === GTQ.NO_HOM) return false;
          nhom = true;
        }
      }
      if (p.gtType === GTQ.NEED_HOM && !nhom) return false;
      if (p.gtType === GTQ.NEED_HET && !nhet) return false;
      if (p.gtType === GTQ.NEED_MISSING && !nmiss) return false;
      return true;
    }

    function file(): string { return src.file; }
  } finally {
    await src.close();
    if (sink) await sink.close();
  }
  return { records, samplesIn: nIn, samplesOut, outputType, warnings };
}

/** processRecord's answer for a record printed exactly as read */
const AS_IS = 1;

/** A copy of the header whose INFO definitions include bcftools' AC and AN (when absent). */
function withAcAn(header: VcfHeader): VcfHeader {
  const h = Object.assign(Object.create(Object.getPrototypeOf(header) as object) as VcfHeader, header);
  h.info = new Map(header.info);
  if (!h.info.has('AC')) h.info.set('AC', { id: 'AC', number: 'A', type: 'Integer', description: 'Allele count in genotypes', lineNo: 0, attrs: {} });
  if (!h.info.has('AN')) h.info.set('AN', { id: 'AN', number: '1', type: 'Integer', description: 'Total number of alleles in called genotypes', lineNo: 0, attrs: {} });
  return h;
}

function infoEntries(text: string): string[] {
  if (text === '.' || text === '') return [];
  return text.split(';').filter((x) => x !== '');
}

/**
 * Allele counts from INFO AC and AN (htslib bcf_calc_ac with BCF_UN_INFO): undefined when AN or
 * AC is absent or AN unusable (then GT is counted); all zeros when AC has the wrong number of values.
 */
function infoCounts(info: string[], nAllele: number): number[] | undefined {
  let anText: string | undefined, acText: string | undefined;
  for (const e of info) {
    if (anText === undefined && (e === 'AN' || e.startsWith('AN='))) anText = e.length > 3 ? e.slice(3) : '';
    else if (acText === undefined && (e === 'AC' || e.startsWith('AC='))) acText = e.length > 3 ? e.slice(3) : '';
  }
  if (anText === undefined || acText === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(anText) || Number(anText) < 0) return undefined;
  const ac = new Array<number>(nAllele).fill(0);
  const vals = acText === '' ? [] : acText.split(',');
  if (vals.length !== nAllele - 1) return ac;
  let sum = 0;
  for (let i = 0; i < vals.length; i++) { ac[i + 1] = Number(vals[i]) || 0; sum += ac[i + 1]; }
  ac[0] = Number(anText) - sum;
  return ac;
}

/** The text of FORMAT field k of sample i ('' when the sample has fewer fields). */
function sampleField(rec: VcfRecord, i: number, k: number): string {
  const b = rec.buf;
  let p = rec.sampleStart(i);
  const e = rec.sampleEnd(i);
  for (let j = 0; j < k; j++) {
    const c = b.indexOf(58, p);
    if (c < 0 || c >= e) return '';
    p = c + 1;
  }
  let q = b.indexOf(58, p);
  if (q < 0 || q > e) q = e;
  return latin1(b, p, q);
}

/** Allele counts over the GT of the given samples (all when null); an index beyond ALT is an error. */
function countGt(rec: VcfRecord, gtk: number, samples: number[] | null, nAllele: number): number[] {
  const ac = new Array<number>(nAllele).fill(0);
  const n = samples ? samples.length : rec.header.samples.length;
  for (let j = 0; j < n; j++) {
    const i = samples ? samples[j] : j;
    const g = sampleField(rec, i, gtk);
    let p = g.length && (g[0] === '/' || g[0] === '|') ? 1 : 0;
    while (p < g.length) {
      let q = p;
      let v = 0, digits = 0;
      while (q < g.length && g[q] !== '/' && g[q] !== '|') {
        const c = g.charCodeAt(q) - 48;
        if (c >= 0 && c <= 9) { v = v * 10 + c; digits++; } else digits = -1e9;
        q++;
      }
      if (digits > 0) {
        if (v >= nAllele) {
          throw new VcfError('VCF_GT_ALLELE_OUT_OF_RANGE', `GT allele index ${v} is beyond the ${nAllele - 1} ALT allele${nAllele === 2 ? '' : 's'} (sample ${rec.header.samples[i]})`, { file: rec.file, line: rec.lineNo });
        }
        ac[v]++;
      }
      p = q + 1;
    }
  }
  return ac;
}

/** bcf_gt_type's classes: 0 missing, 1 het, 2 hom (or haploid) */
function gtClass(g: string): number {
  let p = g.length && (g[0] === '/' || g[0] === '|') ? 1 : 0;
  let n = 0, first = -1, het = false;
  while (p < g.length) {
    let q = p;
    while (q < g.length && g[q] !== '/' && g[q] !== '|') q++;
    const t = g.slice(p, q);
    if (!/^\d+$/.test(t)) return 0;
    const a = Number(t);
    if (first < 0) first = a;
    else if (a !== first) het = true;
    n++;
    p = q + 1;
  }
  if (!n) return 0;
  return het ? 1 : 2;
}

/**
 * bcftools' bcf_all_phased over the (kept) samples: a sample is phased when its GT has a non-missing
 * allele after '|', or is haploid (one allele, or all samples' GT have one value); records without
 * GT count as phased.
 */
function allPhased(ed: EditRecord, gtk: number): boolean {
  if (gtk < 0 || !ed.samples.length) return true;
  let width = 1;
  const gts = ed.samples.map((s) => {
    const raw = s.length === 1 ? s[0].split(':')[gtk] : s[gtk];
    return raw ?? '.';
  });
  for (const g of gts) {
    let n = 1;
    for (let i = 1; i < g.length; i++) if (g[i] === '/' || g[i] === '|') n++;
    if (n > width) width = n;
  }
  for (const g of gts) {
    if (width === 1) continue;
    let p = g.length && (g[0] === '/' || g[0] === '|') ? 1 : 0;
    let idx = 0, phased = false, sep = '';
    const start = p;
    while (p <= g.length) {
      let q = p;
      while (q < g.length && g[q] !== '/' && g[q] !== '|') q++;
      const t = g.slice(p, q);
      const missing = !/^\d+$/.test(t);
      if (!missing && idx > 0 && sep === '|') { phased = true; break; }
      idx++;
      if (q >= g.length) break;
      sep = g[q];
      p = q + 1;
    }
    void start;
    if (idx === 1) phased = true; // haploid in a wider vector
    if (!phased) return false;
  }
  return true;
}
