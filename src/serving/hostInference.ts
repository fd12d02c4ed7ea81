// Guest → host remote inference (fedflow.serving.v1.HostInferenceService). The host answers its
// partial score W_h·x_h for the row whose ids the guest forwards; the host's model is the partner
// of the guest's model, and under mutual TLS only that guest party may ask.
import { Metadata, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
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
    const part = linearPart(model.model.lr, row, 'host');
    return { retcode: Status.SUCCESS, retmsg: 'success', partialScore: part.score, inputDataHitRate: part.hitRate, hostModelNamespace: model.namespace, hostModelTableName: model.tableName };
  } catch (err) {
    if (err instanceof ServingError) return answer(err.code, err.message);
    throw err;
  }
}

export function hostInferenceServer(h: HostSide, tls: TlsMaterial): HostInferenceServiceServer {
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
  return {
    partialScore: (call: ServerUnaryCall<PartialScoreRequest, PartialScoreResponse>, cb: sendUnaryData<PartialScoreResponse>) => {
      const denied = denial(call, [call.request]);
      if (denied) return cb({ code: status.PERMISSION_DENIED, details: denied });
      cb(null, safely(call.request));
    },
    partialScores: (call: ServerUnaryCall<PartialScoresRequest, PartialScoresResponse>, cb: sendUnaryData<PartialScoresResponse>) => {
      const denied = denial(call, call.request.requests);
      if (denied) return cb({ code: status.PERMISSION_DENIED, details: denied });
      cb(null, { responses: call.request.requests.map(safely) });
    },
  };
}

interface Pending {
  readonly req: PartialScoreRequest;
  resolve(res: PartialScoreResponse): void;
  reject(err: Error): void;
}

/** Most rows in one PartialScores call (bounds a call's size; the rest go in the next call). */
const MAX_BATCH = 256;

/**
 * The guest's clients to its hosts' servings: one channel per host party, made on first use.
 * Requests for a host that arrive in the same event-loop turn travel in one PartialScores call:
 * at low load a call carries one row (no added wait), under load the call's cost is shared.
 */
export class HostClients {
  private readonly clients = new Map<string, HostInferenceServiceClient>();
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly routes: ReadonlyMap<string, string>,
    private readonly tls: TlsMaterial,
    private readonly deadlineMs = 3000,
  ) {}

  /** The host's answer; transport failures become ServingError (105 unreachable, 106 no route). */
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
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private flush(hostPartyId: string): void {
    const queue = this.queues.get(hostPartyId) ?? [];
    this.queues.delete(hostPartyId);
    for (let start = 0; start < queue.length; start += MAX_BATCH) this.send(hostPartyId, queue.slice(start, start + MAX_BATCH));
  }

  private send(hostPartyId: string, batch: Pending[]): void {
    const client = this.clients.get(hostPartyId);
    if (!client) {
      const err = new ServingError(Status.NET_ERROR, `host ${hostPartyId}'s serving client is closed`);
      for (const p of batch) p.reject(err);
      return;
    }
    const request: PartialScoresRequest = { requests: batch.map((p) => p.req) };
    client.partialScores(request, new Metadata(), { deadline: Date.now() + this.deadlineMs }, (err: ServiceError | null, res?: PartialScoresResponse) => {
      if (err) {
        const address = this.routes.get(hostPartyId);
        const unreachable = err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED;
        const failure = new ServingError(unreachable ? Status.NET_ERROR : Status.SYSTEM_ERROR, `host ${hostPartyId}'s serving at ${address} ${unreachable ? 'is unreachable' : 'refused'}: ${err.details || err.message}`);
        for (const p of batch) p.reject(failure);
        return;
      }
      const responses = res?.responses ?? [];
      batch.forEach((p, i) => {
        const r = responses[i];
        if (r) p.resolve(r);
        else p.reject(new ServingError(Status.SYSTEM_ERROR, `host ${hostPartyId} answered ${responses.length} rows for ${batch.length}`));
      });
    });
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
