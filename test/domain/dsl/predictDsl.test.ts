import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDsl } from '../../../src/domain/dsl/dsl.js';
import { deducePredictDsl, planJob, predictDslForRole, type JobPlan } from '../../../src/domain/dsl/plan.js';
import { copy, example } from './examples.js';

const plan = (dsl: unknown, conf: unknown = example('standalone', 'hetero_lr_conf.json')): JobPlan => {
  const outcome = planJob(dsl, conf, { jobId: '1', serverWorkMode: 0, defaultTimeoutSeconds: 60 });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.plan;
};
const lrDsl = () => copy(example('standalone', 'hetero_lr_dsl.json'));

const predict = suite('predict DSL deduction (6.6)');

predict('given the reference training job, when deduced, then dataio_0 → intersection_0 → hetero_lr_0 with pipeline model inputs', () => {
  assert.equal(deducePredictDsl(plan(lrDsl())), {
    components: {
      dataio_0: {
        module: 'DataIO',
        input: { data: { data: ['args.eval_data'] }, model: ['pipeline.dataio_0.dataio'] },
        output: { data: ['train'], model: ['dataio'] },
      },
      intersection_0: {
        module: 'Intersection',
        input: { data: { data: ['dataio_0.train'] } },
        output: { data: ['train'] },
      },
      hetero_lr_0: {
        module: 'HeteroLR',
        input: { data: { eval_data: ['intersection_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr'] },
        output: { data: ['train'], model: ['hetero_lr'] },
      },
    },
  });
});

predict('given need_deploy overrides, when deduced, then evaluation is kept and a dropped dataio is passed through', () => {
  const dsl = lrDsl();
  dsl.components.evaluation_0.need_deploy = true;
  dsl.components.dataio_0.need_deploy = false;
  const components = deducePredictDsl(plan(dsl))['components'] as Record<string, { input?: { data?: unknown } }>;
  assert.equal(Object.keys(components), ['intersection_0', 'hetero_lr_0', 'evaluation_0']);
  assert.equal(components['intersection_0']!.input!.data, { data: ['args.eval_data'] });
  assert.equal(components['evaluation_0']!.input!.data, { data: ['hetero_lr_0.train'] });
});

predict('given train_data with validation eval_data, when deduced, then prediction reads only the train path as eval_data', () => {
  const dsl = lrDsl();
  dsl.components.dataio_1 = { module: 'DataIO', input: { data: { data: ['args.eval_data'] }, model: ['dataio_0.dataio'] }, output: { data: ['eval'] } };
  dsl.components.hetero_lr_0.input.data.eval_data = ['dataio_1.eval'];
  const components = deducePredictDsl(plan(dsl))['components'] as Record<string, { input: { data: unknown; model?: unknown } }>;
  assert.equal(components['hetero_lr_0']!.input.data, { eval_data: ['intersection_0.train'] });
  // dataio_1 has no output model of its own: it keeps only its data input.
  assert.equal(components['dataio_1']!.input, { data: { data: ['args.eval_data'] } });
});

predict('given a deduced DSL, when parsed as an inference DSL, then it is a valid DAG in the same order', () => {
  const deduced = deducePredictDsl(plan(lrDsl()));
  const parsed = parseDsl(deduced, { mode: 'predict' });
  assert.ok(parsed.ok);
  assert.equal(parsed.ok && parsed.value.order, ['dataio_0', 'intersection_0', 'hetero_lr_0']);
});

predict('given the deduced DSL, when stored per role, then each component carries that role\'s CodePath', () => {
  const deduced = deducePredictDsl(plan(lrDsl()));
  const guest = predictDslForRole(deduced, 'guest')['components'] as Record<string, Record<string, unknown>>;
  assert.is(guest['dataio_0']!['CodePath'], 'federatedml/util/data_io.py/DataIO');
  assert.is(guest['hetero_lr_0']!['CodePath'], 'federatedml/linear_model/logistic_regression/hetero_logistic_regression/hetero_lr_guest.py/HeteroLRGuest');
  const arbiter = predictDslForRole(deduced, 'arbiter')['components'] as Record<string, Record<string, unknown>>;
  assert.not.ok('CodePath' in arbiter['dataio_0']!);
  assert.ok('CodePath' in arbiter['hetero_lr_0']!);
  assert.not.ok('CodePath' in ((deduced['components'] as Record<string, Record<string, unknown>>)['dataio_0']!));
});
predict.run();
