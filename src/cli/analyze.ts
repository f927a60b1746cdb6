import type { Command } from 'commander';
import { analyze, type AnalyzeResult } from '../stats/analyze.js';
import { IMPACTS, type VcfSummary } from '../stats/summary.js';
import { formatLocated } from '../vcf/errors.js';
import { action, parseIntOpt, EXIT, reportFirstError } from './run.js';
import { defaultReportName } from './report.js';

export function register(program: Command): void {
  program
    .command('analyze')
    .description('validate a VCF and summarise it: variant types, Ts/Tv, filters, per-sample genotypes, trios (Mendelian errors), ANN/CSQ impacts, ClinVar')
    .argument('<file>', 'VCF file (plain, gzip, BGZF, bzip2) or - for stdin')
    .option('--json', 'print the result as JSON')
    .option('--strict', 'exit 1 when validation found warnings')
    .option('--max-errors <n>', 'list at most N validation problems (0 = no limit)', parseIntOpt('--max-errors'), 20)
    .option('--max-line-bytes <n>', 'longest accepted line', parseIntOpt('--max-line-bytes'))
    .option('--report <file>', 'HTML report to write (default: <basename>.report.html in the current directory; stdin: stdin.report.html)')
    .option('--no-report', 'do not write the HTML report')
    .option('--db <dir>', 'workspace the file is stored in (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--no-ingest', 'do not store the file in the workspace')
    .addHelpText('after', '\nThe HTML report (as `vcf-agent report`) is written when the file could be summarised; a report that\ncannot be written is mentioned and does not change the exit code.\nA file without validation errors is also stored in the workspace (as `vcf-agent ingest`; stdin under\nthe name "-"), and commands to try on it are printed; a failed ingest is mentioned and does not change\nthe exit code.\nExit codes: 0 valid, 1 warnings under --strict, 2 invalid input or usage, 3 internal failure.')
    .action(action(async (file: string, o: { json?: boolean; strict?: boolean; maxErrors: number; maxLineBytes?: number; report?: string | false; db?: string; ingest: boolean }) => {
      const report = o.report === false ? undefined : (o.report ?? defaultReportName(file));
      const ingest = o.ingest ? { db: o.db, dbArg: o.db } : undefined;
      const r = await analyze(file, { maxErrors: o.maxErrors, maxLineBytes: o.maxLineBytes, report, ingest });
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(renderAnalyze(r));
      if (r.validation.errors) {
        reportFirstError(file, r.validation.issues);
        return EXIT.INPUT;
      }
      if (o.strict && r.validation.warnings) return EXIT.WARN;
      return EXIT.OK;
    }));
}

const fmtN = (n: number) => n.toLocaleString('en-US');
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const fmtQ = (q: number) => (Number.isInteger(q) ? String(q) : q.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));

/** an argument as a POSIX shell reads it back */
export function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const w = Math.max(...rows.map((x) => x[0].length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`);
}

function grid(head: string[], rows: string[][], indent = '  '): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), ...rows.map(line)];
}

export function renderAnalyze(r: AnalyzeResult): string {
  const v = r.validation;
  const out: string[] = [];
  out.push(`== ${r.file}`);
  out.push('');
  const state = v.errors ? 'INVALID' : v.warnings ? 'valid with warnings' : 'valid';
  out.push(`Validation: ${state} (${fmtN(v.records)} records read, ${v.errors} errors, ${v.warnings} warnings${v.truncated ? ', report truncated' : ''})`);
  for (const i of v.issues) out.push(`  ${formatLocated(i.file, i.line, i.column, `${i.severity}: ${i.message} [${i.rule}]`)}`);
  if (v.truncated || v.issues.length < v.errors + v.warnings) out.push(`  (more problems: run vcf-agent validate ${r.file})`);
  if (r.summaryError) {
    out.push('');
    out.push(r.summaryError);
  }
  const s = r.summary;
  if (s) {
    const b = r.build;
    out.push('', b
      ? `Reference build: ${b.build}${b.name !== b.build ? ` (${b.name})` : ''}, from ${b.source === 'contig-lengths' ? '##contig lengths' : 'the header'}: ${b.evidence.slice(0, 2).join(', ')}${b.evidence.length > 2 ? `, … ${b.evidence.length - 2} more` : ''}`
      : `Reference build: unknown (${r.buildNote ?? 'not detected'})`);
  }
  if (s) out.push('', ...renderSummary(s));
  if (r.report) out.push('', `HTML report: ${r.report.path}`);
  if (r.reportError) out.push('', r.reportError);
  if (r.ingest) {
    const g = r.ingest;
    out.push('', `Workspace: ${g.workspace} (file id ${g.fileId}, ${g.status === 'unchanged' ? 'already stored' : 'stored'}: ${fmtN(g.variants)} variant rows, ${fmtN(g.genotypes)} stored genotypes, ${fmtN(g.samples)} samples)`);
  }
  if (r.ingestError) out.push('', r.ingestError);
  if (r.next?.length) {
    out.push('', 'Next, try:');
    const cmds = r.next.map((n) => `vcf-agent ${n.argv.map(shellQuote).join(' ')}`);
    const w = Math.min(60, Math.max(...cmds.map((c) => c.length)));
    r.next.forEach((n, i) => out.push(`  ${cmds[i].padEnd(w)}  # ${n.what}`));
  }
  out.push('');
  return out.join('\n');
}

function renderSummary(s: VcfSummary): string[] {
  const out: string[] = [];
  out.push('Summary');
  const filters = [`PASS ${fmtN(s.pass)}`, ...Object.entries(s.filterCounts).map(([k, n]) => `${k} ${fmtN(n)}`)];
  if (s.filterMissing) filters.push(`'.' ${fmtN(s.filterMissing)}`);
  const rows: Array<[string, string]> = [
    ['fileformat', s.fileformat ?? '(missing)'],
    ['compression', s.compression],
    ['samples', fmtN(s.samples)],
    ['records', fmtN(s.records)],
    ['SNPs', fmtN(s.snps)],
    ['indels', `${fmtN(s.indels)} (ALT alleles: ${fmtN(s.insertions)} insertions, ${fmtN(s.deletions)} deletions)`],
    ['MNPs', fmtN(s.mnps)],
    ['other', fmtN(s.others)],
  ];
  if (s.breakendAlleles) rows.push(['breakend alleles', fmtN(s.breakendAlleles)]);
  if (s.overlapAlleles) rows.push(["'*' alleles", fmtN(s.overlapAlleles)]);
  rows.push(
    ['no-ALT sites', fmtN(s.noAlt)],
    ['multiallelic sites', `${fmtN(s.multiallelicSites)} (${fmtN(s.multiallelicSnpSites)} SNP-only)`],
    ['Ts/Tv', s.tstv === null ? 'n/a (no transversions)' : `${s.tstv.toFixed(2)} (${fmtN(s.ts)} / ${fmtN(s.tv)})`],
    ['FILTER', filters.join(', ')],
    ['QUAL', s.qual.mean === null ? 'all missing' : `min ${fmtQ(s.qual.min!)}, mean ${s.qual.mean.toFixed(1)}, max ${fmtQ(s.qual.max!)}${s.qual.missing ? `, ${fmtN(s.qual.missing)} missing` : ''}`],
    ['contigs', s.contigs.slice(0, 12).map((c) => `${c.id} (${fmtN(c.records)})`).join(', ') + (s.contigs.length > 12 ? `, … ${s.contigs.length - 12} more` : '')],
    ['annotations', [s.annotations.ann && 'SnpEff ANN', s.annotations.csq && 'VEP CSQ', s.annotations.clinvar && 'ClinVar CLNSIG'].filter(Boolean).join(', ') || 'none'],
  );
  out.push(...table(rows));

  if (s.sampleCounts.length) {
    out.push('');
    out.push(`Genotypes per sample${s.sampleCounts.length > 10 ? ` (first 10 of ${fmtN(s.sampleCounts.length)}; --json lists all)` : ''}`);
    const hasHap = s.sampleCounts.some((c) => c.hapRef || c.hapAlt);
    const hasPhased = s.sampleCounts.some((c) => c.phased);
    const head = ['sample', 'hom-ref', 'het', 'hom-alt', ...(hasHap ? ['hap-ref', 'hap-alt'] : []), 'missing', ...(hasPhased ? ['phased'] : [])];
    const rows2 = s.sampleCounts.slice(0, 10).map((c) => [c.name, fmtN(c.homRef), fmtN(c.het), fmtN(c.homAlt), ...(hasHap ? [fmtN(c.hapRef), fmtN(c.hapAlt)] : []), fmtN(c.missing), ...(hasPhased ? [fmtN(c.phased)] : [])]);
    out.push(...grid(head, rows2));
    if (s.sampleCounts.length > 1 && s.records) {
      const worst = s.sampleCounts.reduce((a, b) => (b.missing > a.missing ? b : a));
      if (worst.missing) out.push(`  most missing genotypes: ${worst.name} ${fmtN(worst.missing)} of ${fmtN(s.records)} (${pct(worst.missing, s.records)})`);
    }
  }

  if (s.trios.length) {
    out.push('');
    out.push('Trios (##PEDIGREE): Mendelian consistency, as bcftools +mendelian');
    for (const t of s.trios) {
      out.push(`  ${t.child} (mother ${t.mother}, father ${t.father}): ${fmtN(t.consistent)} consistent, ${fmtN(t.errors)} Mendelian errors, ${fmtN(t.skipped)} skipped (child GT missing, or ploidy > 2)`);
      out.push(`    candidate de novo (child carries ALT, both parents hom-ref): ${fmtN(t.deNovo)}`);
    }
  }

  if (s.impact) {
    const im = s.impact;
    out.push('');
    out.push(`Functional impact (${im.source === 'ANN' ? 'SnpEff ANN' : 'VEP CSQ'}, most severe per record)`);
    out.push(`  ${IMPACTS.map((k) => `${k} ${fmtN(im.records[k])}`).join(', ')}${im.unannotated ? `, not annotated ${fmtN(im.unannotated)}` : ''}`);
    const high = im.genes.filter((g) => g.high);
    const mod = [...im.genes].filter((g) => g.moderate).sort((a, b) => b.moderate - a.moderate || (a.gene < b.gene ? -1 : 1));
    const list = (gs: Array<{ gene: string; n: number }>) => gs.slice(0, 12).map((g) => `${g.gene} (${g.n})`).join(', ') + (gs.length > 12 ? `, … ${gs.length - 12} more` : '');
    if (high.length) out.push(`  genes with HIGH impact records: ${list(high.map((g) => ({ gene: g.gene, n: g.high })))}`);
    if (mod.length) out.push(`  genes with MODERATE impact records: ${list(mod.map((g) => ({ gene: g.gene, n: g.moderate })))}`);
  }

  if (s.clinvar) {
    out.push('');
    const entries = Object.entries(s.clinvar);
    const total = entries.reduce((a, [, n]) => a + n, 0);
    out.push(`ClinVar CLNSIG (${fmtN(total)} records with a value)`);
    if (entries.length) out.push(`  ${entries.map(([k, n]) => `${k} ${fmtN(n)}`).join(', ')}`);
  }
  return out;
}
