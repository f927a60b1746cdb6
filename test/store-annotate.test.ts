/**
 * Store annotations at ingest (issue 6): VEP CSQ (and --csq-tag), legacy EFF, ClinVar INFO and the
 * --clinvar join (chr aliasing, normalised keys), --gff/--gtf gene overlap, --fasta left-aligned
 * keys, gVCF reference blocks. Checked against bcftools (+split-vep, norm -f) and the corpus
 * PAIRS.tsv where possible.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SKIP_BCFTOOLS, SKIP_SHARED, fixture, sharedPath } from './helpers/shared.js';
import { sh } from './helpers/cli.js';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead, type Row } from '../src/store/query.js';
import { graphQuery } from '../src/store/query.js';
import { csqForAllele, csqLayout, parseCsq, vepAlleles } from '../src/annotate/csq.js';
import { effLayout, parseEff } from '../src/annotate/eff.js';
import { GeneIndex } from '../src/annotate/gff.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-store-ann-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
const SKIP_BOTH = SKIP_SHARED || SKIP_BCFTOOLS;

async function rows(db: string, where = 'true', cols = ['key', 'chrom', 'pos', 'ref', 'alt', 'allele_idx', 'gene', 'genes', 'consequence', 'impact', 'hgvs_c', 'hgvs_p', 'clnsig', 'clnrevstat', 'clndn', 'ann_source', 'gene_ann']): Promise<Row[]> {
  const s = await openForRead(db);
  try {
    const r = await s.tables.variants.query().where(where).select(cols).toArray();
    return r.map((x) => Object.fromEntries(cols.map((c) => [c, x[c] !== null && typeof x[c] === 'object' && 'toArray' in (x[c] as object) ? [...(x[c] as Iterable<unknown>)] : x[c]])));
  } finally {
    s.close();
  }
}

function bcf(cmd: string): string {
  const r = sh(cmd);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('VEP allele trimming rule', () => {
  assert.deepEqual(vepAlleles('ACT', ['A', 'ACTT']), ['-', 'CTT']);
  assert.deepEqual(vepAlleles('A', ['C', 'AT']), ['C', 'AT']); // first bases differ: untrimmed
  assert.deepEqual(vepAlleles('G', ['T', 'C']), ['T', 'C']); // no indel: untrimmed
  assert.deepEqual(vepAlleles('AT', ['A']), ['-']);
  assert.deepEqual(vepAlleles('A', ['AT', '<NON_REF>']), ['T', '<NON_REF>']);
  const layout = csqLayout('CSQ', 'Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|HGVSc')!;
  assert.deepEqual(layout.fields, ['Allele', 'Consequence', 'IMPACT', 'SYMBOL', 'Gene', 'HGVSc']);
  assert.equal(csqLayout('vep', 'Allele|Consequence|IMPACT|SYMBOL|')!.col.symbol, 3);
  assert.equal(csqLayout('X', 'no fields here'), undefined);
  const e = parseCsq('-|frameshift_variant|HIGH|G1|ENSG1|ENST1.1:c.1del,CTT|inframe_insertion|MODERATE||ENSG1|', layout);
  assert.equal(csqForAllele(e, 'ACT', ['A', 'ACTT'], 1)[0].consequence, 'frameshift_variant');
  assert.equal(csqForAllele(e, 'ACT', ['A', 'ACTT'], 1)[0].hgvsC, 'c.1del');
  assert.equal(csqForAllele(e, 'ACT', ['A', 'ACTT'], 2)[0].gene, 'ENSG1'); // no SYMBOL: the Gene id
});

test('EFF decoding: layout from the header, SO terms, Genotype_Number', () => {
  const layout = effLayout("Predicted effects for this variant.Format: 'Effect ( Effect_Impact | Functional_Class | Codon_Change | Amino_Acid_change| Amino_Acid_length | Gene_Name | Gene_BioType | Coding | Transcript | Exon [ | ERRORS | WARNINGS ] )' ");
  const e = parseEff('NON_SYNONYMOUS_CODING(MODERATE|MISSENSE|gGt/gCt|p.Gly12Ala/c.35G>C|189|KRAS|protein_coding|CODING|ENST00000256078|2|1),INTRON(MODIFIER|||||X|lincRNA|NON_CODING|ENST1||2)', layout);
  assert.equal(e[0].consequence, 'missense_variant');
  assert.equal(e[0].impact, 'MODERATE');
  assert.equal(e[0].gene, 'KRAS');
  assert.equal(e[0].hgvsP, 'p.Gly12Ala');
  assert.equal(e[0].hgvsC, 'c.35G>C');
  assert.equal(e[0].featureId, 'ENST00000256078');
  assert.equal(e[0].alleleNum, 1);
  assert.equal(e[1].consequence, 'intron_variant');
  assert.equal(e[1].alleleNum, 2);
});

test('CSQ at ingest: split ALTs matched by VEP trimming; ClinVar INFO and --clinvar join (chr1 vs 1, normalised key)', { skip: SKIP_SHARED }, async () => {
  const db = path.join(tmpRoot, 'csq');
  const r = await ingestFiles([fixture('store', 'csq.vcf')], { db, clinvar: sharedPath('e_annotated', 'clinvar', 'clinvar_20211025_GRCh38_subset_a.vcf') });
  assert.equal(r.files[0].variants, 8);
  const byKey = new Map((await rows(db)).map((x) => [x.key as string, x]));
  const pick = (k: string) => { const x = byKey.get(k); assert.ok(x, k); return x; };
  assert.deepEqual([pick('chr1:1000100:ACT:A').consequence, pick('chr1:1000100:ACT:A').impact], ['frameshift_variant', 'HIGH']);
  assert.deepEqual([pick('chr1:1000101:C:CT').consequence, pick('chr1:1000101:C:CT').hgvs_p], ['inframe_insertion', 'p.Leu4_Ser5insPhe']);
  assert.equal(pick('chr1:1000200:A:C').consequence, 'missense_variant');
  assert.equal(pick('chr1:1000200:A:AT').consequence, 'frameshift_variant');
  assert.deepEqual([pick('chr1:1000300:G:T').hgvs_p, pick('chr1:1000300:G:C').consequence], ['p.Gly3=', 'stop_gained']);
  assert.deepEqual([pick('chr1:925952:G:A').hgvs_c, pick('chr1:925952:G:A').gene], ['c.1A>G', 'SAMD11']);
  // ClinVar has 1 925952 G>A (Uncertain_significance) and 1 930139 C>T (Likely_benign); the file
  // spells the contig chr1 and writes the second as CA>TA
  assert.deepEqual([pick('chr1:925952:G:A').clnsig, pick('chr1:925952:G:A').clnrevstat], ['Uncertain_significance', 'criteria_provided,_single_submitter']);
  const mnp = pick('chr1:930139:C:T');
  assert.deepEqual([mnp.ref, mnp.alt, mnp.clnsig, mnp.clndn, mnp.gene, mnp.ann_source], ['CA', 'TA', 'Likely_benign', 'not_provided', 'SAMD11', 'GENEINFO']);
  assert.equal(pick('chr1:1000100:ACT:A').clnsig, null);
  // graph: IN_GENE edges carry the allele's annotation, ClinVar on the Variant
  const g = await graphQuery(db, "MATCH (v:Variant)-[e:IN_GENE]->(x:Gene) WHERE v.key = 'chr1:1000200:A:AT' RETURN x.name AS gene, e.consequence AS c, e.impact AS i, e.hgvs_p AS p");
  assert.deepEqual(g, [{ gene: 'GENEB', c: 'frameshift_variant', i: 'HIGH', p: 'p.Lys2fs' }]);
  const cv = await graphQuery(db, "MATCH (v:Variant) WHERE v.clnsig IS NOT NULL RETURN v.key AS k, v.clnsig AS s ORDER BY k");
  assert.deepEqual(cv, [{ k: 'chr1:925952:G:A', s: 'Uncertain_significance' }, { k: 'chr1:930139:C:T', s: 'Likely_benign' }]);
});

test('VEP CSQ of a real file: every allele\'s genes equal bcftools +split-vep (by ALLELE_NUM)', { skip: SKIP_BOTH }, async () => {
  const file = sharedPath('e_annotated', 'vep_CSQ', 'split-vep.vcf');
  const db = path.join(tmpRoot, 'vep');
  await ingestFiles([file], { db, noGraph: true });
  const want = new Map<string, Set<string>>();
  const conseq = new Map<string, Set<string>>();
  for (const line of bcf(`bcftools +split-vep -d -f '%CHROM\\t%POS\\t%REF\\t%ALT\\t%ALLELE_NUM\\t%SYMBOL\\t%Gene\\t%Consequence\\n' ${file}`).trim().split('\n')) {
    const [c, p, r, alts, n, sym, gene, csq] = line.split('\t');
    const k = `${c}:${p}:${r}:${alts.split(',')[Number(n) - 1]}`;
    if (!want.has(k)) { want.set(k, new Set()); conseq.set(k, new Set()); }
    conseq.get(k)!.add(csq);
    const g = sym !== '.' ? sym : gene;
    if (g !== '.' && csq !== 'intergenic_variant') want.get(k)!.add(g);
  }
  const got = await rows(file && db);
  assert.equal(got.length, Number(bcf(`bcftools norm -m -any ${file} 2>/dev/null | bcftools view -H | wc -l`).trim()));
  let multi = 0, checked = 0;
  for (const x of got) {
    const k = `${x.chrom}:${x.pos}:${x.ref}:${x.alt}`;
    assert.deepEqual(new Set(x.genes as string[]), want.get(k) ?? new Set(), k);
    if (x.consequence) { assert.ok(conseq.get(k)!.has(x.consequence as string), k); checked++; }
    if ((x.allele_idx as number) > 1) multi++;
  }
  assert.ok(multi > 10 && checked > 700, `${multi} ${checked}`);
});

test('--csq-tag vep (gnomAD, no Format: prefix): every allele annotated', { skip: SKIP_SHARED }, async () => {
  const db = path.join(tmpRoot, 'gnomad');
  await ingestFiles([sharedPath('e_annotated', 'vep_CSQ', 'gnomad.genomes.r3.0.sites.chr1.sample.vcf.gz')], { db, csqTag: 'vep', noGraph: true });
  const got = await rows(db);
  assert.equal(got.length, 30);
  assert.ok(got.every((x) => x.ann_source === 'vep' && x.consequence && x.impact), JSON.stringify(got.find((x) => !x.consequence)));
  assert.ok(got.some((x) => (x.genes as string[]).includes('DDX11L1')));
});

test('legacy EFF at ingest', { skip: SKIP_SHARED }, async () => {
  const db = path.join(tmpRoot, 'eff');
  await ingestFiles([sharedPath('e_annotated', 'snpeff_EFF', 'test.snpeff.vcf')], { db, noGraph: true });
  const got = await rows(db);
  assert.ok(got.length >= 10);
  assert.ok(got.every((x) => x.ann_source === 'EFF'));
  const first = got.find((x) => x.key === 'chr1:30548:T:G')!;
  assert.deepEqual(first.genes, ['FAM138A', 'MIR1302-10', 'WASH7P']);
  assert.equal(first.consequence, 'downstream_gene_variant');
  assert.equal(first.impact, 'MODIFIER');
});

test('--gff: GFF3 (Ensembl, contig 21) and GTF (GENCODE, chr1) gene overlap as PAIRS.tsv says', { skip: SKIP_SHARED }, async () => {
  const db = path.join(tmpRoot, 'gff');
  const gff3 = sharedPath('f_gene_models', 'ensembl_grch38_chr21', 'Homo_sapiens.GRCh38.chr21.test.gff3.gz');
  const r = await ingestFiles([sharedPath('f_gene_models', 'ensembl_grch38_chr21', 'HG00096.chr21.vcf')], { db, gff: gff3 });
  const got = await rows(db, `file_id = ${r.files[0].fileId}`);
  assert.equal(got.length, 132);
  assert.ok(got.every((x) => (x.genes as string[]).length > 0 && x.ann_source === 'GFF'));
  assert.deepEqual([...new Set(got.flatMap((x) => x.genes as string[]))].sort(), ['APP', 'ATP5J', 'GABPA', 'JAM2', 'MRPL39']);
  const ix = await GeneIndex.load(gff3);
  const geneLines = Number(bcf(`zcat ${gff3} | awk -F'\t' '$3 == "gene" || $3 == "pseudogene" || $3 ~ /_gene$/' | wc -l`).trim());
  assert.ok(geneLines >= 541); // PAIRS.tsv: 541 of type "gene"
  assert.equal(ix.count, geneLines);
  assert.deepEqual(ix.overlapping('chr21', 25585733, 25585733).map((g) => g.name), ix.overlapping('21', 25585733, 25585733).map((g) => g.name));
  const db2 = path.join(tmpRoot, 'gtf');
  await ingestFiles([sharedPath('f_gene_models', 'gencode_v44_chr1', '1000GP_subset.vcf.gz')], { db: db2, gff: sharedPath('f_gene_models', 'gencode_v44_chr1', 'gencode.v44.subset.gtf.gz'), noGraph: true });
  const g2 = await rows(db2);
  assert.equal(g2.length, 100);
  assert.equal(g2.filter((x) => (x.genes as string[]).length > 0).length, 98);
  assert.ok(new Set(g2.flatMap((x) => x.genes as string[])).size <= 14);
  // the graph has the genes and their edges
  const n = await graphQuery(db, 'MATCH (:Variant)-[e:IN_GENE]->(g:Gene) RETURN count(DISTINCT g) AS genes');
  assert.equal(Number(n[0].genes), 5);
});

test('--fasta: keys left-aligned exactly as bcftools norm -f -m -any; the choice is in the catalog', { skip: SKIP_BCFTOOLS }, async () => {
  const db = path.join(tmpRoot, 'fasta');
  const vcf = fixture('norm', 'indels.vcf'), fa = fixture('norm', 'ref.fa');
  await ingestFiles([vcf], { db, fasta: fa, noGraph: true });
  const want = bcf(`bcftools norm -f ${fa} -m -any -c w ${vcf} 2>/dev/null | bcftools query -f '%CHROM:%POS:%REF:%ALT\\n'`).trim().split('\n').map((k) => k.replace(/:[^:]+:[^:]+$/, (m) => m.toUpperCase())).sort();
  const got = (await rows(db)).map((x) => x.key as string).sort();
  assert.deepEqual(got, want);
  const s = await openForRead(db);
  try {
    assert.equal((await s.files())[0].norm, `left-align ${fa}`);
  } finally {
    s.close();
  }
  // without --fasta the keys are only trimmed: the homopolymer deletion keeps its position
  const db2 = path.join(tmpRoot, 'nofasta');
  await ingestFiles([vcf], { db: db2, noGraph: true });
  const trimmed = new Set((await rows(db2)).map((x) => x.key as string));
  assert.ok(trimmed.has('chr1:31:AA:A') || trimmed.has('chr1:31:AA:A'.toUpperCase()));
  assert.ok(!got.includes('chr1:31:AA:A'));
});

test('gVCF: <NON_REF>/<*> never keys; reference blocks stored as hom-ref with DP/GQ per block', async () => {
  const db = path.join(tmpRoot, 'gvcf');
  const r = await ingestFiles([fixture('store', 'gvcf.vcf')], { db });
  assert.deepEqual([r.files[0].records, r.files[0].variants, r.files[0].refBlocks, r.files[0].genotypes], [6, 3, 3, 2]);
  const keys = (await rows(db)).map((x) => x.key);
  assert.deepEqual(keys, ['20:10000117:C:T', '20:10000211:C:T', '20:10000439:T:G']);
  const s = await openForRead(db);
  try {
    const b = await s.tables.refblocks.query().select(['pos', 'end', 'sample', 'gt', 'dp', 'gq', 'min_dp']).toArray();
    assert.deepEqual(b.map((x) => [x.pos, x.end, x.sample, x.gt, x.dp, x.gq, x.min_dp]), [
      [10000000, 10000116, 'NA12878', '0/0', 44, 99, 38],
      [10000118, 10000210, 'NA12878', '0/0', 42, 99, 37],
      [10000212, 10000438, 'NA12878', '0/0', 24, 60, 20],
    ]);
  } finally {
    s.close();
  }
  const g = await graphQuery(db, 'MATCH (v:Variant) RETURN count(*) AS n');
  assert.equal(Number(g[0].n), 3);
});
