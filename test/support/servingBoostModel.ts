// A trained HeteroSecureBoost model (breast, plaintext maths, 5 trees of depth 3) as the transfer
// data each party's serving pulls: its own FATE buffers, DataIO's and a Pipeline whose inference DSL
// has DataIO, Intersection and HeteroSecureBoost. For serving tests and bench:serving.
import type { ModelBuffers } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { heteroSecureBoost } from '../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { DataIOMeta } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-meta.js';
import { DataIOParam } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-param.js';
import { Pipeline } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/pipeline.js';
import { encodeBuffer } from '../../src/models/bufferCodec.js';
import { breast } from './breastHetero.js';
import { componentInput, InProcessJob } from './inProcessFederation.js';
import { MODEL_ID, PARTIES } from './servingModel.js';

export const SBT_MODEL_VERSION = '202612061300000000001';

const SBT_INFERENCE_DSL = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.eval_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
    hetero_secureboost_0: {
      module: 'HeteroSecureBoost',
      input: { data: { test_data: ['intersection_0.train'] }, model: ['pipeline.hetero_secureboost_0.train'] },
      output: { data: ['train'], model: ['train'] },
    },
  },
};

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function transferData(role: 'guest' | 'host', header: readonly string[], model: ModelBuffers): Record<string, string> {
  const guest = role === 'guest';
  const out: Record<string, string> = {
    'dataio_0.dataio:DataIOMeta': b64(DataIOMeta.encode(DataIOMeta.fromPartial({ inputFormat: 'dense', delimitor: ',', dataType: 'float64', withLabel: guest, labelName: guest ? 'y' : '', labelType: 'int', outputFormat: 'dense', needRun: true })).finish()),
    'dataio_0.dataio:DataIOParam': b64(DataIOParam.encode(DataIOParam.fromPartial({ header: [...header], sidName: 'id', labelName: guest ? 'y' : '' })).finish()),
    'pipeline.pipeline:Pipeline': b64(Pipeline.encode(Pipeline.fromPartial({ inferenceDsl: Buffer.from(JSON.stringify(SBT_INFERENCE_DSL)), modelId: MODEL_ID, modelVersion: SBT_MODEL_VERSION, fateVersion: '1.4.5' })).finish()),
  };
  for (const [name, json] of Object.entries(model)) out[`hetero_secureboost_0.train:${name}`] = b64(encodeBuffer(name, json));
  return out;
}

/** Trains and returns each party's transfer data, and the training scores by id (the guest's predict_score). */
export async function trainedBoostTransfer(): Promise<{ guest: Record<string, string>; host: Record<string, string>; scores: Map<string, number> }> {
  const data = await breast();
  const roles = { guest: [PARTIES.guest], host: [PARTIES.host] };
  const params = { task_type: 'classification', num_trees: 5, tree_param: { max_depth: 3 }, encrypt_param: { method: null } };
  const job = new InProcessJob();
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, partyId: role === 'guest' ? PARTIES.guest : PARTIES.host, roles, params, data: { train_data: table } });
  const [g, h] = await Promise.all([
    heteroSecureBoost(input('guest', data.guest), job.context({ role: 'guest', partyId: PARTIES.guest })),
    heteroSecureBoost(input('host', data.host), job.context({ role: 'host', partyId: PARTIES.host })),
  ]);
  const scores = new Map((g.data!.rows as [string, unknown[]][]).map(([k, r]) => [k, r[2] as number]));
  return { guest: transferData('guest', data.guest.schema.header, g.model!), host: transferData('host', data.host.schema.header, h.model!), scores };
}
