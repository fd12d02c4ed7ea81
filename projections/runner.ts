// Applies projections to the view database. Each batch of events and the checkpoint commit in one
// transaction, so after a crash the views resume exactly where they stopped (idempotent: an event
// at or below the checkpoint is skipped). `rebuild` drops every view and replays the whole log.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '../src/store/eventStore.js';
import type { Cell, Projection, Row, RowOp } from './rowOps.js';

const PAGE = 2000;
/** Most events applied in one event-loop turn while following the log. */
const LIVE_BATCH = 256;

export function openViewDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Views can always be rebuilt from the log, so they need no fsync per commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

interface Waiter {
  position: bigint;
  resolve: () => void;
}

export class ProjectionRunner {
  private readonly statements = new Map<string, Statement>();
  private checkpoint = 0n;
  private subscription: Subscription | undefined;
  private waiters: Waiter[] = [];
  private failure: unknown;
  private readonly listeners = new Set<(events: readonly RecordedEvent[]) => void>();

  constructor(
    readonly db: Db,
    private readonly projections: readonly Projection[],
    private readonly store: EventStore,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS projection_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    if (this.readState('schema') !== this.schemaHash()) this.resetViews();
    this.checkpoint = BigInt(this.readState('checkpoint') ?? '0');
  }

  /** Position of the last event applied to the views. */
  get position(): bigint {
    return this.checkpoint;
  }

  /** Catches up with the log in pages, then follows it live. */
  async start(): Promise<void> {
    await this.catchUp();
    // Live events are applied in batches (one transaction per event-loop turn, not per event), of
    // at most LIVE_BATCH events: a burst is applied in pieces so that queries answer in between.
    let buffer: RecordedEvent[] = [];
    const applyBuffered = () => {
      if (this.failure) return;
      const batch = buffer.length > LIVE_BATCH ? buffer.splice(0, LIVE_BATCH) : buffer;
      if (batch === buffer) buffer = [];
      else setImmediate(applyBuffered);
      try {
        this.applyBatch(batch);
      } catch (error) {
        // Stop following: skipping the failed events would leave the views silently wrong.
        this.failure = error;
        this.onError(error);
        void this.subscription?.unsubscribe();
      }
    };
    this.subscription = this.store.subscribeToAll((event) => {
      if (buffer.push(event) === 1) setImmediate(applyBuffered);
    }, {
      fromPosition: this.checkpoint,
      onError: (error) => {
        this.failure = error;
        this.onError(error);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /**
   * Process managers follow the log through the views: they see each event once it is applied, so
   * whatever they query about it is already there, and the log is read and parsed once, not once
   * per follower. Returns the way to stop following.
   */
  onApplied(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Read-your-writes: resolves once the views include the event at `position`. */
  waitFor(position: bigint, timeoutMs = 15_000): Promise<void> {
    if (this.checkpoint >= position) return Promise.resolve();
    if (this.failure) return Promise.reject(new Error(`views are stopped: ${String(this.failure)}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`views did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { position, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(waiter);
    });
  }

  /** Drops every view and replays the whole log. Call with the runner stopped. */
  async rebuild(): Promise<number> {
    this.resetViews();
    this.checkpoint = 0n;
    return this.catchUp();
  }

  private async catchUp(): Promise<number> {
    let applied = 0;
    for (;;) {
      const page = await this.store.readAll({ fromPosition: this.checkpoint, maxCount: PAGE });
      if (page.length === 0) return applied;
      this.applyBatch(page);
      applied += page.length;
    }
  }

  /** Applies events above the checkpoint and moves the checkpoint, all in one transaction. */
  applyBatch(events: readonly RecordedEvent[]): void {
    const fresh = events.filter((e) => e.position > this.checkpoint);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1]!.position;
    this.db.transaction(() => {
      for (const event of fresh) {
        for (const projection of this.projections) {
          for (const op of projection.project(event)) this.execute(op);
        }
      }
      this.writeState('checkpoint', last.toString());
    })();
    this.checkpoint = last;
    this.releaseWaiters();
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.position <= this.checkpoint);
    this.waiters = this.waiters.filter((w) => w.position > this.checkpoint);
    for (const w of ready) w.resolve();
  }

  private execute(op: RowOp): void {
    switch (op.op) {
      case 'insert':
      case 'upsert': {
        const cols = Object.keys(op.row);
        const verb = op.op === 'insert' ? 'INSERT' : 'INSERT OR REPLACE';
        this.prepare(`${verb} INTO ${op.table} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`).run(...values(op.row));
        return;
      }
      case 'update': {
        const sets = Object.keys(op.set).map((c) => `${c} = ?`).join(', ');
        const where = Object.keys(op.where).map((c) => `${c} = ?`).join(' AND ');
        this.prepare(`UPDATE ${op.table} SET ${sets} WHERE ${where}`).run(...values(op.set), ...values(op.where));
        return;
      }
      case 'delete': {
        const where = Object.keys(op.where).map((c) => `${c} = ?`).join(' AND ');
        this.prepare(`DELETE FROM ${op.table} WHERE ${where}`).run(...values(op.where));
        return;
      }
    }
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private resetViews(): void {
    this.statements.clear();
    this.db.transaction(() => {
      for (const p of this.projections) for (const t of p.tables) this.db.exec(`DROP TABLE IF EXISTS ${t}`);
      for (const p of this.projections) for (const ddl of p.schema) this.db.exec(ddl);
      this.writeState('checkpoint', '0');
      this.writeState('schema', this.schemaHash());
    })();
  }

  /** A changed view schema (a new fedflow version) triggers a rebuild instead of a migration. */
  private schemaHash(): string {
    return createHash('sha256').update(this.projections.flatMap((p) => p.schema).join('\n')).digest('hex').slice(0, 16);
  }

  private readState(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM projection_state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private writeState(key: string, value: string): void {
    this.prepare('INSERT OR REPLACE INTO projection_state (key, value) VALUES (?, ?)').run(key, value);
  }
}

function values(row: Row): Cell[] {
  return Object.values(row);
}
