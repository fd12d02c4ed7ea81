// GET /v1/board/evaluation: what FATE 1.4's Evaluation does not log but its board users ask for —
// the confusion matrix (true label × predicted label) and the distribution of the predicted scores
// per true label — computed from the predictions an Evaluation component read (its upstream
// components' output tables on this party), per model and data type (train / validate). Only the
// party that holds the labels (the guest) has them; elsewhere the answer is empty.
import type Router from '@koa/router';
import type { Database } from 'better-sqlite3';
import { queryJobs } from '../../../projections/jobs/query.js';
import { outputData } from '../../../projections/outputs/query.js';
import type { TableStore } from '../../store/tables/tableStore.js';
import { envelope } from '../envelope.js';
import { HttpError } from '../errors.js';
import { outputHeader, outputRow } from '../routes/tracking.js';

/** Score histogram bins over [0, 1]. */
export const SCORE_BINS = 20;
/** At most this many prediction rows are read per input table (the board needs a picture, not a census). */
const MAX_ROWS = 2_000_000;

export interface EvaluatedModel {
  readonly component: string;
  readonly type: string;
  readonly total: number;
  /** Class labels, sorted, as text. */
  readonly classes: string[];
  /** matrix[i][j]: rows whose true label is classes[i] and predicted label classes[j]. */
  readonly confusion: number[][];
  /** Scores (predict_score) binned over [0, 1] per true label: edges has SCORE_BINS + 1 values. */
  readonly distribution: { readonly edges: number[]; readonly series: { readonly label: string; readonly counts: number[] }[] };
}

interface Prediction {
  readonly label: string;
  readonly predicted: string;
  readonly score: number;
  readonly type: string;
}

/** Confusion matrix and score distribution of predictions (pure). */
export function evaluatePredictions(component: string, type: string, rows: readonly Prediction[]): EvaluatedModel {
  const classes = [...new Set(rows.flatMap((r) => [r.label, r.predicted]))].sort((a, b) => (Number.isNaN(Number(a)) || Number.isNaN(Number(b)) ? a.localeCompare(b) : Number(a) - Number(b)));
  const index = new Map(classes.map((c, i) => [c, i]));
  const confusion = classes.map(() => classes.map(() => 0));
  const byLabel = new Map<string, number[]>();
  for (const r of rows) {
    confusion[index.get(r.label)!]![index.get(r.predicted)!]!++;
    if (!Number.isFinite(r.score)) continue;
    const counts = byLabel.get(r.label) ?? new Array<number>(SCORE_BINS).fill(0);
    byLabel.set(r.label, counts);
    counts[Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(r.score * SCORE_BINS)))]!++;
  }
  const edges = Array.from({ length: SCORE_BINS + 1 }, (_, i) => Number((i / SCORE_BINS).toFixed(4)));
  const series = classes.filter((c) => byLabel.has(c)).map((label) => ({ label, counts: byLabel.get(label)! }));
  return { component, type, total: rows.length, classes, confusion, distribution: { edges, series } };
}

/** The `upstream.dataName` inputs of a component in a DSL v1. */
function dataInputs(dsl: unknown, component: string): { upstream: string; name: string }[] {
  const c = (dsl as { components?: Record<string, { input?: { data?: Record<string, unknown> } }> } | null)?.components?.[component];
  const refs = Object.values(c?.input?.data ?? {}).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === 'string' && v.includes('.'));
  return refs.map((r) => ({ upstream: r.slice(0, r.indexOf('.')), name: r.slice(r.indexOf('.') + 1) }));
}

export function boardEvaluationRoutes(router: Router, views: Database, tables: TableStore): void {
  router.get('/board/evaluation', (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    for (const key of ['job_id', 'component_name', 'role', 'party_id'] as const) {
      if (!q[key] || typeof q[key] !== 'string') throw new HttpError(400, `${key} is required`);
    }
    const job = queryJobs(views, { job_id: q.job_id, role: q.role, party_id: q.party_id })[0] ?? queryJobs(views, { job_id: q.job_id })[0];
    if (!job) {
      ctx.body = envelope({ retcode: 101, retmsg: `can not found job ${q.job_id}` });
      return;
    }
    let dsl: unknown;
    try {
      dsl = JSON.parse(String(job.f_dsl));
    } catch {
      dsl = {};
    }
    const models: EvaluatedModel[] = [];
    for (const input of dataInputs(dsl, q.component_name!)) {
      const output = outputData(views, { jobId: q.job_id!, componentName: input.upstream, role: q.role!, partyId: q.party_id! });
      if (!output || !tables.exists(output.location)) continue;
      const byType = new Map<string, Prediction[]>();
      let header: string[] | undefined;
      for (const [key, value] of tables.read(output.location, { limit: MAX_ROWS })) {
        const row = outputRow(key, value);
        header ??= outputHeader(output.schema, row.labelled).map(String);
        const at = (name: string) => row.cells[header!.indexOf(name)];
        if (!header.includes('predict_result')) break; // not predictions
        const label = at('label');
        if (label === undefined || label === null) continue;
        const type = String(at('type') ?? 'train');
        const list = byType.get(type) ?? [];
        byType.set(type, list);
        list.push({ label: String(label), predicted: String(at('predict_result')), score: Number(at('predict_score')), type });
      }
      for (const [type, rows] of byType) models.push(evaluatePredictions(input.upstream, type, rows));
    }
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data: { models } });
  });
}
