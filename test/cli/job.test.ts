// submit-job (with --wait), stop-job, query-task, job-config, update-job, dag-dependency against a fake flow server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSequence, jsonBody, run, startFakeServer, type FakeServer, type Handler } from './helpers.js';

let srv: FakeServer;
const root = mkdtempSync(join(tmpdir(), 'fedflow-cli-job-'));
const ok = { retcode: 0, retmsg: 'success' };

const conf = {
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: { guest: [9999], host: [10000], arbiter: [10000] },
  role_parameters: { guest: { args: { data: { train_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } } } },
  algorithm_parameters: { hetero_lr_0: { max_iter: 3 } },
};
const dsl = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['dataio_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
  },
};
const predictConf = { ...conf, job_parameters: { work_mode: 0, job_type: 'predict', model_id: 'arbiter-10000#guest-9999#host-10000#model', model_version: 'J0' } };

function writeJson(name: string, value: unknown): string {
  const p = join(root, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}
const confPath = writeJson('conf.json', conf);
const dslPath = writeJson('dsl.json', dsl);

const submitted = (jobId: string) => ({
  ...ok,
  jobId,
  data: {
    job_dsl_path: `/jobs/${jobId}/job_dsl.json`,
    job_runtime_conf_path: `/jobs/${jobId}/job_runtime_conf.json`,
    model_info: { model_id: 'arbiter-10000#guest-9999#host-10000#model', model_version: jobId },
    board_url: `http://b/?job_id=${jobId}&role=guest&party_id=9999`,
  },
});

/** The initiator's job rows in turn (the last repeats). */
const initiatorRows = (jobId: string, steps: Array<Record<string, unknown>>): Handler =>
  jobSequence(jobId, steps.map((s) => ('retcode' in s ? s : { f_role: 'guest', f_party_id: '9999', f_is_initiator: 1, ...s })));

const task = (component: string, role: string, party: string, status: string, t: number) => ({
  f_job_id: 'J', f_component_name: component, f_task_id: `J_${component}`, f_role: role, f_party_id: party, f_status: status, f_create_time: t,
});
/** /v1/job/task/query answers in turn (the last repeats); an array is a data payload. */
function taskSequence(steps: Array<unknown[] | Record<string, unknown>>): Handler {
  let i = 0;
  return () => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    return Array.isArray(step) ? { ...ok, data: step } : step;
  };
}
const requestsTo = (path: string) => srv.requests.filter((r) => r.path === path);

test.before(async () => {
  srv = await startFakeServer();
});
test.before.each(() => {
  srv.requests.length = 0;
  srv.routes.clear();
});
test.after(async () => {
  await srv.close();
  rmSync(root, { recursive: true, force: true });
});

test('submit-job: {job_dsl, job_runtime_conf} from -d and -c; prints the envelope; no --wait → no polling', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('J1'));
  const r = await run(['submit-job', '-c', confPath, '-d', dslPath, '--server', srv.url]);
  assert.is(r.code, 0, r.stderr);
  assert.is(srv.requests.length, 1);
  assert.is(srv.requests[0]!.path, '/v1/job/submit');
  assert.match(srv.requests[0]!.contentType, /application\/json/);
  assert.equal(jsonBody(srv.requests[0]!), { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(r.stdout, `${JSON.stringify(submitted('J1'), null, 2)}\n`);
  assert.is(r.stderr, '');
});

test('submit-job: FATE style -f submit_job; a predict job without -d sends job_dsl {}', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('P1'));
  const p = writeJson('predict.json', predictConf);
  const r = await run(['-f', 'submit_job', '-c', p, '--server', srv.url]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(jsonBody(srv.requests[0]!), { job_dsl: {}, job_runtime_conf: predictConf });
  const f = await run(['-f', 'submit_job', '-c', confPath, '-d', dslPath], { env: { FEDFLOW_SERVER: srv.url } });
  assert.is(f.code, 0);
  assert.equal(jsonBody(srv.requests[1]!), { job_dsl: dsl, job_runtime_conf: conf });
});

test('submit-job: a training job without -d is a usage error (exit 2, nothing sent); unreadable files exit 1', async () => {
  const r = await run(['submit-job', '-c', confPath, '--server', srv.url]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "fedflow submit-job: missing required option -d <dsl.json> (only a predict job may leave it out)\nRun 'fedflow submit-job --help' for usage.\n");
  assert.is(r.stdout, '');
  const missing = await run(['submit-job', '-c', 'nope.json', '-d', dslPath, '--server', srv.url], { cwd: root });
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'fedflow submit-job: conf file nope.json does not exist\n');
  const bad = await run(['submit-job', '-c', confPath, '-d', writeJson('bad-dsl.json', '{"components": '), '--server', srv.url]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^fedflow submit-job: dsl file .*bad-dsl\.json is not valid JSON/);
  assert.is(srv.requests.length, 0);
});

test('submit-job: a refused submission is printed, exit 1, not waited for', async () => {
  const refusal = { retcode: 100, retmsg: "component's name should be format of name_index, index is start from 0 and be consecutive for same module" };
  srv.routes.set('/v1/job/submit', () => refusal);
  const r = await run(['submit-job', '-c', confPath, '-d', dslPath, '--wait', '--server', srv.url]);
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), refusal);
  assert.is(srv.requests.length, 1);
});

test('submit-job --wait: polls the initiator row and the tasks every interval, status-change lines, exit 0', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('J'));
  srv.routes.set('/v1/job/query', initiatorRows('J', [
    { f_status: 'waiting', f_progress: 0 },
    { f_status: 'running', f_progress: 0 },
    { f_status: 'running', f_progress: 50 },
    { f_status: 'success', f_progress: 100 },
  ]));
  srv.routes.set('/v1/job/task/query', taskSequence([
    { retcode: 101, retmsg: 'find task failed' },
    [task('dataio_0', 'host', '10000', 'running', 2), task('dataio_0', 'guest', '9999', 'running', 1)],
    [task('dataio_0', 'guest', '9999', 'success', 1), task('dataio_0', 'host', '10000', 'success', 2), task('hetero_lr_0', 'guest', '9999', 'running', 3)],
    [task('dataio_0', 'guest', '9999', 'success', 1), task('dataio_0', 'host', '10000', 'success', 2), task('hetero_lr_0', 'guest', '9999', 'success', 3)],
  ]));
  const sleeps: number[] = [];
  const r = await run(['submit-job', '-c', confPath, '-d', dslPath, '--wait', '--server', srv.url], {
    pollIntervalMs: 500,
    sleep: async (ms) => void sleeps.push(ms),
  });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), submitted('J'));
  assert.equal(sleeps, [500, 500, 500]);
  const polls = requestsTo('/v1/job/query');
  assert.is(polls.length, 4);
  for (const p of polls) assert.equal(jsonBody(p), { job_id: 'J', role: 'guest', party_id: '9999' });
  const taskPolls = requestsTo('/v1/job/task/query');
  assert.is(taskPolls.length, 4);
  for (const p of taskPolls) assert.equal(jsonBody(p), { job_id: 'J' });
  assert.is(
    r.stderr,
    [
      'job J: waiting 0%',
      'job J: dataio_0 guest:9999 running',
      'job J: dataio_0 host:10000 running',
      'job J: running 0%',
      'job J: dataio_0 guest:9999 success',
      'job J: dataio_0 host:10000 success',
      'job J: hetero_lr_0 guest:9999 running',
      'job J: running 50%',
      'job J: hetero_lr_0 guest:9999 success',
      'job J: success 100%',
      '',
    ].join('\n'),
  );
});

test('submit-job --wait: a failed job → exit 1 with its f_reason and the failed tasks', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('J'));
  const reason = 'task hetero_lr_0 failed on host 10000: executor exited with code 1';
  srv.routes.set('/v1/job/query', initiatorRows('J', [
    { f_status: 'running', f_progress: 50 },
    { f_status: 'failed', f_progress: 50, f_reason: reason, f_description: 'notes' },
  ]));
  srv.routes.set('/v1/job/task/query', taskSequence([
    [task('dataio_0', 'guest', '9999', 'success', 1), task('hetero_lr_0', 'host', '10000', 'running', 2)],
    [task('dataio_0', 'guest', '9999', 'success', 1), task('hetero_lr_0', 'host', '10000', 'failed', 2), task('hetero_lr_0', 'guest', '9999', 'failed', 3)],
  ]));
  const r = await run(['-f', 'submit_job', '-c', confPath, '-d', dslPath, '-wait', '--server', srv.url]);
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), submitted('J'), 'the answer is still printed');
  assert.match(r.stderr, /job J: hetero_lr_0 host:10000 failed\n/);
  assert.ok(r.stderr.endsWith(`job J: failed 50%\njob J failed: ${reason}\nfailed tasks: hetero_lr_0 host:10000, hetero_lr_0 guest:9999\n`), r.stderr);

  // canceled without a reason, no task rows ever
  srv.routes.set('/v1/job/query', initiatorRows('J', [{ f_status: 'canceled', f_progress: 0 }]));
  srv.routes.set('/v1/job/task/query', () => ({ retcode: 101, retmsg: 'find task failed' }));
  const c = await run(['submit-job', '-c', confPath, '-d', dslPath, '--wait', '--server', srv.url]);
  assert.is(c.code, 1);
  assert.is(c.stderr, 'job J: canceled 0%\njob J canceled: job canceled\n');
});

test('submit-job --wait: the job never becomes visible → gives up after maxPollErrors, exit 1', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('J'));
  srv.routes.set('/v1/job/query', () => ({ retcode: 101, retmsg: 'find job failed' }));
  const r = await run(['submit-job', '-c', confPath, '-d', dslPath, '--wait', '--server', srv.url], { maxPollErrors: 2 });
  assert.is(r.code, 1);
  assert.is(requestsTo('/v1/job/query').length, 3);
  assert.is(requestsTo('/v1/job/task/query').length, 0, 'tasks are asked only once the job row is there');
  assert.is(r.stderr, 'job J not followed: cannot query job J (retcode 101: find job failed)\n');
});

test('submit-job --wait on a TTY: bar + one line per DSL component, redrawn in place', async () => {
  srv.routes.set('/v1/job/submit', () => submitted('J'));
  srv.routes.set('/v1/job/query', initiatorRows('J', [
    { f_status: 'running', f_progress: 50 },
    { f_status: 'success', f_progress: 100 },
  ]));
  srv.routes.set('/v1/job/task/query', taskSequence([
    [task('dataio_0', 'guest', '9999', 'success', 1), task('dataio_0', 'host', '10000', 'success', 2)],
    [task('dataio_0', 'guest', '9999', 'success', 1), task('dataio_0', 'host', '10000', 'success', 2), task('hetero_lr_0', 'arbiter', '10000', 'success', 3)],
  ]));
  const r = await run(['submit-job', '-c', confPath, '-d', dslPath, '--wait', '--server', srv.url], { stderrIsTTY: true });
  assert.is(r.code, 0, r.stderr);
  const first = '\r\x1b[2Kjob J [##########----------]  50% running\n\r\x1b[2K  dataio_0     guest:9999 success  host:10000 success\n\r\x1b[2K  hetero_lr_0  waiting';
  const last = '\x1b[2A\r\x1b[2Kjob J [####################] 100% success\n\r\x1b[2K  dataio_0     guest:9999 success  host:10000 success\n\r\x1b[2K  hetero_lr_0  arbiter:10000 success\n';
  assert.is(r.stderr, first + last);
});

test('stop-job: {job_id}, --operate kill; unknown job → exit 1', async () => {
  srv.routes.set('/v1/job/stop', (req) => {
    const b = jsonBody(req) as { job_id: string; operate?: string };
    if (b.job_id !== 'J') return { retcode: 100, retmsg: `can not found job: ${b.job_id}` };
    return { retcode: 0, retmsg: b.operate === 'kill' ? 'kill job success' : 'cancel job success' };
  });
  const a = await run(['stop-job', '-j', 'J', '--server', srv.url]);
  assert.is(a.code, 0);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J' });
  assert.equal(JSON.parse(a.stdout), { retcode: 0, retmsg: 'cancel job success' });
  const b = await run(['-f', 'stop_job', '-j', 'J', '-operate', 'kill', '--server', srv.url]);
  assert.is(b.code, 0);
  assert.equal(jsonBody(srv.requests[1]!), { job_id: 'J', operate: 'kill' });
  const c = await run(['stop-job', '-j', 'X', '--server', srv.url]);
  assert.is(c.code, 1);
  assert.equal(JSON.parse(c.stdout), { retcode: 100, retmsg: 'can not found job: X' });
});

test('query-task: filters → {job_id, component_name, role, party_id, status}; 101 → exit 1', async () => {
  const rows = [task('hetero_lr_0', 'guest', '9999', 'success', 1)];
  srv.routes.set('/v1/job/task/query', (req) => ((jsonBody(req) as { job_id?: string }).job_id === 'J' ? { ...ok, data: rows } : { retcode: 101, retmsg: 'find task failed' }));
  const a = await run(['query-task', '-j', 'J', '-cpn', 'hetero_lr_0', '-r', 'guest', '-p', '9999', '-s', 'success', '--server', srv.url]);
  assert.is(a.code, 0);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J', component_name: 'hetero_lr_0', role: 'guest', party_id: '9999', status: 'success' });
  assert.equal(JSON.parse(a.stdout), { ...ok, data: rows });
  const b = await run(['-f', 'query_task', '-j', 'J', '--server', srv.url]);
  assert.is(b.code, 0);
  assert.equal(jsonBody(srv.requests[1]!), { job_id: 'J' });
  const c = await run(['query-task', '-s', 'running', '--server', srv.url]);
  assert.is(c.code, 1);
  assert.equal(jsonBody(srv.requests[2]!), { status: 'running' });
});

const jobConfigData = {
  job_id: 'J',
  dsl: dsl,
  runtime_conf: { ...conf, job_parameters: { work_mode: 0, model_id: 'arbiter-10000#guest-9999#host-10000#model', model_version: 'J' } },
  train_runtime_conf: {},
  model_info: { model_id: 'arbiter-10000#guest-9999#host-10000#model', model_version: 'J' },
};

test('job-config: writes the four files into <o>/job_<id>_config/, prints the answer without the confs', async () => {
  srv.routes.set('/v1/job/config', () => ({ ...ok, data: jobConfigData }));
  const r = await run(['job-config', '-j', 'J', '-r', 'guest', '-p', '9999', '-o', 'out', '--server', srv.url], { cwd: root });
  assert.is(r.code, 0, r.stderr);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J', role: 'guest', party_id: '9999' });
  const dir = join(root, 'out', 'job_J_config');
  assert.equal(readdirSync(dir).sort(), ['dsl.json', 'model_info.json', 'runtime_conf.json', 'train_runtime_conf.json']);
  for (const k of ['dsl', 'runtime_conf', 'train_runtime_conf', 'model_info'] as const) {
    const text = readFileSync(join(dir, `${k}.json`), 'utf8');
    assert.equal(JSON.parse(text), jobConfigData[k], k);
  }
  assert.is(readFileSync(join(dir, 'model_info.json'), 'utf8'), `${JSON.stringify(jobConfigData.model_info, null, 4)}\n`);
  assert.equal(JSON.parse(r.stdout), {
    retcode: 0,
    retmsg: `download successfully, please check ${dir} directory`,
    data: { job_id: 'J', model_info: jobConfigData.model_info },
    directory: dir,
  });
  // FATE style, absolute -o, existing directory reused
  const f = await run(['-f', 'job_config', '-j', 'J', '-r', 'guest', '-p', '9999', '-o', join(root, 'out'), '--server', srv.url]);
  assert.is(f.code, 0, f.stderr);
  assert.is(JSON.parse(f.stdout).directory, dir);
});

test('job-config: not found → printed, exit 1, nothing written; a server job_id that is not a plain name is not used as a path', async () => {
  srv.routes.set('/v1/job/config', () => ({ retcode: 101, retmsg: 'find job failed' }));
  const r = await run(['job-config', '-j', 'NOPE', '-r', 'guest', '-p', '9999', '-o', 'none', '--server', srv.url], { cwd: root });
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), { retcode: 101, retmsg: 'find job failed' });
  assert.not.ok(existsSync(join(root, 'none')));
  srv.routes.set('/v1/job/config', () => ({ ...ok, data: { ...jobConfigData, job_id: '../../escape' } }));
  const e = await run(['job-config', '-j', 'J2', '-r', 'guest', '-p', '9999', '-o', 'safe', '--server', srv.url], { cwd: root });
  assert.is(e.code, 0, e.stderr);
  assert.ok(existsSync(join(root, 'safe', 'job_J2_config', 'dsl.json')));
  // the output path is a file: cannot create the directory → exit 1 with a message
  writeJson('afile', 'x');
  const w = await run(['job-config', '-j', 'J', '-r', 'guest', '-p', '9999', '-o', 'afile', '--server', srv.url], { cwd: root });
  assert.is(w.code, 1);
  assert.ok(w.stderr.startsWith(`fedflow job-config: cannot write ${join(root, 'afile', 'job_J_config')}: ENOTDIR`), w.stderr);
  assert.is(w.stdout, '');
});

test('update-job: {job_id, role, party_id, notes}; missing row → exit 1', async () => {
  srv.routes.set('/v1/job/update', (req) => ((jsonBody(req) as { job_id: string }).job_id === 'J' ? ok : { retcode: 101, retmsg: 'find job failed' }));
  const a = await run(['update-job', '-j', 'J', '-r', 'guest', '-p', '9999', '--notes', 'lr baseline', '--server', srv.url]);
  assert.is(a.code, 0);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J', role: 'guest', party_id: '9999', notes: 'lr baseline' });
  assert.equal(JSON.parse(a.stdout), ok);
  const b = await run(['-f', 'update_job', '-j', 'X', '-r', 'host', '-p', '10000', '-notes', 'n', '--server', srv.url]);
  assert.is(b.code, 1);
  assert.equal(jsonBody(srv.requests[1]!), { job_id: 'X', role: 'host', party_id: '10000', notes: 'n' });
  const u = await run(['update-job', '-j', 'J', '-r', 'guest', '-p', '9999', '--server', srv.url]);
  assert.is(u.code, 2);
  assert.is(u.stderr, "fedflow update-job: missing required option --notes <text>\nRun 'fedflow update-job --help' for usage.\n");
});

test('dag-dependency: by job id, or by conf + DSL files', async () => {
  const dependency = {
    ...ok,
    data: {
      component_list: ['dataio_0', 'hetero_lr_0'],
      dependencies: { hetero_lr_0: [{ component_name: 'dataio_0', type: 'data' }] },
      component_module: { dataio_0: 'DataIO', hetero_lr_0: 'HeteroLR' },
      component_need_run: { dataio_0: false, hetero_lr_0: true },
    },
  };
  srv.routes.set('/v1/pipeline/dag/dependency', () => dependency);
  const a = await run(['dag-dependency', '-j', 'J', '-r', 'arbiter', '-p', '10000', '--server', srv.url]);
  assert.is(a.code, 0);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J', role: 'arbiter', party_id: '10000' });
  assert.equal(JSON.parse(a.stdout), dependency);
  const b = await run(['-f', 'dag_dependency', '-c', 'conf.json', '-d', 'dsl.json', '-r', 'guest', '-p', '9999', '--server', srv.url], { cwd: root });
  assert.is(b.code, 0, b.stderr);
  assert.equal(jsonBody(srv.requests[1]!), { job_dsl: dsl, job_runtime_conf: conf, role: 'guest', party_id: '9999' });
  srv.routes.set('/v1/pipeline/dag/dependency', () => ({ retcode: 100, retmsg: 'role judge is unknown, can not extract component dependency' }));
  const c = await run(['dag-dependency', '-j', 'J', '-r', 'judge', '-p', '1', '--server', srv.url]);
  assert.is(c.code, 1);
  const d = await run(['dag-dependency', '-c', confPath, '-d', 'missing.json', '-r', 'guest', '-p', '9999', '--server', srv.url], { cwd: root });
  assert.is(d.code, 1);
  assert.is(d.stderr, 'fedflow dag-dependency: dsl file missing.json does not exist\n');
  assert.is(srv.requests.length, 3);
});

test.run();
