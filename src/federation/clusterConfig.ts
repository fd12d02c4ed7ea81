// What a node in cluster mode (work_mode 1) needs beyond a standalone node, checked once at start.
import { existsSync } from 'node:fs';
import type { NodeConfig } from '../config.js';
import { readPartyCerts } from './certs.js';
import type { FaultPlan } from './faultyTransport.js';
import { loadRouteTable, type RouteTable } from './routeTable.js';
import type { TlsMaterial } from './tls.js';

export interface ClusterSettings {
  readonly partyId: string;
  readonly host: string;
  readonly grpcPort: number;
  readonly routes: RouteTable;
  readonly tls: TlsMaterial;
  /** Test-only fault injection (FEDFLOW_TEST_FAULTS='{"drop":0.1,"duplicate":0.1}'). */
  readonly faults?: FaultPlan;
}

export class ClusterConfigError extends Error {
  override name = 'ClusterConfigError';
}

export function clusterSettings(config: NodeConfig, env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const need = (what: string): never => {
    throw new ClusterConfigError(`cluster mode (work_mode 1) needs ${what}`);
  };
  const partyId = config.partyId ?? need('the party id of this node (--party-id or FEDFLOW_PARTY_ID)');
  const routeFile = config.routeTable ?? need('a route table (--route-table or FEDFLOW_ROUTE_TABLE)');
  const routes = loadRouteTable(routeFile);
  let tls: TlsMaterial;
  if (config.insecure) tls = { insecure: true };
  else {
    const ca = config.tlsCa ?? need('--tls-ca (or --insecure for plain-text local tests)');
    const cert = config.tlsCert ?? need('--tls-cert (or --insecure for plain-text local tests)');
    const key = config.tlsKey ?? need('--tls-key (or --insecure for plain-text local tests)');
    for (const f of [ca, cert, key]) if (!existsSync(f)) throw new ClusterConfigError(`TLS file ${f} does not exist (create them with 'fedflow certs init')`);
    tls = readPartyCerts({ ca, cert, key });
  }
  const faults = env.FEDFLOW_TEST_FAULTS ? (JSON.parse(env.FEDFLOW_TEST_FAULTS) as FaultPlan) : undefined;
  return { partyId, host: config.host, grpcPort: config.grpcPort, routes, tls, ...(faults ? { faults } : {}) };
}
