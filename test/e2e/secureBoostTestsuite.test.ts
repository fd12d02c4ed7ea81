// FATE 1.4.5's hetero_secureboost testsuite (examples/federatedml-1.x-examples/hetero_secureboost/
// hetero_secureboost_testsuite.json) on one real standalone node, every task's conf and DSL as FATE's
// runner renders them (test_default_env.json: guest 10000, hosts 9998, 9999, …, arbiter 9999, by
// position; a predict task gets its train task's model_id/model_version), each job must end success.
// To keep `npm test` short, Paillier confs run with a 512-bit key and the tasks whose point is not
// encryption (cross-validation, the 20-tree multi-class and the 50-tree two-host tasks) with plaintext
// maths (Paillier multi-class is proven in test/components/heteroSecureBoost/lossless.test.ts);
// SB_SUITE_AS_IS=1 runs every conf exactly as shipped (Paillier 1024, slow).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { FIXTURES } from '../support/fixtures.js';
import { post, SHARED_DATA, waitForJob } from '../support/http.js';

const ROOT = join(FIXTURES, 'fate-examples');
const SUITE = join(ROOT, 'examples', 'federatedml-1.x-examples', 'hetero_secureboost', 'hetero_secureboost_testsuite.json');
const ENV = JSON.parse(readFileSync(join(ROOT, 'examples', 'test_default_env.json'), 'utf8')) as { role: Record<string, number[]> };
const AS_IS = process.env.SB_SUITE_AS_IS === '1';
const NOT_ABOUT_ENCRYPTION = new Set(['train_multi', 'cv_binary', 'cv_multi', 'cv_regression', 'train_multi_host']);

const json = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));
const spec = json(SUITE) as { data: { file: string; head: number; partition: number; table_name: string; namespace: string }[]; tasks: Record<string, { conf: string; dsl?: string; deps?: string }> };

/** FATE's submit.py rendering: work_mode, the initiator's and every role's party ids from the env, by position. */
function render(conf: any): any {
  const out = structuredClone(conf);
  out.job_parameters = { ...out.job_parameters, work_mode: 0 };
  for (const [role, ids] of Object.entries(out.role as Record<string, number[]>)) out.role[role] = ids.map((_, i) => ENV.role[role]![i]!);
  out.initiator.party_id = ENV.role[out.initiator.role]![0]!;
  return out;
}

let fixture: ExampleNode;
let url = '';
const t = suite('e2e: FATE\'s hetero_secureboost testsuite, unchanged tasks on one standalone node');

t.before(async () => {
  fixture = await startExampleNode('sbt-suite', [], { dataRoots: [tmpdir(), SHARED_DATA, ROOT] });
  url = fixture.node.url;
  for (const d of spec.data) {
    const r = await post(url, '/v1/data/upload', { file: join(ROOT, d.file), head: d.head, partition: d.partition, work_mode: 0, namespace: d.namespace, table_name: d.table_name });
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(url, r.body.jobId, 120_000)).f_status, 'success', d.table_name);
  }
});
t.after(() => fixture?.close());

const modelInfo = new Map<string, { model_id: string; model_version: string }>();

for (const [name, task] of Object.entries(spec.tasks)) {
  t(`${name}: success on every party`, async () => {
    const base = dirname(SUITE);
    const conf = render(json(join(base, task.conf)));
    if (!AS_IS) {
      for (const params of Object.values(conf.algorithm_parameters ?? {}) as any[]) {
        if (String(params.encrypt_param?.method ?? '').toLowerCase() !== 'paillier') continue;
        if (NOT_ABOUT_ENCRYPTION.has(name)) params.encrypt_param = { method: null };
        else params.encrypt_param.key_length = 512;
      }
    }
    let body: Record<string, unknown>;
    if (task.deps) {
      const info = modelInfo.get(task.deps);
      assert.ok(info, `task ${task.deps} must run first`);
      conf.job_parameters.model_id = info!.model_id;
      conf.job_parameters.model_version = info!.model_version;
      body = { job_runtime_conf: conf };
    } else {
      body = { job_runtime_conf: conf, job_dsl: json(join(base, task.dsl!)) };
    }
    const started = Date.now();
    const submit = await post(url, '/v1/job/submit', body);
    assert.is(submit.body.retcode, 0, submit.body.retmsg);
    if (submit.body.data?.model_info) modelInfo.set(name, submit.body.data.model_info);
    const row = await waitForJob(url, submit.body.jobId, 600_000, 200);
    assert.is(row.f_status, 'success', `${name}: ${row.f_reason ?? ''}`);
    const parties = await post(url, '/v1/job/query', { job_id: submit.body.jobId });
    for (const p of parties.body.data as { f_role: string; f_party_id: string; f_status: string }[]) assert.is(p.f_status, 'success', `${name}: ${p.f_role} ${p.f_party_id}`);
    console.log(`    ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s, job ${submit.body.jobId}`);
  });
}

t.run();
