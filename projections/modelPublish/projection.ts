import { PUBLISH_EVENT_TYPES, type PublishEvent } from '../../src/domain/publish/events.js';
import { json, type Projection, type RowOp } from '../rowOps.js';
import { modelPublishSchema, T_MODEL_LOAD, T_MODEL_SERVICE, T_MODEL_SERVING } from './schema.js';

function project(event: PublishEvent): RowOp[] {
  switch (event.type) {
    case 'ModelLoadRequested': {
      const d = event.data;
      return [{
        op: 'upsert',
        table: T_MODEL_LOAD,
        row: {
          f_job_id: d.jobId, f_model_id: d.modelId, f_model_version: d.modelVersion, f_initiator_role: d.initiator.role, f_initiator_party_id: d.initiator.partyId,
          f_roles: json(d.roles), f_load_type: d.loadType, f_status: 'loading', f_retcode: null, f_results: '[]', f_reason: null, f_create_time: d.at, f_end_time: null,
        },
      }];
    }
    case 'ModelLoadFinished': {
      const d = event.data;
      return [{ op: 'update', table: T_MODEL_LOAD, where: { f_job_id: d.jobId }, set: { f_status: d.retcode === 0 ? 'success' : 'failed', f_retcode: d.retcode, f_results: JSON.stringify(d.results), f_reason: d.reason ?? null, f_end_time: d.at } }];
    }
    case 'ModelPublished': {
      const d = event.data;
      return [{
        op: 'upsert',
        table: T_MODEL_SERVING,
        row: { f_serving: d.serving, f_role: d.role, f_party_id: d.partyId, f_model_id: d.modelId, f_model_version: d.modelVersion, f_party_model_id: d.partyModelId, f_load_type: d.loadType, f_job_id: d.jobId, f_update_time: d.at },
      }];
    }
    case 'ModelBound': {
      const d = event.data;
      return [{
        op: 'upsert',
        table: T_MODEL_SERVICE,
        row: { f_service_id: d.serviceId, f_serving: d.serving, f_role: d.role, f_party_id: d.partyId, f_model_id: d.modelId, f_model_version: d.modelVersion, f_party_model_id: d.partyModelId, f_update_time: d.at },
      }];
    }
    case 'ModelPublishFailed':
    case 'ModelBindFailed':
      return [];
  }
}

const HANDLED = new Set<string>(PUBLISH_EVENT_TYPES);

export const modelPublishProjection: Projection = {
  name: 'modelPublish',
  schema: modelPublishSchema,
  tables: [T_MODEL_LOAD, T_MODEL_SERVING, T_MODEL_SERVICE],
  project: (event) => (HANDLED.has(event.type) ? project(event as unknown as PublishEvent) : []),
};
