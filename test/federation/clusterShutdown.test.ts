// A party's node stops even when the initiator is gone. The sequence that hung the chaos e2e test
// (a node that never exited after SIGTERM): the host's task ends and its report reaches the guest,
// but the guest's answer is lost; before the host's retry lands, the job is over and the guest's
// node has stopped. The host's shutdown then waited for that report's acknowledgement, which the
// outbox retried for ever (it is closed only after the party). The report must stay queued for the
// next start instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { openViewDatabase, ProjectionRunner } from '../../projections/runner.js';
import { ClusterParty, type ClusterPartyDeps } from '../../src/federation/clusterParty.js';
import { makeHeader, type Acknowledgement, type PartyCommand } from '../../src/federation/commands.js';
import { MessageStore } from '../../src/federation/messageStore.js';
import { Outbox } from '../../src/federation/outbox.js';
import { PeerUnreachableError, type PartyTransport } from '../../src/federation/transport.js';
import { MemoryEventStore } from '../../src/store/memory/memoryEventStore.js';
import { handleCommand } from '../../src/eventSourcing/handleCommand.js';
import { taskDecider } from '../../src/domain/task/decider.js';
import { taskStreamId } from '../../src/domain/task/events.js';
import type { TaskResult } from '../../src/scheduler/partyActor.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { tempDir } from '../support/http.js';
import { within } from '../support/within.js';

const GUEST = '9999';
const HOST = '10000';
const JOB = '202612070000000000001';
const example = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));

/** The guest as the host's outbox meets it: the first report is applied but its answer lost, then the guest's node is down. */
class GuestGone implements PartyTransport {
  readonly sent: PartyCommand[] = [];
  send(command: PartyCommand): Promise<Acknowledgement> {
    this.sent.push(command);
    const detail = this.sent.length === 1 ? 'answer dropped' : 'connect ECONNREFUSED (node stopped)';
    return Promise.reject(new PeerUnreachableError(GUEST, '127.0.0.1:1', detail));
  }
  push(): never {
    throw new Error('no objects in this test');
  }
  close(): void {}
}

const t = suite('federation: a party node stops while its task report is unacknowledged');
const dir = tempDir('cluster-shutdown');
t.after(() => rmSync(dir, { recursive: true, force: true }));

interface HostNode {
  readonly party: ClusterParty;
  readonly store: MemoryEventStore;
  readonly views: ProjectionRunner;
  readonly messages: MessageStore;
  readonly outbox: Outbox;
  readonly guest: GuestGone;
  readonly tasksRun: TaskResult[];
  stop(): Promise<void>;
}

/** The host's cluster party on an in-memory log and views, its outbox facing a guest that is gone; the job created by the guest. */
async function hostWithJob(): Promise<HostNode> {
  const store = new MemoryEventStore();
  const views = new ProjectionRunner(openViewDatabase(':memory:'), ALL_PROJECTIONS, store);
  await views.start();
  const messages = new MessageStore(':memory:');
  const guest = new GuestGone();
  const outbox = new Outbox(messages, guest, { baseDelayMs: 5, maxDelayMs: 20 });
  const tasksRun: TaskResult[] = [];
  const party = new ClusterParty({
    partyId: HOST, store, views: views.db, waitForViews: (p) => views.waitFor(p), outbox, clock: { now: () => Date.now() },
    log: pino({ level: 'silent' }), dataDir: dir, runIp: '127.0.0.1', defaultTimeoutSeconds: 60, permission: false,
    actors: {
      runTask: async (plan, component, p) => {
        const result: TaskResult = { status: 'success', taskId: `${plan.jobId}_${component.name}`, party: { role: p.role, partyId: String(p.partyId) } };
        tasksRun.push(result);
        return result;
      },
    },
  } as Partial<ClusterPartyDeps> as ClusterPartyDeps);
  const created = await party.onCommand({
    kind: 'createJob',
    request: { header: header(), dslJson: JSON.stringify(example('hetero_lr_dsl.json')), runtimeConfJson: JSON.stringify(example('hetero_lr_conf.json')), initiatorRole: 'guest', initiatorPartyId: GUEST, roles: ['host'] },
  });
  assert.is(created.retcode, 0, created.retmsg);
  return {
    party, store, views, messages, outbox, guest, tasksRun,
    stop: async () => {
      await outbox.close();
      await views.stop();
      views.db.close();
      messages.close();
      await store.close();
    },
  };
}

const header = () => makeHeader({ source: GUEST, destination: HOST, jobId: JOB });

/** The guest's node was tried at least `n` times (the first answer lost, then the node stopped). */
const triedTimes = (node: HostNode, n: number) => within(2000, `${n} attempts to send the report`, (async () => {
  while (node.guest.sent.length < n) await new Promise((r) => setTimeout(r, 5));
})());

/** After close(), the report is still in the outbox: resume() sends it when the node starts again. */
async function closesLeavingReportQueued(node: HostNode, status: string): Promise<void> {
  await within(3000, 'ClusterParty.close() (it must not wait for an acknowledgement the stopped initiator cannot give)', node.party.close());
  await within(3000, 'Outbox.close()', node.outbox.close());
  const queued = node.messages.pendingOutbox().map((e) => e.command);
  assert.equal(queued.map((c) => c.kind), ['reportTaskStatus'], 'the report stays in the outbox, sent again when the node starts');
  assert.is((queued[0]!.request as { status: string }).status, status);
}

t('a task\'s report: close() returns with it still queued (it does not wait for the lost initiator)', async () => {
  const node = await hostWithJob();
  try {
    const started = await node.party.onCommand({ kind: 'startTask', request: { header: header(), componentName: 'dataio_0', taskId: `${JOB}_dataio_0`, role: 'host', partyId: HOST, taskJson: '' } });
    assert.is(started.retcode, 0, started.retmsg);
    // The task ended, its report went out, its answer was lost and the retry finds no guest.
    await triedTimes(node, 2);
    assert.is(node.tasksRun.length, 1);
    assert.equal(node.guest.sent.map((c) => c.kind), ['reportTaskStatus', 'reportTaskStatus']);
    await closesLeavingReportQueued(node, 'success');
  } finally {
    await node.stop();
  }
});

t('after a restart, the report of a task that died with the node: close() does not wait for it either', async () => {
  const node = await hostWithJob();
  try {
    // The node stopped while its task ran: the task's row is still running when it starts again.
    const started = await handleCommand(node.store, taskStreamId(`${JOB}_dataio_0`, 'host', HOST), taskDecider, {
      type: 'StartTask', data: { jobId: JOB, taskId: `${JOB}_dataio_0`, componentName: 'dataio_0', role: 'host', partyId: HOST, runIp: '127.0.0.1', runPid: 1, at: Date.now() },
    });
    await node.views.waitFor(started.appended!.position);
    assert.is(await node.party.recover(), 1);
    await triedTimes(node, 2);
    await closesLeavingReportQueued(node, 'failed');
  } finally {
    await node.stop();
  }
});

t.run();
