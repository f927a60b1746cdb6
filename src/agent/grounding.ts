/**
 * Grounding: every answer ends with "How this was computed" (each tool call as the `vcf-agent`
 * command lines that compute the same result, with its row count), and every number in the answer
 * is looked up in the tool results the model received (and the question): a number found in none
 * is marked `[unverified]` and listed.
 */
import type { ToolCallRecord } from './tools.js';

/** quote one argument for a POSIX shell */
export function shellQuote(a: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: string[]): string {
  return ['vcf-agent', ...argv].map(shellQuote).join(' ');
}

export function howComputed(calls: ToolCallRecord[]): string {
  const out = ['How this was computed:'];
  if (!calls.length) {
    out.push('  no tool was called: nothing in this answer comes from the data.');
    return out.join('\n');
  }
  calls.forEach((c, i) => {
    const n = `  ${i + 1}.`;
    const pad = ' '.repeat(n.length + 1);
    if (c.status === 'ok') {
      const rows = `${c.rowCount} row${c.rowCount === 1 ? '' : 's'}`;
      c.commands.forEach((cmd, k) => out.push(`${k === 0 ? n + ' ' : pad}${commandLine(cmd)}${k === c.commands.length - 1 ? `   (${c.tool}: ${rows})` : ''}`));
      if (!c.commands.length) out.push(`${n} ${c.tool} (${rows})`);
    } else {
      const what = c.commands.length ? commandLine(c.commands[0]) : `${c.tool} ${JSON.stringify(c.input)}`;
      out.push(`${n} ${c.status === 'refused' ? 'REFUSED' : c.status === 'invalid-input' ? 'INVALID INPUT' : 'FAILED'}: ${what}   (${c.rule ?? c.status}: ${oneLine(c.message ?? '')})`);
    }
  });
  return out.join('\n');
}

function oneLine(s: string): string {
  const t = s.replace(/<<<VCF_DATA [0-9a-f]+\n|\nVCF_DATA [0-9a-f]+>>>/g, '').replace(/\s+/g, ' ').trim();
  return t.length > 200 ? t.slice(0, 200) + '…' : t;
}

// ---- the number check -------------------------------------------------------------------------

/**
 * every number standing on its own in a text: 12, 0.005, 1,500, 32316461 in chr13:32316461:G:A;
 * not the digits inside words (chr13, BRCA2, p.Arg17Trp, c.10G>A), as in the answer (claimsIn)
 */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z_]|\d)/g)) {
    const v = Number(m[0]);
    if (Number.isFinite(v)) out.push(v);
  }
  for (const m of text.matchAll(/(?<![A-Za-z0-9_.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![A-Za-z_]|\d)/g)) out.push(Number(m[0].replace(/,/g, '')));
  return out;
}

const FENCED = /^<<<VCF_DATA ([0-9a-f]+)\n([\s\S]*)\nVCF_DATA \1>>>$/;

/** the values of a tool result as plain text (fenced JSON opened, strings unescaped), for numbersIn */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') {
    const m = FENCED.exec(v);
    if (m) {
      try {
        return valueText(JSON.parse(m[2]));
      } catch {
        return m[2];
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(valueText).join('\n');
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).map(valueText).join('\n');
  return '';
}

export interface AnswerNumber { text: string; value: number; decimals: number; percent: boolean; index: number }

/** numbers a reader would take as claims: not part of a word (BRCA2, chr1, S037), not list markers, not in `code` */
export function claimsIn(answer: string): AnswerNumber[] {
  const masked = answer
    .replace(/`[^`\n]*`/g, (s) => ' '.repeat(s.length))
    .replace(/^(\s*)(\d+)([.)]\s)/gm, (_s, a: string, b: string, c: string) => a + ' '.repeat(b.length) + c);
  const out: AnswerNumber[] = [];
  const re = /(?<![\w.:/>+-])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(%?)(?![\w:]|\.\d)/g;
  for (const m of masked.matchAll(re)) {
    const raw = m[1];
    const dec = raw.includes('.') ? raw.split('.')[1].length : 0;
    out.push({ text: m[0], value: Number(raw.replace(/,/g, '')), decimals: dec, percent: m[2] === '%', index: m.index! });
  }
  return out;
}

function roundTo(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

function supported(n: AnswerNumber, known: number[]): boolean {
  for (const k of known) {
    if (k === n.value || roundTo(k, n.decimals) === n.value) return true;
    if (n.percent && (roundTo(k * 100, n.decimals) === n.value || k === n.value)) return true;
  }
  return false;
}

export interface GroundingReport {
  /** numbers checked in the answer */
  checked: number;
  /** the numbers found in no tool result and not in the question */
  unverified: string[];
  /** the answer with `[unverified]` after each such number */
  marked: string;
}

export function checkGrounding(answer: string, toolTexts: string[], question = ''): GroundingReport {
  const known = [...toolTexts, question].flatMap(numbersIn);
  const claims = claimsIn(answer);
  const bad = claims.filter((c) => !supported(c, known));
  let marked = answer;
  for (const b of [...bad].reverse()) {
    const end = b.index + b.text.length;
    marked = marked.slice(0, end) + ' [unverified]' + marked.slice(end);
  }
  return { checked: claims.length, unverified: bad.map((b) => b.text), marked };
}
