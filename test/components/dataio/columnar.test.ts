// DataIO's dense columnar path (denseColumns.ts) against its row path: the same rows (values, NaN,
// -0, key order, label position), the same schema, the same model buffers and the same errors, on
// FATE's breast tables and on tables with missing and outlier cells, fitted and predicted; and
// its reading of lines given as UTF-8 bytes (an upload from storage) against both.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIOComponent } from '../../../src/components/dataio/dataIO.js';
import { lastScanStop, plainDecimal, readDecimalBytes, scanPlainDecimal } from '../../../src/components/dataio/denseColumns.js';
import { parsePyFloat } from '../../../src/components/dataio/values.js';
import { rawLinesFromBytes, rawLinesFromStream, rawLinesOf, rawLinesTable, type LineChunk, type LineChunks, type RawLines } from '../../../src/tableData/rawLines.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { csvTable, fixtureTable } from './csvTable.js';

const t = suite('DataIO columnar path');
const columnarDataIO = dataIOComponent({ columnar: true });
const rowDataIO = dataIOComponent({ columnar: false });

async function run(columnar: boolean, table: DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  return (columnar ? columnarDataIO : rowDataIO)(componentInput({ module: 'DataIO', role: 'guest', params, data: { data: table }, ...(model ? { model } : {}) }), ctx);
}

/** JSON text that tells NaN, ±Infinity and -0 apart (JSON alone would not). */
const exact = (value: unknown): string => JSON.stringify(value, (_, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${Object.is(v, -0) ? '-0' : String(v)}` : v);

/**
 * The table's lines as UTF-8 bytes, as storage gives them: one buffer holding them in reverse key
 * order with junk between them (only the ranges say where a line is); `decoded()` says whether a
 * reader asked for the lines as strings.
 */
function asBytes(table: DataTable<string>): { table: DataTable<string>; decoded: () => boolean } {
  const raw = rawLinesOf(table);
  const n = raw.keys.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const parts: Buffer[] = [Buffer.from('9,')];
  let at = 2;
  for (let r = n - 1; r >= 0; r--) {
    const line = Buffer.from(raw.lines[r]!, 'utf8');
    start[r] = at;
    end[r] = at + line.length;
    parts.push(line, Buffer.from(',1\n'));
    at += line.length + 3;
  }
  const inner = rawLinesFromBytes(raw.keys, { bytes: new Uint8Array(Buffer.concat(parts)), start, end });
  let decoded = false;
  const wrapped: RawLines = { keys: inner.keys, bytes: inner.bytes!, get lines() { decoded = true; return inner.lines; } };
  return { table: rawLinesTable(table.schema, wrapped), decoded: () => decoded };
}

/**
 * The table's lines as a big upload gives them (storage order, a chunk at a time): chunks of 3
 * lines in reverse key order, a junk byte before each line; `whole()` says whether a reader asked
 * for the whole text (bytes or lines) instead of walking the chunks.
 */
function asChunks(table: DataTable<string>): { table: DataTable<string>; whole: () => boolean } {
  const raw = rawLinesOf(table);
  const n = raw.keys.length;
  const chunks: LineChunk[] = [];
  for (let hi = n; hi > 0; hi -= 3) {
    const rows = Int32Array.from({ length: Math.min(3, hi) }, (_, q) => hi - 1 - q);
    const parts: Buffer[] = [];
    const start = new Float64Array(rows.length);
    const end = new Float64Array(rows.length);
    let at = 0;
    rows.forEach((r, q) => {
      const line = Buffer.from(raw.lines[r]!, 'utf8');
      parts.push(Buffer.from('#'), line);
      start[q] = at + 1;
      end[q] = at += 1 + line.length;
    });
    chunks.push({ bytes: new Uint8Array(Buffer.concat(parts)), start, end, row: rows, count: rows.length });
  }
  let whole = false;
  const chunked = rawLinesFromStream(raw.keys, { forEach: (visit) => chunks.forEach((c) => visit(c)) }, () => {
    whole = true;
    return rawLinesOf(asBytes(table).table);
  });
  return { table: rawLinesTable(table.schema, chunked), whole: () => whole };
}

/**
 * The table's lines streamed as an upload in format 2 gives them (rawLines.ts `LineChunks`): in
 * storage order, here reversed key order, two lines per chunk, junk between lines; `whole()` says
 * whether a reader asked for all the bytes at once (the fallback).
 */
function asStream(table: DataTable<string>): { table: DataTable<string>; whole: () => boolean } {
  const raw = rawLinesOf(table);
  const n = raw.keys.length;
  const reference = asBytes(table);
  const all = rawLinesOf(reference.table).bytes!;
  let whole = false;
  const chunks: LineChunks = {
    forEach(visit) {
      for (let first = n - 1; first >= 0; first -= 2) {
        const rows = first >= 1 ? [first, first - 1] : [first];
        // Each chunk its own buffer: its lines at new offsets, after a few junk bytes.
        const parts: Buffer[] = [Buffer.from('x,\n')];
        let at = 3;
        const start = new Float64Array(rows.length);
        const end = new Float64Array(rows.length);
        rows.forEach((r, i) => {
          const line = Buffer.from(all.bytes.subarray(all.start[r]!, all.end[r]!));
          start[i] = at;
          end[i] = at + line.length;
          parts.push(line, Buffer.from('\n'));
          at += line.length + 1;
        });
        visit({ bytes: new Uint8Array(Buffer.concat(parts)), start, end, row: Int32Array.from(rows), count: rows.length });
      }
    },
  };
  const wholeLines = (): RawLines => {
    whole = true;
    return rawLinesFromBytes(raw.keys, all);
  };
  return { table: rawLinesTable(table.schema, rawLinesFromStream(raw.keys, chunks, wholeLines)), whole: () => whole };
}

/**
 * Runs both paths, and the columnar one on the lines as bytes, as chunks (format 1) and as a stream (format 2); asserts the columnar runs produced
 * columns and all give the same table and model, and that the bytes were parsed as bytes (no line
 * decoded) unless `bytesPath` is false (a token that looks like a number: the string path).
 */
async function same(table: () => DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model'], bytesPath = true): Promise<ComponentOutput> {
  const byColumns = await run(true, table(), params, model);
  const byRows = await run(false, table(), params, model);
  const viaBytes = asBytes(table());
  const byBytes = await run(true, viaBytes.table, params, model);
  const viaChunks = asChunks(table());
  const byChunks = await run(true, viaChunks.table, params, model);
  const viaStream = asStream(table());
  const byStream = await run(true, viaStream.table, params, model);
  // Both upload formats' chunks are one type on one path: walked (the whole text never read) in
  // the plain case, and the whole text read in the same cases for either.
  const fills = params.missing_fill === true || params.outlier_replace === true;
  if (bytesPath && !fills) assert.not.ok(viaChunks.whole(), 'the chunks were parsed');
  assert.ok(untouchedColumns(byChunks.data!), 'the chunks made a columnar table');
  assert.equal(byChunks.data!.schema, byRows.data!.schema);
  assert.is(exact(byChunks.data!.rows), exact(byRows.data!.rows));
  assert.is(exact(byChunks.model), exact(byRows.model));
  const data = byColumns.data as DataTable<Instance>;
  assert.ok(untouchedColumns(data), 'the columnar path made a columnar table');
  assert.ok(untouchedColumns(byBytes.data!), 'the bytes made a columnar table');
  assert.is(viaBytes.decoded(), !bytesPath, bytesPath ? 'the bytes were parsed as bytes' : 'the lines were decoded');
  assert.not.ok(byRows.data!.columns, 'the reference made rows');
  assert.equal(data.schema, byRows.data!.schema);
  assert.equal(byBytes.data!.schema, byRows.data!.schema);
  assert.is(exact(data.rows), exact(byRows.data!.rows));
  assert.is(exact(byBytes.data!.rows), exact(byRows.data!.rows));
  assert.is(exact(byColumns.model), exact(byRows.model));
  assert.is(exact(byBytes.model), exact(byRows.model));
  assert.ok(untouchedColumns(byStream.data!), 'the stream made a columnar table');
  assert.is(exact(byStream.data!.rows), exact(byRows.data!.rows));
  assert.is(exact(byStream.model), exact(byRows.model));
  // The plain case is parsed as it streams; fills, int data with points, odd delimiters read the whole bytes.
  if (bytesPath && !params.missing_fill && !params.outlier_replace) assert.not.ok(viaStream.whole(), 'the lines were parsed as they streamed');
  assert.is(viaChunks.whole(), viaStream.whole(), 'format 1 chunks and a format 2 stream take the same path');
  return byColumns;
}

t('breast guest (label) and host (no label), dense and sparse output: the same rows and model', async () => {
  await same(() => fixtureTable('breast_hetero_guest'), { with_label: true, label_name: 'y', label_type: 'int' });
  await same(() => fixtureTable('breast_hetero_host'), { with_label: false });
  await same(() => fixtureTable('breast_hetero_host'), { with_label: false, output_format: 'sparse' });
  await same(() => fixtureTable('breast_hetero_guest'), { with_label: true, label_name: 'y', label_type: 'float', data_type: 'float' });
});

t('a table read as lines (the runtime\'s big uploads) gives the rows its tuples give', async () => {
  const tuples = fixtureTable('breast_hetero_guest');
  const lines = rawLinesTable(tuples.schema, rawLinesOf(tuples));
  const a = await run(true, lines, { with_label: true });
  const b = await run(false, tuples, { with_label: true });
  assert.is(exact(a.data!.rows), exact(b.data!.rows));
  assert.equal(lines.rows, tuples.rows, 'its rows, built on first use, are the tuples');
});

// Missing cells ('', NA, null, None), outliers (-999, 9999), a bad number only where a fill replaces it.
const MESSY = `id,y,a,b,c
1,0,1.5,,-999
2,1,NA,2.5,3
3,0,0.25,null,9999
4,1,-0,None,1e-9
5,0,1e-9,-2,
6,1,inf,-1,-999
7,0,3,4,5
`;

for (const method of ['mean', 'min', 'max', 'designated']) {
  t(`missing fill (${method}) and outlier replace: the same rows, ratios and fill values, fitted and predicted`, async () => {
    const params = {
      with_label: true, missing_fill: true, missing_fill_method: method, default_value: method === 'designated' ? [7, 8, 9] : 0,
      outlier_replace: true, outlier_replace_method: method === 'designated' ? 'designated' : 'mean', outlier_impute: ['-999', '9999'], outlier_replace_value: 0.5,
    };
    // The outlier tokens look like numbers: lines given as bytes are read as strings.
    const fitted = await same(() => csvTable(MESSY), params, undefined, false);
    await same(() => csvTable(MESSY), { ...params, output_format: 'sparse' }, undefined, false);
    // Predict: the stored fills replayed; the columns in another order are realigned by name.
    await same(() => csvTable(MESSY), {}, fitted.model, false);
    const reordered = 'id,c,a,y,b\n' + MESSY.split('\n').slice(1).filter(Boolean).map((l) => { const [id, y, a, b, c] = l.split(','); return [id, c, a, y, b].join(','); }).join('\n');
    await same(() => csvTable(reordered), {}, fitted.model, false);
    // Tokens that cannot be numbers: the bytes are parsed as bytes, fills fitted from them too.
    const wordy = { ...params, outlier_impute: ['inf', '-INF', 'é'] };
    const wordyFitted = await same(() => csvTable(MESSY.replaceAll('-999', 'é').replaceAll('9999', 'inf')), wordy);
    await same(() => csvTable(reordered.replaceAll('-999', 'é').replaceAll('9999', 'inf')), {}, wordyFitted.model);
  });
}

t('missing fill with the default tokens only, int data: the same rows and model', async () => {
  const ints = 'id,y,a,b\n1,1,3,\n2,0,,4\n3,1,5,6\n';
  await same(() => csvTable(ints), { with_label: true, data_type: 'int', missing_fill: true, default_value: 2 });
  await same(() => csvTable(ints), { with_label: true, data_type: 'int', missing_fill: true });
});

t('bad lines: the columnar path gives the row path\'s errors (cell count, a cell, a label)', async () => {
  const cases = [
    'id,y,a,b\n1,1,3,4\n2,0,5\n',
    'id,y,a,b\n1,1,3,4\n2,0,5,6,7\n',
    'id,y,a,b\n1,1,3,x\n2,0,5,6\n',
    'id,y,a,b\n1,1,3,4\n2,z,5,6\n',
  ];
  for (const text of cases) {
    for (const params of [{ with_label: true }, { with_label: true, missing_fill: true, missing_fill_method: 'mean' }]) {
      const errorOf = async (columnar: boolean) => run(columnar, csvTable(text), params).then(() => 'no error', (e: Error) => e.message);
      const message = await errorOf(false);
      assert.match(message, /DataIO: row/);
      assert.is(await errorOf(true), message);
      assert.is(await run(true, asBytes(csvTable(text)).table, params).then(() => 'no error', (e: Error) => e.message), message, 'the same error from bytes');
    }
  }
});

t('plain decimals are read without a string, to the same double as Python float(); anything else is left to it', () => {
  const read = (text: string) => plainDecimal(`,${text},`, 1, text.length + 1);
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200_000; i++) {
    const digits = String(next()) + String(next()).slice(0, next() % 8);
    const cut = next() % (digits.length + 1);
    const sign = ['', '-', '+'][next() % 3]!;
    const text = sign + (next() % 4 === 0 ? digits : digits.slice(0, cut) + '.' + digits.slice(cut));
    const want = parsePyFloat(text);
    const got = read(text);
    if (Number.isNaN(got)) assert.ok(text.replace(/[^0-9]/g, '').length > 15 || want === undefined, `${text} is plain`);
    else assert.ok(Object.is(got, want), `${text}: ${got} against ${want}`);
  }
  for (const [text, want] of [['-0', -0], ['-0.000', -0], ['0.1', 0.1], ['.5', 0.5], ['5.', 5], ['+7', 7], ['999999999999999', 999999999999999], ['0.00000000000001', 1e-14]] as const) assert.ok(Object.is(read(text), want), text);
  for (const text of ['', '-', '+', '.', '1.2.3', '1e5', 'inf', 'nan', ' 1', '1_0', '--1', '1-', '9999999999999999', 'NA']) assert.ok(Number.isNaN(read(text)), text);
});

t('the one-pass scan reads each cell as plainDecimal does over [start, next delimiter)', () => {
  let state = 777;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const pieces = ['0', '1', '9', '.', '-', '+', 'e', 'N', ' ', ',', ';', '\t', '12345678', '00'];
  for (const delim of [',', ';', '\t', ' ']) {
    const code = delim.charCodeAt(0);
    for (let i = 0; i < 100_000; i++) {
      let line = '';
      for (let k = next() % 12; k > 0; k--) line += pieces[next() % pieces.length];
      const from = line.length === 0 ? 0 : next() % (line.length + 1);
      const at = line.indexOf(delim, from);
      const stop = at < 0 ? line.length : at;
      const want = plainDecimal(line, from, stop);
      const got = scanPlainDecimal(line, from, code);
      assert.ok(Object.is(got, want), `${JSON.stringify(line)} from ${from} (delimiter ${JSON.stringify(delim)}): ${got} against ${want}`);
    }
  }
});

/** A table of awkward cells: signs, exponents, 17+ digits, NaN/inf spellings, missing tokens, spaces, non-ASCII. */
function awkwardTable(seed: number, pool: readonly string[], labels: readonly string[], features = 6): DataTable<string> {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const header = Array.from({ length: features }, (_, j) => `x${j}`);
  let text = `id,y,${header.join(',')}\n`;
  for (let i = 0; i < 3000; i++) {
    const cells = header.map(() => (next() % 3 === 0 ? pool[next() % pool.length]! : String(((next() % 200_001) - 100_000) / 1000)));
    text += `${i % 7 === 0 ? 'é' : ''}${i},${labels[next() % labels.length]},${cells.join(',')}\n`;
  }
  return csvTable(text);
}

const AWKWARD_FLOATS = [
  '0', '-0', '+0.0', '-0.000', '1.5', '-2.25', '.5', '5.', '-.5', '+.5e-3', '1e5', '-1E-7', '1.5e+300', '2e308', '-2e308', '4.9e-324', '1e-9', '-1e-9',
  '12345678901234567', '0.12345678901234567890', '123456789012345', '1234567890123456', '9007199254740993', '00012', '0.1', '1_000', '1_0.5',
  'nan', 'NaN', '-nan', 'inf', '-inf', '+Infinity', 'INF', ' 1.5', '2.5 ', '\t3', ' -0 ', '\uFEFF7',
  '', 'NA', 'null', 'None', 'é', '١٢', 'ñ', '😀', '\uFEFFx',
];
// '\uFEFFx' is a token and 'x' is not: a decoder that dropped a cell's leading BOM would fail the cell.
const WORD_TOKENS = ['', 'NA', 'null', 'None', 'é', '١٢', 'ñ', '😀', '\uFEFFx'];

t('awkward cells given as bytes: the same columns as the string lines and as the row path (fills, NaN tokens, sparse, labels)', async () => {
  const table = () => awkwardTable(7, AWKWARD_FLOATS, ['0', '1', '-0', '+1', '007']);
  for (const method of ['mean', 'min', 'max']) {
    await same(table, { with_label: true, label_type: 'int', missing_fill: true, missing_fill_method: method, missing_impute: WORD_TOKENS });
  }
  await same(table, { with_label: true, label_type: 'int', missing_impute: WORD_TOKENS });
  await same(table, { with_label: true, label_type: 'int', missing_impute: WORD_TOKENS, output_format: 'sparse' });
  await same(table, { with_label: true, label_type: 'int', missing_fill: true, missing_fill_method: 'mean', missing_impute: WORD_TOKENS, outlier_replace: true, outlier_impute: ['inf', '-inf', 'nan'], outlier_replace_method: 'max' });
  const floatLabels = () => awkwardTable(8, AWKWARD_FLOATS, ['0.5', '-1e3', ' 2', 'inf', '1.25', '12345678901234567']);
  await same(floatLabels, { with_label: true, label_type: 'float', missing_impute: WORD_TOKENS });
  // No label: the label cells are one more feature.
  await same(table, { with_label: false, missing_impute: WORD_TOKENS });
});

t('awkward int cells given as bytes: the same columns (int() takes no point, -0 stays as the string path reads it)', async () => {
  const ints = ['0', '-0', '+7', '00012', '123456789012345', '1234567890123456', '12345678901234567890', ' 5', '1_000', '', 'NA', 'é', '٣'];
  const table = () => {
    const base = awkwardTable(9, ints, ['0', '1'], 4);
    // Plain decimals with a point would fail int(): keep the random cells integral.
    return { schema: base.schema, rows: base.rows.map(([k, v]): [string, string] => [k, v.split(',').map((c) => (/^-?\d+\.\d+$/.test(c) ? String(Math.round(Number(c))) : c)).join(',')]) };
  };
  await same(table, { with_label: true, label_type: 'int', data_type: 'int', missing_impute: ['', 'NA', 'é', '٣'] });
  // (A fitted min/max/mean fill is str(float): "-100.0", which int() refuses; a designated one is not.)
  await same(table, { with_label: true, label_type: 'int', data_type: 'int', missing_fill: true, missing_fill_method: 'designated', default_value: 3, missing_impute: ['', 'NA', 'é', '٣'] });
  // A point in an int cell: the row path's error, from bytes as from strings.
  const bad = () => csvTable('id,y,a\n1,1,2\n2,0,2.5\n');
  const message = await run(false, bad(), { with_label: true, data_type: 'int' }).then(() => 'no error', (e: Error) => e.message);
  assert.match(message, /cannot read "2.5" as int/);
  assert.is(await run(true, asBytes(bad()).table, { with_label: true, data_type: 'int' }).then(() => 'no error', (e: Error) => e.message), message);
  assert.is(await run(true, asChunks(bad()).table, { with_label: true, data_type: 'int' }).then(() => 'no error', (e: Error) => e.message), message);
});

t('readDecimalBytes reads the bytes of a line as scanPlainDecimal reads its text (non-ASCII bytes: not plain)', () => {
  let state = 4242;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const pieces = ['0', '1', '9', '.', '-', '+', 'e', ' ', ',', ';', '12345678', '00', 'é', '😀', '١'];
  for (const delim of [',', ';']) {
    const code = delim.charCodeAt(0);
    for (let i = 0; i < 50_000; i++) {
      let line = '';
      for (let k = next() % 10; k > 0; k--) line += pieces[next() % pieces.length];
      const bytes = new TextEncoder().encode(line);
      // Start at a cell boundary (the line's start or after a delimiter), where the reader starts.
      const bounds = [0];
      for (let at = line.indexOf(delim); at >= 0; at = line.indexOf(delim, at + 1)) bounds.push(at + 1);
      const from = bounds[next() % bounds.length]!;
      const want = scanPlainDecimal(line, from, code);
      const textStop = lastScanStop();
      const got = readDecimalBytes(bytes, Buffer.byteLength(line.slice(0, from)), bytes.length, code);
      assert.ok(Object.is(got, want), `${JSON.stringify(line)} from ${from}: ${got} against ${want}`);
      if (got === got) assert.is(lastScanStop(), Buffer.byteLength(line.slice(0, textStop)), 'stopped at the same place');
    }
  }
});

t.run();
