// Audit and replay on a real node: a small hetero LR job (FATE's example DSL and conf, 2
// iterations, 512-bit Paillier) and a model load. Time travel: the model views (and job views)
// captured live at three moments are answered again afterwards with `as_of`. Then the job is
// exported (and the whole log), replayed into fresh data dirs, and read-only nodes on them answer
// the same queries as the origin, append nothing and refuse writes; a tampered export is refused
// naming its event; `replay --check` finds the views equal to the log, then names a changed row.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { main } from '../../src/cli/main.js';
import { parseEnv } from '../../src/cli/testsuite/env.js';
import { renderConf, type Json } from '../../src/cli/testsuite/render.js';
import { NO_MODEL } from '../../src/api/routes/modelQuery.js';
import { FATE_EXAMPLES } from '../support/fixtures.js';
import { startFakeServing, type FakeServing } from '../support/fakeServing.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const LR = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples', 'hetero_logistic_regression');
const DATA = join(FATE_EXAMPLES, 'examples', 'data');
const json = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const ENV = parseEnv({ role: { guest: [10000], host: [9999], arbiter: [9999] } });

const dir = tempDir('replay-e2e');
const originDir = join(dir, 'origin');
let origin: RunningNode;
let servings: FakeServing[] = [];
let jobId = '';
let modelId = '';
/** Positions and the answers seen live there: before the job, after it, after the model load. */
const moments: { position: string; answers: unknown[] }[] = [];

const t = suite('e2e: audit time travel, export, replay, read-only node');

const head = async (url: string): Promise<string> => (await post(url, '/v1/audit/events', { order: 'newest', limit: 1 })).body.data.events[0].position;

/** Answers read while the log stands still (the head is the same before and after). */
async function stable(url: string, read: () => Promise<unknown[]>): Promise<{ position: string; answers: unknown[] }> {
  for (;;) {
    const before = await head(url);
    const answers = await read();
    if ((await head(url)) === before) return { position: before, answers };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const modelQuery = (url: string, extra: Record<string, unknown> = {}) => post(url, '/v1/model/query', { model_version: jobId, model_id: modelId, ...extra }).then((r) => r.body);
const guestModel = () => ({ namespace: `guest#10000#${modelId}`, name: jobId });
const modelAnswers = async (url: string, extra: Record<string, unknown> = {}) => [
  await modelQuery(url, extra),
  await post(url, '/v1/job/query', { job_id: jobId, ...extra }).then((r) => r.body),
  await post(url, '/v1/job/task/query', { job_id: jobId, ...extra }).then((r) => r.body),
];

t.before(async () => {
  servings = [await startFakeServing(), await startFakeServing()];
  origin = await startNode(buildConfig({ httpPort: 0, dataDir: originDir, dataRoots: [dir, DATA], logLevel: 'silent', servings: { 10000: [servings[0]!.address], 9999: [servings[1]!.address] } }));
  for (const name of ['breast_hetero_guest', 'breast_hetero_host']) {
    const r = await post(origin.url, '/v1/data/upload', { file: join(DATA, `${name}.csv`), head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: name });
    assert.is((await waitForJob(origin.url, r.body.jobId)).f_status, 'success');
  }
  moments.push({ position: await head(origin.url), answers: [] });
  const conf = renderConf(json(join(LR, 'test_hetero_lr_train_job_conf.json')), ENV) as any;
  Object.assign(conf.algorithm_parameters.hetero_lr_0, { max_iter: 2, encrypt_param: { method: 'Paillier', key_length: 512 }, init_param: { init_method: 'zeros' } });
  const submit = await post(origin.url, '/v1/job/submit', { job_dsl: json(join(LR, 'test_hetero_lr_train_job_dsl.json')), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  jobId = submit.body.jobId;
  modelId = submit.body.data.model_info.model_id;
  const row = await waitForJob(origin.url, jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  moments.push(await stable(origin.url, () => modelAnswers(origin.url)));
  const load = await post(origin.url, '/v1/model/load', { initiator: { party_id: '10000', role: 'guest' }, role: { guest: ['10000'], host: ['9999'], arbiter: ['9999'] }, job_parameters: { work_mode: 0, model_id: modelId, model_version: jobId } });
  assert.is(load.body.retcode, 0, load.body.retmsg);
  moments.push(await stable(origin.url, () => modelAnswers(origin.url)));
});

t.after(async () => {
  await origin?.close();
  await Promise.all(servings.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

t('time travel on the model views: as_of answers what was seen live before the job, after it and after the load', async () => {
  const [before, trained, loaded] = moments;
  const afterTraining = trained!.answers[0] as any;
  assert.is(afterTraining.retcode, 0, afterTraining.retmsg);
  assert.equal(afterTraining.data.map((m: any) => `${m.f_role}:${m.f_party_id}`), ['arbiter:9999', 'guest:10000', 'host:9999']);
  assert.ok(afterTraining.data.every((m: any) => m.f_servings.length === 0 && m.f_last_load === null && /^[0-9a-f]{64}$/.test(m.f_sha256)));
  const afterLoad = loaded!.answers[0] as any;
  assert.equal(afterLoad.data.find((m: any) => m.f_role === 'guest').f_servings, [servings[0]!.address]);
  assert.is(afterLoad.data.find((m: any) => m.f_role === 'guest').f_last_load.status, 'success');
  assert.not.equal(afterLoad, afterTraining, 'the load changed the model views');
  // Afterwards, by position and by time.
  assert.equal(await modelAnswers(origin.url, { as_of: trained!.position }), trained!.answers);
  assert.equal(await modelAnswers(origin.url, { as_of: Number(loaded!.position) }), loaded!.answers);
  assert.equal(await modelQuery(origin.url, { as_of: before!.position }), { retcode: 100, retmsg: NO_MODEL });
  assert.equal(await modelQuery(origin.url, { as_of: new Date(Date.now() + 60_000).toISOString() }), await modelQuery(origin.url));
  // /v1/model/transfer: the model a serving could pull then.
  const transfer = (extra: Record<string, unknown>) => post(origin.url, '/v1/model/transfer', { ...guestModel(), ...extra }).then((r) => r.body);
  assert.is((await transfer({})).retcode, 0);
  assert.equal(await transfer({ as_of: trained!.position }), await transfer({}));
  assert.is((await transfer({ as_of: before!.position })).retcode, 100);
  assert.is((await modelQuery(origin.url, { as_of: 'yesterday' })).retcode, 100);
  assert.equal(await post(origin.url, '/v1/model/query', {}).then((r) => r.body), { retcode: 100, retmsg: 'the following arguments are required: model_version ' });
});

/** Every query this test compares between the origin and a read-only node on a replayed dir. */
async function answers(url: string, whole: boolean): Promise<unknown[]> {
  const body = (path: string, b: Record<string, unknown>) => post(url, path, b).then((r) => r.body);
  const out: unknown[] = [
    ...(await modelAnswers(url)),
    ...(await modelAnswers(url, { as_of: moments[1]!.position })),
    await body('/v1/table/table_info', { namespace: 'experiment', table_name: 'breast_hetero_guest' }),
    await body('/v1/table/table_info', { namespace: 'experiment', table_name: 'breast_hetero_host' }),
    await body('/v1/audit/job/timeline', { job_id: jobId }),
    await body('/v1/audit/events', { job_id: jobId, limit: 1000 }),
    await body('/v1/job/config', { job_id: jobId, role: 'guest', party_id: 10000 }),
    await body('/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 9999 }),
    await body('/v1/tracking/component/output/model', { job_id: jobId, component_name: 'hetero_lr_0', role: 'guest', party_id: 10000 }),
    await body('/v1/tracking/component/parameters', { job_id: jobId, component_name: 'hetero_lr_0', role: 'guest', party_id: 10000 }),
    await body('/v1/tracking/job/data_view', { job_id: jobId, role: 'guest', party_id: 10000 }),
  ];
  if (whole) out.push(await body('/v1/data/upload/history', {}), await body('/v1/job/task/query', {}));
  return out;
}

function logState(dataDir: string): { file: string; rows: unknown } {
  const file = join(dataDir, 'events.sqlite');
  const db = new Database(file, { readonly: true });
  try {
    return { file: createHash('sha256').update(readFileSync(file)).digest('hex'), rows: db.prepare('SELECT COUNT(*) AS n, MAX(position) AS head, (SELECT COUNT(*) FROM chain_checkpoints) AS checkpoints FROM events').get() };
  } finally {
    db.close();
  }
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

for (const whole of [false, true]) {
  t(`${whole ? 'the whole log' : 'the job (-j)'}: export → replay → a read-only node answers as the origin, appends nothing, refuses writes`, async () => {
    const name = whole ? 'all' : 'job';
    const file = join(dir, `${name}.jsonl`);
    const exported = await cli(['events', 'export', ...(whole ? [] : ['-j', jobId]), '--data-dir', originDir, '-o', file]);
    assert.is(exported.code, 0, exported.err);
    const replayDir = join(dir, `replayed-${name}`);
    const replayed = await cli(['replay', file, '--data-dir', replayDir]);
    assert.is(replayed.code, 0, replayed.err);
    assert.match(replayed.out, /chain verified/);
    const verified = await cli(['audit', 'verify', '--data-dir', replayDir]);
    assert.is(verified.code, 0, verified.out);
    if (!whole) {
      const tables = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'table');
      // The input tables and the job's output tables, each with the sha256 of its rows at the origin.
      const names = tables.map((tb) => `${tb.namespace}/${tb.name}`);
      assert.ok(names.includes('experiment/breast_hetero_guest') && names.includes('experiment/breast_hetero_host'), names.join(' '));
      assert.ok(names.includes(`output_data_${jobId}_hetero_lr_0_guest_10000/train`), names.join(' '));
      assert.ok(tables.every((tb) => /^[0-9a-f]{64}$/.test(tb.sha256) && tb.bytes > 0), 'the tables\' rows are digested');
    }

    const before = logState(replayDir);
    const readOnly = await startNode(buildConfig({ httpPort: 0, dataDir: replayDir, logLevel: 'silent', readOnly: true }));
    try {
      const originAnswers = await answers(origin.url, whole);
      // Real answers, not the same refusal on both sides.
      assert.equal(originAnswers.map((a: any) => a.retcode), originAnswers.map(() => 0));
      assert.equal(await answers(readOnly.url, whole), originAnswers);
      for (const [path, b] of [['/v1/job/submit', { job_dsl: {}, job_runtime_conf: {} }], ['/v1/data/upload', {}], ['/v1/job/stop', { job_id: jobId }], ['/v1/table/delete', { namespace: 'experiment', table_name: 'breast_hetero_guest' }], ['/v1/model/load', {}]] as const) {
        assert.equal((await post(readOnly.url, path, b)).body, { retcode: 100, retmsg: `this node is read-only (fedflow node --read-only): ${path} would change its state and is refused; it answers queries only` });
      }
      assert.is((await post(readOnly.url, '/v1/table/table_info', { namespace: 'experiment', table_name: 'breast_hetero_guest' })).body.data.count, 569, 'the table is still there');
    } finally {
      await readOnly.close();
    }
    assert.equal(logState(replayDir), before, 'the read-only node appended nothing, not even a checkpoint');
    assert.not.ok(existsSync(join(replayDir, 'node-key.pem')), 'and made no key');
    assert.is((await cli(['replay', '--check', '--data-dir', replayDir])).code, 0);
  });
}

t('a tampered export is refused naming the event; nothing is written', async () => {
  const text = readFileSync(join(dir, 'job.jsonl'), 'utf8');
  const lines = text.trimEnd().split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"JobCreated"'));
  const created = JSON.parse(lines[i]!);
  // Someone makes the record say the job ran 20 iterations.
  lines[i] = lines[i]!.replace('"max_iter":2', '"max_iter":20');
  assert.not.equal(lines[i], text.trimEnd().split('\n')[i], 'the edit happened');
  writeFileSync(join(dir, 'tampered.jsonl'), `${lines.join('\n')}\n`);
  const target = join(dir, 'replayed-tampered');
  const { code, err } = await cli(['replay', join(dir, 'tampered.jsonl'), '--data-dir', target]);
  assert.is(code, 1);
  assert.ok(err.includes(`refused: event at position ${created.position} (stream ${created.stream}, revision ${created.revision}, JobCreated) was changed: its hash does not match its content`), err);
  assert.not.ok(existsSync(join(target, 'events.sqlite')));
});

t('replay --check: the origin\'s live views match its log; a changed view row is named', async () => {
  const live = await cli(['replay', '--check', '--data-dir', originDir]);
  assert.is(live.code, 0, live.out + live.err);
  assert.match(live.out, /^ok: the views match the log: \d+ views, \d+ rows compared at position \d+/);
  // The job's commands (create, start, tasks, progress, model, publish) re-driven through today's deciders.
  const redriven = /\nok: today's deciders re-drove (\d+) recorded command\(s\) of \d+ stream\(s\): (\d+) produce the recorded events, 0 do not/.exec(live.out);
  assert.ok(redriven, live.out);
  assert.ok(Number(redriven[1]) > 10 && redriven[1] === redriven[2], live.out);
  const json = JSON.parse((await cli(['replay', '--check', '--data-dir', originDir, '--json'])).out) as { ok: boolean; commands: { redriven: number; differences: unknown[] } };
  assert.ok(json.ok && json.commands.redriven === Number(redriven[1]) && json.commands.differences.length === 0);
  const replayDir = join(dir, 'replayed-all');
  const db = new Database(join(replayDir, 'views.sqlite'));
  db.prepare("UPDATE t_job SET f_status = 'failed' WHERE f_job_id = ? AND f_role = 'host'").run(jobId);
  db.close();
  const changed = await cli(['replay', '--check', '--data-dir', replayDir]);
  assert.is(changed.code, 1);
  assert.match(changed.out, new RegExp(`^DIFFERENT at position \\d+: t_job: row \\(seq=\\d+, f_job_id=${jobId}, f_role=host, f_party_id=9999\\) differs in f_status(, f_update_time)?: f_status is "failed" in the live views, "success" rebuilt from the log`));
});

t.run();
