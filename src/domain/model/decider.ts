// A party's pipeline model is written once: the first SavePipelineModel of a (party model id,
// model_version) is recorded, any later one is refused (models are immutable; a new training job
// makes a new version). A model must hold its pipeline buffer and one digest per buffer.
import { IllegalStateError, type Decider } from '../decider.js';
import type { PipelineModelCommand } from './commands.js';
import { parseBufferKey, PIPELINE_BUFFER_KEY, type PipelineModelEvent } from './events.js';

export interface PipelineModelState {
  readonly saved: boolean;
  /** The whole model's sha256 once saved. */
  readonly sha256?: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export const pipelineModelDecider: Decider<PipelineModelState, PipelineModelCommand, PipelineModelEvent> = {
  initialState: () => ({ saved: false }),

  decide(command, state) {
    const d = command.data;
    if (state.saved) {
      throw new IllegalStateError(`pipeline model ${d.partyModelId} version ${d.modelVersion} is already saved (sha256 ${state.sha256}); a saved model never changes`);
    }
    if (!d.partyModelId || !d.modelVersion) throw new IllegalStateError('a pipeline model needs a party model id and a model_version');
    if (!d.buffers.some((b) => b.key === PIPELINE_BUFFER_KEY)) {
      throw new IllegalStateError(`pipeline model ${d.partyModelId} version ${d.modelVersion} has no ${PIPELINE_BUFFER_KEY} buffer`);
    }
    const keys = new Set<string>();
    for (const b of d.buffers) {
      if (!parseBufferKey(b.key)) throw new IllegalStateError(`buffer key ${JSON.stringify(b.key)} is not <component>.<alias>:<BufferName>`);
      if (keys.has(b.key)) throw new IllegalStateError(`buffer ${b.key} appears twice`);
      keys.add(b.key);
      if (!SHA256_HEX.test(b.sha256)) throw new IllegalStateError(`buffer ${b.key} has no sha256 digest`);
    }
    if (!SHA256_HEX.test(d.sha256)) throw new IllegalStateError('the model has no sha256 digest');
    return [{ type: 'PipelineModelSaved', data: { ...d, buffers: [...d.buffers].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PipelineModelSaved':
        return { saved: true, sha256: event.data.sha256 };
      default:
        return state;
    }
  },
};
