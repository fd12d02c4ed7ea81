// planJob: everything the job system needs to know about a submitted DSL + runtime conf, computed
// once and purely (contract 5.4 steps 1–6, 5.15, 5.18, 6.x): the normalised conf, the component
// order, and per component and party the merged parameters, need_run and table inputs.

import { parseDsl, type ComponentInput, type Dependency } from './dsl.js';
import { DslError, failureOf, type DslErrorKind } from './errors.js';
import { cloneObject, isPlainObject, setOwn, type JsonObject } from './json.js';
import { mergeComponentParameters, needRunOf, partyBundle, resolveArgs, type TableRef } from './parameters.js';
import { moduleSetting, supportsRole } from './registry.js';
import { normalizeRuntimeConf, type ConfOptions, type JobType, type WorkMode } from './runtimeConf.js';

export { deducePredictDsl, predictDslForRole } from './predictDsl.js';

export interface PlanOptions extends ConfOptions {
  /** Predict jobs: the training job's runtime conf, whose algorithm/role parameters apply. */
  readonly trainRuntimeConf?: unknown;
  /** The DSL a `Pipeline` component stands for, if the DSL uses one. */
  readonly pipelineDsl?: unknown;
}

export interface PartyPlan {
  readonly role: string;
  readonly partyId: number;
  /** Position of the party in `role.<role>` of the conf. */
  readonly partyIndex: number;
  readonly needRun: boolean;
  /** The merged `<ParamClass>` object. */
  readonly parameters: JsonObject;
  /** The 6.3 bundle an executor receives (also what /tracking/component/parameters shows). */
  readonly bundle: JsonObject;
  /** `args.<key>` data inputs → table, null when the conf names none for this party. */
  readonly args: Readonly<Record<string, TableRef | null>>;
}

export interface ComponentPlan {
  readonly name: string;
  readonly module: string;
  readonly paramClass: string;
  readonly needDeploy: boolean;
  readonly input: ComponentInput;
  readonly output: { readonly data: readonly string[]; readonly model: readonly string[] };
  /** The first output data / model names (the only ones 1.x uses). */
  readonly outputs: { readonly data: string | null; readonly model: string | null };
  readonly upstreams: readonly string[];
  readonly downstreams: readonly string[];
  readonly dependencies: readonly Dependency[];
  /** The component whose conf entries apply: itself, or the model upstream it inherits from. */
  readonly parameterSource: string;
  /** One entry per party of every role the module runs on, in conf role order. */
  readonly parties: readonly PartyPlan[];
}

export interface JobPlan {
  readonly jobId: string;
  readonly jobType: JobType;
  readonly workMode: WorkMode;
  readonly timeoutSeconds: number;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly initiator: { readonly role: string; readonly partyId: number };
  readonly roles: Readonly<Record<string, readonly number[]>>;
  /** The normalised runtime conf (int party ids; model_id/model_version for training). */
  readonly conf: JsonObject;
  readonly dsl: JsonObject;
  /** Topological order (5.18 component_list). */
  readonly componentList: readonly string[];
  /** In topological order. */
  readonly components: readonly ComponentPlan[];
}

export type PlanOutcome =
  | { readonly ok: true; readonly plan: JobPlan }
  | { readonly ok: false; readonly kind: DslErrorKind; readonly message: string };

export function planJob(dsl: unknown, conf: unknown, options: PlanOptions): PlanOutcome {
  try {
    return { ok: true, plan: buildPlan(dsl, conf, options) };
  } catch (error) {
    const { kind, message } = failureOf(error);
    return { ok: false, kind, message };
  }
}

export const componentPlan = (plan: JobPlan, name: string): ComponentPlan | undefined =>
  plan.components.find((c) => c.name === name);

/** The party entry of a component (undefined when the module does not run on that role/party). */
export const partyPlan = (component: ComponentPlan, role: string, partyId: number | string): PartyPlan | undefined =>
  component.parties.find((p) => p.role === role && String(p.partyId) === String(partyId).trim());

export interface DagDependencyData {
  readonly component_list: string[];
  readonly dependencies: Record<string, Dependency[]>;
  readonly component_module: Record<string, string>;
  readonly component_need_run: Record<string, boolean>;
}

/** The `data` of /v1/pipeline/dag/dependency (5.18) for one party. */
export function dagDependency(
  plan: JobPlan,
  role: string,
  partyId: number | string,
): { readonly ok: true; readonly data: DagDependencyData } | { readonly ok: false; readonly message: string } {
  if (!Object.prototype.hasOwnProperty.call(plan.roles, role)) {
    return { ok: false, message: `role ${role} is unknown, can not extract component dependency` };
  }
  const id = typeof partyId === 'number' ? partyId : /^\s*[+-]?\d+\s*$/.test(partyId) ? Number(partyId.trim()) : NaN;
  if (!plan.roles[role]!.includes(id)) {
    return { ok: false, message: `party id ${partyId} is unknown, can not extract component dependency` };
  }
  const data: DagDependencyData = { component_list: [...plan.componentList], dependencies: {}, component_module: {}, component_need_run: {} };
  for (const c of plan.components) {
    if (c.dependencies.length) setOwn(data.dependencies, c.name, c.dependencies.map((d) => ({ ...d })));
    setOwn(data.component_module, c.name, c.module);
    setOwn(data.component_need_run, c.name, partyPlan(c, role, id)?.needRun ?? false);
  }
  return { ok: true, data };
}

// ---------------------------------------------------------------------------------------------

function buildPlan(dslInput: unknown, confInput: unknown, options: PlanOptions): JobPlan {
  const normalized = normalizeRuntimeConf(confInput, options);
  if (!normalized.ok) throw new DslError(normalized.message, normalized.kind);
  const { conf, roles, jobType } = normalized.value;

  const parsed = parseDsl(dslInput, { mode: jobType, pipelineDsl: options.pipelineDsl });
  if (!parsed.ok) throw new DslError(parsed.message, parsed.kind);
  const dag = parsed.value;

  // Predict jobs run the trained components with the training job's parameters.
  const parameterConf = jobType === 'predict' && isPlainObject(options.trainRuntimeConf) ? options.trainRuntimeConf : conf;
  const byName = new Map(dag.components.map((c) => [c.name, c]));
  const needRun = new Map<string, boolean>(); // `${component}\u0000${role}\u0000${partyId}`
  const key = (component: string, role: string, partyId: number) => `${component}\u0000${role}\u0000${partyId}`;

  const components = dag.order.map((name): ComponentPlan => {
    const c = byName.get(name)!;
    const setting = moduleSetting(c.module);
    let source = c.name;
    for (let hop = byName.get(source)!.modelSource; hop !== undefined; hop = byName.get(hop)?.modelSource) source = hop;

    const parties: PartyPlan[] = [];
    for (const [role, partyIds] of Object.entries(roles)) {
      partyIds.forEach((partyId, partyIndex) => {
        if (!supportsRole(setting, role)) {
          needRun.set(key(name, role, partyId), false);
          return;
        }
        const parameters = mergeComponentParameters({ module: c.module, paramName: source, conf: parameterConf, role, partyIndex });
        // A component fed a model by an upstream runs exactly when that upstream runs.
        const run = c.modelSource !== undefined ? (needRun.get(key(c.modelSource, role, partyId)) ?? false) : needRunOf(parameters);
        needRun.set(key(name, role, partyId), run);
        parties.push({
          role,
          partyId,
          partyIndex,
          needRun: run,
          parameters,
          bundle: partyBundle({ conf, setting, role, partyId, parameters }),
          args: resolveArgs(c, conf, role, partyIndex),
        });
      });
    }

    return {
      name,
      module: c.module,
      paramClass: setting.paramClass,
      needDeploy: c.needDeploy ?? setting.needDeployDefault,
      input: c.input,
      output: c.output,
      outputs: { data: c.output.data[0] ?? null, model: c.output.model[0] ?? null },
      upstreams: dag.upstreams[name] ?? [],
      downstreams: dag.downstreams[name] ?? [],
      dependencies: dag.dependencies[name] ?? [],
      parameterSource: source,
      parties,
    };
  });

  const n = normalized.value;
  return {
    jobId: options.jobId,
    jobType,
    workMode: n.workMode,
    timeoutSeconds: n.timeoutSeconds,
    modelId: n.modelId,
    modelVersion: n.modelVersion,
    initiator: n.initiator,
    roles,
    conf,
    dsl: cloneObject(dslInput as JsonObject),
    componentList: [...dag.order],
    components,
  };
}
