// The sending side of the federation data plane between nodes: a component's remote() becomes one
// object pushed (v8-serialized: bigint, typed arrays, Map/Set survive) to the destination's node,
// retried with backoff until the receiver confirms it. The object id is the object's address, so a
// retried or duplicated push is applied once by the receiver.
import { serialize } from 'node:v8';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './backoff.js';
import { PeerRefusedError, type PartyAddress, type PartyTransport, type PushReceipt } from './transport.js';

export interface RemoteObject {
  readonly jobId: string;
  readonly componentName: string;
  readonly name: string;
  readonly tag: string;
  readonly source: PartyAddress;
  readonly destination: PartyAddress;
  readonly payload: unknown;
}

export function objectIdOf(o: Omit<RemoteObject, 'payload'>): string {
  return [o.jobId, o.componentName, o.name, o.tag, `${o.source.role}:${o.source.partyId}`, `${o.destination.role}:${o.destination.partyId}`].join('/');
}

export class DataPlaneSender {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly transport: PartyTransport,
    private readonly options: Partial<BackoffOptions> & { attemptDeadlineMs?: number } = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options };
  }

  /** Resolves once the destination's node holds the object; `signal` (the job ending) stops retrying. */
  async remote(object: RemoteObject, signal?: AbortSignal): Promise<PushReceipt> {
    const outgoing = { ...object, objectId: objectIdOf(object), bytes: serialize(object.payload) };
    delete (outgoing as { payload?: unknown }).payload;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transport.push(outgoing, this.options.attemptDeadlineMs ?? 30_000);
      } catch (err) {
        if (err instanceof PeerRefusedError) throw err;
        if (signal?.aborted) throw new Error(`job ${object.jobId} ended before ${object.name}.${object.tag} reached party ${object.destination.partyId}: ${(err as Error).message}`);
        await sleep(backoffDelay(attempt, this.backoff), signal);
      }
    }
  }
}
