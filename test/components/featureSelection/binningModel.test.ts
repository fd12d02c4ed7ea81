// Reading the isometric binning model: FATE's proto JSON names, the same in snake_case, hosts by
// party id or by position, and clear errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHostName, encodeHostName, hostIvs, readBinningIvs } from '../../../src/components/featureSelection/binningModel.js';
import { guestBinning, hostBinning } from './support.js';

const t = suite('HeteroFeatureSelection binning model');

t('given the guest\'s FeatureBinningParam, then its IVs in model order and each host\'s by party id', () => {
  const b = readBinningIvs(guestBinning({ 10000: { 'host.0': 0.3 }, 10001: { 'host.0': 0.9, 'host.1': 0.1 } }));
  assert.equal(b.header, ['a', 'b', 'c', 'd']);
  assert.equal(b.own, [['a', 0.05], ['b', 0.5], ['c', 0.2], ['d', 0.01]]);
  assert.equal(hostIvs(b, '10001', 0), [['host.0', 0.9], ['host.1', 0.1]]);
  assert.equal(hostIvs(b, '10000', 1), [['host.0', 0.3]]);
  assert.throws(() => hostIvs(b, '10002', 2), /no result for host 10002/);
});

t('given snake_case names, host results without party ids, or keyed by party id, then the same IVs', () => {
  const snake = {
    FeatureBinningParam: {
      binning_result: { binning_result: { a: { iv: 0.4 } } },
      host_results: [{ binning_result: { 'host.0': { iv: 0.2 } } }, { binning_result: { 'host.0': { iv: 0.7 } } }],
      header: ['a'],
    },
  };
  const b = readBinningIvs(snake);
  assert.equal(b.own, [['a', 0.4]]);
  assert.equal(hostIvs(b, '9998', 1), [['host.0', 0.7]], 'by position when the model names no party');
  const keyed = readBinningIvs({ FeatureBinningParam: { binningResult: { binningResult: {} }, hostResults: { 9999: { binningResult: { 'host.1': { iv: 0.5 } } } }, header: [] } });
  assert.equal(hostIvs(keyed, '9999', 0), [['host.1', 0.5]]);
});

t('given a host\'s own model, then names encode as FATE\'s host.<index in the binning header> and decode back', () => {
  const b = readBinningIvs(hostBinning(['h0', 'h1', 'h2']));
  assert.is(encodeHostName(b, 'h2'), 'host.2');
  assert.is(decodeHostName(b, 'host.1'), 'h1');
  assert.throws(() => decodeHostName(b, 'host.7'), /unknown column "host.7"/);
  assert.throws(() => decodeHostName(b, 'x1'), /unknown column "x1"/);
  assert.throws(() => encodeHostName(b, 'zz'), /column zz is not in the binning model's header/);
});

t('given no binning model or a broken one, then errors that say what to do', () => {
  assert.throws(() => readBinningIvs(undefined), /HeteroFeatureBinning must run before and its model be this component's input.isometric_model/);
  assert.throws(() => readBinningIvs({ ScaleMeta: {}, ScaleParam: { colScaleParam: {} } }), /HeteroFeatureBinning must run before/);
  assert.throws(() => readBinningIvs({ FeatureBinningParam: { binningResult: { binningResult: [1, 2] } } }), /binningResult is not a map of columns/);
  assert.throws(() => readBinningIvs({ FeatureBinningParam: { binningResult: { binningResult: { a: { iv: 'x' } } } } }), /IV of own column a is not a number/);
});

t.run();
