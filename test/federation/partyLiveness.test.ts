// What a node decides from heartbeats, with a fake network and clock: who is unreachable since when,
// what the running rows say meanwhile, and who fails a job once party_timeout has passed (the
// initiator for any lost party; another party only for a lost initiator; each job once). Also the
// decider (only transitions are events) and the row (f_reason while it runs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { jobsProjection } from '../../projections/jobs/projection.js';
import { queryJobs } from '../../projections/jobs/query.js';
import { decideJob, evolveJob, jobDecider } from '../../src/domain/job/decider.js';
import type { UnreachableParty } from '../../src/domain/job/events.js';
import { PartyLiveness } from '../../src/federation/partyLiveness.js';
import { givenEvents } from '../support/projectionSpec.js';

const t = suite('federation/partyLiveness');

function created(jobId: string, partyId: string, role: string, initiator: string, conf: unknown = {}) {
  return {
    type: 'JobCreated',
    data: {
      jobId, role, partyId, initiator: { role: 'guest', partyId: initiator }, isInitiator: partyId === initiator, workMode: 1,
      roles: { guest: [9999], host: [10000], arbiter: [10001] }, dsl: {}, runtimeConf: conf, trainRuntimeConf: {}, runIp: 'x', tag: '', at: 0,
    },
  };
}
const started = (jobId: string, partyId: string, role: string) => ({ type: 'JobStarted', data: { jobId, role, partyId, at: 1 } });

function harness(partyId: string, events: { type: string; data: unknown }[], down: Set<string>) {
  const views = givenEvents([jobsProjection], events);
  let now = 1_000_000;
  const failedJobs: [string, string][] = [];
  const failedHere: [string, string][] = [];
  const marks: [string, UnreachableParty[]][] = [];
  const pinged: [string, string[]][] = [];
  const liveness = new PartyLiveness({
    partyId, views, intervalMs: 1000, defaultPartyTimeoutSeconds: 120, now: () => now, log: pino({ level: 'silent' }),
    ping: async (p, jobIds) => {
      pinged.push([p, [...jobIds]]);
      if (down.has(p)) throw new Error('unreachable');
      return new Map();
    },
    failJob: async (jobId, reason) => void failedJobs.push([jobId, reason]),
    failLocally: async (jobId, reason) => void failedHere.push([jobId, reason]),
    markUnreachable: async (jobId, parties) => void marks.push([jobId, [...parties]]),
  });
  return { liveness, failedJobs, failedHere, marks, pinged, advance: (ms: number) => (now += ms), now: () => now };
}

t('the initiator pings each party once per round, names the unreachable one, and fails the job after party_timeout', async () => {
  const down = new Set(['10000']);
  const h = harness('9999', [created('j1', '9999', 'guest', '9999', { job_parameters: { party_timeout: 10 } }), started('j1', '9999', 'guest'),
    created('j2', '9999', 'guest', '9999'), started('j2', '9999', 'guest')], down);
  await h.liveness.tick();
  assert.equal(h.pinged.map(([p, jobs]) => [p, jobs.sort()]).sort(), [['10000', ['j1', 'j2']], ['10001', ['j1', 'j2']]]);
  const since = h.now();
  assert.equal(h.marks.find(([j]) => j === 'j1')![1], [{ role: 'host', partyId: '10000', since }]);
  assert.equal(h.failedJobs, []);
  h.advance(9_000);
  await h.liveness.tick();
  assert.equal(h.failedJobs, [], 'not before party_timeout');
  h.advance(1_000);
  await h.liveness.tick();
  assert.is(h.failedJobs.length, 1, 'j1 (party_timeout 10 s) fails; j2 keeps the node default of 120 s');
  assert.is(h.failedJobs[0]![0], 'j1');
  assert.is(h.failedJobs[0]![1], `party host 10000 unreachable since ${new Date(since).toISOString()} (party_timeout 10 s)`);
  h.advance(5_000);
  await h.liveness.tick();
  assert.is(h.failedJobs.length, 1, 'each job fails once');
  // The party answers again: the mark is cleared.
  down.clear();
  await h.liveness.tick();
  assert.equal(h.marks.at(-1)![1], []);
  assert.is(h.liveness.unreachableSince('10000'), undefined);
});

t('another party fails its rows only when the initiator is the one lost', async () => {
  const down = new Set(['10000']);
  const h = harness('10001', [created('j1', '10001', 'arbiter', '9999', { job_parameters: { party_timeout: 5 } })], down);
  await h.liveness.tick();
  assert.equal(h.pinged.map(([p]) => p).sort(), ['10000', '9999'], 'a waiting row of another initiator is watched too');
  h.advance(6_000);
  await h.liveness.tick();
  assert.equal(h.failedHere, [], 'a lost host is the initiator\'s call');
  assert.equal(h.failedJobs, []);
  down.add('9999');
  await h.liveness.tick();
  h.advance(6_000);
  await h.liveness.tick();
  assert.is(h.failedHere.length, 1);
  assert.match(h.failedHere[0]![1], /party guest 9999 unreachable since .*\(party_timeout 5 s\)/);
});

t('ended and standalone jobs are not watched', async () => {
  const h = harness('9999', [
    created('done', '9999', 'guest', '9999'), started('done', '9999', 'guest'),
    { type: 'JobFailed', data: { jobId: 'done', role: 'guest', partyId: '9999', reason: 'x', at: 2, elapsed: 1 } },
    { ...created('local', '9999', 'guest', '9999'), data: { ...created('local', '9999', 'guest', '9999').data, workMode: 0 } },
    created('queued', '9999', 'guest', '9999'),
  ], new Set());
  await h.liveness.tick();
  assert.equal(h.pinged, []);
});

t('decider: only transitions of the unreachable set are events, never on an ended job; the row says it while it runs', () => {
  const key = { jobId: 'j1', role: 'guest', partyId: '9999' };
  let state = jobDecider.initialState();
  for (const e of [created('j1', '9999', 'guest', '9999'), started('j1', '9999', 'guest')]) state = evolveJob(state, e as never);
  const parties = [{ role: 'host', partyId: '10000', since: 1_700_000_000_000 }];
  const first = decideJob({ type: 'MarkPartiesUnreachable', data: { parties, at: 5 } }, state);
  assert.is(first.length, 1);
  state = evolveJob(state, first[0]!);
  assert.equal(decideJob({ type: 'MarkPartiesUnreachable', data: { parties, at: 6 } }, state), []);
  const cleared = decideJob({ type: 'MarkPartiesUnreachable', data: { parties: [], at: 7 } }, state);
  assert.is(cleared.length, 1);
  const ended = evolveJob(state, { type: 'JobFailed', data: { ...key, reason: 'x', at: 8, elapsed: 1 } });
  assert.equal(decideJob({ type: 'MarkPartiesUnreachable', data: { parties: [], at: 9 } }, ended), []);
  const views = givenEvents([jobsProjection], [created('j1', '9999', 'guest', '9999'), started('j1', '9999', 'guest'), first[0]!]);
  assert.is(queryJobs(views, { job_id: 'j1' })[0]!.f_reason, 'waiting for host 10000 (unreachable since 2023-11-14T22:13:20.000Z)');
  const back = givenEvents([jobsProjection], [created('j1', '9999', 'guest', '9999'), started('j1', '9999', 'guest'), first[0]!, cleared[0]!]);
  assert.is(queryJobs(back, { job_id: 'j1' })[0]!.f_reason, null);
});

t.run();
