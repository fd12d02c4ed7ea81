// Online inference at the guest's serving: {serviceId, featureData, sendToRemoteFeatureData} → the
// row through the model's feature components (featurePipeline.ts), then sigmoid(W_g·x_g + b +
// Σ_hosts W_h·x_h) or the trees' walk, the hosts' parts asked over gRPC. Answers are
// FATE-Serving-like envelopes {retcode, retmsg, data}; a refusal names what is wrong.
import type { HostClients } from './hostInference.js';
import type { ModelRegistry } from './modelRegistry.js';
import { linearPart, sigmoid } from './scoring.js';
import { guestPrediction } from './treeScoring.js';
import { inputHitRate, transformRow } from './featurePipeline.js';
import { Status, ServingError } from './statusCodes.js';

export interface InferenceRequest {
  readonly serviceId: string;
  readonly featureData: Readonly<Record<string, unknown>>;
  readonly sendToRemoteFeatureData: Readonly<Record<string, string>>;
  readonly caseId: string;
}

export interface InferenceAnswer {
  readonly retcode: number;
  readonly retmsg: string;
  readonly data?: Record<string, unknown>;
}

export interface GuestSide {
  readonly partyId: string;
  readonly registry: ModelRegistry;
  readonly hosts: HostClients;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string): never => {
  throw new ServingError(Status.PARAM_ERROR, message);
};

/**
 * Checks a request body: FATE-Serving 1.x's flat {serviceId, featureData, sendToRemoteFeatureData}
 * or 2.x's {head: {serviceId}, body: {featureData, sendToRemoteFeatureData}}.
 */
export function parseInferenceBody(body: unknown): InferenceRequest {
  if (!isObject(body)) return bad('the request body must be a JSON object');
  const head = isObject(body.head) ? body.head : body;
  const inner = isObject(body.body) ? body.body : body;
  const serviceId = head.serviceId;
  if (typeof serviceId !== 'string' || serviceId.trim() === '') return bad('serviceId is required (a non-empty string)');
  const featureData = inner.featureData;
  if (!isObject(featureData)) return bad('featureData is required (an object of feature name → value)');
  const remote = inner.sendToRemoteFeatureData ?? {};
  if (!isObject(remote)) return bad('sendToRemoteFeatureData must be an object (e.g. {"id": "133"})');
  const sendToRemoteFeatureData: Record<string, string> = {};
  for (const [k, v] of Object.entries(remote)) {
    if (typeof v !== 'string' && typeof v !== 'number') return bad(`sendToRemoteFeatureData.${k} must be a string or a number`);
    sendToRemoteFeatureData[k] = String(v);
  }
  const caseId = head.caseId ?? head.caseid ?? '';
  return { serviceId: serviceId.trim(), featureData, sendToRemoteFeatureData, caseId: typeof caseId === 'string' ? caseId : String(caseId) };
}

export async function inferOnline(g: GuestSide, req: InferenceRequest): Promise<InferenceAnswer> {
  const loaded = g.registry.byService(req.serviceId);
  if (!loaded) throw new ServingError(Status.MODEL_NULL, `no model is bound to service id ${req.serviceId}`);
  if (loaded.role !== 'guest') throw new ServingError(Status.INVALID_ROLE_ERROR, `service id ${req.serviceId} is bound to a host model; ask the guest's serving`);
  const { lr, sbt, features } = loaded.model;
  // The guest's row through DataIO and the feature components first: a bad value is refused before any host is asked.
  const row = transformRow(features, req.featureData, 'guest');
  const hostIds = loaded.roles['host'] ?? loaded.partners.filter((p) => p.role === 'host').map((p) => p.partyId);
  if (hostIds.length > 0 && Object.keys(req.sendToRemoteFeatureData).length === 0) {
    bad('sendToRemoteFeatureData is required: the hosts look their features up by it (e.g. {"id": "133"})');
  }
  const hostAnswers = await Promise.all(
    hostIds.map((hostPartyId) =>
      g.hosts.partialScore(hostPartyId, {
        guestPartyId: loaded.partyId,
        guestModelNamespace: loaded.namespace,
        guestModelTableName: loaded.tableName,
        hostPartyId,
        sendToRemoteFeatureData: req.sendToRemoteFeatureData,
        caseId: req.caseId,
      }),
    ),
  );
  const hostHitRates: Record<string, number> = {};
  for (let i = 0; i < hostIds.length; i++) {
    const a = hostAnswers[i]!;
    if (a.retcode !== Status.SUCCESS) throw new ServingError(a.retcode, `host ${hostIds[i]}: ${a.retmsg}`);
    hostHitRates[hostIds[i]!] = a.inputDataHitRate;
  }
  let result: Record<string, unknown>;
  if (sbt) {
    const directions = new Map(hostIds.map((id, i) => [`host:${id}`, hostAnswers[i]!.splitDirections]));
    const p = guestPrediction(sbt, `guest:${loaded.partyId}`, row, directions);
    // score as FATE-Serving answers it (the probability of class 1, or the value); label and
    // detail as the predict job's predict_result and predict_detail.
    result = { score: p.score, label: p.result, detail: p.detail };
  } else {
    // Same order as the offline predict: W_g·x_g, + intercept, + each host's part in role order.
    let z = linearPart(lr!, row, 'guest').score + lr!.intercept;
    for (const a of hostAnswers) z += a.partialScore;
    result = { score: sigmoid(z) };
  }
  const guestHitRate = inputHitRate(features, req.featureData);
  return {
    retcode: Status.SUCCESS,
    retmsg: 'success',
    data: {
      ...result,
      modelId: loaded.namespace,
      modelVersion: loaded.tableName,
      serviceId: req.serviceId,
      caseId: req.caseId,
      timestamp: Date.now(),
      guestInputDataHitRate: guestHitRate,
      hostInputDataHitRate: hostHitRates,
    },
  };
}

/** Never throws: a refusal or failure is an envelope with its status code. */
export async function answerInference(g: GuestSide, body: unknown): Promise<InferenceAnswer> {
  try {
    return await inferOnline(g, parseInferenceBody(body));
  } catch (err) {
    if (err instanceof ServingError) return { retcode: err.code, retmsg: err.message };
    return { retcode: Status.SYSTEM_ERROR, retmsg: `inference failed: ${(err as Error)?.message ?? String(err)}` };
  }
}
