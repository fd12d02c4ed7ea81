// The upload task end to end: a file goes through the worker thread into a new table location.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkUploadFile, runUploadTask, type UploadTaskInput } from '../../src/components/upload/runUploadTask.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';

const t = suite('upload');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-upload-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function upload(path: string, head: 0 | 1, extra: Partial<UploadTaskInput> = {}) {
  const location = store.newLocation();
  return { location, done: runUploadTask({ tablesDir: store.dir, location, file: path, head, ...extra }) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t('given a CSV with a header, when uploaded, then counts, sid, header and rows are right', async () => {
  const { location, done } = upload(file('a.csv', 'id,y,x0\n1,0,0.5\n2,1,0.25\n'), 1);
  const result = await done;
  assert.equal(result, { countUpload: 2, countActual: 2, header: 'y,x0', sid: 'id' });
  assert.equal([...store.read(location)], [['1', '0,0.5'], ['2', '1,0.25']]);
});

t('given head=0, when uploaded, then the first line is a row and there is no header or sid', async () => {
  const { location, done } = upload(file('a.csv', 'id,y\n1,0\n'), 0);
  const result = await done;
  assert.equal(result, { countUpload: 2, countActual: 2 });
  assert.equal([...store.read(location)], [['1', '0'], ['id', 'y']]);
});

t('given tabs, \\r\\n and empty lines, when uploaded, then tabs are commas, \\r is gone, empty lines skipped', async () => {
  const { location, done } = upload(file('a.tsv', 'id\ty\tx0\r\n1\t0\t0.5\r\n\r\n2\t1\t0.25\r\nonly_key\r\n'), 1);
  const result = await done;
  assert.equal(result, { countUpload: 3, countActual: 3, header: 'y,x0', sid: 'id' });
  assert.equal([...store.read(location)], [['1', '0,0.5'], ['2', '1,0.25'], ['only_key', '']]);
});

t('given multi-byte characters cut between read chunks, when uploaded, then they arrive intact', async () => {
  const text = 'clé,valeur\nß1,日本語,€\n😀,naïve,Ωmega\n';
  const path = file('u.csv', text);
  for (const highWaterMark of [1, 2, 3, 5, 7]) {
    const { location, done } = upload(path, 1, { highWaterMark });
    const result = await done;
    assert.equal(result, { countUpload: 2, countActual: 2, header: 'valeur', sid: 'clé' }, `highWaterMark ${highWaterMark}`);
    assert.equal([...store.read(location)], [['ß1', '日本語,€'], ['😀', 'naïve,Ωmega']], `highWaterMark ${highWaterMark}`);
  }
});

t('given duplicate keys, when uploaded, then countUpload counts lines, countActual keys, and the last value wins', async () => {
  const { location, done } = upload(file('d.csv', 'id,v\n1,first\n2,only\n1,last\n'), 1);
  const result = await done;
  assert.is(result.countUpload, 3);
  assert.is(result.countActual, 2);
  assert.equal([...store.read(location)], [['1', 'last'], ['2', 'only']]);
  assert.is(store.count(location), 2);
});

t('given an existing location, when uploading with copyFrom, then old rows stay, new ones are added or overwrite, and the old location is unchanged', async () => {
  const first = upload(file('a.csv', 'id,v\n1,a\n2,b\n3,c\n'), 1);
  await first.done;
  const oldBytes = readFileSync(store.pathOf(first.location));

  const second = upload(file('b.csv', 'id,v\n3,C\n4,D\n4,DD\n'), 1, { copyFrom: first.location });
  const result = await second.done;

  assert.equal(result, { countUpload: 3, countActual: 4, header: 'v', sid: 'id' });
  assert.equal([...store.read(second.location)], [['1', 'a'], ['2', 'b'], ['3', 'C'], ['4', 'DD']]);
  assert.equal([...store.read(first.location)], [['1', 'a'], ['2', 'b'], ['3', 'c']]);
  assert.ok(readFileSync(store.pathOf(first.location)).equals(oldBytes), 'old file byte for byte');
});

t('given a component output (a packed table), when uploading with copyFrom it, then it is refused clearly and nothing is created', async () => {
  writeOutputTable(store, 'an_output', [['1', { features: [0.5] }]]);
  const attempt = upload(file('c.csv', 'id,v\n1,a\n'), 1, { copyFrom: 'an_output' });
  await attempt.done.then(() => assert.unreachable('refused'), (e: Error) => assert.match(e.message, /holds a component output.*drop 1 replaces it/));
  assert.not.ok(store.exists(attempt.location));
  assert.equal(store.readValues('an_output'), [['1', { features: [0.5] }]]);
  writeOutputTable(store, 'a_large_output', [['1', { features: [0.5] }]], 0); // columnar partitions
  const again = upload(file('d.csv', 'id,v\n1,a\n'), 1, { copyFrom: 'a_large_output' });
  await again.done.then(() => assert.unreachable('refused'), (e: Error) => assert.match(e.message, /holds a component output/));
  assert.not.ok(store.exists(again.location));
});

t('given a missing or empty file, when checked or uploaded, then FATE messages are given and nothing is created', async () => {
  const missing = join(dir, 'missing.csv');
  const empty = file('empty.csv', '');
  assert.is(checkUploadFile(missing), `${missing} is not exist, please check the configure`);
  assert.is(checkUploadFile(empty), `${empty} is an empty file`);
  assert.is(checkUploadFile(file('ok.csv', 'x\n')), undefined);

  const a = upload(missing, 1);
  assert.is((await rejection(a.done)).message, `${missing} is not exist, please check the configure`);
  const b = upload(empty, 1);
  assert.is((await rejection(b.done)).message, `${empty} is an empty file`);
  assert.equal(store.listLocations(), []);
});

t('given a file that is not UTF-8, when uploaded, then it fails naming the line and leaves no file', async () => {
  const path = file('latin1.csv', Buffer.concat([Buffer.from('id,v\n1,a\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  const { location, done } = upload(path, 1);
  assert.is((await rejection(done)).message, `${path}: line 3 is not valid UTF-8 text`);
  assert.not.ok(existsSync(store.pathOf(location)));
});

t('given a location that already exists, when uploading to it, then it is refused and left alone', async () => {
  const first = upload(file('a.csv', 'id,v\n1,a\n'), 1);
  await first.done;
  const err = await rejection(runUploadTask({ tablesDir: store.dir, location: first.location, file: file('b.csv', 'id,v\n2,b\n'), head: 1 }));
  assert.match(err.message, 'already exists');
  assert.equal([...store.read(first.location)], [['1', 'a']]);
});

t('given a large file, when uploading, then progress rises in whole percents below 100 and counts lines', async () => {
  const path = bigFile('big.csv', 200_000);
  const seen: [number, number][] = [];
  const location = store.newLocation();
  const result = await runUploadTask(
    { tablesDir: store.dir, location, file: path, head: 1, highWaterMark: 64 * 1024 },
    { onProgress: (percent, lines) => seen.push([percent, lines]) },
  );
  assert.is(result.countUpload, 200_000);
  assert.is(result.countActual, 200_000);
  assert.ok(seen.length >= 50, `${seen.length} progress reports`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]![0] > seen[i - 1]![0], 'strictly rising percent');
    assert.ok(seen[i]![1] >= seen[i - 1]![1], 'rising lines');
  }
  assert.ok(seen.every(([p]) => Number.isInteger(p) && p >= 0 && p <= 99));
  assert.equal([...store.read(location, { limit: 2 })], [['0', '0.5,row0'], ['1', '0.5,row1']]);
});

t('given a running upload, when aborted, then it rejects "upload canceled" and the partial file is gone', async () => {
  const path = bigFile('big.csv', 300_000);
  const controller = new AbortController();
  const location = store.newLocation();
  let reports = 0;
  let fileWhileLoading = false;
  const done = runUploadTask(
    { tablesDir: store.dir, location, file: path, head: 1, highWaterMark: 16 * 1024 },
    {
      signal: controller.signal,
      onProgress: () => {
        if (++reports === 3) {
          fileWhileLoading = existsSync(store.pathOf(location));
          controller.abort();
        }
      },
    },
  );
  assert.is((await rejection(done)).message, 'upload canceled');
  assert.ok(reports >= 3);
  assert.ok(fileWhileLoading, 'the partial file existed while loading');
  assert.not.ok(existsSync(store.pathOf(location)));
  assert.equal(store.listLocations(), []);
});

t('given an already aborted signal, when uploading, then it rejects at once and creates nothing', async () => {
  const signal = AbortSignal.abort();
  const location = store.newLocation();
  const err = await rejection(runUploadTask({ tablesDir: store.dir, location, file: file('a.csv', 'id\n1\n'), head: 1 }, { signal }));
  assert.is(err.message, 'upload canceled');
  assert.not.ok(existsSync(store.pathOf(location)));
});

/** `rows` data lines `i,0.5,row<i>` after a header. */
function bigFile(name: string, rows: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    let text = 'id,x,label\n';
    for (let i = 0; i < rows; i++) {
      text += `${i},0.5,row${i}\n`;
      if (text.length > 1 << 20) {
        writeSync(fd, text);
        text = '';
      }
    }
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  assert.ok(statSync(path).size > 0);
  return path;
}

t.run();
