// The federation data plane of a cluster node: objects for a party this node hosts stay in the
// in-process mailbox (standalone behaviour); objects for another party are pushed to its node,
// which puts them into its own mailbox. Components and party actors see the same Mailbox.
import type { Logger } from 'pino';
import { Mailbox, mailboxKey } from '../scheduler/mailbox.js';
import { unpackPayload } from '../scheduler/packedPayload.js';
import type { DataPlaneSender } from './dataPlane.js';
import type { IncomingObject } from './nodeServer.js';
import type { PartyAddress } from './transport.js';

function parseKey(key: string): { jobId: string; componentName: string; name: string; tag: string; source: PartyAddress; destination: PartyAddress } {
  const [jobId, componentName, name, tag, from, to] = key.split('\u0000') as [string, string, string, string, string, string];
  const party = (s: string): PartyAddress => {
    const i = s.indexOf(':');
    return { role: s.slice(0, i), partyId: s.slice(i + 1) };
  };
  return { jobId, componentName, name, tag, source: party(from), destination: party(to) };
}

export class ClusterMailbox extends Mailbox {
  private readonly jobs = new Map<string, AbortController>();

  constructor(
    private readonly localPartyId: string,
    private readonly sender: DataPlaneSender,
    private readonly log: Logger,
    private readonly onJobCleared: (jobId: string) => void = () => {},
  ) {
    super();
  }

  override put(key: string, payload: unknown): void {
    const address = parseKey(key);
    if (address.destination.partyId === this.localPartyId) return super.put(key, payload);
    let job = this.jobs.get(address.jobId);
    if (!job) this.jobs.set(address.jobId, (job = new AbortController()));
    // A task worker's packed list (packedPayload.ts) goes on the wire as the list the component sent.
    this.sender.remote({ ...address, payload: unpackPayload(payload) }, job.signal).catch((error: Error) => {
      if (!job.signal.aborted) this.log.error({ err: error, jobId: address.jobId, name: address.name, tag: address.tag, to: address.destination }, 'federation object not delivered');
    });
  }

  /** An object another party's node pushed to this one. */
  deliver(o: IncomingObject): void {
    super.put(mailboxKey(o.jobId, o.componentName, o.name, o.tag, o.source, o.destination), o.payload);
  }

  override clearJob(jobId: string, reason: string): void {
    this.jobs.get(jobId)?.abort();
    this.jobs.delete(jobId);
    this.onJobCleared(jobId);
    super.clearJob(jobId, reason);
  }
}
