// The model publication views (loads, served models, service bindings) are rebuilt from the log
// to the same rows: load and bind on a node with the sqlite store, then `views rebuild`. And a
// load that a crash left without its verdict ends failed at the next start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { modelLoad, servedModels, serviceBindings } from '../../projections/modelPublish/query.js';
import { openViewDatabase } from '../../projections/runner.js';
import { buildConfig } from '../../src/config.js';
import { rebuildViews, startNode } from '../../src/main.js';
import { handleCommand } from '../../src/eventSourcing/handleCommand.js';
import { publishDecider } from '../../src/domain/publish/decider.js';
import { modelPublishStreamId } from '../../src/domain/publish/events.js';
import { openEventStore } from '../../src/store/openEventStore.js';
import { startFakeServing } from '../support/fakeServing.js';
import { post, tempDir } from '../support/http.js';

const dir = tempDir('publish-rebuild');
const model = { model_id: 'arbiter-10001#guest-9999#host-10000#model', model_version: 'v1' };
const body = { initiator: { party_id: '9999', role: 'guest' }, role: { guest: ['9999'], host: ['10000'], arbiter: ['10001'] }, job_parameters: { work_mode: 0, ...model } };

function snapshot(jobIds: string[], servings: string[]): unknown {
  const db = openViewDatabase(join(dir, 'node', 'views.sqlite'));
  try {
    return {
      loads: jobIds.map((id) => modelLoad(db, id)),
      byModel: servedModels(db, { modelId: model.model_id, modelVersion: model.model_version }),
      byServing: servings.map((s) => servedModels(db, { serving: s })),
      bindings: serviceBindings(db, 'svc'),
    };
  } finally {
    db.close();
  }
}

test('loads, served models and bindings are the same after a full rebuild', async () => {
  const guest = await startFakeServing();
  const host = await startFakeServing();
  const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), logLevel: 'silent', servings: { 9999: [guest.address], 10000: [host.address] } });
  try {
    const node = await startNode(config);
    const jobIds: string[] = [];
    try {
      jobIds.push((await post(node.url, '/v1/model/load', body)).body.jobId);
      host.answer.load = { statusCode: 1, message: 'x', error: 'y' };
      jobIds.push((await post(node.url, '/v1/model/load', body)).body.jobId);
      assert.equal((await post(node.url, '/v1/model/bind', { service_id: 'svc', ...body })).body, { retcode: 0, retmsg: 'service id is svc' });
    } finally {
      await node.close();
    }
    const before = snapshot(jobIds, [guest.address, host.address]) as { loads: { status: string }[]; byModel: unknown[]; bindings: unknown[] };
    assert.equal(before.loads.map((l) => l.status), ['success', 'failed']);
    assert.is(before.byModel.length, 2);
    assert.is(before.bindings.length, 1);
    const { events } = await rebuildViews(config);
    assert.ok(events >= 9, `replayed ${events} events`);
    assert.equal(snapshot(jobIds, [guest.address, host.address]), before);
  } finally {
    await Promise.all([guest.close(), host.close()]);
  }
});
test('a load the node was running when it stopped ends failed at the next start, with the reason', async () => {
  const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'crashed'), logLevel: 'silent' });
  // What a crash between the request and the verdict leaves in the log.
  const store = await openEventStore(config.eventStore, config.dataDir);
  await handleCommand(store, modelPublishStreamId('m', 'v1'), publishDecider, {
    type: 'RequestLoad', data: { jobId: 'L1', modelId: 'm', modelVersion: 'v1', initiator: { role: 'guest', partyId: '9999' }, roles: { guest: ['9999'] }, loadType: 'FATEFLOW', at: 1 },
  });
  await store.close();
  try {
    await (await startNode(config)).close();
    const db = openViewDatabase(join(config.dataDir, 'views.sqlite'));
    try {
      const load = modelLoad(db, 'L1');
      assert.equal([load?.status, load?.retcode, load?.reason, load?.results], ['failed', 101, 'node restarted while the load ran', [{ role: 'guest', partyId: '9999', retcode: 100 }]]);
    } finally {
      db.close();
    }
  } finally {
    rmSync(config.dataDir, { recursive: true, force: true });
  }
});
test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
