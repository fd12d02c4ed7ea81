// upload/download against a fake flow server: transport choice, answer printing, the waiting loop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, jobSequence, run, startFakeServer, type FakeServer } from './helpers.js';

let srv: FakeServer;
const root = mkdtempSync(join(tmpdir(), 'fedflow-cli-upload-'));
const confDir = join(root, 'conf');
const cwd = join(root, 'cwd');
mkdirSync(confDir);
mkdirSync(cwd);
const csv = 'id,y,x0\n1,0,0.5\n2,1,0.25\n';
writeFileSync(join(confDir, 'guest.csv'), csv);

const uploadConf = { file: 'guest.csv', head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: 'guest' };
function writeConf(name: string, conf: unknown): string {
  const p = join(confDir, name);
  writeFileSync(p, JSON.stringify(conf));
  return p;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const formOf = (body: Buffer, contentType: string): Promise<FormData> =>
  new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();

const accepted = (jobId: string) => ({
  retcode: 0,
  retmsg: 'success',
  jobId,
  data: { table_name: 'guest', namespace: 'experiment', board_url: `http://b/?job_id=${jobId}` },
});

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

test('upload: local file goes multipart, job waited waiting → running → success, exit 0', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J1'));
  srv.routes.set('/v1/job/query', jobSequence('J1', [
    { f_status: 'waiting', f_progress: 0 },
    { f_status: 'running', f_progress: 50 },
    { f_status: 'running', f_progress: 50 },
    { f_status: 'success', f_progress: 100 },
  ]));
  const r = await run(['upload', '-c', writeConf('up.json', uploadConf), '--server', srv.url], { cwd });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), accepted('J1'));
  assert.is(r.stdout, `${JSON.stringify(accepted('J1'), null, 2)}\n`);
  const up = srv.requests[0]!;
  assert.is(up.method, 'POST');
  assert.is(up.path, '/v1/data/upload');
  assert.match(up.contentType, /^multipart\/form-data; boundary=/);
  assert.is(up.headers['content-length'], String(up.body.length), 'exact Content-Length');
  assert.is(up.headers['transfer-encoding'], undefined, 'not chunked');
  assert.equal(up.query, { file: 'guest.csv', head: '1', partition: '4', work_mode: '0', namespace: 'experiment', table_name: 'guest' });
  const file = (await formOf(up.body, up.contentType)).get('file') as File;
  assert.ok(file, 'multipart part "file"');
  assert.is(file.name, 'guest.csv');
  assert.is(await file.text(), csv);
  const polls = srv.requests.filter((q) => q.path === '/v1/job/query');
  assert.is(polls.length, 4);
  assert.equal(JSON.parse(polls[0]!.body.toString()), { job_id: 'J1' });
  assert.match(polls[0]!.contentType, /application\/json/);
  assert.is(r.stderr, 'job J1: waiting 0%\njob J1: running 50%\njob J1: success 100%\n');
});

test('upload: -f upload -drop 1 (FATE style) streams a larger file intact', async () => {
  const big = randomBytes(3 * 1024 * 1024).toString('base64');
  writeFileSync(join(cwd, 'big.csv'), big);
  srv.routes.set('/v1/data/upload', () => accepted('J2'));
  const conf = writeConf('big.json', { ...uploadConf, file: 'big.csv', drop: 0 });
  const r = await run(['-f', 'upload', '-c', conf, '-drop', '1', '--no-wait'], { cwd, env: { FEDFLOW_SERVER: srv.url } });
  assert.is(r.code, 0, r.stderr);
  const up = srv.requests[0]!;
  assert.is(up.query.drop, '1', '-drop overrides the conf');
  const file = (await formOf(up.body, up.contentType)).get('file') as File;
  assert.is(file.name, 'big.csv');
  assert.is(sha(await file.text()), sha(big));
  assert.is(srv.requests.filter((q) => q.path === '/v1/job/query').length, 0, '--no-wait does not poll');
});

test('upload: file not on this machine → JSON body with the server path; failed job → exit 1 with reason', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J3'));
  srv.routes.set('/v1/job/query', jobSequence('J3', [
    { f_status: 'running', f_progress: 0 },
    { f_status: 'failed', f_progress: 0, f_description: '/srv/data/missing.csv is not exist, please check the configure' },
  ]));
  const conf = writeConf('remote.json', { ...uploadConf, file: '/srv/data/missing.csv' });
  const r = await run(['upload', '-c', conf, '--server', srv.url], { cwd });
  assert.is(r.code, 1);
  const up = srv.requests[0]!;
  assert.match(up.contentType, /^application\/json/);
  assert.equal(JSON.parse(up.body.toString()), { ...uploadConf, file: '/srv/data/missing.csv', use_local_data: 0 });
  assert.equal(up.query, {});
  assert.match(r.stderr, /job J3: failed 0%\n/);
  assert.match(r.stderr, /job J3 failed: \/srv\/data\/missing.csv is not exist, please check the configure\n$/);
  assert.equal(JSON.parse(r.stdout), accepted('J3'), 'the answer is still printed');
});

test('upload: canceled / timeout end the wait with exit 1', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J4'));
  for (const status of ['canceled', 'timeout']) {
    srv.routes.set('/v1/job/query', jobSequence('J4', [{ f_status: status, f_progress: 10 }]));
    const r = await run(['upload', '-c', writeConf('c.json', uploadConf), '--server', srv.url], { cwd });
    assert.is(r.code, 1, status);
    assert.match(r.stderr, new RegExp(`job J4 ${status}: job ${status}\\n$`));
  }
});

test('upload: on a TTY a progress bar is drawn on stderr', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J5'));
  srv.routes.set('/v1/job/query', jobSequence('J5', [
    { f_status: 'running', f_progress: 50 },
    { f_status: 'success', f_progress: 100 },
  ]));
  const r = await run(['upload', '-c', writeConf('tty.json', uploadConf), '--server', srv.url], { cwd, stderrIsTTY: true });
  assert.is(r.code, 0);
  assert.ok(r.stderr.includes('job J5 [##########----------]  50% running'), r.stderr);
  assert.ok(r.stderr.includes('job J5 [####################] 100% success'), r.stderr);
  assert.ok(r.stderr.startsWith('\r'), 'redraws in place');
  assert.ok(r.stderr.endsWith('\n'), 'ends the bar line');
});

test('upload: on a TTY the file transfer shows a meter; an empty file still uploads', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J7'));
  writeFileSync(join(confDir, 'empty.csv'), '');
  const r = await run(['upload', '-c', writeConf('m.json', uploadConf), '--no-wait', '--server', srv.url], { cwd, stderrIsTTY: true });
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(`uploading guest.csv [####################] 100% ${csv.length} B / ${csv.length} B\n`), JSON.stringify(r.stderr));
  const e = await run(['upload', '-c', writeConf('e.json', { ...uploadConf, file: 'empty.csv' }), '--no-wait', '--server', srv.url], { cwd });
  assert.is(e.code, 0, e.stderr);
  const file = (await formOf(srv.requests[1]!.body, srv.requests[1]!.contentType)).get('file') as File;
  assert.is(file.name, 'empty.csv');
  assert.is(file.size, 0);
});

test('upload: retcode != 0 is printed, not waited for, exit 1', async () => {
  const refusal = { retcode: 100, retmsg: 'The data table already exists, table data count:3.' };
  srv.routes.set('/v1/data/upload', () => refusal);
  const r = await run(['upload', '-c', writeConf('x.json', uploadConf), '--server', srv.url], { cwd });
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), refusal);
  assert.is(srv.requests.length, 1);
});

test('wait: a job not yet visible (101) is retried; too many failed polls give up with exit 1', async () => {
  srv.routes.set('/v1/data/upload', () => accepted('J6'));
  srv.routes.set('/v1/job/query', jobSequence('J6', [
    { retcode: 101, retmsg: 'find job failed' },
    { retcode: 101, retmsg: 'find job failed' },
    { f_status: 'success', f_progress: 100 },
  ]));
  const ok = await run(['upload', '-c', writeConf('w.json', uploadConf), '--server', srv.url], { cwd });
  assert.is(ok.code, 0, ok.stderr);

  srv.routes.set('/v1/job/query', () => ({ retcode: 101, retmsg: 'find job failed' }));
  const ko = await run(['upload', '-c', writeConf('w.json', uploadConf), '--server', srv.url], { cwd, maxPollErrors: 2 });
  assert.is(ko.code, 1);
  assert.match(ko.stderr, /cannot query job J6 \(retcode 101: find job failed\)/);
});

test('download: output_path made absolute against cwd, then waited', async () => {
  srv.routes.set('/v1/data/download', () => ({ retcode: 0, retmsg: 'success', jobId: 'D1', data: { board_url: 'b' } }));
  srv.routes.set('/v1/job/query', jobSequence('D1', [{ f_status: 'success', f_progress: 100 }]));
  const conf = writeConf('down.json', { namespace: 'experiment', table_name: 'guest', output_path: 'out/guest.csv', work_mode: 0 });
  const r = await run(['-f', 'download', '-c', conf, '--server', srv.url], { cwd });
  assert.is(r.code, 0, r.stderr);
  const body = JSON.parse(srv.requests[0]!.body.toString());
  assert.equal(body, { namespace: 'experiment', table_name: 'guest', output_path: join(cwd, 'out/guest.csv'), work_mode: 0 });
  assert.is(srv.requests[0]!.path, '/v1/data/download');
});

test('download --no-wait: exit 0 without polling; missing conf file → exit 1 with a message', async () => {
  srv.routes.set('/v1/data/download', () => ({ retcode: 0, retmsg: 'success', jobId: 'D2' }));
  const conf = writeConf('down2.json', { namespace: 'n', table_name: 't', output_path: '/o.csv', work_mode: 0 });
  const r = await run(['download', '-c', conf, '--no-wait', '--server', srv.url], { cwd });
  assert.is(r.code, 0);
  assert.is(srv.requests.length, 1);
  const missing = await run(['download', '-c', 'nope.json', '--server', srv.url], { cwd });
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'fedflow download: conf file nope.json does not exist\n');
  assert.is(missing.stdout, '');
});

test('connection refused: FATE client envelope on stdout, exit 1', async () => {
  const port = await closedPort();
  const r = await run(['upload', '-c', writeConf('cr.json', uploadConf), '--server', `http://127.0.0.1:${port}`], { cwd });
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), { retcode: 100, retmsg: 'Connection refused, Please check if the fate flow service is started' });
  const q = await run(['-f', 'query_job', '-j', 'J', '--server', `127.0.0.1:${port}`]);
  assert.is(q.code, 1);
  assert.is(q.stdout, '{\n  "retcode": 100,\n  "retmsg": "Connection refused, Please check if the fate flow service is started"\n}\n');
});

test.run();
