// `fedflow events`: the node's log, filtered (POST /v1/audit/events, every page), or followed live
// (GET /v1/audit/stream) — one readable line per event, or one JSON object per line (--json).
import type { CliContext } from '../context.js';
import { FlowClient, resolveServer, transportFailure } from '../http.js';

export interface EventsOptions {
  readonly server?: string;
  readonly jobId?: string;
  readonly types: readonly string[];
  readonly actor?: string;
  readonly stream?: string;
  readonly order: 'oldest' | 'newest';
  readonly limit?: number;
  readonly follow: boolean;
  readonly json: boolean;
}

interface AuditEvent {
  position: string;
  created_at: string;
  type: string;
  stream: string;
  actor_label: string;
  correlation_id: string | null;
  data: unknown;
}

/** `position  time  type  stream  actor  [correlation]`. */
export function eventLine(e: AuditEvent): string {
  return `${e.position.padStart(7)}  ${e.created_at}  ${e.type.padEnd(24)}  ${e.stream}  by ${e.actor_label}${e.correlation_id ? `  [${e.correlation_id}]` : ''}`;
}

export async function eventsCommand(ctx: CliContext, o: EventsOptions): Promise<number> {
  const server = resolveServer(o.server, ctx.env);
  const print = (e: AuditEvent): void => ctx.stdout(`${o.json ? JSON.stringify(e) : eventLine(e)}\n`);
  if (o.follow) return follow(ctx, server, o, print);
  const client = new FlowClient(server, ctx.fetch);
  let cursor: string | null = null;
  let printed = 0;
  for (;;) {
    const pageSize = Math.min(1000, o.limit !== undefined ? o.limit - printed : 1000);
    if (pageSize <= 0) return 0;
    const answer = await client.post('/v1/audit/events', {
      ...(o.jobId ? { job_id: o.jobId } : {}), ...(o.types.length ? { event_types: o.types } : {}), ...(o.actor ? { actor: o.actor } : {}),
      ...(o.stream ? { stream: o.stream } : {}), order: o.order, limit: pageSize, ...(cursor ? { cursor } : {}),
    });
    if (answer.retcode !== 0) {
      ctx.stderr(`fedflow events: ${answer.retmsg ?? `retcode ${answer.retcode}`}\n`);
      return 1;
    }
    const data = answer.data as { events: AuditEvent[]; next_cursor: string | null };
    for (const e of data.events) print(e);
    printed += data.events.length;
    if (!data.next_cursor) return 0;
    cursor = data.next_cursor;
  }
}

/** Reads the server-sent events until the server ends them or the user interrupts. */
async function follow(ctx: CliContext, server: string, o: EventsOptions, print: (e: AuditEvent) => void): Promise<number> {
  const query = new URLSearchParams();
  if (o.jobId) query.set('job_id', o.jobId);
  if (o.types.length) query.set('type', o.types.join(','));
  if (o.actor) query.set('actor', o.actor);
  if (o.stream) query.set('stream', o.stream);
  const abort = new AbortController();
  const stopListening = ctx.onShutdownSignal(() => abort.abort());
  try {
    const res = await ctx.fetch(`${server}/v1/audit/stream?${query}`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    if (!res.ok || !res.body) {
      ctx.stderr(`fedflow events: the node answered HTTP ${res.status}\n`);
      return 1;
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = message.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) print(JSON.parse(data) as AuditEvent);
      }
    }
    return 0;
  } catch (err) {
    if (abort.signal.aborted) return 0;
    ctx.stderr(`fedflow events: ${transportFailure(err).retmsg}\n`);
    return 1;
  } finally {
    stopListening();
  }
}
