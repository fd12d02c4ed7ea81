// One HeteroFeatureBinning job in process (guest 10000, host 9999, as FATE's examples), every
// message the parties send recorded: the binning tests that compare two ways of running it (rows
// against columns, a stored table against the same table in memory) compare these.
import * as assert from 'uvu/assert';
import type { Component, ComponentOutput, PartyRef } from '../../src/components/contract.js';
import type { DataTable } from '../../src/tableData/dataTable.js';
import { recording, type Sent } from './breastHetero.js';
import { InProcessJob, componentInput } from './inProcessFederation.js';

const GUEST: PartyRef = { role: 'guest', partyId: '10000' };
const HOST: PartyRef = { role: 'host', partyId: '9999' };

/** Both parties' outputs and the messages sent; `model` given when they predict. */
export async function runBinning(component: Component, params: Record<string, unknown>, guest: DataTable, host: DataTable, model?: { guest: ComponentOutput['model']; host: ComponentOutput['model'] }): Promise<{ guest: ComponentOutput; host: ComponentOutput; log: Sent[] }> {
  const job = new InProcessJob();
  const log: Sent[] = [];
  const roles = { guest: [GUEST.partyId], host: [HOST.partyId] };
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const input = (self: PartyRef, table: DataTable, m?: ComponentOutput['model']) =>
    componentInput({ module: 'HeteroFeatureBinning', role: self.role, partyId: self.partyId, roles, params, data: { data: table }, ...(m ? { model: m } : {}) });
  const [g, h] = await Promise.all([component(input(GUEST, guest, model?.guest), ctx(GUEST)), component(input(HOST, host, model?.host), ctx(HOST))]);
  assert.is(job.undelivered(), 0, 'every message was received');
  return { guest: g, host: h, log };
}
