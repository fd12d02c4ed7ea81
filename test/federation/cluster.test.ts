// The cluster pieces without a network: which objects leave the node, which parties a job
// status goes to, and how a failed task stops its component's other tasks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { mailboxKey } from '../../src/scheduler/mailbox.js';
import { ClusterMailbox } from '../../src/federation/clusterMailbox.js';
import { packPayload } from '../../src/scheduler/packedPayload.js';
import type { DataPlaneSender, RemoteObject } from '../../src/federation/dataPlane.js';
import { JobDistribution, otherParties } from '../../src/federation/jobDistribution.js';
import type { Outbox } from '../../src/federation/outbox.js';
import type { PartyCommand } from '../../src/federation/commands.js';
import { RemoteTasks } from '../../src/federation/remoteTasks.js';
import type { JobRow } from '../../projections/jobs/query.js';
import { stopOutcome } from '../../src/domain/job/events.js';

const silent = pino({ level: 'silent' });
const guest = { role: 'guest', partyId: '9999' };
const host = { role: 'host', partyId: '10000' };

test('objects for this node stay in process; objects for another party are pushed, addressed', async () => {
  const pushed: RemoteObject[] = [];
  const sender = { remote: async (o: RemoteObject) => void pushed.push(o) } as unknown as DataPlaneSender;
  const mailbox = new ClusterMailbox('9999', sender, silent);
  mailbox.put(mailboxKey('j1', 'hetero_lr_0', 'HeteroLR.gradient', '0.1', host, guest), 'for me');
  assert.is(await mailbox.take(mailboxKey('j1', 'hetero_lr_0', 'HeteroLR.gradient', '0.1', host, guest)), 'for me');
  mailbox.put(mailboxKey('j1', 'hetero_lr_0', 'HeteroLR.forward', '0.2', guest, host), { v: 1n });
  assert.equal(pushed, [{ jobId: 'j1', componentName: 'hetero_lr_0', name: 'HeteroLR.forward', tag: '0.2', source: guest, destination: host, payload: { v: 1n } }]);
  // What another node pushed lands where the local get waits.
  const waiting = mailbox.take(mailboxKey('j1', 'c', 'n', 't', host, guest));
  mailbox.deliver({ objectId: 'x', jobId: 'j1', componentName: 'c', name: 'n', tag: 't', source: host, destination: guest, payload: [1, 2] });
  assert.equal(await waiting, [1, 2]);
});

test('a task worker\'s packed list of ids goes on the wire as the list itself', async () => {
  const pushed: RemoteObject[] = [];
  const sender = { remote: async (o: RemoteObject) => void pushed.push(o) } as unknown as DataPlaneSender;
  const mailbox = new ClusterMailbox('9999', sender, silent);
  const ids = Array.from({ length: 20_000 }, (_, i) => `id${i}`);
  mailbox.put(mailboxKey('j1', 'intersection_0', 'RawIntersectTransferVariable.send_ids_guest', 'fit', guest, host), packPayload(ids));
  assert.equal(pushed.map((o) => o.payload), [ids]);
});

function recordingOutbox(): { outbox: Outbox; sent: PartyCommand[] } {
  const sent: PartyCommand[] = [];
  const outbox = { send: async (c: PartyCommand) => (sent.push(c), { messageId: c.request.header!.messageId, duplicate: false, retcode: 0, retmsg: 'success' }) } as unknown as Outbox;
  return { outbox, sent };
}

const row = (over: Partial<JobRow>): JobRow => ({ f_job_id: 'j1', f_work_mode: 1, f_is_initiator: 1, f_initiator_party_id: '9999', f_roles: JSON.stringify({ guest: [9999], host: [10000], arbiter: [10000] }), ...over }) as JobRow;

test('job status from the initiator goes once to each other party; a stop elsewhere goes to the initiator only', () => {
  assert.equal([...otherParties({ guest: [9999], host: [10000, 10002], arbiter: [10000] }, '9999')], [['10000', 'host'], ['10002', 'host']]);
  const { outbox, sent } = recordingOutbox();
  const atInitiator = new JobDistribution('9999', outbox);
  atInitiator.onJobCommand([row({})], { type: 'SucceedJob', data: { at: 1 } });
  atInitiator.onJobCommand([row({})], { type: 'TagJob', data: { tag: 'x', at: 1 } });
  atInitiator.onJobCommand([row({})], { type: 'ReportJobProgress', data: { progress: 50, at: 1 } });
  atInitiator.onJobCommand([row({ f_work_mode: 0 })], { type: 'SucceedJob', data: { at: 1 } });
  assert.equal(sent.map((c) => [c.kind, c.request.header!.destinationPartyId, (c.request as { status: string }).status, (c.request as { progress: number }).progress]), [
    ['syncJobStatus', '10000', 'success', 0],
    ['syncJobStatus', '10000', 'running', 50],
  ]);
  const elsewhere = recordingOutbox();
  const atHost = new JobDistribution('10000', elsewhere.outbox);
  atHost.onJobCommand([row({ f_is_initiator: 0, f_role: 'host' })], { type: 'StartJob', data: { at: 1 } });
  atHost.onJobCommand([row({ f_is_initiator: 0, f_role: 'host' })], { type: 'CancelJob', data: { reason: 'stopped by user', at: 1 } });
  assert.equal(elsewhere.sent.map((c) => [c.request.header!.destinationPartyId, (c.request as { status: string }).status, (c.request as { reason: string }).reason]), [['9999', 'canceled', 'stopped by user']]);
});

test('a failed task stops the other tasks of its component, and the job learns the first failure', async () => {
  const { outbox, sent } = recordingOutbox();
  const local = {
    runTask: (_p: unknown, _c: unknown, party: { role: string; partyId: number }, signal: AbortSignal) =>
      new Promise<any>((resolve) => signal.addEventListener('abort', () => resolve({ status: 'failed', reason: 'task stopped', taskId: 't', party: { role: party.role, partyId: String(party.partyId) } }))),
    stopJob: async () => ({ party: { role: 'guest', partyId: '9999' }, stoppedTasks: [] }),
  };
  const tasks = new RemoteTasks('9999', local, outbox);
  const plan = { jobId: 'j1' } as any;
  const component = { name: 'hetero_lr_0' } as any;
  const job = new AbortController();
  const results = Promise.all([
    tasks.runTask(plan, component, { role: 'guest', partyId: 9999 } as any, job.signal),
    tasks.runTask(plan, component, { role: 'host', partyId: 10000 } as any, job.signal),
  ]);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(sent.map((c) => c.kind), ['startTask']);
  tasks.onReport({ header: { jobId: 'j1' } as any, componentName: 'hetero_lr_0', taskId: 't', role: 'host', partyId: '10000', status: 'failed', reason: 'node restarted while the task ran', outputJson: '' });
  const [g, h] = await results;
  assert.is(h.reason, 'node restarted while the task ran');
  assert.is(g.status, 'failed');
  assert.is(g.reason, 'host 10000: node restarted while the task ran');
});

test('a stop is acknowledged per party: the local party by its actor, a remote party by its Ack of StopTask for each task it ran', async () => {
  const { outbox, sent } = recordingOutbox();
  const localStops: string[] = [];
  const local = {
    runTask: (_p: unknown, _c: unknown, party: { role: string; partyId: number }, signal: AbortSignal) =>
      new Promise<any>((resolve) => signal.addEventListener('abort', () => resolve({ status: 'failed', reason: 'task stopped', taskId: 'j1_hetero_lr_0', party: { role: party.role, partyId: String(party.partyId) } }))),
    stopJob: async (jobId: string, party: { role: string; partyId: string }) => (localStops.push(`${jobId} ${party.role} ${party.partyId}`), { party, stoppedTasks: ['j1_hetero_lr_0'] }),
  };
  const tasks = new RemoteTasks('9999', local, outbox);
  const job = new AbortController();
  const plan = { jobId: 'j1' } as any;
  const component = { name: 'hetero_lr_0' } as any;
  const running = Promise.all([
    tasks.runTask(plan, component, { role: 'guest', partyId: 9999 } as any, job.signal),
    tasks.runTask(plan, component, { role: 'host', partyId: 10000 } as any, job.signal),
  ]);
  await new Promise((r) => setTimeout(r, 10));
  job.abort();
  await running;
  const [guestAck, hostAck, arbiterAck] = await Promise.all([
    tasks.stopJob('j1', { role: 'guest', partyId: '9999' }, 'stopped by user'),
    tasks.stopJob('j1', { role: 'host', partyId: '10000' }, 'stopped by user'),
    tasks.stopJob('j1', { role: 'arbiter', partyId: '10001' }, 'stopped by user'),
  ]);
  assert.equal(localStops, ['j1 guest 9999']);
  assert.equal(guestAck.stoppedTasks, ['j1_hetero_lr_0']);
  assert.equal(sent.filter((c) => c.kind === 'stopTask').map((c) => c.request.header!.destinationPartyId), ['10000']);
  assert.equal(hostAck, { party: { role: 'host', partyId: '10000' }, stoppedTasks: ['j1_hetero_lr_0'] });
  assert.equal(arbiterAck.stoppedTasks, [], 'a party that ran nothing acknowledges with no task');
});

test('a stop a remote party never acknowledges gives up: the stop ends, and its answer names the unanswered tasks', async () => {
  // An outbox that never gets an answer for StopTask: it gives up when the sender's limit elapses, as the real one does.
  const options: unknown[] = [];
  const outbox = {
    send: (c: PartyCommand, o: { giveUpAfterMs?: number } = {}) => {
      if (c.kind !== 'stopTask') return Promise.resolve({ messageId: '', duplicate: false, retcode: 0, retmsg: 'success' });
      options.push(o);
      return o.giveUpAfterMs === undefined ? new Promise(() => {}) : new Promise((_, reject) => setTimeout(() => reject(new Error('gave up')), o.giveUpAfterMs));
    },
  } as unknown as Outbox;
  const local = { runTask: async () => ({}) as any, stopJob: async () => ({ party: guest, stoppedTasks: [] }) };
  const tasks = new RemoteTasks('9999', local, outbox, undefined, undefined, undefined, 30);
  const job = new AbortController();
  const running = tasks.runTask({ jobId: 'j1' } as any, { name: 'hetero_lr_0' } as any, { role: 'host', partyId: 10000 } as any, job.signal);
  await new Promise((r) => setTimeout(r, 10));
  job.abort();
  await running;
  const ack = await Promise.race([tasks.stopJob('j1', host, 'stopped by user'), new Promise((r) => setTimeout(() => r('still waiting'), 2_000))]);
  assert.equal(options, [{ giveUpAfterMs: 30 }]);
  assert.equal(ack, { party: host, stoppedTasks: [], unansweredTasks: ['j1_hetero_lr_0'] });
  assert.is(stopOutcome([], ['j1_hetero_lr_0']), 'stop not acknowledged: tasks j1_hetero_lr_0 (the party did not acknowledge them)');
  assert.is(stopOutcome(['a'], ['b']), 'stop acknowledged: tasks a stopped; stop not acknowledged: tasks b (the party did not acknowledge them)');
  assert.is(stopOutcome(['a']), 'stop acknowledged: tasks a stopped');
});

test.run();
