/**
 * A reusable, allocation-light cursor over one VCF data line (a byte range of a Buffer), for the query
 * formatter: the fixed columns are located on `set()`, sample columns, INFO entries and alleles only
 * when a format item asks for them. Offsets are absolute positions in `buf`.
 */
import { latin1 } from '../vcf/bytes.js';

const TAB = 9;

export class QLine {
  buf: Buffer = Buffer.alloc(0);
  s = 0;
  e = 0;
  lineNo = 0;
  /** start/end of fixed columns 0..8 (CHROM..FORMAT); cs[9] = start of the first sample column */
  readonly cs = new Int32Array(10);
  readonly ce = new Int32Array(10);
  /** number of columns found among the first 10 */
  nCols = 0;
  /** serial number of the current line (changes on every set()) */
  serial = 0;

  private smplSerial = -1;
  private smplS = new Int32Array(16);
  private smplE = new Int32Array(16);
  private nSmpl = 0;

  private infoSerial = -1;
  infoN = 0;
  infoKS = new Int32Array(16);
  infoKE = new Int32Array(16);
  /** value start/end; -1 for a key without '=' (Flag) */
  infoVS = new Int32Array(16);
  infoVE = new Int32Array(16);

  private allelesSerial = -1;
  private _alleles: string[] = [];

  set(buf: Buffer, s: number, e: number, lineNo: number): void {
    this.buf = buf;
    this.s = s;
    this.e = e;
    this.lineNo = lineNo;
    this.serial++;
    const cs = this.cs, ce = this.ce;
    let p = s;
    let k = 0;
    // CHROM..FILTER are short: scan them here; INFO can be long: let indexOf skip it
    for (; k < 7; k++) {
      cs[k] = p;
      while (p < e && buf[p] !== TAB) p++;
      ce[k] = p;
      if (p >= e) { this.nCols = k + 1; return; }
      p++;
    }
    cs[7] = p;
    const t = buf.indexOf(TAB, p);
    if (t < 0 || t >= e) { ce[7] = e; this.nCols = 8; return; }
    ce[7] = t;
    p = t + 1;
    cs[8] = p;
    while (p < e && buf[p] !== TAB) p++;
    ce[8] = p;
    if (p >= e) { this.nCols = 9; return; }
    cs[9] = p + 1;
    ce[9] = e;
    k = 10;
    this.nCols = k;
  }

  /** latin1 text of fixed column k, '' when absent */
  colText(k: number): string {
    return k < this.nCols ? latin1(this.buf, this.cs[k], this.ce[k]) : '';
  }

  get hasFormat(): boolean { return this.nCols > 8; }

  /** Number of sample columns on this line (locates all of them). */
  get sampleCount(): number {
    if (this.smplSerial !== this.serial) this.locateSamples();
    return this.nSmpl;
  }

  /** the sample columns of this line are located (sampleStart/sampleEnd cost nothing) */
  get samplesLocated(): boolean { return this.smplSerial === this.serial; }

  /** sample column starts / ends (valid for sampleCount entries when samplesLocated) */
  get sampleStarts(): Int32Array { return this.smplS; }
  get sampleEnds(): Int32Array { return this.smplE; }

  /** take the sample column boundaries of this line from someone who already located them */
  adoptSamples(starts: Int32Array, ends: Int32Array, n: number): void {
    if (this.smplS.length < n) { this.smplS = new Int32Array(n); this.smplE = new Int32Array(n); }
    this.smplS.set(starts.subarray(0, n));
    this.smplE.set(ends.subarray(0, n));
    this.nSmpl = n;
    this.smplSerial = this.serial;
  }

  sampleStart(i: number): number {
    if (this.smplSerial !== this.serial) this.locateSamples();
    return i < this.nSmpl ? this.smplS[i] : -1;
  }

  sampleEnd(i: number): number {
    if (this.smplSerial !== this.serial) this.locateSamples();
    return i < this.nSmpl ? this.smplE[i] : -1;
  }

  private locateSamples(): void {
    this.smplSerial = this.serial;
    let n = 0;
    if (this.nCols > 9) {
      const buf = this.buf, e = this.e;
      let p = this.cs[9];
      let S = this.smplS, E = this.smplE;
      for (;;) {
        if (n === S.length) {
          const ns = new Int32Array(n * 2); ns.set(S); S = this.smplS = ns;
          const ne = new Int32Array(n * 2); ne.set(E); E = this.smplE = ne;
        }
        S[n] = p;
        // sample columns are short: a byte loop beats indexOf's call overhead
        while (p < e && buf[p] !== TAB) p++;
        E[n++] = p;
        if (p >= e) break;
        p++;
      }
    }
    this.nSmpl = n;
  }

  /** Parse the INFO column into key/value ranges (once per line). */
  parseInfo(): void {
    if (this.infoSerial === this.serial) return;
    this.infoSerial = this.serial;
    let n = 0;
    if (this.nCols > 7) {
      const buf = this.buf;
      const s = this.cs[7], e = this.ce[7];
      if (!(e - s === 1 && buf[s] === 46) && e > s) {
        let p = s;
        while (p <= e) {
          // entry [p, q)
          let q = p;
          let eq = -1;
          while (q < e && buf[q] !== 59) { if (eq < 0 && buf[q] === 61) eq = q; q++; }
          if (q > p) {
            if (n === this.infoKS.length) this.growInfo();
            this.infoKS[n] = p;
            if (eq >= 0) {
              this.infoKE[n] = eq;
              this.infoVS[n] = eq + 1;
              this.infoVE[n] = q;
            } else {
              this.infoKE[n] = q;
              this.infoVS[n] = -1;
              this.infoVE[n] = -1;
            }
            n++;
          }
          p = q + 1;
        }
      }
    }
    this.infoN = n;
  }

  private growInfo(): void {
    const g = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
    this.infoKS = g(this.infoKS); this.infoKE = g(this.infoKE);
    this.infoVS = g(this.infoVS); this.infoVE = g(this.infoVE);
  }

  /** index of the first INFO entry whose key equals `key` (bytes), or -1 */
  findInfo(key: Uint8Array): number {
    this.parseInfo();
    const buf = this.buf;
    const kl = key.length;
    outer: for (let i = 0; i < this.infoN; i++) {
      const ks = this.infoKS[i];
      if (this.infoKE[i] - ks !== kl) continue;
      for (let j = 0; j < kl; j++) if (buf[ks + j] !== key[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** REF followed by the ALT alleles ('.' ALT gives just [REF]) */
  get alleles(): string[] {
    if (this.allelesSerial !== this.serial) {
      this.allelesSerial = this.serial;
      const ref = this.colText(3);
      const alt = this.colText(4);
      this._alleles = alt === '.' || alt === '' ? [ref] : [ref, ...alt.split(',')];
    }
    return this._alleles;
  }

  /** POS as a number (NaN when not an integer) */
  get pos(): number {
    const buf = this.buf;
    const s = this.cs[1], e = this.ce[1];
    if (this.nCols < 2 || e <= s) return NaN;
    let v = 0;
    for (let i = s; i < e; i++) {
      const c = buf[i] - 48;
      if (c < 0 || c > 9) return Number(latin1(buf, s, e));
      v = v * 10 + c;
    }
    return v;
  }
}
