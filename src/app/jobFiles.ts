// FATE writes a job's DSL and runtime conf under jobs/<job_id>/ and its clients print those paths.
// The events hold the same content; these files are a convenience copy for FATE users.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function jobFilePaths(dataDir: string, jobId: string): { job_dsl_path: string; job_runtime_conf_path: string } {
  const dir = join(dataDir, 'jobs', jobId);
  return { job_dsl_path: join(dir, 'job_dsl.json'), job_runtime_conf_path: join(dir, 'job_runtime_conf.json') };
}

/** Off the event loop (a busy disk would stall every request); resolves once both files are written. */
export async function writeJobFiles(dataDir: string, jobId: string, dsl: unknown, runtimeConf: unknown): Promise<void> {
  const paths = jobFilePaths(dataDir, jobId);
  await mkdir(join(dataDir, 'jobs', jobId), { recursive: true });
  await Promise.all([
    writeFile(paths.job_dsl_path, JSON.stringify(dsl, null, 2)),
    writeFile(paths.job_runtime_conf_path, JSON.stringify(runtimeConf, null, 2)),
  ]);
}
