// HeteroSecureBoost prediction from a stored model (a predict job's or a validation's `input.model`).
// The guest sends the ids to predict; each host answers, for every split node of its own in every
// tree, which way each row goes (one byte per row) — nothing else, and it receives nothing but the
// ids, which it holds already (intersection). The guest then walks every tree with its own splits and
// those answers, and adds the leaf weights, which only it holds.
import type { ComponentContext, ComponentInput, ComponentOutput, DataTable, Instance, PartyRef } from '../contract.js';
import type { BoostingTreeParam } from './params.js';
import { resultRow } from './predictResult.js';
import { BOOSTING, type Peers, sitename } from './protocol.js';
import { columnsOf, readStoredBoosting, type StoredBoosting } from './storedModel.js';
import { nodeKey, ownDirections, rawScores } from './treeWalk.js';

export const PREDICT_HEADER = ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'];

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

/** Raw scores of every row: the guest's own splits from its rows, the hosts' from their answers. */
export function guestScores(model: StoredBoosting, self: string, header: readonly string[], rows: readonly (readonly number[])[], hosts: ReadonlyMap<string, HostDirections>): number[][] {
  const own = directionsFor(model, self, header, rows);
  return rows.map((_, r) =>
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
  if (input.role === 'host') {
    const self: PartyRef = { role: 'host', partyId: input.partyId };
    const ids = (await ctx.federation.get(BOOSTING + 'predict_data', tag, peers.guest)) as string[];
    const byKey = new Map(table.rows);
    const rows = ids.map((id) => {
      const inst = byKey.get(id);
      if (!inst) throw new Error(`HeteroSecureBoost: host has no row for id ${JSON.stringify(id)} (intersect first)`);
      return inst.features;
    });
    await ctx.federation.remote(BOOSTING + 'predict_data_by_host', tag, directionsFor(model, sitename(self), table.schema.header, rows), [peers.guest]);
    return { model: buffers, modelModule: 'HeteroSecureBoost' };
  }
  await ctx.federation.remote(BOOSTING + 'predict_data', tag, table.rows.map(([key]) => key), peers.hosts);
  const hosts = new Map<string, HostDirections>();
  for (const host of peers.hosts) {
    ctx.signal.throwIfAborted();
    hosts.set(sitename(host), (await ctx.federation.get(BOOSTING + 'predict_data_by_host', tag, host)) as HostDirections);
  }
  const scores = guestScores(model, sitename(peers.guest), table.schema.header, table.rows.map(([, inst]) => inst.features), hosts);
  const rows: [string, unknown[]][] = table.rows.map(([key, inst], i) => [key, resultRow(model, scores[i]!, p.threshold, inst.label, type)]);
  return { data: { schema: { header: [...PREDICT_HEADER], sid_name: table.schema.sid_name }, rows }, model: buffers, modelModule: 'HeteroSecureBoost' };
}
