// npm run federation:up — a real 3-party federation on this machine: guest 9999, host 10000 and
// arbiter 10001 as three `fedflow node` processes in cluster mode (work_mode 1), each with its own
// data dir, HTTP and gRPC ports and a certificate from `fedflow certs init` (mutual TLS).
// Runs in the foreground; Ctrl-C stops the three nodes. Needs `npm run build` first (the npm script does it).
//
// Layout (under FEDFLOW_FEDERATION_DIR, default ./.fedflow/federation):
//   certs/                 ca.crt, party-<id>.crt/.key
//   route_table.json       party id -> 127.0.0.1:<grpc port>
//   app-key.json           the admin app key every node's /v1 accepts (mode 0600): signed requests,
//                          FATE-Flow 1.11's headers; `source <(node scripts/federation-up.mjs --env)`
//                          is not needed: federation:demo reads it, and the CLI signs with
//                          FEDFLOW_APP_KEY / FEDFLOW_APP_SECRET (printed at start)
//   party-<id>/            the node's data dir; node.log is its log
//   serving-<id>/          the guest's and host's `fedflow serving` data dir and serving.log
// Ports: HTTP 9380/9381/9382 and gRPC 9360/9361/9362 (FEDFLOW_FEDERATION_HTTP_BASE / _GRPC_BASE move them);
// serving nodes of the guest and host: gRPC 9370/9371, online inference HTTP 9390/9391. The servings run
// plain-text gRPC (`--insecure`): the node's ModelService client is plain text, as fate-flow's is.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const base = resolve(process.env.FEDFLOW_FEDERATION_DIR ?? join(root, '.fedflow', 'federation'));
const httpBase = Number(process.env.FEDFLOW_FEDERATION_HTTP_BASE ?? 9380);
const grpcBase = Number(process.env.FEDFLOW_FEDERATION_GRPC_BASE ?? 9360);
const cli = join(root, 'bin', 'fedflow.js');
const sharedData = resolve(root, '..', 'shared', 'data');
const dataRoots = [join(root, 'test', 'fixtures', 'data'), ...(existsSync(sharedData) ? [sharedData] : [])];

export const PARTIES = [
  { role: 'guest', partyId: '9999' },
  { role: 'host', partyId: '10000' },
  { role: 'arbiter', partyId: '10001' },
].map((p, i) => ({ ...p, httpPort: httpBase + i, grpcPort: grpcBase + i }));

// Each non-arbiter party has a serving node; its flow node publishes to it (/v1/model/load).
export const SERVINGS = PARTIES.filter((p) => p.role !== 'arbiter').map((p, i) => ({ ...p, servingGrpcPort: grpcBase + 10 + i, servingHttpPort: httpBase + 10 + i }));
const servingOf = (partyId) => SERVINGS.find((s) => s.partyId === partyId);
const hostFeatures = dataRoots.map((d) => join(d, 'breast_hetero_host.csv')).find((f) => existsSync(f));

mkdirSync(base, { recursive: true });
const certs = join(base, 'certs');
execFileSync(process.execPath, [cli, 'certs', 'init', '--dir', certs, ...PARTIES.flatMap((p) => ['--party', p.partyId])], { stdio: ['ignore', 'ignore', 'inherit'] });
// One admin app key for the demo, kept across restarts; given to the nodes and servings by
// environment (not argv, which every local user can read with ps).
const appKeyFile = join(base, 'app-key.json');
if (!existsSync(appKeyFile)) {
  writeFileSync(appKeyFile, JSON.stringify({ appKey: 'demo-admin', secret: randomBytes(24).toString('base64url') }, null, 2), { mode: 0o600 });
}
chmodSync(appKeyFile, 0o600);
const appKey = JSON.parse(readFileSync(appKeyFile, 'utf8'));
const keyEnv = { ...process.env, FEDFLOW_APP_KEYS: `${appKey.appKey}:${appKey.secret}:admin`, FEDFLOW_APP_KEY: appKey.appKey, FEDFLOW_APP_SECRET: appKey.secret };
const routeTable = join(base, 'route_table.json');
writeFileSync(routeTable, JSON.stringify({ route_table: Object.fromEntries(PARTIES.map((p) => [p.partyId, { default: [{ ip: '127.0.0.1', port: p.grpcPort }] }])) }, null, 2));

const children = PARTIES.map((p) => {
  const dataDir = join(base, `party-${p.partyId}`);
  mkdirSync(dataDir, { recursive: true });
  const log = openSync(join(dataDir, 'node.log'), 'a');
  const args = [
    cli, 'node', '--work-mode', '1', '--party-id', p.partyId, '--port', String(p.httpPort), '--grpc-port', String(p.grpcPort),
    '--route-table', routeTable, '--data-dir', dataDir, ...dataRoots.flatMap((d) => ['--data-root', d]), '--data-root', dataDir,
    '--tls-ca', join(certs, 'ca.crt'), '--tls-cert', join(certs, `party-${p.partyId}.crt`), '--tls-key', join(certs, `party-${p.partyId}.key`),
    ...(servingOf(p.partyId) ? ['--serving', `127.0.0.1:${servingOf(p.partyId).servingGrpcPort}`] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], env: keyEnv });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${p.role} ${p.partyId} exited (${signal ?? code}); see ${join(dataDir, 'node.log')}`);
  });
  return { ...p, child, dataDir };
});

const host = SERVINGS.find((s) => s.role === 'host');
const servingChildren = SERVINGS.map((s) => {
  const dataDir = join(base, `serving-${s.partyId}`);
  mkdirSync(dataDir, { recursive: true });
  const log = openSync(join(dataDir, 'serving.log'), 'a');
  const args = [
    cli, 'serving', '--party-id', s.partyId, '--port', String(s.servingGrpcPort), '--http-port', String(s.servingHttpPort),
    '--flow', `http://127.0.0.1:${s.httpPort}`, '--data-dir', dataDir, '--insecure',
    ...(s.role === 'host' && hostFeatures ? ['--host-features', hostFeatures] : []),
    ...(s.role === 'guest' ? ['--route', `${host.partyId}=127.0.0.1:${host.servingGrpcPort}`] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], env: keyEnv });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`serving ${s.role} ${s.partyId} exited (${signal ?? code}); see ${join(dataDir, 'serving.log')}`);
  });
  return { ...s, child, dataDir };
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the federation...');
  for (const c of [...children, ...servingChildren]) c.child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const { signedHeaders } = await import(join(root, 'dist', 'src', 'api', 'auth', 'signature.js'));
async function ready(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const body = '{"job_id":"-"}';
      const headers = { 'content-type': 'application/json', ...signedHeaders({ appKey: appKey.appKey, secret: appKey.secret }, '/v1/job/query', { json: body }) };
      const r = await fetch(`${url}/v1/job/query`, { method: 'POST', body, headers });
      if (r.status === 200) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

for (const c of children) {
  const url = `http://127.0.0.1:${c.httpPort}`;
  if (!(await ready(url))) {
    console.error(`${c.role} ${c.partyId} did not come up; see ${join(c.dataDir, 'node.log')}`);
    stop();
    process.exitCode = 1;
    break;
  }
}
// Party permissions are on in cluster mode (deny by default): the host and the arbiter let the
// guest's jobs run the demo's components with them, and the host lets them read its breast table.
async function signedPost(url, path, body) {
  const json = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...signedHeaders({ appKey: appKey.appKey, secret: appKey.secret }, path, { json }) };
  return (await fetch(url + path, { method: 'POST', body: json, headers })).json();
}
const GRANTS = [
  ['host', '/v1/permission/grant/privilege', { src_party_id: '9999', src_role: 'guest', privilege_role: 'host', privilege_command: 'all', privilege_component: 'all' }],
  ['host', '/v1/permission/grant', { party_id: '9999', dataset: [{ namespace: 'experiment', name: 'breast_hetero_host' }] }],
  ['arbiter', '/v1/permission/grant/privilege', { src_party_id: '9999', src_role: 'guest', privilege_role: 'arbiter', privilege_command: 'all', privilege_component: 'all' }],
];
for (const [role, path, body] of stopping ? [] : GRANTS) {
  const node = children.find((c) => c.role === role);
  const r = await signedPost(`http://127.0.0.1:${node.httpPort}`, path, body);
  if (r.retcode !== 0) console.error(`grant on ${role} failed: ${r.retmsg}`);
}
if (!stopping) {
  console.log('federation up (mutual TLS, work_mode 1):');
  for (const c of children) console.log(`  ${c.role.padEnd(7)} ${c.partyId.padEnd(5)}  http://127.0.0.1:${c.httpPort}  gRPC 127.0.0.1:${c.grpcPort}  data ${c.dataDir}  (pid ${c.child.pid})`);
  for (const s of servingChildren) console.log(`  serving ${s.role} ${s.partyId}: gRPC 127.0.0.1:${s.servingGrpcPort}, inference http://127.0.0.1:${s.servingHttpPort}/federation/v1/inference  (pid ${s.child.pid})`);
  console.log(`certificates in ${certs}; route table ${routeTable}`);
  console.log('permissions: party 9999 (guest) may run every component as host on 10000 (reading experiment.breast_hetero_host) and as arbiter on 10001');
  console.log(`/v1 needs signed requests (app key in ${appKeyFile}); for the CLI:\n  export FEDFLOW_APP_KEY=${appKey.appKey} FEDFLOW_APP_SECRET=$(node -p "require('${appKeyFile}').secret")`);
  console.log('next: npm run federation:demo (in another terminal); Ctrl-C here stops the nodes and servings');
}
await Promise.all([...children, ...servingChildren].map((c) => new Promise((r) => (c.child.exitCode !== null ? r() : c.child.once('exit', r)))));
