// The module registry: table 6.1 of the contract (FATE 1.4's federatedml/conf/setting_conf/*.json).
// A module absent here is refused with the text FATE gives when its setting_conf file is missing.

import { DslError } from './errors.js';

export interface ModuleSetting {
  readonly module: string;
  readonly paramClass: string;
  /** Roles the module runs on; a party of any other role gets need_run false and no task. */
  readonly roles: readonly string[];
  /** Whether the component is copied into the predict DSL when the DSL does not say need_deploy. */
  readonly needDeployDefault: boolean;
  /** `CodePath` = `<modulePath>/<program of the role>`. */
  readonly modulePath: string;
  readonly programs: Readonly<Record<string, string>>;
}

type Row = [module: string, paramClass: string, needDeployDefault: boolean, modulePath: string, programs: Record<string, string>];

const GH = (program: string) => ({ guest: program, host: program });
const byRole = (guest: string, host: string, arbiter?: string) => (arbiter ? { guest, host, arbiter } : { guest, host });

const ROWS: readonly Row[] = [
  ['Upload', 'UploadParam', false, 'fate_flow/components', { local: 'upload.py/Upload' }],
  ['Download', 'DownloadParam', false, 'fate_flow/components', { local: 'download.py/Download' }],
  ['DataIO', 'DataIOParam', true, 'federatedml/util', GH('data_io.py/DataIO')],
  ['Intersection', 'IntersectParam', true, 'federatedml/statistic/intersect',
    byRole('intersect_model.py/IntersectGuest', 'intersect_model.py/IntersectHost')],
  ['HeteroLR', 'HeteroLogisticParam', true, 'federatedml/linear_model/logistic_regression/hetero_logistic_regression',
    byRole('hetero_lr_guest.py/HeteroLRGuest', 'hetero_lr_host.py/HeteroLRHost', 'hetero_lr_arbiter.py/HeteroLRArbiter')],
  ['HomoLR', 'HomoLogisticParam', true, 'federatedml/linear_model/logistic_regression/homo_logsitic_regression',
    byRole('homo_lr_guest.py/HomoLRGuest', 'homo_lr_host.py/HomoLRHost', 'homo_lr_arbiter.py/HomoLRArbiter')],
  ['HeteroLinR', 'LinearParam', true, 'federatedml/linear_model/linear_regression/hetero_linear_regression',
    byRole('hetero_linr_guest.py/HeteroLinRGuest', 'hetero_linr_host.py/HeteroLinRHost', 'hetero_linr_arbiter.py/HeteroLinRArbiter')],
  ['HeteroPoisson', 'PoissonParam', true, 'federatedml/linear_model/poisson_regression/hetero_poisson_regression',
    byRole('hetero_poisson_guest.py/HeteroPoissonGuest', 'hetero_poisson_host.py/HeteroPoissonHost', 'hetero_poisson_arbiter.py/HeteroPoissonArbiter')],
  ['HeteroSecureBoost', 'BoostingTreeParam', true, 'federatedml/tree',
    byRole('hetero_secureboosting_tree_guest.py/HeteroSecureBoostingTreeGuest', 'hetero_secureboosting_tree_host.py/HeteroSecureBoostingTreeHost')],
  ['HomoSecureboost', 'BoostingTreeParam', true, 'federatedml/tree',
    byRole('homo_secureboosting_client.py/HomoSecureBoostingTreeClient', 'homo_secureboosting_client.py/HomoSecureBoostingTreeClient',
      'homo_secureboosting_aggregator.py/HomoSecureBoostingTreeArbiter')],
  ['HeteroFeatureBinning', 'FeatureBinningParam', true, 'federatedml/feature/hetero_feature_binning',
    byRole('hetero_binning_guest.py/HeteroFeatureBinningGuest', 'hetero_binning_host.py/HeteroFeatureBinningHost')],
  ['HeteroFeatureSelection', 'FeatureSelectionParam', true, 'federatedml/feature/hetero_feature_selection',
    byRole('feature_selection_guest.py/HeteroFeatureSelectionGuest', 'feature_selection_host.py/HeteroFeatureSelectionHost')],
  ['FeatureScale', 'ScaleParam', true, 'federatedml/feature', GH('scale.py/Scale')],
  ['OneHotEncoder', 'OneHotEncoderParam', true, 'federatedml/feature', GH('one_hot_encoder.py/OneHotEncoder')],
  ['Union', 'UnionParam', true, 'federatedml/statistic/union', GH('union.py/Union')],
  ['Rsa', 'RsaParam', true, 'federatedml/util', GH('rsa.py/RsaModel')],
  ['LocalBaseline', 'LocalBaselineParam', true, 'federatedml/local_baseline', GH('local_baseline.py/LocalBaseline')],
  ['HeteroPearson', 'PearsonParam', true, 'federatedml/statistic/correlation', GH('pearson.py/Pearson')],
  ['Evaluation', 'EvaluateParam', false, 'federatedml/evaluation', GH('evaluation.py/Evaluation')],
  ['FederatedSample', 'SampleParam', false, 'federatedml/feature', GH('sampler.py/Sampler')],
  ['HeteroNN', 'HeteroNNParam', true, 'federatedml/nn/hetero_nn',
    byRole('hetero_nn_guest.py/HeteroNNGuest', 'hetero_nn_host.py/HeteroNNHost')],
  ['HomoNN', 'HomoNNParam', true, 'federatedml/nn/homo_nn',
    byRole('enter_point.py/HomoNNGuest', 'enter_point.py/HomoNNHost', 'enter_point.py/HomoNNArbiter')],
  ['HeteroFM', 'HeteroFactorizationParam', true, 'federatedrec/factorization_machine/hetero_factorization_machine',
    byRole('hetero_fm_guest.py/HeteroFMGuest', 'hetero_fm_host.py/HeteroFMHost', 'hetero_fm_arbiter.py/HeteroFMArbiter')],
  ['HomoFM', 'HomoFactorizationParam', true, 'federatedrec/factorization_machine/homo_factorization_machine',
    byRole('homo_fm_guest.py/HomoFMGuest', 'homo_fm_host.py/HomoFMHost', 'homo_fm_arbiter.py/HomoFMArbiter')],
  ['HeteroMF', 'HeteroMatrixParam', true, 'federatedrec/matrix_factorization/hetero_matrixfactor',
    byRole('hetero_mf_client.py/HeteroMFGuest', 'hetero_mf_client.py/HeteroMFHost', 'hetero_mf_arbiter.py/HeteroMFArbiter')],
  ['HeteroGMF', 'HeteroGMFParam', true, 'federatedrec/general_mf/hetero_gmf',
    byRole('hetero_gmf_client.py/HeteroGMFGuest', 'hetero_gmf_client.py/HeteroGMFHost', 'hetero_gmf_arbiter.py/HeteroGMFArbiter')],
  ['HeteroSVD', 'HeteroSVDParam', true, 'federatedrec/svd/hetero_svd',
    byRole('hetero_svd_client.py/HeteroSVDGuest', 'hetero_svd_client.py/HeteroSVDHost', 'hetero_svd_arbiter.py/HeteroSVDArbiter')],
  ['HeteroSVDpp', 'HeteroSVDppParam', true, 'federatedrec/svdpp/hetero_svdpp',
    byRole('hetero_svdpp_client.py/HeteroSVDppGuest', 'hetero_svdpp_client.py/HeteroSVDppHost', 'hetero_svdpp_arbiter.py/HeteroSVDppArbiter')],
  ['ModelStore', 'ModelStoreParam', false, 'fate_flow/components', { local: 'model_operation_components.py/ModelStore' }],
  ['ModelRestore', 'ModelRestoreParam', false, 'fate_flow/components', { local: 'model_operation_components.py/ModelRestore' }],
];

const REGISTRY: ReadonlyMap<string, ModuleSetting> = new Map(
  ROWS.map(([module, paramClass, needDeployDefault, modulePath, programs]) => [
    module,
    Object.freeze({ module, paramClass, roles: Object.freeze(Object.keys(programs)), needDeployDefault, modulePath, programs: Object.freeze(programs) }),
  ]),
);

/** Every registered module name, in table order. */
export const MODULE_NAMES: readonly string[] = Object.freeze([...REGISTRY.keys()]);

export const findModuleSetting = (module: string): ModuleSetting | undefined => REGISTRY.get(module);

/** FATE reads `federatedml/conf/setting_conf/<Module>.json`; a missing file is the user's error. */
export const unsupportedModuleMessage = (module: string): string =>
  `module ${module} is not supported: no setting_conf for federatedml/conf/setting_conf/${module}.json`;

/** The module's setting, or a DslError with the unsupported-module message. */
export function moduleSetting(module: string): ModuleSetting {
  const setting = REGISTRY.get(module);
  if (!setting) throw new DslError(unsupportedModuleMessage(module));
  return setting;
}

export const supportsRole = (setting: ModuleSetting, role: string): boolean => setting.roles.includes(role);

/** The `CodePath` of a role's program, or undefined when the module does not run on that role. */
export function codePath(setting: ModuleSetting, role: string): string | undefined {
  if (!supportsRole(setting, role)) return undefined;
  return `${setting.modulePath.replace(/\/+$/, '')}/${setting.programs[role]}`;
}
