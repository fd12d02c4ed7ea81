// A pool of warm worker threads for component tasks. Each running task owns one worker, so a
// stopped task can always be ended: first a cancel message (components check their signal), then,
// after a grace period, the worker is terminated and replaced.
import { Worker } from 'node:worker_threads';
import type { FromWorker, TaskOutput, TaskRequest, ToWorker } from './taskProtocol.js';

const ENTRY = new URL('./taskWorker.js', import.meta.url);

export interface TaskHooks {
  /** Every message but done/failed; `reply` posts back to the same worker. */
  onMessage(message: FromWorker, reply: (message: ToWorker) => void): void;
  signal: AbortSignal;
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private closed = false;

  constructor(
    private readonly options: { maxIdle: number; graceMs: number } = { maxIdle: 16, graceMs: 1000 },
  ) {}

  /** Starts `count` workers ahead of the first tasks (a worker takes ~30 ms to boot). */
  warm(count: number): void {
    while (this.idle.length < Math.min(count, this.options.maxIdle)) this.idle.push(this.spawn());
  }

  get running(): number {
    return this.busy.size;
  }

  run(request: TaskRequest, hooks: TaskHooks): Promise<TaskOutput> {
    if (this.closed) return Promise.reject(new Error('node is stopping'));
    const worker = this.idle.pop() ?? this.spawn();
    this.busy.add(worker);
    return new Promise<TaskOutput>((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      // Late answers (a federation get resolved after the task ended) go nowhere.
      const reply = (message: ToWorker) => {
        if (!settled) worker.postMessage(message);
      };
      const finish = (error: Error | undefined, output?: TaskOutput, reusable = true) => {
        if (settled) return;
        settled = true;
        clearTimeout(killTimer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        hooks.signal.removeEventListener('abort', onAbort);
        this.busy.delete(worker);
        if (reusable && !this.closed && this.idle.length < this.options.maxIdle) this.idle.push(worker);
        else void worker.terminate();
        if (error) reject(error);
        else resolve(output!);
      };
      const onMessage = (message: FromWorker) => {
        if (message.type === 'done') finish(undefined, message.output);
        else if (message.type === 'failed') finish(new Error(message.message), undefined, !hooks.signal.aborted);
        else hooks.onMessage(message, reply);
      };
      const onError = (error: Error) => finish(error, undefined, false);
      const onExit = (code: number) => finish(new Error(`task worker exited with code ${code}`), undefined, false);
      const onAbort = () => {
        reply({ type: 'cancel' });
        // A component stuck in a loop that never looks at its signal is ended the hard way.
        killTimer = setTimeout(() => finish(new Error('task stopped (worker terminated)'), undefined, false), this.options.graceMs);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      if (hooks.signal.aborted) onAbort();
      else hooks.signal.addEventListener('abort', onAbort, { once: true });
      reply({ type: 'run', request });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.idle.splice(0), ...this.busy].map((w) => w.terminate()));
    this.busy.clear();
  }

  private spawn(): Worker {
    const worker = new Worker(ENTRY);
    worker.unref();
    // A worker that dies while idle must not be handed out again.
    worker.once('exit', () => {
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return worker;
  }
}
