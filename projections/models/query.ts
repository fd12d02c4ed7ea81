import type { Database } from 'better-sqlite3';
import { prepared } from '../filters.js';
import type { BufferDigest, ModelComponent } from '../../src/domain/model/events.js';
import { T_PIPELINE_MODEL } from './schema.js';

export interface PipelineModelRow {
  readonly partyModelId: string;
  readonly modelVersion: string;
  readonly modelId: string;
  readonly role: string;
  readonly partyId: string;
  readonly jobId: string;
  readonly initiator: { readonly role: string; readonly partyId: string };
  readonly sha256: string;
  readonly components: ModelComponent[];
  readonly buffers: BufferDigest[];
  readonly skipped: string[];
  readonly createTime: number;
}

function toModel(r: Record<string, unknown>): PipelineModelRow {
  return {
    partyModelId: String(r.f_party_model_id), modelVersion: String(r.f_model_version), modelId: String(r.f_model_id),
    role: String(r.f_role), partyId: String(r.f_party_id), jobId: String(r.f_job_id),
    initiator: { role: String(r.f_initiator_role), partyId: String(r.f_initiator_party_id) }, sha256: String(r.f_sha256),
    components: JSON.parse(String(r.f_components ?? '[]')) as ModelComponent[], buffers: JSON.parse(String(r.f_buffers ?? '[]')) as BufferDigest[],
    skipped: JSON.parse(String(r.f_skipped ?? '[]')) as string[], createTime: Number(r.f_create_time),
  };
}

export function pipelineModel(db: Database, partyModelId: string, modelVersion: string): PipelineModelRow | undefined {
  const r = prepared(db, `SELECT * FROM ${T_PIPELINE_MODEL} WHERE f_party_model_id = ? AND f_model_version = ?`).get(partyModelId, modelVersion) as Record<string, unknown> | undefined;
  return r && toModel(r);
}

/** The models a party holds on this node (every party when role/partyId are absent), newest first. */
export function pipelineModels(db: Database, filter: { role?: string; partyId?: string } = {}): PipelineModelRow[] {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.role !== undefined) (where.push('f_role = ?'), args.push(filter.role));
  if (filter.partyId !== undefined) (where.push('f_party_id = ?'), args.push(String(filter.partyId)));
  const sql = `SELECT * FROM ${T_PIPELINE_MODEL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY f_create_time DESC, f_model_version DESC`;
  return (prepared(db, sql).all(...args) as Record<string, unknown>[]).map(toModel);
}
