// HeteroLR prediction from a stored model (a predict job's `input.model`): the guest asks each
// host for its plain partial score W_h·X_h of the guest's ids (FATE's host_prob, as at the end of
// training), adds its own W_g·X_g + b and applies the sigmoid. The arbiter has nothing to do.
// The arithmetic is the training job's own, in the same order, so the scores are the same numbers.
import type { ComponentContext, ComponentInput, ComponentOutput, DataTable, Instance, ModelBuffers, PartyRef } from '../contract.js';
import type { HeteroLogisticParam } from './params.js';

const PREFIX = 'HeteroLRTransferVariable.';
const TAG = 'predict';

export interface StoredLR {
  /** Coefficients in the order of `header`. */
  readonly coef: number[];
  readonly intercept: number;
  readonly header: string[];
}

/** The weights of a HeteroLogisticRegressionParam buffer, ordered by the data's header. */
export function storedLR(model: ModelBuffers, dataHeader: readonly string[]): StoredLR {
  const param = model.HeteroLogisticRegressionParam as Record<string, unknown> | undefined;
  if (!param) throw new Error('HeteroLR: the input model has no HeteroLogisticRegressionParam');
  const weight = (param.weight ?? {}) as Record<string, unknown>;
  const header = Array.isArray(param.header) ? param.header.map(String) : Object.keys(weight);
  if (header.length !== dataHeader.length || header.some((h) => !dataHeader.includes(h))) {
    throw new Error(`HeteroLR: predict data header [${dataHeader.join(', ')}] does not match the model header [${header.join(', ')}]`);
  }
  const coef = dataHeader.map((h) => {
    const w = weight[h];
    if (typeof w !== 'number') throw new Error(`HeteroLR: the model has no weight for feature ${JSON.stringify(h)}`);
    return w;
  });
  return { coef, intercept: typeof param.intercept === 'number' ? param.intercept : 0, header: [...dataHeader] };
}

function predictTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.eval_data ?? input.data.data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroLR: no data to predict (expected eval_data)');
  return t;
}

function dotRow(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += w[j]! * x[j]!;
  return s;
}

export async function predictFromModel(
  input: ComponentInput,
  ctx: ComponentContext,
  p: HeteroLogisticParam,
  peers: { guest: PartyRef; hosts: PartyRef[] },
  predictHeader: readonly string[],
): Promise<ComponentOutput> {
  const model = input.model!;
  if (input.role === 'arbiter') return { model, modelModule: 'HeteroLR' };
  const table = predictTable(input);
  const lr = storedLR(model, table.schema.header);
  if (input.role === 'host') {
    const keys = (await ctx.federation.get(PREFIX + 'predict_index', TAG, peers.guest)) as string[];
    const byKey = new Map(table.rows);
    const probs = keys.map((k) => {
      const inst = byKey.get(k);
      if (!inst) throw new Error(`HeteroLR: host has no row for id ${JSON.stringify(k)} (intersect first)`);
      return dotRow(lr.coef, inst.features);
    });
    await ctx.federation.remote(PREFIX + 'host_prob', TAG, probs, [peers.guest]);
    return { model, modelModule: 'HeteroLR' };
  }
  const keys = table.rows.map(([key]) => key);
  await ctx.federation.remote(PREFIX + 'predict_index', TAG, keys, peers.hosts);
  const hostParts: number[][] = [];
  for (const host of peers.hosts) {
    ctx.signal.throwIfAborted();
    hostParts.push((await ctx.federation.get(PREFIX + 'host_prob', TAG, host)) as number[]);
  }
  const rows: [string, unknown[]][] = table.rows.map(([key, inst], i) => {
    let z = dotRow(lr.coef, inst.features) + lr.intercept;
    for (const part of hostParts) z += part[i]!;
    const score = 1 / (1 + Math.exp(-z));
    return [key, [inst.label ?? null, score > p.threshold ? 1 : 0, score, { '0': 1 - score, '1': score }, 'predict']];
  });
  return {
    data: { schema: { header: [...predictHeader], sid_name: table.schema.sid_name }, rows },
    model,
    modelModule: 'HeteroLR',
  };
}
