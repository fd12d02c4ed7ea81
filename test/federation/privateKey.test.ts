// Private keys readable by others are refused (the node would not start with them); certs init
// writes keys 0600; a node serves /v1 over HTTPS with --http-tls-cert/--http-tls-key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { checkPrivateKeyMode, PrivateKeyError } from '../../src/federation/privateKey.js';
import { certsInit, partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { buildConfig } from '../../src/config.js';
import { startNode } from '../../src/main.js';
import { tempDir } from '../support/http.js';

const test = suite('federation/privateKey');
const dir = tempDir('privkey');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a key readable by group or others is refused, naming the fix', () => {
  const key = join(dir, 'k.pem');
  writeFileSync(key, 'x', { mode: 0o644 });
  chmodSync(key, 0o644);
  assert.throws(() => checkPrivateKeyMode(key, 'party TLS key'), (e: Error) => e instanceof PrivateKeyError && /readable by others \(mode 0644\); run chmod 600/.test(e.message));
  chmodSync(key, 0o640);
  assert.throws(() => checkPrivateKeyMode(key, 'party TLS key'), /mode 0640/);
  chmodSync(key, 0o600);
  assert.not.throws(() => checkPrivateKeyMode(key, 'party TLS key'));
  assert.throws(() => checkPrivateKeyMode(join(dir, 'missing.pem'), 'party TLS key'), /cannot read party TLS key/);
});

test('certs init writes 0600 keys; a cluster node refuses a key made world-readable', () => {
  const certs = join(dir, 'certs');
  certsInit({ dir: certs, partyIds: ['9999'] });
  const paths = partyCertPaths(certs, '9999');
  assert.is(statSync(paths.key).mode & 0o777, 0o600);
  assert.is(statSync(join(certs, 'ca.key')).mode & 0o777, 0o600);
  assert.not.throws(() => readPartyCerts(paths));
  chmodSync(paths.key, 0o644);
  assert.throws(() => readPartyCerts(paths), /readable by others/);
  chmodSync(paths.key, 0o600);
});

test('/v1 over HTTPS', async () => {
  const certs = join(dir, 'certs');
  const paths = partyCertPaths(certs, '9999');
  const node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), eventStore: 'memory', logLevel: 'silent', httpTlsCert: paths.cert, httpTlsKey: paths.key }));
  try {
    assert.match(node.url, /^https:\/\//);
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(`${node.url}/v1/job/query`, { method: 'POST', ca: readFileSync(paths.ca), headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      req.end('{"job_id":"x"}');
    });
    assert.is(answer.retcode, 101);
  } finally {
    await node.close();
  }
  assert.throws(() => buildConfig({ httpTlsCert: paths.cert }), /httpTlsCert and httpTlsKey go together/);
});

test.run();
