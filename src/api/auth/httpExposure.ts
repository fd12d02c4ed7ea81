// Who can reach /v1 decides whether it may run without client authentication: a standalone node
// on loopback may (one user's machine, as FATE standalone); a cluster node, or any node bound to
// another address, serves an organisation's data to a network and must not, unless the operator
// says so with --insecure-http.
import type { NodeConfig } from '../../config.js';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Throws when the node would serve /v1 unauthenticated where it must not. */
export function checkHttpExposure(config: Pick<NodeConfig, 'appKeys' | 'insecureHttp' | 'workMode' | 'host'>): void {
  if (config.appKeys.length > 0 || config.insecureHttp) return;
  const why = config.workMode === 1 ? 'in cluster mode' : `bound to ${config.host}`;
  if (config.workMode === 1 || !isLoopback(config.host)) {
    throw new Error(
      `refusing to serve /v1 ${why} without client authentication: give app keys (--app-key <key>:<secret>[:<role>], repeatable, or FEDFLOW_APP_KEYS) or accept the risk with --insecure-http`,
    );
  }
}
