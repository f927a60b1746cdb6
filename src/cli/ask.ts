/**
 * `vcf-agent ask "question"`: one question to the AI agent; the answer streams to stdout, then
 * "How this was computed" (the tool calls as vcf-agent commands with row counts) and the
 * grounding check; steps, tokens and retries go to stderr. --json prints the full trace instead.
 * The agent modules (AI SDK, providers, store) load only when the command runs.
 */
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import type { AgentCliOptions } from '../agent/session.js';
import { action, parseIntOpt } from './run.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** the options ask and chat share */
export function agentOptions(c: Command): Command {
  return c
    .option('--provider <name>', 'openai, anthropic, ollama or openai-compatible (default $VCF_AGENT_PROVIDER, else the first provider whose key or host is set)')
    .option('--model <id>', 'model id (default $VCF_AGENT_MODEL; gpt-4.1-mini for openai, claude-sonnet-4-5 for anthropic)')
    .option('--base-url <url>', 'API root of the provider, e.g. http://127.0.0.1:8000/v1 (default $VCF_AGENT_BASE_URL; ollama: $OLLAMA_HOST/api)')
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--data-dir <dir>', 'directory the agent may read VCF files from (repeatable; default the current directory); the workspace is always allowed', collect)
    .option('--allow-write', 'let the agent ingest files into the workspace')
    .option('--max-steps <n>', 'model steps (tool rounds) before stopping (default 12)', parseIntOpt('--max-steps'))
    .option('--timeout <s>', 'seconds per model call (default 120)', parseIntOpt('--timeout'))
    .option('--max-retries <n>', 'retries of a model call on HTTP 429/5xx, with exponential backoff (default 3)', parseIntOpt('--max-retries'))
    .option('--max-rows <n>', 'rows of each tool result shown to the model (default 40; counts are always whole)', parseIntOpt('--max-rows'))
    .option('--no-stream', 'wait for the whole answer instead of streaming it');
}

export function checkAgentOptions(o: AgentCliOptions): void {
  if (o.maxSteps !== undefined && o.maxSteps < 1) throw usageError('--max-steps must be at least 1');
  if (o.timeout !== undefined && o.timeout < 1) throw usageError('--timeout must be at least 1 second');
  if (o.maxRetries !== undefined && o.maxRetries < 0) throw usageError('--max-retries must be 0 or more');
  if (o.maxRows !== undefined && o.maxRows < 1) throw usageError('--max-rows must be at least 1');
}

export function register(program: Command): void {
  agentOptions(
    program
      .command('ask')
      .description('ask the AI agent a question about VCF files and the store; the answer ends with the vcf-agent commands that computed it')
      .argument('<question>', 'the question, e.g. "which samples carry a HIGH-impact variant in BRCA2?"'),
  )
    .option('--json', 'print the full trace (answer, steps, tool calls with inputs and results, commands, grounding, tokens) as JSON')
    .action(action(async (question: string, o: AgentCliOptions & { json?: boolean }) => {
      checkAgentOptions(o);
      if (!question.trim()) throw usageError('the question is empty');
      const s = await import('../agent/session.js');
      const st = s.setup(o);
      const streaming = !o.json && o.stream !== false;
      const run = await s.runTurn(st, { ...o, stream: !o.json && o.stream !== false }, question, [], streaming ? (t) => process.stdout.write(t) : undefined);
      if (o.json) {
        process.stdout.write(JSON.stringify(s.traceJson(run, st), null, 2) + '\n');
      } else if (streaming) {
        // the text is out already: the grounding check and the commands follow it
        const warn = run.grounding.unverified.length ? `\n\nGrounding check: ${run.grounding.unverified.length} number(s) appear in no tool result: ${run.grounding.unverified.join(', ')}.` : '';
        const noText = run.answer.startsWith('(') && !run.steps.some((x) => x.text) ? run.answer : '';
        process.stdout.write(`${noText}${warn}\n\n${run.howComputed}\n`);
      } else {
        process.stdout.write(run.report);
      }
      process.stderr.write(`vcf-agent: ${s.usageLine(run, st)}\n`);
      return 0;
    }));
}
