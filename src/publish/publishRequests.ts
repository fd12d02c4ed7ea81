// The PublishRequest messages fate-flow sends FATE-Serving (contract 10.2), built exactly as
// fate_flow's publish_model.load_model / bind_model_service build them. In these requests
// tableName = model_version and namespace = the party model id.
import type { PublishRequest } from '../gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { partyModelId, partyModels, type PartyRef, type RoleMap } from '../domain/publish/plan.js';

/** What a party needs to publish its part of a model (FATE's /v1/model/load/do body). */
export interface PartyLoad {
  readonly jobId: string;
  readonly initiator: PartyRef;
  readonly roles: RoleMap;
  readonly modelId: string;
  readonly modelVersion: string;
  /** job_parameters.load_type, default "FATEFLOW". */
  readonly loadType: string;
  /** job_parameters.file_path; when absent the publishing node's /v1/model/transfer URL. */
  readonly filePath?: string;
  /** The party that publishes. */
  readonly local: PartyRef;
}

export interface ModelBind {
  readonly serviceId: string;
  readonly initiator: PartyRef;
  readonly roles: RoleMap;
  readonly modelId: string;
  readonly modelVersion: string;
}

function roleMap(roles: RoleMap): PublishRequest['role'] {
  return Object.fromEntries(Object.entries(roles).map(([role, ids]) => [role, { partyId: [...ids] }]));
}

const empty = { serviceId: '', tableName: '', namespace: '', loadType: '', filePath: '' };

/** publishLoad: every party's model (arbiter included, as FATE sends it), local = the publishing party. */
export function loadRequest(load: PartyLoad, filePath: string): PublishRequest {
  const models = partyModels(load.roles, load.modelId, load.modelVersion);
  const model: PublishRequest['model'] = {};
  for (const [role, parties] of Object.entries(models)) {
    model[role] = { roleModelInfo: Object.fromEntries(Object.entries(parties).map(([id, m]) => [id, { tableName: m.model_version, namespace: m.model_id }])) };
  }
  return {
    ...empty,
    local: { role: load.local.role, partyId: load.local.partyId },
    role: roleMap(load.roles),
    model,
    loadType: load.loadType,
    filePath,
  };
}

/** publishBind: the full role map, but only the initiator's model; local = the initiator. */
export function bindRequest(bind: ModelBind): PublishRequest {
  const { role, partyId } = bind.initiator;
  return {
    ...empty,
    serviceId: bind.serviceId,
    local: { role, partyId },
    role: roleMap(bind.roles),
    model: { [role]: { roleModelInfo: { [partyId]: { tableName: bind.modelVersion, namespace: partyModelId(role, partyId, bind.modelId) } } } },
  };
}
