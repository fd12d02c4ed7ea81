// The writer thread of the SQLite log. A durable commit waits for fsync (milliseconds on a real
// disk); doing it here keeps the node's event loop free, so /v1 queries answer while jobs write.
// Batches arrive one at a time and are committed in one transaction each (group commit).
import { parentPort, workerData } from 'node:worker_threads';
import { appender, type AppendOutcome, type ChainOptions, type CommitUnit } from './appendBatch.js';
import { openEventsDatabase } from './eventsDatabase.js';

const { file, chain } = workerData as { file: string; chain?: ChainOptions };
const db = openEventsDatabase(file);
const { batch, link, checkpointDue, storeSignedCheckpoint } = appender(db, chain, { checkpointsAfterReply: true, linkAfterReply: true });
// A tail a crash left without links is linked before anything else.
link();

/** How long a signed checkpoint waits for the next batch to carry it before it is stored alone. */
const IDLE_MS = 50;
let idle: NodeJS.Timeout | undefined;
const storeWhenIdle = (): void => {
  try {
    storeSignedCheckpoint();
  } catch {
    // Not stored now (a locked file, say): the next batch carries it.
  }
};

parentPort!.on('message', (message: { id: number; units: CommitUnit[] } | { close: true }) => {
  if ('close' in message) {
    clearTimeout(idle);
    storeWhenIdle();
    db.close();
    parentPort!.close();
    return;
  }
  let outcomes: AppendOutcome[];
  try {
    outcomes = batch(message.units);
  } catch (error) {
    // The commit itself failed: nothing of the batch was written.
    const failure = error instanceof Error ? error.message : String(error);
    outcomes = message.units.map(() => ({ failure }));
  }
  parentPort!.postMessage({ id: message.id, outcomes });
  // The batch's hashes, while the appenders take the answer in and gather the next batch
  // (chainLinks.ts): hashing before the commit made every append wait for it.
  link();
  // Signed after the answer, while the appenders take it in and gather the next batch: the
  // signature is not on the appends' path, and its row rides in the next batch's commit (or is
  // stored alone if none comes soon). The checkpoints are the ones a sign-in-the-batch writer
  // would make, at the same positions.
  try {
    if (checkpointDue()) {
      clearTimeout(idle);
      idle = setTimeout(storeWhenIdle, IDLE_MS);
    }
  } catch {
    // Not signed now: the next batch makes it due again.
  }
});
