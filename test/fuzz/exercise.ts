/**
 * One fuzz case in process: read the bytes with VcfReader.fromBuffer, walk every record and touch
 * every accessor (fixed columns, INFO, FORMAT, every sample, GT), then run the validator on the
 * same bytes. Returns how it ended; anything thrown that is not a VcfError escapes to the caller.
 */
import { VcfReader, checkMinColumns } from '../../src/vcf/reader.js';
import { VcfError } from '../../src/vcf/errors.js';
import { percentDecode, VcfRecord } from '../../src/vcf/record.js';
import type { VcfHeader } from '../../src/vcf/header.js';
import { validateBuffer } from '../../src/vcf/validate.js';

export interface CaseResult {
  records: number;
  /** the reader's rejection, if any */
  rejection?: VcfError;
  /** validator errors (each must carry a location) */
  validatorErrors: Array<{ rule: string; file?: string; line?: number; message: string }>;
  /** a checksum over everything touched, so no access can be optimised away */
  digest: number;
}

export interface CaseOptions {
  chunkSize: number;
  maxLineBytes: number;
  reuseBuffers: boolean;
  threads: number;
}

export async function runCase(name: string, data: Buffer, o: CaseOptions): Promise<CaseResult> {
  const res: CaseResult = { records: 0, validatorErrors: [], digest: 0 };
  try {
    const reader = await VcfReader.fromBuffer(name, data, o);
    res.digest += touchHeader(reader.header);
    if (o.reuseBuffers) {
      // as `view` reads: raw batches over recycled buffers, every line used before the next batch
      for await (const b of reader.rawBatches()) {
        for (let i = 0; i < b.n; i++) {
          if (b.starts[i] === b.ends[i]) continue;
          checkMinColumns(b.buf, b.starts[i], b.ends[i], b.firstLineNo + i, name);
          res.records++;
          res.digest = (res.digest + touchRecord(new VcfRecord(b.buf, b.starts[i], b.ends[i], b.firstLineNo + i, reader.header, name))) | 0;
        }
      }
    } else {
      for await (const batch of reader.batches()) {
        for (const rec of batch) {
          res.records++;
          res.digest = (res.digest + touchRecord(rec)) | 0;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof VcfError)) throw e;
    res.rejection = e;
  }
  const v = await validateBuffer(name, data, { maxLineBytes: o.maxLineBytes, maxErrors: 50, chunkSize: o.chunkSize });
  for (const i of v.issues) {
    if (i.severity === 'error') res.validatorErrors.push({ rule: i.rule, file: i.file, line: i.line, message: i.message });
  }
  return res;
}

function len(s: string | undefined): number {
  return s === undefined ? 0 : s.length;
}

function touchHeader(h: VcfHeader): number {
  let d = h.samples.length + h.lines.length + len(h.fileformat) + (h.version ? h.version[0] : 0);
  for (const f of h.info.values()) d += len(f.number) + len(f.type) + len(f.description);
  for (const f of h.format.values()) d += len(f.number) + len(f.type);
  for (const c of h.contigs.values()) d += c.length ?? 0;
  d += h.toString().length + h.clone().toString({ dropSamples: true }).length;
  d += h.columnsText(h.samples.slice(0, 1)).length + (h.hasFormatColumn() ? 1 : 0);
  return d | 0;
}

function touchRecord(r: VcfRecord): number {
  let d = r.chrom.length + r.pos + r.id.length + r.ids.length + r.ref.length + r.altRaw.length + r.nAllele;
  for (const a of r.alt) d += a.length;
  d += r.qualRaw.length + (r.qual ?? 0) + r.filterRaw.length + r.filters.length + r.infoRaw.length;
  for (const [k, v] of r.info) {
    d += k.length;
    if (typeof v === 'string') d += percentDecode(v).length + v.split(',').length;
  }
  d += r.infoValue('END') === undefined ? 0 : 1;
  d += r.endPos;
  d += r.line.length + r.columnOf(r.end);
  for (let k = 0; k < 10; k++) d += r.col(k).length + r.colStart(k) + r.colEnd(k);
  d += (r.hasFormat ? 1 : 0) + r.formatRaw.length + r.formatKeys.length + r.samplesStart;
  const n = r.sampleCount;
  const nHeader = r.header.samples.length;
  // every sample present, plus one past the end and every header sample (records may be short)
  for (let i = 0; i <= Math.max(n, nHeader); i++) {
    d += len(r.sampleRaw(i)) + r.sampleFields(i).length + (r.sampleStart(i) ?? 0) + (r.sampleEnd(i) ?? 0);
    for (const key of r.formatKeys) d += len(r.sampleValue(i, key));
    d += len(r.gtRaw(i));
    const g = r.genotype(i);
    if (g) for (let k = 0; k < g.alleles.length; k++) d += (g.alleles[k] | 0) + (g.phased[k] ? 1 : 0);
  }
  return d | 0;
}
