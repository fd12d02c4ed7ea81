// Component parameters per party (contract 6.2/6.3, 5.15, 5.18): the merge
// param-class defaults < algorithm_parameters.<component> < role_parameters.<role>.<component>[party index],
// the need_run flag, `args.*` table inputs and the per-party bundle an executor receives.

import type { DslComponent } from './dsl.js';
import { referencedComponent } from './dsl.js';
import { DslError } from './errors.js';
import { hasOwn, isPlainObject, mergeJson, own, setOwn, show, type Json, type JsonObject } from './json.js';
import { paramDefaults } from './paramDefaults.js';
import { codePath, type ModuleSetting } from './registry.js';

export interface TableRef {
  readonly name: string;
  readonly namespace: string;
}

export interface MergeRequest {
  readonly module: string;
  /** The component whose conf entries apply (the component itself, or the model source it inherits from). */
  readonly paramName: string;
  /** Where algorithm_parameters / role_parameters are read (the train conf for predict jobs). */
  readonly conf: JsonObject;
  readonly role: string;
  readonly partyIndex: number;
}

/**
 * The merged parameter object of one party. Modules with a defaults entry keep only the top-level
 * keys their param class defines; modules without one keep whatever the conf gives.
 */
export function mergeComponentParameters({ module, paramName, conf, role, partyIndex }: MergeRequest): JsonObject {
  const defaults = paramDefaults(module);
  const keep = defaults ? (key: string) => hasOwn(defaults, key) : undefined;
  let merged = defaults ?? {};

  const common = own(own(conf, 'algorithm_parameters'), paramName);
  if (common !== undefined && common !== null) {
    if (!isPlainObject(common)) throw new DslError(`algorithm_parameters.${paramName} should be an object, got ${show(common)}`);
    merged = mergeJson(merged, common, keep);
  }

  const perRole = own(own(own(conf, 'role_parameters'), role), paramName);
  if (perRole !== undefined && perRole !== null) {
    const where = `role_parameters.${role}.${paramName}`;
    if (!isPlainObject(perRole)) throw new DslError(`${where} should be an object, got ${show(perRole)}`);
    merged = mergeJson(merged, roleValuesAt(perRole, partyIndex, where), keep);
  }
  return merged;
}

/**
 * role_parameters leaves are lists indexed by party position; nested objects recurse. A list
 * shorter than the party count leaves that party's value out (so the lower layers apply).
 */
export function roleValuesAt(values: JsonObject, partyIndex: number, where = 'role_parameters'): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(values)) {
    if (isPlainObject(value)) setOwn(out, key, roleValuesAt(value, partyIndex, `${where}.${key}`));
    else if (Array.isArray(value)) {
      if (partyIndex < value.length) setOwn(out, key, value[partyIndex]!);
    } else {
      throw new DslError(`${where}.${key} should be a list indexed by party position, got ${show(value)}`);
    }
  }
  return out;
}

/** 5.18: false only when the merged parameters say `need_run: false`. */
export const needRunOf = (parameters: JsonObject): boolean => own(parameters, 'need_run') !== false;

/**
 * `args.<key>` data inputs of a component for one party:
 * role_parameters.<role>.args.data.<key>[party index] → {name, namespace}, or null when absent.
 */
export function resolveArgs(component: DslComponent, conf: JsonObject, role: string, partyIndex: number): Record<string, TableRef | null> {
  const out: Record<string, TableRef | null> = {};
  const tables = own(own(own(own(conf, 'role_parameters'), role), 'args'), 'data');
  for (const ref of Object.values(component.input.data).flat()) {
    if (referencedComponent(ref) !== 'args') continue;
    const key = ref.slice('args.'.length);
    const list = own(tables, key);
    const item = Array.isArray(list) ? list[partyIndex] : undefined;
    setOwn(out, key, tableRefOf(item));
  }
  return out;
}

export interface BundleRequest {
  /** The normalised runtime conf of the job. */
  readonly conf: JsonObject;
  readonly setting: ModuleSetting;
  readonly role: string;
  readonly partyId: number;
  readonly parameters: JsonObject;
}

/**
 * 6.3: `{<ParamClass>: merged, initiator, job_parameters, role, local, module, CodePath}` plus every
 * other top-level key of the conf (role_parameters / algorithm_parameters are already merged in).
 */
export function partyBundle({ conf, setting, role, partyId, parameters }: BundleRequest): JsonObject {
  const bundle: JsonObject = {};
  setOwn(bundle, setting.paramClass, parameters);
  for (const key of ['initiator', 'job_parameters', 'role']) {
    const value = own(conf, key);
    if (value !== undefined) setOwn(bundle, key, value as Json);
  }
  setOwn(bundle, 'local', { role, party_id: partyId });
  setOwn(bundle, 'module', setting.module);
  setOwn(bundle, 'CodePath', codePath(setting, role) ?? null);
  for (const [key, value] of Object.entries(conf)) {
    if (key === 'role_parameters' || key === 'algorithm_parameters' || hasOwn(bundle, key)) continue;
    setOwn(bundle, key, value);
  }
  return mergeJson({}, bundle); // a deep copy: bundles never share objects with the conf
}

function tableRefOf(item: unknown): TableRef | null {
  const name = own(item, 'name');
  const namespace = own(item, 'namespace');
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const n = text(name);
  const ns = text(namespace);
  return n !== undefined && ns !== undefined ? { name: n, namespace: ns } : null;
}
