/**
 * The server's in-memory copy of the visible rows of the `vectors` table (vectors.ts), for
 * `similar` (similar.ts): key, file_id, feature_version, the hit columns, the feature vectors as
 * one flat Float32Array and the carrier sketches stored once per distinct sketch, with a position
 * index per chromosome to find a key's rows. With it `similar` asks LanceDB only for the ANN search
 * itself, returning keys and file ids (the query variant's vectors and each candidate's columns and
 * vectors come from memory).
 *
 * Why: on the 1M-record bench trio a `similar` request cost ~16 ms of CPU, of which the query
 * vector lookup (a `key =` query) was ~3 ms and reading the candidates' vectors and columns ~4 ms;
 * `similar` was 1/6 of the load bench's requests and ~85% of the server's CPU. Memory: ~870 B a
 * row (208 float32 of the feature vector; a trio's rows share 8 carrier sketches), 870 MiB of
 * arrays for the 1M trio, loaded in ~15 s.
 *
 * Same rules as the variant read model (store/read-model.ts): only for shared read handles (the
 * long-running server), tied to the visible-files filter (a committed file's rows never change;
 * pending rows are invisible), dropped and rebuilt in the background when a commit changes that
 * filter, same row cap, off with VCF_AGENT_READ_MODEL=0. Until it is ready, and for any hit it
 * does not hold, `similar` reads LanceDB as before, so answers are the same with or without it
 * (test/similar.test.ts compares them).
 */
import type { Table as LanceTable } from '@lancedb/lancedb';
import type { Vector } from 'apache-arrow';
import { lowerBound, readModelEnabled, readModelMaxRows, VisibleModels } from '../store/read-model.js';
import type { LanceStore } from '../store/tables.js';
import { CARRIER_SKETCH_DIM, FEATURE_DIM } from './features.js';
import { splitKey } from './vectors.js';

type Row = Record<string, unknown>;

const STRING_COLUMNS = ['key', 'chrom', 'gene', 'impact', 'vtype'] as const;
type StringColumn = (typeof STRING_COLUMNS)[number];

export class VectorModel {
  readonly n: number;
  private readonly fv: Float32Array;
  /** carrier sketches, deduplicated (a pure function of the carrier set: a trio has 8 distinct ones): row → sketch id */
  private readonly cvIds: Int32Array;
  private readonly sketches = new VectorSet(CARRIER_SKETCH_DIM);
  private readonly pos: Int32Array;
  private readonly nCarriers: Int32Array;
  private readonly fileIds: Int32Array;
  private readonly versions: Int32Array;
  private readonly af: Float64Array;
  private readonly afNull: Uint8Array;
  /** the key column: UTF-8 bytes and offsets */
  private keyBytes: Buffer;
  private readonly keyOffsets: Int32Array;
  /** the other string columns, dictionary-coded (-1: null) */
  private readonly coded = new Map<Exclude<StringColumn, 'key'>, { codes: Int32Array; dict: string[] }>();
  /** chromosome → its rows sorted by pos */
  private readonly chroms = new Map<string, { rows: Int32Array; pos: Int32Array }>();

  /** while loading: the dictionaries being built, the key bytes so far, each chromosome's rows, rows added */
  private loading?: { codes: Map<string, Map<string, number>>; keyBytes: Buffer; byChrom: Map<number, number[]>; at: number };

  private constructor(n: number) {
    this.n = n;
    this.fv = new Float32Array(n * FEATURE_DIM);
    this.cvIds = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.nCarriers = new Int32Array(n);
    this.fileIds = new Int32Array(n);
    this.versions = new Int32Array(n);
    this.af = new Float64Array(n);
    this.afNull = new Uint8Array(n);
    // values are copied out of the batches: an Arrow column read from IPC is a view of its whole
    // batch's body, so keeping one would keep every column of the batch (the vectors twice)
    const codes = new Map<string, Map<string, number>>();
    for (const c of STRING_COLUMNS) {
      if (c === 'key') continue;
      this.coded.set(c, { codes: new Int32Array(n), dict: [] });
      codes.set(c, new Map());
    }
    this.keyOffsets = new Int32Array(n + 1);
    this.keyBytes = Buffer.alloc(0);
    this.loading = { codes, keyBytes: Buffer.allocUnsafe(Math.max(1024, n * 24)), byChrom: new Map(), at: 0 };
  }

  /** copy one loaded batch's rows (the batch is not kept: each is freed before the next is read) */
  private add(b: { numRows: number; getChild(name: string): Vector | null }): void {
    const L = this.loading!;
    const { codes, byChrom, at } = L;
    let keyBytes = L.keyBytes;
    if (at + b.numRows > this.n) throw new Error(`vector model: more rows read than the ${this.n} counted`);
    const child = (name: string): Vector => {
      const v = b.getChild(name);
      if (!v) throw new Error(`vector model: no column ${name}`);
      return v;
    };
    // keys: their UTF-8 bytes copied as they are (no string per row)
    let i = at;
    for (const d of child('key').data) {
      const offs = d.valueOffsets as Int32Array, vals = d.values as Uint8Array;
      for (let r = 0; r < d.length; r++) {
        const from = offs[d.offset + r], to = offs[d.offset + r + 1];
        const need = this.keyOffsets[i] + to - from;
        if (need > keyBytes.length) {
          const grown = Buffer.allocUnsafe(Math.max(need, keyBytes.length * 2));
          keyBytes.copy(grown, 0, 0, this.keyOffsets[i]);
          keyBytes = grown;
        }
        keyBytes.set(vals.subarray(from, to), this.keyOffsets[i]);
        this.keyOffsets[i + 1] = need;
        i++;
      }
    }
    for (const [c, col] of this.coded) {
      const ids = codes.get(c)!;
      i = at;
      for (const x of child(c) as Iterable<string | null>) {
        let id = -1;
        if (x !== null && x !== undefined) {
          id = ids.get(x) ?? -1;
          if (id < 0) {
            id = col.dict.length;
            col.dict.push(x);
            ids.set(x, id);
          }
        }
        col.codes[i++] = id;
      }
    }
    copyVectors(child('fvec'), FEATURE_DIM, this.fv, at);
    this.sketches.addAll(child('cvec'), this.cvIds, at);
    this.pos.set(child('pos').toArray() as Int32Array, at);
    this.nCarriers.set(child('n_carriers').toArray() as Int32Array, at);
    this.fileIds.set(child('file_id').toArray() as Int32Array, at);
    this.versions.set(child('feature_version').toArray() as Int32Array, at);
    i = at;
    for (const x of child('af') as Iterable<number | null>) {
      if (x === null || x === undefined) this.afNull[i] = 1;
      else this.af[i] = x;
      i++;
    }
    // each chromosome's rows, by its dictionary code
    const chromCodes = this.coded.get('chrom')!.codes;
    for (i = at; i < at + b.numRows; i++) {
      let a = byChrom.get(chromCodes[i]);
      if (!a) byChrom.set(chromCodes[i], (a = []));
      a.push(i);
    }
    L.keyBytes = keyBytes;
    L.at += b.numRows;
  }

  /** the chromosome index, once every batch is in */
  private finish(): void {
    const { keyBytes, byChrom, at } = this.loading!;
    const n = this.n;
    this.loading = undefined;
    this.keyBytes = Buffer.from(keyBytes.subarray(0, this.keyOffsets[n])); // a copy of the used part
    if (at !== n) throw new Error(`vector model: ${at} rows read, ${n} counted`);
    const names = this.coded.get('chrom')!.dict;
    for (const [c, list] of byChrom) {
      const rows = Int32Array.from(list).sort((x, y) => this.pos[x] - this.pos[y] || x - y);
      this.chroms.set(names[c], { rows, pos: Int32Array.from(rows, (r) => this.pos[r]) });
    }
  }

  private str(c: StringColumn, i: number): string | null {
    if (c === 'key') return this.keyBytes.toString('utf8', this.keyOffsets[i], this.keyOffsets[i + 1]);
    const col = this.coded.get(c)!;
    const id = col.codes[i];
    return id < 0 ? null : col.dict[id];
  }

  /** rows at chrom:pos, in storage order */
  rowsAt(chrom: string, pos: number): number[] {
    const c = this.chroms.get(chrom);
    if (!c) return [];
    const out: number[] = [];
    for (let k = lowerBound(c.pos, pos); k < c.pos.length && c.pos[k] === pos; k++) out.push(c.rows[k]);
    return out.sort((a, b) => a - b);
  }

  /** rows of a variant key, in storage order */
  rowsOfKey(key: string): number[] {
    const [chrom, pos] = splitKey(key);
    return this.rowsAt(chrom, Number(pos)).filter((i) => this.str('key', i) === key);
  }

  /** the row of (key, file_id), or -1 */
  find(key: string, fileId: number): number {
    for (const i of this.rowsOfKey(key)) if (this.fileIds[i] === fileId) return i;
    return -1;
  }

  fileIdOf(i: number): number {
    return this.fileIds[i];
  }

  fvec(i: number): Float32Array {
    return this.fv.subarray(i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
  }

  cvec(i: number): Float32Array {
    return this.sketches.get(this.cvIds[i]);
  }

  /** row i with the columns `similar` reads of its query variant */
  queryRow(i: number): Row {
    return { key: this.str('key', i), file_id: this.fileIds[i], fvec: this.fvec(i), cvec: this.cvec(i), feature_version: this.versions[i] };
  }

  /** row i with the columns `similar` reads of a hit */
  hitRow(i: number): Row {
    return {
      key: this.str('key', i), chrom: this.str('chrom', i), pos: this.pos[i], gene: this.str('gene', i), impact: this.str('impact', i),
      vtype: this.str('vtype', i), af: this.afNull[i] ? null : this.af[i], n_carriers: this.nCarriers[i],
      fvec: this.fvec(i), cvec: this.cvec(i), file_id: this.fileIds[i],
    };
  }

  /** Load the visible rows of `vis`, streamed batch by batch; null above the row cap. */
  static async load(table: LanceTable, vis: string): Promise<VectorModel | null> {
    const n = await table.countRows(vis);
    if (n > readModelMaxRows()) return null;
    const cols = [...STRING_COLUMNS, 'pos', 'af', 'n_carriers', 'file_id', 'feature_version', 'fvec', 'cvec'];
    const m = new VectorModel(n);
    // batch by batch: holding every batch until the end doubled the memory at load and left it
    // with the process (measured: 2.3 GB RSS after loading the 1M trio, vs ~1.1 GB)
    for await (const b of table.query().where(vis).select(cols) as AsyncIterable<{ numRows: number; getChild(name: string): Vector | null }>) m.add(b);
    m.finish();
    return m;
  }
}

/** copy a FixedSizeList<Float32> vector's values into `out` from row `at` */
function copyVectors(v: Vector, dim: number, out: Float32Array, at: number): void {
  let row = at;
  for (const d of v.data) {
    const child = d.children[0];
    const vals = (child.values as Float32Array).subarray((child.offset + d.offset * dim), (child.offset + (d.offset + d.length) * dim));
    out.set(vals, row * dim);
    row += d.length;
  }
}

/** distinct vectors of one dimension, each stored once (found by a hash of its bits) */
class VectorSet {
  private readonly list: Float32Array[] = [];
  private readonly byHash = new Map<number, number[]>();
  constructor(readonly dim: number) {}

  get(id: number): Float32Array {
    return this.list[id];
  }

  /** the ids of a FixedSizeList<Float32> vector's rows, into `ids` from row `at` */
  addAll(v: Vector, ids: Int32Array, at: number): void {
    const dim = this.dim;
    let row = at;
    for (const d of v.data) {
      const child = d.children[0];
      const vals = child.values as Float32Array;
      const bits = new Int32Array(vals.buffer, vals.byteOffset, vals.length);
      for (let r = 0; r < d.length; r++) {
        const o = child.offset + (d.offset + r) * dim;
        let h = 0x811c9dc5;
        for (let i = 0; i < dim; i++) h = Math.imul(h ^ bits[o + i], 0x01000193);
        let same = this.byHash.get(h);
        let id = -1;
        for (const c of same ?? []) {
          const x = this.list[c];
          let eq = true;
          for (let i = 0; i < dim && eq; i++) eq = Object.is(x[i], vals[o + i]);
          if (eq) { id = c; break; }
        }
        if (id < 0) {
          id = this.list.length;
          this.list.push(vals.slice(o, o + dim));
          if (!same) this.byHash.set(h, (same = []));
          same.push(id);
        }
        ids[row++] = id;
      }
    }
  }
}

const vectorModels = new VisibleModels<VectorModel>();

/**
 * The vector model of a shared store for the visible filter `vis`: ready → the model; else starts
 * loading it in the background (once per filter) and returns undefined (`similar` reads LanceDB).
 */
export function vectorModel(store: LanceStore, table: LanceTable, vis: string): VectorModel | undefined {
  return readModelEnabled() ? vectorModels.get(store, vis, () => VectorModel.load(table, vis)) : undefined;
}

/** settles when the model being loaded for `store` (if any) is ready or has failed; for tests and benchmarks */
export function vectorModelSettled(store: LanceStore): Promise<boolean> {
  return vectorModels.settled(store);
}

/** 'building' while a model is being loaded for `store`, 'ready' once loaded, else 'none' or 'too-large' */
export function vectorModelState(store: LanceStore): 'none' | 'building' | 'ready' | 'too-large' {
  return vectorModels.state(store);
}
