// Task workers yield the CPU to the node's main thread: on a busy machine the event loop (the REST
// edge, the scheduler, the projections) then answers in milliseconds instead of queueing behind
// component maths. Linux schedules threads, not processes, so a worker can lower its own priority.
import { readlinkSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';

/** How much lower than the process a task worker runs (nice steps; Linux only, else nothing). */
export const TASK_WORKER_NICE = 5;

export function lowerThisThreadPriority(steps = TASK_WORKER_NICE): void {
  if (process.platform !== 'linux') return;
  try {
    // /proc/thread-self → "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!(tid > 0)) return;
    setPriority(tid, Math.min(constants.priority.PRIORITY_LOW, getPriority(tid) + steps));
  } catch {
    // Not permitted or no /proc: run at the process's priority.
  }
}
