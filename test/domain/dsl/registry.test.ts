import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { paramDefaults } from '../../../src/domain/dsl/paramDefaults.js';
import { codePath, findModuleSetting, MODULE_NAMES, moduleSetting, supportsRole } from '../../../src/domain/dsl/registry.js';

const TABLE_6_1: ReadonlyArray<[string, string, string[], boolean]> = [
  ['Upload', 'UploadParam', ['local'], false],
  ['Download', 'DownloadParam', ['local'], false],
  ['DataIO', 'DataIOParam', ['guest', 'host'], true],
  ['Intersection', 'IntersectParam', ['guest', 'host'], true],
  ['HeteroLR', 'HeteroLogisticParam', ['guest', 'host', 'arbiter'], true],
  ['HomoLR', 'HomoLogisticParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroLinR', 'LinearParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroPoisson', 'PoissonParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroSecureBoost', 'BoostingTreeParam', ['guest', 'host'], true],
  ['HomoSecureboost', 'BoostingTreeParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroFeatureBinning', 'FeatureBinningParam', ['guest', 'host'], true],
  ['HeteroFeatureSelection', 'FeatureSelectionParam', ['guest', 'host'], true],
  ['FeatureScale', 'ScaleParam', ['guest', 'host'], true],
  ['OneHotEncoder', 'OneHotEncoderParam', ['guest', 'host'], true],
  ['Union', 'UnionParam', ['guest', 'host'], true],
  ['Rsa', 'RsaParam', ['guest', 'host'], true],
  ['LocalBaseline', 'LocalBaselineParam', ['guest', 'host'], true],
  ['HeteroPearson', 'PearsonParam', ['guest', 'host'], true],
  ['Evaluation', 'EvaluateParam', ['guest', 'host'], false],
  ['FederatedSample', 'SampleParam', ['guest', 'host'], false],
  ['HeteroNN', 'HeteroNNParam', ['guest', 'host'], true],
  ['HomoNN', 'HomoNNParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroFM', 'HeteroFactorizationParam', ['guest', 'host', 'arbiter'], true],
  ['HomoFM', 'HomoFactorizationParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroMF', 'HeteroMatrixParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroGMF', 'HeteroGMFParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroSVD', 'HeteroSVDParam', ['guest', 'host', 'arbiter'], true],
  ['HeteroSVDpp', 'HeteroSVDppParam', ['guest', 'host', 'arbiter'], true],
  ['ModelStore', 'ModelStoreParam', ['local'], false],
  ['ModelRestore', 'ModelRestoreParam', ['local'], false],
];

const registry = suite('dsl registry: table 6.1');

registry('given table 6.1, when the registry is listed, then it holds exactly its 30 modules', () => {
  assert.equal([...MODULE_NAMES].sort(), TABLE_6_1.map(([m]) => m).sort());
});

for (const [module, paramClass, roles, needDeploy] of TABLE_6_1) {
  registry(`given module ${module}, when looked up, then it has ${paramClass}, roles ${roles.join('/')} and need_deploy ${needDeploy}`, () => {
    const setting = moduleSetting(module);
    assert.is(setting.paramClass, paramClass);
    assert.equal([...setting.roles], roles);
    assert.is(setting.needDeployDefault, needDeploy);
    for (const role of roles) assert.ok(codePath(setting, role)?.startsWith(`${setting.modulePath}/`), `${module} ${role} CodePath`);
  });
}

registry('given an unknown module, when looked up, then the error names it and its setting_conf file', () => {
  assert.throws(
    () => moduleSetting('HeteroKmeans'),
    (e: Error) => e.message === 'module HeteroKmeans is not supported: no setting_conf for federatedml/conf/setting_conf/HeteroKmeans.json',
  );
});

registry('given a module named like an Object property, when looked up, then it is unknown', () => {
  assert.is(findModuleSetting('constructor'), undefined);
  assert.is(findModuleSetting('toString'), undefined);
});

registry('given a role the module does not run on, when asked, then it is not supported and has no CodePath', () => {
  const dataio = moduleSetting('DataIO');
  assert.not.ok(supportsRole(dataio, 'arbiter'));
  assert.is(codePath(dataio, 'arbiter'), undefined);
  assert.is(codePath(moduleSetting('HeteroLR'), 'arbiter'),
    'federatedml/linear_model/logistic_regression/hetero_logistic_regression/hetero_lr_arbiter.py/HeteroLRArbiter');
});
registry.run();

const defaults = suite('dsl registry: parameter defaults');

for (const module of ['DataIO', 'Intersection', 'HeteroLR', 'HomoLR', 'HeteroSecureBoost', 'FeatureScale', 'LocalBaseline', 'Evaluation', 'Upload', 'Download']) {
  defaults(`given module ${module}, when its defaults are read, then they exist and say need_run true`, () => {
    assert.is(paramDefaults(module)?.['need_run'], true);
  });
}

defaults('given HeteroLR, when its defaults are read, then they are FATE 1.4 HeteroLogisticParam values', () => {
  const lr = paramDefaults('HeteroLR')!;
  assert.equal(
    { penalty: lr['penalty'], tol: lr['tol'], alpha: lr['alpha'], optimizer: lr['optimizer'], batch_size: lr['batch_size'],
      learning_rate: lr['learning_rate'], max_iter: lr['max_iter'], early_stop: lr['early_stop'], encrypt_param: lr['encrypt_param'] },
    { penalty: 'L2', tol: 1e-4, alpha: 1.0, optimizer: 'rmsprop', batch_size: -1, learning_rate: 0.01, max_iter: 100,
      early_stop: 'diff', encrypt_param: { method: 'Paillier', key_length: 1024 } },
  );
  assert.equal((lr['init_param'] as Record<string, unknown>)['init_method'], 'random_uniform');
  assert.equal((lr['init_param'] as Record<string, unknown>)['fit_intercept'], true);
});

defaults('given defaults handed out once and mutated, when read again, then the table is unchanged', () => {
  const first = paramDefaults('HeteroLR')!;
  first['max_iter'] = 1;
  (first['init_param'] as Record<string, unknown>)['init_method'] = 'zeros';
  const second = paramDefaults('HeteroLR')!;
  assert.is(second['max_iter'], 100);
  assert.is((second['init_param'] as Record<string, unknown>)['init_method'], 'random_uniform');
});

defaults('given a module without a defaults entry, when read, then there are none', () => {
  assert.is(paramDefaults('HeteroPearson'), undefined);
  assert.is(paramDefaults('constructor'), undefined);
});
defaults.run();
