// The writer thread of the model blob store (see modelStore.ts): one put at a time, each in its own
// transaction, each durable (fsync) before its answer.
import { parentPort, workerData } from 'node:worker_threads';
import { openModelsDatabase, putBlobs, type BlobToStore } from './modelBlobs.js';

const db = openModelsDatabase((workerData as { path: string }).path);

parentPort!.on('message', ({ id, partyModelId, modelVersion, blobs }: { id: number; partyModelId: string; modelVersion: string; blobs: BlobToStore[] }) => {
  parentPort!.postMessage({ id, outcome: putBlobs(db, partyModelId, modelVersion, blobs) });
});
