/**
 * Parser edge cases through VcfReader and every VcfRecord accessor: multi-allelic sites, symbolic
 * alleles (<DEL>, <*>, <NON_REF>), breakends, gVCF blocks, spanning deletions '*', missing values,
 * phased / haploid / polyploid GT and the VCF 4.4 phasing prefix, percent-encoding, Flag INFO,
 * Number=A/R/G arrays, END and VCF 4.5 SVLEN-derived ends.
 * Own fixtures (test/fixtures/view) first, with exact expectations; then every VCF of
 * ../shared/data/b_parser_edge_cases (FEATURES.tsv, EXPECTED.tsv), differential against bcftools
 * where bcftools 1.16 reads the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { VcfReader } from '../src/vcf/reader.js';
import { VcfRecord, parseGenotype, expectedValueCount, percentDecode, type Genotype } from '../src/vcf/record.js';
import { VcfError } from '../src/vcf/errors.js';
import { SKIP_BCFTOOLS, SKIP_SHARED, fixture, readTsv, sharedPath } from './helpers/shared.js';

async function readAll(file: string): Promise<{ reader: VcfReader; records: VcfRecord[] }> {
  const reader = await VcfReader.open(file);
  const records: VcfRecord[] = [];
  for await (const r of reader.records()) records.push(r);
  return { reader, records };
}

/** Touch every accessor of a record (as a consumer would), returning a plain summary. */
function touch(r: VcfRecord) {
  const samples: Array<{ fields: string[]; gt?: Genotype }> = [];
  for (let i = 0; i < r.sampleCount; i++) samples.push({ fields: r.sampleFields(i), gt: r.genotype(i) });
  return {
    chrom: r.chrom, pos: r.pos, ids: r.ids, ref: r.ref, alt: r.alt, qual: r.qual, filters: r.filters,
    info: r.info, format: r.formatKeys, end: r.endPos, samples, nAllele: r.nAllele,
  };
}

/** A genotype as htslib 1.16 prints it (no 4.4 prefix: the first allele's phase is not written). */
function htsGt(g: Genotype | undefined): string {
  if (!g) return '.';
  return g.alleles.map((a, i) => (i ? (g.phased[i] ? '|' : '/') : '') + (a < 0 ? '.' : String(a))).join('');
}

// ---------------------------------------------------------------- own fixtures

test('features.vcf: multi-allelic, symbolic, breakend, gVCF, *, missing values, Flag, Number=A/R/G, percent-encoding', async () => {
  const { reader, records } = await readAll(fixture('view', 'features.vcf'));
  const h = reader.header;
  assert.deepEqual(h.version, [4, 5]);
  assert.deepEqual(h.samples, ['S1', 'S2', 'S3']);
  assert.equal(records.length, 14);
  const byId = (id: string) => records.find((r) => r.id === id)!;
  const all = records.map(touch);

  // multi-allelic with Number=A/R/G arrays and a Flag
  const m = all[0];
  assert.deepEqual([m.chrom, m.pos, m.ids, m.ref, m.alt, m.qual, m.filters], ['1', 100, ['rs1'], 'A', ['C', 'G'], 60, ['PASS']]);
  assert.equal(m.info.get('DB'), true);
  assert.equal(records[0].infoValues('AC').length, expectedValueCount(h.info.get('AC')!.number, m.nAllele));
  assert.equal(records[0].infoValues('AF').length, 2);
  for (let i = 0; i < 3; i++) {
    assert.equal(records[0].sampleValues(i, 'AD').length, expectedValueCount('R', 3));
    assert.equal(records[0].sampleValues(i, 'PL').length, expectedValueCount('G', 3, 2));
  }
  assert.equal(expectedValueCount('G', 3, 2), 6);
  assert.equal(expectedValueCount('G', 2, 1), 2);
  assert.equal(expectedValueCount('G', 2, 3), 4);
  assert.deepEqual(m.samples[1].gt, { alleles: [1, 2], phased: [true, true] });

  // missing values, haploid, polyploid, sample with fewer fields than FORMAT
  const miss = all[1];
  assert.deepEqual([miss.ids, miss.qual, miss.filters, miss.info.size], [[], null, [], 0]);
  assert.deepEqual(miss.samples.map((s) => s.gt), [
    { alleles: [1], phased: [true] },
    { alleles: [0, 1, 1], phased: [false, false, false] },
    { alleles: [-1, -1], phased: [false, false] },
  ]);
  assert.equal(records[1].sampleValue(1, 'DP'), '.');

  // END: 4.5 SVLEN rule for <DEL>/<DUP:TANDEM>/<CNV>, INFO/END wins, <INS> and breakends keep REF's end
  assert.equal(byId('sv1').endPos, 300 + 250);
  assert.equal(byId('sv2').endPos, 1000 + 400);
  assert.equal(byId('sv3').endPos, 2600);
  assert.equal(byId('sv4').endPos, 3000);
  assert.equal(byId('sv5').endPos, 4000 + 300);
  assert.deepEqual([byId('sv5').alleleEnd(1), byId('sv5').alleleEnd(2)], [4100, 4300]);
  assert.equal(byId('sv6').endPos, 5000 + 50, 'a pre-4.4 negative SVLEN gives the same end');
  assert.equal(byId('bnd_W').endPos, 321681);

  // gVCF block with <*>, and <NON_REF>
  const block = records[8];
  assert.deepEqual([block.alt, block.endPos, block.infoEnd], [['<*>'], 6099, 6099]);
  assert.deepEqual(records[9].alt, ['G', '<NON_REF>']);
  assert.deepEqual(records[9].filters, ['LowQual']);
  assert.equal(records[9].sampleValues(0, 'PL').length, 6);

  // breakends
  assert.deepEqual(byId('bnd_U').alt, ['C[2:321682[', ']17:198983]C']);

  // spanning deletion
  assert.deepEqual(records[12].alt, ['A', '*']);
  assert.deepEqual(records[12].genotype(2), { alleles: [0, 0], phased: [true, true] });

  // percent-encoding (4.3+), including an encoded UTF-8 character
  assert.equal(records[13].infoValue('NOTE'), 'a%3Bb%2Cc%3Dd%25e%C3%A9');
  assert.equal(records[13].infoDecoded('NOTE'), 'a;b,c=d%eé');
  assert.equal(percentDecode('100%'), '100%');
  assert.deepEqual(records[13].genotype(2), { alleles: [-1, -1], phased: [true, true] });
});

test('phasing44.vcf: VCF 4.4 phasing prefix and implied first-allele phasing', async () => {
  const { records } = await readAll(fixture('view', 'phasing44.vcf'));
  const got = records.map((r) => [r.genotype(0), r.genotype(1)]);
  const G = (alleles: number[], phased: boolean[]): Genotype => ({ alleles, phased });
  assert.deepEqual(got, [
    [G([0, 1], [true, true]), G([0, 1], [false, false])],
    [G([0, 1], [false, true]), G([0, 1], [true, false])],
    [G([1], [true]), G([1], [true])],
    [G([1], [false]), G([-1], [false])],
    [G([0, 1, 2], [true, true, true]), G([0, 1, 2], [false, true, false])],
    [G([-1, 1], [false, true]), G([-1, -1], [false, false])],
    [G([0, 0], [true, true]), G([1, 0], [false, false])],
  ]);
});

test('parseGenotype rejects malformed values with the offending column', () => {
  for (const [gt, col] of [['0/x', 3], ['0/', 2], ['0//1', 3], ['a', 1], ['1|', 2], ['0 /1', 2]] as Array<[string, number]>) {
    assert.throws(() => parseGenotype(gt), (e: unknown) => e instanceof VcfError && e.code === 'VCF_GT_SYNTAX' && e.column === col, gt);
  }
  assert.deepEqual(parseGenotype(''), { alleles: [-1], phased: [false] });
  assert.deepEqual(parseGenotype('10/2'), { alleles: [10, 2], phased: [false, false] });
});

test('malformed-gt.vcf: a bad GT fails with a VcfError carrying line and column', async () => {
  const file = fixture('view', 'malformed-gt.vcf');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('0/x')) + 1;
  const column = lines[line - 1].indexOf('0/x') + 3;
  await assert.rejects(
    async () => { for (const r of (await readAll(file)).records) touch(r); },
    (e: unknown) => e instanceof VcfError && e.code === 'VCF_GT_SYNTAX' && e.line === line && e.column === column && /malformed-gt\.vcf/.test(e.oneLine()),
  );
});

// ---------------------------------------------------------------- shared corpus

interface EdgeFile { path: string; records: number; samples: number; features: string[]; bcftoolsOk: boolean }

function edgeFiles(): EdgeFile[] {
  const manifest = new Map(readTsv(sharedPath('MANIFEST.tsv')).map((r) => [r.path, r.bcftools_1_16_view]));
  return readTsv(sharedPath('b_parser_edge_cases', 'FEATURES.tsv'))
    .filter((r) => !r.file.endsWith('.bcf'))
    .map((r) => ({
      path: r.file,
      records: Number(r.records),
      samples: Number(r.samples),
      features: r.detected_features ? r.detected_features.split(',') : [],
      bcftoolsOk: (manifest.get(r.file) ?? '').startsWith('ok'),
    }));
}

/** Files malformed on purpose: they must fail with a line and a column. */
const MALFORMED: Record<string, string> = {
  'b_parser_edge_cases/hail/malformed.vcf': 'a record whose columns are shifted: sample 49 has GT "rs685723" (hail expects a parse error)',
};

/** Does our reading show the feature FEATURES.tsv detected? */
function hasFeature(f: string, recs: ReturnType<typeof touch>[], header: VcfReader['header'], raw: VcfRecord[]): boolean {
  const gts = recs.flatMap((r) => r.samples.map((s) => s.gt).filter((g): g is Genotype => !!g));
  const alts = recs.flatMap((r) => r.alt);
  switch (f) {
    case 'multiallelic': return recs.some((r) => r.alt.length > 1);
    case 'symbolic_SV': return alts.some((a) => /^<(DEL|DUP|INV|CNV|INS)/.test(a));
    case '<*>': return alts.includes('<*>');
    case '<NON_REF>': return alts.includes('<NON_REF>');
    case 'gVCF_block': return recs.some((r) => r.alt.some((a) => a === '<*>' || a === '<NON_REF>') && r.info.has('END') && r.end >= r.pos);
    case 'breakend': return alts.some((a) => /[[\]]/.test(a) || /^\.[ACGTN]+$|^[ACGTN]+\.$/.test(a));
    case 'spanning_del_*': return alts.includes('*');
    case 'SVTYPE': return recs.some((r) => r.info.has('SVTYPE'));
    case 'percent_enc': return raw.some((r) => [...r.info.keys()].some((k) => { const v = r.infoValue(k); return typeof v === 'string' && /%[0-9A-F]{2}/i.test(v) && r.infoDecoded(k) !== v; }));
    case 'phased': return gts.some((g) => g.alleles.length > 1 && g.phased.slice(1).some(Boolean));
    case 'haploid': return gts.some((g) => g.alleles.length === 1);
    case 'polyploid': return gts.some((g) => g.alleles.length > 2);
    case 'missing_GT': return gts.some((g) => g.alleles.includes(-1));
    case 'missing_FMT': return recs.some((r) => r.samples.some((s) => s.fields.length < r.format.length || s.fields.some((v) => v.split(',').includes('.'))));
    case 'Number=A': case 'Number=R': case 'Number=G': {
      const n = f.slice(7);
      return [...header.info.values(), ...header.format.values()].some((d) => d.number === n);
    }
    default:
      if (f.startsWith('long_INFO')) return recs.some((r) => [...r.info.values()].some((v) => typeof v === 'string' && v.length > 1000));
      throw new Error(`unknown feature ${f}`);
  }
}

test('every b_parser_edge_cases VCF parses (header, all records, every accessor) and shows its features', { skip: SKIP_SHARED }, async () => {
  const files = edgeFiles();
  assert.ok(files.length >= 45, `found ${files.length} edge-case VCFs`);
  for (const f of files) {
    const path = sharedPath(f.path);
    if (MALFORMED[f.path]) {
      await assert.rejects(
        async () => { for (const r of (await readAll(path)).records) touch(r); },
        (e: unknown) => e instanceof VcfError && typeof e.line === 'number' && typeof e.column === 'number',
        `${f.path} is malformed on purpose (${MALFORMED[f.path]}) and must fail with a line and a column`,
      );
      continue;
    }
    const { reader, records } = await readAll(path);
    assert.equal(reader.header.samples.length, f.samples, `${f.path}: samples`);
    assert.equal(records.length, f.records, `${f.path}: records`);
    const recs = records.map(touch);
    for (const r of recs) {
      assert.ok(Number.isInteger(r.pos) && r.pos >= 0, `${f.path}: POS of ${r.chrom}:${r.pos}`);
      assert.ok(r.end >= r.pos - 1, `${f.path}: END ${r.end} before POS ${r.pos}`);
    }
    for (const feat of f.features) assert.ok(hasFeature(feat, recs, reader.header, records), `${f.path}: feature ${feat} not seen through the accessors`);
  }
});

test('hail/malformed.vcf fails at the shifted record (line 54), at the bad GT column', { skip: SKIP_SHARED }, async () => {
  const path = sharedPath('b_parser_edge_cases/hail/malformed.vcf');
  const line54 = fs.readFileSync(path, 'latin1').split('\n')[53];
  const column = line54.split('\t').slice(0, 57).join('\t').length + 2;
  await assert.rejects(
    async () => { for (const r of (await readAll(path)).records) touch(r); },
    (e: unknown) => e instanceof VcfError && e.code === 'VCF_GT_SYNTAX' && e.line === 54 && e.column === column,
  );
});

test('htslib vcf44_1: our phasing model matches htslib\'s normalised output', { skip: SKIP_SHARED }, async () => {
  const input = (await readAll(sharedPath('b_parser_edge_cases/htslib/vcf44_1.vcf'))).records;
  const expected = (await readAll(sharedPath('b_parser_edge_cases/htslib/vcf44_1.expected'))).records;
  assert.equal(input.length, 28);
  assert.equal(expected.length, input.length);
  for (let k = 0; k < input.length; k++) {
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(input[k].genotype(i), expected[k].genotype(i), `line ${input[k].lineNo} sample ${i}: ${input[k].gtRaw(i)} vs ${expected[k].gtRaw(i)}`);
    }
  }
});

test('edge-case VCFs: CHROM, POS, ID, REF, ALT, FILTER, END and every GT agree with bcftools query', { skip: SKIP_SHARED || SKIP_BCFTOOLS }, async () => {
  let compared = 0;
  for (const f of edgeFiles().filter((x) => x.bcftoolsOk)) {
    const path = sharedPath(f.path);
    const { reader, records } = await readAll(path);
    const withGt = reader.header.format.has('GT');
    const q = spawnSync('bcftools', ['query', '-f', `%CHROM\t%POS\t%ID\t%REF\t%ALT\t%FILTER\t%END${withGt ? '[\t%GT]' : ''}\n`, path], { maxBuffer: 1 << 28 });
    assert.equal(q.status, 0, `${f.path}: bcftools query failed: ${q.stderr}`);
    const want = q.stdout.toString('latin1').split('\n').filter(Boolean);
    assert.equal(records.length, want.length, `${f.path}: record count`);
    records.forEach((r, k) => {
      // htslib 1.16 takes END from INFO/END only: compare ours where the 4.5 SVLEN rule does not apply
      const svlenEnd = r.infoEnd === undefined && r.alt.some((a) => /^<(DEL|DUP|INV|CNV)/.test(a)) && r.info.has('SVLEN');
      const ours = [r.chrom, r.pos, r.id, r.ref, r.alt.join(',') || '.', r.filters.join(';') || '.', svlenEnd ? want[k].split('\t')[6] : r.endPos];
      if (withGt) for (let i = 0; i < r.header.samples.length; i++) ours.push(i < r.sampleCount ? htsGt(r.genotype(i)) : '.');
      assert.equal(ours.join('\t'), want[k], `${f.path} line ${r.lineNo}`);
      compared++;
    });
  }
  assert.ok(compared > 4000, `compared ${compared} records`);
});
