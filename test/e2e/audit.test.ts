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

interface Row { position: number; stream_id: string; type: string; metadata: string; event_id: string }

function logRows(): (Row & { meta: Record<string, any> })[] {
  const db = new Database(join(dir, 'node', 'events.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT position, stream_id, type, metadata, event_id FROM events ORDER BY position').all() as Row[]).map((r) => ({ ...r, meta: JSON.parse(r.metadata) }));
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

export { t };
t.run();
