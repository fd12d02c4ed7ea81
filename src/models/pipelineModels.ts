// A node's pipeline models: saving its parties' models at the end of a training job (blobs first,
// then the PipelineModelSaved event) and reading them back for /v1/model/transfer and predict jobs.
import type { Database } from 'better-sqlite3';
import type { ModelBuffers } from '../domain/model/modelBuffers.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import { partyModelId } from '../domain/dsl/runtimeConf.js';
import { IllegalStateError } from '../domain/decider.js';
import { pipelineModelDecider } from '../domain/model/decider.js';
import { parseBufferKey, PIPELINE_BUFFER_KEY, pipelineModelStreamId } from '../domain/model/events.js';
import { handleCommand } from '../eventSourcing/handleCommand.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { EventStore } from '../store/eventStore.js';
import type { ModelStore } from '../store/models/modelStore.js';
import { outputModel } from '../../projections/outputs/query.js';
import { pipelineModel, type PipelineModelRow } from '../../projections/models/query.js';
import { decodeBuffer } from './bufferCodec.js';
import { sha256Hex } from './digest.js';
import { encodePartyModel, type RecordedModel } from './partyModel.js';
import { readPipeline, type PipelineInfo } from './pipelineBuffer.js';

export interface PipelineModelsDeps {
  readonly store: EventStore;
  readonly views: Database;
  readonly blobs: ModelStore;
  readonly clock: Clock;
  readonly waitForViews: (position: bigint) => Promise<void>;
}

/** What the read side answers about one stored model. */
export interface StoredModel {
  readonly row: PipelineModelRow;
  /** Buffer key → protobuf bytes, every buffer the model's event lists (digests checked). */
  readonly buffers: ReadonlyMap<string, Uint8Array>;
}

export class PipelineModels {
  constructor(private readonly deps: PipelineModelsDeps) {}

  /**
   * Saves (role, party)'s model of a finished training job from the output models its tasks
   * recorded. Saving the same model again (a retried request) is a no-op; a different model under
   * the same id and version is refused.
   */
  async save(plan: JobPlan, role: string, partyId: string): Promise<PipelineModelRow> {
    const models: RecordedModel[] = [];
    for (const c of plan.components) {
      const recorded = outputModel(this.deps.views, { jobId: plan.jobId, componentName: c.name, role, partyId });
      if (recorded) models.push({ component: c.name, module: recorded.module, alias: recorded.alias, buffers: recorded.buffers });
    }
    const encoded = encodePartyModel(plan, role, partyId, models);
    const { partyModelId: id, modelVersion } = encoded.saved;
    const already = pipelineModel(this.deps.views, id, modelVersion);
    if (already) {
      if (already.sha256 === encoded.saved.sha256) return already;
      throw new IllegalStateError(`pipeline model ${id} version ${modelVersion} is already saved with other content (sha256 ${already.sha256})`);
    }
    await this.deps.blobs.put(id, modelVersion, encoded.buffers);
    const result = await handleCommand(this.deps.store, pipelineModelStreamId(id, modelVersion), pipelineModelDecider, {
      type: 'SavePipelineModel', data: { ...encoded.saved, at: this.deps.clock.now() },
    });
    if (result.appended) await this.deps.waitForViews(result.appended.position);
    return pipelineModel(this.deps.views, id, modelVersion)!;
  }

  /** The model's row and buffers, or undefined when this node holds no such model. */
  read(partyModelId: string, modelVersion: string): StoredModel | undefined {
    const row = pipelineModel(this.deps.views, partyModelId, modelVersion);
    if (!row) return undefined;
    const blobs = this.deps.blobs.get(partyModelId, modelVersion);
    const buffers = new Map<string, Uint8Array>();
    for (const digest of row.buffers) {
      const blob = blobs.get(digest.key);
      if (!blob) throw new Error(`model ${partyModelId} version ${modelVersion}: buffer ${digest.key} is missing from the model store`);
      if (sha256Hex(blob.bytes) !== digest.sha256) throw new Error(`model ${partyModelId} version ${modelVersion}: buffer ${digest.key} does not match its sha256`);
      buffers.set(digest.key, blob.bytes);
    }
    return { row, buffers };
  }

  /** The Pipeline buffer of (role, party)'s model, parsed, and what the model could not store; undefined when the model is not here. */
  pipeline(role: string, partyId: string, modelId: string, modelVersion: string): { pipeline: PipelineInfo; skipped: string[] } | undefined {
    const model = this.read(partyModelId(role, partyId, modelId), modelVersion);
    const bytes = model?.buffers.get(PIPELINE_BUFFER_KEY);
    return bytes && { pipeline: readPipeline(bytes), skipped: model!.row.skipped };
  }

  /** One component's buffers as the component reads them (JSON), undefined when the model has none. */
  componentModel(partyModel: string, modelVersion: string, component: string, alias: string): ModelBuffers | undefined {
    const model = this.read(partyModel, modelVersion);
    if (!model) return undefined;
    const out: ModelBuffers = {};
    for (const [key, bytes] of model.buffers) {
      const parts = parseBufferKey(key);
      if (parts && parts.component === component && parts.alias === alias) out[parts.bufferName] = decodeBuffer(parts.bufferName, bytes);
    }
    return Object.keys(out).length ? out : undefined;
  }
}
