// load, bind (FATE's -f load / -f bind) and the node's --serving flag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig, configFromEnv, parseServings, servingsOf } from '../../src/config.js';
import { configFromFlags, parseArgs } from '../../src/cli/main.js';
import { tempDir } from '../support/http.js';
import { jsonBody, run, startFakeServer, type FakeServer } from './helpers.js';

let srv: FakeServer;
const dir = tempDir('cli-model');
const conf = { initiator: { party_id: '9999', role: 'guest' }, role: { guest: ['9999'], host: ['10000'] }, job_parameters: { work_mode: 0, model_id: 'm', model_version: 'v' } };
const loadFile = join(dir, 'publish_load.json');
const bindFile = join(dir, 'bind.json');
writeFileSync(loadFile, JSON.stringify(conf));
writeFileSync(bindFile, JSON.stringify({ ...conf, service_id: 'svc' }));

test.before(async () => {
  srv = await startFakeServer();
});
test.after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('load -c: the conf is the body of /v1/model/load; the envelope is printed; retcode 101 → exit 1', async () => {
  const answer = { data: { guest: { 9999: 0 }, host: { 10000: 1 }, detail: {} }, jobId: 'J', retcode: 101, retmsg: 'failed' };
  srv.routes.set('/v1/model/load', () => answer);
  const r = await run(['load', '-c', loadFile, '--server', srv.url]);
  assert.is(r.code, 1);
  assert.equal(jsonBody(srv.requests.at(-1)!), conf);
  assert.is(r.stdout, `${JSON.stringify(answer, null, 2)}\n`);
  srv.routes.set('/v1/model/load', () => ({ retcode: 0, retmsg: 'success', jobId: 'J' }));
  assert.is((await run(['-f', 'load', '-c', loadFile, '--server', srv.url])).code, 0);
});

test('bind -c (and -f bind): /v1/model/bind with the conf', async () => {
  srv.routes.set('/v1/model/bind', () => ({ retcode: 0, retmsg: 'service id is svc' }));
  const r = await run(['-f', 'bind', '-c', bindFile, '--server', srv.url]);
  assert.is(r.code, 0);
  assert.is(srv.requests.at(-1)!.path, '/v1/model/bind');
  assert.equal(jsonBody(srv.requests.at(-1)!), { ...conf, service_id: 'svc' });
  assert.equal(JSON.parse(r.stdout), { retcode: 0, retmsg: 'service id is svc' });
});

test('load/bind need -c', async () => {
  const r = await run(['bind', '--server', srv.url]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /missing required option -c <conf.json>/);
});

test('node --serving: a list for every party, or <party_id>=host:port per party; env FEDFLOW_SERVINGS', () => {
  const list = buildConfig(configFromFlags(parseArgs(['node', '--serving', '127.0.0.1:8000', '--serving', '127.0.0.1:8001']).options));
  assert.equal(list.servings, ['127.0.0.1:8000', '127.0.0.1:8001']);
  assert.equal(servingsOf(list.servings, '10000'), ['127.0.0.1:8000', '127.0.0.1:8001']);
  const perParty = buildConfig(configFromFlags(parseArgs(['node', '--serving', '9999=127.0.0.1:8001', '--serving', '10000=127.0.0.1:8002']).options));
  assert.equal(perParty.servings, { 9999: ['127.0.0.1:8001'], 10000: ['127.0.0.1:8002'] });
  assert.equal(servingsOf(perParty.servings, '10000'), ['127.0.0.1:8002']);
  assert.equal(servingsOf(perParty.servings, '10001'), []);
  assert.is(buildConfig().servings, undefined);
  assert.equal(configFromEnv({ FEDFLOW_SERVINGS: '{"9999": ["a:1"], "10000": "b:2"}' }).servings, { 9999: ['a:1'], 10000: ['b:2'] });
  assert.equal(configFromEnv({ FEDFLOW_SERVINGS: 'a:1, b:2' }).servings, ['a:1', 'b:2']);
  assert.equal(buildConfig({ servings: { 9999: ['a:1'] } }).servings, { 9999: ['a:1'] });
  assert.throws(() => parseServings(['a:1', '9999=b:2']), /every address as <party_id>=host:port or none/);
  assert.throws(() => parseServings(['localhost']), /serving address must be host:port, got "localhost"/);
  assert.throws(() => buildConfig({ servings: 'not json {' as never }), /serving address must be host:port/);
});
test.run();
