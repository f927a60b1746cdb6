/**
 * Parquet export of the store (`export --format parquet`), written by parquet-wasm from Arrow
 * record batches, one row group per batch (bounded memory). PARQUET_LAYOUT is the user-facing
 * description (export --help, README).
 */
import { Bool, Field, Float64, Int32, List, Struct, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { FieldDef, VcfHeader } from '../vcf/header.js';

export const PARQUET_LAYOUT = `Parquet layout: one row per stored split record (bcftools norm -m -any), in file order.
  file_id int32, chrom string, pos int32 (1-based), id, ref, alt string, qual double, filter string
    ('.' is null);
  key, vtype, gene, genes list<string>, consequence, impact, hgvs_c, hgvs_p, clnsig, clnrevstat,
    clndn, ann_source: the store's annotation of the allele;
  info_<TAG> for every INFO tag of the header(s): Flag -> boolean (false when absent); Integer or
    Float with Number=1 or A -> int32 / double; other tags -> string as in the VCF ('1,5');
    absent or '.' -> null;
  info_other string: INFO entries without a column or whose value does not fit its type (TAG=V;..);
  format string: the record's FORMAT keys (GT:AD:DP), null without a FORMAT column;
  samples list<struct<sample string, <FORMAT tag>..., _other string>>: one struct per sample, FORMAT
    tags typed as INFO ones (GT a string), '.' -> null, _other as info_other (TAG=V:..).
  Schema metadata vcf_headers: JSON {file_id: header text}.
  DuckDB: SELECT chrom, pos, s.sample, s.GT FROM (SELECT *, unnest(samples) AS s FROM 'x.parquet');
  pandas: pd.read_parquet('x.parquet') (samples as lists of dicts).`;

type Kind = 'int' | 'float' | 'flag' | 'str';
interface Col { tag: string; kind: Kind }
export interface ParquetLayout { info: Col[]; format: Col[]; headers: Record<number, string>; rowGroupRows: number }

function kindOf(def: FieldDef, isInfo: boolean): Kind {
  if (def.id === 'GT' && !isInfo) return 'str';
  if (def.type === 'Flag') return isInfo ? 'flag' : 'str';
  if (def.number === '1' || def.number === 'A') {
    if (def.type === 'Integer') return 'int';
    if (def.type === 'Float') return 'float';
  }
  return 'str';
}

const RESERVED_SAMPLE_FIELDS = new Set(['sample', '_other']);

/** The columns of the files' headers (a tag typed differently by two headers becomes a string). */
export function parquetLayoutOf(headers: VcfHeader[], fileIds: number[] = [], headerTexts: string[] = []): ParquetLayout {
  const merge = (maps: Array<Map<string, FieldDef>>, isInfo: boolean): Col[] => {
    const kinds = new Map<string, Kind>();
    for (const m of maps) {
      for (const [tag, def] of m) {
        if (!isInfo && RESERVED_SAMPLE_FIELDS.has(tag)) continue;
        const k = kindOf(def, isInfo);
        const had = kinds.get(tag);
        kinds.set(tag, had === undefined || had === k ? k : 'str');
      }
    }
    return [...kinds].map(([tag, kind]) => ({ tag, kind }));
  };
  const texts: Record<number, string> = {};
  fileIds.forEach((id, i) => { texts[id] = headerTexts[i]; });
  // rows per row group: about 50k values (records x samples x FORMAT keys) held in memory at once
  const cellsPerRow = Math.max(1, ...headers.map((h) => 1 + h.samples.length * Math.max(1, h.format.size)));
  const rowGroupRows = Math.max(64, Math.min(4096, Math.floor(50_000 / cellsPerRow)));
  return { info: merge(headers.map((h) => h.info), true), format: merge(headers.map((h) => h.format), false), headers: texts, rowGroupRows };
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_RE = /^[+-]?(nan|inf|infinity)$/i;

/** a typed value, null for missing, undefined when it does not fit the type */
function typed(kind: Kind, v: string): number | string | null | undefined {
  if (v === '.') return null;
  if (kind === 'str') return v;
  if (kind === 'int') {
    if (!INT_RE.test(v)) return undefined;
    const n = Number(v);
    return n >= -2147483648 && n <= 2147483647 ? n : undefined;
  }
  if (FLOAT_RE.test(v)) return Number(v);
  if (SPECIAL_RE.test(v)) return /nan/i.test(v) ? NaN : v.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

function arrowType(kind: Kind): DataType {
  return kind === 'int' ? new Int32() : kind === 'float' ? new Float64() : kind === 'flag' ? new Bool() : new Utf8();
}

const ANN: Array<[string, DataType]> = [
  ['key', new Utf8()], ['vtype', new Utf8()], ['gene', new Utf8()], ['genes', new List(new Field('item', new Utf8(), true))],
  ['consequence', new Utf8()], ['impact', new Utf8()], ['hgvs_c', new Utf8()], ['hgvs_p', new Utf8()],
  ['clnsig', new Utf8()], ['clnrevstat', new Utf8()], ['clndn', new Utf8()], ['ann_source', new Utf8()],
];

const FIXED: Array<[string, DataType]> = [
  ['file_id', new Int32()], ['chrom', new Utf8()], ['pos', new Int32()], ['id', new Utf8()], ['ref', new Utf8()],
  ['alt', new Utf8()], ['qual', new Float64()], ['filter', new Utf8()],
];

const nul = (s: string | undefined): string | null => (s === undefined || s === '.' ? null : s);
const latin1ToUtf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** Rows → Arrow batches → Parquet bytes. */
export class ParquetSink {
  private readonly layout: ParquetLayout;
  private readonly infoIdx = new Map<string, number>();
  private readonly fmtIdx = new Map<string, number>();
  private readonly fields: Field[];
  private readonly sampleStruct: Struct;
  private cols: unknown[][] = [];
  private rows = 0;
  private readonly rowGroupRows: number;
  private writer?: { push: (t: Table) => Promise<void>; close: () => Promise<void> };
  private readonly writeBytes: (b: Uint8Array) => Promise<void> | void;

  constructor(layout: ParquetLayout, writeBytes: (b: Uint8Array) => Promise<void> | void, rowGroupRows?: number) {
    this.layout = layout;
    this.writeBytes = writeBytes;
    this.rowGroupRows = rowGroupRows ?? layout.rowGroupRows;
    layout.info.forEach((c, i) => this.infoIdx.set(c.tag, i));
    layout.format.forEach((c, i) => this.fmtIdx.set(c.tag, i));
    this.sampleStruct = new Struct([
      new Field('sample', new Utf8(), false),
      ...layout.format.map((c) => new Field(c.tag, arrowType(c.kind), true)),
      new Field('_other', new Utf8(), true),
    ]);
    this.fields = [
      ...FIXED.map(([n, t]) => new Field(n, t, n !== 'id' && n !== 'qual' && n !== 'filter')),
      ...ANN.map(([n, t]) => new Field(n, t, true)),
      ...layout.info.map((c) => new Field(`info_${c.tag}`, arrowType(c.kind), c.kind !== 'flag')),
      new Field('info_other', new Utf8(), true),
      new Field('format', new Utf8(), true),
      new Field('samples', new List(new Field('item', this.sampleStruct, true)), true),
    ];
    this.reset();
  }

  private reset(): void {
    this.cols = this.fields.map(() => []);
    this.rows = 0;
  }

  /** one split record (latin1 line as RecordRebuilder.lineOf gives it) with its stored row */
  async add(line: string, fileId: number, samples: string[], row: Record<string, unknown>): Promise<void> {
    const c = latin1ToUtf8(line).split('\t');
    const out: unknown[] = [];
    out.push(fileId, c[0], Number(c[1]), nul(c[2]), c[3], c[4], c[5] === '.' || c[5] === undefined ? null : (typed('float', c[5]) ?? null), nul(c[6]));
    for (const [n] of ANN) {
      const v = row[n];
      out.push(v === undefined ? null : v !== null && typeof v === 'object' && 'toArray' in (v as object) ? [...(v as Iterable<unknown>)] : v);
    }
    const info: unknown[] = this.layout.info.map((col) => (col.kind === 'flag' ? false : null));
    const other: string[] = [];
    if (c[7] && c[7] !== '.') {
      for (const kv of c[7].split(';')) {
        if (!kv) continue;
        const eq = kv.indexOf('=');
        const tag = eq < 0 ? kv : kv.slice(0, eq);
        const i = this.infoIdx.get(tag);
        const col = i === undefined ? undefined : this.layout.info[i];
        let v: unknown;
        if (col && (col.kind === 'flag' ? eq < 0 && info[i!] === false : info[i!] === null && eq >= 0)) v = col.kind === 'flag' ? true : typed(col.kind, kv.slice(eq + 1));
        if (v === undefined) other.push(kv);
        else info[i!] = v;
      }
    }
    out.push(...info, other.length ? other.join(';') : null);
    if (c.length > 8) {
      const fmt = c[8].split(':');
      const list = samples.map((s, k) => {
        const vals = (c[9 + k] ?? '.').split(':');
        // every field set (a key left undefined would be written as 0 by the struct builder)
        const o: Record<string, unknown> = { sample: s, _other: null };
        for (const c of this.layout.format) o[c.tag] = null;
        const seen = new Set<string>();
        const rest: string[] = [];
        fmt.forEach((tag, j) => {
          const val = vals[j];
          if (val === undefined) return;
          const i = this.fmtIdx.get(tag);
          const v = i === undefined || seen.has(tag) ? undefined : typed(this.layout.format[i].kind, val);
          seen.add(tag);
          if (v === undefined) rest.push(`${tag}=${val}`);
          else o[tag] = v;
        });
        if (rest.length) o._other = rest.join(':');
        return o;
      });
      out.push(c[8], list);
    } else out.push(null, null);
    out.forEach((v, i) => this.cols[i].push(v));
    this.rows++;
    if (this.rows >= this.rowGroupRows) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.rows && this.writer) return;
    const vecs: Record<string, Vector> = {};
    this.fields.forEach((f, i) => { vecs[f.name] = vectorFromArray(this.cols[i] as never[], f.type) as unknown as Vector; });
    const t = new Table(vecs);
    t.schema.metadata.set('vcf_headers', JSON.stringify(this.layout.headers));
    t.schema.metadata.set('vcf_agent_layout', 'one row per split record (bcftools norm -m -any); see vcf-agent export --help');
    this.reset();
    if (!this.writer) this.writer = await this.openWriter();
    await this.writer.push(t);
  }

  private async openWriter(): Promise<{ push: (t: Table) => Promise<void>; close: () => Promise<void> }> {
    const pw = await import('parquet-wasm');
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setMaxRowGroupSize(this.rowGroupRows).build();
    // pull-based: the writer asks for the next batch; push() resolves when it has been taken
    const queue: Array<{ t: Table | null; taken: () => void }> = [];
    let wake: (() => void) | undefined;
    const source = new ReadableStream({
      async pull(ctrl) {
        while (!queue.length) await new Promise<void>((r) => { wake = r; });
        const item = queue.shift()!;
        if (item.t === null) ctrl.close();
        else for (const b of pw.Table.fromIPCStream(tableToIPC(item.t, 'stream')).recordBatches()) ctrl.enqueue(b);
        item.taken();
      },
    }, { highWaterMark: 0 });
    // transformParquetStream pulls the first batches before it resolves: not awaited here
    const pump = (async () => {
      const reader = (await pw.transformParquetStream(source, props)).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        await this.writeBytes(value as Uint8Array);
      }
    })();
    pump.catch(() => undefined);
    const send = (t: Table | null): Promise<void> => new Promise<void>((taken) => { queue.push({ t, taken }); wake?.(); wake = undefined; });
    return {
      push: async (t) => { await Promise.race([send(t), pump]); },
      close: async () => { await send(null); await pump; },
    };
  }

  /** write the last row group and the footer (a store without rows gives a file without rows) */
  async finish(): Promise<void> {
    if (this.rows || !this.writer) await this.flush();
    await this.writer!.close();
  }
}
