// `fedflow testsuite` end to end: FATE's intersect testsuite, unchanged, through the CLI against a
// real standalone node (default env: guest 10000, hosts 9998/9999…): every task success.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { main } from '../../src/cli/main.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { FATE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir } from '../support/http.js';

const INTERSECT = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples', 'intersect');
const LR = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples', 'hetero_logistic_regression');
let node: RunningNode;
let dir: string;
const t = suite('e2e: fedflow testsuite');

t.before(async () => {
  dir = tempDir('testsuite');
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir], logLevel: 'silent' }));
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), stderrIsTTY: false, cwd: dir });
  return { code, out, err };
}

t('FATE\'s intersect_testsuite.json unchanged: uploads at guest_0/host_0/host_1, four tasks success, exit 0', async () => {
  const r = await cli(['testsuite', '-s', join(INTERSECT, 'intersect_testsuite.json'), '--server', node.url, '-i', '0.1']);
  assert.is(r.code, 0, r.out + r.err);
  const lines = r.out.split('\n');
  const head = lines.findIndex((l) => /^task\s+status\s+job_id\s+seconds$/.test(l));
  assert.ok(head > 0, r.out);
  const rows = lines.slice(head + 1, head + 5).map((l) => l.split(/\s+/));
  assert.equal(rows.map((c) => [c[0], c[1]]), [
    ['raw_intersect', 'success'], ['rsa_intersect', 'success'], ['rsa_intersect_multi_host', 'success'], ['raw_intersect_multi_host', 'success'],
  ]);
  // The jobs really ran with the env's parties: the multi-host job has guest 10000 and hosts 9998, 9999.
  const multi = rows[2]![2]!;
  const jobs = await post(node.url, '/v1/job/query', { job_id: multi });
  assert.equal(jobs.body.data.map((row: any) => `${row.f_role}:${row.f_party_id}:${row.f_status}`).sort(), ['guest:10000:success', 'host:9998:success', 'host:9999:success']);
  const count = await post(node.url, '/v1/tracking/component/output/data/table', { job_id: multi, component_name: 'intersect_0', role: 'guest', party_id: 10000 });
  assert.is(count.body.retcode, 0, count.body.retmsg);
  assert.match(r.err, /uploading @host_1\(9999\):examples\/data\/breast_hetero_host.csv >> experiment.breast_hetero_host/);
});

t('a failing task is reported in the table with its reason and the exit status is 1; --tasks/--skip filter', async () => {
  const s = join(dir, 'mixed_testsuite.json');
  writeFileSync(join(dir, 'bad_dsl.json'), JSON.stringify({ components: { x_0: { module: 'NoSuchModule', input: { data: { data: ['args.train_data'] } } } } }));
  writeFileSync(s, JSON.stringify({
    data: [],
    tasks: {
      raw: { conf: join(INTERSECT, 'test_intersect_job_raw_conf.json'), dsl: join(INTERSECT, 'test_intersect_job_dsl.json') },
      bad: { conf: join(INTERSECT, 'test_intersect_job_raw_conf.json'), dsl: 'bad_dsl.json' },
      lost: { conf: join(INTERSECT, 'test_intersect_job_raw_conf.json'), deps: 'nowhere' },
    },
  }));
  const r = await cli(['testsuite', '-s', s, '--server', node.url, '-i', '0.1']);
  assert.is(r.code, 1, r.out + r.err);
  assert.match(r.out, /raw\s+success\s+\d+/);
  assert.match(r.out, /bad\s+submit_fail\s+-\s+-/);
  assert.match(r.out, /lost\s+submit_fail/);
  assert.match(r.out, /bad: retcode \d+: .*NoSuchModule/);
  assert.match(r.out, /lost: deps nowhere not found/);
  const only = await cli(['testsuite', '-s', s, '--server', node.url, '-i', '0.1', '--tasks', 'raw']);
  assert.is(only.code, 0, only.out + only.err);
  assert.not.match(only.out, /bad/);
  const unknown = await cli(['testsuite', '-s', s, '--server', node.url, '--skip', 'nope']);
  assert.is(unknown.code, 1);
  assert.match(unknown.err, /no task named nope \(tasks: raw, bad, lost\)/);
});

t('a predict task (deps) gets its train task\'s model_id/model_version; substitutes run as task.sub', async () => {
  // FATE's LR train conf made short (3 iterations, 512-bit keys), FATE's predict conf unchanged.
  const conf = JSON.parse(readFileSync(join(LR, 'test_hetero_lr_train_job_conf.json'), 'utf8'));
  Object.assign(conf.algorithm_parameters.hetero_lr_0, { max_iter: 3, encrypt_param: { method: 'Paillier', key_length: 512 } });
  writeFileSync(join(dir, 'lr_conf.json'), JSON.stringify(conf));
  const s = join(dir, 'lr_testsuite.json');
  writeFileSync(s, JSON.stringify({
    data: [
      { file: join(FATE_EXAMPLES, 'examples', 'data', 'breast_hetero_guest.csv'), head: 1, partition: 4, table_name: 'breast_hetero_guest', namespace: 'experiment', role: 'guest_0' },
      { file: join(FATE_EXAMPLES, 'examples', 'data', 'breast_hetero_host.csv'), head: 1, partition: 4, table_name: 'breast_hetero_host', namespace: 'experiment', role: 'host_0' },
    ],
    tasks: {
      'lr-predict': { conf: join(LR, 'test_predict_conf.json'), deps: 'lr' },
      lr: { conf: 'lr_conf.json', dsl: join(LR, 'test_hetero_lr_train_job_dsl.json'), substitutes: { plain: { algorithm_parameters: { hetero_lr_0: { encrypt_param: { method: null } } } } } },
    },
  }));
  const r = await cli(['testsuite', '-s', s, '--server', node.url, '-i', '0.1']);
  assert.is(r.code, 0, r.out + r.err);
  const rows = r.out.split('\n').filter((l) => /^(lr|lr\.plain|lr-predict)\s/.test(l)).map((l) => l.split(/\s+/));
  assert.equal(rows.map((c) => [c[0], c[1]]), [['lr', 'success'], ['lr.plain', 'success'], ['lr-predict', 'success']]);
  const [train, plain, predict] = rows.map((c) => c[2]!);
  const config = await post(node.url, '/v1/job/config', { job_id: predict, role: 'guest', party_id: 10000 });
  assert.equal(config.body.data.model_info, { model_id: 'arbiter-9999#guest-10000#host-9998#model', model_version: train });
  const plainConf = await post(node.url, '/v1/job/config', { job_id: plain, role: 'guest', party_id: 10000 });
  assert.equal(plainConf.body.data.runtime_conf.algorithm_parameters.hetero_lr_0.encrypt_param, { method: null, key_length: 512 }, 'merged recursively');
});

t.run();
