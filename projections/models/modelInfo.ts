// The model views as one answer per party model (POST /v1/model/query, FATE 1.6's model query
// named and filtered the same way): the pipeline model a party saved, with what publication did
// with it — the servings it was loaded on, the service ids bound to it, its last load. Read from
// t_pipeline_model and the publication views; `as_of` runs it on the views of the past.
import type { Database } from 'better-sqlite3';
import { prepared } from '../filters.js';
import { T_MODEL_LOAD, T_MODEL_SERVICE, T_MODEL_SERVING } from '../modelPublish/schema.js';
import { T_PIPELINE_MODEL } from './schema.js';

export interface ModelInfoFilter {
  readonly modelVersion: string;
  readonly modelId?: string;
  readonly role?: string;
  readonly partyId?: string;
}

export interface ModelInfo {
  readonly f_model_id: string;
  readonly f_model_version: string;
  readonly f_role: string;
  readonly f_party_id: string;
  readonly f_party_model_id: string;
  readonly f_job_id: string;
  readonly f_initiator_role: string;
  readonly f_initiator_party_id: string;
  readonly f_sha256: string;
  readonly f_components: unknown[];
  readonly f_create_time: number;
  /** Serving addresses this party model is loaded on. */
  readonly f_servings: string[];
  readonly f_service_ids: string[];
  readonly f_last_load: { readonly job_id: string; readonly status: string; readonly end_time: number | null } | null;
}

export function modelInfos(db: Database, f: ModelInfoFilter): ModelInfo[] {
  const where = ['f_model_version = ?'];
  const args: string[] = [f.modelVersion];
  if (f.modelId !== undefined) (where.push('f_model_id = ?'), args.push(f.modelId));
  if (f.role !== undefined) (where.push('f_role = ?'), args.push(f.role));
  if (f.partyId !== undefined) (where.push('f_party_id = ?'), args.push(f.partyId));
  const rows = prepared(db, `SELECT * FROM ${T_PIPELINE_MODEL} WHERE ${where.join(' AND ')} ORDER BY f_role, f_party_id`).all(...args) as Record<string, any>[];
  const servings = prepared(db, `SELECT f_serving FROM ${T_MODEL_SERVING} WHERE f_party_model_id = ? AND f_model_version = ? ORDER BY f_serving`);
  const services = prepared(db, `SELECT DISTINCT f_service_id FROM ${T_MODEL_SERVICE} WHERE f_party_model_id = ? AND f_model_version = ? ORDER BY f_service_id`);
  const lastLoad = prepared(db, `SELECT f_job_id, f_status, f_end_time FROM ${T_MODEL_LOAD} WHERE f_model_id = ? AND f_model_version = ? ORDER BY f_create_time DESC, f_job_id DESC LIMIT 1`);
  return rows.map((r) => {
    const load = lastLoad.get(r.f_model_id, r.f_model_version) as { f_job_id: string; f_status: string; f_end_time: number | null } | undefined;
    return {
      f_model_id: r.f_model_id, f_model_version: r.f_model_version, f_role: r.f_role, f_party_id: r.f_party_id, f_party_model_id: r.f_party_model_id,
      f_job_id: r.f_job_id, f_initiator_role: r.f_initiator_role, f_initiator_party_id: r.f_initiator_party_id, f_sha256: r.f_sha256,
      f_components: JSON.parse(r.f_components ?? '[]') as unknown[], f_create_time: r.f_create_time,
      f_servings: (servings.all(r.f_party_model_id, r.f_model_version) as { f_serving: string }[]).map((s) => s.f_serving),
      f_service_ids: (services.all(r.f_party_model_id, r.f_model_version) as { f_service_id: string }[]).map((s) => s.f_service_id),
      f_last_load: load ? { job_id: load.f_job_id, status: load.f_status, end_time: load.f_end_time } : null,
    };
  });
}
