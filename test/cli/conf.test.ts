import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfError, loadConf, planDownload, planUpload, resolveLocalFile, toQuery, type LoadedConf } from '../../src/cli/conf.js';

const root = mkdtempSync(join(tmpdir(), 'fedflow-cli-conf-'));
const confDir = join(root, 'confs');
const cwd = join(root, 'work');
mkdirSync(confDir);
mkdirSync(cwd);

test.after(() => rmSync(root, { recursive: true, force: true }));

const loaded = (conf: Record<string, unknown>, dir = '/c'): LoadedConf => ({ conf, path: join(dir, 'conf.json'), dir });
const onlyExists = (...paths: string[]) => (p: string) => paths.includes(p);

test('loadConf reads a JSON object relative to cwd and records its directory', () => {
  writeFileSync(join(confDir, 'up.json'), JSON.stringify({ file: 'a.csv', head: 1 }));
  const c = loadConf('../confs/up.json', cwd);
  assert.equal(c.conf, { file: 'a.csv', head: 1 });
  assert.is(c.path, join(confDir, 'up.json'));
  assert.is(c.dir, confDir);
});

test('loadConf errors: missing file, bad JSON, not an object', () => {
  writeFileSync(join(confDir, 'bad.json'), '{"file": ');
  writeFileSync(join(confDir, 'arr.json'), '[1]');
  assert.throws(() => loadConf('nope.json', cwd), (e: Error) => e instanceof ConfError && /conf file nope.json does not exist/.test(e.message));
  assert.throws(() => loadConf(join(confDir, 'bad.json'), cwd), (e: Error) => e instanceof ConfError && /not valid JSON/.test(e.message));
  assert.throws(() => loadConf(join(confDir, 'arr.json'), cwd), (e: Error) => e instanceof ConfError && /JSON object/.test(e.message));
});

test('resolveLocalFile: conf directory first, then cwd; absolute as is', () => {
  assert.is(resolveLocalFile('d.csv', '/c', '/w', onlyExists('/c/d.csv', '/w/d.csv')), '/c/d.csv');
  assert.is(resolveLocalFile('d.csv', '/c', '/w', onlyExists('/w/d.csv')), '/w/d.csv');
  assert.is(resolveLocalFile('sub/d.csv', '/c', '/w', onlyExists('/c/sub/d.csv')), '/c/sub/d.csv');
  assert.is(resolveLocalFile('/abs/d.csv', '/c', '/w', onlyExists('/abs/d.csv', '/c/abs/d.csv')), '/abs/d.csv');
  assert.is(resolveLocalFile('d.csv', '/c', '/w', onlyExists()), undefined);
});

test('resolveLocalFile with real files ignores directories', () => {
  writeFileSync(join(cwd, 'in-cwd.csv'), 'id,y\n1,0\n');
  mkdirSync(join(confDir, 'in-cwd.csv'));
  assert.is(resolveLocalFile('in-cwd.csv', confDir, cwd), join(cwd, 'in-cwd.csv'));
});

const base = { file: 'data/breast.csv', head: 1, partition: 16, work_mode: 0, namespace: 'experiment', table_name: 'breast' };

test('planUpload: local file → multipart, every field a string query parameter', () => {
  const plan = planUpload(loaded(base), '/w', {}, onlyExists('/c/data/breast.csv'));
  assert.equal(plan, {
    mode: 'multipart',
    localFile: '/c/data/breast.csv',
    query: { file: 'data/breast.csv', head: '1', partition: '16', work_mode: '0', namespace: 'experiment', table_name: 'breast' },
  });
});

test('planUpload: --drop and -n/-t/-w override the conf', () => {
  const plan = planUpload(loaded({ ...base, drop: 0 }), '/w', { drop: 1, namespace: 'ns2', tableName: 't2', workMode: 1 }, onlyExists('/w/data/breast.csv'));
  assert.is(plan.mode, 'multipart');
  if (plan.mode !== 'multipart') return;
  assert.is(plan.localFile, '/w/data/breast.csv');
  assert.equal([plan.query.drop, plan.query.namespace, plan.query.table_name, plan.query.work_mode], ['1', 'ns2', 't2', '1']);
});

test('planUpload: file not on this machine → JSON with the path as given', () => {
  const plan = planUpload(loaded({ ...base, file: 'examples/data/x.csv' }), '/w', { drop: 1 }, onlyExists());
  assert.equal(plan, { mode: 'json', body: { ...base, file: 'examples/data/x.csv', drop: 1, use_local_data: 0 } });
});

test('planUpload: use_local_data 0 or --json-mode → JSON even when the file is local', () => {
  const exists = onlyExists('/c/data/breast.csv');
  assert.is(planUpload(loaded({ ...base, use_local_data: 0 }), '/w', {}, exists).mode, 'json');
  assert.is(planUpload(loaded({ ...base, use_local_data: '0' }), '/w', {}, exists).mode, 'json');
  assert.is(planUpload(loaded(base), '/w', { jsonMode: true }, exists).mode, 'json');
  assert.is(planUpload(loaded({ ...base, use_local_data: 1 }), '/w', {}, exists).mode, 'multipart');
});

test('planUpload: use_local_data 1 with a missing local file is a conf error', () => {
  assert.throws(() => planUpload(loaded({ ...base, use_local_data: 1 }), '/w', {}, onlyExists()), (e: Error) => e instanceof ConfError && /does not exist on this machine/.test(e.message));
});

test('planUpload: no file key → JSON (the server reports the missing field)', () => {
  const { file: _f, ...rest } = base;
  assert.is(planUpload(loaded(rest), '/w', {}, () => true).mode, 'json');
});

test('toQuery stringifies values and drops null/undefined', () => {
  assert.equal(toQuery({ a: 1, b: true, c: 'x', d: null, e: undefined, f: { g: 1 } }), { a: '1', b: 'true', c: 'x', f: '{"g":1}' });
});

test('planDownload makes output_path absolute against cwd (not the conf dir)', () => {
  const conf = { namespace: 'ns', table_name: 't', output_path: 'out/t.csv', work_mode: 0, delimitor: ';' };
  assert.equal(planDownload(loaded(conf), '/w'), { ...conf, output_path: resolve('/w', 'out/t.csv') });
  assert.is(planDownload(loaded({ ...conf, output_path: '/abs/t.csv' }), '/w').output_path, '/abs/t.csv');
  assert.is(planDownload(loaded(conf), '/w', { tableName: 't9' }).table_name, 't9');
});

test.run();
