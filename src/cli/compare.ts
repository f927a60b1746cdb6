import type { Command } from 'commander';
import { compareVcfs, GT_MATRIX_CLASSES, SITE_TYPES, type CompareResult, type TruthMetrics } from '../stats/compare.js';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt, warn } from './run.js';

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare two VCFs after normalisation: sites shared / only in A / only in B by type (as bcftools isec -c none after norm -m -any), per-sample genotype concordance and NRD (as bcftools stats A B), precision/recall/F1 against a truth set')
    .argument('<A>', 'first VCF (plain, gzip, BGZF, BCF; - for stdin)')
    .argument('<B>', 'second VCF')
    .option('-s, --samples <list>', 'comma-separated samples to compare genotypes of (default: every sample both files have)')
    .option('-f, --fasta-ref <file>', 'reference FASTA: left-align indels and check REF (a mismatch stops, as bcftools norm -c e)')
    .option('-c, --check-ref <e|w|x|s>', 'with -f, on a REF mismatch: exit (e, default), warn (w), exclude (x) or fix (s), as bcftools norm')
    .option('-R, --regions-file <file>', 'compare only records overlapping these regions (BED or CHROM<TAB>BEG<TAB>END), e.g. a confident-regions BED')
    .option('--truth <A|B>', 'treat A or B as the truth set: precision, recall and F1 for SNPs and indels (site level)')
    .option('--json', 'print the result as JSON')
    .option('-o, --output-dir <dir>', 'write the discordant sites: DIR/only_A.vcf, DIR/only_B.vcf, DIR/gt_discordant.tsv')
    .option('--threads <n>', 'worker threads for BGZF input', parseIntOpt('--threads'))
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .helpOption('--help', 'display help for command')
    .addHelpText('after', `
Both files are normalised first (bcftools norm -m -any, plus left-alignment with -f), then matched
as bcftools isec -c none matches records: identical CHROM, POS, REF and ALT. Genotype concordance
is bcftools stats' two-file comparison (NRD, GCsS/GCiS, GCTs/GCTi) of the same normalised files,
over the shared sites only. Exit codes: 0 success, 2 bad input or usage, 3 internal failure.`)
    .action(action(async (a: string, b: string, o: Record<string, unknown>) => {
      const truth = o.truth as string | undefined;
      if (truth !== undefined && truth.toUpperCase() !== 'A' && truth.toUpperCase() !== 'B') throw usageError(`--truth takes A or B, not "${truth}"`);
      const r = await compareVcfs({
        a, b,
        samples: o.samples as string | undefined,
        fasta: o.fastaRef as string | undefined,
        checkRef: o.checkRef as string | undefined,
        regionsFile: o.regionsFile as string | undefined,
        truth: truth === undefined ? undefined : (truth.toUpperCase() as 'A' | 'B'),
        outDir: o.outputDir as string | undefined,
        threads: o.threads as number | undefined,
        maxLineBytes: o.maxLineBytes as number | undefined,
      });
      for (const w of r.warnings) warn(w);
      process.stdout.write(o.json ? JSON.stringify(r, null, 1) + '\n' : renderCompare(r));
      return 0;
    }));
}

const fmtN = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);

function grid(head: string[], rows: string[][], indent = '  '): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), ...rows.map(line)];
}

const TYPE_LABEL: Record<string, string> = { snps: 'SNPs', mnps: 'MNPs', indels: 'indels', others: 'others', noAlt: 'no-ALT', total: 'total' };

export function renderCompare(r: CompareResult): string {
  const out: string[] = [];
  out.push(`== compare A: ${r.fileA}  B: ${r.fileB}`, '');
  const nm = r.normalisation;
  out.push(`Normalisation: multi-allelic records split${nm.leftAligned ? `, indels left-aligned against ${nm.fasta}` : ' (no reference: no left-alignment; give -f to left-align)'}`);
  out.push(`  A: ${fmtN(nm.a.total)} records in, ${fmtN(nm.a.split)} split, ${fmtN(nm.a.realigned)} realigned, ${fmtN(nm.a.records)} out`);
  out.push(`  B: ${fmtN(nm.b.total)} records in, ${fmtN(nm.b.split)} split, ${fmtN(nm.b.realigned)} realigned, ${fmtN(nm.b.records)} out`);
  out.push(`Matching: ${r.matching}`);
  if (r.regionsFile) out.push(`Regions: records overlapping ${r.regionsFile}`);
  out.push('', 'Sites');
  const keys = [...SITE_TYPES, 'total'] as const;
  out.push(...grid(['type', 'shared', 'only A', 'only B'], keys
    .filter((k) => k === 'total' || k === 'snps' || k === 'indels' || r.sites.shared[k] + r.sites.onlyA[k] + r.sites.onlyB[k] > 0)
    .map((k) => [TYPE_LABEL[k], fmtN(r.sites.shared[k]), fmtN(r.sites.onlyA[k]), fmtN(r.sites.onlyB[k])])));
  if (r.truth) {
    const t = r.truth;
    out.push('', `Against the truth set (${t.truthFile}: ${t.truthFile === 'A' ? r.fileA : r.fileB}; site level: TP shared, FP only in the query, FN only in the truth)`);
    const row = (name: string, m: TruthMetrics) => [name, fmtN(m.tp), fmtN(m.fp), fmtN(m.fn), pct(m.precision), pct(m.recall), pct(m.f1)];
    out.push(...grid(['type', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'], [row('SNPs', t.snps), row('indels', t.indels)]));
  }
  const c = r.concordance;
  out.push('');
  if (!c) out.push('Genotype concordance: no sample in both files');
  else {
    out.push(`Genotype concordance over the shared sites (${fmtN(c.samples.length)} sample${c.samples.length === 1 ? '' : 's'}; as bcftools stats -s SAMPLES A B)`);
    const nrd = (x: { nrd: number } | null) => (x ? `${x.nrd.toFixed(2)}%` : 'n/a');
    out.push(`  non-reference discordance (NRD): SNPs ${nrd(c.nrdSnps)}, indels ${nrd(c.nrdIndels)}`);
    out.push('', `  Genotype matrix, all samples (rows: A, columns: B; SNPs and indels; haploid calls as ref/hom-alt)`);
    out.push(...grid(['A \\ B', ...GT_MATRIX_CLASSES], GT_MATRIX_CLASSES.map((name, i) => [name, ...c.matrix[i].map(fmtN)]), '    '));
    const shown = c.perSample.slice(0, 20);
    out.push('', `  Per sample${c.perSample.length > 20 ? ` (first 20 of ${fmtN(c.perSample.length)}; --json lists all)` : ''}`);
    out.push(...grid(['sample', 'NRD SNPs', 'NRD indels', 'genotypes', 'discordant', 'missing in A only', 'missing in B only'], shown.map((s) => [
      s.sample, `${s.snps.nrd.toFixed(2)}%`, `${s.indels.nrd.toFixed(2)}%`, fmtN(s.genotypes), fmtN(s.discordant),
      fmtN(s.matrix[3][0] + s.matrix[3][1] + s.matrix[3][2]), fmtN(s.matrix[0][3] + s.matrix[1][3] + s.matrix[2][3]),
    ]), '    '));
  }
  if (r.outputs) {
    out.push('', `Discordant sites written to ${r.outputs.dir}: only_A.vcf (${fmtN(r.sites.onlyA.total)}), only_B.vcf (${fmtN(r.sites.onlyB.total)}), gt_discordant.tsv (${fmtN(r.outputs.discordantRows)} genotypes)`);
  }
  out.push('');
  return out.join('\n');
}
