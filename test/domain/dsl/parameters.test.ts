import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDsl, type DslComponent } from '../../../src/domain/dsl/dsl.js';
import type { JsonObject } from '../../../src/domain/dsl/json.js';
import { mergeComponentParameters, needRunOf, partyBundle, resolveArgs, roleValuesAt } from '../../../src/domain/dsl/parameters.js';
import { moduleSetting } from '../../../src/domain/dsl/registry.js';
import { copy, example } from './examples.js';

// Two hosts: index 0 = 10000, index 1 = 10001.
const twoHosts = (): JsonObject => ({
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: { guest: [9999], host: [10000, 10001], arbiter: [10002] },
  role_parameters: {
    host: {
      args: { data: { train_data: [{ name: 't_host_a', namespace: 'exp' }, { name: 't_host_b', namespace: 'exp' }] } },
      hetero_lr_0: {
        learning_rate: [0.3, 0.4],
        max_iter: [7],
        init_param: { init_method: ['zeros', 'ones'] },
        unknown_knob: [1, 2],
      },
    },
  },
  algorithm_parameters: {
    hetero_lr_0: { learning_rate: 0.15, max_iter: 30, alpha: 0.01, init_param: { fit_intercept: false }, not_a_param: true },
    intersect_0: { intersect_method: 'rsa' },
  },
});

const merge = (conf: JsonObject, role: string, partyIndex: number, module = 'HeteroLR', paramName = 'hetero_lr_0') =>
  mergeComponentParameters({ module, paramName, conf, role, partyIndex });

const component = (dsl: unknown, name: string): DslComponent => {
  const parsed = parseDsl(dsl);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value.components.find((c) => c.name === name)!;
};

const merging = suite('parameters: merge precedence (6.2)');

merging('given defaults, algorithm and role lists, when merged for host 0, then role values win, then algorithm values, then defaults', () => {
  const p = merge(twoHosts(), 'host', 0);
  assert.is(p['learning_rate'], 0.3); // role list [0]
  assert.is(p['max_iter'], 7); // role list [0]
  assert.is(p['alpha'], 0.01); // algorithm
  assert.is(p['optimizer'], 'rmsprop'); // default
  assert.equal(p['init_param'], { init_method: 'zeros', init_const: 1, fit_intercept: false, random_seed: null });
});

merging('given role lists, when merged for the second host, then its own position applies and a short list falls back', () => {
  const p = merge(twoHosts(), 'host', 1);
  assert.is(p['learning_rate'], 0.4);
  assert.is(p['max_iter'], 30); // list of length 1: algorithm value
  assert.is((p['init_param'] as JsonObject)['init_method'], 'ones');
});

merging('given role parameters for hosts only, when merged for the guest, then algorithm values and defaults apply', () => {
  const p = merge(twoHosts(), 'guest', 0);
  assert.is(p['learning_rate'], 0.15);
  assert.is((p['init_param'] as JsonObject)['init_method'], 'random_uniform');
});

merging('given keys the param class does not define, when merged for a module with defaults, then they are ignored', () => {
  const p = merge(twoHosts(), 'host', 0);
  assert.not.ok('not_a_param' in p);
  assert.not.ok('unknown_knob' in p);
});

merging('given a module without a defaults entry, when merged, then every key of the conf is kept', () => {
  const conf: JsonObject = {
    role: { guest: [9999] },
    algorithm_parameters: { hetero_pearson_0: { method: 'quantile', bin_num: 10 } },
    role_parameters: { guest: { hetero_pearson_0: { bin_indexes: [[0, 1]] } } },
  };
  assert.equal(merge(conf, 'guest', 0, 'HeteroPearson', 'hetero_pearson_0'), { method: 'quantile', bin_num: 10, bin_indexes: [0, 1] });
});

merging('given an algorithm block naming no component of the DSL, when merging the real ones, then it is simply unused', () => {
  assert.is(merge(twoHosts(), 'guest', 0, 'Intersection', 'intersection_0')['intersect_method'], 'raw');
});

merging('given a role parameter that is not a list, when merged, then the error names its path', () => {
  const conf = twoHosts();
  ((conf['role_parameters'] as JsonObject)['host'] as JsonObject)['hetero_lr_0'] = { max_iter: 5 };
  assert.throws(() => merge(conf, 'host', 0), (e: Error) => e.message.includes('role_parameters.host.hetero_lr_0.max_iter'));
});

merging('given nested role lists, when a party position is taken, then leaves become that party\'s values', () => {
  assert.equal(roleValuesAt({ a: [1, 2], b: { c: ['x', 'y'], d: [] } }, 1), { a: 2, b: { c: 'y' } });
  assert.equal(roleValuesAt({ a: [1, 2], b: { c: ['x'] } }, 1), { a: 2, b: {} });
});

merging('given merged parameters, when need_run is read, then only an explicit false stops the component', () => {
  assert.is(needRunOf({ need_run: false }), false);
  assert.is(needRunOf({ need_run: true }), true);
  assert.is(needRunOf({}), true);
  const conf = copy(example('standalone', 'hetero_lr_conf.json'));
  assert.is(needRunOf(merge(conf, 'host', 0, 'Evaluation', 'evaluation_0')), false);
  assert.is(needRunOf(merge(conf, 'guest', 0, 'Evaluation', 'evaluation_0')), true);
});

merging('given merging twice, when the first result is mutated, then the conf and later merges are unaffected', () => {
  const conf = twoHosts();
  const before = copy(conf);
  const first = merge(conf, 'host', 0);
  (first['init_param'] as JsonObject)['init_method'] = 'mutated';
  assert.is((merge(conf, 'host', 0)['init_param'] as JsonObject)['init_method'], 'zeros');
  assert.equal(conf, before);
});
merging('given a FederatedSample with no parameters (FATE\'s single_predict example), then fractions is FATE\'s default runtime conf 0.9', () => {
  // FATE-Flow 1.4 merges federatedml/conf/default_runtime_conf/sample_param.json over SampleParam():
  // without it random mode would have no ratio (FATE's SampleParam class says None).
  const conf: JsonObject = { role: { guest: [9999], host: [10000] }, algorithm_parameters: {} };
  const merged = merge(conf, 'guest', 0, 'FederatedSample', 'sample_0');
  assert.is(merged['fractions'], 0.9);
  assert.is(merged['mode'], 'random');
  assert.is(merge({ ...conf, algorithm_parameters: { sample_0: { fractions: 0.3 } } }, 'host', 0, 'FederatedSample', 'sample_0')['fractions'], 0.3);
});
merging.run();

const args = suite('parameters: args inputs and the party bundle (6.3)');

args('given args.train_data, when resolved per host, then each host gets its own table by position', () => {
  const dataio = component(example('standalone', 'hetero_lr_dsl.json'), 'dataio_0');
  assert.equal(resolveArgs(dataio, twoHosts(), 'host', 0), { train_data: { name: 't_host_a', namespace: 'exp' } });
  assert.equal(resolveArgs(dataio, twoHosts(), 'host', 1), { train_data: { name: 't_host_b', namespace: 'exp' } });
  assert.equal(resolveArgs(dataio, twoHosts(), 'guest', 0), { train_data: null });
});

args('given a component without args inputs, when resolved, then there are none', () => {
  const intersection = component(example('standalone', 'hetero_lr_dsl.json'), 'intersection_0');
  assert.equal(resolveArgs(intersection, twoHosts(), 'host', 0), {});
});

args('given merged parameters, when the bundle is built, then it has the 6.3 keys and the conf\'s other keys', () => {
  const conf: JsonObject = { ...twoHosts(), function: 'submit_job' };
  const parameters = merge(conf, 'host', 1);
  const bundle = partyBundle({ conf, setting: moduleSetting('HeteroLR'), role: 'host', partyId: 10001, parameters });
  assert.equal(Object.keys(bundle).sort(), ['CodePath', 'HeteroLogisticParam', 'function', 'initiator', 'job_parameters', 'local', 'module', 'role'].sort());
  assert.equal(bundle['local'], { role: 'host', party_id: 10001 });
  assert.is(bundle['module'], 'HeteroLR');
  assert.is(bundle['CodePath'], 'federatedml/linear_model/logistic_regression/hetero_logistic_regression/hetero_lr_host.py/HeteroLRHost');
  assert.equal(bundle['HeteroLogisticParam'], parameters);
  assert.equal(bundle['role'], conf['role']);
});
args.run();
