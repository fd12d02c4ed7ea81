// A small real FATE-Serving ModelService on 127.0.0.1 (grpc-js): it records every publishLoad and
// publishBind request and answers what the test sets (statusCode 0 by default).
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  ModelServiceService,
  type PublishRequest,
  type PublishResponse,
} from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';

export interface FakeServing {
  readonly address: string;
  readonly loads: PublishRequest[];
  readonly binds: PublishRequest[];
  /** What publishLoad / publishBind answer next. */
  answer: { load: Partial<PublishResponse>; bind: Partial<PublishResponse> };
  close(): Promise<void>;
}

const response = (r: Partial<PublishResponse>): PublishResponse => ({ statusCode: 0, message: '', error: '', data: Buffer.alloc(0), ...r });

export async function startFakeServing(): Promise<FakeServing> {
  const server = new Server();
  const fake: Omit<FakeServing, 'address' | 'close'> = { loads: [], binds: [], answer: { load: {}, bind: {} } };
  const unimplemented = (_c: unknown, cb: sendUnaryData<unknown>) => cb({ code: 12, details: 'not in the fake' });
  server.addService(ModelServiceService, {
    publishLoad: (call: ServerUnaryCall<PublishRequest, PublishResponse>, cb: sendUnaryData<PublishResponse>) => {
      fake.loads.push(call.request);
      cb(null, response(fake.answer.load));
    },
    publishBind: (call: ServerUnaryCall<PublishRequest, PublishResponse>, cb: sendUnaryData<PublishResponse>) => {
      fake.binds.push(call.request);
      cb(null, response(fake.answer.bind));
    },
    publishOnline: unimplemented,
    queryModel: unimplemented,
    unload: unimplemented,
    unbind: unimplemented,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return Object.assign(fake, {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  });
}
