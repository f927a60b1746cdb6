/**
 * A growable byte buffer the query formatter writes into. Small copies are done byte by byte (cheaper
 * than a native call); the owner drains it with `take()` between records.
 */
export class ByteOut {
  buf: Buffer;
  n = 0;

  constructor(size = 1 << 18) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** make room for `k` more bytes */
  ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.n);
    this.buf = nb;
  }

  byte(c: number): void {
    if (this.n >= this.buf.length) this.ensure(1);
    this.buf[this.n++] = c;
  }

  /** copy src[s, e) */
  copy(src: Uint8Array, s: number, e: number): void {
    const k = e - s;
    if (k <= 0) return;
    if (this.n + k > this.buf.length) this.ensure(k);
    const b = this.buf;
    let n = this.n;
    if (k < 24) {
      for (let i = s; i < e; i++) b[n++] = src[i];
      this.n = n;
    } else {
      b.set(src.subarray(s, e), n);
      this.n = n + k;
    }
  }

  bytes(src: Uint8Array): void {
    this.copy(src, 0, src.length);
  }

  /** latin1/ASCII text (every char < 256) */
  ascii(s: string): void {
    const k = s.length;
    if (this.n + k > this.buf.length) this.ensure(k);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < k; i++) b[n++] = s.charCodeAt(i);
    this.n = n;
  }

  /** arbitrary text, UTF-8 encoded */
  text(s: string): void {
    const k = Buffer.byteLength(s);
    this.ensure(k);
    this.n += this.buf.write(s, this.n, 'utf8');
  }

  /** a non-negative or negative integer */
  int(v: number): void {
    if (v >= 0 && v < 10) { this.byte(48 + v); return; }
    this.ascii(String(v));
  }

  /** the bytes written so far, without copying: the buffer is handed over and a new one started */
  detach(): Buffer {
    const out = this.buf.subarray(0, this.n);
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
    this.n = 0;
    return out;
  }

  /** the bytes written so far, copied; resets the buffer */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.n));
    this.n = 0;
    return out;
  }
}
