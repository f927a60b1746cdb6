/**
 * The sample–variant–gene neighbourhood of one node of the store graph (graph.ts), as nodes and
 * edges for a picture: a variant with its carriers and genes; a gene with its variants (most severe
 * impact first) and their carriers; a sample with the variants it carries (most severe first) and
 * their genes. The graph is opened read-only for the call and closed after it.
 */
import { VcfError } from '../vcf/errors.js';
import { openGraphReadOnly } from './graph.js';
import { resolveWorkspace } from './workspace.js';

export type NodeKind = 'sample' | 'variant' | 'gene';

export interface GraphNode {
  /** unique over the picture: `${kind}:${name}` */
  id: string;
  kind: NodeKind;
  label: string;
  /** hops from the centre (0, 1 or 2) */
  depth: number;
  props: Record<string, unknown>;
}

export interface GraphEdge {
  source: string;
  target: string;
  kind: 'CARRIES' | 'IN_GENE';
  props: Record<string, unknown>;
}

export interface Neighbourhood {
  center: { kind: NodeKind; name: string; id: string };
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** the centre's neighbours in full, before the limit (variants of a gene or sample, carriers of a variant) */
  neighbours: number;
  /** true when `neighbours` exceeds the limit: the picture shows the most severe `limit` of them */
  truncated: boolean;
  limit: number;
}

function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const SEVERITY = "CASE v.impact WHEN 'HIGH' THEN 0 WHEN 'MODERATE' THEN 1 WHEN 'LOW' THEN 2 WHEN 'MODIFIER' THEN 3 ELSE 4 END";

type Row = Record<string, unknown>;
const plainNum = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
function plain(r: Row): Row {
  const o: Row = {};
  for (const [k, v] of Object.entries(r)) o[k] = plainNum(v);
  return o;
}

/**
 * The neighbourhood of `name` (a variant key CHROM:POS:REF:ALT, a gene symbol or a sample name).
 * `limit` bounds the centre's neighbours shown (default 40, at most 500); second-hop nodes are those
 * linked to the shown neighbours. Throws STORE_NOT_IN_GRAPH when the node is unknown.
 */
export async function neighbourhood(db: string | undefined, kind: NodeKind, name: string, limit = 40): Promise<Neighbourhood> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new VcfError('USAGE', `limit must be a whole number from 1 to 500, got ${limit}`, {}, 'usage');
  const g = openGraphReadOnly(resolveWorkspace(db));
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const edgeSeen = new Set<string>();
  const node = (k: NodeKind, n: string, depth: number, props: Row = {}): string => {
    const id = `${k}:${n}`;
    const cur = nodes.get(id);
    if (!cur) nodes.set(id, { id, kind: k, label: n, depth, props });
    else if (depth < cur.depth) cur.depth = depth;
    return id;
  };
  const edge = (source: string, target: string, k: GraphEdge['kind'], props: Row): void => {
    const key = `${source}|${target}|${k}`;
    if (edgeSeen.has(key)) return;
    edgeSeen.add(key);
    edges.push({ source, target, kind: k, props });
  };
  const vprops = (r: Row): Row => ({ chrom: r.chrom, pos: r.pos, ref: r.ref, alt: r.alt, vtype: r.vtype, impact: r.impact, gene: r.gene, clnsig: r.clnsig, af: r.af });
  const q = async (cypher: string): Promise<Row[]> => {
    try {
      return (await g.query(cypher)).map(plain);
    } catch (e) {
      throw new VcfError('GRAPH_QUERY', (e as Error).message.split('\n')[0], { file: 'cypher' });
    }
  };
  const V = 'v.key AS key, v.chrom AS chrom, v.pos AS pos, v.ref AS ref, v.alt AS alt, v.vtype AS vtype, v.impact AS impact, v.gene AS gene, v.clnsig AS clnsig, v.af AS af';
  try {
    let neighbours = 0;
    let centerId: string;
    if (kind === 'variant') {
      const [v] = await q(`MATCH (v:Variant {key: ${lit(name)}}) RETURN ${V}`);
      if (!v) throw new VcfError('STORE_NOT_IN_GRAPH', `no variant ${name} in the graph`, {}, 'usage');
      centerId = node('variant', name, 0, vprops(v));
      neighbours = Number((await q(`MATCH (s:Sample)-[:CARRIES]->(v:Variant {key: ${lit(name)}}) RETURN count(*) AS n`))[0]?.n ?? 0);
      for (const r of await q(`MATCH (s:Sample)-[c:CARRIES]->(v:Variant {key: ${lit(name)}}) RETURN s.name AS sample, c.gt AS gt, c.zygosity AS zygosity, c.dp AS dp, c.gq AS gq ORDER BY sample LIMIT ${limit}`)) {
        edge(node('sample', r.sample as string, 1), centerId, 'CARRIES', { gt: r.gt, zygosity: r.zygosity, dp: r.dp, gq: r.gq });
      }
      for (const r of await q(`MATCH (v:Variant {key: ${lit(name)}})-[e:IN_GENE]->(x:Gene) RETURN x.name AS gene, e.consequence AS consequence, e.impact AS impact, e.hgvs_p AS hgvs_p ORDER BY gene`)) {
        edge(centerId, node('gene', r.gene as string, 1), 'IN_GENE', { consequence: r.consequence, impact: r.impact, hgvs_p: r.hgvs_p });
      }
    } else if (kind === 'gene') {
      const [x] = await q(`MATCH (x:Gene {name: ${lit(name)}}) RETURN x.name AS name`);
      if (!x) throw new VcfError('STORE_NOT_IN_GRAPH', `no gene ${name} in the graph`, {}, 'usage');
      centerId = node('gene', name, 0);
      neighbours = Number((await q(`MATCH (v:Variant)-[:IN_GENE]->(x:Gene {name: ${lit(name)}}) RETURN count(*) AS n`))[0]?.n ?? 0);
      const vs = await q(`MATCH (v:Variant)-[e:IN_GENE]->(x:Gene {name: ${lit(name)}}) RETURN ${V}, e.consequence AS consequence, e.impact AS gimpact ORDER BY ${SEVERITY}, v.chrom, v.pos, v.key LIMIT ${limit}`);
      for (const r of vs) edge(node('variant', r.key as string, 1, vprops(r)), centerId, 'IN_GENE', { consequence: r.consequence, impact: r.gimpact });
      if (vs.length) {
        const keys = vs.map((r) => lit(r.key as string)).join(', ');
        for (const r of await q(`MATCH (s:Sample)-[c:CARRIES]->(v:Variant) WHERE v.key IN [${keys}] RETURN s.name AS sample, v.key AS key, c.gt AS gt, c.zygosity AS zygosity, c.dp AS dp ORDER BY sample, key`)) {
          edge(node('sample', r.sample as string, 2), `variant:${r.key as string}`, 'CARRIES', { gt: r.gt, zygosity: r.zygosity, dp: r.dp });
        }
      }
    } else {
      const [s] = await q(`MATCH (s:Sample {name: ${lit(name)}}) RETURN s.name AS name`);
      if (!s) throw new VcfError('STORE_NOT_IN_GRAPH', `no sample ${name} in the graph`, {}, 'usage');
      centerId = node('sample', name, 0);
      neighbours = Number((await q(`MATCH (s:Sample {name: ${lit(name)}})-[:CARRIES]->(v:Variant) RETURN count(*) AS n`))[0]?.n ?? 0);
      const vs = await q(`MATCH (s:Sample {name: ${lit(name)}})-[c:CARRIES]->(v:Variant) RETURN ${V}, c.gt AS gt, c.zygosity AS zygosity, c.dp AS dp ORDER BY ${SEVERITY}, v.chrom, v.pos, v.key LIMIT ${limit}`);
      for (const r of vs) edge(centerId, node('variant', r.key as string, 1, vprops(r)), 'CARRIES', { gt: r.gt, zygosity: r.zygosity, dp: r.dp });
      if (vs.length) {
        const keys = vs.map((r) => lit(r.key as string)).join(', ');
        for (const r of await q(`MATCH (v:Variant)-[e:IN_GENE]->(x:Gene) WHERE v.key IN [${keys}] RETURN v.key AS key, x.name AS gene, e.consequence AS consequence, e.impact AS impact ORDER BY key, gene`)) {
          edge(`variant:${r.key as string}`, node('gene', r.gene as string, 2), 'IN_GENE', { consequence: r.consequence, impact: r.impact });
        }
      }
    }
    return { center: { kind, name, id: centerId }, nodes: [...nodes.values()], edges, neighbours, truncated: neighbours > limit, limit };
  } finally {
    await g.close();
  }
}
