/**
 * OpenTelemetry traces of the server, exported over OTLP/HTTP (JSON) when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set. app.ts imports this
 * module only then, so a server without it loads none of the OpenTelemetry packages.
 *
 * One SERVER span per request, named `METHOD /route/pattern` (http.request.method, http.route,
 * url.path, http.response.status_code), and an INTERNAL child span per core call
 * (`capability NAME`, or the core function's name) made inside the request. The exporter reads the
 * standard OTEL_* variables (endpoint, headers, timeout); spans are batched (OTEL_BSP_* variables)
 * and flushed when the server closes.
 */
import { context, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { NodeTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { VERSION } from '../version.js';

/** what a request carries: its span, and a way to run a core call as a child span */
export interface RequestTrace {
  span: Span;
  child<T>(name: string, attrs: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T>;
}

export interface ServerTracing {
  start(method: string, route: string, path: string): RequestTrace;
  end(t: RequestTrace, status: number, error?: string): void;
  shutdown(): Promise<void>;
}

/** Endpoint set: a tracer provider with an OTLP/HTTP JSON exporter. */
export function initTracing(): ServerTracing {
  const exporter = new OTLPTraceExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'vcf-agent', 'service.version': VERSION }),
    spanProcessors: [new BatchSpanProcessor(exporter as unknown as ConstructorParameters<typeof BatchSpanProcessor>[0])],
  });
  // the provider is used directly (not registered globally): several servers in one process each keep their own
  const tracer = provider.getTracer('vcf-agent-server', VERSION);
  return {
    start(method, route, path) {
      const span = tracer.startSpan(`${method} ${route}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'http.route': route, 'url.path': path },
      });
      const parent = trace.setSpan(context.active(), span);
      return {
        span,
        async child(name, attrs, fn) {
          const c = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: attrs }, parent);
          try {
            return await fn();
          } catch (e) {
            c.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message?.split('\n')[0] });
            throw e;
          } finally {
            c.end();
          }
        },
      };
    },
    end(t, status, error) {
      t.span.setAttribute('http.response.status_code', status);
      if (status >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      t.span.end();
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
