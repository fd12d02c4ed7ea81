// One component of a job, per party that ran it: parameters, metrics as charts (loss, ROC, KS,
// lift, gain, precision-recall, …), the evaluation summary, feature importance and the binning IV
// table from the output model, the first rows of its output data, and its model summary.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, postData } from '../api.js';
import { duration, elapsedOf, time } from '../format.js';
import { Status } from '../parts/status.js';
import { BarChartView, ConfusionMatrixView, LineChartView, ScoreDistributionView } from '../parts/chart.js';

const CURVES = {
  LOSS: { kind: 'loss', title: 'Loss', x: 'iteration', y: 'loss' },
  ROC: { kind: 'roc', title: 'ROC', x: 'FPR', y: 'TPR', diagonal: true },
  KS: { kind: 'ks', title: 'K-S', x: 'threshold', y: 'rate' },
  LIFT: { kind: 'lift', title: 'Lift', x: 'threshold', y: 'lift' },
  GAIN: { kind: 'gain', title: 'Gain', x: 'threshold', y: 'gain' },
  PRECISION_BINARY: { kind: 'precision', title: 'Precision', x: 'threshold', y: 'precision' },
  RECALL_BINARY: { kind: 'recall', title: 'Recall', x: 'threshold', y: 'recall' },
  ACCURACY: { kind: 'accuracy', title: 'Accuracy', x: 'threshold', y: 'accuracy' },
};

export function ComponentPanel({ jobId, component, tasks, module }) {
  const parties = tasks.map((t) => ({ role: t.f_role, partyId: String(t.f_party_id), task: t }));
  const [current, setCurrent] = useState(0);
  const [withMetrics, setWithMetrics] = useState();
  // Start on the first party that logged metrics (hetero LR's loss is the arbiter's).
  useEffect(() => {
    Promise.all(parties.map((p) => postData('/tracking/component/metrics', { job_id: jobId, component_name: component, role: p.role, party_id: p.partyId }, {})))
      .then((answers) => {
        const i = answers.findIndex((a) => Object.keys(a.data ?? {}).length > 0);
        setWithMetrics(answers.map((a) => Object.keys(a.data ?? {}).length > 0));
        if (i >= 0) setCurrent(i);
      });
  }, [tasks.map((t) => `${t.f_role}${t.f_party_id}${t.f_status}`).join()]);
  const party = parties[current];
  return html`
    <div class="card component" data-panel=${component}>
      <h3>${component} <small>${module ?? ''}</small></h3>
      <div class="tabs">${parties.map((p, i) => html`
        <button class=${i === current ? 'active' : ''} data-party=${`${p.role}-${p.partyId}`} onClick=${() => setCurrent(i)}>
          ${p.role} ${p.partyId} <${Status} status=${p.task.f_status} />${withMetrics?.[i] ? html` <small>metrics</small>` : ''}
        </button>`)}
      </div>
      ${party ? html`<${PartyView} key=${`${party.role}-${party.partyId}-${party.task.f_status}`} jobId=${jobId} component=${component} party=${party} module=${module} />` : html`<p class="empty">No task yet.</p>`}
    </div>`;
}

function PartyView({ jobId, component, party, module }) {
  const scope = { job_id: jobId, component_name: component, role: party.role, party_id: party.partyId };
  const [params, setParams] = useState();
  const [metrics, setMetrics] = useState();
  const [model, setModel] = useState();
  const [output, setOutput] = useState();
  useEffect(() => {
    postData('/tracking/component/parameters', scope).then((a) => setParams(a.data));
    postData('/tracking/component/output/model', scope).then((a) => setModel(a.data ? a : undefined));
    postData('/tracking/component/output/data', scope).then((a) => setOutput(a.data ? a : undefined));
    loadMetrics(scope).then(setMetrics);
  }, []);
  const t = party.task;
  return html`
    <div class="party">
      <p class="task-line"><${Status} status=${t.f_status} /> started ${time(t.f_start_time)} · ${duration(elapsedOf(t))}</p>
      <div class="section metrics">
        <h4>Metrics</h4>
        ${metrics === undefined ? html`<p>Loading…</p>` : renderMetrics(metrics)}
        ${model && renderModelCharts(model.data)}
        ${module === 'Evaluation' && html`<${EvaluationCharts} jobId=${jobId} component=${component} party=${party} />`}
      </div>
      <div class="section output-data">
        <h4>Output data ${output?.meta?.total !== undefined ? html`<small>(${output.meta.total} rows, first ${output.data.length})</small>` : ''}</h4>
        ${output ? html`<div class="scroll"><table class="grid small" data-output="data"><thead><tr>${(output.meta?.header ?? []).map((h) => html`<th>${h}</th>`)}</tr></thead>
          <tbody>${output.data.slice(0, 20).map((row) => html`<tr>${row.map((c) => html`<td>${fmt(c)}</td>`)}</tr>`)}</tbody></table></div>` : html`<p class="empty">No output data.</p>`}
      </div>
      <div class="section model">
        <h4>Output model ${model?.meta?.module_name ? html`<small>${model.meta.module_name}</small>` : ''}</h4>
        ${model ? renderModelSummary(model.data) : html`<p class="empty">No output model.</p>`}
      </div>
      <div class="section params">
        <h4>Parameters</h4>
        ${params ? html`<pre class="json">${JSON.stringify(params, null, 2)}</pre>` : html`<p class="empty">None.</p>`}
      </div>
      <div class="section log">
        <h4>Log</h4>
        <a href=${`/v1/job/log?job_id=${encodeURIComponent(jobId)}`}>Download the job's logs (every task, tar.gz)</a>
      </div>
    </div>`;
}

/**
 * Evaluation's confusion matrix and score distribution, computed by the node from the predictions
 * the component read (GET /v1/board/evaluation); only the party holding the labels has them.
 */
function EvaluationCharts({ jobId, component, party }) {
  const [models, setModels] = useState();
  useEffect(() => {
    get('/board/evaluation', { job_id: jobId, component_name: component, role: party.role, party_id: party.partyId }).then((d) => setModels(d?.models ?? []), () => setModels([]));
  }, []);
  if (!models?.length) return null;
  return html`<div class="charts evaluation-extra">${models.map((m) => html`
    <${ConfusionMatrixView} title=${`Confusion matrix (${m.component}, ${m.type}, ${m.total} rows)`} classes=${m.classes} matrix=${m.confusion} />
    ${m.distribution.series.length > 0 && html`<${ScoreDistributionView} title=${`Score distribution (${m.component}, ${m.type})`} edges=${m.distribution.edges} series=${m.distribution.series} />`}`)}
  </div>`;
}

async function loadMetrics(scope) {
  const names = (await postData('/tracking/component/metrics', scope, {})).data ?? {};
  const out = [];
  for (const [ns, list] of Object.entries(names)) {
    const answers = await Promise.all(list.map((name) => postData('/tracking/component/metric_data', { ...scope, metric_namespace: ns, metric_name: name }, [])));
    answers.forEach((a, i) => out.push({ ns, name: list[i], data: a.data ?? [], meta: a.meta ?? {} }));
  }
  return out;
}

function renderMetrics(metrics) {
  if (metrics.length === 0) return html`<p class="empty">No metrics.</p>`;
  const charts = new Map();
  const tables = [];
  for (const m of metrics) {
    // Evaluation names its curves ROC_EVALUATION, KS_EVALUATION, …; the arbiter's loss is LOSS.
    const curve = CURVES[String(m.meta.metric_type ?? '').replace(/_EVALUATION$/, '')];
    const numeric = m.data.length > 0 && m.data.every((p) => Array.isArray(p) && p.length === 2 && typeof p[1] === 'number' && !Number.isNaN(Number(p[0])));
    if (curve && numeric) {
      const key = `${m.ns}/${curve.kind}`;
      if (!charts.has(key)) charts.set(key, { ...curve, ns: m.ns, series: [] });
      charts.get(key).series.push({ name: m.meta.curve_name ?? m.name, data: m.data.map(([x, y]) => [Number(x), y]) });
    } else {
      tables.push(m);
    }
  }
  return html`
    <div class="charts">${[...charts.values()].map((c) => html`<${LineChartView} kind=${c.kind} title=${`${c.title} (${c.ns})`} series=${c.series} xName=${c.x} yName=${c.y} diagonal=${c.diagonal} />`)}</div>
    ${tables.map((m) => html`
      <table class="grid small metric-table" data-metric=${m.name}><caption>${m.ns} · ${m.name} ${m.meta.metric_type ? html`<small>${m.meta.metric_type}</small>` : ''}</caption>
        <tbody>${m.data.slice(0, 50).map((row) => html`<tr>${[].concat(row).map((c) => html`<td>${fmt(c)}</td>`)}</tr>`)}</tbody></table>`)}`;
}

/** SecureBoost's feature importance and binning's IV, read from the output model's Param buffer. */
function renderModelCharts(param) {
  const parts = [];
  const importances = param?.featureImportances;
  if (Array.isArray(importances) && importances.length) {
    const items = importances.map((f) => [f.fullname || `${f.sitename ?? ''}:${f.fid}`, Number(f.importance ?? 0)]);
    parts.push(html`<${BarChartView} kind="feature-importance" title="Feature importance" items=${items} />`);
  }
  const binning = param?.binningResult?.binningResult;
  if (binning && typeof binning === 'object' && Object.keys(binning).length) {
    const rows = Object.entries(binning).map(([name, r]) => [name, Number(r.iv ?? 0), (r.splitPoints ?? r.split_points ?? []).length]);
    parts.push(html`
      <table class="grid small" data-table="iv"><caption>Binning IV (${param.binningResult.role ?? ''})</caption>
        <thead><tr><th>feature</th><th>IV</th><th>bins</th></tr></thead>
        <tbody>${rows.sort((a, b) => b[1] - a[1]).map(([n, iv, bins]) => html`<tr><td>${n}</td><td>${iv.toFixed(6)}</td><td>${bins}</td></tr>`)}</tbody></table>`);
  }
  return parts;
}

function renderModelSummary(param) {
  const weight = param?.weight;
  const summary = weight && typeof weight === 'object'
    ? html`<table class="grid small" data-model="weights"><thead><tr><th>variable</th><th>weight</th></tr></thead><tbody>
        ${Object.entries(weight).map(([k, v]) => html`<tr><td>${k}</td><td>${fmt(v)}</td></tr>`)}
        ${param.intercept !== undefined ? html`<tr><td><i>intercept</i></td><td>${fmt(param.intercept)}</td></tr>` : ''}</tbody></table>`
    : null;
  const text = JSON.stringify(param, null, 2);
  return html`${summary}<details><summary>Param buffer (${text.length.toLocaleString()} characters)</summary><pre class="json">${text.slice(0, 20000)}</pre></details>`;
}

function fmt(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(6);
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v ?? '');
}
