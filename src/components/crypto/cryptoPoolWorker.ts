// Worker thread body of cryptoPool: runs one named operation per message on a mini-batch and posts
// the result back with its byte buffers transferred.
import { parentPort } from 'node:worker_threads';
import { type PoolOpName, poolOps, transferablesOf } from './poolOps.js';

export interface PoolRequest {
  id: number;
  op: PoolOpName;
  args: unknown;
}

export type PoolReply = { id: number; result: unknown } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('cryptoPoolWorker must run in a worker thread');
port.on('message', ({ id, op, args }: PoolRequest) => {
  try {
    const result = (poolOps[op] as (a: unknown) => unknown)(args);
    port.postMessage({ id, result } satisfies PoolReply, transferablesOf(result));
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies PoolReply);
  }
});
