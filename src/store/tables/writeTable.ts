// Writes a whole table location at once (component outputs: a few thousand to a few million rows).
// Same layout as uploads (see tableStore.ts): rows first, then the unique key index.
import Database from 'better-sqlite3';
import { KEY_INDEX_SQL, ROWS_TABLE_SQL, TableStore } from './tableStore.js';

export function writeTable(tables: TableStore, location: string, rows: Iterable<readonly [string, string]>): number {
  const db = new Database(tables.pathOf(location));
  try {
    // Invisible until its event is recorded (an orphan after a crash), so no fsync per step.
    db.pragma('synchronous = OFF');
    db.exec(ROWS_TABLE_SQL);
    const insert = db.prepare('INSERT INTO rows (k, v) VALUES (?, ?)');
    let count = 0;
    db.transaction(() => {
      for (const [k, v] of rows) {
        insert.run(k, v);
        count++;
      }
    })();
    db.exec(KEY_INDEX_SQL);
    return count;
  } catch (error) {
    db.close();
    tables.drop(location);
    throw error;
  } finally {
    if (db.open) db.close();
  }
}
