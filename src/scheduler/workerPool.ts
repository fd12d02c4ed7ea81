// A pool of warm worker threads for component tasks. The tasks of one job share a worker (its
// `affinity`): the job's parties run side by side in it (they wait on each other through the
// federation) and its components find their upstream's output still in memory. Light tasks
// (`shared`) of different jobs also share: at most `maxShared` workers (one per core by default)
// take them all, because every extra worker is another V8 isolate that compiles the same component
// code again — with 5 light jobs in flight on 2 cores, 2 shared workers instead of 5 cut the node's
// CPU per job by ~8% and its first jobs' by ~20% (bench:scheduler). Crypto-heavy tasks keep a
// worker each, so their parties compute in parallel.
// A stopped task can always be ended: first a cancel message (components check their signal), then,
// after a grace period, its worker is terminated and replaced. In a worker shared with other jobs'
// tasks the stopped task ends at once but the worker lives until those tasks are done (see
// endStopped), and is terminated only if the stuck task still holds it much later; then they fail
// with a reason that says so.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, FromWorkerEnvelope, TaskOutput, TaskRequest, ToWorker, ToWorkerEnvelope } from './taskProtocol.js';
import { cryptoStatsBuffer } from '../components/crypto/cryptoStats.js';

const ENTRY = new URL('./taskWorker.js', import.meta.url);

export interface RunHooks {
  /** Every message but done/failed; `reply` posts back to the same task. */
  onMessage(message: FromWorker, reply: (message: ToWorker) => void): void;
  signal: AbortSignal;
  /** Tasks with the same affinity (a job id) run in the same worker. */
  affinity?: string;
  /** A light task: its worker may also run other affinities' light tasks. */
  shared?: boolean;
}

/** What a task that lost its worker to another job's stop is told. */
export const WORKER_TERMINATED_FOR_ANOTHER_TASK = 'task worker terminated to end a stopped task of another job that ignored its stop';

/** A shared worker remembers this many affinities (its latest jobs); older ones go elsewhere next time. */
const MAX_AFFINITIES = 64;

interface RunningTask {
  readonly affinity: string | undefined;
  settle(error: Error | undefined, output?: TaskOutput): void;
  onMessage(message: FromWorker): void;
}

interface PooledWorker {
  readonly worker: Worker;
  readonly tasks: Map<number, RunningTask>;
  /** The jobs whose next tasks come here, oldest first. */
  affinities: Set<string>;
  /** Takes light tasks of any job (one of at most maxShared). */
  shared: boolean;
  /** Terminated or exited: never handed out again. */
  dead: boolean;
  /** A task of it was stopped: whatever it left behind ends with the worker once it is idle. */
  retire: boolean;
}

export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private nextTask = 1;
  private closed = false;

  private readonly options: { maxIdle: number; graceMs: number; stuckMs: number; maxShared: number };
  private readonly onWorkerLost: (reason: string, tasks: number) => void;

  /**
   * graceMs: how long a stopped task has to end by itself; stuckMs: how long after that a stopped
   * task that did not end may still hold a worker other jobs' tasks share. onWorkerLost: told
   * when a worker dies by itself (an error thrown outside a task, running out of heap, exit), with
   * the reason its tasks fail with, so the node's log says why (issue 17: a big job's silent end).
   */
  constructor(options: {
    maxIdle?: number; graceMs?: number; stuckMs?: number; maxShared?: number;
    onWorkerLost?: (reason: string, tasks: number) => void;
  } = {}) {
    const graceMs = options.graceMs ?? 1000;
    this.onWorkerLost = options.onWorkerLost ?? (() => {});
    this.options = {
      maxIdle: options.maxIdle ?? Math.max(8, availableParallelism()),
      graceMs,
      stuckMs: options.stuckMs ?? 10 * graceMs,
      maxShared: Math.max(1, options.maxShared ?? availableParallelism()),
    };
  }

  /** Live workers, busy or idle. */
  get size(): number {
    let n = 0;
    for (const w of this.workers) if (!w.dead) n++;
    return n;
  }

  /** Tasks running now. */
  get running(): number {
    let n = 0;
    for (const w of this.workers) n += w.tasks.size;
    return n;
  }

  run(request: TaskRequest, hooks: RunHooks): Promise<TaskOutput> {
    if (this.closed) return Promise.reject(new Error('node is stopping'));
    const pooled = this.pick(hooks.affinity, hooks.shared === true);
    const task = this.nextTask++;
    return new Promise<TaskOutput>((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      // Late answers (a federation get resolved after the task ended) go nowhere.
      const reply = (message: ToWorker) => {
        if (!settled && !pooled.dead) pooled.worker.postMessage({ task, message } satisfies ToWorkerEnvelope);
      };
      const onAbort = () => {
        reply({ type: 'cancel' });
        // A component that does not answer its signal in time (a long synchronous stretch, or a
        // loop that never looks) is ended the hard way.
        killTimer = setTimeout(() => this.endStopped(pooled, task, hooks.affinity), this.options.graceMs);
      };
      pooled.tasks.set(task, {
        affinity: hooks.affinity,
        settle: (error, output) => {
          if (settled) return;
          settled = true;
          clearTimeout(killTimer);
          hooks.signal.removeEventListener('abort', onAbort);
          pooled.tasks.delete(task);
          if (error && hooks.signal.aborted) pooled.retire = true;
          this.release(pooled);
          if (error) reject(error);
          else resolve(output!);
        },
        onMessage: (message) => hooks.onMessage(message, reply),
      });
      // The run goes first: a cancel that reached the worker before its task would find nothing to stop.
      reply({ type: 'run', request });
      if (hooks.signal.aborted) onAbort();
      else hooks.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.workers];
    this.workers.clear();
    await Promise.all(all.map((w) => {
      w.dead = true;
      return w.worker.terminate();
    }));
  }

  /**
   * The worker of this affinity; else, for a shared task when maxShared workers take shared tasks
   * already, the least busy of them; else an idle one (the longest idle first), else a new one.
   */
  private pick(affinity: string | undefined, shared: boolean): PooledWorker {
    const live = [...this.workers].filter((w) => !w.dead && !w.retire);
    if (affinity !== undefined) {
      for (const w of live) if (w.affinities.has(affinity)) return w;
    }
    if (shared && affinity !== undefined) {
      const sharing = live.filter((w) => w.shared);
      if (sharing.length >= this.options.maxShared) {
        const least = sharing.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
        least.affinities.add(affinity);
        if (least.affinities.size > MAX_AFFINITIES) least.affinities.delete(least.affinities.values().next().value!);
        return least;
      }
    }
    const chosen = this.idle()[0] ?? this.spawn();
    chosen.affinities = new Set(affinity === undefined ? [] : [affinity]);
    chosen.shared = shared && affinity !== undefined;
    // Most recently given out last, so idle()[0] is the one idle longest (its job most likely over).
    this.workers.delete(chosen);
    this.workers.add(chosen);
    return chosen;
  }

  private idle(): PooledWorker[] {
    return [...this.workers].filter((w) => !w.dead && !w.retire && w.tasks.size === 0);
  }

  /** After a task ended: too many idle workers are ended (the longest idle first). */
  private release(pooled: PooledWorker): void {
    if (pooled.dead || pooled.tasks.size > 0) return;
    if (this.closed || pooled.retire) return this.kill(pooled);
    const idle = this.idle();
    for (const extra of idle.slice(0, Math.max(0, idle.length - this.options.maxIdle))) this.kill(extra);
  }

  /**
   * A stopped task did not end within the grace period. Alone in its worker (or with its own job's
   * tasks) the worker is terminated. Sharing it with other jobs' tasks, it ends now and the worker
   * takes nothing new: it is terminated once those tasks are done (they run again when the stuck
   * stretch yields), or after stuckMs, whichever comes first.
   */
  private endStopped(pooled: PooledWorker, task: number, affinity: string | undefined): void {
    const stopped = pooled.tasks.get(task);
    if (!stopped) return;
    const others = [...pooled.tasks.values()].some((t) => t.affinity !== affinity);
    if (!others) return this.kill(pooled, 'task stopped (worker terminated)');
    pooled.retire = true;
    stopped.settle(new Error('task stopped (its worker ends once the other jobs\' tasks in it have)'));
    setTimeout(() => {
      if (!pooled.dead) this.kill(pooled, 'task worker ended', affinity);
    }, this.options.stuckMs).unref();
  }

  /**
   * Terminates a worker; its tasks fail with `reason`, except those of other affinities than
   * `stopped` (the one whose stop asked for it), which are told why they lost their worker.
   */
  private kill(pooled: PooledWorker, reason = 'task worker ended', stopped?: string): void {
    if (!pooled.dead) {
      pooled.dead = true;
      this.workers.delete(pooled);
      void pooled.worker.terminate();
    }
    for (const t of [...pooled.tasks.values()]) {
      const collateral = stopped !== undefined && t.affinity !== stopped;
      t.settle(new Error(collateral ? WORKER_TERMINATED_FOR_ANOTHER_TASK : reason));
    }
  }

  private spawn(): PooledWorker {
    // The crypto counters of /metrics are shared with the worker (cryptoStats.ts).
    const worker = new Worker(ENTRY, { workerData: { cryptoStats: cryptoStatsBuffer() } });
    worker.unref();
    const pooled: PooledWorker = { worker, tasks: new Map(), affinities: new Set(), shared: false, dead: false, retire: false };
    worker.on('message', ({ task, message }: FromWorkerEnvelope) => {
      const running = pooled.tasks.get(task);
      if (!running) return;
      if (message.type === 'done') running.settle(undefined, message.output);
      else if (message.type === 'failed') running.settle(new Error(message.message));
      else running.onMessage(message);
    });
    // Not after terminate() (pooled.dead): then the pool ended the worker itself.
    const lost = (reason: string) => {
      if (!pooled.dead) this.onWorkerLost(reason, pooled.tasks.size);
      this.kill(pooled, reason);
    };
    worker.once('error', (error) => {
      const code = (error as { code?: string }).code;
      lost(`task worker failed: ${code ? `${code} ` : ''}${error.message}`);
    });
    worker.once('exit', (code) => lost(`task worker exited with code ${code}`));
    this.workers.add(pooled);
    return pooled;
  }
}
