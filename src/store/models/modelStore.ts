// The party's model blobs (<dataDir>/models.sqlite): the protobuf bytes of each buffer of each
// pipeline model, keyed by (party model id, model_version, buffer key). Written before the
// PipelineModelSaved event and never changed afterwards: a put of other bytes under a stored key
// is refused; the same bytes again (a save retried after a crash) is a no-op.
// A durable put waits for fsync (milliseconds; every training job saves one model per party), so
// for a file it runs on a writer thread (modelWriterWorker.ts) and the event loop stays free for
// /v1 queries; reads use this thread's connection (WAL: they never wait for the writer).
import { Worker } from 'node:worker_threads';
import type { Database as Db } from 'better-sqlite3';
import { ModelConflictError, openModelsDatabase, putBlobs, type BlobToStore, type PutOutcome } from './modelBlobs.js';

export { ModelConflictError, type BlobToStore } from './modelBlobs.js';

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
}

export class ModelStore {
  private readonly db: Db;
  private readonly writer: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  /** Puts not answered yet, for close. */
  private readonly pending = new Set<Promise<void>>();
  private nextPut = 1;
  private closed = false;

  /** `path` = ':memory:' for tests and memory-backed nodes (puts then run on this thread). */
  constructor(path: string) {
    this.db = openModelsDatabase(path);
    if (path === ':memory:') return;
    this.writer = new Worker(new URL('./modelWriterWorker.js', import.meta.url), { workerData: { path }, execArgv: [] });
    this.writer.unref();
    this.writer.on('message', ({ id, outcome }: { id: number; outcome: PutOutcome }) => this.settle(id, outcome));
    this.writer.on('error', (error) => this.failAll(error));
    this.writer.on('exit', (code) => this.failAll(new Error(`model store writer exited (${code})`)));
  }

  /** Stores every buffer of a model atomically (all or none); resolves once durable. */
  put(partyModelId: string, modelVersion: string, blobs: readonly BlobToStore[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('model store is closed'));
    if (!this.writer) return settled(putBlobs(this.db, partyModelId, modelVersion, blobs));
    const id = this.nextPut++;
    const put = new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.writer!.ref();
      this.writer!.postMessage({ id, partyModelId, modelVersion, blobs });
    });
    const tracked = put.then(() => undefined, () => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return put;
  }

  /** Every stored buffer of a model: key → { sha256, bytes } (empty when none). */
  get(partyModelId: string, modelVersion: string): Map<string, { sha256: string; bytes: Uint8Array }> {
    const rows = this.db
      .prepare('SELECT buffer_key, sha256, bytes FROM model_buffer WHERE party_model_id = ? AND model_version = ? ORDER BY buffer_key')
      .all(partyModelId, modelVersion) as { buffer_key: string; sha256: string; bytes: Buffer }[];
    return new Map(rows.map((r) => [r.buffer_key, { sha256: r.sha256, bytes: new Uint8Array(r.bytes) }]));
  }

  /** Waits for the puts already asked, then closes. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pending);
    if (this.writer) {
      this.writer.removeAllListeners('exit');
      await this.writer.terminate();
    }
    this.db.close();
  }

  private settle(id: number, outcome: PutOutcome): void {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.writer?.unref();
    if (!waiting) return;
    if ('ok' in outcome) waiting.resolve();
    else waiting.reject('conflict' in outcome ? new ModelConflictError(outcome.conflict) : new Error(outcome.failure));
  }

  private failAll(error: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(error);
  }
}

function settled(outcome: PutOutcome): Promise<void> {
  if ('ok' in outcome) return Promise.resolve();
  return Promise.reject('conflict' in outcome ? new ModelConflictError(outcome.conflict) : new Error(outcome.failure));
}
