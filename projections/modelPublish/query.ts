import type { Database } from 'better-sqlite3';
import type { PartyLoadResult } from '../../src/domain/publish/events.js';
import { prepared } from '../filters.js';
import { T_MODEL_LOAD, T_MODEL_SERVICE, T_MODEL_SERVING } from './schema.js';

export interface ModelLoadView {
  jobId: string;
  modelId: string;
  modelVersion: string;
  initiator: { role: string; partyId: string };
  status: 'loading' | 'success' | 'failed';
  retcode: number | null;
  results: PartyLoadResult[];
  /** Why the load ended without every party's answer, if it did. */
  reason: string | null;
  createTime: number;
  endTime: number | null;
}

export interface ServedModel {
  serving: string;
  role: string;
  partyId: string;
  modelId: string;
  modelVersion: string;
  partyModelId: string;
  jobId: string;
}

export interface ServiceBinding {
  serviceId: string;
  serving: string;
  role: string;
  partyId: string;
  modelId: string;
  modelVersion: string;
  partyModelId: string;
}

export function modelLoad(db: Database, jobId: string): ModelLoadView | undefined {
  const r = prepared(db, `SELECT * FROM ${T_MODEL_LOAD} WHERE f_job_id = ?`).get(jobId) as Record<string, any> | undefined;
  if (!r) return undefined;
  return {
    jobId: r.f_job_id, modelId: r.f_model_id, modelVersion: r.f_model_version, initiator: { role: r.f_initiator_role, partyId: r.f_initiator_party_id },
    status: r.f_status, retcode: r.f_retcode, results: JSON.parse(r.f_results), reason: r.f_reason, createTime: r.f_create_time, endTime: r.f_end_time,
  };
}

/** Loads still waiting for their verdict (after a restart: the ones the node was running when it stopped). */
export function openLoads(db: Database): { jobId: string; modelId: string; modelVersion: string }[] {
  const rows = prepared(db, `SELECT f_job_id, f_model_id, f_model_version FROM ${T_MODEL_LOAD} WHERE f_status = 'loading' ORDER BY f_create_time`).all() as Record<string, string>[];
  return rows.map((r) => ({ jobId: r.f_job_id!, modelId: r.f_model_id!, modelVersion: r.f_model_version! }));
}

/** Party models loaded on a serving address (`where: serving`) or the servings of one model (`where: model`). */
export function servedModels(db: Database, where: { serving: string } | { modelId: string; modelVersion: string }): ServedModel[] {
  const rows = ('serving' in where
    ? prepared(db, `SELECT * FROM ${T_MODEL_SERVING} WHERE f_serving = ? ORDER BY f_model_id, f_model_version, f_role, f_party_id`).all(where.serving)
    : prepared(db, `SELECT * FROM ${T_MODEL_SERVING} WHERE f_model_id = ? AND f_model_version = ? ORDER BY f_role, f_party_id, f_serving`).all(where.modelId, where.modelVersion)) as Record<string, any>[];
  return rows.map((r) => ({ serving: r.f_serving, role: r.f_role, partyId: r.f_party_id, modelId: r.f_model_id, modelVersion: r.f_model_version, partyModelId: r.f_party_model_id, jobId: r.f_job_id }));
}

/** Where a service id is bound, one entry per serving address. */
export function serviceBindings(db: Database, serviceId: string): ServiceBinding[] {
  const rows = prepared(db, `SELECT * FROM ${T_MODEL_SERVICE} WHERE f_service_id = ? ORDER BY f_serving`).all(serviceId) as Record<string, any>[];
  return rows.map((r) => ({ serviceId: r.f_service_id, serving: r.f_serving, role: r.f_role, partyId: r.f_party_id, modelId: r.f_model_id, modelVersion: r.f_model_version, partyModelId: r.f_party_model_id }));
}
