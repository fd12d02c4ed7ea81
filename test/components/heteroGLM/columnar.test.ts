// HeteroLinR and HeteroPoisson on columnar tables (issue 17): the same tables given as typed columns
// give the same model buffers (protobuf bytes), predictions, loss curves, metrics and (plaintext)
// messages as given as rows, and no party touches the rows of a columnar input (their getter throws
// here) — training, mini-batches, validation with early stopping, cross-validation, predict jobs,
// Poisson's exposure column, two hosts and a host whose rows are in another order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Component, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroLinR, heteroPoisson } from '../../../src/components/heteroGLM/heteroGLM.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';
import { ARBITER, bytes, dvisits, GLM_SCENARIOS, type GlmRun, GUEST, hostRef, LINR, messages, modelsOf, motor, POISSON, reversed, runGlm, type Tables } from '../../support/glmScenarios.js';
import { sealedColumns } from '../../support/sealedColumns.js';

const t = suite('HeteroLinR / HeteroPoisson on columns');

function assertSame(asColumns: GlmRun, asRows: GlmRun, what: string, compareMessages = true) {
  assert.equal(bytes(asColumns.go), bytes(asRows.go), `${what}: guest model`);
  assert.equal(bytes(asColumns.ao), bytes(asRows.ao), `${what}: arbiter model`);
  asColumns.hos.forEach((h, j) => assert.equal(bytes(h), bytes(asRows.hos[j]!), `${what}: host ${j} model`));
  assert.equal(asColumns.go.data?.rows, asRows.go.data?.rows, `${what}: predictions`);
  assert.equal(asColumns.metrics, asRows.metrics, `${what}: loss curve and metrics`);
  if (compareMessages) assert.equal(messages(asColumns.log), messages(asRows.log), `${what}: messages`);
}

const sealed = (d: Tables): Tables => ({ guest: sealedColumns(d.guest), hosts: d.hosts.map(sealedColumns) });

for (const s of GLM_SCENARIOS) {
  t(`${s.name}: columns give the same models, predictions, losses, metrics and messages as rows, and no rows are touched`, async () => {
    const data = await s.data();
    const asRows = await runGlm(s.component, s.module, s.params, data, s.validate ? { validate: data } : {});
    const asColumns = await runGlm(s.component, s.module, s.params, sealed(data), s.validate ? { validate: sealed(data) } : {});
    assertSame(asColumns, asRows, s.name, s.messages !== false);
    assert.ok(asRows.go.data?.rows.length === data.guest.rows.length || asRows.metrics.includes('validate_fold_2'), 'the guest predicted its rows, or evaluated every fold');
  });
}

t('predict jobs on columns (the host in another row order) give the same predictions as on rows, for both models', async () => {
  for (const s of [GLM_SCENARIOS[0]!, GLM_SCENARIOS[6]!]) {
    const data = await s.data();
    const fitted = await runGlm(s.component, s.module, s.params, data);
    const model = modelsOf(fitted);
    const shuffled: Tables = { guest: data.guest, hosts: data.hosts.map(reversed) };
    const asRows = await runGlm(s.component, s.module, s.params, shuffled, { model });
    const asColumns = await runGlm(s.component, s.module, s.params, sealed(shuffled), { model });
    assert.equal(asColumns.go.data!.rows, asRows.go.data!.rows, s.name);
    assert.equal(messages(asColumns.log), messages(asRows.log), `${s.name}: messages`);
    // …which are the training predictions, as type 'predict'.
    const trained = (fitted.go.data!.rows as [string, unknown[]][]).map(([k, r]) => [k, [...r.slice(0, 4), 'predict']]);
    assert.equal(asColumns.go.data!.rows, trained, `${s.name}: the training predictions`);
  }
});

t('bad columnar input fails clearly: a negative exposure, a host without an id the guest names, a missing label', async () => {
  const data = await dvisits();
  const at = data.guest.schema.header.length - 1;
  const negative: Tables = { ...data, guest: { schema: data.guest.schema, rows: data.guest.rows.map(([k, i], r) => [k, { ...i, features: i.features.map((v, j) => (j === at && r === 3 ? -1 : v)) }]) } };
  const abortable = async (c: Component, module: string, params: Record<string, unknown>, tables: Tables, who: PartyRef): Promise<Error | null> => {
    // The failing party's peers would wait forever: run only it, with peers aborted after.
    const roles = { guest: [GUEST.partyId], host: tables.hosts.map((_, j) => hostRef(j).partyId), arbiter: [ARBITER.partyId] };
    const job = new InProcessJob();
    const stop = new AbortController();
    const table = who.role === 'guest' ? tables.guest : tables.hosts[0]!;
    const others = Promise.allSettled(
      [GUEST, ARBITER, hostRef(0)].filter((p) => p.role !== who.role).map((p) =>
        c(componentInput({ module, componentName: 'm_0', role: p.role, partyId: p.partyId, roles, params, data: p.role === 'arbiter' ? {} : { train_data: p.role === 'guest' ? tables.guest : tables.hosts[0]! } }), job.context(p, stop.signal))),
    );
    const err = await c(componentInput({ module, componentName: 'm_0', role: who.role, partyId: who.partyId, roles, params, data: { train_data: table } }), job.context(who)).then(() => null, (e: Error) => e);
    stop.abort(new Error('canceled'));
    await others;
    return err;
  };
  const e1 = await abortable(heteroPoisson, 'HeteroPoisson', POISSON, sealed(negative), GUEST);
  assert.match(String(e1?.message), /HeteroPoisson: row ".*" has exposure -1; exposures must be ≥ 0/);
  const m = await motor();
  const short: Tables = { guest: m.guest, hosts: [{ schema: m.hosts[0]!.schema, rows: m.hosts[0]!.rows.slice(1) }] };
  const e2 = await abortable(heteroLinR, 'HeteroLinR', LINR, sealed(short), hostRef(0));
  assert.match(String(e2?.message), /HeteroLinR: host has no row for id .* \(intersect first\)/);
  const unlabelled: Tables = { guest: { schema: m.guest.schema, rows: m.guest.rows.map(([k, i]) => [k, { features: i.features }]) }, hosts: m.hosts };
  const e3 = await abortable(heteroLinR, 'HeteroLinR', LINR, sealed(unlabelled), GUEST);
  assert.match(String(e3?.message), /HeteroLinR: row ".*" has no label/);
});

t.run();
