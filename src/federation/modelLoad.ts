// /v1/model/load across nodes: the initiator's request for one party (PartyLoad) on the wire as
// PartyService.LoadModel, and back. The receiving node publishes to its own serving addresses.
import type { LoadModelRequest } from '../gen/fedflow/v1/party.js';
import type { PartyLoad } from '../publish/publishRequests.js';
import { DEFAULT_SERVING_DEADLINE_MS } from '../publish/servingGateway.js';
import { makeHeader } from './commands.js';

/**
 * How long the initiator keeps trying to reach a party's node: a little longer than the party's
 * own serving deadline, so a slow serving's answer still arrives. Attempts that outlive the
 * outbox's per-attempt deadline are retried with the same message id, and the receiver shares
 * the first attempt's answer.
 */
export const LOAD_GIVE_UP_MS = DEFAULT_SERVING_DEADLINE_MS + 5_000;

export function toLoadModelRequest(load: PartyLoad, source: string): LoadModelRequest {
  return {
    header: makeHeader({ source, destination: load.local.partyId, jobId: load.jobId }),
    role: load.local.role,
    partyId: load.local.partyId,
    initiatorRole: load.initiator.role,
    initiatorPartyId: load.initiator.partyId,
    roles: Object.fromEntries(Object.entries(load.roles).map(([role, ids]) => [role, { partyIds: [...ids] }])),
    modelId: load.modelId,
    modelVersion: load.modelVersion,
    loadType: load.loadType,
    filePath: load.filePath ?? '',
  };
}

export function fromLoadModelRequest(r: LoadModelRequest): PartyLoad {
  return {
    jobId: r.header?.jobId ?? '',
    initiator: { role: r.initiatorRole, partyId: r.initiatorPartyId },
    roles: Object.fromEntries(Object.entries(r.roles).map(([role, p]) => [role, [...p.partyIds]])),
    modelId: r.modelId,
    modelVersion: r.modelVersion,
    loadType: r.loadType,
    ...(r.filePath ? { filePath: r.filePath } : {}),
    local: { role: r.role, partyId: r.partyId },
  };
}
