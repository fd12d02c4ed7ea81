// DSL v1 (contract 6.1): parse, validate with the messages of 6.4, derive the DAG of 6.5 and the
// dependency lists of 5.18. Checks run in FATE's order: components and their `module`, Pipeline
// rules, names, input references, loops, then the module registry.

import { attempt, DslError, type Outcome } from './errors.js';
import { isPlainObject, own, setOwn, show, type Json, type JsonObject } from './json.js';
import { moduleSetting } from './registry.js';

export const DSL_MESSAGES = {
  empty: 'there are no dsl, please check if the role and party id are correct',
  noComponents: 'there are no components in dsl, please have a check!',
  consecutive: "component's name should be format of name_index, index is start from 0 and be consecutive for same module",
  index: "index of component's name should be integer start from 0",
  sameModule: "component's name should be format of name_index, index is start from 0 and same modules should have the same name",
  loop: 'component dependencies form loop, please check',
  pipelineFound: 'find module Pipeline',
  pipelineOnce: 'pipeline module only support once',
  pipelineModel: 'Pipeline Model can not be used',
  pipelineData: "Only can use pipeline's data in the end",
  missingModule: "'module'",
  unknownInput: (reference: string) => `unknown module input ${reference}`,
} as const;

export type DslMode = 'train' | 'predict';
export type RelationType = 'data' | 'model';

export interface DslParseOptions {
  /** `predict` (an inference DSL) only checks the name format, not index continuity. Default `train`. */
  readonly mode?: DslMode;
  /** The DSL a `Pipeline` component stands for (FATE's pipeline module); without it `Pipeline` is refused. */
  readonly pipelineDsl?: unknown;
}

export interface ComponentInput {
  /** input.data: key (`data`, `train_data`, `eval_data`, …) → references, in DSL order. */
  readonly data: Readonly<Record<string, readonly string[]>>;
  readonly model: readonly string[];
  readonly isometricModel: readonly string[];
}

export interface DslComponent {
  readonly name: string;
  readonly module: string;
  /** Declared by the pipeline DSL a `Pipeline` component expanded into. */
  readonly fromPipeline: boolean;
  readonly input: ComponentInput;
  readonly output: { readonly data: readonly string[]; readonly model: readonly string[] };
  /** need_deploy as written in the DSL (undefined: the module's default applies). */
  readonly needDeploy: boolean | undefined;
  /** The upstream whose model (and therefore parameters and need_run) this component takes via `input.model`. */
  readonly modelSource: string | undefined;
}

export interface Dependency {
  readonly component_name: string;
  readonly type: RelationType;
}

export interface Dag {
  /** In DSL key order (a Pipeline component replaced by the pipeline DSL's components). */
  readonly components: readonly DslComponent[];
  /** Topological order (6.5): `component_list` of 5.18. */
  readonly order: readonly string[];
  readonly upstreams: Readonly<Record<string, readonly string[]>>;
  readonly downstreams: Readonly<Record<string, readonly string[]>>;
  /** 5.18 `dependencies`: only components with upstreams; each upstream once per relation type. */
  readonly dependencies: Readonly<Record<string, readonly Dependency[]>>;
}

export function parseDsl(dsl: unknown, options: DslParseOptions = {}): Outcome<Dag> {
  return attempt(() => buildDag(dsl, options));
}

/** The component part of a reference `X.y` (everything before the first dot). */
export const referencedComponent = (reference: string): string => reference.split('.', 1)[0]!;

// ---------------------------------------------------------------------------------------------

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly type: RelationType;
}

function buildDag(dsl: unknown, options: DslParseOptions): Dag {
  if (!isPlainObject(dsl) || Object.keys(dsl).length === 0) throw new DslError(DSL_MESSAGES.empty);
  const declared = own(dsl, 'components');
  if (!isPlainObject(declared) || Object.keys(declared).length === 0) throw new DslError(DSL_MESSAGES.noComponents);

  const { components, pipelineAlias } = collectComponents(declared, options.pipelineDsl);
  checkNames(components, options.mode ?? 'train');

  const byName = new Map(components.map((c) => [c.name, c]));
  const pipelineEnd = pipelineAlias === undefined ? undefined : endOfPipeline(components.filter((c) => c.fromPipeline));
  const edges = components.flatMap((c) => edgesInto(c, byName, pipelineAlias, pipelineEnd));

  const position = new Map(components.map((c, i) => [c.name, i]));
  const byPosition = (a: string, b: string) => position.get(a)! - position.get(b)!;
  const upstreams = new Map<string, string[]>(components.map((c) => [c.name, []]));
  const downstreams = new Map<string, string[]>(components.map((c) => [c.name, []]));
  for (const { from, to } of edges) {
    if (!upstreams.get(to)!.includes(from)) upstreams.get(to)!.push(from);
    if (!downstreams.get(from)!.includes(to)) downstreams.get(from)!.push(to);
  }
  for (const list of [...upstreams.values(), ...downstreams.values()]) list.sort(byPosition);

  const order = topologicalOrder(components.map((c) => c.name), upstreams, downstreams);
  for (const c of components) moduleSetting(c.module);

  return {
    components,
    order,
    upstreams: toRecord(upstreams),
    downstreams: toRecord(downstreams),
    dependencies: dependenciesOf(components, edges),
  };
}

function collectComponents(declared: JsonObject, pipelineDsl: unknown): { components: DslComponent[]; pipelineAlias?: string } {
  const components: DslComponent[] = [];
  let pipelineAlias: string | undefined;
  for (const [name, body] of Object.entries(declared)) {
    if (!isPlainObject(body)) throw new DslError(`component ${name} should be an object with a 'module' key, got ${show(body)}`);
    const module = own(body, 'module');
    if (module === undefined) throw new DslError(DSL_MESSAGES.missingModule);
    if (module === 'Pipeline') {
      if (pipelineDsl === undefined || pipelineDsl === null) throw new DslError(DSL_MESSAGES.pipelineFound);
      if (pipelineAlias !== undefined) throw new DslError(DSL_MESSAGES.pipelineOnce);
      pipelineAlias = name;
      const inner = own(pipelineDsl, 'components');
      if (!isPlainObject(inner) || Object.keys(inner).length === 0) {
        throw new DslError('there are no components in pipeline dsl, please have a check!');
      }
      for (const [innerName, innerBody] of Object.entries(inner)) {
        if (!isPlainObject(innerBody)) throw new DslError(`component ${innerName} should be an object with a 'module' key, got ${show(innerBody)}`);
        const innerModule = own(innerBody, 'module');
        if (innerModule === undefined) throw new DslError(DSL_MESSAGES.missingModule);
        if (innerModule === 'Pipeline') throw new DslError(DSL_MESSAGES.pipelineOnce);
        components.push(componentOf(innerName, innerModule, innerBody, true));
      }
      continue;
    }
    components.push(componentOf(name, module, body, false));
  }
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.name)) throw new DslError(`component ${c.name} is declared twice (dsl and pipeline dsl)`);
    seen.add(c.name);
  }
  return { components, pipelineAlias };
}

function componentOf(name: string, module: unknown, body: JsonObject, fromPipeline: boolean): DslComponent {
  const input = own(body, 'input') ?? {};
  if (!isPlainObject(input)) throw new DslError(`component ${name}: input should be an object, got ${show(input)}`);
  const dataRaw = own(input, 'data') ?? {};
  if (!isPlainObject(dataRaw)) throw new DslError(`component ${name}: input.data should be an object, got ${show(dataRaw)}`);
  const data: Record<string, readonly string[]> = {};
  for (const [key, refs] of Object.entries(dataRaw)) setOwn(data, key, stringList(refs, `component ${name}: input.data.${key}`));
  const model = stringList(own(input, 'model') ?? [], `component ${name}: input.model`);
  const isometricModel = stringList(own(input, 'isometric_model') ?? [], `component ${name}: input.isometric_model`);

  const output = own(body, 'output') ?? {};
  if (!isPlainObject(output)) throw new DslError(`component ${name}: output should be an object, got ${show(output)}`);
  const needDeploy = own(body, 'need_deploy');
  if (needDeploy !== undefined && typeof needDeploy !== 'boolean') {
    throw new DslError(`component ${name}: need_deploy should be true or false, got ${show(needDeploy)}`);
  }
  const direct = model.filter((ref) => !['args', 'pipeline'].includes(referencedComponent(ref)));
  return {
    name,
    module: typeof module === 'string' ? module : JSON.stringify(module),
    fromPipeline,
    input: { data, model, isometricModel },
    output: {
      data: stringList(own(output, 'data') ?? [], `component ${name}: output.data`),
      model: stringList(own(output, 'model') ?? [], `component ${name}: output.model`),
    },
    needDeploy,
    modelSource: direct.length ? referencedComponent(direct[0]!) : undefined,
  };
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new DslError(`${what} should be a list of strings, got ${show(value)}`);
  }
  return [...value];
}

/** `<prefix>_<index>`; per prefix one module and indexes 0..n-1 (train mode). */
function checkNames(components: readonly DslComponent[], mode: DslMode): void {
  const groups = new Map<string, { module: string; indexes: number[] }>();
  for (const { name, module } of components) {
    const cut = name.lastIndexOf('_');
    if (cut < 0) throw new DslError(DSL_MESSAGES.consecutive);
    const prefix = name.slice(0, cut);
    const indexText = name.slice(cut + 1);
    if (!/^\d+$/.test(indexText)) throw new DslError(DSL_MESSAGES.index);
    const group = groups.get(prefix);
    if (!group) groups.set(prefix, { module, indexes: [Number(indexText)] });
    else {
      if (group.module !== module) throw new DslError(DSL_MESSAGES.sameModule);
      group.indexes.push(Number(indexText));
    }
  }
  if (mode === 'predict') return;
  for (const { indexes } of groups.values()) {
    const sorted = [...indexes].sort((a, b) => a - b);
    if (sorted.some((index, i) => index !== i)) throw new DslError(DSL_MESSAGES.consecutive);
  }
}

/** The pipeline DSL's last component that no other pipeline component reads from. */
function endOfPipeline(inner: readonly DslComponent[]): string {
  const read = new Set(
    inner.flatMap((c) => [...Object.values(c.input.data).flat(), ...c.input.model, ...c.input.isometricModel].map(referencedComponent)),
  );
  const ends = inner.filter((c) => !read.has(c.name));
  return (ends.length ? ends[ends.length - 1]! : inner[inner.length - 1]!).name;
}

function edgesInto(
  c: DslComponent,
  byName: ReadonlyMap<string, DslComponent>,
  pipelineAlias: string | undefined,
  pipelineEnd: string | undefined,
): Edge[] {
  const edges: Edge[] = [];
  for (const ref of Object.values(c.input.data).flat()) {
    const from = referencedComponent(ref);
    if (from === 'args' || from === 'pipeline') continue;
    if (pipelineAlias !== undefined && from === pipelineAlias) {
      edges.push({ from: pipelineEnd!, to: c.name, type: 'data' });
      continue;
    }
    const upstream = byName.get(from);
    if (!upstream) throw new DslError(DSL_MESSAGES.unknownInput(from));
    if (!c.fromPipeline && upstream.fromPipeline) throw new DslError(DSL_MESSAGES.pipelineData);
    edges.push({ from, to: c.name, type: 'data' });
  }
  for (const ref of [...c.input.model, ...c.input.isometricModel]) {
    const head = referencedComponent(ref);
    if (head === 'args') continue;
    if (head === 'pipeline') {
      // pipeline.X.y: the model X trained earlier; an edge only when X is another component here.
      const from = ref.split('.')[1];
      if (from !== undefined && from !== c.name && byName.has(from)) edges.push({ from, to: c.name, type: 'model' });
      continue;
    }
    if (pipelineAlias !== undefined && head === pipelineAlias) throw new DslError(DSL_MESSAGES.pipelineModel);
    const upstream = byName.get(head);
    if (!upstream) throw new DslError(DSL_MESSAGES.unknownInput(ref));
    if (!c.fromPipeline && upstream.fromPipeline) throw new DslError(DSL_MESSAGES.pipelineModel);
    edges.push({ from: head, to: c.name, type: 'model' });
  }
  return edges;
}

/** 6.5: a stack of the zero in-degree components in DSL order; pop the last; push what becomes free. */
function topologicalOrder(
  names: readonly string[],
  upstreams: ReadonlyMap<string, readonly string[]>,
  downstreams: ReadonlyMap<string, readonly string[]>,
): string[] {
  const inDegree = new Map(names.map((n) => [n, upstreams.get(n)!.length]));
  const stack = names.filter((n) => inDegree.get(n) === 0);
  const order: string[] = [];
  while (stack.length) {
    const name = stack.pop()!;
    order.push(name);
    for (const down of downstreams.get(name)!) {
      const left = inDegree.get(down)! - 1;
      inDegree.set(down, left);
      if (left === 0) stack.push(down);
    }
  }
  if (order.length !== names.length) throw new DslError(DSL_MESSAGES.loop);
  return order;
}

function dependenciesOf(components: readonly DslComponent[], edges: readonly Edge[]): Record<string, Dependency[]> {
  const out: Record<string, Dependency[]> = {};
  for (const c of components) {
    const deps: Dependency[] = [];
    for (const type of ['data', 'model'] as const) {
      for (const e of edges) {
        if (e.to === c.name && e.type === type && !deps.some((d) => d.component_name === e.from && d.type === type)) {
          deps.push({ component_name: e.from, type });
        }
      }
    }
    if (deps.length) setOwn(out, c.name, deps);
  }
  return out;
}

function toRecord(map: ReadonlyMap<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of map) setOwn(out, k, v);
  return out;
}
