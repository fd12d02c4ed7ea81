// The writer thread of the SQLite log. A durable commit waits for fsync (milliseconds on a real
// disk); doing it here keeps the node's event loop free, so /v1 queries answer while jobs write.
// Batches arrive one at a time and are committed in one transaction each (group commit).
import { parentPort, workerData } from 'node:worker_threads';
import { appender, type AppendOutcome, type ChainOptions, type CommitUnit } from './appendBatch.js';
import { openEventsDatabase } from './eventsDatabase.js';

const { file, chain } = workerData as { file: string; chain?: ChainOptions };
const db = openEventsDatabase(file);
const { batch } = appender(db, chain);

parentPort!.on('message', (message: { id: number; units: CommitUnit[] } | { close: true }) => {
  if ('close' in message) {
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
});
