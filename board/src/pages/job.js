// Job dashboard and detail: summary, parties, datasets per role, the DAG coloured by task status,
// the audit timeline (/v1/audit/job/timeline: what happened, to which party, by whom; the job and
// task rows when the node has no audit log), and the selected component's panel. Live: a change
// for this job re-reads its rows and its timeline, nothing else.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { debounce, onChange, post, postData } from '../api.js';
import { duration, elapsedOf, parseJson, time } from '../format.js';
import { Progress, Status } from '../parts/status.js';
import { Dag } from '../parts/dag.js';
import { Confirm } from '../parts/confirm.js';
import { ComponentPanel } from './component.js';

/** One status per component from its tasks on every party: failed > running > waiting > success. */
export function componentStatuses(tasks) {
  const out = {};
  const rank = { failed: 5, canceled: 4, timeout: 4, running: 3, waiting: 2, success: 1 };
  for (const t of tasks) {
    const name = t.f_component_name;
    if (!out[name] || (rank[t.f_status] ?? 0) > (rank[out[name]] ?? 0)) out[name] = t.f_status;
  }
  return out;
}

export function JobPage({ jobId, component }) {
  const [jobs, setJobs] = useState();
  const [tasks, setTasks] = useState([]);
  const [dependency, setDependency] = useState();
  const [dataView, setDataView] = useState();
  const [error, setError] = useState();
  const [stopping, setStopping] = useState(false);
  const [timeline, setTimeline] = useState();

  const refresh = useCallback(async () => {
    const [j, t, a] = await Promise.all([post('/job/query', { job_id: jobId }), postData('/job/task/query', { job_id: jobId }, []), postData('/audit/job/timeline', { job_id: jobId })]);
    if (j.retcode !== 0) return setError(j.retmsg ?? `job ${jobId} not found`);
    setJobs(j.data);
    setTasks(t.data ?? []);
    setTimeline(a.retcode === 0 ? a.data?.timeline : undefined);
  }, [jobId]);

  useEffect(() => {
    refresh().catch((e) => setError(e.message));
    return onChange(debounce((change) => {
      if (change.type === 'reset' || change.jobId === jobId) refresh().catch(() => {});
    }, 60));
  }, [jobId]);

  // The initiator's row sees every party (datasets, DAG); a node that did not initiate has its own.
  const first = jobs?.find((r) => Number(r.f_is_initiator) === 1 && r.f_role === 'guest') ?? jobs?.find((r) => Number(r.f_is_initiator) === 1) ?? jobs?.[0];
  useEffect(() => {
    if (!first) return;
    postData('/pipeline/dag/dependency', { job_id: jobId, role: first.f_role, party_id: first.f_party_id }).then((a) => setDependency(a.data));
    postData('/tracking/job/data_view', { job_id: jobId, role: first.f_role, party_id: first.f_party_id }).then((a) => setDataView(a.data));
  }, [first?.f_job_id]);

  if (error) return html`<p class="error">${error}</p>`;
  if (!first) return html`<p>Loading ${jobId}…</p>`;
  const roles = parseJson(first.f_roles, {});
  const statuses = componentStatuses(tasks);
  const select = (name) => (location.hash = `#/job/${encodeURIComponent(jobId)}/${encodeURIComponent(name)}`);
  const running = ['running', 'waiting'].includes(first.f_status);
  const stop = async () => {
    setStopping(false);
    const answer = await post('/job/stop', { job_id: jobId });
    if (answer.retcode !== 0) setError(`stop: ${answer.retmsg}`);
  };
  return html`
    <section class="job" data-job=${jobId} data-status=${first.f_status}>
      <div class="crumbs"><a href="#/jobs">Jobs</a> › <b>${jobId}</b></div>
      <div class="cards">
        <div class="card summary">
          <h3>Summary</h3>
          <dl>
            <dt>Job id</dt><dd>${jobId}</dd>
            <dt>Status</dt><dd><${Status} status=${first.f_status} /> ${first.f_reason ? html`<small>${first.f_reason}</small>` : ''}</dd>
            <dt>Progress</dt><dd><${Progress} value=${first.f_progress} /></dd>
            <dt>Initiator</dt><dd>${first.f_initiator_party_id}</dd>
            <dt>Parties</dt><dd>${Object.entries(roles).map(([role, ids]) => html`<div>${role}: ${ids.join(', ')}</div>`)}</dd>
            <dt>Created</dt><dd>${time(first.f_create_time)}</dd>
            <dt>Start</dt><dd>${time(first.f_start_time)}</dd>
            <dt>End</dt><dd>${time(first.f_end_time)}</dd>
            <dt>Duration</dt><dd>${duration(elapsedOf(first))}</dd>
            <dt>Notes</dt><dd>${first.f_description || '—'}</dd>
          </dl>
          ${running && html`<button class="danger" data-action="stop" onClick=${() => setStopping(true)}>Stop job</button>`}
          <a class="button" href=${`/v1/job/log?job_id=${encodeURIComponent(jobId)}`}>Download job log (tar.gz)</a>
        </div>
        <div class="card datasets">
          <h3>Datasets</h3>
          ${renderDatasets(dataView)}
        </div>
        <div class="card graph">
          <h3>Graph</h3>
          <${Dag} dependency=${dependency} statuses=${statuses} selected=${component} onSelect=${select} idle=${running ? 'waiting' : 'not-run'} />
          <p class="hint">Click a component for its parameters, metrics, data, model and log.</p>
        </div>
      </div>
      ${component && html`<${ComponentPanel} key=${component} jobId=${jobId} component=${component} tasks=${tasks.filter((t) => t.f_component_name === component)} module=${dependency?.component_module?.[component]} />`}
      <div class="card timeline">
        <h3>Timeline ${timeline ? html`<small>audit log: ${timeline.length} events</small>` : html`<small>from the job and task rows</small>`}</h3>
        ${timeline ? renderAuditTimeline(timeline) : renderTimeline(jobs, tasks)}
      </div>
      ${stopping && html`<${Confirm} title="Stop job" text=${`Stop job ${jobId}? Its running tasks are killed and the job ends as canceled.`} action="Stop job" onCancel=${() => setStopping(false)} onConfirm=${stop} />`}
    </section>`;
}

function renderDatasets(view) {
  const dataset = view?.dataset;
  if (!dataset || Object.keys(dataset).length === 0) return html`<p class="empty">No input tables.</p>`;
  return html`<table class="grid small"><thead><tr><th>Role</th><th>Party</th><th>Input</th><th>Table</th></tr></thead><tbody>
    ${Object.entries(dataset).flatMap(([role, parties]) => Object.entries(parties).flatMap(([party, tables]) => Object.entries(tables).map(([key, table]) => html`
      <tr><td>${role}</td><td>${party}</td><td>${key}</td><td>${table}</td></tr>`)))}
  </tbody></table>`;
}

/** The job's story from the audit log: when, which party, what, who did it, how long it took. */
function renderAuditTimeline(entries) {
  return html`<table class="grid small" data-timeline="audit">
    <thead><tr><th>Time</th><th>Party</th><th>What</th><th>Actor</th><th>Duration</th></tr></thead>
    <tbody>${entries.map((e) => html`
      <tr data-event=${e.event} data-position=${e.position}>
        <td class="mono">${time(e.at)}</td><td>${e.party ?? '—'}</td><td title=${e.event}>${e.what}</td><td class="mono">${e.actor}</td>
        <td>${e.duration_ms !== undefined ? duration(e.duration_ms) : ''}</td>
      </tr>`)}</tbody></table>`;
}

/** Without an audit log (an in-memory node), the timeline is what the job and task rows say, in time order. */
function renderTimeline(jobs, tasks) {
  const items = [];
  const j = jobs.find((r) => Number(r.f_is_initiator) === 1) ?? jobs[0];
  if (j.f_create_time) items.push([j.f_create_time, `job created`, `initiator ${j.f_initiator_party_id}`]);
  if (j.f_start_time) items.push([j.f_start_time, 'job started', '']);
  for (const t of tasks) {
    const who = `${t.f_role} ${t.f_party_id}`;
    if (t.f_start_time) items.push([t.f_start_time, `${t.f_component_name} started`, who]);
    if (t.f_end_time) items.push([t.f_end_time, `${t.f_component_name} ${t.f_status}`, who]);
  }
  if (j.f_end_time) items.push([j.f_end_time, `job ${j.f_status}`, j.f_reason ?? '']);
  items.sort((a, b) => a[0] - b[0]);
  return html`<ol class="events">${items.map(([at, what, who]) => html`<li><time>${time(at)}</time> <b>${what}</b> <span>${who}</span></li>`)}</ol>`;
}
