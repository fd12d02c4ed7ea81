// Intersection, raw method (FATE 1.x federatedml/statistic/intersect, RawIntersect): ids are sent in
// the clear. The "send" role gives its ids to the join role (`join_role`, guest by default), which
// intersects and, with sync, sends the intersection back. Guest and every host take part; the guest
// intersects with all hosts. Each party outputs its own rows whose key is in the intersection.
// intersect_method 'rsa' runs the RSA blind-signature PSI in rsaIntersection.ts instead.
import type { Component, ComponentInput, DataTable, Federation, PartyRef } from '../contract.js';
import { rsaIntersect, rsaSettings } from './rsaIntersection.js';

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

async function getIds(federation: Federation, name: string, tag: string, from: PartyRef): Promise<string[]> {
  const payload = await federation.get(name, tag, from);
  if (!Array.isArray(payload)) throw new Error(`Intersection: ${name} from ${from.role} ${from.partyId} is not a list of ids`);
  return payload.map(String);
}

function restrict(ids: readonly string[], ...others: readonly (readonly string[])[]): string[] {
  const sets = others.map((o) => new Set(o));
  return ids.filter((id) => sets.every((s) => s.has(id)));
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

  const ownIds = table.rows.map(([key]) => key);
  let intersectIds: string[] | undefined;

  if (method === 'rsa') {
    intersectIds = await rsaIntersect({ role, ownIds, guest, hosts, tag, sync, settings: rsaSettings(params) }, context);
  } else if (joinRole === 'guest') {
    if (role === 'host') {
      await federation.remote(SEND_IDS_HOST, tag, ownIds, [guest]);
      if (sync) intersectIds = restrict(ownIds, await getIds(federation, INTERSECT_IDS_GUEST, tag, guest));
    } else {
      const received = await Promise.all(hosts.map((h) => getIds(federation, SEND_IDS_HOST, tag, h)));
      signal.throwIfAborted();
      intersectIds = restrict(ownIds, ...received);
      if (sync) await federation.remote(INTERSECT_IDS_GUEST, tag, intersectIds, hosts);
    }
  } else if (role === 'guest') {
    await federation.remote(SEND_IDS_GUEST, tag, ownIds, hosts);
    if (sync) {
      const received = await Promise.all(hosts.map((h) => getIds(federation, INTERSECT_IDS_HOST, tag, h)));
      intersectIds = restrict(ownIds, ...received);
      if (hosts.length > 1) await federation.remote(SYNC_INTERSECT_IDS_MULTI_HOSTS, tag, intersectIds, hosts);
    }
  } else {
    const guestIds = await getIds(federation, SEND_IDS_GUEST, tag, guest);
    intersectIds = restrict(ownIds, guestIds);
    if (sync) {
      await federation.remote(INTERSECT_IDS_HOST, tag, intersectIds, [guest]);
      if (hosts.length > 1) {
        intersectIds = restrict(intersectIds, await getIds(federation, SYNC_INTERSECT_IDS_MULTI_HOSTS, tag, guest));
      }
    }
  }
  signal.throwIfAborted();

  // Without sync the sending side learns nothing, and FATE outputs nothing there.
  if (intersectIds === undefined) return {};

  const count = intersectIds.length;
  const rate = ownIds.length === 0 ? 0 : count / ownIds.length;
  tracker.logMetricData('train', 'intersection', [['intersect_count', count], ['intersect_rate', rate]]);
  tracker.setMetricMeta('train', 'intersection', { name: 'intersection', metric_type: 'INTERSECTION' });

  const keep = new Set(intersectIds);
  const out: DataTable = onlyKey
    ? {
        schema: { header: [], sid_name: table.schema.sid_name },
        rows: table.rows.filter(([key]) => keep.has(key)).map(([key]) => [key, 'intersect_id']),
      }
    : { schema: table.schema, rows: table.rows.filter(([key]) => keep.has(key)) };
  return { data: out };
};
