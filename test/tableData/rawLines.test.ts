import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rawLinesFromBytes, rawLinesOf, rawLinesTable } from '../../src/tableData/rawLines.js';

const schema = { header: ['x0', 'x1'], sid_name: 'id' };

function bytesOf(lines: string[]): { bytes: Uint8Array; start: Float64Array; end: Float64Array } {
  // Stored in reverse key order on purpose: the ranges, not the buffer's order, give key order.
  const start = new Float64Array(lines.length);
  const end = new Float64Array(lines.length);
  const parts: Buffer[] = [];
  let at = 0;
  for (let r = lines.length - 1; r >= 0; r--) {
    const part = Buffer.from(lines[r]!, 'utf8');
    parts.push(part);
    start[r] = at;
    end[r] = at + part.length;
    at += part.length;
  }
  return { bytes: Buffer.concat(parts), start, end };
}

test('given lines as bytes, when a reader asks for strings, then each line is decoded in key order (UTF-8 included)', () => {
  const lines = ['1.5,2', 'é,3', '', '-0,7e3', '\uFEFF1,2'];
  const raw = rawLinesFromBytes(['a', 'b', 'c', 'd', 'e'], bytesOf(lines));
  assert.ok(raw.bytes);
  assert.equal([...raw.lines], lines);
  const table = rawLinesTable(schema, raw);
  // A line's leading U+FEFF is its own (a decoder that strips BOMs would lose it).
  assert.equal(table.rows, [['a', '1.5,2'], ['b', 'é,3'], ['c', ''], ['d', '-0,7e3'], ['e', '\uFEFF1,2']]);
  assert.is(rawLinesOf(table), raw);
});

test('given ranges that do not match the keys, when wrapping bytes, then it refuses', () => {
  const b = bytesOf(['1']);
  assert.throws(() => rawLinesFromBytes(['a', 'b'], b), /1 starts and 1 ends for 2 keys/);
});

test.run();
