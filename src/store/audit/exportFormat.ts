// The event export format (`fedflow events export`, read back by `fedflow replay`): NDJSON, one
// JSON object per line, so it streams both ways, diffs and greps. Lines in order:
//   {"kind":"header", format, version, exported_at, party_id, code_version, filter}
//   {"kind":"event", position, stream, revision, id, type, created, previous_hash, hash, data, metadata}
//   {"kind":"checkpoint", position, hash, created, key_id, public_key, signature}   (after its event)
//   {"kind":"table", namespace, name, ...digest}                                   (referenced rows)
//   {"kind":"end", events, checkpoints, head_position, head_hash}
// Positions and revisions are decimal strings (bigints). An event carries the hash of the event
// before it in the origin's log (`previous_hash`), so each event's hash can be checked alone even
// in a job's export, where most of the log is left out; consecutive events must also chain.
import type { Checkpoint } from './checkpoint.js';
import type { ChainedFields } from './chain.js';

export const EXPORT_FORMAT = 'fedflow-events';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  readonly kind: 'header';
  readonly format: typeof EXPORT_FORMAT;
  readonly version: number;
  readonly exported_at: string;
  readonly party_id: string | null;
  readonly code_version: string;
  /** What was selected: `{}` for the whole log. */
  readonly filter: Readonly<Record<string, unknown>>;
}

/** One event as it is stored; data and metadata are its stored JSON, not re-shaped. */
export interface ExportedEvent {
  readonly kind: 'event';
  readonly position: string;
  readonly stream: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly created: number;
  readonly previous_hash: string;
  readonly hash: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface ExportedCheckpoint {
  readonly kind: 'checkpoint';
  readonly position: string;
  readonly hash: string;
  readonly created: number;
  readonly key_id: string;
  readonly public_key: string;
  readonly signature: string;
}

/** A table the exported events refer to: its rows stay at the origin; their digest travels. */
export interface ExportedTable {
  readonly kind: 'table';
  readonly namespace: string;
  readonly name: string;
  readonly location: string | null;
  /** SHA-256 of the table's files at export time, null when the rows are not on this node. */
  readonly sha256: string | null;
  readonly bytes: number | null;
}

export interface ExportEnd {
  readonly kind: 'end';
  readonly events: number;
  readonly checkpoints: number;
  readonly head_position: string | null;
  readonly head_hash: string | null;
}

export type ExportLine = ExportHeader | ExportedEvent | ExportedCheckpoint | ExportedTable | ExportEnd;

/** The stored row the exporter reads: the chain's fields as numbers, data and metadata as JSON text. */
export type StoredEventRow = Omit<ChainedFields, 'position' | 'revision'> & {
  readonly position: number;
  readonly revision: number;
  readonly hash: string | null;
};

/**
 * An event line built by splicing the stored JSON text in: no parse and re-serialise on the way
 * out, so the export holds exactly the bytes the chain hashed.
 */
export function eventLine(row: StoredEventRow, previousHash: string): string {
  const head = JSON.stringify({
    kind: 'event', position: String(row.position), stream: row.streamId, revision: String(row.revision), id: row.eventId,
    type: row.type, created: row.created, previous_hash: previousHash, hash: row.hash ?? '',
  });
  return `${head.slice(0, -1)},"data":${row.data},"metadata":${row.metadata}}\n`;
}

export function checkpointLine(cp: Checkpoint): string {
  const line: ExportedCheckpoint = {
    kind: 'checkpoint', position: String(cp.position), hash: cp.hash, created: cp.created, key_id: cp.keyId, public_key: cp.publicKey, signature: cp.signature,
  };
  return `${JSON.stringify(line)}\n`;
}

export function jsonLine(line: ExportLine): string {
  return `${JSON.stringify(line)}\n`;
}

/** A line that is not what the format says; `line` is 1-based. */
export class ExportFormatError extends Error {
  override readonly name = 'ExportFormatError';
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const DIGITS = /^\d{1,18}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Parses and checks one line's shape (not its hashes: that is the replay's chain check). */
export function parseExportLine(text: string, lineNumber: number): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExportFormatError(lineNumber, 'not a JSON object (the export is cut or was edited by hand)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExportFormatError(lineNumber, 'not a JSON object');
  const o = value as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new ExportFormatError(lineNumber, `${String(o.kind)} line: ${what}`);
  };
  const str = (k: string, pattern?: RegExp) => (typeof o[k] === 'string' && (!pattern || pattern.test(o[k] as string)) ? (o[k] as string) : fail(`${k} is missing or malformed`));
  const int = (k: string) => (Number.isSafeInteger(o[k]) && (o[k] as number) >= 0 ? (o[k] as number) : fail(`${k} must be a non-negative integer`));
  switch (o.kind) {
    case 'header':
      if (o.format !== EXPORT_FORMAT) fail(`format must be "${EXPORT_FORMAT}", got ${JSON.stringify(o.format)}`);
      if (o.version !== EXPORT_VERSION) fail(`version ${JSON.stringify(o.version)} is not one this fedflow reads (${EXPORT_VERSION})`);
      return o as unknown as ExportHeader;
    case 'event':
      str('position', DIGITS), str('stream'), str('revision', DIGITS), str('id'), str('type'), int('created');
      str('previous_hash', HEX64), str('hash', HEX64);
      if (!('data' in o)) fail('data is missing');
      if (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata)) fail('metadata must be an object');
      return o as unknown as ExportedEvent;
    case 'checkpoint':
      str('position', DIGITS), str('hash', HEX64), int('created'), str('key_id'), str('public_key'), str('signature');
      return o as unknown as ExportedCheckpoint;
    case 'table':
      str('namespace'), str('name');
      return o as unknown as ExportedTable;
    case 'end':
      int('events'), int('checkpoints');
      return o as unknown as ExportEnd;
    default:
      throw new ExportFormatError(lineNumber, `unknown kind ${JSON.stringify(o.kind)} (expected header, event, checkpoint, table or end)`);
  }
}

/** The chain's view of an exported event: data and metadata as the store wrote them (JSON.stringify). */
export function chainedFieldsOf(e: ExportedEvent): ChainedFields & { readonly dataText: string; readonly metadataText: string } {
  const data = JSON.stringify(e.data);
  const metadata = JSON.stringify(e.metadata);
  return { position: BigInt(e.position), streamId: e.stream, revision: BigInt(e.revision), eventId: e.id, type: e.type, created: e.created, data, metadata, dataText: data, metadataText: metadata };
}

export function checkpointOf(c: ExportedCheckpoint): Checkpoint {
  return { position: BigInt(c.position), hash: c.hash, created: c.created, keyId: c.key_id, publicKey: c.public_key, signature: c.signature };
}

/** How an exported event is named in messages: position, stream, revision and type. */
export function describeEvent(e: { position: string; stream: string; revision: string; type: string }): string {
  return `event at position ${e.position} (stream ${e.stream}, revision ${e.revision}, ${e.type})`;
}
