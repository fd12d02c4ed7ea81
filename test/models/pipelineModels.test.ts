// Saving a party's pipeline model from its recorded output models (blobs, then the event, then the
// view), reading it back, and the immutability rule as the node lives it: the same model saved
// again is a no-op (a retried request), other content under the same id and version is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { openViewDatabase, ProjectionRunner } from '../../projections/runner.js';
import { pipelineModels } from '../../projections/models/query.js';
import { planJob, type JobPlan } from '../../src/domain/dsl/plan.js';
import { pipelineModelStreamId } from '../../src/domain/model/events.js';
import { trackingStreamId } from '../../src/domain/tracking/events.js';
import { PipelineModels } from '../../src/models/pipelineModels.js';
import { MemoryEventStore } from '../../src/store/memory/memoryEventStore.js';
import { ModelStore } from '../../src/store/models/modelStore.js';
import { copy, example } from '../domain/dsl/examples.js';

const JOB = '202011101532147423781';
const MODEL = `guest#9999#arbiter-10001#guest-9999#host-10000#model`;
const outcome = planJob(copy(example('standalone', 'hetero_lr_dsl.json')), example('standalone', 'hetero_lr_conf.json'), { jobId: JOB, serverWorkMode: 0, defaultTimeoutSeconds: 60 });
if (!outcome.ok) throw new Error(outcome.message);
const plan: JobPlan = outcome.plan;

const outputModel = (component: string, module: string, alias: string, buffers: Record<string, Record<string, unknown>>) => ({
  type: 'OutputModelRecorded',
  data: { jobId: JOB, componentName: component, taskId: `${JOB}_${component}`, role: 'guest', partyId: '9999', module, alias, buffers, at: 1 },
});
const lr = (x0: number) => outputModel('hetero_lr_0', 'HeteroLR', 'hetero_lr', {
  HeteroLogisticRegressionMeta: { penalty: 'L2', batchSize: '-1', maxIter: '30' },
  HeteroLogisticRegressionParam: { iters: 30, weight: { x0 }, intercept: 0.5, header: ['x0'], isConverged: true },
});

let store: MemoryEventStore;
let runner: ProjectionRunner;
let blobs: ModelStore;
let models: PipelineModels;

const t = suite('models: saving and reading a party\'s pipeline model');

t.before.each(async () => {
  store = new MemoryEventStore();
  runner = new ProjectionRunner(openViewDatabase(':memory:'), ALL_PROJECTIONS, store);
  await runner.start();
  blobs = new ModelStore(':memory:');
  models = new PipelineModels({ store, views: runner.db, blobs, clock: { now: () => 5000 } as never, waitForViews: (p) => runner.waitFor(p) });
  const recorded = await store.appendToStream(trackingStreamId(JOB, 'guest', '9999'), [
    outputModel('dataio_0', 'DataIO', 'dataio', { DataIOMeta: { withLabel: true, labelName: 'y' }, DataIOParam: { header: ['x0'], sidName: 'id', labelName: 'y' } }),
    lr(0.25),
  ]);
  await runner.waitFor(recorded.position);
});
t.after.each(async () => {
  await runner.stop();
  runner.db.close();
  blobs.close();
  await store.close();
});

t('save: one PipelineModelSaved on the model\'s stream, the view lists it, the buffers read back as the components wrote them', async () => {
  const row = await models.save(plan, 'guest', '9999');
  assert.is(row.partyModelId, MODEL);
  assert.is(row.modelVersion, JOB);
  assert.is(row.createTime, 5000);
  const events = await store.readStream(pipelineModelStreamId(MODEL, JOB));
  assert.equal(events.map((e) => e.type), ['PipelineModelSaved']);
  assert.not.ok(JSON.stringify(events[0]!.data).includes('"bytes"'), 'the event carries digests, not blobs');
  assert.equal(pipelineModels(runner.db, { role: 'guest', partyId: '9999' }).map((m) => m.modelVersion), [JOB]);
  assert.equal(pipelineModels(runner.db, { role: 'host' }), []);

  const read = models.read(MODEL, JOB)!;
  assert.equal([...read.buffers.keys()], row.buffers.map((b) => b.key));
  const param = models.componentModel(MODEL, JOB, 'hetero_lr_0', 'hetero_lr')!.HeteroLogisticRegressionParam!;
  assert.equal(param.weight, { x0: 0.25 });
  assert.is(param.intercept, 0.5);
  assert.is(models.componentModel(MODEL, JOB, 'hetero_lr_0', 'other'), undefined);
  const stored = models.pipeline('guest', '9999', plan.modelId, JOB)!;
  assert.equal(Object.keys(stored.pipeline.inferenceDsl.components as object), ['dataio_0', 'intersection_0', 'hetero_lr_0']);
  assert.equal(stored.skipped, []);
  assert.is(models.read(MODEL, '1'), undefined);
});

t('the same model saved again (a retried request) is a no-op: no second event', async () => {
  const first = await models.save(plan, 'guest', '9999');
  const again = await models.save(plan, 'guest', '9999');
  assert.is(again.sha256, first.sha256);
  assert.is((await store.readStream(pipelineModelStreamId(MODEL, JOB))).length, 1);
});

t('other content under the same model id and version is refused; the stored model is unchanged', async () => {
  const first = await models.save(plan, 'guest', '9999');
  const changed = await store.appendToStream(trackingStreamId(JOB, 'guest', '9999'), [lr(0.75)]);
  await runner.waitFor(changed.position);
  try {
    await models.save(plan, 'guest', '9999');
    assert.unreachable('saved twice');
  } catch (error) {
    assert.match((error as Error).message, `pipeline model ${MODEL} version ${JOB} is already saved with other content`);
  }
  assert.is(models.read(MODEL, JOB)!.row.sha256, first.sha256);
  assert.equal(models.componentModel(MODEL, JOB, 'hetero_lr_0', 'hetero_lr')!.HeteroLogisticRegressionParam!.weight, { x0: 0.25 });
});

t.run();
