// FATE-Flow 1.11's signing, byte for byte: the expected signatures below were computed with the
// exact expression of fate_client 1.11.4 (python/fate_client/flow_sdk/client/base.py, _request):
//   b64encode(HMAC(secret.encode('ascii'), b'\n'.join([timestamp, nonce, app_key, prepped.path_url,
//     prepped.body if json else b'', urlencode(sorted(data.items()), quote_via=quote, safe='-._~')
//     if data else b'']), 'sha1').digest())
// with python3's hmac/urllib (the JSON body is what requests sends: json.dumps with ", " and ": ").
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formLine, rfc3986, sameSignature, signature, signedHeaders } from '../../../src/api/auth/signature.js';
import { parseAppKey, parseAppKeys, requiredRole, roleAllows } from '../../../src/api/auth/appKeys.js';
import { NonceCache } from '../../../src/api/auth/nonceCache.js';

const test = suite('api/auth/signature');
const SECRET = 's3cret-key!';
const TS = '1796558400000';

test('a JSON request signed as fate_client signs it', () => {
  const body = '{"job_id": "202612061200000000001", "role": "guest"}';
  const sig = signature(SECRET, { timestamp: TS, nonce: 'a5a1e6f6-d2a1-11f0-8de9-0242ac120002', appKey: 'fate-client', pathWithQuery: '/v1/job/query', jsonBody: body });
  assert.is(sig, 'WnMUKswdt3il8I5x9QDumSErorc=');
});

test('a form request: fields sorted and RFC 3986-encoded, query kept, body line empty', () => {
  const form = { z: "é!'()", table_name: 'breast~a*b', namespace: 'experiment ns' };
  assert.is(formLine(form), 'namespace=experiment%20ns&table_name=breast~a%2Ab&z=%C3%A9%21%27%28%29');
  assert.is(signature(SECRET, { timestamp: TS, nonce: 'n2', appKey: 'fate-client', pathWithQuery: '/v1/data/download?x=1', form }), 'khR7ivS19yr9Cra8KXtGRSFtYCo=');
});

test('no body: both body lines empty; a trailing ? is not signed', () => {
  const base = { timestamp: TS, nonce: 'n3', appKey: 'fate-client' };
  assert.is(signature(SECRET, { ...base, pathWithQuery: '/v1/job/query' }), '8OWON+gUSZfCnQKtMCQuhMDLch0=');
  assert.is(signature(SECRET, { ...base, pathWithQuery: '/v1/job/query?' }), '8OWON+gUSZfCnQKtMCQuhMDLch0=');
  assert.is.not(signature(`${SECRET}x`, { ...base, pathWithQuery: '/v1/job/query' }), '8OWON+gUSZfCnQKtMCQuhMDLch0=');
});

test('rfc3986 escapes what encodeURIComponent leaves', () => {
  assert.is(rfc3986("a-._~!*'() b"), 'a-._~%21%2A%27%28%29%20b');
});

test('signedHeaders: the four headers, verifiable', () => {
  const h = signedHeaders({ appKey: 'k', secret: SECRET }, '/v1/job/query', { json: '{}' }, 1_000, 'nonce-1');
  assert.equal(Object.keys(h), ['TIMESTAMP', 'NONCE', 'APP_KEY', 'SIGNATURE']);
  assert.is(h.TIMESTAMP, '1000');
  assert.ok(sameSignature(h.SIGNATURE!, signature(SECRET, { timestamp: '1000', nonce: 'nonce-1', appKey: 'k', pathWithQuery: '/v1/job/query', jsonBody: '{}' })));
  assert.not.ok(sameSignature(h.SIGNATURE!, 'short'));
});

test('app keys: key:secret[:role], admin by default, clear refusals', () => {
  assert.equal(parseAppKey('ops:longsecret'), { key: 'ops', secret: 'longsecret', role: 'admin' });
  assert.equal(parseAppKey('bob:with:colon:reader'), { key: 'bob', secret: 'with:colon', role: 'reader' });
  assert.equal(parseAppKey('bob:with:colon'), { key: 'bob', secret: 'with:colon', role: 'admin' });
  assert.equal(parseAppKeys('a:12345678:user, b:abcdefgh').map((k) => `${k.key}/${k.role}`), ['a/user', 'b/admin']);
  assert.throws(() => parseAppKey('nosecret'), /<key>:<secret>\[:<role>\]/);
  assert.throws(() => parseAppKey('k:short'), /at least 8/);
  assert.throws(() => parseAppKeys(['a:12345678', 'a:abcdefgh']), /given twice/);
});

test('roles: reader queries, user works, admin grants; unknown paths need admin', () => {
  assert.is(requiredRole('/v1/job/query'), 'reader');
  assert.is(requiredRole('/v1/tracking/component/metric/all'), 'reader');
  assert.is(requiredRole('/v1/tracking/component/metric/delete'), 'user');
  assert.is(requiredRole('/v1/job/log'), 'reader');
  assert.is(requiredRole('/v1/job/clean'), 'user');
  assert.is(requiredRole('/v1/version/get'), 'reader');
  assert.is(requiredRole('/v1/board/jobs'), 'reader');
  assert.is(requiredRole('/v1/permission/query/privilege'), 'reader');
  assert.is(requiredRole('/v1/job/submit'), 'user');
  assert.is(requiredRole('/v1/data/upload'), 'user');
  assert.is(requiredRole('/v1/table/delete'), 'user');
  assert.is(requiredRole('/v1/permission/grant/privilege'), 'admin');
  assert.is(requiredRole('/v1/permission/grant'), 'admin');
  assert.is(requiredRole('/v1/something/new'), 'admin');
  assert.ok(roleAllows('admin', 'user'));
  assert.not.ok(roleAllows('reader', 'user'));
});

test('nonces: once per window per key, forgotten after it', () => {
  const c = new NonceCache(60_000);
  assert.ok(c.claim('k', 'n', 1_000, 1_000));
  assert.not.ok(c.claim('k', 'n', 1_000, 30_000));
  assert.ok(c.claim('other', 'n', 1_000, 30_000));
  assert.ok(c.claim('k', 'n', 1_000, 61_001));
  c.claim('k', 'm', 100_000, 100_000);
  assert.is(c.size, 1);
});

test.run();
