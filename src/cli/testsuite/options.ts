// `fedflow testsuite` options (its own parser, node:util parseArgs: -s/-d/-e/-i mean what they mean
// in FATE's run_test.py, not what they mean to the flow client's commands). Pure.
import { parseArgs } from 'node:util';

export const TESTSUITE_USAGE = `Usage: fedflow testsuite (-s <suite.json> | -d <dir>) [options]

Runs FATE testsuite files as FATE's examples/test/run_test.py does: uploads the suite's data at
the party each entry names (guest_0, host_1…), submits every train task with its conf rendered for
the env (work_mode, initiator and role party ids by position), then every predict task (deps) with
its train task's model_id/model_version, waits for each job and prints
\`task  status  job_id  seconds\`. Exit status 0 when every task ends success on every party.
  -s, --suite <file>      one testsuite file
  -d, --dir <dir>         every *testsuite.json below dir
  -e, --env <file>        env in FATE's default_env.json format (default: FATE's test env roles,
                          guest 10000, hosts 9998 9999 10000 10001 10002, arbiter 9999, work_mode 0)
  --data-base <dir>       what relative \`file\` paths of the suite's data mean (default: the folder
                          holding the suite's examples/ folder, FATE's convention; then the suite's
                          own folder)
  --server <url>          the node jobs are submitted to (default $FEDFLOW_SERVER or
                          http://127.0.0.1:9380); env ip_map may name other parties' nodes
  --tasks <a,b>           run only these tasks (and the train tasks their predicts need)
  --skip <a,b>            do not run these tasks
  --skip-data             do not upload the suite's data
  --force <-1|0|1>        existing tables: -1 keep (skip the upload), 0 append, 1 replace
                          (default: the env's force_upload, else 1); write --force=-1
  -m, --mode <0|1>        work_mode for the jobs (default: the env's)
  -i, --interval <s>      seconds between two job status checks (default 1)
  --timeout <s>           give up waiting for a job after s seconds (default: no limit)
  -o, --output <file>     also append the result tables to this file
`;

export class TestsuiteUsageError extends Error {}

export interface TestsuiteOptions {
  suite?: string;
  dir?: string;
  env?: string;
  dataBase?: string;
  server?: string;
  tasks: string[];
  skip: string[];
  skipData: boolean;
  force?: -1 | 0 | 1;
  mode?: 0 | 1;
  intervalMs: number;
  timeoutMs?: number;
  output?: string;
  help: boolean;
}

const list = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

const seconds = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new TestsuiteUsageError(`option --${name} must be a positive number of seconds, got '${raw}'`);
  return n * 1000;
};

export function parseTestsuiteArgs(argv: readonly string[]): TestsuiteOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        suite: { type: 'string', short: 's' },
        dir: { type: 'string', short: 'd' },
        env: { type: 'string', short: 'e' },
        'data-base': { type: 'string' },
        server: { type: 'string' },
        tasks: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        'skip-data': { type: 'boolean' },
        force: { type: 'string' },
        mode: { type: 'string', short: 'm' },
        interval: { type: 'string', short: 'i' },
        timeout: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new TestsuiteUsageError((err as Error).message);
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const help = values.help === true;
  if (!help && (str('suite') === undefined) === (str('dir') === undefined)) throw new TestsuiteUsageError('give exactly one of -s <suite.json> and -d <dir>');
  const force = str('force');
  if (force !== undefined && !['-1', '0', '1'].includes(force)) throw new TestsuiteUsageError(`option --force must be -1, 0 or 1, got '${force}'`);
  const mode = str('mode');
  if (mode !== undefined && mode !== '0' && mode !== '1') throw new TestsuiteUsageError(`option --mode must be 0 or 1, got '${mode}'`);
  const opts: TestsuiteOptions = {
    tasks: list(values.tasks as string[] | undefined),
    skip: list(values.skip as string[] | undefined),
    skipData: values['skip-data'] === true,
    intervalMs: seconds(str('interval'), 'interval') ?? 1000,
    help,
  };
  for (const k of ['suite', 'dir', 'env', 'server', 'output'] as const) if (str(k) !== undefined) opts[k] = str(k);
  if (str('data-base') !== undefined) opts.dataBase = str('data-base');
  if (force !== undefined) opts.force = Number(force) as -1 | 0 | 1;
  if (mode !== undefined) opts.mode = Number(mode) as 0 | 1;
  const timeoutMs = seconds(str('timeout'), 'timeout');
  if (timeoutMs !== undefined) opts.timeoutMs = timeoutMs;
  return opts;
}
