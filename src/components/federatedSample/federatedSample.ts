// FederatedSample (FATE 1.4.5 federatedml/feature/sampler.py, SampleParam). `task_type: "hetero"`:
// the guest samples its ids (random or stratified by its labels) and sends the chosen ids — only
// the ids — to every host under `sample_ids`; each host keeps the same ids of its own rows. `homo`:
// every party samples its own rows alone. Not deployed in predict jobs (FATE's need_deploy false).
import type { DataTable } from '../../tableData/dataTable.js';
import type { Component, ComponentInput } from '../contract.js';
import { chooseIds, rng, sampledTable, type Metrics, type SampleSettings } from './sampling.js';

const DESCR = 'sample param';

function lowerOneOf<T extends string>(params: ComponentInput['params'], key: string, fallback: T, valid: readonly T[]): T {
  const v = params[key] ?? fallback;
  const lower = typeof v === 'string' ? v.toLowerCase() : undefined;
  if (lower === undefined || !(valid as readonly string[]).includes(lower)) {
    throw new Error(`${DESCR} ${typeof v === 'string' ? v : JSON.stringify(v)} not supported, should be one of [${valid.map((x) => `'${x}'`).join(', ')}]`);
  }
  return lower as T;
}

export function sampleSettings(params: ComponentInput['params']): SampleSettings {
  const mode = lowerOneOf(params, 'mode', 'random', ['random', 'stratified'] as const);
  const method = lowerOneOf(params, 'method', 'downsample', ['upsample', 'downsample'] as const);
  const taskType = params.task_type ?? 'hetero';
  if (taskType !== 'hetero' && taskType !== 'homo') throw new Error(`${JSON.stringify(taskType)} task type not support yet`);
  const needRun = params.need_run ?? true;
  if (typeof needRun !== 'boolean') throw new Error(`FederatedSample: need_run must be a boolean, got ${JSON.stringify(needRun)}`);
  const seed = params.random_state ?? null;
  if (seed !== null && !Number.isInteger(seed)) throw new Error(`FederatedSample: random_state must be an integer or null, got ${JSON.stringify(seed)}`);
  const base = { mode, method, randomState: seed as number | null, taskType, needRun } as const;
  const fractions = params.fractions ?? null;
  if (mode === 'random') {
    if (typeof fractions !== 'number') {
      throw new Error(`FederatedSample: fractions must be a number (the sampling ratio) with mode random, got ${JSON.stringify(fractions)}`);
    }
    return { ...base, fraction: fractions };
  }
  if (!Array.isArray(fractions)) throw new Error('fractions of sample param when using stratified should be list');
  const pairs = fractions.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new Error('element in fractions of sample param using stratified should be a pair like [label_i, rate_i]');
    }
    if (typeof pair[1] !== 'number') throw new Error(`FederatedSample: the rate of label ${JSON.stringify(pair[0])} must be a number`);
    return [pair[0], pair[1]] as const;
  });
  return { ...base, fractions: pairs };
}

function pickInput(input: ComponentInput): DataTable | undefined {
  return input.data.data ?? input.data.train_data ?? input.data.eval_data;
}

export const federatedSample: Component = async (input, { federation, tracker }) => {
  const s = sampleSettings(input.params);
  const table = pickInput(input);
  if (!s.needRun) return table ? { data: table } : {};
  if (!table) throw new Error('FederatedSample: no input data (expected data, train_data or eval_data)');

  let ids: string[];
  let metrics: Metrics = [];
  if (s.taskType === 'homo' || input.role === 'guest') {
    ({ ids, metrics } = chooseIds(table, s, rng(s.randomState)));
    if (s.taskType === 'hetero') {
      const hosts = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
      if (hosts.length) await federation.remote('sample_ids', 'fit', ids, hosts);
    }
  } else if (input.role === 'host') {
    const guest = input.roles.guest?.[0];
    if (!guest) throw new Error('FederatedSample: a hetero sample on a host needs a guest to send the sampled ids');
    const got = await federation.get('sample_ids', 'fit', { role: 'guest', partyId: guest });
    if (!Array.isArray(got) || got.some((id) => typeof id !== 'string')) throw new Error('FederatedSample: the guest sent no list of ids');
    ids = got as string[];
  } else {
    throw new Error(`${input.role} role not support yet`);
  }
  const data = sampledTable(table, ids, s.method);
  // Random sampling reports the kept count on every party; stratified, the per-label counts where it chose.
  if (s.mode === 'random') metrics = [{ namespace: 'sample_count', name: 'random', points: [['count', data.rows.length]], type: 'SAMPLE_TEXT' }];
  for (const m of metrics) {
    tracker.logMetricData(m.namespace, m.name, m.points);
    tracker.setMetricMeta(m.namespace, m.name, { name: m.namespace, metric_type: m.type });
  }
  return { data };
};
