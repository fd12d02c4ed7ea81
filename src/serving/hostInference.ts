// Guest → host remote inference (fedflow.serving.v1.HostInferenceService). The host answers its
// partial score W_h·x_h for the row whose ids the guest forwards; the host's model is the partner
// of the guest's model, and under mutual TLS only that guest party may ask.
import { Metadata, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { HostInferenceServiceClient, type HostInferenceServiceServer, type PartialScoreRequest, type PartialScoreResponse } from '../gen/fedflow/serving/v1/host_inference.js';
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
  return {
    partialScore: (call: ServerUnaryCall<PartialScoreRequest, PartialScoreResponse>, cb: sendUnaryData<PartialScoreResponse>) => {
      if (!tls.insecure) {
        const cert = call.getAuthContext()?.sslPeerCertificate as Parameters<typeof partyOfCertificate>[0];
        const party = partyOfCertificate(cert);
        if (party !== call.request.guestPartyId) {
          cb({ code: status.PERMISSION_DENIED, details: `request claims guest party ${call.request.guestPartyId} but the peer certificate is for party ${party ?? '(none)'}` });
          return;
        }
      }
      try {
        cb(null, hostPartialScore(h, call.request));
      } catch (err) {
        cb(null, answer(Status.SYSTEM_ERROR, (err as Error)?.message ?? String(err)));
      }
    },
  };
}

/** The guest's clients to its hosts' servings: one channel per host party, made on first use. */
export class HostClients {
  private readonly clients = new Map<string, HostInferenceServiceClient>();

  constructor(
    private readonly routes: ReadonlyMap<string, string>,
    private readonly tls: TlsMaterial,
    private readonly deadlineMs = 3000,
  ) {}

  /** The host's answer; transport failures become ServingError (105 unreachable, 106 no route). */
  async partialScore(hostPartyId: string, req: PartialScoreRequest): Promise<PartialScoreResponse> {
    const client = this.client(hostPartyId);
    return new Promise((resolve, reject) => {
      client.partialScore(req, new Metadata(), { deadline: Date.now() + this.deadlineMs }, (err: ServiceError | null, res?: PartialScoreResponse) => {
        if (err) {
          const address = this.routes.get(hostPartyId);
          const unreachable = err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED;
          reject(new ServingError(unreachable ? Status.NET_ERROR : Status.SYSTEM_ERROR, `host ${hostPartyId}'s serving at ${address} ${unreachable ? 'is unreachable' : 'refused'}: ${err.details || err.message}`));
        } else resolve(res!);
      });
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private client(partyId: string): HostInferenceServiceClient {
    let c = this.clients.get(partyId);
    if (c) return c;
    const address = this.routes.get(partyId);
    if (!address) throw new ServingError(Status.ROUTER_ERROR, `no address for host ${partyId}'s serving (start the guest's serving with --route ${partyId}=host:port)`);
    c = new HostInferenceServiceClient(address, clientCredentials(this.tls, partyId), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    });
    this.clients.set(partyId, c);
    return c;
  }
}
