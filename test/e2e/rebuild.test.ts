// `fedflow views rebuild` drops every view and replays the log: no query answer may change.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { rebuildViews, startNode } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';
import { queryAnswers } from '../support/snapshot.js';

const dir = tempDir('rebuild');
const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent' });
const t = suite('e2e: views rebuild');
t.after(() => rmSync(dir, { recursive: true, force: true }));

t('answers are identical after a restart and after a full rebuild', async () => {
  let node = await startNode(config);
  const jobIds: string[] = [];
  const up = async (body: Record<string, unknown>) => {
    const r = await post(node.url, '/v1/data/upload', { head: 1, partition: 8, work_mode: 0, namespace: 'experiment', ...body });
    assert.is(r.body.retcode, 0, r.body.retmsg);
    jobIds.push(r.body.jobId);
    await waitForJob(node.url, r.body.jobId);
  };
  await up({ file: 'breast_hetero_guest.csv', table_name: 'guest' });
  await up({ file: 'breast_hetero_host.csv', table_name: 'host' });
  await up({ file: 'breast_homo_guest.csv', table_name: 'host', drop: 1 });
  writeFileSync(join(dir, 'bad.csv'), 'id,x\n1,2\n');
  await up({ file: 'bad.csv', table_name: 'gone' });
  const d = await post(node.url, '/v1/data/download', { namespace: 'experiment', table_name: 'guest', output_path: join(dir, 'g.csv'), work_mode: 0 });
  jobIds.push(d.body.jobId);
  await waitForJob(node.url, d.body.jobId);
  await post(node.url, '/v1/table/delete', { namespace: 'experiment', table_name: 'gone' });
  await post(node.url, '/v1/job/update', { job_id: jobIds[0], role: 'local', party_id: 0, notes: 'x' });
  const tables: [string, string][] = [['experiment', 'guest'], ['experiment', 'host'], ['experiment', 'gone']];
  const before = await queryAnswers(node.url, jobIds, tables);
  assert.ok(JSON.stringify(before).includes('"count":227'), 'the replaced table shows the new rows');
  await node.close();

  node = await startNode(config);
  assert.equal(await queryAnswers(node.url, jobIds, tables), before, 'restart (resume from checkpoint)');
  await node.close();

  const { events } = await rebuildViews(config);
  assert.ok(events > 20, `replayed ${events} events`);
  node = await startNode(config);
  assert.equal(await queryAnswers(node.url, jobIds, tables), before, 'after views rebuild');
  await node.close();
});

t.run();
