// A SQLite file opened for one look or one edit behind the store's back (tamper and storage
// tests), and always closed, whatever `f` throws.
import Database from 'better-sqlite3';

export function withSqliteFile<T>(file: string, f: (db: Database.Database) => T, options: { readonly?: boolean } = {}): T {
  const db = new Database(file, options.readonly ? { readonly: true } : {});
  try {
    return f(db);
  } finally {
    db.close();
  }
}
