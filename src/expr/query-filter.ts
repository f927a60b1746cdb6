/**
 * The bridge between `query` and the -i/-e expression engine (filter.ts): compiled site filters
 * with bcftools' per-sample pass flags, `%N_PASS(expr)` and printable `%FUNC(...)` format items
 * (bcftools prints the values of the expression's final token, as filter_get_doubles gives them).
 */
import type { VcfHeader } from '../vcf/header.js';
import type { VcfRecord } from '../vcf/record.js';
import { compileFilter } from './filter.js';
import { parseFilter } from './parse.js';
import { evaluate } from './eval.js';
import { RecordAccess } from './eval-record.js';
import { isMissOrEnd, type Tok } from './types.js';
import type { FormatExprHooks } from './format.js';
import type { QLine } from './format-line.js';

export interface SiteFilter {
  /** site result and per-sample flags (indexed like the filter's samples; null without FORMAT data); the flags array is reused */
  evaluate(rec: VcfRecord): { pass: boolean; samples: ArrayLike<number> | null };
  /** sample column boundaries located while evaluating `rec`, when the engine located them all */
  columns(rec: VcfRecord): { starts: Int32Array; ends: Int32Array; n: number } | null;
}

export interface EngineOptions {
  /** file sample columns the filter sees, in file order (null: all samples) */
  samples: number[] | null;
  allowUndefTags: boolean;
}

export function compileSiteFilter(expr: string, header: VcfHeader, o: EngineOptions): SiteFilter {
  const f = compileFilter(expr, header, { allowUndefTags: o.allowUndefTags, sampleIndexes: o.samples ?? undefined });
  return { evaluate: (rec) => f.evaluate(rec), columns: (rec) => f.sampleColumns(rec) };
}

/** `%N_PASS(...)` and `%SUM(...)`-like format items evaluated by the expression engine */
export function formatHooks(header: VcfHeader, o: EngineOptions, rec: (L: QLine) => VcfRecord): FormatExprHooks {
  return {
    nPass(expr) {
      const f = compileFilter(expr, header, { allowUndefTags: o.allowUndefTags, sampleIndexes: o.samples ?? undefined });
      const n = f.nsamples;
      return (L) => {
        const r = f.evaluate(rec(L));
        if (!r.samples) return r.pass ? n : 0;
        let c = 0;
        for (let i = 0; i < n; i++) if (r.samples[i]) c++;
        return c;
      };
    },
    values(expr) {
      const names = o.samples ? o.samples.map((i) => header.samples[i]) : header.samples;
      const p = parseFilter(expr, header, { allowUndefTags: o.allowUndefTags, sampleNames: names });
      const stack: Tok[] = new Array(p.rpn.length);
      const ctx = new RecordAccess(names.length, o.samples);
      const out: Array<number | null> = [];
      return (L) => {
        ctx.reset(rec(L));
        const top = evaluate(p.rpn, stack, ctx);
        out.length = 0;
        for (let i = 0; i < top.nvalues; i++) {
          const v = top.values[i];
          out.push(isMissOrEnd(v) ? null : v);
        }
        return out;
      };
    },
  };
}
