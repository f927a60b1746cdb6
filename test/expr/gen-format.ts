/**
 * Seeded random generator of bcftools query format strings (`-f`) over the fields of gen-vcf.ts,
 * optionally with `-H` and an `-i`/`-e` expression (sample-level filtering of `[...]` blocks), each
 * tagged with the constructs it uses.
 *
 * Distribution: written the way users write query formats: a site part (CHROM/POS first in most
 * strings, then a few columns or INFO tags, tab- or space-separated), in about two thirds of the
 * strings a `[...]` sample block (mostly `%SAMPLE`/`%GT` and one or two FORMAT tags, sometimes with
 * site fields inside the block, one line per sample), a trailing `\n`; `-H` in 6%, `-i` in 25%,
 * `-e` in 8% (not with -H; half site, half sample conditions), `%LINE` alone in 4% (mostly
 * without `\n`). Item weights favour the common columns; every item is still drawn at least 10
 * times by a coverage pass (see gen-expr.ts), which is why the generator returns more than the
 * requested number when that number is too small for the coverage.
 *
 * Left out, as Debian's bcftools 1.16 (the reference) does not have them: `%FUNC(...)` functions
 * and `%ILEN` in formats, automatic trailing newline (1.18+). These are covered by the
 * c_bcftools_expected cases of newer bcftools instead.
 */
import { rng } from './gen-vcf.js';

export interface GenFormat {
  format: string;
  /** -H */
  header: boolean;
  include?: string;
  exclude?: string;
  constructs: string[];
}

interface Item { s: string; c: string; w: number }

const SITE: Item[] = [
  { s: '%CHROM', c: 'fmt:CHROM', w: 10 },
  { s: '%POS', c: 'fmt:POS', w: 10 },
  { s: '%POS0', c: 'fmt:POS0', w: 1 },
  { s: '%END', c: 'fmt:END', w: 1 },
  { s: '%END0', c: 'fmt:END0', w: 1 },
  { s: '%ID', c: 'fmt:ID', w: 3 },
  { s: '%REF', c: 'fmt:REF', w: 6 },
  { s: '%ALT', c: 'fmt:ALT', w: 6 },
  { s: '%ALT{0}', c: 'fmt:ALT{i}', w: 1 },
  { s: '%ALT{1}', c: 'fmt:ALT{i}', w: 1 },
  { s: '%FIRST_ALT', c: 'fmt:FIRST_ALT', w: 1 },
  { s: '%QUAL', c: 'fmt:QUAL', w: 4 },
  { s: '%FILTER', c: 'fmt:FILTER', w: 3 },
  { s: '%TYPE', c: 'fmt:TYPE', w: 2 },
  { s: '%IS_TS', c: 'fmt:IS_TS', w: 1 },
  { s: '%INFO/DP', c: 'fmt:INFO-int', w: 4 },
  { s: '%DP', c: 'fmt:INFO-int', w: 2 },
  { s: '%MQ', c: 'fmt:INFO-float', w: 2 },
  { s: '%INFO/MQ', c: 'fmt:INFO-float', w: 1 },
  { s: '%XI', c: 'fmt:INFO-vector', w: 1 },
  { s: '%INFO/XF', c: 'fmt:INFO-vector', w: 1 },
  { s: '%AO', c: 'fmt:INFO-vector', w: 1 },
  { s: '%DP4', c: 'fmt:INFO-vector', w: 1 },
  { s: '%XI{1}', c: 'fmt:INFO{i}', w: 1 },
  { s: '%INFO/XF{0}', c: 'fmt:INFO{i}', w: 1 },
  { s: '%DP4{2}', c: 'fmt:INFO{i}', w: 1 },
  { s: '%AO{0}', c: 'fmt:INFO{i}', w: 1 },
  { s: '%XS', c: 'fmt:INFO-string', w: 1 },
  { s: '%S1', c: 'fmt:INFO-string', w: 1 },
  { s: '%INFO/S1', c: 'fmt:INFO-string', w: 1 },
  { s: '%DB', c: 'fmt:INFO-flag', w: 1 },
  { s: '%INFO/SOMATIC', c: 'fmt:INFO-flag', w: 1 },
  { s: '%INFO', c: 'fmt:INFO', w: 1 },
  { s: '%VKX', c: 'fmt:VKX', w: 1 },
  { s: '%RSX', c: 'fmt:RSX', w: 1 },
  { s: '%_CHROM_POS_ID', c: 'fmt:_CHROM_POS_ID', w: 1 },
  { s: '%N_PASS(GT="alt")', c: 'fmt:N_PASS', w: 1 },
  { s: '%N_PASS(FMT/DP>20)', c: 'fmt:N_PASS', w: 1 },
  { s: '%N_PASS(GQ<30 | GT="mis")', c: 'fmt:N_PASS', w: 1 },
];

const SAMPLE: Item[] = [
  { s: '%SAMPLE', c: 'fmt:SAMPLE', w: 8 },
  { s: '%GT', c: 'fmt:GT', w: 10 },
  { s: '%TGT', c: 'fmt:TGT', w: 2 },
  { s: '%IUPACGT', c: 'fmt:IUPACGT', w: 1 },
  { s: '%DP', c: 'fmt:FMT-int', w: 5 },
  { s: '%GQ', c: 'fmt:FMT-int', w: 4 },
  { s: '%AD', c: 'fmt:FMT-vector', w: 4 },
  { s: '%GL', c: 'fmt:FMT-vector', w: 1 },
  { s: '%AD{0}', c: 'fmt:FMT{i}', w: 1 },
  { s: '%AD{1}', c: 'fmt:FMT{i}', w: 2 },
  { s: '%GL{2}', c: 'fmt:FMT{i}', w: 1 },
  { s: '%VAF', c: 'fmt:FMT-float', w: 1 },
  { s: '%VAF{0}', c: 'fmt:FMT{i}', w: 1 },
  { s: '%FT', c: 'fmt:FMT-string', w: 2 },
  { s: '%PBINOM(AD)', c: 'fmt:PBINOM', w: 1 },
];

/** site fields users put inside the sample block (one line per sample) */
const SITE_IN_BLOCK: Item[] = [
  { s: '%CHROM', c: 'fmt:block-site', w: 3 },
  { s: '%POS', c: 'fmt:block-site', w: 3 },
  { s: '%REF', c: 'fmt:block-site', w: 1 },
  { s: '%ALT', c: 'fmt:block-site', w: 1 },
  { s: '%QUAL', c: 'fmt:block-site', w: 1 },
  { s: '%INFO/DP', c: 'fmt:block-site', w: 1 },
];

/** -i/-e expressions of the kind written together with query formats */
const FILTERS: Array<{ s: string; sample: boolean }> = [
  { s: 'GT="het"', sample: true },
  { s: 'GT="alt"', sample: true },
  { s: 'GT="hom"', sample: true },
  { s: 'GT="ref"', sample: true },
  { s: 'GT="mis"', sample: true },
  { s: 'FMT/DP>30', sample: true },
  { s: 'GQ<20', sample: true },
  { s: 'FMT/AD[:1]>5', sample: true },
  { s: 'GT="alt" && FMT/DP>20', sample: true },
  { s: 'GT="het" & FMT/GQ>50', sample: true },
  { s: 'GT="hom" | FMT/DP<5', sample: true },
  { s: 'FMT/FT="PASS"', sample: true },
  { s: 'QUAL>50 && GT="alt"', sample: true },
  { s: 'INFO/DP>100 || GT="het"', sample: true },
  { s: 'QUAL>50', sample: false },
  { s: 'TYPE="snp"', sample: false },
  { s: 'FILTER="PASS"', sample: false },
  { s: 'INFO/DP>150', sample: false },
  { s: 'N_PASS(GT="alt")>=2', sample: false },
  { s: 'AC[0]>2', sample: false },
];

const SEP = ['\\t', '\\t', '\\t', ' ', ' ', ',', ':', '|', ';', '\\t'];

export function generateFormats(n: number, seed: number): GenFormat[] {
  const r = rng(seed);
  const pickW = (a: Item[]): Item => {
    let tot = 0;
    for (const x of a) tot += x.w;
    let k = r() * tot;
    for (const x of a) { k -= x.w; if (k < 0) return x; }
    return a[a.length - 1];
  };
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const chance = (p: number) => r() < p;

  const one = (): GenFormat => {
    const c: string[] = [];
    let s = '';
    const sep = pick(SEP);
    if (chance(0.04)) {
      // the whole line, usually without '\n' (the line has its own; 1.16 prints an empty line after '%LINE\n')
      c.push('fmt:LINE');
      s = chance(0.8) ? '%LINE' : '%LINE\\n';
    } else {
      const lead = chance(0.8);
      const site: string[] = [];
      if (lead) { site.push('%CHROM', '%POS'); c.push('fmt:CHROM', 'fmt:POS'); }
      const k = Math.floor(r() * (lead ? 4 : 5)) + (lead ? 0 : 1);
      for (let i = 0; i < k; i++) {
        const it = pickW(SITE);
        if (chance(0.12)) { site.push(`${pick(['x=', '(', '<', 'dp:'])}${it.s}`); c.push('fmt:literal'); }
        else site.push(it.s);
        c.push(it.c);
      }
      const blockMode = r();
      if (blockMode < 0.3 || !site.length) {
        s = site.join(sep);
      }
      if (blockMode >= 0.3 || !site.length) {
        c.push('fmt:[block]');
        const items: string[] = [];
        const perLine = chance(0.35);
        if (perLine && chance(0.7)) {
          const k2 = 1 + Math.floor(r() * 2);
          for (let i = 0; i < k2; i++) { const it = pickW(SITE_IN_BLOCK); items.push(it.s); c.push(it.c); }
        }
        const k3 = 1 + Math.floor(r() * 3);
        for (let i = 0; i < k3; i++) { const it = pickW(SAMPLE); items.push(it.s); c.push(it.c); }
        const isep = pick([' ', ':', '\\t', '=', ',', ' ']);
        const body = items.join(isep);
        if (perLine) {
          s = (s ? s + '\\n' : '') + `[${body}\\n]`;
          c.push('fmt:block-per-line');
        } else {
          s = (site.length ? site.join(sep) : '') + `[${pick(['\\t', ' ', '\\t', ''])}${body}]`;
        }
      }
    }
    if (!s.endsWith('\\n]') && !s.startsWith('%LINE')) s += '\\n';
    if (/\\t/.test(s)) c.push('fmt:escape');
    const g: GenFormat = { format: s, header: false, constructs: [] };
    if (chance(0.06)) { g.header = true; c.push('fmt:-H'); }
    const f = r();
    if (f < 0.25) {
      const e = pick(FILTERS);
      g.include = e.s;
      c.push('fmt:-i', ...(e.sample && c.includes('fmt:[block]') ? ['fmt:sample-filter'] : []));
    } else if (f < 0.33 && !g.header) {
      // (-e is not combined with -H; -e excludes by a site condition as often as by a sample one)
      const e = chance(0.5) ? pick(FILTERS.filter((x) => x.sample)) : pick(FILTERS.filter((x) => !x.sample));
      g.exclude = e.s;
      c.push('fmt:-e', ...(e.sample && c.includes('fmt:[block]') ? ['fmt:sample-filter'] : []));
    }
    g.constructs = [...new Set(c)];
    return g;
  };

  const out: GenFormat[] = [];
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const key = (g: GenFormat) => `${g.header ? 'H' : ''}|${g.include ?? ''}|${g.exclude ?? ''}|${g.format}`;
  const add = (g: GenFormat) => {
    seen.add(key(g));
    out.push(g);
    for (const x of g.constructs) counts.set(x, (counts.get(x) ?? 0) + 1);
  };
  for (const c of formatConstructs()) counts.set(c, 0);
  const min = 10;
  // a random share first, then only strings using an item seen fewer than `min` times, then random
  for (let t = 0; out.length < Math.floor(n * 0.4) && t < n * 50; t++) { const g = one(); if (!seen.has(key(g))) add(g); }
  for (let t = 0; t < 200_000 && [...counts.values()].some((v) => v < min); t++) {
    const g = one();
    if (seen.has(key(g))) continue;
    if (g.constructs.some((x) => (counts.get(x) ?? 0) < min)) add(g);
  }
  for (let t = 0; out.length < n && t < n * 50; t++) { const g = one(); if (!seen.has(key(g))) add(g); }
  return out;
}

/** every construct the format generator can tag (for the coverage assertion) */
export function formatConstructs(): string[] {
  return [...new Set([...SITE, ...SAMPLE, ...SITE_IN_BLOCK].map((x) => x.c).concat(['fmt:LINE', 'fmt:[block]', 'fmt:block-per-line', 'fmt:-H', 'fmt:-i', 'fmt:-e', 'fmt:sample-filter', 'fmt:escape', 'fmt:literal']))];
}
