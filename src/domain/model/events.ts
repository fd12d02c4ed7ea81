// Events of one party's pipeline model (party model id, model_version). The buffers themselves
// are not events: they live in the party's model store (src/models/modelStore.ts), written before
// PipelineModelSaved; the event carries their keys and sha256 digests so the log can vouch for them.

/** One stored buffer: `<component>.<alias>:<BufferName>`, its proto class, its digest and size. */
export interface BufferDigest {
  readonly key: string;
  /** FATE's proto class name, e.g. `LRModelParam` for `HeteroLogisticRegressionParam`. */
  readonly protoClass: string;
  readonly sha256: string;
  readonly size: number;
}

/** A component of the model: what /v1/model/transfer's define_meta would list. */
export interface ModelComponent {
  readonly name: string;
  readonly module: string;
  readonly alias: string;
}

export interface PipelineModelSavedData {
  readonly partyModelId: string;
  readonly modelVersion: string;
  readonly modelId: string;
  readonly role: string;
  readonly partyId: string;
  /** The training job (= model_version). */
  readonly jobId: string;
  readonly initiator: { readonly role: string; readonly partyId: string };
  readonly components: readonly ModelComponent[];
  /** Sorted by key. */
  readonly buffers: readonly BufferDigest[];
  /** sha256 of the whole model (see modelDigest in src/models/digest.ts). */
  readonly sha256: string;
  /** Output models of this party that have no stored schema in this version (not saved). */
  readonly skipped: readonly string[];
  readonly at: number;
}

export type PipelineModelEvent = { type: 'PipelineModelSaved'; data: PipelineModelSavedData };

export const PIPELINE_MODEL_EVENT_TYPES: readonly PipelineModelEvent['type'][] = ['PipelineModelSaved'];

/** The key FATE gives the pipeline buffer itself. */
export const PIPELINE_BUFFER_KEY = 'pipeline.pipeline:Pipeline';

/** One stream per party model and version: `pipeline_model-<party model id>/<model_version>`. */
export function pipelineModelStreamId(partyModelId: string, modelVersion: string): string {
  return `pipeline_model-${encodeURIComponent(partyModelId)}/${encodeURIComponent(modelVersion)}`;
}

/** `<component>.<alias>:<BufferName>` split into its parts (undefined when it is not one). */
export function parseBufferKey(key: string): { component: string; alias: string; bufferName: string } | undefined {
  const m = /^([^.:]+)\.([^:]+):(.+)$/.exec(key);
  return m ? { component: m[1]!, alias: m[2]!, bufferName: m[3]! } : undefined;
}
