// Shared by upload and download: record the local job as created (waiting) and answer once the
// views show it. The LocalJobRunner picks it up from the log.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobDecider } from '../../domain/job/decider.js';
import { jobStreamId } from '../../domain/job/events.js';
import { LOCAL_PARTY, LOCAL_ROLE, localJobConf, type LocalJobKind } from '../../scheduler/localJobs.js';
import { handleCommand } from '../handleCommand.js';
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
  // FATE clients print these paths; the event holds the same content.
  const dir = join(s.config.dataDir, 'jobs', jobId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'job_dsl.json'), JSON.stringify(dsl, null, 2));
  writeFileSync(join(dir, 'job_runtime_conf.json'), JSON.stringify(runtimeConf, null, 2));
  if (result.appended) await s.views.waitFor(result.appended.position);
  return { jobId };
}
