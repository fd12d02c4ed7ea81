// The model publication decider: a load is requested once per job id and finished once, with
// FATE's verdict (retcode 0 only when every target party answered 0, else 101 `failed`; a party
// without an answer counts as unreachable, code 100); each serving's answer is recorded as it is.
import { assertNever, IllegalStateError, type Decider } from '../decider.js';
import type { PublishCommand } from './commands.js';
import type { PartyLoadResult, PublishEvent } from './events.js';
import { loadTargets, partyModelId, type PartyRef } from './plan.js';

/** Code of a party whose node could not be reached (FATE's federated call raised). */
export const UNREACHABLE = 100;

/** A party without serving addresses answers this (FATE's /v1/model/load/do). */
export const NO_SERVINGS = { retcode: 100, retmsg: 'Please configure servings address' } as const;

export interface LoadState {
  readonly targets: readonly PartyRef[];
  readonly finished: boolean;
  readonly retcode?: number;
}

export interface PublishState {
  /** Loads by job id. */
  readonly loads: Readonly<Record<string, LoadState>>;
  /** Service ids bound at the initiator's servings → the addresses that accepted them. */
  readonly bindings: Readonly<Record<string, readonly string[]>>;
}

type Cmd<T extends PublishCommand['type']> = Extract<PublishCommand, { type: T }>;

const requestLoad = ({ data }: Cmd<'RequestLoad'>, state: PublishState): PublishEvent[] => {
  if (state.loads[data.jobId]) return [];
  const targets = loadTargets(data.roles);
  if (targets.length === 0) throw new IllegalStateError('role has no party to load the model for (an arbiter has no model to serve)');
  return [{ type: 'ModelLoadRequested', data: { ...data, targets } }];
};

const recordPublish = ({ data }: Cmd<'RecordPublish'>): PublishEvent[] => {
  const { outcome, serving, ...d } = data;
  const common = { ...d, partyModelId: partyModelId(d.role, d.partyId, d.modelId) };
  if (outcome.retcode !== 0) return [{ type: 'ModelPublishFailed', data: { ...common, serving, retcode: outcome.retcode, retmsg: outcome.retmsg } }];
  if (serving === null) throw new IllegalStateError('a successful publish names its serving address');
  return [{ type: 'ModelPublished', data: { ...common, serving } }];
};

const finishLoad = ({ data }: Cmd<'FinishLoad'>, state: PublishState): PublishEvent[] => {
  const load = state.loads[data.jobId];
  if (!load) throw new IllegalStateError(`model load ${data.jobId} was never requested`);
  if (load.finished) throw new IllegalStateError(`model load ${data.jobId} has already finished`);
  // Every target gets a result, in the request's order; a party that did not answer was unreachable.
  const results = load.targets.map((t): PartyLoadResult => data.results.find((r) => r.role === t.role && r.partyId === t.partyId) ?? { ...t, retcode: UNREACHABLE });
  return [{ type: 'ModelLoadFinished', data: { ...data, ...loadVerdict(results), results } }];
};

const recordBind = ({ data }: Cmd<'RecordBind'>): PublishEvent[] => {
  const { outcome, serving, ...d } = data;
  if (!d.serviceId) throw new IllegalStateError('no service id');
  const common = { ...d, partyModelId: partyModelId(d.role, d.partyId, d.modelId) };
  if (outcome.retcode !== 0) return [{ type: 'ModelBindFailed', data: { ...common, serving, retcode: outcome.retcode, retmsg: outcome.retmsg } }];
  if (serving === null) throw new IllegalStateError('a successful bind names its serving address');
  return [{ type: 'ModelBound', data: { ...common, serving } }];
};

export function decidePublish(command: PublishCommand, state: PublishState): PublishEvent[] {
  switch (command.type) {
    case 'RequestLoad':
      return requestLoad(command, state);
    case 'RecordPublish':
      return recordPublish(command);
    case 'FinishLoad':
      return finishLoad(command, state);
    case 'RecordBind':
      return recordBind(command);
    default:
      return assertNever(command);
  }
}

/**
 * FATE's verdict: 0 `success` when every party answered 0, else 101 `failed`. When no party has a
 * serving address at all, the load answers what each party did: 100 `Please configure servings address`.
 */
export function loadVerdict(results: readonly PartyLoadResult[]): { retcode: number; retmsg: string } {
  if (results.every((r) => r.retcode === 0)) return { retcode: 0, retmsg: 'success' };
  if (results.every((r) => r.retcode === NO_SERVINGS.retcode && r.retmsg === NO_SERVINGS.retmsg)) return { ...NO_SERVINGS };
  return { retcode: 101, retmsg: 'failed' };
}

export function evolvePublish(state: PublishState, event: PublishEvent): PublishState {
  switch (event.type) {
    case 'ModelLoadRequested':
      return { ...state, loads: { ...state.loads, [event.data.jobId]: { targets: event.data.targets, finished: false } } };
    case 'ModelLoadFinished': {
      const targets = state.loads[event.data.jobId]?.targets ?? [];
      return { ...state, loads: { ...state.loads, [event.data.jobId]: { targets, finished: true, retcode: event.data.retcode } } };
    }
    case 'ModelBound': {
      const bound = state.bindings[event.data.serviceId] ?? [];
      if (bound.includes(event.data.serving)) return state;
      return { ...state, bindings: { ...state.bindings, [event.data.serviceId]: [...bound, event.data.serving] } };
    }
    case 'ModelPublished':
    case 'ModelPublishFailed':
    case 'ModelBindFailed':
      return state;
    default: {
      // Exhaustive at compile time; an event of a newer fedflow is ignored at run time.
      const _unknown: never = event;
      return state;
    }
  }
}

export const publishDecider: Decider<PublishState, PublishCommand, PublishEvent> = {
  decide: decidePublish,
  evolve: evolvePublish,
  initialState: () => ({ loads: {}, bindings: {} }),
};
