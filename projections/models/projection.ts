import type { PipelineModelEvent } from '../../src/domain/model/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { pipelineModelsSchema, T_PIPELINE_MODEL } from './schema.js';

function project(event: PipelineModelEvent): RowOp[] {
  const d = event.data;
  return [{
    op: 'upsert',
    table: T_PIPELINE_MODEL,
    row: {
      f_party_model_id: d.partyModelId, f_model_version: d.modelVersion, f_model_id: d.modelId, f_role: d.role, f_party_id: d.partyId,
      f_job_id: d.jobId, f_initiator_role: d.initiator.role, f_initiator_party_id: d.initiator.partyId, f_sha256: d.sha256,
      f_components: JSON.stringify(d.components), f_buffers: JSON.stringify(d.buffers), f_skipped: JSON.stringify(d.skipped), f_create_time: d.at,
    },
  }];
}

export const pipelineModelsProjection: Projection = {
  name: 'pipelineModels',
  schema: pipelineModelsSchema,
  tables: [T_PIPELINE_MODEL],
  project: (event) => (event.type === 'PipelineModelSaved' ? project(event as unknown as PipelineModelEvent) : []),
};
