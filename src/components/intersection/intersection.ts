// Intersection, raw method (FATE 1.x federatedml/statistic/intersect, RawIntersect): ids are sent in
// the clear. The "send" role gives its ids to the join role (`join_role`, guest by default), which
// intersects and, with sync, sends the intersection back. Guest and every host take part; the guest
// intersects with all hosts. Each party outputs its own rows whose key is in the intersection.
// intersect_method 'rsa' runs the RSA blind-signature PSI in rsaIntersection.ts instead.
//
// Big tables (issue 17): every step works on the row indexes of the own ids, so a columnar input
// (DataIO's output at scale) is intersected from its keys column and its kept rows are copied
// column by column (`takeRows`): no row object is built, and the output is columnar too. When the
// runtime hands the task its input alone (`consumableColumns`), the kept rows are moved down within
// the input's own columns instead (`compactRows`): no new column memory at all. A big stored table
// (lazily read columns) is read and kept through the computing API (compute.ts `PartitionedTable`:
// `packedKeys`, `take`), its values never loaded.
import { partitionedTableOf } from '../../compute/compute.js';
import { columnarTable, compactRows, consumableColumns, rowCountOf, takeRows } from '../../tableData/columns.js';
import type { DataTable } from '../../tableData/dataTable.js';
import type { Component, ComponentInput, Federation, PartyRef } from '../contract.js';
import { getMaybePacked, sendJoinedIds } from '../federatedIds.js';
import { type IdList, joinedIds, knownJoinedIds, PACK_MIN, PackedIds } from '../../tableData/packedIds.js';
import { rsaIntersectIndexes, rsaSettings } from './rsaIntersection.js';
import { isSortedList, sortedMembership } from './sortedMembership.js';
import { StringSet } from './stringSet.js';

const TV = 'RawIntersectTransferVariable';
export const SEND_IDS_HOST = `${TV}.send_ids_host`;
export const SEND_IDS_GUEST = `${TV}.send_ids_guest`;
export const INTERSECT_IDS_HOST = `${TV}.intersect_ids_host`;
export const INTERSECT_IDS_GUEST = `${TV}.intersect_ids_guest`;
export const SYNC_INTERSECT_IDS_MULTI_HOSTS = `${TV}.sync_intersect_ids_multi_hosts`;

function flag(params: ComponentInput['params'], keys: string[], fallback: boolean): boolean {
  for (const key of keys) {
    const v = params[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw new Error(`Intersection: parameter ${key} must be a boolean, got ${JSON.stringify(v)}`);
    return v;
  }
  return fallback;
}

/** A list of ids from a party: packed (read in place, packedIds.ts) when it crossed threads so. */
async function getIds(federation: Federation, name: string, tag: string, from: PartyRef): Promise<IdList> {
  const payload = await getMaybePacked(federation, name, tag, from);
  if (payload instanceof PackedIds) return payload;
  if (!Array.isArray(payload)) throw new Error(`Intersection: ${name} from ${from.role} ${from.partyId} is not a list of ids`);
  return payload.map(String);
}

/**
 * The indexes (ascending) of the ids found in every list, among `candidates` (all ids when absent).
 * Sorted lists (the usual case: tables and the lists parties send are in key order) meet the own
 * ids in one merge pass (sortedMembership.ts); any other list becomes a set (stringSet.ts: one table
 * sized once). The own ids are only read.
 */
function restrict(own: IdList, candidates: Int32Array | undefined, ...lists: readonly IdList[]): Int32Array {
  const ownSorted = isSortedList(own);
  let strings: readonly string[] | undefined = own instanceof PackedIds ? undefined : own;
  const tests = lists.map((list): ((i: number, id: string) => boolean) => {
    if (ownSorted && isSortedList(list)) {
      const member = sortedMembership(own, list);
      return (i) => member[i] === 1;
    }
    // Any other order: a set of the list, probed with the own ids as strings (made here if packed).
    strings ??= (own as PackedIds).toArray();
    const set = new StringSet(list);
    return (_, id) => set.has(id);
  });
  const ids = strings ?? [];
  const total = candidates ? candidates.length : own.length;
  const out = new Int32Array(total);
  let count = 0;
  for (let k = 0; k < total; k++) {
    const i = candidates ? candidates[k]! : k;
    const id = ids[i]!;
    let inAll = true;
    for (let s = 0; s < tests.length && inAll; s++) inAll = tests[s]!(i, id);
    if (inAll) out[count++] = i;
  }
  return out.subarray(0, count);
}

/** The ids at `indexes`, in that order (what goes on the wire). */
function idsAt(ids: IdList, indexes: Int32Array): string[] {
  const out = new Array<string>(indexes.length);
  if (ids instanceof PackedIds) for (let k = 0; k < indexes.length; k++) out[k] = ids.at(indexes[k]!);
  else for (let k = 0; k < indexes.length; k++) out[k] = ids[indexes[k]!]!;
  return out;
}

/**
 * Sends the ids at `kept` as `federation.remote(name, tag, idsAt(ids, kept), targets)` would. Where
 * the federation takes packed lists, the list goes as its join, cut from the own ids' join by runs
 * (JoinedIds.joinAt), and that join is remembered for the kept rows' keys (keptJoins): HeteroLR's
 * guest then sends its batches' ids out of it without joining them again.
 */
async function sendIdsAt(federation: Federation, name: string, tag: string, ids: IdList, kept: Int32Array, targets: readonly PartyRef[]): Promise<void> {
  const packs = federation.remotePacked && kept.length >= PACK_MIN;
  const joined = !packs ? null : ids instanceof PackedIds ? ids.joinAt(kept) : joinedIds(ids).joinAt(kept);
  if (joined === null) return federation.remote(name, tag, idsAt(ids, kept), targets);
  keptJoins.set(kept, joined);
  return federation.remotePacked!(name, tag, { fedflowPackedStrings: joined, count: kept.length }, targets);
}

/** Sends all the own ids (packed own ids as their join, which they are). */
function sendAll(federation: Federation, name: string, tag: string, ids: IdList, targets: readonly PartyRef[]): Promise<void> {
  if (!(ids instanceof PackedIds)) return sendJoinedIds(federation, name, tag, joinedIds(ids), 0, ids.length, targets);
  if (!federation.remotePacked || ids.length < PACK_MIN) return federation.remote(name, tag, ids.toArray(), targets);
  return federation.remotePacked(name, tag, { fedflowPackedStrings: ids.joined, count: ids.length }, targets);
}

/** The join of the ids at a `kept` selection that was sent packed (sendIdsAt), for the output's keys. */
const keptJoins = new WeakMap<Int32Array, string>();

/**
 * This party's output: its rows at `kept` (ascending, so in key order as a filter would keep them).
 * A columnar table stays columnar; a row table (instances or raw upload lines) keeps its row
 * objects: raw lines have no columns, and instance rows turned into columns here would only be
 * built back into rows by the next reader that does not know columns (the gather is the only step
 * with two forms; the ids and the index selection are one).
 */
function keptRows(table: DataTable, ownIds: IdList, kept: Int32Array, onlyKey: boolean): DataTable {
  if (onlyKey) {
    // FATE's only_output_key: the key with the marker value, no features (not instances: rows).
    const rows = new Array<[string, unknown]>(kept.length);
    const keys = idsAt(ownIds, kept);
    for (let k = 0; k < kept.length; k++) rows[k] = [keys[k]!, 'intersect_id'];
    return { schema: { header: [], sid_name: table.schema.sid_name }, rows };
  }
  if (table.columns) {
    // Every row kept (ids aligned beforehand, a common case): the same columns, no copy. They stay
    // this task's input's alone: the runtime hands them to the next task only (which may then
    // write them in place, as FeatureScale does with a consumable input).
    const all = kept.length === rowCountOf(table.columns);
    if (all) return columnarTable(table.schema, table.columns);
    const own = consumableColumns(table);
    // Values still unread (a big table the runtime reads lazily): the kept rows stay unread and
    // are copied from the input's files to the output's (issue 17), else moved down in place.
    return columnarTable(table.schema, own ? (partitionedTableOf(own)?.take(kept) ?? compactRows(own, kept)) : takeRows(table.columns, kept));
  }
  const rows = new Array<[string, unknown]>(kept.length);
  for (let k = 0; k < kept.length; k++) rows[k] = table.rows[kept[k]!]!;
  return { schema: table.schema, rows };
}

export const intersection: Component = async (input, context) => {
  const { tracker, federation, signal } = context;
  const params = input.params;
  const method = String(params.intersect_method ?? 'raw').toLowerCase();
  if (method !== 'raw' && method !== 'rsa') {
    throw new Error(`Intersection: intersect_method ${method} is not supported; use raw or rsa`);
  }
  if (!flag(params, ['need_run'], true)) {
    const passthrough = input.data.data ?? input.data.train_data ?? input.data.eval_data;
    return passthrough ? { data: passthrough } : {};
  }
  const role = input.role;
  if (role !== 'guest' && role !== 'host') return {}; // an arbiter never takes part
  const table = input.data.data ?? input.data.train_data ?? input.data.eval_data;
  if (!table) throw new Error('Intersection: no input data (expected data, train_data or eval_data)');

  // FATE 1.7+ calls it sync_intersect_ids; 1.4 confs say is_send_intersect_ids.
  const sync = flag(params, ['sync_intersect_ids', 'is_send_intersect_ids'], true);
  const onlyKey = flag(params, ['only_output_key'], false);
  const joinRole = String(params.join_role ?? 'guest').toLowerCase();
  if (joinRole !== 'guest' && joinRole !== 'host') throw new Error(`Intersection: join_role must be guest or host, got ${joinRole}`);
  // The flow id of the running stage (FATE: 'fit' when fitting, 'transform' when a model is applied).
  const tag = input.model ? 'transform' : 'fit';

  const guestId = input.roles.guest?.[0];
  if (guestId === undefined) throw new Error('Intersection: the job has no guest');
  const guest: PartyRef = { role: 'guest', partyId: guestId };
  const hosts: PartyRef[] = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
  if (hosts.length === 0) throw new Error('Intersection: the job has no host');

  // The keys column when the table has one: its rows are never built. A big stored table's keys
  // are read packed (compute.ts PartitionedTable.packedKeys): one string, compared where the ids stand,
  // sent as it is, no string per key (issue 17: 10M key strings were the part of this step that
  // grew faster than the rows, in their decoding, their join for the send and the GC of a heap
  // holding them).
  const packedOwn = table.columns && method === 'raw' ? partitionedTableOf(table.columns)?.packedKeys() : undefined;
  const ownIds: IdList = packedOwn ? new PackedIds(packedOwn) : (table.columns?.keys ?? table.rows.map(([key]) => key));
  let kept: Int32Array | undefined;

  if (method === 'rsa') {
    kept = await rsaIntersectIndexes({ role, ownIds: ownIds as readonly string[], guest, hosts, tag, sync, settings: rsaSettings(params) }, context);
  } else if (joinRole === 'guest') {
    if (role === 'host') {
      await sendAll(federation, SEND_IDS_HOST, tag, ownIds, [guest]);
      if (sync) kept = restrict(ownIds, undefined, await getIds(federation, INTERSECT_IDS_GUEST, tag, guest));
    } else {
      const received = await Promise.all(hosts.map((h) => getIds(federation, SEND_IDS_HOST, tag, h)));
      signal.throwIfAborted();
      kept = restrict(ownIds, undefined, ...received);
      if (sync) await sendIdsAt(federation, INTERSECT_IDS_GUEST, tag, ownIds, kept, hosts);
    }
  } else if (role === 'guest') {
    await sendAll(federation, SEND_IDS_GUEST, tag, ownIds, hosts);
    if (sync) {
      const received = await Promise.all(hosts.map((h) => getIds(federation, INTERSECT_IDS_HOST, tag, h)));
      kept = restrict(ownIds, undefined, ...received);
      if (hosts.length > 1) await sendIdsAt(federation, SYNC_INTERSECT_IDS_MULTI_HOSTS, tag, ownIds, kept, hosts);
    }
  } else {
    const guestIds = await getIds(federation, SEND_IDS_GUEST, tag, guest);
    kept = restrict(ownIds, undefined, guestIds);
    if (sync) {
      await sendIdsAt(federation, INTERSECT_IDS_HOST, tag, ownIds, kept, [guest]);
      if (hosts.length > 1) {
        kept = restrict(ownIds, kept, await getIds(federation, SYNC_INTERSECT_IDS_MULTI_HOSTS, tag, guest));
      }
    }
  }
  signal.throwIfAborted();

  // Without sync the sending side learns nothing, and FATE outputs nothing there.
  if (kept === undefined) return {};

  const count = kept.length;
  const rate = ownIds.length === 0 ? 0 : count / ownIds.length;
  tracker.logMetricData('train', 'intersection', [['intersect_count', count], ['intersect_rate', rate]]);
  tracker.setMetricMeta('train', 'intersection', { name: 'intersection', metric_type: 'INTERSECTION' });
  const out = keptRows(table, ownIds, kept, onlyKey);
  // The kept rows' keys are the ids sent packed: their join is known (the same ids, in that order).
  const sent = keptJoins.get(kept);
  // (Keys still unread are not made for that: whoever reads them gets their join from the store.)
  if (sent !== undefined && out.columns && !partitionedTableOf(out.columns)?.keysUnread()) knownJoinedIds(out.columns.keys, sent);
  return { data: out };
};
