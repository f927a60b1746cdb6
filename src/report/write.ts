/**
 * Build and write the HTML report of one VCF: the `report` command and `analyze` both call this.
 */
import * as fs from 'node:fs';
import { buildReportData, type ReportData, type ReportDataOptions } from '../stats/report-data.js';
import { VcfError } from '../vcf/errors.js';
import { renderReportHtml } from './html.js';

export interface WriteReportResult {
  path: string;
  bytes: number;
  data: ReportData;
}

export async function writeReport(opts: ReportDataOptions & { output: string }): Promise<WriteReportResult> {
  const data = await buildReportData(opts);
  const html = renderReportHtml(data);
  try {
    fs.writeFileSync(opts.output, html);
  } catch (e) {
    throw new VcfError('OUTPUT_WRITE', `cannot write the report: ${(e as Error).message}`, { file: opts.output });
  }
  return { path: opts.output, bytes: Buffer.byteLength(html), data };
}
