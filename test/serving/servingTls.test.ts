// Serving nodes under mutual TLS with certificates from certs init: the guest reaches the host only
// if the host's certificate names the host party, and the host answers a partial score only to the
// guest party its peer certificate names.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Metadata } from '@grpc/grpc-js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ModelServiceClient, type PublishRequest } from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { HostInferenceServiceClient } from '../../src/gen/fedflow/serving/v1/host_inference.js';
import { certsInit, partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { clientCredentials, type TlsMaterial } from '../../src/federation/tls.js';
import { startServing, type RunningServing } from '../../src/serving/servingNode.js';
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

const GUEST: LrPartySpec = { role: 'guest', header: GUEST_HEADER, weights: seededWeights(GUEST_HEADER, 5), intercept: -0.25 };
const HOST: LrPartySpec = { role: 'host', header: HOST_HEADER, weights: seededWeights(HOST_HEADER, 9), intercept: 0 };
const dir = tempDir('serving-tls');
const certDir = join(dir, 'certs');
const tls = (party: string): TlsMaterial => readPartyCerts(partyCertPaths(certDir, party));
const { y: _label, ...x133 } = csvRows('breast_hetero_guest.csv').get('133')!;
const hostRow133 = csvRows('breast_hetero_host.csv').get('133')!;
const body = { serviceId: 'tls-lr', featureData: x133, sendToRemoteFeatureData: { id: '133' } };

const open: RunningServing[] = [];
let transfer: Awaited<ReturnType<typeof startTransferServer>>;

async function publish(s: RunningServing, as: string, method: 'publishLoad' | 'publishBind', req: PublishRequest): Promise<void> {
  const client = new ModelServiceClient(`127.0.0.1:${s.grpcPort}`, clientCredentials(tls(as), as));
  try {
    const res = await new Promise<{ statusCode: number; message: string }>((resolve, reject) =>
      client[method](req, new Metadata(), (err, r) => (err ? reject(err) : resolve(r as { statusCode: number; message: string }))),
    );
    assert.is(res.statusCode, 0, res.message);
  } finally {
    client.close();
  }
}

async function infer(s: RunningServing): Promise<any> {
  return (await fetch(`${s.url}/federation/v1/inference`, { method: 'POST', body: JSON.stringify(body) })).json();
}

/** A guest serving (party 9999's model) with the given certificate and route to the host. */
async function guest(name: string, cert: TlsMaterial, hostAddress: string): Promise<RunningServing> {
  const s = await startServing({ partyId: '9999', grpcPort: 0, httpPort: 0, flowUrl: transfer.url, routes: new Map([['10000', hostAddress]]), dataDir: join(dir, name), tls: cert });
  open.push(s);
  return s;
}

const test = suite('serving under mutual TLS');

test.before(() => {
  certsInit({ dir: certDir, partyIds: ['9999', '10000', '10001'] });
});

test.after(async () => {
  for (const s of open) await s.close();
  await transfer?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the guest asks the host over mutual TLS; a rogue certificate and a wrong server are refused', async () => {
  transfer = await startTransferServer(
    new Map([
      [`${partyModelId('guest', '9999')}|${MODEL_VERSION}`, heteroLrBuffers(GUEST)],
      [`${partyModelId('host', '10000')}|${MODEL_VERSION}`, heteroLrBuffers(HOST)],
    ]),
  );
  const host = await startServing({ partyId: '10000', grpcPort: 0, httpPort: 0, flowUrl: transfer.url, hostFeatures: HOST_FEATURES_CSV, dataDir: join(dir, 'host'), tls: tls('10000') });
  open.push(host);
  await publish(host, '10000', 'publishLoad', loadRequest('host'));
  const hostAddress = `127.0.0.1:${host.grpcPort}`;

  const g = await guest('guest', tls('9999'), hostAddress);
  await publish(g, '9999', 'publishLoad', loadRequest('guest'));
  await publish(g, '9999', 'publishBind', bindRequest('tls-lr'));
  const ok = await infer(g);
  assert.is(ok.retcode, 0, ok.retmsg);
  assert.is(ok.data.score, scoreByHand(GUEST, HOST, x133 as Record<string, number>, hostRow133));

  // Party 10001's certificate claiming to be guest 9999: the host refuses to answer.
  const rogue = await guest('rogue', tls('10001'), hostAddress);
  await publish(rogue, '10001', 'publishLoad', loadRequest('guest'));
  await publish(rogue, '10001', 'publishBind', bindRequest('tls-lr'));
  const denied = await infer(rogue);
  assert.is(denied.retcode, 110);
  assert.match(denied.retmsg, /refused: request claims guest party 9999 but the peer certificate is for party 10001/);

  // A "host" address whose server holds another party's certificate: the guest does not talk to it.
  const impostor = await guest('impostor', tls('9999'), `127.0.0.1:${rogue.grpcPort}`);
  await publish(impostor, '9999', 'publishLoad', loadRequest('guest'));
  await publish(impostor, '9999', 'publishBind', bindRequest('tls-lr'));
  const wrongServer = await infer(impostor);
  assert.is(wrongServer.retcode, 105);
  assert.match(wrongServer.retmsg, /host 10000's serving at .* is unreachable/);

  // The unary PartialScore (one row, no batching) answers the same partial score.
  const client = new HostInferenceServiceClient(hostAddress, clientCredentials(tls('9999'), '10000'));
  try {
    const res = await new Promise<any>((resolve, reject) =>
      client.partialScore(
        { guestPartyId: '9999', guestModelNamespace: partyModelId('guest', '9999'), guestModelTableName: MODEL_VERSION, hostPartyId: '10000', sendToRemoteFeatureData: { id: '133' }, caseId: 't' },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
    assert.is(res.retcode, 0, res.retmsg);
    assert.is(res.partialScore, HOST_HEADER.reduce((s, h) => s + HOST.weights[h]! * hostRow133[h]!, 0));
    assert.is(res.hostModelNamespace, partyModelId('host', '10000'));
    // Another guest's model is answered as absent.
    const other = await new Promise<any>((resolve, reject) =>
      client.partialScore(
        { guestPartyId: '9999', guestModelNamespace: partyModelId('guest', '9999', 'other#model'), guestModelTableName: MODEL_VERSION, hostPartyId: '10000', sendToRemoteFeatureData: { id: '133' }, caseId: 't' },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
    assert.is(other.retcode, 104);
  } finally {
    client.close();
  }
});

test.run();
