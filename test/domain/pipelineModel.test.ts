// The pipeline model decider: a model is saved once, never overwritten, and must carry its
// pipeline buffer and a sha256 digest per buffer and for the whole model.
import { suite } from 'uvu';
import { pipelineModelDecider } from '../../src/domain/model/decider.js';
import type { PipelineModelEvent, PipelineModelSavedData } from '../../src/domain/model/events.js';
import { deciderSpec } from '../support/deciderSpec.js';

const spec = deciderSpec(pipelineModelDecider);
const hex = (c: string) => c.repeat(64);

const saved = (over: Partial<PipelineModelSavedData> = {}): PipelineModelSavedData => ({
  partyModelId: 'guest#9999#arbiter-10001#guest-9999#host-10000#model',
  modelVersion: '202011101532147423781',
  modelId: 'arbiter-10001#guest-9999#host-10000#model',
  role: 'guest',
  partyId: '9999',
  jobId: '202011101532147423781',
  initiator: { role: 'guest', partyId: '9999' },
  components: [{ name: 'dataio_0', module: 'DataIO', alias: 'dataio' }, { name: 'pipeline', module: 'Pipeline', alias: 'pipeline' }],
  buffers: [
    { key: 'pipeline.pipeline:Pipeline', protoClass: 'Pipeline', sha256: hex('a'), size: 10 },
    { key: 'dataio_0.dataio:DataIOMeta', protoClass: 'DataIOMeta', sha256: hex('b'), size: 5 },
  ],
  sha256: hex('c'),
  skipped: [],
  at: 1000,
  ...over,
});

const t = suite('domain: pipeline model decider');

t('given no model, when saved, then PipelineModelSaved with the buffers sorted by key', () => {
  const data = saved();
  spec.given([]).when({ type: 'SavePipelineModel', data }).then([
    { type: 'PipelineModelSaved', data: { ...data, buffers: [data.buffers[1]!, data.buffers[0]!] } },
  ]);
});

t('given a saved model, when saved again (even the same content), then refused: models are immutable', () => {
  const past: PipelineModelEvent[] = [{ type: 'PipelineModelSaved', data: saved() }];
  spec.given(past).when({ type: 'SavePipelineModel', data: saved() }).thenThrows(/already saved \(sha256 c{64}\); a saved model never changes/);
  spec.given(past).when({ type: 'SavePipelineModel', data: saved({ sha256: hex('d') }) }).thenThrows(/already saved/);
});

t('given no model, when the pipeline buffer is missing, then refused', () => {
  spec.given([]).when({ type: 'SavePipelineModel', data: saved({ buffers: [saved().buffers[1]!] }) }).thenThrows(/has no pipeline\.pipeline:Pipeline buffer/);
});

t('given no model, when a buffer has no digest or a malformed key, or the model no digest, then refused', () => {
  const [pipeline, meta] = saved().buffers as [PipelineModelSavedData['buffers'][0], PipelineModelSavedData['buffers'][0]];
  spec.given([]).when({ type: 'SavePipelineModel', data: saved({ buffers: [pipeline, { ...meta, sha256: 'nope' }] }) }).thenThrows(/dataio_0\.dataio:DataIOMeta has no sha256/);
  spec.given([]).when({ type: 'SavePipelineModel', data: saved({ buffers: [pipeline, { ...meta, key: 'DataIOMeta' }] }) }).thenThrows(/not <component>\.<alias>:<BufferName>/);
  spec.given([]).when({ type: 'SavePipelineModel', data: saved({ buffers: [pipeline, meta, meta] }) }).thenThrows(/appears twice/);
  spec.given([]).when({ type: 'SavePipelineModel', data: saved({ sha256: '' }) }).thenThrows(/the model has no sha256/);
});

t.run();
