/**
 * vcf-agent command line: one file per command in src/cli, each a thin adapter over a core function.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, errorExit, installProcessHandlers } from './run.js';
import { register as registerView } from './view.js';
import { register as registerValidate } from './validate.js';
import { register as registerAnalyze } from './analyze.js';
import { register as registerQuery } from './query.js';
import { register as registerFilter } from './filter.js';
import { register as registerIndex } from './index.js';
import { register as registerIngest } from './ingest.js';
import { register as registerStore } from './store.js';
import { register as registerExport } from './export.js';
import { register as registerNorm } from './norm.js';
import { register as registerStats } from './stats.js';
import { register as registerCompare } from './compare.js';
import { register as registerReport } from './report.js';
import { register as registerAsk } from './ask.js';
import { register as registerChat } from './chat.js';
import { register as registerServe } from './serve.js';
import { register as registerSimilar } from './similar.js';

installProcessHandlers();

const program = new Command();
program
  .name('vcf-agent')
  .description('VCF Analysis Agent: validate, summarise and query VCF files with bcftools semantics.\nExit codes: 0 success, 1 warnings under --strict, 2 bad input or usage, 3 internal failure.')
  .version(VERSION, '--version')
  .exitOverride()
  // usage errors look like every other error: one line, `vcf-agent: ...`
  .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`vcf-agent: ${s.replace(/^error: /, '')}`) });

registerAnalyze(program);
registerValidate(program);
registerView(program);
registerQuery(program);
registerFilter(program);
registerIndex(program);
registerIngest(program);
registerStore(program);
registerExport(program);
registerNorm(program);
registerStats(program);
registerCompare(program);
registerReport(program);
registerAsk(program);
registerChat(program);
registerServe(program);
registerSimilar(program);

for (const c of program.commands) c.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(EXIT.OK);
    process.exit(EXIT.INPUT);
  }
  errorExit(e);
}
