import type { Command } from 'commander';
import { view } from '../vcf/view.js';
import { usageError } from '../vcf/errors.js';
import { action, commandLine, parseIntOpt, warn } from './run.js';
import { addRegionOptions, regionArgs as regionOpts } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('view')
    .description('print or convert a VCF (plain, gzip, BGZF, bzip2 or "-" for stdin) as bcftools view does: subset samples, drop genotypes, recompute AC/AN, filter sites (-i/-e, -c/-q, -v, -f, -p, -u, -x ...), trim alleles (-a, -A), regions (-r/-R) and targets (-t/-T)')
    .argument('[file]', 'input VCF, or - for stdin (the default when stdin is not a terminal)')
    .argument('[regions...]', 'regions to restrict to (as -r; need an index)')
    .option('-s, --samples <list>', 'comma-separated samples to keep, in this order; ^A,B keeps all but A and B')
    .option('-S, --samples-file <file>', 'file with one sample name per line (plain or gzip); ^FILE excludes them')
    .option('--force-samples', 'only warn about samples that are not in the header')
    .option('-I, --no-update', 'do not recompute INFO/AC and INFO/AN after subsetting samples')
    .option('-h, --header-only', 'print only the header')
    .option('-H, --no-header', 'suppress the header')
    .option('-G, --drop-genotypes', 'drop FORMAT and the sample columns (after subsetting with -s)')
    .option('--with-header', 'print both the header and the records (the default)')
    .option('-a, --trim-alt-alleles', 'trim ALT alleles not seen in the genotypes of the (kept) samples; INFO/FORMAT Number=A,R,G values follow')
    .option('-A, --trim-unseen-allele', 'remove the <*>, <NON_REF> or <X> allele at variant sites (-A) or at all sites (-AA)', (_v: string, prev: number) => prev + 1, 0);
  addRegionOptions(cmd)
    .option('-i, --include <expr>', 'keep sites for which the expression is true (bcftools EXPRESSIONS; evaluated before -s subsetting)')
    .option('-e, --exclude <expr>', 'drop sites for which the expression is true')
    .option('-c, --min-ac <int[:type]>', 'minimum count of non-reference (nref, default), 1st alternate (alt1), least frequent (minor), most frequent (major) or all but the most frequent (nonmajor) alleles')
    .option('-C, --max-ac <int[:type]>', 'maximum allele count, types as -c')
    .option('-q, --min-af <float[:type]>', 'minimum allele frequency, types as -c')
    .option('-Q, --max-af <float[:type]>', 'maximum allele frequency, types as -c')
    .option('-m, --min-alleles <n>', 'minimum number of alleles in REF and ALT (e.g. -m2 -M2 for biallelic sites)')
    .option('-M, --max-alleles <n>', 'maximum number of alleles in REF and ALT')
    .option('-v, --types <list>', 'keep these variant types: snps,indels,mnps,ref,bnd,other')
    .option('-V, --exclude-types <list>', 'drop these variant types: snps,indels,mnps,ref,bnd,other')
    .option('-f, --apply-filters <list>', 'keep records with at least one of these FILTER values (e.g. "PASS,."; "." means no FILTER)')
    .option('-g, --genotype <[^]hom|het|miss>', 'require (or, with ^, exclude) a hom, het or missing genotype among the kept samples')
    .option('-k, --known', 'keep known sites only (ID is not ".")')
    .option('-n, --novel', 'keep novel sites only (ID is ".")')
    .option('-p, --phased', 'keep sites where every (kept) sample is phased')
    .option('-P, --exclude-phased', 'drop sites where every (kept) sample is phased')
    .option('-u, --uncalled', 'keep sites without a called genotype')
    .option('-U, --exclude-uncalled', 'drop sites without a called genotype')
    .option('-x, --private', 'keep sites whose non-reference alleles are only in the -s samples')
    .option('-X, --exclude-private', 'drop sites whose non-reference alleles are only in the -s samples')
    .option('-W, --write-index [csi|tbi]', 'index the output (-o FILE with -O z or b): CSI by default, as newer bcftools')
    .option('-O, --output-type <t>', 'v: VCF, z: BGZF-compressed VCF, b: BCF, u: uncompressed BCF, optionally with a level (z0-z9, b0-b9); a -o name ending in .vcf, .vcf.gz or .bcf decides instead, as in bcftools')
    .option('-o, --output <file>', 'output file (default stdout); .vcf.gz, .vcf.bgz (or .gz) means BGZF, .bcf means BCF')
    .option('-l, --compression-level <n>', 'BGZF compression level 0-9 (implies compressed output)', parseIntOpt('--compression-level'))
    .option('--no-version', 'do not add the ##vcf-agent_view provenance header lines')
    .option('--threads <n>', 'extra threads (accepted for bcftools compatibility)', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .action(action(async (fileArg: string | undefined, regionArgs: string[], o: Record<string, unknown>) => {
      let file = fileArg;
      // -W takes its format only when attached (-Wtbi, --write-index=tbi), as bcftools' optional
      // argument: a separate word after -W is the input file (or a region)
      let writeIndex = o.writeIndex as boolean | string | undefined;
      if (typeof writeIndex === 'string' && !process.argv.some((a) => a === `--write-index=${writeIndex}` || a === `-W${writeIndex}` || /^-[^-]*W/.test(a) && a.endsWith(`W${writeIndex}`))) {
        if (file !== undefined) regionArgs = [file, ...regionArgs];
        file = writeIndex;
        writeIndex = true;
      }
      if (file === undefined) {
        if (process.stdin.isTTY) throw usageError('missing the input file (give a VCF file or - for stdin)');
        file = '-';
      }
      const res = await view({
        input: file,
        output: o.output as string | undefined,
        outputType: o.outputType as string | undefined,
        samples: o.samples as string | undefined,
        samplesFile: o.samplesFile as string | undefined,
        forceSamples: !!o.forceSamples,
        noUpdate: o.update === false,
        headerOnly: !!o.headerOnly && !o.withHeader,
        noHeader: o.header === false && !o.withHeader,
        dropGenotypes: !!o.dropGenotypes,
        noVersion: o.version === false,
        threads: o.threads as number | undefined,
        compressionLevel: o.compressionLevel as number | undefined,
        maxLineBytes: o.maxLineBytes as number | undefined,
        commandLine: commandLine(),
        onWarning: warn,
        include: o.include as string | undefined,
        exclude: o.exclude as string | undefined,
        trimAltAlleles: !!o.trimAltAlleles,
        trimUnseenAllele: (o.trimUnseenAllele as number | undefined) ?? 0,
        minAc: o.minAc as string | undefined,
        maxAc: o.maxAc as string | undefined,
        minAf: o.minAf as string | undefined,
        maxAf: o.maxAf as string | undefined,
        minAlleles: o.minAlleles as string | undefined,
        maxAlleles: o.maxAlleles as string | undefined,
        types: o.types as string | undefined,
        excludeTypes: o.excludeTypes as string | undefined,
        applyFilters: o.applyFilters as string | undefined,
        genotype: o.genotype as string | undefined,
        known: !!o.known,
        novel: !!o.novel,
        phased: !!o.phased,
        excludePhased: !!o.excludePhased,
        uncalled: !!o.uncalled,
        excludeUncalled: !!o.excludeUncalled,
        private: !!o.private,
        excludePrivate: !!o.excludePrivate,
        ...regionOpts(o),
        regionArgs,
        writeIndex,
      });
      void res;
      return 0;
    }));
}
