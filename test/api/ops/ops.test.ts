// /healthz, /readyz and /metrics on a real node: the counters move with the traffic and the jobs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startExampleNode, type ExampleNode } from '../../support/exampleNode.js';
import { post } from '../../support/http.js';

let fixture: ExampleNode;
const t = suite('ops: healthz, readyz, metrics');
t.before(async () => {
  fixture = await startExampleNode('ops', ['upload_breast_hetero_guest.json']);
});
t.after(() => fixture?.close());

const scrape = async (): Promise<string> => (await fetch(`${fixture.node.url}/metrics`)).text();
const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
};

t('healthz answers ok; readyz is ready once the views hold the whole log', async () => {
  const health = await fetch(`${fixture.node.url}/healthz`);
  assert.is(health.status, 200);
  assert.equal(await health.json(), { status: 'ok' });
  const ready = await fetch(`${fixture.node.url}/readyz`);
  assert.is(ready.status, 200);
  const body = await ready.json();
  assert.is(body.status, 'ready');
  assert.is(body.position, body.head);
});

t('metrics: requests by route pattern and code, jobs by status, events applied, projection lag', async () => {
  const series = 'fedflow_http_requests_total{method="POST",route="/v1/job/query",code="200"}';
  const before = value(await scrape(), series);
  await post(fixture.node.url, '/v1/job/query', { job_id: 'nope' });
  await post(fixture.node.url, '/v1/job/query', { job_id: 'nope' });
  const text = await scrape();
  assert.is(value(text, series), (Number.isNaN(before) ? 0 : before) + 2, text);
  assert.is(value(text, 'fedflow_jobs{status="success"}'), 1); // the upload
  assert.ok(value(text, 'fedflow_events_applied_total{type="JobSucceeded"}') >= 1);
  assert.is(value(text, 'fedflow_projection_lag_events'), 0);
  // The upload ran after the node started, so its task is counted.
  assert.match(text, /fedflow_task_duration_seconds_count\{module="Upload",outcome="success"\} 1/);
  assert.match(text, /fedflow_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/job\/query"\}/);
});

t.run();
