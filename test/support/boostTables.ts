// FATE's example hetero tables (test/fixtures/fate-examples/examples/data) as DataIO outputs,
// intersected by key and in key order: the guest's (with labels) and each host's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartyRef } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { dataIO } from '../../src/components/dataio/dataIO.js';
import { csvTable } from '../components/dataio/csvTable.js';
import { FIXTURES } from './fixtures.js';
import { componentInput, InProcessJob } from './inProcessFederation.js';

export const FATE_DATA = join(FIXTURES, 'fate-examples', 'examples', 'data');

async function load(name: string, role: string, params: Record<string, unknown>): Promise<DataTable<Instance>> {
  const self: PartyRef = { role, partyId: '1' };
  const out = await dataIO(
    componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params, data: { data: csvTable(readFileSync(join(FATE_DATA, `${name}.csv`), 'utf8')) } }),
    new InProcessJob().context(self),
  );
  return out.data as DataTable<Instance>;
}

export interface HeteroTables {
  guest: DataTable<Instance>;
  hosts: DataTable<Instance>[];
}

const cache = new Map<string, Promise<HeteroTables>>();

/** e.g. heteroTables('vehicle_scale_hetero_guest', ['vehicle_scale_hetero_host'], 'y', 'int'). */
export function heteroTables(guest: string, hosts: readonly string[], labelName: string, labelType = 'int'): Promise<HeteroTables> {
  const key = [guest, ...hosts, labelName].join('|');
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const g = await load(guest, 'guest', { with_label: true, label_name: labelName, label_type: labelType });
      const hs = await Promise.all(hosts.map((h) => load(h, 'host', { with_label: false })));
      const keys = new Set(g.rows.map(([k]) => k));
      for (const h of hs) {
        const hk = new Set(h.rows.map(([k]) => k));
        for (const k of [...keys]) if (!hk.has(k)) keys.delete(k);
      }
      const keep = (t: DataTable<Instance>): DataTable<Instance> => ({ schema: t.schema, rows: t.rows.filter(([k]) => keys.has(k)) });
      return { guest: keep(g), hosts: hs.map(keep) };
    })();
    cache.set(key, p);
  }
  return p;
}
