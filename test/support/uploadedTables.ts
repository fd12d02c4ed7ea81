// The DataIO suites' big-upload fixture: a fresh TableStore in its own temp dir for each test (gone
// after it), a CSV text uploaded through it as a task uploads a file, and the upload read back as
// the runtime reads a big one (keys, the lines streamed). Also the seeded shuffle their CSVs share.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'uvu';
import type { DataTable } from '../../src/tableData/dataTable.js';
import { rawLinesTable } from '../../src/tableData/rawLines.js';
import { runUploadTask } from '../../src/components/upload/runUploadTask.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { tempDirPerTest } from './tempDir.js';

export interface UploadedTables {
  /** This test's store. */
  store(): TableStore;
  /** Uploads `csv` (a header line first); its table's location. */
  upload(csv: string): Promise<string>;
  /** The upload as the runtime loads a big one, read with `header` (the columns after the id). */
  load(location: string, header: readonly string[]): DataTable<string>;
}

export function uploadedTables(t: Test, prefix: string): UploadedTables {
  const dir = tempDirPerTest(t, prefix);
  let store: TableStore | undefined;
  t.before.each(() => {
    store = new TableStore(join(dir(), 'tables'));
  });
  const current = (): TableStore => store ?? (() => {
    throw new Error('uploadedTables: used outside a test');
  })();
  return {
    store: current,
    async upload(csv) {
      const location = current().newLocation();
      const file = join(dir(), `${location}.csv`);
      writeFileSync(file, csv);
      await runUploadTask({ tablesDir: current().dir, location, file, head: 1 });
      return location;
    },
    load: (location, header) => rawLinesTable({ header: [...header], sid_name: 'id' }, current().readKeysAndLineChunks(location)),
  };
}

/** A seeded generator of numbers in [0, 1) (an LCG: the same CSV every run). */
export function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** 0 .. n − 1 in an order `next` shuffles them into (Fisher–Yates). */
export function shuffledIds(n: number, next: () => number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}
