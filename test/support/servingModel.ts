// Genuine FATE model buffers for serving tests and the serving bench: a hetero LR party model as
// flow's /v1/model/transfer returns it (protobuf encoded with the generated types, base64), and a
// tiny real HTTP server answering /v1/model/transfer from such models.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataIOMeta } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-meta.js';
import { DataIOParam } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-param.js';
import { LRModelMeta } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-meta.js';
import { LRModelParam } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-param.js';
import { Pipeline } from '../../src/gen/com/webank/ai/fate/core/mlmodel/buffer/pipeline.js';
import type { PublishRequest } from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { FIXTURE_DATA } from './fixtures.js';

export const MODEL_ID = 'arbiter-10001#guest-9999#host-10000#model';
export const MODEL_VERSION = '202611270812345678901';
export const PARTIES = { guest: '9999', host: '10000', arbiter: '10001' } as const;
export const partyModelId = (role: string, partyId: string, modelId = MODEL_ID): string => `${role}#${partyId}#${modelId}`;

export const INFERENCE_DSL = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.eval_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
    hetero_lr_0: {
      module: 'HeteroLR',
      input: { data: { test_data: ['intersection_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr'] },
      output: { data: ['train'], model: ['hetero_lr'] },
    },
  },
};

export interface LrPartySpec {
  readonly role: 'guest' | 'host';
  readonly header: readonly string[];
  readonly weights: Readonly<Record<string, number>>;
  readonly intercept: number;
  readonly modelVersion?: string;
  readonly modelId?: string;
  readonly inferenceDsl?: unknown;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The transfer `data` of one party's hetero LR model. */
export function heteroLrBuffers(p: LrPartySpec): Record<string, string> {
  const guest = p.role === 'guest';
  return {
    'dataio_0.dataio:DataIOMeta': b64(DataIOMeta.encode(DataIOMeta.fromPartial({ inputFormat: 'dense', delimitor: ',', dataType: 'float64', withLabel: guest, labelName: guest ? 'y' : '', labelType: 'int', outputFormat: 'dense', needRun: true })).finish()),
    'dataio_0.dataio:DataIOParam': b64(DataIOParam.encode(DataIOParam.fromPartial({ header: [...p.header], sidName: 'id', labelName: guest ? 'y' : '' })).finish()),
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta': b64(LRModelMeta.encode(LRModelMeta.fromPartial({ penalty: 'L2', optimizer: 'rmsprop', fitIntercept: true, maxIter: 10, predictParam: { threshold: 0.5 } })).finish()),
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam': b64(
      LRModelParam.encode(LRModelParam.fromPartial({ iters: 10, isConverged: false, weight: { ...p.weights }, intercept: p.intercept, header: [...p.header] })).finish(),
    ),
    'pipeline.pipeline:Pipeline': b64(
      Pipeline.encode(
        Pipeline.fromPartial({
          inferenceDsl: Buffer.from(JSON.stringify(p.inferenceDsl ?? INFERENCE_DSL)),
          modelId: p.modelId ?? MODEL_ID,
          modelVersion: p.modelVersion ?? MODEL_VERSION,
          fateVersion: '1.4.5',
        }),
      ).finish(),
    ),
  };
}

/** Deterministic weights in [-1, 1) for the given feature names (a tiny LCG). */
export function seededWeights(header: readonly string[], seed: number): Record<string, number> {
  let s = seed >>> 0;
  const out: Record<string, number> = {};
  for (const name of header) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[name] = s / 2 ** 31 - 1;
  }
  return out;
}

export const GUEST_HEADER = Array.from({ length: 10 }, (_, i) => `x${i}`);
export const HOST_HEADER = Array.from({ length: 20 }, (_, i) => `x${i}`);
export const HOST_FEATURES_CSV = join(FIXTURE_DATA, 'breast_hetero_host.csv');

/** Rows of a breast CSV by id: feature name → number. */
export function csvRows(file: string): Map<string, Record<string, number>> {
  const [head, ...lines] = readFileSync(join(FIXTURE_DATA, file), 'utf8').trim().split('\n');
  const names = head!.split(',');
  const rows = new Map<string, Record<string, number>>();
  for (const line of lines) {
    const cells = line.split(',');
    const row: Record<string, number> = {};
    names.forEach((n, i) => {
      if (i > 0) row[n] = Number(cells[i]);
    });
    rows.set(cells[0]!, row);
  }
  return rows;
}

/** sigmoid(W_g·x_g + b + W_h·x_h), summed in header order: the score computed by hand. */
export function scoreByHand(guest: LrPartySpec, host: LrPartySpec, xg: Record<string, number>, xh: Record<string, number>): number {
  let g = 0;
  for (const n of guest.header) g += guest.weights[n]! * xg[n]!;
  let h = 0;
  for (const n of host.header) h += host.weights[n]! * xh[n]!;
  return 1 / (1 + Math.exp(-(g + guest.intercept + h)));
}

/** A real HTTP /v1/model/transfer over the given models (namespace + name → buffers). */
export async function startTransferServer(models: ReadonlyMap<string, Record<string, string>>): Promise<{ url: string; calls: { name: string; namespace: string }[]; close(): Promise<void> }> {
  const calls: { name: string; namespace: string }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      let answer: unknown;
      if (req.url !== '/v1/model/transfer') answer = { retcode: 404, retmsg: 'not found' };
      else {
        const { name, namespace } = JSON.parse(text) as { name: string; namespace: string };
        calls.push({ name, namespace });
        const data = models.get(`${namespace}|${name}`);
        answer = data ? { retcode: 0, retmsg: 'success', data } : { retcode: 100, retmsg: `model ${namespace} ${name} not found` };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** The PublishRequest flow's /v1/model/load sends a party's serving (contract §5.19/§10.2). */
export function loadRequest(role: 'guest' | 'host', modelVersion = MODEL_VERSION, modelId = MODEL_ID): PublishRequest {
  const info = (r: string, p: string) => ({ roleModelInfo: { [p]: { tableName: modelVersion, namespace: partyModelId(r, p, modelId) } } });
  return {
    local: { role, partyId: PARTIES[role] },
    role: { guest: { partyId: [PARTIES.guest] }, host: { partyId: [PARTIES.host] }, arbiter: { partyId: [PARTIES.arbiter] } },
    model: { guest: info('guest', PARTIES.guest), host: info('host', PARTIES.host), arbiter: info('arbiter', PARTIES.arbiter) },
    serviceId: '',
    tableName: '',
    namespace: '',
    loadType: 'FATEFLOW',
    filePath: '',
  };
}

/** The PublishRequest of flow's /v1/model/bind: the initiator (guest) only. */
export function bindRequest(serviceId: string, modelVersion = MODEL_VERSION, modelId = MODEL_ID): PublishRequest {
  const req = loadRequest('guest', modelVersion, modelId);
  return { ...req, serviceId, model: { guest: req.model['guest']! }, loadType: '' };
}
