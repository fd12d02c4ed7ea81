// A party cannot be made to do what it did not accept: three real cluster nodes with mutual TLS;
// the arbiter's node (a real party with a valid certificate, turned hostile) and a confused
// initiator send commands to the host's node. The host refuses a job whose conf names another
// initiator than the sender, a job that gives it no role, and any task or status of a job from a
// party that did not initiate it or for a role the job does not give it; nothing is appended.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFederation, PARTIES, type Federation, type PartySetup, type RoleName } from '../support/federation.js';
import { partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { GrpcTransport } from '../../src/federation/grpcTransport.js';
import { loadRouteTable } from '../../src/federation/routeTable.js';
import { makeHeader, type Acknowledgement, type PartyCommand } from '../../src/federation/commands.js';
import { post, tempDir } from '../support/http.js';
import { FIXTURES } from '../support/fixtures.js';

const test = suite('federation/acceptance');
let dir: string;
let fed: Federation;
let setups: Record<RoleName, PartySetup>;
const transports: GrpcTransport[] = [];

const example = (f: string): any => JSON.parse(readFileSync(join(FIXTURES, 'examples', 'cluster', f), 'utf8'));
const dsl = example('hetero_lr_dsl.json');

/** A transport speaking with `partyId`'s own certificate. */
function as(partyId: string): (command: PartyCommand) => Promise<Acknowledgement> {
  const t = new GrpcTransport(loadRouteTable(setups.guest.env.FEDFLOW_ROUTE_TABLE!), { ...readPartyCerts(partyCertPaths(join(dir, 'certs'), partyId)) });
  transports.push(t);
  return (c) => t.send(c, 5_000);
}

const createJob = (source: string, jobId: string, conf: any): PartyCommand => ({
  kind: 'createJob',
  request: {
    header: makeHeader({ source, destination: PARTIES.host, jobId }), dslJson: JSON.stringify(dsl), runtimeConfJson: JSON.stringify(conf),
    initiatorRole: conf.initiator.role, initiatorPartyId: String(conf.initiator.party_id), roles: ['host'],
  },
});

async function hostRows(jobId: string): Promise<any[]> {
  return (await post(fed.host.url, '/v1/job/query', { job_id: jobId })).body.data ?? [];
}

test.before(async () => {
  dir = tempDir('acceptance');
  ({ nodes: fed, setups } = await startFederation({ dir }));
});
test.after(async () => {
  for (const t of transports) t.close();
  await Promise.all(Object.values(fed).map((n) => n.close()));
  rmSync(dir, { recursive: true, force: true });
});

test('a job whose conf names another initiator than the sender is refused', async () => {
  const arbiter = as(PARTIES.arbiter);
  const ack = await arbiter(createJob(PARTIES.arbiter, '202612060000000000001', example('hetero_lr_conf.json')));
  assert.is(ack.retcode, 100);
  assert.match(ack.retmsg, /names party 9999 as its initiator but was sent by party 10001/);
  assert.equal(await hostRows('202612060000000000001'), []);
});

test('a job that gives this party no role is refused', async () => {
  const conf = example('hetero_lr_conf.json');
  conf.initiator = { role: 'arbiter', party_id: 10001 };
  conf.role = { guest: [10001], host: [9999], arbiter: [10001] };
  const ack = await as(PARTIES.arbiter)(createJob(PARTIES.arbiter, '202612060000000000002', conf));
  assert.is(ack.retcode, 100);
  assert.match(ack.retmsg, /party 10000 has no role in the job's role assignment/);
});

test("tasks and statuses of a job only from its initiator, only for the roles it gives", async () => {
  const jobId = '202612060000000000003';
  const guest = as(PARTIES.guest);
  const created = await guest(createJob(PARTIES.guest, jobId, example('hetero_lr_conf.json')));
  assert.is(created.retcode, 0, created.retmsg);
  const before = await hostRows(jobId);
  assert.is(before.length, 1);
  const arbiter = as(PARTIES.arbiter);
  const header = (source: string) => makeHeader({ source, destination: PARTIES.host, jobId });
  const start = (source: string, role: string, partyId: string = PARTIES.host): PartyCommand => ({
    kind: 'startTask', request: { header: header(source), componentName: 'hetero_lr_0', taskId: `${jobId}_hetero_lr_0`, role, partyId, taskJson: '' },
  });
  let ack = await arbiter(start(PARTIES.arbiter, 'host'));
  assert.is(ack.retcode, 100);
  assert.match(ack.retmsg, /initiated by party 9999, not by party 10001: startTask refused/);
  ack = await arbiter({ kind: 'stopTask', request: { header: header(PARTIES.arbiter), componentName: 'hetero_lr_0', status: 'canceled', reason: 'x' } });
  assert.match(ack.retmsg, /not by party 10001: stopTask refused/);
  ack = await arbiter({ kind: 'syncJobStatus', request: { header: header(PARTIES.arbiter), status: 'failed', reason: 'forged', progress: 0 } });
  assert.match(ack.retmsg, /initiated by party 9999, not by party 10001/);
  ack = await arbiter({ kind: 'savePipelineModel', request: { header: header(PARTIES.arbiter), modelId: 'm', modelVersion: 'v' } } as PartyCommand);
  assert.match(ack.retmsg, /savePipelineModel refused/);
  // The initiator itself cannot make the host play a role the job does not give it.
  ack = await guest(start(PARTIES.guest, 'arbiter'));
  assert.is(ack.retcode, 100);
  assert.match(ack.retmsg, /does not exist for arbiter 10000|is not arbiter/);
  ack = await guest(start(PARTIES.guest, 'host', PARTIES.arbiter));
  assert.match(ack.retmsg, /task for party 10001 sent to the node of party 10000/);
  // A task report at a node that is not the job's initiator is refused too.
  ack = await arbiter({ kind: 'reportTaskStatus', request: { header: header(PARTIES.arbiter), componentName: 'hetero_lr_0', taskId: 't', role: 'arbiter', partyId: PARTIES.arbiter, status: 'success', reason: '', outputJson: '' } });
  assert.match(ack.retmsg, /is not its initiator/);
  const after = await hostRows(jobId);
  assert.is(after[0].f_status, before[0].f_status);
  assert.is(after.length, 1);
  // The initiator's own word is accepted (the job status reaches the host).
  ack = await guest({ kind: 'syncJobStatus', request: { header: header(PARTIES.guest), status: 'canceled', reason: 'test over', progress: 0 } });
  assert.is(ack.retcode, 0, ack.retmsg);
});

test('a job the node does not know: its task is refused naming it, its objects are refused before they are buffered', async () => {
  const jobId = '202612069999999999999';
  const ack = await as(PARTIES.guest)({
    kind: 'startTask',
    request: { header: makeHeader({ source: PARTIES.guest, destination: PARTIES.host, jobId }), componentName: 'hetero_lr_0', taskId: `${jobId}_hetero_lr_0`, role: 'host', partyId: PARTIES.host, taskJson: '' },
  });
  assert.is(ack.retcode, 100);
  assert.match(ack.retmsg, new RegExp(`job ${jobId} does not exist for host ${PARTIES.host} on this node`));
  const t = new GrpcTransport(loadRouteTable(setups.guest.env.FEDFLOW_ROUTE_TABLE!), { ...readPartyCerts(partyCertPaths(join(dir, 'certs'), PARTIES.guest)) });
  transports.push(t);
  const err = await t
    .push({ objectId: 'o', jobId, componentName: 'c', name: 'n', tag: 't', source: { role: 'guest', partyId: PARTIES.guest }, destination: { role: 'host', partyId: PARTIES.host }, bytes: Buffer.from([1]) }, 5000)
    .then(() => undefined, (e: unknown) => e as Error);
  assert.match(String(err?.message), new RegExp(`job ${jobId} does not exist on the node of party ${PARTIES.host}`));
  assert.equal(await hostRows(jobId), []);
});

test.run();
