// The command line of the audit-and-replay work: `node --read-only` reaches the node's config,
// `--help` lists `events export` and `replay`, and the audit usage describes their flags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../src/cli/args.js';
import { configFromFlags } from '../../src/cli/commands/node.js';
import { buildConfig, configFromEnv } from '../../src/config.js';
import { main } from '../../src/cli/main.js';
import { usage } from '../../src/cli/usage.js';

test('node --read-only sets readOnly; the environment can too; default off', () => {
  const parsed = parseArgs(['node', '--read-only', '--data-dir', '/tmp/x']);
  assert.is(parsed.command, 'node');
  assert.is(buildConfig(configFromFlags(parsed.options)).readOnly, true);
  assert.is(buildConfig(configFromEnv({ FEDFLOW_READ_ONLY: '1' })).readOnly, true);
  assert.is(buildConfig({}).readOnly, false);
  assert.throws(() => parseArgs(['job-query', '--read-only']));
});

test('fedflow --help lists events export, replay and --read-only; the audit usage their flags', async () => {
  const help = usage();
  assert.match(help, /events export\s+the log/);
  assert.match(help, /replay\s+a fresh data dir from an export/);
  assert.match(usage('node'), /--read-only\s+serve the queries of an existing data dir/);
  let out = '';
  assert.is(await main(['replay', '--help'], { stdout: (s) => void (out += s) }), 0);
  assert.match(out, /Usage: fedflow events export \[-j <job_id>\]/);
  assert.match(out, /Usage: fedflow replay <export\.jsonl \| -> --data-dir <dir>/);
  assert.match(out, /fedflow replay --check \[--data-dir <dir>\]/);
});

test.run();
