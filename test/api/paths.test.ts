import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDownloadPath, resolveInputPath, resolveOutputPath } from '../../src/api/paths.js';
import { tempDir } from '../support/http.js';

const dir = tempDir('paths');
const a = join(dir, 'a');
const b = join(dir, 'b');
mkdirSync(a);
mkdirSync(b);
writeFileSync(join(b, 'in-b.csv'), 'id\n1\n');
const refused = (fn: () => unknown) => assert.throws(fn, (e: Error) => /outside the node's data roots/.test(e.message));

test('relative inputs are tried against each root in order', () => {
  assert.is(resolveInputPath('file', 'in-b.csv', [a, b]), join(b, 'in-b.csv'));
  assert.is(resolveInputPath('file', 'missing.csv', [a, b]), join(a, 'missing.csv'));
});
test('.. and absolute paths that leave the roots are refused', () => {
  refused(() => resolveInputPath('file', '../../etc/passwd', [a]));
  refused(() => resolveInputPath('file', '/etc/passwd', [a, b]));
  refused(() => resolveOutputPath('output_path', '../out.csv', [a]));
});
test('a symlink inside a root that points outside is refused', () => {
  symlinkSync('/etc', join(a, 'etc'));
  refused(() => resolveInputPath('file', 'etc/passwd', [a]));
  refused(() => resolveOutputPath('output_path', 'etc/new/out.csv', [a]));
});
test('outputs that do not exist yet resolve inside the first root', () => {
  assert.is(resolveOutputPath('output_path', 'x/y/out.csv', [a, b]), join(a, 'x/y/out.csv'));
});
test('a download\'s relative output_path resolves against the working directory (FATE\'s abspath), inside the roots', () => {
  assert.is(resolveDownloadPath('output_path', 'out/x.csv', [a, b], b), join(b, 'out/x.csv'));
  assert.is(resolveDownloadPath('output_path', join(a, 'x.csv'), [a, b], b), join(a, 'x.csv'));
  refused(() => resolveDownloadPath('output_path', 'x.csv', [a], b));
  refused(() => resolveDownloadPath('output_path', '../x.csv', [a, b], b));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
