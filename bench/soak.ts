// npm run soak — a long run of a three-node cluster under faults (not part of npm test).
//
// For FEDFLOW_SOAK_SECONDS (default 600: the ten minutes the issue asks for) three node processes with mutual
// TLS take a steady mix of uploads (guest and host), light cluster jobs (plaintext hetero LR, 2
// iterations), a few encrypted hetero LR jobs (Paillier 1024) and queries, while every node's transport
// drops or duplicates FEDFLOW_SOAK_FAULTS of its party messages (default 5 % dropped + 5 % duplicated)
// and the host's node is SIGKILLed and restarted FEDFLOW_SOAK_RESTARTS times (default 2).
//
// Afterwards it checks the invariants and exits 1 if one fails:
//   - every job is in an end state and all its parties agree on it;
//   - no table is half-written: an upload that succeeded holds all its rows, one that did not holds none;
//   - every node's event log verifies (`fedflow audit verify`);
//   - the nodes' memory and open file descriptors are flat after warm-up (last quarter vs second quarter,
//     within FEDFLOW_SOAK_RSS_GROWTH_MB, default 64 MB, and 20 fds), per process life;
// and prints the figures: jobs/s, query p50/p99, restarts survived, messages dropped (each retried) and
// duplicated, heartbeats.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_EXAMPLES } from '../test/support/fixtures.js';
import { post, tempDir, waitForJob } from '../test/support/http.js';
import { PARTIES, startFederation, startPartyNode, type FederationNode, type RoleName } from '../test/support/federation.js';
import type { FaultCounts } from '../src/federation/faultyTransport.js';

const SECONDS = Number(process.env.FEDFLOW_SOAK_SECONDS ?? 600);
const FAULTS = process.env.FEDFLOW_SOAK_FAULTS ?? JSON.stringify({ drop: 0.05, duplicate: 0.05 });
const RESTARTS = Number(process.env.FEDFLOW_SOAK_RESTARTS ?? 2);
const RSS_GROWTH_MB = Number(process.env.FEDFLOW_SOAK_RSS_GROWTH_MB ?? 64);
const ROLES: RoleName[] = ['guest', 'host', 'arbiter'];
const END = new Set(['success', 'failed', 'canceled', 'timeout']);
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dsl = example('hetero_lr_dsl.json');

function lrConf(encrypted: boolean): Record<string, any> {
  const c = example('hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = encrypted ? { method: 'Paillier', key_length: 1024 } : { method: null };
  c.algorithm_parameters.hetero_lr_0.max_iter = encrypted ? 5 : 2;
  c.job_parameters.party_timeout = 30;
  return c;
}

interface Sample { at: number; role: RoleName; pid: number; rssKb: number; fds: number }

function sample(role: RoleName, node: FederationNode): Sample | undefined {
  const pid = node.process?.child.pid;
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { at: Date.now(), role, pid, rssKb, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined; // the process just died (a planned kill)
  }
}

const quantile = (xs: number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);

async function main(): Promise<void> {
  const dir = tempDir('soak');
  console.log(`soak: ${SECONDS} s, faults ${FAULTS}, ${RESTARTS} host restarts, data in ${dir}`);
  const { nodes, setups } = await startFederation({ dir, processes: true, faults: FAULTS, env: { FEDFLOW_HEARTBEAT_INTERVAL_MS: '1000' } });
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const jobs: string[] = [];
  const uploads: { role: RoleName; jobId: string; table: string; rows: number }[] = [];
  const queryMs: number[] = [];
  const samples: Sample[] = [];
  const errors: string[] = [];
  let restarts = 0;
  let submitRefused = 0;
  let uploadRefused = 0;
  const url = (role: RoleName) => nodes[role].url;

  const sampler = setInterval(() => ROLES.forEach((r) => {
    const s = sample(r, nodes[r]);
    if (s) samples.push(s);
  }), 2000);

  const loop = async (every: number, body: (i: number) => Promise<void>): Promise<void> => {
    for (let i = 0; Date.now() < deadline; i++) {
      await body(i).catch((e: Error) => errors.push(e.message));
      await sleep(Math.max(0, Math.min(every, deadline - Date.now())));
    }
  };

  const uploadLoop = loop(1500, async (i) => {
    const role: RoleName = i % 2 === 0 ? 'guest' : 'host';
    const table = `soak_${role}_${i}`;
    const conf = { ...example(role === 'guest' ? 'upload_breast_hetero_guest.json' : 'upload_breast_hetero_host.json'), namespace: 'soak', table_name: table };
    const r = await post(url(role), '/v1/data/upload', conf).catch(() => undefined);
    if (!r || r.body.retcode !== 0) return void uploadRefused++;
    uploads.push({ role, jobId: r.body.jobId, table, rows: 569 });
  });

  const submit = async (encrypted: boolean): Promise<void> => {
    const r = await post(url('guest'), '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: lrConf(encrypted) }).catch(() => undefined);
    if (!r || r.body.retcode !== 0) return void submitRefused++; // e.g. the host is down at submit: refused, nothing runs
    jobs.push(r.body.jobId);
  };
  // Tables the jobs read.
  for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
    const r = await post(url(role), '/v1/data/upload', example(file));
    await waitForJob(url(role), r.body.jobId);
  }
  const lightJobs = loop(4000, () => submit(false));
  const encryptedJobs = loop(45_000, () => submit(true));
  const queries = loop(100, async (i) => {
    const role = ROLES[i % 3]!;
    const t0 = performance.now();
    const r = await post(url(role), i % 2 ? '/v1/job/query' : '/v1/table/table_info', i % 2 ? { job_id: jobs[jobs.length - 1] ?? 'none' } : { namespace: 'experiment', table_name: 'breast_hetero_guest' }).catch(() => undefined);
    if (r && r.status < 500) queryMs.push(performance.now() - t0);
  });
  const chaos = (async () => {
    for (let k = 1; k <= RESTARTS; k++) {
      await sleep(Math.max(0, started + (SECONDS * 1000 * k) / (RESTARTS + 1) - Date.now()));
      if (Date.now() >= deadline) break;
      console.log(`soak: SIGKILL host at ${((Date.now() - started) / 1000).toFixed(0)} s`);
      await nodes.host.process!.kill('SIGKILL');
      await sleep(2000);
      nodes.host = await startPartyNode(setups.host, true);
      restarts++;
    }
  })();
  await Promise.all([uploadLoop, lightJobs, encryptedJobs, queries, chaos]);
  const ranFor = (Date.now() - started) / 1000;
  console.log(`soak: load stopped after ${ranFor.toFixed(0)} s; waiting for ${jobs.length} jobs and ${uploads.length} uploads to end`);

  // Invariants.
  const failures: string[] = [];
  const statusCount: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const jobId of jobs) {
    const rows = await Promise.all(ROLES.map((r) => waitForJob(url(r), jobId, 300_000, 200).catch((e: Error) => ({ f_status: `not ended (${e.message.slice(0, 80)})` } as Record<string, any>))));
    const statuses = rows.map((r) => String(r.f_status));
    statusCount[statuses[0]!] = (statusCount[statuses[0]!] ?? 0) + 1;
    if (statuses[0] === 'failed') {
      const why = String(rows[0]!.f_reason).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/\d{10,}/g, '<id>').slice(0, 110);
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    if (!statuses.every((s) => END.has(s))) failures.push(`job ${jobId} not ended everywhere: ${statuses.join(', ')}`);
    else if (new Set(statuses).size !== 1) failures.push(`job ${jobId}: parties disagree: ${statuses.join(', ')}`);
  }
  let tablesOk = 0;
  for (const u of uploads) {
    const row = await waitForJob(url(u.role), u.jobId, 120_000, 200).catch(() => undefined);
    const info = await post(url(u.role), '/v1/table/table_info', { namespace: 'soak', table_name: u.table });
    const count = Number(info.body.data?.count ?? 0);
    const expected = row?.f_status === 'success' ? u.rows : 0;
    if (count !== expected) failures.push(`table soak/${u.table} on ${u.role}: ${count} rows, upload ${row?.f_status ?? 'not ended'} (expected ${expected})`);
    else tablesOk++;
  }
  clearInterval(sampler);

  // Memory and fds: per process life (the host restarts), compare the last quarter with the second.
  const byPid = new Map<number, Sample[]>();
  for (const s of samples) (byPid.get(s.pid) ?? byPid.set(s.pid, []).get(s.pid)!).push(s);
  const memory: string[] = [];
  for (const [pid, xs] of byPid) {
    if (xs.length < 12) continue; // too short a life to say
    const q = Math.floor(xs.length / 4);
    const warm = xs.slice(q, 2 * q);
    const last = xs.slice(xs.length - q);
    const rssGrowth = (median(last.map((s) => s.rssKb)) - median(warm.map((s) => s.rssKb))) / 1024;
    const fdGrowth = median(last.map((s) => s.fds)) - median(warm.map((s) => s.fds));
    memory.push(`${xs[0]!.role} pid ${pid}: rss ${(median(warm.map((s) => s.rssKb)) / 1024).toFixed(0)} → ${(median(last.map((s) => s.rssKb)) / 1024).toFixed(0)} MB, fds ${median(warm.map((s) => s.fds))} → ${median(last.map((s) => s.fds))}`);
    if (rssGrowth > RSS_GROWTH_MB) failures.push(`${xs[0]!.role} pid ${pid}: memory grew ${rssGrowth.toFixed(0)} MB after warm-up (bound ${RSS_GROWTH_MB} MB)`);
    if (fdGrowth > 20) failures.push(`${xs[0]!.role} pid ${pid}: ${fdGrowth} more open fds after warm-up`);
  }

  await Promise.all(ROLES.map((r) => nodes[r].close()));
  const faults = ROLES.map((r) => {
    try {
      return JSON.parse(readFileSync(join(dir, `party-${PARTIES[r]}`, 'fault-counts.json'), 'utf8')) as FaultCounts;
    } catch {
      return { sent: 0, dropped: 0, duplicated: 0, delayed: 0, reordered: 0 };
    }
  });
  const total = (k: keyof FaultCounts) => faults.reduce((sum, c) => sum + c[k], 0);
  for (const r of ROLES) {
    try {
      execFileSync(process.execPath, [CLI, 'audit', 'verify', '--data-dir', join(dir, `party-${PARTIES[r]}`)], { stdio: 'pipe' });
    } catch (error) {
      failures.push(`audit verify on ${r}: ${String((error as { stdout?: Buffer }).stdout ?? '').trim().slice(0, 300)} ${(error as Error).message.slice(0, 200)}`);
    }
  }

  console.log('\nsoak figures');
  console.log(`  duration              ${ranFor.toFixed(0)} s (FEDFLOW_SOAK_SECONDS=${SECONDS})`);
  console.log(`  jobs submitted        ${jobs.length} (${(jobs.length / ranFor).toFixed(3)} jobs/s), refused at submit ${submitRefused}; end states ${JSON.stringify(statusCount)}`);
  for (const [why, n] of Object.entries(reasons).sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`    failed ${n}×: ${why}`);
  console.log(`  uploads               ${uploads.length} accepted, ${uploadRefused} refused, ${tablesOk} tables whole or absent as their upload ended`);
  console.log(`  queries               ${queryMs.length}, p50 ${quantile(queryMs, 0.5).toFixed(1)} ms, p99 ${quantile(queryMs, 0.99).toFixed(1)} ms`);
  console.log(`  host restarts         ${restarts} survived`);
  console.log(`  party messages        ${total('sent')} sent, ${total('dropped')} dropped (each retried), ${total('duplicated')} duplicated (the host's counts before its kills are lost with it)`);
  for (const m of memory) console.log(`  memory                ${m}`);
  console.log(`  audit verify          ${failures.some((f) => f.startsWith('audit')) ? 'FAILED' : 'ok on all three nodes'}`);
  if (errors.length) console.log(`  load errors           ${errors.length} (first: ${errors[0]})`);
  if (failures.length) {
    console.log('\nsoak invariants FAILED:');
    for (const f of failures.slice(0, 30)) console.log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log('\nsoak invariants hold');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
