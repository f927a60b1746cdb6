/**
 * The server's in-memory copy of the visible rows of the `vectors` table (vectors.ts), for
 * `similar` (similar.ts): key, file_id, feature_version, the hit columns, and the feature and
 * carrier vectors as two flat Float32Arrays, with a position index per chromosome to find a key's
 * rows. With it `similar` asks LanceDB only for the ANN search itself, returning keys and file ids
 * (the query variant's vectors and each hit's columns and vectors come from memory).
 *
 * Why: on the 1M-record bench trio a `similar` request cost ~16 ms of CPU, of which the query
 * vector lookup (a `key =` query) was ~3 ms and taking the hits' vectors and columns with the
 * search ~4 ms; it was 1/6 of the load bench's requests and ~85% of the server's CPU. Memory: ~1 KB
 * a row (the vectors are 208 + 40 float32), ~1 GB for the 1M trio.
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
import { readModelEnabled, readModelMaxRows } from '../store/read-model.js';
import type { LanceStore } from '../store/tables.js';
import { CARRIER_SKETCH_DIM, FEATURE_DIM } from './features.js';
import { splitKey } from './vectors.js';

type Row = Record<string, unknown>;

const STRING_COLUMNS = ['key', 'chrom', 'gene', 'impact', 'vtype'] as const;
type StringColumn = (typeof STRING_COLUMNS)[number];

function lowerBound(a: Int32Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

export class VectorModel {
  readonly n: number;
  private readonly fv: Float32Array;
  private readonly cv: Float32Array;
  private readonly pos: Int32Array;
  private readonly nCarriers: Int32Array;
  private readonly fileIds: Int32Array;
  private readonly versions: Int32Array;
  private readonly af: Float64Array;
  private readonly afNull: Uint8Array;
  /** string columns, one Arrow vector per loaded batch; `starts[b]` is batch b's first row */
  private readonly strings = new Map<StringColumn, Vector[]>();
  private readonly starts: Int32Array;
  /** chromosome → its rows sorted by pos */
  private readonly chroms = new Map<string, { rows: Int32Array; pos: Int32Array }>();

  private constructor(n: number, batches: Array<{ numRows: number; getChild(name: string): Vector | null }>) {
    this.n = n;
    this.fv = new Float32Array(n * FEATURE_DIM);
    this.cv = new Float32Array(n * CARRIER_SKETCH_DIM);
    this.pos = new Int32Array(n);
    this.nCarriers = new Int32Array(n);
    this.fileIds = new Int32Array(n);
    this.versions = new Int32Array(n);
    this.af = new Float64Array(n);
    this.afNull = new Uint8Array(n);
    for (const c of STRING_COLUMNS) this.strings.set(c, []);
    this.starts = new Int32Array(batches.length);
    const byChrom = new Map<string, number[]>();
    let at = 0;
    batches.forEach((b, bi) => {
      this.starts[bi] = at;
      const child = (name: string): Vector => {
        const v = b.getChild(name);
        if (!v) throw new Error(`vector model: no column ${name}`);
        return v;
      };
      for (const c of STRING_COLUMNS) this.strings.get(c)!.push(child(c));
      copyVectors(child('fvec'), FEATURE_DIM, this.fv, at);
      copyVectors(child('cvec'), CARRIER_SKETCH_DIM, this.cv, at);
      this.pos.set(child('pos').toArray() as Int32Array, at);
      this.nCarriers.set(child('n_carriers').toArray() as Int32Array, at);
      this.fileIds.set(child('file_id').toArray() as Int32Array, at);
      this.versions.set(child('feature_version').toArray() as Int32Array, at);
      let i = at;
      for (const x of child('af') as Iterable<number | null>) {
        if (x === null || x === undefined) this.afNull[i] = 1;
        else this.af[i] = x;
        i++;
      }
      i = at;
      for (const c of child('chrom') as Iterable<string>) {
        let a = byChrom.get(c);
        if (!a) byChrom.set(c, (a = []));
        a.push(i++);
      }
      at += b.numRows;
    });
    if (at !== n) throw new Error(`vector model: ${at} rows read, ${n} counted`);
    for (const [c, list] of byChrom) {
      const rows = Int32Array.from(list).sort((x, y) => this.pos[x] - this.pos[y] || x - y);
      this.chroms.set(c, { rows, pos: Int32Array.from(rows, (r) => this.pos[r]) });
    }
  }

  private str(c: StringColumn, i: number): string | null {
    let lo = 0, hi = this.starts.length;
    while (hi - lo > 1) { const m = (lo + hi) >>> 1; if (this.starts[m] <= i) lo = m; else hi = m; }
    return (this.strings.get(c)![lo].get(i - this.starts[lo]) as string | null) ?? null;
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
    return this.cv.subarray(i * CARRIER_SKETCH_DIM, (i + 1) * CARRIER_SKETCH_DIM);
  }

  /** row i with the columns `similar` reads of its query variant */
  queryRow(i: number): Row {
    return { key: this.str('key', i), file_id: this.fileIds[i], fvec: this.fvec(i), cvec: this.cvec(i), feature_version: this.versions[i] };
  }

  /** row i with the columns `similar` reads of a hit */
  hitRow(i: number, distance: unknown): Row {
    return {
      key: this.str('key', i), chrom: this.str('chrom', i), pos: this.pos[i], gene: this.str('gene', i), impact: this.str('impact', i),
      vtype: this.str('vtype', i), af: this.afNull[i] ? null : this.af[i], n_carriers: this.nCarriers[i],
      fvec: this.fvec(i), cvec: this.cvec(i), file_id: this.fileIds[i], _distance: distance,
    };
  }

  /** Load the visible rows of `vis`, streamed batch by batch; null above the row cap. */
  static async load(table: LanceTable, vis: string): Promise<VectorModel | null> {
    const n = await table.countRows(vis);
    if (n > readModelMaxRows()) return null;
    const cols = [...STRING_COLUMNS, 'pos', 'af', 'n_carriers', 'file_id', 'feature_version', 'fvec', 'cvec'];
    const batches: Array<{ numRows: number; getChild(name: string): Vector | null }> = [];
    for await (const b of table.query().where(vis).select(cols) as AsyncIterable<{ numRows: number; getChild(name: string): Vector | null }>) batches.push(b);
    return new VectorModel(n, batches);
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

interface Slot { vis: string; model?: VectorModel; tooLarge?: boolean; failedAt?: number; loading?: Promise<void> }
const slots = new WeakMap<LanceStore, Slot>();

/**
 * The vector model of a shared store for the visible filter `vis`: ready → the model; else starts
 * loading it in the background (once per filter) and returns undefined (`similar` reads LanceDB).
 */
export function vectorModel(store: LanceStore, table: LanceTable, vis: string): VectorModel | undefined {
  if (!readModelEnabled()) return undefined;
  const slot = slots.get(store);
  if (slot && slot.vis === vis && (slot.tooLarge || slot.failedAt === undefined || Date.now() - slot.failedAt < 5000)) return slot.model;
  const next: Slot = { vis };
  slots.set(store, next); // the old model (another filter) is dropped here
  next.loading = VectorModel.load(table, vis).then(
    (m) => {
      if (slots.get(store) !== next) return;
      if (m) next.model = m;
      else next.tooLarge = true;
    },
    () => { next.failedAt = Date.now(); }, // tried again 5 s later
  );
  return undefined;
}

/** settles when the model being loaded for `store` (if any) is ready or has failed; for tests and benchmarks */
export async function vectorModelSettled(store: LanceStore): Promise<boolean> {
  const slot = slots.get(store);
  await slot?.loading;
  return !!slot?.model;
}

/** 'building' while a model is being loaded for `store`, 'ready' once loaded, else 'none' */
export function vectorModelState(store: LanceStore): 'none' | 'building' | 'ready' | 'too-large' {
  const slot = slots.get(store);
  if (!slot) return 'none';
  if (slot.model) return 'ready';
  if (slot.tooLarge) return 'too-large';
  return slot.failedAt === undefined ? 'building' : 'none';
}
