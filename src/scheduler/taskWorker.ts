// Worker-thread entry for component tasks: loads each task's input tables, runs the component with
// a tracker and a federation that forward to the main thread, writes the output table. A worker is
// reused (warm pool) and runs the tasks of one job at a time, possibly several at once (the parties
// of a component wait on each other through the federation, so they interleave at its awaits).
import { parentPort } from 'node:worker_threads';
import type { ComponentContext, ComponentOutput, Federation, NamedTable, PartyRef, Tracker } from '../components/contract.js';
import type { DataTable } from '../tableData/dataTable.js';
import { markConsumable, rowCountOf } from '../tableData/columns.js';
import { rawLinesIfAny } from '../tableData/rawLines.js';
import { flushPaillierStats } from '../components/crypto/cryptoStats.js';
import { COMPONENTS } from '../components/registry.js';
import { TableStore } from '../store/tables/tableStore.js';
import { releasePartitionScratch } from '../store/tables/columnarTable.js';
import { loadTaskInput, writeTaskOutput } from './taskTables.js';
import { RecentOutputs } from './recentOutputs.js';
import { UploadedRows } from './uploadedRows.js';
import { lowerThisThreadPriority } from './threadPriority.js';
import { collectGarbage, COLLECT_AFTER_ROWS } from './collectGarbage.js';
import { packPayload, transferablesOf, unpackPayload } from './packedPayload.js';
import type { FromWorker, FromWorkerEnvelope, TableInput, TaskOutput, TaskRequest, ToWorkerEnvelope } from './taskProtocol.js';

const port = parentPort!;
lowerThisThreadPriority();

interface TaskState {
  readonly abort: AbortController;
  /** `packed`: a packed list is handed over as it came (the component reads it in place). */
  readonly pendingGets: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; packed?: boolean }>;
  nextGetId: number;
  /** It loaded or wrote a table of COLLECT_AFTER_ROWS rows or more. */
  big?: boolean;
}

const tasks = new Map<number, TaskState>();
/** This worker's last output tables, so the job's next task here need not read and parse them back. */
const recent = new RecentOutputs();
/** Small uploaded tables this worker read lately (jobs read the same uploads again and again). */
const uploaded = new UploadedRows();

port.on('message', ({ task, message }: ToWorkerEnvelope) => {
  const state = tasks.get(task);
  switch (message.type) {
    case 'run': {
      const fresh: TaskState = { abort: new AbortController(), pendingGets: new Map(), nextGetId: 1 };
      tasks.set(task, fresh);
      void runTask(task, fresh, message.request)
        .then(
          (output) => (flushPaillierStats(), send(task, { type: 'done', output })),
          (error: unknown) => (flushPaillierStats(), send(task, { type: 'failed', message: error instanceof Error ? error.message : String(error) })),
        )
        .finally(() => {
          tasks.delete(task);
          // Idle: the partition read buffer goes too (it is as big as a wide table's partition file).
          if (tasks.size === 0) releasePartitionScratch();
          // Idle after a big task: its dead tables are freed now, not when this worker next allocates.
          if (fresh.big && tasks.size === 0) collectGarbage();
        });
      return;
    }
    case 'got': {
      const pending = state?.pendingGets.get(message.id);
      state?.pendingGets.delete(message.id);
      if (!pending) return;
      // A payload that only looks packed (another party can send any shape) fails this get, not the worker.
      let payload: unknown;
      try {
        payload = unpackPayload(message.payload, pending.packed === true);
      } catch (error) {
        pending.reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      pending.resolve(payload);
      return;
    }
    case 'getFailed':
      state?.pendingGets.get(message.id)?.reject(new Error(message.message));
      state?.pendingGets.delete(message.id);
      return;
    case 'cancel':
      if (!state) return;
      state.abort.abort(new Error('task stopped'));
      for (const p of state.pendingGets.values()) p.reject(new Error('task stopped'));
      state.pendingGets.clear();
      return;
  }
});

/** `transfer`: buffers of the message handed over, not copied (packed doubles made for this send). */
function send(task: number, message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage({ task, message } satisfies FromWorkerEnvelope, transfer);
}

function trackerOf(task: number): Tracker {
  return {
    logMetricData: (namespace, name, points) => send(task, { type: 'metricData', namespace, name, points }),
    setMetricMeta: (namespace, name, meta) => send(task, { type: 'metricMeta', namespace, name, meta }),
    setProgress: (percent) => send(task, { type: 'progress', percent }),
  };
}

function federationOf(task: number, state: TaskState): Federation {
  return {
    // A long list of strings crosses to the main thread packed (packedPayload.ts), a clone of one string.
    // A long list of numbers crosses as doubles, its buffer moved to the main thread, not copied.
    remote: async (name, tag, payload, to) => {
      const packed = packPayload(payload);
      send(task, { type: 'remote', name, tag, payload: packed, to: [...to] }, transferablesOf(packed));
    },
    // Already packed by the component (packedIds.ts): crosses as it is, like a list packPayload packed.
    remotePacked: async (name, tag, ids, to) => send(task, { type: 'remote', name, tag, payload: ids, to: [...to] }),
    get: (name, tag, from) => getFrom(task, state, name, tag, from, false),
    getPacked: (name, tag, from) => getFrom(task, state, name, tag, from, true),
  };
}

function getFrom(task: number, state: TaskState, name: string, tag: string, from: PartyRef, packed: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (state.abort.signal.aborted) return reject(new Error('task stopped'));
    const id = state.nextGetId++;
    state.pendingGets.set(id, { resolve, reject, packed });
    send(task, { type: 'get', id, name, tag, from });
  });
}

/** One TableStore per directory (its constructor makes sure the directory exists: once is enough). */
const stores = new Map<string, TableStore>();
function tableStoreOf(dir: string): TableStore {
  let store = stores.get(dir);
  if (!store) stores.set(dir, (store = new TableStore(dir)));
  return store;
}

/** FATE's pass_data: the first input table, unchanged, or nothing. */
function passData(data: Record<string, DataTable>): ComponentOutput {
  const first = data.data ?? data.train_data ?? data.eval_data ?? Object.values(data)[0];
  return first ? { data: first } : {};
}

/**
 * A loaded table's row count without building its rows: its columns', its upload lines', or its
 * rows' when they are already built (a getter that would build them is not called: 0).
 */
function rowCount(table: DataTable): number {
  if (table.columns) return rowCountOf(table.columns);
  const raw = rawLinesIfAny(table);
  if (raw) return raw.keys.length;
  const rows = Object.getOwnPropertyDescriptor(table, 'rows')?.value as unknown[] | undefined;
  return Array.isArray(rows) ? rows.length : 0;
}

/** One turn of the event loop: messages that arrived during synchronous work (a stop) are handled. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function runTask(task: number, state: TaskState, request: TaskRequest): Promise<TaskOutput> {
  const component = COMPONENTS[request.module];
  if (!component) throw new Error(`module ${request.module} has no implementation in fedflow yet`);
  const tables = tableStoreOf(request.tablesDir);
  const data: Record<string, DataTable> = {};
  // Streaming components read and write their table files themselves: nothing is loaded for them.
  let dataList: NamedTable[] | undefined;
  if (!request.tableFiles) {
    // A table named twice (a key's first table is also in the list) is loaded once.
    const loaded = new Map<string, DataTable>();
    const load = (input: TableInput) => {
      let table = loaded.get(input.location);
      if (!table) loaded.set(input.location, (table = loadTaskInput(tables, input, recent, uploaded)));
      return table;
    };
    for (const [key, input] of Object.entries(request.inputs)) data[key] = load(input);
    if (request.inputList) dataList = request.inputList.map(({ name, input }) => ({ name, table: load(input) }));
    // A table loaded for one input name only is this task's alone (dropped below once the component
    // returns): the component may reuse its columns' memory (columns.ts, consumableColumns).
    const names = [...Object.values(request.inputs), ...(request.inputList ?? []).map((i) => i.input)];
    for (const [location, table] of loaded) if (names.filter((i) => i.location === location).length === 1) markConsumable(table);
    for (const table of loaded.values()) if (rowCount(table) >= COLLECT_AFTER_ROWS) state.big = true;
  }
  // Loading a big table and a component's synchronous work keep this thread from reading its
  // messages: a stop (or a job timeout) sent meanwhile is only seen here, at the next yield. Yielding
  // after the load and after the component, before the checks, makes a stopped task end stopped
  // instead of running on or reporting success after it was asked to stop.
  await yieldToMessages();
  state.abort.signal.throwIfAborted();
  const context: ComponentContext = {
    tracker: trackerOf(task), federation: federationOf(task, state), signal: state.abort.signal,
    ...(request.partitionWorkers !== undefined ? { partitionWorkers: request.partitionWorkers } : {}),
  };
  // need_run false (FATE's ComponentProperties → ModelBase.pass_data): the party's task runs, does
  // nothing and hands its first input table downstream, so a later component still gets its data.
  const output = request.params.need_run === false && !request.tableFiles
    ? passData(data)
    : await component(
    {
      jobId: request.jobId, taskId: request.taskId, componentName: request.componentName, module: request.module,
      role: request.role, partyId: request.partyId, roles: request.roles, params: request.params, data, ...(dataList ? { dataList } : {}),
      ...(request.model ? { model: request.model } : {}), ...(request.isometricModel ? { isometricModel: request.isometricModel } : {}),
      ...(request.tableFiles ? { tableFiles: request.tableFiles } : {}),
    },
    context,
  );
  // The inputs go before the output is written (issue 17: a worker's peak memory): writing a big
  // table allocates its file's bytes, and the input tables (hundreds of MB at a million rows) are
  // garbage by then unless this frame still holds them. An output that is an input keeps its own.
  for (const key of Object.keys(data)) delete data[key];
  if (dataList) dataList.length = 0;
  // The inputs' memory (a big upload's line bytes: 1.4 GB at 10M rows × 20 features) goes before the
  // output is written, not at some later collection; their last reference was dropped just above.
  if (state.big) collectGarbage();
  await yieldToMessages();
  state.abort.signal.throwIfAborted();
  let written: TaskOutput['data'];
  if (output.data) {
    const count = await writeTaskOutput(tables, request.outputLocation, output.data, recent);
    if (count >= COLLECT_AFTER_ROWS) state.big = true;
    written = { location: request.outputLocation, count, schema: output.data.schema };
  }
  return {
    ...(written ? { data: written } : {}),
    ...(output.model ? { model: output.model } : {}),
    ...(output.modelModule ? { modelModule: output.modelModule } : {}),
    ...(output.writtenTable ? { writtenTable: output.writtenTable } : {}),
  };
}
