/**
 * Gene models from GFF3 (Ensembl, GENCODE, RefSeq) or GTF (Ensembl/GENCODE, rtracklayer), for
 * assigning genes to variants by overlap when a file carries no ANN/CSQ/EFF annotation.
 *
 * Only `gene`-level features are kept (GFF3 types gene, pseudogene, *_gene; GTF `gene` lines,
 * or, when a GTF has no gene lines, the span of each gene_id's features). Name: GFF3 `Name`, else
 * `gene_name`, else `gene_id`/`ID` without its `gene:` prefix; GTF `gene_name`, else `gene_id`.
 * Memory: one small object per gene (~60k for a whole human annotation). Coordinates are 1-based
 * inclusive as in the files; contigs are looked up as written, then under their chr/no-chr alias.
 */
import { emptyEntry, type AnnEntry } from './ann.js';
import { contigAliases } from '../vcf/regions.js';
import { VcfError } from '../vcf/errors.js';
import { StringDecoder } from 'node:string_decoder';
import { openInput } from '../vcf/input.js';

export interface Gene { chrom: string; start: number; end: number; name: string; id: string; biotype: string; strand: string }

/** gene-level GFF3 types: gene, pseudogene and Ensembl's `*_gene` (ncRNA_gene, lincRNA_gene, miRNA_gene, ...) */
const isGeneType = (t: string): boolean => t === 'gene' || t === 'pseudogene' || t.endsWith('_gene');

function gff3Attrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of s.split(';')) {
    const eq = kv.indexOf('=');
    if (eq > 0) m.set(kv.slice(0, eq).trim(), decodeURIComponent(kv.slice(eq + 1).trim().replace(/%(?![0-9A-Fa-f]{2})/g, '%25')));
  }
  return m;
}

function gtfAttrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_.]+)\s+(?:"([^"]*)"|([^;\s]+))\s*;?/g;
  let x: RegExpExecArray | null;
  while ((x = re.exec(s))) if (!m.has(x[1])) m.set(x[1], x[2] ?? x[3]);
  return m;
}

export class GeneIndex {
  readonly file: string;
  /** per contig: genes sorted by start, and the longest gene's length (for the overlap scan) */
  private readonly byChrom = new Map<string, { genes: Gene[]; maxLen: number }>();
  count = 0;
  private constructor(file: string) { this.file = file; }

  /** Read a GFF3 or GTF file (plain, gzip or BGZF); the format is told by the attribute syntax. */
  static async load(file: string): Promise<GeneIndex> {
    const ix = new GeneIndex(file);
    const input = await openInput(file, {});
    const spans = new Map<string, Gene>(); // GTF without gene lines: gene_id → span
    let sawGtfGene = false;
    let rest = '';
    let lineNo = 0;
    const handle = (line: string): void => {
      lineNo++;
      if (!line || line[0] === '#') return;
      const f = line.split('\t');
      if (f.length < 9) throw new VcfError('GFF_SYNTAX', `line has ${f.length} tab-separated columns, a GFF3/GTF line has 9`, { file, line: lineNo });
      const [chrom, , type, s, e, , strand, , attr] = f;
      const start = Number(s), end = Number(e);
      if (!Number.isInteger(start) || !Number.isInteger(end)) throw new VcfError('GFF_SYNTAX', `start/end "${s}"/"${e}" are not integers`, { file, line: lineNo });
      const isGtf = !/^[^=;\s]+=/.test(attr.trim()) && /"/.test(attr) || /^\s*gene_id\s/.test(attr);
      if (isGtf) {
        const a = gtfAttrs(attr);
        const id = a.get('gene_id') ?? '';
        const name = a.get('gene_name') || id;
        const biotype = a.get('gene_type') ?? a.get('gene_biotype') ?? '';
        if (type === 'gene') { sawGtfGene = true; ix.add({ chrom, start, end, name, id, biotype, strand }); }
        else if (id) {
          const k = chrom + '\t' + id;
          const cur = spans.get(k);
          if (!cur) spans.set(k, { chrom, start, end, name, id, biotype, strand });
          else { cur.start = Math.min(cur.start, start); cur.end = Math.max(cur.end, end); }
        }
        return;
      }
      if (!isGeneType(type)) return;
      const a = gff3Attrs(attr);
      const rawId = a.get('ID') ?? a.get('gene_id') ?? '';
      const id = a.get('gene_id') ?? rawId.replace(/^gene:/, '');
      const name = a.get('Name') ?? a.get('gene_name') ?? id;
      ix.add({ chrom, start, end, name, id, biotype: a.get('biotype') ?? a.get('gene_type') ?? a.get('gene_biotype') ?? '', strand });
    };
    const dec = new StringDecoder('utf8');
    for await (const chunk of input.chunks) {
      const text = rest + dec.write(chunk as Buffer);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) handle(l.endsWith('\r') ? l.slice(0, -1) : l);
    }
    rest += dec.end();
    if (rest) handle(rest);
    if (!sawGtfGene) for (const g of spans.values()) ix.add(g);
    for (const v of ix.byChrom.values()) v.genes.sort((a, b) => a.start - b.start || a.end - b.end);
    if (!ix.count) throw new VcfError('GFF_NO_GENES', 'no gene features found (expected GFF3 type "gene" or GTF gene_id attributes)', { file });
    return ix;
  }

  private add(g: Gene): void {
    let c = this.byChrom.get(g.chrom);
    if (!c) { c = { genes: [], maxLen: 0 }; this.byChrom.set(g.chrom, c); }
    c.genes.push(g);
    c.maxLen = Math.max(c.maxLen, g.end - g.start + 1);
    this.count++;
  }

  private contig(chrom: string): { genes: Gene[]; maxLen: number } | undefined {
    const c = this.byChrom.get(chrom);
    if (c) return c;
    for (const a of contigAliases(chrom)) { const x = this.byChrom.get(a); if (x) return x; }
    return undefined;
  }

  /** genes overlapping [start, end] (1-based inclusive), in start order */
  overlapping(chrom: string, start: number, end: number): Gene[] {
    const c = this.contig(chrom);
    if (!c) return [];
    const g = c.genes;
    // first gene with start >= start - maxLen (binary search), then scan while gene.start <= end
    let lo = 0, hi = g.length;
    const from = start - c.maxLen;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (g[mid].start < from) lo = mid + 1; else hi = mid; }
    const out: Gene[] = [];
    for (let i = lo; i < g.length && g[i].start <= end; i++) if (g[i].end >= start) out.push(g[i]);
    return out;
  }

  /** overlapping genes as annotation entries (consequence `gene_overlap`, no impact) */
  entries(chrom: string, start: number, end: number): AnnEntry[] {
    return this.overlapping(chrom, start, end).map((x) => {
      const e = emptyEntry();
      e.gene = x.name;
      e.geneId = x.id;
      e.biotype = x.biotype;
      e.featureType = 'gene';
      e.featureId = x.id;
      e.consequence = 'gene_overlap';
      return e;
    });
  }
}
