/**
 * `vcf-agent serve`: the HTTP API, its OpenAPI document and docs page, and the web page, in one
 * process (src/server). Logs are JSON lines (pino) on stdout. The server modules load only when the
 * command runs.
 */
import type { Command } from 'commander';
import { usageError } from '../vcf/errors.js';
import { action, parseIntOpt } from './run.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface ServeOptions {
  host: string;
  port: number;
  db?: string;
  dataDir?: string[];
  tokensFile?: string;
  maxUploadMb?: number;
  corsOrigin?: string[];
  allowWrite?: boolean;
  logLevel?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (OpenAPI at /openapi.json, docs at /docs, metrics at /metrics) and the web page')
    .option('--host <addr>', 'address to listen on; without tokens only a loopback address is allowed', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', parseIntOpt('--port'), 8080)
    .option('--db <dir>', 'workspace directory (default $VCF_AGENT_DB or ./.vcf-agent)')
    .option('--data-dir <dir>', 'directory API paths may point into (repeatable; default the current directory); the workspace is always allowed', collect)
    .option('--tokens-file <file>', 'bearer tokens, one "token:role" per line (role read-only or admin); adds to $VCF_AGENT_TOKENS')
    .option('--max-upload-mb <n>', 'largest upload in MiB (default 2048)', parseIntOpt('--max-upload-mb'))
    .option('--cors-origin <origin>', 'allow cross-origin requests from this origin (repeatable; default: CORS off)', collect)
    .option('--allow-write', 'let the agent behind /api/v1/ask ingest files (for admin callers)')
    .option('--log-level <level>', 'pino log level: fatal, error, warn, info, debug (default info)')
    .addHelpText('after', [
      '',
      'Environment:',
      '  VCF_AGENT_TOKENS                 bearer tokens "token:role,..." (role read-only or admin)',
      '  OTEL_EXPORTER_OTLP_ENDPOINT      export OpenTelemetry traces over OTLP/HTTP JSON to this endpoint',
      '  VCF_AGENT_SERVE_CONCURRENCY      read requests answered at once (default 2 x CPUs); the rest queue in order',
      '  VCF_AGENT_GRAPH_WAIT_MS          how long a graph query waits for a writer to release the graph (default 60000)',
      '  VCF_AGENT_READ_MODEL=0           answer every query in LanceDB (default: region/gene/sample/detail queries, and',
      '                                   -i/-e on a region\'s or gene\'s rows, come from an in-memory copy of the store,',
      '                                   rebuilt after each ingest)',
      '  VCF_AGENT_READ_MODEL_MAX_ROWS    largest store (variant rows) held in memory (default 2000000; ~900 MB per 1M rows)',
      '  VCF_AGENT_PREWARM=0              do not load the ANN index of `similar` into memory at start (default: loaded,',
      '                                   ~730 MB per 1M rows; otherwise the first searches read it from disk)',
    ].join('\n'))
    .action(action(async (o: ServeOptions) => {
      if (o.port < 0 || o.port > 65535) throw usageError('--port must be between 0 and 65535');
      if (o.maxUploadMb !== undefined && o.maxUploadMb < 1) throw usageError('--max-upload-mb must be at least 1');
      const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
      if (o.logLevel && !levels.includes(o.logLevel)) throw usageError(`--log-level must be one of ${levels.join(', ')}`);
      const { loadTokens } = await import('../server/auth.js');
      const tokens = loadTokens(process.env.VCF_AGENT_TOKENS, o.tokensFile);
      const { startServer } = await import('../server/app.js');
      const { app, url } = await startServer({
        host: o.host,
        port: o.port,
        db: o.db,
        dataDirs: o.dataDir,
        tokens,
        maxUploadBytes: o.maxUploadMb !== undefined ? o.maxUploadMb * 1024 * 1024 : undefined,
        corsOrigins: o.corsOrigin,
        agentAllowWrite: !!o.allowWrite,
        logger: { level: o.logLevel ?? 'info' },
      });
      process.stderr.write(`vcf-agent: serving on ${url} (docs ${url}/docs, ${tokens.length ? `${tokens.length} token(s)` : 'no auth: loopback only'})\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { void app.close().then(() => resolve()); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }));
}
