// Two or three nodes' gRPC servers on 127.0.0.1 with mutual TLS from `certs init`: who may say what,
// exactly-once application over an at-least-once network, and the chunked data plane.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { certsInit, partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { makeHeader, type AckResult, type PartyCommand } from '../../src/federation/commands.js';
import { DataPlaneSender } from '../../src/federation/dataPlane.js';
import { FaultyTransport, seededRandom } from '../../src/federation/faultyTransport.js';
import { GrpcTransport } from '../../src/federation/grpcTransport.js';
import { MessageStore } from '../../src/federation/messageStore.js';
import { startNodeServer, type IncomingObject, type RunningNodeServer } from '../../src/federation/nodeServer.js';
import { Outbox } from '../../src/federation/outbox.js';
import { parseRouteTable } from '../../src/federation/routeTable.js';
import type { TlsMaterial } from '../../src/federation/tls.js';
import { PeerRefusedError, PeerUnreachableError } from '../../src/federation/transport.js';
import { tempDir } from '../support/http.js';
import { currentScope, type AuditScope } from '../../src/store/audit/auditScope.js';

const dir = tempDir('federation');
const certDir = join(dir, 'certs');
const rogueDir = join(dir, 'rogue');
const tls = (party: string, from = certDir): TlsMaterial => readPartyCerts(partyCertPaths(from, party));

interface TestNode {
  readonly partyId: string;
  readonly server: RunningNodeServer;
  readonly store: MessageStore;
  readonly applied: PartyCommand[];
  readonly objects: IncomingObject[];
  /** The audit scope each command was applied in (what its events are stamped with). */
  readonly scopes: (AuditScope | undefined)[];
}

const open: { close(): unknown }[] = [];

async function node(partyId: string, o: { port?: number; storePath?: string; tls?: TlsMaterial; answer?: (c: PartyCommand) => AckResult; slowMs?: number } = {}): Promise<TestNode> {
  const store = new MessageStore(o.storePath ?? ':memory:');
  const applied: PartyCommand[] = [];
  const objects: IncomingObject[] = [];
  const scopes: (AuditScope | undefined)[] = [];
  const server = await startNodeServer({
    partyIds: [partyId],
    host: '127.0.0.1',
    port: o.port ?? 0,
    tls: o.tls ?? tls(partyId),
    store,
    handlers: {
      onCommand: async (c) => {
        applied.push(c);
        scopes.push(currentScope());
        if (o.slowMs) await new Promise((r) => setTimeout(r, o.slowMs));
        return o.answer?.(c) ?? { retcode: 0, retmsg: 'success' };
      },
      onObject: (obj) => void objects.push(obj),
    },
  });
  open.push({ close: () => server.close() }, store);
  return { partyId, server, store, applied, objects, scopes };
}

function transport(from: string, routes: Record<string, string>, material: TlsMaterial = tls(from)): GrpcTransport {
  const t = new GrpcTransport(parseRouteTable(routes), material);
  open.push(t);
  return t;
}

const createJob = (source: string, destination: string, jobId = 'job1', messageId?: string): PartyCommand => ({
  kind: 'createJob',
  request: {
    header: makeHeader({ source, destination, jobId, messageId }),
    dslJson: '{}',
    runtimeConfJson: '{}',
    initiatorRole: 'guest',
    initiatorPartyId: source,
    roles: ['host'],
  },
});

const t = suite('federation transport: mTLS, dedupe, outbox, data plane, faults');

t.before(() => {
  certsInit({ dir: certDir, partyIds: ['9999', '10000', '10001'] });
  certsInit({ dir: rogueDir, partyIds: ['9999'] });
});

t.after.each(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

t.after(() => rmSync(dir, { recursive: true, force: true }));

t('a party with a certificate from the federation CA is heard', async () => {
  const host = await node('10000');
  const ack = await transport('9999', { '10000': `127.0.0.1:${host.server.port}` }).send(createJob('9999', '10000'), 5000);
  assert.is(ack.retcode, 0);
  assert.is(ack.duplicate, false);
  assert.is(host.applied.length, 1);
  assert.is(host.applied[0]!.request.header!.sourcePartyId, '9999');
  // Who and why for the events the command appends: the party its certificate proved.
  const header = host.applied[0]!.request.header!;
  assert.equal(host.scopes[0], { correlationId: 'job1', causationId: header.messageId, actor: { kind: 'party', partyId: '9999', proven: true } });
});

t('a node holding party 10000\'s certificate cannot send as 9999 (PERMISSION_DENIED naming both)', async () => {
  const arbiter = await node('10001');
  const impostor = transport('10000', { '10001': `127.0.0.1:${arbiter.server.port}` });
  const err = await impostor.send(createJob('9999', '10001'), 5000).then(() => undefined, (e: unknown) => e);
  assert.instance(err, PeerRefusedError);
  assert.is((err as PeerRefusedError).code, status.PERMISSION_DENIED);
  assert.match((err as Error).message, /claims source party 9999/);
  assert.match((err as Error).message, /certificate is for party 10000/);
  assert.is(arbiter.applied.length, 0);
  const pushErr = await impostor
    .push({ objectId: 'x', jobId: 'j', componentName: 'c', name: 'n', tag: 't', source: { role: 'guest', partyId: '9999' }, destination: { role: 'arbiter', partyId: '10001' }, bytes: Buffer.from([1]) }, 5000)
    .then(() => undefined, (e: unknown) => e);
  assert.instance(pushErr, PeerRefusedError);
  assert.is(arbiter.objects.length, 0);
});

t('a node with a certificate from another CA cannot connect, either way', async () => {
  const host = await node('10000');
  const rogue = transport('9999', { '10000': `127.0.0.1:${host.server.port}` }, tls('9999', rogueDir));
  const err = await rogue.send(createJob('9999', '10000'), 3000).then(() => undefined, (e: unknown) => e);
  assert.instance(err, PeerUnreachableError);
  assert.is(host.applied.length, 0);
  // ...and a genuine party refuses a server whose certificate the federation CA did not sign.
  const rogueServer = await node('10000', { tls: tls('9999', rogueDir) });
  const honest = transport('9999', { '10000': `127.0.0.1:${rogueServer.server.port}` });
  const err2 = await honest.send(createJob('9999', '10000'), 3000).then(() => undefined, (e: unknown) => e);
  assert.instance(err2, PeerUnreachableError);
  assert.is(rogueServer.applied.length, 0);
});

t('the client refuses a server whose certificate names another party than the route', async () => {
  const arbiter = await node('10001');
  const err = await transport('9999', { '10000': `127.0.0.1:${arbiter.server.port}` })
    .send(createJob('9999', '10000'), 3000)
    .then(() => undefined, (e: unknown) => e);
  assert.instance(err, PeerUnreachableError);
  assert.is(arbiter.applied.length, 0);
});

t('a repeated message id is applied once; a concurrent duplicate shares the first answer', async () => {
  const host = await node('10000', { slowMs: 100 });
  const tr = transport('9999', { '10000': `127.0.0.1:${host.server.port}` });
  const cmd = createJob('9999', '10000', 'job1', 'm-1');
  const [a, b] = await Promise.all([tr.send(cmd, 5000), tr.send(cmd, 5000)]);
  const c = await tr.send(cmd, 5000);
  assert.is(host.applied.length, 1);
  assert.equal([a.duplicate, b.duplicate].sort(), [false, true]);
  assert.is(c.duplicate, true);
  assert.is(host.store.seen('m-1')?.retcode, 0);
});

t('a refusal is an answer too (recorded, repeated to a duplicate)', async () => {
  const host = await node('10000', { answer: () => ({ retcode: 100, retmsg: 'work_mode 1 job on a standalone node' }) });
  const tr = transport('9999', { '10000': `127.0.0.1:${host.server.port}` });
  const cmd = createJob('9999', '10000');
  const first = await tr.send(cmd, 5000);
  const again = await tr.send(cmd, 5000);
  assert.is(first.retcode, 100);
  assert.is(again.retcode, 100);
  assert.is(again.duplicate, true);
  assert.is(host.applied.length, 1);
});

t('the outbox retries until a receiver that starts late acknowledges', async () => {
  const probe = await node('10000');
  const port = probe.server.port;
  await probe.server.close();
  const senderStore = new MessageStore(':memory:');
  open.push(senderStore);
  const outbox = new Outbox(senderStore, transport('9999', { '10000': `127.0.0.1:${port}` }), { baseDelayMs: 20, maxDelayMs: 200, attemptDeadlineMs: 500 });
  open.push(outbox);
  const sent = outbox.send(createJob('9999', '10000'));
  await new Promise((r) => setTimeout(r, 400));
  assert.is(senderStore.pendingOutbox().length, 1, 'still queued while the receiver is down');
  const host = await node('10000', { port });
  const ack = await sent;
  assert.is(ack.retcode, 0);
  assert.is(host.applied.length, 1);
  assert.is(senderStore.pendingOutbox().length, 0);
});

t('an unreachable peer is named with its address once giveUpAfterMs elapses', async () => {
  const probe = await node('10000');
  const port = probe.server.port;
  await probe.server.close();
  const senderStore = new MessageStore(':memory:');
  open.push(senderStore);
  const outbox = new Outbox(senderStore, transport('9999', { '10000': `127.0.0.1:${port}` }), { baseDelayMs: 20, maxDelayMs: 100, attemptDeadlineMs: 300 });
  open.push(outbox);
  const err = await outbox.send(createJob('9999', '10000'), { giveUpAfterMs: 500 }).then(() => undefined, (e: unknown) => e);
  assert.instance(err, PeerUnreachableError);
  assert.match((err as Error).message, new RegExp(`party 10000 at 127\\.0\\.0\\.1:${port} is unreachable`));
  assert.is(senderStore.pendingOutbox().length, 0);
});

t('the outbox survives a restart of the sender: resume() delivers what was left', async () => {
  const probe = await node('10000');
  const port = probe.server.port;
  await probe.server.close();
  const path = join(dir, 'sender-outbox.sqlite');
  const store1 = new MessageStore(path);
  const outbox1 = new Outbox(store1, transport('9999', { '10000': `127.0.0.1:${port}` }), { baseDelayMs: 20, maxDelayMs: 100, attemptDeadlineMs: 200 });
  const lost = outbox1.send(createJob('9999', '10000', 'job-restart', 'm-restart')).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 200));
  await outbox1.close();
  assert.instance(await lost, Error);
  store1.close();

  const host = await node('10000', { port });
  const store2 = new MessageStore(path);
  open.push(store2);
  const acked: string[] = [];
  const outbox2 = new Outbox(store2, transport('9999', { '10000': `127.0.0.1:${port}` }), { baseDelayMs: 20, onAcknowledged: (c) => acked.push(c.request.header!.messageId) });
  open.push(outbox2);
  assert.is(outbox2.resume(), 1);
  for (let i = 0; i < 100 && acked.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(acked, ['m-restart']);
  assert.is(host.applied.length, 1);
  assert.is(host.applied[0]!.request.header!.jobId, 'job-restart');
});

t('seen ids survive a restart of the receiver', async () => {
  const path = join(dir, 'receiver-seen.sqlite');
  const first = await node('10000', { storePath: path });
  const port = first.server.port;
  await transport('9999', { '10000': `127.0.0.1:${port}` }).send(createJob('9999', '10000', 'j', 'm-seen'), 5000);
  await first.server.close();
  first.store.close();
  const second = await node('10000', { storePath: path, port });
  const ack = await transport('9999', { '10000': `127.0.0.1:${port}` }).send(createJob('9999', '10000', 'j', 'm-seen'), 5000);
  assert.is(ack.duplicate, true);
  assert.is(second.applied.length, 0);
});

t('a 5 MiB payload with bigint and typed arrays crosses in chunks, intact', async () => {
  const host = await node('10000');
  const sender = new DataPlaneSender(transport('9999', { '10000': `127.0.0.1:${host.server.port}` }));
  const vector = new Float64Array(655_360).map((_, i) => i * 0.5);
  const payload = { vector, cipher: [2n ** 1023n + 7n, 3n], meta: new Map([['k', 1]]) };
  const receipt = await sender.remote({ jobId: 'j', componentName: 'hetero_lr_0', name: 'HeteroLR.host_forward', tag: '0.0', source: { role: 'guest', partyId: '9999' }, destination: { role: 'host', partyId: '10000' }, payload });
  assert.ok(receipt.receivedBytes > 5 * 1024 * 1024, `${receipt.receivedBytes} bytes`);
  assert.is(host.objects.length, 1);
  const got = host.objects[0]!;
  assert.is(got.name, 'HeteroLR.host_forward');
  assert.equal(got.source, { role: 'guest', partyId: '9999' });
  assert.equal(got.payload, payload);
  assert.instance((got.payload as typeof payload).vector, Float64Array);
});

t('with 30% dropped, 30% duplicated and reordering, every command and object arrives exactly once', async () => {
  const host = await node('10000');
  const faulty = new FaultyTransport(transport('9999', { '10000': `127.0.0.1:${host.server.port}` }), {
    drop: 0.3,
    duplicate: 0.3,
    reorder: 0.3,
    reorderMs: 30,
    random: seededRandom(42),
  });
  const senderStore = new MessageStore(':memory:');
  open.push(senderStore);
  const outbox = new Outbox(senderStore, faulty, { baseDelayMs: 5, maxDelayMs: 50, attemptDeadlineMs: 2000 });
  open.push(outbox);
  const sender = new DataPlaneSender(faulty, { baseDelayMs: 5, maxDelayMs: 50 });
  const n = 60;
  await Promise.all([
    ...Array.from({ length: n }, (_, i) => outbox.send(createJob('9999', '10000', `job-${i}`))),
    ...Array.from({ length: n }, (_, i) =>
      sender.remote({ jobId: 'j', componentName: 'c', name: 'obj', tag: String(i), source: { role: 'guest', partyId: '9999' }, destination: { role: 'host', partyId: '10000' }, payload: { i } }),
    ),
  ]);
  assert.ok(faulty.counts.dropped > 5 && faulty.counts.duplicated > 5, JSON.stringify(faulty.counts));
  assert.equal(host.applied.map((c) => c.request.header!.jobId).sort(), Array.from({ length: n }, (_, i) => `job-${i}`).sort());
  assert.equal(host.objects.map((o) => (o.payload as { i: number }).i).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

t.run();
