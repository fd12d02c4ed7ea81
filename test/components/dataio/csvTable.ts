// Builds the DataTable<string> an upload produces from a CSV with a header line:
// key = first column, value = the rest of the line, schema header = the other column names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { FIXTURE_DATA } from '../../support/fixtures.js';

export function csvTable(text: string): DataTable<string> {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const [head, ...body] = lines;
  if (head === undefined) throw new Error('empty CSV');
  const [sid, ...header] = head.split(',');
  const rows: [string, string][] = body.map((line) => {
    const comma = line.indexOf(',');
    return comma < 0 ? [line, ''] : [line.slice(0, comma), line.slice(comma + 1)];
  });
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // tables are in key order
  return { schema: { header, sid_name: sid! }, rows };
}

/** One of FATE's example CSVs from test/fixtures/data, e.g. 'breast_hetero_guest'. */
export function fixtureTable(name: string): DataTable<string> {
  return csvTable(readFileSync(join(FIXTURE_DATA, `${name}.csv`), 'utf8'));
}
