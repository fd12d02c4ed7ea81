import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePyFloat } from '../../../src/components/dataio/values.js';

const t = suite('DataIO values: parsePyFloat');

/** Python's float() grammar for decimal text (what parsePyFloat must accept), as a regex. */
const PYTHON_DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

t('plain decimal cells: accepted exactly when Python accepts them, with the same value', () => {
  // Random short strings over the fast path's characters, plus the edge cases by hand.
  const chars = '0123456789.+-eE';
  const samples = ['1', '-1', '+.5', '1.', '.', '-', 'e1', '1e', '1e+-1', '.e1', '5.e2', '1e1000', '-0', '0012', '1e-400'];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    for (let n = 1 + Math.floor(random() * 6); n > 0; n--) s += chars[Math.floor(random() * chars.length)];
    samples.push(s);
  }
  for (const s of samples) {
    const expected = PYTHON_DECIMAL.test(s) ? Number(s) : undefined;
    assert.ok(Object.is(parsePyFloat(s), expected), `${JSON.stringify(s)}: ${parsePyFloat(s)} instead of ${expected}`);
  }
});

t('the other spellings Python accepts still parse', () => {
  assert.is(parsePyFloat(' 1.5 '), 1.5);
  assert.is(parsePyFloat('1_000.5'), 1000.5);
  assert.ok(Number.isNaN(parsePyFloat('nan')));
  assert.is(parsePyFloat('-Infinity'), Number.NEGATIVE_INFINITY);
  assert.is(parsePyFloat('0x10'), undefined);
  assert.is(parsePyFloat(''), undefined);
  assert.is(parsePyFloat('1__0'), undefined);
});

t.run();
