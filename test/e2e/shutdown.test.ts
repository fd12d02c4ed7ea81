// Graceful shutdown of a real `fedflow node` process: SIGTERM while a hetero LR job trains and a
// board event stream is open → the port stops accepting, the job ends `canceled` with the shutdown
// as its recorded reason (not "node restarted", which is what a crash leaves), the log is flushed
// and its head signed (audit verify: the last checkpoint is the last event), exit code 0 within the
// bound. A restart on the same data dir finds nothing to recover.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config.js';
import { startNode } from '../../src/main.js';
import { SHUTDOWN_BOUND_MS } from '../../src/cli/commands/node.js';
import { EVENTS_FILE } from '../../src/store/openEventStore.js';
import { verifyEventLog } from '../../src/store/audit/verifyLog.js';
import { example } from '../support/exampleNode.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { startFederation, startPartyNode } from '../support/federation.js';
import { readFileSync } from 'node:fs';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'fedflow.js');
const dir = tempDir('shutdown');
const t = suite('graceful shutdown on SIGTERM');
t.after(() => rmSync(dir, { recursive: true, force: true }));

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

t('SIGTERM mid-training: stops accepting, cancels the job with its reason, flushes and signs the log, exits 0', async () => {
  const dataDir = join(dir, 'node');
  const child = spawn(process.execPath, [BIN, 'node'], {
    env: { ...process.env, FEDFLOW_HTTP_PORT: '0', FEDFLOW_DATA_DIR: dataDir, FEDFLOW_DATA_ROOTS: `${dir}:${SHARED_DATA}`, FEDFLOW_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = out.match(/fedflow node listening on (http:\/\/[\d.:]+)/);
        if (m) (clearInterval(timer), resolve(m[1]!));
      }, 20);
      void exited.then((code) => (clearInterval(timer), reject(new Error(`node exited with ${code}: ${err}`))));
    });
    const port = Number(new URL(url).port);
    for (const file of ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']) {
      const r = await post(url, '/v1/data/upload', example(file));
      assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
    }
    const conf = example('hetero_lr_conf.json');
    conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
    conf.algorithm_parameters.hetero_lr_0.max_iter = 100_000;
    conf.algorithm_parameters.hetero_lr_0.tol = 0; // weight_diff never converges: the job is still training at the signal
    const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
    assert.is(submit.body.retcode, 0, submit.body.retmsg);
    const jobId = submit.body.jobId as string;
    for (const deadline = Date.now() + 60_000; ;) {
      const tasks = (await post(url, '/v1/job/task/query', { job_id: jobId, component_name: 'hetero_lr_0' })).body.data ?? [];
      if (tasks.some((task: any) => task.f_status === 'running')) break;
      assert.ok(Date.now() < deadline, 'hetero_lr_0 never ran');
      await new Promise((r) => setTimeout(r, 100));
    }
    // An open board stream must not hold the shutdown.
    const stream = await fetch(`${url}/v1/board/events`);
    const reader = stream.body!.getReader();
    void (async () => { try { for (;;) if ((await reader.read()).done) break; } catch { /* cut by the shutdown */ } })();

    const sent = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = performance.now() - sent;
    assert.is(code, 0, `exit code ${code}; stderr: ${err}`);
    assert.ok(ms < SHUTDOWN_BOUND_MS, `shutdown took ${Math.round(ms)} ms`);
    assert.match(err, /SIGTERM received, closing/);
    assert.match(err, /fedflow node: closed/);
    assert.match(out, /"step":"jobs"/);
    assert.match(out, /fedflow node stopped/);
    assert.ok(await refused(port), 'the HTTP port still accepts connections');

    // The log was flushed and its head signed at shutdown.
    const report = verifyEventLog(join(dataDir, EVENTS_FILE));
    assert.ok(report.ok, JSON.stringify(report.firstBroken));
    assert.is(report.lastCheckpoint?.position, report.headPosition);

    // The job ended with the shutdown as its reason before the process exited: a restart has
    // nothing to recover (a crash would leave it running, to end "node restarted while the job ran").
    const node = await startNode(buildConfig({ httpPort: 0, dataDir, dataRoots: [dir, SHARED_DATA], logLevel: 'silent' }));
    try {
      const rows = (await post(node.url, '/v1/job/query', { job_id: jobId })).body.data as any[];
      assert.ok(rows.length >= 3);
      for (const row of rows) {
        assert.is(row.f_status, 'canceled', `${row.f_role} ${row.f_party_id}`);
        assert.match(String(row.f_reason), /node stopped while the job ran/);
      }
      const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as any[];
      assert.ok(tasks.every((task) => !['running', 'waiting'].includes(task.f_status)), JSON.stringify(tasks.map((task) => task.f_status)));
      const timeline = (await post(node.url, '/v1/audit/job/timeline', { job_id: jobId })).body.data.timeline as any[];
      assert.ok(timeline.some((e) => e.event === 'JobCanceled' && /node stopped/.test(e.what)));
    } finally {
      await node.close();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

t('cluster mode: a host node shut down mid-training records its tasks as stopped (not lost to a restart)', async () => {
  const fedDir = join(dir, 'fed');
  mkdirSync(fedDir, { recursive: true });
  const { nodes, setups } = await startFederation({ dir: fedDir, insecure: true });
  const cluster = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
  let host = nodes.host;
  try {
    for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
      const r = await post(nodes[role].url, '/v1/data/upload', cluster(file));
      assert.is((await waitForJob(nodes[role].url, r.body.jobId)).f_status, 'success');
    }
    const conf = cluster('hetero_lr_conf.json');
    conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
    conf.algorithm_parameters.hetero_lr_0.max_iter = 100_000;
    conf.algorithm_parameters.hetero_lr_0.tol = 0; // weight_diff never converges: the job is still training at the signal
    const submit = await post(nodes.guest.url, '/v1/job/submit', { job_dsl: cluster('hetero_lr_dsl.json'), job_runtime_conf: conf });
    assert.is(submit.body.retcode, 0, submit.body.retmsg);
    const jobId = submit.body.jobId as string;
    for (const deadline = Date.now() + 90_000; ;) {
      const tasks = (await post(host.url, '/v1/job/task/query', { job_id: jobId, component_name: 'hetero_lr_0' })).body.data ?? [];
      if (tasks.some((task: any) => task.f_status === 'running')) break;
      assert.ok(Date.now() < deadline, 'hetero_lr_0 never ran on the host');
      await new Promise((r) => setTimeout(r, 100));
    }
    await host.close(); // the same shutdown as SIGTERM
    host = await startPartyNode(setups.host, false);
    const task = ((await post(host.url, '/v1/job/task/query', { job_id: jobId, component_name: 'hetero_lr_0' })).body.data as any[])[0];
    assert.is(task.f_status, 'failed');
    assert.is(task.f_reason, 'task stopped', `the host's task ended by ${task.f_reason}`);
    const events = (await post(host.url, '/v1/audit/events', { job_id: jobId, event_types: ['JobStopAcknowledged'] })).body.data.events as any[];
    assert.ok(events.some((e) => /node stopped while the job ran/.test(JSON.stringify(e.data))), JSON.stringify(events));
  } finally {
    await Promise.all([nodes.guest, nodes.arbiter, host].map((n) => n.close().catch(() => {})));
  }
});

t.run();
