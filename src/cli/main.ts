/**
 * vcf-agent command line: one file per command in src/cli, each a thin adapter over a core function.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, errorExit, installProcessHandlers } from './run.js';

/**
 * Command modules in registration (help) order, each loaded only when needed: a run of one known
 * command (`vcf-agent view ...`) loads that command's module alone, so its start-up does not pay
 * for the store, server or LLM modules; anything else (help, --version, unknown) loads them all.
 */
type Register = (p: Command) => void;
const COMMANDS: Array<[string[], () => Promise<{ register: Register }>]> = [
  [['analyze'], () => import('./analyze.js')],
  [['validate'], () => import('./validate.js')],
  [['view'], () => import('./view.js')],
  [['query'], () => import('./query.js')],
  [['filter'], () => import('./filter.js')],
  [['index'], () => import('./index.js')],
  [['ingest'], () => import('./ingest.js')],
  [['variants', 'sample', 'gene', 'compare-samples', 'samples', 'db', 'graph'], () => import('./store.js')],
  [['export'], () => import('./export.js')],
  [['norm'], () => import('./norm.js')],
  [['stats'], () => import('./stats.js')],
  [['compare'], () => import('./compare.js')],
  [['report'], () => import('./report.js')],
  [['ask'], () => import('./ask.js')],
  [['chat'], () => import('./chat.js')],
  [['serve'], () => import('./serve.js')],
  [['similar'], () => import('./similar.js')],
  [['embed'], () => import('./embed.js')],
];

installProcessHandlers();

const program = new Command();
program
  .name('vcf-agent')
  .description('VCF Analysis Agent: validate, summarise and query VCF files with bcftools semantics.\nExit codes: 0 success, 1 warnings under --strict, 2 bad input or usage, 3 internal failure.')
  .version(VERSION, '--version')
  .exitOverride()
  // usage errors look like every other error: one line, `vcf-agent: ...`
  .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`vcf-agent: ${s.replace(/^error: /, '')}`) });

{
  const name = process.argv[2];
  const only = name !== undefined ? COMMANDS.find(([names]) => names.includes(name)) : undefined;
  for (const [, load] of only ? [only] : COMMANDS) (await load()).register(program);
}

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
