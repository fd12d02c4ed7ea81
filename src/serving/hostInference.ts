// Guest → host remote inference (fedflow.serving.v1.HostInferenceService). The host answers its
// partial score W_h·x_h (or its split directions) for the row whose ids the guest forwards, after
// its own feature components; the host's model is the partner
// of the guest's model, and under mutual TLS only that guest party may ask.
import { status, type ClientDuplexStream, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import {
  HostInferenceServiceClient,
  type HostInferenceServiceServer,
  type PartialScoreRequest,
  type PartialScoreResponse,
  type PartialScoresRequest,
  type PartialScoresResponse,
} from '../gen/fedflow/serving/v1/host_inference.js';
import { partyOfCertificate } from '../federation/peerIdentity.js';
import { clientCredentials, type TlsMaterial } from '../federation/tls.js';
import type { FeatureSource } from './featureSource.js';
import type { ModelRegistry } from './modelRegistry.js';
import { linearPart } from './scoring.js';
import { hostDirections } from './treeScoring.js';
import { inputHitRate, transformRow } from './featurePipeline.js';
import { Status, ServingError } from './statusCodes.js';

export interface HostSide {
  readonly partyId: string;
  readonly registry: ModelRegistry;
  readonly features?: FeatureSource;
}

/**
 * Channels and servers of the serving path: a failed channel reconnects quickly, and grpc-js's
 * per-call retry buffering and channelz bookkeeping are off (calls are small, answers idempotent;
 * the guest reports a failure instead of retrying within the caller's latency budget).
 */
export const CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.enable_retries': 0,
  'grpc.enable_channelz': 0,
};
export const SERVER_OPTIONS = { 'grpc.enable_channelz': 0 };

const answer = (retcode: number, retmsg: string): PartialScoreResponse => ({
  retcode,
  retmsg,
  partialScore: 0,
  inputDataHitRate: 0,
  hostModelNamespace: '',
  hostModelTableName: '',
  splitDirections: Buffer.alloc(0),
});

/** The host's answer to one request (pure apart from the registry and feature lookups). */
export function hostPartialScore(h: HostSide, req: PartialScoreRequest): PartialScoreResponse {
  if (req.hostPartyId && req.hostPartyId !== h.partyId) return answer(Status.REQUEST_PARAM_ERROR, `this serving is party ${h.partyId}, not host ${req.hostPartyId}`);
  const model = h.registry.partnerOf(req.guestModelTableName, req.guestModelNamespace);
  // A model of another guest is answered as absent: a party learns nothing of others' models.
  const partner = model?.partners.find((p) => p.tableName === req.guestModelTableName && p.namespace === req.guestModelNamespace);
  if (!model || partner?.partyId !== req.guestPartyId) {
    return answer(Status.MODEL_NULL, `host ${h.partyId} has no model loaded for guest model ${req.guestModelNamespace} ${req.guestModelTableName}`);
  }
  if (!h.features) return answer(Status.HOST_FEATURE_NOT_EXIST, `host ${h.partyId} has no feature source (start its serving with --host-features)`);
  const row = h.features.lookup(req.sendToRemoteFeatureData);
  if (!row) {
    const id = req.sendToRemoteFeatureData[h.features.idName] ?? req.sendToRemoteFeatureData['id'];
    return answer(Status.HOST_FEATURE_NOT_EXIST, id === undefined ? `sendToRemoteFeatureData has no ${h.features.idName}` : `host ${h.partyId} has no features for ${h.features.idName} ${id}`);
  }
  try {
    const found = { hostModelNamespace: model.namespace, hostModelTableName: model.tableName };
    const { sbt: trees, lr, features } = model.model;
    // The host's row through its own DataIO and feature components, as its predict job runs them.
    const transformed = transformRow(features, row, 'host');
    const inputDataHitRate = inputHitRate(features, row);
    if (trees) {
      // SecureBoost: only which way this host's own split nodes send the row.
      const splitDirections = hostDirections(trees, `host:${h.partyId}`, transformed);
      return { retcode: Status.SUCCESS, retmsg: 'success', partialScore: 0, inputDataHitRate, ...found, splitDirections };
    }
    const part = linearPart(lr!, transformed, 'host');
    return { retcode: Status.SUCCESS, retmsg: 'success', partialScore: part.score, inputDataHitRate, ...found, splitDirections: Buffer.alloc(0) };
  } catch (err) {
    if (err instanceof ServingError) return answer(err.code, err.message);
    throw err;
  }
}

/** The service, and a way to end the guests' open streams when the serving closes. */
export function hostInferenceServer(h: HostSide, tls: TlsMaterial): { service: HostInferenceServiceServer; endStreams(): void } {
  const streams = new Set<ServerDuplexStream<PartialScoresRequest, PartialScoresResponse>>();
  /** Under mutual TLS a request must come from the guest party it names. */
  const denial = (call: { getAuthContext(): { sslPeerCertificate?: unknown } | null }, requests: readonly PartialScoreRequest[]): string | undefined => {
    if (tls.insecure) return undefined;
    const party = partyOfCertificate(call.getAuthContext()?.sslPeerCertificate as Parameters<typeof partyOfCertificate>[0]);
    const other = requests.find((r) => r.guestPartyId !== party);
    return other ? `request claims guest party ${other.guestPartyId} but the peer certificate is for party ${party ?? '(none)'}` : undefined;
  };
  const safely = (req: PartialScoreRequest): PartialScoreResponse => {
    try {
      return hostPartialScore(h, req);
    } catch (err) {
      return answer(Status.SYSTEM_ERROR, (err as Error)?.message ?? String(err));
    }
  };
  const service: HostInferenceServiceServer = {
    partialScore: (call: ServerUnaryCall<PartialScoreRequest, PartialScoreResponse>, cb: sendUnaryData<PartialScoreResponse>) => {
      const denied = denial(call, [call.request]);
      if (denied) return cb({ code: status.PERMISSION_DENIED, details: denied });
      cb(null, safely(call.request));
    },
    partialScores: (call: ServerDuplexStream<PartialScoresRequest, PartialScoresResponse>) => {
      streams.add(call);
      const forget = (): boolean => streams.delete(call);
      call.on('close', forget);
      call.on('finish', forget);
      call.on('data', (batch: PartialScoresRequest) => {
        const denied = denial(call, batch.requests);
        // A peer claiming another party's rows ends its stream: nothing it sent is answered.
        if (denied) return call.emit('error', { code: status.PERMISSION_DENIED, details: denied });
        call.write({ batchId: batch.batchId, responses: batch.requests.map(safely) });
      });
      call.on('end', () => call.end());
      call.on('error', forget); // the guest went away
    },
  };
  return {
    service,
    // A guest's stream would keep a closed server's session alive: end each with UNAVAILABLE, so
    // the guest fails its waiting rows at once and reconnects to whatever serves the port next.
    endStreams: () => {
      for (const call of streams) call.emit('error', { code: status.UNAVAILABLE, details: `host ${h.partyId}'s serving is shutting down` });
      streams.clear();
    },
  };
}

interface Pending {
  readonly req: PartialScoreRequest;
  resolve(res: PartialScoreResponse): void;
  reject(err: Error): void;
}

interface InFlight {
  readonly batch: readonly Pending[];
  readonly timer: NodeJS.Timeout;
}

/** Most rows in one batch (bounds a message's size; the rest go in the next batch). */
const MAX_BATCH = 256;

/**
 * The guest's side of its hosts' servings: per host party one channel and one long-lived
 * PartialScores stream, opened on first use and reopened after a failure. Requests for a host that
 * arrive in the same event-loop turn travel as one batch: at low load a batch is one row (no added
 * wait), under load the per-message cost is shared.
 */
export class HostClients {
  private readonly clients = new Map<string, HostInferenceServiceClient>();
  private readonly streams = new Map<string, ClientDuplexStream<PartialScoresRequest, PartialScoresResponse>>();
  private readonly inFlight = new Map<string, Map<number, InFlight>>();
  private readonly queues = new Map<string, Pending[]>();
  private nextBatchId = 1;
  private closed = false;

  constructor(
    private readonly routes: ReadonlyMap<string, string>,
    private readonly tls: TlsMaterial,
    private readonly deadlineMs = 3000,
  ) {}

  /** The host's answer; failures become ServingError (105 unreachable or too slow, 106 no route). */
  async partialScore(hostPartyId: string, req: PartialScoreRequest): Promise<PartialScoreResponse> {
    this.client(hostPartyId); // a missing route fails here, before queueing
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(hostPartyId);
      if (!queue) {
        queue = [];
        this.queues.set(hostPartyId, queue);
        setImmediate(() => this.flush(hostPartyId));
      }
      queue.push({ req, resolve, reject });
    });
  }

  close(): void {
    this.closed = true;
    for (const [party, stream] of this.streams) {
      this.failAll(party, new ServingError(Status.NET_ERROR, `the guest's serving is closing`));
      stream.cancel();
    }
    this.streams.clear();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private flush(hostPartyId: string): void {
    const queue = this.queues.get(hostPartyId) ?? [];
    this.queues.delete(hostPartyId);
    for (let start = 0; start < queue.length; start += MAX_BATCH) this.send(hostPartyId, queue.slice(start, start + MAX_BATCH));
  }

  private send(hostPartyId: string, batch: Pending[]): void {
    if (this.closed) {
      for (const p of batch) p.reject(new ServingError(Status.NET_ERROR, `the guest's serving is closing`));
      return;
    }
    const id = this.nextBatchId++;
    const pending = this.pendingOf(hostPartyId);
    const timer = setTimeout(() => {
      if (!pending.delete(id)) return;
      const err = new ServingError(Status.NET_ERROR, `host ${hostPartyId}'s serving at ${this.routes.get(hostPartyId)} did not answer within ${this.deadlineMs} ms`);
      for (const p of batch) p.reject(err);
    }, this.deadlineMs);
    pending.set(id, { batch, timer });
    this.stream(hostPartyId).write({ batchId: BigInt(id), requests: batch.map((p) => p.req) });
  }

  private pendingOf(hostPartyId: string): Map<number, InFlight> {
    let m = this.inFlight.get(hostPartyId);
    if (!m) this.inFlight.set(hostPartyId, (m = new Map()));
    return m;
  }

  private stream(hostPartyId: string): ClientDuplexStream<PartialScoresRequest, PartialScoresResponse> {
    const open = this.streams.get(hostPartyId);
    if (open) return open;
    const stream = this.client(hostPartyId).partialScores();
    this.streams.set(hostPartyId, stream);
    const pending = this.pendingOf(hostPartyId);
    stream.on('data', (res: PartialScoresResponse) => {
      const id = Number(res.batchId);
      const entry = pending.get(id);
      if (!entry) return; // answered after its deadline
      pending.delete(id);
      clearTimeout(entry.timer);
      entry.batch.forEach((p, i) => {
        const r = res.responses[i];
        if (r) p.resolve(r);
        else p.reject(new ServingError(Status.SYSTEM_ERROR, `host ${hostPartyId} answered ${res.responses.length} rows for ${entry.batch.length}`));
      });
    });
    const ended = (err?: ServiceError): void => {
      if (this.streams.get(hostPartyId) !== stream) return;
      this.streams.delete(hostPartyId);
      const address = this.routes.get(hostPartyId);
      const unreachable = !err || err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED || err.code === status.CANCELLED;
      const why = err ? err.details || err.message : 'the stream ended';
      this.failAll(hostPartyId, new ServingError(unreachable ? Status.NET_ERROR : Status.SYSTEM_ERROR, `host ${hostPartyId}'s serving at ${address} ${unreachable ? 'is unreachable' : 'refused'}: ${why}`));
    };
    stream.on('error', (err: ServiceError) => ended(err));
    stream.on('end', () => ended());
    return stream;
  }

  private failAll(hostPartyId: string, err: Error): void {
    const pending = this.inFlight.get(hostPartyId);
    if (!pending) return;
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      for (const p of entry.batch) p.reject(err);
    }
    pending.clear();
  }

  private client(partyId: string): HostInferenceServiceClient {
    let c = this.clients.get(partyId);
    if (c) return c;
    const address = this.routes.get(partyId);
    if (!address) throw new ServingError(Status.ROUTER_ERROR, `no address for host ${partyId}'s serving (start the guest's serving with --route ${partyId}=host:port)`);
    c = new HostInferenceServiceClient(address, clientCredentials(this.tls, partyId), CHANNEL_OPTIONS);
    this.clients.set(partyId, c);
    return c;
  }
}
