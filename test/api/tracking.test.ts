// /v1/tracking/* (contract 5.10–5.17) over HTTP against views built from events, without a scheduler.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
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
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeTable } from '../../src/store/tables/writeTable.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir } from '../support/http.js';
import { givenEvents } from '../support/projectionSpec.js';

const JOB = '202011101532147423781';
const example = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'standalone', file), 'utf8'));
const dsl = example('hetero_lr_dsl.json');
const conf = example('hetero_lr_conf.json');

function jobCreated(role: string, partyId: string) {
  const outcome = planJob(dsl, conf, { jobId: JOB, serverWorkMode: 0, defaultTimeoutSeconds: 604800 });
  if (!outcome.ok) throw new Error(outcome.message);
  const { plan } = outcome;
  return {
    type: 'JobCreated',
    data: {
      jobId: JOB, role, partyId, initiator: { role: 'guest', partyId: '9999' }, isInitiator: role === 'guest', workMode: 0,
      roles: plan.roles, dsl: plan.dsl, runtimeConf: plan.conf, trainRuntimeConf: {}, runIp: '127.0.0.1:9380', tag: '', at: 1000,
    },
  };
}

const scope = (componentName: string, role: string, partyId: string) => ({ jobId: JOB, componentName, taskId: `${JOB}_${componentName}`, role, partyId });
const guest = (c: string) => scope(c, 'guest', '9999');
const host = (c: string) => scope(c, 'host', '10000');
const arbiter = (c: string) => scope(c, 'arbiter', '10001');

const lrParam = { iters: 30, isConverged: false, weight: { x0: 0.041, x1: 0.017 }, intercept: 0.27, header: ['x0', 'x1'] };
const lrMeta = { penalty: 'L2', tol: 0.0001, batchSize: '-1', maxIter: '30' };

const events = [
  jobCreated('host', '10000'),
  jobCreated('arbiter', '10001'),
  jobCreated('guest', '9999'),
  { type: 'MetricDataLogged', data: { ...arbiter('hetero_lr_0'), namespace: 'train', name: 'loss', points: [[2, 0.5106], [0, 0.6931]], at: 1 } },
  { type: 'MetricMetaLogged', data: { ...arbiter('hetero_lr_0'), namespace: 'train', name: 'loss', meta: { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' }, at: 1 } },
  { type: 'MetricDataLogged', data: { ...arbiter('hetero_lr_0'), namespace: 'train', name: 'loss', points: [[1, 0.5844]], at: 2 } },
  { type: 'MetricDataLogged', data: { ...guest('evaluation_0'), namespace: 'train', name: 'hetero_lr_0', points: [['auc', 0.98], ['ks', 0.86]], at: 3 } },
  { type: 'MetricMetaLogged', data: { ...guest('evaluation_0'), namespace: 'train', name: 'hetero_lr_0', meta: { name: 'hetero_lr_0', metric_type: 'EVALUATION_SUMMARY' }, at: 3 } },
  { type: 'MetricMetaLogged', data: { ...guest('evaluation_0'), namespace: 'validate', name: 'hetero_lr_0_roc', meta: { name: 'hetero_lr_0_roc', metric_type: 'ROC' }, at: 4 } },
  {
    type: 'OutputDataRecorded',
    data: { ...guest('dataio_0'), dataName: 'train', tableNamespace: `output_data_${JOB}_dataio_0`, tableName: 'train', location: 'loc_guest_dataio', count: 150, schema: { header: ['x0', 'x1'], sid_name: 'id', label_name: 'y' }, at: 5 },
  },
  {
    type: 'OutputDataRecorded',
    data: { ...host('dataio_0'), dataName: 'train', tableNamespace: `output_data_${JOB}_dataio_0`, tableName: 'train', location: 'loc_host_dataio', count: 2, schema: { header: ['x2', 'x3', 'x4'], sid_name: 'id' }, at: 5 },
  },
  {
    type: 'OutputDataRecorded',
    data: {
      ...guest('hetero_lr_0'), dataName: 'train', tableNamespace: `output_data_${JOB}_hetero_lr_0`, tableName: 'train', location: 'loc_guest_lr', count: 1,
      schema: { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' }, at: 6,
    },
  },
  { type: 'OutputModelRecorded', data: { ...guest('hetero_lr_0'), module: 'HeteroLR', alias: 'hetero_lr', buffers: { HeteroLogisticRegressionMeta: lrMeta, HeteroLogisticRegressionParam: lrParam }, at: 7 } },
  { type: 'OutputModelRecorded', data: { ...guest('intersection_0'), module: 'Intersection', alias: 'default', buffers: { IntersectMeta: { intersectMethod: 'rsa' } }, at: 7 } },
];

const dir = tempDir('tracking-api');
let views: Database;
let server: Server;
let url = '';
const call = async (path: string, body: unknown) => (await post(url, `/v1/tracking${path}`, body)).body;

const t = suite('api: /v1/tracking');

t.before(async () => {
  views = givenEvents(ALL_PROJECTIONS, events);
  const tables = new TableStore(join(dir, 'tables'));
  // 150 Instances, keys in an order that differs from insertion; every even id has a label.
  const instances = Array.from({ length: 150 }, (_, i) => {
    const id = String(1000 - i);
    const value = i % 2 === 0 ? { features: [i, i / 2], label: i % 3 === 0 ? 1 : 0 } : { features: [i, i / 2] };
    return [id, JSON.stringify(value)] as const;
  });
  writeTable(tables, 'loc_guest_dataio', instances);
  writeTable(tables, 'loc_host_dataio', [['b', JSON.stringify({ features: [0.3, 0.4, 0.5] })], ['a', JSON.stringify({ features: [0.1, 0.2, 0.25] })]]);
  writeTable(tables, 'loc_guest_lr', [['133', JSON.stringify([1, 1, 0.9312, { 0: 0.0688, 1: 0.9312 }, 'train'])]]);
  const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), eventStore: 'memory', logLevel: 'silent' });
  const commands = { execute: async () => { throw new Error('no commands'); } } as unknown as CommandBus;
  const app = createHttpApp({ commands, views, config, log: pino({ level: 'silent' }), nextJobId: () => 'unused', tables });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

t.after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  views?.close();
  rmSync(dir, { recursive: true, force: true });
});

// ---- 5.10 role/party defaulting, shared by every route -------------------------------------

t('5.10: without role and party_id the initiator (guest 9999) is used', async () => {
  const body = await call('/component/metric/all', { job_id: JOB, component_name: 'evaluation_0' });
  assert.is(body.retcode, 0, body.retmsg);
  assert.equal(Object.keys(body.data), ['train', 'validate']);
  assert.equal(body.data.train.hetero_lr_0.data, [['auc', 0.98], ['ks', 0.86]]);
  const metrics = await call('/component/metrics', { job_id: JOB, component_name: 'evaluation_0' });
  assert.equal(metrics, { retcode: 0, retmsg: 'success', data: { train: ['hetero_lr_0'], validate: ['hetero_lr_0_roc'] } });
});

t('5.10: only one of role / party_id → 100 with the KeyError text, on every component route', async () => {
  for (const path of ['/component/metrics', '/component/metric_data', '/component/metric/all', '/component/parameters', '/component/output/model', '/component/output/data', '/component/output/data/table']) {
    assert.equal(await call(path, { job_id: JOB, component_name: 'hetero_lr_0', role: 'guest' }), { retcode: 100, retmsg: "'party_id'" }, path);
    assert.equal(await call(path, { job_id: JOB, component_name: 'hetero_lr_0', party_id: 9999 }), { retcode: 100, retmsg: "'role'" }, path);
  }
  assert.equal(await call('/job/data_view', { job_id: JOB, party_id: '9999' }), { retcode: 100, retmsg: "'role'" });
});

t('5.10: an unknown job without role/party has no initiator to default to → \'role\'', async () => {
  assert.equal(await call('/component/metric/all', { job_id: 'nope', component_name: 'x' }), { retcode: 100, retmsg: "'role'" });
});

t('5.10: party_id may be an int or a string', async () => {
  const asInt = await call('/component/metric/all', { job_id: JOB, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001 });
  const asString = await call('/component/metric/all', { job_id: JOB, component_name: 'hetero_lr_0', role: 'arbiter', party_id: '10001' });
  assert.is(asInt.retcode, 0);
  assert.equal(asInt, asString);
});

t('job_id and component_name are required (required-arguments message)', async () => {
  assert.equal(await call('/component/metrics', { role: 'guest', party_id: 9999 }), { retcode: 100, retmsg: 'the following arguments are required: job_id,component_name ' });
});

// ---- 5.11 job/data_view ----------------------------------------------------------------------

t('5.11 data_view on the initiator: partner, every role, every dataset, model_summary', async () => {
  assert.equal(await call('/job/data_view', { job_id: JOB, role: 'guest', party_id: 9999 }), {
    retcode: 0, retmsg: 'success',
    data: {
      partner: { host: [10000], arbiter: [10001] },
      dataset: {
        guest: { 9999: { train_data: 'experiment.breast_hetero_guest' } },
        host: { 10000: { train_data: 'experiment.breast_hetero_host' } },
      },
      roles: { guest: [9999], host: [10000], arbiter: [10001] },
      model_summary: { job: { job_view: {} } },
    },
  });
  const defaulted = await call('/job/data_view', { job_id: JOB });
  assert.equal(defaulted.data.roles, { guest: [9999], host: [10000], arbiter: [10001] });
});

t('5.11 data_view on a host: only its own role and dataset', async () => {
  assert.equal((await call('/job/data_view', { job_id: JOB, role: 'host', party_id: '10000' })).data, {
    partner: { guest: [9999], arbiter: [10001] },
    dataset: { host: { 10000: { train_data: 'experiment.breast_hetero_host' } } },
    roles: { host: [10000] },
    model_summary: { job: { job_view: {} } },
  });
  assert.equal((await call('/job/data_view', { job_id: JOB, role: 'arbiter', party_id: 10001 })).data, {
    partner: { guest: [9999], host: [10000] }, dataset: {}, roles: { arbiter: [10001] }, model_summary: { job: { job_view: {} } },
  }, 'the arbiter has no args data');
});

t('5.11 data_view without a row for that job/role/party → 101 error', async () => {
  assert.equal(await call('/job/data_view', { job_id: JOB, role: 'host', party_id: 9999 }), { retcode: 101, retmsg: 'error' });
  assert.equal(await call('/job/data_view', { job_id: 'nope', role: 'guest', party_id: 9999 }), { retcode: 101, retmsg: 'error' });
});

// ---- 5.12 / 5.13 / 5.14 metrics ------------------------------------------------------------

t('5.12 metrics: namespace → names; none → no data', async () => {
  assert.equal(await call('/component/metrics', { job_id: JOB, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001 }), {
    retcode: 0, retmsg: 'success', data: { train: ['loss'] },
  });
  assert.equal(await call('/component/metrics', { job_id: JOB, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999 }), { retcode: 0, retmsg: 'no data' });
});

t('5.13 metric_data: points sorted by key, the meta dict', async () => {
  assert.equal(await call('/component/metric_data', { job_id: JOB, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' }), {
    retcode: 0, retmsg: 'success',
    data: [[0, 0.6931], [1, 0.5844], [2, 0.5106]],
    meta: { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' },
  });
});

t('5.13 metric_data quirk: nothing logged still answers a meta with null name and metric_type', async () => {
  assert.equal(await call('/component/metric_data', { job_id: JOB, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999, metric_namespace: 'train', metric_name: 'loss' }), {
    retcode: 0, retmsg: 'success', meta: { name: null, metric_type: null },
  });
});

t('5.13 metric_data: meta only (no points) → data omitted, meta kept', async () => {
  assert.equal(await call('/component/metric_data', { job_id: JOB, component_name: 'evaluation_0', metric_namespace: 'validate', metric_name: 'hetero_lr_0_roc' }), {
    retcode: 0, retmsg: 'success', meta: { name: 'hetero_lr_0_roc', metric_type: 'ROC' },
  });
});

t('5.13 metric_data requires metric_namespace and metric_name', async () => {
  assert.equal(await call('/component/metric_data', { job_id: JOB, component_name: 'hetero_lr_0', metric_name: 'loss' }), {
    retcode: 100, retmsg: 'the following arguments are required: metric_namespace ',
  });
});

t('5.14 metric/all: every series with data and meta; none → no data', async () => {
  assert.equal(await call('/component/metric/all', { job_id: JOB, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001 }), {
    retcode: 0, retmsg: 'success',
    data: { train: { loss: { data: [[0, 0.6931], [1, 0.5844], [2, 0.5106]], meta: { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' } } } },
  });
  assert.equal(await call('/component/metric/all', { job_id: JOB, component_name: 'dataio_0', role: 'host', party_id: 10000 }), { retcode: 0, retmsg: 'no data' });
});

// ---- 5.15 parameters -----------------------------------------------------------------------

t('5.15 parameters: module and the merged <ParamClass> of the requested party', async () => {
  const lr = await call('/component/parameters', { job_id: JOB, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999 });
  assert.is(lr.retcode, 0, lr.retmsg);
  assert.equal(Object.keys(lr.data).sort(), ['HeteroLogisticParam', 'module']);
  assert.is(lr.data.module, 'HeteroLR');
  const p = lr.data.HeteroLogisticParam;
  assert.is(p.optimizer, 'rmsprop');
  assert.is(p.max_iter, 30);
  assert.is(p.early_stop, 'diff');
  assert.is(p.init_param.init_method, 'zeros');
  const hostIo = await call('/component/parameters', { job_id: JOB, component_name: 'dataio_0', role: 'host', party_id: '10000' });
  assert.is(hostIo.data.module, 'DataIO');
  assert.is(hostIo.data.DataIOParam.with_label, false);
  const guestIo = await call('/component/parameters', { job_id: JOB, component_name: 'dataio_0' });
  assert.is(guestIo.data.DataIOParam.with_label, true, 'defaults to the initiator');
  assert.is(guestIo.data.DataIOParam.label_name, 'y');
});

t('5.15 parameters: role/party not among the component parties → retcode 0 with the message', async () => {
  assert.equal(await call('/component/parameters', { job_id: JOB, component_name: 'dataio_0', role: 'arbiter', party_id: 10001 }), {
    retcode: 0, retmsg: 'can not found this component parameters',
  });
  assert.equal(await call('/component/parameters', { job_id: JOB, component_name: 'dataio_0', role: 'guest', party_id: 1 }), {
    retcode: 0, retmsg: 'can not found this component parameters',
  });
});

t('5.15 parameters: unknown job → 101; unknown component → 100', async () => {
  assert.equal(await call('/component/parameters', { job_id: 'nope', component_name: 'dataio_0', role: 'guest', party_id: 9999 }), { retcode: 101, retmsg: 'can not found this job' });
  const unknown = await call('/component/parameters', { job_id: JOB, component_name: 'nope_0', role: 'guest', party_id: 9999 });
  assert.is(unknown.retcode, 100);
  assert.ok(unknown.retmsg);
});

// ---- 5.16 output/model ---------------------------------------------------------------------

t('5.16 output/model: the Param buffer as data, the Meta buffer and module as meta', async () => {
  assert.equal(await call('/component/output/model', { job_id: JOB, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999 }), {
    retcode: 0, retmsg: 'success', data: lrParam, meta: { meta_data: lrMeta, module_name: 'HeteroLR' },
  });
});

t('5.16 output/model: no model, or no Param buffer → no data', async () => {
  assert.equal(await call('/component/output/model', { job_id: JOB, component_name: 'evaluation_0' }), { retcode: 0, retmsg: 'no data' });
  assert.equal(await call('/component/output/model', { job_id: JOB, component_name: 'intersection_0' }), { retcode: 0, retmsg: 'no data' });
  assert.equal(await call('/component/output/model', { job_id: JOB, component_name: 'hetero_lr_0', role: 'host', party_id: 10000 }), { retcode: 0, retmsg: 'no data' });
});

// ---- 5.17 output/data ----------------------------------------------------------------------

t('5.17 output/data: the first 100 rows in key order, [key, label?, ...features], header and total', async () => {
  const body = await call('/component/output/data', { job_id: JOB, component_name: 'dataio_0' });
  assert.is(body.retcode, 0, body.retmsg);
  assert.is(body.data.length, 100);
  assert.equal(body.meta, { header: ['id', 'y', 'x0', 'x1'], total: 150 });
  // Keys sort as text: "1000" is the first row (i = 0: labelled), then "851", "852", ... (i = 149, 148, ...).
  assert.equal(body.data[0], ['1000', 1, 0, 0]);
  assert.equal(body.data[1], ['851', 149, 74.5], 'an instance without a label has no label cell');
  assert.equal(body.data[2], ['852', 0, 148, 74]);
});

t('5.17 output/data: no label anywhere → no label column', async () => {
  assert.equal(await call('/component/output/data', { job_id: JOB, component_name: 'dataio_0', role: 'host', party_id: 10000 }), {
    retcode: 0, retmsg: 'success',
    data: [['a', 0.1, 0.2, 0.25], ['b', 0.3, 0.4, 0.5]],
    meta: { header: ['id', 'x2', 'x3', 'x4'], total: 2 },
  });
});

t('5.17 output/data: list values spread after the key (HeteroLR predictions)', async () => {
  assert.equal(await call('/component/output/data', { job_id: JOB, component_name: 'hetero_lr_0' }), {
    retcode: 0, retmsg: 'success',
    data: [['133', 1, 1, 0.9312, { 0: 0.0688, 1: 0.9312 }, 'train']],
    meta: { header: ['id', 'label', 'predict_result', 'predict_score', 'predict_detail', 'type'], total: 1 },
  });
});

t('5.17 output/data: no output → no data; unknown job → 100; unknown component → 100', async () => {
  assert.equal(await call('/component/output/data', { job_id: JOB, component_name: 'evaluation_0' }), { retcode: 0, retmsg: 'no data' });
  assert.equal(await call('/component/output/data', { job_id: 'nope', component_name: 'dataio_0', role: 'guest', party_id: 9999 }), {
    retcode: 100, retmsg: 'can not get dag parser, please check if the parameters are correct',
  });
  const unknown = await call('/component/output/data', { job_id: JOB, component_name: 'nope_0' });
  assert.is(unknown.retcode, 100);
});

t('output/data/table: the output table name and namespace; not found → 100', async () => {
  assert.equal(await call('/component/output/data/table', { job_id: JOB, component_name: 'dataio_0', role: 'host', party_id: 10000 }), {
    retcode: 0, retmsg: 'success', data: { table_name: 'train', table_namespace: `output_data_${JOB}_dataio_0` },
  });
  const none = await call('/component/output/data/table', { job_id: JOB, component_name: 'evaluation_0' });
  assert.is(none.retcode, 100);
  assert.is(none.data, undefined);
  const unknownJob = await call('/component/output/data/table', { job_id: 'nope', component_name: 'dataio_0', role: 'guest', party_id: 9999 });
  assert.is(unknownJob.retcode, 100);
});

t.run();
