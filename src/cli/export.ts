import type { Command } from 'commander';
import * as fs from 'node:fs';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt } from './run.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('write the stored variants back out: VCF (split records as bcftools norm -m -any, one file) or JSON lines')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--format <fmt>', 'vcf or jsonl (parquet: not available, no Parquet writer is installed)', 'vcf')
    .option('--file <id>', 'the file id to export (see db info); needed for vcf when the store holds several files', parseIntOpt('--file'))
    .option('-o, --output <path>', 'output file (default stdout)')
    .action(action(async (o: { db?: string; format: string; file?: number; output?: string }) => {
      if (o.format === 'parquet') throw usageError('--format parquet is not available: no Parquet writer is installed (use jsonl or vcf)');
      if (o.format !== 'vcf' && o.format !== 'jsonl') throw usageError(`--format must be vcf or jsonl, got "${o.format}"`);
      const { openForRead } = await import('../store/query.js');
      const { exportStore } = await import('../store/export.js');
      const store = await openForRead(o.db);
      const out = o.output ? fs.createWriteStream(o.output) : process.stdout;
      const write = (s: string): Promise<void> => new Promise((res) => { if (out.write(Buffer.from(s, o.format === 'vcf' ? 'latin1' : 'utf8'))) res(); else out.once('drain', () => res()); });
      try {
        await exportStore(store, { format: o.format, fileId: o.file, write });
      } finally {
        store.close();
        if (o.output) await new Promise<void>((res) => (out as fs.WriteStream).end(res));
      }
    }));
}
