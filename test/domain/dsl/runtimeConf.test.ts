import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Outcome } from '../../../src/domain/dsl/errors.js';
import {
  checkWorkMode,
  modelIdOf,
  normalizeRuntimeConf,
  partyModelId,
  type ConfOptions,
  type NormalizedConf,
} from '../../../src/domain/dsl/runtimeConf.js';
import { copy, example } from './examples.js';

const JOB_ID = '202011101532147423781';
const standalone: ConfOptions = { jobId: JOB_ID, serverWorkMode: 0, defaultTimeoutSeconds: 604800 };
const cluster: ConfOptions = { ...standalone, serverWorkMode: 1 };
const baseConf = () => copy(example('standalone', 'hetero_lr_conf.json'));

const ok = (outcome: Outcome<NormalizedConf>): NormalizedConf => {
  if (!outcome.ok) throw new Error(`expected ok, got: ${outcome.message}`);
  return outcome.value;
};
const refusal = (outcome: Outcome<unknown>): { kind: string; message: string } => {
  if (outcome.ok) throw new Error('expected a refusal');
  return { kind: outcome.kind, message: outcome.message };
};

const WORK_MODE = 'the following arguments are required:  work_mode=(<WorkMode.CLUSTER: 1>, <WorkMode.STANDALONE: 0>)';

const workMode = suite('runtime conf: work_mode (5.4 step 1)');

workMode('given a conf without work_mode, when normalised, then the double-space required-arguments message', () => {
  const conf = baseConf();
  delete conf.job_parameters.work_mode;
  assert.equal(refusal(normalizeRuntimeConf(conf, standalone)), { kind: 'invalid', message: WORK_MODE });
});

workMode('given a conf without job_parameters, when normalised, then the work_mode message', () => {
  const conf = baseConf();
  delete conf.job_parameters;
  assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, WORK_MODE);
});

workMode('given work_mode 2 or "0", when normalised, then the work_mode message', () => {
  for (const value of [2, '0', true, null]) {
    const conf = baseConf();
    conf.job_parameters.work_mode = value;
    assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, WORK_MODE, String(value));
  }
});

workMode('given a cluster job, when a standalone server normalises it, then it is refused', () => {
  const conf = baseConf();
  conf.job_parameters.work_mode = 1;
  assert.equal(refusal(normalizeRuntimeConf(conf, standalone)), {
    kind: 'invalid',
    message: 'server run on standalone can not support cluster mode job',
  });
});

workMode('given a standalone job, when a cluster server normalises it, then a distinct kind lets the caller forward it', () => {
  assert.is(refusal(normalizeRuntimeConf(baseConf(), cluster)).kind, 'standalone-job-on-cluster');
  assert.is(refusal(checkWorkMode(baseConf(), cluster.serverWorkMode)).kind, 'standalone-job-on-cluster');
});

workMode('given the cluster example, when a cluster server normalises it, then work mode 1 is accepted', () => {
  assert.is(ok(normalizeRuntimeConf(example('cluster', 'hetero_lr_conf.json'), cluster)).workMode, 1);
});
workMode.run();

const shape = suite('runtime conf: required keys and party ids (5.4 steps 2 and 5)');

shape('given a conf without initiator and role, when normalised, then both are named with a trailing space', () => {
  const conf = baseConf();
  delete conf.initiator;
  delete conf.role;
  assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, 'the following arguments are required: initiator,role ');
});

shape('given an initiator without party_id, when normalised, then party_id is required', () => {
  const conf = baseConf();
  delete conf.initiator.party_id;
  assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, 'the following arguments are required: party_id ');
});

shape('given string party ids, when normalised, then the conf holds ints', () => {
  const conf = baseConf();
  conf.initiator.party_id = '9999';
  conf.role = { guest: ['9999'], host: [' 10000 '], arbiter: [10001] };
  const n = ok(normalizeRuntimeConf(conf, standalone));
  assert.equal(n.conf['initiator'], { role: 'guest', party_id: 9999 });
  assert.equal(n.conf['role'], { guest: [9999], host: [10000], arbiter: [10001] });
  assert.equal(n.roles, { guest: [9999], host: [10000], arbiter: [10001] });
  assert.equal(n.initiator, { role: 'guest', partyId: 9999 });
});

shape('given a non-numeric host party id, when normalised, then the message names the role and the value', () => {
  const conf = baseConf();
  conf.role.host = ['10000', 'abc'];
  const { message } = refusal(normalizeRuntimeConf(conf, standalone));
  assert.ok(message.includes('host') && message.includes("'abc'"), message);
  assert.ok(message.startsWith('invalid literal for int() with base 10'), message);
});

shape('given a fractional party id, when normalised, then it is refused rather than truncated', () => {
  const conf = baseConf();
  conf.role.arbiter = [10001.5];
  assert.ok(refusal(normalizeRuntimeConf(conf, standalone)).message.includes('arbiter'));
});

shape('given an initiator party not listed under its role, when normalised, then "initiator party id error <id>"', () => {
  const conf = baseConf();
  conf.initiator.party_id = '9998';
  assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, 'initiator party id error 9998');
  const other = baseConf();
  other.initiator.role = 'local';
  assert.is(refusal(normalizeRuntimeConf(other, standalone)).message, 'initiator party id error 9999');
});

shape('given CLI-injected top-level keys, when normalised, then they are kept verbatim and the input is untouched', () => {
  const conf = baseConf();
  conf.function = 'submit_job';
  conf.config = '/data/conf.json';
  conf.dsl = { nested: [1, { a: null }] };
  const before = copy(conf);
  const n = ok(normalizeRuntimeConf(conf, standalone));
  assert.is(n.conf['function'], 'submit_job');
  assert.is(n.conf['config'], '/data/conf.json');
  assert.equal(n.conf['dsl'], { nested: [1, { a: null }] });
  assert.equal(n.conf['role_parameters'], before.role_parameters);
  assert.equal(conf, before);
});
shape.run();

const jobType = suite('runtime conf: job type, model id and version (5.4 step 3, section 2)');

jobType('given a training conf with user model ids, when normalised, then model_id and model_version are overwritten', () => {
  const conf = baseConf();
  conf.job_parameters.model_id = 'mine';
  conf.job_parameters.model_version = 'v1';
  const n = ok(normalizeRuntimeConf(conf, standalone));
  assert.is(n.jobType, 'train');
  assert.is(n.modelId, 'arbiter-10001#guest-9999#host-10000#model');
  assert.is(n.modelVersion, JOB_ID);
  const jp = n.conf['job_parameters'] as Record<string, unknown>;
  assert.is(jp['model_id'], 'arbiter-10001#guest-9999#host-10000#model');
  assert.is(jp['model_version'], JOB_ID);
});

jobType('given a job_type other than predict, when normalised, then it is a training job', () => {
  const conf = baseConf();
  conf.job_parameters.job_type = 'whatever';
  assert.is(ok(normalizeRuntimeConf(conf, standalone)).jobType, 'train');
});

jobType('given a predict conf without model_id and model_version, when normalised, then both are required', () => {
  const conf = copy(example('standalone', 'hetero_lr_predict_conf.json'));
  delete conf.job_parameters.model_id;
  delete conf.job_parameters.model_version;
  assert.is(refusal(normalizeRuntimeConf(conf, standalone)).message, 'the following arguments are required: model_id,model_version ');
});

jobType('given a predict conf with model id and version, when normalised, then they are kept', () => {
  const conf = copy(example('standalone', 'hetero_lr_predict_conf.json'));
  conf.job_parameters.model_id = 'arbiter-10001#guest-9999#host-10000#model';
  conf.job_parameters.model_version = '2020';
  const n = ok(normalizeRuntimeConf(conf, standalone));
  assert.is(n.jobType, 'predict');
  assert.is(n.modelId, 'arbiter-10001#guest-9999#host-10000#model');
  assert.is(n.modelVersion, '2020');
  assert.is((n.conf['job_parameters'] as Record<string, unknown>)['model_version'], '2020');
});

jobType('given roles in any order with repeated hosts, when the model id is made, then roles and ids are sorted and unique', () => {
  assert.is(modelIdOf({ host: [10001, 10000, 10000], guest: [9999] }), 'guest-9999#host-10000_10001#model');
  assert.is(modelIdOf({ host: [9, 10] }), 'host-9_10#model');
  assert.is(modelIdOf({ guest: [10000], host: [10000], arbiter: [10000] }), 'arbiter-10000#guest-10000#host-10000#model');
});

jobType('given a role, party and model id, when the party model id is made, then it is role#party#model_id', () => {
  assert.is(
    partyModelId('guest', 9999, 'arbiter-10000#guest-9999#host-10000#model'),
    'guest#9999#arbiter-10000#guest-9999#host-10000#model',
  );
});
jobType.run();

const timeout = suite('runtime conf: timeout');

timeout('given no timeout, when normalised, then the caller default applies', () => {
  assert.is(ok(normalizeRuntimeConf(baseConf(), standalone)).timeoutSeconds, 604800);
});

timeout('given a timeout, when normalised, then it is used', () => {
  const conf = baseConf();
  conf.job_parameters.timeout = 3600;
  assert.is(ok(normalizeRuntimeConf(conf, standalone)).timeoutSeconds, 3600);
});

timeout('given a zero, negative or textual timeout, when normalised, then it is refused', () => {
  for (const value of [0, -5, 'soon']) {
    const conf = baseConf();
    conf.job_parameters.timeout = value;
    assert.ok(refusal(normalizeRuntimeConf(conf, standalone)).message.includes('timeout'), String(value));
  }
});
timeout.run();
