// Prometheus metrics of one node (prom-client, a registry per node so several nodes can share a
// process in tests): HTTP requests by route and code with durations, jobs by status, events
// applied by type, task durations by module, and how far the views trail the log.
import type Koa from 'koa';
import type { Database } from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BoardFeed } from '../board/feed.js';

export interface NodeMetricsSources {
  readonly views: Database;
  readonly feed: BoardFeed;
  /** Position of the newest event in the log. */
  readonly headPosition: () => Promise<bigint>;
}

export interface NodeMetrics {
  readonly registry: Registry;
  /** Counts and times every request; put it first so errors and 404s are counted too. */
  readonly middleware: Koa.Middleware;
  /** Stops following the log. */
  readonly close: () => void;
}

export function createNodeMetrics(sources: NodeMetricsSources, options: { processMetrics?: boolean } = {}): NodeMetrics {
  const registry = new Registry();
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
