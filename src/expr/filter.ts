/**
 * Public API of the bcftools-compatible `-i/-e` expression engine.
 *
 *   const f = compileFilter('QUAL>30 && FMT/DP>10', header);
 *   f.test(rec)        // site-level result (bcftools pass_site)
 *   f.sampleMask(rec)  // per-sample flags for expressions reading FORMAT data, else null
 *
 * `-e` is the caller's negation: for sites `!test(rec)`; for sample masks bcftools flips every
 * sample flag and passes the site when any sample then passes (see `excludeMask`).
 */
import type { VcfHeader } from '../vcf/header.js';
import type { VcfRecord } from '../vcf/record.js';
import { parseFilter } from './parse.js';
import { evaluate } from './eval.js';
import { RecordAccess } from './eval-record.js';
import { FastFilter } from './fast-filter.js';
import type { Tok } from './types.js';

export { ExprError } from './types.js';
export { SUM, MAX, MIN, AVG, MEAN, MEDIAN, STDEV, COUNT, phred, binomTwoSided, kfBetai, present } from './functions.js';
export { MISS, VEND, isMissOrEnd } from './types.js';

export interface FilterOptions {
  /** tags not defined in the header evaluate as missing values instead of failing (bcftools -u) */
  allowUndefTags?: boolean;
  /**
   * the samples the filter sees (indexes into the file's sample columns), in order — as after
   * `-s/-S` subsetting. Sample subscripts (`FMT/DP[0]`), N_SAMPLES, AC/AN and the sample mask
   * refer to this list. Default: all samples.
   */
  sampleIndexes?: number[];
  /** evaluate every record with the general engine (no byte-level fast path; for tests) */
  noFastPath?: boolean;
}

export interface FilterResult {
  /** the site passes (bcftools pass_site) */
  pass: boolean;
  /** per-sample pass flags (indexed like sampleIndexes) when the expression reads FORMAT data, else null */
  samples: Uint8Array | null;
}

export class CompiledFilter {
  readonly expr: string;
  /** true when the expression reads FORMAT data, i.e. per-sample results are defined */
  readonly usesSamples: boolean;
  /** number of samples the filter sees */
  readonly nsamples: number;
  /** warnings bcftools would print (e.g. comma in strings) */
  readonly warnings: string[];
  /** tags not in the header (only with allowUndefTags) */
  readonly undefinedTags: string[];
  private readonly rpn: Tok[];
  private readonly stack: Tok[];
  private readonly ctx: RecordAccess;
  private lastRec: VcfRecord | null = null;
  private lastPass = false;
  private readonly mask: Uint8Array;
  /** byte-level evaluation of common per-sample expressions (fast-filter.ts); null when not applicable */
  private readonly fast: FastFilter | null;

  constructor(expr: string, header: VcfHeader, opts: FilterOptions = {}) {
    const idx = opts.sampleIndexes;
    const names = idx ? idx.map((i) => header.samples[i]) : header.samples;
    const p = parseFilter(expr, header, { allowUndefTags: opts.allowUndefTags, sampleNames: names });
    this.expr = expr;
    this.rpn = p.rpn;
    this.stack = new Array(p.rpn.length);
    this.usesSamples = p.hasFormat;
    this.nsamples = names.length;
    this.warnings = p.warnings;
    this.undefinedTags = p.undefTags;
    this.ctx = new RecordAccess(names.length, idx ?? null);
    this.ctx.want(formatKeysOf(p.rpn));
    this.mask = new Uint8Array(names.length);
    this.fast = opts.noFastPath ? null : FastFilter.compile(p.rpn, names.length, idx ?? null);
  }

  private run(rec: VcfRecord): void {
    if (this.lastRec === rec) return;
    if (this.fast) {
      const r = this.fast.run(rec, this.mask);
      if (r >= 0) { this.lastPass = r === 1; this.lastRec = rec; return; }
    }
    this.ctx.reset(rec);
    const top = evaluate(this.rpn, this.stack, this.ctx);
    this.lastPass = top.passSite;
    if (this.usesSamples) {
      if (top.nsamples && top.passSamples) this.mask.set(top.passSamples);
      else this.mask.fill(top.passSite ? 1 : 0);
    }
    this.lastRec = rec;
  }

  /**
   * Sample column boundaries located while evaluating `rec` (the byte-level fast path, every sample
   * in file order), or null. The arrays are reused by the next evaluation.
   */
  sampleColumns(rec: VcfRecord): { starts: Int32Array; ends: Int32Array; n: number } | null {
    return this.fast && this.lastRec === rec ? this.fast.columns(rec) : null;
  }

  /** site-level result */
  test(rec: VcfRecord): boolean {
    this.run(rec);
    return this.lastPass;
  }

  /** site result and per-sample flags (the flags array is reused: copy it to keep it) */
  evaluate(rec: VcfRecord): FilterResult {
    this.run(rec);
    return { pass: this.lastPass, samples: this.usesSamples ? this.mask : null };
  }

  /** per-sample pass flags (bcftools filter_test's samples), or null when no FORMAT data is read */
  sampleMask(rec: VcfRecord): boolean[] | null {
    this.run(rec);
    if (!this.usesSamples) return null;
    return Array.from(this.mask, (x) => x === 1);
  }

  /**
   * The `-e` reading used by bcftools query/filter: sample flags inverted, the site passing when
   * any sample passes after inversion (without FORMAT data: the negated site result).
   */
  excludeResult(rec: VcfRecord): FilterResult {
    this.run(rec);
    if (!this.usesSamples) return { pass: !this.lastPass, samples: null };
    const m = new Uint8Array(this.mask.length);
    if (!this.lastPass) {
      // the expression is false at the site: every sample is kept
      m.fill(1);
      return { pass: true, samples: m };
    }
    let any = false;
    for (let i = 0; i < m.length; i++) {
      m[i] = this.mask[i] ? 0 : 1;
      if (m[i]) any = true;
    }
    return { pass: any, samples: m };
  }
}

/** the FORMAT keys an expression reads (GT for genotype-derived values) */
export function formatKeysOf(rpn: Tok[]): string[] {
  const keys = new Set<string>();
  for (const t of rpn) {
    if (t.type !== 0) continue;
    if (t.hl === 'FORMAT' && t.tag) keys.add(t.tag);
    if (t.tag === 'N_MISSING' || t.tag === 'F_MISSING' || t.tag === 'AC' || t.tag === 'AN' || t.idx === -3) keys.add('GT');
  }
  return [...keys];
}

/** Compile a bcftools `-i/-e` expression against a header; throws ExprError (kind 'usage', exit 2). */
export function compileFilter(expr: string, header: VcfHeader, opts: FilterOptions = {}): CompiledFilter {
  return new CompiledFilter(expr, header, opts);
}
