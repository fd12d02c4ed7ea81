// The feature components of a served model, replayed on one row as a predict job replays them on a
// table: DataIO (missing fill, outlier replace, float parsing), then, in the order the model's data
// flows through them in the inference DSL, FeatureScale, HeteroFeatureBinning (bin index or WOE),
// OneHotEncoder and HeteroFeatureSelection. Every step reads its party's stored buffers and calls the
// batch component's own per-row function, so the row the model scores online is the predict job's
// row. Headers are fixed by the models, so each step's plan is checked once, when the model loads.
import { CellError } from '../components/dataio/cells.js';
import { loadModel as loadDataIo, type LoadedModel as DataIoModel } from '../components/dataio/model.js';
import { readStoredRow } from '../components/dataio/row.js';
import { loadModel as loadBinning, storedTransform } from '../components/featureBinning/model.js';
import { binningPlan, binningRow } from '../components/featureBinning/transform.js';
import { loadScaleModel, scalePlan, scaleRow, storedScaleRuns } from '../components/featureScale/featureScale.js';
import { keptIndexes, loadModel as loadSelection } from '../components/featureSelection/model.js';
import { oneHotFromBuffers, oneHotPlan, oneHotRow } from '../components/oneHotEncoder/oneHotEncoder.js';
import type { ModelBuffers as JsonBuffers } from '../components/contract.js';
import { Status, ServingError } from './statusCodes.js';

/** The feature modules applied online (FATE-Serving's federatedml components of the same names). */
export const TRANSFORM_MODULES = new Set(['FeatureScale', 'HeteroFeatureBinning', 'OneHotEncoder', 'HeteroFeatureSelection']);

export interface RowStep {
  readonly component: string;
  readonly module: string;
  /** The row's header after this step. */
  readonly header: readonly string[];
  apply(row: number[]): number[];
}

export interface FeaturePipeline {
  readonly dataIo: DataIoModel;
  /** DataIO's input: an absent feature is '' (dense, or with an imputer) or 0 (sparse and tag input, as FATE-Serving fills them). */
  readonly absentCell: string;
  readonly steps: readonly RowStep[];
  /** The header of the row the model scores. */
  readonly header: readonly string[];
}

/** A component's buffers by name, decoded to the JSON the batch components read (undefined: it stored none). */
export type BuffersOf = (component: string) => JsonBuffers | undefined;

const fail = (message: string): never => {
  throw new ServingError(Status.LOAD_MODEL_ERROR, message);
};

/** `fn`'s plan, or a load refusal naming the component. */
function planned<T>(component: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ServingError) throw err;
    return fail(`${component}: ${(err as Error).message}`);
  }
}

/**
 * The pipeline for `chain` (the components between DataIO and the model, in data order) at `role`.
 * A component that stored no model at this party (need_run false in training) passes rows on, as
 * it does in a predict job.
 */
export function buildFeaturePipeline(dataIoName: string, chain: readonly { name: string; module: string }[], buffersOf: BuffersOf, role: string): FeaturePipeline {
  const dataIoBuffers = buffersOf(dataIoName) ?? fail(`the model has no DataIOMeta/DataIOParam buffers for component ${dataIoName}`);
  const dataIo = planned(dataIoName, () => loadDataIo(dataIoBuffers));
  let header: readonly string[] = dataIo.header;
  const steps: RowStep[] = [];
  for (const { name, module } of chain) {
    const buffers = buffersOf(name);
    if (!buffers) continue;
    const step = planned(name, () => stepOf(name, module, buffers, header, role));
    if (!step) continue;
    steps.push(step);
    header = step.header;
  }
  const absentCell = dataIo.s.inputFormat === 'dense' || dataIo.missing ? '' : '0';
  return { dataIo, absentCell, steps, header };
}

function stepOf(component: string, module: string, buffers: JsonBuffers, header: readonly string[], role: string): RowStep | undefined {
  const base = { component, module };
  switch (module) {
    case 'FeatureScale': {
      if (!storedScaleRuns(buffers)) return undefined;
      const plan = scalePlan(loadScaleModel(buffers), header);
      return { ...base, header, apply: (row) => scaleRow(plan, row) };
    }
    case 'HeteroFeatureBinning': {
      const m = loadBinning(buffers);
      if (!m.needRun) return undefined;
      const plan = binningPlan(header, storedTransform(m, role));
      return plan ? { ...base, header, apply: (row) => binningRow(plan, row) } : undefined;
    }
    case 'OneHotEncoder': {
      const m = oneHotFromBuffers(buffers);
      if (!m.needRun) return undefined;
      const plan = oneHotPlan(m, header);
      return { ...base, header: m.resultHeader, apply: (row) => oneHotRow(plan, row) };
    }
    case 'HeteroFeatureSelection': {
      const meta = buffers.FeatureSelectionMeta as Record<string, unknown> | undefined;
      if (meta?.needRun === false) return undefined;
      const indexes = keptIndexes(loadSelection(buffers), header);
      return { ...base, header: indexes.map((i) => header[i]!), apply: (row) => indexes.map((i) => row[i]!) };
    }
    default:
      return fail(`${module} is not a feature component fedflow serving applies`);
  }
}

/** A request value as DataIO's cell text (numbers as JavaScript writes them; Python reads the same double). */
function cellOf(raw: unknown, name: string, absent: string, who: string): string {
  if (raw === undefined || raw === null) return absent;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  throw new ServingError(Status.FEATURE_ERROR, `${who} feature ${name} is not a number: ${JSON.stringify(raw)}`);
}

/**
 * One request row through DataIO and every step: feature name → value of the row the model scores
 * (NaN = missing, as in a predict job). A value DataIO cannot read is refused with FEATURE_ERROR.
 */
export function transformRow(p: FeaturePipeline, raw: Readonly<Record<string, unknown>>, who: string): Record<string, number> {
  const header = p.dataIo.header;
  const cells = header.map((name) => cellOf(raw[name], name, p.absentCell, who));
  let row: number[];
  try {
    row = readStoredRow(p.dataIo, cells, who);
  } catch (err) {
    if (err instanceof CellError) throw new ServingError(Status.FEATURE_ERROR, `${who} feature ${err.column} is not a number: ${JSON.stringify(raw[err.column])}`);
    throw err;
  }
  for (const step of p.steps) {
    try {
      row = step.apply(row);
    } catch (err) {
      throw new ServingError(Status.FEATURE_ERROR, `${who} features: ${step.component} (${step.module}): ${(err as Error).message}`);
    }
  }
  const out: Record<string, number> = {};
  for (let i = 0; i < p.header.length; i++) out[p.header[i]!] = row[i]!;
  return out;
}

/** Share of DataIO's columns the request row holds (FATE-Serving's input data hit rate). */
export function inputHitRate(p: FeaturePipeline, raw: Readonly<Record<string, unknown>>): number {
  const header = p.dataIo.header;
  if (header.length === 0) return 1;
  let found = 0;
  for (const name of header) if (raw[name] !== undefined && raw[name] !== null && raw[name] !== '') found++;
  return found / header.length;
}
