/**
 * Consequence terms → classes, for the feature vector and the text description.
 *
 * Accepts Sequence Ontology terms as written by VEP (`CSQ` Consequence) and SnpEff (`ANN`
 * Annotation), SnpEff's own extra terms (exon_loss_variant, intergenic_region, gene_fusion, ...)
 * and the legacy SnpEff `EFF` effect names (NON_SYNONYMOUS_CODING, FRAME_SHIFT, UTR_3_PRIME, ...),
 * case-insensitively. Several terms may be joined with '&' (ANN/CSQ) or '+' (older SnpEff).
 * Impacts follow VEP's table (HIGH / MODERATE / LOW / MODIFIER) and are used when a record gives
 * a consequence but no impact.
 */

/** Fine consequence classes (the order is part of the feature layout: FEATURE_VERSION). */
export const CSQ_CLASSES = [
  'ablation', // transcript/exon/feature loss, large deletions
  'stop_gained',
  'frameshift',
  'splice_site', // splice donor/acceptor (±2 bp)
  'start_stop_lost',
  'inframe_indel',
  'missense', // and other protein-altering changes
  'splice_region',
  'synonymous', // incl. start/stop retained
  'utr',
  'noncoding_exon',
  'intron', // and other within-transcript, non-exonic terms
  'upstream',
  'downstream',
  'regulatory',
  'intergenic',
  'structural', // fusions, amplifications, elongations
  'other',
] as const;
export type CsqClass = (typeof CSQ_CLASSES)[number];

/** Coarse groups of the fine classes (similar classes share a group dimension). */
export const CSQ_GROUPS = ['loss_of_function', 'protein_altering', 'near_coding', 'transcript', 'flanking_regulatory', 'intergenic', 'structural', 'other'] as const;
export type CsqGroup = (typeof CSQ_GROUPS)[number];

export const CLASS_GROUP: Record<CsqClass, CsqGroup> = {
  ablation: 'loss_of_function', stop_gained: 'loss_of_function', frameshift: 'loss_of_function', splice_site: 'loss_of_function', start_stop_lost: 'loss_of_function',
  inframe_indel: 'protein_altering', missense: 'protein_altering',
  splice_region: 'near_coding', synonymous: 'near_coding', utr: 'near_coding',
  noncoding_exon: 'transcript', intron: 'transcript',
  upstream: 'flanking_regulatory', downstream: 'flanking_regulatory', regulatory: 'flanking_regulatory',
  intergenic: 'intergenic', structural: 'structural', other: 'other',
};

export const IMPACTS = ['HIGH', 'MODERATE', 'LOW', 'MODIFIER'] as const;
export type Impact = (typeof IMPACTS)[number];

interface TermInfo { cls: CsqClass; impact: Impact; so: string }

/** [term, class, impact, SO term it stands for (for EFF names and synonyms)] */
const TERMS: Array<[string, CsqClass, Impact, string?]> = [
  // VEP / Sequence Ontology (VEP's consequence table, most severe first)
  ['transcript_ablation', 'ablation', 'HIGH'],
  ['splice_acceptor_variant', 'splice_site', 'HIGH'],
  ['splice_donor_variant', 'splice_site', 'HIGH'],
  ['stop_gained', 'stop_gained', 'HIGH'],
  ['frameshift_variant', 'frameshift', 'HIGH'],
  ['stop_lost', 'start_stop_lost', 'HIGH'],
  ['start_lost', 'start_stop_lost', 'HIGH'],
  ['transcript_amplification', 'structural', 'HIGH'],
  ['feature_elongation', 'structural', 'HIGH'],
  ['feature_truncation', 'ablation', 'HIGH'],
  ['inframe_insertion', 'inframe_indel', 'MODERATE'],
  ['inframe_deletion', 'inframe_indel', 'MODERATE'],
  ['missense_variant', 'missense', 'MODERATE'],
  ['protein_altering_variant', 'missense', 'MODERATE'],
  ['splice_donor_5th_base_variant', 'splice_region', 'LOW'],
  ['splice_region_variant', 'splice_region', 'LOW'],
  ['splice_donor_region_variant', 'splice_region', 'LOW'],
  ['splice_polypyrimidine_tract_variant', 'splice_region', 'LOW'],
  ['incomplete_terminal_codon_variant', 'synonymous', 'LOW'],
  ['start_retained_variant', 'synonymous', 'LOW'],
  ['stop_retained_variant', 'synonymous', 'LOW'],
  ['synonymous_variant', 'synonymous', 'LOW'],
  ['coding_sequence_variant', 'missense', 'MODIFIER'],
  ['mature_mirna_variant', 'noncoding_exon', 'MODIFIER', 'mature_miRNA_variant'],
  ['5_prime_utr_variant', 'utr', 'MODIFIER', '5_prime_UTR_variant'],
  ['3_prime_utr_variant', 'utr', 'MODIFIER', '3_prime_UTR_variant'],
  ['non_coding_transcript_exon_variant', 'noncoding_exon', 'MODIFIER'],
  ['intron_variant', 'intron', 'MODIFIER'],
  ['nmd_transcript_variant', 'intron', 'MODIFIER', 'NMD_transcript_variant'],
  ['non_coding_transcript_variant', 'intron', 'MODIFIER'],
  ['coding_transcript_variant', 'intron', 'MODIFIER'],
  ['upstream_gene_variant', 'upstream', 'MODIFIER'],
  ['downstream_gene_variant', 'downstream', 'MODIFIER'],
  ['tfbs_ablation', 'regulatory', 'MODIFIER', 'TFBS_ablation'],
  ['tfbs_amplification', 'regulatory', 'MODIFIER', 'TFBS_amplification'],
  ['tf_binding_site_variant', 'regulatory', 'MODIFIER', 'TF_binding_site_variant'],
  ['regulatory_region_ablation', 'regulatory', 'MODIFIER'],
  ['regulatory_region_amplification', 'regulatory', 'MODIFIER'],
  ['regulatory_region_variant', 'regulatory', 'MODIFIER'],
  ['intergenic_variant', 'intergenic', 'MODIFIER'],
  ['sequence_variant', 'other', 'MODIFIER'],
  // SnpEff ANN terms beyond VEP's
  ['exon_loss_variant', 'ablation', 'HIGH'],
  ['exon_loss', 'ablation', 'HIGH', 'exon_loss_variant'],
  ['chromosome_number_variation', 'ablation', 'HIGH'],
  ['chromosome', 'ablation', 'HIGH', 'chromosome_number_variation'],
  ['rare_amino_acid_variant', 'missense', 'HIGH'],
  ['gene_fusion', 'structural', 'HIGH'],
  ['bidirectional_gene_fusion', 'structural', 'HIGH'],
  ['feature_fusion', 'structural', 'LOW'],
  ['duplication', 'structural', 'HIGH'],
  ['inversion', 'structural', 'HIGH'],
  ['translocation', 'structural', 'HIGH'],
  ['protein_protein_contact', 'missense', 'HIGH'],
  ['structural_interaction_variant', 'missense', 'HIGH'],
  ['frameshift_elongation', 'frameshift', 'HIGH'],
  ['frameshift_truncation', 'frameshift', 'HIGH'],
  ['disruptive_inframe_deletion', 'inframe_indel', 'MODERATE'],
  ['disruptive_inframe_insertion', 'inframe_indel', 'MODERATE'],
  ['conservative_inframe_deletion', 'inframe_indel', 'MODERATE'],
  ['conservative_inframe_insertion', 'inframe_indel', 'MODERATE'],
  ['3_prime_utr_truncation', 'utr', 'MODERATE', '3_prime_UTR_truncation'],
  ['5_prime_utr_truncation', 'utr', 'MODERATE', '5_prime_UTR_truncation'],
  ['5_prime_utr_premature_start_codon_gain_variant', 'utr', 'LOW', '5_prime_UTR_premature_start_codon_gain_variant'],
  ['initiator_codon_variant', 'start_stop_lost', 'LOW'],
  ['non_canonical_start_codon', 'synonymous', 'LOW'],
  ['sequence_feature', 'other', 'LOW'],
  ['non_coding_exon_variant', 'noncoding_exon', 'MODIFIER'],
  ['exon_variant', 'noncoding_exon', 'MODIFIER'],
  ['mirna', 'noncoding_exon', 'MODIFIER', 'miRNA'],
  ['intragenic_variant', 'intron', 'MODIFIER'],
  ['gene_variant', 'intron', 'MODIFIER'],
  ['transcript_variant', 'intron', 'MODIFIER'],
  ['conserved_intron_variant', 'intron', 'MODIFIER'],
  ['intergenic_region', 'intergenic', 'MODIFIER'],
  ['conserved_intergenic_variant', 'intergenic', 'MODIFIER'],
  ['splice_branch_variant', 'splice_region', 'LOW'],
  // legacy SnpEff EFF effect names (SnpEff's SO ↔ EFF table)
  ['chromosome_large_deletion', 'ablation', 'HIGH', 'chromosome_number_variation'],
  ['exon_deleted', 'ablation', 'HIGH', 'exon_loss_variant'],
  ['exon_del', 'ablation', 'HIGH', 'exon_loss_variant'],
  ['frame_shift', 'frameshift', 'HIGH', 'frameshift_variant'],
  ['splice_site_acceptor', 'splice_site', 'HIGH', 'splice_acceptor_variant'],
  ['splice_site_donor', 'splice_site', 'HIGH', 'splice_donor_variant'],
  ['start_lost', 'start_stop_lost', 'HIGH'],
  ['stop_lost', 'start_stop_lost', 'HIGH'],
  ['stop_gained', 'stop_gained', 'HIGH'],
  ['rare_amino_acid', 'missense', 'HIGH', 'rare_amino_acid_variant'],
  ['fusion', 'structural', 'HIGH', 'gene_fusion'],
  ['non_synonymous_coding', 'missense', 'MODERATE', 'missense_variant'],
  ['codon_change', 'missense', 'MODERATE', 'coding_sequence_variant'],
  ['codon_insertion', 'inframe_indel', 'MODERATE', 'inframe_insertion'],
  ['codon_change_plus_codon_insertion', 'inframe_indel', 'MODERATE', 'disruptive_inframe_insertion'],
  ['codon_deletion', 'inframe_indel', 'MODERATE', 'inframe_deletion'],
  ['codon_change_plus_codon_deletion', 'inframe_indel', 'MODERATE', 'disruptive_inframe_deletion'],
  ['utr_5_deleted', 'utr', 'MODERATE', '5_prime_UTR_truncation'],
  ['utr_3_deleted', 'utr', 'MODERATE', '3_prime_UTR_truncation'],
  ['non_synonymous_start', 'start_stop_lost', 'LOW', 'initiator_codon_variant'],
  ['non_synonymous_stop', 'synonymous', 'LOW', 'stop_retained_variant'],
  ['synonymous_coding', 'synonymous', 'LOW', 'synonymous_variant'],
  ['synonymous_start', 'synonymous', 'LOW', 'start_retained_variant'],
  ['synonymous_stop', 'synonymous', 'LOW', 'stop_retained_variant'],
  ['start_gained', 'utr', 'LOW', '5_prime_UTR_premature_start_codon_gain_variant'],
  ['splice_site_region', 'splice_region', 'LOW', 'splice_region_variant'],
  ['splice_site_branch', 'splice_region', 'LOW', 'splice_branch_variant'],
  ['splice_site_branch_u12', 'splice_region', 'MODERATE', 'splice_branch_variant'],
  ['utr_5_prime', 'utr', 'MODIFIER', '5_prime_UTR_variant'],
  ['utr_3_prime', 'utr', 'MODIFIER', '3_prime_UTR_variant'],
  ['exon', 'noncoding_exon', 'MODIFIER', 'non_coding_exon_variant'],
  ['micro_rna', 'noncoding_exon', 'MODIFIER', 'miRNA'],
  ['intron', 'intron', 'MODIFIER', 'intron_variant'],
  ['intronic', 'intron', 'MODIFIER', 'intron_variant'],
  ['intron_conserved', 'intron', 'MODIFIER', 'conserved_intron_variant'],
  ['intragenic', 'intron', 'MODIFIER', 'intragenic_variant'],
  ['transcript', 'intron', 'MODIFIER', 'transcript_variant'],
  ['gene', 'intron', 'MODIFIER', 'gene_variant'],
  ['upstream', 'upstream', 'MODIFIER', 'upstream_gene_variant'],
  ['downstream', 'downstream', 'MODIFIER', 'downstream_gene_variant'],
  ['regulation', 'regulatory', 'MODIFIER', 'regulatory_region_variant'],
  ['intergenic', 'intergenic', 'MODIFIER', 'intergenic_region'],
  ['intergenic_conserved', 'intergenic', 'MODIFIER', 'conserved_intergenic_variant'],
  ['cds', 'missense', 'MODIFIER', 'coding_sequence_variant'],
  ['none', 'other', 'MODIFIER', 'sequence_variant'],
];

const TABLE = new Map<string, TermInfo>();
for (const [t, cls, impact, so] of TERMS) if (!TABLE.has(t)) TABLE.set(t, { cls, impact, so: so ?? t });

const IMPACT_RANK: Record<Impact, number> = { HIGH: 4, MODERATE: 3, LOW: 2, MODIFIER: 1 };

export interface ParsedTerm {
  /** the term as given */
  term: string;
  /** the Sequence Ontology term it stands for (legacy EFF names translated) */
  so: string;
  cls: CsqClass;
  impact: Impact;
  known: boolean;
}

/** The terms of a consequence value (`missense_variant&splice_region_variant`, `NON_SYNONYMOUS_CODING`). */
export function parseConsequence(value: string | undefined | null): ParsedTerm[] {
  if (!value) return [];
  const out: ParsedTerm[] = [];
  for (const raw of value.split(/[&+,]/)) {
    const term = raw.trim();
    if (!term || term === '.') continue;
    const info = TABLE.get(term.toLowerCase());
    out.push(info ? { term, so: info.so, cls: info.cls, impact: info.impact, known: true } : { term, so: term, cls: 'other', impact: 'MODIFIER', known: false });
  }
  return out;
}

/** the most severe of parsed terms (by impact, then by the class order; first on ties) */
export function mostSevereTerm(terms: ParsedTerm[]): ParsedTerm | undefined {
  let best: ParsedTerm | undefined;
  for (const t of terms) {
    if (!best) { best = t; continue; }
    const d = IMPACT_RANK[t.impact] - IMPACT_RANK[best.impact];
    if (d > 0 || (d === 0 && CSQ_CLASSES.indexOf(t.cls) < CSQ_CLASSES.indexOf(best.cls))) best = t;
  }
  return best;
}

/** normalised impact (upper-case one of IMPACTS) or undefined */
export function normImpact(v: string | undefined | null): Impact | undefined {
  if (!v) return undefined;
  const u = v.trim().toUpperCase();
  return (IMPACTS as readonly string[]).includes(u) ? (u as Impact) : undefined;
}
