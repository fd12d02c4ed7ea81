// A local job (upload, download) is a single task: the task's progress is the job's, shown in
// f_progress while the file is read. The worker reports it as messages; each rise is appended in
// order, and 100 is left to the job's end.
import type { Logger } from 'pino';
import { jobDecider } from '../../domain/job/decider.js';
import { jobStreamId } from '../../domain/job/events.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import type { Clock } from '../../eventSourcing/clock.js';
import type { EventStore } from '../../store/eventStore.js';
import { LOCAL_PARTY, LOCAL_ROLE } from '../localJobs.js';

export interface JobProgress {
  report(percent: number): void;
  /** Resolves once every report so far is recorded. */
  flush(): Promise<void>;
}

export function localJobProgress(deps: { store: EventStore; clock: Clock; log: Logger }, jobId: string): JobProgress {
  let chain = Promise.resolve();
  let last = -1;
  return {
    report: (percent) => {
      const p = Math.min(99, Math.floor(percent));
      if (!(p > last)) return;
      last = p;
      chain = chain
        .then(() => handleCommand(deps.store, jobStreamId(jobId, LOCAL_ROLE, LOCAL_PARTY), jobDecider, { type: 'ReportJobProgress', data: { progress: p, at: deps.clock.now() } }))
        .then(
          () => undefined,
          (error: unknown) => deps.log.warn({ err: error, jobId }, 'progress not recorded'),
        );
    },
    flush: () => chain,
  };
}
