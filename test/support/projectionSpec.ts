// given(events) → the view rows they produce: projections are tested without a store or a clock.
import type { Database } from 'better-sqlite3';
import { openViewDatabase, ProjectionRunner } from '../../projections/runner.js';
import type { Projection } from '../../projections/rowOps.js';
import type { EventStore, RecordedEvent } from '../../src/store/eventStore.js';

const noStore = {} as EventStore;

export function givenEvents(projections: readonly Projection[], events: { type: string; data: unknown }[]): Database {
  const db = openViewDatabase(':memory:');
  const runner = new ProjectionRunner(db, projections, noStore);
  runner.applyBatch(events.map((e, i) => recorded(e, i + 1)));
  return db;
}

export function recorded(e: { type: string; data: unknown }, position: number): RecordedEvent {
  return { id: `e${position}`, streamId: 's', type: e.type, data: e.data, metadata: {}, revision: BigInt(position - 1), position: BigInt(position), created: 0 };
}
