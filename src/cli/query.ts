import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt, warn } from './run.js';
import { addRegionOptions, regionArgs } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('query')
    .description('print fields of VCF records in a user-defined format (bcftools query): -f \'%CHROM\\t%POS[\\t%GT]\\n\'')
    .argument('[file]', 'input VCF or BCF (plain, gzip, BGZF, bzip2), or - for stdin (default when stdin is not a terminal)')
    .option('-f, --format <string>', 'format string, see bcftools query (%CHROM %POS %INFO/TAG [%SAMPLE %GT] ...)')
    .option('-i, --include <expr>', 'select sites for which the expression is true')
    .option('-e, --exclude <expr>', 'exclude sites for which the expression is true')
    .option('-s, --samples <list>', 'comma-separated samples to include (in this order), or ^A,B to exclude')
    .option('-S, --samples-file <file>', 'file of samples to include (prefix ^ to exclude)')
    .option('--force-samples', 'only warn about unknown subset samples')
    .option('-l, --list-samples', 'print the list of samples and exit')
    .option('-H, --print-header', 'print a header line; -HH without column numbers', (_v: string, prev: number) => prev + 1, 0)
    .option('-u, --allow-undef-tags', 'print "." for tags not defined in the header')
    .option('-F, --print-filtered <str>', 'print STR for samples failing the -i/-e expression')
    .option('-N, --disable-automatic-newline', 'do not add a newline when the format has none')
    .option('-a, --annots <list>', 'shortcut for -f "%CHROM\\t%POS\\t%MASK\\t%REF\\t%ALT\\t%TAG1\\t...\\n"');
  addRegionOptions(cmd)
    .option('-v, --vcf-list <file>', 'process the VCFs listed in FILE (one per line, same samples) instead of one file')
    .option('-o, --output <file>', 'output file (default stdout)')
    .option('--threads <n>', 'worker threads decompressing BGZF input (default 0: none)', parseIntOpt('--threads'))
    .option('--verbosity <n>', 'accepted for bcftools compatibility')
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .action(action(async (file: string | undefined, o: Record<string, unknown>) => {
      let input = file;
      if (input === undefined && o.vcfList !== undefined) input = '';
      if (input === undefined) {
        if (process.stdin.isTTY) throw usageError('missing the input file (give a VCF file or - for stdin)');
        input = '-';
      }
      let format = o.format as string | undefined;
      if (o.annots !== undefined) {
        format = '%CHROM\t%POS\t%MASK\t%REF\t%ALT\t%' + String(o.annots).split(',').join('\t%') + '\n';
      }
      // loaded on use: the format compiler and the expression engine are not needed by other commands
      const { query } = await import('../expr/query.js');
      const res = await query({
        input,
        format,
        include: o.include as string | undefined,
        exclude: o.exclude as string | undefined,
        samples: o.samples as string | undefined,
        samplesFile: o.samplesFile as string | undefined,
        forceSamples: !!o.forceSamples,
        listSamples: !!o.listSamples,
        printHeader: o.printHeader as number,
        allowUndefTags: !!o.allowUndefTags,
        printFiltered: o.printFiltered as string | undefined,
        noAutoNewline: !!o.disableAutomaticNewline,
        output: o.output as string | undefined,
        vcfList: o.vcfList as string | undefined,
        threads: o.threads as number | undefined,
        ...regionArgs(o),
        maxLineBytes: o.maxLineBytes as number | undefined,
      });
      for (const w of res.warnings) warn(w);
      return 0;
    }));
}
