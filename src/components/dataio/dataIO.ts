// DataIO (FATE 1.x federatedml/util/data_io.py, dense reader): turns an uploaded table of
// delimiter-joined strings into Instances (float features + optional label), optionally filling
// missing cells and replacing outliers first. Fit computes the fill values and stores them in
// DataIOMeta/DataIOParam; with `input.model` (predict) the stored values are reused.
import type { Component, ComponentInput, DataTable, Instance, ModelBuffers, Schema } from '../contract.js';
import { parsePyFloat, parsePyInt, pyFloatStr, pyStr, round6 } from './values.js';

/** Imputer's default missing tokens (compared against the lower-cased cell). */
export const DEFAULT_MISSING_VALUES = ['', 'none', 'null', 'na'];
/** Tokens read as NaN when no missing fill runs and `missing_impute` is not given. */
const PLAIN_NAN_TOKENS = ['', 'NULL', 'null', 'NA'];
const FILL_METHODS = ['min', 'max', 'mean', 'designated'];
const FLOAT_TYPES = ['float', 'float64', 'double'];
const INT_TYPES = ['int', 'int64', 'long'];

interface ReplaceSettings {
  readonly enabled: boolean;
  readonly method: string | null;
  readonly value: unknown;
  /** The token list as the conf gave it (null = the imputer default). */
  readonly tokens: string[] | null;
}

interface Settings {
  readonly inputFormat: string;
  readonly delimitor: string;
  readonly dataType: string;
  readonly tagWithValue: boolean;
  readonly tagValueDelimitor: string;
  readonly withLabel: boolean;
  readonly labelName: string;
  readonly labelType: string;
  readonly outputFormat: string;
  readonly needRun: boolean;
  readonly missing: ReplaceSettings;
  readonly outlier: ReplaceSettings;
}

/** A fitted (or loaded) replacement: per-column fill strings and the tokens they replace. */
interface Replacement {
  readonly tokens: string[];
  readonly fill: string[];
}

function bool(params: ComponentInput['params'], key: string, fallback: boolean): boolean {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new Error(`DataIO: parameter ${key} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function str(params: ComponentInput['params'], key: string, fallback: string): string {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new Error(`DataIO: parameter ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function tokenList(params: ComponentInput['params'], key: string): string[] | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new Error(`DataIO: parameter ${key} must be a list, got ${JSON.stringify(v)}`);
  return v.map((t) => pyStr(t));
}

function method(params: ComponentInput['params'], key: string): string | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !FILL_METHODS.includes(v.toLowerCase())) {
    throw new Error(`DataIO: ${key} must be one of ${FILL_METHODS.join(', ')} or null, got ${JSON.stringify(v)}`);
  }
  return v.toLowerCase();
}

function settingsFromParams(params: ComponentInput['params']): Settings {
  return {
    inputFormat: str(params, 'input_format', 'dense'),
    delimitor: str(params, 'delimitor', ','),
    dataType: str(params, 'data_type', 'float64'),
    tagWithValue: bool(params, 'tag_with_value', false),
    tagValueDelimitor: str(params, 'tag_value_delimitor', ':'),
    withLabel: bool(params, 'with_label', false),
    labelName: str(params, 'label_name', 'y'),
    labelType: str(params, 'label_type', 'int'),
    outputFormat: str(params, 'output_format', 'dense'),
    needRun: bool(params, 'need_run', true),
    missing: {
      enabled: bool(params, 'missing_fill', false),
      method: method(params, 'missing_fill_method'),
      value: params.default_value ?? 0,
      tokens: tokenList(params, 'missing_impute'),
    },
    outlier: {
      enabled: bool(params, 'outlier_replace', false),
      method: method(params, 'outlier_replace_method'),
      value: params.outlier_replace_value ?? 0,
      tokens: tokenList(params, 'outlier_impute'),
    },
  };
}

function pickInput(input: ComponentInput): DataTable<string> {
  const table = input.data.data ?? input.data.train_data ?? input.data.eval_data;
  if (!table) throw new Error('DataIO: no input data (expected data, train_data or eval_data)');
  return table as DataTable<string>;
}

function isToken(cell: string, tokens: readonly string[]): boolean {
  return tokens.includes(cell) || tokens.includes(cell.toLowerCase());
}

/** Fill values per column, computed from the string cells (non-numeric cells are skipped, as FATE does). */
function fitFill(rows: string[][], width: number, rs: ReplaceSettings, tokens: string[]): string[] {
  const m = rs.method;
  if (m === 'min' || m === 'max' || m === 'mean') {
    const acc: number[] = new Array<number>(width).fill(m === 'min' ? Infinity : m === 'max' ? -Infinity : 0);
    const count: number[] = new Array<number>(width).fill(0);
    for (const cells of rows) {
      for (let i = 0; i < width; i++) {
        const cell = cells[i]!;
        if (isToken(cell, tokens)) continue;
        const v = parsePyFloat(cell);
        if (v === undefined || Number.isNaN(v)) continue;
        count[i]!++;
        if (m === 'min') acc[i] = Math.min(acc[i]!, v);
        else if (m === 'max') acc[i] = Math.max(acc[i]!, v);
        else acc[i]! += v;
      }
    }
    return acc.map((a, i) => {
      // An all-missing column has no statistic; FATE's mean falls back to 0, and so do min/max here.
      if (count[i] === 0) return '0';
      return pyFloatStr(m === 'mean' ? round6(a / count[i]!) : a);
    });
  }
  // designated, or no method: the configured value, a scalar or one per column.
  const value = rs.value;
  if (Array.isArray(value)) {
    if (value.length !== width) {
      throw new Error(`DataIO: ${value.length} designated fill values for ${width} columns`);
    }
    return value.map((v) => pyStr(v));
  }
  return new Array<string>(width).fill(pyStr(value));
}

/** Replaces matching cells in place; returns the per-column replaced ratio. */
function applyFill(rows: string[][], width: number, rep: Replacement): number[] {
  const replaced = new Array<number>(width).fill(0);
  for (const cells of rows) {
    for (let i = 0; i < width; i++) {
      if (isToken(cells[i]!, rep.tokens)) {
        cells[i] = rep.fill[i]!;
        replaced[i]!++;
      }
    }
  }
  return replaced.map((n) => (rows.length === 0 ? 0 : n / rows.length));
}

function parseFeature(cell: string, key: string, column: string, dataType: string, nanTokens: readonly string[]): number {
  if (nanTokens.includes(cell)) return Number.NaN;
  const v = INT_TYPES.includes(dataType) ? parsePyInt(cell) : parsePyFloat(cell);
  if (v === undefined) {
    throw new Error(`DataIO: row ${JSON.stringify(key)}, column ${JSON.stringify(column)}: cannot read ${JSON.stringify(cell)} as ${dataType}`);
  }
  return v;
}

function parseLabel(cell: string, key: string, column: string, labelType: string): number {
  const v = labelType === 'int' || INT_TYPES.includes(labelType) ? parsePyInt(cell) : parsePyFloat(cell);
  if (v === undefined) {
    throw new Error(`DataIO: row ${JSON.stringify(key)}, label column ${JSON.stringify(column)}: cannot read ${JSON.stringify(cell)} as ${labelType}`);
  }
  return v;
}

function replacementMaps(header: string[], rep: Replacement | undefined, ratio: number[] | undefined) {
  const values: Record<string, string> = {};
  const ratios: Record<string, number> = {};
  if (rep) header.forEach((h, i) => (values[h] = rep.fill[i]!));
  if (ratio) header.forEach((h, i) => (ratios[h] = ratio[i]!));
  return { values, ratios };
}

function buildModel(
  s: Settings,
  header: string[],
  sidName: string,
  missing: { rep?: Replacement; ratio?: number[] },
  outlier: { rep?: Replacement; ratio?: number[] },
): ModelBuffers {
  const m = replacementMaps(header, missing.rep, missing.ratio);
  const o = replacementMaps(header, outlier.rep, outlier.ratio);
  return {
    DataIOMeta: {
      inputFormat: s.inputFormat,
      delimitor: s.delimitor,
      dataType: s.dataType,
      tagWithValue: s.tagWithValue,
      tagValueDelimitor: s.tagValueDelimitor,
      withLabel: s.withLabel,
      labelName: s.withLabel ? s.labelName : '',
      labelType: s.withLabel ? s.labelType : '',
      outputFormat: s.outputFormat,
      imputerMeta: {
        isImputer: s.missing.enabled,
        strategy: s.missing.enabled ? (s.missing.method ?? '') : '',
        missingValue: missing.rep ? [...missing.rep.tokens] : [],
      },
      outlierMeta: {
        isOutlier: s.outlier.enabled,
        strategy: s.outlier.enabled ? (s.outlier.method ?? '') : '',
        outlierValue: outlier.rep ? [...outlier.rep.tokens] : [],
      },
      needRun: s.needRun,
      exclusiveDataType: {},
    },
    DataIOParam: {
      header: [...header],
      sidName,
      labelName: s.withLabel ? s.labelName : '',
      imputerParam: { missingReplaceValue: m.values, missingValueRatio: m.ratios },
      outlierParam: { outlierReplaceValue: o.values, outlierValueRatio: o.ratios },
    },
  };
}

/** Settings and replacements as stored in a DataIO model (predict / transform). */
function loadModel(model: ModelBuffers): { s: Settings; header: string[]; missing?: Replacement; outlier?: Replacement } {
  const meta = model.DataIOMeta as Record<string, any> | undefined;
  const param = model.DataIOParam as Record<string, any> | undefined;
  if (!meta || !param) throw new Error('DataIO: input model has no DataIOMeta/DataIOParam');
  const header: string[] = Array.isArray(param.header) ? param.header.map(String) : [];
  const loadRep = (enabled: boolean, tokens: unknown, values: unknown, what: string): Replacement | undefined => {
    if (!enabled) return undefined;
    const map = (values ?? {}) as Record<string, unknown>;
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
    inputFormat: String(meta.inputFormat ?? 'dense'),
    delimitor: String(meta.delimitor ?? ','),
    dataType: String(meta.dataType ?? 'float64'),
    tagWithValue: meta.tagWithValue === true,
    tagValueDelimitor: String(meta.tagValueDelimitor ?? ':'),
    withLabel: meta.withLabel === true,
    labelName: String(meta.labelName || param.labelName || 'y'),
    labelType: String(meta.labelType || 'int'),
    outputFormat: String(meta.outputFormat ?? 'dense'),
    needRun: meta.needRun !== false,
    missing: { enabled: missingEnabled, method: (imputerMeta.strategy as string) || null, value: null, tokens: null },
    outlier: { enabled: outlierEnabled, method: (outlierMeta.strategy as string) || null, value: null, tokens: null },
  };
  const ip = (param.imputerParam ?? {}) as Record<string, unknown>;
  const op = (param.outlierParam ?? {}) as Record<string, unknown>;
  const missing = loadRep(missingEnabled, imputerMeta.missingValue, ip.missingReplaceValue, 'missing fill');
  const outlier = loadRep(outlierEnabled, outlierMeta.outlierValue, op.outlierReplaceValue, 'outlier replace');
  return { s, header, ...(missing ? { missing } : {}), ...(outlier ? { outlier } : {}) };
}

// The two loops over every row live in functions of their own: the component's body is large, and
// optimising it whole (on-stack, while a loop runs) was a large share of a light job's compile time.

/** Feature cells per row (strings), labels aside. */
function splitCells(tableRows: DataTable['rows'], width: number, delimitor: string, labelIdx: number): { keys: string[]; rows: string[][]; labelCells: string[] } {
  const keys: string[] = [];
  const rows: string[][] = [];
  const labelCells: string[] = [];
  for (const [key, value] of tableRows) {
    const cells = width === 0 ? [] : String(value).split(delimitor);
    if (cells.length !== width) {
      throw new Error(`DataIO: row ${JSON.stringify(key)} has ${cells.length} columns, the header has ${width}`);
    }
    if (labelIdx >= 0) labelCells.push(cells.splice(labelIdx, 1)[0]!);
    keys.push(key);
    rows.push(cells);
  }
  return { keys, rows, labelCells };
}

function toInstances(keys: string[], rows: string[][], labelCells: string[] | undefined, header: string[], s: Settings, nanTokens: readonly string[]): [string, Instance][] {
  const out: [string, Instance][] = [];
  for (let r = 0; r < rows.length; r++) {
    const key = keys[r]!;
    const cells = rows[r]!;
    const features = cells.map((cell, i) => parseFeature(cell, key, header[i]!, s.dataType, nanTokens));
    const instance: Instance = labelCells
      ? { features, label: parseLabel(labelCells[r]!, key, s.labelName, s.labelType) }
      : { features };
    out.push([key, instance]);
  }
  return out;
}

export const dataIO: Component = async (input, { signal }) => {
  const table = pickInput(input);
  const loaded = input.model ? loadModel(input.model) : undefined;
  const s = loaded ? loaded.s : settingsFromParams(input.params);
  if (!s.needRun) return { data: table };
  if (s.inputFormat !== 'dense') throw new Error(`DataIO: input_format ${s.inputFormat} is not supported (dense only)`);
  if (s.outputFormat !== 'dense') throw new Error(`DataIO: output_format ${s.outputFormat} is not supported (dense only)`);
  if (![...FLOAT_TYPES, ...INT_TYPES].includes(s.dataType)) {
    throw new Error(`DataIO: data_type ${s.dataType} is not supported (float64/float/double/int/int64/long)`);
  }

  const inputHeader = [...table.schema.header];
  const sidName = table.schema.sid_name;
  let labelIdx = -1;
  if (s.withLabel) {
    labelIdx = inputHeader.indexOf(s.labelName);
    if (labelIdx < 0 && !loaded) {
      throw new Error(`DataIO: label column ${JSON.stringify(s.labelName)} is not in the header [${inputHeader.join(', ')}]`);
    }
  }
  const dataHeader = inputHeader.filter((_, i) => i !== labelIdx);

  const { keys, rows, labelCells } = splitCells(table.rows, inputHeader.length, s.delimitor, labelIdx);
  signal.throwIfAborted();

  // Predict: align columns to the fitted header (by name).
  let header = dataHeader;
  if (loaded) {
    const fitHeader = loaded.header;
    const same = fitHeader.length === dataHeader.length && fitHeader.every((h, i) => h === dataHeader[i]);
    if (!same) {
      const index = fitHeader.map((h) => dataHeader.indexOf(h));
      if (fitHeader.length !== dataHeader.length || index.some((i) => i < 0)) {
        throw new Error(`DataIO: predict data header [${dataHeader.join(', ')}] does not match the model header [${fitHeader.join(', ')}]`);
      }
      for (let r = 0; r < rows.length; r++) rows[r] = index.map((i) => rows[r]![i]!);
    }
    header = fitHeader;
  }
  const width = header.length;

  let missingRep: Replacement | undefined;
  let missingRatio: number[] | undefined;
  if (s.missing.enabled) {
    missingRep = loaded ? loaded.missing! : (() => {
      const tokens = s.missing.tokens ?? DEFAULT_MISSING_VALUES;
      return { tokens, fill: fitFill(rows, width, s.missing, tokens) };
    })();
    missingRatio = applyFill(rows, width, missingRep);
  }
  let outlierRep: Replacement | undefined;
  let outlierRatio: number[] | undefined;
  if (s.outlier.enabled) {
    outlierRep = loaded ? loaded.outlier! : (() => {
      const tokens = s.outlier.tokens ?? DEFAULT_MISSING_VALUES;
      return { tokens, fill: fitFill(rows, width, s.outlier, tokens) };
    })();
    outlierRatio = applyFill(rows, width, outlierRep);
  }
  signal.throwIfAborted();

  const nanTokens = missingRep ? missingRep.tokens : (s.missing.tokens ?? PLAIN_NAN_TOKENS);
  const out = toInstances(keys, rows, labelIdx >= 0 ? labelCells : undefined, header, s, nanTokens);

  const schema: Schema = s.withLabel
    ? { header: [...header], sid_name: sidName, label_name: s.labelName }
    : { header: [...header], sid_name: sidName };
  const model = loaded
    ? input.model!
    : buildModel(s, header, sidName, { rep: missingRep, ratio: missingRatio }, { rep: outlierRep, ratio: outlierRatio });
  return { data: { schema, rows: out }, model };
};
