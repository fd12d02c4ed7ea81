// A three-party federation on 127.0.0.1 for end-to-end tests: guest 9999, host 10000, arbiter
// 10001, each a cluster-mode node with its own data dir, gRPC port and certificate — either in
// this process (startNode) or as child processes (spawnNode; those can be killed).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { certsInit, partyCertPaths } from '../../src/federation/certs.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA } from './http.js';
import { spawnNode, type NodeProcess } from './nodeProcess.js';

export const PARTIES = { guest: '9999', host: '10000', arbiter: '10001' } as const;
export type RoleName = keyof typeof PARTIES;

export interface FederationNode {
  readonly partyId: string;
  readonly url: string;
  readonly grpcPort: number;
  close(): Promise<void>;
  /** Child processes only. */
  readonly process?: NodeProcess;
}

export type Federation = Record<RoleName, FederationNode>;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface FederationOptions {
  readonly dir: string;
  readonly processes?: boolean;
  readonly insecure?: boolean;
  /** FEDFLOW_TEST_FAULTS for child processes. */
  readonly faults?: string;
  /**
   * App keys (`key:secret[:role]`) of every node's /v1; without them the nodes run --insecure-http
   * so the tests that are not about client authentication can call /v1 unsigned.
   */
  readonly appKeys?: readonly string[];
  /** Party permissions (a cluster node's default is on; tests not about them turn them off). */
  readonly permission?: boolean;
  /** Extra FEDFLOW_* variables for every node (limits, heartbeat interval, party timeout). */
  readonly env?: Record<string, string>;
  /** Each party's address (default 127.0.0.1 for all): nodes bind to it and the route table names it. */
  readonly hosts?: Partial<Record<string, string>>;
}

/** Per-party settings (also used to restart one node on the same ports and data dir). */
export interface PartySetup {
  readonly partyId: string;
  readonly env: Record<string, string>;
}

export async function prepareFederation(o: FederationOptions): Promise<Record<RoleName, PartySetup>> {
  const certs = join(o.dir, 'certs');
  if (!o.insecure) certsInit({ dir: certs, partyIds: Object.values(PARTIES) });
  const ports: Record<string, number> = {};
  for (const id of Object.values(PARTIES)) ports[id] = o.hosts?.[id] ? 9360 : await freePort();
  const hostOf = (id: string): string => o.hosts?.[id] ?? '127.0.0.1';
  const routeTable = join(o.dir, 'route_table.json');
  writeFileSync(routeTable, JSON.stringify({ route_table: Object.fromEntries(Object.entries(ports).map(([id, port]) => [id, { default: [{ ip: hostOf(id), port }] }])) }, null, 2));
  const setups = {} as Record<RoleName, PartySetup>;
  for (const [role, partyId] of Object.entries(PARTIES) as [RoleName, string][]) {
    const tls = partyCertPaths(certs, partyId);
    setups[role] = {
      partyId,
      env: {
        FEDFLOW_WORK_MODE: '1',
        FEDFLOW_PARTY_ID: partyId,
        FEDFLOW_GRPC_PORT: String(ports[partyId]),
        FEDFLOW_ROUTE_TABLE: routeTable,
        FEDFLOW_DATA_DIR: join(o.dir, `party-${partyId}`),
        FEDFLOW_DATA_ROOTS: [join(o.dir, `party-${partyId}`), SHARED_DATA].join(':'),
        ...(o.insecure ? { FEDFLOW_INSECURE: '1' } : { FEDFLOW_TLS_CA: tls.ca, FEDFLOW_TLS_CERT: tls.cert, FEDFLOW_TLS_KEY: tls.key }),
        ...(o.faults ? { FEDFLOW_TEST_FAULTS: o.faults } : {}),
        ...(o.appKeys?.length ? { FEDFLOW_APP_KEYS: o.appKeys.join(',') } : { FEDFLOW_INSECURE_HTTP: '1' }),
        FEDFLOW_PERMISSION: o.permission ? 'on' : 'off',
        ...(o.hosts?.[partyId] ? { FEDFLOW_HOST: o.hosts[partyId]! } : {}),
        ...o.env,
        ...(process.env.FEDFLOW_TEST_LOG_DIR ? { FEDFLOW_TEST_LOG_FILE: join(process.env.FEDFLOW_TEST_LOG_DIR, `party-${partyId}.log`) } : {}),
      },
    };
  }
  return setups;
}

export async function startPartyNode(setup: PartySetup, processes: boolean, wrap: readonly string[] = []): Promise<FederationNode> {
  const grpcPort = Number(setup.env.FEDFLOW_GRPC_PORT);
  if (processes) {
    const p = await spawnNode(setup.env, wrap);
    return { partyId: setup.partyId, url: p.url, grpcPort, process: p, close: () => p.kill('SIGTERM') };
  }
  const e = setup.env;
  const node: RunningNode = await startNode(
    buildConfig({
      httpPort: 0, logLevel: 'silent', workMode: 1, partyId: setup.partyId, grpcPort, routeTable: e.FEDFLOW_ROUTE_TABLE, dataDir: e.FEDFLOW_DATA_DIR,
      dataRoots: e.FEDFLOW_DATA_ROOTS!.split(':'), insecure: e.FEDFLOW_INSECURE === '1',
      insecureHttp: e.FEDFLOW_INSECURE_HTTP === '1', permission: e.FEDFLOW_PERMISSION === 'on',
      ...(e.FEDFLOW_APP_KEYS ? { appKeys: e.FEDFLOW_APP_KEYS } : {}),
      ...(e.FEDFLOW_TLS_CA ? { tlsCa: e.FEDFLOW_TLS_CA, tlsCert: e.FEDFLOW_TLS_CERT, tlsKey: e.FEDFLOW_TLS_KEY } : {}),
    }),
  );
  return { partyId: setup.partyId, url: node.url, grpcPort, close: () => node.close() };
}

/**
 * Tries of a federation start when a node could not bind its gRPC port: freePort() only names a port
 * that was free a moment ago, and another process (or an outgoing connection) may take it first.
 */
const PORT_RACE_TRIES = 3;

export async function startFederation(o: FederationOptions): Promise<{ nodes: Federation; setups: Record<RoleName, PartySetup> }> {
  const roles = Object.keys(PARTIES) as RoleName[];
  for (let attempt = 1; ; attempt++) {
    const setups = await prepareFederation(o);
    const started = await Promise.allSettled(roles.map((role) => startPartyNode(setups[role], o.processes === true)));
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failure) {
      const nodes = Object.fromEntries(roles.map((role, i) => [role, (started[i] as PromiseFulfilledResult<FederationNode>).value]));
      return { nodes: nodes as Federation, setups };
    }
    // The nodes that did start must not outlive the failure: a child left running keeps the test
    // process alive for ever (uvu then never exits), with nobody left to stop it.
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? stopAtOnce(r.value) : undefined)));
    if (attempt < PORT_RACE_TRIES && /EADDRINUSE/.test(String((failure.reason as Error)?.message))) continue;
    throw failure.reason;
  }
}

/** A child process is killed outright; an in-process node is closed. */
export function stopAtOnce(node: FederationNode): Promise<void> {
  return node.process ? node.process.kill('SIGKILL') : node.close().catch(() => {});
}
