// HeteroSecureBoost prediction from a stored model (a predict job's or a validation's `input.model`).
// The guest sends the ids to predict; each host answers, for every split node of its own in every
// tree, which way each row goes (one byte per row) — nothing else, and it receives nothing but the
// ids, which it holds already (intersection). The guest then walks every tree with its own splits and
// those answers, and adds the leaf weights, which only it holds. A big stored table (values unread,
// storedColumns.ts) is walked a piece at a time through the computing API: only the directions (a
// byte per row and split node), the scores and the labels are whole, never the features.
import { partitionedTableOf, type PartitionedTable } from '../../compute/compute.js';
import { columnsFromRows, type InstanceColumns } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput, PartyRef } from '../contract.js';
import { RowsById } from '../linearModel/featureColumns.js';
import { predictSchema, predictTable as predictColumnsTable } from '../../tableData/predictColumns.js';
import type { BoostingTreeParam } from './params.js';
import { predictColumnsFor, resultRow } from './predictResult.js';
import { BOOSTING, type Peers, sitename } from './protocol.js';
import { columnsOf, readStoredBoosting, type StoredBoosting } from './storedModel.js';
import { placesOf, storedLabels } from './storedBinning.js';
import { sameIds } from './trainData.js';
import { nodeKey, ownDirections, rawScores } from './treeWalk.js';

/** host → guest `predict_data_by_host`: per "tree:node" of the host's own splits, 1 = left, per id. */
export type HostDirections = Map<string, Uint8Array>;

function predictTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.eval_data ?? input.data.data ?? input.data.test_data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroSecureBoost: no data to predict (expected eval_data)');
  return t;
}

/** A party's directions for `rows` (its own features), by the model's feature names. */
export function directionsFor(model: StoredBoosting, site: string, header: readonly string[], rows: readonly (readonly number[])[]): HostDirections {
  const cols = columnsOf(model, header);
  return ownDirections(model, site, rows.length, (r, fid) => rows[r]![cols.get(fid) ?? -1]);
}

/**
 * A party's directions for `n` instances from its feature columns (issue 17: no row objects):
 * instance r is row index[r] of the columns, or row r without an index.
 */
export function directionsOfColumns(model: StoredBoosting, site: string, header: readonly string[], columns: readonly Float64Array[], n: number, index?: Int32Array): HostDirections {
  const cols = columnsOf(model, header);
  return ownDirections(model, site, n, (r, fid) => {
    const c = cols.get(fid);
    return c === undefined ? undefined : columns[c]?.[index ? index[r]! : r];
  });
}

/**
 * directionsOfColumns over a stored table read a piece at a time: instance place[r] is stored row r
 * (rows at −1 are no instance's), or instance r without `place`.
 */
export function directionsOfStored(model: StoredBoosting, site: string, header: readonly string[], table: PartitionedTable, n: number, place?: Int32Array): HostDirections {
  const cols = columnsOf(model, header);
  const out: HostDirections = new Map();
  for (const key of ownDirections(model, site, 0, () => undefined).keys()) out.set(key, new Uint8Array(n));
  if (out.size === 0) return out;
  table.forEachPiece(({ from, to, features }) => {
    const piece = ownDirections(model, site, to - from, (r, fid) => {
      const c = cols.get(fid);
      return c === undefined ? undefined : features[c]?.[r];
    });
    for (const [key, bits] of piece) {
      const all = out.get(key)!;
      if (!place) all.set(bits, from);
      else for (let r = from; r < to; r++) if (place[r]! >= 0) all[place[r]!] = bits[r - from]!;
    }
  });
  return out;
}

/** Raw scores of every row: the guest's own splits from its rows, the hosts' from their answers. */
export function guestScores(model: StoredBoosting, self: string, header: readonly string[], rows: readonly (readonly number[])[], hosts: ReadonlyMap<string, HostDirections>): number[][] {
  return scoresFrom(model, self, directionsFor(model, self, header, rows), rows.length, hosts);
}

/** Raw scores of n rows from the guest's own directions and the hosts' answers. */
function scoresFrom(model: StoredBoosting, self: string, own: HostDirections, n: number, hosts: ReadonlyMap<string, HostDirections>): number[][] {
  return Array.from({ length: n }, (_, r) =>
    rawScores(model, (site, tree, node) => {
      const dirs = site === self ? own : hosts.get(site);
      const bits = dirs?.get(nodeKey(tree, node));
      if (!bits) throw new Error(`HeteroSecureBoost: no direction for tree ${tree} node ${node} of ${site}`);
      return bits[r] === 1;
    }),
  );
}

export async function predictFromModel(input: ComponentInput, ctx: ComponentContext, p: BoostingTreeParam, peers: Peers, type = 'predict'): Promise<ComponentOutput> {
  const buffers = input.model!;
  const model = readStoredBoosting(buffers, input.role);
  const table = predictTable(input);
  const tag = `predict.${input.componentName}`;
  // The table's columns (a columnar table's own; its rows are never built), or undefined for rows
  // that are not plain instances of one shape, which keep the row code.
  const cols: InstanceColumns | undefined = table.columns ?? columnsFromRows(table.rows);
  if (input.role === 'host') {
    const self: PartyRef = { role: 'host', partyId: input.partyId };
    const ids = (await ctx.federation.get(BOOSTING + 'predict_data', tag, peers.guest)) as string[];
    const stored = table.columns && partitionedTableOf(table.columns);
    if (stored) {
      const same = sameIds(ids, table.columns!.keys);
      // An id named twice (never by an intersected guest) is answered from the columns loaded whole.
      const place = same ? undefined : placesOf(new RowsById(table.columns!, 'HeteroSecureBoost').indexes(ids), stored.count);
      if (same || place) {
        const dirs = directionsOfStored(model, sitename(self), table.schema.header, stored, ids.length, place);
        await ctx.federation.remote(BOOSTING + 'predict_data_by_host', tag, dirs, [peers.guest]);
        return { model: buffers, modelModule: 'HeteroSecureBoost' };
      }
    }
    if (cols) {
      const index = sameIds(ids, cols.keys) ? undefined : new RowsById(cols, 'HeteroSecureBoost').indexes(ids);
      const dirs = directionsOfColumns(model, sitename(self), table.schema.header, cols.features, ids.length, index);
      await ctx.federation.remote(BOOSTING + 'predict_data_by_host', tag, dirs, [peers.guest]);
      return { model: buffers, modelModule: 'HeteroSecureBoost' };
    }
    const byKey = new Map(table.rows);
    const rows = ids.map((id) => {
      const inst = byKey.get(id);
      if (!inst) throw new Error(`HeteroSecureBoost: host has no row for id ${JSON.stringify(id)} (intersect first)`);
      return inst.features;
    });
    await ctx.federation.remote(BOOSTING + 'predict_data_by_host', tag, directionsFor(model, sitename(self), table.schema.header, rows), [peers.guest]);
    return { model: buffers, modelModule: 'HeteroSecureBoost' };
  }
  await ctx.federation.remote(BOOSTING + 'predict_data', tag, cols ? cols.keys : table.rows.map(([key]) => key), peers.hosts);
  const hosts = new Map<string, HostDirections>();
  for (const host of peers.hosts) {
    ctx.signal.throwIfAborted();
    hosts.set(sitename(host), (await ctx.federation.get(BOOSTING + 'predict_data_by_host', tag, host)) as HostDirections);
  }
  const schema = predictSchema(table.schema.sid_name);
  if (cols) {
    const self = sitename(peers.guest);
    const n = cols.keys.length;
    // A big stored table: its own directions a piece at a time, its labels alone (never its features).
    const stored = table.columns && partitionedTableOf(table.columns);
    const own = stored ? directionsOfStored(model, self, table.schema.header, stored, n) : directionsOfColumns(model, self, table.schema.header, cols.features, n);
    const labels = stored ? storedLabels(table.columns!, stored) : cols.labels;
    const scores = scoresFrom(model, self, own, n, hosts);
    const columns = predictColumnsFor(model, cols.keys, labels ?? null, (i) => scores[i]!, p.threshold, type);
    const data: DataTable = columns
      ? predictColumnsTable(schema, columns)
      : { schema, rows: cols.keys.map((key, i) => [key, resultRow(model, scores[i]!, p.threshold, labels?.[i], type)]) };
    return { data, model: buffers, modelModule: 'HeteroSecureBoost' };
  }
  const scores = guestScores(model, sitename(peers.guest), table.schema.header, table.rows.map(([, inst]) => inst.features), hosts);
  const rows: [string, unknown[]][] = table.rows.map(([key, inst], i) => [key, resultRow(model, scores[i]!, p.threshold, inst.label, type)]);
  return { data: { schema: predictSchema(table.schema.sid_name), rows }, model: buffers, modelModule: 'HeteroSecureBoost' };
}
