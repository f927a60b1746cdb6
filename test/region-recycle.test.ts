/**
 * Region queries recycle the memory of inflated BGZF blocks between batches (RegionReader.batches):
 * every record of a batch must still read right when the batch arrives, with a cache so small that
 * nearly every block is evicted (and its memory reused) while the batch is being filled; records()
 * hands out records that stay valid for as long as they are kept.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateAll } from '../src/vcf/index/bgzf.js';
import { indexFile } from '../src/vcf/index/index-file.js';
import { openRegionQuery } from '../src/vcf/region-reader.js';
import type { VcfRecord } from '../src/vcf/record.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-recycle-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const N = 10_000;
const BASES = 'ACGT';

/** N SNPs on contig 1 every 10 bp, with INFO of varying length so lines straddle blocks at many offsets */
function makeVcf(): { file: string; lines: string[] } {
  let text = '##fileformat=VCFv4.2\n##contig=<ID=1,length=1000000>\n##INFO=<ID=X,Number=1,Type=String,Description="pad">\n';
  text += '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n';
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    const ref = BASES[i % 4];
    const alt = BASES[(i + 1) % 4];
    const line = `1\t${10 * (i + 1)}\tid${i}\t${ref}\t${alt}\t${i % 100}\tPASS\tX=${'p'.repeat(i % 37)}${i}\tGT\t${i % 3 === 0 ? '0/1' : '1/1'}`;
    lines.push(line);
    text += line + '\n';
  }
  const file = path.join(TMP, 'recycle.vcf.gz');
  fs.writeFileSync(file, deflateAll(Buffer.from(text, 'latin1'), 6, 4096));
  return { file, lines };
}

test('region batches read right with block memory recycled; records() stay valid', async () => {
  const { file, lines } = makeVcf();
  await indexFile({ input: file });
  // every other record as its own 1-bp region: 5,000 records, 3 batches, hundreds of blocks
  let regions = '';
  const expected: string[] = [];
  for (let i = 0; i < N; i += 2) {
    regions += `1\t${10 * (i + 1)}\t${10 * (i + 1)}\n`;
    expected.push(lines[i]);
  }
  const regionsFile = path.join(TMP, 'regions.tsv');
  fs.writeFileSync(regionsFile, regions);

  const text = (r: VcfRecord) => r.buf.toString('latin1', r.start, r.end);
  const q = await openRegionQuery(file, { regionsFile, cacheBytes: 1 });
  const got: string[] = [];
  let batches = 0;
  for await (const b of q.batches()) {
    batches++;
    for (const r of b) got.push(text(r));
  }
  assert.ok(batches >= 3, `${batches} batches`);
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);

  const q2 = await openRegionQuery(file, { regionsFile, cacheBytes: 1 });
  const kept: VcfRecord[] = [];
  for await (const r of q2.records()) kept.push(r);
  assert.deepEqual(kept.map(text), expected);
});
