// FATE-Serving's ModelService (publishLoad, publishBind, publishOnline, queryModel, unload, unbind)
// over the registry. Every refusal is an answer with a status code and a message, never a thrown
// gRPC error: flow relays statusCode and message to its user.
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type {
  ModelServiceServer,
  PublishRequest,
  PublishResponse,
  QueryModelRequest,
  QueryModelResponse,
  UnbindRequest,
  UnbindResponse,
  UnloadRequest,
  UnloadResponse,
} from '../gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { modelKey, type LoadedModel, type ModelRef, type ModelRegistry, type ServingRole } from './modelRegistry.js';
import { decodeServingModel, modelComponentOf } from './servingModel.js';
import { Status, ServingError } from './statusCodes.js';
import type { FetchModel } from './transferClient.js';

/** FATE-Serving refuses these in a service id (it becomes part of registry URLs). */
const SERVICE_ID_FORBIDDEN = /[?:/&]/;

export interface ModelServiceDeps {
  readonly registry: ModelRegistry;
  readonly fetchModel: FetchModel;
  readonly log?: (line: string) => void;
}

/** The operations as plain async functions (the gRPC adapter below only wires them). */
export function modelOperations(d: ModelServiceDeps) {
  const log = d.log ?? (() => {});

  /** This serving's own part of the request's model: model[local.role][local.partyId]. */
  const selfOf = (req: PublishRequest): ModelRef & { role: ServingRole } => {
    const role = req.local?.role ?? '';
    const partyId = req.local?.partyId ?? '';
    if (!role || !partyId) throw new ServingError(Status.REQUEST_PARAM_ERROR, 'the request has no local role and party id');
    if (role !== 'guest' && role !== 'host') throw new ServingError(Status.INVALID_ROLE_ERROR, `role ${role} has no model to serve (only guest and host)`);
    const byParty = req.model[role]?.roleModelInfo ?? {};
    const info = byParty[partyId] ?? Object.values(byParty)[0];
    if (!info?.tableName || !info.namespace) throw new ServingError(Status.REQUEST_PARAM_ERROR, `the request's model has no model_version and party model id for ${role} ${partyId}`);
    return { role, partyId, tableName: info.tableName, namespace: info.namespace };
  };

  const publishLoad = async (req: PublishRequest): Promise<PublishResponse> => {
    const self = selfOf(req);
    if (req.loadType && req.loadType !== 'FATEFLOW') {
      throw new ServingError(Status.REQUEST_PARAM_ERROR, `loadType ${req.loadType} is not supported: fedflow serving loads models from flow (FATEFLOW)`);
    }
    const partners: ModelRef[] = [];
    for (const [role, byParty] of Object.entries(req.model)) {
      for (const [partyId, info] of Object.entries(byParty.roleModelInfo ?? {})) {
        if (role === self.role && partyId === self.partyId) continue;
        if (info?.tableName && info.namespace) partners.push({ role, partyId, tableName: info.tableName, namespace: info.namespace });
      }
    }
    const buffers = await d.fetchModel(self.tableName, self.namespace);
    const model = decodeServingModel(buffers, self.role);
    const roles = Object.fromEntries(Object.entries(req.role).map(([role, p]) => [role, [...(p.partyId ?? [])]]));
    d.registry.put({ ...self, partners, roles, loadedAt: Date.now(), buffers, model });
    log(`loaded ${self.role} ${self.partyId} model ${self.namespace} ${self.tableName} (${modelComponentOf(model).component}, ${modelComponentOf(model).features.length} features)`);
    return ok();
  };

  const publishBind = async (req: PublishRequest): Promise<PublishResponse> => {
    const serviceId = req.serviceId.trim();
    if (!serviceId) throw new ServingError(Status.REQUEST_PARAM_ERROR, 'param service id is blank');
    if (SERVICE_ID_FORBIDDEN.test(serviceId)) throw new ServingError(Status.BIND_MODEL_ERROR, `service id ${serviceId} contains one of ? : / &`);
    const self = selfOf(req);
    const loaded = d.registry.get(self.tableName, self.namespace);
    if (!loaded) throw new ServingError(Status.MODEL_NULL, `model ${modelKey(self.tableName, self.namespace)} is not loaded on this serving (publishLoad it first)`);
    d.registry.bind(serviceId, loaded);
    log(`bound service id ${serviceId} to ${loaded.namespace} ${loaded.tableName}`);
    return ok();
  };

  const queryModel = async (req: QueryModelRequest): Promise<QueryModelResponse> => {
    let models: LoadedModel[];
    if (req.tableName || req.namespace) {
      const one = d.registry.get(req.tableName, req.namespace);
      if (!one) return { retcode: Status.MODEL_NULL, message: `model ${modelKey(req.tableName, req.namespace)} is not loaded`, modelInfos: [] };
      models = [one];
    } else if (req.serviceId) {
      // queryType 1 (and a plain service id): FATE-Serving's fuzzy match on the bound service ids.
      const needle = req.serviceId.toLowerCase();
      const matched = new Set(d.registry.serviceIds().filter((id) => id.toLowerCase().includes(needle)).map((id) => d.registry.byService(id)!));
      models = [...matched];
      if (models.length === 0) return { retcode: Status.MODEL_NULL, message: `no model is bound to a service id like ${req.serviceId}`, modelInfos: [] };
    } else {
      models = d.registry.list();
    }
    const end = req.endIndex > 0 ? req.endIndex : models.length;
    const modelInfos = models.slice(Math.max(0, req.beginIndex), end).map((m, i) => ({
      tableName: m.tableName,
      namespace: m.namespace,
      index: Math.max(0, req.beginIndex) + i,
      content: JSON.stringify({
        role: m.role,
        partId: m.partyId,
        serviceIds: d.registry.serviceIdsOf(m),
        modelId: m.model.modelId,
        modelVersion: m.model.modelVersion,
        components: { dataio: m.model.dataIo.component, ...(m.model.lr ? { lr: m.model.lr.component } : { secureboost: m.model.sbt!.component }) },
        // The feature components applied online, in the order a row goes through them.
        transforms: m.model.features.steps.map((s) => ({ component: s.component, module: s.module })),
        features: modelComponentOf(m.model).features,
        partners: m.partners,
        timestamp: m.loadedAt,
      }),
    }));
    return { retcode: Status.SUCCESS, message: 'success', modelInfos };
  };

  const unload = async (req: UnloadRequest): Promise<UnloadResponse> => {
    if (!req.tableName || !req.namespace) return { statusCode: Status.REQUEST_PARAM_ERROR, message: 'unload needs tableName (model_version) and namespace (party model id)' };
    if (!d.registry.unload(req.tableName, req.namespace)) {
      return { statusCode: Status.MODEL_NULL, message: `model ${modelKey(req.tableName, req.namespace)} is not loaded, nothing to unload` };
    }
    log(`unloaded ${req.namespace} ${req.tableName}`);
    return { statusCode: Status.SUCCESS, message: 'success' };
  };

  const unbind = async (req: UnbindRequest): Promise<UnbindResponse> => {
    if (!req.serviceId) return { statusCode: Status.REQUEST_PARAM_ERROR, message: 'param service id is blank' };
    const bound = d.registry.byService(req.serviceId);
    if (!bound) return { statusCode: Status.MODEL_NULL, message: `service id ${req.serviceId} is not bound to any model` };
    // Optional guard as in FATE-Serving: the caller names the model it believes is bound.
    const named = req.tableName.map((t, i) => modelKey(t, req.namespace[i] ?? ''));
    const key = modelKey(bound.tableName, bound.namespace);
    if (named.length > 0 && !named.includes(key)) {
      return { statusCode: Status.MODEL_NULL, message: `service id ${req.serviceId} is bound to model ${key}, not ${named.join(', ')}` };
    }
    d.registry.unbind(req.serviceId);
    log(`unbound service id ${req.serviceId}`);
    return { statusCode: Status.SUCCESS, message: 'success' };
  };

  return { publishLoad, publishBind, publishOnline: publishBind, queryModel, unload, unbind };
}

const ok = (): PublishResponse => ({ statusCode: Status.SUCCESS, message: 'success', error: '', data: Buffer.alloc(0) });

function refusal(err: unknown): PublishResponse {
  if (err instanceof ServingError) return { statusCode: err.code, message: err.message, error: '', data: Buffer.alloc(0) };
  return { statusCode: Status.SYSTEM_ERROR, message: 'serving failed', error: (err as Error)?.message ?? String(err), data: Buffer.alloc(0) };
}

/** The grpc-js service implementation. */
export function modelServiceServer(d: ModelServiceDeps): ModelServiceServer {
  const ops = modelOperations(d);
  const publish = (op: (req: PublishRequest) => Promise<PublishResponse>) => (call: ServerUnaryCall<PublishRequest, PublishResponse>, cb: sendUnaryData<PublishResponse>) => {
    op(call.request).then((res) => cb(null, res), (err: unknown) => cb(null, refusal(err)));
  };
  const plain = <Q, R>(op: (req: Q) => Promise<R>, onError: (err: unknown) => R) => (call: ServerUnaryCall<Q, R>, cb: sendUnaryData<R>) => {
    op(call.request).then((res) => cb(null, res), (err: unknown) => cb(null, onError(err)));
  };
  const failed = (err: unknown) => ({ statusCode: Status.SYSTEM_ERROR, message: (err as Error)?.message ?? String(err) });
  return {
    publishLoad: publish(ops.publishLoad),
    publishBind: publish(ops.publishBind),
    publishOnline: publish(ops.publishOnline),
    queryModel: plain(ops.queryModel, (err) => ({ retcode: Status.SYSTEM_ERROR, message: (err as Error)?.message ?? String(err), modelInfos: [] })),
    unload: plain(ops.unload, failed),
    unbind: plain(ops.unbind, failed),
  };
}
