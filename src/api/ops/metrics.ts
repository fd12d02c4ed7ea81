// Prometheus metrics of one node (prom-client, a registry per node so several nodes can share a
// process in tests): HTTP requests by route and code with durations, jobs by status, events
// applied by type, task durations by module, how far the views trail the log, event-append
// latency, party-to-party gRPC calls (count, bytes, latency), outbox depth and retries per peer,
// and Paillier operations (count and time, per process).
import type Koa from 'koa';
import type { Database } from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BoardFeed } from '../board/feed.js';
import type { FederationTelemetry } from '../../federation/telemetry.js';
import { PAILLIER_OPS, paillierStats } from '../../components/crypto/cryptoStats.js';

export interface NodeMetricsSources {
  readonly views: Database;
  readonly feed: BoardFeed;
  /** Position of the newest event in the log. */
  readonly headPosition: () => Promise<bigint>;
  /** Cluster mode: unacknowledged party commands per destination party. */
  readonly outboxDepth?: () => Record<string, number>;
}

/**
 * The instruments that must exist before the node's parts do (the federation runtime and the
 * event store are made first): gRPC calls, outbox retries, event-append latency. createNodeMetrics
 * registers the rest in the same registry.
 */
export interface NodeTelemetry {
  readonly registry: Registry;
  readonly federation: FederationTelemetry;
  readonly observeAppend: (seconds: number, events: number) => void;
}

export function createNodeTelemetry(): NodeTelemetry {
  const registry = new Registry();
  const messages = new Counter({ name: 'fedflow_grpc_messages_total', help: 'Party-to-party gRPC calls by side (client: sent, server: received), method, peer party and outcome', labelNames: ['side', 'method', 'peer', 'outcome'], registers: [registry] });
  const bytes = new Counter({ name: 'fedflow_grpc_message_bytes_total', help: 'Bytes of party-to-party gRPC requests (protobuf commands, pushed objects) by side, method and peer', labelNames: ['side', 'method', 'peer'], registers: [registry] });
  const latency = new Histogram({
    name: 'fedflow_grpc_message_duration_seconds', help: 'Party-to-party gRPC call durations by side and method (client: until the answer; server: until it answers)', labelNames: ['side', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const retries = new Counter({ name: 'fedflow_outbox_retries_total', help: 'Party commands sent again after a failed attempt, by destination party and command', labelNames: ['peer', 'kind'], registers: [registry] });
  const appends = new Histogram({
    name: 'fedflow_event_append_duration_seconds', help: 'Event-store append latency (one commit: a stream, or several streams at once)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
  });
  const appended = new Counter({ name: 'fedflow_events_appended_total', help: 'Events appended to the log by this node', registers: [registry] });
  return {
    registry,
    federation: {
      message: (r) => {
        messages.inc({ side: r.side, method: r.method, peer: r.peer, outcome: r.outcome });
        bytes.inc({ side: r.side, method: r.method, peer: r.peer }, r.bytes);
        latency.observe({ side: r.side, method: r.method }, r.seconds);
      },
      retry: (peer, kind) => retries.inc({ peer, kind }),
    },
    observeAppend: (seconds, events) => {
      appends.observe(seconds);
      appended.inc(events);
    },
  };
}

export interface NodeMetrics {
  readonly registry: Registry;
  /** Counts and times every request; put it first so errors and 404s are counted too. */
  readonly middleware: Koa.Middleware;
  /** Stops following the log. */
  readonly close: () => void;
}

export function createNodeMetrics(sources: NodeMetricsSources, options: { processMetrics?: boolean; registry?: Registry } = {}): NodeMetrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'fedflow_' });
  const requests = new Counter({ name: 'fedflow_http_requests_total', help: 'HTTP requests by method, route and status code', labelNames: ['method', 'route', 'code'], registers: [registry] });
  const durations = new Histogram({
    name: 'fedflow_http_request_duration_seconds', help: 'HTTP request durations by method and route', labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  const events = new Counter({ name: 'fedflow_events_applied_total', help: 'Events applied to the views, by event type', labelNames: ['type'], registers: [registry] });
  new Gauge({
    name: 'fedflow_jobs', help: 'Jobs by status (one per job id, as the views hold them)', labelNames: ['status'], registers: [registry],
    collect() {
      this.reset();
      const rows = sources.views.prepare('SELECT f_status AS status, COUNT(DISTINCT f_job_id) AS n FROM t_job GROUP BY f_status').all() as { status: string; n: number }[];
      for (const r of rows) this.set({ status: r.status ?? 'unknown' }, r.n);
    },
  });
  new Gauge({
    name: 'fedflow_projection_lag_events', help: 'Events in the log the views have not applied yet', registers: [registry],
    async collect() {
      const head = await sources.headPosition();
      const lag = head - sources.feed.position();
      this.set(Number(lag > 0n ? lag : 0n));
    },
  });
  new Gauge({
    name: 'fedflow_projection_position', help: 'Log position of the last event applied to the views', registers: [registry],
    collect() {
      this.set(Number(sources.feed.position()));
    },
  });
  const tasks = new Histogram({
    name: 'fedflow_task_duration_seconds', help: 'Durations of ended tasks by module and outcome', labelNames: ['module', 'outcome'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800], registers: [registry],
  });
  // The task events carry ids only: the module comes from the job's DSL (parsed once per job).
  const dslOf = sources.views.prepare('SELECT f_dsl AS dsl FROM t_job WHERE f_job_id = ? LIMIT 1');
  const modules = new Map<string, Record<string, string>>();
  const moduleOf = (jobId: string, component: string): string => {
    let byComponent = modules.get(jobId);
    if (!byComponent) {
      byComponent = {};
      try {
        const dsl = JSON.parse(String((dslOf.get(jobId) as { dsl?: string } | undefined)?.dsl ?? '{}')) as { components?: Record<string, { module?: string }> };
        for (const [name, c] of Object.entries(dsl.components ?? {})) if (typeof c?.module === 'string') byComponent[name] = c.module;
      } catch {
        // a job row without a readable DSL: its tasks count as module "unknown"
      }
      if (modules.size > 1000) modules.clear();
      modules.set(jobId, byComponent);
    }
    return byComponent[component] ?? 'unknown';
  };
  new Gauge({
    name: 'fedflow_outbox_depth', help: 'Party commands not yet acknowledged, by destination party (cluster mode)', labelNames: ['peer'], registers: [registry],
    collect() {
      this.reset();
      for (const [peer, n] of Object.entries(sources.outboxDepth?.() ?? {})) this.set({ peer }, n);
    },
  });
  // Paillier counters are per process and shared with the task workers (cryptoStats.ts); a Counter
  // is moved by the difference since the last scrape.
  const seen = paillierStats();
  const paillierOps = new Counter({
    name: 'fedflow_paillier_operations_total', help: 'Paillier operations in this process (task workers included) by operation', labelNames: ['op'], registers: [registry],
    collect() {
      const now = paillierStats();
      for (const op of PAILLIER_OPS) {
        this.inc({ op }, now[op].count - seen[op].count);
        paillierSeconds.inc({ op }, Math.max(0, now[op].seconds - seen[op].seconds));
        seen[op] = now[op];
      }
    },
  });
  const paillierSeconds = new Counter({ name: 'fedflow_paillier_seconds_total', help: 'Time spent in Paillier operations by operation', labelNames: ['op'], registers: [registry] });
  for (const op of PAILLIER_OPS) (paillierOps.inc({ op }, 0), paillierSeconds.inc({ op }, 0));
  const outcomes: Record<string, string> = { TaskSucceeded: 'success', TaskFailed: 'failed', TaskTimedOut: 'timeout' };
  const stop = sources.feed.follow((applied) => {
    for (const e of applied) {
      events.inc({ type: e.type });
      const outcome = outcomes[e.type];
      if (!outcome) continue;
      const d = e.data as { jobId?: string; taskId?: string; elapsed?: number };
      if (typeof d.elapsed !== 'number' || typeof d.jobId !== 'string' || typeof d.taskId !== 'string') continue;
      // taskIdOf: `${jobId}_${componentName}`.
      const component = d.taskId.startsWith(`${d.jobId}_`) ? d.taskId.slice(d.jobId.length + 1) : d.taskId;
      tasks.observe({ module: moduleOf(d.jobId, component), outcome }, d.elapsed / 1000);
    }
  });

  const middleware: Koa.Middleware = async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The route pattern, not the path, so ids do not explode the label set.
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? (ctx.path.startsWith('/v1') ? 'unmatched' : 'static');
      const labels = { method: ctx.method, route: String(route) };
      requests.inc({ ...labels, code: String(ctx.status) });
      durations.observe(labels, (performance.now() - started) / 1000);
    }
  };
  return { registry, middleware, close: stop };
}
