// Decoding a party model from transfer buffers (components found by module, not by name) and the
// host's CSV feature source: what is accepted, and what is refused with which message.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LRModelParam } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-param.js';
import { parseFeatureCsv } from '../../src/serving/featureSource.js';
import { linearPart } from '../../src/serving/scoring.js';
import { decodeServingModel } from '../../src/serving/servingModel.js';
import { ServingError } from '../../src/serving/statusCodes.js';
import { GUEST_HEADER, INFERENCE_DSL, heteroLrBuffers, seededWeights, type LrPartySpec } from '../support/servingModel.js';

const GUEST: LrPartySpec = { role: 'guest', header: GUEST_HEADER, weights: seededWeights(GUEST_HEADER, 3), intercept: -0.5 };

function refusal(f: () => unknown): ServingError {
  try {
    f();
  } catch (err) {
    if (err instanceof ServingError) return err;
    throw err;
  }
  throw new Error('expected a ServingError');
}

const model = suite('decodeServingModel');

model('a HeteroFeatureSelection before the LR is served: the LR\'s header holds exactly the columns it kept', () => {
  const kept = GUEST_HEADER.slice(2);
  const withSelection = {
    components: {
      ...INFERENCE_DSL.components,
      hetero_feature_selection_0: { module: 'HeteroFeatureSelection', input: { data: { data: ['intersection_0.train'] }, model: ['pipeline.hetero_feature_selection_0.model'] } },
    },
  };
  const m = decodeServingModel(heteroLrBuffers({ ...GUEST, header: kept, weights: seededWeights(kept, 3), inferenceDsl: withSelection }));
  assert.equal(m.lr!.header, kept);
});

model('weights follow the LR header; components are found by module whatever their names', () => {
  const renamed = {
    components: {
      reader_a: { module: 'DataIO' },
      psi: { module: 'Intersection' },
      lr_main: { module: 'HeteroLR', input: { model: ['pipeline.lr_main.hetero_lr'] } },
    },
  };
  const buffers = Object.fromEntries(
    Object.entries(heteroLrBuffers({ ...GUEST, inferenceDsl: renamed })).map(([k, v]) => [k.replace('dataio_0.', 'reader_a.').replace('hetero_lr_0.', 'lr_main.'), v]),
  );
  const m = decodeServingModel(buffers);
  assert.is(m.dataIo.component, 'reader_a');
  assert.is(m.lr!.component, 'lr_main');
  assert.equal(m.lr!.header, GUEST_HEADER);
  assert.equal([...m.lr!.weights], GUEST_HEADER.map((h) => GUEST.weights[h]!));
  assert.is(m.lr!.intercept, -0.5);
  assert.equal(m.dataIo.header, GUEST_HEADER);
  assert.is(m.dataIo.labelName, 'y');
});

model('refusals name what is missing or unsupported (status 107)', () => {
  const base = heteroLrBuffers(GUEST);
  const { 'pipeline.pipeline:Pipeline': _p, ...noPipeline } = base;
  let e = refusal(() => decodeServingModel(noPipeline));
  assert.is(e.code, 107);
  assert.is(e.message, 'the model has no pipeline.pipeline:Pipeline buffer');

  e = refusal(() => decodeServingModel(heteroLrBuffers({ ...GUEST, inferenceDsl: { components: { ...INFERENCE_DSL.components, union_0: { module: 'Union' } } } })));
  assert.is(e.message, 'component union_0 (Union) cannot be served online; fedflow serving supports DataIO, Intersection, FeatureScale, HeteroFeatureBinning, OneHotEncoder, HeteroFeatureSelection and one HeteroLR or HeteroSecureBoost');

  const { 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam': _w, ...noParam } = base;
  e = refusal(() => decodeServingModel(noParam));
  assert.is(e.message, 'the model has no HeteroLogisticRegressionParam buffer for component hetero_lr_0');

  e = refusal(() => decodeServingModel({ ...base, 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam': Buffer.from([0xff, 0xff, 0xff]).toString('base64') }));
  assert.match(e.message, /^buffer hetero_lr_0:HeteroLogisticRegressionParam is not a valid protobuf/);

  const missingWeight = Buffer.from(LRModelParam.encode(LRModelParam.fromPartial({ header: ['x0', 'x1'], weight: { x0: 1 } })).finish()).toString('base64');
  e = refusal(() => decodeServingModel({ ...base, 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam': missingWeight }));
  assert.is(e.message, 'hetero_lr_0 has no weight for feature x1');

  e = refusal(() => decodeServingModel(heteroLrBuffers({ ...GUEST, inferenceDsl: { components: { dataio_0: { module: 'DataIO' } } } })));
  assert.is(e.message, 'the inference DSL has no HeteroLR or HeteroSecureBoost component');
});

model('linearPart: numeric strings count, missing features add nothing, other values are refused (102)', () => {
  const m = decodeServingModel(heteroLrBuffers(GUEST));
  const row = Object.fromEntries(GUEST_HEADER.map((h, i) => [h, i / 10]));
  const full = linearPart(m.lr!, row, 'guest');
  assert.is(full.hitRate, 1);
  assert.is(full.score, GUEST_HEADER.reduce((s, h, i) => s + GUEST.weights[h]! * (i / 10), 0));
  const { x9: _x9, ...partial } = row;
  const half = linearPart(m.lr!, { ...partial, x0: '0' }, 'guest');
  assert.is(half.hitRate, 0.9);
  assert.ok(Math.abs(half.score - (full.score - GUEST.weights['x9']! * 0.9)) < 1e-15);
  const e = refusal(() => linearPart(m.lr!, { ...row, x2: true }, 'guest'));
  assert.equal([e.code, e.message], [102, 'guest feature x2 is not a number: true']);
});

model.run();

const features = suite('host feature source (CSV)');

features('rows by the id column, cells as text (DataIO reads them); missing cells are left out; short lines refused with their line', () => {
  const src = parseFeatureCsv('id,x0,x1\n133,0.5,-1\n7,,NA\n');
  assert.is(src.idName, 'id');
  assert.is(src.size, 2);
  assert.equal(src.lookup({ id: '133' }), { x0: '0.5', x1: '-1' });
  assert.equal(src.lookup({ id: '7' }), { x1: 'NA' });
  assert.is(src.lookup({ id: '8' }), undefined);
  assert.is(src.lookup({ phone: '133' }), undefined);
  const named = parseFeatureCsv('uid,x0\nabc,1\n');
  assert.is(named.idName, 'uid'); // no "id" column: the first column is the id
  assert.equal(named.lookup({ uid: 'abc' }), { x0: '1' });
  assert.equal(named.lookup({ id: 'abc' }), { x0: '1' });
  assert.throws(() => parseFeatureCsv('id,x0\n1\n', 'f.csv'), /f\.csv line 2 has 1 fields, the header 2/);
});

features.run();
