/**
 * Stored rows back to VCF records: the split record of a variant row is rebuilt from the row's
 * fixed fields, the original ALT column, INFO text and FORMAT+sample columns, and split exactly as
 * `bcftools norm -m -any` does (annotate/norm-split.ts). Used by -i/-e evaluation on query results,
 * `variants --format vcf`, and `export`.
 */
import { NormRec } from '../annotate/norm-record.js';
import { splitRecord, type NormContext } from '../annotate/norm-split.js';
import { VcfError } from '../vcf/errors.js';
import { VcfHeader } from '../vcf/header.js';
import { VcfRecord } from '../vcf/record.js';

/** the columns a row needs for rebuilding */
export const RECORD_COLUMNS = ['file_id', 'line', 'chrom', 'pos', 'id', 'ref', 'alts', 'allele_idx', 'n_alt', 'qual', 'filter', 'info', 'tail'];

export interface StoredRow {
  file_id: number; line: number; chrom: string; pos: number; id: string | null; ref: string; alts: string;
  allele_idx: number; qual: number | null; filter: string | null; info: string; tail: string | null;
}

const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** The header of a stored file (the catalog's header text). */
export function parseStoredHeader(text: string, file: string): VcfHeader {
  return VcfHeader.parse(text.replace(/\n$/, '').split('\n'), file);
}

export function qualText(q: number | null): string {
  return q === null || q === undefined || Number.isNaN(q) ? '.' : String(q);
}

/** Splits rows of one file's records (one context per header). */
export class RecordRebuilder {
  readonly header: VcfHeader;
  private readonly ctx: NormContext;
  private readonly forced: NormContext;
  private last?: { key: string; parts: NormRec[] };
  constructor(header: VcfHeader, file: string) {
    this.header = header;
    this.ctx = {
      header,
      nSamples: header.samples.length,
      force: false,
      forceWarned: true,
      keepSumAd: false,
      warn: () => undefined,
      fail: (rec, code, msg) => { throw new VcfError(code, msg, { file, line: rec.lineNo }); },
    };
    // a record bcftools norm would reject (malformed A/R/G field): split as `norm --force` does
    this.forced = { ...this.ctx, force: true };
  }

  /** the split record's line (latin1 text: write it with Buffer.from(s, 'latin1')) */
  lineOf(r: StoredRow): string {
    const alts = r.alts === '.' || r.alts === '' ? [] : r.alts.split(',');
    const mk = (): NormRec => new NormRec({
      chrom: r.chrom, pos: r.pos, id: r.id ?? '.', ref: r.ref, alts, qual: qualText(r.qual), filter: r.filter ?? '.',
      infoText: latin1(r.info), tail: r.tail === null ? undefined : latin1(r.tail), raw: null, lineNo: r.line, nSamples: this.header.samples.length,
    });
    if (alts.length <= 1) return mk().text();
    const key = `${r.file_id}:${r.line}`;
    if (this.last?.key !== key) {
      let parts: NormRec[];
      try {
        parts = splitRecord(this.ctx, mk());
      } catch (e) {
        if (!(e instanceof VcfError)) throw e;
        parts = splitRecord(this.forced, mk());
      }
      this.last = { key, parts };
    }
    return this.last.parts[r.allele_idx - 1].text();
  }

  /** the split record as a VcfRecord (for the expression engine) */
  record(r: StoredRow): VcfRecord {
    const buf = Buffer.from(this.lineOf(r), 'latin1');
    return new VcfRecord(buf, 0, buf.length, r.line, this.header);
  }
}
