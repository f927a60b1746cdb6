/**
 * Variant types as htslib classifies them (`bcf_set_variant_type` / `bcf_get_variant_types`), used by
 * `%TYPE` and `%IS_TS` in query formats. Bit values are htslib's: REF is 0, so a record whose every
 * ALT allele is reference-like (or that has no ALT) has type 0.
 */
export const VT_REF = 0;
export const VT_SNP = 1;
export const VT_MNP = 2;
export const VT_INDEL = 4;
export const VT_OTHER = 8;
export const VT_BND = 16;
export const VT_OVERLAP = 32;

const up = (c: number) => (c >= 97 && c <= 122 ? c - 32 : c);

/** Type of one ALT allele against REF (both as latin1 strings). */
export function alleleType(ref: string, alt: string): number {
  const rl = ref.length, al = alt.length;
  if (al === 1 && alt === '*') return VT_OVERLAP;
  if (rl <= 1 && al <= 1) {
    if (alt === '.' || ref === alt) return VT_REF;
    if (alt === 'X') return VT_REF;
    return VT_SNP;
  }
  if (alt.charCodeAt(0) === 60 /* < */) {
    if (alt === '<X>' || alt.startsWith('<X>')) return VT_REF;
    if (alt.startsWith('<*>')) return VT_REF;
    if (alt === '<NON_REF>') return VT_REF;
    return VT_OTHER;
  }
  if (alt.charCodeAt(0) === 93 || alt.charCodeAt(0) === 91) return VT_BND; // "joined before" breakend
  let r = 0, a = 0;
  while (r < rl && a < al && up(ref.charCodeAt(r)) === up(alt.charCodeAt(a))) { r++; a++; }
  if (a < al && r >= rl) {
    const c = alt.charCodeAt(a);
    if (c === 93 || c === 91) return VT_BND;
    return VT_INDEL;
  }
  if (r < rl && a >= al) return VT_INDEL;
  if (r >= rl && a >= al) return VT_REF;
  let re = rl - 1, ae = al - 1;
  while (re > r && ae > a && up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae))) { re--; ae--; }
  if (ae === a) {
    if (re === r) return VT_SNP;
    if (up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae))) return VT_INDEL;
    return VT_OTHER;
  }
  if (re === r) {
    if (up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae))) return VT_INDEL;
    return VT_OTHER;
  }
  return re - r === ae - a ? VT_MNP : VT_OTHER;
}

/** OR of the types of all ALT alleles (0 = REF when there are none). */
export function variantTypes(ref: string, alts: string[]): number {
  let t = 0;
  for (const a of alts) t |= alleleType(ref, a);
  return t;
}

/** `%TYPE` text: REF, or the comma-joined SNP,MNP,INDEL,OTHER,BND,OVERLAP present. */
export function typeText(t: number): string {
  if (t === VT_REF) return 'REF';
  const out: string[] = [];
  if (t & VT_SNP) out.push('SNP');
  if (t & VT_MNP) out.push('MNP');
  if (t & VT_INDEL) out.push('INDEL');
  if (t & VT_OTHER) out.push('OTHER');
  if (t & VT_BND) out.push('BND');
  if (t & VT_OVERLAP) out.push('OVERLAP');
  return out.join(',');
}

function acgt(c: number): number {
  switch (up(c)) {
    case 65: return 0;
    case 67: return 1;
    case 71: return 2;
    case 84: return 3;
    default: return -1;
  }
}

/** `%IS_TS`: 1 when the record is a SNP/MNP whose first REF and first ALT base form a transition. */
export function isTransition(ref: string, alts: string[]): boolean {
  if (!alts.length) return false;
  const t = variantTypes(ref, alts);
  if (!(t & (VT_SNP | VT_MNP))) return false;
  const a = acgt(ref.charCodeAt(0)), b = acgt(alts[0].charCodeAt(0));
  return Math.abs(a - b) === 2;
}
