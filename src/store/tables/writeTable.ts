// Writes a whole table location at once (component outputs: a few thousand to a few million rows).
// Same layout as uploads (see tableStore.ts): rows first, then the unique key index. Component
// outputs are many and mostly small, so the fixed costs count: one transaction for the table, the
// rows and the index, rows inserted ROWS_PER_STATEMENT at a time, no syncs and no file locking
// (the file is invisible until its event is recorded; a crash leaves an orphan that is removed).
import Database from 'better-sqlite3';
import { KEY_INDEX_SQL, ROWS_TABLE_SQL, TableStore } from './tableStore.js';

const ROWS_PER_STATEMENT = 64;

export function writeTable(tables: TableStore, location: string, rows: Iterable<readonly [string, string]>): number {
  const db = new Database(tables.pathOf(location));
  try {
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    const values = (n: number) => new Array<string>(n).fill('(?, ?)').join(',');
    let count = 0;
    db.transaction(() => {
      db.exec(ROWS_TABLE_SQL);
      const many = db.prepare(`INSERT INTO rows (k, v) VALUES ${values(ROWS_PER_STATEMENT)}`);
      const one = db.prepare('INSERT INTO rows (k, v) VALUES (?, ?)');
      const args: string[] = [];
      for (const [k, v] of rows) {
        args.push(k, v);
        count++;
        if (args.length === 2 * ROWS_PER_STATEMENT) {
          many.run(args);
          args.length = 0;
        }
      }
      for (let i = 0; i < args.length; i += 2) one.run(args[i], args[i + 1]);
      db.exec(KEY_INDEX_SQL);
    })();
    return count;
  } catch (error) {
    db.close();
    tables.drop(location);
    throw error;
  } finally {
    if (db.open) db.close();
  }
}
