/**
 * ClinVar clinical significance (CLNSIG) → classes. Values such as `Pathogenic/Likely_pathogenic`,
 * `Benign|risk_factor`, `Conflicting_interpretations_of_pathogenicity`, `Pathogenic,_low_penetrance`
 * are split into their parts; every part is classified.
 */

export const CLNSIG_CLASSES = ['pathogenic', 'likely_pathogenic', 'uncertain', 'likely_benign', 'benign', 'conflicting', 'other', 'not_provided'] as const;
export type ClnsigClass = (typeof CLNSIG_CLASSES)[number];

export const CLNSIG_LABEL: Record<ClnsigClass, string> = {
  pathogenic: 'pathogenic', likely_pathogenic: 'likely pathogenic', uncertain: 'uncertain significance', likely_benign: 'likely benign',
  benign: 'benign', conflicting: 'conflicting interpretations', other: 'risk factor, association or drug response', not_provided: 'no classification',
};

function classOf(part: string): ClnsigClass | undefined {
  const p = part.trim().toLowerCase().replace(/^_+|_+$/g, '').replace(/[\s-]+/g, '_');
  if (!p || p === '.') return undefined;
  if (p.startsWith('conflicting')) return 'conflicting';
  if (p.startsWith('likely_pathogenic')) return 'likely_pathogenic';
  if (p.startsWith('pathogenic')) return 'pathogenic';
  if (p.startsWith('likely_benign')) return 'likely_benign';
  if (p.startsWith('benign')) return 'benign';
  if (p.startsWith('uncertain') || p === 'vus') return 'uncertain';
  if (p === 'not_provided' || p.startsWith('no_classification') || p === 'no_interpretation_for_the_single_variant' || p === 'no_assertion_provided') return 'not_provided';
  if (p === 'low_penetrance' || p === 'established_risk_allele' || p === 'likely_risk_allele') return undefined; // qualifiers of a part before
  return 'other'; // drug_response, risk_factor, association, protective, affects, confers_sensitivity, other, ...
}

/** the distinct classes of a CLNSIG value, in CLNSIG_CLASSES order */
export function parseClnsig(value: string | undefined | null): ClnsigClass[] {
  if (!value) return [];
  const set = new Set<ClnsigClass>();
  for (const part of value.split(/[/|,;&]/)) {
    const c = classOf(part);
    if (c) set.add(c);
  }
  return CLNSIG_CLASSES.filter((c) => set.has(c));
}
