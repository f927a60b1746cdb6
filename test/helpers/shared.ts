/**
 * Access to ../shared/data (the public corpus). A user's clone has no ../shared: tests that need it
 * call `sharedOrSkip(t)` and are skipped with a clear message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** project root (dist/test/helpers -> ../../..) */
export const ROOT = path.resolve(here, '..', '..', '..');
const candidate = process.env.VCF_AGENT_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data');
export const SHARED_DATA: string | null = fs.existsSync(path.join(candidate, 'MANIFEST.tsv')) ? candidate : null;
export const SKIP_SHARED = SHARED_DATA ? false : `../shared/data not found (set VCF_AGENT_SHARED_DATA): corpus tests skipped`;

export function sharedPath(...p: string[]): string {
  if (!SHARED_DATA) throw new Error(String(SKIP_SHARED));
  return path.join(SHARED_DATA, ...p);
}

export function fixture(...p: string[]): string {
  return path.join(ROOT, 'test', 'fixtures', ...p);
}

/** rows of a TSV with a header line, as objects */
export function readTsv(file: string): Array<Record<string, string>> {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length);
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    const o: Record<string, string> = {};
    head.forEach((h, i) => (o[h] = c[i] ?? ''));
    return o;
  });
}

export function hasCommand(cmd: string): boolean {
  const paths = (process.env.PATH ?? '').split(':');
  return paths.some((p) => fs.existsSync(path.join(p, cmd)));
}
export const SKIP_BCFTOOLS = hasCommand('bcftools') ? false : 'bcftools not installed (apt-get install -y bcftools tabix): differential tests skipped';

/** mulberry32: a small seeded PRNG for the tests' generated inputs (floats in [0, 1)) */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
