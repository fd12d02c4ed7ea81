// Jobs: one page of jobs at a time from /v1/board/jobs (filters and paging run in the node's
// SQLite, so 10,000 jobs cost the browser 20 rows), refreshed when the live feed says a job changed.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { debounce, get, onChange, post } from '../api.js';
import { duration, elapsedOf, parseJson, rolesText, time } from '../format.js';
import { Progress, Status } from '../parts/status.js';
import { Confirm } from '../parts/confirm.js';

const STATUSES = ['', 'waiting', 'running', 'success', 'failed', 'canceled', 'timeout'];
const ROLES = ['', 'guest', 'host', 'arbiter', 'local'];
const SIZE = 20;

export function JobsPage() {
  const [filter, setFilter] = useState({ status: '', role: '', party: '', q: '' });
  const [page, setPage] = useState(1);
  const [result, setResult] = useState();
  const [error, setError] = useState();
  const [stopping, setStopping] = useState();

  const load = useCallback(() => {
    get('/board/jobs', { ...filter, page, size: SIZE }).then((r) => (setResult(r), setError(undefined)), (e) => setError(e.message));
  }, [filter, page]);
  useEffect(load, [load]);
  useEffect(() => onChange(debounce(load, 150)), [load]);

  const set = (key) => (e) => {
    setPage(1);
    setFilter({ ...filter, [key]: e.currentTarget.value.trim() });
  };
  const stop = async (jobId) => {
    setStopping(undefined);
    const answer = await post('/job/stop', { job_id: jobId });
    if (answer.retcode !== 0) setError(`stop ${jobId}: ${answer.retmsg}`);
    load();
  };
  const pages = result ? Math.max(1, Math.ceil(result.total / SIZE)) : 1;
  return html`
    <section class="jobs">
      <div class="filters">
        <label>Status <select data-filter="status" onChange=${set('status')}>${STATUSES.map((s) => html`<option value=${s}>${s || 'all'}${s && result?.counts?.[s] ? ` (${result.counts[s]})` : ''}</option>`)}</select></label>
        <label>Role <select data-filter="role" onChange=${set('role')}>${ROLES.map((s) => html`<option value=${s}>${s || 'all'}</option>`)}</select></label>
        <label>Party <input data-filter="party" size="8" placeholder="party id" onChange=${set('party')} /></label>
        <label>Search <input data-filter="q" placeholder="job id or notes" onChange=${set('q')} /></label>
        <span class="count">${result ? `${result.total} job${result.total === 1 ? '' : 's'}` : '…'}</span>
      </div>
      ${error && html`<p class="error">${error}</p>`}
      <table class="grid">
        <thead><tr><th>Job id</th><th>Status</th><th>Roles / party ids</th><th>Progress</th><th>Start</th><th>Duration</th><th>Notes</th><th></th></tr></thead>
        <tbody>
          ${(result?.rows ?? []).map((job) => html`
            <tr data-job-id=${job.f_job_id} data-status=${job.f_status}>
              <td><a href=${`#/job/${encodeURIComponent(job.f_job_id)}`}>${job.f_job_id}</a></td>
              <td><${Status} status=${job.f_status} /></td>
              <td class="roles">${rolesText(parseJson(job.f_roles, {}))}</td>
              <td><${Progress} value=${job.f_progress} /></td>
              <td>${time(job.f_start_time)}</td>
              <td>${duration(elapsedOf(job))}</td>
              <td class="notes">${job.f_description}</td>
              <td>${['running', 'waiting'].includes(job.f_status) && html`<button class="danger small" data-action="stop" onClick=${() => setStopping(job.f_job_id)}>Stop</button>`}</td>
            </tr>`)}
        </tbody>
      </table>
      ${result && result.rows.length === 0 && html`<p class="empty">No job matches.</p>`}
      <div class="pager">
        <button disabled=${page <= 1} onClick=${() => setPage(page - 1)}>‹ Prev</button>
        <span>page ${page} / ${pages}</span>
        <button disabled=${page >= pages} onClick=${() => setPage(page + 1)}>Next ›</button>
      </div>
      ${stopping && html`<${Confirm} title="Stop job" text=${`Stop job ${stopping}? Its running tasks are killed and the job ends as canceled.`} action="Stop job" onCancel=${() => setStopping(undefined)} onConfirm=${() => stop(stopping)} />`}
    </section>`;
}
