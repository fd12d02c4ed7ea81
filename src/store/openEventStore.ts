// Picks the event-store adapter named by the `eventStore` setting.
import { join } from 'node:path';
import type { EventStore } from './eventStore.js';
import { MemoryEventStore } from './memory/memoryEventStore.js';
import { SqliteEventStore } from './sqlite/sqliteEventStore.js';

/** `sqlite` → `<dataDir>/events.sqlite`; `memory` → nothing kept; `esdb://…` / `esdb+discover://…` → EventStoreDB. */
export async function openEventStore(spec: string, dataDir: string): Promise<EventStore> {
  if (spec === 'sqlite') return SqliteEventStore.open(join(dataDir, 'events.sqlite'));
  if (spec === 'memory') return new MemoryEventStore();
  if (/^esdb(\+discover)?:\/\//.test(spec)) {
    // Loaded on demand: the gRPC client is heavy and most nodes never need it.
    const { EsdbEventStore } = await import('./esdb/esdbEventStore.js');
    return EsdbEventStore.connect(spec);
  }
  // The spec may carry credentials (`esdb://user:password@host`): never echo them.
  const shown = spec.replace(/\/\/[^@/]*@/, '//***@');
  throw new Error(`unknown event store "${shown}": expected sqlite, memory or an esdb:// connection string`);
}
