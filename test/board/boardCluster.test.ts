// The board in cluster mode: three nodes (guest 9999, host 10000, arbiter 10001), the examples'
// cluster hetero LR job (plaintext, 3 iterations) submitted at the guest; every node's board lists
// the job, shows its DAG and its own components green, live, and the job's end.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from '../support/board.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { startFederation, type Federation } from '../support/federation.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const dir = tempDir('board-cluster');
let fed: Federation;
let browser: Browser;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const t = suite('board: cluster mode, at each node');

t.before(async () => {
  fed = (await startFederation({ dir })).nodes;
  for (const [node, file] of [[fed.guest, 'upload_breast_hetero_guest.json'], [fed.host, 'upload_breast_hetero_host.json']] as const) {
    const r = await post(node.url, '/v1/data/upload', example(file));
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
t.after(async () => {
  await browser?.close();
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close()));
  rmSync(dir, { recursive: true, force: true });
});

t('each node\'s board follows the job live and ends with its own components green', async () => {
  const pages = await Promise.all(Object.values(fed).map(async (node) => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.setDefaultTimeout(30_000);
    await page.goto(`${node.url}/#/jobs`);
    await page.waitForSelector('body[data-live="on"]');
    return page;
  }));
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 3;
  conf.algorithm_parameters.intersection_0.intersect_method = 'raw';
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  const roles = Object.keys(fed);
  await Promise.all(pages.map(async (page, i) => {
    await page.waitForSelector(`tr[data-job-id="${jobId}"]`, { timeout: 30_000 });
    await page.click(`tr[data-job-id="${jobId}"] a`);
    await page.waitForSelector('section.job[data-status="success"]', { timeout: 90_000 });
    // The DAG and the components' statuses come from their own queries: the job's status can be
    // drawn first (CI once saw 0 components right after "success" on a loaded machine).
    await page.waitForFunction(() => document.querySelectorAll('svg.dag g[data-component]').length >= 4, undefined, { timeout: 30_000 }).catch(() => undefined);
    await page.waitForSelector('svg.dag g[data-component="hetero_lr_0"][data-status="success"]', { timeout: 30_000 }).catch(() => undefined);
    assert.is((await page.$$('svg.dag g[data-component]')).length, 4, roles[i]);
    const green = await page.$$eval('svg.dag g[data-status="success"]', (nodes) => nodes.map((n) => n.getAttribute('data-component')));
    assert.ok(green.includes('hetero_lr_0'), `${roles[i]}: green ${JSON.stringify(green)}`);
    await page.screenshot({ path: join(SCREENSHOTS, `cluster-${roles[i]}-job.png`), fullPage: true });
  }));
});

t.run();
