// DataIOParam (FATE 1.4.5 federatedml/param/dataio_param.py) read from the merged parameters, with
// FATE's defaults and its check() messages for the enumerated values.
import type { ComponentInput } from '../contract.js';
import { FILL_METHODS, type ReplaceSettings } from './fill.js';
import { pyStr } from './values.js';

export const INPUT_FORMATS = ['dense', 'sparse', 'tag'];
export const OUTPUT_FORMATS = ['dense', 'sparse'];

export interface Settings {
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

type Params = ComponentInput['params'];

function bool(params: Params, key: string, fallback: boolean): boolean {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new Error(`DataIO: parameter ${key} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function str(params: Params, key: string, fallback: string): string {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new Error(`DataIO: parameter ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** FATE's check_and_change_lower: one of `valid`, case-insensitively, stored lower-cased. */
function oneOf(params: Params, key: string, fallback: string, valid: readonly string[]): string {
  const v = params[key] ?? fallback;
  const lower = typeof v === 'string' ? v.toLowerCase() : undefined;
  if (lower === undefined || !valid.includes(lower)) {
    throw new Error(`dataio param's ${key} ${typeof v === 'string' ? v : JSON.stringify(v)} not supported, should be one of [${valid.map((x) => `'${x}'`).join(', ')}]`);
  }
  return lower;
}

function tokenList(params: Params, key: string): string[] | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new Error(`DataIO: parameter ${key} must be a list, got ${JSON.stringify(v)}`);
  return v.map((t) => pyStr(t));
}

function method(params: Params, key: string): string | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !FILL_METHODS.includes(v.toLowerCase())) {
    throw new Error(`DataIO: ${key} must be one of ${FILL_METHODS.join(', ')} or null, got ${JSON.stringify(v)}`);
  }
  return v.toLowerCase();
}

export function settingsFromParams(params: Params): Settings {
  return {
    inputFormat: oneOf(params, 'input_format', 'dense', INPUT_FORMATS),
    delimitor: str(params, 'delimitor', ','),
    dataType: str(params, 'data_type', 'float64'),
    tagWithValue: bool(params, 'tag_with_value', false),
    tagValueDelimitor: str(params, 'tag_value_delimitor', ':'),
    withLabel: bool(params, 'with_label', false),
    labelName: str(params, 'label_name', 'y'),
    labelType: str(params, 'label_type', 'int'),
    outputFormat: oneOf(params, 'output_format', 'dense', OUTPUT_FORMATS),
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
