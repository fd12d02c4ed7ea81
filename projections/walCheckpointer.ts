// The views database is written by the node's main thread. SQLite checkpoints a WAL from the
// connection that commits, so every ~1000 pages a view commit copied 4 MB back into the database
// and fsynced it on the event loop: 3 to 30 ms during which /v1 queries waited. The node's
// connection stops checkpointing instead, and a worker thread with a connection of its own does it
// once a second (what stays on the event loop: a short sync of the WAL header when it is reused).
import { Worker } from 'node:worker_threads';
import type { Database as Db } from 'better-sqlite3';

const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export class WalCheckpointer {
  private constructor(
    private readonly db: Db,
    private readonly worker: Worker,
  ) {}

  /** Takes over checkpointing of `db` (a WAL database at `file`) until stop(). */
  static start(db: Db, file: string, intervalMs = 1000): WalCheckpointer {
    db.pragma('wal_autocheckpoint = 0');
    const worker = new Worker(new URL('./walCheckpointWorker.js', import.meta.url), { workerData: { file, intervalMs }, execArgv: [] });
    worker.unref();
    // If the worker dies, the connection checkpoints by itself again (the WAL must not grow forever).
    worker.once('error', () => db.open && db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`));
    return new WalCheckpointer(db, worker);
  }

  /** Ends the worker; the connection checkpoints by itself again. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Referenced while it ends: a caller awaiting stop() must not see the process exit first.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}
