// The sender's side of at-least-once delivery: a command is written to the outbox before it is
// sent, and retried with a per-attempt deadline and exponential backoff until the destination
// acknowledges it (the receiver deduplicates, so at-least-once becomes exactly-once in effect).
// Commands still in the outbox when a node stops are sent again when it starts (resume()).
import { setMaxListeners } from 'node:events';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './backoff.js';
import { headerOf, type Acknowledgement, type PartyCommand } from './commands.js';
import type { MessageStore } from './messageStore.js';
import { PeerRefusedError, type PartyTransport } from './transport.js';

export interface OutboxOptions extends Partial<BackoffOptions> {
  /** Deadline of one attempt. */
  readonly attemptDeadlineMs?: number;
  /** Called for every acknowledged command (also those resumed after a restart). */
  readonly onAcknowledged?: (command: PartyCommand, ack: Acknowledgement) => void;
  /** Called when a command is given up (refused by the peer, or its giveUpAfterMs elapsed). */
  readonly onGivenUp?: (command: PartyCommand, error: Error) => void;
  /** Called when an attempt failed and the command will be sent again after a backoff. */
  readonly onRetry?: (command: PartyCommand, error: Error) => void;
}

export interface SendOptions {
  /** Stop retrying after this long and reject with the last error (the command leaves the outbox). */
  readonly giveUpAfterMs?: number;
}

export class Outbox {
  private readonly closing = new AbortController();
  private readonly active = new Set<Promise<unknown>>();
  private readonly backoff: BackoffOptions;
  private readonly attemptDeadlineMs: number;

  constructor(
    private readonly store: MessageStore,
    private readonly transport: PartyTransport,
    private readonly options: OutboxOptions = {},
  ) {
    this.backoff = { baseDelayMs: options.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs, maxDelayMs: options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs };
    this.attemptDeadlineMs = options.attemptDeadlineMs ?? 5000;
    // Every waiting retry listens to it.
    setMaxListeners(0, this.closing.signal);
  }

  /** Persists the command, then delivers it; resolves with the acknowledgement. */
  send(command: PartyCommand, o: SendOptions = {}): Promise<Acknowledgement> {
    this.store.addToOutbox(command);
    return this.track(this.deliver(command, 0, o));
  }

  /** Re-delivers what a previous run left unacknowledged; returns how many. */
  resume(): number {
    const pending = this.store.pendingOutbox();
    for (const { command, attempts } of pending) void this.track(this.deliver(command, attempts, {})).catch(() => {});
    return pending.length;
  }

  /** Stops retrying; unacknowledged commands stay in the store for the next start. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.active]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    const forget = (): void => void this.active.delete(p);
    p.then(forget, forget);
    return p;
  }

  private async deliver(command: PartyCommand, priorAttempts: number, o: SendOptions): Promise<Acknowledgement> {
    const id = headerOf(command).messageId;
    const giveUpAt = o.giveUpAfterMs === undefined ? Infinity : Date.now() + o.giveUpAfterMs;
    let attempt = priorAttempts;
    for (;;) {
      if (this.closing.signal.aborted) throw new Error(`outbox closed before ${command.kind} ${id} was acknowledged`);
      attempt++;
      this.store.countAttempt(id);
      try {
        const remaining = giveUpAt - Date.now();
        const ack = await this.transport.send(command, Math.max(1, Math.min(this.attemptDeadlineMs, remaining)));
        this.store.removeFromOutbox(id);
        this.options.onAcknowledged?.(command, ack);
        return ack;
      } catch (err) {
        const error = err as Error;
        const delay = backoffDelay(attempt, this.backoff);
        if (error instanceof PeerRefusedError || Date.now() + delay >= giveUpAt) {
          this.store.removeFromOutbox(id);
          this.options.onGivenUp?.(command, error);
          throw error;
        }
        this.options.onRetry?.(command, error);
        await sleep(delay, this.closing.signal);
      }
    }
  }
}
