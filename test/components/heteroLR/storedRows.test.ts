// HeteroLR on a big stored table (issue 17): a table read from its Arrow partitions with its values
// unloaded (storedColumns.ts) is read a mini-batch at a time (rowSource.ts), never loaded whole —
// validation scored a piece at a time, cross-validation folds as row indexes over the partitions,
// sqn samples gathered from the batch in hand — and gives the same models, scores, metrics and
// messages as the same table given as rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsOf, type InstanceColumns } from '../../../src/tableData/columns.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { writeColumnarColumns } from '../../../src/store/tables/columnarTable.js';
import { storedColumns, storedRowsLoadedWhole } from '../../../src/store/tables/storedColumns.js';
import { LR_SCENARIOS, type LRScenario, type LRRun, lrRunText, runLRScenario } from '../../support/lrScenarios.js';

const t = suite('HeteroLR on stored partitions');
let dir = '';
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-lr-stored-'));
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** Scenarios whose parties must never load a stored table's values whole (all but the predict job). */
const STREAMED = new Set<LRScenario>(['plain-batches', 'paillier-batches', 'validation', 'ovr', 'sqn', 'cv', 'paillier-validation', 'paillier-sqn', 'paillier-cv']);

/** A run with every input table written to 7 partitions and read back lazily; `perturb` changes one value of table i first. */
async function runStored(scenario: LRScenario, perturb?: number): Promise<{ run: LRRun; stored: InstanceColumns[] }> {
  const stored: InstanceColumns[] = [];
  let n = 0;
  const run = await runLRScenario(scenario, (table) => {
    const i = n++;
    const path = join(dir, `t${i}.arrow`);
    const cols = columnsOf(table)!;
    const features = cols.features.map((c) => c.slice());
    if (i === perturb) features[0]![10] = features[0]![10]! + 5;
    // 7 partitions: batches of 200–300 rows start and end inside partitions of ~80 rows.
    writeColumnarColumns(path, { ...cols, features }, 7);
    const columns = storedColumns(path)!;
    stored.push(columns);
    return columnarTable(table.schema, columns) as DataTable<Instance>;
  });
  return { run, stored };
}

const plainText = (scenario: LRScenario) => !scenario.startsWith('paillier');

for (const scenario of LR_SCENARIOS) {
  t(`given the ${scenario} run on tables read from stored partitions, then everything is as with rows${STREAMED.has(scenario) ? ', and no table is loaded whole' : ''}`, async () => {
    const asRows = await runLRScenario(scenario, (table) => table);
    const loadedBefore = storedRowsLoadedWhole();
    const { run: asStored, stored } = await runStored(scenario);
    assert.ok(stored.length >= 2);
    if (STREAMED.has(scenario)) {
      stored.forEach((c, i) => assert.ok(partitionedTableOf(c), `table ${i}: its values were loaded whole`));
      // Also the tables derived from them (cross-validation's folds): no lazily read rows loaded whole.
      assert.is(storedRowsLoadedWhole() - loadedBefore, 0, 'rows of stored tables loaded whole');
    }
    // Compared without a diff (uvu's diff of two texts this long takes minutes).
    assert.ok(lrRunText(asStored, plainText(scenario)) === lrRunText(asRows, plainText(scenario)), 'the run on stored partitions differs from the run on rows');
  });
}

// The comparison above can fail: one host value changed in the stored copy shows in the run. Table 1
// is the host's train data; table 3 the host's validate data (only scored by validation).
for (const [scenario, table] of [['validation', 3], ['cv', 1], ['sqn', 1], ['paillier-validation', 3], ['paillier-cv', 1], ['paillier-sqn', 1]] as const) {
  t(`given the ${scenario} run with one stored host value changed (table ${table}), then it differs from the run on rows`, async () => {
    const asRows = await runLRScenario(scenario, (t) => t);
    const { run } = await runStored(scenario, table);
    assert.ok(lrRunText(run, plainText(scenario)) !== lrRunText(asRows, plainText(scenario)), 'a changed stored value left the run as it was');
  });
}

t.run();
