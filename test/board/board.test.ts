// The board in a real browser (Debian's Chromium driven by playwright-core, headless) against a
// real node: the examples' hetero LR job (plaintext maths for speed) appears in the job list, its
// DAG's four components turn green without a reload (the SSE feed), evaluation's ROC is drawn,
// the arbiter's loss chart has max_iter points, and a stop from the board cancels a running job.
// Screenshots of each page go to test-output/board/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from '../support/board.js';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';
import { startFakeServing, type FakeServing } from '../support/fakeServing.js';


let fixture: ExampleNode;
let serving: FakeServing;
let url: string;
let browser: Browser;
let page: Page;
const t = suite('board: jobs, DAG, charts and stop in Chromium');

t.before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  serving = await startFakeServing();
  fixture = await startExampleNode('board', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json'], { servings: { 9999: [serving.address], 10000: [serving.address] } });
  url = fixture.node.url;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
});
t.after(async () => {
  await browser?.close();
  await fixture?.close();
  await serving?.close();
});

function submit(maxIter: number): Promise<string> {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = maxIter;
  return post(url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf }).then((r) => {
    assert.is(r.body.retcode, 0, r.body.retmsg);
    return r.body.jobId as string;
  });
}

/** Non-blank pixels of the first canvas under `selector` (ECharts draws on a canvas). */
function inkOf(selector: string): Promise<number> {
  return page.$eval(`${selector} canvas`, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 0 && pixels[i]! + pixels[i + 1]! + pixels[i + 2]! < 600) ink++;
    return ink;
  });
}

t('the job shows up in the list, its DAG turns green live, ROC is drawn and the loss has max_iter points', async () => {
  await page.goto(`${url}/#/jobs`);
  await page.waitForSelector('body[data-live="on"]');
  const maxIter = example('hetero_lr_conf.json').algorithm_parameters.hetero_lr_0.max_iter as number;
  assert.is(maxIter, 30);
  const jobId = await submit(maxIter);
  // No reload from here on: the marker survives only if every update came over the live feed.
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.waitForSelector(`tr[data-job-id="${jobId}"]`, { timeout: 5_000 });
  await page.screenshot({ path: join(SCREENSHOTS, '1-jobs.png'), fullPage: true });

  await page.click(`tr[data-job-id="${jobId}"] a`);
  await page.waitForSelector('svg.dag g[data-component]');
  const components = await page.$$eval('svg.dag g[data-component]', (nodes) => nodes.map((n) => n.getAttribute('data-component')).sort());
  assert.equal(components, ['dataio_0', 'evaluation_0', 'hetero_lr_0', 'intersection_0']);
  await page.waitForFunction(() => {
    const nodes = [...document.querySelectorAll('svg.dag g[data-component]')];
    return nodes.length === 4 && nodes.every((n) => n.getAttribute('data-status') === 'success');
  }, undefined, { timeout: 60_000 });
  assert.ok(await page.evaluate(() => (window as any).__noReload === true), 'the page was reloaded');
  assert.is((await waitForJob(url, jobId)).f_status, 'success');
  await page.waitForSelector('section.job[data-status="success"]');
  // The audit timeline: the job's events in order with their actor, ending with its success.
  await page.waitForSelector('table[data-timeline="audit"] tr[data-event="JobSucceeded"]', { timeout: 10_000 });
  const timeline = await page.$$eval('table[data-timeline="audit"] tbody tr', (rows) => rows.map((r) => ({ event: r.getAttribute('data-event'), position: Number(r.getAttribute('data-position')), actor: r.children[3]?.textContent ?? '' })));
  assert.is(timeline[0]!.event, 'JobCreated');
  assert.ok(timeline.every((e, i) => i === 0 || e.position > timeline[i - 1]!.position), 'timeline in log order');
  assert.ok(timeline.some((e) => e.event === 'TaskSucceeded'), 'task ends in the timeline');
  assert.ok(timeline.every((e) => e.actor.trim().length > 0), 'every event names its actor');
  await page.screenshot({ path: join(SCREENSHOTS, '2-job-dashboard.png'), fullPage: true });

  await page.click('svg.dag g[data-component="evaluation_0"]');
  await page.waitForSelector('[data-chart="roc"] canvas', { timeout: 10_000 }).catch(async (error) => {
    await page.screenshot({ path: join(SCREENSHOTS, 'failure.png'), fullPage: true });
    throw new Error(`${String(error)}\npanel: ${await page.textContent('[data-panel]').catch(() => 'none')}`);
  });
  await page.waitForTimeout(300);
  const ink = await inkOf('[data-chart="roc"]');
  assert.ok(ink > 500, `the ROC canvas is blank (${ink} inked pixels)`);
  assert.ok(Number(await page.getAttribute('[data-chart="roc"]', 'data-points')) > 10);
  for (const kind of ['ks', 'lift', 'gain']) assert.ok(await page.$(`[data-chart="${kind}"] canvas`), `no ${kind} chart`);
  // Confusion matrix and score distribution of the 569 training predictions.
  await page.waitForSelector('[data-chart="confusion"] canvas', { timeout: 10_000 });
  await page.waitForSelector('[data-chart="score-distribution"] canvas');
  await page.waitForTimeout(300);
  assert.is(await page.getAttribute('[data-chart="confusion"]', 'data-classes'), '2');
  assert.is(await page.getAttribute('[data-chart="confusion"]', 'data-total'), '569');
  assert.is(await page.getAttribute('[data-chart="score-distribution"]', 'data-points'), '569');
  assert.ok((await inkOf('[data-chart="confusion"]')) > 300, 'the confusion matrix is blank');
  assert.ok((await inkOf('[data-chart="score-distribution"]')) > 300, 'the score distribution is blank');
  await page.screenshot({ path: join(SCREENSHOTS, '3-evaluation-metrics.png'), fullPage: true });
  await page.locator('[data-chart="confusion"]').screenshot({ path: join(SCREENSHOTS, '3b-confusion-matrix.png') });
  await page.locator('[data-chart="score-distribution"]').screenshot({ path: join(SCREENSHOTS, '3c-score-distribution.png') });

  await page.click('svg.dag g[data-component="hetero_lr_0"]');
  await page.waitForSelector('[data-panel="hetero_lr_0"] [data-chart="loss"]');
  assert.is(Number(await page.getAttribute('[data-chart="loss"]', 'data-points')), maxIter);
  assert.ok((await inkOf('[data-chart="loss"]')) > 300, 'the loss canvas is blank');
  await page.screenshot({ path: join(SCREENSHOTS, '4-hetero-lr-loss.png'), fullPage: true });

  await page.click('svg.dag g[data-component="dataio_0"]');
  await page.waitForSelector('[data-panel="dataio_0"] table[data-output="data"] tbody tr');
  const header = await page.$$eval('[data-panel="dataio_0"] table[data-output="data"] th', (ths) => ths.map((th) => th.textContent));
  assert.ok(header.length > 2, `output header ${JSON.stringify(header)}`);

  await page.goto(`${url}/#/data`);
  await page.waitForSelector('tr[data-table]');
  assert.ok((await page.$$('table[data-history="uploads"] tbody tr')).length >= 2, 'upload history');
  await page.screenshot({ path: join(SCREENSHOTS, '5-data.png'), fullPage: true });
  // Load the job's model into serving and bind it: the models page shows both per serving.
  const config = (await post(url, '/v1/job/config', { job_id: jobId })).body.data.model_info;
  const publish = { initiator: { party_id: '9999', role: 'guest' }, role: { guest: ['9999'], host: ['10000'], arbiter: ['10000'] }, job_parameters: { work_mode: 0, model_id: config.model_id, model_version: config.model_version } };
  assert.is((await post(url, '/v1/model/load', publish)).body.retcode, 0);
  assert.is((await post(url, '/v1/model/bind', { ...publish, service_id: 'board-lr' })).body.retcode, 0);
  await page.goto(`${url}/#/models`);
  await page.waitForSelector('tr[data-model]');
  const guestModel = page.locator(`tr[data-model="${config.model_version}"][data-role="guest"]`);
  await guestModel.locator(`tr[data-serving="${serving.address}"][data-load="loaded"][data-bind="bound"]`).waitFor();
  assert.match(await guestModel.locator(`tr[data-serving="${serving.address}"]`).textContent() ?? '', /board-lr/);
  // The host's model is loaded on its serving but binds go to the initiator's only.
  const hostModel = page.locator(`tr[data-model="${config.model_version}"][data-role="host"]`);
  await hostModel.locator(`tr[data-serving="${serving.address}"][data-load="loaded"][data-bind="none"]`).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, '6-models.png'), fullPage: true });
});

t('a stop from the board (with confirmation) cancels a running job', async () => {
  const jobId = await submit(5000);
  await page.goto(`${url}/#/jobs`);
  await page.waitForSelector(`tr[data-job-id="${jobId}"][data-status="running"]`, { timeout: 30_000 });
  await page.click(`tr[data-job-id="${jobId}"] button[data-action="stop"]`);
  await page.waitForSelector('.modal [data-action="confirm"]');
  await page.screenshot({ path: join(SCREENSHOTS, '7-stop-confirm.png') });
  await page.click('.modal [data-action="confirm"]');
  await page.waitForSelector(`tr[data-job-id="${jobId}"][data-status="canceled"]`, { timeout: 15_000 });
  assert.is((await waitForJob(url, jobId, 15_000)).f_status, 'canceled');
});

t('/v1/board/jobs filters and pages; /v1/board/events resumes from a position and refuses a bad one', async () => {
  const all = await (await fetch(`${url}/v1/board/jobs?size=1`)).json();
  assert.is(all.retcode, 0);
  assert.ok(all.data.total >= 4, `total ${all.data.total}`); // two uploads, two hetero LR jobs
  assert.is(all.data.rows.length, 1);
  const arbiter = await (await fetch(`${url}/v1/board/jobs?role=arbiter&party=10001`)).json();
  assert.is(arbiter.data.total, 2);
  const none = await (await fetch(`${url}/v1/board/jobs?party=4242`)).json();
  assert.is(none.data.total, 0);
  assert.is((await fetch(`${url}/v1/board/jobs?status=nope`)).status, 400);
  assert.is((await fetch(`${url}/v1/board/events?from=x`)).status, 400);

  const controller = new AbortController();
  const res = await fetch(`${url}/v1/board/events?from=0`, { signal: controller.signal });
  assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('"type":"JobSucceeded"')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.ok(ids.length > 10, `replayed ${ids.length} changes`);
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!), 'positions strictly increase');
  assert.match(text, /"componentName":"hetero_lr_0"/);
});

t.run();
