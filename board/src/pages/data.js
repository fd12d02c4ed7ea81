// Data: every table of this node (namespace, name, count, partitions, schema) and the upload history.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, postData } from '../api.js';
import { parseJson, time } from '../format.js';

export function DataPage() {
  const [tables, setTables] = useState();
  const [uploads, setUploads] = useState([]);
  const [error, setError] = useState();
  useEffect(() => {
    get('/board/tables').then(setTables, (e) => setError(e.message));
    postData('/data/upload/history', {}, []).then((a) => setUploads(a.data ?? []));
  }, []);
  const namespaces = new Map();
  for (const t of tables ?? []) (namespaces.get(t.f_namespace) ?? namespaces.set(t.f_namespace, []).get(t.f_namespace)).push(t);
  return html`
    <section class="data">
      ${error && html`<p class="error">${error}</p>`}
      <div class="card">
        <h3>Tables ${tables ? html`<small>${tables.length} in ${namespaces.size} namespaces</small>` : ''}</h3>
        ${tables?.length === 0 && html`<p class="empty">No table yet: upload one with /v1/data/upload.</p>`}
        ${[...namespaces].map(([ns, list]) => html`
          <h4>${ns}</h4>
          <table class="grid" data-namespace=${ns}>
            <thead><tr><th>Name</th><th>Count</th><th>Partitions</th><th>Schema</th><th>Job</th><th>Updated</th></tr></thead>
            <tbody>${list.map((t) => {
              const meta = parseJson(t.f_meta, {});
              const schema = meta.schema ?? meta;
              return html`<tr data-table=${`${ns}.${t.f_name}`}>
                <td>${t.f_name}</td><td>${t.f_count ?? '—'}</td><td>${t.f_partition ?? '—'}</td>
                <td class="schema">${schemaText(schema)}</td>
                <td>${t.f_job_id ? html`<a href=${`#/job/${encodeURIComponent(t.f_job_id)}`}>${t.f_job_id}</a>` : '—'}</td>
                <td>${time(t.f_update_time ?? t.f_create_time)}</td></tr>`;
            })}</tbody>
          </table>`)}
      </div>
      <div class="card">
        <h3>Upload history</h3>
        <table class="grid" data-history="uploads">
          <thead><tr><th>Job</th><th>Namespace</th><th>Table</th><th>Partitions</th><th>Uploaded</th><th>Stored</th><th>Notes</th></tr></thead>
          <tbody>${uploads.flatMap((entry) => Object.entries(entry)).map(([jobId, u]) => html`
            <tr><td><a href=${`#/job/${encodeURIComponent(jobId)}`}>${jobId}</a></td><td>${u.upload_info?.namespace}</td><td>${u.upload_info?.table_name}</td>
              <td>${u.upload_info?.partition}</td><td>${u.upload_info?.upload_count}</td><td>${u.upload_info?.actual_count}</td><td>${u.notes}</td></tr>`)}
          </tbody>
        </table>
      </div>
    </section>`;
}

function schemaText(schema) {
  if (!schema || typeof schema !== 'object') return '—';
  const parts = [];
  if (schema.sid_name) parts.push(`id: ${schema.sid_name}`);
  if (schema.label_name) parts.push(`label: ${schema.label_name}`);
  if (schema.header) parts.push(`features: ${String(schema.header)}`);
  return parts.length ? parts.join(' · ') : JSON.stringify(schema).slice(0, 200);
}
