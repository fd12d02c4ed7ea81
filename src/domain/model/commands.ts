import type { PipelineModelSavedData } from './events.js';

export type PipelineModelCommand = { type: 'SavePipelineModel'; data: PipelineModelSavedData };
