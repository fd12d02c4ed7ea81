// /v1/model/load, /v1/model/load/do and /v1/model/bind on a standalone node, against real grpc-js
// ModelService servers that record what they receive (contract 5.19, 5.20, 10.2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig, type Servings } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { startFakeServing, type FakeServing } from '../support/fakeServing.js';
import { freePort } from '../support/federation.js';
import { post, tempDir } from '../support/http.js';

const modelId = 'arbiter-10001#guest-9999#host-10000#model';
const modelVersion = '2026112708000000000001';
const roles = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const load = (over: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  initiator: { party_id: '9999', role: 'guest' },
  role: roles,
  job_parameters: { work_mode: 0, model_id: modelId, model_version: modelVersion, ...params },
  ...over,
});
const bind = (over: Record<string, unknown> = {}) => ({ service_id: 'breast-hetero-lr', ...load(), ...over });
const SUCCESS = { retcode: 0, retmsg: 'success' };

const dir = tempDir('publish');
let guestServing: FakeServing;
let hostServing: FakeServing;
/** guest 9999 → guestServing, host 10000 → hostServing. */
let node: RunningNode;
/** No servings configured. */
let bare: RunningNode;
/** host 10000's serving is a closed port. */
let broken: RunningNode;
let deadAddress: string;

const start = (name: string, servings?: Servings) =>
  startNode(buildConfig({ httpPort: 0, dataDir: join(dir, name), eventStore: 'memory', logLevel: 'silent', ...(servings ? { servings } : {}) }));

const t = suite('model load and bind');
t.before(async () => {
  guestServing = await startFakeServing();
  hostServing = await startFakeServing();
  deadAddress = `127.0.0.1:${await freePort()}`;
  node = await start('node', { 9999: [guestServing.address], 10000: [hostServing.address] });
  bare = await start('bare');
  broken = await start('broken', { 9999: [guestServing.address], 10000: [deadAddress] });
});
t.before.each(() => {
  for (const s of [guestServing, hostServing]) {
    s.loads.length = 0;
    s.binds.length = 0;
    s.answer = { load: {}, bind: {} };
  }
});
t.after(async () => {
  await Promise.all([node, bare, broken].map((n) => n?.close()));
  await Promise.all([guestServing, hostServing].map((s) => s?.close()));
  rmSync(dir, { recursive: true, force: true });
});

const partyModel = (role: string, partyId: string) => ({ tableName: modelVersion, namespace: `${role}#${partyId}#${modelId}` });
const roleMap = { guest: { partyId: ['9999'] }, host: { partyId: ['10000'] }, arbiter: { partyId: ['10001'] } };

t('load: every non-arbiter party publishes to its own serving; the PublishRequest is FATE-Flow\'s', async () => {
  const { body } = await post(node.url, '/v1/model/load', load());
  assert.match(body.jobId, /^\d{21,}$/);
  assert.equal(body, {
    data: { guest: { 9999: 0 }, host: { 10000: 0 }, detail: { guest: { 9999: SUCCESS }, host: { 10000: SUCCESS } } },
    jobId: body.jobId, retcode: 0, retmsg: 'success',
  });
  assert.is(guestServing.loads.length, 1);
  assert.is(hostServing.loads.length, 1);
  const model = { guest: { roleModelInfo: { 9999: partyModel('guest', '9999') } }, host: { roleModelInfo: { 10000: partyModel('host', '10000') } }, arbiter: { roleModelInfo: { 10001: partyModel('arbiter', '10001') } } };
  const common = { role: roleMap, model, serviceId: '', tableName: '', namespace: '', loadType: 'FATEFLOW', filePath: `${node.url}/v1/model/transfer` };
  assert.equal(guestServing.loads[0], { local: { role: 'guest', partyId: '9999' }, ...common });
  assert.equal(hostServing.loads[0], { local: { role: 'host', partyId: '10000' }, ...common });
  assert.equal(guestServing.binds, []);
});

t('load: job_parameters.load_type and file_path reach the serving; numeric party ids become strings', async () => {
  const { body } = await post(node.url, '/v1/model/load', load({ initiator: { party_id: 9999, role: 'guest' }, role: { guest: [9999], host: [10000] } }, { load_type: 'FILE', file_path: '/models/m.zip' }));
  assert.is(body.retcode, 0, JSON.stringify(body));
  assert.is(hostServing.loads[0]!.loadType, 'FILE');
  assert.is(hostServing.loads[0]!.filePath, '/models/m.zip');
  assert.equal(hostServing.loads[0]!.role, { guest: { partyId: ['9999'] }, host: { partyId: ['10000'] } });
});

t('load: one party\'s serving answers statusCode 1 → 101 failed, its detail "<message> <error>"', async () => {
  hostServing.answer.load = { statusCode: 1, message: 'load model error', error: 'no model host#10000' };
  const { body } = await post(node.url, '/v1/model/load', load());
  assert.equal(body, {
    data: { guest: { 9999: 0 }, host: { 10000: 1 }, detail: { guest: { 9999: SUCCESS }, host: { 10000: { retcode: 1, retmsg: 'load model error no model host#10000' } } } },
    jobId: body.jobId, retcode: 101, retmsg: 'failed',
  });
});

t('load: an unreachable serving → 101 failed, that party 100 with the address in its detail', async () => {
  const { body } = await post(broken.url, '/v1/model/load', load());
  assert.is(body.retcode, 101);
  assert.is(body.retmsg, 'failed');
  assert.equal(body.data.guest, { 9999: 0 });
  assert.equal(body.data.host, { 10000: 100 });
  assert.is(body.data.detail.host['10000'].retcode, 100);
  assert.ok(body.data.detail.host['10000'].retmsg.includes(deadAddress), body.data.detail.host['10000'].retmsg);
});

t('load: no serving configured → 100 Please configure servings address (each party says so too)', async () => {
  const { body } = await post(bare.url, '/v1/model/load', load());
  const none = { retcode: 100, retmsg: 'Please configure servings address' };
  assert.equal(body, { data: { guest: { 9999: 100 }, host: { 10000: 100 }, detail: { guest: { 9999: none }, host: { 10000: none } } }, jobId: body.jobId, ...none });
});

t('load/do: one local party publishes to its own servings only', async () => {
  const { body } = await post(node.url, '/v1/model/load/do', { ...load(), local: { role: 'host', party_id: '10000' } });
  assert.equal(body, SUCCESS);
  assert.is(guestServing.loads.length, 0);
  assert.equal(hostServing.loads[0]!.local, { role: 'host', partyId: '10000' });
  const none = await post(bare.url, '/v1/model/load/do', { ...load(), local: { role: 'host', party_id: '10000' } });
  assert.equal(none.body, { retcode: 100, retmsg: 'Please configure servings address' });
});

t('load: bad bodies are refused with retcode 100 naming the field', async () => {
  const msg = async (b: unknown) => (await post(node.url, '/v1/model/load', b)).body;
  assert.equal(await msg({}), { retcode: 100, retmsg: 'the following arguments are required: initiator,role,job_parameters ' });
  assert.equal(await msg(load({}, { model_id: undefined, model_version: '' })), { retcode: 100, retmsg: 'the following arguments are required: job_parameters.model_id,job_parameters.model_version ' });
  assert.equal(await msg(load({ initiator: { role: 'guest' } })), { retcode: 100, retmsg: 'the following arguments are required: initiator.party_id ' });
  assert.match((await msg(load({ role: { guest: [] } }))).retmsg, /role=.*role\.guest must list party ids/);
  assert.match((await msg(load({ initiator: { role: 'guest', party_id: '1' } }))).retmsg, /initiator=.*guest 1 is not in role\.guest/);
  assert.match((await msg(load({}, { work_mode: 3 }))).retmsg, /job_parameters\.work_mode=<0 or 1>/);
  assert.equal(await msg(load({}, { work_mode: 1 })), { retcode: 100, retmsg: 'server run on standalone can not support cluster mode job' });
  assert.equal(await msg(load({ role: { arbiter: ['10001'] }, initiator: { role: 'arbiter', party_id: '10001' } })), {
    retcode: 100, retmsg: 'role has no party to load the model for (an arbiter has no model to serve)',
  });
  assert.equal(guestServing.loads.length + hostServing.loads.length, 0);
});

t('bind: without service_id → 101 no service id (before any other check)', async () => {
  assert.equal((await post(node.url, '/v1/model/bind', load())).body, { retcode: 101, retmsg: 'no service id' });
  assert.equal((await post(node.url, '/v1/model/bind', { service_id: '' })).body, { retcode: 101, retmsg: 'no service id' });
  assert.equal((await post(bare.url, '/v1/model/bind', {})).body, { retcode: 101, retmsg: 'no service id' });
  assert.equal(guestServing.binds, []);
});

t('bind: the initiator\'s servings get publishBind with only the initiator\'s model', async () => {
  const { body } = await post(node.url, '/v1/model/bind', bind());
  assert.equal(body, { retcode: 0, retmsg: 'service id is breast-hetero-lr' });
  assert.equal(guestServing.binds, [{
    local: { role: 'guest', partyId: '9999' }, role: roleMap, model: { guest: { roleModelInfo: { 9999: partyModel('guest', '9999') } } },
    serviceId: 'breast-hetero-lr', tableName: '', namespace: '', loadType: '', filePath: '',
  }]);
  assert.equal(hostServing.binds, []);
});

t('bind: body servings replace the configured ones', async () => {
  const { body } = await post(bare.url, '/v1/model/bind', bind({ servings: [hostServing.address] }));
  assert.equal(body, { retcode: 0, retmsg: 'service id is breast-hetero-lr' });
  assert.is(hostServing.binds.length, 1);
  assert.is(guestServing.binds.length, 0);
  assert.match((await post(bare.url, '/v1/model/bind', bind({ servings: ['not an address'] }))).body.retmsg, /servings=<list of host:port>/);
});

t('bind: a serving failure answers its statusCode and message; no servings → 100', async () => {
  guestServing.answer.bind = { statusCode: 2, message: 'no model loaded for guest#9999', error: 'ignored' };
  assert.equal((await post(node.url, '/v1/model/bind', bind())).body, { retcode: 2, retmsg: 'no model loaded for guest#9999' });
  assert.equal((await post(bare.url, '/v1/model/bind', bind())).body, { retcode: 100, retmsg: 'Please configure servings address' });
  assert.match((await post(broken.url, '/v1/model/bind', bind({ servings: [deadAddress] }))).body.retmsg, new RegExp(deadAddress));
  assert.match((await post(node.url, '/v1/model/bind', { service_id: 's' })).body.retmsg, /^the following arguments are required: initiator,role,job_parameters $/);
});
t.run();
