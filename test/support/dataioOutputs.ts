// DataIO run in process on an uploaded table, and its output written as the runtime writes it, as
// digests of the written files: the tests that compare two ways of reading one big upload (a
// partition at a time, fills streamed) against the whole path compare these.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { untouchedColumns } from '../../src/tableData/columns.js';
import type { Component, ComponentOutput } from '../../src/components/contract.js';
import type { DataTable } from '../../src/tableData/dataTable.js';
import type { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputColumns, writeOutputColumnsOnWorkers } from '../../src/store/tables/writeOutputTable.js';
import { InProcessJob, componentInput } from './inProcessFederation.js';

/** One DataIO task as the guest, `model` given when it predicts, with `partitionWorkers` when given (ComponentContext). */
export async function runDataIO(component: Component, table: DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model'], partitionWorkers?: number): Promise<ComponentOutput> {
  const ctx = { ...new InProcessJob().context({ role: 'guest', partyId: '9999' }), ...(partitionWorkers !== undefined ? { partitionWorkers } : {}) };
  return component(componentInput({ module: 'DataIO', role: 'guest', params, data: { data: table }, ...(model ? { model } : {}) }), ctx);
}

/** The message `run` fails with ('' when it does not fail): one path's error, to compare with another's. */
export async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

/** Every file of a written columnar table by name, as SHA-256 digests. */
export function tableDigests(store: TableStore, location: string): Record<string, string> {
  const tableDir = store.columnarPathOf(location);
  const out: Record<string, string> = {};
  for (const name of readdirSync(tableDir).sort()) out[name] = createHash('sha256').update(readFileSync(join(tableDir, name))).digest('hex');
  return out;
}

/**
 * A writer of outputs to fresh locations of the store `storeOf()` gives (a suite's store is made in
 * its `before` hook): each output's columns cut in `partitions` (the default writer's cut when
 * undefined), then the written table's digests.
 */
export function outputDigester(storeOf: () => TableStore): (out: ComponentOutput, partitions?: number) => Record<string, string> {
  let written = 0;
  return (out, partitions) => {
    const store = storeOf();
    const location = `out${written++}`;
    writeOutputColumns(store, location, untouchedColumns(out.data!)!, 0, partitions);
    return tableDigests(store, location);
  };
}

/** outputDigester for outputs written as the runtime's task writes them (writeOutputColumnsOnWorkers: on the component's partition workers when it has them). */
export function outputDigesterOnWorkers(storeOf: () => TableStore): (out: ComponentOutput, partitions?: number) => Promise<Record<string, string>> {
  let written = 0;
  return async (out, partitions) => {
    const store = storeOf();
    const location = `workers${written++}`;
    await writeOutputColumnsOnWorkers(store, location, untouchedColumns(out.data!)!, 0, partitions);
    return tableDigests(store, location);
  };
}
