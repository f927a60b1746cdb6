/**
 * Option groups several commands share, declared once: the bcftools region/target options
 * (-r/-R/--regions-overlap, -t/-T/--targets-overlap), with one help text and one way to read them.
 */
import type { Command } from 'commander';

/** -r/-R read through the .csi/.tbi index; -t/-T stream; both with bcftools' overlap modes. */
export function addRegionOptions(cmd: Command): Command {
  return cmd
    .option('-r, --regions <list>', 'comma-separated regions chr, chr:pos, chr:beg-end, chr:beg- (read through the .csi/.tbi index)')
    .option('-R, --regions-file <file>', 'regions from a file (BED 0-based, or CHROM POS / CHROM BEG END 1-based), read through the index')
    .option('--regions-overlap <0|1|2>', 'region match: POS in region (0, pos), record overlaps (1, record, default), variant overlaps (2, variant)')
    .option('-t, --targets <[^]list>', 'like -r but streams the file instead of using the index; ^ excludes the regions')
    .option('-T, --targets-file <[^]file>', 'like -R but streams the file; ^ excludes the regions')
    .option('--targets-overlap <0|1|2>', 'target match: POS in target (0, default), record overlaps (1), variant overlaps (2)');
}

export interface RegionArgs {
  regions?: string;
  regionsFile?: string;
  regionsOverlap?: string;
  targets?: string;
  targetsFile?: string;
  targetsOverlap?: string;
}

/** The options added by addRegionOptions, as the core functions take them. */
export function regionArgs(o: Record<string, unknown>): RegionArgs {
  return {
    regions: o.regions as string | undefined,
    regionsFile: o.regionsFile as string | undefined,
    regionsOverlap: o.regionsOverlap as string | undefined,
    targets: o.targets as string | undefined,
    targetsFile: o.targetsFile as string | undefined,
    targetsOverlap: o.targetsOverlap as string | undefined,
  };
}
