/**
 * Conformance harness over ../shared/data/a_spec_conformance/<source>/<version>/{valid,invalid}.
 *
 * 1. Every file is copied to a temporary folder with its `##CauseOfFailure` lines removed (the
 *    files carry the expected answer there). Compressed files are decompressed, stripped and
 *    compressed again the same way (gzip / BGZF / bzip2); container formats our reader cannot
 *    open (zip, xz, compress, zlib) hold no readable lines and are copied unchanged.
 * 2. The validator runs on the stripped copy.
 * 3. For each rejected invalid file we check the reported errors against the file's rule
 *    (INVALID_RULES.tsv `rule_broken`) through test/conformance/rule-map.tsv, and the reported
 *    line against the offending lines found by `offendingLines` (the method is documented there
 *    and in docs/conformance-report.md).
 *
 * Used by test/conformance.test.ts (thresholds) and scripts/conformance-report.js (the report).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateFile, type ValidationIssue, type ValidationResult } from '../../src/vcf/validate.js';

export interface CaseResult {
  /** path relative to a_spec_conformance */
  rel: string;
  source: string;
  version: string;
  expect: 'valid' | 'invalid';
  /** rule_broken from INVALID_RULES.tsv (invalid files) */
  ruleText?: string;
  /** how the copy was prepared */
  prepared: 'stripped' | 'stripped+gzip' | 'stripped+bgzf' | 'stripped+bzip2' | 'copied' | 'stripped (bzip2 unavailable: left uncompressed)';
  result: ValidationResult;
  errors: ValidationIssue[];
  /** offending lines of the stripped file (invalid files) and how they were found */
  offending?: { lines: number[]; how: string };
  /** invalid & rejected: the first error has a mapped rule id and points at an offending line */
  matchedFirst?: boolean;
  /** invalid & rejected: some reported error has a mapped rule id and points at an offending line */
  matchedAny?: boolean;
  firstRuleOk?: boolean;
  firstLineOk?: boolean;
}

export interface Summary {
  valid: number;
  validAccepted: number;
  invalid: number;
  invalidRejected: number;
  matchedFirst: number;
  matchedAny: number;
  cases: CaseResult[];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** test/conformance/rule-map.tsv in the source tree (dist/test/conformance -> ../../../test/conformance) */
export const RULE_MAP_PATH = path.resolve(HERE, '..', '..', '..', 'test', 'conformance', 'rule-map.tsv');

/** our rule id -> the INVALID_RULES.tsv rule texts it stands for */
export function loadRuleMap(file = RULE_MAP_PATH): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [rule, text] = line.split('\t');
    if (!rule || text === undefined || rule === 'our_rule') continue;
    let s = m.get(rule);
    if (!s) m.set(rule, (s = new Set()));
    s.add(text.trim());
  }
  return m;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** the files of the corpus: <source>/<version>/{valid,invalid}/** */
export function listCases(root: string): Array<{ file: string; rel: string; source: string; version: string; expect: 'valid' | 'invalid' }> {
  const out = [];
  for (const file of walk(root).sort()) {
    const rel = path.relative(root, file);
    const parts = rel.split(path.sep);
    if (parts.length < 4 || (parts[2] !== 'valid' && parts[2] !== 'invalid')) continue;
    out.push({ file, rel, source: parts[0], version: parts[1], expect: parts[2] as 'valid' | 'invalid' });
  }
  return out;
}

export function loadInvalidRules(root: string): Map<string, string> {
  const m = new Map<string, string>();
  const lines = fs.readFileSync(path.join(root, 'INVALID_RULES.tsv'), 'utf8').split('\n');
  const head = lines[0].split('\t');
  const iFile = head.indexOf('file'), iRule = head.indexOf('rule_broken');
  for (const l of lines.slice(1)) {
    if (!l) continue;
    const c = l.split('\t');
    m.set(c[iFile].replace(/^a_spec_conformance\//, ''), c[iRule].trim());
  }
  return m;
}

const CAUSE = /^##CauseOfFailure/;

/** remove ##CauseOfFailure lines, keeping every other byte (line endings included) */
export function stripCause(text: Buffer): Buffer {
  const s = text.toString('latin1');
  const out = s.split(/(?<=\n)/).filter((l) => !CAUSE.test(l)).join('');
  return Buffer.from(out, 'latin1');
}

function isBgzf(b: Buffer): boolean {
  return b.length >= 18 && b[0] === 0x1f && b[1] === 0x8b && (b[3] & 4) !== 0 && b[12] === 66 && b[13] === 67;
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** write the stripped copy of `src` to `dst`, keeping its compression */
export function prepareCopy(src: string, dst: string): CaseResult['prepared'] {
  const raw = fs.readFileSync(src);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    const plain = stripCause(zlib.gunzipSync(raw));
    if (isBgzf(raw) && hasCommand('bgzip')) {
      const r = spawnSync('bgzip', ['-c'], { input: plain, maxBuffer: 1 << 30 });
      if (r.status === 0) { fs.writeFileSync(dst, r.stdout); return 'stripped+bgzf'; }
    }
    fs.writeFileSync(dst, zlib.gzipSync(plain));
    return 'stripped+gzip';
  }
  if (raw.length >= 3 && raw.toString('latin1', 0, 3) === 'BZh') {
    const d = spawnSync('bzip2', ['-dc'], { input: raw, maxBuffer: 1 << 30 });
    if (d.status !== 0) { fs.copyFileSync(src, dst); return 'copied'; }
    const plain = stripCause(d.stdout);
    const c = spawnSync('bzip2', ['-c'], { input: plain, maxBuffer: 1 << 30 });
    if (c.status === 0) { fs.writeFileSync(dst, c.stdout); return 'stripped+bzip2'; }
    fs.writeFileSync(dst, plain);
    return 'stripped (bzip2 unavailable: left uncompressed)';
  }
  const head = raw.subarray(0, Math.min(raw.length, 512));
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(head.toString('latin1'))) { fs.copyFileSync(src, dst); return 'copied'; }
  fs.writeFileSync(dst, stripCause(raw));
  return 'stripped';
}

/** the text lines of a (stripped) copy, decompressed when possible */
function readLines(file: string): string[] {
  let raw = fs.readFileSync(file);
  try {
    if (raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw);
    else if (raw.toString('latin1', 0, 3) === 'BZh') {
      const d = spawnSync('bzip2', ['-dc'], { input: raw, maxBuffer: 1 << 30 });
      if (d.status === 0) raw = d.stdout;
    }
  } catch {
    // unreadable: no lines
  }
  const s = raw.toString('utf8');
  const lines = s.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

const LINE_KINDS = ['INFO', 'FORMAT', 'FILTER', 'ALT', 'contig', 'SAMPLE', 'PEDIGREE', 'META', 'assembly', 'pedigreeDB', 'reference'];
const NOT_KEYS = new Set(['INFO', 'FORMAT', 'FILTER', 'ALT', 'REF', 'ID', 'SV', 'CNV', 'TR', 'DEL', 'DUP', 'BND', 'INS', 'QUAL', 'URL', 'META', 'SAMPLE', 'PEDIGREE', 'D', 'J', 'DJ']);
/** rule texts about a data line */
const BODY_RE = /does not match|several lines|\bSample\b|genotype|allele|cardinality|duplicated|triplicated|Position|QUAL|REF has|ALT has|ALT makes|Breakend|FILTER|FORMAT (?:first|contains|regex)|ID begins|INFO \S+ (?:is|contains|value)|INFO integer|invalid (?:info|sample|format|SV)|SVCLAIM/;
/** rule texts about a header line */
const HEADER_RE = /meta|Description|URL|Number is not|Type is not|Number value|Type value|order of|ALT ID|ALT prefix|SAMPLE ID|PEDIGREE|Genome|Value with|Original value|Unstructured|Non-closed|key-value/i;

/**
 * The offending line(s) of a stripped invalid file, found from the file and its rule text:
 *  - "no newline at end of file": the last line;
 *  - not a readable VCF stream (container formats): line 1;
 *  - "fileformat": line 1; "header line ... mandatory column": the #CHROM line;
 *  - "contig ID ...": the ##contig lines if the file has any, else the data lines;
 *  - other rules are about a header line or a data line (decided from the wording: "Type is not",
 *    "Description", "meta", "URL" ... vs "does not match", "allele", "FILTER", "INFO X is" ...).
 *    Header rules: the meta-information lines (and stray non-# lines) before #CHROM, narrowed to
 *    the lines defining a key the text names (`ID=DB` for "INFO DB Type is not Flag"), else to the
 *    line kinds it names (##SAMPLE, ##PEDIGREE, ##META ...). Data rules: the data lines, narrowed
 *    to those whose INFO or FORMAT use a key the text names (AC, PL, SVCLAIM, PSL ...).
 *    A narrowing that would leave no line is not applied.
 */
export function offendingLines(lines: string[], ruleText: string): { lines: number[]; how: string } {
  const n = lines.length;
  const chromIdx = lines.findIndex((l) => l.startsWith('#CHROM'));
  const all = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i + 1);
  if (/newline at end of file/i.test(ruleText)) return { lines: [n], how: 'last line' };
  if (/container|compression format|not a readable VCF/i.test(ruleText)) return { lines: [1], how: 'first line (not a VCF stream)' };
  if (/fileformat/i.test(ruleText)) return { lines: [1], how: 'the ##fileformat line' };
  if (/header line|mandatory column/i.test(ruleText)) return { lines: chromIdx >= 0 ? [chromIdx + 1] : [1], how: 'the #CHROM line' };
  const headerLines = all(1, chromIdx >= 0 ? chromIdx : n); // lines 2..#CHROM-1
  const dataLines = chromIdx >= 0 ? all(chromIdx + 1, n) : [];
  const tokens = [...ruleText.matchAll(/\b(?:[A-Z][A-Z0-9]*[A-Z0-9]|1000G)\b/g)].map((m) => m[0]);
  const keys = tokens.filter((t) => !NOT_KEYS.has(t));
  let section: 'header' | 'data';
  if (/contig ID/i.test(ruleText)) section = lines.some((l) => l.startsWith('##contig=')) ? 'header' : 'data';
  else if (BODY_RE.test(ruleText) && !/(?:Number|Type) is not|(?:Number|Type) value/.test(ruleText)) section = 'data';
  else if (HEADER_RE.test(ruleText)) section = 'header';
  else section = 'data';
  if (section === 'header') {
    if (/contig ID/i.test(ruleText)) return { lines: headerLines.filter((i) => lines[i - 1].startsWith('##contig=')), how: 'the ##contig lines' };
    const byId = headerLines.filter((i) => keys.some((k) => new RegExp(`[<,]ID=${esc(k)}[,>]`).test(lines[i - 1])));
    if (byId.length) return { lines: byId, how: `header lines defining ${keys.join('/')}` };
    const kinds = LINE_KINDS.filter((k) => new RegExp(`\\b${k}\\b`).test(ruleText));
    const byKind = headerLines.filter((i) => kinds.some((k) => lines[i - 1].startsWith(`##${k}=`)));
    if (byKind.length) return { lines: byKind, how: `##${kinds.join('/##')} lines` };
    return { lines: headerLines, how: 'meta-information lines' };
  }
  // a text about something absent ("must have", "not present") names keys the offending line lacks
  if (/must have|not present|missing/i.test(ruleText)) return { lines: dataLines, how: 'data lines' };
  const using = dataLines.filter((i) => {
    const c = lines[i - 1].split('\t');
    const infoKeys = (c[7] ?? '').split(';').map((e) => e.split('=')[0]);
    const fmtKeys = (c[8] ?? '').split(':');
    return keys.some((k) => infoKeys.includes(k) || fmtKeys.includes(k));
  });
  if (using.length) return { lines: using, how: `data lines using ${keys.join('/')}` };
  return { lines: dataLines, how: 'data lines' };
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** run the whole corpus; `tmp` receives the stripped copies */
export async function runConformance(root: string, tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-conformance-'))): Promise<Summary> {
  const rules = loadInvalidRules(root);
  const ruleMap = loadRuleMap();
  const s: Summary = { valid: 0, validAccepted: 0, invalid: 0, invalidRejected: 0, matchedFirst: 0, matchedAny: 0, cases: [] };
  try {
    for (const c of listCases(root)) {
      const copy = path.join(tmp, c.rel);
      const prepared = prepareCopy(c.file, copy);
      const result = await validateFile(copy, { maxErrors: 0 });
      const errors = result.issues.filter((i) => i.severity === 'error');
      const cr: CaseResult = { rel: c.rel, source: c.source, version: c.version, expect: c.expect, prepared, result, errors };
      if (c.expect === 'valid') {
        s.valid++;
        if (result.errors === 0) s.validAccepted++;
      } else {
        s.invalid++;
        cr.ruleText = rules.get(c.rel);
        if (result.errors > 0) {
          s.invalidRejected++;
          const off = offendingLines(readLines(copy), cr.ruleText ?? '');
          cr.offending = off;
          const ok = (i: ValidationIssue) => ({
            rule: !!cr.ruleText && !!ruleMap.get(i.rule)?.has(cr.ruleText),
            line: i.line !== undefined && off.lines.includes(i.line),
          });
          const first = ok(errors[0]);
          cr.firstRuleOk = first.rule;
          cr.firstLineOk = first.line;
          cr.matchedFirst = first.rule && first.line;
          cr.matchedAny = errors.some((i) => { const o = ok(i); return o.rule && o.line; });
          if (cr.matchedFirst) s.matchedFirst++;
          if (cr.matchedAny) s.matchedAny++;
        }
      }
      s.cases.push(cr);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return s;
}

export function pct(a: number, b: number): string {
  return b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a';
}

export function figures(s: Summary): string {
  return [
    `valid files accepted:   ${s.validAccepted}/${s.valid} (${pct(s.validAccepted, s.valid)})`,
    `invalid files rejected: ${s.invalidRejected}/${s.invalid} (${pct(s.invalidRejected, s.invalid)})`,
    `rejections whose first error has the mapped rule at the offending line: ${s.matchedFirst}/${s.invalidRejected} (${pct(s.matchedFirst, s.invalidRejected)})`,
    `rejections with some error of the mapped rule at the offending line:   ${s.matchedAny}/${s.invalidRejected} (${pct(s.matchedAny, s.invalidRejected)})`,
  ].join('\n');
}

function firstErr(c: CaseResult): string {
  const e = c.errors[0];
  return e ? `\`${e.rule}\` line ${e.line ?? '-'}: ${e.message.replace(/\|/g, '\\|')}` : '-';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/conformance-report.md */
export function renderReport(s: Summary): string {
  const out: string[] = [];
  out.push('# Spec-conformance report');
  out.push('');
  out.push('Generated by `node scripts/conformance-report.js` (after `npm run build`) from the corpus');
  out.push('`../shared/data/a_spec_conformance/<source>/<version>/{valid,invalid}`; `test/conformance.test.ts`');
  out.push('runs the same harness (`test/conformance/harness.ts`) and asserts the thresholds. Do not edit by hand.');
  out.push('');
  out.push('## Figures');
  out.push('');
  out.push('```');
  out.push(figures(s));
  out.push('```');
  out.push('');
  out.push('Thresholds asserted by the test: valid accepted >= 98%, invalid rejected >= 95%, and >= 85% of the');
  out.push('rejections matched: the **first** error the validator reports has a rule id that');
  out.push('`test/conformance/rule-map.tsv` maps to the file\'s `rule_broken` (INVALID_RULES.tsv), and its line is');
  out.push('one of the file\'s offending lines. (The looser "some error matches" figure is shown for information.)');
  out.push('');
  out.push('| source | version | valid accepted | invalid rejected | first error matched |');
  out.push('|---|---|---|---|---|');
  const groups = new Map<string, CaseResult[]>();
  for (const c of s.cases) {
    const k = `${c.source}\t${c.version}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(c);
  }
  for (const [k, cs] of groups) {
    const [src, ver] = k.split('\t');
    const va = cs.filter((c) => c.expect === 'valid');
    const inv = cs.filter((c) => c.expect === 'invalid');
    const rej = inv.filter((c) => c.result.errors > 0);
    out.push(`| ${src} | ${ver} | ${va.filter((c) => c.result.errors === 0).length}/${va.length} | ${rej.length}/${inv.length} | ${rej.filter((c) => c.matchedFirst).length}/${rej.length} |`);
  }
  out.push('');
  out.push('## Method');
  out.push('');
  out.push('- **Stripping.** Every file is copied to a temporary folder without its `##CauseOfFailure` lines.');
  out.push('  gzip/BGZF and bzip2 files are decompressed, stripped and recompressed the same way; container');
  out.push('  formats our reader does not open (zip, xz, compress `.Z`, zlib `.z`) are copied unchanged. Line');
  out.push('  numbers below refer to the stripped copy.');
  out.push('- **Offending line** (`offendingLines` in the harness), found from the stripped file and its rule text:');
  out.push('  "no newline at end of file" -> the last line; container formats -> line 1; "fileformat" -> line 1;');
  out.push('  "header line ... mandatory column" -> the #CHROM line; "contig ID ..." -> the ##contig lines when the');
  out.push('  file has some, else the data lines. Otherwise the wording decides between a header rule ("Type is');
  out.push('  not", "Description", "meta", "URL", "SAMPLE ID", ...) and a data-line rule ("does not match",');
  out.push('  "allele", "FILTER", "INFO X is ...", "invalid info ...", ...). Header rules point at the meta lines');
  out.push('  before #CHROM, narrowed to the line defining the key the text names (`ID=DB` for "INFO DB Type is');
  out.push('  not Flag"), else to the line kinds it names (##SAMPLE, ##PEDIGREE, ...). Data-line rules point at');
  out.push('  the data lines, narrowed to those whose INFO or FORMAT use a key the text names (AC, PL, SVCLAIM,');
  out.push('  ...). A narrowing that would leave no line is not applied, so a file whose every data line is');
  out.push('  offending accepts any of them.');
  out.push('- **Rule match.** `test/conformance/rule-map.tsv` lists, for each of our rule ids, the `rule_broken`');
  out.push('  texts it stands for.');
  out.push('');
  out.push('## Why the validator disagrees where it does');
  out.push('');
  out.push('Rules follow the VCF specification of the file\'s version; where the corpus and the specification');
  out.push('(or two corpus files) disagree we follow the specification, and where the specification only says');
  out.push('"should" we warn. The files listed below fall into these groups:');
  out.push('');
  out.push('- **Unsorted / unterminated valid file** (hts-specs 4.5 `zero_length_LAA.vcf`): its positions go 400 then 300');
  out.push('  and its last line has no newline; both are "must" rules of the specification (VCF_UNSORTED,');
  out.push('  VCF_NO_FINAL_NEWLINE), so it is rejected.');
  out.push('- **Duplicated variants**: the specification does not forbid two records for the same variant, so');
  out.push('  VCF_DUPLICATE_VARIANT is a warning (the files are reported, not rejected).');
  out.push('- **`*` inside contig names** (`chr*1`, `1.*`): the 4.3+ contig regular expression allows `*` after the first');
  out.push('  character (GRCh38 has contigs such as `HLA-A*01:01:01:01`), so these names are accepted.');
  out.push('- **`_` in FORMAT keys in 4.1/4.2** (`G_S`): 4.1/4.2 define no syntax for FORMAT keys and the 4.3 regular');
  out.push('  expression allows `_` (GATK writes `MIN_DP`), so they are accepted.');
  out.push('- **`G%3AS` as a FORMAT key in 4.3**: the same content is valid in vcf-validator/v4.3 and invalid in');
  out.push('  hts-specs/v4.3; we accept percent-encoded characters in FORMAT keys (4.3 percent-encoding), so the');
  out.push('  hts-specs file is accepted.');
  out.push('- **4.1/4.2 `##SAMPLE` without Genomes**: a warning (VCF_HEADER_SAMPLE_LINE); real 4.1 files (TCGA, GIAB)');
  out.push('  write other SAMPLE fields.');
  out.push('- **FORMAT CICN without FORMAT CN** (4.4): no such rule in the specification.');
  out.push('- **INFO fields not in ID, Number, Type, Description order in 4.4**: 4.4 says the order "should" be so and');
  out.push('  that implementations must not rely on it, so this is a warning from 4.4 (an error up to 4.3).');
  out.push('- Rejections whose first error differs from the stated rule are files with another, earlier problem');
  out.push('  (e.g. `AC=249` for two ALT alleles in the "duplicated variant" files, `##ALT=<ID=INS>` without the');
  out.push('  Description 4.4 requires, a Number checked before a Type on the same line).');
  out.push('');
  out.push('Choices that keep valid files valid: a Flag declared with a Number other than 0 is a warning');
  out.push('(VCF_HEADER_FLAG_NUMBER; reserved Flags with another Number are still errors); with ALT `.` the GT allele');
  out.push('range and A/R/G counts are not checked (a warning); a `<*>` record without END is a warning; a String');
  out.push('of a non-reserved key with more comma-separated parts than its fixed Number is a warning (htslib keeps');
  out.push('such strings whole; GATK\'s AS_* annotations rely on it).');
  out.push('');
  const validRejected = s.cases.filter((c) => c.expect === 'valid' && c.result.errors > 0);
  out.push(`## Valid files rejected (${validRejected.length})`);
  out.push('');
  if (!validRejected.length) out.push('None.');
  else {
    out.push('| file | errors |');
    out.push('|---|---|');
    for (const c of validRejected) out.push(`| ${c.rel} | ${cell(c.errors.slice(0, 3).map((e) => `\`${e.rule}\` line ${e.line}: ${e.message}`).join('; '))} |`);
  }
  out.push('');
  const accepted = s.cases.filter((c) => c.expect === 'invalid' && c.result.errors === 0);
  out.push(`## Invalid files accepted (${accepted.length})`);
  out.push('');
  if (!accepted.length) out.push('None.');
  else {
    out.push('| file | rule_broken | warnings we give |');
    out.push('|---|---|---|');
    for (const c of accepted) {
      const w = c.result.issues.filter((i) => i.severity === 'warning').slice(0, 3).map((i) => `\`${i.rule}\` line ${i.line}`).join(', ');
      out.push(`| ${c.rel} | ${cell(c.ruleText ?? '?')} | ${cell(w || '-')} |`);
    }
  }
  out.push('');
  const unmatched = s.cases.filter((c) => c.expect === 'invalid' && c.result.errors > 0 && !c.matchedFirst);
  out.push(`## Rejections whose first error does not match (${unmatched.length})`);
  out.push('');
  if (!unmatched.length) out.push('None.');
  else {
    out.push('| file | rule_broken | offending lines | our first error | rule ok | line ok | some error matches |');
    out.push('|---|---|---|---|---|---|---|');
    for (const c of unmatched) {
      out.push(`| ${c.rel} | ${cell(c.ruleText ?? '?')} | ${c.offending?.lines.join(', ')} (${cell(c.offending?.how ?? '')}) | ${cell(firstErr(c))} | ${c.firstRuleOk ? 'yes' : 'no'} | ${c.firstLineOk ? 'yes' : 'no'} | ${c.matchedAny ? 'yes' : 'no'} |`);
    }
  }
  out.push('');
  return out.join('\n');
}
