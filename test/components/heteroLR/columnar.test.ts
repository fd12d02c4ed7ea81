// HeteroLR on columnar tables (issue 17): the same tables given as typed columns give the same
// models, scores, metrics and (plaintext) messages as given as rows, and no party builds the row
// objects of a columnar input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsOf, untouchedColumns } from '../../../src/tableData/columns.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { predictColumnsOf } from '../../../src/tableData/predictColumns.js';
import { LR_SCENARIOS, lrRunText, runLRScenario } from '../../support/lrScenarios.js';

const t = suite('HeteroLR on columns');

for (const scenario of LR_SCENARIOS) {
  t(`given the ${scenario} run on columnar tables, then models, scores, metrics and messages are those of the row tables, and no rows are built`, async () => {
    const asRows = await runLRScenario(scenario, (table) => table);
    const inputs: DataTable<Instance>[] = [];
    const asColumns = await runLRScenario(scenario, (table) => {
      const columnar = columnarTable(table.schema, columnsOf(table)!);
      inputs.push(columnar);
      return columnar;
    });
    assert.ok(inputs.length >= 2);
    inputs.forEach((input, i) => assert.ok(untouchedColumns(input), `input ${i}: rows were built`));
    if (asColumns.guest.data) {
      assert.ok(predictColumnsOf(asColumns.guest.data), 'the guest predicts into columns');
      assert.is(asColumns.guest.data.rows.length, asRows.guest.data!.rows.length);
    }
    const plain = !scenario.startsWith('paillier');
    assert.is(lrRunText(asColumns, plain), lrRunText(asRows, plain));
  });
}

t.run();
