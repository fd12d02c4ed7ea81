// A predict job (job_parameters.job_type "predict", no DSL) runs the inference DSL stored in the
// training job's pipeline model, with the training runtime conf's parameters (contract 5.4, 6.6).
// Each party reads its own stored Pipeline; a party without the model refuses the job.
import { IllegalStateError } from '../domain/decider.js';
import { isPlainObject, own, type JsonObject } from '../domain/dsl/json.js';
import type { PipelineInfo } from './pipelineBuffer.js';

export interface PredictModelRef {
  readonly modelId: string;
  readonly modelVersion: string;
}

/** A party's stored model as a predict job needs it: its Pipeline and the buffers that were not stored. */
export interface StoredPipeline {
  readonly pipeline: PipelineInfo;
  readonly skipped: readonly string[];
}

export type PipelineLookup = (role: string, partyId: string, modelId: string, modelVersion: string) => StoredPipeline | undefined;

/**
 * The model a predict conf names; undefined for a training conf or when model_id/model_version are
 * missing (the conf check then answers with FATE's required-arguments message).
 */
export function predictModelOf(conf: unknown): PredictModelRef | undefined {
  const params = own(conf, 'job_parameters');
  if (!isPlainObject(params) || own(params, 'job_type') !== 'predict') return undefined;
  const modelId = own(params, 'model_id');
  const modelVersion = own(params, 'model_version');
  const present = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number';
  if (!present(modelId) || !present(modelVersion)) return undefined;
  return { modelId: String(modelId), modelVersion: String(modelVersion) };
}

/** Every (role, party id) a conf names, in conf order. */
export function partiesOf(conf: unknown): { role: string; partyId: string }[] {
  const roles = own(conf, 'role');
  if (!isPlainObject(roles)) return [];
  return Object.entries(roles).flatMap(([role, ids]) => (Array.isArray(ids) ? ids.map((id) => ({ role, partyId: String(id) })) : []));
}

/**
 * The DSL and training conf to plan a predict job with, from the first of `parties` (every one
 * must hold the model); throws IllegalStateError (retcode 100) naming model_id/model_version.
 */
export function predictPlanInputs(
  model: PredictModelRef,
  parties: readonly { role: string; partyId: string }[],
  lookup: PipelineLookup,
): { dsl: JsonObject; trainRuntimeConf: JsonObject; trainDsl: JsonObject } {
  let first: PipelineInfo | undefined;
  for (const { role, partyId } of parties) {
    const stored = lookup(role, partyId, model.modelId, model.modelVersion);
    if (!stored) {
      throw new IllegalStateError(
        `model_id ${model.modelId} model_version ${model.modelVersion}: ${role} ${partyId} has no such pipeline model; ` +
        'a predict job needs the model_id and model_version of a successful training job (its model_info)',
      );
    }
    if (stored.skipped.length) {
      throw new IllegalStateError(
        `model_id ${model.modelId} model_version ${model.modelVersion} can not predict: ${role} ${partyId}'s model lacks ` +
        `${stored.skipped.join(', ')} (no protobuf schema for these buffers in this version of fedflow)`,
      );
    }
    first ??= stored.pipeline;
  }
  if (!first) throw new IllegalStateError('a predict job needs at least one party (role)');
  return { dsl: first.inferenceDsl, trainRuntimeConf: first.trainRuntimeConf, trainDsl: first.trainDsl };
}
