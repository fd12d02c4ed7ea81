import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { componentPlan, dagDependency, deducePredictDsl, partyPlan, planJob, type JobPlan, type PlanOptions } from '../../../src/domain/dsl/plan.js';
import type { JsonObject } from '../../../src/domain/dsl/json.js';
import { copy, example, type ExampleMode } from './examples.js';

const JOB_ID = '202011101532147423781';
const options = (serverWorkMode: 0 | 1 = 0, extra: Partial<PlanOptions> = {}): PlanOptions => ({
  jobId: JOB_ID, serverWorkMode, defaultTimeoutSeconds: 604800, ...extra,
});
const planned = (dsl: unknown, conf: unknown, opts: PlanOptions = options()): JobPlan => {
  const outcome = planJob(dsl, conf, opts);
  if (!outcome.ok) throw new Error(`expected a plan, got: ${outcome.message}`);
  return outcome.plan;
};
const refusal = (dsl: unknown, conf: unknown, opts: PlanOptions = options()): string => {
  const outcome = planJob(dsl, conf, opts);
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.message;
};
const dependency = (plan: JobPlan, role: string, partyId: number | string) => {
  const outcome = dagDependency(plan, role, partyId);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.data;
};

const lrDsl = () => copy(example('standalone', 'hetero_lr_dsl.json'));
const lrConf = () => copy(example('standalone', 'hetero_lr_conf.json'));
/** Section 12's layout: every role on party 10000, initiator guest 10000. */
const section12Conf = () => {
  const conf = lrConf();
  conf.initiator.party_id = 10000;
  conf.role = { guest: [10000], host: [10000], arbiter: [10000] };
  conf.algorithm_parameters.intersect_0 = { intersect_method: 'rsa' };
  return conf;
};

const CHAIN = ['dataio_0', 'intersection_0', 'hetero_lr_0', 'evaluation_0'];
const DEPENDENCIES = {
  intersection_0: [{ component_name: 'dataio_0', type: 'data' }],
  hetero_lr_0: [{ component_name: 'intersection_0', type: 'data' }],
  evaluation_0: [{ component_name: 'hetero_lr_0', type: 'data' }],
};
const MODULES = { dataio_0: 'DataIO', intersection_0: 'Intersection', hetero_lr_0: 'HeteroLR', evaluation_0: 'Evaluation' };

const reference = suite('plan: the reference example (section 12, 5.18)');

reference('given the hetero LR example, when planned, then the model id, version and component list', () => {
  const plan = planned(lrDsl(), lrConf());
  assert.is(plan.modelId, 'arbiter-10001#guest-9999#host-10000#model');
  assert.is(plan.modelVersion, JOB_ID);
  assert.is(plan.jobType, 'train');
  assert.is(plan.timeoutSeconds, 604800);
  assert.equal(plan.componentList, CHAIN);
  assert.equal(plan.components.map((c) => c.name), CHAIN);
});

reference('given the example, when the guest asks for the dag dependency, then every component runs', () => {
  assert.equal(dependency(planned(lrDsl(), lrConf()), 'guest', 9999), {
    component_list: CHAIN,
    dependencies: DEPENDENCIES,
    component_module: MODULES,
    component_need_run: { dataio_0: true, intersection_0: true, hetero_lr_0: true, evaluation_0: true },
  });
});

reference('given the example, when the host asks, then evaluation_0 does not run there', () => {
  const data = dependency(planned(lrDsl(), lrConf()), 'host', '10000');
  assert.equal(data.component_need_run, { dataio_0: true, intersection_0: true, hetero_lr_0: true, evaluation_0: false });
  assert.equal(data.dependencies, DEPENDENCIES);
});

reference('given the example, when the arbiter asks, then only hetero_lr_0 runs there', () => {
  assert.equal(dependency(planned(lrDsl(), lrConf()), 'arbiter', 10001).component_need_run,
    { dataio_0: false, intersection_0: false, hetero_lr_0: true, evaluation_0: false });
});

reference('given section 12\'s layout (all roles on 10000) with an intersect_0 block, when planned, then it is tolerated and every role answers', () => {
  const plan = planned(lrDsl(), section12Conf());
  assert.is(plan.modelId, 'arbiter-10000#guest-10000#host-10000#model');
  assert.equal(dependency(plan, 'host', 10000).component_need_run, { dataio_0: true, intersection_0: true, hetero_lr_0: true, evaluation_0: false });
  assert.equal(dependency(plan, 'arbiter', 10000).component_need_run, { dataio_0: false, intersection_0: false, hetero_lr_0: true, evaluation_0: false });
  // 9 task rows: dataio/intersection/evaluation on guest+host, hetero_lr on guest+host+arbiter.
  assert.is(plan.components.reduce((n, c) => n + c.parties.length, 0), 9);
});

reference('given the example, when planned, then the parties, outputs and merged parameters are per component', () => {
  const plan = planned(lrDsl(), lrConf());
  const lr = componentPlan(plan, 'hetero_lr_0')!;
  assert.equal(lr.parties.map((p) => `${p.role}:${p.partyId}`), ['guest:9999', 'host:10000', 'arbiter:10001']);
  assert.equal(lr.outputs, { data: 'train', model: 'hetero_lr' });
  assert.equal(componentPlan(plan, 'intersection_0')!.outputs, { data: 'train', model: null });
  const guest = partyPlan(lr, 'guest', 9999)!;
  const params = guest.bundle['HeteroLogisticParam'] as JsonObject;
  assert.is(params['max_iter'], 30);
  assert.is(params['learning_rate'], 0.15);
  assert.equal(params['init_param'], { init_method: 'zeros', init_const: 1, fit_intercept: true, random_seed: null });
  assert.equal(guest.bundle['local'], { role: 'guest', party_id: 9999 });
  assert.is((guest.bundle['job_parameters'] as JsonObject)['model_id'], 'arbiter-10001#guest-9999#host-10000#model');
  const dataioHost = partyPlan(componentPlan(plan, 'dataio_0')!, 'host', 10000)!;
  assert.is((dataioHost.parameters)['with_label'], false);
  assert.equal(dataioHost.args, { train_data: { name: 'breast_hetero_host', namespace: 'experiment' } });
  assert.is(componentPlan(plan, 'evaluation_0')!.needDeploy, false);
});

reference('given the example, when asked for an unknown role or party, then the contract\'s errors', () => {
  const plan = planned(lrDsl(), lrConf());
  assert.equal(dagDependency(plan, 'local', 0), { ok: false, message: 'role local is unknown, can not extract component dependency' });
  assert.equal(dagDependency(plan, 'host', 10001), { ok: false, message: 'party id 10001 is unknown, can not extract component dependency' });
  assert.equal(dagDependency(plan, 'host', 'x'), { ok: false, message: 'party id x is unknown, can not extract component dependency' });
});
reference.run();

const behaviour = suite('plan: need_run, inheritance and refusals');

behaviour('given a component fed a model by an upstream, when planned, then it inherits the upstream\'s parameters and need_run', () => {
  const dsl = lrDsl();
  dsl.components.hetero_lr_1 = {
    module: 'HeteroLR',
    input: { data: { eval_data: ['intersection_0.train'] }, model: ['hetero_lr_0.hetero_lr'] },
    output: { data: ['predict'] },
  };
  const conf = lrConf();
  conf.role_parameters.host.hetero_lr_0 = { need_run: [false] };
  conf.algorithm_parameters.hetero_lr_1 = { max_iter: 1 };
  const plan = planned(dsl, conf);
  const lr1 = componentPlan(plan, 'hetero_lr_1')!;
  assert.is(lr1.parameterSource, 'hetero_lr_0');
  assert.is(partyPlan(lr1, 'guest', 9999)!.parameters['max_iter'], 30);
  assert.is(dependency(plan, 'host', 10000).component_need_run['hetero_lr_1'], false);
  assert.is(dependency(plan, 'host', 10000).component_need_run['hetero_lr_0'], false);
  assert.is(dependency(plan, 'guest', 9999).component_need_run['hetero_lr_1'], true);
  assert.equal(lr1.dependencies, [{ component_name: 'intersection_0', type: 'data' }, { component_name: 'hetero_lr_0', type: 'model' }]);
});

behaviour('given a model upstream whose module has no arbiter, when planned, then the arbiter does not run the downstream either', () => {
  const dsl = lrDsl();
  dsl.components.hetero_lr_1 = {
    module: 'HeteroLR',
    input: { data: { eval_data: ['intersection_0.train'] }, model: ['dataio_0.dataio'] },
  };
  const plan = planned(dsl, lrConf());
  const arbiter = dependency(plan, 'arbiter', 10001).component_need_run;
  assert.is(arbiter['hetero_lr_0'], true);
  assert.is(arbiter['hetero_lr_1'], false);
  assert.is(partyPlan(componentPlan(plan, 'hetero_lr_1')!, 'arbiter', 10001)!.needRun, false);
  assert.is(dependency(plan, 'guest', 9999).component_need_run['hetero_lr_1'], true);
});

behaviour('given need_run false for one of two hosts, when planned, then only that host skips the component', () => {
  const conf = lrConf();
  conf.role.host = [10000, 10002];
  conf.role_parameters.host.dataio_0 = { with_label: [false, false], need_run: [true, false] };
  conf.role_parameters.host.args.data.train_data.push({ name: 'breast_hetero_host_b', namespace: 'experiment' });
  const plan = planned(lrDsl(), conf);
  assert.is(plan.modelId, 'arbiter-10001#guest-9999#host-10000_10002#model');
  assert.is(dependency(plan, 'host', 10000).component_need_run['dataio_0'], true);
  assert.is(dependency(plan, 'host', 10002).component_need_run['dataio_0'], false);
  assert.equal(partyPlan(componentPlan(plan, 'dataio_0')!, 'host', 10002)!.args, { train_data: { name: 'breast_hetero_host_b', namespace: 'experiment' } });
});

behaviour('given conf errors before DSL errors, when planned, then the conf is reported first (5.4 order)', () => {
  const conf = lrConf();
  conf.initiator.party_id = 1;
  assert.is(refusal({}, conf), 'initiator party id error 1');
  assert.is(refusal({}, lrConf()), 'there are no dsl, please check if the role and party id are correct');
});

behaviour('given garbage for DSL and conf, when planned, then a refusal and never an exception', () => {
  for (const [dsl, conf] of [[null, null], ['x', 'y'], [[], []], [lrDsl(), { job_parameters: { work_mode: 0 }, initiator: 5, role: 5 }]] as const) {
    const outcome = planJob(dsl, conf, options());
    assert.is(outcome.ok, false);
  }
  const conf = lrConf();
  conf.role_parameters.guest.dataio_0.with_label = true;
  assert.ok(refusal(lrDsl(), conf).includes('role_parameters.guest.dataio_0.with_label'));
});

behaviour('given a standalone job on a cluster server, when planned, then the distinct kind reaches the caller', () => {
  const outcome = planJob(lrDsl(), lrConf(), options(1));
  assert.equal(outcome.ok ? null : outcome.kind, 'standalone-job-on-cluster');
});

behaviour('given a planned job, when its input documents are mutated afterwards, then the plan is unaffected', () => {
  const dsl = lrDsl();
  const conf = lrConf();
  const plan = planned(dsl, conf);
  conf.algorithm_parameters.hetero_lr_0.max_iter = 999;
  dsl.components.dataio_0.module = 'X';
  assert.is(partyPlan(componentPlan(plan, 'hetero_lr_0')!, 'guest', 9999)!.parameters['max_iter'], 30);
  assert.is((plan.dsl['components'] as JsonObject)['dataio_0'] !== undefined, true);
  assert.is(((plan.dsl['components'] as JsonObject)['dataio_0'] as JsonObject)['module'], 'DataIO');
});
behaviour.run();

const examples = suite('plan: every example DSL + conf in shared/examples');

for (const mode of ['standalone', 'cluster'] as ExampleMode[]) {
  for (const name of ['hetero_lr', 'hetero_secureboost', 'homo_lr']) {
    examples(`given ${mode}/${name}, when planned on a ${mode} server, then it is accepted`, () => {
      const plan = planned(example(mode, `${name}_dsl.json`), example(mode, `${name}_conf.json`), options(mode === 'cluster' ? 1 : 0));
      assert.is(plan.workMode, mode === 'cluster' ? 1 : 0);
      assert.ok(plan.componentList.length >= 3);
      for (const c of plan.components) assert.ok(c.parties.length > 0, c.name);
    });
  }

  examples(`given ${mode}/hetero_lr_predict_conf, when planned with the deduced inference DSL, then the predict job is accepted`, () => {
    const train = planned(example(mode, 'hetero_lr_dsl.json'), example(mode, 'hetero_lr_conf.json'), options(mode === 'cluster' ? 1 : 0));
    const predictConf = example(mode, 'hetero_lr_predict_conf.json');
    predictConf.job_parameters.model_id = train.modelId;
    predictConf.job_parameters.model_version = train.modelVersion;
    const plan = planned(deducePredictDsl(train), predictConf, options(mode === 'cluster' ? 1 : 0, { jobId: '2', trainRuntimeConf: train.conf }));
    assert.is(plan.jobType, 'predict');
    assert.is(plan.modelVersion, JOB_ID);
    assert.equal(plan.componentList, ['dataio_0', 'intersection_0', 'hetero_lr_0']);
    const dataioGuest = partyPlan(componentPlan(plan, 'dataio_0')!, 'guest', 9999)!;
    assert.equal(dataioGuest.args, { eval_data: { name: 'breast_hetero_guest', namespace: 'experiment' } });
    assert.is(dataioGuest.parameters['with_label'], true); // from the training conf
    assert.is(partyPlan(componentPlan(plan, 'hetero_lr_0')!, 'guest', 9999)!.parameters['max_iter'], 30);
  });
}

examples('given the homo LR example, when the arbiter asks, then only homo_lr_0 runs there', () => {
  const plan = planned(example('standalone', 'homo_lr_dsl.json'), example('standalone', 'homo_lr_conf.json'));
  assert.equal(dependency(plan, 'arbiter', 10001).component_need_run, { dataio_0: false, homo_lr_0: true, evaluation_0: false });
  const guestLr = partyPlan(componentPlan(plan, 'homo_lr_0')!, 'guest', 9999)!.parameters;
  assert.is(guestLr['optimizer'], 'sgd');
  assert.is(guestLr['tol'], 1e-5);
});

examples('given the secureboost example, when planned, then there is no arbiter and the tree params merge', () => {
  const plan = planned(example('standalone', 'hetero_secureboost_dsl.json'), example('standalone', 'hetero_secureboost_conf.json'));
  assert.is(plan.modelId, 'guest-9999#host-10000#model');
  const params = partyPlan(componentPlan(plan, 'hetero_secureboost_0')!, 'host', 10000)!.parameters;
  assert.equal(params['tree_param'] && (params['tree_param'] as JsonObject)['max_depth'], 3);
  assert.is(params['num_trees'], 5);
});
examples.run();
