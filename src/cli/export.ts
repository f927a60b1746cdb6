import type { Command } from 'commander';
import * as fs from 'node:fs';
import { usageError } from '../vcf/errors.js';
import { PARQUET_LAYOUT } from '../store/export-parquet.js';
import { action, parseIntOpt } from './run.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('write the stored variants back out: VCF (split records as bcftools norm -m -any, one file), JSON lines or Parquet')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--format <fmt>', 'vcf, jsonl or parquet (parquet needs -o FILE or a redirected stdout)', 'vcf')
    .option('--file <id>', 'the file id to export (see db info); needed for vcf when the store holds several files', parseIntOpt('--file'))
    .option('-o, --output <path>', 'output file (default stdout)')
    .addHelpText('after', `\nJSON lines: one object per split record {chrom, pos, id, ref, alt, qual, filter, info: {TAG: text},
  format: [keys], samples: {NAME: {KEY: text}}, file_id, key, vtype, gene, genes, ...annotations}.
${PARQUET_LAYOUT}
Not exported: records without ALT and gVCF <NON_REF>/<*> alleles (not variants of the store).`)
    .action(action(async (o: { db?: string; format: string; file?: number; output?: string }) => {
      if (o.format !== 'vcf' && o.format !== 'jsonl' && o.format !== 'parquet') throw usageError(`--format must be vcf, jsonl or parquet, got "${o.format}"`);
      if (o.format === 'parquet' && !o.output && process.stdout.isTTY) throw usageError('--format parquet writes binary data: give -o FILE or redirect stdout');
      const { openForRead } = await import('../store/query.js');
      const { exportStore } = await import('../store/export.js');
      const store = await openForRead(o.db);
      const out = o.output ? fs.createWriteStream(o.output) : process.stdout;
      const writeBuf = (b: Uint8Array): Promise<void> => new Promise((res) => { if (out.write(b)) res(); else out.once('drain', () => res()); });
      const write = (s: string): Promise<void> => writeBuf(Buffer.from(s, o.format === 'vcf' ? 'latin1' : 'utf8'));
      try {
        await exportStore(store, { format: o.format, fileId: o.file, write, writeBytes: (b) => writeBuf(Buffer.from(b)) });
      } finally {
        store.close();
        if (o.output) await new Promise<void>((res) => (out as fs.WriteStream).end(res));
      }
    }));
}
