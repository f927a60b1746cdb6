import type { Command } from 'commander';
import { view } from '../vcf/view.js';
import { action, commandLine, parseIntOpt, warn } from './run.js';

export function register(program: Command): void {
  program
    .command('view')
    .description('print or convert a VCF (plain, gzip, BGZF, bzip2 or "-" for stdin) as bcftools view does: subset samples, drop genotypes, recompute AC/AN')
    .argument('<file>', 'input VCF, or - for stdin')
    .option('-s, --samples <list>', 'comma-separated samples to keep, in this order; ^A,B keeps all but A and B')
    .option('-S, --samples-file <file>', 'file with one sample name per line (plain or gzip); ^FILE excludes them')
    .option('--force-samples', 'only warn about samples that are not in the header')
    .option('-I, --no-update', 'do not recompute INFO/AC and INFO/AN after subsetting samples')
    .option('-h, --header-only', 'print only the header')
    .option('-H, --no-header', 'suppress the header')
    .option('-G, --drop-genotypes', 'drop FORMAT and the sample columns (after subsetting with -s)')
    .option('-O, --output-type <t>', 'v: VCF, z: BGZF-compressed VCF, b: BCF, u: uncompressed BCF, optionally with a level (z0-z9, b0-b9); a -o name ending in .vcf, .vcf.gz or .bcf decides instead, as in bcftools')
    .option('-o, --output <file>', 'output file (default stdout); .vcf.gz, .vcf.bgz (or .gz) means BGZF, .bcf means BCF')
    .option('-l, --compression-level <n>', 'BGZF compression level 0-9 (implies compressed output)', parseIntOpt('--compression-level'))
    .option('--no-version', 'do not add the ##vcf-agent_view provenance header lines')
    .option('--threads <n>', 'extra threads (accepted for bcftools compatibility)', parseIntOpt('--threads'))
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
        onWarning: warn,
      });
      void res;
      return 0;
    }));
}
