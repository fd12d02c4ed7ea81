// HeteroFeatureBinning (FATE 1.4.5 federatedml/feature/hetero_feature_binning/): fit split points on
// each party's own columns, WOE/IV for the guest's columns in the clear and for the hosts' columns by
// the encrypted-label protocol (guest.ts, host.ts), then transform the data. With `input.model`
// (a predict job, or a transform with an upstream model) the stored split points and WOE transform
// the data instead, with nothing crossing the federation.
//
// Big tables (issue 17): fitting and the transform read the table's Float64Array columns (its own,
// or converted once from instance rows by `columnsOf`), and the transformed table is columnar. A big
// stored table is read through the computing API a piece at a time (rowPieces.ts): its split points,
// counts and sums come from passes over the pieces and its output is mapped as it is written, so its
// features are never whole in memory.
import { columnsOf } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { Component, PartyRef } from '../contract.js';
import { binColumns } from './columns.js';
import { fitGuest } from './guest.js';
import { fitHost } from './host.js';
import { loadModel, storedTransform, toModel } from './model.js';
import { readParams } from './params.js';
import type { PartyResults } from './results.js';
import { rowPiecesOf } from './rowPieces.js';
import { transformTable } from './transform.js';
import { splitPointsOnly } from './woe.js';

export interface FeatureBinningOptions {
  /** Rows per piece when a big stored table is read a piece at a time (tests force small pieces). */
  readonly pieceRows?: number;
}

/** The component; `options` for tests (the piece size of a stored table). */
export const featureBinningComponent = ({ pieceRows }: FeatureBinningOptions = {}): Component => async (input, ctx) => {
  const table = (input.data.data ?? input.data.train_data ?? input.data.eval_data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HeteroFeatureBinning: no input data (expected data, train_data or eval_data)');
  if (input.role !== 'guest' && input.role !== 'host') throw new Error(`HeteroFeatureBinning: runs on guest and host, not ${input.role}`);

  if (input.model) {
    const m = loadModel(input.model);
    if (!m.needRun) return { data: table };
    return { data: transformTable(table, storedTransform(m, input.role)), model: input.model };
  }

  const p = readParams(input.params);
  if (!p.needRun) return { data: table };
  const header = [...table.schema.header];
  const columns = columnsOf(table);
  const instances = columns && rowPiecesOf(columns, pieceRows);
  if (instances?.count === 0) throw new Error('HeteroFeatureBinning: the input table is empty');
  if (!instances) throw new Error('HeteroFeatureBinning: the input rows are not instances of one width with numeric features (run DataIO first)');
  if (header.length === 0) throw new Error('HeteroFeatureBinning: the input table has no feature columns');
  if (instances.width < header.length) {
    throw new Error(`HeteroFeatureBinning: the rows have ${instances.width} features for the ${header.length} columns of the header`);
  }
  const cols = binColumns(header, p);
  const self: PartyRef = { role: input.role, partyId: input.partyId };
  const guestId = input.roles.guest?.[0];
  const guest: PartyRef | undefined = guestId === undefined ? undefined : { role: 'guest', partyId: guestId };
  const hosts: PartyRef[] = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));

  let own: PartyResults;
  let hostResults: PartyResults[] = [];
  if (input.role === 'guest') {
    const fit = await fitGuest(instances, cols, p, self, hosts, ctx);
    own = fit.own;
    hostResults = fit.hosts;
  } else {
    const points = await fitHost(instances, cols, p, guest, ctx);
    const columns = new Map(cols.all.map((c) => [header[c]!, splitPointsOnly(points.get(header[c]!)!)]));
    own = { role: 'host', partyId: input.partyId, columns };
  }
  ctx.tracker.setProgress(90);
  const type = input.role === 'host' && p.transform.transformType === 'woe' ? null : p.transform.transformType;
  const data = transformTable(table, { type, columns: cols.transform.map((c) => header[c]!), results: own.columns });
  const model = toModel(p, header, cols.all.map((c) => header[c]!), cols.transform, own, hostResults);
  return { data, model };
};

export const heteroFeatureBinning: Component = featureBinningComponent();
