// Audit on a real standalone node: who and why on every event (the Koa edge's client and request
// id, the job scheduler acting on the submission's behalf).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA, tempDir, waitForJob } from '../support/http.js';
import { main } from '../../src/cli/main.js';

const dir = tempDir('audit');
let node: RunningNode;
let url: string;
const config = () => buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [join(dir, 'node'), SHARED_DATA], logLevel: 'silent' });
const upload = { file: 'breast_hetero_guest.csv', head: 1, partition: 4, work_mode: 0, namespace: 'audit', table_name: 'breast_guest' };

const t = suite('e2e: audit on a standalone node');

t.before(async () => {
  node = await startNode(config());
  url = node.url;
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Row { position: number; stream_id: string; type: string; metadata: string; event_id: string; data: string }

function logRows(): (Row & { meta: Record<string, any> })[] {
  const db = new Database(join(dir, 'node', 'events.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT position, stream_id, type, metadata, event_id, data FROM events ORDER BY position').all() as Row[]).map((r) => ({ ...r, meta: JSON.parse(r.metadata) }));
  } finally {
    db.close();
  }
}

let uploadJobId = '';

t('an upload: the client and its request id on the submission, the scheduler (same conversation, caused by JobCreated) on the run', async () => {
  const res = await fetch(`${url}/v1/data/upload`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-audit-1' }, body: JSON.stringify(upload) });
  const body = (await res.json()) as { retcode: number; retmsg: string; jobId: string };
  assert.is(body.retcode, 0, body.retmsg);
  uploadJobId = body.jobId;
  assert.is((await waitForJob(url, uploadJobId)).f_status, 'success');
  const rows = logRows();
  const created = rows.find((r) => r.type === 'JobCreated' && r.stream_id.includes(uploadJobId))!;
  assert.ok(created, 'JobCreated recorded');
  assert.equal(created.meta.actor, { kind: 'client', address: '127.0.0.1' });
  assert.is(created.meta.correlationId, 'req-audit-1');
  assert.is(created.meta.causationId, 'req-audit-1');
  assert.is(created.meta.schemaVersion, 1);
  assert.match(created.meta.codeVersion, /^\d+\.\d+\.\d+/);
  const started = rows.find((r) => r.type === 'JobStarted' && r.stream_id.includes(uploadJobId))!;
  assert.ok(started, 'JobStarted recorded');
  assert.equal(started.meta.actor, { kind: 'node', process: 'job-scheduler' });
  assert.is(started.meta.correlationId, 'req-audit-1', 'the run goes on in the submission\'s conversation');
  assert.is(started.meta.causationId, created.event_id, 'caused by the JobCreated event');
  for (const r of rows) assert.ok(r.meta.actor && r.meta.correlationId, `event ${r.position} ${r.type} has an actor and a correlation id`);
});

async function auditEvents(body: unknown): Promise<any> {
  const res = await fetch(`${url}/v1/audit/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

t('POST /v1/audit/events: a job\'s events in log order with who and why; paging, newest first, type and actor filters', async () => {
  const all = await auditEvents({ job_id: uploadJobId, limit: 1000 });
  assert.is(all.retcode, 0, all.retmsg);
  const events = all.data.events as any[];
  // The job's own streams, and the events of other streams that name it (the table it loaded).
  const direct = logRows().filter((r) => r.stream_id.includes(uploadJobId) || JSON.parse(r.data).jobId === uploadJobId);
  assert.equal(events.map((e) => e.position), direct.map((r) => String(r.position)), 'every event of the job, in log order');
  assert.ok(events.some((e) => e.stream === 'table-audit/breast_guest'), 'the table the job loaded');
  assert.is(all.data.next_cursor, null);
  assert.is(events[0].type, 'JobCreated');
  assert.is(events[0].actor_label, 'client 127.0.0.1');
  assert.is(events[0].correlation_id, 'req-audit-1');
  assert.match(events[0].hash, /^[0-9a-f]{64}$/);
  // Pages of 2 with the cursor give the same events once each.
  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await auditEvents({ job_id: uploadJobId, limit: 2, ...(cursor ? { cursor } : {}) });
    paged.push(...page.data.events.map((e: any) => e.position));
    cursor = page.data.next_cursor;
  } while (cursor);
  assert.equal(paged, events.map((e) => e.position));
  const newest: string[] = [];
  cursor = null;
  do {
    const page: any = await auditEvents({ job_id: uploadJobId, limit: 3, order: 'newest', ...(cursor ? { cursor } : {}) });
    newest.push(...page.data.events.map((e: any) => e.position));
    cursor = page.data.next_cursor;
  } while (cursor);
  assert.equal(newest, [...events.map((e) => e.position)].reverse());
  const byType = await auditEvents({ job_id: uploadJobId, event_types: ['JobCreated', 'JobSucceeded'] });
  assert.equal(byType.data.events.map((e: any) => e.type), ['JobCreated', 'JobSucceeded']);
  const byClient = await auditEvents({ job_id: uploadJobId, actor: 'client' });
  assert.ok(byClient.data.events.length >= 1 && byClient.data.events.every((e: any) => e.actor.kind === 'client'));
  const table = await auditEvents({ table: { namespace: 'audit', table_name: 'breast_guest' } });
  assert.ok(table.data.events.length >= 1 && table.data.events.every((e: any) => e.stream === 'table-audit/breast_guest'));
  const window = await auditEvents({ from_position: events[1].position, to_position: events[2].position });
  assert.equal(window.data.events.map((e: any) => e.position), [events[1].position, events[2].position]);
  const later = await auditEvents({ job_id: uploadJobId, start_time: new Date(Date.now() + 60_000).toISOString() });
  assert.is(later.data.count, 0);
});

t('POST /v1/audit/events refuses bad input with retcode 100 and a clear message', async () => {
  assert.equal(await auditEvents({ limit: 0 }), { retcode: 100, retmsg: 'limit must be an integer 1..1000, got 0' });
  assert.equal(await auditEvents({ order: 'sideways' }), { retcode: 100, retmsg: 'order must be "oldest" or "newest", got "sideways"' });
  assert.equal(await auditEvents({ cursor: 'abc' }), { retcode: 100, retmsg: 'cursor must be a log position (a non-negative integer), got "abc"' });
  assert.equal(await auditEvents({ start_time: 'yesterday-ish' }), { retcode: 100, retmsg: 'start_time must be milliseconds since the epoch or an ISO date-time, got "yesterday-ish"' });
});

/** Reads server-sent events until `count` data messages arrived. */
async function sse(path: string, count: number, headers: Record<string, string> = {}): Promise<{ id: string; event: string; data: any }[]> {
  const abort = new AbortController();
  const res = await fetch(`${url}${path}`, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const out: { id: string; event: string; data: any }[] = [];
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const lines = buffered.slice(0, end).split('\n');
      buffered = buffered.slice(end + 2);
      const field = (k: string) => lines.find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
      if (field('data')) out.push({ id: field('id')!, event: field('event')!, data: JSON.parse(field('data')!) });
    }
    if (out.length >= count) break;
  }
  abort.abort();
  return out.slice(0, count);
}

t('GET /v1/audit/stream: server-sent events from the log, resumed after ?from= or Last-Event-ID, then live', async () => {
  const events = (await auditEvents({ job_id: uploadJobId, limit: 1000 })).data.events as any[];
  const first = await sse(`/v1/audit/stream?job_id=${uploadJobId}`, 2);
  assert.equal(first.map((m) => [m.id, m.event]), [[events[0].position, 'JobCreated'], [events[1].position, events[1].type]]);
  const resumed = await sse(`/v1/audit/stream?job_id=${uploadJobId}`, 1, { 'last-event-id': events[1].position });
  assert.is(resumed[0]!.id, events[2].position);
  const fromQuery = await sse(`/v1/audit/stream?job_id=${uploadJobId}&from=${events[2].position}`, 1);
  assert.is(fromQuery[0]!.id, events[3].position);
  // Live: a new job's JobCreated arrives on an open stream.
  const head = (await auditEvents({ order: 'newest', limit: 1 })).data.events[0].position;
  const live = sse(`/v1/audit/stream?type=JobCreated&from=${head}`, 1);
  const again = await fetch(`${url}/v1/data/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...upload, table_name: 'breast_guest_2' }) });
  const jobId = ((await again.json()) as { jobId: string }).jobId;
  const [created] = await live;
  assert.is(created!.data.type, 'JobCreated');
  assert.is(created!.data.data.jobId, jobId);
  await waitForJob(url, jobId);
});

t('fedflow events -j <job>: one line per event with its actor; --json one object per line', async () => {
  let out = '';
  const ctx = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s) };
  assert.is(await main(['events', '-j', uploadJobId, '--server', url], ctx), 0, out);
  const lines = out.trim().split('\n');
  const events = (await auditEvents({ job_id: uploadJobId, limit: 1000 })).data.events as any[];
  assert.is(lines.length, events.length);
  assert.match(lines[0]!, new RegExp(`^\\s*${events[0].position}  \\S+  JobCreated\\s+job-${uploadJobId}\\S*  by client 127\\.0\\.0\\.1  \\[req-audit-1\\]$`));
  out = '';
  assert.is(await main(['events', '-j', uploadJobId, '--type', 'JobCreated', '--json', '--server', url], ctx), 0, out);
  assert.equal(out.trim().split('\n').map((l) => JSON.parse(l).type), ['JobCreated']);
  out = '';
  assert.is(await main(['events', '--limit', 'x', '--server', url], ctx), 2);
});

t('POST /v1/audit/job/timeline and fedflow job-timeline: the job\'s story, submitted by the client, run by the scheduler, the table it loaded', async () => {
  const answer = await (await fetch(`${url}/v1/audit/job/timeline`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job_id: uploadJobId }) })).json() as any;
  assert.is(answer.retcode, 0, answer.retmsg);
  const steps = answer.data.timeline as any[];
  assert.equal(steps.map((s) => s.event).filter((e) => /^(Job(Created|Started|Succeeded)|Task(Started|Succeeded)|TableDataLoaded)$/.test(e)),
    ['JobCreated', 'JobStarted', 'TaskStarted', 'TableDataLoaded', 'TaskSucceeded', 'JobSucceeded'].filter((e) => steps.some((s) => s.event === e)));
  assert.is(steps[0].event, 'JobCreated');
  assert.is(steps[0].actor, 'client 127.0.0.1');
  assert.is(steps[0].party, 'local 0');
  assert.match(steps[0].details.dsl_sha256, /^[0-9a-f]{64}$/);
  assert.ok(steps.filter((s) => s.event !== 'JobCreated' && s.event.startsWith('Job')).every((s) => s.actor === 'node job-scheduler'));
  const done = steps.find((s) => s.event === 'TaskSucceeded');
  assert.ok(done && typeof done.duration_ms === 'number' && done.duration_ms >= 0, 'a task end carries its duration');
  for (let i = 1; i < steps.length; i++) assert.ok(BigInt(steps[i].position) > BigInt(steps[i - 1].position), 'in log order');
  let out = '';
  const ctx = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s) };
  assert.is(await main(['job-timeline', '-j', uploadJobId, '--server', url], ctx), 0, out);
  assert.match(out, new RegExp(`^job ${uploadJobId}: ${steps.length} steps on this node\\n`));
  assert.match(out, /\+0\.000s  local 0  job created \(this party initiates\); dsl sha256 [0-9a-f]{16}…, conf sha256 [0-9a-f]{16}…  \(by client 127\.0\.0\.1\)/);
  assert.match(out, /task upload_0 succeeded after [\d.]+ s  \(by node job-scheduler\)/);
  out = '';
  assert.is(await main(['job-timeline', '-j', 'nope', '--server', url], ctx), 1);
  assert.match(out, /no events of job nope on this node/);
  // Receipts are a federation's: a job that ran on this one node has none, and says why.
  out = '';
  assert.is(await main(['audit', 'job', '-j', uploadJobId, '--server', url], ctx), 1);
  assert.match(out, /ran on this one node \(standalone or local\): there are no other parties, so no receipts/);
  const none = await postJson('/v1/audit/job/receipts', {});
  assert.equal([none.retcode, none.retmsg], [100, 'job_id is required']);
  out = '';
  assert.is(await main(['audit', 'job'], ctx), 2);
  assert.match(out, /needs -j <job_id>/);
});

async function postJson(path: string, body: unknown): Promise<any> {
  return (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
}

/** What the three as_of endpoints answer now, and the log head they reflect (read until stable). */
async function moment(jobId: string, table: { namespace: string; table_name: string }): Promise<{ head: string; created: number; answers: unknown[] }> {
  for (;;) {
    const before = (await auditEvents({ order: 'newest', limit: 1 })).data.events[0];
    const answers = [await postJson('/v1/job/query', { job_id: jobId }), await postJson('/v1/job/task/query', { job_id: jobId }), await postJson('/v1/table/table_info', table)];
    const after = (await auditEvents({ order: 'newest', limit: 1 })).data.events[0];
    if (before.position === after.position) return { head: after.position, created: after.created, answers };
  }
}

t('as_of: /v1/job/query, /v1/job/task/query and /v1/table/table_info answer afterwards exactly what they answered at earlier moments', async () => {
  const table = { namespace: 'audit', table_name: 'breast_guest_tt' };
  const res = await fetch(`${url}/v1/data/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...upload, table_name: table.table_name }) });
  const jobId = ((await res.json()) as { jobId: string }).jobId;
  const moments = [await moment(jobId, table)];
  await waitForJob(url, jobId);
  moments.push(await moment(jobId, table));
  assert.is((await postJson('/v1/job/update', { job_id: jobId, role: 'local', party_id: '0', notes: 'checked by audit' })).retcode, 0);
  moments.push(await moment(jobId, table));
  assert.is((await postJson('/v1/table/delete', table)).retcode, 0);
  moments.push(await moment(jobId, table));
  assert.is.not(JSON.stringify(moments[1]!.answers[2]), JSON.stringify(moments[3]!.answers[2]), 'the table changed between the moments');
  for (const m of moments) {
    const asOf = [
      await postJson('/v1/job/query', { job_id: jobId, as_of: m.head }),
      await postJson('/v1/job/task/query', { job_id: jobId, as_of: Number(m.head) }),
      await postJson('/v1/table/table_info', { ...table, as_of: m.head }),
    ];
    assert.equal(asOf, m.answers, `as_of ${m.head}`);
  }
  // An ISO time names the last event recorded at or before it.
  const last = moments[3]!;
  assert.equal(await postJson('/v1/table/table_info', { ...table, as_of: new Date(last.created).toISOString() }), last.answers[2]);
  assert.equal(await postJson('/v1/job/query', { job_id: jobId, as_of: '1970-01-01T00:00:00Z' }), { retcode: 101, retmsg: 'find job failed' });
  assert.equal(await postJson('/v1/job/query', { job_id: jobId, as_of: 'soon' }), { retcode: 100, retmsg: 'as_of must be a log position or an ISO date-time, got "soon"' });
});

t.run();
