// Durable bookkeeping of the party-to-party messages, in the node's data dir
// (<dataDir>/federation.sqlite): the sender's outbox (commands not yet acknowledged) and the
// receiver's seen ids (commands already applied, with the answer given) — both survive restarts.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { decodeCommand, encodeCommand, headerOf, type AckResult, type CommandKind, type PartyCommand } from './commands.js';

export interface OutboxEntry {
  readonly command: PartyCommand;
  readonly attempts: number;
}

export class MessageStore {
  private readonly db: Db;

  /** `path` = ':memory:' for tests. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL UNIQUE,
        destination TEXT NOT NULL,
        kind TEXT NOT NULL,
        body BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS seen (
        message_id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        retcode INTEGER NOT NULL,
        retmsg TEXT NOT NULL,
        at INTEGER NOT NULL
      );`);
  }

  addToOutbox(command: PartyCommand): void {
    const h = headerOf(command);
    this.db.prepare('INSERT OR IGNORE INTO outbox (message_id, destination, kind, body) VALUES (?, ?, ?, ?)')
      .run(h.messageId, h.destinationPartyId, command.kind, Buffer.from(encodeCommand(command)));
  }

  countAttempt(messageId: string): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE message_id = ?').run(messageId);
  }

  removeFromOutbox(messageId: string): void {
    this.db.prepare('DELETE FROM outbox WHERE message_id = ?').run(messageId);
  }

  /** Unacknowledged commands in the order they were queued. */
  pendingOutbox(): OutboxEntry[] {
    const rows = this.db.prepare('SELECT kind, body, attempts FROM outbox ORDER BY seq').all() as { kind: CommandKind; body: Buffer; attempts: number }[];
    return rows.map((r) => ({ command: decodeCommand(r.kind, r.body), attempts: r.attempts }));
  }

  /** Unacknowledged commands per destination party (the outbox depth, for /metrics). */
  outboxDepth(): Record<string, number> {
    const rows = this.db.prepare('SELECT destination, COUNT(*) AS n FROM outbox GROUP BY destination').all() as { destination: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.destination, r.n]));
  }

  /** The answer given to an already applied message, if any. */
  seen(messageId: string): AckResult | undefined {
    const row = this.db.prepare('SELECT retcode, retmsg FROM seen WHERE message_id = ?').get(messageId) as AckResult | undefined;
    return row ? { retcode: row.retcode, retmsg: row.retmsg } : undefined;
  }

  recordSeen(messageId: string, source: string, kind: CommandKind, ack: AckResult): void {
    this.db.prepare('INSERT OR IGNORE INTO seen (message_id, source, kind, retcode, retmsg, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(messageId, source, kind, ack.retcode, ack.retmsg, Date.now());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
