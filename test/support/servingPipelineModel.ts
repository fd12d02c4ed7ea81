// A hetero LR party model behind the feature components FATE-Serving applies online, as genuine
// buffers (FATE's schemas) in /v1/model/transfer form: DataIO with missing fill and outlier
// replace → Intersection → FeatureScale (min-max, every column) → HeteroFeatureBinning (bin index
// of the first three columns) → OneHotEncoder (those three) → HeteroFeatureSelection (drops the
// last column) → HeteroLR. For the serving bench: what a row costs with every transform on.
import { encodeBuffer } from '../../src/models/bufferCodec.js';
import { MODEL_ID, seededWeights } from './servingModel.js';

export const PIPELINE_MODEL_VERSION = '202612061600000000001';

const b64 = (name: string, json: Record<string, unknown>): string => Buffer.from(encodeBuffer(name, json)).toString('base64');
const step = (module: string, from: string, model?: string) => ({
  module,
  input: { data: { data: [`${from}.train`] }, ...(model ? { model: [`pipeline.${model}`] } : {}) },
  output: { data: ['train'], ...(model ? { model: [model.split('.')[1]] } : {}) },
});

export const PIPELINE_DSL = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.eval_data'] }, model: ['pipeline.dataio_0.dataio'] }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: step('Intersection', 'dataio_0'),
    feature_scale_0: step('FeatureScale', 'intersection_0', 'feature_scale_0.feature_scale'),
    hetero_feature_binning_0: step('HeteroFeatureBinning', 'feature_scale_0', 'hetero_feature_binning_0.hetero_feature_binning'),
    one_hot_encoder_0: step('OneHotEncoder', 'hetero_feature_binning_0', 'one_hot_encoder_0.one_hot_encoder'),
    hetero_feature_selection_0: step('HeteroFeatureSelection', 'one_hot_encoder_0', 'hetero_feature_selection_0.hetero_feature_selection'),
    hetero_lr_0: { module: 'HeteroLR', input: { data: { test_data: ['hetero_feature_selection_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr'] }, output: { data: ['train'], model: ['hetero_lr'] } },
  },
};

const SPLITS = [0.25, 0.5, 0.75, 1];

/** One party's transfer buffers over `header` (weights seeded by `seed`). */
export function pipelineLrBuffers(role: 'guest' | 'host', header: readonly string[], seed: number): Record<string, string> {
  const binned = header.slice(0, 3);
  const values = SPLITS.map((_, i) => i);
  const oneHotHeader = header.flatMap((h) => (binned.includes(h) ? values.map((v) => `${h}_${v}`) : [h]));
  const left = oneHotHeader.slice(0, -1);
  const weights = seededWeights(left, seed);
  const each = <T>(f: (h: string) => T): Record<string, T> => Object.fromEntries(header.map((h) => [h, f(h)]));
  return {
    'dataio_0.dataio:DataIOMeta': b64('DataIOMeta', {
      inputFormat: 'dense', delimitor: ',', dataType: 'float64', withLabel: role === 'guest', labelName: role === 'guest' ? 'y' : '', labelType: 'int', outputFormat: 'dense', needRun: true,
      imputerMeta: { isImputer: true, strategy: 'mean', missingValue: ['', 'none', 'null', 'na'] },
      outlierMeta: { isOutlier: true, strategy: 'designated', outlierValue: ['-999'] },
    }),
    'dataio_0.dataio:DataIOParam': b64('DataIOParam', {
      header: [...header], sidName: 'id', labelName: role === 'guest' ? 'y' : '',
      imputerParam: { missingReplaceValue: each(() => '0.0') }, outlierParam: { outlierReplaceValue: each(() => '0.5') },
    }),
    'feature_scale_0.feature_scale:ScaleMeta': b64('ScaleMeta', { method: 'min_max_scale', mode: 'normal', scaleColumn: [...header], needRun: true }),
    'feature_scale_0.feature_scale:ScaleParam': b64('ScaleParam', { header: [...header], colScaleParam: each(() => ({ columnUpper: 3, columnLower: -3 })) }),
    'hetero_feature_binning_0.hetero_feature_binning:FeatureBinningMeta': b64('FeatureBinningMeta', {
      needRun: true, method: 'quantile', binNum: SPLITS.length, cols: [...header], transformParam: { transformCols: [0, 1, 2], transformType: 'bin_num' },
    }),
    'hetero_feature_binning_0.hetero_feature_binning:FeatureBinningParam': b64('FeatureBinningParam', {
      header: [...header], binningResult: { binningResult: each(() => ({ splitPoints: SPLITS, binNums: SPLITS.length })), role, partyId: '' },
    }),
    'one_hot_encoder_0.one_hot_encoder:OneHotMeta': b64('OneHotMeta', { transformColNames: binned, header: [...header], needRun: true }),
    'one_hot_encoder_0.one_hot_encoder:OneHotParam': b64('OneHotParam', {
      colMap: Object.fromEntries(binned.map((h) => [h, { values: values.map(String), transformedHeaders: values.map((v) => `${h}_${v}`) }])),
      resultHeader: oneHotHeader,
    }),
    'hetero_feature_selection_0.hetero_feature_selection:FeatureSelectionMeta': b64('FeatureSelectionMeta', { filterMethods: ['manually'], cols: oneHotHeader, needRun: true }),
    'hetero_feature_selection_0.hetero_feature_selection:FeatureSelectionParam': b64('FeatureSelectionParam', {
      header: oneHotHeader, finalLeftCols: { originalCols: oneHotHeader, leftCols: Object.fromEntries(left.map((h) => [h, true])) },
    }),
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta': b64('HeteroLogisticRegressionMeta', { penalty: 'L2', optimizer: 'rmsprop', fitIntercept: true, maxIter: 10 }),
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam': b64('HeteroLogisticRegressionParam', {
      iters: 10, weight: weights, intercept: role === 'guest' ? -0.25 : 0, header: left,
    }),
    'pipeline.pipeline:Pipeline': b64('Pipeline', {
      inferenceDsl: Buffer.from(JSON.stringify(PIPELINE_DSL)).toString('base64'),
      modelId: MODEL_ID, modelVersion: PIPELINE_MODEL_VERSION, fateVersion: '1.4.5',
    }),
  };
}
