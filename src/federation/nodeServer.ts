// A node's gRPC server: PartyService (scheduling commands) and FederationService (data plane).
// It accepts a message only if its claimed source party is the party of the peer's certificate,
// and applies each message id once (seen ids persist in the MessageStore; a duplicate arriving
// while the first is still being applied waits for and shares its answer).
import { Server, status, type ServerUnaryCall, type sendUnaryData, type ServerReadableStream } from '@grpc/grpc-js';
import { deserialize } from 'node:v8';
import { COMMAND_KINDS, type AckResult, type CommandKind, type PartyCommand } from './commands.js';
import { FederationServiceService, type PushRequest, type PushResponse } from '../gen/fedflow/v1/federation.js';
import { PartyServiceService, type Header } from '../gen/fedflow/v1/party.js';
import type { MessageStore } from './messageStore.js';
import { partyOfCertificate } from './peerIdentity.js';
import { runInScope } from '../store/audit/auditScope.js';
import { serverCredentials, type TlsMaterial } from './tls.js';
import type { PartyAddress } from './transport.js';
import { commandBytes, NO_FEDERATION_TELEMETRY, type FederationTelemetry } from './telemetry.js';

/** A federation object as the receiving node hands it on (payload deserialized). */
export interface IncomingObject {
  readonly objectId: string;
  readonly jobId: string;
  readonly componentName: string;
  readonly name: string;
  readonly tag: string;
  readonly source: PartyAddress;
  readonly destination: PartyAddress;
  readonly payload: unknown;
}

export interface NodeServerHandlers {
  /** Applies a command (already authenticated and deduplicated); a rejection is retried by the sender. */
  onCommand(command: PartyCommand): Promise<AckResult>;
  onObject(object: IncomingObject): void;
}

export interface NodeServerOptions {
  /** The party ids this node hosts (messages for others are refused). */
  readonly partyIds: readonly string[];
  readonly host: string;
  /** 0 = ephemeral. */
  readonly port: number;
  readonly tls: TlsMaterial;
  readonly store: MessageStore;
  readonly handlers: NodeServerHandlers;
  /** Each received call, for /metrics. */
  readonly telemetry?: FederationTelemetry;
}

export interface RunningNodeServer {
  readonly port: number;
  /** Forgets the data-plane ids of a job (after it ended). */
  forgetJob(jobId: string): void;
  close(): Promise<void>;
}

type Denial = { code: number; details: string };

const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k.toLowerCase()]));

export async function startNodeServer(o: NodeServerOptions): Promise<RunningNodeServer> {
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  const inflight = new Map<string, Promise<AckResult>>();
  const objectsSeen = new Map<string, Set<string>>();

  /** Why a message claiming `source` for `destination` is refused on this connection, if it is. */
  const check = (call: { getAuthContext(): { sslPeerCertificate?: unknown } | null }, source: string, destination: string): Denial | undefined => {
    if (!o.tls.insecure) {
      const cert = call.getAuthContext()?.sslPeerCertificate as Parameters<typeof partyOfCertificate>[0];
      const party = partyOfCertificate(cert);
      if (party !== source) {
        return { code: status.PERMISSION_DENIED, details: `message claims source party ${source} but the peer certificate is for party ${party ?? '(none)'}` };
      }
    }
    if (!o.partyIds.includes(destination)) {
      return { code: status.FAILED_PRECONDITION, details: `message for party ${destination} reached the node of party ${o.partyIds.join(', ')}` };
    }
    return undefined;
  };

  const apply = async (command: PartyCommand, header: Header): Promise<AckResult & { duplicate: boolean }> => {
    const id = header.messageId;
    const prior = o.store.seen(id);
    if (prior) return { ...prior, duplicate: true };
    const running = inflight.get(id);
    if (running) return { ...(await running), duplicate: true };
    // Who and why for every event the command appends: the party its certificate proved (checked
    // in `check` before we get here), in the conversation the sender named.
    const scope = {
      correlationId: header.correlationId || header.jobId || id,
      causationId: id,
      actor: { kind: 'party' as const, partyId: header.sourcePartyId, proven: !o.tls.insecure },
    };
    const p = runInScope(scope, () => o.handlers.onCommand(command)).then((ack) => {
      o.store.recordSeen(id, header.sourcePartyId, command.kind, ack);
      return ack;
    });
    inflight.set(id, p);
    try {
      return { ...(await p), duplicate: false };
    } finally {
      inflight.delete(id);
    }
  };

  const telemetry = o.telemetry ?? NO_FEDERATION_TELEMETRY;
  const unary = (kind: CommandKind) => (call: ServerUnaryCall<{ header?: Header }, unknown>, answer: sendUnaryData<unknown>): void => {
    const started = performance.now();
    const header = call.request.header;
    const command = { kind, request: call.request } as PartyCommand;
    const callback = (error: { code: number; details: string } | null, value?: { ack: { duplicate: boolean } }): void => {
      const outcome = error ? (STATUS_NAMES[error.code] ?? String(error.code)) : value?.ack.duplicate ? 'duplicate' : 'ok';
      let bytes = 0;
      try {
        bytes = commandBytes(command);
      } catch {
        // a request the codec cannot encode again: counted with 0 bytes
      }
      telemetry.message({ side: 'server', method: kind, peer: header?.sourcePartyId ?? '', outcome, bytes, seconds: (performance.now() - started) / 1000 });
      if (error) answer(error);
      else answer(null, value);
    };
    if (!header?.messageId) return callback({ code: status.INVALID_ARGUMENT, details: `${kind} without a header or message id` });
    const denied = check(call, header.sourcePartyId, header.destinationPartyId);
    if (denied) return callback(denied);
    apply(command, header).then(
      (ack) => callback(null, { ack: { messageId: header.messageId, duplicate: ack.duplicate, retcode: ack.retcode, retmsg: ack.retmsg } } as { ack: { duplicate: boolean } }),
      (err: Error) => callback({ code: status.INTERNAL, details: `${kind} failed: ${err.message}` }),
    );
  };

  const partyImpl = Object.fromEntries(COMMAND_KINDS.map((k) => [k, unary(k)]));

  const push = (call: ServerReadableStream<PushRequest, PushResponse>, answer: sendUnaryData<PushResponse>): void => {
    const started = performance.now();
    const callback = (error: Denial | null, value?: PushResponse): void => {
      const outcome = error ? (STATUS_NAMES[error.code] ?? String(error.code)) : value?.duplicate ? 'duplicate' : 'ok';
      telemetry.message({ side: 'server', method: 'push', peer: first?.source?.partyId ?? '', outcome, bytes: received, seconds: (performance.now() - started) / 1000 });
      if (error) answer(error);
      else answer(null, value);
    };
    const chunks: Buffer[] = [];
    let first: PushRequest | undefined;
    let received = 0;
    let ended = false;
    let failed = false;
    const fail = (e: Denial): void => {
      if (failed) return;
      failed = true;
      callback(e);
    };
    call.on('data', (chunk: PushRequest) => {
      if (failed) return;
      if (!first) {
        first = chunk;
        const denied = check(call, chunk.source?.partyId ?? '', chunk.destination?.partyId ?? '');
        if (denied) return fail(denied);
      }
      if (chunk.chunkIndex !== chunks.length) return fail({ code: status.INVALID_ARGUMENT, details: `chunk ${chunk.chunkIndex} arrived, expected ${chunks.length}` });
      chunks.push(chunk.payload);
      received += chunk.payload.byteLength;
      if (chunk.end) ended = true;
    });
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      if (!first || !ended) return fail({ code: status.INVALID_ARGUMENT, details: 'object stream ended without its end marker' });
      const total = Number(first.totalBytes);
      if (total !== received) return fail({ code: status.DATA_LOSS, details: `object ${first.objectId}: ${received} of ${total} bytes` });
      let seen = objectsSeen.get(first.jobId);
      if (!seen) objectsSeen.set(first.jobId, (seen = new Set()));
      const duplicate = seen.has(first.objectId);
      if (!duplicate) {
        let payload: unknown;
        try {
          payload = deserialize(Buffer.concat(chunks));
        } catch (err) {
          return fail({ code: status.DATA_LOSS, details: `object ${first.objectId} does not deserialize: ${(err as Error).message}` });
        }
        seen.add(first.objectId);
        o.handlers.onObject({
          objectId: first.objectId,
          jobId: first.jobId,
          componentName: first.componentName,
          name: first.name,
          tag: first.tag,
          source: { role: first.source!.role, partyId: first.source!.partyId },
          destination: { role: first.destination!.role, partyId: first.destination!.partyId },
          payload,
        });
      }
      callback(null, { objectId: first.objectId, duplicate, receivedBytes: BigInt(received) });
    });
  };

  server.addService(PartyServiceService, partyImpl);
  server.addService(FederationServiceService, { push });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host}:${o.port}`, serverCredentials(o.tls), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    forgetJob: (jobId) => void objectsSeen.delete(jobId),
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
