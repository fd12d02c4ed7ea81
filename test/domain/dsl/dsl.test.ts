import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DSL_MESSAGES, parseDsl, type Dag, type DslParseOptions } from '../../../src/domain/dsl/dsl.js';
import { copy, example } from './examples.js';

const dag = (dsl: unknown, options?: DslParseOptions): Dag => {
  const outcome = parseDsl(dsl, options);
  if (!outcome.ok) throw new Error(`expected ok, got: ${outcome.message}`);
  return outcome.value;
};
const refusal = (dsl: unknown, options?: DslParseOptions): string => {
  const outcome = parseDsl(dsl, options);
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.message;
};

const dataio = (name = 'dataio_0') => ({ [name]: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } } });
const reads = (module: string, ...refs: string[]) => ({ module, input: { data: { data: refs } }, output: { data: ['train'], model: ['m'] } });
const lrDsl = () => copy(example('standalone', 'hetero_lr_dsl.json'));

const messages = suite('dsl validation: the messages of 6.4');

messages('given no DSL or an empty one, when parsed, then "there are no dsl"', () => {
  for (const dsl of [undefined, null, {}, [], 'dsl']) {
    assert.is(refusal(dsl), 'there are no dsl, please check if the role and party id are correct', JSON.stringify(dsl));
  }
});

messages('given a DSL without components, when parsed, then "there are no components in dsl"', () => {
  for (const dsl of [{ dependencies: {} }, { components: {} }, { components: [] }]) {
    assert.is(refusal(dsl), 'there are no components in dsl, please have a check!', JSON.stringify(dsl));
  }
});

messages('given a component without module, when parsed, then the KeyError text \'module\'', () => {
  assert.is(refusal({ components: { dataio_0: { input: {} } } }), "'module'");
});

messages('given a missing module and a bad name, when parsed, then the missing module is reported first', () => {
  assert.is(refusal({ components: { dataio: { module: 'DataIO' }, x_0: {} } }), "'module'");
});

messages('given a name without "_index", when parsed, then the name_index message', () => {
  assert.is(refusal({ components: { dataio: { module: 'DataIO' } } }),
    "component's name should be format of name_index, index is start from 0 and be consecutive for same module");
});

messages('given a name whose index is not an integer, when parsed, then the integer-index message', () => {
  for (const name of ['dataio_a', 'dataio_', 'dataio_-1', 'dataio_1.5']) {
    assert.is(refusal({ components: { [name]: { module: 'DataIO' } } }), "index of component's name should be integer start from 0", name);
  }
});

messages('given indexes that skip or do not start at 0, when parsed, then the consecutive message', () => {
  const consecutive = "component's name should be format of name_index, index is start from 0 and be consecutive for same module";
  assert.is(refusal({ components: { ...dataio('dataio_0'), ...dataio('dataio_2') } }), consecutive);
  assert.is(refusal({ components: dataio('dataio_1') }), consecutive);
  assert.is(refusal({ components: { ...dataio('dataio_0'), ...dataio('dataio_00') } }), consecutive);
});

messages('given one prefix used by two modules, when parsed, then the same-module message', () => {
  assert.is(refusal({ components: { ...dataio('dataio_0'), dataio_1: reads('Intersection', 'dataio_0.train') } }),
    "component's name should be format of name_index, index is start from 0 and same modules should have the same name");
});

messages('given a data input from an unknown component, when parsed, then "unknown module input <name>"', () => {
  assert.is(refusal({ components: { ...dataio(), intersection_0: reads('Intersection', 'dataio_9.train') } }), 'unknown module input dataio_9');
});

messages('given a model input from an unknown component, when parsed, then "unknown module input <reference>"', () => {
  const dsl = lrDsl();
  dsl.components.hetero_lr_0.input.model = ['hetero_lr_9.hetero_lr'];
  assert.is(refusal(dsl), 'unknown module input hetero_lr_9.hetero_lr');
});

messages('given components that feed each other, when parsed, then the loop message', () => {
  const loop = { components: { a_0: reads('DataIO', 'b_0.train'), b_0: reads('Intersection', 'a_0.train') } };
  assert.is(refusal(loop), 'component dependencies form loop, please check');
  const self = { components: { a_0: reads('DataIO', 'a_0.train') } };
  assert.is(refusal(self), 'component dependencies form loop, please check');
});

messages('given a module the registry lacks, when parsed, then the setting_conf message names it', () => {
  const dsl = lrDsl();
  dsl.components.hetero_lr_0.module = 'HeteroLogistic';
  assert.is(refusal(dsl), 'module HeteroLogistic is not supported: no setting_conf for federatedml/conf/setting_conf/HeteroLogistic.json');
});

messages('given a Pipeline component and no pipeline DSL, when parsed, then "find module Pipeline"', () => {
  assert.is(refusal({ components: { ...dataio(), pipeline_0: { module: 'Pipeline' } } }), 'find module Pipeline');
});

const pipelineDsl = { components: { ...dataio(), intersection_0: reads('Intersection', 'dataio_0.train') } };

messages('given two Pipeline components, when parsed with a pipeline DSL, then "pipeline module only support once"', () => {
  const dsl = { components: { pipeline_0: { module: 'Pipeline' }, pipeline_1: { module: 'Pipeline' } } };
  assert.is(refusal(dsl, { pipelineDsl }), 'pipeline module only support once');
});

messages('given a model taken from the pipeline, when parsed, then "Pipeline Model can not be used"', () => {
  const fromInner = { components: { pipeline_0: { module: 'Pipeline' }, hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['pipeline_0.train'] }, model: ['intersection_0.train'] } } } };
  assert.is(refusal(fromInner, { pipelineDsl }), 'Pipeline Model can not be used');
  const fromAlias = { components: { pipeline_0: { module: 'Pipeline' }, hetero_lr_0: { module: 'HeteroLR', input: { model: ['pipeline_0.model'] } } } };
  assert.is(refusal(fromAlias, { pipelineDsl }), 'Pipeline Model can not be used');
});

messages('given a pipeline DSL, when the outer DSL reads the Pipeline component\'s data, then it depends on the pipeline\'s last component', () => {
  const outer = { components: { pipeline_0: { module: 'Pipeline' }, hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['pipeline_0.train'] } } } } };
  const d = dag(outer, { pipelineDsl });
  assert.equal(d.order, ['dataio_0', 'intersection_0', 'hetero_lr_0']);
  assert.equal(d.upstreams['hetero_lr_0'], ['intersection_0']);
  assert.ok(d.components.find((c) => c.name === 'dataio_0')!.fromPipeline);
});

messages('given malformed inputs, when parsed, then a clear message names the component', () => {
  const dsl = lrDsl();
  dsl.components.intersection_0.input.data.data = 'dataio_0.train';
  assert.ok(refusal(dsl).includes('intersection_0'));
});

messages('given every message constant, when compared with the contract, then the texts are verbatim', () => {
  assert.is(DSL_MESSAGES.unknownInput('x_0.y'), 'unknown module input x_0.y');
  assert.is(DSL_MESSAGES.missingModule, "'module'");
});
messages.run();

const graph = suite('dsl DAG derivation (6.5)');

graph('given the reference DSL, when parsed, then the chain order, upstreams and dependencies of 5.18', () => {
  const d = dag(lrDsl());
  assert.equal(d.order, ['dataio_0', 'intersection_0', 'hetero_lr_0', 'evaluation_0']);
  assert.equal(d.upstreams, { dataio_0: [], intersection_0: ['dataio_0'], hetero_lr_0: ['intersection_0'], evaluation_0: ['hetero_lr_0'] });
  assert.equal(d.downstreams, { dataio_0: ['intersection_0'], intersection_0: ['hetero_lr_0'], hetero_lr_0: ['evaluation_0'], evaluation_0: [] });
  assert.equal(d.dependencies, {
    intersection_0: [{ component_name: 'dataio_0', type: 'data' }],
    hetero_lr_0: [{ component_name: 'intersection_0', type: 'data' }],
    evaluation_0: [{ component_name: 'hetero_lr_0', type: 'data' }],
  });
});

graph('given the same upstream read twice, when parsed, then the edge is collapsed', () => {
  const dsl = { components: { ...dataio(), hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['dataio_0.train'], eval_data: ['dataio_0.train'] } } } } };
  const d = dag(dsl);
  assert.equal(d.upstreams['hetero_lr_0'], ['dataio_0']);
  assert.equal(d.downstreams['dataio_0'], ['hetero_lr_0']);
  assert.equal(d.dependencies['hetero_lr_0'], [{ component_name: 'dataio_0', type: 'data' }]);
});

graph('given data and model from one upstream, when parsed, then it is listed once per relation type', () => {
  const dsl = {
    components: {
      ...dataio('dataio_0'),
      ...dataio('dataio_1'),
      hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['dataio_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
      hetero_lr_1: { module: 'HeteroLR', input: { data: { eval_data: ['dataio_1.train'], data: ['hetero_lr_0.train'] }, model: ['hetero_lr_0.hetero_lr'] } },
    },
  };
  const d = dag(dsl);
  assert.equal(d.dependencies['hetero_lr_1'], [
    { component_name: 'dataio_1', type: 'data' },
    { component_name: 'hetero_lr_0', type: 'data' },
    { component_name: 'hetero_lr_0', type: 'model' },
  ]);
  assert.equal(d.upstreams['hetero_lr_1'], ['dataio_1', 'hetero_lr_0']);
  assert.is(d.components.find((c) => c.name === 'hetero_lr_1')!.modelSource, 'hetero_lr_0');
});

graph('given an isometric_model input, when parsed, then it is a model dependency and not a parameter source', () => {
  const dsl = {
    components: {
      ...dataio(),
      hetero_feature_binning_0: reads('HeteroFeatureBinning', 'dataio_0.train'),
      hetero_feature_selection_0: {
        module: 'HeteroFeatureSelection',
        input: { data: { data: ['hetero_feature_binning_0.train'] }, isometric_model: ['hetero_feature_binning_0.m'] },
      },
    },
  };
  const d = dag(dsl);
  assert.equal(d.dependencies['hetero_feature_selection_0'], [
    { component_name: 'hetero_feature_binning_0', type: 'data' },
    { component_name: 'hetero_feature_binning_0', type: 'model' },
  ]);
  assert.is(d.components.find((c) => c.name === 'hetero_feature_selection_0')!.modelSource, undefined);
});

graph('given several roots and a fan-out, when ordered, then the stack pops the last pushed first (DSL order pushes)', () => {
  const dsl = {
    components: {
      ...dataio('dataio_0'),
      ...dataio('dataio_1'),
      intersection_0: reads('Intersection', 'dataio_0.train'),
      intersection_1: reads('Intersection', 'dataio_0.train'),
      union_0: reads('Union', 'intersection_0.train', 'intersection_1.train', 'dataio_1.train'),
    },
  };
  const d = dag(dsl);
  assert.equal(d.order, ['dataio_1', 'dataio_0', 'intersection_1', 'intersection_0', 'union_0']);
  assert.equal(d.upstreams['union_0'], ['dataio_1', 'intersection_0', 'intersection_1']);
});

graph('given the same DSL parsed twice, when ordered, then the order is identical (deterministic)', () => {
  assert.equal(dag(lrDsl()).order, dag(lrDsl()).order);
});

graph('given pipeline.X.y model references, when parsed, then another component X is a model upstream and self or unknown X add no edge', () => {
  const dsl = {
    components: {
      ...dataio(),
      hetero_lr_0: { module: 'HeteroLR', input: { data: { eval_data: ['dataio_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr'] } },
      hetero_lr_1: { module: 'HeteroLR', input: { data: { eval_data: ['dataio_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr', 'pipeline.gone_0.m'] } },
    },
  };
  const d = dag(dsl);
  assert.equal(d.upstreams['hetero_lr_0'], ['dataio_0']);
  assert.equal(d.dependencies['hetero_lr_1'], [
    { component_name: 'dataio_0', type: 'data' },
    { component_name: 'hetero_lr_0', type: 'model' },
  ]);
});

graph('given an inference DSL with a gap in indexes, when parsed in predict mode, then only the name format is checked', () => {
  const dsl = { components: { ...dataio('dataio_0'), hetero_lr_1: reads('HeteroLR', 'dataio_0.train') } };
  assert.ok(parseDsl(dsl, { mode: 'predict' }).ok);
  assert.not.ok(parseDsl(dsl).ok);
  assert.is(refusal({ components: { __proto__x: { module: 'DataIO' } } }, { mode: 'predict' }), "index of component's name should be integer start from 0");
});

graph('given need_deploy written in the DSL, when parsed, then it is kept (and must be a boolean)', () => {
  const dsl = lrDsl();
  dsl.components.evaluation_0.need_deploy = true;
  assert.is(dag(dsl).components.find((c) => c.name === 'evaluation_0')!.needDeploy, true);
  dsl.components.evaluation_0.need_deploy = 'yes';
  assert.ok(refusal(dsl).includes('need_deploy'));
});
graph.run();
