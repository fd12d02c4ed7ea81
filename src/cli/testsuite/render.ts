// A task's runtime conf as FATE's examples/test/submit.py renders it before submitting: the
// substitute merged in, job_parameters.work_mode/backend from the env, the initiator's and every
// role's party ids replaced by the env's ids of the same role and position, and for a predict task
// the train task's model_id/model_version. Pure: the input conf is not modified.
import { SUITE_ROLES, SuiteError, type SuiteEnv } from './env.js';

export type Json = Record<string, unknown>;

export interface ModelInfo {
  model_id: string;
  model_version: string;
}

const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** FATE's recursive_update: objects merge key by key, anything else replaces. Returns a new object. */
export function recursiveUpdate(base: Json, update: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(update)) {
    out[key] = isObject(value) ? recursiveUpdate(isObject(out[key]) ? (out[key] as Json) : {}, value) : value;
  }
  return out;
}

export function renderConf(conf: Json, env: SuiteEnv, modelInfo?: ModelInfo, substitute?: Json): Json {
  const d = structuredClone(substitute ? recursiveUpdate(conf, substitute) : conf) as Json;
  if (!isObject(d.initiator) || typeof d.initiator.role !== 'string') throw new SuiteError('conf has no initiator.role');
  if (!isObject(d.role)) throw new SuiteError('conf has no "role" object');
  const params: Json = isObject(d.job_parameters) ? d.job_parameters : {};
  d.job_parameters = params;
  params.work_mode = env.workMode;
  params.backend = env.backend;
  const initiatorRole = d.initiator.role;
  const initiatorIds = (env.role as Record<string, readonly number[] | undefined>)[initiatorRole];
  if (!initiatorIds || initiatorIds[0] === undefined) throw new SuiteError(`the env has no ${initiatorRole} party for the initiator`);
  d.initiator.party_id = initiatorIds[0];
  for (const role of SUITE_ROLES) {
    const ids = d.role[role];
    if (ids === undefined) continue;
    if (!Array.isArray(ids)) throw new SuiteError(`conf role.${role} must be a list of party ids`);
    if (ids.length > env.role[role].length) {
      throw new SuiteError(`conf needs ${ids.length} ${role} parties, the env has ${env.role[role].length} (${env.role[role].join(', ') || 'none'})`);
    }
    d.role[role] = ids.map((_, i) => env.role[role][i]);
  }
  if (modelInfo) {
    params.model_id = modelInfo.model_id;
    params.model_version = modelInfo.model_version;
  }
  return d;
}
