// The feature components of a served model on one row, from genuine buffers (encoded with FATE's
// schemas): DataIO's fill and outlier replace, scale, binning, one-hot and selection in the order
// the data flows (not the order the DSL lists them), each party's own transform (WOE on the guest
// only), components that stored nothing or did not run, and the refusals at load.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeBuffer } from '../../src/models/bufferCodec.js';
import { transformRow } from '../../src/serving/featurePipeline.js';
import { linearPart, sigmoid } from '../../src/serving/scoring.js';
import { decodeServingModel, type ModelBuffers } from '../../src/serving/servingModel.js';
import { ServingError } from '../../src/serving/statusCodes.js';

type Json = Record<string, unknown>;
const b64 = (name: string, json: Json): string => Buffer.from(encodeBuffer(name, json)).toString('base64');

const dataIo = (extra: { meta?: Json; param?: Json } = {}): Json => ({
  DataIOMeta: {
    inputFormat: 'dense', delimitor: ',', dataType: 'float64', withLabel: false, outputFormat: 'dense', needRun: true,
    imputerMeta: { isImputer: true, strategy: 'designated', missingValue: ['', 'na'] },
    outlierMeta: { isOutlier: true, strategy: 'designated', outlierValue: ['-999'] },
    ...extra.meta,
  },
  DataIOParam: {
    header: ['a', 'b', 'c'], sidName: 'id',
    imputerParam: { missingReplaceValue: { a: '1.5', b: '2', c: '0' } },
    outlierParam: { outlierReplaceValue: { a: '3', b: '0', c: '1' } },
    ...extra.param,
  },
});
const scale = (needRun = true): Json => ({
  ScaleMeta: { method: 'min_max_scale', mode: 'normal', needRun },
  ScaleParam: { header: ['a', 'b', 'c'], colScaleParam: { a: { columnUpper: 3, columnLower: 1 }, b: { columnUpper: 4, columnLower: 0 } } },
});
const binning = (transformType: string): Json => ({
  FeatureBinningMeta: { needRun: true, method: 'quantile', transformParam: { transformCols: [1], transformType } },
  FeatureBinningParam: {
    header: ['a', 'b', 'c'],
    binningResult: { binningResult: { b: { splitPoints: [0.3, 0.6, 1], woeArray: [-0.7, 0.2, 1.1] } } },
  },
});
const oneHot = (header = ['a', 'b', 'c']): Json => ({
  OneHotMeta: { transformColNames: ['c'], header, needRun: true },
  OneHotParam: { colMap: { c: { values: ['0', '1'], transformedHeaders: ['c_0', 'c_1'] } }, resultHeader: ['a', 'b', 'c_0', 'c_1'] },
});
const selection: Json = {
  FeatureSelectionMeta: { needRun: true, filterMethods: ['manually'] },
  FeatureSelectionParam: { header: ['a', 'b', 'c_0', 'c_1'], finalLeftCols: { originalCols: ['a', 'b', 'c_0', 'c_1'], leftCols: { a: true, b: true, c_1: true } } },
};
const lr = (header = ['a', 'b', 'c_1'], extra: Json = {}): Json => ({
  HeteroLogisticRegressionParam: { header, weight: { a: 0.5, b: -1, c_1: 2, z: 1 }, intercept: 0.1, ...extra },
});

const step = (module: string, from: string) => ({ module, input: { data: { data: [`${from}.train`] } }, output: { data: ['train'] } });
/** Listed out of order on purpose: the data path decides. */
const DSL = {
  components: {
    one_hot_0: step('OneHotEncoder', 'binning_0'),
    hetero_lr_0: { module: 'HeteroLR', input: { data: { test_data: ['selection_0.train'] } } },
    selection_0: step('HeteroFeatureSelection', 'one_hot_0'),
    binning_0: step('HeteroFeatureBinning', 'scale_0'),
    scale_0: step('FeatureScale', 'intersection_0'),
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.eval_data'] } } },
    intersection_0: step('Intersection', 'dataio_0'),
    evaluation_0: step('Evaluation', 'hetero_lr_0'),
  },
};

function transfer(parts: Record<string, Json | undefined>, dsl: unknown = DSL): ModelBuffers {
  const out: Record<string, string> = {
    'pipeline.pipeline:Pipeline': b64('Pipeline', { inferenceDsl: Buffer.from(JSON.stringify(dsl)).toString('base64'), modelId: 'm', modelVersion: 'v' }),
  };
  for (const [component, buffers] of Object.entries(parts)) {
    for (const [name, json] of Object.entries(buffers ?? {})) out[`${component}.model:${name}`] = b64(name, json as Json);
  }
  return out;
}

const full = (over: Record<string, Json | undefined> = {}) =>
  transfer({ dataio_0: dataIo(), scale_0: scale(), binning_0: binning('bin_num'), one_hot_0: oneHot(), selection_0: selection, hetero_lr_0: lr(), ...over });

function refusal(f: () => unknown): ServingError {
  try {
    f();
  } catch (err) {
    if (err instanceof ServingError) return err;
    throw err;
  }
  throw new Error('expected a ServingError');
}

const t = suite('serving feature pipeline');

t('fill, outlier, scale, bin index, one-hot and selection, in data order; the LR scores the result', () => {
  const m = decodeServingModel(full());
  assert.equal(m.features.steps.map((s) => s.component), ['scale_0', 'binning_0', 'one_hot_0', 'selection_0']);
  assert.equal(m.features.header, ['a', 'b', 'c_1']);
  // a: "NA" → 1.5 → (1.5-1)/2; b: 2 → 0.5 → bin 1; c: 1 → c_1 = 1
  assert.equal(transformRow(m.features, { a: 'NA', b: 2, c: 1 }, 'guest'), { a: 0.25, b: 1, c_1: 1 });
  // a absent → 1.5; b: -999 (an outlier) → 0 → bin 0; c: "0" → c_1 = 0
  const row = transformRow(m.features, { b: -999, c: '0' }, 'guest');
  assert.equal(row, { a: 0.25, b: 0, c_1: 0 });
  assert.is(sigmoid(linearPart(m.lr!, row, 'guest').score + m.lr!.intercept), sigmoid(0.5 * 0.25 + 0.1));
  // b above the fitted range clips to 1 → the last bin
  assert.equal(transformRow(m.features, { a: 3, b: 9, c: 7 }, 'guest'), { a: 1, b: 2, c_1: 0 });
});

t('WOE replaces the guest\'s value; a host asked for WOE leaves its row as it is, as FATE\'s host does', () => {
  const buffers = full({ binning_0: binning('woe') });
  assert.equal(transformRow(decodeServingModel(buffers, 'guest').features, { a: 1, b: 2, c: 1 }, 'guest'), { a: 0, b: 0.2, c_1: 1 });
  const host = decodeServingModel(buffers, 'host');
  assert.equal(host.features.steps.map((s) => s.component), ['scale_0', 'one_hot_0', 'selection_0']);
  assert.equal(transformRow(host.features, { a: 1, b: 2, c: 1 }, 'host'), { a: 0, b: 0.5, c_1: 1 });
});

t('a component that stored no model or did not run (need_run false) passes the row on', () => {
  const m = decodeServingModel(full({ scale_0: undefined, binning_0: { ...binning('bin_num'), FeatureBinningMeta: { needRun: false } } }));
  assert.equal(m.features.steps.map((s) => s.component), ['one_hot_0', 'selection_0']);
  assert.equal(transformRow(m.features, { a: 1, b: 2, c: 1 }, 'guest'), { a: 1, b: 2, c_1: 1 });
  const noScale = decodeServingModel(full({ scale_0: scale(false) }));
  assert.equal(noScale.features.steps.map((s) => s.component), ['binning_0', 'one_hot_0', 'selection_0']);
});

t('without an imputer a missing value stays missing (adds nothing to W·x); sparse input reads an absent feature as 0', () => {
  const plain = dataIo({ meta: { imputerMeta: { isImputer: false }, outlierMeta: { isOutlier: false } }, param: { imputerParam: {}, outlierParam: {} } });
  const dense = decodeServingModel(full({ dataio_0: plain, scale_0: undefined, binning_0: undefined }));
  const row = transformRow(dense.features, { b: 'NA', c: 1 }, 'guest');
  assert.ok(Number.isNaN(row.a) && Number.isNaN(row.b));
  assert.is(linearPart(dense.lr!, row, 'guest').score, 2);
  const sparse = decodeServingModel(full({ dataio_0: { ...plain, DataIOMeta: { ...(plain.DataIOMeta as Json), inputFormat: 'sparse' } }, scale_0: undefined, binning_0: undefined }));
  assert.equal(transformRow(sparse.features, { c: 1 }, 'guest'), { a: 0, b: 0, c_1: 1 });
});

t('refusals: a value DataIO cannot read (102); at load, plans that do not fit and unsupported models (107)', () => {
  const m = decodeServingModel(full());
  let e = refusal(() => transformRow(m.features, { a: 'abc' }, 'guest'));
  assert.equal([e.code, e.message], [102, 'guest feature a is not a number: "abc"']);
  e = refusal(() => transformRow(m.features, { a: true }, 'host'));
  assert.equal([e.code, e.message], [102, 'host feature a is not a number: true']);

  e = refusal(() => decodeServingModel(full({ one_hot_0: oneHot(['a', 'b', 'x']) })));
  assert.equal([e.code, e.message], [107, 'one_hot_0: OneHotEncoder: data header [a, b, c] does not match the model header [a, b, x]']);
  e = refusal(() => decodeServingModel(full({ hetero_lr_0: lr(['a', 'z']) })));
  assert.is(e.message, 'hetero_lr_0 reads z, which the components before it do not produce (they give a, b, c_1)');
  e = refusal(() => decodeServingModel(full({ hetero_lr_0: lr(undefined, { needOneVsRest: true }) })));
  assert.is(e.message, "hetero_lr_0 is a one-vs-rest model; fedflow serving scores binary models only (FATE-Serving's HeteroLR too)");
  e = refusal(() => decodeServingModel(transfer({}, { components: { ...DSL.components, pearson_0: step('HeteroPearson', 'dataio_0') } })));
  assert.is(e.message, 'component pearson_0 (HeteroPearson) cannot be served online; fedflow serving supports DataIO, Intersection, FeatureScale, HeteroFeatureBinning, OneHotEncoder, HeteroFeatureSelection and one HeteroLR or HeteroSecureBoost');
  e = refusal(() => decodeServingModel(full({ dataio_0: undefined })));
  assert.is(e.message, 'the model has no DataIOMeta/DataIOParam buffers for component dataio_0');
});

t.run();
