// FATE 1.4's `job_parameters.backend` picks the computing engine (0 eggroll, 1 Spark). fedflow has
// one engine of its own; a conf asking for another still runs, and says so where users look: the
// job row's f_description and every task's log — never silently.
export function engineNote(runtimeConf: unknown): string {
  const params = (runtimeConf as { job_parameters?: { backend?: unknown } } | null)?.job_parameters;
  const backend = params?.backend;
  if (backend === undefined || backend === null || Number(backend) === 0) return '';
  return `job_parameters.backend ${JSON.stringify(backend)} (FATE: ${Number(backend) === 1 ? 'Spark' : 'unknown engine'}) was asked; fedflow ran this job on its own engine`;
}
