// Picks the event-store adapter named by the `eventStore` setting.
import { join } from 'node:path';
import type { EventStore } from './eventStore.js';
import { MemoryEventStore } from './memory/memoryEventStore.js';
import { SqliteEventStore, type SqliteStoreOptions } from './sqlite/sqliteEventStore.js';

/** The file of the embedded log inside a data directory. */
export const EVENTS_FILE = 'events.sqlite';

/**
 * `sqlite` → `<dataDir>/events.sqlite`; `memory` → nothing kept; `esdb://…` / `esdb+discover://…` → EventStoreDB.
 * Every adapter stamps `options.node` on each event; sqlite also signs chain checkpoints with `options.signer`.
 */
export async function openEventStore(spec: string, dataDir: string, options: SqliteStoreOptions = {}): Promise<EventStore> {
  const node = options.node ? { node: options.node } : {};
  if (spec === 'sqlite') return SqliteEventStore.open(join(dataDir, EVENTS_FILE), options);
  if (spec === 'memory') return new MemoryEventStore(node);
  if (/^esdb(\+discover)?:\/\//.test(spec)) {
    // Loaded on demand: the gRPC client is heavy and most nodes never need it.
    const { EsdbEventStore } = await import('./esdb/esdbEventStore.js');
    return EsdbEventStore.connect(spec, node);
  }
  // The spec may carry credentials (`esdb://user:password@host`): never echo them.
  const shown = spec.replace(/\/\/[^@/]*@/, '//***@');
  throw new Error(`unknown event store "${shown}": expected sqlite, memory or an esdb:// connection string`);
}
