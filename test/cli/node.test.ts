// `fedflow node` and `fedflow views rebuild` with a stubbed node runtime.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../src/config.js';
import type { NodeApi } from '../../src/cli/context.js';
import { configFromFlags, parseArgs } from '../../src/cli/main.js';
import { run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fedflow-cli-node-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function stubApi(over: Partial<NodeApi> = {}) {
  const calls = { started: [] as NodeConfig[], closed: 0, rebuilt: [] as NodeConfig[] };
  const api: NodeApi = {
    startNode: async (config) => {
      calls.started.push(config);
      return { url: `http://${config.host}:4242`, config, close: async () => void calls.closed++ };
    },
    rebuildViews: async (config) => {
      calls.rebuilt.push(config);
      return { events: 42, ms: 7.4 };
    },
    ...over,
  };
  return { api, calls };
}

test('configFromFlags maps flags to NodeConfig keys', () => {
  const p = parseArgs(['node', '--host', 'h', '--port', '1', '--data-dir', 'd', '-w', '1', '--event-store', 'memory', '--data-root', 'r', '--log-level', 'warn']);
  assert.equal(configFromFlags(p.options), { host: 'h', httpPort: 1, dataDir: 'd', workMode: 1, eventStore: 'memory', dataRoots: ['r'], logLevel: 'warn' });
  assert.equal(configFromFlags(parseArgs(['node']).options), {});
});

test('node: config file < env < flags, prints the listening line, closes on SIGINT then exits 0', async () => {
  const confFile = join(dir, 'node.json');
  writeFileSync(confFile, JSON.stringify({ host: '10.0.0.1', logLevel: 'debug', workMode: 1, httpPort: 1111 }));
  const { api, calls } = stubApi();
  let signal: ((s: string) => void) | undefined;
  let unsubscribed = false;
  const exits: number[] = [];
  const running = run(['node', '--config', confFile, '--port', '0', '--data-dir', join(dir, 'data'), '--event-store', 'memory'], {
    env: { FEDFLOW_WORK_MODE: '0', FEDFLOW_HTTP_PORT: '2222', FEDFLOW_LOG_LEVEL: 'error' },
    loadNodeApi: async () => api,
    onShutdownSignal: (h) => {
      signal = h;
      return () => void (unsubscribed = true);
    },
    exit: (c) => void exits.push(c),
  });
  for (let i = 0; i < 100 && !signal; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(signal, 'subscribed to shutdown signals');
  const cfg = calls.started[0]!;
  assert.equal(
    { host: cfg.host, httpPort: cfg.httpPort, workMode: cfg.workMode, logLevel: cfg.logLevel, dataDir: cfg.dataDir, eventStore: cfg.eventStore },
    { host: '10.0.0.1', httpPort: 0, workMode: 0, logLevel: 'error', dataDir: join(dir, 'data'), eventStore: 'memory' },
  );
  assert.is(calls.closed, 0);
  signal!('SIGINT');
  const r = await running;
  assert.is(r.code, 0);
  assert.is(calls.closed, 1);
  assert.equal(exits, [0]);
  assert.ok(unsubscribed);
  assert.is(r.stdout, `fedflow node listening on http://10.0.0.1:4242 (work_mode 0, data dir ${join(dir, 'data')})\n`);
  assert.match(r.stderr, /SIGINT received, closing/);
});

test('node: a signal during startup closes the node as soon as it is up', async () => {
  let signal: ((s: string) => void) | undefined;
  const exits: number[] = [];
  let closed = 0;
  const r = await run(['node', '--event-store', 'memory', '--data-dir', join(dir, 'early')], {
    loadNodeApi: async () => ({
      startNode: async (config) => {
        signal!('SIGTERM'); // arrives while starting
        return { url: 'http://127.0.0.1:1', config, close: async () => void closed++ };
      },
      rebuildViews: async () => ({ events: 0, ms: 0 }),
    }),
    onShutdownSignal: (h) => {
      signal = h;
      return () => undefined;
    },
    exit: (c) => void exits.push(c),
  });
  assert.is(r.code, 0);
  assert.is(closed, 1);
  assert.equal(exits, [0]);
  assert.match(r.stdout, /^fedflow node listening on http:\/\/127\.0\.0\.1:1 /);
  assert.match(r.stderr, /SIGTERM received, closing/);
});

test('node: a second signal while closing forces exit 1', async () => {
  let signal: ((s: string) => void) | undefined;
  const exits: number[] = [];
  let finishClose: () => void = () => {};
  const running = run(['node', '--event-store', 'memory', '--data-dir', join(dir, 'twice')], {
    loadNodeApi: async () => ({
      startNode: async (config) => ({ url: 'u', config, close: () => new Promise<void>((resolve) => (finishClose = resolve)) }),
      rebuildViews: async () => ({ events: 0, ms: 0 }),
    }),
    onShutdownSignal: (h) => {
      signal = h;
      return () => undefined;
    },
    exit: (c) => void exits.push(c),
  });
  for (let i = 0; i < 100 && !signal; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 5));
  signal!('SIGINT');
  signal!('SIGINT');
  assert.equal(exits, [1]);
  await new Promise((r) => setTimeout(r, 5)); // let close() be called
  finishClose();
  assert.is((await running).code, 0);
});

test('node: startNode failure → message, exit 1; bad config value → exit 2', async () => {
  const { api } = stubApi({ startNode: async () => Promise.reject(new Error('EADDRINUSE 127.0.0.1:9380')) });
  const r = await run(['node', '--data-dir', dir], { loadNodeApi: async () => api });
  assert.is(r.code, 1);
  assert.is(r.stderr, 'fedflow node: EADDRINUSE 127.0.0.1:9380\n');
  const bad = await run(['node', '--event-store', 'mysql://x'], { loadNodeApi: async () => api });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^fedflow node: config eventStore must be sqlite, memory or an esdb:\/\/ connection string, got mysql:\/\/x\nRun 'fedflow node --help'/);
  const missing = await run(['node', '-c', join(dir, 'nope.json')], { loadNodeApi: async () => api });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /does not exist/);
});

test('views rebuild: prints the counts; errors exit 1', async () => {
  const { api, calls } = stubApi();
  const r = await run(['views', 'rebuild', '--data-dir', join(dir, 'v')], { loadNodeApi: async () => api });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'views rebuilt from 42 events in 7 ms\n');
  assert.is(calls.rebuilt[0]!.dataDir, join(dir, 'v'));
  const failing = stubApi({ rebuildViews: async () => Promise.reject(new Error('database is locked')) });
  const f = await run(['views', 'rebuild'], { loadNodeApi: async () => failing.api });
  assert.is(f.code, 1);
  assert.is(f.stderr, 'fedflow views rebuild: database is locked\n');
});

test.run();
