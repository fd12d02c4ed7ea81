// A columnar table whose rows cannot be read: the components that must run on columns are given
// one, and any touch of `rows` (which would build a row object per instance) fails the test.
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows } from '../../src/tableData/columns.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';

/** A columnar table of the rows' content whose rows cannot be read: any touch fails the test. */
export function sealedColumns(table: DataTable<Instance>): DataTable<Instance> {
  const cols = columnsFromRows(table.rows);
  assert.ok(cols, 'the rows convert to columns');
  const sealed = columnarTable(table.schema, cols);
  Object.defineProperty(sealed, 'rows', {
    enumerable: true,
    get() {
      throw new Error('the rows of a columnar input were touched');
    },
  });
  return sealed;
}
