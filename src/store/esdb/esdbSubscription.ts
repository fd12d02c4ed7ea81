// Wraps a db-client $all subscription so the handler is awaited event by event (async iteration
// applies back-pressure to the gRPC stream) and errors/stops follow the port's contract.
import type { AllStreamSubscription } from '@eventstore/db-client';
import type { SubscribeOptions, Subscription, SubscriptionHandler } from '../eventStore.js';
import { commitPositionOf, isSystemEvent, toRecordedEvent } from './esdbEvents.js';

export class EsdbSubscription implements Subscription {
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly source: AllStreamSubscription,
    handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly onStopped: (subscription: EsdbSubscription) => void,
  ) {
    this.running = this.run(handler, options.fromPosition);
  }

  async unsubscribe(): Promise<void> {
    await this.stop();
    await this.running;
  }

  private async run(handler: SubscriptionHandler, afterPosition: bigint | undefined): Promise<void> {
    try {
      for await (const resolved of this.source) {
        if (this.stopped) return;
        const event = resolved.event;
        if (!event || isSystemEvent(event)) continue;
        const position = commitPositionOf(event, resolved.commitPosition);
        // The server already starts after fromPosition; this guards the port's exclusive promise.
        if (afterPosition !== undefined && position <= afterPosition) continue;
        await handler(toRecordedEvent(event, position));
      }
      if (!this.stopped) this.fail(new Error('EventStoreDB ended the $all subscription'));
    } catch (error) {
      // After a stop, the cancelled stream's error is expected noise.
      if (!this.stopped) this.fail(error);
    }
  }

  private stop(): Promise<void> {
    if (!this.stopping) {
      this.stopped = true;
      this.onStopped(this);
      // Cancel the gRPC call, then destroy the readable so a pending iteration ends for sure.
      this.stopping = this.source
        .unsubscribe()
        .catch(() => {})
        .finally(() => void this.source.destroy());
    }
    return this.stopping;
  }

  private fail(error: unknown): void {
    void this.stop();
    if (this.options.onError) this.options.onError(error);
    // Nobody listens: a reader that silently stops is worse than a crash.
    else queueMicrotask(() => {
      throw error;
    });
  }
}
