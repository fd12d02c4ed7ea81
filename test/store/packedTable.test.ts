// Component output tables: packed files (small) and SQLite files (large) read the same way.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize } from 'node:v8';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareUtf8, writePackedTable } from '../../src/store/tables/packedTable.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';
import { writeTable } from '../../src/store/tables/writeTable.js';

/** A large output as it was stored before the columnar tables: a SQLite file of JSON values (still read). */
const writeSqliteOutput = (store: TableStore, location: string, rows: [string, unknown][]): void => {
  writeTable(store, location, rows.map(([k, v]) => [k, JSON.stringify(v)] as const));
};

const t = suite('packed output tables');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-packed-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const rows: [string, unknown][] = [
  ['b', { features: [0.1, NaN, -0, Infinity], label: 1 }],
  ['a', { features: [1e-300, 2], label: 0 }],
  ['c', [1, 1, 0.93, { 0: 0.07, 1: 0.93 }, 'train']],
];

t('given a small output, when written, then it is a packed file read in key order with exact values', () => {
  const written = writeOutputTable(store, 'out1', rows);
  assert.is(written.count, 3);
  assert.equal(written.rows.map(([k]) => k), ['a', 'b', 'c']);
  assert.ok(store.isPacked('out1'));
  assert.ok(store.exists('out1'));
  assert.not.ok(existsSync(store.pathOf('out1')), 'no SQLite file');
  assert.is(store.count('out1'), 3);
  const values = store.readValues('out1');
  assert.equal(values.map(([k]) => k), ['a', 'b', 'c']);
  const b = values[1]![1] as { features: number[] };
  assert.ok(Number.isNaN(b.features[1]));
  assert.ok(Object.is(b.features[2], -0));
  assert.is(b.features[3], Infinity);
});

t('given a packed table, when read as text, then values are the JSON a SQLite output table holds', () => {
  writeOutputTable(store, 'out2', rows);
  writeSqliteOutput(store, 'out2_sqlite', rows);
  assert.not.ok(store.isPacked('out2_sqlite'));
  assert.equal([...store.read('out2')], [...store.read('out2_sqlite')]);
  assert.equal([...store.read('out2', { limit: 2 })], [...store.read('out2_sqlite', { limit: 2 })]);
  assert.equal([...store.read('out2', { limit: 0 })], []);
  assert.is(store.count('out2_sqlite'), 3);
});

t('given rows already in key order, when packed, then the same array comes back (no copy)', () => {
  const sorted: [string, unknown][] = [['a', 1], ['b', 2]];
  assert.is(writePackedTable(join(dir, 'x.packed'), sorted), sorted);
});

t('given duplicate keys, when packed, then it is refused and no file is left', () => {
  assert.throws(() => writeOutputTable(store, 'dup', [['a', 1], ['b', 2], ['a', 3]]), /key "a" twice/);
  assert.not.ok(store.exists('dup'));
});

t('given a location written already, when written again, then it is refused and the first stays', () => {
  writeOutputTable(store, 'once', [['a', 1]]);
  assert.throws(() => writeOutputTable(store, 'once', [['a', 2]]), /EEXIST/);
  assert.equal(store.readValues('once'), [['a', 1]]);
});

t('given packed and SQLite tables and orphans, when listed, dropped and cleaned, then both kinds count', () => {
  writeOutputTable(store, 'p1', [['a', 1]]);
  writeSqliteOutput(store, 's1', [['a', 1]]);
  writeFileSync(join(dir, 'tables', 'orphan.packed'), 'half written');
  assert.equal(store.listLocations(), ['orphan', 'p1', 's1']);
  assert.equal(store.removeOrphans(new Set(['p1', 's1'])), ['orphan']);
  store.drop('p1');
  assert.not.ok(store.exists('p1'));
  assert.equal(readdirSync(join(dir, 'tables')), ['s1.sqlite']);
});

t('given a file that is not a packed table, when read, then the error says so', () => {
  writeFileSync(store.packedPathOf('bad'), Buffer.from([0xff, 0x0f, 0x22, 0x01, 0x78]));
  assert.throws(() => store.readValues('bad'), /not a packed table/);
});

t('given a table of plain instances, when packed, then it is stored by column and reads back exactly', () => {
  const instances: [string, unknown][] = [
    ['1', { features: [0.1, NaN, -0, Infinity], label: 1 }],
    ['2', { features: [1e-300, -Infinity, 3, 4], label: NaN }],
  ];
  writeOutputTable(store, 'inst', instances);
  const stored = deserialize(readFileSync(store.packedPathOf('inst'))) as { instances?: { width: number }; values?: unknown };
  assert.is(stored.instances?.width, 4, 'columnar');
  assert.is(stored.values, undefined);
  const back = store.readValues('inst');
  assert.is(back.length, 2);
  const [a, b] = back.map(([, v]) => v as { features: number[]; label: number });
  assert.equal(Object.keys(a!), ['features', 'label']);
  assert.ok(Number.isNaN(a!.features[1]) && Object.is(a!.features[2], -0) && a!.features[3] === Infinity && a!.label === 1);
  assert.ok(a!.features[0] === 0.1 && b!.features[0] === 1e-300 && b!.features[1] === -Infinity && Number.isNaN(b!.label));
  const unlabelled: [string, unknown][] = [['a', { features: [1, 2] }], ['b', { features: [3, 4] }]];
  writeOutputTable(store, 'unlabelled', unlabelled);
  assert.equal(store.readValues('unlabelled'), unlabelled);
  const labelFirst: [string, unknown][] = [['a', { label: 0, features: [1] }]];
  writeOutputTable(store, 'label_first', labelFirst);
  assert.equal([...store.read('label_first')], [['a', '{"label":0,"features":[1]}']], 'the same JSON text as the object');
});

t('given values that are not all plain instances of one width, when packed, then they are stored as they are', () => {
  const cases: Record<string, [string, unknown][]> = {
    widths: [['a', { features: [1, 2] }], ['b', { features: [1] }]],
    mixedLabels: [['a', { features: [1], label: 1 }], ['b', { features: [2] }]],
    extraKey: [['a', { features: [1], label: 1, weight: 2 }]],
    textFeature: [['a', { features: ['1'] }]],
    hole: [['a', { features: [1, , 3] }]], // eslint-disable-line no-sparse-arrays
    stringLabel: [['a', { features: [1], label: '1' }]],
    notInstances: [['a', [1, 0, 0.5]], ['b', 'text']],
  };
  for (const [name, rows] of Object.entries(cases)) {
    writeOutputTable(store, name, rows);
    const stored = deserialize(readFileSync(store.packedPathOf(name))) as { instances?: unknown };
    assert.is(stored.instances, undefined, name);
    assert.equal(store.readValues(name), rows, name);
  }
});

t('keys order as their UTF-8 bytes (SQLite BINARY collation), also beyond U+FFFF', () => {
  const keys = ['b', 'a', '\u{1F600}', '\uFF21', 'ab', '', '\u00e9', '\uE000'];
  const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.equal([...keys].sort(compareUtf8), byBytes);
  assert.equal(byBytes.slice(-2), ['\uFF21', '\u{1F600}']);
});

t.run();
