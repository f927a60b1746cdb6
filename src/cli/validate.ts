import type { Command } from 'commander';
import { validateFile, type ValidationResult } from '../vcf/validate.js';
import { formatLocated } from '../vcf/errors.js';
import { action, parseIntOpt, EXIT, reportFirstError } from './run.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check VCF files against the specification; one line per problem with a stable rule id')
    .argument('<files...>', 'VCF files (plain, gzip, BGZF, bzip2) or - for stdin')
    .option('--format <fmt>', 'text or json', 'text')
    .option('--strict', 'exit 1 when there are warnings but no errors')
    .option('--max-errors <n>', 'stop reporting a file after N problems (0 = no limit)', parseIntOpt('--max-errors'), 100)
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .action(action(async (files: string[], o: { format: string; strict?: boolean; maxErrors: number; maxLineBytes?: number }) => {
      if (o.format !== 'text' && o.format !== 'json') {
        process.stderr.write(`vcf-agent: --format must be text or json\n`);
        return EXIT.INPUT;
      }
      const results: ValidationResult[] = [];
      for (const f of files) {
        const r = await validateFile(f, { maxErrors: o.maxErrors, maxLineBytes: o.maxLineBytes });
        results.push(r);
        reportFirstError(f, r.issues);
        if (o.format === 'text') {
          for (const i of r.issues) {
            process.stdout.write(`${formatLocated(i.file, i.line, i.column, `${i.severity}: ${i.message} [${i.rule}]`)}\n`);
          }
          const state = r.errors ? 'INVALID' : r.warnings ? 'valid with warnings' : 'valid';
          process.stdout.write(`${f}: ${state} (${r.records} records, ${r.errors} errors, ${r.warnings} warnings${r.truncated ? ', report truncated by --max-errors' : ''})\n`);
        }
      }
      if (o.format === 'json') process.stdout.write(JSON.stringify(files.length === 1 ? results[0] : results, null, 2) + '\n');
      if (results.some((r) => r.errors > 0)) return EXIT.INPUT;
      if (o.strict && results.some((r) => r.warnings > 0)) return EXIT.WARN;
      return EXIT.OK;
    }));
}
