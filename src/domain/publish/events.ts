// Events of one federated model's publication (load into serving, bind to a service id). They
// answer who loaded what, where and when, with the outcome per party and per serving address.
// The stream is per model (model_id + model_version); the pipeline model itself lives elsewhere.
import type { PartyRef, RoleMap } from './plan.js';

/** What one party answered to a load: its code and message, or nothing when it could not be reached. */
export interface PartyLoadResult extends PartyRef {
  readonly retcode: number;
  /** Undefined: the party's node was unreachable (FATE answers code 100 and no detail). */
  readonly retmsg?: string;
}

interface ModelScope {
  readonly modelId: string;
  readonly modelVersion: string;
}

export type PublishEvent =
  | {
      type: 'ModelLoadRequested';
      data: ModelScope & {
        jobId: string;
        initiator: PartyRef;
        roles: RoleMap;
        /** The parties asked to publish (every role but arbiter). */
        targets: PartyRef[];
        loadType: string;
        at: number;
      };
    }
  | {
      type: 'ModelPublished';
      data: ModelScope & PartyRef & { jobId: string; partyModelId: string; serving: string; loadType: string; at: number };
    }
  | {
      type: 'ModelPublishFailed';
      /** `serving` null: the party has no serving address configured. */
      data: ModelScope & PartyRef & { jobId: string; partyModelId: string; serving: string | null; loadType: string; retcode: number; retmsg: string; at: number };
    }
  | {
      type: 'ModelLoadFinished';
      data: ModelScope & { jobId: string; retcode: number; retmsg: string; results: PartyLoadResult[]; reason?: string; at: number };
    }
  | {
      type: 'ModelBound';
      data: ModelScope & PartyRef & { serviceId: string; partyModelId: string; serving: string; at: number };
    }
  | {
      type: 'ModelBindFailed';
      data: ModelScope & PartyRef & { serviceId: string; partyModelId: string; serving: string | null; retcode: number; retmsg: string; at: number };
    };

export const PUBLISH_EVENT_TYPES: readonly PublishEvent['type'][] = [
  'ModelLoadRequested', 'ModelPublished', 'ModelPublishFailed', 'ModelLoadFinished', 'ModelBound', 'ModelBindFailed',
];

export function modelPublishStreamId(modelId: string, modelVersion: string): string {
  return `model-publish-${encodeURIComponent(modelId)}/${encodeURIComponent(modelVersion)}`;
}
