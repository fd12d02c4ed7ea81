// /v1/audit: ask the log (events with filters and cursor paging), follow it live (server-sent
// events, resumable), a job's story (timeline). Reads the event store itself: the log is the
// audit record, the views are only its current answers.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { EventStore, RecordedEvent } from '../../store/eventStore.js';
import { auditView, matches, queryLog, type LogFilter } from '../../store/audit/logQuery.js';
import { ok } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import { jobTimeline } from '../../store/audit/jobTimeline.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const HEARTBEAT_MS = 15_000;

export function auditRoutes(router: Router, deps: EdgeDeps): void {
  const log = (): EventStore => {
    if (!deps.eventLog) throw badRequest('this node has no event log to audit');
    return deps.eventLog;
  };

  postJson(router, '/audit/events', deps, async (body) => {
    const filter = logFilter(body);
    const limit = optionalNumber(body, 'limit') ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be an integer 1..${MAX_LIMIT}, got ${String(body.limit)}`);
    const order = body.order ?? 'oldest';
    if (order !== 'oldest' && order !== 'newest') throw badRequest(`order must be "oldest" or "newest", got ${JSON.stringify(body.order)}`);
    const cursor = position(body, 'cursor');
    const page = await queryLog(log(), filter, { limit, order, ...(cursor !== undefined ? { cursor } : {}) });
    return ok({ data: { events: page.events.map(auditView), count: page.events.length, next_cursor: page.nextCursor ?? null, order } });
  });

  router.get('/audit/stream', (ctx) => stream(ctx, log()));

  postJson(router, '/audit/job/timeline', deps, async (body) => {
    const jobId = optionalString(body, 'job_id');
    if (!jobId) throw badRequest('job_id is required');
    const events = await jobEvents(log(), jobId);
    if (events.length === 0) throw notFound(`no events of job ${jobId} on this node`);
    return ok({ data: { job_id: jobId, timeline: jobTimeline(events) } });
  });
}

/** Every event of the job on this node (its streams, and the tables and models that name it), in log order. */
async function jobEvents(store: EventStore, jobId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let cursor: bigint | undefined;
  for (;;) {
    const page = await queryLog(store, { jobId }, { limit: MAX_LIMIT, order: 'oldest', ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.events);
    if (!page.nextCursor) return out;
    cursor = BigInt(page.nextCursor);
  }
}

/** Server-sent events from the log: `id` is the log position, so a reconnect resumes after it. */
function stream(ctx: Context, store: EventStore): void {
  const q = ctx.query;
  const single = (key: string): string | undefined => (Array.isArray(q[key]) ? q[key][0] : q[key]) ?? undefined;
  const body: Record<string, unknown> = { job_id: single('job_id'), stream: single('stream'), actor: single('actor') };
  const types = q.type ?? q.event_types;
  if (types !== undefined) body.event_types = (Array.isArray(types) ? types : [types]).flatMap((t) => t.split(','));
  const filter = logFilter(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
  const resume = ctx.get('last-event-id') || single('from');
  let from = 0n;
  if (resume) {
    if (!/^\d+$/.test(resume)) throw badRequest(`Last-Event-ID / from must be a log position, got ${JSON.stringify(resume)}`);
    from = BigInt(resume);
  }
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': fedflow audit stream\n\n');
  const subscription = store.subscribeToAll((e: RecordedEvent) => {
    if (!matches(e, filter) || res.writableEnded) return;
    res.write(`id: ${e.position}\nevent: ${e.type}\ndata: ${JSON.stringify(auditView(e))}\n\n`);
  }, { fromPosition: from, onError: () => res.end() });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  ctx.req.on('close', () => {
    clearInterval(heartbeat);
    void subscription.unsubscribe();
  });
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw badRequest(`${key} must be a number`);
  return n;
}

function position(body: Record<string, unknown>, key: string): bigint | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v))) return BigInt(v);
  throw badRequest(`${key} must be a log position (a non-negative integer), got ${JSON.stringify(v)}`);
}

/** Milliseconds since the epoch, or an ISO date-time. */
export function instant(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw badRequest(`${key} must be milliseconds since the epoch or an ISO date-time, got ${JSON.stringify(v)}`);
}

export function logFilter(body: Record<string, unknown>): LogFilter {
  const jobId = optionalString(body, 'job_id');
  const stream = optionalString(body, 'stream');
  const actor = optionalString(body, 'actor');
  const correlationId = optionalString(body, 'correlation_id');
  const modelId = optionalString(body, 'model_id');
  const modelVersion = optionalString(body, 'model_version');
  let table: LogFilter['table'];
  const t = body.table;
  if (t !== undefined && t !== null) {
    const o = typeof t === 'object' ? (t as Record<string, unknown>) : {};
    if (typeof o.namespace !== 'string' || typeof (o.table_name ?? o.name) !== 'string') throw badRequest('table must be {"namespace": ..., "table_name": ...}');
    table = { namespace: o.namespace, name: String(o.table_name ?? o.name) };
  } else if (typeof body.table_name === 'string' && typeof body.namespace === 'string') {
    table = { namespace: body.namespace, name: body.table_name };
  }
  const rawTypes = body.event_types ?? body.type;
  let types: string[] | undefined;
  if (rawTypes !== undefined && rawTypes !== null) {
    const list = typeof rawTypes === 'string' ? rawTypes.split(',') : rawTypes;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw badRequest('event_types must be a list of event type names');
    types = list.filter(Boolean);
  }
  const fromTime = instant(body, 'start_time');
  const toTime = instant(body, 'end_time');
  const fromPosition = position(body, 'from_position');
  const toPosition = position(body, 'to_position');
  return {
    ...(jobId ? { jobId } : {}),
    ...(stream ? { stream } : {}),
    ...(actor ? { actor } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(modelId ? { model: { id: modelId, ...(modelVersion ? { version: modelVersion } : {}) } } : {}),
    ...(table ? { table } : {}),
    ...(types?.length ? { types } : {}),
    ...(fromTime !== undefined ? { fromTime } : {}),
    ...(toTime !== undefined ? { toTime } : {}),
    ...(fromPosition !== undefined ? { fromPosition } : {}),
    ...(toPosition !== undefined ? { toPosition } : {}),
  };
}
