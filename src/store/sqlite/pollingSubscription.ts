// Catch-up subscription over a log that can be read in pages: delivers history page by page, then
// waits for news. News comes from the in-process append notifier (immediate) or from a poll timer
// (appends made by another connection or process are invisible to the notifier).
import type { RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../eventStore.js';

export interface PagedLog {
  /** Up to `limit` events with position > afterPosition, in position order. */
  readPage(afterPosition: bigint, limit: number): RecordedEvent[];
  /** Runs `listener` after every append made through this process; returns the unregister function. */
  onAppend(listener: () => void): () => void;
}

const PAGE_SIZE = 1000;

export class PollingSubscription implements Subscription {
  private stopped = false;
  /** Set by the notifier; tells the loop to read again instead of sleeping. */
  private appendedSinceRead = false;
  private wakeUp: (() => void) | undefined;
  private readonly stopListening: () => void;
  private readonly running: Promise<void>;

  constructor(
    private readonly log: PagedLog,
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly pollMs: number,
    private readonly onStopped: (subscription: PollingSubscription) => void,
  ) {
    this.stopListening = log.onAppend(() => {
      this.appendedSinceRead = true;
      this.wakeUp?.();
    });
    this.running = this.run(options.fromPosition ?? 0n);
  }

  async unsubscribe(): Promise<void> {
    this.stop();
    await this.running;
  }

  private async run(fromPosition: bigint): Promise<void> {
    // Start on a later tick so the caller holds the Subscription before the first handler call.
    await null;
    let position = fromPosition;
    while (!this.stopped) {
      let pageLength: number;
      try {
        this.appendedSinceRead = false;
        const page = this.log.readPage(position, PAGE_SIZE);
        pageLength = page.length;
        for (const event of page) {
          if (this.stopped) return;
          await this.handler(event);
          position = event.position;
        }
      } catch (error) {
        this.fail(error);
        return;
      }
      if (pageLength < PAGE_SIZE && !this.appendedSinceRead) await this.waitForNews();
    }
  }

  private waitForNews(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(wake, this.pollMs);
      this.wakeUp = wake;
    });
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopListening();
    this.wakeUp?.();
    this.onStopped(this);
  }

  private fail(error: unknown): void {
    this.stop();
    if (this.options.onError) this.options.onError(error);
    // Nobody listens: a projection that silently stops is worse than a crash.
    else queueMicrotask(() => {
      throw error;
    });
  }
}
