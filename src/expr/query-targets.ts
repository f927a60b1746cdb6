/**
 * Streaming targets for `query -t/-T` (bcftools semantics, no index needed): a comma-separated list
 * `CHR`, `CHR:POS`, `CHR:BEG-END`, `CHR:BEG-` (prefix `^` to exclude), or a file of
 * `CHROM<TAB>POS` / `CHROM<TAB>BEG<TAB>END` lines (1-based, inclusive; `.bed` files 0-based
 * half-open; `#` lines skipped; plain or gzip). --targets-overlap: 0 = POS inside a target (default),
 * 1 = the record's POS..END overlaps, 2 = the variant itself (without a shared leading base) overlaps.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VcfError } from '../vcf/errors.js';
import type { QLine } from './format-line.js';

const MAXPOS = Number.MAX_SAFE_INTEGER;

interface Iv { beg: number; end: number }

export class Targets {
  private byChrom = new Map<string, { beg: Float64Array; end: Float64Array; maxEnd: Float64Array }>();
  private constructor(private exclude: boolean, private overlap: number, private endIsInt: boolean) {}

  /** `endIsInt`: the header declares INFO/END as an Integer (htslib then takes the record end from it) */
  static parse(spec: string, isFile: boolean, overlap = 0, endIsInt = true): Targets {
    if (![0, 1, 2].includes(overlap)) throw new VcfError('USAGE', `--targets-overlap expects 0, 1 or 2, got ${overlap}`, {}, 'usage');
    let exclude = false;
    let s = spec;
    if (s.startsWith('^')) { exclude = true; s = s.slice(1); }
    const t = new Targets(exclude, overlap, endIsInt);
    const ivs = new Map<string, Iv[]>();
    const add = (chr: string, beg: number, end: number) => {
      let a = ivs.get(chr);
      if (!a) ivs.set(chr, (a = []));
      a.push({ beg, end });
    };
    if (isFile) {
      let data: Buffer;
      try {
        data = fs.readFileSync(s);
        if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) data = zlib.gunzipSync(data);
      } catch (e) {
        throw new VcfError('TARGETS_UNREADABLE', `cannot read the targets file: ${(e as Error).message}`, { file: s }, 'usage');
      }
      const isBed = /\.bed(\.gz)?$/i.test(s);
      const lines = data.toString('utf8').split('\n');
      lines.forEach((raw, i) => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line === '' || line.startsWith('#')) return;
        const c = line.split('\t');
        const num = (x: string | undefined) => (x !== undefined && /^\d+$/.test(x) ? Number(x) : NaN);
        const a = num(c[1]);
        if (c.length < 2 || Number.isNaN(a)) {
          throw new VcfError('TARGETS_SYNTAX', 'expected CHROM<TAB>POS or CHROM<TAB>BEG<TAB>END', { file: s, line: i + 1, column: c[0].length + 2 }, 'usage');
        }
        const b = num(c[2]);
        if (isBed) add(c[0], a + 1, Number.isNaN(b) ? a + 1 : b);
        else add(c[0], a, Number.isNaN(b) ? a : b);
      });
    } else {
      for (const item of s.split(',')) {
        if (item === '') continue;
        const m = /^(.*?):(\d+)(-(\d*))?$/.exec(item);
        if (!m) { add(item, 1, MAXPOS); continue; }
        const beg = Number(m[2]);
        const end = m[3] === undefined ? beg : m[4] === '' ? MAXPOS : Number(m[4]);
        if (end < beg) throw new VcfError('TARGETS_SYNTAX', `the target "${item}" ends before it starts`, {}, 'usage');
        add(m[1], beg, end);
      }
    }
    for (const [chr, a] of ivs) {
      a.sort((x, y) => x.beg - y.beg || x.end - y.end);
      const beg = Float64Array.from(a, (x) => x.beg);
      const end = Float64Array.from(a, (x) => x.end);
      const maxEnd = new Float64Array(a.length);
      let m = 0;
      for (let i = 0; i < a.length; i++) { m = Math.max(m, end[i]); maxEnd[i] = m; }
      t.byChrom.set(chr, { beg, end, maxEnd });
    }
    return t;
  }

  /** does any target interval on `chr` overlap [beg, end]? */
  private hits(chr: string, beg: number, end: number): boolean {
    const c = this.byChrom.get(chr);
    if (!c) return false;
    // last interval starting at or before `end`
    let lo = 0, hi = c.beg.length - 1, k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c.beg[mid] <= end) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return k >= 0 && c.maxEnd[k] >= beg;
  }

  accept(L: QLine): boolean {
    const chr = L.colText(0);
    const pos = L.pos;
    let beg = pos, end = pos;
    if (this.overlap > 0) {
      const refLen = L.ce[3] - L.cs[3];
      end = pos + Math.max(refLen, 1) - 1;
      const info = this.endIsInt ? L.findInfo(END_KEY) : -1;
      if (info >= 0 && L.infoVS[info] >= 0) {
        const v = Number(L.buf.toString('latin1', L.infoVS[info], L.infoVE[info]));
        if (Number.isInteger(v) && v >= pos) end = v;
      }
      if (this.overlap === 2) {
        const a = L.alleles;
        if (a.length > 1 && a.slice(1).every((x) => x.length > 0 && x[0] === a[0][0] && x[0] !== '<') && a.some((x) => x.length !== a[0].length)) beg = pos + 1;
        if (beg > end) end = beg;
      }
    }
    const hit = this.hits(chr, beg, end);
    return this.exclude ? !hit : hit;
  }
}

const END_KEY = Buffer.from('END');
