// HeteroLR on a big stored table (issue 17): a table read from its Arrow partitions with its values
// unloaded (storedColumns.ts) is read a mini-batch at a time (rowSource.ts), never loaded whole, and
// gives the same models, scores, metrics and messages as the same table given as rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsOf, type InstanceColumns } from '../../../src/components/columns.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import type { DataTable, Instance } from '../../../src/components/contract.js';
import { writeColumnarColumns } from '../../../src/store/tables/columnarTable.js';
import { storedColumns } from '../../../src/store/tables/storedColumns.js';
import { LR_SCENARIOS, lrRunText, runLRScenario } from '../../support/lrScenarios.js';

const t = suite('HeteroLR on stored partitions');
let dir = '';
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-lr-stored-'));
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** Scenarios whose parties only go through the rows in order: they must never load the values whole. */
const STREAMED = new Set(['plain-batches', 'paillier-batches', 'ovr']);

for (const scenario of LR_SCENARIOS) {
  t(`given the ${scenario} run on tables read from stored partitions, then everything is as with rows${STREAMED.has(scenario) ? ', and the values are never loaded whole' : ''}`, async () => {
    const asRows = await runLRScenario(scenario, (table) => table);
    const stored: InstanceColumns[] = [];
    let n = 0;
    const asStored = await runLRScenario(scenario, (table) => {
      const path = join(dir, `t${n++}.arrow`);
      // 7 partitions: batches of 200–300 rows start and end inside partitions of ~80 rows.
      writeColumnarColumns(path, columnsOf(table)!, 7);
      const columns = storedColumns(path)!;
      stored.push(columns);
      return columnarTable(table.schema, columns) as DataTable<Instance>;
    });
    assert.ok(stored.length >= 2);
    if (STREAMED.has(scenario)) stored.forEach((c, i) => assert.ok(partitionedTableOf(c), `table ${i}: its values were loaded whole`));
    const plain = scenario !== 'paillier-batches';
    // Compared without a diff (uvu's diff of two texts this long takes minutes).
    assert.ok(lrRunText(asStored, plain) === lrRunText(asRows, plain), 'the run on stored partitions differs from the run on rows');
  });
}

t.run();
