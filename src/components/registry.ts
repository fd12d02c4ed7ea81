// Federated components by FATE module name (the DSL's `module`), for the runtime to dispatch on.
import type { Component } from './contract.js';
import { dataIO } from './dataio/dataIO.js';
import { download } from './download/download.js';
import { evaluation } from './evaluation/evaluation.js';
import { featureScale } from './featureScale/featureScale.js';
import { heteroFeatureBinning } from './featureBinning/featureBinning.js';
import { heteroFeatureSelection } from './featureSelection/featureSelection.js';
import { federatedSample } from './federatedSample/federatedSample.js';
import { heteroLinR, heteroPoisson } from './heteroGLM/heteroGLM.js';
import { heteroLR } from './heteroLR/heteroLR.js';
import { homoLR } from './homoLR/homoLR.js';
import { heteroSecureBoost } from './heteroSecureBoost/heteroSecureBoost.js';
import { intersection } from './intersection/intersection.js';
import { localBaseline } from './localBaseline/localBaseline.js';
import { oneHotEncoder } from './oneHotEncoder/oneHotEncoder.js';
import { union } from './union/union.js';
import { upload } from './upload/upload.js';

// No prototype: a module named like an Object member ("constructor") must find nothing.
export const components: Readonly<Record<string, Component>> = Object.freeze(Object.assign(Object.create(null) as Record<string, Component>, {
  DataIO: dataIO,
  Intersection: intersection,
  Evaluation: evaluation,
  FeatureScale: featureScale,
  LocalBaseline: localBaseline,
  HeteroLR: heteroLR,
  HeteroLinR: heteroLinR,
  HeteroPoisson: heteroPoisson,
  HomoLR: homoLR,
  HeteroSecureBoost: heteroSecureBoost,
  HeteroFeatureBinning: heteroFeatureBinning,
  HeteroFeatureSelection: heteroFeatureSelection,
  Upload: upload,
  Download: download,
  Union: union,
  OneHotEncoder: oneHotEncoder,
  FederatedSample: federatedSample,
}));

/** The same table under the name the runtime imports. */
export const COMPONENTS = components;
