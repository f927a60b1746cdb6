/**
 * Legacy SnpEff `EFF` decoder (SnpEff < 4.1): entries `Effect(Impact|Functional_Class|Codon_Change|
 * Amino_Acid_Change|Amino_Acid_Length|Gene_Name|Transcript_BioType|Gene_Coding|Transcript_ID|
 * Exon_Rank|Genotype_Number[|ERRORS|WARNINGS])`, ','-separated. Older versions lack
 * Amino_Acid_Length; the layout is read from the header Description when it lists the fields.
 *
 * Effects are mapped to Sequence Ontology terms (as SnpEff's own ANN output names them) so that
 * EFF, ANN and CSQ consequences compare; unknown effects are kept lower-cased.
 * Genotype_Number, when present, is the ALT index the entry belongs to.
 */
import { emptyEntry, type AnnEntry } from './ann.js';

/** SnpEff 3.x effect names → SO terms (SnpEff's EffectType.toSequenceOntology) */
export const EFF_TO_SO: Record<string, string> = {
  CHROMOSOME_LARGE_DELETION: 'chromosome', CODON_CHANGE: 'coding_sequence_variant', CODON_INSERTION: 'inframe_insertion',
  CODON_CHANGE_PLUS_CODON_INSERTION: 'disruptive_inframe_insertion', CODON_DELETION: 'inframe_deletion',
  CODON_CHANGE_PLUS_CODON_DELETION: 'disruptive_inframe_deletion', DOWNSTREAM: 'downstream_gene_variant', EXON: 'exon_variant',
  EXON_DELETED: 'exon_loss_variant', FRAME_SHIFT: 'frameshift_variant', GENE: 'gene_variant', INTERGENIC: 'intergenic_region',
  INTERGENIC_CONSERVED: 'conserved_intergenic_variant', INTRAGENIC: 'intragenic_variant', INTRON: 'intron_variant',
  INTRON_CONSERVED: 'conserved_intron_variant', MICRO_RNA: 'miRNA', NON_SYNONYMOUS_CODING: 'missense_variant',
  NON_SYNONYMOUS_START: 'initiator_codon_variant', NON_SYNONYMOUS_STOP: 'stop_retained_variant', RARE_AMINO_ACID: 'rare_amino_acid_variant',
  SPLICE_SITE_ACCEPTOR: 'splice_acceptor_variant', SPLICE_SITE_DONOR: 'splice_donor_variant', SPLICE_SITE_REGION: 'splice_region_variant',
  SPLICE_SITE_BRANCH: 'splice_branch_variant', SPLICE_SITE_BRANCH_U12: 'splice_branch_variant', STOP_LOST: 'stop_lost',
  START_GAINED: '5_prime_UTR_premature_start_codon_gain_variant', START_LOST: 'start_lost', STOP_GAINED: 'stop_gained',
  SYNONYMOUS_CODING: 'synonymous_variant', SYNONYMOUS_START: 'start_retained_variant', SYNONYMOUS_STOP: 'stop_retained_variant',
  TRANSCRIPT: 'transcript_variant', REGULATION: 'regulatory_region_variant', UPSTREAM: 'upstream_gene_variant',
  UTR_3_PRIME: '3_prime_UTR_variant', UTR_3_DELETED: '3_prime_UTR_truncation', UTR_5_PRIME: '5_prime_UTR_variant',
  UTR_5_DELETED: '5_prime_UTR_truncation', NEXT_PROT: 'sequence_feature', MOTIF: 'TF_binding_site_variant',
};

export interface EffLayout { fields: string[] }

const DEFAULT_FIELDS = ['Effect_Impact', 'Functional_Class', 'Codon_Change', 'Amino_Acid_Change', 'Amino_Acid_Length', 'Gene_Name', 'Transcript_BioType', 'Gene_Coding', 'Transcript_ID', 'Exon_Rank', 'Genotype_Number'];

/** The field list inside `Effect ( ... )` of the header Description; the SnpEff 3.x default otherwise. */
export function effLayout(description: string | undefined): EffLayout {
  const m = description ? /\(\s*([^()]*?)\s*\)/.exec(description) : null;
  if (!m) return { fields: DEFAULT_FIELDS };
  const fields = m[1].replace(/\[|\]/g, '').split('|').map((s) => s.trim()).filter(Boolean);
  // the description names the optional trailing ERRORS/WARNINGS; Genotype_Number may be missing from it
  return { fields: fields.length >= 9 ? fields : DEFAULT_FIELDS };
}

export interface EffEntry extends AnnEntry {
  /** Genotype_Number: the 1-based ALT index, when given */
  alleleNum?: number;
}

export function parseEff(raw: string, layout: EffLayout = { fields: DEFAULT_FIELDS }): EffEntry[] {
  const idx = (...names: string[]): number => {
    for (const n of names) {
      const i = layout.fields.findIndex((f) => f.toLowerCase() === n.toLowerCase());
      if (i >= 0) return i;
    }
    return -1;
  };
  const iImpact = idx('Effect_Impact'), iAa = idx('Amino_Acid_Change'), iGene = idx('Gene_Name'), iBio = idx('Transcript_BioType', 'Gene_BioType');
  const iTr = idx('Transcript_ID', 'Transcript'), iCodon = idx('Codon_Change');
  // Genotype_Number follows Exon_Rank in SnpEff 3.x even where the Description does not name it
  let iGt = idx('Genotype_Number', 'Genotype');
  if (iGt < 0) { const ex = idx('Exon_Rank', 'Exon'); if (ex >= 0) iGt = ex + 1; }
  const out: EffEntry[] = [];
  // entries are separated by ',' outside parentheses
  let depth = 0, start = 0;
  const items: string[] = [];
  for (let i = 0; i <= raw.length; i++) {
    const c = raw[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === raw.length) { if (i > start) items.push(raw.slice(start, i)); start = i + 1; }
  }
  for (const item of items) {
    const p = item.indexOf('(');
    const effect = (p < 0 ? item : item.slice(0, p)).trim();
    const inner = p < 0 ? '' : item.slice(p + 1, item.lastIndexOf(')') > p ? item.lastIndexOf(')') : undefined);
    const f = inner.split('|');
    const get = (i: number): string => (i >= 0 ? (f[i] ?? '').trim() : '');
    const e: EffEntry = emptyEntry();
    e.consequence = effect.split('+').map((x) => EFF_TO_SO[x] ?? x.toLowerCase()).join('&');
    e.impact = get(iImpact);
    e.gene = get(iGene);
    e.biotype = get(iBio);
    e.featureId = get(iTr);
    e.featureType = e.featureId ? 'transcript' : '';
    // Amino_Acid_Change is `p.X/c.Y` in SnpEff 3.4+ with HGVS on, else a short form like `G12R`
    const aa = get(iAa);
    const slash = aa.indexOf('/c.');
    if (slash >= 0) { e.hgvsP = aa.slice(0, slash); e.hgvsC = aa.slice(slash + 1); } else if (aa.startsWith('p.')) e.hgvsP = aa;
    else if (aa.startsWith('c.')) e.hgvsC = aa;
    void iCodon;
    const gt = get(iGt);
    if (/^\d+$/.test(gt)) e.alleleNum = Number(gt);
    out.push(e);
  }
  return out;
}

/** The entries of ALT k (1-based): by Genotype_Number when given, else all (EFF names no allele). */
export function effForAllele(entries: EffEntry[], k: number): EffEntry[] {
  return entries.filter((e) => e.alleleNum === undefined || e.alleleNum === k);
}
