// PartyTransport over gRPC: one channel per destination party, addressed through the route table,
// secured with mutual TLS (or plain text when configured insecure).
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Acknowledgement, PartyCommand } from './commands.js';
import { FederationServiceClient } from '../gen/fedflow/v1/federation.js';
import { PartyServiceClient } from '../gen/fedflow/v1/party.js';
import type { RouteTable } from './routeTable.js';
import { clientCredentials, type TlsMaterial } from './tls.js';
import { PeerRefusedError, PeerUnreachableError, type OutgoingObject, type PartyTransport, type PushReceipt } from './transport.js';

export const CHUNK_BYTES = 1024 * 1024;

/** A failed channel retries its connection quickly: the outbox, not the channel, owns backoff. */
export const CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.max_receive_message_length': 8 * 1024 * 1024,
  'grpc.max_send_message_length': 8 * 1024 * 1024,
};

/** Codes after which a retry may succeed. */
const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED, status.RESOURCE_EXHAUSTED, status.INTERNAL, status.UNKNOWN, status.ABORTED]);

interface Peer {
  readonly party: PartyServiceClient;
  readonly federation: FederationServiceClient;
}

type UnaryMethod = (req: unknown, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: { ack?: Acknowledgement }) => void) => void;

export class GrpcTransport implements PartyTransport {
  private readonly peers = new Map<string, Peer>();

  constructor(
    private readonly routes: RouteTable,
    private readonly tls: TlsMaterial,
  ) {}

  addressOf(partyId: string): string | undefined {
    return this.routes.get(partyId);
  }

  send(command: PartyCommand, deadlineMs: number): Promise<Acknowledgement> {
    const destination = command.request.header?.destinationPartyId ?? '';
    const peer = this.peer(destination);
    const method = (peer.party as unknown as Record<string, UnaryMethod>)[command.kind]!.bind(peer.party);
    return new Promise((resolve, reject) => {
      method(command.request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) return reject(this.failure(destination, err));
        const ack = res.ack;
        if (!ack) return reject(new PeerRefusedError(destination, status.INTERNAL, 'answer without an ack'));
        resolve({ messageId: ack.messageId, duplicate: ack.duplicate, retcode: ack.retcode, retmsg: ack.retmsg });
      });
    });
  }

  push(object: OutgoingObject, deadlineMs: number): Promise<PushReceipt> {
    const destination = object.destination.partyId;
    const peer = this.peer(destination);
    return new Promise((resolve, reject) => {
      const call = peer.federation.push(new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) return reject(this.failure(destination, err));
        resolve({ objectId: res.objectId, duplicate: res.duplicate, receivedBytes: Number(res.receivedBytes) });
      });
      call.on('error', () => {}); // reported through the callback
      const total = object.bytes.byteLength;
      let index = 0;
      for (let offset = 0; offset < total || index === 0; offset += CHUNK_BYTES, index++) {
        const end = offset + CHUNK_BYTES >= total;
        call.write({
          objectId: object.objectId,
          jobId: object.jobId,
          componentName: object.componentName,
          name: object.name,
          tag: object.tag,
          source: object.source,
          destination: object.destination,
          chunkIndex: index,
          payload: object.bytes.subarray(offset, Math.min(total, offset + CHUNK_BYTES)),
          end,
          totalBytes: index === 0 ? BigInt(total) : 0n,
        });
        if (end) break;
      }
      call.end();
    });
  }

  close(): void {
    for (const p of this.peers.values()) {
      p.party.close();
      p.federation.close();
    }
    this.peers.clear();
  }

  private peer(partyId: string): Peer {
    let p = this.peers.get(partyId);
    if (p) return p;
    const address = this.routes.get(partyId);
    if (!address) throw new PeerUnreachableError(partyId, undefined, 'the route table has no entry for it');
    const creds = clientCredentials(this.tls, partyId);
    // The TLS server name is the party, not the route's IP (SNI may not be an IP address; the
    // identity check is the party in the certificate anyway, see tls.ts).
    const options = this.tls.insecure ? CHANNEL_OPTIONS : { ...CHANNEL_OPTIONS, 'grpc.ssl_target_name_override': `party-${partyId}.fedflow` };
    p = { party: new PartyServiceClient(address, creds, options), federation: new FederationServiceClient(address, creds, options) };
    this.peers.set(partyId, p);
    return p;
  }

  private failure(partyId: string, err: ServiceError): Error {
    if (TRANSIENT.has(err.code)) return new PeerUnreachableError(partyId, this.routes.get(partyId), err.details || err.message, err.code);
    return new PeerRefusedError(partyId, err.code, err.details || err.message);
  }
}

export function isTransient(err: unknown): boolean {
  return err instanceof PeerUnreachableError && err.address !== undefined;
}
