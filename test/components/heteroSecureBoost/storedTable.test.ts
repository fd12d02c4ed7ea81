// HeteroSecureBoost on a big stored table (issue 17): tables read from their Arrow partitions with
// their values unread (storedColumns.ts) are binned a piece at a time (storedBinning.ts), predicted
// and validated a piece at a time (predict.ts directionsOfStored), cross-validated on unread folds —
// never loaded whole — and give the same model buffers, outputs, metrics and messages as the same
// tables in memory.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, type InstanceColumns } from '../../../src/tableData/columns.js';
import type { ComponentContext, ComponentOutput, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { binColumns, type MissingSettings } from '../../../src/components/heteroSecureBoost/binning.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { binStoredTable, placesOf } from '../../../src/components/heteroSecureBoost/storedBinning.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import { encodeBuffer } from '../../../src/models/bufferCodec.js';
import { writeColumnarColumns } from '../../../src/store/tables/columnarTable.js';
import { storedColumns, storedRowsLoadedWhole } from '../../../src/store/tables/storedColumns.js';
import { heteroTables, type HeteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost on stored partitions');
let dir = '';
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-sb-stored-'));
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const hostRefs = (k: number): PartyRef[] => Array.from({ length: k }, (_, j) => ({ role: 'host', partyId: String(10000 + j) }));
const PLAIN = { method: null };

/** A payload as text (v8.serialize's bytes depend on how V8 holds a string, not only on its characters). */
const canonical = (payload: unknown): string =>
  JSON.stringify(payload, (_, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Map ? { map: [...v] } : ArrayBuffer.isView(v) ? { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number>) } : Object.is(v, -0) ? '-0' : v);

/** One run of every party; `messages`: each message's name, tag, ends and payload digest, in send order per party. */
async function run(params: Record<string, unknown>, data: HeteroTables, model?: { guest: ModelBuffers; hosts: ModelBuffers[] }, evalData?: HeteroTables) {
  const hosts = hostRefs(data.hosts.length);
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId) };
  const job = new InProcessJob();
  const messages: string[] = [];
  const recorded = (self: PartyRef): ComponentContext => {
    const ctx = job.context(self);
    const remote = ctx.federation.remote;
    const federation = {
      ...ctx.federation,
      remote: async (name: string, tag: string, payload: unknown, to: readonly PartyRef[]) => {
        messages.push(`${self.role}:${name}:${tag}:${createHash('sha256').update(canonical(payload)).digest('hex')}`);
        return remote(name, tag, payload, to);
      },
    };
    return Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { federation }) as ComponentContext;
  };
  const input = (self: PartyRef, table: DataTable<Instance>, m?: ModelBuffers, e?: DataTable<Instance>) =>
    componentInput({
      module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: self.role, partyId: self.partyId, roles, params,
      data: m ? { data: table } : { train_data: table, ...(e ? { eval_data: e } : {}) }, ...(m ? { model: m } : {}),
    });
  const gctx = recorded(GUEST);
  const [guest, ...hostOuts] = await Promise.all([
    heteroSecureBoost(input(GUEST, data.guest, model?.guest, evalData?.guest), gctx),
    ...hosts.map((h, j) => heteroSecureBoost(input(h, data.hosts[j]!, model?.hosts[j], evalData?.hosts[j]), recorded(h))),
  ]);
  assert.is(job.undelivered(), 0);
  messages.sort();
  return { guest: guest!, hosts: hostOuts, messages, metrics: JSON.stringify((gctx.tracker as RecordingTracker).metrics) };
}

/** Every model buffer as its protobuf bytes (hex): equal bytes, equal models. */
const bufferBytes = (out: ComponentOutput) => Object.entries(out.model ?? {}).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);

/** Everything a run gives that must not depend on how its tables are read, part by part. */
const runParts = (r: Awaited<ReturnType<typeof run>>) => ({
  guestModel: bufferBytes(r.guest).join(),
  hostModels: r.hosts.map(bufferBytes).join(),
  output: JSON.stringify(r.guest.data ? [r.guest.data.schema, r.guest.data.rows] : null),
  messages: r.messages.join(),
  metrics: r.metrics,
});

/** Asserts two runs give the same (compared without a diff: uvu's diff of texts this long takes minutes). */
function assertSame(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>, what: string): void {
  const pa = runParts(a);
  const pb = runParts(b);
  if (process.env.SB_DEBUG) a.messages.forEach((m, i) => m !== b.messages[i] && console.log(m, b.messages[i]));
  for (const k of Object.keys(pa) as (keyof typeof pa)[]) assert.ok(pa[k] === pb[k], `${what}: the ${k} differ`);
}

/** The table written to 5 partitions and read back lazily (values unread), all stored in `stored`. */
let written = 0;
function storedTable(table: DataTable<Instance>, stored: InstanceColumns[]): DataTable<Instance> {
  const path = join(dir, `t${written++}.arrow`);
  writeColumnarColumns(path, columnsFromRows(table.rows)!, 5);
  const columns = storedColumns(path)!;
  stored.push(columns);
  return columnarTable(table.schema, columns) as DataTable<Instance>;
}

const storedAll = (d: HeteroTables, stored: InstanceColumns[]): HeteroTables => ({ guest: storedTable(d.guest, stored), hosts: d.hosts.map((h) => storedTable(h, stored)) });

/** The guest's rows but every 7th (the host keeps all of its own: it bins and answers for the guest's ids only, by index). */
const guestSubset = (d: HeteroTables): HeteroTables => ({ guest: { schema: d.guest.schema, rows: d.guest.rows.filter((_, i) => i % 7 !== 3) }, hosts: d.hosts });
const slice = (d: HeteroTables, from: number, to?: number): HeteroTables => ({
  guest: { schema: d.guest.schema, rows: d.guest.rows.slice(from, to) },
  hosts: d.hosts.map((h) => ({ schema: h.schema, rows: h.rows.slice(from, to) })),
});

interface Scenario {
  readonly name: string;
  readonly data: () => Promise<HeteroTables>;
  readonly params: Record<string, unknown>;
}

const BREAST = () => heteroTables('breast_hetero_guest', ['breast_hetero_host'], 'y');
const SCENARIOS: Scenario[] = [
  { name: 'binary (breast)', data: BREAST, params: { task_type: 'classification', num_trees: 3, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN } },
  {
    name: 'multi-class (vehicle_scale), a guest with fewer ids than the host',
    data: async () => guestSubset(await heteroTables('vehicle_scale_hetero_guest', ['vehicle_scale_hetero_host'], 'y')),
    params: { task_type: 'classification', num_trees: 2, learning_rate: 0.1, bin_num: 32, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'use_missing + zero_as_missing (ionosphere_scale)',
    data: () => heteroTables('ionosphere_scale_hetero_guest', ['ionosphere_scale_hetero_host'], 'label'),
    params: { task_type: 'classification', num_trees: 2, learning_rate: 0.1, bin_num: 20, use_missing: true, zero_as_missing: true, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'regression, two hosts (motor)',
    data: () => heteroTables('motor_hetero_guest', ['motor_hetero_host_1', 'motor_hetero_host_2'], 'motor_speed', 'float'),
    params: { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 2, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
];

/** The run on tables in memory and on the same tables stored; asserts nothing stored was loaded whole. */
async function bothWays(params: Record<string, unknown>, data: HeteroTables, evalData?: HeteroTables, predictWith?: (fitted: Awaited<ReturnType<typeof run>>) => { guest: ModelBuffers; hosts: ModelBuffers[] }) {
  const inMemory = await run(params, data, undefined, evalData);
  const stored: InstanceColumns[] = [];
  const before = storedRowsLoadedWhole();
  const fromStore = await run(params, storedAll(data, stored), undefined, evalData && storedAll(evalData, stored));
  stored.forEach((c, i) => assert.ok(partitionedTableOf(c), `table ${i}: its values were loaded whole`));
  assert.is(storedRowsLoadedWhole() - before, 0, 'rows of stored tables loaded whole');
  return { inMemory, fromStore };
}

for (const s of SCENARIOS) {
  t(`${s.name}: training and a predict job on stored tables give the same models, output and messages as in memory, nothing loaded whole`, async () => {
    const data = await s.data();
    const { inMemory, fromStore } = await bothWays(s.params, data);
    assertSame(fromStore, inMemory, 'training on stored tables');
    const model = { guest: inMemory.guest.model!, hosts: inMemory.hosts.map((h) => h.model!) };
    const predicted = await run(s.params, data, model);
    const stored: InstanceColumns[] = [];
    const before = storedRowsLoadedWhole();
    const predictedStored = await run(s.params, storedAll(data, stored), model);
    assert.is(storedRowsLoadedWhole() - before, 0, 'rows of stored tables loaded whole by the predict job');
    assertSame(predictedStored, predicted, 'the predict job on stored tables');
  });
}

t('eval_data with validation_freqs and early stopping on stored tables: the same models, rows, metrics and messages, nothing loaded whole', async () => {
  const data = await BREAST();
  const params = { ...SCENARIOS[0]!.params, num_trees: 5, validation_freqs: 1, early_stopping_rounds: 2, metrics: ['auc', 'ks'] };
  const { inMemory, fromStore } = await bothWays(params, slice(data, 0, 400), slice(data, 400));
  assert.ok(inMemory.metrics.includes('iteration_0'), 'validation ran');
  assertSame(fromStore, inMemory, 'validation on stored tables');
});

t('cross-validation on stored tables: the same fold metrics and messages, folds never loaded whole', async () => {
  const data = await BREAST();
  const params = { ...SCENARIOS[0]!.params, num_trees: 2, cv_param: { need_cv: true, n_splits: 3, shuffle: true, random_seed: 7 } };
  const { inMemory, fromStore } = await bothWays(params, data);
  assert.ok(inMemory.metrics.includes('validate_fold_2'), 'the folds were evaluated');
  assertSame(fromStore, inMemory, 'cross-validation on stored tables');
});

t('changed stored host values change the host model (the stored values are what is read)', async () => {
  const data = await BREAST();
  const inMemory = await run(SCENARIOS[0]!.params, data);
  const host = data.hosts[0]!;
  // Shifted values bin alike (quantiles) but split at shifted thresholds, which the host's model holds.
  const changed = { schema: host.schema, rows: host.rows.map(([k, inst]) => [k, { ...inst, features: inst.features.map((x) => x + 1000) }] as [string, Instance]) };
  const fromStore = await run(SCENARIOS[0]!.params, storedAll({ guest: data.guest, hosts: [changed] }, []));
  assert.ok(runParts(fromStore).hostModels !== runParts(inMemory).hostModels, 'the host model is as before');
});

/** Columns with ties, signed zeros, NaNs, negatives and tiny values: every case of the rank selection and of the zero signs. */
function awkwardColumns(n: number): Float64Array[] {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = (values: readonly number[]) => values[Math.floor(rand() * values.length)]!;
  return [
    Float64Array.from({ length: n }, () => pick([0, -0, 0, 1, 2, -1, NaN])),
    Float64Array.from({ length: n }, () => (rand() - 0.5) * 1e3),
    Float64Array.from({ length: n }, () => pick([-0, -0, -0, 0, 5e-324, -5e-324, 3])),
    Float64Array.from({ length: n }, () => (rand() < 0.3 ? NaN : Math.round(rand() * 20) - 10)),
    Float64Array.from({ length: n }, () => 7),
  ];
}

const SETTINGS: MissingSettings[] = [
  { useMissing: true, zeroAsMissing: false },
  { useMissing: true, zeroAsMissing: true },
];

t('binStoredTable = binColumns bit for bit (split points with their zero signs, bins), over small pieces and radix buckets, with and without a host index', () => {
  const n = 1000;
  const features = awkwardColumns(n);
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(5, '0')}`);
  const path = join(dir, 'awkward.arrow');
  writeColumnarColumns(path, { keys, features }, 6);
  const table = partitionedTableOf(storedColumns(path)!)!;
  // The instances: every stored row but a few, in another order.
  const index = Int32Array.from(Array.from({ length: n }, (_, i) => (i * 379) % n).filter((r) => r % 11 !== 4));
  const place = placesOf(index, n)!;
  const bits = (points: number[][]) => points.map((p) => p.map((x) => (Object.is(x, -0) ? '-0' : String(x))));
  let zeroSigns = 0;
  for (const missing of SETTINGS) {
    for (const binNum of [3, 10, 32, 200]) {
      for (const sizes of [{}, { pieceRows: 97, collectLimit: 4 }]) {
        const label = `${JSON.stringify(missing)} bin_num ${binNum} ${JSON.stringify(sizes)}`;
        const whole = binColumns(features, binNum, missing);
        const streamed = binStoredTable(table, features.length, binNum, missing, undefined, n, sizes);
        assert.equal(bits(streamed.splitPoints), bits(whole.splitPoints), label);
        streamed.binOf.forEach((b, f) => assert.ok(b.constructor === whole.binOf[f]!.constructor && b.every((x, i) => x === whole.binOf[f]![i]), `${label}: bins of feature ${f}`));
        zeroSigns += whole.splitPoints.flat().filter((x) => Object.is(x, -0)).length;
        const gathered = binColumns(features, binNum, missing, index);
        const byPlace = binStoredTable(table, features.length, binNum, missing, place, index.length, sizes);
        assert.equal(bits(byPlace.splitPoints), bits(gathered.splitPoints), `${label}, indexed`);
        byPlace.binOf.forEach((b, f) => assert.ok(b.every((x, i) => x === gathered.binOf[f]![i]), `${label}, indexed: bins of feature ${f}`));
      }
    }
  }
  assert.ok(zeroSigns > 0, 'some split point is -0 (the sign is checked)');
  assert.is(placesOf(Int32Array.of(1, 2, 1), 3), undefined, 'an index naming a row twice has no places');
});

t('binStoredTable fails on the first bad feature, as binColumns does', () => {
  const features = [Float64Array.of(1, 2, 3), Float64Array.of(1, NaN, 3), Float64Array.of(Infinity, 2, 3)];
  const path = join(dir, 'bad.arrow');
  writeColumnarColumns(path, { keys: ['a', 'b', 'c'], features }, 2);
  const table = partitionedTableOf(storedColumns(path)!)!;
  const plain = { useMissing: false, zeroAsMissing: false };
  assert.throws(() => binColumns(features, 4, plain), /feature 1 has a missing/);
  assert.throws(() => binStoredTable(table, 3, 4, plain, undefined, 3, { pieceRows: 1 }), /feature 1 has a missing/);
  assert.throws(() => binStoredTable(table, 3, 4, { useMissing: true, zeroAsMissing: false }), /feature 2 has a missing/);
});

t.run();
