/**
 * SnpEff `ANN` decoder (the ANN standard 1.0): `Allele | Annotation | Annotation_Impact | Gene_Name |
 * Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos |
 * CDS.pos | AA.pos | Distance | ERRORS`, entries separated by ','.
 *
 * `AnnEntry` is the common shape every decoder here (ANN, CSQ, EFF, ClinVar GENEINFO, GFF overlap)
 * produces, so the store and reports treat all annotation sources alike.
 */

export interface AnnEntry {
  allele: string;
  consequence: string;
  impact: string;
  gene: string;
  geneId: string;
  featureType: string;
  featureId: string;
  biotype: string;
  hgvsC: string;
  hgvsP: string;
}

export const IMPACT_RANK: Record<string, number> = { HIGH: 4, MODERATE: 3, LOW: 2, MODIFIER: 1 };

export function emptyEntry(): AnnEntry {
  return { allele: '', consequence: '', impact: '', gene: '', geneId: '', featureType: '', featureId: '', biotype: '', hgvsC: '', hgvsP: '' };
}

/** Parse the raw ANN value (percent-encoding left as is). */
export function parseAnn(raw: string): AnnEntry[] {
  const out: AnnEntry[] = [];
  for (const e of raw.split(',')) {
    if (!e) continue;
    const f = e.split('|');
    out.push({
      allele: f[0] ?? '',
      consequence: f[1] ?? '',
      impact: f[2] ?? '',
      gene: f[3] ?? '',
      geneId: f[4] ?? '',
      featureType: f[5] ?? '',
      featureId: f[6] ?? '',
      biotype: f[7] ?? '',
      hgvsC: f[9] ?? '',
      hgvsP: f[10] ?? '',
    });
  }
  return out;
}

/**
 * The entries of one ALT allele. SnpEff writes the ALT as in the record; entries naming another
 * allele (or a compound `ALT-chr:pos_REF>ALT` cancer form) are left out. A record with a single ALT
 * takes every entry whose allele is not another record's (SnpEff sometimes trims indel alleles).
 */
export function annForAllele(entries: AnnEntry[], alt: string, nAlt: number): AnnEntry[] {
  const exact = entries.filter((e) => e.allele === alt);
  if (exact.length || nAlt > 1) return exact;
  return entries.filter((e) => !e.allele.includes('-') || e.allele === alt);
}

/** One annotation per gene (the most severe; first on ties); intergenic entries name no gene. */
export function genesOf(entries: AnnEntry[]): AnnEntry[] {
  const best = new Map<string, AnnEntry>();
  for (const e of entries) {
    if (!e.gene || e.featureType === 'intergenic_region' || e.consequence === 'intergenic_region' || e.consequence === 'intergenic_variant') continue;
    const cur = best.get(e.gene);
    if (!cur || (IMPACT_RANK[e.impact] ?? 0) > (IMPACT_RANK[cur.impact] ?? 0)) best.set(e.gene, e);
  }
  return [...best.values()];
}

/** the most severe entry (first on ties), or undefined */
export function mostSevere(entries: AnnEntry[]): AnnEntry | undefined {
  let b: AnnEntry | undefined;
  for (const e of entries) if (!b || (IMPACT_RANK[e.impact] ?? 0) > (IMPACT_RANK[b.impact] ?? 0)) b = e;
  return b;
}
