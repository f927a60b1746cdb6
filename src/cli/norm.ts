import type { Command } from 'commander';
import { norm } from '../annotate/normalize.js';
import { action, commandLine, parseIntOpt } from './run.js';
import { addRegionOptions, regionArgs } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('norm')
    .description('left-align and normalise indels against a reference, check REF, split or join multi-allelic records, atomize MNPs, remove duplicates (bcftools norm)')
    .argument('<file>', 'input VCF, or - for stdin')
    .option('-a, --atomize', 'decompose MNPs and complex variants into SNVs and indels (before -m, -f and -d)')
    .option('--atom-overlaps <*|.>', "with -a: overlapping alleles get the star allele (*, default) or missing genotypes (.)")
    .option('-f, --fasta-ref <file>', 'reference FASTA (plain or bgzipped; .fai/.gzi are built when missing)')
    .option('-c, --check-ref <e|w|x|s>', 'on a REF mismatch: exit (e, default), warn (w), exclude (x) or set/fix (s)')
    .option('-m, --multiallelics <-|+type>', 'split (-) or join (+) multi-allelic records; type: snps, indels, both (default) or any')
    .option('-N, --do-not-normalize', 'do not left-align/trim (with -m or -c s)')
    .option('-d, --rm-dup <type>', 'remove duplicates: snps, indels, both, all or exact')
    .option('-D, --remove-duplicates', 'same as -d exact (deprecated in bcftools)')
    .option('--old-rec-tag <tag>', 'annotate changed records with INFO/<tag> holding the original CHR|POS|REF|ALT|ALT_INDEX')
    .option('-s, --strict-filter', 'with -m +: a joined record is PASS only if all joined records pass')
    .option('-w, --site-win <n>', 'window (bp) for re-sorting records that moved', parseIntOpt('--site-win'))
    .option('--force', 'drop malformed Number=A/R/G fields instead of failing')
    .option('--keep-sum <tag>', 'keep the vector sum of AD constant when splitting');
  addRegionOptions(cmd)
    .option('-O, --output-type <t>', 'v: VCF, z: BGZF-compressed VCF, b: BCF, u: uncompressed BCF (default: from -o name)')
    .option('-o, --output <file>', 'output file (default stdout); a .gz name implies -O z, .bcf -O b')
    .option('-l, --compression-level <n>', 'BGZF compression level 0-9', parseIntOpt('--compression-level'))
    .option('--no-version', 'do not add ##vcf-agent_norm header lines')
    .option('--threads <n>', 'worker threads for BGZF input', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .option('-q, --quiet', 'do not print the closing summary on stderr')
    .helpOption('--help', 'display help for command')
    .action(action(async (file: string, o: Record<string, unknown>) => {
      const res = await norm({
        input: file,
        output: o.output as string | undefined,
        outputType: o.outputType as string | undefined,
        compressionLevel: o.compressionLevel as number | undefined,
        fasta: o.fastaRef as string | undefined,
        checkRef: o.checkRef as string | undefined,
        multiallelics: o.multiallelics as string | undefined,
        doNotNormalize: !!o.doNotNormalize,
        atomize: !!o.atomize,
        atomOverlaps: o.atomOverlaps as string | undefined,
        rmDup: o.rmDup as string | undefined,
        removeDuplicates: !!o.removeDuplicates,
        oldRecTag: o.oldRecTag as string | undefined,
        strictFilter: !!o.strictFilter,
        siteWin: o.siteWin as number | undefined,
        force: !!o.force,
        keepSum: o.keepSum as string | undefined,
        ...regionArgs(o),
        noVersion: o.version === false,
        threads: o.threads as number | undefined,
        maxLineBytes: o.maxLineBytes as number | undefined,
        commandLine: commandLine(),
        onWarning: (line) => process.stderr.write(line + '\n'),
      });
      if (!o.quiet) process.stderr.write(res.summary.join('\n') + '\n');
      return 0;
    }));
}
