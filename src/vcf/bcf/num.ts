/**
 * Number printing straight into byte buffers, for the BCF → VCF formatter: integers in decimal and
 * floats exactly as htslib's kputd (the same algorithm as expr/format-num.ts `kputd`, which stays
 * the reference: values outside [1e-4, 999999] go through it).
 */
import { kputd } from '../../expr/format-num.js';

/** write the decimal text of integer v (|v| < 2^53) at o[n]; returns the new end */
export function putInt(o: Uint8Array, n: number, v: number): number {
  if (v < 0) { o[n++] = 45; v = -v; }
  if (v < 10) { o[n] = 48 + v; return n + 1; }
  if (v < 100) { const t = (v / 10) | 0; o[n] = 48 + t; o[n + 1] = 48 + v - 10 * t; return n + 2; }
  let d = 3;
  for (let t = 1000; v >= t; t *= 10) d++;
  const end = n + d;
  let k = end;
  while (k > n) { const t = Math.floor(v / 10); o[--k] = 48 + v - 10 * t; v = t; }
  return end;
}

/** C rint (ties to even) for non-negative values */
function rint(x: number): number {
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

const scratch = new Uint8Array(32);
const text = new Uint8Array(40);

/** htslib kputd(d) written at o[n] (room for 24 bytes needed); returns the new end */
export function putDouble(o: Uint8Array, n: number, d: number): number {
  if (d === 0) {
    if (Object.is(d, -0)) { o[n] = 45; o[n + 1] = 48; return n + 2; }
    o[n] = 48;
    return n + 1;
  }
  if (d < 0) {
    if (!(d <= -0.0001 && d >= -999999)) return putAscii(o, n, kputd(d));
    o[n++] = 45;
    d = -d;
  } else if (!(d >= 0.0001 && d <= 999999)) return putAscii(o, n, kputd(d));
  let i: number;
  let k: number;
  if (d < 0.001) { i = rint(d * 1000000000); k = 1; }
  else if (d < 0.01) { i = rint(d * 100000000); k = 2; }
  else if (d < 0.1) { i = rint(d * 10000000); k = 3; }
  else if (d < 1) { i = rint(d * 1000000); k = 4; }
  else if (d < 10) { i = rint(d * 100000); k = 5; }
  else if (d < 100) { i = rint(d * 10000); k = 6; }
  else if (d < 1000) { i = rint(d * 1000); k = 7; }
  else if (d < 10000) { i = rint(d * 100); k = 8; }
  else if (d < 100000) { i = rint(d * 10); k = 9; }
  else { i = rint(d); k = 10; }
  // digits of i, left-padded with zeros to at least 6
  let nd = 1;
  for (let t = 10; i >= t; t *= 10) nd++;
  const len = nd < 6 ? 6 : nd;
  const dg = scratch;
  for (let j = len - 1; j >= 0; j--) { const t = Math.floor(i / 10); dg[j] = 48 + i - 10 * t; i = t; }
  const p = len + k;
  // the text: "0." + zeros + digits (p <= 10), else digits with a '.' after the first p - 10;
  // trailing zeros at or before position ep are cut, then a '.' left last is dropped
  const tx = text;
  let tl = 0;
  let ep: number;
  if (p <= 10) {
    const zeros = 10 - p;
    tx[tl++] = 48; tx[tl++] = 46;
    for (let z = 0; z < zeros; z++) tx[tl++] = 48;
    for (let j = 0; j < len; j++) tx[tl++] = dg[j];
    ep = 2 + zeros + 5;
  } else {
    const m = p - 10;
    for (let j = 0; j < m; j++) tx[tl++] = dg[j];
    tx[tl++] = 46;
    for (let j = m; j < len; j++) tx[tl++] = dg[j];
    ep = 6;
  }
  while (ep > 0 && ep < tl && tx[ep] === 48) ep--;
  if (ep < tl && tx[ep] !== 46) ep++;
  for (let x = 0; x < ep; x++) o[n++] = tx[x];
  return n;
}

function putAscii(o: Uint8Array, n: number, s: string): number {
  for (let i = 0; i < s.length; i++) o[n++] = s.charCodeAt(i);
  return n;
}
