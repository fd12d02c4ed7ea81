// What a federated component is, independent of where it runs. A component is a function from its
// inputs to its outputs that talks to its peers only through `federation` and reports only through
// `tracker`. The runtime (src/scheduler) runs it in a worker thread and serves both interfaces:
// in process in standalone mode, over gRPC between nodes in cluster mode — components never know.
// Nothing here may import a framework; payloads must be structured-cloneable (v8.serialize-able:
// JSON values, bigint, typed arrays, Map/Set) because they cross thread and node boundaries.

import type { DataTable } from '../tableData/dataTable.js';
import type { PackedStrings } from '../tableData/packedIds.js';

export type { PartyRef } from '../domain/partyRef.js';
import type { PartyRef } from '../domain/partyRef.js';

export interface NamedTable {
  readonly name: string;
  readonly table: DataTable;
}

/** A component's model as JSON buffers keyed by FATE buffer name, e.g. {DataIOMeta: {...}, DataIOParam: {...}}. */
export type { ModelBuffers } from '../domain/model/modelBuffers.js';
import type { ModelBuffers } from '../domain/model/modelBuffers.js';

export interface ComponentInput {
  readonly jobId: string;
  readonly taskId: string;
  readonly componentName: string;
  readonly module: string;
  readonly role: string;
  readonly partyId: string;
  /** Every party of the job: role → party ids (strings), in conf order. */
  readonly roles: Readonly<Record<string, string[]>>;
  /** The merged parameter object (contents of `<ParamClass>`), e.g. {with_label: true, label_name: 'y', ...}. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Data inputs by DSL key: `data`, `train_data`, `eval_data` (first table of each). */
  readonly data: Readonly<Record<string, DataTable | undefined>>;
  /**
   * Every data input when the DSL gives the component more than one table (Union: `data: {data:
   * [a.data, b.data]}` or several keys), in DSL order, named as FATE names them for such
   * components: `<upstream>.<key>` (`dataio_0.data`, `args.data_0`).
   */
  readonly dataList?: readonly NamedTable[];
  /** `input.model`: the same module's model from upstream (predict / transform). */
  readonly model?: ModelBuffers;
  /** `input.isometric_model`: another module's model. */
  readonly isometricModel?: ModelBuffers;
  /** Streaming components only (Upload, Download): their table files, which they read or write themselves. */
  readonly tableFiles?: TableFiles;
}

/**
 * Where a streaming component finds its table files. Upload and Download move whole files row by
 * row in constant memory, so the runtime hands them locations instead of rows in memory.
 */
export interface TableFiles {
  readonly tablesDir: string;
  /** A new location for the table the component writes (Upload); it must not exist yet. */
  readonly writeTo?: string;
  /** Existing locations the component reads, by key: `table` (Download), `base` (the rows an Upload adds to). */
  readonly read: Readonly<Record<string, string>>;
}

/** A table a streaming component wrote itself at `tableFiles.writeTo`; the runtime records it. */
export interface WrittenTable {
  readonly location: string;
  /** Data lines read. */
  readonly countUpload: number;
  /** Rows in the table (with the base rows, duplicate keys counted once). */
  readonly countActual: number;
  /** With a header line (head=1): its first name (the id column) and the others joined with ','. */
  readonly sid?: string;
  readonly header?: string;
}

export interface ComponentOutput {
  /** The first output data table (output.data[0]), if the component produces one. */
  readonly data?: DataTable;
  /** The output model (output.model[0]): buffers as JSON in FATE's proto field names (camelCase). */
  readonly model?: ModelBuffers;
  /** Name of the model's module for /output/model meta, e.g. 'HeteroLR'. Defaults to the module. */
  readonly modelModule?: string;
  /** Streaming components: the table written at `tableFiles.writeTo` (not in memory, unlike `data`). */
  readonly writtenTable?: WrittenTable;
}

export type MetricPoint = [key: string | number, value: string | number | boolean | null];

export interface Tracker {
  /** Appends data points to a metric series (metric/all shows them sorted by key). */
  logMetricData(namespace: string, name: string, points: MetricPoint[]): void;
  /** Sets meta items of a metric series (name and metric_type always; later keys win). */
  setMetricMeta(namespace: string, name: string, meta: Record<string, unknown>): void;
  /** 0..100 for this task. */
  setProgress(percent: number): void;
}

/** FATE's federation: objects addressed by (name, tag, source party, destination party). */
export interface Federation {
  /** Sends `payload` to each party in `to` under (name, tag). Resolves once handed to the transport. */
  remote(name: string, tag: string, payload: unknown, to: readonly PartyRef[]): Promise<void>;
  /** Receives the object a party sent under (name, tag); waits until it arrives or the task is canceled. */
  get(name: string, tag: string, from: PartyRef): Promise<unknown>;
  /**
   * Optional (a task worker's federation has it): as `get`, but a long list of strings that crossed
   * threads packed (packedIds.ts) is handed over packed, for components that read ids in place.
   */
  getPacked?(name: string, tag: string, from: PartyRef): Promise<unknown>;
  /**
   * Optional (a task worker's federation has it): sends the list of strings a packed form stands for
   * (packedIds.ts), as `remote` of that list; a sender that has its ids joined already skips a join.
   */
  remotePacked?(name: string, tag: string, ids: PackedStrings, to: readonly PartyRef[]): Promise<void>;
}

export interface ComponentContext {
  readonly tracker: Tracker;
  readonly federation: Federation;
  /** Aborted when the task is stopped: long loops must check it (signal.throwIfAborted()). */
  readonly signal: AbortSignal;
  /**
   * Worker threads this task may run its partitions on (compute/partitionTasks.ts): the node's
   * rule (scheduler/partitionWorkers.ts: the cores over this component's parties on the node, or
   * the configured count). Absent or 1: the task's own thread only.
   */
  readonly partitionWorkers?: number;
}

export type Component = (input: ComponentInput, context: ComponentContext) => Promise<ComponentOutput>;
