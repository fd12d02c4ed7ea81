// HomoLR on a big stored table (issue 17): a table read from its Arrow partitions with its values
// unloaded (storedColumns.ts) is read a piece at a time (tableRows.ts) — mini-batches, the loss, the
// Taylor step of an encrypted host, validation, cross-validation folds, the predictions and a predict
// job — never loaded whole, and gives the same models, losses, metrics, predictions and messages as
// the same tables given as rows (read in one piece). Stored tables are read in pieces of 50 rows here
// (partitions of ~33 rows), so batches of 64 to every row cross pieces and partitions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsOf, type InstanceColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { homoLRWith } from '../../../src/components/homoLR/homoLR.js';
import { pieceSize } from '../../../src/components/homoLR/tableRows.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import { PIECE_ROWS } from '../../../src/compute/pieces.js';
import { writeColumnarColumns } from '../../../src/store/tables/columnarTable.js';
import { storedColumns, storedRowsLoadedWhole } from '../../../src/store/tables/storedColumns.js';
import { fixtureTable } from '../dataio/csvTable.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HomoLR on stored partitions');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };
const BASE = {
  encrypt_param: { method: null }, penalty: 'L2', optimizer: 'sgd', tol: 1e-5, alpha: 0.01, max_iter: 5, early_stop: 'diff',
  batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' },
};
const PAILLIER = { ...BASE, encrypt_param: { method: 'Paillier', key_length: 512 }, batch_size: 120, max_iter: 2 };

let dir = '';
let written = 0;
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-homo-stored-'));
});
t.after.each(() => {
  pieceSize.rows = PIECE_ROWS;
  rmSync(dir, { recursive: true, force: true });
});

async function read(role: string, name: string, self: PartyRef): Promise<DataTable<Instance>> {
  const out = (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), new InProcessJob().context(self))).data as DataTable<Instance>;
  return { schema: out.schema, rows: out.rows };
}
const guest = await read('guest', 'breast_homo_guest', GUEST);
const host = await read('host', 'breast_homo_host', HOST);
/** eval_data: 10 host rows under new ids and 5 guest rows under their own ids (the guest's union drops those). */
const evalRows: DataTable<Instance> = { schema: host.schema, rows: [...host.rows.slice(0, 10).map(([k, v]) => [`e${k}`, v] as [string, Instance]), ...guest.rows.slice(0, 5)] };
/** The same table with its features in reverse order (a predict job aligns them to the model's header). */
const reversed = (tb: DataTable<Instance>): DataTable<Instance> => {
  const perm = tb.schema.header.map((_, j) => j).reverse();
  return { schema: { ...tb.schema, header: perm.map((j) => tb.schema.header[j]!) }, rows: tb.rows.map(([k, inst]) => [k, { ...inst, features: perm.map((j) => inst.features[j]!) }]) };
};

/** Every stored table this test wrote and read back lazily. */
let stored: InstanceColumns[] = [];
/** The table written to 7 partitions and read back with its values unread; `flip` negates its first feature from row 10 on. */
function asStored(table: DataTable<Instance>, flip = false): DataTable<Instance> {
  const cols = columnsOf(table)!;
  const features = cols.features.map((c) => c.slice());
  if (flip) for (let r = 10; r < features[0]!.length; r++) features[0]![r] = -features[0]![r]!;
  const path = join(dir, `t${written++}.arrow`);
  writeColumnarColumns(path, { ...cols, features }, 7);
  const columns = storedColumns(path)!;
  stored.push(columns);
  return columnarTable(table.schema, columns) as DataTable<Instance>;
}

type Data = Record<string, DataTable<Instance>>;
interface Parts { guest: ComponentOutput; host: ComponentOutput; arbiter: ComponentOutput }

/** A job's outputs (models, prediction rows, metrics per party, and every payload unless masked or encrypted) as one text. */
async function run(params: Record<string, unknown>, guestData: Data, hostData: Data, opts: { secure?: boolean; model?: Parts; payloads?: boolean } = {}) {
  // Tables on rows in one piece (the code as it ran before pieces), stored ones in pieces of 50 rows.
  pieceSize.rows = Object.values({ ...guestData, ...hostData }).some((tb) => tb.columns && partitionedTableOf(tb.columns)) ? 50 : PIECE_ROWS;
  const job = new InProcessJob();
  const payloads: string[] = [];
  const record = (self: PartyRef) => {
    const ctx = job.context(self);
    const fed = ctx.federation;
    const federation = { ...fed, remote: async (name: string, tag: string, payload: unknown, to: PartyRef[]) => (opts.payloads && payloads.push(`${self.role} ${name} ${tag} ${JSON.stringify(payload)}`), fed.remote(name, tag, payload, to)) };
    return { ...ctx, federation };
  };
  const component = homoLRWith({ secureAggregation: opts.secure ?? true });
  const input = (role: string, data: Data, m?: ComponentOutput) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data, ...(m ? { model: m.model } : {}) });
  const ctx = { guest: record(GUEST), host: record(HOST), arbiter: record(ARBITER) };
  const [g, h, a] = await Promise.all([
    component(input('guest', guestData, opts.model?.guest), ctx.guest),
    component(input('host', hostData, opts.model?.host), ctx.host),
    component(input('arbiter', {}, opts.model?.arbiter), ctx.arbiter),
  ]);
  const part = (o: ComponentOutput, c: typeof ctx.guest) => JSON.stringify({ model: o.model, rows: o.data?.rows, metrics: c.tracker.metrics });
  const parts: Parts = { guest: g, host: h, arbiter: a };
  return { parts, guest: part(g, ctx.guest), host: part(h, ctx.host), arbiter: part(a, ctx.arbiter), payloads: opts.payloads ? payloads.join('\n') : '' };
}

interface Scenario {
  readonly params: Record<string, unknown>;
  readonly guestEval?: boolean;
  readonly hostEval?: boolean;
  /** Encrypted: only the host's output and the guest's metrics are the same from run to run (a refresh is exact to ±1 ulp). */
  readonly encrypted?: boolean;
}
const SCENARIOS: Record<string, Scenario> = {
  'every row in one batch, sgd, L2 (messages compared, unmasked)': { params: BASE },
  'mini-batches of 64, adam, L1, validation every epoch with eval_data': { params: { ...BASE, batch_size: 64, optimizer: 'adam', penalty: 'L1', validation_freqs: 1 }, guestEval: true, hostEval: true },
  'mini-batches of 100, rmsprop, aggregate_iters 2, validation_freqs 2': { params: { ...BASE, batch_size: 100, optimizer: 'rmsprop', aggregate_iters: 2, validation_freqs: 2 } },
  'cross-validation, 3 folds, shuffled': { params: { ...BASE, max_iter: 3, batch_size: 100, cv_param: { n_splits: 3, shuffle: true, random_seed: 1, need_cv: true } } },
  'an encrypted host (Paillier 512), eval_data': { params: PAILLIER, guestEval: true, hostEval: true, encrypted: true },
  'an encrypted host, cross-validation': { params: { ...PAILLIER, cv_param: { n_splits: 2, shuffle: true, random_seed: 1, need_cv: true } }, encrypted: true },
};

const dataOf = (s: Scenario, wrap: (t: DataTable<Instance>, bump?: boolean) => DataTable<Instance>, bumpHost = false) => ({
  guest: { train_data: wrap(guest), ...(s.guestEval ? { eval_data: wrap(evalRows) } : {}) } as Data,
  host: { train_data: wrap(host, bumpHost), ...(s.hostEval ? { eval_data: wrap(evalRows) } : {}) } as Data,
});

/** What must be equal: everything, or for an encrypted host what is deterministic. */
const compared = (r: Awaited<ReturnType<typeof run>>, s: Scenario) =>
  s.encrypted ? [r.host, JSON.stringify(JSON.parse(r.guest).metrics)] : [r.guest, r.host, r.arbiter, r.payloads];

for (const [name, s] of Object.entries(SCENARIOS)) {
  t(`given ${name} on tables read from stored partitions, then everything is as with rows, and no table is loaded whole`, async () => {
    stored = [];
    const payloads = !s.encrypted && s.params.batch_size === -1;
    const rows = dataOf(s, (tb) => tb);
    const asRows = await run(s.params, rows.guest, rows.host, { secure: !payloads, payloads });
    const loadedBefore = storedRowsLoadedWhole();
    const onDisk = dataOf(s, asStored);
    const asStoredRun = await run(s.params, onDisk.guest, onDisk.host, { secure: !payloads, payloads });
    assert.ok(stored.length >= 2);
    stored.forEach((c, i) => assert.ok(partitionedTableOf(c), `stored table ${i}: its values were loaded whole`));
    assert.is(storedRowsLoadedWhole() - loadedBefore, 0, 'rows of stored tables (folds included) loaded whole');
    assert.ok(compared(asStoredRun, s).join('\n') === compared(asRows, s).join('\n'), 'the run on stored partitions differs from the run on rows');
  });
}

t('given one stored host feature negated, then the run differs from the run on rows (the comparison can fail)', async () => {
  for (const s of [SCENARIOS['mini-batches of 64, adam, L1, validation every epoch with eval_data']!, SCENARIOS['an encrypted host (Paillier 512), eval_data']!]) {
    const rows = dataOf(s, (tb) => tb);
    const asRows = await run(s.params, rows.guest, rows.host);
    const changed = dataOf(s, asStored, true);
    const asStoredRun = await run(s.params, changed.guest, changed.host);
    assert.ok(compared(asStoredRun, s).join("\n") !== compared(asRows, s).join("\n"), `a changed stored value left the run as it was (encrypted: ${s.encrypted === true})`);
  }
});

for (const encrypted of [false, true]) {
  t(`given a predict job${encrypted ? ' with an encrypted host' : ''} on stored tables with the features in another order, then its rows are those on rows, and nothing is loaded whole`, async () => {
    stored = [];
    const params = encrypted ? PAILLIER : BASE;
    const trained = await run(params, { train_data: guest }, { train_data: host });
    const asRows = await run(params, { eval_data: reversed(guest) }, { eval_data: reversed(host) }, { model: trained.parts });
    const loadedBefore = storedRowsLoadedWhole();
    const asStoredRun = await run(params, { eval_data: asStored(reversed(guest)) }, { eval_data: asStored(reversed(host)) }, { model: trained.parts });
    stored.forEach((c, i) => assert.ok(partitionedTableOf(c), `stored table ${i}: its values were loaded whole`));
    assert.is(storedRowsLoadedWhole() - loadedBefore, 0, 'rows of stored tables loaded whole');
    assert.ok(asStoredRun.guest === asRows.guest && asStoredRun.host === asRows.host, 'the predictions on stored partitions differ from those on rows');
  });
}

t.run();
