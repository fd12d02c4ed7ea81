// What senders need from the network: deliver one command and get its acknowledgement, push one
// federation object and get its receipt. The gRPC implementation is grpcTransport.ts; tests wrap it
// in faultyTransport.ts.
import type { Acknowledgement, PartyCommand } from './commands.js';

export interface PartyAddress {
  readonly role: string;
  readonly partyId: string;
}

/** A federation object ready for the wire: its payload already v8-serialized. */
export interface OutgoingObject {
  readonly objectId: string;
  readonly jobId: string;
  readonly componentName: string;
  readonly name: string;
  readonly tag: string;
  readonly source: PartyAddress;
  readonly destination: PartyAddress;
  readonly bytes: Buffer;
}

export interface PushReceipt {
  readonly objectId: string;
  readonly duplicate: boolean;
  readonly receivedBytes: number;
}

export interface PartyTransport {
  send(command: PartyCommand, deadlineMs: number): Promise<Acknowledgement>;
  push(object: OutgoingObject, deadlineMs: number): Promise<PushReceipt>;
  close(): void;
}

/** The destination's node could not be reached (no route, refused, TLS failure, deadline). */
export class PeerUnreachableError extends Error {
  override name = 'PeerUnreachableError';
  constructor(
    readonly partyId: string,
    readonly address: string | undefined,
    readonly detail: string,
    /** gRPC status code when the call got one. */
    readonly code?: number,
  ) {
    super(address ? `party ${partyId} at ${address} is unreachable: ${detail}` : `party ${partyId} has no route: ${detail}`);
  }
}

/** The receiver answered with a gRPC error that retrying will not fix (e.g. PERMISSION_DENIED). */
export class PeerRefusedError extends Error {
  override name = 'PeerRefusedError';
  constructor(
    readonly partyId: string,
    readonly code: number,
    detail: string,
  ) {
    super(`party ${partyId} refused the message: ${detail}`);
  }
}
