/**
 * Ensembl VEP `CSQ` decoder (also any INFO tag holding VEP output, e.g. gnomAD's `vep`).
 *
 * Field names come from the header: the tag's Description ends in `Format: A|B|C...` (VEP), or is
 * the bare `A|B|C...` list (gnomAD). Entries are ','-separated, fields '|'-separated.
 *
 * Alleles: VEP writes the allele after its own trimming (Bio::EnsEMBL::VEP::Parser::VCF): when any
 * ALT differs in length from REF (an indel record), the first base is removed from every allele if
 * all alleles (REF and every ALT) share it, an empty allele becoming '-'; SNV/MNP records keep their
 * alleles. `vepAlleles` applies that rule; `csqForAllele` matches entries to the record's ALT k by
 * ALLELE_NUM when the header has it, else by the trimmed allele.
 */
import { emptyEntry, type AnnEntry } from './ann.js';

export interface CsqLayout {
  tag: string;
  fields: string[];
  /** column of each field we read (-1 when absent) */
  col: { allele: number; consequence: number; impact: number; symbol: number; gene: number; featureType: number; feature: number; biotype: number; hgvsc: number; hgvsp: number; alleleNum: number };
}

/** The field layout of a VEP tag from its header Description, or undefined when it has none. */
export function csqLayout(tag: string, description: string | undefined): CsqLayout | undefined {
  if (!description) return undefined;
  const m = /Format:\s*([^"]*)$/i.exec(description);
  const list = (m ? m[1] : description).trim().replace(/["']+$/, '').trim();
  if (!list.includes('|')) return undefined;
  const fields = list.split('|').map((s) => s.trim());
  const at = (...names: string[]): number => {
    for (const n of names) {
      const i = fields.findIndex((f) => f.toLowerCase() === n.toLowerCase());
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    tag,
    fields,
    col: {
      allele: at('Allele'), consequence: at('Consequence'), impact: at('IMPACT'), symbol: at('SYMBOL'), gene: at('Gene'),
      featureType: at('Feature_type'), feature: at('Feature'), biotype: at('BIOTYPE'), hgvsc: at('HGVSc'), hgvsp: at('HGVSp'),
      alleleNum: at('ALLELE_NUM'),
    },
  };
}

export interface CsqEntry extends AnnEntry {
  /** ALLELE_NUM (1-based ALT index) when the layout has it */
  alleleNum?: number;
}

/** Parse a raw VEP value with its layout. HGVS values lose their `ENST...:` prefix. */
export function parseCsq(raw: string, layout: CsqLayout): CsqEntry[] {
  const c = layout.col;
  const out: CsqEntry[] = [];
  for (const e of raw.split(',')) {
    if (!e) continue;
    const f = e.split('|');
    const get = (i: number): string => (i >= 0 ? f[i] ?? '' : '');
    const x: CsqEntry = emptyEntry();
    x.allele = get(c.allele);
    x.consequence = get(c.consequence);
    x.impact = get(c.impact);
    x.gene = get(c.symbol) || get(c.gene);
    x.geneId = get(c.gene);
    x.featureType = get(c.featureType);
    x.featureId = get(c.feature);
    x.biotype = get(c.biotype);
    x.hgvsC = stripPrefix(decodeVep(get(c.hgvsc)));
    x.hgvsP = stripPrefix(decodeVep(get(c.hgvsp)));
    const an = get(c.alleleNum);
    if (an !== '' && /^\d+$/.test(an)) x.alleleNum = Number(an);
    out.push(x);
  }
  return out;
}

/** VEP escapes ';' and '=' in values as %3B and %3D */
function decodeVep(s: string): string {
  return s.includes('%') ? s.replace(/%3B/gi, ';').replace(/%3D/gi, '=').replace(/%2C/gi, ',') : s;
}

function stripPrefix(h: string): string {
  const i = h.indexOf(':');
  return i > 0 && /^(c|n|p|g|m|r)\./.test(h.slice(i + 1)) ? h.slice(i + 1) : h;
}

/** The ALT alleles as VEP writes them in its Allele field (see the header comment). */
export function vepAlleles(ref: string, alts: string[]): string[] {
  const symbolic = (a: string): boolean => a.startsWith('<') || a.includes('[') || a.includes(']') || a === '*' || a === '.';
  const isIndel = alts.some((a) => !symbolic(a) && (a.length !== ref.length || /^[DI]/.test(a)));
  if (!isIndel) return alts.slice();
  const plain = alts.filter((a) => !symbolic(a));
  const first = ref[0];
  if ([ref, ...plain].every((a) => a[0] === first)) return alts.map((a) => (symbolic(a) ? a : a.slice(1) || '-'));
  return alts.slice();
}

/**
 * The entries of ALT k (1-based) of a record: by ALLELE_NUM when present, else by VEP's trimmed
 * allele (case-insensitive); a single-ALT record takes all entries when none matches by allele
 * (e.g. structural variants, whose Allele VEP writes as a class name such as `deletion`).
 */
export function csqForAllele(entries: CsqEntry[], ref: string, alts: string[], k: number): CsqEntry[] {
  if (entries.some((e) => e.alleleNum !== undefined)) return entries.filter((e) => e.alleleNum === k);
  const want = vepAlleles(ref, alts)[k - 1]?.toUpperCase();
  const hit = entries.filter((e) => e.allele.toUpperCase() === want);
  if (hit.length || alts.length > 1) return hit;
  return entries;
}
