/**
 * The capabilities of vcf-agent: one entry per thing a user can ask for, with the zod schema of its
 * input, whether it writes, the `vcf-agent` command line that computes the same result, and `run`,
 * which calls the one core function behind it (loaded on use: the store's native modules load only
 * when a store capability runs). The CLI, the agent's tools (src/agent/tools.ts) and the HTTP
 * routes share this list; none of them holds domain logic of its own.
 *
 * Paths given to `run` must already be checked by the caller (the agent confines them to allowed
 * directories, see src/agent/guards.ts).
 */
import * as fs from 'node:fs';
import { z } from 'zod';

export type Row = Record<string, unknown>;

/** What a capability returns: rows (the part that can be long) plus small typed facts. */
export interface CapabilityResult {
  /** the number of rows (records, variants, samples, ...) the result describes in full */
  rowCount: number;
  /** the rows; may be truncated by the caller, never by the capability */
  rows: Row[];
  /** counts and small facts that are kept whole */
  facts: Row;
}

export interface CapabilityContext {
  /** workspace directory (--db) */
  db?: string;
}

export interface Capability<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: S;
  /** true: changes the workspace (the agent needs --allow-write) */
  write: boolean;
  /** which input fields are file paths (checked against the allowed directories) */
  paths: (input: z.infer<S>) => string[];
  /** equivalent `vcf-agent` command lines (argv after the program name), one per core call */
  commands: (input: z.infer<S>, ctx: CapabilityContext) => string[][];
  run: (input: z.infer<S>, ctx: CapabilityContext) => Promise<CapabilityResult>;
}

const dbArgs = (ctx: CapabilityContext): string[] => (ctx.db ? ['--db', ctx.db] : []);

/** a Cypher string literal */
export function cypherString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const file = z.string().min(1).describe('path of a VCF file (plain, gzip, BGZF, bzip2) inside an allowed directory');

// ---- workspace overview ------------------------------------------------------------------------

export const workspaceOverview: Capability<z.ZodObject<Record<string, never>>> = {
  name: 'workspace_overview',
  description: 'What the workspace (store) holds: ingested files, row counts (variants, genotypes, samples), distinct samples, graph counts.',
  input: z.object({}),
  write: false,
  paths: () => [],
  commands: (_i, ctx) => [['db', 'info', ...dbArgs(ctx)]],
  async run(_i, ctx) {
    const q = await import('./store/query.js');
    const { resolveWorkspace } = await import('./store/workspace.js');
    const store = await q.openForRead(ctx.db);
    try {
      const info = await q.dbInfo(store, resolveWorkspace(ctx.db));
      return {
        rowCount: info.files.length,
        rows: info.files as unknown as Row[],
        facts: { workspace: info.workspace, rows: info.rows, distinctSamples: info.distinctSamples, graph: info.graph },
      };
    } finally {
      store.close();
    }
  },
};

// ---- validate ----------------------------------------------------------------------------------

const validateInput = z.object({
  file,
  max_errors: z.number().int().min(0).max(1000).optional().describe('problems listed (default 100; counts cover the whole file)'),
});
export const validate: Capability<typeof validateInput> = {
  name: 'validate',
  description: 'Check a VCF file against the specification: validity, record count, errors and warnings with stable rule ids and line numbers.',
  input: validateInput,
  write: false,
  paths: (i) => [i.file],
  commands: (i) => [['validate', '--format', 'json', ...(i.max_errors !== undefined ? ['--max-errors', String(i.max_errors)] : []), i.file]],
  async run(i) {
    const { validateFile } = await import('./vcf/validate.js');
    const r = await validateFile(i.file, { maxErrors: i.max_errors ?? 100 });
    return {
      rowCount: r.issues.length,
      rows: r.issues as unknown as Row[],
      facts: { file: r.file, valid: r.valid && r.errors === 0, records: r.records, errors: r.errors, warnings: r.warnings, fileformat: r.fileformat, truncated: r.truncated },
    };
  },
};

// ---- header ------------------------------------------------------------------------------------

const headerInput = z.object({ file });
export const fileHeader: Capability<typeof headerInput> = {
  name: 'file_header',
  description: 'The header of a VCF file: samples, contigs, INFO and FORMAT fields (id, Number, Type, Description; what -i/-e expressions and query formats can use), FILTER ids and other meta lines.',
  input: headerInput,
  write: false,
  paths: (i) => [i.file],
  commands: (i) => [['view', '-h', i.file]],
  async run(i) {
    const { VcfReader } = await import('./vcf/reader.js');
    const r = await VcfReader.open(i.file);
    try {
      const h = r.header;
      const field = (d: { id: string; number: string; type: string; description: string }): Row => ({ id: d.id, number: d.number, type: d.type, description: d.description });
      const known = new Set(['INFO', 'FORMAT', 'FILTER', 'contig', 'fileformat']);
      const other = h.lines.filter((l) => !known.has(l.key)).map((l) => ({ line: l.raw }));
      return {
        rowCount: other.length,
        rows: other,
        facts: {
          fileformat: h.fileformat,
          samples: h.samples.length,
          sample_names: h.samples.slice(0, 200),
          contigs: h.contigs.size,
          info: [...h.info.values()].map(field),
          format: [...h.format.values()].map(field),
          filter: [...h.filter.keys()],
        },
      };
    } finally {
      await r.close();
    }
  },
};

// ---- stats -------------------------------------------------------------------------------------

const statsInput = z.object({
  file,
  samples: z.string().optional().describe('per-sample sections: comma-separated samples, or "-" for all'),
  include: z.string().optional().describe('bcftools -i expression selecting sites, e.g. QUAL>30'),
  exclude: z.string().optional().describe('bcftools -e expression excluding sites'),
  regions: z.string().optional().describe('bcftools -r regions (needs a .tbi/.csi index), e.g. chr1:1000-2000'),
});
export const stats: Capability<typeof statsInput> = {
  name: 'stats',
  description: 'bcftools stats numbers of a VCF file: SN (records, SNPs, indels, multiallelic), TSTV, ST (substitution types), and with samples PSC (per-sample hom/het/missing counts).',
  input: statsInput,
  write: false,
  paths: (i) => [i.file],
  commands: (i) => [['stats', ...(i.samples ? ['-s', i.samples] : []), ...(i.include ? ['-i', i.include] : []), ...(i.exclude ? ['-e', i.exclude] : []), ...(i.regions ? ['-r', i.regions] : []), i.file]],
  async run(i) {
    const { bcfStats } = await import('./stats/bcfstats.js');
    const r = await bcfStats({ files: [i.file], samples: i.samples, include: i.include, exclude: i.exclude, regions: i.regions, commandLine: 'vcf-agent (agent)' });
    const sn = r.SN[0];
    return {
      rowCount: r.PSC.length,
      rows: r.PSC as unknown as Row[],
      facts: { SN: sn, TSTV: r.TSTV[0], ST: r.ST, warnings: r.warnings },
    };
  },
};

// ---- query variants ----------------------------------------------------------------------------

/** bcftools query -f format (escapes \\t and \\n as a user types them; bcftools and query() expand them) */
export const DEFAULT_QUERY_FORMAT = '%CHROM\\t%POS\\t%ID\\t%REF\\t%ALT\\t%QUAL\\t%FILTER\\n';

/** a format as a shell user types it: control characters as escapes */
const typedFormat = (f: string): string => f.replace(/\t/g, '\\t').replace(/\n/g, '\\n');

const queryInput = z.object({
  file: file.optional().describe('query this VCF file with bcftools semantics; omit to query the workspace store'),
  region: z.string().optional().describe('CHR, CHR:POS or CHR:BEG-END (1-based)'),
  gene: z.string().optional().describe('store only: variants annotated in this gene'),
  sample: z.string().optional().describe('store: variants this sample carries; file: restrict [..] blocks to these comma-separated samples'),
  include: z.string().optional().describe('bcftools -i expression, e.g. INFO/AF<0.01 (store: evaluated on each split record; file: also FORMAT/GT="alt")'),
  exclude: z.string().optional().describe('bcftools -e expression'),
  format: z.string().optional().describe(`file only: bcftools query -f format (default "${DEFAULT_QUERY_FORMAT}")`),
  limit: z.number().int().min(1).optional().describe('rows returned (default all); the row count is always the full count'),
  offset: z.number().int().min(0).optional().describe('leave out the first N rows (paging; default 0)'),
});
export type QueryVariantsInput = z.infer<typeof queryInput>;

function hasIndex(f: string): boolean {
  return fs.existsSync(`${f}.tbi`) || fs.existsSync(`${f}.csi`);
}

export const queryVariants: Capability<typeof queryInput> = {
  name: 'query_variants',
  description: 'List variants. With `file`: bcftools query over that VCF (region, -i/-e expression, format). Without `file`: the workspace store (one row per ALT allele with gene, consequence, impact, HGVS, AF, ClinVar CLNSIG), by region, gene, sample and -i/-e expression. The row count is always the full count.',
  input: queryInput,
  write: false,
  paths: (i) => (i.file ? [i.file] : []),
  commands(i, ctx) {
    if (!i.file) return [['variants', ...dbArgs(ctx), ...(i.region ? ['-r', i.region] : []), ...(i.include ? ['-i', i.include] : []), ...(i.exclude ? ['-e', i.exclude] : []), ...(i.gene ? ['--gene', i.gene] : []), ...(i.sample ? ['--sample', i.sample] : []), '--format', 'json']]; // every row: what rowCount counts (limit/offset only page)
    // -r needs an index; without one the region is streamed (-t), as the run does
    const regionFlag = i.region ? [hasIndex(i.file) ? '-r' : '-t', i.region] : [];
    return [['query', '-f', typedFormat(i.format ?? DEFAULT_QUERY_FORMAT), ...(i.include ? ['-i', i.include] : []), ...(i.exclude ? ['-e', i.exclude] : []), ...(i.sample ? ['-s', i.sample] : []), ...regionFlag, i.file]];
  },
  async run(i, ctx) {
    if (i.file) {
      if (i.gene) throw new (await import('./vcf/errors.js')).VcfError('USAGE', 'gene is a store filter: omit file to query the store, or use an include expression on the file', {}, 'usage');
      const { query } = await import('./expr/query.js');
      const indexed = hasIndex(i.file);
      const lines: string[] = [];
      const from = i.offset ?? 0;
      const to = i.limit !== undefined ? from + i.limit : Infinity;
      let seen = 0;
      /** only the page's lines are kept */
      const push = (l: string): void => {
        if (seen >= from && seen < to) lines.push(l);
        seen++;
      };
      let tail = '';
      const res = await query({
        input: i.file,
        format: i.format ?? DEFAULT_QUERY_FORMAT,
        include: i.include,
        exclude: i.exclude,
        samples: i.sample,
        regions: i.region && indexed ? i.region : undefined,
        targets: i.region && !indexed ? i.region : undefined,
      }, {
        write(b: Buffer) {
          const parts = (tail + b.toString('utf8')).split('\n');
          tail = parts.pop() ?? '';
          for (const l of parts) push(l);
        },
        async close() {
          if (tail) push(tail);
        },
      });
      return { rowCount: res.printed, rows: lines.map((line) => ({ line })), facts: { records_read: res.records, records_printed: res.printed, warnings: res.warnings } };
    }
    const q = await import('./store/query.js');
    const store = await q.openForRead(ctx.db);
    try {
      const { rows, total } = await q.queryVariants(store, { region: i.region, gene: i.gene, sample: i.sample, include: i.include, exclude: i.exclude, limit: i.limit, offset: i.offset, count: true });
      return { rowCount: total ?? rows.length, rows, facts: { offset: i.offset ?? 0, rows_returned: rows.length } };
    } finally {
      store.close();
    }
  },
};

// ---- variant detail ----------------------------------------------------------------------------

const variantInput = z.object({ key: z.string().regex(/^[^:\s]+:\d+:[^:\s]+:[^:\s]+$/, 'a variant key CHROM:POS:REF:ALT').describe('variant key CHROM:POS:REF:ALT (one ALT allele)') });

export const variantDetail: Capability<typeof variantInput> = {
  name: 'variant_detail',
  description: 'One variant of the store by key CHROM:POS:REF:ALT: its annotation (gene, consequence, impact, HGVS, AF, ClinVar CLNSIG, per file) and the samples carrying it with their genotypes.',
  input: variantInput,
  write: false,
  paths: () => [],
  commands(i, ctx) {
    const [chrom, pos] = i.key.split(':');
    return [
      ['variants', ...dbArgs(ctx), '-r', `${chrom}:${pos}-${pos}`, '--format', 'json'],
      ['graph', ...dbArgs(ctx), `MATCH (s:Sample)-[c:CARRIES]->(v:Variant {key: ${cypherString(i.key)}}) RETURN s.name AS sample, c.gt AS gt, c.zygosity AS zygosity`],
    ];
  },
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const store = await q.openForRead(ctx.db);
    try {
      const [chrom, pos] = i.key.split(':');
      const { rows } = await q.queryVariants(store, { region: `${chrom}:${pos}-${pos}` });
      const records = rows.filter((r) => r.key === i.key);
      const calls = await q.carriers(store, i.key);
      return { rowCount: calls.length, rows: calls, facts: { key: i.key, found: records.length > 0, records, carriers: calls.length } };
    } finally {
      store.close();
    }
  },
};

// ---- sample and gene summaries (store/query.ts sampleInfo, geneInfo) ---------------------------

const sampleInput = z.object({ sample: z.string().min(1).describe('sample name as in the VCF header') });

export const sampleSummary: Capability<typeof sampleInput> = {
  name: 'sample_summary',
  description: 'One sample of the store: its files, stored calls by zygosity, distinct non-reference variants (the row count), calls by impact, top genes, calls by ClinVar significance.',
  input: sampleInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['sample', i.sample, ...dbArgs(ctx)]],
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const store = await q.openForRead(ctx.db);
    try {
      const { topGenes, ...info } = await q.sampleInfo(store, i.sample);
      return { rowCount: info.variants, rows: topGenes, facts: info as unknown as Row };
    } finally {
      store.close();
    }
  },
};

const geneInput = z.object({ gene: z.string().min(1).describe('gene symbol as annotated, e.g. BRCA2') });

/** carriers listed in full up to this many (the count is always whole) */
const MAX_CARRIERS = 100;

export const geneSummary: Capability<typeof geneInput> = {
  name: 'gene_summary',
  description: 'One gene in the store: its variant rows (the row count) with the annotation in this gene, counts by impact, consequence and ClinVar significance, and the samples carrying them.',
  input: geneInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['gene', i.gene, ...dbArgs(ctx)]],
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const store = await q.openForRead(ctx.db);
    try {
      const { list, carriers, ...info } = await q.geneInfo(store, i.gene);
      return {
        rowCount: info.rows,
        rows: list,
        facts: { ...info, carrier_samples: carriers.length, carriers: carriers.slice(0, MAX_CARRIERS), carriers_truncated: carriers.length > MAX_CARRIERS },
      };
    } finally {
      store.close();
    }
  },
};

// ---- graph -------------------------------------------------------------------------------------

const graphInput = z.object({ cypher: z.string().min(1).describe('one read-only Cypher statement over (:Sample {name})-[:CARRIES {gt, zygosity, dp, gq}]->(:Variant {key, chrom, pos, ref, alt, vtype, af, gene, impact, clnsig})-[:IN_GENE {consequence, impact, hgvs_c, hgvs_p}]->(:Gene {name})') });

export const graphQueryCap: Capability<typeof graphInput> = {
  name: 'graph_query',
  description: 'Run one read-only Cypher query on the store graph (MATCH ... RETURN; writes, CALL of write procedures and LOAD FROM are refused). Good for joins: samples sharing variants, carriers by gene and impact.',
  input: graphInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['graph', ...dbArgs(ctx), i.cypher]],
  async run(i, ctx) {
    const { graphQuery } = await import('./store/query.js');
    const rows = await graphQuery(ctx.db, i.cypher);
    return { rowCount: rows.length, rows, facts: {} };
  },
};

// ---- ingest ------------------------------------------------------------------------------------

const ingestInput = z.object({ files: z.array(file).min(1).describe('VCF files to store in the workspace') });

export const ingest: Capability<typeof ingestInput> = {
  name: 'ingest',
  description: 'Store VCF files in the workspace (LanceDB tables and graph). Writes: only available when vcf-agent runs with --allow-write.',
  input: ingestInput,
  write: true,
  paths: (i) => i.files,
  commands: (i, ctx) => [['ingest', ...i.files, ...dbArgs(ctx)]],
  async run(i, ctx) {
    const { ingestFiles } = await import('./store/ingest.js');
    const r = await ingestFiles(i.files, { db: ctx.db });
    return { rowCount: r.files.length, rows: r.files as unknown as Row[], facts: { workspace: r.workspace, graph: r.graph, recovered: r.recovered } };
  },
};

// ---- compare two files ---------------------------------------------------------------------------

const compareInput = z.object({
  a: file.describe('first VCF (A)'),
  b: file.describe('second VCF (B)'),
  samples: z.string().optional().describe('comma-separated samples whose genotypes to compare (default every shared sample)'),
  truth: z.enum(['A', 'B']).optional().describe('which file is the truth set: precision, recall and F1'),
  fasta: z.string().optional().describe('reference FASTA: left-align indels before matching'),
  regions_file: z.string().optional().describe('BED of regions to compare (e.g. confident regions)'),
});

export const compareFiles: Capability<typeof compareInput> = {
  name: 'compare_files',
  description: 'Compare two VCF files after normalisation (bcftools norm -m -any, isec -c none matching): shared and private sites by type, genotype concordance per sample (NRD, discordant genotypes), and with a truth set precision/recall/F1.',
  input: compareInput,
  write: false,
  paths: (i) => [i.a, i.b, ...(i.fasta ? [i.fasta] : []), ...(i.regions_file ? [i.regions_file] : [])],
  commands: (i) => [['compare', ...(i.samples ? ['-s', i.samples] : []), ...(i.fasta ? ['-f', i.fasta] : []), ...(i.regions_file ? ['-R', i.regions_file] : []), ...(i.truth ? ['--truth', i.truth] : []), '--json', i.a, i.b]],
  async run(i) {
    const { compareVcfs } = await import('./stats/compare.js');
    const r = await compareVcfs({ a: i.a, b: i.b, samples: i.samples, truth: i.truth, fasta: i.fasta, regionsFile: i.regions_file });
    const per = (r.concordance?.perSample ?? []).map((p) => ({ sample: p.sample, genotypes: p.genotypes, discordant: p.discordant, matrix: p.matrix, snps: p.snps, indels: p.indels }));
    return {
      rowCount: per.length,
      rows: per,
      facts: { fileA: r.fileA, fileB: r.fileB, matching: r.matching, sites: r.sites, nrdSnps: r.concordance?.nrdSnps ?? null, nrdIndels: r.concordance?.nrdIndels ?? null, matrix: r.concordance?.matrix ?? null, truth: r.truth, normalisation: r.normalisation, warnings: r.warnings },
    };
  },
};

// ---- compare two samples of the store (src/store/compare-samples.ts) ----------------------------

const compareSamplesInput = z.object({
  a: z.string().min(1).describe('first sample (A), as in the VCF header'),
  b: z.string().min(1).describe('second sample (B)'),
  region: z.string().optional().describe('only variants in CHR, CHR:POS or CHR:BEG-END (1-based)'),
  include: z.string().optional().describe('only variants passing this bcftools -i expression, e.g. INFO/AF<0.01'),
  limit: z.number().int().min(0).max(100000).optional().describe('variant rows listed (default 1000); the counts cover every variant'),
});

export const compareSamplesCap: Capability<typeof compareSamplesInput> = {
  name: 'compare_samples',
  description: 'Compare two samples of the store over the variants either carries (non-reference): shared, only in A, only in B, and a genotype matrix (ref, het, hom_alt, missing, not_called: hom-ref implied where the sample\'s file holds the variant, not_called where it does not) with the concordance of sites both called. Rows: one per variant with both classes.',
  input: compareSamplesInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['compare-samples', i.a, i.b, ...dbArgs(ctx), ...(i.region ? ['-r', i.region] : []), ...(i.include ? ['-i', i.include] : []), ...(i.limit !== undefined ? ['--limit', String(i.limit)] : [])]],
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const { compareSamples } = await import('./store/compare-samples.js');
    const store = await q.openForRead(ctx.db);
    try {
      const { rows, ...facts } = await compareSamples(store, i.a, i.b, { region: i.region, include: i.include, limit: i.limit });
      return { rowCount: facts.variants, rows, facts: facts as unknown as Row };
    } finally {
      store.close();
    }
  },
};

// ---- semantic search: free text over the variants' descriptions (src/embed/text-store.ts) -------

const semanticInput = z.object({
  text: z.string().min(1).max(1000).describe('what to look for, in words, e.g. "loss of function in a DNA repair gene" or "pathogenic variant in a cardiac gene"'),
  k: z.number().int().min(1).max(1000).optional().describe('number of variants (default 10)'),
  region: z.string().optional().describe('only variants in CHR, CHR:POS or CHR:BEG-END'),
  gene: z.string().optional().describe('only variants annotated in this gene'),
  include: z.string().optional().describe('bcftools -i expression the variants must satisfy, e.g. INFO/AF<0.01'),
});

export const semanticSearch: Capability<typeof semanticInput> = {
  name: 'semantic_search',
  description: 'Free-text search over the store: the variants whose descriptions (gene, consequence, impact, ClinVar significance and condition, frequency class) are nearest in meaning to the text, nearest first, each with its cosine distance and its description. Prefilters: region, gene, bcftools expression. Meaning comes from a sentence-embedding model (offline by default), so check hits against their annotations. Files not yet embedded are embedded first.',
  input: semanticInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['similar', '--text', i.text, ...dbArgs(ctx), ...(i.k !== undefined ? ['-k', String(i.k)] : []), ...(i.region ? ['-r', i.region] : []), ...(i.gene ? ['--gene', i.gene] : []), ...(i.include ? ['-i', i.include] : []), '--format', 'json']],
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const { similarVariants: similar } = await import('./embed/similar.js');
    const store = await q.openForRead(ctx.db);
    try {
      const r = await similar(store, { text: i.text, by: 'text', k: i.k, region: i.region, gene: i.gene, include: i.include });
      return { rowCount: r.hits.length, rows: r.hits as unknown as Row[], facts: { query: r.query, model: r.model, files_embedded_first: r.backfilled ?? 0, used_ann_index: r.usedIndex } };
    } finally {
      store.close();
    }
  },
};


// ---- similar variants (src/embed/similar.ts) ----------------------------------------------------

const similarInput = z.object({
  variant: z.string().min(1).describe('a stored variant: key CHROM:POS:REF:ALT, or CHROM:POS (the first stored key there)'),
  k: z.number().int().min(1).max(1000).optional().describe('number of neighbours, the variant itself included (default 10)'),
  by: z.enum(['features', 'carriers']).optional().describe('features: variant class, consequence, gene, ClinVar, AF, position and carriers (default); carriers: the carrier samples only (MinHash sketch)'),
  region: z.string().optional().describe('only neighbours in CHR, CHR:POS or CHR:BEG-END'),
  gene: z.string().optional().describe('only neighbours annotated in this gene'),
  include: z.string().optional().describe('bcftools -i expression the neighbours must satisfy'),
});

export const similarVariants: Capability<typeof similarInput> = {
  name: 'similar_variants',
  description: 'Variants of the store most similar to a stored variant, nearest first, by deterministic feature vectors (class, consequence, gene, ClinVar, AF, position, carriers) or by shared carrier samples; each with its cosine distance and why (the components that matched most). Prefilters: region, gene, bcftools expression.',
  input: similarInput,
  write: false,
  paths: () => [],
  commands: (i, ctx) => [['similar', i.variant, ...dbArgs(ctx), ...(i.k !== undefined ? ['-k', String(i.k)] : []), ...(i.by ? ['--by', i.by] : []), ...(i.region ? ['-r', i.region] : []), ...(i.gene ? ['--gene', i.gene] : []), ...(i.include ? ['-i', i.include] : []), '--format', 'json']],
  async run(i, ctx) {
    const q = await import('./store/query.js');
    const { similarVariants: similar } = await import('./embed/similar.js');
    const store = await q.openForRead(ctx.db);
    try {
      const r = await similar(store, { variant: i.variant, k: i.k, by: i.by, region: i.region, gene: i.gene, include: i.include });
      return { rowCount: r.hits.length, rows: r.hits as unknown as Row[], facts: { query: r.query, by: r.by, used_ann_index: r.usedIndex } };
    } finally {
      store.close();
    }
  },
};

/** every capability, in the order tools are offered */
export const CAPABILITIES: Capability[] = [workspaceOverview, validate, fileHeader, stats, queryVariants, variantDetail, sampleSummary, geneSummary, compareFiles, compareSamplesCap, graphQueryCap, similarVariants, semanticSearch, ingest] as unknown as Capability[];
