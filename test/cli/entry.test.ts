// The compiled main.js runs main() when executed directly or through a `fedflow` bin shim, not when imported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint } from '../../src/cli/main.js';

const mainUrl = new URL('../../src/cli/main.js', import.meta.url);
const mainPath = fileURLToPath(mainUrl);
const dir = mkdtempSync(join(tmpdir(), 'fedflow-cli-entry-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const node = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, FEDFLOW_SERVER: '' } });

test('node main.js --help → usage, exit 0', () => {
  const r = node([mainPath, '--help']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: fedflow <command>/);
});

test('node main.js with a usage error → exit 2', () => {
  const r = node([mainPath, 'upload']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /missing required option -c/);
});

test('a bin shim named fedflow.js importing main.js runs it', () => {
  const shim = join(dir, 'fedflow.js');
  writeFileSync(shim, `import(${JSON.stringify(mainUrl.href)});\n`);
  const r = node([shim, '-f', 'table_info', '-n', 'n']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^fedflow table-info: missing required option -t/);
});

test('isEntryPoint is false for other scripts', () => {
  assert.is(isEntryPoint(undefined, mainUrl.href), false);
  assert.is(isEntryPoint(fileURLToPath(import.meta.url), mainUrl.href), false);
  assert.is(isEntryPoint(mainPath, mainUrl.href), true);
});

test.run();
