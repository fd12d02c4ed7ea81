// replay --check's comparison: given two view databases, when they hold the same rows (in any
// insertion order) they compare equal; when one cell, one row or a column differs, the first
// difference is named with the row's identifying columns and both values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { compareViews } from '../../projections/compareViews.js';

function views(rows: [string, string, string][], extraColumn = false): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE t_job (f_job_id TEXT, f_role TEXT, f_status TEXT${extraColumn ? ', f_extra TEXT' : ''}, UNIQUE (f_job_id, f_role))`);
  db.exec('CREATE TABLE t_table (f_namespace TEXT, f_name TEXT)');
  const insert = db.prepare('INSERT INTO t_job (f_job_id, f_role, f_status) VALUES (?, ?, ?)');
  for (const r of rows) insert.run(...r);
  db.prepare("INSERT INTO t_table VALUES ('ns', 't')").run();
  return db;
}

const JOBS: [string, string, string][] = [['j1', 'guest', 'success'], ['j1', 'host', 'success'], ['j2', 'guest', 'running']];

test('the same rows, inserted in another order: no difference', () => {
  const result = compareViews(views(JOBS), views([...JOBS].reverse()), ['t_job', 't_table']);
  assert.is(result.firstDifference, null);
  assert.is(result.rows, 4);
  assert.is(result.tables, 2);
});

test('one cell differs: the table, the row and both values are named', () => {
  const live = views([['j1', 'guest', 'success'], ['j1', 'host', 'failed'], ['j2', 'guest', 'running']]);
  const d = compareViews(live, views(JOBS), ['t_job', 't_table']).firstDifference!;
  assert.is(d.table, 't_job');
  assert.equal(d.columns, ['f_status']);
  assert.is(d.message, 't_job: row (f_job_id=j1, f_role=host) differs in f_status: f_status is "failed" in the live views, "success" rebuilt from the log');
});

test('a row only in the live views, or only rebuilt from the log', () => {
  const extra = compareViews(views([...JOBS, ['j3', 'guest', 'success']]), views(JOBS), ['t_job']).firstDifference!;
  assert.match(extra.message, /^t_job: row \(f_job_id=j3, f_role=guest\) is in the live views but the log does not produce it$/);
  const missing = compareViews(views(JOBS.slice(1)), views(JOBS), ['t_job']).firstDifference!;
  assert.is(missing.message, 't_job: row (f_job_id=j1, f_role=guest) is missing from the live views but rebuilt from the log');
  const middle = compareViews(views([JOBS[0]!, JOBS[2]!]), views(JOBS), ['t_job']).firstDifference!;
  assert.match(middle.message, /^t_job: row \(f_job_id=j1, f_role=host\) is missing from the live views/);
});

test('a view of another shape (an older fedflow): the columns are named', () => {
  const d = compareViews(views(JOBS, true), views(JOBS), ['t_job']).firstDifference!;
  assert.match(d.message, /^t_job: the live views have columns \(f_job_id, f_role, f_status, f_extra\), this fedflow builds \(f_job_id, f_role, f_status\)/);
});

test('rows named by their constraint: a UNIQUE key wins over a surrogate primary key', () => {
  const make = (status: string) => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t_task (seq INTEGER PRIMARY KEY AUTOINCREMENT, f_task_id TEXT, f_role TEXT, f_status TEXT, UNIQUE (f_task_id, f_role))');
    db.prepare("INSERT INTO t_task (f_task_id, f_role, f_status) VALUES ('t1', 'guest', ?)").run(status);
    return db;
  };
  assert.is(compareViews(make('failed'), make('success'), ['t_task']).firstDifference!.message,
    't_task: row (seq=1, f_task_id=t1, f_role=guest) differs in f_status: f_status is "failed" in the live views, "success" rebuilt from the log');
});

test.run();
