import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StringSet } from '../../../src/components/intersection/stringSet.js';
import { PackedIds } from '../../../src/tableData/packedIds.js';

const packed = (list: string[]) => new PackedIds({ fedflowPackedStrings: list.join('\n'), count: list.length });

const t = suite('intersection/StringSet');

t('given a list with duplicates, empty and non-ASCII strings, when asked, then it answers as a JS Set does', () => {
  const list = ['a', 'b', 'a', '', 'ñandú', '𝄞', '10', '01', 'id-9999', 'id-9999'];
  const set = new StringSet(list);
  const js = new Set(list);
  for (const probe of [...list, 'c', 'A', ' ', 'ñandu', '1', '010', 'id-999', 'id-99999', '𝄞𝄞']) {
    assert.is(set.has(probe), js.has(probe), probe);
  }
});

t('given many ids (the table fills to half), when probed with present and absent ids, then every answer is right', () => {
  const ids = Array.from({ length: 50_000 }, (_, i) => String(i * 3));
  const set = new StringSet(ids);
  for (let i = 0; i < 150_000; i++) assert.is(set.has(String(i)), i % 3 === 0);
});

t('given a packed list (read where the ids stand in the joined string), when asked, then it answers as a JS Set does', () => {
  const list = ['a', 'b', 'a', '', 'ñandú', '𝄞', '10', '01', 'id-9999', 'id-9999', ''];
  const set = new StringSet(packed(list));
  const js = new Set(list);
  for (const probe of [...list, 'c', 'A', ' ', 'ñandu', '1', '010', 'id-999', 'id-99999', '𝄞𝄞', 'a\nb', 'b\n']) {
    assert.is(set.has(probe), js.has(probe), probe);
  }
  const ids = Array.from({ length: 50_000 }, (_, i) => String(i * 3));
  const many = new StringSet(packed(ids));
  for (let i = 0; i < 150_000; i++) assert.is(many.has(String(i)), i % 3 === 0);
  assert.is(new StringSet(packed([''])).has(''), true);
  assert.is(new StringSet(packed(['x'])).has(''), false);
});

t('given an empty list, when probed, then nothing is there', () => {
  assert.is(new StringSet([]).has(''), false);
});

t.run();
