// Client authentication on a real node's /v1: signed requests pass (as the fedflow CLI and as
// FATE-Flow 1.11's client sign them), every other request is refused with retcode 109 and a
// message that says why, a role too weak is refused with 108, and nothing a refused request
// carried reaches the event log.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { buildConfig } from '../../../src/config.js';
import { startNode, type RunningNode } from '../../../src/main.js';
import { main } from '../../../src/cli/main.js';
import { checkHttpExposure } from '../../../src/api/auth/httpExposure.js';
import { signature, signedHeaders } from '../../../src/api/auth/signature.js';
import { tempDir } from '../../support/http.js';

const test = suite('api/auth/authenticate');
const ADMIN = { appKey: 'ops', secret: 'admin-secret-123' };
const USER = { appKey: 'analyst', secret: 'user-secret-1234' };
const READER = { appKey: 'auditor', secret: 'reader-secret-12' };
let dir: string;
let node: RunningNode;

interface Answer { status: number; body: Record<string, any> }

function send(path: string, body: string, headers: Record<string, string>, contentType = 'application/json'): Promise<Answer> {
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request(node.url + path, { method: 'POST', headers: { 'content-type': contentType, 'content-length': payload.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
const signedPost = (who: typeof ADMIN, path: string, json: string, at = Date.now(), nonce?: string) =>
  send(path, json, signedHeaders(who, path, { json }, at, nonce));

test.before(async () => {
  dir = tempDir('auth');
  node = await startNode(buildConfig({
    httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir], eventStore: 'memory', logLevel: 'silent',
    appKeys: [`${ADMIN.appKey}:${ADMIN.secret}`, `${USER.appKey}:${USER.secret}:user`, `${READER.appKey}:${READER.secret}:reader`],
  }));
});
test.after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a signed request passes', async () => {
  const a = await signedPost(READER, '/v1/job/query', '{"job_id":"nope"}');
  assert.is(a.status, 200);
  assert.is(a.body.retcode, 101, JSON.stringify(a.body)); // past authentication: the job is unknown
});

test('unsigned: 109 naming the headers', async () => {
  const a = await send('/v1/job/query', '{"job_id":"nope"}', {});
  assert.is(a.body.retcode, 109);
  assert.match(a.body.retmsg, /TIMESTAMP, NONCE, APP_KEY, SIGNATURE/);
  assert.match(a.body.retmsg, /FEDFLOW_APP_KEY/);
});

test('wrong secret, tampered body or path: 109 signature authentication failed', async () => {
  const json = '{"job_id":"nope"}';
  const wrong = await send('/v1/job/query', json, signedHeaders({ appKey: ADMIN.appKey, secret: 'not-the-secret' }, '/v1/job/query', { json }));
  assert.is(wrong.body.retcode, 109);
  assert.match(wrong.body.retmsg, /signature authentication failed/);
  const tampered = await send('/v1/job/query', '{"job_id":"other"}', signedHeaders(ADMIN, '/v1/job/query', { json }));
  assert.match(tampered.body.retmsg, /signature authentication failed/);
  const elsewhere = await send('/v1/job/stop', json, signedHeaders(ADMIN, '/v1/job/query', { json }));
  assert.match(elsewhere.body.retmsg, /signature authentication failed/);
});

test('stale or future timestamp: 109', async () => {
  for (const at of [Date.now() - 61_000, Date.now() + 61_000]) {
    const a = await signedPost(ADMIN, '/v1/job/query', '{}', at);
    assert.is(a.body.retcode, 109);
    assert.match(a.body.retmsg, /TIMESTAMP is more than 60 seconds away from the server time/);
  }
  const bad = await send('/v1/job/query', '{}', { ...signedHeaders(ADMIN, '/v1/job/query', { json: '{}' }), TIMESTAMP: 'yesterday' });
  assert.match(bad.body.retmsg, /Invalid TIMESTAMP/);
});

test('a nonce is accepted once', async () => {
  const at = Date.now();
  const first = await signedPost(ADMIN, '/v1/job/query', '{"job_id":"n"}', at, 'fixed-nonce');
  assert.is(first.body.retcode, 101);
  const again = await signedPost(ADMIN, '/v1/job/query', '{"job_id":"n"}', at, 'fixed-nonce');
  assert.is(again.body.retcode, 109);
  assert.match(again.body.retmsg, /NONCE already used/);
});

test('unknown app key: 109', async () => {
  const a = await signedPost({ appKey: 'mallory', secret: 'whatever-123' }, '/v1/job/query', '{}');
  assert.is(a.body.retcode, 109);
  assert.match(a.body.retmsg, /Unknown APP_KEY "mallory"/);
});

test('role too weak: 108 naming the key, its role and the role needed; nothing appended', async () => {
  const conf = JSON.stringify({ job_dsl: { components: {} }, job_runtime_conf: {} });
  const a = await signedPost(READER, '/v1/job/submit', conf);
  assert.is(a.body.retcode, 108);
  assert.match(a.body.retmsg, /app key auditor has role reader; \/v1\/job\/submit needs role user or above/);
  const b = await signedPost(USER, '/v1/permission/grant/privilege', '{}');
  assert.is(b.body.retcode, 108);
  const history = await signedPost(ADMIN, '/v1/data/upload/history', '{}');
  assert.is(history.body.retcode, 0);
  assert.not.ok(history.body.data?.length);
});

test("FATE-Flow 1.11's client: requests' JSON spacing, {} signed as an empty body, form bodies", async () => {
  // requests sends json.dumps(...) with ", " and ": ", and signs b'' when the JSON is falsy.
  for (const [json, signedBody] of [['{"job_id": "x"}', '{"job_id": "x"}'], ['{}', '']] as const) {
    const timestamp = String(Date.now());
    const nonce = `fate-${Math.random()}`;
    const sig = signature(ADMIN.secret, { timestamp, nonce, appKey: ADMIN.appKey, pathWithQuery: '/v1/job/query', jsonBody: signedBody });
    const a = await send('/v1/job/query', json, { TIMESTAMP: timestamp, NONCE: nonce, APP_KEY: ADMIN.appKey, SIGNATURE: sig });
    assert.ok([0, 101].includes(a.body.retcode), JSON.stringify(a.body));
  }
  // A form body signs its sorted fields and an empty JSON line.
  const timestamp = String(Date.now());
  const form = { job_id: 'x y' };
  const sig = signature(ADMIN.secret, { timestamp, nonce: 'form-1', appKey: ADMIN.appKey, pathWithQuery: '/v1/job/query', form });
  const a = await send('/v1/job/query', 'job_id=x%20y', { TIMESTAMP: timestamp, NONCE: 'form-1', APP_KEY: ADMIN.appKey, SIGNATURE: sig }, 'application/x-www-form-urlencoded');
  assert.is.not(a.body.retcode, 109, JSON.stringify(a.body));
});

test('the fedflow CLI signs with FEDFLOW_APP_KEY/FEDFLOW_APP_SECRET (JSON and a streamed upload)', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = (env: Record<string, string>) => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: { ...env, FEDFLOW_SERVER: node.url }, cwd: dir });
  assert.is(await main(['job-query', '-j', 'nope'], ctx({})), 1);
  assert.match(out.join(''), /"retcode": 109/);
  out.length = 0;
  assert.is(await main(['job-query', '-j', 'nope'], ctx({ FEDFLOW_APP_KEY: USER.appKey, FEDFLOW_APP_SECRET: USER.secret })), 1);
  assert.match(out.join(''), /"retcode": 101/);
  out.length = 0;
  const csv = join(dir, 'tiny.csv');
  writeFileSync(csv, 'id,y,x0\n1,0,0.5\n2,1,0.25\n');
  const conf = join(dir, 'upload.json');
  writeFileSync(conf, JSON.stringify({ file: csv, head: 1, partition: 1, work_mode: 0, namespace: 'auth', table_name: 'tiny' }));
  const code = await main(['upload', '-c', conf, '--drop', '1', '--no-wait'], ctx({ FEDFLOW_APP_KEY: USER.appKey, FEDFLOW_APP_SECRET: USER.secret }));
  assert.is(code, 0, out.join('') + err.join(''));
  assert.match(out.join(''), /"retcode": 0/);
});

test('a node that must authenticate refuses to start without app keys unless --insecure-http', () => {
  const base = { appKeys: [], insecureHttp: false };
  assert.not.throws(() => checkHttpExposure({ ...base, workMode: 0, host: '127.0.0.1' }));
  assert.throws(() => checkHttpExposure({ ...base, workMode: 1, host: '127.0.0.1' }), /cluster mode without client authentication.*--app-key.*--insecure-http/);
  assert.throws(() => checkHttpExposure({ ...base, workMode: 0, host: '0.0.0.0' }), /bound to 0.0.0.0/);
  assert.not.throws(() => checkHttpExposure({ ...base, insecureHttp: true, workMode: 1, host: '0.0.0.0' }));
  assert.not.throws(() => checkHttpExposure({ ...base, appKeys: [{ key: 'k', secret: 'ssssssss', role: 'admin' }], workMode: 1, host: '0.0.0.0' }));
});

test.run();
