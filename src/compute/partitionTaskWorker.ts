// A partition task worker (partitionTasks.ts): imports its kernel once, then runs it on each
// partition it is dealt and posts the result back (typed arrays in it transferred), until told to end.
import { parentPort, workerData } from 'node:worker_threads';

export interface PartitionTaskSetup {
  readonly module: string;
  readonly name: string;
  readonly shared: unknown;
}

export type PartitionTaskOrder = { type: 'run'; partition: number; input: unknown } | { type: 'end' };

export type PartitionTaskMessage = { type: 'result'; partition: number; result: unknown } | { type: 'error'; message: string };

type Kernel = (partition: number, shared: unknown, input: unknown) => unknown;

const setup = workerData as PartitionTaskSetup;
const port = parentPort!;
const kernel: Promise<Kernel> = import(setup.module).then((m: Record<string, unknown>) => {
  const fn = m[setup.name];
  if (typeof fn !== 'function') throw new Error(`${setup.module} has no kernel ${setup.name}`);
  return fn as Kernel;
});
// An import that fails is reported once the first partition asks for it.
kernel.catch(() => {});

port.on('message', (order: PartitionTaskOrder) => {
  if (order.type === 'end') {
    port.close();
    return;
  }
  void kernel
    .then((fn) => fn(order.partition, setup.shared, order.input))
    .then(
      (result) => port.postMessage({ type: 'result', partition: order.partition, result } satisfies PartitionTaskMessage, transferablesOf(result)),
      (error: unknown) => port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies PartitionTaskMessage),
    );
});

function transferablesOf(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (v: unknown): void => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  };
  add(result);
  if (result && typeof result === 'object' && !ArrayBuffer.isView(result)) for (const v of Object.values(result)) add(v);
  return [...out];
}
