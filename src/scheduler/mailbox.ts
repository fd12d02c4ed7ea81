// The standalone federation data plane: objects addressed by (job, name, tag, source, destination)
// wait here until the destination asks for them. FATE semantics: one object per address; a get
// before the remote waits; ending a job rejects its waiters and drops its objects.
import type { PartyRef } from '../components/contract.js';

interface Slot {
  value?: { payload: unknown };
  waiters: { resolve: (payload: unknown) => void; reject: (error: Error) => void }[];
}

/** Scoped by component too: two Intersection components of one job use the same FATE names and tags. */
export function mailboxKey(jobId: string, component: string, name: string, tag: string, from: PartyRef, to: PartyRef): string {
  return `${jobId}\u0000${component}\u0000${name}\u0000${tag}\u0000${from.role}:${from.partyId}\u0000${to.role}:${to.partyId}`;
}

export class Mailbox {
  private readonly slots = new Map<string, Slot>();

  put(key: string, payload: unknown): void {
    const slot = this.slot(key);
    const waiter = slot.waiters.shift();
    if (waiter) {
      if (slot.waiters.length === 0) this.slots.delete(key);
      waiter.resolve(payload);
    } else {
      slot.value = { payload };
    }
  }

  take(key: string): Promise<unknown> {
    const slot = this.slot(key);
    if (slot.value) {
      const { payload } = slot.value;
      this.slots.delete(key);
      return Promise.resolve(payload);
    }
    return new Promise((resolve, reject) => slot.waiters.push({ resolve, reject }));
  }

  /** Drops everything of a job; pending gets fail with `reason`. */
  clearJob(jobId: string, reason: string): void {
    const prefix = `${jobId}\u0000`;
    for (const [key, slot] of this.slots) {
      if (!key.startsWith(prefix)) continue;
      this.slots.delete(key);
      for (const w of slot.waiters) w.reject(new Error(reason));
    }
  }

  private slot(key: string): Slot {
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { waiters: [] }));
    return slot;
  }
}
