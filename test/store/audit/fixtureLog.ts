// A log committed under test/fixtures/audit (written by fedflow 0.1.0) as a read-only EventStore,
// read through the upcasters like any adapter's events.
import { readFileSync } from 'node:fs';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../../src/store/eventStore.js';
import { upcast } from '../../../src/store/audit/upcasters.js';

export interface FixtureLine {
  position: string; stream: string; revision: string; id: string; type: string; created: number; data: unknown; metadata: Record<string, unknown>; hash: string;
}

export function readFixture(file: string): FixtureLine[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FixtureLine);
}

export function fixtureStore(lines: readonly FixtureLine[]): EventStore {
  const events: RecordedEvent[] = lines.map((l) => ({
    id: l.id, streamId: l.stream, type: l.type, data: l.data, metadata: l.metadata, revision: BigInt(l.revision), position: BigInt(l.position), created: l.created, hash: l.hash,
  }));
  const refuse = (): never => {
    throw new Error('a fixture log is read only');
  };
  return {
    readAll: async (o: ReadAllOptions = {}) => {
      const after = events.filter((e) => e.position > (o.fromPosition ?? 0n));
      return (o.maxCount === undefined ? after : after.slice(0, o.maxCount)).map(upcast);
    },
    readStream: async (streamId: string) => events.filter((e) => e.streamId === streamId).map(upcast),
    headPosition: async () => events.at(-1)?.position ?? 0n,
    appendToStream: refuse, subscribeToAll: refuse, close: async () => {},
  };
}
