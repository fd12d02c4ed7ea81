// HeteroFeatureSelection (FATE 1.4 federatedml/feature/hetero_feature_selection/): guest and hosts
// run the filters of `filter_methods` in order, each on its own columns. The local filters
// (unique_value, coefficient_of_variation_value_thres, outlier_cols, manually, percentage_value)
// need no exchange; the IV filters need the binning model (`input.isometric_model`) and the guest
// decides them for every party (guest.ts / host.ts). The output data keeps exactly the columns left;
// with `input.model` (a predict job, or a DSL reusing a fitted selection) the stored choice is replayed.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { Component, ComponentInput, PartyRef } from '../contract.js';
import { readBinningIvs, type BinningIvs } from './binningModel.js';
import { summarize, type ColumnSummary } from './columnSummary.js';
import type { LocalData, LocalFilter, MetaEntry } from './filters/localFilter.js';
import { manuallyFilter } from './filters/manually.js';
import { outlierFilter } from './filters/outlier.js';
import { percentageValueFilter } from './filters/percentageValue.js';
import { uniqueValueFilter } from './filters/uniqueValue.js';
import { varianceCoeFilter } from './filters/varianceCoe.js';
import { guestIvFilter } from './guest.js';
import { hostIvFilter } from './host.js';
import { exportModel, keptIndexes, loadModel } from './model.js';
import { IV_FILTERS, readSelectionParams, type FeatureSelectionParam, type FilterMethod } from './params.js';
import { CompletedSelection, SelectionProperties } from './selectionState.js';

const WHO = 'HeteroFeatureSelection';

function localFilter(method: FilterMethod, param: FeatureSelectionParam): LocalFilter {
  switch (method) {
    case 'unique_value': return uniqueValueFilter(param.unique.eps);
    case 'coefficient_of_variation_value_thres': return varianceCoeFilter(param.varianceCoe.valueThreshold);
    case 'outlier_cols': return outlierFilter(param.outlier.percentile, param.outlier.upperThreshold);
    case 'manually': return manuallyFilter(param.manually);
    case 'percentage_value': return percentageValueFilter(param.percentageValue.upperPct);
    default: throw new Error(`${WHO}: ${method} is not a local filter`);
  }
}

const dense = (features: unknown): features is ArrayLike<number> => Array.isArray(features) || ArrayBuffer.isView(features);

/** Refuses anything but dense instances before any filter reads a value. */
function checkDense(table: DataTable<Instance>): void {
  const width = table.schema.header.length;
  for (const [key, inst] of table.rows) {
    if (!inst || !dense(inst.features)) {
      throw new Error(`${WHO}: row ${key} is not a dense instance; selection reads DataIO's output with output_format dense`);
    }
    if (inst.features.length !== width) throw new Error(`${WHO}: row ${key} has ${inst.features.length} features for ${width} header columns`);
  }
}

/** The table's rows with only the columns at `indexes`, and the header of those columns. */
export function keepColumns(table: DataTable<Instance>, indexes: readonly number[]): DataTable<Instance> {
  const rows: [string, Instance][] = table.rows.map(([key, inst]) => {
    const features = indexes.map((i) => inst.features[i]!);
    return [key, inst.label === undefined ? { features } : { features, label: inst.label }];
  });
  return { schema: { ...table.schema, header: indexes.map((i) => table.schema.header[i]!) }, rows };
}

/** The initial state: every column alive, the selected ones as select_col_indexes/select_names say. */
function startState(param: FeatureSelectionParam, header: readonly string[]): SelectionProperties {
  const props = new SelectionProperties(header);
  if (param.selectColIndexes === -1) props.selectAll();
  else props.addSelectIndexes(param.selectColIndexes);
  props.addSelectNames(param.selectNames);
  return props;
}

async function fit(input: ComponentInput, table: DataTable<Instance>, param: FeatureSelectionParam, context: Parameters<Component>[1]) {
  const header = table.schema.header;
  if (table.rows.length === 0) throw new Error(`${WHO}: the input table has no rows`);
  if (header.length === 0) throw new Error(`${WHO}: the input table has no feature columns`);
  const hosts: PartyRef[] = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
  const guestId = input.roles.guest?.[0];
  const usesIv = param.filterMethods.some((m) => IV_FILTERS.has(m));
  // Only the IV filters read the binning model: the guest for the IVs, a host for the binning
  // header it names its columns by (a host without one is refused by hostIvFilter unless local_only).
  const binning: BinningIvs | undefined = usesIv && (input.isometricModel || input.role === 'guest') ? readBinningIvs(input.isometricModel) : undefined;

  let summaries: ColumnSummary[] | undefined;
  const rows = table.rows.map(([, inst]) => inst);
  const data: LocalData = { rows, summaries: () => (summaries ??= summarize(rows, header.length)) };

  let props = startState(param, header);
  const completed = new CompletedSelection(props);
  const metas: MetaEntry[] = [];
  const setMeta = (entry: MetaEntry) => {
    const at = metas.findIndex(([f]) => f === entry[0]);
    if (at >= 0) metas[at] = entry;
    else metas.push(entry);
  };
  // FATE runs no filter when nothing is selected. With an IV filter that would leave the other
  // parties waiting for this one forever, so then the filters run (on no column) and the exchange happens.
  const methods = props.select.length === 0 && !usesIv ? [] : param.filterMethods;
  for (const [index, method] of methods.entries()) {
    context.signal.throwIfAborted();
    let hostResults: readonly SelectionProperties[] = [];
    if (!IV_FILTERS.has(method)) {
      setMeta(localFilter(method, param)(props, data));
    } else if (input.role === 'guest') {
      const result = await guestIvFilter(method, index, param, props, binning!, hosts, context.federation);
      setMeta(result.meta);
      hostResults = result.hosts;
    } else {
      setMeta(await hostIvFilter(method, index, param, props, binning, guestId === undefined ? undefined : { role: 'guest', partyId: guestId }, context.federation));
    }
    completed.add(method, props, hostResults);
    props = props.next();
    context.tracker.setProgress(Math.round(((index + 1) / methods.length) * 100));
  }
  const model = exportModel({ param, completed, metas, hostPartyIds: hosts.map((h) => h.partyId) });
  return { data: keepColumns(table, completed.allLeft), model };
}

/** A stored selection replayed on new data: the kept columns, found by name in the data's header. */
function transform(table: DataTable<Instance>, input: ComponentInput) {
  const indexes = keptIndexes(loadModel(input.model!), table.schema.header);
  return { data: keepColumns(table, indexes), model: input.model! };
}

export const heteroFeatureSelection: Component = async (input, context) => {
  if (input.role !== 'guest' && input.role !== 'host') throw new Error(`${WHO} runs on guest and host, not on ${input.role}`);
  const param = readSelectionParams(input.params);
  const table = (input.data.data ?? input.data.train_data ?? input.data.eval_data) as DataTable<Instance> | undefined;
  if (!table) throw new Error(`${WHO}: no input data (expected data, train_data or eval_data)`);
  if (!param.needRun) return { data: table };
  checkDense(table);
  return input.model ? transform(table, input) : fit(input, table, param, context);
};
