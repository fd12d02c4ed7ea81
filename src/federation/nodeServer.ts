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
import { senderActor } from './originActor.js';
import { runInScope } from '../store/audit/auditScope.js';
import { serverCredentials, type TlsMaterial } from './tls.js';
import type { PartyAddress } from './transport.js';
import { commandBytes, NO_FEDERATION_TELEMETRY, type FederationTelemetry } from './telemetry.js';
// --- hardening (limits per peer, stalled streams, unknown jobs): see peerGuard.ts ---
import { DEFAULT_LIMITS, type Limits } from '../config.js';
import { PeerGuard } from './peerGuard.js';
import { LivenessServiceService, type HeartbeatRequest, type HeartbeatResponse } from '../gen/fedflow/v1/liveness.js';
// --- end hardening ---

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
  /** Whether a job exists on this node: objects of any other job are refused (NOT_FOUND) before they are buffered. */
  knowsJob?(jobId: string): boolean;
  /** A heartbeat of another party (partyLiveness.ts): the status here of each job it asks about ('' = unknown). */
  onHeartbeat?(sourcePartyId: string, jobIds: readonly string[]): { jobId: string; status: string }[];
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
  /** Message size, per-peer and stalled-stream limits (config.ts; defaults when absent). */
  readonly limits?: Partial<Limits>;
  /** Each received call, for /metrics. */
  readonly telemetry?: FederationTelemetry;
}

export interface RunningNodeServer {
  readonly port: number;
  /** Forgets the data-plane ids of a job (after it ended). */
  forgetJob(jobId: string): void;
  /** The per-peer limits in force (refusal counts, what each peer holds). */
  readonly guard: PeerGuard;
  close(): Promise<void>;
}

type Denial = { code: number; details: string };

const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k.toLowerCase()]));

export async function startNodeServer(o: NodeServerOptions): Promise<RunningNodeServer> {
  // --- hardening: limits ---
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
  const guard = new PeerGuard(limits);
  const server = new Server({
    'grpc.max_receive_message_length': limits.grpcMaxMessageBytes,
    // HTTP/2 streams one connection may open (beyond it the client queues). Above the per-party call
    // limit, so that a party over it gets the guard's clear refusal rather than a silent queue.
    'grpc.max_concurrent_streams': 2 * limits.grpcMaxCallsPerPeer,
    // A peer whose connection went silent (a cut link, a stopped process) is noticed and its calls end.
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  /** Who is calling, for the per-peer limits: the party its certificate proves, else its address. */
  const peerOf = (call: { getAuthContext(): { sslPeerCertificate?: unknown } | null; getPeer(): string }): string => {
    if (!o.tls.insecure) {
      const party = partyOfCertificate(call.getAuthContext()?.sslPeerCertificate as Parameters<typeof partyOfCertificate>[0]);
      if (party) return party;
    }
    return call.getPeer().replace(/:\d+$/, '');
  };
  // --- end hardening ---
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
      actor: senderActor(header, !o.tls.insecure), // and the client it vouches for (originActor.ts)
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
    const admitted = guard.openCall(peerOf(call));
    if ('code' in admitted) return callback(admitted);
    apply(command, header).then(
      (ack) => callback(null, { ack: { messageId: header.messageId, duplicate: ack.duplicate, retcode: ack.retcode, retmsg: ack.retmsg } } as { ack: { duplicate: boolean } }),
      (err: Error) => callback({ code: status.INTERNAL, details: `${kind} failed: ${err.message}` }),
    ).finally(admitted.release);
  };

  const partyImpl = Object.fromEntries(COMMAND_KINDS.map((k) => [k, unary(k)]));

  const push = (call: ServerReadableStream<PushRequest, PushResponse>, reply: sendUnaryData<PushResponse>): void => {
    const started = performance.now();
    // Declared before the answer that counts them: a refusal can come before the first chunk.
    let first: PushRequest | undefined;
    let received = 0;
    const callback = (error: Denial | null, value?: PushResponse): void => {
      const outcome = error ? (STATUS_NAMES[error.code] ?? String(error.code)) : value?.duplicate ? 'duplicate' : 'ok';
      telemetry.message({ side: 'server', method: 'push', peer: first?.source?.partyId ?? '', outcome, bytes: received, seconds: (performance.now() - started) / 1000 });
      if (error) reply(error);
      else reply(null, value);
    };
    // --- hardening: every way out of a stream (answer, refusal, cancel, stall) frees what it held ---
    const peer = peerOf(call);
    const admitted = guard.openCall(peer);
    if ('code' in admitted) {
      call.on('error', () => {});
      return callback(admitted);
    }
    let chunks: Buffer[] = [];
    let ended = false;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      done = true;
      clearTimeout(idle);
      guard.free(peer, received);
      chunks = [];
      admitted.release();
    };
    const finish = (error: Denial | null, answer?: PushResponse): void => {
      if (done) return;
      cleanup();
      if (error) callback(error);
      else callback(null, answer);
    };
    const fail = (e: Denial): void => finish(e);
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => fail({ code: status.DEADLINE_EXCEEDED, details: `object stream from ${peer} stalled: no chunk for ${limits.grpcStreamIdleMs} ms` }), limits.grpcStreamIdleMs);
      idle.unref();
    };
    touch();
    call.on('data', (chunk: PushRequest) => {
      if (done) return;
      touch();
      const rate = guard.message(peer);
      if (rate) return fail(rate);
      if (!first) {
        first = chunk;
        const denied = check(call, chunk.source?.partyId ?? '', chunk.destination?.partyId ?? '');
        if (denied) return fail(denied);
        if (!chunk.objectId || !chunk.jobId || !chunk.source || !chunk.destination) return fail({ code: status.INVALID_ARGUMENT, details: 'object stream without object id, job id, source or destination' });
        if (o.handlers.knowsJob && !o.handlers.knowsJob(chunk.jobId)) return fail({ code: status.NOT_FOUND, details: `job ${chunk.jobId} does not exist on the node of party ${o.partyIds.join(', ')}` });
        const total = Number(chunk.totalBytes);
        // OUT_OF_RANGE, not RESOURCE_EXHAUSTED: the sender must not retry an object that can never fit.
        if (total > limits.grpcMaxInflightBytesPerPeer) return fail({ code: status.OUT_OF_RANGE, details: `object ${chunk.objectId} of ${total} bytes exceeds the ${limits.grpcMaxInflightBytesPerPeer} bytes a peer may have in flight` });
      }
      if (chunk.chunkIndex !== chunks.length) return fail({ code: status.INVALID_ARGUMENT, details: `chunk ${chunk.chunkIndex} arrived, expected ${chunks.length}` });
      if (ended) return fail({ code: status.INVALID_ARGUMENT, details: `chunk ${chunk.chunkIndex} arrived after the end marker` });
      if (received + chunk.payload.byteLength > Number(first.totalBytes)) {
        return fail({ code: status.INVALID_ARGUMENT, details: `object ${first.objectId}: more than the ${first.totalBytes} bytes announced` });
      }
      const held = guard.hold(peer, chunk.payload.byteLength);
      if (held) return fail(held);
      chunks.push(chunk.payload);
      received += chunk.payload.byteLength;
      if (chunk.end) ended = true;
    });
    call.on('error', () => cleanup());
    call.on('cancelled', () => cleanup());
    call.on('end', () => {
      if (done) return;
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
        try {
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
        } catch (err) {
          seen.delete(first.objectId);
          return fail({ code: status.INTERNAL, details: `object ${first.objectId} not delivered: ${(err as Error).message}` });
        }
      }
      finish(null, { objectId: first.objectId, duplicate, receivedBytes: BigInt(received) });
    });
    // --- end hardening ---
  };

  // --- hardening: heartbeats (identity-checked and counted like any message; nothing stored) ---
  const heartbeat = (call: ServerUnaryCall<HeartbeatRequest, HeartbeatResponse>, callback: sendUnaryData<HeartbeatResponse>): void => {
    const r = call.request;
    const denied = check(call, r.sourcePartyId, r.destinationPartyId);
    if (denied) return callback(denied);
    const admitted = guard.openCall(peerOf(call));
    if ('code' in admitted) return callback(admitted);
    try {
      const jobs = o.handlers.onHeartbeat?.(r.sourcePartyId, r.jobIds.slice(0, 10_000)) ?? [];
      callback(null, { partyId: r.destinationPartyId, jobs });
    } catch (err) {
      callback({ code: status.INTERNAL, details: `heartbeat failed: ${(err as Error).message}` });
    } finally {
      admitted.release();
    }
  };
  server.addService(LivenessServiceService, { heartbeat });
  // --- end hardening ---
  server.addService(PartyServiceService, partyImpl);
  server.addService(FederationServiceService, { push });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host}:${o.port}`, serverCredentials(o.tls), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    forgetJob: (jobId) => void objectsSeen.delete(jobId),
    guard,
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
