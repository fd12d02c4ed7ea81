// What the federation layer reports for the node's /metrics (the metrics themselves live in
// src/api/ops): each gRPC call, sent or received, by method and outcome with its size and time, and
// each outbox retry. A no-op by default, so the federation code runs the same without metrics.
import { COMMAND_CODECS, type PartyCommand } from './commands.js';

export interface GrpcMessageReport {
  /** `client`: this node called a peer; `server`: a peer called this node. */
  readonly side: 'client' | 'server';
  /** The gRPC method: a PartyService command kind, or `push` (data plane). */
  readonly method: string;
  /** The other party's id ('' when unknown). */
  readonly peer: string;
  /** `ok`, `duplicate`, or the failure (`unreachable`, `refused`, a gRPC status name). */
  readonly outcome: string;
  /** Bytes of the request (protobuf-encoded command, or the pushed object's payload). */
  readonly bytes: number;
  readonly seconds: number;
}

export interface FederationTelemetry {
  message(report: GrpcMessageReport): void;
  /** A command's attempt failed and will be retried after a backoff. */
  retry(peer: string, kind: string): void;
}

export const NO_FEDERATION_TELEMETRY: FederationTelemetry = { message: () => {}, retry: () => {} };

/** Encoded size of a command's request (what goes on the wire, framing aside). */
export function commandBytes(command: PartyCommand): number {
  const codec = COMMAND_CODECS[command.kind] as { encode(m: unknown): { finish(): Uint8Array } };
  return codec.encode(command.request).finish().byteLength;
}
