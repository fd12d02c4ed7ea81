// The FATE 1.x line rules of the upload splitter, on bytes pushed in arbitrary chunks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter, NotUtf8Error, splitAll, type RowBatch } from '../../src/components/upload/parseLines.js';

const t = suite('parseLines');

/** The text cut into chunks of `size` bytes (the splitter must not care where the cuts fall). */
const chunks = (text: string | Buffer, size: number): Buffer[] => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)));
  return out;
};

t('given head=1, when split, then sid is the first name and header the others, trimmed', () => {
  const r = splitAll([Buffer.from(' id , y,x0 ,x1\n1,0,0.5,0.25\n')], 1);
  assert.is(r.sid, 'id');
  assert.is(r.header, 'y,x0,x1');
  assert.equal(r.rows, [['1', '0,0.5,0.25']]);
  assert.is(r.lines, 1);
});

t('given head=0, when split, then the first line is data and there is no header', () => {
  const r = splitAll([Buffer.from('id,y\n1,0\n')], 0);
  assert.is(r.sid, undefined);
  assert.is(r.header, undefined);
  assert.equal(r.rows, [['id', 'y'], ['1', '0']]);
});

t('given tabs, when split, then they count as commas in keys, values and header', () => {
  const r = splitAll([Buffer.from('id\ty\tx0\n7\t1\t0.5\n8,0\t0.25\n')], 1);
  assert.is(r.sid, 'id');
  assert.is(r.header, 'y,x0');
  assert.equal(r.rows, [['7', '1,0.5'], ['8', '0,0.25']]);
});

t('given \\r\\n line ends and empty lines, when split, then \\r is stripped and empty lines skipped', () => {
  const r = splitAll([Buffer.from('id,y\r\n\r\n1,a\r\n\n2,b\r\n')], 1);
  assert.is(r.header, 'y');
  assert.equal(r.rows, [['1', 'a'], ['2', 'b']]);
  assert.is(r.lines, 2);
});

t('given a line without comma, when split, then the value is empty; commas after the first stay in the value', () => {
  const r = splitAll([Buffer.from('alone\nk,a,b,,c\n,v\n')], 0);
  assert.equal(r.rows, [['alone', ''], ['k', 'a,b,,c'], ['', 'v']]);
});

t('given no final newline, when the input ends, then the last line is still a row', () => {
  const r = splitAll([Buffer.from('1,a\n2,b')], 0);
  assert.equal(r.rows, [['1', 'a'], ['2', 'b']]);
});

t('given every possible chunk size, when split, then rows are the same as in one piece', () => {
  const text = 'id,v\r\n1,é,ü\n\n22,日本語\t語\r\nkey_without_value\n😀,x\n3,last';
  const whole = splitAll([Buffer.from(text)], 1);
  assert.equal(whole.rows, [['1', 'é,ü'], ['22', '日本語,語'], ['key_without_value', ''], ['😀', 'x'], ['3', 'last']]);
  for (let size = 1; size <= Buffer.byteLength(text); size++) {
    assert.equal(splitAll(chunks(text, size), 1), whole, `chunk size ${size}`);
  }
});

t('given a file without any comma, when split in large chunks, then each line is a key with an empty value', () => {
  const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}`);
  const r = splitAll(chunks(keys.join('\n') + '\n', 1 << 16), 0);
  assert.is(r.rows.length, keys.length);
  assert.equal(r.rows[12345], ['k12345', '']);
});

t('given more rows than one batch, when split, then batches cover all rows in order', () => {
  const n = 20_000;
  const text = Array.from({ length: n }, (_, i) => `${i},${i * 2}`).join('\n');
  const splitter = new LineSplitter(0);
  const counts: number[] = [];
  const keys: number[] = [];
  const sink = (b: RowBatch): void => {
    counts.push(b.count);
    for (let i = 0; i < b.count; i++) keys.push(Number(b.buf.toString('utf8', b.offs[3 * i], b.offs[3 * i + 1])));
  };
  splitter.push(Buffer.from(text), sink);
  splitter.end(sink);
  assert.ok(counts.length > 1, 'several batches');
  assert.is(keys.length, n);
  assert.is(keys[n - 1], n - 1);
  assert.ok(keys.every((k, i) => k === i));
});

t('given bytes that are not UTF-8, when split, then it throws naming the line', () => {
  const bytes = Buffer.concat([Buffer.from('id,v\n1,a\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n3,c\n')]);
  try {
    splitAll(chunks(bytes, 4), 1);
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, NotUtf8Error);
    assert.is((error as NotUtf8Error).line, 3);
    assert.match((error as Error).message, 'line 3 is not valid UTF-8');
  }
});

t.run();
