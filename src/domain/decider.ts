// A decider is the whole write-side behaviour of one aggregate as three pure members:
// decide (what happens when this command meets this state), evolve (state after an event) and
// the initial state. Nothing here may import a framework or node:*.

export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A command that breaks a business rule. The message is user-facing. */
export class IllegalStateError extends Error {
  override readonly name = 'IllegalStateError';
}

export function fold<State, Event>(decider: Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Used at the end of exhaustive switches: adding a member to a union without handling it fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
