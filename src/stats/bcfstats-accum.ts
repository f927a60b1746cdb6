/**
 * The counters of `bcftools stats` 1.16 (vcfstats.c) and the per-line update rules, applied to
 * Site views. One StatsSet per output id (0, or 0/1/2 in two-file mode: only in A, only in B,
 * in both), plus the genotype-concordance tables of two-file mode.
 *
 * Arithmetic follows bcftools where it shows in the output: allele frequencies, heterozygosity
 * fractions and QUAL bins are computed in single precision (C float), counts in integers.
 */
import { latin1 } from '../vcf/bytes.js';
import { VcfError } from '../vcf/errors.js';
import type { VcfHeader } from '../vcf/header.js';
import { cInt, f32, kroundup32 } from './bcfstats-num.js';
import { SampleFields, gtEnd } from './bcfstats-samples.js';
import {
  GT_HAPL_A, GT_HAPL_R, GT_HET_AA, GT_HET_RA, GT_HOM_AA, GT_HOM_RR, GT_UNKN, Site,
  VT_INDEL, VT_MNP, VT_OTHER, VT_REF, VT_SNP, acgt2int, gtBadAllele, gtCount, IntList, intList,
} from './bcfstats-site.js';

export const M_INDEL = 60;
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
export const NAF_HWE = 100;
export const VAF_BINS = 21;

/** bcftools' dist_t with npow=5: exact bins up to 10^5, then 90000 bins per order of magnitude */
export class Dist {
  bins = new Float64Array(0);
  nbins = 0;
  static readonly NEXACT = 100000;
  static readonly NLEVEL = 90000;

  insert(value: number): void {
    let ibin: number;
    if (value <= Dist.NEXACT) ibin = value;
    else {
      const npow = Math.trunc(Math.log10(value));
      const level = npow - 5 + 1;
      const step = 10 ** level;
      ibin = Math.trunc(Dist.NEXACT + Dist.NLEVEL * (level - 1) + (value - 10 ** npow) / step);
    }
    if (ibin >= this.nbins) {
      if (ibin >= this.bins.length) {
        const b = new Float64Array(Math.max(ibin + 1, this.bins.length * 2, 64));
        b.set(this.bins);
        this.bins = b;
      }
      this.nbins = ibin + 1;
    }
    this.bins[ibin]++;
  }

  /** the first value of bin idx */
  static binStart(idx: number): number {
    if (idx < Dist.NEXACT) return idx;
    const level = Math.trunc((idx - Dist.NEXACT) / Dist.NLEVEL) + 1;
    const bin = idx - Dist.NEXACT - Dist.NLEVEL * (level - 1);
    return 10 ** (level + 5 - 1) + 10 ** level * bin;
  }
}

/** bcftools' idist_t: integer histogram [min, max] with under/overflow bins */
export class IDist {
  readonly vals: Float64Array;
  readonly mVals: number;
  constructor(readonly min: number, readonly max: number, readonly step: number) {
    this.mVals = 4 + Math.trunc((max - min) / step);
    this.vals = new Float64Array(this.mVals);
  }
  add(v: number): void {
    if (v < this.min) this.vals[0]++;
    else if (v > this.max) this.vals[this.mVals - 1]++;
    else this.vals[1 + Math.trunc((v - this.min) / this.step)]++;
  }
  /** label value of bin i (bcftools idist_i2bin) */
  binValue(i: number): number {
    if (i <= 0) return this.min;
    if (i >= this.mVals) return this.max;
    return i - 1 + this.min;
  }
}

export class StatsSet {
  nRecords = 0; nNoalts = 0; nSnps = 0; nIndels = 0; nMnps = 0; nOthers = 0; nMals = 0; nSnpMals = 0;
  readonly afTs: Float64Array;
  readonly afTv: Float64Array;
  readonly afSnps: Float64Array;
  /** repeat-consistent, -inconsistent, not applicable (without a reference: all n/a) */
  readonly afRepeats: Float64Array[];
  tsAlt1 = 0; tvAlt1 = 0;
  readonly qualTs = new Dist();
  readonly qualTv = new Dist();
  readonly qualIndels = new Dist();
  readonly insertions = new Float64Array(M_INDEL);
  readonly deletions = new Float64Array(M_INDEL);
  readonly subst = new Float64Array(15);
  readonly dp: IDist;
  readonly dpSites: IDist;
  // per sample (only with -s)
  readonly hets: Float64Array; readonly homAA: Float64Array;
  /** hom-ref genotypes are not counted one by one: nRefHom = gtLines - notRR */
  gtLines = 0;
  readonly notRR: Float64Array;
  readonly ts: Float64Array; readonly tv: Float64Array; readonly indels: Float64Array;
  readonly ndp: Float64Array; readonly sdp: Float64Array; readonly sngl: Float64Array;
  readonly hapRef: Float64Array; readonly hapAlt: Float64Array; readonly missing: Float64Array;
  readonly insHets: Float64Array; readonly delHets: Float64Array; readonly insHoms: Float64Array; readonly delHoms: Float64Array;
  readonly afHwe: Float64Array;
  readonly nvaf: Float64Array;
  readonly dvaf: Float64Array;
  /** newer bcftools: per sample, 21 VAF bins (round(VAF*20)) of SNV and of indel alleles */
  readonly vafSnv: Float64Array;
  readonly vafIndel: Float64Array;

  constructor(mAf: number, nSmpl: number, dpMin: number, dpMax: number, dpStep: number, newer = false) {
    this.afTs = new Float64Array(mAf);
    this.afTv = new Float64Array(mAf);
    this.afSnps = new Float64Array(mAf);
    this.afRepeats = [new Float64Array(mAf), new Float64Array(mAf), new Float64Array(mAf)];
    this.dp = new IDist(dpMin, dpMax, dpStep);
    this.dpSites = new IDist(dpMin, dpMax, dpStep);
    const n = nSmpl;
    this.hets = new Float64Array(n); this.notRR = new Float64Array(n); this.homAA = new Float64Array(n);
    this.ts = new Float64Array(n); this.tv = new Float64Array(n); this.indels = new Float64Array(n);
    this.ndp = new Float64Array(n); this.sdp = new Float64Array(n); this.sngl = new Float64Array(n);
    this.hapRef = new Float64Array(n); this.hapAlt = new Float64Array(n); this.missing = new Float64Array(n);
    this.insHets = new Float64Array(n); this.delHets = new Float64Array(n); this.insHoms = new Float64Array(n); this.delHoms = new Float64Array(n);
    this.afHwe = new Float64Array(n ? mAf * NAF_HWE : 0);
    this.nvaf = new Float64Array(n ? M_INDEL * 2 + 1 : 0);
    this.dvaf = new Float64Array(n ? M_INDEL * 2 + 1 : 0);
    this.vafSnv = new Float64Array(newer ? n * VAF_BINS : 0);
    this.vafIndel = new Float64Array(newer ? n * VAF_BINS : 0);
  }
}

/** genotype concordance counts: gt2gt[5][5] (RR, RA, AA, AA het, missing) and dosage sums */
export class GtCmp {
  readonly gt2gt = new Float64Array(25);
  y = 0; yy = 0; x = 0; xx = 0; yx = 0; n = 0;
}

const TYPE2STATS = [0, 2, 1, 3, 0, 2, 4]; // by GT_* code
const TYPE2DOSAGE = [0, 2, 1, 2, 0, 1, 0];
const TYPE2PLOIDY = [1, 1, 1, 1, -1, -1, 0];

/** What the collector needs to know about one input file. */
export interface InputInfo {
  header: VcfHeader;
  file: string;
  /** header sample index of each selected sample (files->samples order) */
  sampleMap: Int32Array;
  /** sampleMap is 0, 1, 2, ... */
  identity: boolean;
  /** sample columns to parse for the selected samples: max(map)+1, at least their number */
  scanNeed: number;
  /** type checks of INFO/FORMAT tags */
  acDeclared: boolean; anDeclared: boolean; acInt: boolean; anInt: boolean;
  acType: string; anType: string;
  dpInfoInt: boolean;
  gtDeclared: boolean;
  dpFmtType: string | undefined;
  adFmtType: string | undefined;
  /** --af-tag: its header type ('' when not used) */
  afTagType: string;
}

export interface CollectorOptions {
  mAf: number;
  nSmpl: number;
  /** -s/-S given: genotypes count for AC when INFO/AC,AN are absent */
  samplesGiven: boolean;
  firstAlleleOnly: boolean;
  dpMin: number; dpMax: number; dpStep: number;
  nStats: number;
  splitById: boolean;
  afTag: Buffer | null;
  /**
   * newer bcftools (the ~1.22 of c_bcftools_expected): ts/tv of both ALT alleles of alt-het
   * genotypes, indel VAF over the total depth, and the per-sample VAF histograms
   */
  newer: boolean;
}

/**
 * The collector: feed it lines (one Site, or a matched pair in two-file mode) and read the
 * counters from `stats`, `afGtsSnps`, ... when done.
 */
export class Collector {
  readonly stats: StatsSet[] = [];
  readonly afGtsSnps: GtCmp[];
  readonly afGtsIndels: GtCmp[];
  readonly smplGtsSnps: GtCmp[];
  readonly smplGtsIndels: GtCmp[];
  /** bcftools' args->tmp_iaf: AF bin per allele, kept between lines as bcftools does */
  private tmpIaf = new Int32Array(16);
  /** the allocated size bcftools would have (ntmp_iaf), for its "invariant site" test */
  private nTmpIaf = 0;
  private acBuf = new Int32Array(16);
  private readonly iv = new IntList();
  private tstv = new Int8Array(16);
  /** the GT classes / alleles of the selected samples of the current line, per input */
  private readonly curGc: Int8Array[] = [new Int8Array(0), new Int8Array(0)];
  private readonly curGa: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  private readonly curGb: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  private readonly sf: SampleFields[] = [new SampleFields(), new SampleFields()];
  /** per-line GT class / alleles of every selected sample, per input */
  private gtc: Int8Array[] = [];
  private gia: Int32Array[] = [];
  private gja: Int32Array[] = [];

  constructor(readonly opts: CollectorOptions, readonly inputs: InputInfo[]) {
    for (let i = 0; i < opts.nStats; i++) this.stats.push(new StatsSet(opts.mAf, opts.nSmpl, opts.dpMin, opts.dpMax, opts.dpStep, opts.newer));
    const withCmp = opts.samplesGiven;
    this.afGtsSnps = withCmp ? Array.from({ length: opts.mAf }, () => new GtCmp()) : [];
    this.afGtsIndels = withCmp ? Array.from({ length: opts.mAf }, () => new GtCmp()) : [];
    this.smplGtsSnps = withCmp ? Array.from({ length: opts.nSmpl }, () => new GtCmp()) : [];
    this.smplGtsIndels = withCmp ? Array.from({ length: opts.nSmpl }, () => new GtCmp()) : [];
    for (let i = 0; i < 2; i++) {
      this.gtc.push(new Int8Array(opts.nSmpl));
      this.gia.push(new Int32Array(opts.nSmpl));
      this.gja.push(new Int32Array(opts.nSmpl));
    }
  }

  /**
   * One output line: `ret` is the bcftools reader mask (1: first file, 2: second, 3: both);
   * `site` is the first file's line when it has one, else the second's; `other` the second
   * file's line of a matched pair.
   */
  add(ret: number, site: Site, inputIdx: number, other: Site | null): void {
    const o = this.opts;
    const inp = this.inputs[inputIdx];
    const lineType = site.lineType;
    site.scanInfo(true, inp.dpInfoInt, false, o.afTag);
    this.initIaf(site, inp, inputIdx);
    let st = this.stats[ret - 1];
    if (o.splitById && site.novel) st = this.stats[1];
    st.nRecords++;
    if (lineType === VT_REF) st.nNoalts++;
    if (lineType & VT_SNP) this.snpStats(st, site);
    if (lineType & VT_INDEL) this.indelStats(st, site);
    if (lineType & VT_MNP) st.nMnps++;
    if (lineType & VT_OTHER) st.nOthers++;
    if (site.nAllele > 2) {
      st.nMals++;
      if (lineType === VT_SNP) st.nSnpMals++;
    }
    if (o.nSmpl) this.sampleStats(st, site, inp, inputIdx, ret === 3 ? other : null);
    // INFO/DP: exactly one Integer value
    if (inp.dpInfoInt && site.dpS >= 0) {
      // bcftools reads INFO/DP into its AF-bin buffer (tmp_iaf), which later lines may see
      const n = intList(site.buf, site.dpS, site.dpE, this.iv);
      const vals = this.iv.v;
      if (n > this.tmpIaf.length) {
        const t = new Int32Array(n);
        t.set(this.tmpIaf);
        this.tmpIaf = t;
      }
      if (this.nTmpIaf < n) this.nTmpIaf = n;
      for (let i = 0; i < n; i++) this.tmpIaf[i] = vals[i] === vals[i] ? vals[i] : -2147483648;
      if (n === 1) st.dpSites.add(this.tmpIaf[0]);
    }
  }

  private expandIaf(n: number): void {
    if (n > this.tmpIaf.length) {
      const t = new Int32Array(Math.max(n, this.tmpIaf.length * 2));
      t.set(this.tmpIaf);
      this.tmpIaf = t;
    }
    if (n > this.nTmpIaf) this.nTmpIaf = kroundup32(n);
  }

  /** bcftools init_iaf: the AF bin of every ALT allele into tmpIaf (0 = singleton/unknown) */
  private initIaf(site: Site, inp: InputInfo, inputIdx: number): void {
    const nA = site.nAllele;
    this.expandIaf(nA);
    const iaf = this.tmpIaf;
    const mAf = this.opts.mAf;
    if (this.opts.afTag) {
      const ok = site.tagS >= 0 && inp.afTagType === 'Float' ? this.floatList(site, site.tagS, site.tagE) : -1;
      if (ok <= 0 || ok !== nA - 1) {
        for (let i = 0; i < nA; i++) iaf[i] = 0;
        return;
      }
      iaf[0] = 0;
      for (let i = 1; i < nA; i++) {
        let af = this.fvals[i - 1];
        if (af < 0) af = 0;
        else if (af > 1) af = 1;
        iaf[i] = cInt(f32(af * (mAf - 2))) + 1;
      }
      return;
    }
    const ok = this.calcAc(site, inp, inputIdx);
    const ac = this.acBuf;
    if (!ok) {
      for (let i = 0; i < nA; i++) iaf[i] = 0;
      return;
    }
    let an = 0;
    for (let i = 0; i < nA; i++) an += ac[i];
    const t = this.tmpIaf;
    t[0] = 0;
    for (let i = 1; i < nA; i++) {
      if (ac[i] === 1) t[i] = 0;
      else if (!an) t[i] = 1;
      else {
        let af = f32(ac[i] / an);
        if (af < 0) af = 0;
        else if (af > 1) af = 1;
        t[i] = cInt(f32(af * (mAf - 2))) + 1;
      }
    }
  }

  private fvals = new Float64Array(16);
  private floatList(site: Site, s: number, e: number): number {
    const b = site.buf;
    let n = 0;
    let p = s;
    for (;;) {
      let q = p;
      while (q < e && b[q] !== 44) q++;
      if (n === this.fvals.length) { const f = new Float64Array(n * 2); f.set(this.fvals); this.fvals = f; }
      const txt = latin1(b, p, q);
      this.fvals[n++] = txt === '.' ? NaN : f32(Number.parseFloat(txt));
      if (q >= e) break;
      p = q + 1;
    }
    return n;
  }

  /** warnings to show the user (once each) */
  readonly warnings: string[] = [];
  private warnedAcCount = false;

  /** bcf_calc_ac: INFO/AC+AN when both present, else (with -s) the genotypes of every sample */
  private calcAc(site: Site, inp: InputInfo, inputIdx: number): boolean {
    const nA = site.nAllele;
    if (this.acBuf.length < nA) this.acBuf = new Int32Array(Math.max(nA, this.acBuf.length * 2));
    const ac = this.acBuf;
    for (let i = 0; i < nA; i++) ac[i] = 0;
    if (site.acS >= 0 && site.anS >= 0) {
      const b = site.buf;
      // AN as htslib's unpacked INFO value v1.i: the value when there is exactly one, else 0;
      // a missing Integer is stored as int8 missing (negative) and makes AN unusable
      let an: number;
      if (inp.anInt) {
        const n = intList(b, site.anS, site.anE, this.iv);
        const v0 = this.iv.v[0];
        an = n === 1 ? (v0 === v0 ? v0 : -128) : 0;
      } else if (inp.anType === 'Float') {
        const n = this.floatList(site, site.anS, site.anE);
        F32[0] = this.fvals[0];
        an = n === 1 ? I32[0] : 0;
      } else {
        // undefined (htslib adds it as a String) or a String/Character: one char is its code
        an = site.anE - site.anS === 1 ? b[site.anS] : 0;
      }
      if (an >= 0) {
        const acInt = inp.acInt;
        const n = acInt ? intList(b, site.acS, site.acE, this.iv) : inp.acType === 'Float' ? this.floatList(site, site.acS, site.acE) : site.acE - site.acS;
        if (n !== nA - 1) {
          if (!this.warnedAcCount) {
            this.warnedAcCount = true;
            this.warnings.push(`incorrect number of AC fields at ${site.where()} (${site.file}:${site.lineNo}); such sites go to the singleton/unknown AF bin (reported once)`);
          }
          return false;
        }
        if (!acInt) {
          throw site.error('STATS_INFO_TYPE', `INFO/AC is ${inp.acDeclared ? `declared Type=${inp.acType}` : 'not defined in the header'}: allele counts need an Integer (bcftools stops here too) at ${site.where()}`);
        }
        // how htslib stores missing AC values: the missing value of the narrowest type that fits
        const vals = this.iv.v;
        let mn = 2147483647, mx = -2147483648;
        for (let i = 0; i < n; i++) {
          const v = vals[i];
          if (v !== v) continue;
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        const miss = n === 1 || (mx <= 127 && mn >= -120) ? -128 : mx <= 32767 && mn >= -32760 ? -32768 : -2147483648;
        let nac = 0;
        for (let i = 0; i < n; i++) {
          const v = vals[i] === vals[i] ? vals[i] : miss;
          ac[i + 1] = v;
          nac += v;
        }
        if (an < nac) {
          throw site.error('STATS_AN_AC', `incorrect AN/AC counts at ${site.where()}: AN=${an} is smaller than the sum of AC (${nac})`);
        }
        ac[0] = an - nac;
        return true;
      }
    }
    if (!this.opts.samplesGiven) return false;
    const sf = this.sf[inputIdx];
    sf.keys(site);
    if (sf.gi < 0) return false;
    const nAll = inp.header.samples.length;
    this.ensureScan(site, inputIdx, nAll);
    const b = site.buf;
    for (let k = 0; k < nAll; k++) {
      if (sf.gtS[k] < 0) continue;
      if (gtCount(b, sf.gtS[k], gtEnd(b, sf.gtS[k], site.e), this.acBuf, nA) < 0) {
        throw site.error('STATS_GT_ALLELE', `incorrect allele ("${gtBadAllele}") in ${inp.header.samples[k]} at ${site.where()}: the record has ${nA} allele${nA === 1 ? '' : 's'}`);
      }
    }
    return true;
  }

  /** which line the sample fields of each input were located for */
  private readonly scannedSite: (Site | null)[] = [null, null];
  private readonly scannedGen = [-1, -1];

  private ensureScan(site: Site, idx: number, n: number): void {
    const sf = this.sf[idx];
    if (this.scannedGen[idx] !== site.gen || this.scannedSite[idx] !== site || sf.n < n) {
      sf.keys(site);
      const wantAd = sf.ai >= 0 && (sf.di < 0 || (site.lineType & VT_INDEL) !== 0 || this.opts.newer);
      sf.scan(site, Math.max(n, this.scannedGen[idx] === site.gen && this.scannedSite[idx] === site ? sf.n : 0), wantAd);
      this.scannedGen[idx] = site.gen;
      this.scannedSite[idx] = site;
    }
  }

  private qualBin(site: Site): number {
    const q = site.qual();
    if (q !== q || q < 0) return 0;
    return (1 + cInt(f32(q * 10))) >>> 0;
  }

  private snpStats(st: StatsSet, site: Site): void {
    st.nSnps++;
    const b = site.buf;
    const ref = acgt2int(b[site.alS[0]]);
    if (ref < 0) return;
    let iqual = -1;
    const nA = site.nAllele;
    const iafs = this.tmpIaf;
    for (let i = 1; i < nA; i++) {
      if (this.opts.firstAlleleOnly && i > 1) break;
      if (!(site.vtype[i] & VT_SNP)) continue;
      const alt = acgt2int(b[site.alS[i]]);
      if (alt < 0 || ref === alt) continue;
      st.subst[(ref << 2) | alt]++;
      const iaf = iafs[i];
      st.afSnps[iaf]++;
      if (Math.abs(ref - alt) === 2) {
        if (i === 1) {
          st.tsAlt1++;
          if (iqual < 0) iqual = this.qualBin(site);
          st.qualTs.insert(iqual);
        }
        st.afTs[iaf]++;
      } else {
        if (i === 1) {
          st.tvAlt1++;
          if (iqual < 0) iqual = this.qualBin(site);
          st.qualTv.insert(iqual);
        }
        st.afTv[iaf]++;
      }
    }
  }

  private indelStats(st: StatsSet, site: Site): void {
    st.nIndels++;
    st.qualIndels.insert(this.qualBin(site));
    const nA = site.nAllele;
    for (let i = 1; i < nA; i++) {
      if (this.opts.firstAlleleOnly && i > 1) break;
      if (!(site.vtype[i] & VT_INDEL)) continue;
      st.afRepeats[2][this.tmpIaf[i]]++;
      let len = site.vn[i];
      let arr = st.insertions;
      if (len < 0) { len = -len; arr = st.deletions; }
      if (--len >= M_INDEL) len = M_INDEL - 1;
      arr[len]++;
    }
  }

  /** GT class of every selected sample of input `idx` into gtc/gia/gja; false without GT */
  private genotypes(site: Site, inp: InputInfo, idx: number): boolean {
    const sf = this.sf[idx];
    sf.keys(site);
    if (sf.gi < 0) return false;
    const map = inp.sampleMap;
    const n = map.length;
    // DP/AD are read by selected-sample index (as bcftools does): scan at least n columns
    this.ensureScan(site, idx, inp.scanNeed);
    const nA = site.nAllele;
    const sgc = sf.gc, sga = sf.ga, sgb = sf.gb;
    if (inp.identity) {
      this.curGc[idx] = sgc; this.curGa[idx] = sga; this.curGb[idx] = sgb;
    } else {
      const gc = this.gtc[idx], ga = this.gia[idx], gb = this.gja[idx];
      for (let k = 0; k < n; k++) {
        const j = map[k];
        gc[k] = sgc[j]; ga[k] = sga[j]; gb[k] = sgb[j];
      }
      this.curGc[idx] = gc; this.curGa[idx] = ga; this.curGb[idx] = gb;
    }
    if (sf.maxAllele >= nA || sf.bad) {
      const b = site.buf;
      for (let k = 0; k < n; k++) {
        const j = map[k];
        if (sgc[j] === -2) throw site.error('STATS_GT_SYNTAX', `sample ${inp.header.samples[j]}: "${latin1(b, sf.gtS[j], gtEnd(b, sf.gtS[j], site.e))}" is not a genotype`);
        if (sgc[j] !== GT_UNKN && sgc[j] !== GT_HOM_RR && (sga[j] >= nA || sgb[j] >= nA)) {
          throw site.error('STATS_GT_ALLELE', `incorrect allele ("${Math.max(sga[j], sgb[j])}") in ${inp.header.samples[j]} at ${site.where()}: the record has ${nA} allele${nA === 1 ? '' : 's'}`);
        }
      }
    }
    return true;
  }

  private fmtTypeError(site: Site, tag: string, type: string | undefined): VcfError {
    const what = type === undefined ? 'is not defined in the header' : `is declared Type=${type}`;
    return site.error('STATS_FORMAT_TYPE', `FORMAT/${tag} ${what}; sample statistics need an Integer (bcftools stops here too) at ${site.where()}`);
  }

  private sampleStats(st: StatsSet, site: Site, inp: InputInfo, idx: number, other: Site | null): void {
    const nS = this.opts.nSmpl;
    const lineType = site.lineType;
    const b = site.buf;
    const sf = this.sf[idx];
    let nrefTot = 0, nhetTot = 0, naltTot = 0;
    if (this.genotypes(site, inp, idx)) {
      const useAd = (lineType & VT_INDEL) !== 0 && sf.ai >= 0;
      const ref = acgt2int(b[site.alS[0]]);
      let nNref = 0, iNref = 0;
      const gc = this.curGc[idx], ga = this.curGa[idx], gb = this.curGb[idx];
      const vt = site.vtype;
      // per allele: transition (1), transversion (2) or an ALT that is not A/C/G/T (-1)
      const nA = site.nAllele;
      if (this.tstv.length < nA) this.tstv = new Int8Array(nA * 2);
      const tstv = this.tstv;
      for (let a = 1; a < nA; a++) {
        if (!(vt[a] & VT_SNP)) { tstv[a] = 0; continue; }
        const alt = acgt2int(b[site.alS[a]]);
        tstv[a] = alt < 0 ? -1 : Math.abs(ref - alt) === 2 ? 1 : 2;
      }
      const missing = st.missing, hapRef = st.hapRef, hapAlt = st.hapAlt, hets = st.hets, notRR = st.notRR, homAA = st.homAA;
      const ts = st.ts, tv = st.tv;
      const newer = this.opts.newer;
      st.gtLines++;
      // hom-ref genotypes only count (nRefHom = lines - not hom-ref): with the file's own sample
      // order only the other genotypes are visited
      const list = inp.identity ? sf.nz : null;
      let cnt = nS;
      if (list) {
        cnt = 0;
        const nnz = sf.nnz;
        while (cnt < nnz && list[cnt] < nS) cnt++;
        nrefTot = nS - cnt;
      }
      for (let t = 0; t < cnt; t++) {
        const is = list ? list[t] : t;
        const gt = gc[is];
        if (gt === GT_HOM_RR) {
          nrefTot++;
          continue; // a hom-ref genotype has variant type REF: counted as such, nothing else
        }
        notRR[is]++;
        if (gt === GT_UNKN) { missing[is]++; continue; }
        if (gt === GT_HAPL_R) { hapRef[is]++; continue; }
        if (gt === GT_HAPL_A) { hapAlt[is]++; continue; }
        const ial = ga[is], jal = gb[is];
        nNref++;
        iNref = is;
        if (gt === GT_HET_RA) nhetTot++;
        else naltTot++;
        const varType = vt[ial] | vt[jal];
        if (varType & VT_SNP || varType === VT_REF) {
          if (gt === GT_HOM_AA) homAA[is]++;
          else hets[is]++;
          const t = tstv[ial];
          if (t === 1) ts[is]++;
          else if (t === 2) tv[is]++;
          else if (t === -1) continue;
          if (newer && jal !== ial && jal > 0) {
            const t2 = tstv[jal];
            if (t2 === 1) ts[is]++;
            else if (t2 === 2) tv[is]++;
          }
        }
        if (varType & VT_INDEL) {
          st.indels[is]++;
          if (gt === GT_HET_RA || gt === GT_HET_AA) {
            let isIns = false, isDel = false;
            if (vt[ial] & VT_INDEL) {
              if (site.vn[ial] < 0) isDel = true; else isIns = true;
              if (useAd) this.updateDvaf(st, site, inp, is, ial, jal);
            }
            if (vt[jal] & VT_INDEL) {
              if (site.vn[jal] < 0) isDel = true; else isIns = true;
              if (useAd) this.updateDvaf(st, site, inp, is, jal, ial);
            }
            if (isDel) st.delHets[is]++;
            if (isIns) st.insHets[is]++;
          } else if (gt === GT_HOM_AA) {
            if (site.vn[ial] < 0) st.delHoms[is]++;
            else st.insHoms[is]++;
          }
        }
      }
      if (nNref === 1) st.sngl[iNref]++;
      if (newer && sf.ai >= 0) this.vafHistogram(st, site, inp, idx, gc, ga, gb);
    }
    const tot = nhetTot + nrefTot + naltTot;
    if (tot) {
      const hetFrac = f32(nhetTot / tot);
      let i = cInt(f32(hetFrac * (NAF_HWE - 1)));
      if (site.nAllele > 1) i += NAF_HWE * this.tmpIaf[1];
      st.afHwe[i]++;
    }
    // depth per sample, read by selected-sample index as bcftools does
    sf.keys(site);
    if (sf.di >= 0) {
      if (inp.dpFmtType !== 'Integer') throw this.fmtTypeError(site, 'DP', inp.dpFmtType);
      this.ensureScan(site, idx, nS);
      const dpv = sf.dpv;
      const hist = st.dp, ndp = st.ndp, sdp = st.sdp;
      const hv = hist.vals, hmin = hist.min, hmax = hist.max, last = hist.mVals - 1;
      if (hist.step === 1) {
        for (let is = 0; is < nS; is++) {
          const v = dpv[is];
          if (v !== v) continue;
          hv[v < hmin ? 0 : v > hmax ? last : 1 + v - hmin]++;
          ndp[is]++;
          sdp[is] += v;
        }
      } else {
        for (let is = 0; is < nS; is++) {
          const v = dpv[is];
          if (v !== v) continue;
          hist.add(v);
          ndp[is]++;
          sdp[is] += v;
        }
      }
    } else if (sf.ai >= 0) {
      if (inp.adFmtType !== 'Integer') throw this.fmtTypeError(site, 'AD', inp.adFmtType);
      this.ensureScan(site, idx, nS);
      for (let is = 0; is < nS; is++) {
        const s = sf.adS[is];
        if (s < 0) continue;
        const n = intList(b, s, sf.adE[is], this.iv);
        const vals = this.iv.v;
        let dp = 0;
        let has = false;
        for (let i = 0; i < n; i++) {
          const v = vals[i];
          if (v !== v) continue;
          has = true;
          dp += v;
        }
        if (has) {
          st.dp.add(dp);
          st.ndp[is]++;
          st.sdp[is] += dp;
        }
      }
    }
    if (other) this.compare(site, other);
  }

  private updateDvaf(st: StatsSet, site: Site, inp: InputInfo, is: number, ial: number, jal: number): void {
    if (inp.adFmtType !== 'Integer') throw this.fmtTypeError(site, 'AD', inp.adFmtType);
    const sf = this.sf[this.inputs.indexOf(inp)];
    this.ensureScan(site, this.inputs.indexOf(inp), is + 1);
    const s = sf.adS[is];
    if (s < 0) return;
    const n = intList(site.buf, s, sf.adE[is], this.iv);
    if (ial >= n || jal >= n) return;
    const a = this.iv.v[ial], c = this.iv.v[jal];
    if (a !== a || c !== c) return;
    if (!a && !c) return;
    let den = a + c;
    if (this.opts.newer) {
      den = 0;
      for (let i = 0; i < n; i++) if (this.iv.v[i] === this.iv.v[i]) den += this.iv.v[i];
    }
    const dvaf = f32(a / den);
    let len = site.vn[ial];
    if (len < -M_INDEL) len = -M_INDEL;
    else if (len > M_INDEL) len = M_INDEL;
    const bin = M_INDEL + len;
    st.nvaf[bin]++;
    st.dvaf[bin] += dvaf;
  }

  /** newer bcftools: VAF (AD of the allele / total AD) of each ALT allele of a genotype, binned by 0.05 */
  private vafHistogram(st: StatsSet, site: Site, inp: InputInfo, idx: number, gc: Int8Array, ga: Int32Array, gb: Int32Array): void {
    if (inp.adFmtType !== 'Integer') throw this.fmtTypeError(site, 'AD', inp.adFmtType);
    const sf = this.sf[idx];
    const vt = site.vtype;
    const nS = this.opts.nSmpl;
    for (let is = 0; is < nS; is++) {
      const gt = gc[is];
      if (gt === GT_HOM_RR || gt === GT_UNKN || gt === GT_HAPL_R) continue;
      const s = sf.adS[is];
      if (s < 0) continue;
      const n = intList(site.buf, s, sf.adE[is], this.iv);
      const v = this.iv.v;
      let sum = 0;
      for (let i = 0; i < n; i++) if (v[i] === v[i]) sum += v[i];
      if (!sum) continue;
      for (let k = 0; k < 2; k++) {
        const al = k === 0 ? ga[is] : gb[is];
        if (al <= 0 || (k === 1 && al === ga[is]) || al >= n) continue;
        const x = v[al];
        if (x !== x || !x) continue;
        const bin = Math.trunc(f32(x / sum) * 20 + 0.5);
        if (vt[al] & VT_SNP) st.vafSnv[is * VAF_BINS + bin]++;
        else if (vt[al] & VT_INDEL) st.vafIndel[is * VAF_BINS + bin]++;
      }
    }
  }

  /** two-file mode: genotype concordance of a matched pair (first ALT allele's AF bin) */
  private compare(a: Site, b: Site): void {
    const inA = this.inputs[0], inB = this.inputs[1];
    const sfA = this.sf[0], sfB = this.sf[1];
    sfA.keys(a);
    sfB.keys(b);
    if (sfA.gi < 0 || sfB.gi < 0) return;
    if (this.nTmpIaf <= 1) return;
    this.genotypes(a, inA, 0);
    this.genotypes(b, inB, 1);
    const iaf = this.tmpIaf[1];
    const snp = (a.lineType & VT_SNP) !== 0;
    const afStats = snp ? this.afGtsSnps : this.afGtsIndels;
    const smplStats = snp ? this.smplGtsSnps : this.smplGtsIndels;
    const g0 = this.curGc[0], g1 = this.curGc[1];
    const af = afStats[iaf];
    for (let is = 0; is < this.opts.nSmpl; is++) {
      const gt0 = g0[is], gt1 = g1[is];
      const cell = TYPE2STATS[gt0] * 5 + TYPE2STATS[gt1];
      af.gt2gt[cell]++;
      const sm = smplStats[is];
      sm.gt2gt[cell]++;
      if (gt0 === GT_UNKN || gt1 === GT_UNKN) continue;
      if (TYPE2PLOIDY[gt0] * TYPE2PLOIDY[gt1] === -1) continue;
      const y = TYPE2DOSAGE[gt0];
      const x = TYPE2DOSAGE[gt1];
      sm.yx += y * x; sm.x += x; sm.xx += x * x; sm.y += y; sm.yy += y * y; sm.n += 1;
      af.yx += y * x; af.x += x; af.xx += x * x; af.y += y; af.yy += y * y; af.n += 1;
    }
  }
}
