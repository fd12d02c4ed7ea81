// Evaluation of a predict table given as typed columns (predictColumns.ts): every metric, curve and
// meta is the one the same table as rows gives, ties, pos_label and stored (JSON-valued) tables
// included; what the column path cannot decide goes to the rows path (same errors as before).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { evaluation } from '../../../src/components/evaluation/evaluation.js';
import { predictRowsOf, predictTable, type PredictColumns } from '../../../src/tableData/predictColumns.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('Evaluation on predict columns');
const SCHEMA = { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' };

async function metricsOf(table: DataTable, params: Record<string, unknown>): Promise<string> {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  await evaluation(componentInput({ module: 'Evaluation', componentName: 'evaluation_0', role: 'guest', params: { _upstream: 'hetero_lr_0', ...params }, data: { data: table } }), ctx);
  return JSON.stringify(ctx.tracker.metrics);
}

/** n predictions, a third of the scores on a coarse grid (many ties), labels 0/1 (or 0/2). */
function predictions(n: number, seed: number, positive = 1): PredictColumns {
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const keys = Array.from({ length: n }, (_, i) => String(i));
  const labels = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = random() < 0.35 ? 1 : 0;
    labels[i] = y * positive;
    const s = 1 / (1 + Math.exp(-(1.6 * y - 0.8 + 3 * (random() - 0.5))));
    scores[i] = i % 3 === 0 ? Math.round(s * 40) / 40 : s;
  }
  const results = Float64Array.from(scores, (s) => (s > 0.5 ? 1 : 0));
  return { keys, labels, results, scores, detail: { kind: 'binary' }, type: 'train' };
}

const asRows = (c: PredictColumns): DataTable => ({ schema: SCHEMA, rows: predictRowsOf(c) });

t('given binary predictions with ties, then every binary metric is the one the rows give', async () => {
  const c = predictions(3000, 11);
  const expected = await metricsOf(asRows(c), {});
  assert.ok(expected.includes('hetero_lr_0_ks_fpr') && expected.includes('"auc"'), 'all the binary metrics ran');
  assert.is(await metricsOf(predictTable(SCHEMA, c), {}), expected);
  // A stored table's columns (values as JSON gave them) evaluate the same.
  assert.is(await metricsOf(predictTable(SCHEMA, { ...c, asJson: true }), {}), expected);
});

t('given pos_label 2 (or "2"), then the labels are compared as the rows compare them', async () => {
  const c = predictions(500, 5, 2);
  for (const pos of [2, '2']) assert.is(await metricsOf(predictTable(SCHEMA, c), { pos_label: pos, metrics: ['auc', 'ks', 'gain'] }), await metricsOf(asRows(c), { pos_label: pos, metrics: ['auc', 'ks', 'gain'] }));
});

t('given regression, then the metrics are those of the rows', async () => {
  const c = predictions(400, 9);
  const params = { eval_type: 'regression' };
  assert.is(await metricsOf(predictTable(SCHEMA, c), params), await metricsOf(asRows(c), params));
});

t('given a NaN score, then the rows path answers with its error, as before', async () => {
  const c = predictions(50, 3);
  c.scores[7] = NaN;
  let fromRows = '';
  await metricsOf(asRows({ ...c, asJson: true }), {}).catch((e: Error) => (fromRows = e.message));
  assert.match(fromRows, /predict_score null is not a number/);
  let fromColumns = '';
  await metricsOf(predictTable(SCHEMA, { ...c, asJson: true }), {}).catch((e: Error) => (fromColumns = e.message));
  assert.is(fromColumns, fromRows);
});

t.run();
