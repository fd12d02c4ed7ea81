// given(past events).when(command).then(new events) — decider tests read as specifications.
import * as assert from 'uvu/assert';
import { fold, type Decider } from '../../src/domain/decider.js';

export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(past: Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, fold(decider, past));
          return {
            then(expected: Event[]) {
              assert.equal(run(), expected);
            },
            thenNothingHappened() {
              assert.equal(run(), []);
            },
            thenThrows(message: RegExp) {
              assert.throws(run, (e: unknown) => e instanceof Error && message.test(e.message));
            },
          };
        },
      };
    },
  };
}
