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
import { floatText, intText, isCanonicalFloat, isCanonicalInt } from '../expr/format-num.js';
import { gtAlleleCounts, removeAlleles, unseenAllele, type EditRecord } from './view-alleles.js';
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

const T_INT = 1, T_FLOAT = 2;
const typeCode = (t: string | undefined) => (t === 'Integer' ? T_INT : t === 'Float' ? T_FLOAT : 0);

let lastFmtKeys: string[] = [];
let lastFmtTypes: Uint8Array = new Uint8Array(0);
let lastFmtHeader: VcfHeader | null = null;

/** Integer/Float type codes of FORMAT keys (cached: consecutive records share FORMAT). */
function formatTypes(keys: string[], header: VcfHeader): Uint8Array {
  if (lastFmtHeader === header && keys.length === lastFmtKeys.length && keys.every((k, i) => k === lastFmtKeys[i])) return lastFmtTypes;
  lastFmtKeys = keys;
  lastFmtHeader = header;
  lastFmtTypes = Uint8Array.from(keys.map((k) => typeCode(header.format.get(k)?.type)));
  return lastFmtTypes;
}

/**
 * Values of buf[s,e) (comma-separated) as htslib prints them back: non-canonical numbers are
 * re-formatted (floats through float32, integers through strtol); other text is kept.
 */
function normValues(buf: Buffer, s: number, e: number, type: number): string | null {
  let out = '';
  let changed = false;
  let a = s;
  for (;;) {
    // values are short: a JS scan for the ',' (no native call per value)
    let z = a;
    while (z < e && buf[z] !== 44) z++;
    // "-0" prints back as "-0"
    const ok = type === T_INT ? isCanonicalInt(buf, a, z) : isCanonicalFloat(buf, a, z) || (z - a === 2 && buf[a] === 45 && buf[a + 1] === 48);
    if (!ok) {
      if (!changed) { out = latin1(buf, s, a); changed = true; }
      out += type === T_INT ? intText(buf, a, z) : floatText(buf, a, z);
    } else if (changed) out += latin1(buf, a, z);
    if (z >= e) break;
    if (changed) out += ',';
    a = z + 1;
  }
  return changed ? out : null;
}

/** INFO entries with numbers as htslib prints them. */
function normInfo(rec: VcfRecord, header: VcfHeader): string[] {
  const buf = rec.buf;
  const s = rec.colStart(7), e = rec.colEnd(7);
  if (e <= s || (e - s === 1 && buf[s] === 46)) return [];
  const out: string[] = [];
  let a = s;
  while (a <= e) {
    let z = buf.indexOf(59, a);
    if (z < 0 || z > e) z = e;
    if (z > a) {
      let eq = buf.indexOf(61, a);
      if (eq < 0 || eq > z) eq = -1;
      const type = eq < 0 ? 0 : typeCode(header.info.get(latin1(buf, a, eq))?.type);
      const v = type ? normValues(buf, eq + 1, z, type) : null;
      out.push(v === null ? latin1(buf, a, z) : latin1(buf, a, eq + 1) + v);
    }
    a = z + 1;
  }
  return out;
}

/**
 * One sample column as htslib prints it: numbers re-formatted, an empty column '.', and missing
 * trailing fields written '.' (one per FORMAT key).
 */
function normSample(buf: Buffer, s: number, e: number, types: Uint8Array): string {
  if (s === e) return types.length > 1 ? '.' + ':.'.repeat(types.length - 1) : '.';
  let out = '';
  let a = s, k = 0;
  let piece = s;
  for (;;) {
    let z = buf.indexOf(58, a);
    if (z < 0 || z > e) z = e;
    const t = types[k];
    if (t) {
      const v = normValues(buf, a, z, t);
      if (v !== null) {
        out += latin1(buf, piece, a) + v;
        piece = z;
      }
    }
    k++;
    if (z >= e) break;
    a = z + 1;
  }
  out += latin1(buf, piece, e);
  if (k < types.length) out += ':.'.repeat(types.length - k);
  return out;
}

/** processRecord's answer for a record printed exactly as read */
const AS_IS = 1;

/** Integer/Float type codes of a FORMAT column's keys, by its bytes (consecutive records share FORMAT). */
class FormatTypeCache {
  private raw: Buffer = Buffer.alloc(0);
  private types: Uint8Array | null = null;
  constructor(private readonly header: VcfHeader) {}
  of(rec: VcfRecord): Uint8Array {
    const buf = rec.buf;
    const s = rec.colStart(8), e = rec.colEnd(8);
    const raw = this.raw;
    let same = this.types !== null && raw.length === e - s;
    for (let i = 0; same && i < raw.length; i++) if (raw[i] !== buf[s + i]) same = false;
    if (!same) {
      this.raw = Buffer.from(buf.subarray(s, e));
      this.types = Uint8Array.from(rec.formatRaw.split(':').map((k) => typeCode(this.header.format.get(k)?.type)));
    }
    return this.types!;
  }
}

/** Integer/Float type codes of INFO keys, found by the key's bytes (no string made per entry). */
class InfoTypeCache {
  /** bucket (by length and first and last byte) -> first entry + 1; next[] chains the entries */
  private readonly head = new Int32Array(1024);
  private readonly keys: Buffer[] = [];
  private readonly codes: number[] = [];
  private readonly next: number[] = [];
  constructor(private readonly header: VcfHeader) {}
  /** the type code of the key buf[s, e) */
  of(buf: Buffer, s: number, e: number): number {
    const n = e - s;
    const h = n > 0 ? (n * 61 + buf[s] * 7 + buf[e - 1]) & 1023 : 0;
    for (let j = this.head[h] - 1; j >= 0; j = this.next[j]) {
      const k = this.keys[j];
      if (k.length !== n) continue;
      let i = 0;
      while (i < n && k[i] === buf[s + i]) i++;
      if (i === n) return this.codes[j];
    }
    const code = typeCode(this.header.info.get(latin1(buf, s, e))?.type);
    // keys seen are few (the header's); a stream of undeclared ones is not kept beyond a bound
    if (this.keys.length < 4096) {
      this.keys.push(Buffer.from(buf.subarray(s, e)));
      this.codes.push(code);
      this.next.push(this.head[h] - 1);
      this.head[h] = this.keys.length;
    }
    return code;
  }
}

/**
 * Whether processRecord, with nothing to edit, would print the line exactly as read: QUAL, INFO and
 * FORMAT numbers already canonical (normValues leaves them), INFO without empty entries, exactly
 * `nIn` sample columns, none empty or short of FORMAT's fields.
 */
function printsAsIs(rec: VcfRecord, nIn: number, fmtTypes: FormatTypeCache, infoTypes: InfoTypeCache): boolean {
  if (rec.nFixed < 10) return false;
  const buf = rec.buf;
  if (!isCanonicalFloat(buf, rec.colStart(5), rec.colEnd(5))) return false;
  // INFO
  const s = rec.colStart(7), e = rec.colEnd(7);
  if (e <= s) return false;
  if (!(e - s === 1 && buf[s] === 46)) {
    let a = s;
    for (;;) {
      // the key ends at the first '=' or ';'
      let k = a;
      while (k < e) {
        const c = buf[k];
        if (c === 61 || c === 59) break;
        k++;
      }
      let z = k;
      if (k < e && buf[k] === 61) {
        const type = infoTypes.of(buf, a, k);
        if (type) {
          z = k + 1;
          while (z < e && buf[z] !== 59) z++;
          if (normValues(buf, k + 1, z, type) !== null) return false;
        } else {
          // text values can be long (annotations): the native search
          z = buf.indexOf(59, k + 1);
          if (z < 0 || z > e) z = e;
        }
      }
      if (z === a) return false; // an empty entry (';;', or ';' first or last) is dropped on output
      if (z >= e) break;
      a = z + 1;
    }
  }
  // samples
  const types = fmtTypes.of(rec);
  const nTypes = types.length;
  const end = rec.end;
  let p = rec.colStart(9);
  for (let i = 0; i < nIn; i++) {
    let t = p;
    while (t < end && buf[t] !== 9) t++;
    if ((t === end) !== (i === nIn - 1)) return false; // fewer or more sample columns than the header's
    if (t === p) return false; // an empty column prints as '.'
    let a = p, k = 0;
    for (;;) {
      let z = a;
      while (z < t && buf[z] !== 58) z++;
      const ty = k < nTypes ? types[k] : 0;
      if (ty && normValues(buf, a, z, ty) !== null) return false;
      k++;
      if (z >= t) break;
      a = z + 1;
    }
    if (k < nTypes) return false; // missing trailing fields are written out
    p = t + 1;
  }
  return true;
}

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
