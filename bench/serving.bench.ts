// npm run bench:serving — online inference through a guest and a host serving node (two child
// processes running `fedflow serving`, as deployed) on 127.0.0.1: a hetero LR model with 30
// features (guest x0..x9, host x0..x19 of the breast fixtures) and a HeteroSecureBoost model
// (trained on breast here, 5 trees of depth 3, plaintext maths), and the same LR shape behind the
// feature components applied online (DataIO fill/outlier, min-max scale, binning, one-hot,
// selection: test/support/servingPipelineModel.ts), loaded by publishLoad from a real
// HTTP /v1/model/transfer, bound with publishBind, then POST /federation/v1/inference with
// keep-alive at a fixed concurrency for BENCH_SECONDS. Prints requests/s and p50/p90/p99 latency.
// Same-run baseline: a bare node:http server in a child process answering a fixed JSON at the same
// concurrency (what this client and machine can do at all); the ratio is what to compare across
// runs: the machine is shared and absolute figures are noisy. BENCH_TLS=1 runs the serving nodes
// with mutual TLS (certificates from certs init; needs openssl).
import { spawn, type ChildProcess } from 'node:child_process';
import { credentials, Metadata } from '@grpc/grpc-js';
import { connect } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelServiceClient } from '../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { certsInit, partyCertPaths, readPartyCerts } from '../src/federation/certs.js';
import { clientCredentials } from '../src/federation/tls.js';
import { tempDir } from '../test/support/http.js';
import { SBT_MODEL_VERSION, trainedBoostTransfer } from '../test/support/servingBoostModel.js';
import { PIPELINE_MODEL_VERSION, pipelineLrBuffers } from '../test/support/servingPipelineModel.js';
import {
  GUEST_HEADER,
  HOST_FEATURES_CSV,
  HOST_HEADER,
  MODEL_VERSION,
  bindRequest,
  csvRows,
  heteroLrBuffers,
  loadRequest,
  partyModelId,
  seededWeights,
  startTransferServer,
} from '../test/support/servingModel.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TLS = process.env.BENCH_TLS === '1';
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const SERVICE_ID = 'breast-hetero-lr';
const SBT_SERVICE_ID = 'breast-hetero-sbt';
const PIPELINE_SERVICE_ID = 'breast-hetero-lr-pipeline';

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const dir = tempDir('bench-serving');
const children: ChildProcess[] = [];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}
const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Starts a child and resolves with the first stdout match of `pattern`. */
function startChild(args: string[], pattern: RegExp): Promise<RegExpMatchArray> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(pattern);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** FEDFLOW_NODE_ARGS: extra node flags for the serving children, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const NODE_ARGS = process.env.FEDFLOW_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

const serving = (party: string, extra: string[], flowUrl: string): Promise<RegExpMatchArray> => {
  const tls = TLS ? ['--tls-ca', join(dir, 'certs', 'ca.crt'), '--tls-cert', join(dir, 'certs', `party-${party}.crt`), '--tls-key', join(dir, 'certs', `party-${party}.key`)] : ['--insecure'];
  return startChild([...NODE_ARGS, CLI, 'serving', '--party-id', party, '--port', '0', '--http-port', '0', '--flow', flowUrl, '--data-dir', join(dir, party), ...tls, ...extra], /gRPC port (\d+).*HTTP (http:\/\/\S+)\/federation/);
};

/**
 * A light keep-alive HTTP/1.1 load generator (wrk-style: raw sockets, prebuilt request bytes, a
 * response is complete when Content-Length bytes of body arrived), so the client takes as little
 * of the shared cores as possible from the servers it measures. Fires `bodies` round-robin from
 * CONCURRENCY connections, one request in flight per connection, for `seconds`.
 */
async function fire(url: string, bodies: string[], seconds: number, check: (answer: string) => boolean): Promise<{ rps: number; latencies: Float64Array; errors: number; n: number; firstError?: string }> {
  const { hostname, port, pathname } = new URL(url);
  const requests = bodies.map((b) => Buffer.from(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: CONCURRENCY },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(Number(port), hostname);
          socket.setNoDelay(true);
          let buf = '';
          let t0 = 0;
          const send = (): void => {
            if (performance.now() >= deadline) {
              socket.end();
              return resolve();
            }
            t0 = performance.now();
            socket.write(requests[next++ % requests.length]!);
          };
          socket.setEncoding('latin1');
          socket.on('connect', send);
          socket.on('error', reject);
          socket.on('data', (chunk: string) => {
            buf += chunk;
            const headEnd = buf.indexOf('\r\n\r\n');
            if (headEnd < 0) return;
            const length = Number(/content-length: *(\d+)/i.exec(buf.slice(0, headEnd))?.[1] ?? NaN);
            if (buf.length < headEnd + 4 + length) return;
            const answer = Buffer.from(buf.slice(headEnd + 4, headEnd + 4 + length), 'latin1').toString('utf8');
            buf = buf.slice(headEnd + 4 + length);
            latencies.push(performance.now() - t0);
            if (!check(answer)) {
              errors++;
              firstError ??= answer;
            }
            send();
          });
        }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { rps: latencies.length / elapsed, latencies: sorted, errors, n: latencies.length, firstError };
}

const pct = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (x: number): string => `${x.toFixed(2)} ms`;

async function main(): Promise<void> {
  console.log(`serving bench: ${availableParallelism()} cores, load average ${load()} at start (shared machine: figures are noisy)`);
  console.log(`concurrency ${CONCURRENCY}, ${SECONDS} s per run, ${TLS ? 'mutual TLS' : 'plain-text gRPC'} between the servings`);
  if (TLS) certsInit({ dir: join(dir, 'certs'), partyIds: ['9999', '10000'] });

  const guestSpec = { role: 'guest' as const, header: GUEST_HEADER, weights: seededWeights(GUEST_HEADER, 7), intercept: 0.3125 };
  const hostSpec = { role: 'host' as const, header: HOST_HEADER, weights: seededWeights(HOST_HEADER, 11), intercept: 0 };
  const boost = await trainedBoostTransfer();
  const transfer = await startTransferServer(
    new Map([
      [`${partyModelId('guest', '9999')}|${MODEL_VERSION}`, heteroLrBuffers(guestSpec)],
      [`${partyModelId('host', '10000')}|${MODEL_VERSION}`, heteroLrBuffers(hostSpec)],
      [`${partyModelId('guest', '9999')}|${SBT_MODEL_VERSION}`, boost.guest],
      [`${partyModelId('host', '10000')}|${SBT_MODEL_VERSION}`, boost.host],
      [`${partyModelId('guest', '9999')}|${PIPELINE_MODEL_VERSION}`, pipelineLrBuffers('guest', GUEST_HEADER, 7)],
      [`${partyModelId('host', '10000')}|${PIPELINE_MODEL_VERSION}`, pipelineLrBuffers('host', HOST_HEADER, 11)],
    ]),
  );
  const [, hostGrpc] = await serving('10000', ['--host-features', HOST_FEATURES_CSV], transfer.url);
  const [, guestGrpc, guestUrl] = await serving('9999', ['--route', `10000=127.0.0.1:${hostGrpc}`], transfer.url);

  const client = (party: string, port: string): ModelServiceClient =>
    new ModelServiceClient(`127.0.0.1:${port}`, TLS ? clientCredentials(readPartyCerts(partyCertPaths(join(dir, 'certs'), party)), party) : credentials.createInsecure());
  const call = (c: ModelServiceClient, method: 'publishLoad' | 'publishBind', req: unknown): Promise<{ statusCode: number; message: string }> =>
    new Promise((resolve, reject) => (c[method] as any)(req, new Metadata(), (err: Error | null, res: { statusCode: number; message: string }) => (err ? reject(err) : resolve(res))));
  const hostClient = client('10000', hostGrpc!);
  const guestClient = client('9999', guestGrpc!);
  for (const [c, req] of [
    [hostClient, ['publishLoad', loadRequest('host')]],
    [guestClient, ['publishLoad', loadRequest('guest')]],
    [guestClient, ['publishBind', bindRequest(SERVICE_ID)]],
    [hostClient, ['publishLoad', loadRequest('host', SBT_MODEL_VERSION)]],
    [guestClient, ['publishLoad', loadRequest('guest', SBT_MODEL_VERSION)]],
    [guestClient, ['publishBind', bindRequest(SBT_SERVICE_ID, SBT_MODEL_VERSION)]],
    [hostClient, ['publishLoad', loadRequest('host', PIPELINE_MODEL_VERSION)]],
    [guestClient, ['publishLoad', loadRequest('guest', PIPELINE_MODEL_VERSION)]],
    [guestClient, ['publishBind', bindRequest(PIPELINE_SERVICE_ID, PIPELINE_MODEL_VERSION)]],
  ] as const) {
    const res = await call(c, req[0], req[1]);
    if (res.statusCode !== 0) throw new Error(`${req[0]} failed: ${res.statusCode} ${res.message}`);
  }
  hostClient.close();
  guestClient.close();
  await transfer.close();

  // One body per breast row (569 ids): guest features + the id the host looks its features up by.
  const rows = [...csvRows('breast_hetero_guest.csv')];
  const bodies = rows.map(([id, { y: _label, ...featureData }]) => JSON.stringify({ serviceId: SERVICE_ID, featureData, sendToRemoteFeatureData: { id } }));
  const pipelineBodies = rows.map(([id, { y: _label, ...featureData }]) => JSON.stringify({ serviceId: PIPELINE_SERVICE_ID, featureData, sendToRemoteFeatureData: { id } }));
  const boostBodies = rows.map(([id, { y: _label, ...featureData }]) => JSON.stringify({ serviceId: SBT_SERVICE_ID, featureData, sendToRemoteFeatureData: { id } }));
  // The SecureBoost service answers every row with the training job's score (a check, not timed).
  for (const [id, { y: _label, ...featureData }] of rows.slice(0, 50)) {
    const r = await fetch(`${guestUrl}/federation/v1/inference`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceId: SBT_SERVICE_ID, featureData, sendToRemoteFeatureData: { id } }) });
    const a = (await r.json()) as { retcode: number; data?: { score: number } };
    if (a.retcode !== 0 || Math.abs(a.data!.score - boost.scores.get(id)!) > 1e-9) throw new Error(`SecureBoost online score of id ${id}: ${JSON.stringify(a)} vs training ${boost.scores.get(id)}`);
  }

  const [, baselineUrl] = await startChild(
    [
      '--input-type=module',
      '-e',
      `import { createServer } from 'node:http';
       const answer = JSON.stringify({ retcode: 0, retmsg: 'success', data: { score: 0.5 } });
       const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }); res.end(answer); }); });
       s.keepAliveTimeout = 30000;
       s.listen(0, '127.0.0.1', () => console.log('baseline http://127.0.0.1:' + s.address().port + '/federation/v1/inference'));`,
    ],
    /baseline (\S+)/,
  );
  const okAnswer = (text: string): boolean => text.startsWith('{"retcode":0,');

  await fire(`${guestUrl}/federation/v1/inference`, bodies, 2, okAnswer); // warm-up (JIT, channels)
  const loadBefore = load();
  const [hostChild, guestChild] = children;
  const cpu0 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const served = await fire(`${guestUrl}/federation/v1/inference`, bodies, SECONDS, okAnswer);
  const cpu1 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const loadAfterServing = load();
  const perRequest = (i: number): string => `${(((cpu1[i]! - cpu0[i]!) * 1000) / served.n).toFixed(3)} ms`;
  await fire(`${guestUrl}/federation/v1/inference`, boostBodies, 1, okAnswer); // warm-up
  const bcpu0 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const boosted = await fire(`${guestUrl}/federation/v1/inference`, boostBodies, SECONDS, okAnswer);
  const bcpu1 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const perBoost = (i: number): string => `${(((bcpu1[i]! - bcpu0[i]!) * 1000) / boosted.n).toFixed(3)} ms`;
  await fire(`${guestUrl}/federation/v1/inference`, pipelineBodies, 1, okAnswer); // warm-up
  const pcpu0 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const piped = await fire(`${guestUrl}/federation/v1/inference`, pipelineBodies, SECONDS, okAnswer);
  const pcpu1 = [cpuSeconds(guestChild!.pid), cpuSeconds(hostChild!.pid), ownCpuSeconds()];
  const perPiped = (i: number): string => `${(((pcpu1[i]! - pcpu0[i]!) * 1000) / piped.n).toFixed(3)} ms`;
  await fire(baselineUrl!, bodies, 1, okAnswer);
  const baseline = await fire(baselineUrl!, bodies, SECONDS, okAnswer);

  const row = (name: string, r: typeof served): string =>
    `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${ms(pct(r.latencies, 50))}   p90 ${ms(pct(r.latencies, 90))}   p99 ${ms(pct(r.latencies, 99))}   max ${ms(r.latencies[r.latencies.length - 1] ?? NaN)}   ${r.n} requests, ${r.errors} errors`;
  console.log(row('online inference (guest + host)', served));
  console.log(row('SecureBoost (5 trees, depth 3)', boosted));
  console.log(row('LR + fill/scale/bin/one-hot/select', piped));
  console.log(row('baseline: bare node:http, fixed JSON', baseline));
  console.log(`CPU per inference: guest serving ${perRequest(0)}, host serving ${perRequest(1)}, bench client ${perRequest(2)} (less load-sensitive than wall-clock figures)`);
  console.log(`CPU per SecureBoost inference: guest serving ${perBoost(0)}, host serving ${perBoost(1)}, bench client ${perBoost(2)}`);
  console.log(`CPU per feature-chain LR inference: guest serving ${perPiped(0)}, host serving ${perPiped(1)}, bench client ${perPiped(2)}`);
  console.log(`ratio inference / baseline: ${(served.rps / baseline.rps).toFixed(2)}, SecureBoost / baseline: ${(boosted.rps / baseline.rps).toFixed(2)}, feature-chain LR / baseline: ${(piped.rps / baseline.rps).toFixed(2)} (throughput)`);
  console.log(`load average: ${loadBefore} before the inference run, ${loadAfterServing} after it, ${load()} at the end`);
  console.log(`target: >= 1000 req/s with p99 < 20 ms -> ${served.rps >= 1000 && pct(served.latencies, 99) < 20 && served.errors === 0 ? 'met' : 'NOT met'}`);
  console.log(`SecureBoost target: >= 1000 req/s with p99 <= 20 ms -> ${boosted.rps >= 1000 && pct(boosted.latencies, 99) <= 20 && boosted.errors === 0 ? 'met' : 'NOT met'}`);
  if (served.errors > 0) console.log(`first error: ${served.firstError}`);
  if (boosted.errors > 0) console.log(`first SecureBoost error: ${boosted.firstError}`);
  if (piped.errors > 0) console.log(`first feature-chain LR error: ${piped.firstError}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
