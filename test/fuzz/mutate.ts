/**
 * Fuzz case generation: mutations of VCF text (bytes, tokens, lines, header, fields, line endings)
 * and of the compressed containers (gzip, BGZF, bzip2). Everything is driven by an Rng, so a case
 * is fully determined by its seed.
 */
import * as zlib from 'node:zlib';
import { Rng } from './rng.js';

export interface Seed {
  /** corpus-relative name */
  name: string;
  /** decompressed VCF bytes */
  plain: Buffer;
  /** the file as stored, when it is compressed (gzip, BGZF or bzip2) */
  packed?: Buffer;
  packedKind?: 'gzip' | 'bgzf' | 'bzip2';
}

export interface FuzzCase {
  /** replayable description: seed file, container and the mutations applied */
  label: string;
  data: Buffer;
  /** chunk size the reader splits the buffer into (exercises lines across chunk borders) */
  chunkSize: number;
  maxLineBytes: number;
  /** read the way `view` does: raw batches over recycled buffers */
  reuseBuffers: boolean;
  /** BGZF inflated by this many worker threads (0: in the calling thread) */
  threads: number;
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Short byte strings that break VCF in interesting ways. */
const TOKENS: Buffer[] = [
  '\t', '\n', ':', ',', '%', ';', '=', '|', '/', '.', '<', '>', '[', ']', '"', '\r', '\0', '#', '##', ' ',
  '\t\t', '\n\n', '\r\n', 'é', '€', '😀', '%3A', '%ZZ', '%2', '%25', '-1', '0', '99999999999999999999',
  '1e400', 'NaN', 'Infinity', '-0', '2147483648', '-2147483649', '0x10', '<DEL>', '<*>', '*', 'N', '.,.',
  'chr1:100', 'END=1', 'END=-5', 'END=abc', 'END=', 'SVLEN=-100', 'GT', 'GT:GT', '0/1', '/0|1', '1|2|3|4|5',
  '.|.', '4294967296/0', '0//1', ']1:5]', 'A[2:3[', '<', 'A,', ',A', ';;', '==', 'DP=1,2,3', 'AF=.,.,1',
].map(b).concat([Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0x1f, 0x8b]), Buffer.from([0x07, 0x08])]);

/** GT values, valid and broken, to put into sample columns. */
const GT_VALUES = ['0/1', '1|0', './.', '.', '1', '0/1/2', '/0|1', '|0/1', '0|', '|', '', '-1/0', '99999999999999999999/1', '0/a', '1/2', '3/3', '0:1', '0\\1', '.|1', '0/1/'];

interface Lines { lines: Buffer[]; trailingNewline: boolean }

function splitLinesOf(buf: Buffer): Lines {
  const lines: Buffer[] = [];
  let s = 0;
  for (;;) {
    const nl = buf.indexOf(10, s);
    if (nl < 0) break;
    lines.push(buf.subarray(s, nl));
    s = nl + 1;
  }
  const trailingNewline = s === buf.length;
  if (!trailingNewline) lines.push(buf.subarray(s));
  return { lines, trailingNewline };
}

function joinLines(l: Lines): Buffer {
  const parts: Buffer[] = [];
  l.lines.forEach((x, i) => {
    parts.push(x);
    if (i < l.lines.length - 1 || l.trailingNewline) parts.push(NL);
  });
  return Buffer.concat(parts);
}

const NL = Buffer.from('\n');

function firstDataLine(lines: Buffer[]): number {
  for (let i = 0; i < lines.length; i++) if (lines[i][0] !== 35) return i;
  return lines.length;
}

function splice(buf: Buffer, at: number, del: number, ins: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at + del)]);
}

type TextMutation = (buf: Buffer, rng: Rng) => [Buffer, string];

const textMutations: Array<[number, TextMutation]> = [
  [3, (buf, rng) => {
    const at = rng.int(buf.length);
    const out = Buffer.from(buf);
    if (out.length) out[at] = rng.int(256);
    return [out, `byte@${at}`];
  }],
  [2, (buf, rng) => {
    const at = rng.int(buf.length);
    const out = Buffer.from(buf);
    if (out.length) out[at] ^= 1 << rng.int(8);
    return [out, `bit@${at}`];
  }],
  [3, (buf, rng) => {
    const at = rng.int(buf.length);
    const n = 1 + rng.int(rng.chance(0.8) ? 8 : 200);
    return [splice(buf, at, n), `del${n}@${at}`];
  }],
  [6, (buf, rng) => {
    const at = rng.int(buf.length + 1);
    const t = rng.pick(TOKENS);
    const reps = rng.chance(0.1) ? 1 + rng.int(50) : 1;
    const ins = reps === 1 ? t : Buffer.concat(Array(reps).fill(t));
    return [splice(buf, at, 0, ins), `ins${JSON.stringify(t.toString('latin1'))}x${reps}@${at}`];
  }],
  [3, (buf, rng) => {
    const at = rng.int(buf.length);
    const t = rng.pick(TOKENS);
    return [splice(buf, at, 1 + rng.int(3), t), `repl${JSON.stringify(t.toString('latin1'))}@${at}`];
  }],
  [2, (buf, rng) => {
    const at = rng.int(buf.length);
    return [buf.subarray(0, at), `trunc@${at}`];
  }],
  [2, (buf, rng) => {
    const l = splitLinesOf(buf);
    if (!l.lines.length) return [buf, 'dup-none'];
    const i = rng.int(l.lines.length);
    const to = rng.chance(0.5) ? i + 1 : rng.int(l.lines.length + 1);
    l.lines.splice(to, 0, l.lines[i]);
    return [joinLines(l), `dupline${i}->${to}`];
  }],
  [2, (buf, rng) => {
    const l = splitLinesOf(buf);
    const n = l.lines.length;
    if (n < 2) return [buf, 'swap-none'];
    const i = rng.int(n), j = rng.int(n);
    [l.lines[i], l.lines[j]] = [l.lines[j], l.lines[i]];
    return [joinLines(l), `swap${i},${j}`];
  }],
  [1, (buf, rng) => {
    const l = splitLinesOf(buf);
    const n = l.lines.length;
    if (n < 3) return [buf, 'shuffle-none'];
    const s = rng.int(n), e = Math.min(n, s + 2 + rng.int(20));
    for (let k = e - 1; k > s; k--) {
      const j = s + rng.int(k - s + 1);
      [l.lines[k], l.lines[j]] = [l.lines[j], l.lines[k]];
    }
    return [joinLines(l), `shuffle${s}-${e}`];
  }],
  [2, (buf, rng) => {
    const l = splitLinesOf(buf);
    if (!l.lines.length) return [buf, 'delline-none'];
    const i = rng.int(l.lines.length);
    l.lines.splice(i, 1);
    return [joinLines(l), `delline${i}`];
  }],
  [5, headerDamage],
  [6, fieldDamage],
  [3, sampleDamage],
  [2, (buf, rng) => {
    const k = rng.int(5);
    if (k === 0) return [Buffer.from(buf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'), 'crlf'];
    if (k === 1) return [Buffer.from(buf.toString('latin1').replace(/\n/g, '\r'), 'latin1'), 'cr-only'];
    if (k === 2) return [buf.length && buf[buf.length - 1] === 10 ? buf.subarray(0, buf.length - 1) : buf, 'no-final-newline'];
    if (k === 3) return [Buffer.concat([buf, b('\n\n\n')]), 'blank-lines-at-end'];
    return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]), 'bom'];
  }],
  [1, (buf, rng) => {
    // a long value: many MB are not needed to find bugs, a few thousand bytes in one field are
    const l = splitLinesOf(buf);
    const d = firstDataLine(l.lines);
    if (d >= l.lines.length) return [buf, 'long-none'];
    const i = d + rng.int(l.lines.length - d);
    const fill = rng.pick(['A', 'X=1;', '0/1\t', ',', '%2C', 'é']);
    l.lines[i] = Buffer.concat([l.lines[i], b(fill.repeat(500 + rng.int(5000)))]);
    return [joinLines(l), `long${i}:${JSON.stringify(fill)}`];
  }],
];

const TOTAL_WEIGHT = textMutations.reduce((a, [w]) => a + w, 0);

function pickTextMutation(rng: Rng): TextMutation {
  let r = rng.int(TOTAL_WEIGHT);
  for (const [w, m] of textMutations) {
    if (r < w) return m;
    r -= w;
  }
  return textMutations[0][1];
}

function headerDamage(buf: Buffer, rng: Rng): [Buffer, string] {
  const l = splitLinesOf(buf);
  const d = firstDataLine(l.lines);
  if (d === 0) return [buf, 'hdr-none'];
  const chromIdx = l.lines.findIndex((x) => x.toString('latin1').startsWith('#CHROM'));
  const i = rng.int(d);
  const line = l.lines[i].toString('latin1');
  const k = rng.int(12);
  let label: string;
  switch (k) {
    case 0: l.lines.splice(i, 1); label = `hdr-del${i}`; break;
    case 1:
      if (chromIdx >= 0) l.lines.splice(chromIdx, 1);
      label = 'hdr-del-chrom'; break;
    case 2: l.lines[i] = b(line.replace('>', '')); label = `hdr-no-gt${i}`; break;
    case 3: l.lines[i] = b(line.replace('"', '')); label = `hdr-no-quote${i}`; break;
    case 4: l.lines[i] = b(line.replace(/Number=[^,>]*/, `Number=${rng.pick(['', 'Z', '-1', '99999999999', 'A,B', '.', 'G', 'LA', 'P'])}`)); label = `hdr-number${i}`; break;
    case 5: l.lines[i] = b(line.replace(/Type=[^,>]*/, `Type=${rng.pick(['', 'Int', 'integer', 'Flag', 'Character', 'Float', '"x"'])}`)); label = `hdr-type${i}`; break;
    case 6: l.lines[i] = b(line.replace(/^#+/, '')); label = `hdr-no-hash${i}`; break;
    case 7: l.lines[0] = b(rng.pick(['##fileformat=VCFv9.9', '##fileformat=', '##fileformat=VCF', '##fileformat=VCFv4', '#fileformat=VCFv4.2', '##fileformat=VCFv4.2\t', '##fileformat'])); label = 'hdr-fileformat'; break;
    case 8:
      if (chromIdx >= 0) l.lines.splice(rng.int(l.lines.length + 1), 0, l.lines[chromIdx]);
      label = 'hdr-dup-chrom'; break;
    case 9:
      if (chromIdx >= 0) {
        const cols = l.lines[chromIdx].toString('latin1').split('\t');
        const c = rng.int(cols.length);
        if (rng.chance(0.5)) cols.splice(c, 1); else cols[c] = rng.pick(['', 'chrom', 'POS ', 'FORMAT', cols[0], 'S1', 'S1']);
        l.lines[chromIdx] = b(cols.join(rng.chance(0.1) ? ' ' : '\t'));
      }
      label = 'hdr-columns'; break;
    case 10: l.lines.splice(d + rng.int(l.lines.length - d + 1), 0, l.lines[i]); label = `hdr-into-data${i}`; break;
    default: l.lines[i] = b(line.replace(/ID=[^,>]*/, `ID=${rng.pick(['', 'A B', 'END', 'GT', '1', 'DP', 'x'.repeat(300)])}`)); label = `hdr-id${i}`;
  }
  return [joinLines(l), label];
}

function fieldDamage(buf: Buffer, rng: Rng): [Buffer, string] {
  const l = splitLinesOf(buf);
  const d = firstDataLine(l.lines);
  if (d >= l.lines.length) return [buf, 'field-none'];
  const i = d + rng.int(l.lines.length - d);
  const cols = l.lines[i].toString('latin1').split('\t');
  const c = rng.int(Math.min(cols.length + 1, 12));
  const k = rng.int(6);
  let label: string;
  if (k === 0) { cols.splice(c, 1); label = `col-del${c}`; }
  else if (k === 1) { cols.splice(c, 0, rng.pick(['', '.', 'X'])); label = `col-ins${c}`; }
  else if (k === 2) { cols[c] = ''; label = `col-empty${c}`; }
  else if (k === 3) { cols[c] = rng.pick(TOKENS).toString('latin1'); label = `col-token${c}`; }
  else if (k === 4) {
    // mutate inside the INFO column: keys, values, separators
    const parts = (cols[7] ?? '').split(';');
    const p = rng.int(parts.length + 1);
    parts[p] = rng.pick(['DP', 'DP=', 'DP=x', 'END=0', 'END=99999999999', 'AF=1,2,3,4', 'DB=1', '=', ';', 'ANN=||||', 'X=%', 'NOTE=%E2%82%AC', 'AC=-1', 'AN=0', 'SVLEN=.', 'CS=abc']);
    cols[7] = parts.join(';');
    label = `info${p}`;
  } else {
    const v = cols[c] ?? '';
    cols[c] = v + rng.pick(TOKENS).toString('latin1') + v;
    label = `col-grow${c}`;
  }
  l.lines[i] = Buffer.from(cols.join('\t'), 'latin1');
  return [joinLines(l), `field${i}:${label}`];
}

function sampleDamage(buf: Buffer, rng: Rng): [Buffer, string] {
  const l = splitLinesOf(buf);
  const d = firstDataLine(l.lines);
  if (d >= l.lines.length) return [buf, 'sample-none'];
  const i = d + rng.int(l.lines.length - d);
  const cols = l.lines[i].toString('latin1').split('\t');
  if (cols.length < 10) {
    cols.push(rng.pick(['GT', 'GT:DP', '', '.']), rng.pick(GT_VALUES));
    l.lines[i] = Buffer.from(cols.join('\t'), 'latin1');
    return [joinLines(l), `sample${i}:add`];
  }
  const s = 9 + rng.int(cols.length - 9);
  const f = cols[s].split(':');
  const k = rng.int(5);
  if (k === 0) f[0] = rng.pick(GT_VALUES);
  else if (k === 1) f.length = rng.int(f.length);
  else if (k === 2) f.push(...Array(1 + rng.int(5)).fill(rng.pick(['.', '1', '', 'x'])));
  else if (k === 3) cols[8] = rng.pick(['GT', 'DP:GT', 'GT:GT', '', '.', 'GT:DP:GQ:AD:PL:HQ:X', ':']);
  else f[rng.int(f.length)] = rng.pick(['.', '', '1,2,3,4,5,6,7,8,9', '-', 'NaN', '1e999', '%3A']);
  cols[s] = f.join(':');
  l.lines[i] = Buffer.from(cols.join('\t'), 'latin1');
  return [joinLines(l), `sample${i}.${s}:${k}`];
}

// ---- containers -------------------------------------------------------------------------------

/** One BGZF block, as htslib writes it. */
export function bgzfBlock(data: Buffer): Buffer {
  const cdata = zlib.deflateRawSync(data, { level: 1 });
  const block = Buffer.alloc(18 + cdata.length + 8);
  block[0] = 0x1f; block[1] = 0x8b; block[2] = 8; block[3] = 4;
  block[9] = 0xff;
  block.writeUInt16LE(6, 10);
  block[12] = 66; block[13] = 67; block.writeUInt16LE(2, 14);
  block.writeUInt16LE(block.length - 1, 16);
  cdata.copy(block, 18);
  block.writeUInt32LE(zlib.crc32(data) >>> 0, 18 + cdata.length);
  block.writeUInt32LE(data.length, 22 + cdata.length);
  return block;
}

const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/** BGZF blocks of `blockSize` input bytes, plus the EOF block; returns the blocks separately. */
export function bgzfBlocks(data: Buffer, blockSize: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += blockSize) out.push(bgzfBlock(data.subarray(i, i + blockSize)));
  out.push(BGZF_EOF);
  return out;
}

function corruptBytes(buf: Buffer, rng: Rng, from: number): [Buffer, string] {
  const k = rng.int(6);
  const at = from + rng.int(Math.max(1, buf.length - from));
  if (k === 0) { const o = Buffer.from(buf); if (at < o.length) o[at] ^= 1 + rng.int(255); return [o, `zflip@${at}`]; }
  if (k === 1) return [buf.subarray(0, at), `ztrunc@${at}`];
  if (k === 2) return [splice(buf, at, 1 + rng.int(16)), `zdel@${at}`];
  if (k === 3) return [splice(buf, at, 0, Buffer.from([rng.int(256), rng.int(256), rng.int(256)])), `zins@${at}`];
  if (k === 4) return [Buffer.concat([buf, rng.pick([Buffer.from('garbage\n'), Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from([0x1f])])]), 'ztrailing'];
  const o = Buffer.from(buf);
  o.fill(0, at, Math.min(o.length, at + 1 + rng.int(64)));
  return [o, `zzero@${at}`];
}

function bgzfDamage(blocks: Buffer[], rng: Rng): [Buffer, string] {
  const bi = rng.int(blocks.length);
  const blk = Buffer.from(blocks[bi]);
  const k = rng.int(9);
  let label: string;
  if (k === 0) { blk.writeUInt16LE(rng.pick([0, 1, 17, 25, 26, 0xffff, blk.length]), 16); label = 'bsize'; }
  else if (k === 1) { blk.writeUInt16LE(rng.pick([0, 2, 5, 7, 0xffff]), 10); label = 'xlen'; }
  else if (k === 2) { blk.writeUInt32LE(rng.pick([0, 1, 0xffffffff, 65536]), blk.length - 4); label = 'isize'; }
  else if (k === 3) { blk[blk.length - 6] ^= 0xff; label = 'crc'; }
  else if (k === 4) { blk[3] = rng.pick([0, 4 | 8, 2, 0xff]); label = 'flags'; }
  else if (k === 5) { blk[12] = 0x58; label = 'no-BC'; }
  else if (k === 6) {
    const parts = blocks.slice();
    parts.splice(bi, 1);
    return [Buffer.concat(parts), `bgzf-drop${bi}`];
  } else if (k === 7) {
    const parts = blocks.slice();
    parts.splice(bi, 0, blocks[bi]);
    return [Buffer.concat(parts), `bgzf-dup${bi}`];
  } else {
    const parts = blocks.slice();
    parts.splice(bi, 0, zlib.gzipSync(Buffer.from('#plain gzip member\n')));
    return [Buffer.concat(parts), `bgzf-gzip-member${bi}`];
  }
  const parts = blocks.slice();
  parts[bi] = blk;
  return [Buffer.concat(parts), `bgzf-${label}${bi}`];
}

/** Build one fuzz case from a seed. */
export function makeCase(seed: Seed, rng: Rng): FuzzCase {
  const steps: string[] = [];
  let data = seed.plain;
  const container = seed.packed && rng.chance(seed.packedKind === 'bzip2' ? 0.05 : 0.3) ? 'packed' : rng.pick(['plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'gzip', 'bgzf', 'bgzf']);
  if (container === 'packed') {
    // corrupt the stored compressed file itself
    const [d, label] = corruptBytes(seed.packed!, rng, rng.chance(0.2) ? 0 : 10);
    data = d;
    steps.push(`${seed.packedKind}:${label}`);
  } else {
    const n = rng.chance(0.1) ? 0 : 1 + rng.int(rng.chance(0.7) ? 1 : 4);
    for (let k = 0; k < n; k++) {
      const [d, label] = pickTextMutation(rng)(data, rng);
      data = d;
      steps.push(label);
    }
    if (container === 'gzip') {
      data = zlib.gzipSync(data, { level: 1 });
      if (rng.chance(0.6)) { const [d, label] = corruptBytes(data, rng, rng.chance(0.2) ? 0 : 10); data = d; steps.push(`gzip:${label}`); } else steps.push('gzip');
    } else if (container === 'bgzf') {
      const blocks = bgzfBlocks(data, rng.pick([64, 500, 4096, 65280]));
      if (rng.chance(0.6)) { const [d, label] = bgzfDamage(blocks, rng); data = d; steps.push(label); } else { data = Buffer.concat(blocks); steps.push('bgzf'); }
    }
  }
  // tiny chunks only for small inputs: every chunk is a few awaits
  const chunkSize = rng.pick(data.length < 4096 ? [1 << 20, 1 << 20, 4096, 333, 64, 7, 1] : [1 << 20, 1 << 20, 4096, 333]);
  const maxLineBytes = rng.chance(0.05) ? 64 + rng.int(400) : 1 << 20;
  const reuseBuffers = rng.chance(0.15);
  // worker threads cost a few ms to start: only for a few BGZF cases
  const threads = data.length > 1 && data[0] === 0x1f && data[1] === 0x8b && rng.chance(0.005) ? 2 : 0;
  const extra = [
    chunkSize !== 1 << 20 ? `chunk=${chunkSize}` : '', maxLineBytes !== 1 << 20 ? `maxline=${maxLineBytes}` : '',
    reuseBuffers ? 'reuse' : '', threads ? `threads=${threads}` : '',
  ].filter(Boolean);
  return { label: `${seed.name} [${[...steps, ...extra].join(' ')}]`, data, chunkSize, maxLineBytes, reuseBuffers, threads };
}
