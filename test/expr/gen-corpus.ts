/**
 * Header-driven expression generator for corpus files: comparisons over the file's own INFO and
 * FORMAT tags with thresholds drawn from values seen in the file, combined with the fixed columns.
 */
import type { VcfHeader } from '../../src/vcf/header.js';
import type { VcfRecord } from '../../src/vcf/record.js';
import { rng } from './gen-vcf.js';
import type { GenExpr } from './gen-expr.js';

function observed(records: VcfRecord[], tag: string, fmt: boolean): string[] {
  const vals: string[] = [];
  for (let i = 0; i < records.length && vals.length < 200; i += Math.max(1, Math.floor(records.length / 200))) {
    const rec = records[i];
    if (fmt) {
      if (!rec.formatKeys.includes(tag) || !rec.sampleCount) continue;
      const v = rec.sampleValue(0, tag);
      if (v !== undefined && v !== '.') vals.push(...v.split(','));
    } else {
      const v = rec.info.get(tag);
      if (typeof v === 'string' && v !== '.') vals.push(...v.split(','));
    }
  }
  return vals.filter((v) => v !== '.' && v !== '');
}

export function generateForHeader(header: VcfHeader, records: VcfRecord[], n: number, seed: number): GenExpr[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const both = (id: string) => header.info.has(id) && header.format.has(id);
  const info = [...header.info.values()].filter((d) => !both(d.id));
  const fmt = [...header.format.values()].filter((d) => !both(d.id) && d.id !== 'GT');
  const numInfo = info.filter((d) => (d.type === 'Integer' || d.type === 'Float') && observed(records, d.id, false).length);
  const strInfo = info.filter((d) => d.type === 'String' && observed(records, d.id, false).length);
  const flags = info.filter((d) => d.type === 'Flag');
  const numFmt = fmt.filter((d) => (d.type === 'Integer' || d.type === 'Float') && observed(records, d.id, true).length);
  const hasGT = header.format.has('GT');
  const cmp = ['<', '<=', '>', '>=', '==', '!='];
  const atoms: Array<() => GenExpr> = [
    () => ({ expr: `QUAL${pick(cmp)}${pick(['10', '30', '50', '100', '"."'])}`, constructs: ['field:QUAL'] }),
    () => ({ expr: `TYPE${pick(['=', '!=', '~'])}"${pick(['snp', 'indel', 'ref', 'mnp', 'other'])}"`, constructs: ['field:TYPE'] }),
    () => ({ expr: `FILTER${pick(['=', '!=', '~'])}"${pick(['PASS', '.'])}"`, constructs: ['field:FILTER'] }),
    () => ({ expr: `N_ALT${pick(cmp)}${pick(['0', '1', '2'])}`, constructs: ['var:N_ALT'] }),
  ];
  if (numInfo.length) atoms.push(() => {
    const d = pick(numInfo);
    const v = pick(observed(records, d.id, false));
    const sub = d.number === '1' ? '' : pick(['', '[0]', '[*]']);
    return { expr: `INFO/${d.id}${sub}${pick(cmp)}${v}`, constructs: [d.number === '1' ? 'field:INFO-num' : 'field:INFO-vector'] };
  });
  if (numInfo.length) atoms.push(() => {
    const d = pick(numInfo);
    return { expr: `${pick(['MAX', 'MIN', 'SUM', 'AVG'])}(INFO/${d.id})${pick(cmp)}${pick(observed(records, d.id, false))}`, constructs: ['fn:aggregate'] };
  });
  if (strInfo.length) atoms.push(() => {
    const d = pick(strInfo);
    const v = pick(observed(records, d.id, false)).replace(/["\\]/g, '');
    if (r() < 0.5) return { expr: `INFO/${d.id}${pick(['=', '!='])}"${v}"`, constructs: ['field:INFO-string'] };
    return { expr: `INFO/${d.id}${pick(['~', '!~'])}"${v.slice(0, 3).replace(/[[\]*.^$\\]/g, '')}"`, constructs: ['regex:~'] };
  });
  if (flags.length) atoms.push(() => ({ expr: `${pick(flags).id}=${pick(['0', '1'])}`, constructs: ['field:Flag'] }));
  if (numFmt.length) atoms.push(() => {
    const d = pick(numFmt);
    const v = pick(observed(records, d.id, true));
    const sub = d.number === '1' ? '' : pick(['[:0]', '[*]', '']);
    return { expr: `FMT/${d.id}${sub}${pick(cmp)}${v}`, constructs: ['field:FMT'] };
  });
  if (hasGT) atoms.push(() => ({ expr: `GT${pick(['=', '!='])}"${pick(['het', 'hom', 'alt', 'ref', 'mis', '0/1', '1|1', '0|0'])}"`, constructs: ['field:GT'] }));
  if (hasGT) atoms.push(() => ({ expr: `${pick(['N_PASS', 'F_PASS'])}(GT="alt")${pick(cmp)}${pick(['1', '0.1', '5', '0'])}`, constructs: ['fn:N_PASS'] }));
  if (hasGT) atoms.push(() => ({ expr: `${pick(['AC[0]', 'AN', 'AF', 'MAF[0]', 'N_MISSING', 'F_MISSING'])}${pick(cmp)}${pick(['0', '1', '2', '0.05', '0.5'])}`, constructs: ['var:computed'] }));
  const out: GenExpr[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < n && tries < n * 20; tries++) {
    let e = pick(atoms)();
    if (r() < 0.4) {
      const b = pick(atoms)();
      const op = pick(['&&', '||', '&', '|']);
      e = { expr: `${e.expr} ${op} ${b.expr}`, constructs: [...e.constructs, ...b.constructs, `op:${op}`] };
    }
    if (seen.has(e.expr)) continue;
    seen.add(e.expr);
    out.push(e);
  }
  return out;
}
