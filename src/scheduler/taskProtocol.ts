// Messages between the node's main thread and a task worker thread.
import type { MetricPoint, ModelBuffers, PartyRef, TableFiles, WrittenTable } from '../components/contract.js';
import type { Schema } from '../tableData/dataTable.js';

/** How an input table is stored: `raw` = an uploaded CSV (value = rest of line), `json` = component output. */
export interface TableInput {
  readonly location: string;
  readonly format: 'raw' | 'json';
  readonly schema: Schema;
}

export interface TaskRequest {
  readonly tablesDir: string;
  readonly jobId: string;
  readonly taskId: string;
  readonly componentName: string;
  readonly module: string;
  readonly role: string;
  readonly partyId: string;
  readonly roles: Record<string, string[]>;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, TableInput>;
  /** Every input table, named `<upstream>.<key>`, when the component has more than one (ComponentInput.dataList). */
  readonly inputList?: { readonly name: string; readonly input: TableInput }[];
  readonly model?: ModelBuffers;
  readonly isometricModel?: ModelBuffers;
  /** Where the first output data table is written, if the component returns one. */
  readonly outputLocation: string;
  /** Streaming components (Upload, Download): their table files; `inputs` are then not loaded. */
  readonly tableFiles?: TableFiles;
  /** Worker threads the task may run its partitions on (partitionWorkers.ts; ComponentContext.partitionWorkers). */
  readonly partitionWorkers?: number;
}

export interface TaskOutput {
  readonly data?: { location: string; count: number; schema: Schema };
  readonly model?: ModelBuffers;
  readonly modelModule?: string;
  /** A streaming component's table, written by the component itself (the runtime records it). */
  readonly writtenTable?: WrittenTable;
}

/** Tasks of one job share a worker (see WorkerPool): every message names its task. */
export interface ToWorkerEnvelope {
  readonly task: number;
  readonly message: ToWorker;
}

export interface FromWorkerEnvelope {
  readonly task: number;
  readonly message: FromWorker;
}

export type ToWorker =
  | { type: 'run'; request: TaskRequest }
  | { type: 'got'; id: number; payload: unknown }
  | { type: 'getFailed'; id: number; message: string }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'metricData'; namespace: string; name: string; points: MetricPoint[] }
  | { type: 'metricMeta'; namespace: string; name: string; meta: Record<string, unknown> }
  | { type: 'progress'; percent: number }
  | { type: 'remote'; name: string; tag: string; payload: unknown; to: PartyRef[] }
  | { type: 'get'; id: number; name: string; tag: string; from: PartyRef }
  | { type: 'done'; output: TaskOutput }
  | { type: 'failed'; message: string };
