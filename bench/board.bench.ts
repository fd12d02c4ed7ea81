// npm run bench:board — the board's first page in Chromium with 10,000 jobs in the node, next to
// the same page on an empty node (the baseline, same run). Also the live delay: from a job's
// JobSucceeded being applied to its row turning green in an open page.
// The 10,000 jobs are rows written into the stopped node's views (t_job, status success) — a
// fixture for the reads only: running 10,000 jobs would measure the scheduler, not the board.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig } from '../src/config.js';
import { startNode, type RunningNode } from '../src/main.js';
import { launchChromium } from '../test/support/board.js';
import { example } from '../test/support/exampleNode.js';
import { post, SHARED_DATA, tempDir, waitForJob } from '../test/support/http.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const RUNS = 5;
const dir = tempDir('bench-board');
const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent' });
const browser = await launchChromium();

/** Median ms from navigation to the jobs table (with its total) on the screen. */
async function firstPage(node: RunningNode, expectRows: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(`${node.url}/#/jobs`);
    await page.waitForSelector(expectRows ? 'tr[data-job-id]' : 'p.empty');
    times.push(performance.now() - started);
    await page.close();
  }
  return times.sort((a, b) => a - b)[RUNS >> 1]!;
}

function addJobs(count: number): void {
  const db = new Database(join(config.dataDir, 'views.sqlite'));
  const insert = db.prepare(`INSERT INTO t_job (f_job_id, f_role, f_party_id, f_roles, f_status, f_progress, f_create_time, f_start_time, f_end_time, f_elapsed, f_is_initiator, f_initiator_party_id, f_description)
    VALUES (?, 'guest', '9999', '{"guest":[9999],"host":[10000],"arbiter":[10001]}', 'success', 100, ?, ?, ?, 3000, 1, '9999', ?)`);
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`bench${String(i).padStart(6, '0')}`, now - i * 1000, now - i * 1000, now - i * 1000 + 3000, `bench job ${i}`);
  })();
  db.close();
}

let node = await startNode(config);
const empty = await firstPage(node, false);
await node.close();
addJobs(JOBS);
node = await startNode(config);
const full = await firstPage(node, true);

// Live: an upload job's row turns green in an open page; measured from the job's end as the API sees it.
const page = await browser.newPage();
await page.goto(`${node.url}/#/jobs`);
await page.waitForSelector('body[data-live="on"]');
const upload = await post(node.url, '/v1/data/upload', example('upload_breast_hetero_guest.json'));
const jobId = upload.body.jobId as string;
const [greenAt, row] = await Promise.all([
  page.waitForSelector(`tr[data-job-id="${jobId}"][data-status="success"]`, { timeout: 60_000 }).then(() => Date.now()),
  waitForJob(node.url, jobId, 60_000, 5),
]);
const seenByApi = Number(row.f_end_time);

console.log(`board first page (median of ${RUNS}, Chromium, navigation → rows on screen)`);
console.log(`  empty node (baseline):  ${empty.toFixed(0)} ms`);
console.log(`  ${JOBS.toLocaleString('en')} jobs:            ${full.toFixed(0)} ms  (${(full / empty).toFixed(2)}× the baseline)`);
console.log(`live update: job end (f_end_time) → row green in the open page: ${greenAt - seenByApi} ms`);
await page.close();
await browser.close();
await node.close();
rmSync(dir, { recursive: true, force: true });
