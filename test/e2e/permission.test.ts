// Party permissions in cluster mode, with client authentication on: three node processes (guest
// 9999, host 10000, arbiter 10001), permissions on, every /v1 call signed. A job from a party
// without the privileges is refused at submit with the reason and nothing runs anywhere; a
// component grant without the dataset is refused naming the dataset; after the grants the same
// job succeeds, and the grants are events naming the app key that made them. Then the secrets
// scan: every node's data dir (event log, views, job files, tables) and log holds no PEM block,
// no app secret, no TLS key body and no Paillier private key of the encrypted job.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import * as paillier from 'paillier-bigint';
import { signedHeaders } from '../../src/api/auth/signature.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { prepareFederation, startPartyNode, PARTIES, type Federation, type RoleName } from '../support/federation.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { tempDir } from '../support/http.js';
import { scanForSecrets } from '../support/secretScan.js';

const test = suite('e2e: party permissions (cluster, signed requests)');
const ADMIN = { appKey: 'ops', secret: 'perm-admin-secret-42' };
const USER = { appKey: 'analyst', secret: 'perm-user-secret-42' };
const dir = tempDir('permission');
const logs = join(dir, 'logs');
let fed: Federation;
const example = (file: string): any => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));

function spost(url: string, path: string, body: unknown, who = ADMIN): Promise<Record<string, any>> {
  const json = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(who, path, { json }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(json);
  });
}

async function waitJob(url: string, jobId: string, timeoutMs = 120_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (await spost(url, '/v1/job/query', { job_id: jobId }, USER)).data?.[0];
    if (row && ['success', 'failed', 'canceled', 'timeout'].includes(row.f_status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An encrypted hetero LR that stays quick: 512-bit Paillier, 2 iterations. */
function conf(): any {
  const c = example('hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = { method: 'Paillier', key_length: 512 };
  c.algorithm_parameters.hetero_lr_0.max_iter = 2;
  c.algorithm_parameters.intersection_0.intersect_method = 'raw';
  return c;
}
const submit = () => spost(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf() }, USER);

/** The refused job's id, from the refusal (the submit answer carries none). */
function refusedJob(r: Record<string, any>): string {
  const id = /of job (\d+)/.exec(String(r.retmsg))?.[1];
  assert.ok(id, `no job id in ${r.retmsg}`);
  return id!;
}

async function nothingRan(jobId: string): Promise<void> {
  for (const [role, node] of Object.entries(fed)) {
    const tasks = (await spost(node.url, '/v1/job/task/query', { job_id: jobId }, USER)).data ?? [];
    if (process.env.FEDFLOW_TEST_VERBOSE) console.error(role, JSON.stringify(tasks.map((t: any) => t.f_status)));
    const ran = tasks.filter((t: any) => ['running', 'success', 'failed'].includes(t.f_status) || t.f_start_time);
    assert.equal(ran, [], `${role} ran tasks of the refused job`);
  }
}

test.before(async () => {
  mkdirSync(logs, { recursive: true });
  const setups = await prepareFederation({ dir, processes: true, appKeys: [`${ADMIN.appKey}:${ADMIN.secret}:admin`, `${USER.appKey}:${USER.secret}:user`], permission: true });
  for (const s of Object.values(setups)) Object.assign(s.env, { FEDFLOW_TEST_LOG_FILE: join(logs, `party-${s.partyId}.log`), FEDFLOW_LOG_LEVEL: 'debug' });
  fed = Object.fromEntries(await Promise.all((Object.keys(PARTIES) as RoleName[]).map(async (r) => [r, await startPartyNode(setups[r], true)] as const))) as Federation;
  for (const [node, file] of [[fed.guest, 'upload_breast_hetero_guest.json'], [fed.host, 'upload_breast_hetero_host.json']] as const) {
    const r = await spost(node.url, '/v1/data/upload', example(file), USER);
    assert.is(r.retcode, 0, r.retmsg);
    assert.is((await waitJob(node.url, r.jobId)).f_status, 'success');
  }
});
test.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close()));
  rmSync(dir, { recursive: true, force: true });
});

test('without privileges: refused at submit naming the party and the privilege; nothing ran anywhere', async () => {
  const r = await submit();
  assert.is(r.retcode, 100, JSON.stringify(r));
  if (process.env.FEDFLOW_TEST_VERBOSE) console.error(JSON.stringify(r));
  assert.match(r.retmsg, /party 1000[01] refused create_job of job \d+: party 9999 \(guest\) lacks privilege role (host|arbiter): not authorized/);
  await nothingRan(refusedJob(r));
});

test('components granted but not the dataset: refused naming the dataset', async () => {
  const host = await spost(fed.host.url, '/v1/permission/grant/privilege', { src_party_id: '9999', src_role: 'guest', privilege_role: 'host', privilege_command: 'all', privilege_component: 'all' });
  assert.is(host.retcode, 0, host.retmsg);
  const arbiter = await spost(fed.arbiter.url, '/v1/permission/grant/privilege', { src_party_id: 9999, src_role: 'guest', privilege_role: 'arbiter', privilege_command: 'create_job,run_task,stop_task', privilege_component: 'dataio, intersection, heterolr, evaluation' });
  assert.is(arbiter.retcode, 0, arbiter.retmsg);
  // A user key may not grant.
  const weak = await spost(fed.host.url, '/v1/permission/grant', { party_id: 9999, dataset: [{ namespace: 'experiment', name: 'breast_hetero_host' }] }, USER);
  assert.is(weak.retcode, 108);
  const r = await submit();
  assert.is(r.retcode, 100);
  assert.match(r.retmsg, /party 10000 refused create_job .*party 9999 \(guest\) lacks privilege dataset experiment\.breast_hetero_host/);
  await nothingRan(refusedJob(r));
});

test('after the dataset grant the same job succeeds on every party; the grants are events naming the app key', async () => {
  const g = await spost(fed.host.url, '/v1/permission/grant', { party_id: 9999, dataset: [{ namespace: 'experiment', name: 'breast_hetero_host' }] });
  assert.is(g.retcode, 0, g.retmsg);
  const q = await spost(fed.host.url, '/v1/permission/query/privilege', { src_party_id: '9999', src_role: 'guest' }, USER);
  assert.equal(q.data.privilege_role, ['host']);
  assert.equal(q.data.privilege_command, ['create_job', 'run_task', 'stop_task']);
  assert.ok(q.data.privilege_component.includes('heterolr'));
  assert.equal(q.data.privilege_dataset, [{ namespace: 'experiment', name: 'breast_hetero_host' }]);
  assert.ok(q.data.grants.every((x: any) => x.granted_by === 'ops'));
  const r = await submit();
  assert.is(r.retcode, 0, r.retmsg);
  for (const [role, node] of Object.entries(fed)) assert.is((await waitJob(node.url, r.jobId)).f_status, 'success', role);
  // Who submitted, at every party: the app key of the client at the initiator, vouched for by its party.
  const hostSteps = (await spost(fed.host.url, '/v1/audit/job/timeline', { job_id: r.jobId }, USER)).data.timeline as any[];
  assert.is(hostSteps.find((x) => x.event === 'JobCreated')?.actor, 'client 127.0.0.1 (app key analyst) at party 9999');
  // Every party signed its receipt; the host holds all three, checked against the CA.
  for (let i = 0; ; i++) {
    const receipts = await spost(fed.host.url, '/v1/audit/job/receipts', { job_id: r.jobId }, USER);
    if (receipts.data?.agreed) break;
    assert.ok(i < 300, JSON.stringify(receipts));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

test('a revoked component is refused again', async () => {
  const d = await spost(fed.host.url, '/v1/permission/delete/privilege', { src_party_id: '9999', src_role: 'guest', privilege_component: 'heterolr' });
  assert.is(d.retcode, 0, d.retmsg);
  const again = await spost(fed.host.url, '/v1/permission/delete/privilege', { src_party_id: '9999', src_role: 'guest', privilege_component: 'heterolr' });
  assert.is(again.retcode, 100);
  assert.match(again.retmsg, /component heterolr is not authorized for party 9999 role guest, it cannot be deleted/);
  const r = await submit();
  assert.is(r.retcode, 100);
  assert.match(r.retmsg, /lacks privilege component heterolr/);
});

test('the grants are in the event log with their author', async () => {
  await fed.host.close();
  const store = await SqliteEventStore.open(join(dir, `party-${PARTIES.host}`, 'events.sqlite'));
  try {
    const events = (await store.readAll()).filter((e) => e.type.startsWith('Privileges'));
    assert.equal(events.map((e) => e.type), ['PrivilegesGranted', 'PrivilegesGranted', 'PrivilegesRevoked']);
    assert.ok(events.every((e) => (e.data as { by: string }).by === 'ops' && e.streamId === 'permission-9999'));
  } finally {
    await store.close();
  }
});

test('secrets stay secret: no PEM block, app secret, TLS key body or Paillier private key in any data dir or log', async () => {
  await Promise.all(Object.values(fed).map((n) => n.close()));
  const keyBodies = Object.values(PARTIES).map((id) => {
    const pem = readFileSync(join(dir, 'certs', `party-${id}.key`), 'utf8');
    return { what: `party ${id}'s TLS key body`, value: pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('').slice(0, 40) };
  });
  const strings = [{ what: 'admin app secret', value: ADMIN.secret }, { what: 'user app secret', value: USER.secret }, ...keyBodies];
  const dirs = [...Object.values(PARTIES).map((id) => join(dir, `party-${id}`)), logs];
  const scan = scanForSecrets(dirs, strings);
  assert.ok(scan.files > 20, `only ${scan.files} files scanned`);
  assert.ok(readFileSync(join(logs, `party-${PARTIES.arbiter}.log`), 'utf8').length > 1000, 'the arbiter logged little: the scan would prove nothing');
  if (process.env.FEDFLOW_TEST_VERBOSE) console.error('scan', scan.files, scan.bigIntegers);
  assert.equal(scan.findings, []);
  // The scanner finds each kind of secret when it is there.
  const planted = join(dir, 'planted');
  mkdirSync(planted);
  const { publicKey, privateKey } = await paillier.generateRandomKeys(512);
  writeFileSync(join(planted, 'a.log'), `{"n":"${publicKey.n}"}\n{"lambda":"${privateKey.lambda.toString(16)}"}\n${ADMIN.secret}\n-----BEGIN EC PRIVATE KEY-----\n`);
  const caught = scanForSecrets([planted], strings).findings.map((f) => f.what);
  assert.ok(caught.some((w) => /PEM block/.test(w)) && caught.includes('admin app secret') && caught.some((w) => /Paillier private key/.test(w)), JSON.stringify(caught));
});

test.run();
