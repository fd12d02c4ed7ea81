// Python's string order (FATE sorts a tag table's header and a signed form's fields with it):
// by code point, where JS's default compares UTF-16 units.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareCodePoints } from '../../src/text/codePointOrder.js';

const t = suite('text: strings in Python\'s code-point order');

t('a character beyond the BMP sorts after U+FFFD, as in Python (JS units say before)', () => {
  const names = ['\u{1F600}', '\uFFFD', 'ab', 'a', ''];
  assert.equal([...names].sort(), ['', 'a', 'ab', '\u{1F600}', '\uFFFD'], 'JS default order, for contrast');
  assert.equal([...names].sort(compareCodePoints), ['', 'a', 'ab', '\uFFFD', '\u{1F600}']);
});

t('equal strings compare 0; a prefix sorts first', () => {
  assert.is(compareCodePoints('x\u{1F600}', 'x\u{1F600}'), 0);
  assert.ok(compareCodePoints('x', 'x\u{1F600}') < 0);
  assert.ok(compareCodePoints('x\u{1F600}', 'x') > 0);
});

t.run();
