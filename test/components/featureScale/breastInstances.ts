// The FeatureScale tests' tables: breast (guest side) as DataIO's instances — y, then the
// features — and a small table with NaN cells and signed zeros.
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { fixtureTable } from '../dataio/csvTable.js';

export function breastInstances(): DataTable<Instance> {
  const csv = fixtureTable('breast_hetero_guest');
  return {
    schema: { header: csv.schema.header.slice(1), sid_name: csv.schema.sid_name, label_name: 'y' },
    rows: csv.rows.map(([key, line]) => {
      const [y, ...cells] = line.split(',').map(Number);
      return [key, { features: cells, label: y! }];
    }),
  };
}

/** A small table with NaN cells, both zeros, ties and a column that is NaN throughout. */
export function withNaN(): DataTable<Instance> {
  const cells = [
    [NaN, -0, 3.25, NaN],
    [1.5, 0, NaN, NaN],
    [-2, 0, 3.25, NaN],
    [NaN, -0, -7.125, NaN],
    [0.1, 2, 0.3, NaN],
    [1e-7, 0, 0.2, NaN],
  ];
  return { schema: { header: ['a', 'b', 'c', 'd'], sid_name: 'id' }, rows: cells.map((features, i) => [`k${i}`, { features }]) };
}
