#!/usr/bin/env python3
"""
Writes eval/questions.json: questions over examples/ with answers computed independently of
vcf-agent, by bcftools (file questions) or by this script reading the VCF text directly (store
questions: alleles split as `bcftools norm -m -any`, SnpEff ANN read per allele).

Each question names the tool calls a good answer needs (`tools`) and where in the first tool's
result the answer is (`extract`), so the oracle model (src/agent/eval.ts --oracle) can prove the
tools return the expected answers. Usage: python3 eval/make-questions.py   (needs bcftools)

Questions over the corpus cohort (../shared/data/d_cohort, or $VCF_AGENT_SHARED_DATA) carry
"data": "shared" and name their files relative to that data root (the runner reads them from there
and skips them when it is absent); "store": true marks those asked of a workspace holding the
files in "shared_store". Without the data root, the shared questions of the current questions.json
are kept unchanged.
"""
import gzip, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRIO, COHORT = 'examples/trio.vcf.gz', 'examples/cohort.vcf.gz'
FILES = {'trio': TRIO, 'cohort': COHORT}

def sh(cmd, cwd=ROOT):
    return subprocess.run(['bash', '-o', 'pipefail', '-c', cmd], cwd=cwd, check=True, capture_output=True, text=True).stdout

def count(cmd, cwd=ROOT):
    return int(sh(f'{cmd} | wc -l', cwd).strip())

def sn(f, cwd=ROOT):
    out = {}
    for l in sh(f'bcftools stats {f}', cwd).splitlines():
        p = l.split('\t')
        if p[0] == 'SN': out[p[2].rstrip(':')] = int(p[3])
        if p[0] == 'TSTV': out['ts'], out['tv'] = int(p[2]), int(p[3])
    return out

def psc(f, s, cwd=ROOT):
    for l in sh(f"bcftools stats -s '{s}' {f}", cwd).splitlines():
        p = l.split('\t')
        if p[0] == 'PSC' and p[2] == s:
            return {'nRefHom': int(p[3]), 'nNonRefHom': int(p[4]), 'nHets': int(p[5]), 'nMissing': int(p[13])}
    raise SystemExit(f'no PSC for {s}')

Q = []
def q(id, question, value, independent, tools, extract, kind='number', **more):
    Q.append({'id': id, 'question': question, 'expected': {'type': kind, 'value': value}, 'independent': independent, 'tools': tools, 'extract': extract, **more})

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

# ---- corpus cohort questions (../shared/data/d_cohort; paths relative to the data root) ----------
DATA = os.environ.get('VCF_AGENT_SHARED_DATA') or os.path.join(os.path.dirname(ROOT), 'shared', 'data')
HAIL, EXOME = 'd_cohort/hail/sample.vcf.gz', 'd_cohort/cyvcf2/test.vcf.gz'
KG1, KG3 = 'd_cohort/1000G_phase1/1kg.head_chr1.vcf.gz', 'd_cohort/1000G_phase3/1000G_phase3_chr1_2504samples.vcf'
PLAT, GVCF = 'd_cohort/platinum/PG_NA12878_chr21.vcf.gz', 'd_cohort/hail_gvcf/1kg_chr22/HG00190.hg38.g.vcf.gz'
SHARED_STORE = [EXOME]
OUT = os.path.join(ROOT, 'eval', 'questions.json')

def vcf_rows(f):
    """(columns, samples) of each record of a corpus VCF, read as text"""
    op = gzip.open if f.endswith('.gz') else open
    samples = []
    for line in op(os.path.join(DATA, f), 'rt'):
        if line.startswith('##'): continue
        p = line.rstrip('\n').split('\t')
        if line.startswith('#'): samples = p[9:]; continue
        yield p, samples

def alleles(cell):
    return cell.split(':')[0].replace('|', '/').split('/')

def corpus_questions():
    n0 = len(Q)
    def cq(id, question, value, independent, tools, extract, kind='number', store=False):
        q(f'corpus-{id}', question, value, independent, tools, extract, kind, data='shared', **({'store': True} if store else {}))
    B = lambda cmd: count(cmd, DATA)
    # bcftools stats: SN, TSTV
    for name, f, keys in [('hail', HAIL, ['records', 'indels']), ('exome', EXOME, ['SNPs']), ('platinum', PLAT, ['SNPs', 'multiallelic']), ('gvcf', GVCF, ['no-ALTs'])]:
        s = sn(f, DATA)
        st = [{'tool': 'stats', 'input': {'file': f}}]
        for k in keys:
            label, path, text = {'records': ('number of records', 'records', 'records does {f} contain'), 'indels': ('number of indels', 'indels', 'indel records are in {f}'),
                                 'SNPs': ('number of SNPs', 'snps', 'SNP records are in {f}'), 'multiallelic': ('number of multiallelic sites', 'multiallelicSites', 'multiallelic sites does {f} have'),
                                 'no-ALTs': ('number of no-ALTs', 'noAlts', 'records of the gVCF {f} are reference blocks with no ALT allele besides <NON_REF>')}[k]
            cq(f'{name}-{path}', 'How many ' + text.format(f=f) + '?', s[label], f'bcftools stats {f} (SN {label})', st, f'facts.SN.{path}')
    for name, f in [('1kg-phase1', KG1), ('platinum', PLAT)]:
        s = sn(f, DATA)
        cq(f'{name}-tstv', f'What is the transition/transversion ratio (Ts/Tv) of {f}?', round(s['ts'] / s['tv'], 4), f"bcftools stats {f}: TSTV ts/tv = {s['ts']}/{s['tv']}", [{'tool': 'stats', 'input': {'file': f}}], 'facts.TSTV.tsTv')
    # counts by filter, type, region and INFO thresholds (bcftools view -i / -r)
    for id, f, text, expr, region in [
        ('hail-pass', HAIL, 'pass all filters (FILTER PASS)', 'FILTER="PASS"', None),
        ('hail-filtered', HAIL, 'fail a filter (FILTER is not PASS)', 'FILTER!="PASS"', None),
        ('hail-rare', HAIL, 'have INFO/AF below 0.01', 'INFO/AF<0.01', None),
        ('hail-common-snp', HAIL, 'are SNPs with INFO/AF of at least 0.5', 'TYPE="snp" && INFO/AF>=0.5', None),
        ('exome-missing10', EXOME, 'have more than 10 samples with a missing genotype (N_MISSING)', 'N_MISSING>10', None),
        ('exome-fmissing', EXOME, 'have a missing genotype in more than 10% of samples (F_MISSING)', 'F_MISSING>0.1', None),
        ('1kg-phase1-indels', KG1, 'are indels according to INFO/VT', 'INFO/VT="INDEL"', None),
        ('1kg-phase3-eur', KG3, 'have a European allele frequency INFO/EUR_AF above 0.05', 'INFO/EUR_AF>0.05', None),
        ('1kg-phase3-afr-rare', KG3, 'have INFO/AFR_AF above 0 but below 0.01', 'INFO/AFR_AF>0 && INFO/AFR_AF<0.01', None),
        ('hail-region', HAIL, 'lie in 20:10000000-10500000', None, '20:10000000-10500000'),
        ('platinum-region', PLAT, 'lie in chr21:20000000-21000000', None, 'chr21:20000000-21000000'),
    ]:
        cmd = ' '.join(['bcftools view -H', *([f"-i '{expr}'"] if expr else []), *([f'-r {region}'] if region else []), f])
        inp = {'file': f, **({'include': expr} if expr else {}), **({'region': region} if region else {})}
        cq(id, f'How many records in {f} {text}?', B(cmd), f'{cmd} | wc -l', [{'tool': 'query_variants', 'input': inp}], 'row_count')
    # per-sample counts (bcftools stats PSC)
    for id, f, smp in [('hail-HG02024', HAIL, 'C1046::HG02024'), ('exome-101976', EXOME, '101976-101976'), ('1kg-phase3-HG00096', KG3, 'HG00096'), ('platinum-NA12878', PLAT, 'NA12878')]:
        p = psc(f, smp, DATA)
        t = [{'tool': 'stats', 'input': {'file': f, 'samples': smp}}]
        cq(f'{id}-het', f'How many heterozygous genotypes does sample {smp} have in {f} (bcftools stats PSC)?', p['nHets'], f"bcftools stats -s '{smp}' {f} (PSC nHets)", t, 'rows[0].nHets')
        if id in ('hail-HG02024', 'platinum-NA12878'):
            cq(f'{id}-homalt', f'How many non-reference homozygous genotypes does sample {smp} have in {f}?', p['nNonRefHom'], f"bcftools stats -s '{smp}' {f} (PSC nNonRefHom)", t, 'rows[0].nNonRefHom')
        if id == 'exome-101976':
            cq(f'{id}-missing', f'How many missing genotypes does sample {smp} have in {f}?', p['nMissing'], f"bcftools stats -s '{smp}' {f} (PSC nMissing)", t, 'rows[0].nMissing')
    # carriers of one variant (file): a rare SNP of the hail cohort
    cq('hail-carriers', f'Which samples of {HAIL} carry the ALT allele of the variant at 20:10286773?', sorted(l for l in sh(f"bcftools query -r 20:10286773 -i 'GT=\"alt\"' -f '[%SAMPLE\\n]' {HAIL}", DATA).split('\n') if l),
       f"bcftools query -r 20:10286773 -i 'GT=\"alt\"' -f '[%SAMPLE\\n]' {HAIL}", [{'tool': 'query_variants', 'input': {'file': HAIL, 'region': '20:10286773', 'include': 'GT="alt"', 'format': '[%SAMPLE\\n]'}}], 'rows[*].line', 'set')
    # validate and header (bcftools reads the file; sample list)
    cq('hail-plain-errors', 'How many validation errors does d_cohort/hail/sample.vcf have?', 0, 'bcftools view d_cohort/hail/sample.vcf > /dev/null (reads cleanly; only an undeclared-contig warning)', [{'tool': 'validate', 'input': {'file': 'd_cohort/hail/sample.vcf'}}], 'facts.errors')
    cq('1kg-phase3-validated-records', f'How many records does validating {KG3} read?', B(f'bcftools view -H {KG3}'), f'bcftools view -H {KG3} | wc -l', [{'tool': 'validate', 'input': {'file': KG3}}], 'facts.records')
    cq('1kg-phase1-samples', f'How many samples does {KG1} have?', B(f'bcftools query -l {KG1}'), f'bcftools query -l {KG1} | wc -l', [{'tool': 'file_header', 'input': {'file': KG1}}], 'facts.samples')
    # store questions: the workspace holds SHARED_STORE (direct computation over the VCF text; carriers by bcftools)
    recs = list(vcf_rows(EXOME))
    samples = recs[0][1]
    assert all(',' not in p[4] for p, _ in recs), 'the store questions assume biallelic records'
    cq('store-samples', 'How many distinct samples are in the store?', len(samples), f'bcftools query -l {EXOME} | wc -l', [{'tool': 'workspace_overview', 'input': {}}], 'facts.distinctSamples', store=True)
    # a sample without half-missing genotypes (./1): zygosity is unambiguous
    for i, smp in enumerate(samples):
        gts = [alleles(p[9 + i]) for p, _ in recs]
        if any('.' in a and '1' in a for a in gts): continue
        het = sum(1 for a in gts if sorted(a) == ['0', '1'])
        hom = sum(1 for a in gts if a == ['1', '1'])
        if hom: break
    cq(f'store-{smp}-het', f'How many heterozygous calls does sample {smp} have in the store?', het, f'GT 0/1 or 0|1 of {smp} in {EXOME} (direct count)', [{'tool': 'sample_summary', 'input': {'sample': smp}}], 'facts.calls.het', store=True)
    cq(f'store-{smp}-homalt', f'How many homozygous ALT calls does sample {smp} have in the store?', hom, f'GT 1/1 of {smp} in {EXOME} (direct count)', [{'tool': 'sample_summary', 'input': {'sample': smp}}], 'facts.calls.hom_alt', store=True)
    cq(f'store-{smp}-variants', f'How many variants does sample {smp} carry in the store?', het + hom, f'GT with an ALT allele of {smp} in {EXOME} (direct count)', [{'tool': 'query_variants', 'input': {'sample': smp}}], 'row_count', store=True)
    # carriers of a rare SNP, and of the HIGH-impact variant (bcftools GT="alt")
    rare = next(p for p, _ in recs if len(p[3]) == 1 and len(p[4]) == 1 and 2 <= sum(1 for c in p[9:] if '1' in alleles(c)) <= 4)
    key = f'{rare[0]}:{rare[1]}:{rare[3]}:{rare[4]}'
    cmd = f"bcftools query -r {rare[0]}:{rare[1]} -i 'GT=\"alt\"' -f '[%SAMPLE\\n]' {EXOME}"
    cq('store-carriers', f'Which samples carry the variant {key}?', sorted(l for l in sh(cmd, DATA).split('\n') if l), cmd, [{'tool': 'variant_detail', 'input': {'key': key}}], 'rows[*].sample', 'set', store=True)
    high = [p for p, _ in recs if '|HIGH|' in p[7]]
    assert len(high) == 1
    h = high[0]
    cmd = f"bcftools query -r {h[0]}:{h[1]} -i 'POS={h[1]} && GT=\"AA\"' -f '[%SAMPLE\\n]' {EXOME}"
    cy = "MATCH (s:Sample)-[c:CARRIES]->(v:Variant) WHERE v.impact = 'HIGH' AND c.zygosity = 'hom_alt' RETURN count(DISTINCT s.name) AS n"
    cq('store-high-homalt', 'How many samples are homozygous for the ALT allele of a HIGH-impact variant?', B(cmd), f'{cmd} | wc -l (the one record with a HIGH ANN entry)', [{'tool': 'graph_query', 'input': {'cypher': cy}}], 'rows[0].n', store=True)
    # variants shared by two samples (direct)
    a, b = samples[0], samples[1]
    shared = sum(1 for p, _ in recs if '1' in alleles(p[9]) and '1' in alleles(p[10]))
    cy = f"MATCH (a:Sample {{name: '{a}'}})-[:CARRIES]->(v:Variant)<-[:CARRIES]-(b:Sample {{name: '{b}'}}) RETURN count(DISTINCT v.key) AS n"
    cq('store-shared', f'How many variants do samples {a} and {b} both carry?', shared, f'records of {EXOME} where both GTs have an ALT allele (direct count)', [{'tool': 'graph_query', 'input': {'cypher': cy}}], 'rows[0].n', store=True)
    # region and AF in the store
    n = sum(1 for p, _ in recs if 13000 <= int(p[1]) <= 14000)
    cq('store-region', 'How many variants in the store lie in 1:13000-14000?', n, f'records of {EXOME} with POS in 13000-14000 (direct count)', [{'tool': 'query_variants', 'input': {'region': '1:13000-14000'}}], 'row_count', store=True)
    return Q[n0:]

if os.path.exists(os.path.join(DATA, 'MANIFEST.tsv')):
    shared = corpus_questions()
elif os.path.exists(OUT):
    shared = [x for x in json.load(open(OUT))['questions'] if x.get('data') == 'shared']
    Q.extend(shared)
    print(f'{DATA} not found: the {len(shared)} corpus questions of {OUT} are kept', file=sys.stderr)
else:
    shared = []

json.dump({'generated_by': 'eval/make-questions.py', 'bcftools': sh('bcftools --version | head -1').strip(), 'shared_store': SHARED_STORE, 'questions': Q}, open(OUT, 'w'), indent=1)
print(f'{len(Q)} questions ({len(shared)} over the corpus cohort)', file=sys.stderr)
