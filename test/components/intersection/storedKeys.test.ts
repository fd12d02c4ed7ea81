// A big stored table's own keys read packed (issue 17): the raw Intersection on tables the runtime
// reads lazily (too big to keep between tasks) never makes a string per own key, and its outputs,
// messages and written files are those of the same tables held in memory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnarTable, markConsumable, takeRows, takeUnloaded, unreadKeysPacked } from '../../../src/tableData/columns.js';
import type { ComponentContext, PartyRef } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { intersection } from '../../../src/components/intersection/intersection.js';
import { RecentOutputs } from '../../../src/scheduler/recentOutputs.js';
import { loadTaskInput } from '../../../src/scheduler/taskTables.js';
import { UploadedRows } from '../../../src/scheduler/uploadedRows.js';
import { packPayload, unpackPayload } from '../../../src/scheduler/packedPayload.js';
import { readColumnarColumns } from '../../../src/store/tables/columnarTable.js';
import { unloadedSource, unreadKeysSource } from '../../../src/store/tables/storedColumns.js';
import { TableStore } from '../../../src/store/tables/tableStore.js';
import { writeOutputColumns, writeOutputTable } from '../../../src/store/tables/writeOutputTable.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('Intersection on stored keys');
let dir = '';
let store: TableStore;
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-isect-stored-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const schema = { header: ['a', 'b'], sid_name: 'id' };

const instances = (keys: string[], labelled: boolean): [string, unknown][] =>
  keys.map((k, i) => [k, labelled ? { features: [i / 3, -i], label: i % 2 } : { features: [i / 7, i % 5] }]);

/** Both parties as task workers run them (lists cross packed); records what each receives. */
async function run(tables: [DataTable, DataTable], params: Record<string, unknown>) {
  const job = new InProcessJob();
  const roles = { guest: [GUEST.partyId], host: [HOST.partyId] };
  const received: unknown[][] = [[], []];
  const outputs = await Promise.all([GUEST, HOST].map((self, i) => {
    const ctx = job.context(self);
    const inner = ctx.federation;
    const federation: ComponentContext['federation'] = {
      remote: (name, tag, payload, to) => inner.remote(name, tag, structuredClone(packPayload(payload)), to),
      get: async (name, tag, from) => {
        const payload = unpackPayload(await inner.get(name, tag, from));
        received[i]!.push([name, payload]);
        return payload;
      },
      getPacked: async (name, tag, from) => {
        const payload = await inner.get(name, tag, from);
        received[i]!.push([name, unpackPayload(structuredClone(payload))]);
        return payload;
      },
      remotePacked: (name, tag, ids, to) => inner.remote(name, tag, structuredClone(ids), to),
    };
    markConsumable(tables[i]!);
    return intersection(componentInput({ module: 'Intersection', role: self.role, partyId: self.partyId, roles, params, data: { data: tables[i]! } }), { ...ctx, federation });
  }));
  return { outputs: outputs.map((o) => o.data!), received };
}

t('given tables too big to keep between tasks, when intersected (raw), then no own key string is made and outputs, messages and files are those of the tables in memory', async () => {
  // Over the packing threshold (10,000 ids); the host has ids the guest lacks and lacks some of its.
  const guestKeys = Array.from({ length: 30_000 }, (_, i) => `id${i}`);
  const hostKeys = Array.from({ length: 25_000 }, (_, i) => `id${5_000 + ((i * 7_919) % 30_000)}`).filter((_, i) => i % 4 !== 1);
  writeOutputTable(store, 'guest', instances(guestKeys, true), 100, 7);
  writeOutputTable(store, 'host', instances(hostKeys, false), 100, 5);
  for (const params of [{ intersect_method: 'raw' }, { intersect_method: 'raw', join_role: 'host' }]) {
    // Lazily read (a RecentOutputs keeping 100 rows at most: these are "too big"), and eagerly.
    const lazy = (location: string) => loadTaskInput(store, { location, format: 'json', schema }, new RecentOutputs(100), new UploadedRows());
    const eager = (location: string) => columnarTable(schema, readColumnarColumns(store.columnarPathOf(location))!);
    const stored: [DataTable, DataTable] = [lazy('guest'), lazy('host')];
    assert.ok(unreadKeysPacked(stored[0].columns!), 'keys readable packed');
    const after = await run(stored, params);
    const before = await run([eager('guest'), eager('host')], params);
    assert.equal(after.received, before.received, 'every party receives the same lists');
    stored.forEach((table, i) => {
      assert.ok(unreadKeysSource(table.columns!), `party ${i}: its own keys were never made strings`);
      const out = after.outputs[i]!;
      assert.ok(unloadedSource(out.columns!), 'the kept rows are still unread');
      assert.ok(unreadKeysSource(out.columns!), 'and so are their keys');
      // What writeTaskOutput does: the kept rows' files are those of the in-memory output.
      writeOutputColumns(store, `lazy${i}${params.join_role ?? ''}`, out.columns!, 100);
      writeOutputColumns(store, `eager${i}${params.join_role ?? ''}`, before.outputs[i]!.columns!, 100);
      const files = (location: string) => readdirSync(store.columnarPathOf(location)).sort();
      const [a, b] = [`lazy${i}${params.join_role ?? ''}`, `eager${i}${params.join_role ?? ''}`];
      assert.equal(files(a), files(b));
      for (const f of files(b)) assert.ok(readFileSync(join(store.columnarPathOf(a), f)).equals(readFileSync(join(store.columnarPathOf(b), f))), `${f}: the same bytes`);
      assert.equal([...out.columns!.keys], [...before.outputs[i]!.columns!.keys]);
      assert.equal(out.rows, before.outputs[i]!.rows);
    });
    assert.ok(after.outputs[0]!.columns!.keys.length < guestKeys.length, 'some rows were dropped');
  }
});

t('given kept rows out of order from a stored table, when taken, then their keys are read so the writer sorts them', () => {
  writeOutputTable(store, 'in', instances(['k3', 'k1', 'k2', 'k0'], true), 1, 2);
  const table = loadTaskInput(store, { location: 'in', format: 'json', schema }, new RecentOutputs(1), new UploadedRows());
  markConsumable(table);
  const cols = table.columns!;
  const taken = takeRows(readColumnarColumns(store.columnarPathOf('in'))!, Int32Array.of(2, 0));
  const lazyTaken = takeUnloaded(cols, Int32Array.of(2, 0))!;
  assert.is(unreadKeysSource(lazyTaken), undefined, 'out of order: keys read');
  assert.equal([...lazyTaken.keys], [...taken.keys]);
  const written = writeOutputColumns(store, 'out', lazyTaken, 0);
  assert.equal([...written.columns.keys], ['k0', 'k2']);
});

t('given a stored table whose keys hold a newline, when its keys are read packed or as strings, then packing is refused and the strings are exact', () => {
  // The packed form separates keys with '\n': a key holding one cannot be packed (storedColumns.ts
  // joinedKeysOf), and the keys are then decoded one by one, bytes and all (UTF-8 included).
  const keys = ['a', 'b\nc', 'd', 'é\n😀'].sort();
  writeOutputTable(store, 'nl', instances(keys, true), 1, 2);
  const table = loadTaskInput(store, { location: 'nl', format: 'json', schema }, new RecentOutputs(1), new UploadedRows());
  assert.is(unreadKeysPacked(table.columns!), undefined, 'no packed form');
  assert.equal([...table.columns!.keys], keys);
  writeOutputTable(store, 'plain', instances(['a', 'é', '😀'], true), 1, 2);
  const plain = loadTaskInput(store, { location: 'plain', format: 'json', schema }, new RecentOutputs(1), new UploadedRows());
  assert.equal(unreadKeysPacked(plain.columns!), { fedflowPackedStrings: 'a\né\n😀', count: 3 }, 'the packed form of keys without a newline');
  assert.equal([...plain.columns!.keys], ['a', 'é', '😀']);
});

t.run();
