// Board sessions: random tokens, the app key's role, expiry after SESSION_TTL_MS, logout, the CSRF
// comparison, a cookie name per port.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BoardSessions, csrfMatches, SESSION_TTL_MS, sessionCookieName } from '../../../src/api/auth/boardSessions.js';

const t = suite('api/auth/boardSessions');

t('a session carries the key and role, expires after its TTL and ends at logout', () => {
  let now = 1_000_000;
  const sessions = new BoardSessions(() => now);
  const a = sessions.create('ops', 'admin');
  const b = sessions.create('viewer', 'reader');
  assert.is.not(a.token, b.token);
  assert.ok(a.token.length >= 43, 'a 256-bit token');
  assert.is(sessions.get(a.token)?.role, 'admin');
  assert.is(sessions.get(b.token)?.appKey, 'viewer');
  assert.is(sessions.get('forged'), undefined);
  assert.is(sessions.get(undefined), undefined);
  sessions.end(b.token);
  assert.is(sessions.get(b.token), undefined);
  now += SESSION_TTL_MS - 1;
  assert.ok(sessions.get(a.token));
  now += 1;
  assert.is(sessions.get(a.token), undefined, 'expired');
  assert.is(sessions.size, 0);
});

t('the CSRF header must equal the session token; cookie names differ by port', () => {
  const { session } = new BoardSessions().create('ops', 'user');
  assert.ok(csrfMatches(session, session.csrf));
  assert.not.ok(csrfMatches(session, undefined));
  assert.not.ok(csrfMatches(session, ''));
  assert.not.ok(csrfMatches(session, `${session.csrf}x`));
  assert.is.not(sessionCookieName(9380), sessionCookieName(9381));
});

t.run();
