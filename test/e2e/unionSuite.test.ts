// FATE 1.4.5's union testsuite (examples/federatedml-1.x-examples/union), its files unchanged, on one
// standalone node with the runner's roles (guest 10000, host 9998, arbiter 9999): every task ends
// success, and the union's metrics and output are what FATE's Union gives for these inputs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { FATE_EXAMPLES, readSuite, submitSuiteTask, uploadSuiteData, type Suite } from '../support/fateSuite.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const t = suite('e2e: FATE\'s union testsuite, unchanged');
let node: RunningNode;
let dir: string;
let unionSuite: Suite;

t.before(async () => {
  dir = tempDir('union-suite');
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, join(FATE_EXAMPLES, '..')], logLevel: 'silent' }));
  unionSuite = readSuite('union/union_testsuite.json');
  await uploadSuiteData(node.url, unionSuite);
});
t.after(async () => {
  await node?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runTask(task: string, timeoutMs = 120_000): Promise<string> {
  const submit = await submitSuiteTask(node.url, unionSuite, task);
  assert.is(submit.retcode, 0, submit.retmsg);
  const row = await waitForJob(node.url, submit.jobId, timeoutMs, 100);
  assert.is(row.f_status, 'success', `${task}: ${row.f_reason}`);
  return submit.jobId as string;
}

async function unionMetric(jobId: string, party = 10000, role = 'guest'): Promise<Record<string, number>> {
  const r = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'union_0', role, party_id: party, metric_namespace: 'train', metric_name: 'union' });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.equal(r.body.meta, { name: 'union', metric_type: 'UNION' });
  return Object.fromEntries(r.body.data as [string, number][]);
}

async function outputMeta(jobId: string, component: string, party = 10000, role = 'guest') {
  const r = await post(node.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: component, role, party_id: party });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  return r.body;
}

t('union-basic: three DataIO outputs combined (dataio_k.data), the first row kept per id', async () => {
  const jobId = await runTask('union-basic');
  assert.equal(await unionMetric(jobId), { 'dataio_0.data': 569, 'dataio_1.data': 569, 'dataio_2.data': 569, Total: 569 });
  const out = await outputMeta(jobId, 'union_0');
  assert.is(out.meta.total, 569);
  assert.equal(out.meta.header.slice(0, 3), ['id', 'y', 'x0']);
});

t('union-dataio: two uploaded tables combined before DataIO (args.data_0, args.data_1); DataIO reads the union', async () => {
  const jobId = await runTask('union-dataio');
  assert.equal(await unionMetric(jobId), { 'args.data_0': 569, 'args.data_1': 569, Total: 569 });
  const dataio = await outputMeta(jobId, 'dataio_0');
  assert.is(dataio.meta.total, 569);
  assert.equal(dataio.meta.header.slice(0, 3), ['id', 'y', 'x0']);
});

t('union-tag: two uploaded tag:value tables, keep_duplicate renames the second copy <id>_args.data_1; DataIO reads tags', async () => {
  const jobId = await runTask('union-tag');
  assert.equal(await unionMetric(jobId), { 'args.data_0': 1000, 'args.data_1': 1000, Total: 2000 });
  const union = await outputMeta(jobId, 'union_0');
  assert.is(union.meta.total, 2000);
  const ids = (union.data as unknown[][]).map((r) => String(r[0]));
  assert.ok(ids.includes('1000') && ids.includes('1000_args.data_1'), ids.slice(0, 10).join(' '));
  assert.ok(ids.every((id) => /^\d+(_args\.data_1)?$/.test(id)), 'only renamed copies of table 2');
  const dataio = await outputMeta(jobId, 'dataio_0');
  assert.is(dataio.meta.total, 2000);
  // sid, then the 1400 sorted tags (no label column: the rows have no label).
  assert.is(dataio.meta.header.length, 1 + 1400);
  assert.is(dataio.meta.header[0], 'sid');
  const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'dataio_0', role: 'guest', party_id: 10000 });
  assert.is(model.body.data.header.length, 1400);
  assert.is(model.body.meta.meta_data.inputFormat, 'tag');
  assert.is(model.body.meta.meta_data.tagWithValue, true);
});

t('union: guest and host each union their two intersections, then HeteroLR (guest 10000, host 9998, arbiter 9999) and Evaluation', async () => {
  const jobId = await runTask('union', 600_000);
  assert.equal(await unionMetric(jobId), { 'intersection_0.data': 569, 'intersection_1.data': 569, Total: 569 });
  assert.equal(await unionMetric(jobId, 9998, 'host'), { 'intersection_0.data': 569, 'intersection_1.data': 569, Total: 569 });
  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', role: 'guest', party_id: 10000 });
  const summary = Object.fromEntries(metrics.body.data.train.hetero_lr_0.data as [string, number][]);
  assert.ok(summary.auc > 0.95, `auc ${summary.auc}`);

  // Not in the suite: a predict job from this model replays both DataIOs, both intersections and
  // the union on the eval data before scoring.
  const jobs = await post(node.url, '/v1/job/query', { job_id: jobId, role: 'guest', party_id: 10000 });
  const conf = JSON.parse(jobs.body.data[0].f_runtime_conf);
  const data = (name: string) => ({ args: { data: { eval_data: [{ name, namespace: 'experiment' }] } } });
  const predict = await post(node.url, '/v1/job/submit', { job_runtime_conf: {
    initiator: { role: 'guest', party_id: 10000 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: conf.job_parameters.model_id, model_version: conf.job_parameters.model_version },
    role: { guest: [10000], host: [9998], arbiter: [9999] },
    role_parameters: { guest: data('breast_hetero_guest'), host: data('breast_hetero_host') },
  } });
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  const row = await waitForJob(node.url, predict.body.jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  assert.equal(await unionMetric(predict.body.jobId), { 'intersection_0.data': 569, 'intersection_1.data': 569, Total: 569 });
  const scored = await outputMeta(predict.body.jobId, 'hetero_lr_0');
  assert.is(scored.meta.total, 569);
});

t.run();
