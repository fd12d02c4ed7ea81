import type { PartyLoadResult } from './events.js';
import type { PartyRef, RoleMap } from './plan.js';

/** A serving's (or a party node's) answer: 0 = success. */
export interface Outcome {
  readonly retcode: number;
  readonly retmsg: string;
}

export type PublishCommand =
  | {
      type: 'RequestLoad';
      data: { jobId: string; modelId: string; modelVersion: string; initiator: PartyRef; roles: RoleMap; loadType: string; at: number };
    }
  | {
      /** One party's publishLoad to one serving address (serving null: none configured). */
      type: 'RecordPublish';
      data: PartyRef & { jobId: string; modelId: string; modelVersion: string; serving: string | null; loadType: string; outcome: Outcome; at: number };
    }
  | {
      type: 'FinishLoad';
      /** `reason`: why the load ended without every answer (e.g. the node restarted while it ran). */
      data: { jobId: string; modelId: string; modelVersion: string; results: PartyLoadResult[]; reason?: string; at: number };
    }
  | {
      /** The initiator's publishBind to one serving address. */
      type: 'RecordBind';
      data: PartyRef & { serviceId: string; modelId: string; modelVersion: string; serving: string | null; outcome: Outcome; at: number };
    };
