// `fedflow audit verify`: re-hashes a SQLite event log from its first event to its last, checks
// every signed checkpoint against the chain, and names the first event that does not fit.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UNLINKED, type ChainBreak } from './chain.js';
import { readExcerpt, verifyRange, type RangeResult } from './verifyRange.js';
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
  /**
   * The newest events without a stored hash yet: a running node links each batch right after its
   * commit, a node that stopped uncleanly at its next start (store/sqlite/chainLinks.ts). Not a
   * break, unless a checkpoint signed one of them.
   */
  readonly unlinked: number;
  /** A replayed excerpt (filtered export): the holes it declares, each checked to chain to its declared predecessor. */
  readonly excerptGaps: number;
  readonly lastCheckpoint: { readonly position: string; readonly keyId: string; readonly created: number } | null;
  /** The earliest problem: an event that breaks the chain or a checkpoint the log no longer matches. */
  readonly firstBroken: ChainBreak | CheckpointProblem | null;
  readonly breaks: readonly ChainBreak[];
  readonly checkpointProblems: readonly CheckpointProblem[];
  readonly ms: number;
}

/** The chain as one pass (or several ranges merged) saw it. */
interface ChainResult {
  readonly events: number;
  readonly breaks: readonly ChainBreak[];
  readonly lastPosition: bigint | undefined;
  readonly headHash: string;
  readonly declaredGaps: number;
  readonly unlinked: number;
  hashAt(position: bigint): string | undefined;
}

/** `expectedKeyId`: the checkpoints must be signed by this key (the node's own), not merely by some key. */
export function verifyEventLog(file: string, options: { expectedKeyId?: string } = {}): VerifyReport {
  if (!existsSync(file)) throw new Error(`no event log at ${file}`);
  const started = performance.now();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const checkpoints = readCheckpoints(db);
    const chain = merged([verifyRange(db, 1, null, checkpoints.map((c) => Number(c.position)), readExcerpt(db))]);
    return report(checkpoints, chain, options.expectedKeyId, started);
  } finally {
    db.close();
  }
}

export interface ParallelOptions {
  readonly expectedKeyId?: string;
  /** Threads re-hashing at once (default: the machine's available parallelism, at most 8). */
  readonly threads?: number;
  /** Below this many events per thread the log is checked on this thread alone (default 50,000). */
  readonly minEventsPerThread?: number;
}

/**
 * The same verdict as verifyEventLog, the log cut into position ranges re-hashed in parallel (this
 * thread takes the first, worker threads the others): each event is checked against its stored
 * predecessor, so a range needs only the event just before it. `fedflow audit verify` uses this.
 */
export async function verifyEventLogParallel(file: string, options: ParallelOptions = {}): Promise<VerifyReport> {
  if (!existsSync(file)) throw new Error(`no event log at ${file}`);
  const started = performance.now();
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8));
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const { count, last } = db.prepare('SELECT COUNT(*) AS count, MAX(position) AS last FROM events').get() as { count: number; last: number | null };
    const checkpoints = readCheckpoints(db);
    const positions = checkpoints.map((c) => Number(c.position));
    const perThread = options.minEventsPerThread ?? 50_000;
    const parts = Math.min(threads, Math.floor(count / Math.max(1, perThread)));
    if (parts < 2 || last === null) return report(checkpoints, merged([verifyRange(db, 1, null, positions, readExcerpt(db))]), options.expectedKeyId, started);
    // Ranges of equal width in positions: 1..b1, b1+1..b2, …, the last open-ended.
    const bounds = Array.from({ length: parts }, (_, i) => ({ from: i === 0 ? 1 : Math.floor((last * i) / parts) + 1, to: i === parts - 1 ? null : Math.floor((last * (i + 1)) / parts) }));
    const others = bounds.slice(1).map((b) => inWorker(file, b.from, b.to, positions));
    const first = verifyRange(db, bounds[0]!.from, bounds[0]!.to, positions, readExcerpt(db));
    return report(checkpoints, merged([first, ...(await Promise.all(others))]), options.expectedKeyId, started);
  } finally {
    db.close();
  }
}

function inWorker(file: string, from: number, to: number | null, checkpoints: number[]): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verifyWorker.js', import.meta.url), { workerData: { file, from, to, checkpoints }, execArgv: [] });
    worker.once('message', (m: { ok?: RangeResult; error?: string }) => (m.ok ? resolve(m.ok) : reject(new Error(m.error ?? 'verify worker failed'))));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`verify worker exited with code ${code}`)));
  });
}

/** Ranges in log order, as one pass would have seen them. */
function merged(ranges: readonly RangeResult[]): ChainResult {
  const hashes = new Map<number, string>(ranges.flatMap((r) => r.checkpointHashes));
  const withEvents = ranges.filter((r) => r.events > 0);
  const last = withEvents.at(-1);
  // The log's hashless tail may reach back over whole ranges; a hashless run that ends a range with
  // events with hashes in a later range is no tail: a break at its first event.
  let unlinked = 0;
  let inTail = true;
  const notTails: ChainBreak[] = [];
  for (const r of [...withEvents].reverse()) {
    if (inTail) {
      unlinked += r.unlinked;
      inTail = r.unlinked === r.events;
    } else if (r.firstUnlinked) notTails.push(r.firstUnlinked);
  }
  return {
    events: ranges.reduce((n, r) => n + r.events, 0),
    declaredGaps: ranges.reduce((n, r) => n + r.declaredGaps, 0),
    unlinked,
    breaks: [...ranges.flatMap((r) => r.breaks), ...notTails].sort((a, b) => Number(a.position) - Number(b.position)).slice(0, 10),
    lastPosition: last?.lastPosition != null ? BigInt(last.lastPosition) : undefined,
    headHash: last?.headHash ?? '',
    hashAt: (position) => hashes.get(Number(position)),
  };
}

function report(checkpoints: readonly Checkpoint[], chain: ChainResult, expectedKeyId: string | undefined, started: number): VerifyReport {
  const problems = checkpointProblems(checkpoints, chain, expectedKeyId);
  const firstBroken = earliest([...chain.breaks, ...problems]);
  const last = checkpoints.at(-1);
  return {
    ok: firstBroken === null,
    events: chain.events,
    headPosition: chain.lastPosition !== undefined ? String(chain.lastPosition) : null,
    headHash: chain.events ? chain.headHash : null,
    checkpoints: checkpoints.length,
    unlinked: chain.unlinked,
    excerptGaps: chain.declaredGaps,
    lastCheckpoint: last ? { position: String(last.position), keyId: last.keyId, created: last.created } : null,
    firstBroken,
    breaks: chain.breaks,
    checkpointProblems: problems,
    ms: performance.now() - started,
  };
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

function checkpointProblems(checkpoints: readonly Checkpoint[], verifier: ChainResult, expectedKeyId: string | undefined): CheckpointProblem[] {
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
    } else if (verifier.hashAt(cp.position) === UNLINKED) {
      problems.push({ position, reason: `the event at position ${position} has no hash, yet a checkpoint signed it (its hash was removed)` });
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
