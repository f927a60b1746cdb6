import * as fs from 'node:fs';
import type { Command } from 'commander';
import { bcfStats, renderText } from '../stats/bcfstats.js';
import { VcfError, usageError } from '../vcf/errors.js';
import { action, commandLine, parseIntOpt, warn } from './run.js';
import { addRegionOptions, regionArgs } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('stats')
    .description('statistics as `bcftools stats` 1.16 prints them (SN, TSTV, SiS, AF, QUAL, IDD, ST, DP; PSC, PSI, HWE with -s); with two files, per set and genotype concordance')
    .argument('[files...]', 'one VCF (or - for stdin), or two bgzipped and indexed VCFs to compare')
    .option('-s, --samples <list>', 'samples for the per-sample sections, "-" for all (^LIST excludes)')
    .option('-S, --samples-file <file>', 'file of samples to include')
    .option('-i, --include <expr>', 'select sites for which the expression is true')
    .option('-e, --exclude <expr>', 'exclude sites for which the expression is true')
    .option('-f, --apply-filters <list>', 'require at least one of the listed FILTER strings (e.g. "PASS,.")');
  addRegionOptions(cmd)
    .option('-1, --1st-allele-only', 'include only the first ALT allele of multiallelic sites')
    .option('-d, --depth <min,max,step>', 'depth distribution: min,max,bin size [0,500,1]')
    .option('-I, --split-by-ID', 'collect stats for sites with an ID separately (known vs novel)')
    .option('--af-tag <tag>', 'allele frequency INFO tag to use instead of AC/AN or the genotypes')
    .option('--compat <version>', 'bcftools behaviour to reproduce: 1.16 (default) or 1.22 (adds the VAF section)')
    .option('--json', 'write the statistics as JSON (the same numbers, one typed array per section)')
    .option('-o, --output <file>', 'output file (default stdout)')
    .option('--threads <n>', 'worker threads for BGZF decompression', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .action(action(async (files: string[], o: Record<string, unknown>) => {
      let inputs = files;
      if (inputs.length === 0) {
        if (process.stdin.isTTY) throw usageError('missing the input file (give a VCF file or - for stdin)');
        inputs = ['-'];
      }
      if (inputs.length > 2) throw usageError('stats takes one file, or two files to compare');
      const report = await bcfStats({
        files: inputs,
        samples: o.samples as string | undefined,
        samplesFile: o.samplesFile as string | undefined,
        include: o.include as string | undefined,
        exclude: o.exclude as string | undefined,
        applyFilters: o.applyFilters as string | undefined,
        ...regionArgs(o),
        firstAlleleOnly: !!o['1stAlleleOnly'],
        depth: o.depth as string | undefined,
        splitById: !!o.splitByID,
        afTag: o.afTag as string | undefined,
        compat: o.compat as string | undefined,
        threads: o.threads as number | undefined,
        maxLineBytes: o.maxLineBytes as number | undefined,
        commandLine: commandLine(),
      });
      for (const w of report.warnings) warn(w);
      const text = o.json ? JSON.stringify(report, null, 1) + '\n' : renderText(report);
      const out = o.output as string | undefined;
      if (out !== undefined && out !== '-') {
        try {
          fs.writeFileSync(out, text);
        } catch (e) {
          throw new VcfError('OUTPUT_WRITE', `cannot write the output: ${(e as Error).message}`, { file: out });
        }
      } else {
        process.stdout.write(text);
      }
      return 0;
    }));
}
