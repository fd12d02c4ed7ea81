// A run of a federated component reduced to short digests (sha256, 16 hex digits), one per part:
// the model buffers of every party (protobuf bytes and JSON), the guest's output data, the metrics,
// and, per sending party, the sequence of its messages (receiver, name, tag, payload) in its order.
// The protocol pin tests compare them with digests taken before a refactor: any change to what a
// party sends, in what order or with what bytes, or to a model, changes one of them, and the part
// that changed names where to look.
import { createHash } from 'node:crypto';
import type { ComponentOutput } from '../../src/components/contract.js';
import { encodeBuffer } from '../../src/models/bufferCodec.js';
import type { Sent } from './breastHetero.js';

/**
 * JSON that keeps what plain JSON loses: bigints, −0, NaN and ±∞, and a typed array's type (a
 * Float64Array and a number[] of the same values are different payloads).
 */
export function exactJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return `number:${Object.is(v, -0) ? '-0' : String(v)}`;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number | bigint>) };
    return v;
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Ciphertexts are random (Paillier): their place and count stay, their value goes. */
const shapeOf = (v: unknown): unknown =>
  typeof v === 'bigint' ? 'ct' : Array.isArray(v) ? v.map(shapeOf) : v && typeof v === 'object' && !ArrayBuffer.isView(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shapeOf(x)])) : v;

/** Paillier's obfuscators are dealt by a concurrent dealer: their order among the arbiter's other messages varies. */
const DEALT = /\.paillier_obfuscators$/;

/**
 * `outputs`: each party's output, in a fixed order. `plain`: the run is in plaintext mode (every
 * payload is deterministic); with Paillier, ciphertexts count by place only and dealt obfuscators
 * as a sorted list of (receiver, tag, count).
 */
export function protocolDigest(outputs: Record<string, ComponentOutput>, metrics: unknown, log: readonly Sent[], plain: boolean): string {
  const parts: string[] = [];
  const models = Object.entries(outputs).map(([party, out]) => [
    party,
    Object.entries(out.model ?? {}).map(([name, json]) => [name, Buffer.from(encodeBuffer(name, json)).toString('hex'), exactJson(json)]),
  ]);
  parts.push(`models ${digest(exactJson(models))}`);
  const data = Object.entries(outputs).map(([party, out]) => [party, out.data ? { schema: out.data.schema, rows: out.data.rows } : null]);
  parts.push(`data ${digest(exactJson(data))}`);
  parts.push(`metrics ${digest(exactJson(metrics))}`);
  const streams = new Map<string, unknown[]>();
  const dealt: string[] = [];
  for (const m of log) {
    const from = `${m.from.role}:${m.from.partyId}`;
    const to = `${m.to.role}:${m.to.partyId}`;
    if (!plain && DEALT.test(m.name)) {
      dealt.push(`${to} ${m.tag} ${(m.payload as unknown[]).length}`);
      continue;
    }
    let stream = streams.get(from);
    if (!stream) streams.set(from, (stream = []));
    stream.push([to, m.name, m.tag, plain ? m.payload : shapeOf(m.payload)]);
  }
  for (const [from, stream] of [...streams].sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${from} ${stream.length} ${digest(exactJson(stream))}`);
  if (dealt.length > 0) parts.push(`dealt ${dealt.length} ${digest(dealt.sort().join('\n'))}`);
  return parts.join(' | ');
}
