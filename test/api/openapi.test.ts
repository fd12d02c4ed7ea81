// The OpenAPI 3.1 document of /v1: served at /v1/openapi.json, equal to the committed
// docs/openapi.json, naming every route of the Koa router, and every endpoint's real answers (a
// hetero LR job run for the purpose, its model loaded and bound to a fake serving) validate against
// it. test/support/http.ts's post() checks every answer of every e2e test the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DOCUMENTED_ROUTES, openApiDocument } from '../../src/api/openapi/document.js';
import { v1Router } from '../../src/api/httpApp.js';
import type { EdgeDeps } from '../../src/api/edgeDeps.js';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { startFakeServing, type FakeServing } from '../support/fakeServing.js';
import { post, waitForJob } from '../support/http.js';
import { checkAnswer, checkedAnswers, validate } from '../support/openapi.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
let fixture: ExampleNode;
let serving: FakeServing;
let url: string;
let jobId: string;
const t = suite('OpenAPI 3.1 document of /v1');

t.before(async () => {
  serving = await startFakeServing();
  fixture = await startExampleNode('openapi', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json'], {
    servings: { 9999: [serving.address], 10000: [serving.address] },
  });
  url = fixture.node.url;
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 3;
  const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  jobId = submit.body.jobId;
  assert.is((await waitForJob(url, jobId)).f_status, 'success');
});
t.after(async () => {
  await fixture?.close();
  await serving?.close();
});

t('the node serves the committed document; it is OpenAPI 3.1 and names every /v1 route', async () => {
  const res = await fetch(`${url}/v1/openapi.json`);
  assert.is(res.status, 200);
  const served = await res.json();
  assert.is(served.openapi, '3.1.0');
  assert.equal(served, JSON.parse(JSON.stringify(openApiDocument())));
  const committed = JSON.parse(readFileSync(join(REPO, 'docs', 'openapi.json'), 'utf8'));
  assert.equal(committed, served, 'docs/openapi.json is stale: run `node scripts/openapi.mjs`');
  const routes = v1Router({} as EdgeDeps).stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${layer.path}`));
  assert.ok(routes.length > 40, `${routes.length} routes`);
  assert.equal([...new Set(routes)].sort(), [...DOCUMENTED_ROUTES].sort());
  // Each operation has an answer or a content type, and each POST a request schema.
  for (const [path, ops] of Object.entries(served.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(Object.keys(op.responses['200'].content).length > 0, `${method} ${path}: no answer`);
      if (method === 'post') assert.ok(op.requestBody?.content?.['application/json']?.schema, `${method} ${path}: no request schema`);
    }
  }
});

t('the validator catches a wrong answer (a test that cannot fail is a defect)', () => {
  assert.throws(() => checkAnswer('POST', '/v1/job/query', 200, { retcode: 0, data: [{ f_job_id: 1 }] }), /does not match/);
  assert.throws(() => checkAnswer('POST', '/v1/job/query', 200, { retmsg: 'x' }), /retcode is required/);
  assert.throws(() => checkAnswer('POST', '/v1/nope/nope', 200, { retcode: 0 }), /not in \/v1\/openapi.json/);
  // An error answer need not carry the success payload.
  checkAnswer('POST', '/v1/job/query', 200, { retcode: 101, retmsg: 'find job failed' });
  const doc = openApiDocument();
  assert.equal(validate({ a: 1 }, { type: 'object', properties: { a: { type: 'string' } } }, doc), ['$.a: 1 is not string']);
  assert.throws(() => validate(1, { pattern: 'x' }, doc), /not supported/);
});

t('every endpoint answers as documented (a real job, model and serving behind them)', async () => {
  const guest = { role: 'guest', party_id: 9999 };
  const lr = { job_id: jobId, component_name: 'hetero_lr_0', ...guest };
  const job = (await post(url, '/v1/job/config', { job_id: jobId })).body.data;
  const { model_id, model_version } = job.model_info;
  const publish = { initiator: { party_id: '9999', role: 'guest' }, role: { guest: ['9999'], host: ['10000'], arbiter: ['10000'] }, job_parameters: { work_mode: 0, model_id, model_version } };
  const calls: [string, unknown][] = [
    ['/v1/data/upload/history', {}],
    ['/v1/job/query', { job_id: jobId }],
    ['/v1/job/task/query', { job_id: jobId }],
    ['/v1/job/update', { job_id: jobId, role: 'guest', party_id: 9999, notes: 'openapi' }],
    ['/v1/job/data/view/query', { job_id: jobId }],
    ['/v1/tracking/job/data_view', { job_id: jobId, ...guest }],
    ['/v1/tracking/component/metrics', lr],
    ['/v1/tracking/component/metric_data', { ...lr, role: 'arbiter', party_id: 10000, metric_namespace: 'train', metric_name: 'loss' }],
    ['/v1/tracking/component/metric/all', { ...lr, component_name: 'evaluation_0' }],
    ['/v1/tracking/component/parameters', lr],
    ['/v1/tracking/component/output/model', lr],
    ['/v1/tracking/component/output/data', lr],
    ['/v1/tracking/component/output/data/table', lr],
    ['/v1/pipeline/dag/dependency', { job_id: jobId, ...guest }],
    ['/v1/model/load', publish],
    ['/v1/model/load/do', { ...publish, local: { role: 'guest', party_id: '9999' } }],
    ['/v1/model/bind', { ...publish, service_id: 'openapi-test' }],
    ['/v1/model/transfer', { name: model_version, namespace: `guest#9999#${model_id}` }],
    ['/v1/model/query', { model_version, model_id }],
    ['/v1/table/table_info', { namespace: 'experiment', table_name: 'breast_hetero_guest' }],
    ['/v1/table/list', {}],
    ['/v1/permission/grant/privilege', { src_party_id: 10000, src_role: 'host', privilege_component: 'all' }],
    ['/v1/permission/query/privilege', { src_party_id: 10000 }],
    ['/v1/permission/delete/privilege', { src_party_id: 10000, src_role: 'host', privilege_component: 'all' }],
    ['/v1/permission/grant', { party_id: 10000, component: 'dataio' }],
    ['/v1/permission/query', { party_id: 10000 }],
    ['/v1/permission/delete', { party_id: 10000, component: 'dataio' }],
    ['/v1/version/get', { module: 'FATE' }],
    ['/v1/board/session', {}],
    ['/v1/board/session/end', {}],
    ['/v1/audit/events', { job_id: jobId, limit: 5 }],
    ['/v1/audit/job/timeline', { job_id: jobId }],
    ['/v1/audit/job/receipts', { job_id: jobId }],
    ['/v1/job/stop', { job_id: jobId }],
    ['/v1/job/stop/do', { job_id: jobId }],
    ['/v1/job/clean/queue', {}],
    ['/v1/tracking/component/metric/delete', { job_id: 'none-such' }],
    ['/v1/data/download', { namespace: 'experiment', table_name: 'breast_hetero_host', output_path: join(fixture.node.config.dataDir, 'host.csv'), work_mode: 0 }],
    ['/v1/job/clean', { job_id: jobId, component_name: 'intersection_0' }],
    ['/v1/table/delete', { namespace: 'experiment', table_name: 'breast_hetero_host' }],
  ];
  const successes: string[] = [];
  for (const [path, body] of calls) {
    const answer = await post(url, path, body); // post() validates every answer against the document
    if (answer.body.retcode === 0) successes.push(path);
  }
  // The calls above are meant to succeed, so the success payloads (not just the envelope) were checked.
  // A standalone job has no party receipts: that answer is a documented refusal (receipts need a cluster).
  const failed = calls.map(([p]) => p).filter((p) => !successes.includes(p) && !['/v1/job/stop', '/v1/job/stop/do', '/v1/audit/job/receipts'].includes(p));
  assert.equal(failed, []);
  // Submit and upload went through post() in before().
  for (const [method, path, query] of [
    ['GET', '/v1/board/jobs', '?size=5'], ['GET', '/v1/board/tables', ''], ['GET', '/v1/board/models', ''], ['GET', '/v1/board/session', ''],
    ['GET', '/v1/board/evaluation', `?job_id=${jobId}&component_name=evaluation_0&role=guest&party_id=9999`],
  ] as const) {
    const res = await fetch(`${url}${path}${query}`);
    const body = await res.json();
    checkAnswer(method, path, res.status, body);
    assert.is(body.retcode, 0, path);
    if (path === '/v1/board/evaluation') assert.is(body.data.models[0].total, 569);
    if (path === '/v1/board/models') assert.ok(body.data.some((m: any) => m.servings.some((s: any) => s.bind_status === 'bound' && s.service_ids.includes('openapi-test'))), JSON.stringify(body.data));
  }
  for (const [path, type] of [['/v1/job/log?job_id=' + jobId, 'application/gzip'], ['/v1/tracking/component/output/data/download?job_id=' + jobId + '&component_name=hetero_lr_0&role=guest&party_id=9999', 'application/gzip']] as const) {
    const res = await fetch(`${url}${path}`);
    assert.is(res.status, 200, path);
    assert.is(res.headers.get('content-type'), type, path);
    await res.arrayBuffer();
  }
  // Every POST operation of the document was answered and checked.
  const documentedPosts = DOCUMENTED_ROUTES.filter((r) => r.startsWith('POST ')).map((r) => r.replace(':other', 'list'));
  const missing = documentedPosts.filter((r) => !checkedAnswers.has(r));
  assert.equal(missing, [], `not exercised: ${missing.join(', ')}`);
});

t.run();
