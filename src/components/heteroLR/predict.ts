// HeteroLR prediction from a stored model (a predict job's `input.model`): the guest asks each
// host for its plain partial scores W_h·X_h of the guest's ids (FATE's host_prob, as at the end of
// training; one per class for a one-vs-rest model), adds its own W_g·X_g + b and applies the sigmoid.
// The arbiter has nothing to do. The arithmetic is the training job's own, in the same order, so the
// scores are the same numbers.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput, PartyRef } from '../contract.js';
import { predictSchema, predictTable } from '../../tableData/predictColumns.js';
import { Channel } from '../linearModel/protocol.js';
import { lrColumns, RowsById } from '../linearModel/featureColumns.js';
import { storedLRModels } from './modelBuffers.js';
import type { HeteroLogisticParam } from '../linearModel/params.js';
import { answerHostSumsFrom, hostSums } from '../linearModel/hostSums.js';
import { predictColumns } from './scores.js';

const TAG = 'predict';

function tableToPredict(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.eval_data ?? input.data.data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroLR: no data to predict (expected eval_data)');
  return t;
}

export async function predictFromModel(
  input: ComponentInput,
  ctx: ComponentContext,
  p: HeteroLogisticParam,
  peers: { guest: PartyRef; hosts: PartyRef[] },
): Promise<ComponentOutput> {
  const model = input.model!;
  if (input.role === 'arbiter') return { model, modelModule: 'HeteroLR' };
  const table = tableToPredict(input);
  const stored = storedLRModels(model, table.schema.header);
  const ch = new Channel(ctx);
  if (input.role === 'host') {
    await answerHostSumsFrom(ch, TAG, peers.guest, new RowsById(lrColumns(table)), stored.coefs);
    return { model, modelModule: 'HeteroLR' };
  }
  const cols = lrColumns(table);
  const sums = await hostSums(ch, TAG, peers.hosts, cols.keys, stored.coefs.length);
  return {
    data: predictTable(predictSchema(table.schema.sid_name), predictColumns(stored, cols, sums, p.threshold, 'predict')),
    model,
    modelModule: 'HeteroLR',
  };
}
