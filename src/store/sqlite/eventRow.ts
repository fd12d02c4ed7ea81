// The shape of one row of `events` and its translation to the port's RecordedEvent.
import type { EventMetadata, RecordedEvent } from '../eventStore.js';
import { upcast } from '../audit/upcasters.js';

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly created: number;
  readonly hash: string | null;
}

/** Column list shared by every SELECT so rows always match EventRow. */
export const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, created, hash';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return upcast({
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    created: row.created,
    ...(row.hash ? { hash: row.hash } : {}),
  });
}
