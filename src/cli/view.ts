import type { Command } from 'commander';
import { view } from '../vcf/view.js';
import { action, commandLine, parseIntOpt, warn } from './run.js';

export function register(program: Command): void {
  program
    .command('view')
    .description('print or convert a VCF (plain, gzip, BGZF, bzip2 or "-" for stdin), optionally subsetting samples')
    .argument('<file>', 'input VCF, or - for stdin')
    .option('-s, --samples <list>', 'comma-separated samples to include, or ^A,B to exclude')
    .option('-S, --samples-file <file>', 'file of sample names, one per line (prefix ^ to exclude)')
    .option('--force-samples', 'only warn about unknown subset samples')
    .option('-I, --no-update', 'do not recalculate INFO/AC and INFO/AN after subsetting samples')
    .option('-h, --header-only', 'print only the header')
    .option('-H, --no-header', 'suppress the header')
    .option('-G, --drop-genotypes', 'drop FORMAT and sample columns')
    .option('-O, --output-type <t>', 'v: VCF, z: BGZF-compressed VCF (default: from -o name)')
    .option('-o, --output <file>', 'output file (default stdout); a .gz name implies -O z')
    .option('-l, --compression-level <n>', 'BGZF compression level 0-9', parseIntOpt('--compression-level'))
    .option('--no-version', 'do not add ##vcf-agent_view header lines')
    .option('--threads <n>', 'worker threads (accepted for bcftools compatibility)', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .action(action(async (file: string, o: Record<string, unknown>) => {
      const res = await view({
        input: file,
        output: o.output as string | undefined,
        outputType: o.outputType as string | undefined,
        samples: o.samples as string | undefined,
        samplesFile: o.samplesFile as string | undefined,
        forceSamples: !!o.forceSamples,
        noUpdate: o.update === false,
        headerOnly: !!o.headerOnly,
        noHeader: o.header === false,
        dropGenotypes: !!o.dropGenotypes,
        noVersion: o.version === false,
        threads: o.threads as number | undefined,
        compressionLevel: o.compressionLevel as number | undefined,
        maxLineBytes: o.maxLineBytes as number | undefined,
        commandLine: commandLine(),
      });
      for (const w of res.warnings) warn(w);
      return 0;
    }));
}
