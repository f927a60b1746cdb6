#!/usr/bin/env python3
"""
Writes eval/questions.json: questions over examples/ with answers computed independently of
vcf-agent, by bcftools (file questions) or by this script reading the VCF text directly (store
questions: alleles split as `bcftools norm -m -any`, SnpEff ANN read per allele).

Each question names the tool calls a good answer needs (`tools`) and where in the first tool's
result the answer is (`extract`), so the oracle model (src/agent/eval.ts --oracle) can prove the
tools return the expected answers. Usage: python3 eval/make-questions.py   (needs bcftools)
"""
import gzip, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRIO, COHORT = 'examples/trio.vcf.gz', 'examples/cohort.vcf.gz'
FILES = {'trio': TRIO, 'cohort': COHORT}

def sh(cmd):
    return subprocess.run(['bash', '-o', 'pipefail', '-c', cmd], cwd=ROOT, check=True, capture_output=True, text=True).stdout

def count(cmd):
    return int(sh(f'{cmd} | wc -l').strip())

def sn(f):
    out = {}
    for l in sh(f'bcftools stats {f}').splitlines():
        p = l.split('\t')
        if p[0] == 'SN': out[p[2].rstrip(':')] = int(p[3])
        if p[0] == 'TSTV': out['ts'], out['tv'] = int(p[2]), int(p[3])
    return out

def psc(f, s):
    for l in sh(f'bcftools stats -s {s} {f}').splitlines():
        p = l.split('\t')
        if p[0] == 'PSC' and p[2] == s:
            return {'nRefHom': int(p[3]), 'nNonRefHom': int(p[4]), 'nHets': int(p[5]), 'nMissing': int(p[13])}
    raise SystemExit(f'no PSC for {s}')

Q = []
def q(id, question, value, independent, tools, extract, kind='number'):
    Q.append({'id': id, 'question': question, 'expected': {'type': kind, 'value': value}, 'independent': independent, 'tools': tools, 'extract': extract})

# ---- file questions (bcftools) -----------------------------------------------------------------
for name, f in FILES.items():
    s = sn(f)
    st = [{'tool': 'stats', 'input': {'file': f}}]
    q(f'{name}-records', f'How many records does {f} contain?', s['number of records'], f'bcftools stats {f} (SN number of records)', st, 'facts.SN.records')
    q(f'{name}-snps', f'How many SNP records are in {f}?', s['number of SNPs'], f'bcftools stats {f} (SN number of SNPs)', st, 'facts.SN.snps')
    q(f'{name}-indels', f'How many indel records are in {f}?', s['number of indels'], f'bcftools stats {f} (SN number of indels)', st, 'facts.SN.indels')
    q(f'{name}-multiallelic', f'How many multiallelic sites does {f} have?', s['number of multiallelic sites'], f'bcftools stats {f} (SN multiallelic sites)', st, 'facts.SN.multiallelicSites')
    q(f'{name}-ts', f'How many transitions are counted in {f} (bcftools stats TSTV)?', s['ts'], f'bcftools stats {f} (TSTV ts)', st, 'facts.TSTV.ts')
    q(f'{name}-tv', f'How many transversions are counted in {f}?', s['tv'], f'bcftools stats {f} (TSTV tv)', st, 'facts.TSTV.tv')
    q(f'{name}-samples', f'How many samples does {f} have?', count(f'bcftools query -l {f}'), f'bcftools query -l {f} | wc -l', [{'tool': 'file_header', 'input': {'file': f}}], 'facts.samples')
    q(f'{name}-errors', f'How many validation errors does {f} have?', 0, f'bcftools view {f} > /dev/null (reads cleanly)', [{'tool': 'validate', 'input': {'file': f}}], 'facts.errors')
    for label, expr in [('pass', 'FILTER="PASS"'), ('lowqual', 'FILTER="LowQual"'), ('qual100', 'QUAL>=100'), ('pathogenic', 'INFO/CLNSIG="Pathogenic"'), ('rare', 'INFO/AF<0.01'), ('dp', 'INFO/DP>500')]:
        text = {'pass': 'pass all filters (FILTER PASS)', 'lowqual': 'have the LowQual filter', 'qual100': 'have QUAL of at least 100', 'pathogenic': 'have ClinVar CLNSIG Pathogenic', 'rare': 'have INFO/AF below 0.01', 'dp': 'have INFO/DP above 500'}[label]
        n = count(f"bcftools view -H -i '{expr}' {f}")
        q(f'{name}-{label}', f'How many records in {f} {text}?', n, f"bcftools view -H -i '{expr}' {f} | wc -l", [{'tool': 'query_variants', 'input': {'file': f, 'include': expr}}], 'row_count')
    for chrom in ['chr13', 'chr17']:
        n = count(f'bcftools view -H -r {chrom} {f}')
        q(f'{name}-{chrom}', f'How many records of {f} are on {chrom}?', n, f'bcftools view -H -r {chrom} {f} | wc -l', [{'tool': 'query_variants', 'input': {'file': f, 'region': chrom}}], 'row_count')

for s in ['child', 'mother', 'father']:
    p = psc(TRIO, s)
    t = [{'tool': 'stats', 'input': {'file': TRIO, 'samples': s}}]
    q(f'trio-{s}-het', f'How many heterozygous SNP genotypes does {s} have in {TRIO} (bcftools stats PSC)?', p['nHets'], f'bcftools stats -s {s} {TRIO} (PSC nHets)', t, 'rows[0].nHets')
    q(f'trio-{s}-homalt', f'How many non-reference homozygous genotypes does {s} have in {TRIO}?', p['nNonRefHom'], f'bcftools stats -s {s} {TRIO} (PSC nNonRefHom)', t, 'rows[0].nNonRefHom')
    q(f'trio-{s}-missing', f'How many missing genotypes does {s} have in {TRIO}?', p['nMissing'], f'bcftools stats -s {s} {TRIO} (PSC nMissing)', t, 'rows[0].nMissing')
for s in ['S001', 'S017', 'S033', 'S060']:
    p = psc(COHORT, s)
    t = [{'tool': 'stats', 'input': {'file': COHORT, 'samples': s}}]
    q(f'cohort-{s}-het', f'How many heterozygous SNP genotypes does sample {s} have in {COHORT}?', p['nHets'], f'bcftools stats -s {s} {COHORT} (PSC nHets)', t, 'rows[0].nHets')
    q(f'cohort-{s}-missing', f'How many missing genotypes does sample {s} have in {COHORT}?', p['nMissing'], f'bcftools stats -s {s} {COHORT} (PSC nMissing)', t, 'rows[0].nMissing')

# ---- store questions (direct computation over the VCF text) ------------------------------------
RANK = {'HIGH': 4, 'MODERATE': 3, 'LOW': 2, 'MODIFIER': 1}

def split_rows(f):
    """one row per ALT allele, as bcftools norm -m -any: (alt, genes, most severe (gene, impact), clnsig, carriers)"""
    samples = []
    for line in gzip.open(os.path.join(ROOT, f), 'rt'):
        if line.startswith('##'): continue
        p = line.rstrip('\n').split('\t')
        if line.startswith('#'): samples = p[9:]; continue
        alts = p[4].split(',')
        info = dict((kv.split('=', 1) + [True])[:2] for kv in p[7].split(';'))
        ann = [e.split('|') for e in info.get('ANN', '').split(',') if e] if 'ANN' in info else []
        fmt = p[8].split(':')
        gts = [c.split(':')[fmt.index('GT')] if 'GT' in fmt else '.' for c in p[9:]]
        for k, alt in enumerate(alts, start=1):
            if alt in ('.', '<NON_REF>', '<*>'): continue
            ents = [e for e in ann if e[0] == alt]
            if not ents and len(alts) == 1: ents = [e for e in ann if '-' not in e[0] or e[0] == alt]
            genes = sorted({e[3] for e in ents if len(e) > 5 and e[3] and e[5] != 'intergenic_region' and e[1] != 'intergenic_region'})
            best = None
            for e in ents:
                if best is None or RANK.get(e[2], 0) > RANK.get(best[2], 0): best = e
            carriers = set()
            for s, g in zip(samples, gts):
                al = g.replace('|', '/').split('/')
                if str(k) in al: carriers.add(s)
            yield {'alt': alt, 'genes': genes, 'gene': best[3] if best else None, 'impact': best[2] if best else None, 'clnsig': info.get('CLNSIG'), 'carriers': carriers}

rows = [r for f in (TRIO, COHORT) for r in split_rows(f)]
samples_all = set(sh(f'bcftools query -l {TRIO}; bcftools query -l {COHORT}').split())
q('store-samples', 'How many distinct samples are in the store?', len(samples_all), 'bcftools query -l on both files, sort -u | wc -l', [{'tool': 'workspace_overview', 'input': {}}], 'facts.distinctSamples')
q('store-variants', 'How many variant rows (one per ALT allele) does the store hold?', len(rows), 'ALT alleles of both files (direct count)', [{'tool': 'workspace_overview', 'input': {}}], 'facts.rows.variants')
for g in ['BRCA2', 'TTN', 'CFTR', 'LDLR', 'APOE']:
    n = sum(1 for r in rows if g in r['genes'])
    q(f'store-gene-{g}', f'How many variants in the store are annotated in {g}?', n, f'ALT alleles with an ANN entry of gene {g} (direct count)', [{'tool': 'query_variants', 'input': {'gene': g}}], 'row_count')
for g in ['TTN', 'ATM', 'DMD', 'BRCA2', 'CFTR']:
    carriers = sorted({s for r in rows if r['gene'] == g and r['impact'] == 'HIGH' for s in r['carriers']})
    cy = f"MATCH (s:Sample)-[:CARRIES]->(v:Variant) WHERE v.gene = '{g}' AND v.impact = 'HIGH' RETURN DISTINCT s.name AS sample ORDER BY sample"
    q(f'store-high-{g}', f'Which samples carry a HIGH-impact variant in {g}?', carriers, 'carriers of ALT alleles whose most severe ANN entry is HIGH in the gene (direct)', [{'tool': 'graph_query', 'input': {'cypher': cy}}], 'rows[*].sample', 'set')
for s in ['child', 'S005']:
    n = sum(1 for r in rows if s in r['carriers'] and r['clnsig'] == 'Pathogenic')
    cy = f"MATCH (s:Sample {{name: '{s}'}})-[:CARRIES]->(v:Variant) WHERE v.clnsig = 'Pathogenic' RETURN v.key AS key"
    q(f'store-pathogenic-{s}', f'How many ClinVar Pathogenic variants does sample {s} carry?', n, 'ALT alleles carried by the sample with CLNSIG=Pathogenic (direct)', [{'tool': 'graph_query', 'input': {'cypher': cy}}], 'row_count')

json.dump({'generated_by': 'eval/make-questions.py', 'bcftools': sh('bcftools --version | head -1').strip(), 'questions': Q}, open(os.path.join(ROOT, 'eval', 'questions.json'), 'w'), indent=1)
print(f'{len(Q)} questions', file=sys.stderr)
