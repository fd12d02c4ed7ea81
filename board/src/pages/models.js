// Models: every party model this node stores (id, version, role/party, components, training job)
// with the status of its latest load and, per serving, whether it is loaded there and which
// service ids are bound to it.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get } from '../api.js';
import { parseJson, time } from '../format.js';
import { Status } from '../parts/status.js';

export function ModelsPage() {
  const [models, setModels] = useState();
  const [error, setError] = useState();
  useEffect(() => void get('/board/models').then(setModels, (e) => setError(e.message)), []);
  return html`
    <section class="models card">
      <h3>Models ${models ? html`<small>${models.length}</small>` : ''}</h3>
      ${error && html`<p class="error">${error}</p>`}
      ${models?.length === 0 && html`<p class="empty">No model yet: a training job saves one when it succeeds.</p>`}
      <table class="grid">
        <thead><tr><th>Model id</th><th>Version</th><th>Role</th><th>Party</th><th>Components</th><th>Training job</th><th>Created</th><th>Latest load</th><th>Per serving</th></tr></thead>
        <tbody>${(models ?? []).map((m) => html`
          <tr data-model=${m.f_model_version} data-role=${m.f_role} data-party=${m.f_party_id}>
            <td class="mono">${m.f_model_id}</td><td>${m.f_model_version}</td><td>${m.f_role}</td><td>${m.f_party_id}</td>
            <td>${componentsText(parseJson(m.f_components, []))}</td>
            <td>${m.f_job_id ? html`<a href=${`#/job/${encodeURIComponent(m.f_job_id)}`}>${m.f_job_id}</a>` : '—'}</td>
            <td>${time(m.f_create_time)}</td>
            <td>${m.load_status ? html`<${Status} status=${m.load_status} />` : 'not loaded'}</td>
            <td>${renderServings(m.servings)}</td>
          </tr>`)}
        </tbody>
      </table>
    </section>`;
}

function renderServings(servings) {
  if (!servings?.length) return html`<span class="empty">—</span>`;
  return html`<table class="grid small servings"><tbody>${servings.map((s) => html`
    <tr data-serving=${s.serving} data-load=${s.load_status ?? 'none'} data-bind=${s.bind_status ?? 'none'}>
      <td class="mono">${s.serving}</td>
      <td>${s.load_status ? html`<${Status} status=${s.load_status} />` : 'not loaded'}</td>
      <td>${s.bind_status ? html`<${Status} status=${s.bind_status} /> <small>${s.service_ids.join(', ')}</small>` : 'not bound'}</td>
    </tr>`)}</tbody></table>`;
}

function componentsText(components) {
  if (Array.isArray(components)) return components.map((c) => (typeof c === 'string' ? c : c.name ?? JSON.stringify(c))).join(', ');
  if (components && typeof components === 'object') return Object.keys(components).join(', ');
  return '';
}
