/**
 * Sample selection with bcftools 1.16 `view` semantics:
 * - `-s A,B` keeps the listed samples in the given order; `-s ^A,B` excludes them (file order is kept).
 *   The list is split on every comma (no escapes); an empty item is a sample named "".
 * - `-S FILE` / `-S ^FILE`: one sample name per line, taken verbatim (no comments, no column
 *   splitting); a trailing '\r' is removed and empty lines are skipped; the file may be gzip-compressed.
 * - A name that is not in the header is an error, or only a warning with `--force-samples`.
 * - A sample named twice in an include list is an error (bcftools: "Duplicate sample name").
 * - Removing every sample is allowed: the output is then sites-only (no FORMAT), with a warning.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VcfError, usageError } from './errors.js';

export interface SampleSelection {
  /** indexes into the file's samples, in output order */
  indexes: number[];
  names: string[];
  /** true when -s or -S was given (bcftools then recomputes AC/AN unless -I, even for the identity) */
  active: boolean;
  /** true when the selection differs from the file's samples (order or membership) */
  subset: boolean;
  warnings: string[];
}

export interface SampleSpec {
  exclude: boolean;
  names: string[];
}

/** `-s` argument: split on commas exactly as htslib's hts_readlist does. */
export function parseSampleList(list: string): SampleSpec {
  const exclude = list.startsWith('^');
  return { exclude, names: (exclude ? list.slice(1) : list).split(',') };
}

/** `-S` argument: a file (plain or gzip) with one sample name per line. */
export function readSampleFile(spec: string): SampleSpec {
  const exclude = spec.startsWith('^');
  const path = exclude ? spec.slice(1) : spec;
  let data: Buffer;
  try {
    data = fs.readFileSync(path);
    if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) data = zlib.gunzipSync(data);
  } catch (e) {
    throw new VcfError('SAMPLE_FILE_UNREADABLE', `cannot read the sample file: ${(e as Error).message}`, { file: path }, 'usage');
  }
  const names: string[] = [];
  for (let line of data.toString('utf8').split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line !== '') names.push(line);
  }
  return { exclude, names };
}

export function selectSamples(
  fileSamples: string[],
  opts: { samples?: string; samplesFile?: string; forceSamples?: boolean },
): SampleSelection {
  const identity = fileSamples.map((_, i) => i);
  if (opts.samples === undefined && opts.samplesFile === undefined) {
    return { indexes: identity, names: fileSamples.slice(), active: false, subset: false, warnings: [] };
  }
  if (opts.samples !== undefined && opts.samplesFile !== undefined) throw usageError('use either -s/--samples or -S/--samples-file, not both');
  const spec = opts.samples !== undefined ? parseSampleList(opts.samples) : readSampleFile(opts.samplesFile!);
  const pos = new Map<string, number>();
  fileSamples.forEach((n, i) => { if (!pos.has(n)) pos.set(n, i); });
  const warnings: string[] = [];
  const verb = spec.exclude ? 'exclude' : 'subset';
  let indexes: number[];
  if (spec.exclude) {
    const ex = new Set<string>();
    for (const n of spec.names) {
      if (!pos.has(n)) unknown(n);
      ex.add(n);
    }
    indexes = identity.filter((i) => !ex.has(fileSamples[i]));
  } else {
    indexes = [];
    const seen = new Set<number>();
    for (const n of spec.names) {
      const i = pos.get(n);
      if (i === undefined) { unknown(n); continue; }
      if (seen.has(i)) throw new VcfError('SAMPLE_DUPLICATE', `duplicate sample name "${n}" in the sample list`, {}, 'usage');
      seen.add(i);
      indexes.push(i);
    }
  }
  if (indexes.length === 0) warnings.push('subsetting has removed all samples');
  const subset = indexes.length !== fileSamples.length || indexes.some((v, i) => v !== i);
  return { indexes, names: indexes.map((i) => fileSamples[i]), active: true, subset, warnings };

  function unknown(n: string): void {
    if (!opts.forceSamples) {
      throw new VcfError('SAMPLE_NOT_FOUND', `${verb} called for sample that does not exist in header: "${n}". Use "--force-samples" to ignore this error.`, {}, 'usage');
    }
    warnings.push(`${verb} called for sample that does not exist in header: "${n}"... skipping`);
  }
}
