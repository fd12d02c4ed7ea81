// A party's pipeline model as it is stored: every output model of the party's components as
// protobuf bytes under `<component>.<alias>:<BufferName>`, plus the Pipeline buffer, each with its
// sha256, and the whole model's digest. Output models without a schema here are listed, not stored.
import type { ModelBuffers } from '../domain/model/modelBuffers.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import { partyModelId } from '../domain/dsl/runtimeConf.js';
import { PIPELINE_BUFFER_KEY, type BufferDigest, type ModelComponent, type PipelineModelSavedData } from '../domain/model/events.js';
import { encodeBuffer, protoClassOf } from './bufferCodec.js';
import { modelDigest, sha256Hex } from './digest.js';
import { encodePipeline, pipelineOf } from './pipelineBuffer.js';

/** One component's recorded output model (OutputModelRecorded). */
export interface RecordedModel {
  readonly component: string;
  readonly module: string;
  readonly alias: string;
  readonly buffers: ModelBuffers;
}

export interface StoredBuffer extends BufferDigest {
  readonly bytes: Uint8Array;
}

export interface EncodedPartyModel {
  readonly buffers: readonly StoredBuffer[];
  /** The event to record once the buffers are stored (without `at`). */
  readonly saved: Omit<PipelineModelSavedData, 'at'>;
}

export function encodePartyModel(plan: JobPlan, role: string, partyId: string, models: readonly RecordedModel[]): EncodedPartyModel {
  const buffers: StoredBuffer[] = [];
  const components: ModelComponent[] = [];
  const skipped: string[] = [];
  const add = (key: string, protoClass: string, bytes: Uint8Array) => buffers.push({ key, protoClass, bytes, sha256: sha256Hex(bytes), size: bytes.length });
  for (const m of models) {
    components.push({ name: m.component, module: m.module, alias: m.alias });
    for (const [bufferName, json] of Object.entries(m.buffers)) {
      const key = `${m.component}.${m.alias}:${bufferName}`;
      const protoClass = protoClassOf(bufferName);
      if (!protoClass) {
        skipped.push(key);
        continue;
      }
      add(key, protoClass, encodeBuffer(bufferName, json));
    }
  }
  components.push({ name: 'pipeline', module: 'Pipeline', alias: 'pipeline' });
  add(PIPELINE_BUFFER_KEY, 'Pipeline', encodePipeline(pipelineOf(plan, role, partyId)));
  buffers.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    buffers,
    saved: {
      partyModelId: partyModelId(role, partyId, plan.modelId),
      modelVersion: plan.modelVersion,
      modelId: plan.modelId,
      role,
      partyId,
      jobId: plan.jobId,
      initiator: { role: plan.initiator.role, partyId: String(plan.initiator.partyId) },
      components,
      buffers: buffers.map(({ bytes: _bytes, ...digest }) => digest),
      sha256: modelDigest(buffers),
      skipped,
    },
  };
}
