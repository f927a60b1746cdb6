import type { Command } from 'commander';
import { action, parseIntOpt } from './run.js';

export function register(program: Command): void {
  program
    .command('ingest')
    .description('store VCF files in the workspace (LanceDB tables + graph); re-ingesting a file is a no-op')
    .argument('<files...>', 'VCF files (plain, gzip, BGZF, bzip2)')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--lock-wait <ms>', 'how long to wait for another writer of the workspace (default 5000)', parseIntOpt('--lock-wait'))
    .option('--fasta <ref.fa>', 'left-align variant keys against this reference (bcftools norm -f); recorded in the catalog')
    .option('--gff <genes>', 'GFF3 or GTF gene models: genes by overlap for files without ANN/CSQ/EFF annotations')
    .option('--clinvar <vcf>', 'ClinVar VCF joined by normalised key (CLNSIG, CLNREVSTAT, CLNDN, GENEINFO); chr1/1 spellings match')
    .option('--csq-tag <tag>', 'INFO tag holding VEP output (default CSQ; e.g. vep for gnomAD)')
    .option('--no-graph', 'skip the graph load (run `vcf-agent db rebuild-graph` later)')
    .option('--ann-index', 'also build (retrain) the ANN indexes of the similarity vectors at the end; by default none is built and `similar` searches exactly until `vcf-agent db optimize` builds them')
    .option('-q, --quiet', 'no progress on stderr')
    .action(action(async (files: string[], o: { db?: string; lockWait?: number; graph?: boolean; annIndex?: boolean; quiet?: boolean; fasta?: string; gff?: string; clinvar?: string; csqTag?: string }) => {
      const tty = !o.quiet && process.stderr.isTTY;
      const { ingestFiles } = await import('../store/ingest.js');
      const res = await ingestFiles(files, {
        db: o.db,
        lockWaitMs: o.lockWait,
        noGraph: o.graph === false,
        annIndex: o.annIndex,
        fasta: o.fasta,
        gff: o.gff,
        clinvar: o.clinvar,
        csqTag: o.csqTag,
        onPhase: tty ? (p, f) => process.stderr.write(`vcf-agent: ${p}${f ? ' ' + f : ''}\n`) : undefined,
      });
      if (res.recovered.length) process.stdout.write(`removed the rows of interrupted ingests: file ids ${res.recovered.join(', ')}\n`);
      for (const f of res.files) {
        process.stdout.write(`${f.file}\t${f.status}\tfile_id=${f.fileId}\trecords=${f.records}\tvariants=${f.variants}\tgenotypes=${f.genotypes}\tsamples=${f.samples}\tskipped_alleles=${f.skippedAlleles}${f.refBlocks ? `\tref_blocks=${f.refBlocks}` : ''}\n`);
      }
      if (res.graph) process.stdout.write(`graph: ${res.graph.rebuilt ? 'rebuilt' : 'updated'} (${res.graph.loaded.length} file(s) loaded)\n`);
      process.stdout.write(`workspace: ${res.workspace}\n`);
    }));
}
