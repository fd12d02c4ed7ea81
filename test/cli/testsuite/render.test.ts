import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_ENV, SuiteError, parseEnv, partyOf } from '../../../src/cli/testsuite/env.js';
import { recursiveUpdate, renderConf } from '../../../src/cli/testsuite/render.js';

const env = suite('testsuite env (FATE default_env.json format)');

env('FATE\'s test_default_env.json parses to its roles; host_1 and arbiter_0 are both 9999', () => {
  const parsed = parseEnv({
    role: { guest: [10000], host: [9998, 9999, 10000, 10001, 10002], arbiter: [9999] },
    ip_map: { '9998': -1, '9999': -1, '10000': -1 },
    force_upload: -1, work_mode: 0, backend: 0, spark_submit_config: {},
  });
  assert.equal(parsed.role, DEFAULT_ENV.role);
  assert.is(parsed.forceUpload, -1);
  assert.is(partyOf(parsed, 'host_1'), 9999);
  assert.is(partyOf(parsed, 'arbiter_0'), 9999);
  assert.is(partyOf(parsed, 'guest_0'), 10000);
});

env('defaults: work_mode 0, force_upload 1 (a rerun replaces the tables)', () => {
  const parsed = parseEnv({ role: { guest: ['10000'] } });
  assert.equal(parsed.role, { guest: [10000], host: [], arbiter: [] });
  assert.is(parsed.workMode, 0);
  assert.is(parsed.forceUpload, 1);
});

env('bad env files and role references are refused with messages naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /must hold a JSON object/],
    [{}, /no "role" object/],
    [{ role: { guest: [] } }, /at least one party id/],
    [{ role: { guest: [10000], judge: [1] } }, /unknown role "judge"/],
    [{ role: { guest: [-3] } }, /role.guest\[0\] must be a party id/],
    [{ role: { guest: [1] }, work_mode: 3 }, /work_mode must be one of 0, 1/],
    [{ role: { guest: [1] }, ip_map: { '1': '10.0.0.1' } }, /not an ssh host/],
  ];
  for (const [value, message] of cases) assert.throws(() => parseEnv(value), (e: Error) => e instanceof SuiteError && message.test(e.message), JSON.stringify(value));
  assert.throws(() => partyOf(DEFAULT_ENV, 'host_7'), /the env has 5 host parties/);
  assert.throws(() => partyOf(DEFAULT_ENV, 'guest'), /must look like guest_0/);
  assert.equal(parseEnv({ role: { guest: [1] }, ip_map: { '1': 'http://10.0.0.1:9380/' } }).ipMap, { '1': 'http://10.0.0.1:9380' });
});
env.run();

const render = suite('testsuite conf rendering (FATE submit.py render)');
const conf = () => ({
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 1 },
  role: { guest: [9999], host: [10000, 10001], arbiter: [10002] },
  role_parameters: { host: { args: { data: { data: [{ name: 'a' }, { name: 'b' }] } } } },
  algorithm_parameters: { hetero_lr_0: { max_iter: 10, encrypt_param: { method: 'Paillier' } } },
});

render('party ids replaced by position from the env, work_mode and backend set, input untouched', () => {
  const input = conf();
  const out = renderConf(input, DEFAULT_ENV) as any;
  assert.equal(out.initiator, { role: 'guest', party_id: 10000 });
  assert.equal(out.role, { guest: [10000], host: [9998, 9999], arbiter: [9999] });
  assert.equal(out.job_parameters, { work_mode: 0, backend: 0 });
  assert.equal(out.role_parameters, input.role_parameters);
  assert.equal(input.role.host, [10000, 10001]);
});

render('predict: model_id and model_version from the train task; the initiator may be the host', () => {
  const c = { ...conf(), initiator: { role: 'host', party_id: 1 } };
  const out = renderConf(c, DEFAULT_ENV, { model_id: 'm', model_version: 'v' }) as any;
  assert.is(out.initiator.party_id, 9998);
  assert.is(out.job_parameters.model_id, 'm');
  assert.is(out.job_parameters.model_version, 'v');
});

render('substitutes merge recursively before rendering (FATE recursive_update)', () => {
  assert.equal(recursiveUpdate({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2], e: { f: 1 } }), { a: { b: 1, c: 3 }, d: [2], e: { f: 1 } });
  const out = renderConf(conf(), DEFAULT_ENV, undefined, { algorithm_parameters: { hetero_lr_0: { max_iter: 3 } } }) as any;
  assert.equal(out.algorithm_parameters.hetero_lr_0, { max_iter: 3, encrypt_param: { method: 'Paillier' } });
});

render('a conf needing more parties than the env has, or no initiator, is a clear error', () => {
  const small = parseEnv({ role: { guest: [1], host: [2] } });
  assert.throws(() => renderConf(conf(), small), /conf needs 2 host parties, the env has 1 \(2\)/);
  assert.throws(() => renderConf({ role: {} }, DEFAULT_ENV), /no initiator.role/);
  assert.throws(() => renderConf({ initiator: { role: 'arbiter' }, role: {} }, small), /no arbiter party for the initiator/);
});
render.run();
