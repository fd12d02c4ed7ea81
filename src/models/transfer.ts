// /v1/model/transfer (contract 5.21), the answer FATE-Serving pulls after a publishLoad: every
// buffer of one party model as base64 of its protobuf bytes, keyed `<component>.<alias>:<BufferName>`.
// The serving side reads it back with decodeTransferData (and decodeBuffer from bufferCodec.ts).

/** Exactly the contract's success answer. */
export interface ModelTransferAnswer {
  readonly retcode: 0;
  readonly retmsg: 'success';
  /** Buffer key → base64 protobuf bytes. */
  readonly data: Record<string, string>;
}

/** The request's fields: `name` = model_version, `namespace` = party model id. */
export interface ModelTransferRequest {
  readonly name: string;
  readonly namespace: string;
}

export function modelTransferAnswer(buffers: ReadonlyMap<string, Uint8Array>): ModelTransferAnswer {
  const data: Record<string, string> = {};
  for (const key of [...buffers.keys()].sort()) data[key] = Buffer.from(buffers.get(key)!).toString('base64');
  return { retcode: 0, retmsg: 'success', data };
}

/** The retcode-100 message for a model this node does not hold (FATE answers a file-not-found text). */
export const unknownModelMessage = (r: ModelTransferRequest): string =>
  `No such file or directory: no pipeline model ${r.namespace} with model_version ${r.name} on this node (namespace = party model id, name = model_version)`;

/** A transfer answer's `data` back to bytes per buffer key. */
export function decodeTransferData(data: Readonly<Record<string, string>>): Map<string, Uint8Array> {
  return new Map(Object.entries(data).map(([key, b64]) => [key, new Uint8Array(Buffer.from(b64, 'base64'))]));
}
