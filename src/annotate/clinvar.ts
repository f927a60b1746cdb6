/**
 * ClinVar INFO fields (`CLNSIG`, `CLNREVSTAT`, `GENEINFO`, `CLNDN`) and the `--clinvar FILE` join.
 *
 * GENEINFO is `SYMBOL:GeneID|SYMBOL:GeneID`. The join matches a variant to a ClinVar record by a
 * normalised key: the contig without `chr` (M → MT), then POS/REF/ALT trimmed (or left-aligned when
 * a reference is given) exactly as the store's own keys, so `chr1` and `1` files both match.
 */
import { normalizeAllele, type FastaReader, type NormalizedAllele } from './normalize.js';
import { contigAliases } from '../vcf/regions.js';
import { emptyEntry, type AnnEntry } from './ann.js';
import { VcfReader } from '../vcf/reader.js';

export interface ClinvarInfo {
  clnsig: string | null;
  clnrevstat: string | null;
  clndn: string | null;
  /** GENEINFO as written */
  geneinfo: string | null;
}

type InfoGet = (key: string) => string | true | undefined;

const str = (v: string | true | undefined): string | null => (typeof v === 'string' && v !== '' && v !== '.' ? v : null);

/** ClinVar fields of a record's INFO, or undefined when it has none of them. */
export function clinvarOfInfo(get: InfoGet): ClinvarInfo | undefined {
  const c: ClinvarInfo = { clnsig: str(get('CLNSIG')), clnrevstat: str(get('CLNREVSTAT')), clndn: str(get('CLNDN')), geneinfo: str(get('GENEINFO')) };
  return c.clnsig || c.clnrevstat || c.clndn || c.geneinfo ? c : undefined;
}

/** GENEINFO → one AnnEntry per gene (no consequence: ClinVar's MC is not per transcript) */
export function geneInfoEntries(geneinfo: string | null): AnnEntry[] {
  if (!geneinfo) return [];
  return geneinfo.split('|').filter(Boolean).map((g) => {
    const [sym, id] = g.split(':');
    const e = emptyEntry();
    e.gene = sym;
    e.geneId = id ?? '';
    return e;
  });
}

/** the contig spelling used in join keys: no `chr` prefix, mitochondria as MT */
export function canonicalContig(name: string): string {
  const bare = name.startsWith('chr') ? name.slice(3) : name;
  return /^(M|MT)$/i.test(bare) ? 'MT' : bare;
}

/**
 * One allele normalised: left-aligned with the reference when it has the contig (under its own
 * name or its chr/no-chr alias), else only trimmed. `leftAligned` tells which.
 */
export function normalizeKeyAllele(chrom: string, pos: number, ref: string, alt: string, fasta?: FastaReader): NormalizedAllele & { leftAligned: boolean } {
  if (fasta) {
    const name = fasta.has(chrom) ? chrom : contigAliases(chrom).find((a) => fasta.has(a));
    if (name !== undefined) return { ...normalizeAllele(name, pos, ref, alt, fasta), leftAligned: true };
  }
  return { ...normalizeAllele(chrom, pos, ref, alt), leftAligned: false };
}

/** The join key of one normalised allele: canonical contig, POS, REF, ALT. */
export function joinKey(chrom: string, n: NormalizedAllele): string {
  return `${canonicalContig(chrom)}:${n.pos}:${n.ref}:${n.alt}`;
}

/**
 * ClinVar records of a ClinVar VCF by join key (all in memory: ~100 bytes per record; the full
 * ClinVar VCF, ~2.5M records, takes a few hundred MB — see the report on bounded memory).
 */
export class ClinvarIndex {
  readonly byKey = new Map<string, string>();
  readonly file: string;
  records = 0;
  private constructor(file: string) { this.file = file; }

  static async load(file: string, fasta?: FastaReader): Promise<ClinvarIndex> {
    const ix = new ClinvarIndex(file);
    const reader = await VcfReader.open(file);
    for await (const batch of reader.batches()) {
      for (const rec of batch) {
        ix.records++;
        const info = rec.info;
        const c = clinvarOfInfo((k) => info.get(k));
        if (!c) continue;
        const packed = [c.clnsig ?? '', c.clnrevstat ?? '', c.clndn ?? '', c.geneinfo ?? ''].join('\t');
        for (const alt of rec.alt) {
          if (alt === '.' || alt.startsWith('<')) continue;
          ix.byKey.set(joinKey(rec.chrom, normalizeKeyAllele(rec.chrom, rec.pos, rec.ref, alt, fasta)), packed);
        }
      }
    }
    return ix;
  }

  get(key: string): ClinvarInfo | undefined {
    const p = this.byKey.get(key);
    if (p === undefined) return undefined;
    const [clnsig, clnrevstat, clndn, geneinfo] = p.split('\t');
    return { clnsig: clnsig || null, clnrevstat: clnrevstat || null, clndn: clndn || null, geneinfo: geneinfo || null };
  }
}
