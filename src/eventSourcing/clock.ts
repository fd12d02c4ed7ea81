// Time and ids come from here, so that tests can pin them and the domain stays pure.
import { performance } from 'node:perf_hooks';
import { formatJobId } from '../domain/ids.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A job-id generator whose counter starts at 1 in each process, as FATE's does. */
export function jobIdGenerator(): () => string {
  let counter = 0;
  let last = '';
  return () => {
    for (;;) {
      counter += 1;
      const id = formatJobId(Math.floor((performance.timeOrigin + performance.now()) * 1000), counter);
      if (id !== last) return (last = id);
    }
  };
}
