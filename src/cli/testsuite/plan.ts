// What a testsuite file asks for, checked and put in FATE's order (run_test.py): every `data` entry
// uploaded first, then the tasks without `deps` (train) before those with (predict), each in file
// order, a task with `substitutes` run once as is and once per substitute (`task.sub`). Pure.
import { isAbsolute, join } from 'node:path';
import { SuiteError, partyOf, type SuiteEnv } from './env.js';
import type { Json } from './render.js';

export interface UploadStep {
  /** As written in the suite (`guest_0`). */
  role: string;
  partyId: number;
  /** The file as written in the suite, and the candidates tried in order on the client. */
  file: string;
  candidates: string[];
  head: number;
  partition: number;
  namespace: string;
  tableName: string;
}

export interface TaskStep {
  /** `task` or `task.substitute`. */
  name: string;
  type: 'train' | 'predict';
  /** Absolute conf and (train) DSL paths. */
  conf: string;
  dsl?: string;
  /** predict: the train task (name as in the suite) whose model it uses. */
  deps?: string;
  substitute?: Json;
  /** Why the task cannot be submitted at all (FATE's `submit_fail` before submitting). */
  invalid?: string;
}

export interface SuitePlan {
  uploads: UploadStep[];
  tasks: TaskStep[];
}

export interface TaskFilter {
  /** Only these tasks (suite names; a substitute's `task.sub` too) plus the train tasks they need. */
  only?: readonly string[];
  skip?: readonly string[];
}

const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const within = (base: string, p: string): string => (isAbsolute(p) ? p : join(base, p));

function intField(entry: Json, key: string, fallback: number | undefined, where: string): number {
  const raw = entry[key] ?? fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new SuiteError(`${where}: "${key}" must be a non-negative integer, got ${JSON.stringify(entry[key])}`);
  return n;
}

function textField(entry: Json, key: string, where: string): string {
  const v = entry[key];
  if (typeof v !== 'string' || v === '') throw new SuiteError(`${where}: "${key}" must be a non-empty string`);
  return v;
}

/**
 * `dataBase` is what relative `file` paths mean (FATE: the folder holding `examples/`); the
 * suite's own folder is tried next, so a suite written with paths relative to itself works too.
 */
export function planSuite(suite: unknown, suiteDir: string, dataBase: string, env: SuiteEnv, filter: TaskFilter = {}): SuitePlan {
  if (!isObject(suite)) throw new SuiteError('a testsuite must hold a JSON object');
  const data = suite.data ?? [];
  if (!Array.isArray(data)) throw new SuiteError('"data" must be a list');
  const uploads = data.map((raw, i): UploadStep => {
    const where = `data[${i}]`;
    if (!isObject(raw)) throw new SuiteError(`${where} must be an object`);
    const file = textField(raw, 'file', where);
    const candidates = isAbsolute(file) ? [file] : [...new Set([join(dataBase, file), join(suiteDir, file)])];
    let partyId: number;
    try {
      partyId = partyOf(env, raw.role);
    } catch (err) {
      throw new SuiteError(`${where}: ${(err as Error).message}`);
    }
    return {
      role: String(raw.role),
      partyId,
      file,
      candidates,
      head: intField(raw, 'head', 1, where),
      partition: intField(raw, 'partition', 10, where),
      namespace: textField(raw, 'namespace', where),
      tableName: textField(raw, 'table_name', where),
    };
  });
  if (!isObject(suite.tasks)) throw new SuiteError('"tasks" must be an object {name: {conf, dsl, deps?}}');
  const entries = Object.entries(suite.tasks);
  // Non-deps first; Array.prototype.sort is stable, as Python's sorted.
  const ordered = entries.map(([name, cfg]) => ({ name, cfg, hasDeps: isObject(cfg) && 'deps' in cfg })).sort((a, b) => Number(a.hasDeps) - Number(b.hasDeps));
  const tasks: TaskStep[] = [];
  for (const { name, cfg, hasDeps } of ordered) {
    const step = (sub: string, substitute?: Json): TaskStep => {
      const base: TaskStep = { name: sub, type: hasDeps ? 'predict' : 'train', conf: '' };
      if (!isObject(cfg)) return { ...base, invalid: `task ${name} must be an object` };
      if (typeof cfg.conf !== 'string' || cfg.conf === '') return { ...base, invalid: `conf not specified in ${name}` };
      base.conf = within(suiteDir, cfg.conf);
      if (substitute) base.substitute = substitute;
      if (hasDeps) {
        if (typeof cfg.deps !== 'string' || cfg.deps === '') return { ...base, invalid: `deps of ${name} must name a train task` };
        return { ...base, deps: cfg.deps };
      }
      if (typeof cfg.dsl !== 'string' || cfg.dsl === '') return { ...base, invalid: `dsl not specified in ${sub}` };
      return { ...base, dsl: within(suiteDir, cfg.dsl) };
    };
    tasks.push(step(name));
    // FATE runs substitutes for train tasks only (a predict task ignores them).
    const subs = isObject(cfg) && !hasDeps && isObject(cfg.substitutes) ? cfg.substitutes : {};
    for (const [subName, substitute] of Object.entries(subs)) {
      tasks.push(isObject(substitute) ? step(`${name}.${subName}`, substitute) : { ...step(`${name}.${subName}`), invalid: `substitute ${subName} of ${name} must be an object` });
    }
  }
  return { uploads, tasks: filterTasks(tasks, filter) };
}

/** --tasks keeps the named tasks and the train tasks their predicts need; --skip then drops tasks. */
export function filterTasks(tasks: readonly TaskStep[], filter: TaskFilter): TaskStep[] {
  let kept = [...tasks];
  if (filter.only && filter.only.length > 0) {
    const wanted = new Set(filter.only);
    for (const t of tasks) if (wanted.has(t.name) && t.deps) wanted.add(t.deps);
    kept = kept.filter((t) => wanted.has(t.name));
  }
  if (filter.skip && filter.skip.length > 0) {
    const skip = new Set(filter.skip);
    kept = kept.filter((t) => !skip.has(t.name));
  }
  return kept;
}

/** Every task name a suite holds (for messages about unknown --tasks / --skip names). */
export function taskNames(plan: SuitePlan): string[] {
  return plan.tasks.map((t) => t.name);
}
