/**
 * `%VKX` (VariantKey, Nicola Asuni's 64-bit variant key as bcftools prints it) and `%RSX` (rsID as
 * 8 hex digits). Same arithmetic as bcftools' variantkey.h: 5 bits CHROM, 28 bits POS (0-based),
 * 31 bits REF+ALT (reversible 2-bit encoding up to 11 bases, else a MurmurHash3-like hash).
 */

const MAXUINT32 = 0xffffffff;

function encodeChrom(c: string): number {
  let s = c;
  if (s.length > 3 && (s[0] === 'c' || s[0] === 'C') && (s[1] === 'h' || s[1] === 'H') && (s[2] === 'r' || s[2] === 'R')) s = s.slice(3);
  if (s.length === 0) return 0;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    let v = (c0 - 48) & 0xff;
    for (let i = 1; i < s.length; i++) {
      const ci = s.charCodeAt(i);
      if (ci > 57 || ci < 48) return 0;
      v = (v * 10 + (ci - 48)) & 0xff;
    }
    return v;
  }
  if (s.length === 1 || (s.length === 2 && (s[1] === 'T' || s[1] === 't'))) {
    switch (s[0]) {
      case 'M': case 'm': return 25;
      case 'X': case 'x': return 23;
      case 'Y': case 'y': return 24;
      default: return 0;
    }
  }
  return 0;
}

function encodeBase(c: number): number {
  switch (c) {
    case 65: case 97: return 0;
    case 67: case 99: return 1;
    case 71: case 103: return 2;
    case 84: case 116: return 3;
    default: return 4;
  }
}

function encodeRefaltRev(ref: string, alt: string): number {
  let h = ((ref.length << 27) | (alt.length << 23)) >>> 0;
  let bitpos = 23;
  for (const s of [ref, alt]) {
    for (let i = 0; i < s.length; i++) {
      const v = encodeBase(s.charCodeAt(i));
      if (v > 3) return MAXUINT32;
      bitpos -= 2;
      h = (h | (v << bitpos)) >>> 0;
    }
  }
  return h;
}

function muxhash(k: number, h: number): number {
  k = Math.imul(k, 0xcc9e2d51) >>> 0;
  k = ((k >>> 17) | (k << 15)) >>> 0;
  k = Math.imul(k, 0x1b873593) >>> 0;
  h = (h ^ k) >>> 0;
  h = ((h >>> 19) | (h << 13)) >>> 0;
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

function packchar(c: number): number {
  // a C `char` is signed: bytes >= 128 are negative, hence below 'A'
  if (c < 65 || c > 127) return 27;
  if (c >= 97) return c - 97 + 1;
  return c - 65 + 1;
}

/** pack up to 6 characters starting at `off` (n of them) into 32 bits */
function packChars(s: string, off: number, n: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) h = (h ^ (packchar(s.charCodeAt(off + i)) << (1 + 5 * (5 - i)))) >>> 0;
  return h;
}

function hash32(s: string): number {
  let h = 0;
  let off = 0;
  let size = s.length;
  while (size >= 6) {
    h = muxhash(packChars(s, off, 6), h);
    off += 6;
    size -= 6;
  }
  if (size > 0) h = muxhash(packChars(s, off, size), h);
  return h;
}

function encodeRefaltHash(ref: string, alt: string): number {
  let h = muxhash(hash32(alt), muxhash(0x3, hash32(ref)));
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return ((h >>> 1) | 0x1) >>> 0;
}

function encodeRefalt(ref: string, alt: string): number {
  if (ref.length + alt.length <= 11) {
    const h = encodeRefaltRev(ref, alt);
    if (h !== MAXUINT32) return h;
  }
  return encodeRefaltHash(ref, alt);
}

const MASK64 = (1n << 64n) - 1n;

/** 16 lowercase hex digits of the VariantKey of CHROM, 0-based POS, REF and the first ALT ('' if none) */
export function variantKeyHex(chrom: string, pos0: number, ref: string, alt: string): string {
  const c = BigInt(encodeChrom(chrom) & 0xff);
  const p = BigInt(pos0 >>> 0);
  const ra = BigInt(encodeRefalt(ref, alt));
  const vk = ((c << 59n) | (p << 31n) | ra) & MASK64;
  return vk.toString(16).padStart(16, '0');
}

/** `%RSX`: the number after the first two characters of ID ("rs123") as 8 hex digits (C strtoul, truncated to 32 bits) */
export function rsidHex(id: string): string {
  const s = id.slice(2);
  const m = /^\s*([+-]?)(\d+)/.exec(s);
  let v = 0n;
  if (m) {
    v = BigInt(m[2]);
    if (v > 0xffffffffffffffffn) v = 0xffffffffffffffffn; // ULONG_MAX on overflow
    if (m[1] === '-') v = ((1n << 64n) - v) & 0xffffffffffffffffn;
  }
  return (v & 0xffffffffn).toString(16).padStart(8, '0');
}
