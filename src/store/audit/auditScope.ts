// Who and why: the scope a command runs in, set where it enters the node (the Koa edge, the gRPC
// server, a process manager) and read by the store adapters at append time (see stampMetadata).
// AsyncLocalStorage carries it through every await of the command, so no handler, decider or
// actor has to pass it along by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who made an event happen. */
export type Actor =
  /** A client of the /v1 edge: its remote address (and, once client authentication exists, its app key). */
  | { readonly kind: 'client'; readonly address: string; readonly appKey?: string }
  /**
   * Another party's node: the party id its TLS certificate proves (`proven: false` on an insecure
   * link: only claimed). `onBehalfOf`: the client of a party's /v1 that asked (e.g. a stop asked at
   * a host), as the sending party vouches for it.
   */
  | { readonly kind: 'party'; readonly partyId: string; readonly proven: boolean; readonly onBehalfOf?: ClientAtParty }
  /** This node on its own initiative: which process manager (job-scheduler, party-actor, recovery, …). */
  | { readonly kind: 'node'; readonly process: string };

/** A client of some party's /v1, named by that party. */
export interface ClientAtParty {
  readonly address: string;
  readonly appKey?: string;
  /** The party whose /v1 the client used. */
  readonly partyId: string;
}

export interface AuditScope {
  /** The request or party message that started the conversation. */
  readonly correlationId: string;
  /** What caused the events appended in this scope (a request id, a message id, an event id). */
  readonly causationId?: string;
  readonly actor: Actor;
}

const storage = new AsyncLocalStorage<AuditScope>();

/** Runs `fn` (and everything it awaits or schedules) in `scope`. */
export function runInScope<T>(scope: AuditScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): AuditScope | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` as a process manager of this node. The conversation goes on (correlation kept, or the
 * cause's), the cause is the event that woke it (when given), the actor becomes the node itself.
 */
export function runAsProcess<T>(process: string, fn: () => T, cause?: { readonly id: string; readonly metadata?: { readonly correlationId?: string } }): T {
  const outer = storage.getStore();
  const correlationId = cause?.metadata?.correlationId ?? outer?.correlationId ?? cause?.id ?? randomUUID();
  const causationId = cause?.id ?? outer?.causationId;
  return storage.run({ correlationId, ...(causationId ? { causationId } : {}), actor: { kind: 'node', process } }, fn);
}

/** One line naming an actor: `client 127.0.0.1:5123`, `party 9999`, `node job-scheduler`. */
export function actorLabel(actor: Actor | undefined): string {
  if (!actor) return 'unknown';
  if (actor.kind === 'client') return `client ${actor.address}${actor.appKey ? ` (app key ${actor.appKey})` : ''}`;
  if (actor.kind === 'party') {
    const party = `party ${actor.partyId}${actor.proven ? '' : ' (unproven)'}`;
    const c = actor.onBehalfOf;
    if (!c) return party;
    const client = `client ${c.address}${c.appKey ? ` (app key ${c.appKey})` : ''} at party ${c.partyId}`;
    return c.partyId === actor.partyId ? `${client}${actor.proven ? '' : ' (unproven)'}` : `${client} via ${party}`;
  }
  return `node ${actor.process}`;
}
