/**
 * Export of the store: the variant rows of committed files back to VCF (the split records, as
 * `bcftools norm -m -any` writes them, under the file's own header), JSON lines (one object per
 * split record: fixed fields, INFO and per-sample FORMAT values, plus the store's annotation
 * columns) or Parquet (PARQUET_LAYOUT below: one row per split record, typed columns).
 * Rows stream in storage order (a file's records in file order); memory is one batch (Parquet: one
 * row group, sized by the number of samples).
 *
 * Not exported: records without an ALT ('.') and gVCF `<NON_REF>`/`<*>` alleles, which the store
 * does not hold as variants (reference blocks are in the refblocks table).
 */
import { VcfError } from '../vcf/errors.js';
import { RECORD_COLUMNS, RecordRebuilder, parseStoredHeader, type StoredRow } from './records.js';
import { visibleFilterOf, type LanceStore } from './tables.js';
import { ParquetSink, parquetLayoutOf } from './export-parquet.js';

export type ExportFormat = 'vcf' | 'jsonl' | 'parquet';
export const EXPORT_FORMATS: ExportFormat[] = ['vcf', 'jsonl', 'parquet'];

export interface ExportOptions {
  format: ExportFormat;
  /** the file to export (required for vcf when the store holds several files) */
  fileId?: number;
  /** receives text chunks (latin1-safe strings for vcf: write them with Buffer.from(s, 'latin1')) */
  write: (chunk: string) => Promise<void> | void;
  /** receives the bytes of the Parquet file (required for parquet) */
  writeBytes?: (chunk: Uint8Array) => Promise<void> | void;
  /** Parquet: rows per row group (default: about 50k values of records x samples x FORMAT keys, 64..4,096 rows) */
  rowGroupRows?: number;
}

export interface ExportResult { files: number[]; records: number }

export const ANN_COLUMNS = ['key', 'vtype', 'gene', 'genes', 'consequence', 'impact', 'hgvs_c', 'hgvs_p', 'clnsig', 'clnrevstat', 'clndn', 'ann_source'];

export function decodeValue(v: string): string {
  return Buffer.from(v, 'latin1').toString('utf8');
}

/** One split VCF line → a JSON object (values as text, as in the VCF). */
export function lineToJson(line: string, samples: string[]): Record<string, unknown> {
  const c = decodeValue(line).split('\t');
  const info: Record<string, string | true> = {};
  if (c[7] && c[7] !== '.') for (const kv of c[7].split(';')) { const eq = kv.indexOf('='); if (eq < 0) info[kv] = true; else info[kv.slice(0, eq)] = kv.slice(eq + 1); }
  const out: Record<string, unknown> = { chrom: c[0], pos: Number(c[1]), id: c[2], ref: c[3], alt: c[4], qual: c[5], filter: c[6], info };
  if (c.length > 8) {
    const fmt = c[8].split(':');
    const smp: Record<string, Record<string, string>> = {};
    samples.forEach((s, i) => {
      const vals = (c[9 + i] ?? '.').split(':');
      const o: Record<string, string> = {};
      fmt.forEach((k, j) => { o[k] = vals[j] ?? '.'; });
      smp[s] = o;
    });
    out.format = fmt;
    out.samples = smp;
  }
  return out;
}

export async function exportStore(store: LanceStore, opts: ExportOptions): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(opts.format)) throw new VcfError('USAGE', `--format must be vcf, jsonl or parquet, got "${opts.format}"`, {}, 'usage');
  if (opts.format === 'parquet' && !opts.writeBytes) throw new Error('exportStore: parquet needs writeBytes');
  const files = await store.files();
  const committed = files.filter((f) => f.status === 'committed');
  let chosen = committed;
  if (opts.fileId !== undefined) {
    chosen = committed.filter((f) => f.file_id === opts.fileId);
    if (!chosen.length) throw new VcfError('STORE_NO_FILE', `no committed file with id ${opts.fileId} (see \`vcf-agent db info\`)`, {}, 'usage');
  } else if (opts.format === 'vcf' && committed.length > 1) {
    throw new VcfError('USAGE', `the store holds ${committed.length} files: choose one with --file ID for VCF output (see \`vcf-agent db info\`)`, {}, 'usage');
  }
  const vis = visibleFilterOf(files);
  let records = 0;
  const headers = chosen.map((f) => parseStoredHeader(f.header, f.path));
  let sink: ParquetSink | undefined;
  if (opts.format === 'parquet') sink = new ParquetSink(parquetLayoutOf(headers, chosen.map((f) => f.file_id), chosen.map((f) => f.header)), opts.writeBytes!, opts.rowGroupRows);
  for (const [fi, f] of chosen.entries()) {
    const header = headers[fi];
    const rb = new RecordRebuilder(header, f.path);
    if (opts.format === 'vcf') await opts.write(Buffer.from(f.header.endsWith('\n') ? f.header : f.header + '\n', 'utf8').toString('latin1'));
    const cols = [...new Set([...RECORD_COLUMNS, ...ANN_COLUMNS])];
    for await (const b of store.tables.variants.query().where(`${vis} AND file_id = ${f.file_id}`).select(cols)) {
      let chunk = '';
      for (const r of b.toArray() as Array<Record<string, unknown>>) {
        const line = rb.lineOf(r as unknown as StoredRow);
        if (sink) await sink.add(line, f.file_id, header.samples, r);
        else if (opts.format === 'vcf') chunk += line + '\n';
        else {
          const o = lineToJson(line, header.samples);
          o.file_id = f.file_id;
          for (const k of ANN_COLUMNS) { const v = r[k]; o[k] = v !== null && typeof v === 'object' && 'toArray' in (v as object) ? [...(v as Iterable<unknown>)] : v; }
          chunk += JSON.stringify(o) + '\n';
        }
        records++;
      }
      if (chunk) await opts.write(chunk);
    }
  }
  if (sink) await sink.finish();
  return { files: chosen.map((f) => f.file_id), records };
}
