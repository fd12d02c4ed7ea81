// npm run federation:demo — against the federation of `npm run federation:up`: uploads the breast
// tables on the guest and host nodes, submits the examples' cluster hetero LR job (DSL + conf from
// ../shared/examples/cluster, else test/fixtures/examples/cluster) at the guest, follows the job
// on all three nodes, prints the AUC, then publishes the model to the guest's and host's serving nodes
// (/v1/model/load), binds the service id `breast-hetero-lr` (/v1/model/bind) and asks the guest's serving
// for one online prediction (id 133), which must equal the training job's score for that id.
// FEDFLOW_DEMO_PLAINTEXT=1 runs the LR without encryption (a quicker look; not for real use).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const httpBase = Number(process.env.FEDFLOW_FEDERATION_HTTP_BASE ?? 9380);
const shared = resolve(root, '..', 'shared', 'examples', 'cluster');
const examples = existsSync(shared) ? shared : join(root, 'test', 'fixtures', 'examples', 'cluster');
const example = (f) => JSON.parse(readFileSync(join(examples, f), 'utf8'));
const nodes = [
  { role: 'guest', partyId: '9999', url: `http://127.0.0.1:${httpBase}` },
  { role: 'host', partyId: '10000', url: `http://127.0.0.1:${httpBase + 1}` },
  { role: 'arbiter', partyId: '10001', url: `http://127.0.0.1:${httpBase + 2}` },
];
const [guest, host, arbiter] = nodes;

// The nodes of federation:up want signed requests (FATE-Flow 1.11's headers) with its app key.
const base = resolve(process.env.FEDFLOW_FEDERATION_DIR ?? join(root, '.fedflow', 'federation'));
const appKeyFile = join(base, 'app-key.json');
const credentials = existsSync(appKeyFile) ? JSON.parse(readFileSync(appKeyFile, 'utf8')) : undefined;
const { signedHeaders } = await import(join(root, 'dist', 'src', 'api', 'auth', 'signature.js'));

async function post(url, path, body) {
  const json = JSON.stringify(body);
  const signed = credentials && path.startsWith('/v1/') ? signedHeaders(credentials, path, { json }) : {};
  const r = await fetch(url + path, { method: 'POST', body: json, headers: { 'content-type': 'application/json', ...signed } });
  return r.json();
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const END = new Set(['success', 'failed', 'canceled', 'timeout']);

async function waitJob(node, jobId, onChange = () => {}) {
  let last = '';
  for (;;) {
    const r = await post(node.url, '/v1/job/query', { job_id: jobId });
    const row = r.data?.[0];
    const state = row ? `${row.f_status} ${row.f_progress ?? 0}%` : 'not yet created';
    if (state !== last) onChange(state, row);
    last = state;
    if (row && END.has(row.f_status)) return row;
    await sleep(500);
  }
}

try {
  await post(guest.url, '/v1/job/query', { job_id: '-' });
} catch {
  console.error(`no node at ${guest.url}: start the federation first (npm run federation:up)`);
  process.exit(1);
}

for (const [node, file] of [[guest, 'upload_breast_hetero_guest.json'], [host, 'upload_breast_hetero_host.json']]) {
  const conf = { ...example(file), drop: 1 };
  const r = await post(node.url, '/v1/data/upload', conf);
  if (r.retcode !== 0) throw new Error(`upload on ${node.role}: ${r.retmsg}`);
  const row = await waitJob(node, r.jobId);
  console.log(`uploaded ${conf.namespace}.${conf.table_name} on ${node.role} ${node.partyId}: ${row.f_status}`);
}

const conf = example('hetero_lr_conf.json');
if (process.env.FEDFLOW_DEMO_PLAINTEXT === '1') conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
const submitted = await post(guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
if (submitted.retcode !== 0) {
  console.error(`submit failed (retcode ${submitted.retcode}): ${submitted.retmsg}`);
  process.exit(1);
}
const jobId = submitted.jobId;
const started = Date.now();
console.log(`job ${jobId} submitted at the guest (${conf.algorithm_parameters.hetero_lr_0.encrypt_param.method ?? 'plaintext'} hetero LR)`);
const rows = await Promise.all(nodes.map((n) => waitJob(n, jobId, (state) => console.log(`  ${n.role.padEnd(7)} ${n.partyId.padEnd(5)} ${state}`))));
console.log(`job ended after ${((Date.now() - started) / 1000).toFixed(1)} s: ${rows.map((r, i) => `${nodes[i].role} ${r.f_status}`).join(', ')}`);
if (rows.some((r) => r.f_status !== 'success')) {
  for (const [i, r] of rows.entries()) if (r.f_reason) console.log(`  ${nodes[i].role}: ${r.f_reason}`);
  process.exit(1);
}
const metrics = await post(guest.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
const summary = Object.fromEntries(metrics.data?.train?.hetero_lr_0?.data ?? []);
console.log(`AUC ${summary.auc} (KS ${summary.ks}) — evaluation on the guest`);

// Serving: load to the guest's and host's servings, bind, one online inference for id 133.
const servingHttp = Number(process.env.FEDFLOW_FEDERATION_HTTP_BASE ?? 9380) + 10;
const { model_id: modelId, model_version: modelVersion } = submitted.data.model_info;
const withModel = (c) => ({ ...c, job_parameters: { ...c.job_parameters, model_id: modelId, model_version: modelVersion } });
const load = await post(guest.url, '/v1/model/load', withModel(example('publish_load.json')));
console.log(`model load: retcode ${load.retcode} ${load.retmsg} ${JSON.stringify(load.data ?? {})}`);
const bind = await post(guest.url, '/v1/model/bind', withModel(example('bind.json')));
console.log(`model bind: retcode ${bind.retcode} ${bind.retmsg}`);
const guestCsv = [join(root, 'test', 'fixtures', 'data'), resolve(root, '..', 'shared', 'data')].map((d) => join(d, 'breast_hetero_guest.csv')).find((f) => existsSync(f));
const lines = readFileSync(guestCsv, 'utf8').split('\n');
const header = lines[0].split(',');
const row133 = lines.find((l) => l.startsWith('133,')).split(',');
const featureData = Object.fromEntries(header.map((h, i) => [h, Number(row133[i])]).filter(([h]) => h !== 'id' && h !== 'y'));
const online = await post(`http://127.0.0.1:${servingHttp}`, '/federation/v1/inference', { serviceId: bind.retcode === 0 ? 'breast-hetero-lr' : '-', featureData, sendToRemoteFeatureData: { id: '133' } });
const trained = await post(guest.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_lr_0' });
const offline = (trained.data ?? []).find((r) => String(r[0]) === '133');
console.log(`online inference for id 133 at the guest's serving: ${online.retcode === 0 ? `score ${online.data.score}` : `retcode ${online.retcode} ${online.retmsg}`}` +
  (offline ? `; the training job's predict_score for id 133: ${offline[3] ?? JSON.stringify(offline)}` : ''));

console.log(`where to look:
  npx fedflow job-query -j ${jobId} --server ${guest.url}            (and ${host.url}, ${arbiter.url}: each node's own row)
  npx fedflow component-metric-all -j ${jobId} -cpn evaluation_0 --server ${guest.url}
  npx fedflow component-metric-data -j ${jobId} -cpn hetero_lr_0 -r arbiter -p 10001 --namespace train --name loss --server ${arbiter.url}
  npx fedflow component-output-model -j ${jobId} -cpn hetero_lr_0 --server ${guest.url}
  npx fedflow query-task -j ${jobId} --server ${host.url}
  logs: .fedflow/federation/party-<id>/node.log`);
