/**
 * Reference build detection from the header: `##contig` lengths first (chr1 249250621 is
 * GRCh37/hg19, 248956422 is GRCh38/hg38, and so on for every primary chromosome), then
 * `##reference`/`##assembly` text as weaker evidence. Returns the build, the contig naming
 * style and the evidence, so a report can say why.
 */
import type { VcfHeader } from './header.js';

export type Build = 'GRCh37' | 'GRCh38';

export interface BuildDetection {
  /** the build the evidence points to, or null when unknown or contradictory */
  build: Build | null;
  /** UCSC name when contigs are chr-prefixed (hg19, hg38), else the GRC name; null when unknown */
  name: string | null;
  /** contig naming: `chr1` (ucsc), `1` (ensembl), both, or none found */
  naming: 'ucsc' | 'ensembl' | 'mixed' | null;
  /** how the build was found */
  source: 'contig-lengths' | 'reference-line' | null;
  /** contigs whose lengths matched, e.g. "chr1 length 249250621 = GRCh37" */
  evidence: string[];
  /** contigs pointing to another build, or to none (e.g. "chr1 length 1000 matches no known build") */
  conflicts: string[];
}

const CHROMS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', 'X', 'Y'];

/** Primary chromosome lengths (GRC assemblies; hg19/hg38 share them). */
const LENGTHS: Record<Build, number[]> = {
  GRCh37: [
    249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663, 146364022, 141213431, 135534747,
    135006516, 133851895, 115169878, 107349540, 102531392, 90354753, 81195210, 78077248, 59128983, 63025520,
    48129895, 51304566, 155270560, 59373566,
  ],
  GRCh38: [
    248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636, 138394717, 133797422,
    135086622, 133275309, 114364328, 107043718, 101991189, 90338345, 83257441, 80373285, 58617616, 64444167,
    46709983, 50818468, 156040895, 57227415,
  ],
};

/** Mitochondrion: rCRS (16569 bp) is in both GRCh37 (MT) and GRCh38; hg19's chrM (NC_001807) is 16571 bp. */
const MITO_HG19 = 16571;

const BY_LENGTH = new Map<number, { build: Build; chrom: string }>();
for (const b of Object.keys(LENGTHS) as Build[]) LENGTHS[b].forEach((len, i) => BY_LENGTH.set(len, { build: b, chrom: CHROMS[i] }));

function bare(name: string): string {
  return name.startsWith('chr') ? name.slice(3) : name;
}

/** Detect the build from a header. */
export function detectBuild(header: VcfHeader): BuildDetection {
  const evidence: string[] = [];
  const conflicts: string[] = [];
  const votes: Record<Build, number> = { GRCh37: 0, GRCh38: 0 };
  let ucsc = 0;
  let ensembl = 0;
  for (const c of header.contigs.values()) {
    const b = bare(c.id);
    const isPrimary = CHROMS.includes(b) || b === 'M' || b === 'MT';
    if (!isPrimary) continue;
    if (c.id.startsWith('chr')) ucsc++;
    else ensembl++;
    if (c.length === undefined) continue;
    if (b === 'M' || b === 'MT') {
      if (c.length === MITO_HG19) evidence.push(`${c.id} length ${c.length} = hg19 (GRCh37)`);
      continue; // rCRS is in both builds
    }
    const hit = BY_LENGTH.get(c.length);
    if (hit && hit.chrom === b) {
      votes[hit.build]++;
      evidence.push(`${c.id} length ${c.length} = ${hit.build}`);
    } else {
      conflicts.push(`${c.id} length ${c.length} matches no known build`);
    }
  }
  // an hg19 chrM counts for GRCh37
  if (evidence.some((e) => e.includes('= hg19'))) votes.GRCh37++;
  const naming = ucsc && ensembl ? 'mixed' : ucsc ? 'ucsc' : ensembl ? 'ensembl' : null;
  let build: Build | null = null;
  let source: BuildDetection['source'] = null;
  if (votes.GRCh37 || votes.GRCh38) {
    if (votes.GRCh37 && votes.GRCh38) {
      for (const e of evidence) conflicts.push(`contig lengths of two builds: ${e}`);
    } else {
      build = votes.GRCh37 ? 'GRCh37' : 'GRCh38';
      source = 'contig-lengths';
    }
  } else {
    const hint = referenceHint(header);
    if (hint) {
      build = hint.build;
      source = 'reference-line';
      evidence.push(hint.why);
    }
  }
  const name = build === null ? null : naming === 'ucsc' ? (build === 'GRCh37' ? 'hg19' : 'hg38') : build;
  // a mitochondrion of the other build's convention is worth saying, not overriding
  if (build === 'GRCh38') {
    for (const c of header.contigs.values()) if ((bare(c.id) === 'M' || bare(c.id) === 'MT') && c.length === MITO_HG19) conflicts.push(`${c.id} length ${c.length} is hg19's chrM`);
  }
  return { build, name, naming, source, evidence, conflicts };
}

/** `##reference=` / `##assembly=` (and contig `assembly=`) naming a build. */
function referenceHint(header: VcfHeader): { build: Build; why: string } | null {
  const texts: string[] = [];
  for (const l of header.lines) {
    if ((l.key === 'reference' || l.key === 'assembly') && l.value) texts.push(`##${l.key}=${l.value}`);
  }
  for (const c of header.contigs.values()) if (c.attrs.assembly) texts.push(`##contig assembly=${c.attrs.assembly}`);
  for (const t of texts) {
    const s = t.toLowerCase();
    if (/grch38|hg38|hs38|b38\b|grch38/.test(s)) return { build: 'GRCh38', why: `${clip(t)} names GRCh38` };
    if (/grch37|hg19|hs37|b37\b|human_g1k_v37|hs37d5/.test(s)) return { build: 'GRCh37', why: `${clip(t)} names GRCh37` };
  }
  return null;
}

function clip(s: string, n = 80): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
