// The compiled main.js runs main() when executed directly or through a `fedflow` bin shim, not when imported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
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

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  test(`node: a real ${sig} closes the node and exits 0`, async () => {
    const script = join(dir, `node-${sig}.mjs`);
    writeFileSync(
      script,
      `import { main } from ${JSON.stringify(mainUrl.href)};
const api = {
  startNode: async (config) => {
    const keepAlive = setInterval(() => {}, 1000);
    return { url: 'http://127.0.0.1:1234', config, close: async () => { clearInterval(keepAlive); process.stderr.write('closed\\n'); } };
  },
  rebuildViews: async () => ({ events: 0, ms: 0 }),
};
await main(['node', '--event-store', 'memory', '--data-dir', ${JSON.stringify(join(dir, 'data'))}], { loadNodeApi: async () => api });
process.exitCode = 3; // never reached: the node command exits itself after close()
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 10_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    assert.is(out, `fedflow node listening on http://127.0.0.1:1234 (work_mode 0, data dir ${join(dir, 'data')})\n`);
    child.kill(sig);
    assert.is(await exited, 0, err);
    assert.match(err, new RegExp(`${sig} received, closing\\nclosed\\n`));
  });
}

test('isEntryPoint is false for other scripts', () => {
  assert.is(isEntryPoint(undefined, mainUrl.href), false);
  assert.is(isEntryPoint(fileURLToPath(import.meta.url), mainUrl.href), false);
  assert.is(isEntryPoint(mainPath, mainUrl.href), true);
});

test.run();
