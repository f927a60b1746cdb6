/**
 * The `--clinvar FILE` join in bounded memory (issue 6): an indexed ClinVar file is read by region,
 * a window at a time (src/annotate/clinvar.ts ClinvarIndex); an unindexed one is read whole, up to a
 * cap. Fixtures (hand-written, test/fixtures/clinvar-*): a ClinVar-style VCF spelling contigs `1`
 * and `MT`, an input spelling `chr1`, `chr2`, `chrM`, and a FASTA (chr1 has a (CA)15 repeat at
 * 1001-1030 and A8 at 1501-1508). ClinVar holds the CA deletion and insertion right-shifted (1028
 * ACA>A, 1030 A>ACA), the input holds them left-aligned (1000 TCA>T, T>TCA): only left-alignment
 * with --fasta joins them, and a window must reach 28 bases right of the key to see them.
 * BGZF copies and indexes are made with bcftools in a temp dir (skipped without bcftools).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { SKIP_BCFTOOLS, fixture } from './helpers/shared.js';
import { sh } from './helpers/cli.js';
import { ClinvarIndex, joinKey, normalizeKeyAllele } from '../src/annotate/clinvar.js';
import { FastaReader } from '../src/annotate/normalize.js';
import { VcfError } from '../src/vcf/errors.js';
import { ingestFiles } from '../src/store/ingest.js';
import { openForRead } from '../src/store/query.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-clinvar-join-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FA = fixture('clinvar-ref.fa');
const DB = fixture('clinvar-db.vcf');
const INPUT = fixture('clinvar-input.vcf');

/** input alleles (split) -> CLNSIG expected with --fasta */
const EXPECT: Array<[string, number, string, string, string | null]> = [
  ['chr1', 500, 'A', 'G', 'Pathogenic'],
  ['chr1', 601, 'C', 'T', 'Likely_benign'], // ClinVar 600 ACG>ATG, trimmed
  ['chr1', 700, 'C', 'A', null], // the other ALT of a multi-allelic input record
  ['chr1', 700, 'C', 'T', 'Benign'],
  ['chr1', 800, 'G', 'C', 'Likely_pathogenic'], // ALT 2 of a multi-allelic ClinVar record
  ['chr1', 1000, 'TCA', 'T', 'Pathogenic'], // ClinVar 1028 ACA>A, 28 bases right
  ['chr1', 1000, 'T', 'TCA', 'Uncertain_significance'], // ClinVar 1030 A>ACA
  ['chr1', 1507, 'AA', 'A', 'Conflicting_interpretations_of_pathogenicity'], // input right-shifted, ClinVar 1500 GA>G
  ['chr2', 100, 'C', 'T', null], // ClinVar has no chr2
  ['chrM', 50, 'A', 'G', 'Pathogenic'], // MT in ClinVar
];

function keyOf(chrom: string, pos: number, ref: string, alt: string, fa?: FastaReader): string {
  return joinKey(chrom, normalizeKeyAllele(chrom, pos, ref, alt, fa));
}

function bcf(cmd: string): void {
  const r = sh(cmd);
  assert.equal(r.code, 0, r.stderr);
}

/** BGZF copies of the ClinVar fixture: with a .tbi, and without an index */
function bgzfCopies(): { indexed: string; unindexed: string } {
  const indexed = path.join(tmp, 'clinvar-indexed.vcf.gz');
  const unindexed = path.join(tmp, 'clinvar-unindexed.vcf.gz');
  if (!fs.existsSync(indexed + '.tbi')) {
    bcf(`bcftools view -Oz -o ${indexed} ${DB} && bcftools index -t ${indexed}`);
    fs.copyFileSync(indexed, unindexed);
  }
  return { indexed, unindexed };
}

async function lookups(ix: ClinvarIndex, keys: string[]): Promise<Array<string | null>> {
  return keys.map((k) => ix.get(k)?.clnsig ?? null);
}

test('ClinVar join: memory and region modes (own index, built index) give the same, expected matches', { skip: SKIP_BCFTOOLS }, async () => {
  const fa = FastaReader.open(FA);
  const { indexed, unindexed } = bgzfCopies();
  const keys = EXPECT.map(([c, p, r, a]) => keyOf(c, p, r, a, fa));
  const want = EXPECT.map((e) => e[4]);
  const mem = await ClinvarIndex.load(DB, fa);
  const reg = await ClinvarIndex.load(indexed, fa);
  const built = await ClinvarIndex.load(unindexed, fa);
  // a window reaching 1 base past the lookup: only the repeat shift makes the indels match
  const narrow = await ClinvarIndex.load(indexed, fa, { windowAhead: 1, windowBehind: 0 });
  try {
    assert.deepEqual([mem.stats().mode, reg.stats().mode, reg.stats().index, built.stats().mode, built.stats().index], ['memory', 'region', 'file', 'region', 'built']);
    assert.deepEqual(await lookups(mem, keys), want);
    assert.deepEqual(await lookups(reg, keys), want);
    assert.deepEqual(await lookups(built, keys), want);
    assert.deepEqual(await lookups(narrow, keys), want);
    assert.ok(narrow.stats().windows > 3, `narrow windows: ${narrow.stats().windows}`);
    // the joined record's other fields come along
    assert.deepEqual(reg.get(keyOf('chrM', 50, 'A', 'G', fa)), { clnsig: 'Pathogenic', clnrevstat: 'criteria_provided,_single_submitter', clndn: 'Mito_disease', geneinfo: 'MT-ND1:4535' });
    assert.equal(reg.get(keyOf('chr1', 1000, 'TCA', 'T', fa))?.clnrevstat, 'reviewed_by_expert_panel');
    // no index file was left behind by the built index
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('clinvar-unindexed')), ['clinvar-unindexed.vcf.gz']);
    // a contig ClinVar lacks loads no window
    const before = reg.stats().windows;
    assert.equal(reg.get(keyOf('chr2', 100, 'C', 'T', fa)), undefined);
    assert.equal(reg.stats().windows, before);
  } finally {
    for (const x of [mem, reg, built, narrow]) x.close();
    fa.close();
  }
});

test('ClinVar join: lookups out of position order still match (windows reloaded, counted)', { skip: SKIP_BCFTOOLS }, async () => {
  const fa = FastaReader.open(FA);
  const { indexed } = bgzfCopies();
  const order = [7, 0, 9, 5, 1, 8, 6, 3, 2, 4];
  const keys = order.map((i) => { const [c, p, r, a] = EXPECT[i]; return keyOf(c, p, r, a, fa); });
  const narrow = await ClinvarIndex.load(indexed, fa, { windowAhead: 1, windowBehind: 0 });
  try {
    assert.deepEqual(await lookups(narrow, keys), order.map((i) => EXPECT[i][4]));
    assert.ok(narrow.stats().backJumps > 0);
  } finally {
    narrow.close();
    fa.close();
  }
});

test('ClinVar join: 600 seeded ClinVar records (SNVs, MNPs, shiftable indels at any offset), memory and narrow-window region modes agree on every key in shuffled order', { skip: SKIP_BCFTOOLS }, async () => {
  const fa = FastaReader.open(FA);
  const seq = fa.fetch('chr1', 0, 1999)!;
  let seed = 42;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const lines: Array<[number, string, string]> = [];
  for (let i = 0; i < 600; i++) {
    const p = 20 + rnd(1950); // 1-based
    const base = seq[p - 1];
    const k = 1 + rnd(4);
    switch (rnd(5)) {
      case 0: lines.push([p, base, 'ACGT'.replace(base, '')[rnd(3)]]); break; // SNV
      case 1: lines.push([p, seq.slice(p - 1, p + k), base]); break; // deletion of the next k bases
      case 2: lines.push([p, base, base + seq.slice(p, p + k)]); break; // insertion duplicating the next k bases: shiftable
      case 3: lines.push([p, base, base + 'ACGT'[rnd(4)] + 'ACGT'[rnd(4)]]); break; // insertion
      default: lines.push([p, seq.slice(p - 1, p + 2), seq[p - 1] + 'ACGT'.replace(seq[p], '')[rnd(3)] + seq[p + 1]]); // padded SNV
    }
  }
  lines.sort((a, b) => a[0] - b[0]);
  const head = fs.readFileSync(DB, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n') + '\n';
  const plain = path.join(tmp, 'clinvar-random.vcf');
  fs.writeFileSync(plain, head + lines.map(([p, r, a], i) => `1\t${p}\t${i}\t${r}\t${a}\t.\t.\tCLNSIG=S${i};CLNDN=D${i}\n`).join(''));
  bcf(`bcftools view -Oz -o ${plain}.gz ${plain} && bcftools index -t ${plain}.gz`);
  const keys = lines.map(([p, r, a]) => keyOf('chr1', p, r, a, fa));
  for (let i = keys.length - 1; i > 0; i--) { const j = rnd(i + 1); [keys[i], keys[j]] = [keys[j], keys[i]]; }
  const mem = await ClinvarIndex.load(plain, fa);
  const reg = await ClinvarIndex.load(plain + '.gz', fa, { windowAhead: 1, windowBehind: 0 });
  try {
    const a = await lookups(mem, keys);
    assert.deepEqual(keys.filter((_, i) => a[i] === null), []);
    assert.deepEqual(await lookups(reg, keys), a);
    assert.ok(reg.stats().backJumps > 100, JSON.stringify(reg.stats()));
    // shiftable events really moved: some keys are left of their record
    assert.ok(lines.some(([p, r, a]) => normalizeKeyAllele('chr1', p, r, a, fa).pos < p));
  } finally {
    mem.close();
    reg.close();
    fa.close();
  }
});

test('ClinVar join without --fasta: keys only trimmed, repeat indels do not match; modes agree', { skip: SKIP_BCFTOOLS }, async () => {
  const { indexed } = bgzfCopies();
  const keys = EXPECT.map(([c, p, r, a]) => keyOf(c, p, r, a));
  const mem = await ClinvarIndex.load(DB);
  const reg = await ClinvarIndex.load(indexed, undefined, { windowAhead: 1, windowBehind: 0 });
  try {
    const want = EXPECT.map((e, i) => (i >= 5 && i <= 7 ? null : e[4]));
    assert.deepEqual(await lookups(mem, keys), want);
    assert.deepEqual(await lookups(reg, keys), want);
    // ClinVar's own spelling of the repeat indel matches without a reference
    assert.equal(reg.get(keyOf('chr1', 1028, 'ACA', 'A'))?.clnsig, 'Pathogenic');
  } finally {
    mem.close();
    reg.close();
  }
});

test('ClinVar join: an unindexed file is read whole up to a cap, then refused with a one-line error', async () => {
  const gz = path.join(tmp, 'clinvar-plain-gzip.vcf.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(DB))); // gzip, not BGZF: cannot be indexed
  const ok = await ClinvarIndex.load(gz, undefined, { maxInMemory: 100 });
  assert.equal(ok.stats().mode, 'memory');
  assert.equal(ok.get(keyOf('chr1', 500, 'A', 'G'))?.clnsig, 'Pathogenic');
  ok.close();
  await assert.rejects(ClinvarIndex.load(gz, undefined, { maxInMemory: 3 }), (e: unknown) => {
    assert.ok(e instanceof VcfError);
    assert.equal(e.code, 'CLINVAR_NOT_INDEXED');
    assert.match(e.message, /is not BGZF-compressed and has more than 3 alleles.*bgzip.*vcf-agent index/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});

test('ingest --clinvar --fasta: indexed and unindexed ClinVar store the same joined columns', { skip: SKIP_BCFTOOLS }, async () => {
  const { indexed } = bgzfCopies();
  const got: Array<Map<string, unknown[]>> = [];
  for (const [name, cv] of [['mem', DB], ['reg', indexed]] as const) {
    const db = path.join(tmp, `ws-${name}`);
    await ingestFiles([INPUT], { db, fasta: FA, clinvar: cv, noGraph: true });
    const s = await openForRead(db);
    try {
      const rows = await s.tables.variants.query().select(['key', 'clnsig', 'clnrevstat', 'clndn', 'gene']).toArray();
      // the store's key: the input's contig, the normalised POS/REF/ALT
      got.push(new Map(rows.map((r) => [r.key as string, [r.clnsig, r.clnrevstat, r.clndn, r.gene]])));
    } finally {
      s.close();
    }
  }
  assert.equal(got[0].size, EXPECT.length);
  assert.deepEqual([...got[1]].sort(), [...got[0]].sort());
  const fa = FastaReader.open(FA);
  try {
    for (const [c, p, r, a, sig] of EXPECT) {
      const n = normalizeKeyAllele(c, p, r, a, fa);
      const row = got[1].get(`${c}:${n.pos}:${n.ref}:${n.alt}`);
      assert.ok(row, `${c}:${p}:${r}:${a}`);
      assert.equal(row[0], sig, `${c}:${p}:${r}:${a}`);
    }
  } finally {
    fa.close();
  }
  // genes of the joined record when the input names none (GENEINFO)
  assert.equal(got[1].get('chrM:50:A:G')?.[3], 'MT-ND1');
});
