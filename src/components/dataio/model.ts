// DataIOMeta / DataIOParam as FATE 1.4.5's readers save them (save_data_io_model,
// save_missing_imputer_model, save_outlier_model), and the settings a stored model replays.
import type { ModelBuffers } from '../contract.js';
import { DEFAULT_MISSING_VALUES, type Replacement } from './fill.js';
import type { Settings } from './settings.js';

export interface Fitted {
  readonly rep?: Replacement;
  readonly ratio?: number[];
}

function replacementMaps(header: readonly string[], fitted: Fitted) {
  const values: Record<string, string> = {};
  const ratios: Record<string, number> = {};
  if (fitted.rep) header.forEach((h, i) => (values[h] = fitted.rep!.fill[i]!));
  if (fitted.ratio) header.forEach((h, i) => (ratios[h] = fitted.ratio![i]!));
  return { values, ratios };
}

/**
 * What each reader records. Dense: the conf's settings, label name only with a label. Sparse
 * (SparseFeatureReader): with_label false and no imputer/outlier, the conf's label name, sid "sid".
 * Tag (SparseTagReader): label name "label" when the data has one, else the conf's (default "y");
 * no outlier (the tag reader ignores outlier_replace); the imputer as configured.
 */
export function buildModel(s: Settings, header: readonly string[], sidName: string, missing: Fitted, outlier: Fitted): ModelBuffers {
  const format = s.inputFormat;
  const withLabel = format === 'sparse' ? false : s.withLabel;
  const labelName = format === 'dense' ? (s.withLabel ? s.labelName : '') : s.labelName;
  const labelType = format === 'dense' && !s.withLabel ? '' : s.labelType;
  const imputerOn = format !== 'sparse' && s.missing.enabled;
  const outlierOn = format === 'dense' && s.outlier.enabled;
  const m = replacementMaps(header, missing);
  const o = replacementMaps(header, outlier);
  return {
    DataIOMeta: {
      inputFormat: format,
      delimitor: s.delimitor,
      dataType: s.dataType,
      tagWithValue: format === 'sparse' ? false : s.tagWithValue,
      tagValueDelimitor: format === 'sparse' ? ':' : s.tagValueDelimitor,
      withLabel,
      labelName,
      labelType,
      outputFormat: s.outputFormat,
      imputerMeta: {
        isImputer: imputerOn,
        strategy: imputerOn ? (s.missing.method ?? '') : '',
        missingValue: imputerOn && missing.rep ? [...missing.rep.tokens] : [],
      },
      outlierMeta: {
        isOutlier: outlierOn,
        strategy: outlierOn ? (s.outlier.method ?? '') : '',
        outlierValue: outlierOn && outlier.rep ? [...outlier.rep.tokens] : [],
      },
      needRun: s.needRun,
      exclusiveDataType: {},
    },
    DataIOParam: {
      header: [...header],
      sidName,
      labelName,
      imputerParam: imputerOn ? { missingReplaceValue: m.values, missingValueRatio: m.ratios } : { missingReplaceValue: {}, missingValueRatio: {} },
      outlierParam: outlierOn ? { outlierReplaceValue: o.values, outlierValueRatio: o.ratios } : { outlierReplaceValue: {}, outlierValueRatio: {} },
    },
  };
}

export interface LoadedModel {
  readonly s: Settings;
  readonly header: string[];
  readonly sidName: string;
  readonly missing?: Replacement;
  readonly outlier?: Replacement;
}

/** Settings and replacements as stored in a DataIO model (predict / transform). */
export function loadModel(model: ModelBuffers): LoadedModel {
  const meta = model.DataIOMeta as Record<string, any> | undefined;
  const param = model.DataIOParam as Record<string, any> | undefined;
  if (!meta || !param) throw new Error('DataIO: input model has no DataIOMeta/DataIOParam');
  const header: string[] = Array.isArray(param.header) ? param.header.map(String) : [];
  const loadRep = (enabled: boolean, tokens: unknown, values: unknown, what: string): Replacement | undefined => {
    if (!enabled) return undefined;
    const map = (values ?? {}) as Record<string, unknown>;
    // A tag model without fitted values (missing_fill without tag_with_value) fills nothing.
    if (Object.keys(map).length === 0 && meta.inputFormat === 'tag') return undefined;
    const fill = header.map((h) => {
      if (!(h in map)) throw new Error(`DataIO: input model has no ${what} value for column ${JSON.stringify(h)}`);
      return String(map[h]);
    });
    const list = Array.isArray(tokens) && tokens.length > 0 ? tokens.map(String) : DEFAULT_MISSING_VALUES;
    return { tokens: list, fill };
  };
  const imputerMeta = (meta.imputerMeta ?? {}) as Record<string, unknown>;
  const outlierMeta = (meta.outlierMeta ?? {}) as Record<string, unknown>;
  const missingEnabled = imputerMeta.isImputer === true;
  const outlierEnabled = outlierMeta.isOutlier === true;
  const s: Settings = {
    inputFormat: String(meta.inputFormat || 'dense'),
    delimitor: String(meta.delimitor ?? ','),
    dataType: String(meta.dataType || 'float64'),
    tagWithValue: meta.tagWithValue === true,
    tagValueDelimitor: String(meta.tagValueDelimitor || ':'),
    withLabel: meta.withLabel === true,
    labelName: String(meta.labelName || param.labelName || 'y'),
    labelType: String(meta.labelType || 'int'),
    outputFormat: String(meta.outputFormat || 'dense'),
    needRun: meta.needRun !== false,
    missing: { enabled: missingEnabled, method: (imputerMeta.strategy as string) || null, value: null, tokens: null },
    outlier: { enabled: outlierEnabled, method: (outlierMeta.strategy as string) || null, value: null, tokens: null },
  };
  const ip = (param.imputerParam ?? {}) as Record<string, unknown>;
  const op = (param.outlierParam ?? {}) as Record<string, unknown>;
  const missing = loadRep(missingEnabled, imputerMeta.missingValue, ip.missingReplaceValue, 'missing fill');
  const outlier = loadRep(outlierEnabled, outlierMeta.outlierValue, op.outlierReplaceValue, 'outlier replace');
  const sidName = typeof param.sidName === 'string' && param.sidName !== '' ? param.sidName : 'sid';
  return { s, header, sidName, ...(missing ? { missing } : {}), ...(outlier ? { outlier } : {}) };
}
