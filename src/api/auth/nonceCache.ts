// Each nonce is accepted once while its timestamp is inside the skew window (FATE-Flow accepts a
// replay for 60 s; fedflow does not). Only requests whose signature verified get here, so only a
// key holder can grow the set; entries leave once their window has passed.

export class NonceCache {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly windowMs: number) {}

  /** True the first time `appKey`+`nonce` is seen within the window; records it. */
  claim(appKey: string, nonce: string, timestampMs: number, now: number): boolean {
    if (now >= this.nextSweep) this.sweep(now);
    const id = `${appKey}\n${nonce}`;
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    // Remember it until its timestamp leaves the window: after that the timestamp check refuses it.
    this.seen.set(id, timestampMs + this.windowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [id, until] of this.seen) if (until <= now) this.seen.delete(id);
    this.nextSweep = now + Math.min(this.windowMs, 10_000);
  }
}
