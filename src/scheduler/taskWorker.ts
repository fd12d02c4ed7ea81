// Worker-thread entry for component tasks: loads the task's input tables, runs the component with
// a tracker and a federation that forward to the main thread, writes the output table. One task at
// a time per worker; the worker is reused for the next task (warm pool).
import { parentPort } from 'node:worker_threads';
import type { ComponentContext, DataTable, Federation, Tracker } from '../components/contract.js';
import { COMPONENTS } from '../components/registry.js';
import { TableStore } from '../store/tables/tableStore.js';
import { writeTable } from '../store/tables/writeTable.js';
import type { FromWorker, TableInput, TaskOutput, TaskRequest, ToWorker } from './taskProtocol.js';

const port = parentPort!;
let abort = new AbortController();
let nextGetId = 1;
const pendingGets = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      abort = new AbortController();
      void runTask(message.request).then(
        (output) => send({ type: 'done', output }),
        (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    case 'got':
      pendingGets.get(message.id)?.resolve(message.payload);
      pendingGets.delete(message.id);
      return;
    case 'getFailed':
      pendingGets.get(message.id)?.reject(new Error(message.message));
      pendingGets.delete(message.id);
      return;
    case 'cancel':
      abort.abort(new Error('task stopped'));
      for (const p of pendingGets.values()) p.reject(new Error('task stopped'));
      pendingGets.clear();
      return;
  }
});

const tracker: Tracker = {
  logMetricData: (namespace, name, points) => send({ type: 'metricData', namespace, name, points }),
  setMetricMeta: (namespace, name, meta) => send({ type: 'metricMeta', namespace, name, meta }),
  setProgress: (percent) => send({ type: 'progress', percent }),
};

const federation: Federation = {
  remote: async (name, tag, payload, to) => send({ type: 'remote', name, tag, payload, to: [...to] }),
  get: (name, tag, from) =>
    new Promise((resolve, reject) => {
      if (abort.signal.aborted) return reject(new Error('task stopped'));
      const id = nextGetId++;
      pendingGets.set(id, { resolve, reject });
      send({ type: 'get', id, name, tag, from });
    }),
};

function loadTable(tables: TableStore, input: TableInput): DataTable {
  const rows: [string, unknown][] = [];
  for (const [k, v] of tables.read(input.location)) rows.push([k, input.format === 'raw' ? v : restoreNaN(JSON.parse(v))]);
  return { schema: input.schema, rows };
}

/** JSON has no NaN (a missing cell DataIO did not fill): stored as null, read back as NaN. */
function restoreNaN(value: unknown): unknown {
  const features = (value as { features?: unknown[] } | null)?.features;
  if (Array.isArray(features)) for (let i = 0; i < features.length; i++) if (features[i] === null) features[i] = NaN;
  return value;
}

async function runTask(request: TaskRequest): Promise<TaskOutput> {
  const component = COMPONENTS[request.module];
  if (!component) throw new Error(`module ${request.module} has no implementation in fedflow yet`);
  const tables = new TableStore(request.tablesDir);
  const data: Record<string, DataTable> = {};
  for (const [key, input] of Object.entries(request.inputs)) data[key] = loadTable(tables, input);
  const context: ComponentContext = { tracker, federation, signal: abort.signal };
  const output = await component(
    {
      jobId: request.jobId, taskId: request.taskId, componentName: request.componentName, module: request.module,
      role: request.role, partyId: request.partyId, roles: request.roles, params: request.params, data,
      ...(request.model ? { model: request.model } : {}), ...(request.isometricModel ? { isometricModel: request.isometricModel } : {}),
    },
    context,
  );
  abort.signal.throwIfAborted();
  let written: TaskOutput['data'];
  if (output.data) {
    const count = writeTable(tables, request.outputLocation, output.data.rows.map(([k, v]) => [k, JSON.stringify(v)] as const));
    written = { location: request.outputLocation, count, schema: output.data.schema };
  }
  return {
    ...(written ? { data: written } : {}),
    ...(output.model ? { model: output.model } : {}),
    ...(output.modelModule ? { modelModule: output.modelModule } : {}),
  };
}
