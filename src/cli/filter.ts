import type { Command } from 'commander';
import { filterVcf } from '../vcf/filter.js';
import { usageError } from '../vcf/errors.js';
import { parseOverlapMode } from '../vcf/regions.js';
import { action, commandLine, parseIntOpt, warn } from './run.js';
import { addRegionOptions, regionArgs } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('filter')
    .description('apply fixed-threshold filters (bcftools filter): drop or soft-filter records failing -i/-e, a region mask, SnpGap/IndelGap; -r/-R regions, -t/-T targets')
    .argument('[file]', 'input VCF or BCF (plain, gzip, BGZF, bzip2), or - for stdin (default when stdin is not a terminal)')
    .option('-i, --include <expr>', 'include only sites for which the expression is true')
    .option('-e, --exclude <expr>', 'exclude sites for which the expression is true')
    .option('-s, --soft-filter <name>', 'annotate the FILTER column with NAME instead of dropping records ("+": a made-up Filter%d name)')
    .option('-m, --mode <+x>', '"+": add to existing FILTERs instead of replacing them; "x": reset FILTER to PASS at passing sites')
    .option('-S, --set-GTs <.|0>', 'set genotypes of failing samples to missing (.) or ref (0)')
    .option('-g, --SnpGap <n[:types]>', 'filter SNPs within N bp of an indel (default) or of indel,mnp,bnd,other,overlap')
    .option('-G, --IndelGap <n>', 'filter clusters of indels separated by N or fewer bp, allowing only one to pass', parseIntOpt('--IndelGap'))
    .option('--mask <[^]regions>', 'soft-filter records in these regions ("^" to negate); needs --soft-filter')
    .option('-M, --mask-file <[^]file>', 'soft-filter records in the regions listed in a file ("^" to negate)')
    .option('--mask-overlap <0|1|2>', 'mask if POS is in the region (0), the record overlaps (1, default), the variant overlaps (2)');
  addRegionOptions(cmd)
    .option('-O, --output-type <t>', 'v: VCF, z: BGZF-compressed VCF, with an optional compression level 0-9 (e.g. z9)')
    .option('-o, --output <file>', 'output file (default stdout); a .gz name implies -O z')
    .option('--no-version', 'do not add ##vcf-agent_filter header lines')
    .option('--threads <n>', 'accepted for bcftools compatibility', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .action(action(async (file: string | undefined, o: Record<string, unknown>) => {
      let input = file;
      if (input === undefined) {
        if (process.stdin.isTTY) throw usageError('missing the input file (give a VCF file or - for stdin)');
        input = '-';
      }
      let outputType = o.outputType as string | undefined;
      let level: number | undefined;
      if (outputType !== undefined) {
        const m = /^([vzbu]?)(\d?)$/.exec(outputType);
        if (!m || (!m[1] && !m[2])) throw usageError(`the output type "${outputType}" is not recognised (v, z, b, u, optionally followed by a level 0-9)`);
        if (m[2]) level = Number(m[2]);
        outputType = m[1] || (level !== undefined && level > 0 ? 'z' : 'v');
      }
      await filterVcf({
        input,
        output: o.output as string | undefined,
        outputType,
        compressionLevel: level,
        include: o.include as string | undefined,
        exclude: o.exclude as string | undefined,
        softFilter: o.softFilter as string | undefined,
        mode: o.mode as string | undefined,
        setGts: o.setGTs as string | undefined,
        snpGap: o.SnpGap as string | undefined,
        indelGap: o.IndelGap as number | undefined,
        mask: o.mask as string | undefined,
        maskFile: o.maskFile as string | undefined,
        maskOverlap: o.maskOverlap === undefined ? undefined : parseOverlapMode(o.maskOverlap as string, '--mask-overlap'),
        ...regionArgs(o),
        regionsOverlap: o.regionsOverlap === undefined ? undefined : parseOverlapMode(o.regionsOverlap as string, '--regions-overlap'),
        targetsOverlap: o.targetsOverlap === undefined ? undefined : parseOverlapMode(o.targetsOverlap as string, '--targets-overlap'),
        noVersion: o.version === false,
        maxLineBytes: o.maxLineBytes as number | undefined,
        commandLine: commandLine(),
        onWarning: warn,
      });
      return 0;
    }));
}
