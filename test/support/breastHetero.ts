// Shared by the hetero component tests: the breast_hetero tables as DataIO outputs (intersected by
// key, both in key order) and a federation wrapper that records every payload a party sends, for
// the privacy checks.
import type { Federation, PartyRef } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { dataIO } from '../../src/components/dataio/dataIO.js';
import { fixtureTable } from '../components/dataio/csvTable.js';
import { InProcessJob, componentInput } from './inProcessFederation.js';

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };

let tables: Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> | null = null;

/** DataIO on both breast_hetero CSVs, then intersected by key (computed once per test file). */
export function breast(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  tables ??= load();
  return tables;
}

async function load(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  const job = new InProcessJob();
  const g = await dataIO(
    componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'guest', params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable('breast_hetero_guest') } }),
    job.context(GUEST),
  );
  const h = await dataIO(
    componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'host', params: { with_label: false }, data: { data: fixtureTable('breast_hetero_host') } }),
    job.context(HOST),
  );
  const guest = g.data as DataTable<Instance>;
  const host = h.data as DataTable<Instance>;
  const hostKeys = new Set(host.rows.map(([k]) => k));
  const guestKeys = new Set(guest.rows.map(([k]) => k));
  return {
    guest: { schema: guest.schema, rows: guest.rows.filter(([k]) => hostKeys.has(k)) },
    host: { schema: host.schema, rows: host.rows.filter(([k]) => guestKeys.has(k)) },
  };
}

export interface Sent {
  name: string;
  /** The transfer variable's tag (its scope included): a step's messages are told apart by it. */
  tag: string;
  from: PartyRef;
  to: PartyRef;
  payload: unknown;
}

/** Wraps a party's federation to record every payload it sends. */
export function recording(fed: Federation, self: PartyRef, log: Sent[]): Federation {
  return {
    remote: async (name, tag, payload, to) => {
      for (const dst of to) log.push({ name, tag, from: self, to: dst, payload: structuredClone(payload) });
      return fed.remote(name, tag, payload, to);
    },
    get: (name, tag, from) => fed.get(name, tag, from),
  };
}

/** A party's context in `job` whose federation records every payload it sends into `log`. */
export function recordedContext(job: InProcessJob, self: PartyRef, log: Sent[]) {
  const c = job.context(self);
  return { ...c, federation: recording(c.federation, self, log) };
}
