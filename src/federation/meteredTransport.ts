// A PartyTransport that reports every call to the node's telemetry (method, peer, outcome, bytes,
// latency) and otherwise passes through. Wraps the gRPC transport (and the fault injector in tests).
import { status } from '@grpc/grpc-js';
import type { Acknowledgement, PartyCommand } from './commands.js';
import { commandBytes, type FederationTelemetry } from './telemetry.js';
import { PeerRefusedError, PeerUnreachableError, type OutgoingObject, type PartyTransport, type PushReceipt } from './transport.js';

const STATUS_NAMES = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k.toLowerCase()]));

/** A failure as a small label set: unreachable, refused, or the error's gRPC status. */
export function outcomeOf(error: unknown): string {
  if (error instanceof PeerUnreachableError) return 'unreachable';
  if (error instanceof PeerRefusedError) return `refused_${STATUS_NAMES[error.code] ?? error.code}`;
  return 'error';
}

export class MeteredTransport implements PartyTransport {
  constructor(
    private readonly inner: PartyTransport,
    private readonly telemetry: FederationTelemetry,
  ) {}

  async send(command: PartyCommand, deadlineMs: number): Promise<Acknowledgement> {
    const started = performance.now();
    const report = { side: 'client' as const, method: command.kind, peer: command.request.header?.destinationPartyId ?? '', bytes: commandBytes(command) };
    try {
      const ack = await this.inner.send(command, deadlineMs);
      this.telemetry.message({ ...report, outcome: ack.duplicate ? 'duplicate' : 'ok', seconds: (performance.now() - started) / 1000 });
      return ack;
    } catch (error) {
      this.telemetry.message({ ...report, outcome: outcomeOf(error), seconds: (performance.now() - started) / 1000 });
      throw error;
    }
  }

  async push(object: OutgoingObject, deadlineMs: number): Promise<PushReceipt> {
    const started = performance.now();
    const report = { side: 'client' as const, method: 'push', peer: object.destination.partyId, bytes: object.bytes.byteLength };
    try {
      const receipt = await this.inner.push(object, deadlineMs);
      this.telemetry.message({ ...report, outcome: receipt.duplicate ? 'duplicate' : 'ok', seconds: (performance.now() - started) / 1000 });
      return receipt;
    } catch (error) {
      this.telemetry.message({ ...report, outcome: outcomeOf(error), seconds: (performance.now() - started) / 1000 });
      throw error;
    }
  }

  close(): void {
    this.inner.close();
  }
}
