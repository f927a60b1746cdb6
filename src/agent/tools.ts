/**
 * The agent's tools: one per capability (src/capabilities.ts), each the capability's schema plus
 * guards (guards.ts) and compaction. A tool never computes anything itself: it checks, calls the
 * capability's core function, and returns a compact result (counts whole, rows cut to a budget,
 * VCF-derived text fenced). Every call is recorded (input, status, equivalent commands, row count)
 * for the trace and the "How this was computed" section.
 */
import { tool, type ToolSet } from 'ai';
import { CAPABILITIES, type Capability, type CapabilityResult, type Row } from '../capabilities.js';
import { VcfError } from '../vcf/errors.js';
import { FENCE_NOTE, GuardRefusal, checkCypher, checkPath, checkWrite, fence, type AgentPolicy } from './guards.js';

export interface Budget {
  /** rows shown per result (default 40) */
  maxRows: number;
  /** characters of row JSON shown per result (default 6000) */
  maxChars: number;
}
export const DEFAULT_BUDGET: Budget = { maxRows: 40, maxChars: 6000 };

export type ToolStatus = 'ok' | 'refused' | 'error' | 'invalid-input';

/** What the model receives from a tool. */
export interface ToolOutput {
  tool: string;
  status: ToolStatus;
  /** ok: the full number of rows of the result */
  row_count?: number;
  rows_shown?: number;
  truncated?: boolean;
  /** refused / error: the rule id */
  rule?: string;
  /** refused / error: one line */
  message?: string;
  note?: string;
  /** ok: fenced JSON {facts, rows} */
  data?: string;
}

/** One tool call as the trace keeps it. */
export interface ToolCallRecord {
  id: string;
  tool: string;
  input: unknown;
  status: ToolStatus;
  /** equivalent `vcf-agent` command lines (argv after the program name) */
  commands: string[][];
  rowCount?: number;
  rule?: string;
  message?: string;
  /** what the model was sent */
  output?: ToolOutput;
  ms: number;
}

export type Recorder = (r: ToolCallRecord) => void;

export function compactRows(rows: Row[], budget: Budget): { shown: Row[]; truncated: boolean } {
  const shown: Row[] = [];
  let chars = 0;
  for (const r of rows) {
    if (shown.length >= budget.maxRows) break;
    const n = JSON.stringify(r).length + 1;
    if (chars + n > budget.maxChars && shown.length > 0) break;
    shown.push(r);
    chars += n;
  }
  return { shown, truncated: shown.length < rows.length };
}

function oneLine(e: unknown): { rule: string; message: string } {
  if (e instanceof VcfError) return { rule: e.code, message: e.oneLine() };
  const m = e instanceof Error ? e.message : String(e);
  return { rule: 'AGENT_TOOL_FAILED', message: (m.split('\n')[0] || 'failed').slice(0, 500) };
}

/** Run one capability under the policy; never throws (refusals and errors are outputs). */
export async function runCapability(cap: Capability, input: unknown, policy: AgentPolicy, budget: Budget = DEFAULT_BUDGET): Promise<{ output: ToolOutput; record: Omit<ToolCallRecord, 'id' | 'ms'> }> {
  const ctx = { db: policy.db };
  let commands: string[][] = [];
  try {
    const parsed = cap.input.parse(input);
    commands = cap.commands(parsed, ctx);
    if (cap.write) checkWrite(cap.name, policy);
    for (const p of cap.paths(parsed)) checkPath(p, policy);
    if (cap.name === 'graph_query') checkCypher((parsed as { cypher: string }).cypher);
    const res: CapabilityResult = await cap.run(parsed, ctx);
    commands = cap.commands(parsed, ctx);
    const { shown, truncated } = compactRows(res.rows, budget);
    const output: ToolOutput = {
      tool: cap.name,
      status: 'ok',
      row_count: res.rowCount,
      rows_shown: shown.length,
      truncated,
      note: FENCE_NOTE + (truncated ? ` Only ${shown.length} of ${res.rowCount} rows are shown; counts cover all rows.` : ''),
      data: fence(JSON.stringify({ facts: res.facts, rows: shown })),
    };
    return { output, record: { tool: cap.name, input, status: 'ok', commands, rowCount: res.rowCount, output } };
  } catch (e) {
    if (e instanceof GuardRefusal) {
      const output: ToolOutput = { tool: cap.name, status: 'refused', rule: e.rule, message: `refused: ${e.message}` };
      return { output, record: { tool: cap.name, input, status: 'refused', commands, rule: e.rule, message: e.message, output } };
    }
    const { rule, message } = oneLine(e);
    // an error message can quote file content: fenced like any VCF text
    const output: ToolOutput = { tool: cap.name, status: 'error', rule, message: fence(message), note: FENCE_NOTE };
    return { output, record: { tool: cap.name, input, status: 'error', commands, rule, message, output } };
  }
}

/** The AI SDK tool set over every capability; each call is passed to `record`. */
export function buildTools(policy: AgentPolicy, record: Recorder, budget: Budget = DEFAULT_BUDGET, caps: Capability[] = CAPABILITIES): ToolSet {
  const set: ToolSet = {};
  for (const cap of caps) {
    set[cap.name] = tool({
      description: cap.description,
      inputSchema: cap.input,
      execute: async (input: unknown, opts: { toolCallId: string }) => {
        const t0 = Date.now();
        const { output, record: r } = await runCapability(cap, input, policy, budget);
        record({ id: opts.toolCallId, ms: Date.now() - t0, ...r });
        return output;
      },
    });
  }
  return set;
}

/** tool names and one-line descriptions (for /tools and the help) */
export function toolList(caps: Capability[] = CAPABILITIES): Array<{ name: string; description: string; write: boolean }> {
  return caps.map((c) => ({ name: c.name, description: c.description, write: c.write }));
}
