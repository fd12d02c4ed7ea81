// The gRPC port under attack, with real gRPC clients on 127.0.0.1 and mutual TLS: the wrong party's
// certificate, no certificate, an expired one, oversized messages, garbage bytes, malformed chunk
// streams, floods, too many open calls, stalled streams and unknown jobs. Each gets a clear status,
// the node keeps what it held consistent (nothing applied, every byte and call slot freed) and goes
// on serving the other parties.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Metadata, credentials, status, type ServiceError, type ChannelCredentials } from '@grpc/grpc-js';
import { certsInit, partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { makeHeader, type PartyCommand } from '../../src/federation/commands.js';
import { GrpcTransport } from '../../src/federation/grpcTransport.js';
import { MessageStore } from '../../src/federation/messageStore.js';
import { startNodeServer, type IncomingObject, type RunningNodeServer } from '../../src/federation/nodeServer.js';
import { Outbox } from '../../src/federation/outbox.js';
import { parseRouteTable } from '../../src/federation/routeTable.js';
import { clientCredentials, type TlsMaterial } from '../../src/federation/tls.js';
import { PeerRefusedError, PeerUnreachableError } from '../../src/federation/transport.js';
import { CreateJobRequest } from '../../src/gen/fedflow/v1/party.js';
import { PushRequest, PushResponse } from '../../src/gen/fedflow/v1/federation.js';
import type { Limits } from '../../src/config.js';
import { tempDir } from '../support/http.js';

const test = suite('federation/hostile: the gRPC port under attack');
const dir = tempDir('hostile');
const certDir = join(dir, 'certs');
const tls = (party: string): TlsMaterial => readPartyCerts(partyCertPaths(certDir, party));
const open: { close(): unknown }[] = [];

interface Node {
  server: RunningNodeServer;
  applied: PartyCommand[];
  objects: IncomingObject[];
  address: string;
}

async function node(o: { limits?: Partial<Limits>; slowMs?: number; jobs?: string[] } = {}): Promise<Node> {
  const store = new MessageStore(':memory:');
  const applied: PartyCommand[] = [];
  const objects: IncomingObject[] = [];
  const server = await startNodeServer({
    partyIds: ['10000'], host: '127.0.0.1', port: 0, tls: tls('10000'), store,
    handlers: {
      onCommand: async (c) => {
        applied.push(c);
        if (o.slowMs) await new Promise((r) => setTimeout(r, o.slowMs));
        return { retcode: 0, retmsg: 'success' };
      },
      onObject: (obj) => void objects.push(obj),
      knowsJob: (jobId) => (o.jobs ?? ['job1']).includes(jobId),
    },
    ...(o.limits ? { limits: o.limits } : {}),
  });
  open.push({ close: () => server.close() }, store);
  return { server, applied, objects, address: `127.0.0.1:${server.port}` };
}

function transport(from: string, address: string, material: TlsMaterial = tls(from)): GrpcTransport {
  const t = new GrpcTransport(parseRouteTable({ '10000': address }), material);
  open.push(t);
  return t;
}

/** A raw client: sends whatever bytes it is given, with the party's certificate unless told otherwise. */
function rawClient(address: string, creds: ChannelCredentials = clientCredentials(tls('9999'), '10000')): Client {
  const c = new Client(address, creds, { 'grpc.ssl_target_name_override': 'party-10000.fedflow', 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  open.push(c);
  return c;
}

const createJob = (source: string, jobId = 'job1', messageId?: string, dslJson = '{}'): PartyCommand => ({
  kind: 'createJob',
  request: { header: makeHeader({ source, destination: '10000', jobId, messageId }), dslJson, runtimeConfJson: '{}', initiatorRole: 'guest', initiatorPartyId: source, roles: ['host'] },
});

function unaryBytes(c: Client, path: string, bytes: Buffer): Promise<ServiceError | undefined> {
  return new Promise((resolve) => {
    c.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, new Metadata(), { deadline: Date.now() + 5000 }, (err) => resolve(err ?? undefined));
  });
}

/** Opens a Push stream; `write` each PushRequest (or raw bytes); resolves with the status. */
function pushStream(c: Client, raw = false): { write(m: PushRequest | Buffer): void; end(): void; cancel(): void; result: Promise<{ err?: ServiceError; res?: PushResponse }> } {
  let call!: { write(m: unknown): unknown; end(): void; cancel(): void; on(e: string, f: () => void): unknown };
  const result = new Promise<{ err?: ServiceError; res?: PushResponse }>((resolve) => {
    call = c.makeClientStreamRequest(
      '/fedflow.v1.FederationService/Push',
      (m: PushRequest | Buffer) => (raw ? (m as Buffer) : Buffer.from(PushRequest.encode(m as PushRequest).finish())),
      (b: Buffer) => PushResponse.decode(b),
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (err, res) => resolve(err ? { err } : { res: res as PushResponse }),
    );
    call.on('error', () => {});
  });
  return { write: (m) => void call.write(m), end: () => call.end(), cancel: () => call.cancel(), result };
}

const chunk = (over: Partial<PushRequest>): PushRequest => ({
  objectId: 'o1', jobId: 'job1', componentName: 'c', name: 'n', tag: 't',
  source: { role: 'guest', partyId: '9999' }, destination: { role: 'host', partyId: '10000' },
  chunkIndex: 0, payload: Buffer.alloc(0), end: false, totalBytes: 0n, ...over,
});

/** The node still works for a well-behaved party: a real command is acknowledged. */
async function stillServes(n: Node, jobId = `alive-${Math.random()}`): Promise<void> {
  const ack = await transport('10001', n.address).send(createJob('10001', jobId), 5000);
  assert.is(ack.retcode, 0, 'the node answers another party afterwards');
}

const until = async (f: () => boolean, ms = 3000): Promise<void> => {
  for (const end = Date.now() + ms; !f() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
};

test.before(() => {
  certsInit({ dir: certDir, partyIds: ['9999', '10000', '10001'] });
  // An expired certificate for party 9999, signed by the federation's own CA.
  const cnf = join(certDir, 'expired.cnf');
  writeFileSync(join(certDir, 'index.txt'), '');
  writeFileSync(join(certDir, 'serial.txt'), '1000\n');
  writeFileSync(cnf, [
    '[ca]', 'default_ca = d', '[d]', `database = ${join(certDir, 'index.txt')}`, `new_certs_dir = ${certDir}`, `serial = ${join(certDir, 'serial.txt')}`,
    'default_md = sha256', 'policy = p', '[p]', 'commonName = supplied', 'organizationName = optional',
    '[ext]', 'basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth,clientAuth', 'subjectAltName=URI:fedflow:party/9999,IP:127.0.0.1', '',
  ].join('\n'));
  const p = partyCertPaths(certDir, '9999');
  execFileSync('openssl', ['req', '-new', '-key', p.key, '-subj', '/O=fedflow/CN=party-9999', '-out', join(certDir, 'expired.csr')], { stdio: 'pipe' });
  execFileSync('openssl', ['ca', '-batch', '-config', cnf, '-keyfile', join(certDir, 'ca.key'), '-cert', p.ca, '-in', join(certDir, 'expired.csr'), '-out', join(certDir, 'expired.crt'),
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extensions', 'ext', '-notext'], { stdio: 'pipe' });
});

test.after.each(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a valid certificate of the wrong party: PERMISSION_DENIED naming both, nothing applied', async () => {
  const n = await node();
  const err = await transport('10001', n.address).send(createJob('9999'), 5000).then(() => undefined, (e: unknown) => e);
  assert.instance(err, PeerRefusedError);
  assert.is((err as PeerRefusedError).code, status.PERMISSION_DENIED);
  assert.match((err as Error).message, /claims source party 9999 but the peer certificate is for party 10001/);
  assert.is(n.applied.length, 0);
  await stillServes(n);
});

test('no certificate, plain text, or an expired certificate: the handshake fails, nothing applied', async () => {
  const n = await node();
  const plain = await transport('9999', n.address, { insecure: true }).send(createJob('9999'), 2000).then(() => undefined, (e: unknown) => e);
  assert.instance(plain, PeerUnreachableError);
  const material = tls('9999');
  if (material.insecure) throw new Error('unreachable');
  // TLS with the CA but no client certificate: the server asks for one and refuses the connection.
  const noCert = rawClient(n.address, credentials.createSsl(material.ca, null, null, { checkServerIdentity: () => undefined }));
  const e1 = await unaryBytes(noCert, '/fedflow.v1.PartyService/CreateJob', Buffer.from(CreateJobRequest.encode(createJob('9999').request as CreateJobRequest).finish()));
  assert.ok(e1, 'refused');
  assert.is(e1!.code, status.UNAVAILABLE, e1!.details);
  const expired = transport('9999', n.address, { ca: material.ca, key: material.key, cert: readFileSync(join(certDir, 'expired.crt')) });
  const e2 = await expired.send(createJob('9999'), 2000).then(() => undefined, (e: unknown) => e);
  assert.instance(e2, PeerUnreachableError);
  assert.is(n.applied.length, 0);
  await stillServes(n);
});

test('an oversized message: RESOURCE_EXHAUSTED, nothing applied, the node goes on', async () => {
  const n = await node({ limits: { grpcMaxMessageBytes: 64 * 1024 } });
  const big = createJob('9999', 'job1', 'm-big', 'x'.repeat(200 * 1024));
  const err = await unaryBytes(rawClient(n.address), '/fedflow.v1.PartyService/CreateJob', Buffer.from(CreateJobRequest.encode(big.request as CreateJobRequest).finish()));
  assert.is(err?.code, status.RESOURCE_EXHAUSTED, err?.details);
  assert.match(err!.details, /larger than max|exceed|too large/i);
  assert.is(n.applied.length, 0);
  await stillServes(n);
});

// Random bytes now and then decode as a valid message (protobuf reads unknown fields and empty ones
// happily): it is then refused like any message whose claimed source is not the caller's certificate.
const GARBAGE_REFUSALS: number[] = [status.INTERNAL, status.INVALID_ARGUMENT, status.PERMISSION_DENIED];

test('garbage bytes on every method: a clear status, never a crash', async () => {
  const n = await node();
  const c = rawClient(n.address);
  for (const method of ['CreateJob', 'StartTask', 'StopTask', 'ReportTaskStatus', 'SyncJobStatus', 'SavePipelineModel', 'Clean', 'LoadModel']) {
    for (const bytes of [randomBytes(64), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(0)]) {
      const err = await unaryBytes(c, `/fedflow.v1.PartyService/${method}`, bytes);
      assert.ok(err, `${method} refused garbage`);
      assert.ok(GARBAGE_REFUSALS.includes(err!.code), `${method}: ${err!.code} ${err!.details}`);
    }
  }
  const unknown = await unaryBytes(c, '/fedflow.v1.PartyService/NoSuchMethod', Buffer.from('x'));
  assert.is(unknown?.code, status.UNIMPLEMENTED);
  const push = pushStream(c, true);
  push.write(randomBytes(100));
  push.end();
  const { err } = await push.result;
  assert.ok(err && GARBAGE_REFUSALS.includes(err.code), err?.details);
  assert.is(n.applied.length, 0);
  assert.is(n.objects.length, 0);
  await stillServes(n);
});

test('malformed chunk streams: each refused with its reason, nothing delivered, no byte kept', async () => {
  const n = await node();
  const c = rawClient(n.address);
  const cases: [string, PushRequest[], number, RegExp][] = [
    ['a chunk out of order', [chunk({ totalBytes: 4n, payload: Buffer.from([1, 2]) }), chunk({ chunkIndex: 2, payload: Buffer.from([3, 4]), end: true })], status.INVALID_ARGUMENT, /chunk 2 arrived, expected 1/],
    ['more bytes than announced', [chunk({ totalBytes: 2n, payload: Buffer.from([1, 2, 3]), end: true })], status.INVALID_ARGUMENT, /more than the 2 bytes announced/],
    ['no end marker', [chunk({ totalBytes: 2n, payload: Buffer.from([1, 2]) })], status.INVALID_ARGUMENT, /without its end marker/],
    ['a chunk after the end', [chunk({ totalBytes: 2n, payload: Buffer.from([1]), end: true }), chunk({ chunkIndex: 1, payload: Buffer.from([2]) })], status.INVALID_ARGUMENT, /after the end marker/],
    ['fewer bytes than announced', [chunk({ totalBytes: 9n, payload: Buffer.from([1]), end: true })], status.DATA_LOSS, /1 of 9 bytes/],
    ['bytes that do not deserialize', [chunk({ totalBytes: 3n, payload: Buffer.from([1, 2, 3]), end: true })], status.DATA_LOSS, /does not deserialize/],
    ['no address', [chunk({ source: undefined, totalBytes: 1n, payload: Buffer.from([1]), end: true })], status.PERMISSION_DENIED, /claims source party/],
  ];
  for (const [what, chunks, code, message] of cases) {
    const push = pushStream(c);
    for (const m of chunks) push.write(m);
    push.end();
    const { err } = await push.result;
    assert.is(err?.code, code, `${what}: ${err?.details}`);
    assert.match(err!.details, message, what);
  }
  assert.is(n.objects.length, 0);
  await until(() => n.server.guard.usage('9999').calls === 0);
  assert.equal(n.server.guard.usage('9999'), { calls: 0, inflightBytes: 0 });
  await stillServes(n);
});

test('an object of an unknown job: NOT_FOUND before anything is buffered', async () => {
  const n = await node({ jobs: ['job1'] });
  const push = pushStream(rawClient(n.address));
  push.write(chunk({ jobId: 'no-such-job', totalBytes: 1n, payload: Buffer.from([1]), end: true }));
  push.end();
  const { err } = await push.result;
  assert.is(err?.code, status.NOT_FOUND);
  assert.match(err!.details, /job no-such-job does not exist on the node of party 10000/);
  assert.is(n.objects.length, 0);
});

test('a flood from one party is cut at its rate; the other party goes on; an outbox loses nothing', async () => {
  const n = await node({ limits: { grpcMessagesPerSecondPerPeer: 20 } });
  const flooder = transport('9999', n.address);
  const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => flooder.send(createJob('9999', `flood-${i}`), 5000)));
  const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as PeerUnreachableError);
  assert.ok(refused.length >= 70, `${refused.length} of 100 refused`);
  assert.is(refused[0]!.code, status.RESOURCE_EXHAUSTED);
  assert.match(refused[0]!.message, /party 9999 sent more than 20 messages per second/);
  assert.is(n.applied.length, 100 - refused.length, 'only the admitted ones were applied');
  // Another party is not affected by 9999's spent budget.
  await stillServes(n);
  // A sender that goes through its outbox retries the refusals (RESOURCE_EXHAUSTED is transient): all arrive, once.
  const store = new MessageStore(':memory:');
  open.push(store);
  const outbox = new Outbox(store, flooder, { baseDelayMs: 50, maxDelayMs: 400 });
  open.push(outbox);
  const before = n.applied.length;
  await Promise.all(Array.from({ length: 40 }, (_, i) => outbox.send(createJob('9999', `steady-${i}`))));
  const steady = n.applied.slice(before).map((c) => c.request.header!.jobId).sort();
  assert.equal(steady, Array.from({ length: 40 }, (_, i) => `steady-${i}`).sort());
});

test('too many open calls from one party: RESOURCE_EXHAUSTED for the excess, slots freed after', async () => {
  const n = await node({ slowMs: 300, limits: { grpcMaxCallsPerPeer: 3 } });
  const t = transport('9999', n.address);
  const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => t.send(createJob('9999', `c-${i}`), 5000)));
  const refused = results.filter((r) => r.status === 'rejected');
  assert.is(refused.length, 5);
  assert.match(((refused[0] as PromiseRejectedResult).reason as Error).message, /3 calls open at this node \(limit 3 per peer\)/);
  assert.equal(n.server.guard.usage('9999'), { calls: 0, inflightBytes: 0 });
  assert.is((await t.send(createJob('9999', 'after'), 5000)).retcode, 0);
});

test('unfinished objects beyond a party\'s in-flight bytes are refused; a stalled stream is cut and frees its bytes', async () => {
  const n = await node({ limits: { grpcMaxInflightBytesPerPeer: 1024 * 1024, grpcStreamIdleMs: 300 } });
  const c = rawClient(n.address);
  const tooBig = pushStream(c);
  tooBig.write(chunk({ totalBytes: 2n * 1024n * 1024n, payload: Buffer.alloc(10) }));
  const big = await tooBig.result;
  assert.is(big.err?.code, status.OUT_OF_RANGE, 'never fits: the sender must not retry it');
  assert.match(big.err!.details, /exceeds the 1048576 bytes a peer may have in flight/);
  // Two streams that each stay under the announced size but together exceed the peer's budget.
  const a = pushStream(c);
  a.write(chunk({ objectId: 'a', totalBytes: 700_000n, payload: Buffer.alloc(600_000) }));
  await until(() => n.server.guard.usage('9999').inflightBytes === 600_000);
  const b = pushStream(c);
  b.write(chunk({ objectId: 'b', totalBytes: 700_000n, payload: Buffer.alloc(600_000) }));
  const second = await b.result;
  assert.is(second.err?.code, status.RESOURCE_EXHAUSTED);
  assert.match(second.err!.details, /would hold 1200000 bytes of unfinished objects/);
  // `a` now stalls: after grpcStreamIdleMs it is cut with DEADLINE_EXCEEDED and its 600 KB are freed.
  const stalled = await a.result;
  assert.is(stalled.err?.code, status.DEADLINE_EXCEEDED);
  assert.match(stalled.err!.details, /stalled: no chunk for 300 ms/);
  await until(() => n.server.guard.usage('9999').calls === 0);
  assert.equal(n.server.guard.usage('9999'), { calls: 0, inflightBytes: 0 });
  assert.is(n.objects.length, 0);
  // A client that cancels mid-object frees its bytes too.
  const cancelled = pushStream(c);
  cancelled.write(chunk({ objectId: 'x', totalBytes: 1000n, payload: Buffer.alloc(500) }));
  await until(() => n.server.guard.usage('9999').inflightBytes === 500);
  cancelled.cancel();
  await until(() => n.server.guard.usage('9999').calls === 0);
  assert.equal(n.server.guard.usage('9999'), { calls: 0, inflightBytes: 0 });
  await stillServes(n);
});

test.run();
