// /v1/model/transfer (contract 5.21) over HTTP: the answer is exactly the contract's (every buffer
// base64 under `<component>.<alias>:<BufferName>`), an unknown model is retcode 100, a bad body
// names the field; a buffer whose bytes no longer match their sha256 is not served.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import type { CommandBus } from '@nestjs/cqrs';
import type { Database } from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { createHttpApp } from '../../src/api/httpApp.js';
import { buildConfig } from '../../src/config.js';
import { planJob } from '../../src/domain/dsl/plan.js';
import { encodePartyModel } from '../../src/models/partyModel.js';
import { PipelineModels } from '../../src/models/pipelineModels.js';
import { modelTransferAnswer } from '../../src/models/transfer.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { ModelStore } from '../../src/store/models/modelStore.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { copy, example } from '../domain/dsl/examples.js';
import { post, tempDir } from '../support/http.js';
import { givenEvents } from '../support/projectionSpec.js';

const JOB = '202011101532147423781';
const MODEL_ID = 'arbiter-10001#guest-9999#host-10000#model';
const GUEST_MODEL = `guest#9999#${MODEL_ID}`;
const outcome = planJob(copy(example('standalone', 'hetero_lr_dsl.json')), example('standalone', 'hetero_lr_conf.json'), { jobId: JOB, serverWorkMode: 0, defaultTimeoutSeconds: 60 });
if (!outcome.ok) throw new Error(outcome.message);
const model = encodePartyModel(outcome.plan, 'guest', '9999', [
  { component: 'dataio_0', module: 'DataIO', alias: 'dataio', buffers: { DataIOMeta: { withLabel: true, labelName: 'y' }, DataIOParam: { header: ['x0'], sidName: 'id', labelName: 'y' } } },
  { component: 'hetero_lr_0', module: 'HeteroLR', alias: 'hetero_lr', buffers: { HeteroLogisticRegressionMeta: { penalty: 'L2' }, HeteroLogisticRegressionParam: { weight: { x0: 0.5 }, intercept: 0.25, header: ['x0'] } } },
]);
// The same model id under a second version, whose stored bytes were tampered with.
const TAMPERED = '202011101532147423782';

const dir = tempDir('model-transfer');
let views: Database;
let blobs: ModelStore;
let server: Server;
let url = '';
const transfer = async (body: unknown) => (await post(url, '/v1/model/transfer', body)).body;

const t = suite('api: /v1/model/transfer');

t.before(async () => {
  views = givenEvents(ALL_PROJECTIONS, [
    { type: 'PipelineModelSaved', data: { ...model.saved, at: 1000 } },
    { type: 'PipelineModelSaved', data: { ...model.saved, modelVersion: TAMPERED, at: 1001 } },
  ]);
  blobs = new ModelStore(':memory:');
  blobs.put(GUEST_MODEL, JOB, model.buffers);
  blobs.put(GUEST_MODEL, TAMPERED, model.buffers.map((b) => (b.key.startsWith('hetero_lr_0') ? { ...b, bytes: new Uint8Array([8, 1]) } : b)));
  const models = new PipelineModels({ store: {} as EventStore, views, blobs, clock: { now: () => 0 } as never, waitForViews: async () => {} });
  const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), eventStore: 'memory', logLevel: 'silent' });
  const commands = { execute: async () => { throw new Error('no commands'); } } as unknown as CommandBus;
  const app = createHttpApp({ commands, views, config, log: pino({ level: 'silent' }), nextJobId: () => 'unused', tables: new TableStore(join(dir, 'tables')), models });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

t.after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  views?.close();
  blobs?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('a stored model: exactly the contract\'s answer, every buffer base64 keyed <component>.<alias>:<BufferName>', async () => {
  const expected: Record<string, string> = {};
  for (const b of model.buffers) expected[b.key] = Buffer.from(b.bytes).toString('base64');
  const body = await transfer({ name: JOB, namespace: GUEST_MODEL });
  assert.equal(body, { data: expected, retcode: 0, retmsg: 'success' });
  assert.equal(Object.keys(body.data), [
    'dataio_0.dataio:DataIOMeta', 'dataio_0.dataio:DataIOParam',
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta', 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam',
    'pipeline.pipeline:Pipeline',
  ]);
  assert.equal(body, modelTransferAnswer(new Map(model.buffers.map((b) => [b.key, b.bytes]))));
});

t('an unknown model (version or namespace): retcode 100 naming both', async () => {
  const body = await transfer({ name: '20000101000000000000', namespace: GUEST_MODEL });
  assert.is(body.retcode, 100);
  assert.match(body.retmsg, `no pipeline model ${GUEST_MODEL} with model_version 20000101000000000000`);
  assert.is((await transfer({ name: JOB, namespace: `host#10000#${MODEL_ID}` })).retcode, 100);
});

t('a bad body: retcode 100 naming the missing or malformed field', async () => {
  assert.equal(await transfer({ namespace: GUEST_MODEL }), { retcode: 100, retmsg: 'the following arguments are required: name ' });
  assert.equal(await transfer({ name: JOB }), { retcode: 100, retmsg: 'the following arguments are required: namespace ' });
  assert.equal(await transfer({ name: JOB, namespace: { a: 1 } }), { retcode: 100, retmsg: 'the following arguments are required:  namespace=<non-empty string>' });
  const notJson = await post(url, '/v1/model/transfer', 'not json');
  assert.is(notJson.body.retcode, 100);
});

t('a buffer whose stored bytes no longer match their sha256 is not served', async () => {
  const body = await transfer({ name: TAMPERED, namespace: GUEST_MODEL });
  assert.is(body.retcode, 100);
  assert.match(body.retmsg, 'buffer hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta does not match its sha256');
});

t.run();
