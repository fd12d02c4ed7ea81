// `fedflow serving`: one party's serving node. gRPC (ModelService for flow, HostInferenceService
// for the guest's serving) and HTTP (online inference) on 127.0.0.1 by default; models and
// bindings persist in the data dir.
import { Server } from '@grpc/grpc-js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ModelServiceService } from '../gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { HostInferenceServiceService } from '../gen/fedflow/serving/v1/host_inference.js';
import { serverCredentials, type TlsMaterial } from '../federation/tls.js';
import { csvFeatureSource, type FeatureSource } from './featureSource.js';
import { HostClients, hostInferenceServer, SERVER_OPTIONS } from './hostInference.js';
import { createInferenceServer } from './httpEdge.js';
import { ModelRegistry } from './modelRegistry.js';
import { modelServiceServer } from './modelService.js';
import { transferClient, type FetchModel } from './transferClient.js';
import { credentialsFromEnv } from '../api/auth/signature.js';

export interface ServingConfig {
  readonly partyId: string;
  readonly host?: string;
  /** 0 = ephemeral. */
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The party's flow node (its /v1/model/transfer). */
  readonly flowUrl: string;
  /** Host party id → its serving's gRPC address. */
  readonly routes?: ReadonlyMap<string, string>;
  /** CSV of the host's online features (id column + feature columns). */
  readonly hostFeatures?: string;
  readonly dataDir: string;
  readonly tls: TlsMaterial;
  readonly hostDeadlineMs?: number;
  /** Tests replace the HTTP transfer call. */
  readonly fetchModel?: FetchModel;
  readonly log?: (line: string) => void;
}

export interface RunningServing {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** http://host:port of the inference endpoint's server. */
  readonly url: string;
  readonly registry: ModelRegistry;
  readonly features?: FeatureSource;
  close(): Promise<void>;
}

export const statePathOf = (dataDir: string, partyId: string): string => join(dataDir, `serving-${partyId}.json`);

export async function startServing(c: ServingConfig): Promise<RunningServing> {
  const host = c.host ?? '127.0.0.1';
  const log = c.log ?? (() => {});
  const features = c.hostFeatures ? csvFeatureSource(c.hostFeatures) : undefined;
  const registry = new ModelRegistry(statePathOf(c.dataDir, c.partyId));
  for (const problem of registry.restoreProblems) log(`not restored: ${problem}`);
  const hosts = new HostClients(c.routes ?? new Map(), c.tls, c.hostDeadlineMs);

  const grpc = new Server(SERVER_OPTIONS);
  grpc.addService(ModelServiceService, modelServiceServer({ registry, fetchModel: c.fetchModel ?? transferClient(c.flowUrl, undefined, credentialsFromEnv(process.env)), log }));
  const hostSide = hostInferenceServer({ partyId: c.partyId, registry, features }, c.tls);
  grpc.addService(HostInferenceServiceService, hostSide.service);
  const grpcPort = await new Promise<number>((resolve, reject) => {
    grpc.bindAsync(`${host}:${c.grpcPort}`, serverCredentials(c.tls), (err, port) => (err ? reject(err) : resolve(port)));
  });

  const http = createInferenceServer({ partyId: c.partyId, registry, hosts });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(c.httpPort, host, () => resolve());
    });
  } catch (err) {
    grpc.forceShutdown();
    hosts.close();
    throw err;
  }
  const httpPort = (http.address() as AddressInfo).port;

  return {
    grpcPort,
    httpPort,
    url: `http://${host}:${httpPort}`,
    registry,
    features,
    close: async () => {
      hosts.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      hostSide.endStreams();
      // In-flight ModelService calls get a moment; then whatever is left is cut.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          grpc.forceShutdown();
          resolve();
        }, 500);
        grpc.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
