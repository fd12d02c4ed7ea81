// In-process federation and recording tracker for component tests. One `InProcessJob` is the mailbox
// of one simulated job: every party's Federation posts into and reads from it, addressed like FATE's
// transfer variables by (name, tag, source role/party, destination role/party). `get` waits until the
// matching `remote` arrives (or the party's signal aborts), so guest and hosts can run concurrently
// with Promise.all. Payloads are structured-cloned, as they would be crossing a thread or node.
import type {
  ComponentContext,
  ComponentInput,
  Federation,
  MetricPoint,
  PartyRef,
  Tracker,
} from '../../src/components/contract.js';

interface Slot {
  readonly values: unknown[];
  readonly waiters: { resolve: (value: unknown) => void }[];
}

/** One message as it went through the mailbox (for assertions on names and tags). */
export interface SentMessage {
  readonly name: string;
  readonly tag: string;
  readonly from: PartyRef;
  readonly to: PartyRef;
}

export class InProcessJob {
  private readonly slots = new Map<string, Slot>();
  /** Every message sent, in send order. */
  readonly sent: SentMessage[] = [];

  private slot(name: string, tag: string, from: PartyRef, to: PartyRef): Slot {
    const key = JSON.stringify([name, tag, from.role, from.partyId, to.role, to.partyId]);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { values: [], waiters: [] };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** The Federation seen by party `self`; its pending `get`s reject when `signal` aborts. */
  federation(self: PartyRef, signal?: AbortSignal): Federation {
    return {
      remote: async (name, tag, payload, to) => {
        for (const dst of to) {
          this.sent.push({ name, tag, from: { ...self }, to: { role: dst.role, partyId: dst.partyId } });
          const slot = this.slot(name, tag, self, dst);
          const copy = structuredClone(payload);
          const waiter = slot.waiters.shift();
          if (waiter) waiter.resolve(copy);
          else slot.values.push(copy);
        }
      },
      get: (name, tag, from) => {
        const slot = this.slot(name, tag, from, self);
        if (slot.values.length > 0) return Promise.resolve(slot.values.shift());
        if (signal?.aborted) return Promise.reject(signal.reason);
        return new Promise<unknown>((resolve, reject) => {
          const waiter = {
            resolve: (value: unknown) => {
              signal?.removeEventListener('abort', onAbort);
              resolve(value);
            },
          };
          const onAbort = () => {
            const i = slot.waiters.indexOf(waiter);
            if (i >= 0) slot.waiters.splice(i, 1);
            reject(signal!.reason);
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          slot.waiters.push(waiter);
        });
      },
    };
  }

  /** Messages sent but never received (a finished protocol leaves none). */
  undelivered(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.values.length;
    return n;
  }

  /** A full component context for `self`, with a fresh RecordingTracker. */
  context(self: PartyRef, signal: AbortSignal = new AbortController().signal): ComponentContext & { tracker: RecordingTracker } {
    return { tracker: new RecordingTracker(), federation: this.federation(self, signal), signal };
  }
}

export interface RecordedMetric {
  data: MetricPoint[];
  meta: Record<string, unknown>;
}

/** A Tracker that keeps everything, shaped like `tracking/component/metric/all`. */
export class RecordingTracker implements Tracker {
  /** namespace → metric name → {data (append order), meta (later keys win)}. */
  readonly metrics: Record<string, Record<string, RecordedMetric>> = {};
  readonly progress: number[] = [];

  private series(namespace: string, name: string): RecordedMetric {
    const ns = (this.metrics[namespace] ??= {});
    return (ns[name] ??= { data: [], meta: {} });
  }

  logMetricData(namespace: string, name: string, points: MetricPoint[]): void {
    this.series(namespace, name).data.push(...structuredClone(points));
  }

  setMetricMeta(namespace: string, name: string, meta: Record<string, unknown>): void {
    Object.assign(this.series(namespace, name).meta, structuredClone(meta));
  }

  setProgress(percent: number): void {
    this.progress.push(percent);
  }

  /** The series, or throws naming what exists. */
  get(namespace: string, name: string): RecordedMetric {
    const found = this.metrics[namespace]?.[name];
    if (!found) {
      throw new Error(`no metric ${namespace}/${name}; have ${JSON.stringify(this.names())}`);
    }
    return found;
  }

  /** namespace → metric names, as `tracking/component/metrics` lists them. */
  names(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [ns, byName] of Object.entries(this.metrics)) out[ns] = Object.keys(byName);
    return out;
  }
}

/** A ComponentInput for tests: one job with guest 9999 and host 10000 unless `roles` says otherwise. */
export function componentInput(
  fields: Partial<ComponentInput> & Pick<ComponentInput, 'module' | 'role'>,
): ComponentInput {
  const roles = fields.roles ?? { guest: ['9999'], host: ['10000'] };
  return {
    jobId: 'test_job',
    taskId: `test_job_${fields.componentName ?? 'cpn_0'}`,
    componentName: 'cpn_0',
    partyId: roles[fields.role]?.[0] ?? '0',
    roles,
    params: {},
    data: {},
    ...fields,
  };
}
