// The download task: a table location written back to a text file by a worker thread.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDownloadTask } from '../../src/components/download/runDownloadTask.js';
import { runUploadTask } from '../../src/components/upload/runUploadTask.js';
import { TableStore } from '../../src/store/tables/tableStore.js';

const BREAST = '/work/shared/data/breast_hetero_guest.csv';

const t = suite('download');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-download-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function uploaded(path: string, head: 0 | 1): Promise<string> {
  const location = store.newLocation();
  await runUploadTask({ tablesDir: store.dir, location, file: path, head });
  return location;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t('given breast_hetero_guest.csv uploaded, when downloaded, then every key and value comes back', async () => {
  const source = readFileSync(BREAST, 'utf8').split('\n').filter((l) => l !== '');
  const location = store.newLocation();
  const up = await runUploadTask({ tablesDir: store.dir, location, file: BREAST, head: 1 });
  assert.equal(up, { countUpload: 569, countActual: 569, sid: 'id', header: 'y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9' });

  const outputPath = join(dir, 'out', 'nested', 'breast.csv');
  const { count } = await runDownloadTask({ tablesDir: store.dir, location, outputPath, delimitor: ',' });

  assert.is(count, 569);
  const lines = readFileSync(outputPath, 'utf8').split('\n');
  assert.is(lines.pop(), '', 'ends with a newline');
  assert.is(lines.length, 569);
  assert.equal([...lines].sort(), source.slice(1).sort(), 'same lines, no header');
  const keys = lines.map((l) => l.slice(0, l.indexOf(',')));
  assert.equal(keys, [...keys].sort(), 'storage (key) order');
  assert.not.ok(existsSync(`${outputPath}.partial`));
});

t('given a custom delimitor and rows without value, when downloaded, then key<delim>value or the key alone', async () => {
  const location = await uploaded(writeTemp('a.csv', 'b,2,x\na,1\nc\n'), 0);
  const outputPath = join(dir, 'a.out');
  const { count } = await runDownloadTask({ tablesDir: store.dir, location, outputPath, delimitor: '\t' });
  assert.is(count, 3);
  assert.is(readFileSync(outputPath, 'utf8'), 'a\t1\nb\t2,x\nc\n');
});

t('given more than 10,000 rows, when downloaded, then progress comes every 10,000 lines', async () => {
  const rows = Array.from({ length: 25_000 }, (_, i) => `${i},v${i}`).join('\n');
  const location = await uploaded(writeTemp('many.csv', rows), 0);
  const seen: [number, number][] = [];
  const outputPath = join(dir, 'many.out');
  const { count } = await runDownloadTask({ tablesDir: store.dir, location, outputPath, delimitor: ',' }, { onProgress: (p, l) => seen.push([p, l]) });
  assert.is(count, 25_000);
  assert.equal(seen, [[40, 10_000], [80, 20_000]]);
  assert.is(readFileSync(outputPath, 'utf8').split('\n').length, 25_001);
});

t('given an absent location, when downloaded, then it fails and leaves no output', async () => {
  const outputPath = join(dir, 'x.out');
  const err = await rejection(runDownloadTask({ tablesDir: store.dir, location: 'nope', outputPath, delimitor: ',' }));
  assert.match(err.message, 'table location nope does not exist');
  assert.not.ok(existsSync(outputPath));
  assert.not.ok(existsSync(`${outputPath}.partial`));
});

t('given an aborted signal, when downloading, then it rejects "download canceled" and writes nothing', async () => {
  const location = await uploaded(writeTemp('a.csv', 'a,1\n'), 0);
  const outputPath = join(dir, 'out', 'a.out');
  const err = await rejection(runDownloadTask({ tablesDir: store.dir, location, outputPath, delimitor: ',' }, { signal: AbortSignal.abort() }));
  assert.is(err.message, 'download canceled');
  assert.not.ok(existsSync(outputPath));
});

t('given a running download, when aborted, then it rejects and neither the output nor the partial file remain', async () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${'x'.repeat(40)}`).join('\n');
  const location = await uploaded(writeTemp('big.csv', rows), 0);
  const outputPath = join(dir, 'out', 'big.out');
  const controller = new AbortController();
  const done = runDownloadTask(
    { tablesDir: store.dir, location, outputPath, delimitor: ',' },
    { signal: controller.signal, onProgress: () => controller.abort() },
  );
  assert.is((await rejection(done)).message, 'download canceled');
  assert.equal(readdirSync(join(dir, 'out')), []);
});

function writeTemp(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

t.run();
