import type { Command } from 'commander';
import { analyze, type AnalyzeResult } from '../stats/analyze.js';
import { formatLocated } from '../vcf/errors.js';
import { action, EXIT } from './run.js';

export function register(program: Command): void {
  program
    .command('analyze')
    .description('validate a VCF and print a summary (records, variant types, Ts/Tv, filters, samples)')
    .argument('<file>', 'VCF file (plain, gzip, BGZF, bzip2) or - for stdin')
    .option('--json', 'print the result as JSON')
    .option('--strict', 'exit 1 when validation found warnings')
    .action(action(async (file: string, o: { json?: boolean; strict?: boolean }) => {
      const r = await analyze(file);
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(renderAnalyze(r));
      if (r.validation.errors) return EXIT.INPUT;
      if (o.strict && r.validation.warnings) return EXIT.WARN;
      return EXIT.OK;
    }));
}

const fmtN = (n: number) => n.toLocaleString('en-US');

export function renderAnalyze(r: AnalyzeResult): string {
  const v = r.validation;
  const out: string[] = [];
  out.push(`== ${r.file}`);
  out.push('');
  out.push(`Validation: ${v.errors ? 'INVALID' : 'valid'} (${v.errors} errors, ${v.warnings} warnings)`);
  for (const i of v.issues.slice(0, 20)) out.push(`  ${formatLocated(i.file, i.line, i.column, `${i.severity}: ${i.message} [${i.rule}]`)}`);
  if (v.issues.length > 20) out.push(`  … ${v.issues.length - 20} more (run: vcf-agent validate ${r.file})`);
  const s = r.summary;
  if (s) {
    out.push('');
    out.push('Summary');
    const rows: Array<[string, string]> = [
      ['fileformat', s.fileformat ?? '(missing)'],
      ['compression', s.compression],
      ['samples', fmtN(s.samples)],
      ['records', fmtN(s.records)],
      ['SNPs', fmtN(s.snps)],
      ['MNPs', fmtN(s.mnps)],
      ['indels', fmtN(s.indels)],
      ['other alleles', fmtN(s.others)],
      ['no-ALT sites', fmtN(s.noAlt)],
      ['multiallelic sites', fmtN(s.multiallelicSites)],
      ['Ts/Tv', s.tstv === null ? 'n/a' : `${s.tstv.toFixed(2)} (${fmtN(s.ts)}/${fmtN(s.tv)})`],
      ['FILTER PASS', fmtN(s.pass)],
      ['FILTER failed', fmtN(s.filtered) + (Object.keys(s.filterCounts).length ? ` (${Object.entries(s.filterCounts).map(([k, n]) => `${k}: ${n}`).join(', ')})` : '')],
      ['QUAL', s.qual.mean === null ? 'all missing' : `min ${s.qual.min}, mean ${s.qual.mean.toFixed(1)}, max ${s.qual.max}${s.qual.missing ? `, ${s.qual.missing} missing` : ''}`],
      ['contigs', s.contigs.slice(0, 12).map((c) => `${c.id} (${fmtN(c.records)})`).join(', ') + (s.contigs.length > 12 ? `, … ${s.contigs.length - 12} more` : '')],
      ['annotations', [s.annotations.ann && 'SnpEff ANN', s.annotations.csq && 'VEP CSQ', s.annotations.clinvar && 'ClinVar'].filter(Boolean).join(', ') || 'none'],
    ];
    const w = Math.max(...rows.map((x) => x[0].length));
    for (const [k, val] of rows) out.push(`  ${k.padEnd(w)}  ${val}`);
    if (s.sampleCounts.length) {
      out.push('');
      out.push('Per sample (hom-ref / het / hom-alt / haploid-alt / missing)');
      const shown = s.sampleCounts.slice(0, 10);
      const nw = Math.max(...shown.map((x) => x.name.length), 6);
      for (const c of shown) out.push(`  ${c.name.padEnd(nw)}  ${fmtN(c.homRef)} / ${fmtN(c.het)} / ${fmtN(c.homAlt)} / ${fmtN(c.hap)} / ${fmtN(c.missing)}`);
      if (s.sampleCounts.length > 10) out.push(`  … ${s.sampleCounts.length - 10} more samples`);
    }
  }
  out.push('');
  return out.join('\n');
}
