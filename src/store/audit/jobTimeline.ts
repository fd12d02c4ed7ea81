// A job's story on this node: the events of the job's streams (and of the tables and models it
// touched) folded into one ordered list of what happened, to which party, by whom, how long it
// took. Pure: takes the recorded events, in log order.
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../eventStore.js';
import { actorLabel, type Actor } from './auditScope.js';

export interface TimelineEntry {
  readonly position: string;
  /** When it happened (the event's own `at`, else when it was recorded), ms since the epoch. */
  readonly at: number;
  readonly time: string;
  /** `guest 9999`, or null for what concerns no single party (a table, a serving). */
  readonly party: string | null;
  readonly event: string;
  readonly what: string;
  readonly actor: string;
  readonly correlation_id: string | null;
  readonly duration_ms?: number;
  readonly details?: Record<string, unknown>;
}

/** SHA-256 of a DSL or conf as submitted (its JSON text), so parties can compare what they ran. */
export function jsonDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex');
}

type Data = Record<string, any>;

const seconds = (ms: unknown): string => (typeof ms === 'number' ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s` : '?');

/** What the event says, in words; undefined for events that are not part of the story (progress, metrics). */
function describe(e: RecordedEvent, d: Data, started: Map<string, number>): Omit<TimelineEntry, 'position' | 'at' | 'time' | 'actor' | 'correlation_id' | 'event' | 'party'> | undefined {
  switch (e.type) {
    case 'JobCreated': {
      const dsl = jsonDigest(d.dsl);
      const conf = jsonDigest(d.runtimeConf);
      const initiator = d.isInitiator ? 'this party initiates' : `initiator ${d.initiator?.role} ${d.initiator?.partyId}`;
      return { what: `job created (${initiator}); dsl sha256 ${dsl.slice(0, 16)}…, conf sha256 ${conf.slice(0, 16)}…`, details: { dsl_sha256: dsl, conf_sha256: conf, work_mode: d.workMode, roles: d.roles } };
    }
    case 'JobStarted': return { what: 'job started' };
    case 'JobTagged': return { what: `job ${d.tag}` };
    case 'JobNotesUpdated': return { what: `notes set: ${d.notes}` };
    case 'JobStopAcknowledged': return { what: `stop asked (${d.reason}); ${d.stoppedTasks?.length ? `tasks ${d.stoppedTasks.join(', ')} stopped` : 'no task was running'}` };
    case 'JobSucceeded': return { what: 'job succeeded', ...(d.elapsed != null ? { duration_ms: d.elapsed } : {}) };
    case 'JobFailed': return { what: `job failed: ${d.reason}`, ...(d.elapsed != null ? { duration_ms: d.elapsed } : {}) };
    case 'JobCanceled': return { what: `job canceled: ${d.reason}`, ...(d.elapsed != null ? { duration_ms: d.elapsed } : {}) };
    case 'JobTimedOut': return { what: 'job timed out', ...(d.elapsed != null ? { duration_ms: d.elapsed } : {}) };
    case 'JobPartiesUnreachable': return { what: d.parties?.length ? `parties unreachable: ${d.parties.map((p: Data) => `${p.role} ${p.partyId} since ${new Date(p.since).toISOString()}`).join(', ')}` : 'every party reachable again' };
    case 'TaskStarted':
      started.set(e.streamId, d.at);
      return { what: `task ${d.componentName} started` };
    case 'TaskSucceeded': return { what: `task ${taskName(d)} succeeded after ${seconds(d.elapsed)}`, duration_ms: d.elapsed };
    case 'TaskFailed': return { what: `task ${taskName(d)} failed after ${seconds(d.elapsed)}: ${d.reason}`, duration_ms: d.elapsed };
    case 'TaskTimedOut': return { what: `task ${taskName(d)} timed out after ${seconds(d.elapsed)}`, duration_ms: d.elapsed };
    case 'PipelineModelSaved': return { what: `model saved: ${d.partyModelId} version ${d.modelVersion}, sha256 ${String(d.sha256).slice(0, 16)}…, ${d.buffers?.length ?? 0} buffers`, details: { model_sha256: d.sha256, buffers: d.buffers } };
    case 'TableCreated': return { what: `table ${d.namespace}/${d.name ?? d.tableName ?? d.table_name} created` };
    case 'TableDataLoaded': return { what: `table ${d.namespace}/${d.name ?? d.tableName ?? d.table_name} loaded${d.count !== undefined ? `: ${d.count} rows` : ''}` };
    case 'TableDeleted': return { what: `table ${d.namespace}/${d.name ?? d.tableName ?? d.table_name} deleted` };
    case 'ModelLoadRequested': return { what: `model load asked: ${d.modelId} ${d.modelVersion}` };
    case 'ModelPublished': return { what: `model published to serving ${d.serving}` };
    case 'ModelPublishFailed': return { what: `model publish to ${d.serving ?? 'no serving'} failed: ${d.retmsg}` };
    case 'ModelLoadFinished': return { what: `model load finished: ${d.retmsg}` };
    case 'ModelBound': return { what: `model bound to service ${d.serviceId} at ${d.serving}` };
    case 'ModelBindFailed': return { what: `model bind to service ${d.serviceId} failed: ${d.retmsg}` };
    case 'JobReceiptRecorded': return { what: `signed receipt of party ${d.partyId} recorded (brought by party ${d.receivedFrom})` };
    case 'JobReceiptsShared': return { what: `every party's receipt is here (${(d.parties ?? []).join(', ')}): the set goes to each party` };
    default: return undefined;
  }
}

function taskName(d: Data): string {
  const id = String(d.taskId ?? '');
  return d.jobId && id.startsWith(`${d.jobId}_`) ? id.slice(String(d.jobId).length + 1) : id;
}

export function jobTimeline(events: readonly RecordedEvent[]): TimelineEntry[] {
  const started = new Map<string, number>();
  const entries: TimelineEntry[] = [];
  for (const e of events) {
    const d = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Data;
    const said = describe(e, d, started);
    if (!said) continue;
    const at = typeof d.at === 'number' ? d.at : e.created;
    entries.push({
      position: String(e.position),
      at,
      time: new Date(at).toISOString(),
      party: typeof d.role === 'string' && d.partyId !== undefined ? `${d.role} ${d.partyId}` : null,
      event: e.type,
      actor: actorLabel(e.metadata.actor as Actor | undefined),
      correlation_id: (e.metadata.correlationId as string | undefined) ?? null,
      ...said,
    });
  }
  return entries;
}
