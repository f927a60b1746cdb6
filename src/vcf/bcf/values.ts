/**
 * Typed BCF values printed as htslib prints them in VCF: bcf_fmt_array (values ',' separated up to
 * vector-end, missing as '.', n = 0 as '.', strings up to their NUL with 0x07 as '.') and
 * bcf_format_gt. The caller makes room: 16 bytes per value (12 per GT allele) plus 2.
 */
import { putDouble, putInt } from './num.js';
import { BT_CHAR, BT_FLOAT, BT_INT16, BT_INT32, BT_INT8, BT_NULL, FLOAT_MISSING, FLOAT_VECTOR_END, STR_MISSING } from './types.js';

const f32v = new Float32Array(1);
const u32v = new Uint32Array(f32v.buffer);

/** the float32 with these bits, printed as htslib's kputd */
export function putFloatBits(o: Uint8Array, n: number, bits: number): number {
  u32v[0] = bits;
  return putDouble(o, n, f32v[0]);
}

/** chars of a string up to the first NUL, 0x07 printed as '.' */
export function putChars(src: Buffer, q: number, len: number, o: Uint8Array, n: number): number {
  const e = q + len;
  if (len > 32) {
    let z = src.indexOf(0, q);
    if (z < 0 || z > e) z = e;
    const m = src.indexOf(STR_MISSING, q);
    if (m < 0 || m >= z) return n + src.copy(o, n, q, z);
  }
  for (let i = q; i < e; i++) {
    const c = src[i];
    if (c === 0) break;
    o[n++] = c === STR_MISSING ? 46 : c;
  }
  return n;
}

/** htslib bcf_fmt_array (n values, ',' separated, up to vector-end; n = 0 prints '.') */
export function putArray(src: Buffer, q: number, cnt: number, type: number, o: Uint8Array, n: number): number {
  if (cnt === 0) { o[n] = 46; return n + 1; }
  switch (type) {
    case BT_CHAR: return putChars(src, q, cnt, o, n);
    case BT_INT8:
      for (let j = 0; j < cnt; j++) {
        const v = (src[q + j] << 24) >> 24;
        if (v === -127) break;
        if (j) o[n++] = 44;
        if (v === -128) o[n++] = 46;
        else if (v >= 0 && v < 10) o[n++] = 48 + v;
        else n = putInt(o, n, v);
      }
      return n;
    case BT_INT16:
      for (let j = 0; j < cnt; j++) {
        const x = q + 2 * j;
        const v = ((src[x] | (src[x + 1] << 8)) << 16) >> 16;
        if (v === -32767) break;
        if (j) o[n++] = 44;
        if (v === -32768) o[n++] = 46;
        else n = putInt(o, n, v);
      }
      return n;
    case BT_INT32:
      for (let j = 0; j < cnt; j++) {
        const x = q + 4 * j;
        const v = src[x] | (src[x + 1] << 8) | (src[x + 2] << 16) | (src[x + 3] << 24);
        if (v === -2147483647) break;
        if (j) o[n++] = 44;
        if (v === -2147483648) o[n++] = 46;
        else n = putInt(o, n, v);
      }
      return n;
    case BT_FLOAT:
      for (let j = 0; j < cnt; j++) {
        const x = q + 4 * j;
        const bits = (src[x] | (src[x + 1] << 8) | (src[x + 2] << 16) | (src[x + 3] << 24)) >>> 0;
        if (bits === FLOAT_VECTOR_END) break;
        if (j) o[n++] = 44;
        if (bits === FLOAT_MISSING) o[n++] = 46;
        else n = putFloatBits(o, n, bits);
      }
      return n;
    default:
      return n;
  }
}

/** htslib bcf_format_gt */
export function putGt(src: Buffer, x: number, cnt: number, type: number, o: Uint8Array, n: number): number {
  if (type === BT_NULL) { o[n] = 46; return n + 1; }
  let i = 0;
  for (; i < cnt; i++) {
    let v: number;
    if (type === BT_INT8) {
      v = (src[x + i] << 24) >> 24;
      if (v === -127) break;
    } else if (type === BT_INT16) {
      const y = x + 2 * i;
      v = ((src[y] | (src[y + 1] << 8)) << 16) >> 16;
      if (v === -32767) break;
    } else {
      const y = x + 4 * i;
      v = src[y] | (src[y + 1] << 8) | (src[y + 2] << 16) | (src[y + 3] << 24);
      if (v === -2147483647) break;
    }
    if (i) o[n++] = (v & 1) ? 124 : 47;
    const a = v >> 1;
    if (a === 0) o[n++] = 46;
    else if (a > 0 && a < 11) o[n++] = 47 + a;
    else n = putInt(o, n, a - 1);
  }
  if (i === 0) o[n++] = 46;
  return n;
}
