// fedflow serving and fedflow predict through the CLI entry point, in process: a host and a guest
// serving started by `fedflow serving`, a model published to them, one `fedflow predict`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { credentials, Metadata } from '@grpc/grpc-js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ModelServiceClient, type PublishRequest } from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { closedPort, run } from '../cli/helpers.js';
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

const GUEST: LrPartySpec = { role: 'guest', header: GUEST_HEADER, weights: seededWeights(GUEST_HEADER, 21), intercept: 0.1 };
const HOST: LrPartySpec = { role: 'host', header: HOST_HEADER, weights: seededWeights(HOST_HEADER, 23), intercept: 0 };
const dir = tempDir('serving-cli');

interface Started {
  grpcPort: number;
  httpUrl: string;
  stop(): Promise<number>;
}

/** Runs `fedflow serving …` in process until stop() sends it the shutdown signal. */
async function serving(args: string[]): Promise<Started> {
  let stdout = '';
  let signal: (s: string) => void = () => {};
  let announced: () => void = () => {};
  const up = new Promise<void>((r) => (announced = r));
  const done = run(['serving', ...args], {
    stdout: (t) => {
      stdout += t;
      if (/listening/.test(stdout)) announced();
    },
    stderr: () => undefined,
    onShutdownSignal: (h) => {
      signal = h;
      return () => undefined;
    },
  });
  await Promise.race([up, done.then((r) => Promise.reject(new Error(`serving exited ${r.code}: ${r.stderr}`)))]);
  const m = /gRPC port (\d+).*HTTP (http:\/\/\S+)\/federation\/v1\/inference/.exec(stdout)!;
  return { grpcPort: Number(m[1]), httpUrl: m[2]!, stop: async () => (signal('SIGTERM'), (await done).code) };
}

function publish(port: number, method: 'publishLoad' | 'publishBind', req: PublishRequest): Promise<{ statusCode: number; message: string }> {
  const client = new ModelServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client[method](req, new Metadata(), (err, r) => {
      client.close();
      return err ? reject(err) : resolve(r as { statusCode: number; message: string });
    }),
  );
}

const test = suite('fedflow serving / predict');

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('serving nodes from the CLI answer fedflow predict with the hand-computed score', async () => {
  const transfer = await startTransferServer(
    new Map([
      [`${partyModelId('guest', '9999')}|${MODEL_VERSION}`, heteroLrBuffers(GUEST)],
      [`${partyModelId('host', '10000')}|${MODEL_VERSION}`, heteroLrBuffers(HOST)],
    ]),
  );
  const common = ['--port', '0', '--http-port', '0', '--flow', transfer.url, '--insecure'];
  const host = await serving(['--party-id', '10000', ...common, '--host-features', HOST_FEATURES_CSV, '--data-dir', join(dir, 'host')]);
  const guest = await serving(['--party-id', '9999', ...common, '--route', `10000=127.0.0.1:${host.grpcPort}`, '--data-dir', join(dir, 'guest')]);
  try {
    assert.is((await publish(host.grpcPort, 'publishLoad', loadRequest('host'))).statusCode, 0);
    assert.is((await publish(guest.grpcPort, 'publishLoad', loadRequest('guest'))).statusCode, 0);
    assert.is((await publish(guest.grpcPort, 'publishBind', bindRequest('breast-hetero-lr'))).statusCode, 0);
    const { y: _label, ...x } = csvRows('breast_hetero_guest.csv').get('133')!;
    const r = await run(['predict', '--serving', guest.httpUrl, '--service-id', 'breast-hetero-lr', '--feature-data', JSON.stringify(x), '--remote-data', '{"id":"133"}']);
    assert.is(r.code, 0, r.stdout + r.stderr);
    const answer = JSON.parse(r.stdout);
    assert.is(answer.data.score, scoreByHand(GUEST, HOST, x as Record<string, number>, csvRows('breast_hetero_host.csv').get('133')!));
    const unknown = await run(['predict', '--serving', guest.httpUrl, '--service-id', 'nope', '--feature-data', '{}']);
    assert.is(unknown.code, 1);
    assert.is(JSON.parse(unknown.stdout).retcode, 104);
  } finally {
    assert.is(await guest.stop(), 0);
    assert.is(await host.stop(), 0);
    await transfer.close();
  }
});

test('usage errors exit 2 with the reason; an unreachable serving exits 1', async () => {
  const noParty = await run(['serving', '--flow', 'http://127.0.0.1:9380', '--insecure']);
  assert.is(noParty.code, 2);
  assert.match(noParty.stderr, /missing required option --party-id <id>/);
  const noTls = await run(['serving', '--party-id', '9999', '--flow', 'http://127.0.0.1:9380']);
  assert.is(noTls.code, 2);
  assert.match(noTls.stderr, /give --tls-ca, --tls-cert and --tls-key \(mutual TLS\), or --insecure/);
  const badRoute = await run(['serving', '--party-id', '9999', '--flow', 'x', '--insecure', '--route', '10000']);
  assert.is(badRoute.code, 2);
  assert.match(badRoute.stderr, /--route must be <party>=<host:port>/);
  const unknownOption = await run(['predict', '--bogus']);
  assert.is(unknownOption.code, 2);
  const badJson = await run(['predict', '--serving', 'http://x', '--service-id', 's', '--feature-data', '{x']);
  assert.is(badJson.code, 2);
  assert.match(badJson.stderr, /--feature-data is not JSON/);
  const help = await run(['predict', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage: fedflow predict/);
  const port = await closedPort();
  const down = await run(['predict', '--serving', `http://127.0.0.1:${port}`, '--service-id', 's', '--feature-data', '{}'], { fetch: (...a) => globalThis.fetch(...a) });
  assert.is(down.code, 1);
  assert.is(JSON.parse(down.stdout).retcode, 100);
  const global = await run(['--help']);
  assert.match(global.stdout, /serving +run a serving node/);
});

test.run();
