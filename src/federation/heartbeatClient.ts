// The sending side of heartbeats (liveness.proto): one LivenessService client per party, addressed
// and secured like the party's command channel (grpcTransport.ts), but never retried: a heartbeat
// that gets no answer in time is the answer.
import { Metadata } from '@grpc/grpc-js';
import { LivenessServiceClient } from '../gen/fedflow/v1/liveness.js';
import { CHANNEL_OPTIONS } from './grpcTransport.js';
import type { RouteTable } from './routeTable.js';
import { clientCredentials, type TlsMaterial } from './tls.js';
import { PeerUnreachableError } from './transport.js';

export class HeartbeatClient {
  private readonly clients = new Map<string, LivenessServiceClient>();

  constructor(
    private readonly localPartyId: string,
    private readonly routes: RouteTable,
    private readonly tls: TlsMaterial,
  ) {}

  /** Resolves with the party's status of each job ('' = it has no such job); rejects when it does not answer in time. */
  ping(partyId: string, jobIds: readonly string[], deadlineMs: number): Promise<ReadonlyMap<string, string>> {
    const client = this.client(partyId);
    const request = { sourcePartyId: this.localPartyId, destinationPartyId: partyId, jobIds: [...jobIds], sentAtMs: BigInt(Date.now()) };
    return new Promise((resolve, reject) => {
      client.heartbeat(request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) return reject(new PeerUnreachableError(partyId, this.routes.get(partyId), err.details || err.message, err.code));
        resolve(new Map(res.jobs.map((j) => [j.jobId, j.status])));
      });
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private client(partyId: string): LivenessServiceClient {
    let c = this.clients.get(partyId);
    if (c) return c;
    const address = this.routes.get(partyId);
    if (!address) throw new PeerUnreachableError(partyId, undefined, 'the route table has no entry for it');
    const options = this.tls.insecure ? CHANNEL_OPTIONS : { ...CHANNEL_OPTIONS, 'grpc.ssl_target_name_override': `party-${partyId}.fedflow` };
    c = new LivenessServiceClient(address, clientCredentials(this.tls, partyId), options);
    this.clients.set(partyId, c);
    return c;
  }
}
