// `fedflow certs init` and reading a party out of a certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { partyOfCertificate } from '../../src/federation/peerIdentity.js';
import { parseArgs } from '../../src/cli/args.js';
import { parseRouteTable } from '../../src/federation/routeTable.js';
import { run } from '../cli/helpers.js';
import { tempDir } from '../support/http.js';

test('certs init makes a CA and party certificates that name the party and verify against the CA', async () => {
  const dir = tempDir('certs');
  try {
    const r = await run(['certs', 'init', '--dir', dir, '--party', '9999', '--party', '10000', '--cert-host', 'guest.example']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /party 9999: --tls-ca .*ca\.crt --tls-cert .*party-9999\.crt --tls-key .*party-9999\.key/);
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    const guest = new X509Certificate(readFileSync(join(dir, 'party-9999.crt')));
    assert.ok(guest.verify(ca.publicKey), 'signed by the CA');
    assert.ok(guest.checkIssued(ca));
    assert.match(guest.subjectAltName ?? '', /URI:fedflow:party\/9999/);
    assert.match(guest.subjectAltName ?? '', /DNS:guest\.example/);
    assert.match(guest.subject, /CN=party-9999/);
    const before = statSync(join(dir, 'ca.crt')).mtimeMs;
    const again = await run(['certs', 'init', '--dir', dir, '--party', '10001']);
    assert.is(again.code, 0);
    assert.is(statSync(join(dir, 'ca.crt')).mtimeMs, before, 'the CA is kept');
    assert.ok(new X509Certificate(readFileSync(join(dir, 'party-10001.crt'))).checkIssued(ca));
    const bad = await run(['certs', 'init', '--dir', dir, '--party', '../x']);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /party id '\.\.\/x' must be/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('certs needs its subcommand', () => {
  assert.throws(() => parseArgs(['certs']), /missing subcommand for 'certs'/);
  assert.throws(() => parseArgs(['certs', 'make']), /unknown subcommand 'certs make'/);
  assert.equal(parseArgs(['certs', 'init', '--party', '1', '--party', '2']).options.parties, ['1', '2']);
});

test('the party of a certificate: SAN URI first, then CN party-<id>', () => {
  assert.is(partyOfCertificate({ subjectaltname: 'DNS:localhost, URI:fedflow:party/10000, IP Address:127.0.0.1', subject: { CN: 'party-9999' } }), '10000');
  assert.is(partyOfCertificate({ subject: { CN: 'party-9999' } }), '9999');
  assert.is(partyOfCertificate({ subject: { CN: 'someone' }, subjectaltname: 'URI:https://x/party/1' }), undefined);
  assert.is(partyOfCertificate(undefined), undefined);
});

test('route tables: FATE shape and short shape; bad entries are named', () => {
  const fate = parseRouteTable({ route_table: { '9999': { default: [{ ip: '127.0.0.1', port: 9360 }] } } });
  assert.is(fate.get('9999'), '127.0.0.1:9360');
  assert.is(parseRouteTable({ '10000': 'host-b:9361' }).get('10000'), 'host-b:9361');
  assert.throws(() => parseRouteTable({ '10001': { default: [] } }), /party 10001 needs an address host:port/);
});

test.run();
