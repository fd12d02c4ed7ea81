// Guest and host serving nodes on 127.0.0.1: publishLoad pulls genuine buffers from a real HTTP
// /v1/model/transfer, publishBind names a service, online inference equals the score computed by
// hand from the weights, and every refusal is an answer with a FATE-Serving status code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { credentials, Metadata } from '@grpc/grpc-js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ModelServiceClient } from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { startServing, type RunningServing, type ServingConfig } from '../../src/serving/servingNode.js';
import { freePort } from '../support/federation.js';
import { tempDir } from '../support/http.js';
import {
  GUEST_HEADER,
  HOST_FEATURES_CSV,
  HOST_HEADER,
  MODEL_VERSION,
  bindRequest,
  csvRows,
  heteroLrBuffers,
  loadRequest,
  partyModelId,
  scoreByHand,
  seededWeights,
  startTransferServer,
  type LrPartySpec,
} from '../support/servingModel.js';

const GUEST: LrPartySpec = { role: 'guest', header: GUEST_HEADER, weights: seededWeights(GUEST_HEADER, 7), intercept: 0.3125 };
const HOST: LrPartySpec = { role: 'host', header: HOST_HEADER, weights: seededWeights(HOST_HEADER, 11), intercept: 0 };
const guestRows = csvRows('breast_hetero_guest.csv');
const hostRows = csvRows('breast_hetero_host.csv');
const features = (id: string): Record<string, number> => {
  const { y: _label, ...x } = guestRows.get(id)!;
  return x;
};

type Unary = (req: unknown, md: Metadata, cb: (err: Error | null, res: any) => void) => void;
function rpc(client: ModelServiceClient, method: string, req: unknown): Promise<any> {
  const fn = (client as unknown as Record<string, Unary>)[method]!.bind(client);
  return new Promise((resolve, reject) => fn(req, new Metadata(), (err, res) => (err ? reject(err) : resolve(res))));
}

async function infer(s: RunningServing, body: unknown): Promise<any> {
  const res = await fetch(`${s.url}/federation/v1/inference`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return res.json();
}

const dir = tempDir('serving');
const ctx: {
  transfer?: Awaited<ReturnType<typeof startTransferServer>>;
  host?: RunningServing;
  guest?: RunningServing;
  hostClient?: ModelServiceClient;
  guestClient?: ModelServiceClient;
  guestConfig?: ServingConfig;
} = {};

const test = suite('serving node');

test.before(async () => {
  ctx.transfer = await startTransferServer(
    new Map([
      [`${partyModelId('guest', '9999')}|${MODEL_VERSION}`, heteroLrBuffers(GUEST)],
      [`${partyModelId('host', '10000')}|${MODEL_VERSION}`, heteroLrBuffers(HOST)],
    ]),
  );
  ctx.host = await startServing({ partyId: '10000', grpcPort: 0, httpPort: 0, flowUrl: ctx.transfer.url, hostFeatures: HOST_FEATURES_CSV, dataDir: join(dir, 'host'), tls: { insecure: true } });
  ctx.guestConfig = {
    partyId: '9999',
    grpcPort: 0,
    httpPort: 0,
    flowUrl: ctx.transfer.url,
    routes: new Map([['10000', `127.0.0.1:${ctx.host.grpcPort}`]]),
    dataDir: join(dir, 'guest'),
    tls: { insecure: true },
  };
  ctx.guest = await startServing(ctx.guestConfig);
  ctx.hostClient = new ModelServiceClient(`127.0.0.1:${ctx.host.grpcPort}`, credentials.createInsecure());
  ctx.guestClient = new ModelServiceClient(`127.0.0.1:${ctx.guest.grpcPort}`, credentials.createInsecure());
});

test.after(async () => {
  ctx.hostClient?.close();
  ctx.guestClient?.close();
  await ctx.guest?.close();
  await ctx.host?.close();
  await ctx.transfer?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('publishLoad on each party pulls its own buffers from /v1/model/transfer', async () => {
  const h = await rpc(ctx.hostClient!, 'publishLoad', loadRequest('host'));
  assert.is(h.statusCode, 0, h.message);
  const g = await rpc(ctx.guestClient!, 'publishLoad', loadRequest('guest'));
  assert.is(g.statusCode, 0, g.message);
  assert.equal(ctx.transfer!.calls, [
    { name: MODEL_VERSION, namespace: partyModelId('host', '10000') },
    { name: MODEL_VERSION, namespace: partyModelId('guest', '9999') },
  ]);
  const q = await rpc(ctx.hostClient!, 'queryModel', { serviceId: '', tableName: MODEL_VERSION, namespace: partyModelId('host', '10000'), beginIndex: 0, endIndex: 0, queryType: 0 });
  assert.is(q.retcode, 0);
  const content = JSON.parse(q.modelInfos[0].content);
  assert.is(content.role, 'host');
  assert.equal(content.features, HOST_HEADER);
  assert.equal(content.components, { dataio: 'dataio_0', lr: 'hetero_lr_0' });
  assert.equal(content.transforms, []);
});

test('publishBind maps the service id to the guest model; queryModel lists it', async () => {
  const b = await rpc(ctx.guestClient!, 'publishBind', bindRequest('breast-hetero-lr'));
  assert.is(b.statusCode, 0, b.message);
  const q = await rpc(ctx.guestClient!, 'queryModel', { serviceId: 'breast-hetero-lr', tableName: '', namespace: '', beginIndex: 0, endIndex: 0, queryType: 1 });
  assert.is(q.retcode, 0);
  assert.is(q.modelInfos.length, 1);
  assert.equal(JSON.parse(q.modelInfos[0].content).serviceIds, ['breast-hetero-lr']);
});

test('online inference for id 133 equals sigmoid(W_g·x_g + b + W_h·x_h) computed by hand', async () => {
  const a = await infer(ctx.guest!, { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } });
  assert.is(a.retcode, 0, a.retmsg);
  assert.is(a.data.score, scoreByHand(GUEST, HOST, guestRows.get('133')!, hostRows.get('133')!));
  assert.is(a.data.modelId, partyModelId('guest', '9999'));
  assert.is(a.data.modelVersion, MODEL_VERSION);
  assert.is(a.data.guestInputDataHitRate, 1);
  assert.equal(a.data.hostInputDataHitRate, { '10000': 1 });
  // Every row, and FATE-Serving 2.x's {head, body} shape with string values.
  for (const id of ['273', '175', '551']) {
    const fd = Object.fromEntries(Object.entries(features(id)).map(([k, v]) => [k, String(v)]));
    const b = await infer(ctx.guest!, { head: { serviceId: 'breast-hetero-lr' }, body: { featureData: fd, sendToRemoteFeatureData: { id } } });
    assert.is(b.retcode, 0, b.retmsg);
    assert.ok(Math.abs(b.data.score - scoreByHand(GUEST, HOST, guestRows.get(id)!, hostRows.get(id)!)) < 1e-12);
  }
});

test('unknown service id, unknown host id, bad bodies: clear retcodes', async () => {
  const unknown = await infer(ctx.guest!, { serviceId: 'nope', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } });
  assert.equal(unknown, { retcode: 104, retmsg: 'no model is bound to service id nope' });
  const noId = await infer(ctx.guest!, { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: 'no-such-id' } });
  assert.is(noId.retcode, 113);
  assert.is(noId.retmsg, 'host 10000: host 10000 has no features for id no-such-id');
  const notJson = await infer(ctx.guest!, '{"serviceId": ');
  assert.is(notJson.retcode, 100);
  assert.match(notJson.retmsg, /not JSON/);
  const noFeatures = await infer(ctx.guest!, { serviceId: 'breast-hetero-lr', sendToRemoteFeatureData: { id: '133' } });
  assert.equal(noFeatures, { retcode: 100, retmsg: 'featureData is required (an object of feature name → value)' });
  const noService = await infer(ctx.guest!, { featureData: {} });
  assert.is(noService.retcode, 100);
  const noRemote = await infer(ctx.guest!, { serviceId: 'breast-hetero-lr', featureData: features('133') });
  assert.is(noRemote.retcode, 100);
  assert.match(noRemote.retmsg, /sendToRemoteFeatureData is required/);
  const badValue = await infer(ctx.guest!, { serviceId: 'breast-hetero-lr', featureData: { ...features('133'), x3: 'abc' }, sendToRemoteFeatureData: { id: '133' } });
  assert.equal(badValue, { retcode: 102, retmsg: 'guest feature x3 is not a number: "abc"' });
  const wrongPath = await fetch(`${ctx.guest!.url}/v1/inference`, { method: 'POST', body: '{}' });
  assert.is(wrongPath.status, 404);
  // Asking the host's serving for inference: its model is not a guest model, no service there.
  const atHost = await infer(ctx.host!, { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } });
  assert.is(atHost.retcode, 104);
});

test('ModelService refusals are answers: unknown model/service, arbiter, failed transfer', async () => {
  const bindUnknown = await rpc(ctx.guestClient!, 'publishBind', bindRequest('svc', 'no-such-version'));
  assert.is(bindUnknown.statusCode, 104);
  assert.match(bindUnknown.message, /is not loaded on this serving/);
  const blank = await rpc(ctx.guestClient!, 'publishBind', bindRequest(''));
  assert.equal([blank.statusCode, blank.message], [120, 'param service id is blank']);
  const slash = await rpc(ctx.guestClient!, 'publishBind', bindRequest('a/b'));
  assert.is(slash.statusCode, 109);
  const arbiter = await rpc(ctx.guestClient!, 'publishLoad', { ...loadRequest('guest'), local: { role: 'arbiter', partyId: '10001' } });
  assert.is(arbiter.statusCode, 121);
  const missing = await rpc(ctx.guestClient!, 'publishLoad', loadRequest('guest', 'no-such-version'));
  assert.is(missing.statusCode, 107);
  assert.match(missing.message, /model transfer of guest#9999#.* no-such-version failed: retcode 100/);
  const unload = await rpc(ctx.guestClient!, 'unload', { tableName: 'x', namespace: 'y' });
  assert.equal([unload.statusCode, unload.message], [104, 'model x_y is not loaded, nothing to unload']);
  const unbind = await rpc(ctx.guestClient!, 'unbind', { serviceId: 'nope', tableName: [], namespace: [] });
  assert.equal([unbind.statusCode, unbind.message], [104, 'service id nope is not bound to any model']);
  const unbindWrong = await rpc(ctx.guestClient!, 'unbind', { serviceId: 'breast-hetero-lr', tableName: ['other'], namespace: ['ns'] });
  assert.is(unbindWrong.statusCode, 104);
  const queryNone = await rpc(ctx.guestClient!, 'queryModel', { serviceId: 'nope', tableName: '', namespace: '', beginIndex: 0, endIndex: 0, queryType: 1 });
  assert.is(queryNone.retcode, 104);
});

test('host unreachable and host without a route answer 105 and 106', async () => {
  const closedPort = await freePort();
  const lonely = await startServing({ ...ctx.guestConfig!, routes: new Map([['10000', `127.0.0.1:${closedPort}`]]), dataDir: join(dir, 'guest'), hostDeadlineMs: 2000 });
  const noRoute = await startServing({ ...ctx.guestConfig!, routes: new Map(), dataDir: join(dir, 'guest') });
  try {
    const body = { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } };
    const a = await infer(lonely, body);
    assert.is(a.retcode, 105);
    assert.match(a.retmsg, new RegExp(`host 10000's serving at 127.0.0.1:${closedPort} is unreachable`));
    const b = await infer(noRoute, body);
    assert.is(b.retcode, 106);
    assert.match(b.retmsg, /--route 10000=host:port/);
  } finally {
    await lonely.close();
    await noRoute.close();
  }
});

test('a restarted host: the guest reopens its stream; the host kept its model and partner index', async () => {
  const body = { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } };
  const before = await infer(ctx.guest!, body);
  assert.is(before.retcode, 0, before.retmsg);
  const port = ctx.host!.grpcPort;
  await ctx.host!.close();
  const down = await infer(ctx.guest!, body);
  assert.is(down.retcode, 105);
  // The same port and data dir, flow unreachable: the model comes from the host's own state file.
  ctx.host = await startServing({ partyId: '10000', grpcPort: port, httpPort: 0, flowUrl: 'http://127.0.0.1:1', hostFeatures: HOST_FEATURES_CSV, dataDir: join(dir, 'host'), tls: { insecure: true } });
  ctx.hostClient!.close();
  ctx.hostClient = new ModelServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  let again = await infer(ctx.guest!, body);
  for (let i = 0; again.retcode === 105 && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100)); // the channel's reconnect backoff
    again = await infer(ctx.guest!, body);
  }
  assert.is(again.retcode, 0, again.retmsg);
  assert.is(again.data.score, before.data.score);
  // A host serving without the model answers 104 through the guest.
  const u = await rpc(ctx.hostClient, 'unload', { tableName: MODEL_VERSION, namespace: partyModelId('host', '10000') });
  assert.is(u.statusCode, 0, u.message);
  const noModel = await infer(ctx.guest!, body);
  assert.is(noModel.retcode, 104);
  assert.is(noModel.retmsg, `host 10000: host 10000 has no model loaded for guest model ${partyModelId('guest', '9999')} ${MODEL_VERSION}`);
  const reload = await rpc(ctx.hostClient, 'publishLoad', loadRequest('host'));
  assert.is(reload.statusCode, 107); // flow is unreachable now: a clear load error
  assert.match(reload.message, /^flow at http:\/\/127.0.0.1:1 is unreachable/);
  // Back to a host that can reach flow, for the tests that follow.
  await ctx.host!.close();
  ctx.host = await startServing({ partyId: '10000', grpcPort: port, httpPort: 0, flowUrl: ctx.transfer!.url, hostFeatures: HOST_FEATURES_CSV, dataDir: join(dir, 'host'), tls: { insecure: true } });
  assert.is((await rpc(ctx.hostClient, 'publishLoad', loadRequest('host'))).statusCode, 0);
});

test('a restarted serving keeps loaded and bound models without asking flow again', async () => {
  await ctx.guest!.close();
  const callsBefore = ctx.transfer!.calls.length;
  ctx.guest = await startServing({ ...ctx.guestConfig!, flowUrl: 'http://127.0.0.1:1' });
  const a = await infer(ctx.guest, { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } });
  assert.is(a.retcode, 0, a.retmsg);
  assert.is(a.data.score, scoreByHand(GUEST, HOST, guestRows.get('133')!, hostRows.get('133')!));
  assert.is(ctx.transfer!.calls.length, callsBefore);
  ctx.guestClient!.close();
  ctx.guestClient = new ModelServiceClient(`127.0.0.1:${ctx.guest.grpcPort}`, credentials.createInsecure());
  // unbind then unload, as FATE-Serving: the service is gone, then the model.
  const u = await rpc(ctx.guestClient, 'unbind', { serviceId: 'breast-hetero-lr', tableName: [MODEL_VERSION], namespace: [partyModelId('guest', '9999')] });
  assert.is(u.statusCode, 0, u.message);
  const gone = await infer(ctx.guest, { serviceId: 'breast-hetero-lr', featureData: features('133'), sendToRemoteFeatureData: { id: '133' } });
  assert.is(gone.retcode, 104);
  const ul = await rpc(ctx.guestClient, 'unload', { tableName: MODEL_VERSION, namespace: partyModelId('guest', '9999') });
  assert.is(ul.statusCode, 0, ul.message);
  const q = await rpc(ctx.guestClient, 'queryModel', { serviceId: '', tableName: '', namespace: '', beginIndex: 0, endIndex: 0, queryType: 0 });
  assert.equal(q.modelInfos, []);
});

test.run();
