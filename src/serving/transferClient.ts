// Pulls a party model's buffers from flow's POST /v1/model/transfer (what FATE-Serving does after a
// publishLoad with loadType FATEFLOW): {name: model_version, namespace: party model id} →
// {retcode: 0, data: {"<component>.<alias>:<BufferName>": base64}}.
import { signedHeaders, type Credentials } from '../api/auth/signature.js';
import type { ModelBuffers } from './servingModel.js';
import { Status, ServingError } from './statusCodes.js';

export type FetchModel = (tableName: string, namespace: string) => Promise<ModelBuffers>;

export function transferClient(flowUrl: string, timeoutMs = 10_000, credentials?: Credentials): FetchModel {
  const url = `${flowUrl.replace(/\/+$/, '')}/v1/model/transfer`;
  return async (tableName, namespace) => {
    let res: Response;
    try {
      const json = JSON.stringify({ name: tableName, namespace });
      // A flow node with app keys wants a signed request (FEDFLOW_APP_KEY / FEDFLOW_APP_SECRET of the serving).
      const signed = credentials ? signedHeaders(credentials, new URL(url).pathname, { json }) : {};
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed },
        body: json,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const why = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      throw new ServingError(Status.LOAD_MODEL_ERROR, `flow at ${flowUrl} is unreachable (${why})`);
    }
    let body: { retcode?: unknown; retmsg?: unknown; data?: unknown };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new ServingError(Status.LOAD_MODEL_ERROR, `${url} answered HTTP ${res.status} without JSON`);
    }
    if (body?.retcode !== 0) {
      throw new ServingError(Status.LOAD_MODEL_ERROR, `model transfer of ${namespace} ${tableName} failed: retcode ${String(body?.retcode)}, ${String(body?.retmsg ?? '')}`.trim());
    }
    const data = body.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new ServingError(Status.LOAD_MODEL_ERROR, `model transfer of ${namespace} ${tableName} answered no buffers`);
    }
    return data as ModelBuffers;
  };
}
