// Public surface of the DSL v1 / runtime conf v1 module (pure: no framework, no node:*).

export { DslError, type DslErrorKind, type Outcome } from './errors.js';
export type { Json, JsonObject } from './json.js';
export {
  MODULE_NAMES,
  codePath,
  findModuleSetting,
  moduleSetting,
  supportsRole,
  unsupportedModuleMessage,
  type ModuleSetting,
} from './registry.js';
export { paramDefaults } from './paramDefaults.js';
export {
  CLUSTER_JOB_ON_STANDALONE_MESSAGE,
  STANDALONE_JOB_ON_CLUSTER_MESSAGE,
  WORK_MODE_MESSAGE,
  checkWorkMode,
  modelIdOf,
  normalizeRuntimeConf,
  partyModelId,
  requiredArgumentsMessage,
  type ConfOptions,
  type JobType,
  type NormalizedConf,
  type WorkMode,
} from './runtimeConf.js';
export {
  DSL_MESSAGES,
  parseDsl,
  referencedComponent,
  type ComponentInput,
  type Dag,
  type Dependency,
  type DslComponent,
  type DslMode,
  type DslParseOptions,
  type RelationType,
} from './dsl.js';
export { mergeComponentParameters, needRunOf, partyBundle, resolveArgs, roleValuesAt, type TableRef } from './parameters.js';
export { deducePredictDsl, predictDslForRole, type DeployableComponent } from './predictDsl.js';
export {
  componentPlan,
  dagDependency,
  partyPlan,
  planJob,
  type ComponentPlan,
  type DagDependencyData,
  type JobPlan,
  type PartyPlan,
  type PlanOptions,
  type PlanOutcome,
} from './plan.js';
