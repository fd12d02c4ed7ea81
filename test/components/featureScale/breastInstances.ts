// Breast (guest side) as DataIO's instances — y, then the features — for the FeatureScale tests.
import type { DataTable, Instance } from '../../../src/components/contract.js';
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
