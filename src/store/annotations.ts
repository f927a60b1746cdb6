/**
 * Annotation of one file's records at ingest: which decoder applies (by the header and the
 * record), the entries of each ALT, the typed columns and the per-gene list for IN_GENE edges.
 *
 * Per record, the first source with a value wins: SnpEff `ANN`, the VEP tag (`CSQ`, or `--csq-tag`),
 * legacy `EFF`, ClinVar `GENEINFO` (genes only); when the file's header declares none of ANN, the
 * VEP tag or EFF, genes overlapping the variant in `--gff` gene models. ClinVar significance comes
 * from the record's CLNSIG/CLNREVSTAT/CLNDN, else from the `--clinvar` file joined by normalised key.
 */
import { annForAllele, genesOf, mostSevere, parseAnn, type AnnEntry } from '../annotate/ann.js';
import { csqForAllele, csqLayout, parseCsq, type CsqLayout } from '../annotate/csq.js';
import { effForAllele, effLayout, parseEff, type EffLayout } from '../annotate/eff.js';
import { clinvarOfInfo, geneInfoEntries, type ClinvarIndex, type ClinvarInfo } from '../annotate/clinvar.js';
import type { GeneIndex } from '../annotate/gff.js';
import type { VcfHeader } from '../vcf/header.js';

export interface AnnotationOptions {
  /** INFO tag holding VEP output (default CSQ) */
  csqTag?: string;
  gff?: GeneIndex;
  clinvar?: ClinvarIndex;
}

export interface AlleleAnnotation {
  source: string | null;
  gene: string | null;
  consequence: string | null;
  impact: string | null;
  hgvsC: string | null;
  hgvsP: string | null;
  genes: string[];
  /** JSON [[gene, consequence, impact, hgvs_c, hgvs_p], ...], one per gene, or null */
  geneAnn: string | null;
  clinvar: ClinvarInfo | null;
}

const NONE: AlleleAnnotation = { source: null, gene: null, consequence: null, impact: null, hgvsC: null, hgvsP: null, genes: [], geneAnn: null, clinvar: null };

export function summarize(entries: AnnEntry[], source: string | null): Omit<AlleleAnnotation, 'clinvar'> {
  if (!entries.length) return { ...NONE };
  const top = mostSevere(entries);
  const per = genesOf(entries);
  const genes = per.map((e) => e.gene);
  return {
    source,
    gene: (top && genes.includes(top.gene) ? top.gene : genes[0]) || null,
    consequence: top?.consequence || null,
    impact: top?.impact || null,
    hgvsC: top?.hgvsC || null,
    hgvsP: top?.hgvsP || null,
    genes,
    geneAnn: per.length ? JSON.stringify(per.map((e) => [e.gene, e.consequence || null, e.impact || null, e.hgvsC || null, e.hgvsP || null])) : null,
  };
}

/** the parts of a record the annotator reads */
export interface RecordView {
  chrom: string;
  ref: string;
  alts: string[];
  info: (key: string) => string | true | undefined;
}

export class FileAnnotator {
  readonly csqTag: string;
  readonly csq?: CsqLayout;
  readonly eff?: EffLayout;
  /** the header declares an annotation (so --gff is not used) */
  readonly declared: boolean;
  private readonly opts: AnnotationOptions;

  constructor(header: VcfHeader, opts: AnnotationOptions = {}) {
    this.opts = opts;
    this.csqTag = opts.csqTag ?? 'CSQ';
    this.csq = csqLayout(this.csqTag, header.info.get(this.csqTag)?.description);
    this.eff = header.info.has('EFF') ? effLayout(header.info.get('EFF')?.description) : undefined;
    this.declared = header.info.has('ANN') || !!this.csq || !!this.eff;
  }

  /** what this annotator uses, for the files catalog */
  describe(): string {
    const parts = ['ANN', this.csq ? `${this.csqTag}(VEP)` : '', this.eff ? 'EFF' : '', 'GENEINFO'];
    if (this.opts.gff && !this.declared) parts.push(`gff:${this.opts.gff.file}`);
    if (this.opts.clinvar) parts.push(`clinvar:${this.opts.clinvar.file}`);
    return parts.filter(Boolean).join(',');
  }

  /**
   * Annotation of ALT k (1-based) of a record; `span` is the allele's 1-based [start, end] for the
   * gene overlap; `joinKey` the normalised key for the ClinVar join.
   */
  forRecord(rec: RecordView): (k: number, span: [number, number], joinKey: string) => AlleleAnnotation {
    const annRaw = rec.info('ANN');
    const ann = typeof annRaw === 'string' ? parseAnn(annRaw) : undefined;
    const csqRaw = !ann && this.csq ? rec.info(this.csqTag) : undefined;
    const csq = typeof csqRaw === 'string' ? parseCsq(csqRaw, this.csq!) : undefined;
    const effRaw = !ann && !csq ? rec.info('EFF') : undefined;
    const eff = typeof effRaw === 'string' ? parseEff(effRaw, this.eff) : undefined;
    const cln = clinvarOfInfo(rec.info) ?? null;
    return (k, span, joinKey) => {
      let s: Omit<AlleleAnnotation, 'clinvar'>;
      if (ann) s = summarize(annForAllele(ann, rec.alts[k - 1], rec.alts.length), 'ANN');
      else if (csq) s = summarize(csqForAllele(csq, rec.ref, rec.alts, k), this.csqTag);
      else if (eff) s = summarize(effForAllele(eff, k), 'EFF');
      else if (cln?.geneinfo) s = summarize(geneInfoEntries(cln.geneinfo), 'GENEINFO');
      else if (this.opts.gff && !this.declared) s = summarize(this.opts.gff.entries(rec.chrom, span[0], span[1]), 'GFF');
      else s = { ...NONE };
      const clinvar = cln && (cln.clnsig || cln.clnrevstat || cln.clndn) ? cln : this.opts.clinvar?.get(joinKey) ?? null;
      // genes of the joined ClinVar record when nothing else names one
      if (!s.source && clinvar?.geneinfo) s = summarize(geneInfoEntries(clinvar.geneinfo), 'GENEINFO');
      return { ...s, clinvar };
    };
  }
}
