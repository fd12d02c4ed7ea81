// Who asked, across parties: a party message names the client of the sender's /v1 that started it
// (Header.origin), so the receiving party records "client … at party X" instead of only "party X".
// The origin is the sender's word about its own client — the sender's certificate proves the
// sender, and the sender vouches for its client (as it does for every event in its own log).
import type { Actor } from '../store/audit/auditScope.js';
import type { Header, Origin } from '../gen/fedflow/v1/party.js';

/** The `origin` field for a message sent by `localParty` in the scope of `actor` (none for the node's own work). */
export function originOf(actor: Actor | undefined, localParty: string): { origin?: Origin } {
  if (actor?.kind === 'client') return { origin: { address: actor.address, appKey: actor.appKey ?? '', partyId: localParty } };
  // A relay (the initiator passing on a stop a host's client asked for) keeps naming that client.
  if (actor?.kind === 'party' && actor.onBehalfOf) return { origin: { address: actor.onBehalfOf.address, appKey: actor.onBehalfOf.appKey ?? '', partyId: actor.onBehalfOf.partyId } };
  return {};
}

/** The actor of what a received message causes: the proven sender, and the client it names. */
export function senderActor(header: Header, proven: boolean): Actor {
  const o = header.origin;
  const base = { kind: 'party' as const, partyId: header.sourcePartyId, proven };
  if (!o?.address) return base;
  return { ...base, onBehalfOf: { address: o.address, ...(o.appKey ? { appKey: o.appKey } : {}), partyId: o.partyId || header.sourcePartyId } };
}
