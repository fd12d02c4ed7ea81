// Shared by upload and download: record the local job as created (waiting) and answer once the
// views show it. The job scheduler picks it up from the log like any other job.
import { jobDecider } from '../../domain/job/decider.js';
import { jobStreamId } from '../../domain/job/events.js';
import { LOCAL_PARTY, LOCAL_ROLE, localJobConf, type LocalJobKind } from '../../scheduler/localJobs.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import { writeJobFiles } from '../jobFiles.js';
import type { NodeServices } from '../nodeServices.js';

export async function submitLocalJob(s: NodeServices, jobId: string, kind: LocalJobKind): Promise<{ jobId: string }> {
  const { dsl, runtimeConf } = localJobConf(jobId, kind);
  const result = await handleCommand(s.store, jobStreamId(jobId, LOCAL_ROLE, LOCAL_PARTY), jobDecider, {
    type: 'CreateJob',
    data: {
      jobId, role: LOCAL_ROLE, partyId: LOCAL_PARTY, initiator: { role: LOCAL_ROLE, partyId: LOCAL_PARTY }, isInitiator: true,
      workMode: kind.params.work_mode, roles: { [LOCAL_ROLE]: [0] }, dsl, runtimeConf, trainRuntimeConf: {},
      runIp: s.runIp, tag: '', at: s.clock.now(),
    },
  }, { retries: 0 });
  await writeJobFiles(s.config.dataDir, jobId, dsl, runtimeConf);
  if (result.appended) await s.views.waitFor(result.appended.position);
  return { jobId };
}
