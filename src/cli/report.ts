import * as path from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../report/write.js';
import { action, parseIntOpt } from './run.js';

/** `<basename>.report.html`: calls.vcf.gz -> calls.report.html */
export function defaultReportName(file: string): string {
  if (file === '-') return 'stdin.report.html';
  const base = path.basename(file).replace(/\.(vcf|bcf)(\.(gz|bgz|bz2))?$/i, '').replace(/\.(gz|bgz|bz2)$/i, '');
  return `${base || 'vcf'}.report.html`;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (inline SVG charts, no network): summary, variant types, Ts/Tv, substitutions, indel lengths, allele frequencies, QUAL and depth, per-sample counts')
    .argument('<file>', 'VCF file (plain, gzip, BGZF, bzip2, BCF); stdin is not accepted (the file is read twice)')
    .option('-o, --output <file>', 'HTML file to write (default: <basename>.report.html in the current directory)')
    .option('--threads <n>', 'worker threads for BGZF decompression', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .addHelpText('after', `
The numbers are those of \`vcf-agent stats -s - --json FILE\` (bcftools stats 1.16); the page embeds
them as JSON (<script type="application/json" id="vcf-agent-report-data">). Per-sample charts scroll
sideways and can be sorted; a table lists every sample. Exit codes: 0 success, 2 bad input or usage.`)
    .action(action(async (file: string, o: Record<string, unknown>) => {
      const output = (o.output as string | undefined) ?? defaultReportName(file);
      const r = await writeReport({ file, output, threads: o.threads as number | undefined, maxLineBytes: o.maxLineBytes as number | undefined });
      process.stdout.write(`${r.path} (${r.bytes.toLocaleString('en-US')} bytes; ${r.data.summary.records.toLocaleString('en-US')} records, ${r.data.summary.samples.toLocaleString('en-US')} samples)\n`);
      return 0;
    }));
}
