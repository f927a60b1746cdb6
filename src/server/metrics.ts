/**
 * Prometheus metrics of one server (its own registry, so several servers in one process, as in
 * tests, do not share counters): requests and latency per route, process RSS and heap (prom-client
 * default metrics), ingest records and records/s, LLM tokens.
 */
import * as client from 'prom-client';

export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'method' | 'route' | 'status'>;
  readonly latency: client.Histogram<'method' | 'route'>;
  readonly ingestRecords: client.Counter<string>;
  readonly ingestRate: client.Gauge<string>;
  readonly ingestJobs: client.Counter<'status'>;
  readonly llmTokens: client.Counter<'kind'>;
  readonly askRuns: client.Counter<'status'>;

  constructor() {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'vcf_agent_' });
    this.requests = new client.Counter({ name: 'vcf_agent_http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new client.Histogram({
      name: 'vcf_agent_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.ingestRecords = new client.Counter({ name: 'vcf_agent_ingest_records_total', help: 'VCF records ingested by server jobs', registers });
    this.ingestRate = new client.Gauge({ name: 'vcf_agent_ingest_records_per_second', help: 'records/s of the last ingested file (or of the running ingest, while it runs)', registers });
    this.ingestJobs = new client.Counter({ name: 'vcf_agent_ingest_jobs_total', help: 'ingest jobs finished, by status', labelNames: ['status'], registers });
    this.llmTokens = new client.Counter({ name: 'vcf_agent_llm_tokens_total', help: 'LLM tokens used by ask, by kind (input, output)', labelNames: ['kind'], registers });
    this.askRuns = new client.Counter({ name: 'vcf_agent_ask_total', help: 'ask runs, by status', labelNames: ['status'], registers });
  }
}
