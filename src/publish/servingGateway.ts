// The node's client of FATE-Serving's ModelService (gRPC, plain text like fate-flow's
// grpc.insecure_channel). One channel per call, closed after it: loads and binds are rare, and a
// serving that restarted on another process is reached afresh. Every call has a deadline.
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ModelServiceClient, type PublishRequest, type PublishResponse } from '../gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import type { Outcome } from '../domain/publish/commands.js';

export interface ServingGateway {
  /** statusCode ≠ 0 → `{statusCode, "<message> <error>"}` (fate-flow's load answer). */
  publishLoad(address: string, request: PublishRequest): Promise<Outcome>;
  /** statusCode ≠ 0 → `{statusCode, "<message>"}` (fate-flow's bind answer). */
  publishBind(address: string, request: PublishRequest): Promise<Outcome>;
}

/** A serving that cannot be reached: fate-flow answered its exception as retcode 100. */
export const SERVING_UNREACHABLE = 100;

/** How long one publishLoad/publishBind may take (serving pulls the model during publishLoad). */
export const DEFAULT_SERVING_DEADLINE_MS = 20_000;

type Unary = (req: PublishRequest, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res?: PublishResponse) => void) => unknown;

export class GrpcServingGateway implements ServingGateway {
  constructor(private readonly deadlineMs = DEFAULT_SERVING_DEADLINE_MS) {}

  publishLoad(address: string, request: PublishRequest): Promise<Outcome> {
    return this.call(address, 'publishLoad', request, (r) => `${r.message} ${r.error}`);
  }

  publishBind(address: string, request: PublishRequest): Promise<Outcome> {
    return this.call(address, 'publishBind', request, (r) => r.message);
  }

  private call(address: string, method: 'publishLoad' | 'publishBind', request: PublishRequest, failure: (r: PublishResponse) => string): Promise<Outcome> {
    const client = new ModelServiceClient(address, credentials.createInsecure());
    const unary = (client[method] as unknown as Unary).bind(client);
    return new Promise<Outcome>((resolve) => {
      unary(request, new Metadata(), { deadline: Date.now() + this.deadlineMs }, (err, res) => {
        client.close();
        if (err || !res) {
          const code = err ? (status[err.code] ?? String(err.code)) : 'EMPTY';
          return resolve({ retcode: SERVING_UNREACHABLE, retmsg: `${method} to serving ${address} failed: ${code} ${err?.details || err?.message || 'no answer'}` });
        }
        resolve(res.statusCode === 0 ? { retcode: 0, retmsg: 'success' } : { retcode: res.statusCode, retmsg: failure(res) });
      });
    });
  }
}
