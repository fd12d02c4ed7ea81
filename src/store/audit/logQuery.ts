// Asking the log: filters over recorded events and cursor paging, as a scan of the store's $all
// (a fold over the log, not a table of history). Each event is shown with its who and why.
import type { EventStore, RecordedEvent } from '../eventStore.js';
import { actorLabel, type Actor } from './auditScope.js';

export interface LogFilter {
  readonly jobId?: string;
  /** `namespace` + `name` of a table. */
  readonly table?: { readonly namespace: string; readonly name: string };
  /** A model id (FATE's `arbiter-…#guest-…#model` or a party model id); its version narrows it. */
  readonly model?: { readonly id: string; readonly version?: string };
  readonly stream?: string;
  readonly types?: readonly string[];
  /** Substring of the actor's label: `party 9999`, `client 127.0.0.1`, `node job-scheduler`. */
  readonly actor?: string;
  readonly correlationId?: string;
  /** Milliseconds since the epoch, inclusive. */
  readonly fromTime?: number;
  readonly toTime?: number;
  /** Log positions, inclusive. */
  readonly fromPosition?: bigint;
  readonly toPosition?: bigint;
}

export interface LogPage {
  readonly events: RecordedEvent[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

const SCAN_PAGE = 5000;

/** Streams of a table, a model: the names the domain gives them (kept here so the filter stays a string test). */
function tableStream(t: { namespace: string; name: string }): string {
  return `table-${encodeURIComponent(t.namespace)}/${encodeURIComponent(t.name)}`;
}

function field(data: unknown, key: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
}

/** Does the event concern this job: its stream names the job, or its data does (a model version is its training job's id). */
export function concernsJob(e: RecordedEvent, jobId: string): boolean {
  return e.streamId.includes(jobId) || field(e.data, 'jobId') === jobId || field(e.data, 'job_id') === jobId || field(e.data, 'modelVersion') === jobId;
}

export function matches(e: RecordedEvent, f: LogFilter): boolean {
  if (f.fromPosition !== undefined && e.position < f.fromPosition) return false;
  if (f.toPosition !== undefined && e.position > f.toPosition) return false;
  if (f.fromTime !== undefined && e.created < f.fromTime) return false;
  if (f.toTime !== undefined && e.created > f.toTime) return false;
  if (f.stream !== undefined && e.streamId !== f.stream) return false;
  if (f.types?.length && !f.types.includes(e.type)) return false;
  if (f.jobId !== undefined && !concernsJob(e, f.jobId)) return false;
  if (f.table && e.streamId !== tableStream(f.table)) return false;
  if (f.model) {
    const encoded = encodeURIComponent(f.model.id);
    const inStream = e.streamId.includes(encoded) || e.streamId.includes(f.model.id);
    const inData = field(e.data, 'modelId') === f.model.id || field(e.data, 'partyModelId') === f.model.id;
    if (!inStream && !inData) return false;
    if (f.model.version !== undefined && !e.streamId.endsWith(`/${encodeURIComponent(f.model.version)}`) && field(e.data, 'modelVersion') !== f.model.version) return false;
  }
  if (f.actor !== undefined && !actorLabel(e.metadata.actor as Actor | undefined).includes(f.actor)) return false;
  if (f.correlationId !== undefined && e.metadata.correlationId !== f.correlationId) return false;
  return true;
}

/**
 * One page of matching events. Oldest first: the events after the cursor position. Newest first:
 * the events before the cursor (the whole range is scanned forward, keeping the last `limit`).
 */
export async function queryLog(store: EventStore, f: LogFilter, o: { limit: number; order: 'oldest' | 'newest'; cursor?: bigint }): Promise<LogPage> {
  const found: RecordedEvent[] = [];
  let from = f.fromPosition !== undefined && f.fromPosition > 0n ? f.fromPosition - 1n : 0n;
  if (o.order === 'oldest' && o.cursor !== undefined && o.cursor > from) from = o.cursor;
  const upTo = o.order === 'newest' && o.cursor !== undefined ? o.cursor - 1n : f.toPosition;
  let more = false;
  scan: for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: SCAN_PAGE });
    for (const e of page) {
      if (upTo !== undefined && e.position > upTo) break scan;
      from = e.position;
      if (!matches(e, f)) continue;
      if (o.order === 'oldest') {
        if (found.length === o.limit) {
          more = true;
          break scan;
        }
        found.push(e);
      } else {
        found.push(e);
        if (found.length > o.limit) {
          found.shift();
          more = true;
        }
      }
    }
    if (page.length < SCAN_PAGE) break;
  }
  if (o.order === 'newest') found.reverse();
  const last = found.at(-1);
  return { events: found, ...(more && last ? { nextCursor: String(last.position) } : {}) };
}

/** An event as the audit API shows it (snake_case, FATE's style). */
export function auditView(e: RecordedEvent): Record<string, unknown> {
  const m = e.metadata;
  return {
    position: String(e.position),
    stream: e.streamId,
    revision: String(e.revision),
    id: e.id,
    type: e.type,
    created: e.created,
    created_at: new Date(e.created).toISOString(),
    correlation_id: m.correlationId ?? null,
    causation_id: m.causationId ?? null,
    actor: m.actor ?? null,
    actor_label: actorLabel(m.actor as Actor | undefined),
    party_id: m.partyId ?? null,
    schema_version: m.schemaVersion ?? 1,
    code_version: m.codeVersion ?? null,
    hash: e.hash ?? null,
    data: e.data,
    metadata: m,
  };
}
