// `fedflow audit verify`: re-hashes a SQLite event log from its first event to its last, checks
// every signed checkpoint against the chain, and names the first event that does not fit.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ChainVerifier, type ChainBreak } from './chain.js';
import { checkpointSignatureValid, type Checkpoint } from './checkpoint.js';

export interface CheckpointProblem {
  readonly position: string;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly headPosition: string | null;
  readonly headHash: string | null;
  readonly checkpoints: number;
  /** A replayed excerpt (filtered export): the holes it declares, each checked to chain to its declared predecessor. */
  readonly excerptGaps: number;
  readonly lastCheckpoint: { readonly position: string; readonly keyId: string; readonly created: number } | null;
  /** The earliest problem: an event that breaks the chain or a checkpoint the log no longer matches. */
  readonly firstBroken: ChainBreak | CheckpointProblem | null;
  readonly breaks: readonly ChainBreak[];
  readonly checkpointProblems: readonly CheckpointProblem[];
  readonly ms: number;
}

type RawRow = [number, string, number, string, string, string, string, number, string | null];

/** `expectedKeyId`: the checkpoints must be signed by this key (the node's own), not merely by some key. */
export function verifyEventLog(file: string, options: { expectedKeyId?: string } = {}): VerifyReport {
  if (!existsSync(file)) throw new Error(`no event log at ${file}`);
  const started = performance.now();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const checkpoints = readCheckpoints(db);
    const verifier = new ChainVerifier(checkpoints.map((c) => c.position), readExcerpt(db));
    const rows = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata, created, hash FROM events ORDER BY position').raw();
    for (const r of rows.iterate() as IterableIterator<RawRow>) {
      verifier.push({ position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], data: r[5], metadata: r[6], created: r[7] }, r[8]);
    }
    const problems = checkpointProblems(checkpoints, verifier, options.expectedKeyId);
    const firstBroken = earliest([...verifier.breaks, ...problems]);
    const last = checkpoints.at(-1);
    return {
      ok: firstBroken === null,
      events: verifier.events,
      headPosition: verifier.lastPosition !== undefined ? String(verifier.lastPosition) : null,
      headHash: verifier.events ? verifier.headHash : null,
      checkpoints: checkpoints.length,
      excerptGaps: verifier.declaredGaps,
      lastCheckpoint: last ? { position: String(last.position), keyId: last.keyId, created: last.created } : null,
      firstBroken,
      breaks: verifier.breaks,
      checkpointProblems: problems,
      ms: performance.now() - started,
    };
  } finally {
    db.close();
  }
}

/** The holes a replayed excerpt declares (table chain_excerpt, written by fedflow replay only). */
function readExcerpt(db: Database.Database): Map<number, string> | undefined {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain_excerpt'").get();
  if (!hasTable) return undefined;
  const rows = db.prepare('SELECT position, previous_hash FROM chain_excerpt').all() as { position: number; previous_hash: string }[];
  return new Map(rows.map((r) => [r.position, r.previous_hash]));
}

/** The signed checkpoints of a log file, oldest first (none when the table is absent). */
export function readCheckpoints(db: Database.Database): Checkpoint[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain_checkpoints'").get();
  if (!hasTable) return [];
  const rows = db.prepare('SELECT position, hash, created, key_id, public_key, signature FROM chain_checkpoints ORDER BY position').all() as {
    position: number; hash: string; created: number; key_id: string; public_key: string; signature: string;
  }[];
  return rows.map((r) => ({ position: BigInt(r.position), hash: r.hash, created: r.created, keyId: r.key_id, publicKey: r.public_key, signature: r.signature }));
}

function checkpointProblems(checkpoints: readonly Checkpoint[], verifier: ChainVerifier, expectedKeyId: string | undefined): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  const end = verifier.lastPosition ?? 0n;
  let cut: Checkpoint | undefined;
  for (const cp of checkpoints) {
    const position = String(cp.position);
    if (!checkpointSignatureValid(cp)) {
      problems.push({ position, reason: `checkpoint at position ${position} has an invalid signature (forged or edited)` });
    } else if (expectedKeyId !== undefined && cp.keyId !== expectedKeyId) {
      problems.push({ position, reason: `checkpoint at position ${position} is signed by key ${cp.keyId}, not by this node's key ${expectedKeyId}` });
    } else if (cp.position > end) {
      // Named once, by the checkpoint reaching furthest.
      if (!cut || cp.position > cut.position) cut = cp;
    } else if (verifier.hashAt(cp.position) !== cp.hash) {
      problems.push({ position, reason: `the event at position ${position} is not the one the checkpoint signed (the log was changed, then re-hashed)` });
    }
  }
  if (cut) problems.push({ position: String(end + 1n), reason: `the log ends at position ${end} but a checkpoint signed at ${new Date(cut.created).toISOString()} covers up to position ${cut.position}: events ${end + 1n}..${cut.position} were removed` });
  return problems;
}

function earliest<T extends { position: string }>(items: readonly T[]): T | null {
  let best: T | null = null;
  for (const item of items) if (best === null || BigInt(item.position) < BigInt(best.position)) best = item;
  return best;
}
