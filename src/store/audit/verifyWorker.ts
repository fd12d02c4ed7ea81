// A worker thread of `fedflow audit verify`: checks one range of the log (verifyRange.ts).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { readExcerpt, verifyRange } from './verifyRange.js';

const { file, from, to, checkpoints } = workerData as { file: string; from: number; to: number | null; checkpoints: number[] };
const db = new Database(file, { readonly: true, fileMustExist: true });
try {
  parentPort!.postMessage({ ok: verifyRange(db, from, to, checkpoints, readExcerpt(db)) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  db.close();
}
