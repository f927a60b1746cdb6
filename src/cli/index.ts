import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { checkMinShift, indexFile, indexStats } from '../vcf/index/index-file.js';
import { action, parseIntOpt } from './run.js';

interface IndexOpts {
  tbi?: boolean;
  csi?: boolean;
  force?: boolean;
  minShift?: number;
  output?: string;
  stats?: boolean;
  nrecords?: boolean;
  threads?: number;
}

export function register(program: Command): void {
  program
    .command('index')
    .description('index a BGZF-compressed VCF or BCF for random access by region (-r/-R): CSI by default, as bcftools; TBI with -t (VCF only: BCF is always CSI)')
    .argument('<file>', 'BGZF-compressed VCF (compress with bgzip) or BCF (-O b)')
    .option('-c, --csi', 'write a CSI index (the default)')
    .option('-t, --tbi', 'write a TBI index (VCF only, positions up to 2^29 only)')
    .option('-f, --force', 'overwrite an existing index')
    .option('-m, --min-shift <n>', 'CSI: smallest interval is 2^N bases (default 14)', parseIntOpt('--min-shift'))
    .option('-o, --output <file>', 'index file to write (default FILE.csi or FILE.tbi)')
    .option('-s, --stats', 'print contig, length and record count from an existing index')
    .option('-n, --nrecords', 'print the number of records from an existing index')
    .option('--threads <n>', 'accepted for bcftools compatibility', parseIntOpt('--threads'))
    .addHelpText('after', '\nExit codes: 0 success, 2 bad input or usage (not BGZF, unsorted records, index exists without -f), 3 internal failure.')
    .action(action(async (file: string, o: IndexOpts) => {
      if (o.stats || o.nrecords) {
        if (o.stats && o.nrecords) throw usageError('give --stats or --nrecords, not both');
        const counts = await indexStats(file);
        if (o.nrecords) process.stdout.write(`${counts.reduce((n, c) => n + c.records, 0)}\n`);
        else for (const c of counts) process.stdout.write(`${c.contig}\t${c.length ?? '.'}\t${c.records}\n`);
        return 0;
      }
      if (o.tbi && o.csi) throw usageError('give -t (TBI) or -c (CSI), not both');
      if (o.tbi && o.minShift !== undefined) throw usageError('--min-shift applies to CSI indexes (TBI always uses 2^14 windows)');
      if (o.minShift !== undefined) checkMinShift(o.minShift);
      await indexFile({ input: file, format: o.tbi ? 'tbi' : 'csi', force: !!o.force, minShift: o.minShift, output: o.output });
      return 0;
    }));
}
