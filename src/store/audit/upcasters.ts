// Events that outlive the code: an event is read as today's schema of its type. Each upcaster turns
// one version's data into the next; the adapters apply them on every read (between the store and
// every reader), so deciders and projections only ever see current shapes. The stored event is
// never rewritten: the hash chain covers what was written.
import type { EventMetadata, RecordedEvent } from '../eventStore.js';
import { schemaVersionOf } from './schemaVersions.js';

/** Type → (version v → data of version v+1). */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, (data: unknown) => unknown>>>>;

/** Today's upcasters: none yet, every type is at version 1 (schemaVersions.ts). */
export const UPCASTERS: Upcasters = {};

/** The event as today's code expects it; the same object when it is current already. */
export function upcastWith(upcasters: Upcasters, current: (type: string) => number, event: RecordedEvent): RecordedEvent {
  const target = current(event.type);
  let version = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1;
  if (version >= target) return event;
  let data = event.data;
  for (; version < target; version++) {
    const step = upcasters[event.type]?.[version];
    if (!step) throw new Error(`no upcaster for ${event.type} from schema version ${version} to ${version + 1}`);
    data = step(data);
  }
  const metadata: EventMetadata = { ...event.metadata, schemaVersion: target, writtenAsSchemaVersion: event.metadata.schemaVersion ?? 1 };
  return { ...event, data, metadata };
}

export function upcast(event: RecordedEvent): RecordedEvent {
  return upcastWith(UPCASTERS, schemaVersionOf, event);
}
