// HeteroSecureBoost (FATE 1.x federatedml/ensemble/boosting/hetero, spec §1.5): vertical gradient
// boosting with the labels at the guest and features split between guest and hosts. See guest.ts
// and host.ts for each side of the protocol, protocol.ts for what crosses the federation,
// predict.ts for prediction from a model.
import type { DataTable } from '../../tableData/dataTable.js';
import type { Component, ComponentOutput } from '../contract.js';
import { readCvParam } from '../crossValidation/kFold.js';
import { crossValidateBoost } from './crossValidate.js';
import { runGuest } from './guest.js';
import { runHost } from './host.js';
import { readParams } from './params.js';
import { predictFromModel } from './predict.js';
import { peersOf } from './protocol.js';
import { boostingValidator, evalTypeOf } from './validation.js';
import { readValidationParam } from '../validation/validationParam.js';

/** FATE's union_data: the train rows, then eval rows of other ids, in key order (a repeated id keeps its train row). */
function unionRows(train: DataTable, validate: DataTable): DataTable {
  const seen = new Set(train.rows.map(([k]) => k));
  const rows = [...train.rows, ...validate.rows.filter(([k]) => !seen.has(k))];
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { schema: train.schema, rows };
}

export const heteroSecureBoost: Component = async (input, ctx) => {
  const p = readParams(input.params);
  const peers = peersOf(input);
  if (input.role !== 'guest' && input.role !== 'host') throw new Error(`HeteroSecureBoost: no ${input.role} role (guest and host only)`);
  // A stored model as input (a predict job, or a validation component in the training DSL): predict only.
  if (input.model) return predictFromModel(input, ctx, p, peers);
  const cv = readCvParam(input.params, 'HeteroSecureBoost');
  if (cv.needCv) return crossValidateBoost(input, ctx, p, cv, peers);
  const hook = boostingValidator(input, ctx, p, readValidationParam(input.params, 'HeteroSecureBoost'), peers, evalTypeOf(p, input));
  const trained: ComponentOutput = input.role === 'guest' ? await runGuest(input, ctx, p, peers, hook) : await runHost(input, ctx, p, peers, hook);
  const evalData = input.data.eval_data;
  if (!evalData || !input.data.train_data) return trained;
  // FATE's fit(train, eval) then predict(eval) as "validate", with the model just trained.
  const validated = await predictFromModel({ ...input, data: { eval_data: evalData }, model: trained.model! }, ctx, p, peers, 'validate');
  if (input.role === 'host' || !trained.data || !validated.data) return trained;
  return { ...trained, data: unionRows(trained.data, validated.data) };
};
