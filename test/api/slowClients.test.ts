// Slow clients on /v1: headers dribbled byte by byte (slowloris), a body that never finishes, an
// idle keep-alive connection. Each is answered 408 or closed within its configured limit, no event
// is written for it, and the node answers a normal query meanwhile and afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig, configFromEnv, DEFAULT_LIMITS } from '../../src/config.js';
import { parseArgs } from '../../src/cli/args.js';
import { configFromFlags } from '../../src/cli/commands/node.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { post, tempDir } from '../support/http.js';

const test = suite('api/slow clients');
const dir = tempDir('slow-clients');
let node: RunningNode;
let events: () => number;
let port: number;

/** Opens a raw connection; resolves with everything the server sent once it closes (or after `ms`). */
function raw(): { socket: Socket; closed: Promise<{ text: string; afterMs: number }> } {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => socket.on('close', () => resolve({ text, afterMs: Date.now() - started })));
  return { socket, closed };
}

test.before(async () => {
  node = await startNode(buildConfig({
    httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir], logLevel: 'silent',
    limits: { httpHeadersTimeoutMs: 400, httpRequestTimeoutMs: 1000, httpKeepAliveTimeoutMs: 300, maxDslComponents: 3, maxPartiesPerJob: 2, maxConcurrentUploads: 1 },
  }));
  port = Number(new URL(node.url).port);
  const db = new Database(join(dir, 'node', 'events.sqlite'), { readonly: true, fileMustExist: true });
  events = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
});
test.after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

test('limits: defaults < config < FEDFLOW_* env, checked', () => {
  const c = buildConfig({ limits: { grpcMaxCallsPerPeer: 7 } }, configFromEnv({ FEDFLOW_GRPC_MAX_CALLS_PER_PEER: '9', FEDFLOW_PARTY_TIMEOUT_SECONDS: '30' }));
  assert.is(c.limits.grpcMaxCallsPerPeer, 9);
  assert.is(c.limits.partyTimeoutSeconds, 30);
  assert.is(c.limits.httpHeadersTimeoutMs, DEFAULT_LIMITS.httpHeadersTimeoutMs);
  assert.is(buildConfig({ limits: { grpcMaxCallsPerPeer: 7 } }).limits.grpcMaxCallsPerPeer, 7);
  const flags = configFromFlags(parseArgs(['node', '--grpc-max-calls-per-peer', '5', '--party-timeout-seconds', '15']).options);
  const layered = buildConfig({ limits: { grpcMaxCallsPerPeer: 7 } }, configFromEnv({ FEDFLOW_GRPC_MAX_CALLS_PER_PEER: '9' }), flags);
  assert.is(layered.limits.grpcMaxCallsPerPeer, 5, 'flags win over env and file');
  assert.is(layered.limits.partyTimeoutSeconds, 15);
  assert.throws(() => buildConfig({ limits: { grpcMaxCallsPerPeer: 0 } }), /grpcMaxCallsPerPeer must be an integer >= 1, got 0/);
  assert.throws(() => buildConfig({ limits: { nope: 1 } as never }), /unknown limit nope/);
  assert.throws(() => buildConfig({ limits: { httpHeadersTimeoutMs: 5000, httpRequestTimeoutMs: 1000 } }), /must not exceed httpRequestTimeoutMs/);
});

test('headers dribbled byte by byte: 408 and closed after the headers timeout; no event', async () => {
  const before = events();
  const { socket, closed } = raw();
  const head = 'POST /v1/job/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
  let i = 0;
  const drip = setInterval(() => (i < head.length && !socket.destroyed ? socket.write(head[i++]!) : undefined), 50);
  const meanwhile = await post(node.url, '/v1/job/query', {});
  assert.ok(meanwhile.status < 500, 'a normal client is served while the slow one dribbles');
  const { text, afterMs } = await closed;
  clearInterval(drip);
  assert.match(text, /^HTTP\/1\.1 408/);
  assert.ok(afterMs < 3000, `closed after ${afterMs} ms`);
  assert.is(events(), before);
});

test('a body that never finishes: 408 after the request timeout; no event, the upload not recorded', async () => {
  const before = events();
  const { socket, closed } = raw();
  socket.write('POST /v1/job/submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"job_dsl":');
  const drip = setInterval(() => !socket.destroyed && socket.write(' '), 100);
  const { text, afterMs } = await closed;
  clearInterval(drip);
  assert.match(text, /^HTTP\/1\.1 408/);
  assert.ok(afterMs >= 900 && afterMs < 4000, `closed after ${afterMs} ms`);
  assert.is(events(), before);
  const after = await post(node.url, '/v1/job/query', {});
  assert.ok(after.status < 500);
});

test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
  const { socket, closed } = raw();
  socket.write('POST /v1/job/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
  const { text, afterMs } = await closed;
  assert.match(text, /^HTTP\/1\.1 200/);
  assert.ok(afterMs < 3000, `closed after ${afterMs} ms`);
});

test('a job bigger than the node accepts is refused at submit, naming the limit; nothing recorded', async () => {
  const before = events();
  const components = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, { module: 'DataIO' }]));
  const conf = { initiator: { role: 'guest', party_id: 9999 }, job_parameters: { work_mode: 0 }, role: { guest: [9999] } };
  const big = await post(node.url, '/v1/job/submit', { job_dsl: { components }, job_runtime_conf: conf });
  assert.is(big.body.retcode, 100);
  assert.match(big.body.retmsg, /job_dsl has 4 components, more than this node accepts \(maxDslComponents 3\)/);
  const many = await post(node.url, '/v1/job/submit', { job_dsl: { components: {} }, job_runtime_conf: { ...conf, role: { guest: [9999], host: [1, 2] } } });
  assert.match(many.body.retmsg, /role lists 3 parties, more than this node accepts \(maxPartiesPerJob 2\)/);
  assert.is(events(), before);
});

test('uploads beyond maxConcurrentUploads are refused while one is being received', async () => {
  const { socket, closed } = raw();
  socket.write('POST /v1/data/upload?namespace=n&table_name=t&head=1&partition=1&work_mode=0 HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n');
  await new Promise((r) => setTimeout(r, 100));
  const second = await post(node.url, '/v1/data/upload', { file: 'x.csv', head: 1, partition: 1, work_mode: 0, namespace: 'n', table_name: 't2' });
  assert.is(second.body.retcode, 100);
  assert.match(second.body.retmsg, /1 uploads are being received at this node \(maxConcurrentUploads 1\); retry later/);
  socket.destroy();
  await closed;
  await new Promise((r) => setTimeout(r, 100));
  const third = await post(node.url, '/v1/data/upload', { file: 'x.csv', head: 1, partition: 1, work_mode: 0, namespace: 'n', table_name: 't3' });
  assert.not.match(String(third.body.retmsg), /maxConcurrentUploads/, 'the slot is free again');
});

test.run();
