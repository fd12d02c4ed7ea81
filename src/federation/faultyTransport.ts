// A PartyTransport that misbehaves on purpose, for tests: it drops (the request, or the answer after
// the receiver applied it), duplicates, delays and reorders a configurable share of messages.
import type { Acknowledgement, PartyCommand } from './commands.js';
import type { OutgoingObject, PartyTransport, PushReceipt } from './transport.js';
import { PeerUnreachableError } from './transport.js';
import { mulberry32 } from '../random/mulberry32.js';

export interface FaultPlan {
  /** Share of messages lost (half before reaching the receiver, half on the way back). */
  readonly drop?: number;
  /** Share of messages delivered twice. */
  readonly duplicate?: number;
  /** Share of messages held back by `delayMs`. */
  readonly delay?: number;
  readonly delayMs?: number;
  /** Share of messages held back by a random 0..reorderMs, so later ones overtake them. */
  readonly reorder?: number;
  readonly reorderMs?: number;
  /** Deterministic tests pass a seeded generator. */
  readonly random?: () => number;
}

export interface FaultCounts {
  sent: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seeded, so a chaos run can be replayed. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

export class FaultyTransport implements PartyTransport {
  readonly counts: FaultCounts = { sent: 0, dropped: 0, duplicated: 0, delayed: 0, reordered: 0 };
  private readonly random: () => number;

  constructor(
    private readonly inner: PartyTransport,
    private readonly plan: FaultPlan,
  ) {
    this.random = plan.random ?? Math.random;
  }

  send(command: PartyCommand, deadlineMs: number): Promise<Acknowledgement> {
    return this.misbehave(command.request.header?.destinationPartyId ?? '', () => this.inner.send(command, deadlineMs));
  }

  push(object: OutgoingObject, deadlineMs: number): Promise<PushReceipt> {
    return this.misbehave(object.destination.partyId, () => this.inner.push(object, deadlineMs));
  }

  close(): void {
    this.inner.close();
  }

  private async misbehave<T>(partyId: string, deliver: () => Promise<T>): Promise<T> {
    const p = this.plan;
    this.counts.sent++;
    if (p.delay && this.random() < p.delay) {
      this.counts.delayed++;
      await wait(p.delayMs ?? 50);
    }
    if (p.reorder && this.random() < p.reorder) {
      this.counts.reordered++;
      await wait(this.random() * (p.reorderMs ?? 50));
    }
    if (p.drop && this.random() < p.drop) {
      this.counts.dropped++;
      if (this.random() < 0.5) throw new PeerUnreachableError(partyId, 'fault-injection', 'request dropped');
      await deliver().catch(() => {});
      throw new PeerUnreachableError(partyId, 'fault-injection', 'answer dropped');
    }
    if (p.duplicate && this.random() < p.duplicate) {
      this.counts.duplicated++;
      const [first] = await Promise.allSettled([deliver(), deliver()]);
      if (first.status === 'rejected') throw first.reason;
      return first.value;
    }
    return deliver();
  }
}
