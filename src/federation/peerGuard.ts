// What one peer may cost this node's gRPC port: calls open at once, messages per second, and bytes
// of unfinished federation objects held in memory. A peer over a limit gets RESOURCE_EXHAUSTED
// naming the limit (the sender's outbox and data plane treat it as transient and retry later), so a
// flooding or broken party slows itself down without starving the other parties' jobs.
import { status } from '@grpc/grpc-js';
import type { Limits } from '../config.js';

export type PeerLimits = Pick<Limits, 'grpcMaxCallsPerPeer' | 'grpcMessagesPerSecondPerPeer' | 'grpcMaxInflightBytesPerPeer'>;

export interface Refusal {
  readonly code: number;
  readonly details: string;
}

interface PeerState {
  calls: number;
  tokens: number;
  refilledAt: number;
  inflightBytes: number;
}

export class PeerGuard {
  private readonly peers = new Map<string, PeerState>();
  /** Refusals per peer since start (for logs and tests). */
  readonly refused = new Map<string, number>();

  constructor(
    private readonly limits: PeerLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Admits one call of `peer` (a unary command or a data-plane stream): counts it as open and as one
   * message. Returns the release function, or the refusal.
   */
  openCall(peer: string): { release: () => void } | Refusal {
    const s = this.state(peer);
    if (s.calls >= this.limits.grpcMaxCallsPerPeer) return this.refuse(peer, `party ${peer} has ${s.calls} calls open at this node (limit ${this.limits.grpcMaxCallsPerPeer} per peer); retry later`);
    const rate = this.message(peer);
    if (rate) return rate;
    s.calls++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        s.calls--;
        this.forgetIfIdle(peer, s);
      },
    };
  }

  /** One more message of an open call (a data-plane chunk); refused when the peer's rate is spent. */
  message(peer: string): Refusal | undefined {
    const s = this.state(peer);
    const rate = this.limits.grpcMessagesPerSecondPerPeer;
    this.refill(s);
    if (s.tokens < 1) return this.refuse(peer, `party ${peer} sent more than ${rate} messages per second (limit per peer); retry later`);
    s.tokens -= 1;
    return undefined;
  }

  /** Holds `bytes` of an unfinished object of `peer`; refused beyond the peer's in-flight limit. */
  hold(peer: string, bytes: number): Refusal | undefined {
    const s = this.state(peer);
    const limit = this.limits.grpcMaxInflightBytesPerPeer;
    if (s.inflightBytes + bytes > limit) {
      return this.refuse(peer, `party ${peer} would hold ${s.inflightBytes + bytes} bytes of unfinished objects at this node (limit ${limit} per peer); retry later`);
    }
    s.inflightBytes += bytes;
    return undefined;
  }

  /** Frees bytes held by `hold` (the object completed, failed or was cancelled). */
  free(peer: string, bytes: number): void {
    const s = this.peers.get(peer);
    if (!s) return;
    s.inflightBytes = Math.max(0, s.inflightBytes - bytes);
    this.forgetIfIdle(peer, s);
  }

  /** What a peer holds now (tests, metrics). */
  usage(peer: string): { calls: number; inflightBytes: number } {
    const s = this.peers.get(peer);
    return { calls: s?.calls ?? 0, inflightBytes: s?.inflightBytes ?? 0 };
  }

  private state(peer: string): PeerState {
    let s = this.peers.get(peer);
    if (!s) this.peers.set(peer, (s = { calls: 0, tokens: this.limits.grpcMessagesPerSecondPerPeer, refilledAt: this.now(), inflightBytes: 0 }));
    return s;
  }

  private refill(s: PeerState): void {
    const rate = this.limits.grpcMessagesPerSecondPerPeer;
    const t = this.now();
    s.tokens = Math.min(rate, s.tokens + ((t - s.refilledAt) / 1000) * rate);
    s.refilledAt = t;
  }

  /** A peer with nothing open keeps no state once its bucket is full again (bounded memory under many peers). */
  private forgetIfIdle(peer: string, s: PeerState): void {
    if (s.calls !== 0 || s.inflightBytes !== 0) return;
    this.refill(s);
    if (s.tokens >= this.limits.grpcMessagesPerSecondPerPeer) this.peers.delete(peer);
  }

  private refuse(peer: string, details: string): Refusal {
    this.refused.set(peer, (this.refused.get(peer) ?? 0) + 1);
    return { code: status.RESOURCE_EXHAUSTED, details };
  }
}
