// The shape of one row of `events` and its translation to the port's RecordedEvent.
import type { EventMetadata, RecordedEvent } from '../eventStore.js';
import { upcast } from '../audit/upcasters.js';
import { hashAsHex, storedHashHex } from '../audit/storedHash.js';

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly created: number;
  /** Hex, as selected (storedHash.ts); null: not linked yet. */
  readonly hash: string | Uint8Array | null;
}

/** Column list shared by every SELECT so rows always match EventRow (the hash from the row or its link). */
export function eventColumns(db: Parameters<typeof hashAsHex>[0]): string {
  return `position, stream_id, revision, event_id, type, data, metadata, created, ${hashAsHex(db)}`;
}

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
    ...(row.hash ? { hash: storedHashHex(row.hash)! } : {}),
  });
}
