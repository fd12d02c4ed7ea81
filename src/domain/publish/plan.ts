// What a model load or bind addresses, computed from the request alone (FATE's
// generate_publish_model_info): each party's model id and version, and the parties that publish.
import { partyModelId } from '../dsl/runtimeConf.js';

/** A role → party ids map with string ids (they become protobuf map keys). */
export type RoleMap = Readonly<Record<string, readonly string[]>>;

export type { PartyRef } from '../partyRef.js';
import type { PartyRef } from '../partyRef.js';

export interface PartyModel {
  readonly model_id: string;
  readonly model_version: string;
}

// `<role>#<party_id>#<model_id>`: the id under which a party stores its part of a federated model
// (one definition, shared with the model store).
export { partyModelId };

/** `model[role][party] = {model_id: <party model id>, model_version}` for every party of the request. */
export function partyModels(roles: RoleMap, modelId: string, modelVersion: string): Record<string, Record<string, PartyModel>> {
  const out: Record<string, Record<string, PartyModel>> = {};
  for (const [role, ids] of Object.entries(roles)) {
    out[role] = {};
    for (const id of ids) out[role][id] = { model_id: partyModelId(role, id, modelId), model_version: modelVersion };
  }
  return out;
}

/** Every party that loads the model into its serving: all but the arbiter (it has no model to serve). */
export function loadTargets(roles: RoleMap): PartyRef[] {
  return Object.entries(roles)
    .filter(([role]) => role !== 'arbiter')
    .flatMap(([role, ids]) => [...new Set(ids)].map((partyId) => ({ role, partyId })));
}
