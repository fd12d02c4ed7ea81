// The metadata every appended event carries, whatever the adapter: the scope's who and why, the
// node's party id, the event's schema version and the code version. Applied by each adapter on
// its append path, so nothing reaches a log without it.
import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../eventStore.js';
import { currentScope } from './auditScope.js';
import { codeVersion } from './codeVersion.js';
import { schemaVersionOf } from './schemaVersions.js';

/** What a store knows about the node it belongs to. */
export interface NodeIdentity {
  /** The party this node is (cluster mode); absent on a standalone node hosting every party. */
  readonly partyId?: string;
}

/**
 * The events of one append with their metadata. The event's own metadata wins over the scope's (a
 * caller may name a finer correlation, e.g. the job id of a model load); an append made outside any
 * scope is the node's own (`process: unscoped`) with one fresh correlation id, so no event is ever
 * without an actor.
 */
export function stampEvents(events: readonly NewEvent[], node: NodeIdentity = {}): NewEvent[] {
  const scope = currentScope() ?? { correlationId: randomUUID(), actor: { kind: 'node', process: 'unscoped' } as const };
  return events.map((event) => ({ ...event, metadata: stamp(event, scope, node) }));
}

function stamp(event: NewEvent, scope: NonNullable<ReturnType<typeof currentScope>>, node: NodeIdentity): EventMetadata {
  return {
    correlationId: scope.correlationId,
    ...(scope.causationId ? { causationId: scope.causationId } : {}),
    actor: scope.actor,
    ...(node.partyId !== undefined ? { partyId: node.partyId } : {}),
    schemaVersion: schemaVersionOf(event.type),
    codeVersion: codeVersion(),
    ...(event.metadata ?? {}),
  };
}
