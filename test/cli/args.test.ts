import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs, UsageError, resolveCommand } from '../../src/cli/args.js';

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  assert.unreachable(`expected a UsageError for: ${argv.join(' ')}`);
  throw new Error('unreachable');
}

test('native style: upload with conf, drop, no-wait, json-mode', () => {
  const p = parseArgs(['upload', '-c', 'conf.json', '--drop', '1', '--no-wait', '--json-mode', '--server', 'http://h:1']);
  assert.is(p.command, 'upload');
  assert.is(p.help, false);
  assert.is(p.options.config, 'conf.json');
  assert.is(p.options.drop, 1);
  assert.is(p.options.noWait, true);
  assert.is(p.options.jsonMode, true);
  assert.is(p.options.server, 'http://h:1');
});

test('FATE style: -f upload -c conf -drop 0 (single-dash long option)', () => {
  const p = parseArgs(['-f', 'upload', '-c', 'upload_guest.json', '-drop', '0']);
  assert.is(p.command, 'upload');
  assert.is(p.options.config, 'upload_guest.json');
  assert.is(p.options.drop, 0);
  assert.is(p.options.noWait, false);
});

test('FATE function names map to commands', () => {
  assert.is(parseArgs(['-f', 'download', '-c', 'd.json']).command, 'download');
  assert.is(parseArgs(['-f', 'upload_history', '-limit', '5']).options.limit, 5);
  assert.is(parseArgs(['-f', 'upload_history']).command, 'upload-history');
  assert.is(parseArgs(['-f', 'table_info', '-n', 'ns', '-t', 'tb']).command, 'table-info');
  assert.is(parseArgs(['-f', 'table_delete', '-j', 'J']).command, 'table-delete');
  assert.is(parseArgs(['-f', 'query_job', '-j', 'J']).command, 'job-query');
  assert.is(parseArgs(['--function=query_job', '-j', 'J']).command, 'job-query');
  assert.is(resolveCommand('query-job'), 'job-query');
  assert.is(resolveCommand('UPLOAD_HISTORY'), 'upload-history');
  assert.is(resolveCommand('submit_job'), undefined);
});

test('underscore positional aliases and option spellings', () => {
  const p = parseArgs(['query_job', '--job_id', 'J1', '--party_id=9999', '-r', 'guest', '-s', 'running']);
  assert.is(p.command, 'job-query');
  assert.equal([p.options.jobId, p.options.partyId, p.options.role, p.options.status], ['J1', '9999', 'guest', 'running']);
  const d = parseArgs(['table-delete', '-j', 'J', '-r', 'guest', '-p', '10000', '-cpn', 'hetero_lr_0']);
  assert.is(d.options.componentName, 'hetero_lr_0');
  assert.is(parseArgs(['table-delete', '-j', 'J', '--component-name', 'x']).options.componentName, 'x');
  assert.is(parseArgs(['upload-history', '-job_id', 'J']).options.jobId, 'J');
});

test('options may come before the command; last occurrence wins', () => {
  const p = parseArgs(['--server', 'x:1', 'table-info', '-n', 'a', '-n', 'b', '-t', 't']);
  assert.is(p.options.server, 'x:1');
  assert.is(p.options.namespace, 'b');
});

test('node flags, repeatable --data-root, --config file', () => {
  const p = parseArgs([
    'node', '--host', '0.0.0.0', '--port', '0', '--data-dir', '/tmp/d', '--work-mode', '1',
    '--event-store', 'esdb://localhost:2113?tls=false', '--data-root', '/a', '--data-root=/b',
    '--config', 'node.json', '--log-level', 'debug',
  ]);
  assert.is(p.command, 'node');
  assert.equal(p.options, {
    host: '0.0.0.0', port: 0, dataDir: '/tmp/d', workMode: 1, eventStore: 'esdb://localhost:2113?tls=false',
    dataRoots: ['/a', '/b'], config: 'node.json', logLevel: 'debug', noWait: false, jsonMode: false,
  });
});

test('views rebuild is a two-word command', () => {
  const p = parseArgs(['views', 'rebuild', '--data-dir', 'x']);
  assert.is(p.command, 'views rebuild');
  assert.is(p.options.dataDir, 'x');
  assert.match(usageError(['views']).message, /missing subcommand/);
  assert.match(usageError(['views', 'drop']).message, /unknown subcommand 'views drop'/);
});

test('help: global, per command, and help wins over other mistakes', () => {
  assert.equal(parseArgs(['--help']), { help: true, options: { dataRoots: [], noWait: false, jsonMode: false } });
  assert.is(parseArgs(['-h']).help, true);
  const p = parseArgs(['upload', '--help']);
  assert.is(p.help, true);
  assert.is(p.command, 'upload');
  assert.is(parseArgs(['-f', 'table_info', '-h']).command, 'table-info');
  assert.is(parseArgs(['upload', '--bogus', '-h']).help, true);
  assert.is(parseArgs(['views', '--help']).command, 'views rebuild');
});

test('errors: unknown command / function, missing command', () => {
  assert.match(usageError(['frobnicate']).message, /unknown command 'frobnicate'/);
  assert.match(usageError(['-f', 'frob']).message, /unknown function 'frob'/);
  assert.match(usageError(['-f', 'submit_job']).message, /FATE function 'submit_job' is not supported/);
  assert.match(usageError([]).message, /missing command/);
  assert.match(usageError(['bogus', '--help']).message, /unknown command 'bogus'/);
});

test('errors: missing required options name the option', () => {
  const e = usageError(['upload']);
  assert.is(e.command, 'upload');
  assert.match(e.message, /missing required option -c/);
  assert.match(usageError(['-f', 'download']).message, /missing required option -c/);
  assert.match(usageError(['table-info', '-n', 'ns']).message, /missing required option -t/);
  assert.match(usageError(['table-info', '-t', 'tb']).message, /missing required option -n/);
  assert.match(usageError(['table-delete']).message, /missing required option -n <namespace> -t <table_name>, or -j/);
  assert.match(usageError(['table-delete', '-n', 'ns']).message, /missing required option -t/);
  assert.match(usageError(['table-delete', '-r', 'guest']).message, /-j <job_id>/);
  assert.match(usageError(['job-query']).message, /missing required option -j/);
  // any filter satisfies job-query (the server requires at least one)
  assert.is(parseArgs(['job-query', '-s', 'running']).options.status, 'running');
});

test('errors: bad option, missing value, flag with value, extra argument', () => {
  assert.match(usageError(['upload', '-c', 'x', '--frob']).message, /unknown option --frob/);
  assert.match(usageError(['upload', '-c']).message, /option -c needs a value/);
  assert.match(usageError(['upload', '-c', '--no-wait']).message, /option -c needs a value/);
  assert.match(usageError(['upload', '-c', 'x', '--no-wait=1']).message, /takes no value/);
  assert.match(usageError(['upload', '-c', 'x', 'y']).message, /unexpected argument 'y'/);
  assert.match(usageError(['-f', 'upload', 'upload', '-c', 'x']).message, /unexpected argument 'upload'/);
});

test('errors: option not valid for the command', () => {
  const e = usageError(['job-query', '-j', 'J', '--drop', '1']);
  assert.is(e.command, 'job-query');
  assert.match(e.message, /option --drop is not valid for 'fedflow job-query'/);
  assert.match(usageError(['download', '-c', 'x', '--json-mode']).message, /--json-mode is not valid/);
  assert.match(usageError(['table-info', '-n', 'a', '-t', 'b', '--port', '1']).message, /--port is not valid/);
});

test('errors: value validation', () => {
  assert.match(usageError(['upload', '-c', 'x', '--drop', '2']).message, /--drop must be 0 or 1, got '2'/);
  assert.match(usageError(['upload-history', '--limit', '-1']).message, /--limit must be an integer >= 0, got '-1'/);
  assert.match(usageError(['upload-history', '-limit', 'ten']).message, /-limit must be an integer/);
  assert.match(usageError(['node', '--port', '70000']).message, /--port must be an integer 0\.\.65535/);
  assert.match(usageError(['node', '--work-mode', '2']).message, /--work-mode must be 0 or 1/);
  assert.match(usageError(['node', '--log-level', 'loud']).message, /--log-level must be one of/);
});

test.run();
