/**
 * Variant feature vectors (issue 7): byte-identical on repeated runs and in another process, a
 * checked-in golden hash (a change of formulas, tables or platform shows here: bump FEATURE_VERSION
 * and the hash together), and similarity properties of each component.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import {
  COMPONENTS, FEATURE_DIM, FEATURE_VERSION, alleleShape, carrierSketch, component, explainSimilarity, featureMatrix, featureVector,
  maskVector, vectorBytes, whyText, type VariantDescriptor,
} from '../src/embed/features.js';
import { cosTurns, lnDet, sinTurns } from '../src/embed/detmath.js';
import { parseConsequence } from '../src/embed/consequence.js';
import { parseClnsig } from '../src/embed/clinsig.js';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: Float32Array): number => Math.sqrt(dot(a, a));

/** fixed inputs covering every component (and absent ones) */
const GOLDEN_INPUTS: VariantDescriptor[] = [
  { chrom: 'chr17', pos: 43093464, ref: 'G', alt: 'A', consequence: 'stop_gained', impact: 'HIGH', gene: 'BRCA1', clinvarSignificance: 'Pathogenic', af: 0.0001, carriers: [1, 5, 9] },
  { chrom: '13', pos: 32340300, ref: 'CTT', alt: 'C', consequence: 'frameshift_variant&splice_region_variant', gene: 'BRCA2', genes: ['BRCA2', 'ZAR1L'], clinvarSignificance: 'Pathogenic/Likely_pathogenic', af: 0.00002, carriers: [3] },
  { chrom: 'chrX', pos: 31478000, ref: 'A', alt: 'ATG', consequence: 'NON_SYNONYMOUS_CODING', gene: 'DMD', af: 0.21 },
  { chrom: '2', pos: 178500000, ref: 'T', alt: '<DEL>', svlen: -12000, consequence: 'exon_loss_variant', impact: 'HIGH', gene: 'TTN', clinvarSignificance: 'Conflicting_interpretations_of_pathogenicity' },
  { chrom: 'chr1', pos: 11726417, ref: 'C', alt: 'T', consequence: 'intergenic_region', impact: 'MODIFIER', af: 1, carriers: [0, 1, 2] },
  { chrom: 'GL000220.1', pos: 1000, ref: 'AC', alt: 'GT', af: 0 },
  { chrom: 'chrM', pos: 3243, ref: 'A', alt: 'G', consequence: 'non_coding_transcript_exon_variant', gene: 'MT-TL1', clinvarSignificance: 'Pathogenic|risk_factor', carriers: [] },
  { chrom: '7', pos: 117559590, ref: 'ATCT', alt: 'A', consequence: 'inframe_deletion', gene: 'CFTR', clinvarSignificance: 'Pathogenic', af: 0.012, carriers: Array.from({ length: 40 }, (_, i) => i * 7) },
];

/** sha256 of the little-endian float32 bytes of the golden vectors. Changes only with FEATURE_VERSION. */
const GOLDEN_SHA256 = '97dc25b2e408026d187081ce2b4cfd287f83eedbc7ac13df60466eb838fc0cee';

function goldenHash(): string {
  return createHash('sha256').update(vectorBytes(featureMatrix(GOLDEN_INPUTS))).digest('hex');
}

test('layout: dimensions, offsets, version', () => {
  assert.equal(FEATURE_VERSION, 1);
  assert.equal(FEATURE_DIM, 208);
  assert.equal(FEATURE_DIM % 16, 0, 'a multiple of 16 (PQ sub-vectors)');
  let off = 0;
  for (const c of COMPONENTS) {
    assert.equal(c.offset, off, c.name);
    assert.ok(c.weight > 0 && c.dim > 0);
    off += c.dim;
  }
  assert.equal(off, FEATURE_DIM);
});

test('deterministic: byte-identical on repeated runs, in another process, and equal to the checked-in golden hash', () => {
  const h1 = goldenHash();
  const h2 = goldenHash();
  assert.equal(h1, h2);
  // one vector at a time gives the same bytes as the batch
  const single = Buffer.concat(GOLDEN_INPUTS.map((d) => Buffer.from(vectorBytes(featureVector(d)))));
  assert.equal(createHash('sha256').update(single).digest('hex'), h1);
  const src = `import('${path.join(ROOT, 'dist', 'src', 'embed', 'features.js')}').then(async (f) => { const c = await import('node:crypto'); const inputs = JSON.parse(require('node:fs').readFileSync(0, 'utf8')); process.stdout.write(c.createHash('sha256').update(f.vectorBytes(f.featureMatrix(inputs))).digest('hex')); })`;
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', input: JSON.stringify(GOLDEN_INPUTS) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, h1, 'another process computes the same bytes');
  assert.equal(h1, GOLDEN_SHA256, `golden feature-vector hash changed: if intended, bump FEATURE_VERSION and set GOLDEN_SHA256 = '${h1}'`);
});

test('unit length, finite values; absent components are zero', () => {
  for (const d of GOLDEN_INPUTS) {
    const v = featureVector(d);
    assert.equal(v.length, FEATURE_DIM);
    assert.ok(v.every(Number.isFinite));
    assert.ok(Math.abs(norm(v) - 1) < 1e-6);
  }
  const v = featureVector(GOLDEN_INPUTS[5]); // no gene, no consequence, no carriers
  for (const name of ['gene', 'consequence', 'impact', 'clinvar', 'carriers', 'substitution'] as const) {
    const c = component(name);
    assert.ok(v.subarray(c.offset, c.offset + c.dim).every((x) => x === 0), name);
  }
});

test('deterministic math: sin/cos/log match Math within 1e-12', () => {
  for (let i = -50; i < 50; i++) {
    const t = i * 0.0371 + 1e4 / 7;
    assert.ok(Math.abs(sinTurns(t) - Math.sin(2 * Math.PI * t)) < 1e-9, `sin ${t}`);
    assert.ok(Math.abs(cosTurns(t) - Math.cos(2 * Math.PI * t)) < 1e-9, `cos ${t}`);
  }
  for (const x of [1e-9, 0.001, 0.5, 1, 1.5, 2, 3, 10, 12345.678, 2.5e8]) assert.ok(Math.abs(lnDet(x) - Math.log(x)) < 1e-12, `ln ${x}`);
});

test('allele shape: trimming, classes, lengths', () => {
  assert.deepEqual(alleleShape('AC', 'AT'), { cls: 'snv', length: 1, delta: 0, ref: 'C', alt: 'T' });
  assert.equal(alleleShape('A', 'ATG').cls, 'insertion');
  assert.equal(alleleShape('ATG', 'A').cls, 'deletion');
  assert.equal(alleleShape('AT', 'ATT').cls, 'insertion');
  assert.equal(alleleShape('AC', 'GT').cls, 'mnp');
  assert.equal(alleleShape('ACG', 'T').cls, 'complex');
  assert.equal(alleleShape('A', '<DEL>', -500).length, 500);
  assert.equal(alleleShape('A', '<DUP>', null, 100, 199).length, 100);
  assert.equal(alleleShape('A', 'A[chr2:100[').cls, 'breakend');
  assert.equal(alleleShape('A', '*').cls, 'other');
  assert.equal(alleleShape('A', '<NON_REF>').cls, 'other');
});

test('consequence and ClinVar parsing: SO, SnpEff and legacy EFF terms', () => {
  assert.deepEqual(parseConsequence('missense_variant&splice_region_variant').map((t) => t.cls), ['missense', 'splice_region']);
  assert.equal(parseConsequence('NON_SYNONYMOUS_CODING')[0].so, 'missense_variant');
  assert.equal(parseConsequence('FRAME_SHIFT')[0].cls, 'frameshift');
  assert.equal(parseConsequence('UTR_5_PRIME')[0].so, '5_prime_UTR_variant');
  assert.equal(parseConsequence('5_prime_UTR_variant')[0].cls, 'utr');
  assert.equal(parseConsequence('disruptive_inframe_deletion')[0].impact, 'MODERATE');
  assert.equal(parseConsequence('made_up_term')[0].known, false);
  assert.deepEqual(parseClnsig('Pathogenic/Likely_pathogenic'), ['pathogenic', 'likely_pathogenic']);
  assert.deepEqual(parseClnsig('Benign|risk_factor'), ['benign', 'other']);
  assert.deepEqual(parseClnsig('Conflicting_interpretations_of_pathogenicity'), ['conflicting']);
  assert.deepEqual(parseClnsig('Pathogenic,_low_penetrance'), ['pathogenic']);
});

test('equivalent inputs give identical vectors (chr prefix, EFF name, derived impact, case)', () => {
  const base: VariantDescriptor = { chrom: 'chr3', pos: 1000000, ref: 'C', alt: 'T', consequence: 'missense_variant', gene: 'ABC1', af: 0.01 };
  const same = (a: VariantDescriptor, b: VariantDescriptor) => assert.deepEqual(Buffer.from(vectorBytes(featureVector(a))), Buffer.from(vectorBytes(featureVector(b))));
  same(base, { ...base, chrom: '3' });
  same(base, { ...base, consequence: 'NON_SYNONYMOUS_CODING' });
  same(base, { ...base, impact: 'MODERATE' });
  same(base, { ...base, gene: 'abc1' });
  same(base, { ...base, ref: 'c', alt: 't' });
  same({ ...base, chrom: 'MT' }, { ...base, chrom: 'chrM' });
});

test('similarity: gene and consequence dominate; groups, impact, AF, position, substitution behave', () => {
  const q: VariantDescriptor = { chrom: '17', pos: 43093464, ref: 'G', alt: 'A', consequence: 'missense_variant', gene: 'BRCA1', af: 0.001 };
  const s = (d: VariantDescriptor) => dot(featureVector(q), featureVector(d));
  const sameGeneCsq = s({ ...q, pos: 43100000, ref: 'C', alt: 'G', af: 0.003 });
  const sameGeneOtherCsq = s({ ...q, pos: 43100000, consequence: 'intron_variant' });
  const otherGeneSameCsq = s({ ...q, chrom: '13', pos: 32340300, gene: 'BRCA2' });
  const nothing = s({ chrom: '2', pos: 5e7, ref: 'AT', alt: 'A', consequence: 'intergenic_region', af: 0.4 });
  assert.ok(sameGeneCsq > sameGeneOtherCsq, `${sameGeneCsq} > ${sameGeneOtherCsq}`);
  assert.ok(sameGeneOtherCsq > otherGeneSameCsq - 0.2);
  assert.ok(otherGeneSameCsq > nothing, `${otherGeneSameCsq} > ${nothing}`);
  assert.ok(nothing < 0.3, `unrelated variants: ${nothing}`);
  // consequence groups: inframe is closer to missense than intron is
  assert.ok(s({ ...q, consequence: 'inframe_deletion' }) > s({ ...q, consequence: 'intron_variant' }));
  // AF: neighbouring bins closer
  assert.ok(s({ ...q, af: 0.002 }) > s({ ...q, af: 0.005 }));
  assert.ok(s({ ...q, af: 0.005 }) > s({ ...q, af: 0.05 }));
  assert.ok(s({ ...q, af: 0.05 }) >= s({ ...q, af: 0.5 }));
  // position on the same chromosome: smooth decay with distance
  const posSim = (dd: number) => explainSimilarity(featureVector(q), featureVector({ ...q, pos: q.pos + dd })).components.find((c) => c.component === 'position')!.similarity!;
  const p = [1e3, 1e5, 1e7].map(posSim);
  assert.ok(p[0] > p[1] && p[1] > p[2], p.join(' > '));
  // strand-collapsed substitution: G>A is C>T on the other strand
  const g2a = featureVector({ ...q }), c2t = featureVector({ ...q, ref: 'C', alt: 'T' }), g2t = featureVector({ ...q, alt: 'T' });
  const sub = component('substitution');
  const part = (v: Float32Array) => v.subarray(sub.offset, sub.offset + sub.dim);
  assert.ok(dot(part(g2a), part(c2t)) > dot(part(g2a), part(g2t)));
});

test('carrier sketch: q·h estimates the Jaccard index of carrier sets', () => {
  // deterministic LCG to make sets with known overlaps
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  let err = 0;
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < 60; k++) {
    const n = 5 + Math.floor(rnd() * 200);
    const shared = Math.floor(rnd() * n);
    const a = Array.from({ length: n }, (_, i) => i + k * 1000);
    const b = [...a.slice(0, shared), ...Array.from({ length: n - shared }, (_, i) => 500 + i + k * 1000)];
    const j = shared / (2 * n - shared);
    const est = dot(carrierSketch(a), carrierSketch(b));
    err += Math.abs(est - j);
    pairs.push([j, est]);
  }
  const mae = err / pairs.length;
  assert.ok(mae < 0.1, `mean absolute error ${mae.toFixed(3)}`);
  assert.deepEqual(carrierSketch([4, 8, 15]), carrierSketch([15, 8, 4]), 'order does not matter');
  assert.ok(carrierSketch([]).every((x) => x === 0));
  // in the feature vector: more shared carriers → larger carriers contribution
  const base: VariantDescriptor = { chrom: '1', pos: 1e6, ref: 'A', alt: 'G', carriers: Array.from({ length: 30 }, (_, i) => i) };
  const contrib = (c: number[]) => explainSimilarity(featureVector(base), featureVector({ ...base, carriers: c })).components.find((x) => x.component === 'carriers')!.similarity!;
  const all = contrib(Array.from({ length: 30 }, (_, i) => i));
  const half = contrib(Array.from({ length: 30 }, (_, i) => i + 15));
  const none = contrib(Array.from({ length: 30 }, (_, i) => i + 100));
  assert.ok(Math.abs(all - 1) < 1e-6);
  assert.ok(all > half && half > none, `${all} > ${half} > ${none}`);
});

test('explanations: contributions add up to the cosine; the matching components come first', () => {
  const q = featureVector(GOLDEN_INPUTS[0]);
  const h = featureVector({ ...GOLDEN_INPUTS[0], pos: 43094000, ref: 'C', alt: 'CT', consequence: 'frameshift_variant', impact: undefined, clinvarSignificance: 'Likely_pathogenic' });
  const e = explainSimilarity(q, h);
  assert.ok(Math.abs(e.cosine - dot(q, h)) < 1e-6);
  assert.ok(Math.abs(e.components.reduce((s, c) => s + c.contribution, 0) - e.cosine) < 1e-9);
  assert.equal(e.components[0].component, 'gene');
  assert.equal(e.components.find((c) => c.component === 'consequence')!.hitLabel, 'frameshift');
  assert.equal(e.components.find((c) => c.component === 'substitution')!.similarity, null, 'absent in the hit');
  assert.match(whyText(q, h), /^same gene/);
  const masked = maskVector(q, ['gene', 'consequence']);
  assert.ok(Math.abs(norm(masked) - 1) < 1e-6);
  assert.equal(masked[component('chrom').offset + 16], 0);
});
