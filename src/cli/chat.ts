/**
 * `vcf-agent chat`: the agent in a REPL. History is kept per session id (WORKSPACE/sessions/ID.json;
 * --session ID resumes one). Lines starting with / are commands: /tools, /trace, /exit, /help.
 * Reads lines from stdin, so it also runs scripted (`printf 'q1\nq2\n' | vcf-agent chat`).
 */
import * as readline from 'node:readline';
import type { Command } from 'commander';
import type { AgentCliOptions } from '../agent/session.js';
import { VcfError } from '../vcf/errors.js';
import { agentOptions, checkAgentOptions } from './ask.js';
import { action } from './run.js';

const HELP = '/tools  list the tools   /trace  the last answer\'s trace as JSON   /exit  leave (history is kept)   /help  this list';

export function register(program: Command): void {
  agentOptions(
    program
      .command('chat')
      .description('talk with the AI agent (a REPL; history per session id; /tools, /trace, /exit)'),
  )
    .option('--session <id>', 'resume (or start) the session with this id (default a new id, printed at start)')
    .action(action(async (o: AgentCliOptions & { session?: string }) => {
      checkAgentOptions(o);
      const s = await import('../agent/session.js');
      const { toolList } = await import('../agent/tools.js');
      const st = s.setup(o);
      const id = o.session ?? s.newSessionId();
      const file = s.sessionFile(o.db, id);
      let history = s.loadHistory(file);
      const tty = !!process.stdin.isTTY;
      process.stderr.write(`vcf-agent chat with ${st.describe}, session ${id}${history.length ? ` (${history.length} earlier messages)` : ''}; resume with --session ${id}. ${HELP}\n`);
      const rl = readline.createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty, prompt: 'vcf-agent> ' });
      let last: Awaited<ReturnType<typeof s.runTurn>> | undefined;
      if (tty) rl.prompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (!line) { if (tty) rl.prompt(); continue; }
        if (line === '/exit' || line === '/quit') break;
        if (line === '/help') process.stdout.write(HELP + '\n');
        else if (line === '/tools') {
          for (const t of toolList()) process.stdout.write(`${t.name}${t.write ? (st.policy.allowWrite ? ' (writes)' : ' (writes: needs --allow-write)') : ''}\t${t.description}\n`);
        } else if (line === '/trace') {
          process.stdout.write(last ? JSON.stringify(s.traceJson(last, st), null, 2) + '\n' : 'no answer yet\n');
        } else if (line.startsWith('/')) {
          process.stdout.write(`unknown command ${line.split(/\s/)[0]}; ${HELP}\n`);
        } else {
          try {
            const streaming = o.stream !== false;
            last = await s.runTurn(st, o, line, history, streaming ? (t) => process.stdout.write(t) : undefined);
            const warn = last.grounding.unverified.length ? `\n\nGrounding check: ${last.grounding.unverified.length} number(s) appear in no tool result: ${last.grounding.unverified.join(', ')}.` : '';
            process.stdout.write(streaming ? `${warn}\n\n${last.howComputed}\n\n` : `${last.report}\n`);
            history = [...history, ...last.messages];
            s.saveHistory(file, history);
            process.stderr.write(`vcf-agent: ${s.usageLine(last, st)}\n`);
          } catch (e) {
            // a failed turn is reported and the session goes on
            if (!(e instanceof VcfError)) throw e;
            process.stderr.write(`vcf-agent: ${e.oneLine()}\n`);
          }
        }
        if (tty) rl.prompt();
      }
      rl.close();
      return 0;
    }));
}
