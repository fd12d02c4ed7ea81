// Evaluation in a predict job. FATE's stored inference DSL drops Evaluation (contract 6.6); fedflow
// adds the training DSL's Evaluation components back to a predict job when the guest's eval data
// carries the label DataIO was trained with, so a labelled predict job reports its metrics (under
// the `predict` namespace). Without labels the job only predicts, as in FATE.
import { referencedComponent } from '../domain/dsl/dsl.js';
import { cloneObject, isPlainObject, own, setOwn, type JsonObject } from '../domain/dsl/json.js';
import { partyPlan, type JobPlan } from '../domain/dsl/plan.js';
import type { TableRef } from '../domain/dsl/parameters.js';

/**
 * The inference DSL plus each Evaluation of the training DSL whose data inputs all name outputs of
 * the inference DSL's components; undefined when there is none.
 */
export function withEvaluation(inferenceDsl: JsonObject, trainDsl: JsonObject): JsonObject | undefined {
  const predict = own(inferenceDsl, 'components');
  const train = own(trainDsl, 'components');
  if (!isPlainObject(predict) || !isPlainObject(train)) return undefined;
  const produces = (ref: string): boolean => {
    const [component, data] = ref.split('.');
    const outputs = own(own(own(predict, component!), 'output'), 'data');
    return Array.isArray(outputs) && outputs.includes(data);
  };
  const added: [string, JsonObject][] = [];
  for (const [name, body] of Object.entries(train)) {
    if (!isPlainObject(body) || own(body, 'module') !== 'Evaluation' || Object.prototype.hasOwnProperty.call(predict, name)) continue;
    const data = own(own(body, 'input'), 'data');
    if (!isPlainObject(data)) continue;
    const refs = Object.values(data).flat();
    if (refs.length === 0 || !refs.every((r) => typeof r === 'string' && referencedComponent(r) !== 'args' && produces(r))) continue;
    const entry: JsonObject = { module: 'Evaluation', input: { data: cloneObject(data) } };
    const output = own(body, 'output');
    if (isPlainObject(output)) entry['output'] = cloneObject(output);
    added.push([name, entry]);
  }
  if (added.length === 0) return undefined;
  const out = cloneObject(inferenceDsl);
  const components = out['components'] as JsonObject;
  for (const [name, entry] of added) setOwn(components, name, entry);
  return out;
}

export interface LabelLookups {
  /** The stored DataIOMeta of a component of the model (undefined when the model has none). */
  dataioMeta(component: string, alias: string): Readonly<Record<string, unknown>> | undefined;
  /** The header of a table on this node (undefined when it does not exist here). */
  tableHeader(table: TableRef): readonly string[] | undefined;
}

/** Whether the guest's eval data (read by the plan's first DataIO) has the label column DataIO was trained with. */
export function guestEvalDataLabelled(plan: JobPlan, lookups: LabelLookups): boolean {
  const guestId = plan.roles['guest']?.[0];
  if (guestId === undefined) return false;
  for (const c of plan.components) {
    if (c.module !== 'DataIO') continue;
    const party = partyPlan(c, 'guest', guestId);
    const table = party && Object.values(party.args).find((t): t is TableRef => t !== null);
    const modelRef = c.input.model[0];
    if (!table || !modelRef) continue;
    const [, component, alias] = modelRef.split('.');
    const meta = lookups.dataioMeta(component ?? c.name, alias ?? 'default');
    if (!meta || meta.withLabel !== true) return false;
    return lookups.tableHeader(table)?.includes(String(meta.labelName || 'y')) ?? false;
  }
  return false;
}
