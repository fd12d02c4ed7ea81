// Every view of a node, in one list: the runner applies them all, rebuild drops them all.
import { dataViewProjection } from './dataView/projection.js';
import { jobsProjection } from './jobs/projection.js';
import { modelPublishProjection } from './modelPublish/projection.js';
import { pipelineModelsProjection } from './models/projection.js';
import { outputsProjection } from './outputs/projection.js';
import { permissionsProjection } from './permissions/projection.js';
import type { Projection } from './rowOps.js';
import { tablesProjection } from './tables/projection.js';
import { tasksProjection } from './tasks/projection.js';
import { trackingProjection } from './tracking/projection.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  jobsProjection,
  tasksProjection,
  dataViewProjection,
  trackingProjection,
  tablesProjection,
  outputsProjection,
  modelPublishProjection,
  pipelineModelsProjection,
  permissionsProjection,
];
