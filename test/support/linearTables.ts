// FATE's example hetero CSVs (test/fixtures/fate-examples/examples/data) as DataIO outputs, guest and
// one host intersected by id, both in key order: the inputs of the hetero linear model tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartyRef } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { dataIO } from '../../src/components/dataio/dataIO.js';
import { csvTable } from '../components/dataio/csvTable.js';
import { FIXTURES } from './fixtures.js';
import { componentInput, InProcessJob } from './inProcessFederation.js';

const cache = new Map<string, Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }>>();

const table = (name: string) => csvTable(readFileSync(join(FIXTURES, 'fate-examples', 'examples', 'data', `${name}.csv`), 'utf8'));

/** e.g. heteroTables('vehicle_scale_hetero', {label_name: 'y'}); `guestParams` are DataIO's. */
export function heteroTables(prefix: string, guestParams: Record<string, unknown>, hostName = `${prefix}_host`): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  const key = JSON.stringify([prefix, guestParams, hostName]);
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = load(prefix, guestParams, hostName)));
  return hit;
}

async function load(prefix: string, guestParams: Record<string, unknown>, hostName: string) {
  const job = new InProcessJob();
  const G: PartyRef = { role: 'guest', partyId: '9999' };
  const H: PartyRef = { role: 'host', partyId: '10000' };
  const g = await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'guest', params: { with_label: true, ...guestParams }, data: { data: table(`${prefix}_guest`) } }), job.context(G));
  const h = await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'host', params: { with_label: false }, data: { data: table(hostName) } }), job.context(H));
  const guest = g.data as DataTable<Instance>;
  const host = h.data as DataTable<Instance>;
  const hostKeys = new Set(host.rows.map(([k]) => k));
  const guestKeys = new Set(guest.rows.map(([k]) => k));
  return {
    guest: { schema: guest.schema, rows: guest.rows.filter(([k]) => hostKeys.has(k)) },
    host: { schema: host.schema, rows: host.rows.filter(([k]) => guestKeys.has(k)) },
  };
}
