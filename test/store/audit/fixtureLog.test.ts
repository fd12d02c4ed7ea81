// Events that outlive the code: a log written by fedflow 0.1.0 (an upload job, then its notes) is
// committed with the answers it produced; today's code — upcasters, projections, queries — must
// keep replaying it to exactly those answers. A change that breaks this needs an upcaster, not a
// new fixture.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withViewsAsOf } from '../../../projections/asOf.js';
import { queryJobs } from '../../../projections/jobs/query.js';
import { queryTasks } from '../../../projections/tasks/query.js';
import { getTable } from '../../../projections/tables/query.js';
import { ChainVerifier } from '../../../src/store/audit/chain.js';
import { upcastWith } from '../../../src/store/audit/upcasters.js';
import { schemaVersionOf } from '../../../src/store/audit/schemaVersions.js';
import { jobTimeline } from '../../../src/store/audit/jobTimeline.js';
import { fixtureStore, readFixture } from './fixtureLog.js';
import { FIXTURES } from '../../support/fixtures.js';

const DIR = join(FIXTURES, 'audit');
const lines = readFixture(join(DIR, 'log-0.1.0.jsonl'));
const expected = JSON.parse(readFileSync(join(DIR, 'log-0.1.0.answers.json'), 'utf8')) as Record<string, unknown>;
const JOB = '202612061435509579811';

/** What the log must answer: job and task rows, the table, the timeline — at the end and halfway. */
export async function answers(): Promise<Record<string, unknown>> {
  const store = fixtureStore(lines);
  const at = async (position: bigint) => (await withViewsAsOf(store, { position }, (views) => ({
    jobs: queryJobs(views, { job_id: JOB }),
    tasks: queryTasks(views, { job_id: JOB }),
    table: getTable(views, 'fixture', 'breast_guest') ?? null,
  }))).answer;
  return {
    end: await at(BigInt(lines.length)),
    halfway: await at(BigInt(Math.floor(lines.length / 2))),
    timeline: jobTimeline(await store.readAll()).map((s) => [s.party, s.event, s.what, s.actor]),
  };
}

const t = suite('audit: a committed log replays to its answers');

t('the 0.1.0 log still folds to the answers it gave (views at the end and halfway, the timeline)', async () => {
  assert.equal(JSON.parse(JSON.stringify(await answers())), expected);
});

t('the committed log is intact: its hash chain verifies', () => {
  const verifier = new ChainVerifier();
  for (const l of lines) {
    verifier.push({ position: BigInt(l.position), streamId: l.stream, revision: BigInt(l.revision), eventId: l.id, type: l.type, created: l.created, data: JSON.stringify(l.data), metadata: JSON.stringify(l.metadata) }, l.hash);
  }
  assert.equal(verifier.breaks, []);
  assert.ok(lines.every((l) => l.metadata.schemaVersion === schemaVersionOf(l.type)), 'every event names its schema version');
});

t('upcasters turn an older version into today\'s at read time, step by step, and refuse a gap', () => {
  const e = { id: 'x', streamId: 's', type: 'T', data: { a: 1 }, metadata: { schemaVersion: 1 }, revision: 0n, position: 1n, created: 0 };
  const ups = { T: { 1: (d: any) => ({ ...d, b: 2 }), 2: (d: any) => ({ ...d, c: d.a + d.b }) } };
  const up = upcastWith(ups, () => 3, e);
  assert.equal(up.data, { a: 1, b: 2, c: 3 });
  assert.is(up.metadata.schemaVersion, 3);
  assert.is(up.metadata.writtenAsSchemaVersion, 1);
  assert.is(upcastWith(ups, () => 1, e), e, 'a current event is passed as it is');
  assert.throws(() => upcastWith({ T: { 1: (d) => d } }, () => 3, e), /no upcaster for T from schema version 2 to 3/);
});

t.run();
