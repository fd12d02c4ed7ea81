// Translations between the port's events/positions and @eventstore/db-client's. Every vendor type
// stays inside src/store/esdb/.
import { jsonEvent, type EventData, type JSONType, type Position, type RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../eventStore.js';
import { upcast } from '../audit/upcasters.js';

/**
 * Our position is the commit position alone. Events written by appendToStream (implicit
 * transactions, the only kind the gRPC API writes) have commit === prepare, so the pair can be
 * rebuilt from the one number.
 */
export function toEsdbPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** System events ($metadata, $statsCollected, links `$>`, …) are the server's, not the domain's. */
export function isSystemEvent(event: { readonly type: string }): boolean {
  return event.type.startsWith('$');
}

export function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client JSON-encodes whatever it gets; its type only admits objects, arrays and strings.
    data: (event.data ?? null) as JSONType,
    metadata: event.metadata ?? {},
  });
}

/** The largest unsigned 64-bit value: what older servers report when a stream read has no position. */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * The commit position of an event. $all reads always carry it; stream reads carry it from server
 * 22.6 on. -1n marks "unknown" (older servers, stream reads only).
 */
export function commitPositionOf(event: EsdbRecordedEvent, fallback?: bigint): bigint {
  const commit = event.position?.commit;
  if (commit !== undefined && commit !== NO_POSITION) return commit;
  return fallback ?? -1n;
}

export function toRecordedEvent(event: EsdbRecordedEvent, position: bigint): RecordedEvent {
  return upcast({
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: event.data as unknown,
    metadata: toMetadata(event.metadata),
    revision: event.revision,
    position,
    created: event.created.getTime(),
  });
}

/** Metadata written by other tools may be absent or binary; the port always has an object. */
function toMetadata(metadata: unknown): EventMetadata {
  const isPlainObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !(metadata instanceof Uint8Array);
  return isPlainObject ? (metadata as EventMetadata) : {};
}
