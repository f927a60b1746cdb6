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

/** A type with the length change htslib records for it (`var.n`: bases inserted > 0, deleted < 0). */
export interface AlleleTypeLen { type: number; n: number }

/**
 * htslib's type of one ALT allele against REF (both as latin1 strings), with its length change:
 * the one string classifier (`%TYPE`, `%IS_TS`, the analyze summary). bcftools stats' byte-level
 * twin over record buffers is src/stats/bcfstats-site.ts.
 */
export function alleleTypeLen(ref: string, alt: string): AlleleTypeLen {
  const rl = ref.length, al = alt.length;
  if (al === 1 && alt === '*') return { type: VT_OVERLAP, n: 0 };
  if (rl <= 1 && al <= 1) {
    if (alt === '.' || alt === '' || ref === alt) return { type: VT_REF, n: 0 };
    if (alt === 'X') return { type: VT_REF, n: 0 };
    return { type: VT_SNP, n: 1 };
  }
  if (alt.charCodeAt(0) === 60 /* < */) {
    if (alt === '<X>' || alt.startsWith('<X>')) return { type: VT_REF, n: 0 };
    if (alt.startsWith('<*>')) return { type: VT_REF, n: 0 };
    if (alt === '<NON_REF>') return { type: VT_REF, n: 0 };
    return { type: VT_OTHER, n: 0 };
  }
  if (alt.charCodeAt(0) === 93 || alt.charCodeAt(0) === 91) return { type: VT_BND, n: 0 }; // "joined before" breakend
  let r = 0, a = 0;
  while (r < rl && a < al && up(ref.charCodeAt(r)) === up(alt.charCodeAt(a))) { r++; a++; }
  if (a < al && r >= rl) {
    const c = alt.charCodeAt(a);
    if (c === 93 || c === 91) return { type: VT_BND, n: 0 };
    return { type: VT_INDEL, n: al - rl };
  }
  if (r < rl && a >= al) return { type: VT_INDEL, n: al - rl };
  if (r >= rl && a >= al) return { type: VT_REF, n: 0 };
  let re = rl - 1, ae = al - 1;
  while (re > r && ae > a && up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae))) { re--; ae--; }
  if (ae === a) {
    if (re === r) return { type: VT_SNP, n: 1 };
    return { type: up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae)) ? VT_INDEL : VT_OTHER, n: -(re - r) };
  }
  if (re === r) return { type: up(ref.charCodeAt(re)) === up(alt.charCodeAt(ae)) ? VT_INDEL : VT_OTHER, n: ae - a };
  return { type: re - r === ae - a ? VT_MNP : VT_OTHER, n: re - r > ae - a ? -(re - r + 1) : ae - a + 1 };
}

/** Type of one ALT allele against REF (both as latin1 strings). */
export function alleleType(ref: string, alt: string): number {
  return alleleTypeLen(ref, alt).type;
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

/** bcf_acgt2int: A/C/G/T (any case, as a char code) to 0..3, anything else -1 */
export function acgt2int(c: number): number {
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
  const a = acgt2int(ref.charCodeAt(0)), b = acgt2int(alts[0].charCodeAt(0));
  return Math.abs(a - b) === 2;
}
