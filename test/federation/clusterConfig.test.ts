// A cluster node's settings: flags → NodeConfig → ClusterSettings, and the messages of a bad start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { configFromFlags } from '../../src/cli/commands/node.js';
import { buildConfig } from '../../src/config.js';
import { clusterSettings } from '../../src/federation/clusterConfig.js';
import { tempDir } from '../support/http.js';

test('node flags reach the cluster settings; missing pieces are named', () => {
  const dir = tempDir('cluster-config');
  try {
    const routes = join(dir, 'route_table.json');
    writeFileSync(routes, JSON.stringify({ '9999': '127.0.0.1:9360', '10000': '127.0.0.1:9361' }));
    const flags = (...extra: string[]) => configFromFlags(parseArgs(['node', '--work-mode', '1', ...extra]).options);
    const ok = clusterSettings(buildConfig(flags('--party-id', '9999', '--grpc-port', '0', '--route-table', routes, '--insecure')), {});
    assert.is(ok.partyId, '9999');
    assert.is(ok.grpcPort, 0);
    assert.is(ok.routes.get('10000'), '127.0.0.1:9361');
    assert.equal(ok.tls, { insecure: true });
    assert.is(ok.faults, undefined);
    assert.equal(clusterSettings(buildConfig(flags('--party-id', '9999', '--route-table', routes, '--insecure')), { FEDFLOW_TEST_FAULTS: '{"drop":0.1}' }).faults, { drop: 0.1 });
    assert.throws(() => clusterSettings(buildConfig(flags('--route-table', routes, '--insecure')), {}), /needs the party id of this node \(--party-id/);
    assert.throws(() => clusterSettings(buildConfig(flags('--party-id', '9999', '--insecure')), {}), /needs a route table/);
    assert.throws(() => clusterSettings(buildConfig(flags('--party-id', '9999', '--route-table', routes)), {}), /needs --tls-ca \(or --insecure/);
    assert.throws(
      () => clusterSettings(buildConfig(flags('--party-id', '9999', '--route-table', routes, '--tls-ca', join(dir, 'ca.crt'), '--tls-cert', 'x', '--tls-key', 'y')), {}),
      /TLS file .*ca\.crt does not exist \(create them with 'fedflow certs init'\)/,
    );
    assert.throws(() => clusterSettings(buildConfig(flags('--party-id', '9999', '--route-table', join(dir, 'nope.json'), '--insecure')), {}), /route table .*nope\.json cannot be read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
