/**
 * `view`: stream a VCF to VCF/VCF.gz with sample subsetting (-s/-S), genotype dropping (-G),
 * header-only / no-header, and AC/AN recomputation after subsetting (unless -I), as bcftools view.
 * Works at the byte level: unchanged columns are copied, never decoded.
 */
import { latin1 } from './bytes.js';
import { VcfReader } from './reader.js';
import { OutputSink, outputTypeFor, type OutputType } from './writer.js';
import { selectSamples } from './samples.js';
import { VcfError } from './errors.js';
import { provenanceLines } from './provenance.js';

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
}

export interface ViewResult {
  records: number;
  samplesIn: number;
  samplesOut: number;
  outputType: OutputType;
  warnings: string[];
}

const AC_HDR = '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">';
const AN_HDR = '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">';

export async function view(opts: ViewOptions): Promise<ViewResult> {
  const reader = await VcfReader.open(opts.input, { maxLineBytes: opts.maxLineBytes });
  const header = reader.header;
  const outputType = outputTypeFor(opts.output, opts.outputType);
  const sel = selectSamples(header.samples, opts);
  const nIn = header.samples.length;
  const drop = !!opts.dropGenotypes;
  const subset = sel.subset && !drop;
  const updateAC = subset && !opts.noUpdate;

  const sink = OutputSink.open(opts.output, outputType, { level: opts.compressionLevel });
  let records = 0;
  try {
    if (!opts.noHeader) {
      const h = header.clone();
      if (!h.filter.has('PASS')) insertPassFilter(h);
      if (updateAC) {
        if (!h.info.has('AC')) h.addLine(AC_HDR);
        if (!h.info.has('AN')) h.addLine(AN_HDR);
      }
      const extra = opts.noVersion ? [] : provenanceLines('view', opts.commandLine);
      await sink.write(h.toString({ samples: sel.names, extraLines: extra, dropSamples: drop }));
    }
    if (!opts.headerOnly) {
      // contiguous runs of kept sample indexes, for block copies
      const runs: Array<[number, number]> = [];
      for (const i of sel.indexes) {
        const last = runs[runs.length - 1];
        if (last && last[1] === i - 1) last[1] = i;
        else runs.push([i, i]);
      }
      const maxNeeded = runs.length ? Math.max(...runs.map((r) => r[1])) : -1;
      const lastRun = runs[runs.length - 1];
      // the highest sample index whose start must be found: runs reaching the last sample end at the line end
      const scanLimit = updateAC ? nIn : lastRun && lastRun[1] === nIn - 1 ? lastRun[0] : maxNeeded;
      const starts = new Int32Array(nIn + 1);
      const ends = new Int32Array(nIn + 1);
      const file = reader.file;
      for await (const b of reader.rawBatches()) {
        const buf = b.buf;
        for (let li = 0; li < b.n; li++) {
          const s = b.starts[li], e = b.ends[li];
          if (s === e) continue;
          records++;
          if (!subset && !drop) {
            const r = sink.writeSlice(buf, s, e + 1 <= buf.length && buf[e] === 10 ? e + 1 : e);
            if (r) await r;
            if (!(e < buf.length && buf[e] === 10)) { const r2 = sink.write('\n'); if (r2) await r2; }
            continue;
          }
          // locate the first 8 tabs (INFO end) and the FORMAT column
          let t = s;
          let infoStart = -1, infoEnd = -1, fmtEnd = -1;
          for (let k = 0; k < 9; k++) {
            const nt = buf.indexOf(9, t);
            if (nt < 0 || nt >= e) {
              if (k < 7) throw new VcfError('VCF_RECORD_TOO_FEW_COLUMNS', `record has ${k + 1} tab-separated columns, at least 8 are required`, { file, line: b.firstLineNo + li, column: e - s + 1 });
              if (k === 7) { infoEnd = e; }
              if (k === 8) { fmtEnd = e; }
              break;
            }
            if (k === 6) infoStart = nt + 1;
            if (k === 7) infoEnd = nt;
            if (k === 8) fmtEnd = nt;
            t = nt + 1;
          }
          if (drop || fmtEnd < 0) {
            const r = sink.writeSlice(buf, s, infoEnd);
            if (r) await r;
            await sink.write('\n');
            continue;
          }
          // sample columns: locate only as far as needed
          let nFound = 0;
          let p = fmtEnd + 1;
          if (fmtEnd < e) {
            for (;;) {
              starts[nFound] = p;
              const nt = buf.indexOf(9, p);
              if (nt < 0 || nt >= e || nFound === scanLimit) { ends[nFound] = nt < 0 || nt >= e ? e : nt; nFound++; break; }
              ends[nFound] = nt;
              nFound++;
              p = nt + 1;
            }
          }
          if (updateAC) {
            const line = b.firstLineNo + li;
            const info = recomputeACAN(buf, infoStart, infoEnd, s, fmtEnd, sel.indexes, starts, ends, nFound, file, line);
            let r = sink.writeSlice(buf, s, infoStart);
            if (r) await r;
            r = sink.write(info);
            if (r) await r;
            r = sink.writeSlice(buf, infoEnd, fmtEnd);
            if (r) await r;
          } else {
            const r = sink.writeSlice(buf, s, fmtEnd);
            if (r) await r;
          }
          for (let ri = 0; ri < runs.length; ri++) {
            const [a, z] = runs[ri];
            if (a >= nFound) {
              // missing columns on this line: write '.' placeholders (bcftools pads missing samples)
              for (let i = a; i <= z; i++) { const r = sink.write('\t.'); if (r) await r; }
              continue;
            }
            const zEnd = z === nIn - 1 ? e : (z < nFound ? ends[z] : e);
            let r = sink.write('\t');
            if (r) await r;
            r = sink.writeSlice(buf, starts[a], zEnd);
            if (r) await r;
          }
          const r = sink.write('\n');
          if (r) await r;
        }
      }
    }
  } finally {
    await sink.close();
  }
  return { records, samplesIn: nIn, samplesOut: drop ? 0 : sel.names.length, outputType, warnings: sel.warnings };
}

/** bcftools adds `##FILTER=<ID=PASS,...>` right after ##fileformat when absent. */
function insertPassFilter(h: import('./header.js').VcfHeader): void {
  const raw = '##FILTER=<ID=PASS,Description="All filters passed">';
  const lines = h.lines.slice();
  h.lines.length = 0;
  const idx = lines.findIndex((l) => l.key === 'fileformat');
  const rebuilt = lines.map((l) => l.raw);
  rebuilt.splice(idx + 1, 0, raw);
  h.filter.clear(); h.info.clear(); h.format.clear(); h.contigs.clear(); h.alt.clear();
  for (const r of rebuilt) h.addMetaLine(r, 0);
}

/**
 * AC/AN over the kept samples' GT; updates INFO AC/AN in place or appends them.
 * Records without GT keep their INFO unchanged.
 */
function recomputeACAN(
  buf: Buffer, infoStart: number, infoEnd: number, lineStart: number, fmtEnd: number,
  keep: number[], starts: Int32Array, ends: Int32Array, nFound: number, file: string, line: number,
): string {
  const info = buf.toString('utf8', infoStart, infoEnd);
  // FORMAT column starts after the 8th tab (infoEnd)
  const fmt = latin1(buf, infoEnd + 1, fmtEnd);
  if (!(fmt === 'GT' || fmt.startsWith('GT:'))) return info;
  // ALT count
  let tabs = 0, altS = -1, altE = -1;
  for (let i = lineStart; i < infoStart; i++) {
    if (buf[i] === 9) {
      tabs++;
      if (tabs === 4) altS = i + 1;
      if (tabs === 5) { altE = i; break; }
    }
  }
  const alt = latin1(buf, altS, altE);
  const nAlt = alt === '.' ? 0 : alt.split(',').length;
  const ac = new Array<number>(nAlt).fill(0);
  let an = 0;
  for (const si of keep) {
    if (si >= nFound) continue;
    let i = starts[si];
    const e = ends[si];
    let v = -1;
    for (; i <= e; i++) {
      const c = i < e ? buf[i] : 58;
      if (c >= 48 && c <= 57) { v = (v < 0 ? 0 : v * 10) + (c - 48); continue; }
      if (c === 47 || c === 124 || c === 58) {
        if (v >= 0) {
          an++;
          if (v > 0) {
            if (v - 1 >= nAlt) throw new VcfError('VCF_GT_ALLELE_OUT_OF_RANGE', `GT allele index ${v} exceeds the number of ALT alleles (${nAlt})`, { file, line });
            ac[v - 1]++;
          }
        }
        v = -1;
        if (c === 58) break;
        continue;
      }
      if (c === 46) { v = -1; continue; }
      break;
    }
  }
  const acStr = nAlt ? 'AC=' + ac.join(',') : '';
  const anStr = 'AN=' + an;
  if (info === '.' || info === '') return [acStr, anStr].filter(Boolean).join(';');
  const parts = info.split(';');
  let sawAC = false, sawAN = false;
  const out: string[] = [];
  for (const p of parts) {
    if (p === 'AC' || p.startsWith('AC=')) { sawAC = true; if (acStr) out.push(acStr); continue; }
    if (p === 'AN' || p.startsWith('AN=')) { sawAN = true; out.push(anStr); continue; }
    out.push(p);
  }
  if (!sawAC && acStr) out.push(acStr);
  if (!sawAN) out.push(anStr);
  return out.join(';');
}
