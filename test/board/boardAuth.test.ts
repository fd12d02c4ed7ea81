// The board on a node with app keys, in Chromium: it asks for a login, signs one request with the
// app key and secret (WebCrypto, and the page's own SHA-1 where crypto.subtle is missing, as on
// plain http to another host), then reads and follows the node through an HttpOnly session cookie;
// a reader's session cannot stop a job (108); a POST without the CSRF header is refused (109);
// the secret is stored nowhere in the page; signing out ends the session.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHmac } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { signedHeaders } from '../../src/api/auth/signature.js';
import { launchChromium, SCREENSHOTS } from '../support/board.js';
import { example } from '../support/exampleNode.js';
import { SHARED_DATA, tempDir } from '../support/http.js';

const ADMIN = { appKey: 'board-admin', secret: 'admin-secret-0001' };
const READER = { appKey: 'board-reader', secret: 'reader-secret-001' };
const dir = tempDir('board-auth');
let node: RunningNode;
let browser: Browser;
const t = suite('board: login with app keys, session cookie, roles');

t.before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  node = await startNode(buildConfig({
    httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent',
    appKeys: [`${ADMIN.appKey}:${ADMIN.secret}:admin`, `${READER.appKey}:${READER.secret}:reader`],
  }));
  browser = await launchChromium();
});
t.after(async () => {
  await browser?.close();
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A signed POST from the test itself (the CLI's way). */
async function signedPost(path: string, body: unknown, who = ADMIN): Promise<any> {
  const json = JSON.stringify(body);
  const res = await fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(who, path, { json }) }, body: json });
  return res.json();
}

async function signIn(page: Page, who: { appKey: string; secret: string }): Promise<void> {
  await page.goto(`${node.url}/#/jobs`);
  await page.waitForSelector('form[data-form="login"]');
  await page.fill('input[name="appKey"]', who.appKey);
  await page.fill('input[name="secret"]', who.secret);
  await page.click('form[data-form="login"] button[type="submit"]');
  await page.waitForSelector(`[data-app-key="${who.appKey}"]`, { timeout: 10_000 });
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

t('the page SHA-1 fallback computes FATE\'s HMAC-SHA1 exactly as node:crypto does', async () => {
  const sign = await import(pathToFileURL(join(process.cwd(), 'board', 'src', 'sign.js')).href);
  const enc = new TextEncoder();
  for (const [key, message] of [['k', ''], [ADMIN.secret, '1\n2\nkey\n/v1/board/session\n{"board":true}\n'], ['x'.repeat(100), 'é'.repeat(300)]] as const) {
    const js = Buffer.from(sign.hmacSha1Js(enc.encode(key), enc.encode(message))).toString('base64');
    assert.is(js, createHmac('sha1', key).update(message).digest('base64'));
  }
});

t('login page, a wrong secret refused, then signed in: jobs listed and followed live through the session', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await newPage(context);
  await page.goto(`${node.url}/#/jobs`);
  await page.waitForSelector('form[data-form="login"]');
  await page.screenshot({ path: join(SCREENSHOTS, '8-login.png') });
  await page.fill('input[name="appKey"]', ADMIN.appKey);
  await page.fill('input[name="secret"]', 'not-the-secret');
  await page.click('form[data-form="login"] button[type="submit"]');
  assert.match(await (await page.waitForSelector('[data-login-error]')).textContent() ?? '', /signature authentication failed/);

  await page.fill('input[name="secret"]', ADMIN.secret);
  await page.click('form[data-form="login"] button[type="submit"]');
  await page.waitForSelector(`[data-app-key="${ADMIN.appKey}"]`);
  await page.waitForSelector('body[data-live="on"]');
  // The session cookie is HttpOnly: the page's scripts cannot read it; the secret is kept nowhere.
  assert.is(await page.evaluate(() => document.cookie), '');
  assert.equal(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0]);
  const cookies = await context.cookies(node.url);
  assert.is(cookies.length, 1);
  assert.ok(cookies[0]!.httpOnly && cookies[0]!.sameSite === 'Strict', JSON.stringify(cookies[0]));

  // A job submitted elsewhere (a signed upload) appears without a reload: the event stream rides the cookie.
  const upload = await signedPost('/v1/data/upload', example('upload_breast_hetero_guest.json'));
  assert.is(upload.retcode, 0, upload.retmsg);
  await page.waitForSelector(`tr[data-job-id="${upload.jobId}"][data-status="success"]`, { timeout: 20_000 });
  await page.screenshot({ path: join(SCREENSHOTS, '9-jobs-signed-in.png'), fullPage: true });

  // A POST with the cookie but without the CSRF header (what another page could forge) is refused.
  const forged = await page.evaluate(async () => (await fetch('/v1/job/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"job_id":"x"}' })).json());
  assert.is(forged.retcode, 109);
  assert.match(forged.retmsg, /x-fedflow-csrf/);
  // Nor can a session open another session.
  const again = await page.evaluate(async () => (await fetch('/v1/board/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json());
  assert.is(again.retcode, 109);

  await page.click('[data-action="logout"]');
  await page.waitForSelector('form[data-form="login"]');
  const after = await page.evaluate(async () => (await fetch('/v1/board/jobs')).json());
  assert.is(after.retcode, 109, 'the session still works after signing out');
  await context.close();
});

t('without crypto.subtle (http to another host) the page signs with its own SHA-1; a reader cannot stop a job', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined }));
  const page = await newPage(context);
  await signIn(page, READER);
  assert.is(await page.evaluate(() => typeof crypto.subtle), 'undefined');
  await page.waitForSelector('tr[data-job-id]');
  const stop = await page.evaluate(async () => {
    const session = await (await fetch('/v1/board/session')).json();
    return (await fetch('/v1/job/stop', { method: 'POST', headers: { 'content-type': 'application/json', 'x-fedflow-csrf': session.data.csrf_token }, body: '{"job_id":"x"}' })).json();
  });
  assert.is(stop.retcode, 108);
  assert.match(stop.retmsg, /role reader/);
  await context.close();
});

t.run();
