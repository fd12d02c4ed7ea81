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
  assert.is(resolveCommand('job_log'), 'job-log');
  assert.is(resolveCommand('store'), undefined);
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
  assert.match(usageError(['-f', 'store', '-j', 'J']).message, /FATE function 'store' is not supported/);
  assert.match(usageError(['-f', 'job_log', '-j', 'J']).message, /missing required option -o <dir>/);
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

test('job commands: both styles map to the same command and options', () => {
  const cases: Array<[string[], string[], string, Record<string, unknown>]> = [
    [['submit-job', '-c', 'c.json', '-d', 'd.json', '--wait'], ['-f', 'submit_job', '-c', 'c.json', '-d', 'd.json', '-wait'], 'submit-job', { config: 'c.json', dsl: 'd.json', wait: true }],
    [['stop-job', '-j', 'J', '--operate', 'kill'], ['-f', 'stop_job', '-j', 'J', '-operate', 'kill'], 'stop-job', { jobId: 'J', operate: 'kill' }],
    [['query-job', '-j', 'J', '-r', 'guest', '-p', '9999', '-s', 'running'], ['-f', 'query_job', '--job_id', 'J', '--role=guest', '--party_id', '9999', '-s', 'running'], 'job-query', { jobId: 'J', role: 'guest', partyId: '9999', status: 'running' }],
    [['query-task', '-j', 'J', '-cpn', 'hetero_lr_0', '-r', 'host', '-p', '10000', '-s', 'failed'], ['-f', 'query_task', '-j', 'J', '--component_name', 'hetero_lr_0', '-r', 'host', '-p', '10000', '-s', 'failed'], 'query-task', { jobId: 'J', componentName: 'hetero_lr_0', role: 'host', partyId: '10000', status: 'failed' }],
    [['job-config', '-j', 'J', '-r', 'guest', '-p', '9999', '-o', 'out'], ['-f', 'job_config', '-j', 'J', '-r', 'guest', '-p', '9999', '--output_path', 'out'], 'job-config', { jobId: 'J', role: 'guest', partyId: '9999', outputPath: 'out' }],
    [['update-job', '-j', 'J', '-r', 'guest', '-p', '9999', '--notes', 'lr v2'], ['-f', 'update_job', '-j', 'J', '-r', 'guest', '-p', '9999', '-notes', 'lr v2'], 'update-job', { jobId: 'J', role: 'guest', partyId: '9999', notes: 'lr v2' }],
    [['dag-dependency', '-j', 'J', '-r', 'arbiter', '-p', '10000'], ['-f', 'dag_dependency', '-j', 'J', '-r', 'arbiter', '-p', '10000'], 'dag-dependency', { jobId: 'J', role: 'arbiter', partyId: '10000' }],
    [['dag-dependency', '-c', 'c.json', '-d', 'd.json', '-r', 'host', '-p', '1'], ['-f', 'dag_dependency', '--conf', 'c.json', '--dsl', 'd.json', '-r', 'host', '-p', '1'], 'dag-dependency', { config: 'c.json', dsl: 'd.json', role: 'host', partyId: '1' }],
  ];
  for (const [native, fate, command, expected] of cases) {
    for (const argv of [native, fate]) {
      const p = parseArgs(argv);
      assert.is(p.command, command, argv.join(' '));
      assert.equal(p.options, { dataRoots: [], noWait: false, jsonMode: false, ...expected }, argv.join(' '));
    }
  }
  assert.is(parseArgs(['-f', 'job_update', '-j', 'J', '-r', 'g', '-p', '1', '--notes', '']).options.notes, '');
  assert.is(resolveCommand('submit_job'), 'submit-job');
});

test('tracking commands: -j -r -p -cpn in both styles, plus their own options', () => {
  const names = ['parameters', 'metrics', 'metric_all', 'metric_data', 'output_model', 'output_data', 'output_data_table'];
  for (const n of names) {
    const extra = n === 'metric_data' ? ['--namespace', 'train', '--name', 'loss'] : [];
    const native = parseArgs([`component-${n.replace(/_/g, '-')}`, '-j', 'J', '-r', 'guest', '-p', '9999', '-cpn', 'hetero_lr_0', ...extra]);
    const fate = parseArgs(['-f', `component_${n}`, '-j', 'J', '-r', 'guest', '-p', '9999', '-cpn', 'hetero_lr_0', ...extra]);
    assert.is(native.command, `component-${n.replace(/_/g, '-')}`);
    assert.equal(fate, native, n);
    assert.equal([native.options.jobId, native.options.role, native.options.partyId, native.options.componentName], ['J', 'guest', '9999', 'hetero_lr_0']);
  }
  const md = parseArgs(['component-metric-data', '-j', 'J', '-cpn', 'c', '-n', 'train', '--metric-name', 'loss']);
  assert.equal([md.options.namespace, md.options.metricName, md.options.role], ['train', 'loss', undefined]);
  assert.is(parseArgs(['component-metric-data', '-j', 'J', '-cpn', 'c', '--metric_namespace', 'ns', '--name', 'n']).options.namespace, 'ns');
  assert.is(parseArgs(['-f', 'component_output_data', '-j', 'J', '-cpn', 'c', '-limit', '10']).options.limit, 10);
});

test('job/tracking errors: missing options, exclusive forms, invalid values', () => {
  assert.match(usageError(['submit-job']).message, /missing required option -c <conf.json>/);
  assert.match(usageError(['-f', 'submit_job', '-d', 'd.json']).message, /missing required option -c/);
  assert.match(usageError(['stop-job']).message, /missing required option -j <job_id>/);
  assert.match(usageError(['stop-job', '-j', 'J', '--operate', 'cancel']).message, /--operate must be one of kill, got 'cancel'/);
  assert.match(usageError(['query-task']).message, /missing required option -j <job_id> \(or at least one of -cpn, -r, -p, -s\)/);
  assert.is(parseArgs(['query-task', '-s', 'running']).options.status, 'running');
  assert.match(usageError(['job-config', '-j', 'J', '-r', 'guest', '-p', '9999']).message, /missing required option -o <dir>/);
  assert.match(usageError(['-f', 'job_config', '-j', 'J', '-o', 'x']).message, /missing required option -r <role>/);
  assert.match(usageError(['update-job', '-j', 'J', '-r', 'guest', '-p', '9999']).message, /missing required option --notes <text>/);
  assert.match(usageError(['update-job', '-j', 'J', '--notes', 'x']).message, /missing required option -r/);
  assert.match(usageError(['dag-dependency', '-r', 'guest', '-p', '1']).message, /missing required option -j <job_id>, or -c <conf.json> -d <dsl.json>/);
  assert.match(usageError(['dag-dependency', '-j', 'J', '-c', 'c.json', '-r', 'guest', '-p', '1']).message, /either -j <job_id> or -c <conf.json> -d <dsl.json>, not both/);
  assert.match(usageError(['dag-dependency', '-c', 'c.json', '-r', 'guest', '-p', '1']).message, /missing required option -d <dsl.json> \(given with -c\)/);
  assert.match(usageError(['dag-dependency', '-j', 'J', '-r', 'guest']).message, /missing required option -p <party_id>/);
  assert.match(usageError(['component-metrics', '-cpn', 'c']).message, /missing required option -j <job_id>/);
  assert.match(usageError(['-f', 'component_metrics', '-j', 'J']).message, /missing required option -cpn <component>/);
  assert.match(usageError(['component-parameters', '-j', 'J', '-cpn', 'c', '-r', 'guest']).message, /missing required option -p <party_id> \(given with -r\)/);
  assert.match(usageError(['component-parameters', '-j', 'J', '-cpn', 'c', '-p', '9']).message, /missing required option -r <role> \(given with -p\)/);
  assert.match(usageError(['component-metric-data', '-j', 'J', '-cpn', 'c', '--name', 'loss']).message, /missing required option --namespace/);
  assert.match(usageError(['component-metric-data', '-j', 'J', '-cpn', 'c', '-n', 'train']).message, /missing required option --name/);
  assert.match(usageError(['component-output-data', '-j', 'J', '-cpn', 'c', '-limit', 'x']).message, /-limit must be an integer/);
  // options of other commands are refused
  assert.match(usageError(['component-metrics', '-j', 'J', '-cpn', 'c', '--limit', '3']).message, /--limit is not valid for 'fedflow component-metrics'/);
  assert.match(usageError(['component-output-data', '-j', 'J', '-cpn', 'c', '-o', 'x']).message, /-r <role> -p <party_id> \(needed with -o\)/);
  assert.match(usageError(['component-metrics', '-j', 'J', '-cpn', 'c', '-o', 'x']).message, /-o is not valid for 'fedflow component-metrics'/);
  assert.match(usageError(['upload', '-c', 'x', '--wait']).message, /--wait is not valid for 'fedflow upload'/);
  assert.match(usageError(['stop-job', '-j', 'J', '-r', 'guest']).message, /-r is not valid for 'fedflow stop-job'/);
  assert.match(usageError(['table-info', '-n', 'a', '-t', 'b', '--name', 'x']).message, /--name is not valid/);
  assert.match(usageError(['submit-job', '-c', 'x', '-d']).message, /option -d needs a value <dsl.json>/);
});

test.run();
