/**
 * Worker thread for BGZF inflation (see `bgzfInflateThreaded` in input.ts). Receives a run of whole
 * compressed blocks and an output buffer, inflates every block into it, checks sizes and CRC32,
 * and sends both buffers back (transferred, so nothing is copied).
 */
import { parentPort } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { BlockInflater } from './input.js';

export interface InflateJob {
  id: number;
  src: ArrayBuffer;
  /** per block: data start, data length, ISIZE, CRC32 (as int32) — offsets into src */
  blocks: Int32Array;
  out: ArrayBuffer;
}

export interface InflateResult {
  id: number;
  src: ArrayBuffer;
  out: ArrayBuffer;
  outLen: number;
  /** index of the failing block and why */
  error?: { block: number; kind: 'inflate' | 'size' | 'crc'; message: string };
}

const inflater = new BlockInflater();

parentPort!.on('message', (job: InflateJob | { close: true }) => {
  if ('close' in job) { parentPort!.close(); return; } // the pool is done: exit once idle
  const src = Buffer.from(job.src);
  const out = Buffer.from(job.out);
  const b = job.blocks;
  let outLen = 0;
  let error: InflateResult['error'];
  for (let i = 0; i < b.length; i += 4) {
    const isize = b[i + 2];
    let n: number;
    try {
      n = inflater.inflate(src, b[i], b[i + 1], out, outLen, out.length - outLen);
    } catch (e) {
      error = { block: i / 4, kind: 'inflate', message: (e as Error).message };
      break;
    }
    if (n !== isize) { error = { block: i / 4, kind: 'size', message: 'wrong size' }; break; }
    if ((zlib.crc32(out.subarray(outLen, outLen + n)) | 0) !== b[i + 3]) { error = { block: i / 4, kind: 'crc', message: 'CRC32 mismatch' }; break; }
    outLen += n;
  }
  const res: InflateResult = { id: job.id, src: job.src, out: job.out, outLen, error };
  parentPort!.postMessage(res, [job.src, job.out]);
});
