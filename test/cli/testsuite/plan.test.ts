import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { DEFAULT_ENV } from '../../../src/cli/testsuite/env.js';
import { defaultDataBase, findSuites } from '../../../src/cli/testsuite/files.js';
import { filterTasks, planSuite } from '../../../src/cli/testsuite/plan.js';
import { exitStatus, formatResults, jobOutcome } from '../../../src/cli/testsuite/results.js';
import { parseTestsuiteArgs } from '../../../src/cli/testsuite/options.js';
import { FATE_EXAMPLES } from '../../support/fixtures.js';

const plan = suite('testsuite planning (FATE run_test.py order)');
const lrSuite = {
  data: [
    { file: 'examples/data/g.csv', head: 1, partition: 16, table_name: 'g', namespace: 'ns', role: 'guest_0' },
    { file: '/abs/h.csv', head: 1, partition: 16, table_name: 'h', namespace: 'ns', role: 'host_1' },
  ],
  tasks: {
    predict_a: { conf: './p.json', deps: 'train_a' },
    train_a: { conf: './a.json', dsl: './dsl.json', substitutes: { small: { job_parameters: { x: 1 } } } },
    train_b: { conf: 'b.json', dsl: 'dsl.json' },
    broken: { dsl: 'dsl.json' },
  },
};

plan('uploads at the named party, files against the data base then the suite folder; trains before predicts', () => {
  const p = planSuite(lrSuite, '/s/examples/m/x', '/s', DEFAULT_ENV);
  assert.equal(p.uploads.map((u) => [u.partyId, u.candidates]), [
    [10000, ['/s/examples/data/g.csv', '/s/examples/m/x/examples/data/g.csv']],
    [9999, ['/abs/h.csv']],
  ]);
  assert.equal(p.tasks.map((t) => [t.name, t.type]), [
    ['train_a', 'train'], ['train_a.small', 'train'], ['train_b', 'train'], ['broken', 'train'], ['predict_a', 'predict'],
  ]);
  assert.is(p.tasks[0]!.conf, '/s/examples/m/x/a.json');
  assert.equal(p.tasks[1]!.substitute, { job_parameters: { x: 1 } });
  assert.is(p.tasks[3]!.invalid, 'conf not specified in broken');
  assert.is(p.tasks[4]!.deps, 'train_a');
});

plan('--tasks keeps the train task a predict needs; --skip drops', () => {
  const p = planSuite(lrSuite, '/s', '/s', DEFAULT_ENV);
  assert.equal(filterTasks(p.tasks, { only: ['predict_a'] }).map((t) => t.name), ['train_a', 'predict_a']);
  assert.equal(filterTasks(p.tasks, { skip: ['broken', 'train_a.small'] }).map((t) => t.name), ['train_a', 'train_b', 'predict_a']);
});

plan('bad suites are refused with the entry named', () => {
  assert.throws(() => planSuite({ data: [{ file: 'x', role: 'host_9', namespace: 'n', table_name: 't' }], tasks: {} }, '/s', '/s', DEFAULT_ENV), /data\[0\]: role host_9: the env has 5 host parties/);
  assert.throws(() => planSuite({ data: [{ file: 'x', role: 'guest_0', table_name: 't' }], tasks: {} }, '/s', '/s', DEFAULT_ENV), /data\[0\]: "namespace" must be a non-empty string/);
  assert.throws(() => planSuite({ data: [] }, '/s', '/s', DEFAULT_ENV), /"tasks" must be an object/);
});

plan('FATE\'s own suites: found below a folder, data relative to the folder holding examples/', () => {
  const root = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples');
  const suites = findSuites(root);
  assert.ok(suites.some((s) => s.endsWith('intersect/intersect_testsuite.json')));
  assert.ok(suites.every((s) => s.endsWith('testsuite.json')));
  const intersect = join(root, 'intersect', 'intersect_testsuite.json');
  assert.is(defaultDataBase(intersect), FATE_EXAMPLES);
  assert.is(defaultDataBase('/tmp/x/my_testsuite.json'), '/tmp/x');
});
plan.run();

const results = suite('testsuite results');

results('a task passes only when every party\'s row says success', () => {
  assert.equal(jobOutcome('success', [{ f_status: 'success' }, { f_status: 'success' }]), { status: 'success' });
  assert.equal(jobOutcome('success', [{ f_status: 'success' }, { f_role: 'host', f_party_id: 9999, f_status: 'failed', f_reason: 'boom' }]), {
    status: 'failed', reason: 'host 9999 ended failed: boom',
  });
  assert.equal(jobOutcome('failed', [{ f_status: 'failed', f_reason: 'x' }]), { status: 'failed', reason: 'x' });
});

results('the table: task  status  job_id  seconds, reasons under it; exit 1 when any task is not success', () => {
  const rows = [
    { suite: 's', task: 'raw_intersect', status: 'success', jobId: '2026', seconds: 3.14 },
    { suite: 's', task: 'lr', status: 'submit_fail', reason: 'retcode 100: bad' },
  ];
  assert.is(formatResults(rows), 'task           status       job_id  seconds\nraw_intersect  success      2026    3.1\nlr             submit_fail  -       -\n\nlr: retcode 100: bad\n');
  assert.is(exitStatus(rows), 1);
  assert.is(exitStatus(rows.slice(0, 1)), 0);
});
results.run();

const options = suite('testsuite options');
options('FATE run_test.py\'s flags, plus --data-base, --tasks, --skip', () => {
  const o = parseTestsuiteArgs(['-s', 'a.json', '-e', 'env.json', '--data-base', 'd', '--tasks', 'a,b', '--tasks', 'c', '--skip', 'x', '--force=-1', '-i', '0.2', '-m', '0']);
  assert.equal(o.tasks, ['a', 'b', 'c']);
  assert.equal(o.skip, ['x']);
  assert.is(o.force, -1);
  assert.is(o.intervalMs, 200);
  assert.is(o.mode, 0);
  assert.is(o.dataBase, 'd');
  assert.throws(() => parseTestsuiteArgs([]), /exactly one of -s/);
  assert.throws(() => parseTestsuiteArgs(['-s', 'a', '-d', 'b']), /exactly one of -s/);
  assert.throws(() => parseTestsuiteArgs(['-s', 'a', '--force', '2']), /--force must be -1, 0 or 1/);
  assert.throws(() => parseTestsuiteArgs(['-s', 'a', '--bogus']), /bogus/);
  assert.throws(() => parseTestsuiteArgs(['-s', 'a', '-i', '0']), /positive number/);
  assert.ok(parseTestsuiteArgs(['--help']).help);
});
options.run();
