/**
 * Sample selection with bcftools semantics: `-s A,B` (in the given order), `-s ^A,B` (exclude,
 * file order), `-S file` / `-S ^file` (one name per line), `--force-samples` to ignore unknown names.
 */
import * as fs from 'node:fs';
import { VcfError, usageError } from './errors.js';

export interface SampleSelection {
  /** indexes into the file's samples, in output order */
  indexes: number[];
  names: string[];
  /** true when the selection is not the identity */
  subset: boolean;
  warnings: string[];
}

export function parseSampleList(list: string): { exclude: boolean; names: string[] } {
  let exclude = false;
  let s = list;
  if (s.startsWith('^')) { exclude = true; s = s.slice(1); }
  // bcftools allows escaping commas in names with a backslash
  const names: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === ',') { cur += ','; i++; continue; }
    if (c === ',') { names.push(cur); cur = ''; continue; }
    cur += c;
  }
  names.push(cur);
  return { exclude, names: names.filter((n) => n !== '') };
}

export function readSampleFile(spec: string): { exclude: boolean; names: string[] } {
  let exclude = false;
  let path = spec;
  if (path.startsWith('^')) { exclude = true; path = path.slice(1); }
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new VcfError('SAMPLE_FILE_UNREADABLE', `cannot read sample file: ${(e as Error).message}`, { file: path }, 'usage');
  }
  const names = text.split(/\r?\n/).map((l) => l.split(/\s+/)[0] ?? '').filter((l) => l !== '' && !l.startsWith('#'));
  return { exclude, names };
}

export function selectSamples(
  fileSamples: string[],
  opts: { samples?: string; samplesFile?: string; forceSamples?: boolean },
): SampleSelection {
  const all = { indexes: fileSamples.map((_, i) => i), names: fileSamples.slice(), subset: false, warnings: [] as string[] };
  if (!opts.samples && !opts.samplesFile) return all;
  if (opts.samples && opts.samplesFile) throw usageError('use either -s or -S, not both');
  const spec = opts.samples ? parseSampleList(opts.samples) : readSampleFile(opts.samplesFile!);
  const pos = new Map<string, number>();
  fileSamples.forEach((n, i) => pos.set(n, i));
  const warnings: string[] = [];
  const unknown = spec.names.filter((n) => !pos.has(n));
  if (unknown.length) {
    if (!opts.forceSamples) {
      throw new VcfError('SAMPLE_NOT_FOUND', `subset called for sample${unknown.length > 1 ? 's' : ''} not in header: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}. Use "--force-samples" to ignore this error.`, {}, 'usage');
    }
    for (const u of unknown) warnings.push(`subset called for sample that does not exist in header: "${u}"... skipping`);
  }
  let indexes: number[];
  if (spec.exclude) {
    const ex = new Set(spec.names);
    indexes = fileSamples.map((_, i) => i).filter((i) => !ex.has(fileSamples[i]));
  } else {
    const seen = new Set<number>();
    indexes = [];
    for (const n of spec.names) {
      const i = pos.get(n);
      if (i === undefined || seen.has(i)) continue;
      seen.add(i);
      indexes.push(i);
    }
  }
  const subset = indexes.length !== fileSamples.length || indexes.some((v, i) => v !== i);
  return { indexes, names: indexes.map((i) => fileSamples[i]), subset, warnings };
}
