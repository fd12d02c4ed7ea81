// The arbiter's side of dealt obfuscators (HeteroLR, standard obfuscation): the key holder computes
// every standard Paillier obfuscator the guest and the hosts will use and sends each party its own,
// one array per (iteration, batch) step — exactly as many as the party encrypts in that step.
//
// Why: a standard obfuscator rⁿ mod n² (≈ 2 ms at 1024 bits) was ~80 % of HeteroLR's CPU. With p and
// q the arbiter computes the very same distribution ≈ 3× cheaper (PaillierPrivateKey.randomObfuscator:
// x^p mod p², y^q mod q², CRT), and it does so a bounded window ahead, on its own thread (otherwise
// idle, waiting for gradients) and its helper threads.
//
// Security (semi-honest arbiter, FATE's model): the arbiter already holds the private key and can
// decrypt every ciphertext, so knowing the randomness of an encryption tells it nothing it could not
// learn already; and it only ever receives masked gradients and the aggregate loss, as before. Each
// party receives only its own obfuscators, so the host never sees the guest's and vice versa, and
// each value is used for one encryption only. (An arbiter colluding with a host already breaks
// HeteroLR: it could decrypt [[d]] — dealing adds nothing to that.)
import type { PartyRef } from '../contract.js';
import { BackgroundObfuscators } from '../crypto/backgroundObfuscators.js';
import type { PaillierPrivateKey } from '../crypto/paillier.js';

/** One party's share of a step. */
export interface DealtShare {
  party: PartyRef;
  count: number;
}

export interface DealerPlan {
  /** Steps over the whole run: max_iter × batch count, in protocol order. */
  steps: number;
  /** Tag of step s (FATE's `<iteration>.<batch>`). */
  tag(step: number): string;
  /** Obfuscators each party uses in step s. */
  shares(step: number): DealtShare[];
  /** Steps dealt ahead of the last completed one (bounds the work lost when training stops early). */
  window: number;
}

export class ObfuscatorDealer {
  private readonly supply: BackgroundObfuscators;
  /** Steps the dealer may deal: completed + window, at most the plan. */
  private allowed: number;
  private next = 0;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly dealtTo = new Map<string, number>();
  private readonly loop: Promise<void>;
  private failure: Error | null = null;
  private rejectFailed: (error: Error) => void = () => {};
  /**
   * Rejects when dealing fails: the arbiter races its waits against it, because the parties it waits
   * for would otherwise wait forever for obfuscators that never come.
   */
  readonly failed: Promise<never> = new Promise<never>((_, reject) => (this.rejectFailed = reject));

  constructor(
    privateKey: PaillierPrivateKey,
    private readonly plan: DealerPlan,
    private readonly send: (tag: string, obfuscators: bigint[], to: PartyRef) => Promise<void>,
    workers?: number,
  ) {
    let budget = 0;
    let largestStep = 0;
    for (let s = 0; s < plan.steps; s++) {
      const stepCount = plan.shares(s).reduce((sum, share) => sum + share.count, 0);
      budget += stepCount;
      largestStep = Math.max(largestStep, stepCount);
    }
    // Helpers keep about one step ready beyond the one being dealt; the budget caps the total.
    this.supply = new BackgroundObfuscators(privateKey, { budget, window: largestStep, workers });
    this.allowed = Math.min(plan.steps, plan.window);
    this.failed.catch(() => {}); // observed through check() and the arbiter's races
    this.loop = this.run().catch((error: Error) => {
      if (this.stopped) return;
      this.failure = error;
      this.rejectFailed(error);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.next >= this.allowed) {
        if (this.next >= this.plan.steps) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const step = this.next++;
      for (const { party, count } of this.plan.shares(step)) {
        const obfuscators = await this.supply.take(count);
        if (this.stopped) return;
        await this.send(this.plan.tag(step), obfuscators, party);
        const key = `${party.role}:${party.partyId}`;
        this.dealtTo.set(key, (this.dealtTo.get(key) ?? 0) + 1);
      }
    }
  }

  /** Throws what went wrong while dealing (checked by the arbiter at each step). */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** `completed` steps are done: deal up to `completed + window`. */
  advance(completed: number): void {
    this.check();
    const allowed = Math.min(this.plan.steps, completed + this.plan.window);
    if (allowed <= this.allowed) return;
    this.allowed = allowed;
    this.wake?.();
    this.wake = null;
  }

  /** Stops dealing (abandoning the step in progress) and returns how many steps `party` was dealt. */
  async stop(): Promise<(party: PartyRef) => number> {
    this.stopped = true;
    this.supply.close();
    this.wake?.();
    this.wake = null;
    await this.loop;
    this.check();
    return (party) => this.dealtTo.get(`${party.role}:${party.partyId}`) ?? 0;
  }
}
