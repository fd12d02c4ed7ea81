// The metadata every appended event carries, whatever the adapter: the scope's who and why, the
// node's party id, the event's schema version and the code version. Applied by each adapter on
// its append path, so nothing reaches a log without it.
import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../eventStore.js';
import { currentScope, type AuditScope } from './auditScope.js';
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

/**
 * The stamped metadata of each event as JSON text — what the sqlite adapter stores and hashes.
 * Events without metadata of their own (nearly all) get the same text for one scope and schema
 * version, so it is serialised once per scope and reused: stamping and serialising the metadata
 * was costing more per event than the hash chain itself (bench:audit). Same text as
 * JSON.stringify of stampEvents' metadata, byte for byte (a test holds it).
 */
export function stampedMetadataTexts(events: readonly NewEvent[], node: NodeIdentity = {}): string[] {
  const scope = currentScope();
  if (!scope) return stampEvents(events, node).map((e) => JSON.stringify(e.metadata));
  return events.map((event) => (event.metadata ? JSON.stringify(stamp(event, scope, node)) : cachedText(scope, node, event)));
}

/** Per scope object: the party id the texts were made for and the text per schema version. */
const texts = new WeakMap<AuditScope, { partyId: string | undefined; byVersion: Map<number, string> }>();

function cachedText(scope: AuditScope, node: NodeIdentity, event: NewEvent): string {
  const version = schemaVersionOf(event.type);
  let entry = texts.get(scope);
  if (!entry || entry.partyId !== node.partyId) texts.set(scope, (entry = { partyId: node.partyId, byVersion: new Map() }));
  let text = entry.byVersion.get(version);
  if (text === undefined) entry.byVersion.set(version, (text = JSON.stringify(stamp(event, scope, node))));
  return text;
}
