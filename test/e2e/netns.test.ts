// Lost parties with real hosts: the three parties' nodes each in their own network namespace
// (`ip netns` + a veth pair to a bridge, each node on its own address), heartbeats every 300 ms,
// party_timeout 4 s in the job:
//   - the host's node SIGKILLed for good mid-job → guest and arbiter end `failed` naming the host
//     within party_timeout + 10 s; the host's row ends the same once it restarts;
//   - the host's link taken down mid-job (its process keeps running: a partition, not a crash) and
//     brought up after party_timeout → all three rows agree.
// Needs root and network namespaces; skips with a message where they are not permitted. Every
// namespace, veth and bridge it made is removed afterwards, also when a test fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';
import { PARTIES, prepareFederation, startPartyNode, type FederationNode, type PartySetup, type RoleName } from '../support/federation.js';
import { certsInit } from '../../src/federation/certs.js';
import { jobRow, longJobConf, runningOn } from '../support/lostParty.js';

const t = suite('e2e: lost parties across network namespaces');
const ROLES: RoleName[] = ['guest', 'host', 'arbiter'];
const PARTY_TIMEOUT_S = 4;
const id = process.pid % 1000;
const subnet = `10.${200 + (id % 50)}.${id % 250}`;
const bridge = `ffbr${id}`;
const nsOf = (role: RoleName) => `ff-${role}-${id}`;
const vethOf = (role: RoleName) => `ff${role[0]}${id}`; // root side (≤ 15 characters)
const addressOf = (role: RoleName) => `${subnet}.${ROLES.indexOf(role) + 1}`;
const dir = tempDir('netns');
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ip = (...args: string[]): string => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const quietly = (f: () => unknown): void => {
  try {
    f();
  } catch {
    // already gone
  }
};

let skip: string | undefined;
let setups: Record<RoleName, PartySetup>;
const nodes = {} as Record<RoleName, FederationNode>;
let netem = false;

function cleanup(): void {
  // The veths first: a namespace outlives its name while the kernel tears it down, and its veth with it.
  for (const role of ROLES) quietly(() => ip('link', 'del', vethOf(role)));
  for (const role of ROLES) quietly(() => ip('netns', 'del', nsOf(role)));
  quietly(() => ip('link', 'del', bridge));
}

function whyNotPermitted(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    ip('netns', 'add', `ff-probe-${id}`);
    ip('netns', 'del', `ff-probe-${id}`);
    return undefined;
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`;
  }
}

function makeNetwork(): void {
  cleanup();
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', `${subnet}.254/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  for (const role of ROLES) {
    const ns = nsOf(role);
    const inner = `${vethOf(role)}n`;
    ip('netns', 'add', ns);
    ip('link', 'add', vethOf(role), 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', ns);
    ip('link', 'set', vethOf(role), 'master', bridge);
    ip('link', 'set', vethOf(role), 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${addressOf(role)}/24`, 'dev', inner);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  }
  // A little latency on every link when the kernel has netem (sch_netem); the point stands without it.
  try {
    for (const role of ROLES) execFileSync('tc', ['qdisc', 'add', 'dev', vethOf(role), 'root', 'netem', 'delay', '5ms'], { stdio: 'pipe' });
    netem = true;
  } catch {
    netem = false;
  }
}

const start = async (role: RoleName): Promise<void> => {
  nodes[role] = await startPartyNode(setups[role], true, ['ip', 'netns', 'exec', nsOf(role)]);
};

t.before(async () => {
  skip = whyNotPermitted();
  if (skip) {
    console.log(`  netns tests skipped: ${skip} (they need root and network namespaces)`);
    return;
  }
  try {
    makeNetwork();
    if (!netem) console.log('  netns: tc netem is not available in this kernel; links run without added latency');
    const hosts = Object.fromEntries(ROLES.map((role) => [PARTIES[role], addressOf(role)]));
    certsInit({ dir: join(dir, 'certs'), partyIds: Object.values(PARTIES), hosts: Object.values(hosts) });
    setups = await prepareFederation({ dir, processes: true, hosts, env: { FEDFLOW_HEARTBEAT_INTERVAL_MS: '300' } });
    for (const role of ROLES) await start(role);
    for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
      const r = await post(nodes[role].url, '/v1/data/upload', example(file));
      assert.is((await waitForJob(nodes[role].url, r.body.jobId)).f_status, 'success');
    }
  } catch (error) {
    cleanup();
    throw error;
  }
});

t.after(async () => {
  if (!skip) {
    quietly(() => ip('link', 'set', vethOf('host'), 'up'));
    for (const node of Object.values(nodes)) await node.process?.kill('SIGKILL').catch(() => {});
    cleanup();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function submitAndRun(): Promise<string> {
  assert.ok(nodes.guest.url.includes(addressOf('guest')), `the guest serves on its own address: ${nodes.guest.url}`);
  const submit = await post(nodes.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: longJobConf(PARTY_TIMEOUT_S) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await runningOn(ROLES.map((r) => nodes[r]), jobId, 'hetero_lr_0');
  return jobId;
}

t('the host killed for good: guest and arbiter fail naming it within party_timeout + 10 s; the restarted host agrees', async () => {
  if (skip) return;
  const jobId = await submitAndRun();
  await nodes.host.process!.kill('SIGKILL');
  const killedAt = Date.now();
  for (const role of ['guest', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(nodes[role].url, jobId, (PARTY_TIMEOUT_S + 10) * 1000, 100);
    assert.is(row.f_status, 'failed', `${role}: ${row.f_reason}`);
    assert.match(String(row.f_reason), /party host 10000 unreachable since .* \(party_timeout 4 s\)/, role);
  }
  assert.ok(Date.now() - killedAt <= (PARTY_TIMEOUT_S + 10) * 1000);
  await start('host');
  const row = await waitForJob(nodes.host.url, jobId, 30_000, 100);
  assert.is(row.f_status, 'failed', String(row.f_reason));
});

t("the host's link down mid-job and up after party_timeout: its process keeps running and all three rows agree", async () => {
  if (skip) return;
  const jobId = await submitAndRun();
  ip('link', 'set', vethOf('host'), 'down');
  const cutAt = Date.now();
  try {
    const guest = await waitForJob(nodes.guest.url, jobId, (PARTY_TIMEOUT_S + 10) * 1000, 100);
    assert.is(guest.f_status, 'failed');
    assert.match(String(guest.f_reason), /party host 10000 unreachable since/);
    const arbiter = await waitForJob(nodes.arbiter.url, jobId, 10_000, 100);
    assert.is(arbiter.f_status, 'failed');
    // The cut-off host is alive (not a crash) and, no longer hearing its initiator, fails too.
    assert.is(nodes.host.process!.child.exitCode, null, 'the host process still runs');
    await sleep(Math.max(0, cutAt + (PARTY_TIMEOUT_S + 1) * 1000 - Date.now()));
  } finally {
    ip('link', 'set', vethOf('host'), 'up');
  }
  const rows = await Promise.all(ROLES.map(async (role) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      const row = await jobRow(nodes[role].url, jobId);
      if (row && ['failed', 'success', 'canceled', 'timeout'].includes(row.f_status)) return row;
    }
    return jobRow(nodes[role].url, jobId);
  }));
  assert.equal(rows.map((r) => r?.f_status), ['failed', 'failed', 'failed'], rows.map((r) => r?.f_reason).join(' | '));
});

t.run();
