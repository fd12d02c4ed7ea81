// Predict DSL deduction (contract 6.6): the inference DSL stored in the pipeline model at the end
// of a training job, and its per-role copy with a CodePath per component.

import type { DslComponent } from './dsl.js';
import { referencedComponent } from './dsl.js';
import { cloneObject, isPlainObject, own, setOwn, type JsonObject } from './json.js';
import { codePath, findModuleSetting } from './registry.js';

/** What deduction needs of each component, in topological order (a JobPlan's components fit). */
export interface DeployableComponent extends Pick<DslComponent, 'name' | 'module' | 'input' | 'output'> {
  /** The DSL's need_deploy, else the module's default. */
  readonly needDeploy: boolean;
}

/**
 * Deployed components are copied with their module, `input.model = pipeline.<name>.<model>` for each
 * output model, their output, and data inputs rewritten for prediction: `args.*` → `args.eval_data`,
 * `train_data`/`eval_data` keys → `eval_data`, references to non-deployed upstreams replaced by that
 * upstream's own (rewritten) inputs. Non-deployed components are dropped.
 */
export function deducePredictDsl(plan: { readonly components: readonly DeployableComponent[] }): JsonObject {
  const deployed = new Set(plan.components.filter((c) => c.needDeploy).map((c) => c.name));
  const passThrough = new Map<string, string[]>();
  const components: JsonObject = {};

  for (const c of plan.components) {
    const data = predictDataInput(c, deployed, passThrough);
    passThrough.set(c.name, unique(Object.values(data).flat()));
    if (!c.needDeploy) continue;

    const input: JsonObject = {};
    if (Object.keys(data).length) input['data'] = data;
    if (c.output.model.length) input['model'] = c.output.model.map((m) => `pipeline.${c.name}.${m}`);
    const output: JsonObject = {};
    if (c.output.data.length) output['data'] = [...c.output.data];
    if (c.output.model.length) output['model'] = [...c.output.model];

    const entry: JsonObject = { module: c.module };
    if (Object.keys(input).length) entry['input'] = input;
    if (Object.keys(output).length) entry['output'] = output;
    setOwn(components, c.name, entry);
  }
  return { components };
}

/** The copy stored for one role: each component gains the `CodePath` of that role's program. */
export function predictDslForRole(predictDsl: JsonObject, role: string): JsonObject {
  const copy = cloneObject(predictDsl);
  const components = own(copy, 'components');
  if (!isPlainObject(components)) return copy;
  for (const body of Object.values(components)) {
    if (!isPlainObject(body)) continue;
    const module = own(body, 'module');
    const setting = typeof module === 'string' ? findModuleSetting(module) : undefined;
    const path = setting ? codePath(setting, role) : undefined;
    if (path !== undefined) body['CodePath'] = path;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------

function predictDataInput(
  c: DeployableComponent,
  deployed: ReadonlySet<string>,
  passThrough: ReadonlyMap<string, readonly string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const keys = Object.keys(c.input.data);
  for (const key of keys) {
    // With train_data present, eval_data was validation data: prediction reads the train_data path.
    if (key === 'eval_data' && keys.includes('train_data')) continue;
    const target = key === 'train_data' || key === 'eval_data' ? 'eval_data' : key;
    const refs = c.input.data[key]!.flatMap((ref) => {
      const from = referencedComponent(ref);
      if (from === 'args') return ['args.eval_data'];
      if (from === 'pipeline' || deployed.has(from)) return [ref];
      return [...(passThrough.get(from) ?? [])];
    });
    setOwn(out, target, unique([...(Object.prototype.hasOwnProperty.call(out, target) ? out[target]! : []), ...refs]));
  }
  return out;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];
