import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tableDecider, uploadRefusal } from '../../src/domain/table/decider.js';
import type { TableEvent } from '../../src/domain/table/events.js';
import type { TableCommand } from '../../src/domain/table/commands.js';
import { fold } from '../../src/domain/decider.js';
import { deciderSpec } from '../support/deciderSpec.js';

const spec = deciderSpec(tableDecider);
const ns = 'experiment';
const name = 'breast_hetero_guest';
const meta = { header: 'y,x0', sid: 'id' };
const load = (location: string, basedOn: string | null, mode: 'replace' | 'append' = 'replace'): TableCommand => ({
  type: 'LoadTableData',
  data: { namespace: ns, name, location, mode, basedOn, partition: 8, countUpload: 569, countActual: 569, meta, jobId: 'j1', at: 10 },
});
const created: TableEvent = { type: 'TableCreated', data: { namespace: ns, name, partition: 8, jobId: 'j1', at: 10 } };
const loadedA: TableEvent = {
  type: 'TableDataLoaded',
  data: { namespace: ns, name, location: 'a', previousLocation: null, mode: 'create', partition: 8, countUpload: 569, countActual: 569, meta, jobId: 'j1', at: 10 },
};

const t = suite('table');
t('absent: the first load creates the table and loads it', () => {
  spec.given([]).when(load('a', null)).then([created, loadedA]);
});
t('live: a re-upload replaces the location and names the old one', () => {
  spec.given([created, loadedA]).when(load('b', 'a')).then([{ type: 'TableDataLoaded', data: { ...loadedA.data, location: 'b', previousLocation: 'a', mode: 'replace' } }]);
});
t('live: an upload based on a stale location is refused (a concurrent upload won)', () => {
  spec.given([created, loadedA]).when(load('c', null)).thenThrows(/changed by another upload/);
});
t('live: delete records the location to remove', () => {
  spec.given([created, loadedA]).when({ type: 'DeleteTable', data: { at: 20 } })
    .then([{ type: 'TableDeleted', data: { namespace: ns, name, location: 'a', at: 20 } }]);
});
t('absent: delete decides nothing', () => {
  spec.given([]).when({ type: 'DeleteTable', data: { at: 20 } }).thenNothingHappened();
});
t('deleted: loading again creates it again', () => {
  const deleted: TableEvent = { type: 'TableDeleted', data: { namespace: ns, name, location: 'a', at: 20 } };
  spec.given([created, loadedA, deleted]).when(load('d', null)).then([created, { ...loadedA, data: { ...loadedA.data, location: 'd' } }]);
});
t('drop rule: a table with rows and no drop is refused with the contract message', () => {
  const state = fold(tableDecider, [created, loadedA]);
  assert.is(
    uploadRefusal(state, undefined),
    'The data table already exists, table data count:569.If you still want to continue uploading, please add the parameter -drop. 0 means not to delete and continue uploading, 1 means to upload again after deleting the table',
  );
  assert.is(uploadRefusal(state, 0), undefined);
  assert.is(uploadRefusal(state, 1), undefined);
  assert.is(uploadRefusal(fold(tableDecider, []), undefined), undefined);
});
t.run();
