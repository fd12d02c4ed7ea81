// The `pipeline.pipeline:Pipeline` buffer of a party's model (contract 10.1): the inference DSL
// deduced from the training DSL (6.6, with this role's CodePath per component), the training DSL
// and runtime conf, the roles, the model id/version and the initiator. Predict jobs read it back.
import { Pipeline } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/pipeline.js';
import { deducePredictDsl, predictDslForRole } from '../domain/dsl/predictDsl.js';
import type { JsonObject } from '../domain/dsl/json.js';
import type { JobPlan } from '../domain/dsl/plan.js';

/** What fedflow writes in `fate_version` (the Pipeline's producer, not a FATE release). */
export const PIPELINE_PRODUCER = 'fedflow-0.1.0';

export interface PipelineInfo {
  readonly inferenceDsl: JsonObject;
  readonly trainDsl: JsonObject;
  readonly trainRuntimeConf: JsonObject;
  readonly roles: Record<string, number[]>;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly initiatorRole: string;
  readonly initiatorPartyId: number;
  readonly workMode: number;
  readonly fateVersion: string;
}

const jsonBytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** The Pipeline message of (role, party) for a finished training job. */
export function pipelineOf(plan: JobPlan, role: string, partyId: number | string): Pipeline {
  const inference = predictDslForRole(deducePredictDsl(plan), role);
  return {
    inferenceDsl: jsonBytes(inference),
    trainDsl: jsonBytes(plan.dsl),
    trainRuntimeConf: jsonBytes(plan.conf),
    fateVersion: PIPELINE_PRODUCER,
    modelId: plan.modelId,
    modelVersion: plan.modelVersion,
    parent: true,
    loadedTimes: 0,
    roles: jsonBytes(plan.roles),
    wokeMode: plan.workMode,
    initiatorRole: plan.initiator.role,
    initiatorPartyId: plan.initiator.partyId,
    runtimeConfOnParty: jsonBytes({ ...plan.conf, local: { role, party_id: Number(partyId) } }),
    parentInfo: Buffer.alloc(0),
  };
}

export const encodePipeline = (pipeline: Pipeline): Uint8Array => Pipeline.encode(pipeline).finish();

/** A stored Pipeline buffer with its JSON fields parsed. */
export function readPipeline(bytes: Uint8Array): PipelineInfo {
  const p = Pipeline.decode(bytes);
  const parse = (b: Uint8Array, what: string): JsonObject => {
    try {
      return b.length ? (JSON.parse(Buffer.from(b).toString('utf8')) as JsonObject) : {};
    } catch {
      throw new Error(`the stored Pipeline buffer's ${what} is not JSON`);
    }
  };
  return {
    inferenceDsl: parse(p.inferenceDsl, 'inference_dsl'),
    trainDsl: parse(p.trainDsl, 'train_dsl'),
    trainRuntimeConf: parse(p.trainRuntimeConf, 'train_runtime_conf'),
    roles: parse(p.roles, 'roles') as unknown as Record<string, number[]>,
    modelId: p.modelId,
    modelVersion: p.modelVersion,
    initiatorRole: p.initiatorRole,
    initiatorPartyId: p.initiatorPartyId,
    workMode: p.wokeMode,
    fateVersion: p.fateVersion,
  };
}
