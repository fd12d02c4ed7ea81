// Pure command-line parsing for `fedflow`: both the native style (`fedflow upload -c conf.json`)
// and FATE's fate_flow_client.py style (`fedflow -f upload -c conf.json -drop 1`).
// No I/O here: parseArgs(argv) either returns a ParsedArgs or throws a UsageError.

import { LIMIT_KEYS, limitFlagName, type Limits } from '../config.js';

export type CommandName =
  | 'node'
  | 'views rebuild'
  | 'certs init'
  | 'upload'
  | 'download'
  | 'upload-history'
  | 'table-info'
  | 'table-delete'
  | 'job-query'
  | 'submit-job'
  | 'stop-job'
  | 'query-task'
  | 'job-config'
  | 'update-job'
  | 'dag-dependency'
  | 'load'
  | 'bind'
  | JobAdminCommand
  | PermissionCommandName
  | TrackingCommand;

/** FATE 1.4's job functions beyond the contract (fate_flow_client.py's names with '-'). */
export type JobAdminCommand = 'job-log' | 'data-view-query' | 'clean-job' | 'clean-queue' | 'component-metric-delete';

/** FATE 1.4's party permission functions (-f grant_privilege ...). */
export type PermissionCommandName = 'grant-privilege' | 'delete-privilege' | 'query-privilege';
export const PERMISSION_COMMANDS: readonly PermissionCommandName[] = ['grant-privilege', 'delete-privilege', 'query-privilege'];

/** The /v1/tracking/component/* commands: all take -j -cpn [-r -p]. */
export type TrackingCommand =
  | 'component-parameters'
  | 'component-metrics'
  | 'component-metric-all'
  | 'component-metric-data'
  | 'component-output-model'
  | 'component-output-data'
  | 'component-output-data-table';

export const TRACKING_COMMANDS: readonly TrackingCommand[] = [
  'component-parameters',
  'component-metrics',
  'component-metric-all',
  'component-metric-data',
  'component-output-model',
  'component-output-data',
  'component-output-data-table',
];

export const COMMANDS: readonly CommandName[] = [
  'node',
  'views rebuild',
  'certs init',
  'upload',
  'download',
  'upload-history',
  'table-info',
  'table-delete',
  'job-query',
  'submit-job',
  'stop-job',
  'query-task',
  'job-config',
  'update-job',
  'dag-dependency',
  'load',
  'bind',
  'job-log',
  'data-view-query',
  'clean-job',
  'clean-queue',
  'component-metric-delete',
  ...PERMISSION_COMMANDS,
  ...TRACKING_COMMANDS,
];

export interface CliOptions {
  server?: string;
  /** `-c`: the node's config file (node, views rebuild) or the job conf (upload, download, submit-job, dag-dependency). */
  config?: string;
  /** `-d`: the job DSL file (submit-job, dag-dependency). */
  dsl?: string;
  /** submit-job --wait: follow the job until it ends. */
  wait?: boolean;
  /** stop-job --operate kill: skip the cancel attempt. */
  operate?: string;
  /** job-config -o: the directory receiving job_<job_id>_config/. */
  outputPath?: string;
  /** update-job --notes. */
  notes?: string;
  /** component-metric-data --name (the metric namespace is `namespace`). */
  metricName?: string;
  host?: string;
  port?: number;
  dataDir?: string;
  workMode?: 0 | 1;
  eventStore?: string;
  dataRoots: string[];
  logLevel?: string;
  drop?: 0 | 1;
  noWait: boolean;
  jsonMode: boolean;
  jobId?: string;
  role?: string;
  partyId?: string;
  componentName?: string;
  status?: string;
  namespace?: string;
  tableName?: string;
  limit?: number;
  /** certs init --dir: where the CA and party certificates go. */
  certDir?: string;
  /** certs init --party (repeatable). */
  parties?: string[];
  /** certs init --cert-host (repeatable): extra DNS names/IPs of the party certificates. */
  certHosts?: string[];
  /** certs init --force: replace existing files. */
  force?: boolean;
  /** node (cluster mode): gRPC port, route table file, TLS files, plain-text switch. */
  grpcPort?: number;
  routeTable?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  /** node --serving (repeatable): FATE-Serving addresses, `host:port` or `<party_id>=host:port`. */
  servings?: string[];
  /** node --app-key (repeatable): `<key>:<secret>[:<role>]` for signed /v1 requests. */
  appKeys?: string[];
  /** node --insecure-http: serve /v1 unauthenticated in cluster mode or off loopback. */
  insecureHttp?: boolean;
  /** node --http-tls-cert/--http-tls-key: HTTPS for /v1. */
  httpTlsCert?: string;
  httpTlsKey?: string;
  /** node --permission on|off. */
  permission?: string;
  /** node --read-only: serve an existing data dir's queries, refuse every write. */
  readOnly?: boolean;
  /** node --partition-workers <n>: worker threads a task may write its output partitions on. */
  partitionWorkers?: number;
  /** node --<limit> <n> (e.g. --grpc-max-calls-per-peer 64): the limits of config.ts, by flag name. */
  limits?: Partial<Record<keyof Limits, number>>;
  /** grant/delete/query-privilege: FATE 1.4's fields. */
  srcPartyId?: string;
  srcRole?: string;
  privilegeRole?: string;
  privilegeCommand?: string;
  privilegeComponent?: string;
}

export interface ParsedArgs {
  /** Undefined only for a bare `fedflow --help`. */
  command?: CommandName;
  help: boolean;
  options: CliOptions;
}

/** A mistake on the command line (exit status 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionKey = keyof CliOptions | 'help' | 'function';

interface OptionSpec {
  key: OptionKey;
  /** Long names, written with '-' (underscore spellings and single-dash forms are accepted too). */
  long: readonly string[];
  short?: string;
  /** Placeholder shown in messages; absent for flags. */
  arg?: string;
  repeat?: boolean;
  /** Commands the option is valid for; undefined = every command. */
  commands?: readonly CommandName[];
  parse?: (raw: string, shown: string) => unknown;
  /** For key 'limits': which limit the option sets. */
  limit?: keyof Limits;
}

const NODE_CMDS: readonly CommandName[] = ['node', 'views rebuild'];
/** Commands taking -j/-r/-p filters of a job. */
const JOB_CMDS: readonly CommandName[] = ['job-query', 'query-task', 'job-config', 'update-job', 'dag-dependency', ...TRACKING_COMMANDS];
/** Job functions narrowed by -j -r -p -cpn. */
const JOB_ADMIN_FILTERED: readonly CommandName[] = ['data-view-query', 'clean-job', 'component-metric-delete'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const int = (min: number, max: number) => (raw: string, shown: string): number => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`option ${shown} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`}, got '${raw}'`);
  }
  return n;
};
const zeroOne = (raw: string, shown: string): 0 | 1 => {
  if (raw !== '0' && raw !== '1') throw new UsageError(`option ${shown} must be 0 or 1, got '${raw}'`);
  return Number(raw) as 0 | 1;
};
const oneOf = (values: readonly string[]) => (raw: string, shown: string): string => {
  if (!values.includes(raw)) throw new UsageError(`option ${shown} must be one of ${values.join(', ')}, got '${raw}'`);
  return raw;
};

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'server', long: ['server'], arg: '<url>' },
  { key: 'help', long: ['help'], short: 'h' },
  { key: 'function', long: ['function'], short: 'f', arg: '<function>' },
  { key: 'config', long: ['config', 'conf'], short: 'c', arg: '<file.json>', commands: [...NODE_CMDS, 'upload', 'download', 'submit-job', 'dag-dependency', 'load', 'bind', ...PERMISSION_COMMANDS] },
  { key: 'srcPartyId', long: ['src-party-id'], arg: '<party_id>', commands: PERMISSION_COMMANDS },
  { key: 'srcRole', long: ['src-role'], arg: '<role>', commands: PERMISSION_COMMANDS },
  { key: 'privilegeRole', long: ['privilege-role'], arg: '<roles|all>', commands: PERMISSION_COMMANDS },
  { key: 'privilegeCommand', long: ['privilege-command'], arg: '<commands|all>', commands: PERMISSION_COMMANDS },
  { key: 'privilegeComponent', long: ['privilege-component'], arg: '<components|all>', commands: PERMISSION_COMMANDS },
  { key: 'dsl', long: ['dsl'], short: 'd', arg: '<dsl.json>', commands: ['submit-job', 'dag-dependency'] },
  { key: 'wait', long: ['wait'], commands: ['submit-job'] },
  { key: 'operate', long: ['operate'], arg: '<kill>', commands: ['stop-job'], parse: oneOf(['kill']) },
  { key: 'host', long: ['host'], arg: '<host>', commands: NODE_CMDS },
  { key: 'port', long: ['port', 'http-port'], arg: '<port>', commands: NODE_CMDS, parse: int(0, 65535) },
  { key: 'dataDir', long: ['data-dir'], arg: '<dir>', commands: NODE_CMDS },
  { key: 'workMode', long: ['work-mode'], short: 'w', arg: '<0|1>', commands: [...NODE_CMDS, 'upload', 'download'], parse: zeroOne },
  { key: 'eventStore', long: ['event-store'], arg: '<store>', commands: NODE_CMDS },
  { key: 'dataRoots', long: ['data-root'], arg: '<dir>', repeat: true, commands: NODE_CMDS },
  { key: 'logLevel', long: ['log-level'], arg: '<level>', commands: NODE_CMDS, parse: oneOf(LOG_LEVELS) },
  { key: 'drop', long: ['drop'], arg: '<0|1>', commands: ['upload'], parse: zeroOne },
  { key: 'noWait', long: ['no-wait'], commands: ['upload', 'download'] },
  { key: 'jsonMode', long: ['json-mode'], commands: ['upload'] },
  { key: 'jobId', long: ['job-id'], short: 'j', arg: '<job_id>', commands: ['upload-history', 'table-delete', 'stop-job', 'job-log', ...JOB_ADMIN_FILTERED, ...JOB_CMDS] },
  { key: 'role', long: ['role'], short: 'r', arg: '<role>', commands: ['table-delete', ...JOB_ADMIN_FILTERED, ...JOB_CMDS] },
  { key: 'partyId', long: ['party-id'], short: 'p', arg: '<party_id>', commands: ['node', 'table-delete', ...JOB_ADMIN_FILTERED, ...JOB_CMDS] },
  { key: 'grpcPort', long: ['grpc-port'], arg: '<port>', commands: ['node'], parse: int(0, 65535) },
  { key: 'routeTable', long: ['route-table'], arg: '<route_table.json>', commands: ['node'] },
  { key: 'tlsCa', long: ['tls-ca'], arg: '<ca.crt>', commands: ['node'] },
  { key: 'tlsCert', long: ['tls-cert'], arg: '<party.crt>', commands: ['node'] },
  { key: 'tlsKey', long: ['tls-key'], arg: '<party.key>', commands: ['node'] },
  { key: 'insecure', long: ['insecure'], commands: ['node'] },
  { key: 'servings', long: ['serving', 'servings'], arg: '<[party_id=]host:port>', repeat: true, commands: ['node'] },
  { key: 'appKeys', long: ['app-key'], arg: '<key:secret[:role]>', repeat: true, commands: ['node'] },
  { key: 'insecureHttp', long: ['insecure-http'], commands: ['node'] },
  { key: 'httpTlsCert', long: ['http-tls-cert'], arg: '<cert.pem>', commands: ['node'] },
  { key: 'httpTlsKey', long: ['http-tls-key'], arg: '<key.pem>', commands: ['node'] },
  { key: 'permission', long: ['permission'], arg: '<on|off>', commands: ['node'], parse: oneOf(['on', 'off']) },
  { key: 'readOnly', long: ['read-only'], commands: ['node'] },
  { key: 'partitionWorkers', long: ['partition-workers'], arg: '<n>', commands: ['node'], parse: int(1, 1024) },
  ...LIMIT_KEYS.map((limit): OptionSpec => ({ key: 'limits', limit, long: [limitFlagName(limit)], arg: '<n>', commands: ['node'], parse: int(0, Number.MAX_SAFE_INTEGER) })),
  { key: 'certDir', long: ['dir'], arg: '<dir>', commands: ['certs init'] },
  { key: 'parties', long: ['party'], arg: '<party_id>', repeat: true, commands: ['certs init'] },
  { key: 'certHosts', long: ['cert-host'], arg: '<host>', repeat: true, commands: ['certs init'] },
  { key: 'force', long: ['force'], commands: ['certs init'] },
  { key: 'componentName', long: ['component-name', 'cpn'], arg: '<component>', commands: ['table-delete', 'query-task', ...JOB_ADMIN_FILTERED, ...TRACKING_COMMANDS] },
  { key: 'status', long: ['status'], short: 's', arg: '<status>', commands: ['job-query', 'query-task'] },
  { key: 'namespace', long: ['namespace'], short: 'n', arg: '<namespace>', commands: ['upload', 'download', 'table-info', 'table-delete', 'component-metric-data'] },
  { key: 'namespace', long: ['metric-namespace'], arg: '<namespace>', commands: ['component-metric-data'] },
  { key: 'metricName', long: ['name', 'metric-name'], arg: '<name>', commands: ['component-metric-data'] },
  { key: 'tableName', long: ['table-name'], short: 't', arg: '<table_name>', commands: ['upload', 'download', 'table-info', 'table-delete'] },
  { key: 'limit', long: ['limit'], arg: '<n>', commands: ['upload-history', 'component-output-data'], parse: int(0, Number.MAX_SAFE_INTEGER) },
  { key: 'outputPath', long: ['output-path', 'output'], short: 'o', arg: '<dir>', commands: ['job-config', 'job-log', 'component-output-data'] },
  { key: 'notes', long: ['notes'], arg: '<text>', commands: ['update-job'] },
];

const BY_LONG = new Map<string, OptionSpec>();
const BY_SHORT = new Map<string, OptionSpec>();
for (const spec of OPTIONS) {
  for (const name of spec.long) BY_LONG.set(name, spec);
  if (spec.short) BY_SHORT.set(spec.short, spec);
}

/** Command names and their aliases (FATE function names are normalised `_` → `-` first). */
const COMMAND_ALIASES: Readonly<Record<string, CommandName>> = {
  node: 'node',
  upload: 'upload',
  download: 'download',
  'upload-history': 'upload-history',
  'table-info': 'table-info',
  'table-delete': 'table-delete',
  'job-query': 'job-query',
  'query-job': 'job-query',
  'submit-job': 'submit-job',
  'stop-job': 'stop-job',
  'query-task': 'query-task',
  'job-config': 'job-config',
  'update-job': 'update-job',
  'job-update': 'update-job',
  'dag-dependency': 'dag-dependency',
  load: 'load',
  bind: 'bind',
  'job-log': 'job-log',
  'data-view-query': 'data-view-query',
  'clean-job': 'clean-job',
  'clean-queue': 'clean-queue',
  'component-metric-delete': 'component-metric-delete',
  'grant-privilege': 'grant-privilege',
  'delete-privilege': 'delete-privilege',
  'query-privilege': 'query-privilege',
  'component-parameters': 'component-parameters',
  'component-metrics': 'component-metrics',
  'component-metric-all': 'component-metric-all',
  'component-metric-data': 'component-metric-data',
  'component-output-model': 'component-output-model',
  'component-output-data': 'component-output-data',
  'component-output-data-table': 'component-output-data-table',
};

/** fate_flow_client.py functions this client does not implement (for a more helpful message). */
const FATE_ONLY = new Set(['store', 'restore', 'export', 'import']);

/** Maps a positional command word or a FATE `-f` function name to a command (undefined if unknown). */
export function resolveCommand(word: string): CommandName | undefined {
  return COMMAND_ALIASES[word.toLowerCase().replace(/_/g, '-')];
}

function unknownCommand(word: string, viaFunction: boolean): UsageError {
  if (FATE_ONLY.has(word.replace(/-/g, '_'))) return new UsageError(`FATE function '${word}' is not supported by this client`);
  return new UsageError(`unknown ${viaFunction ? 'function' : 'command'} '${word}'`);
}

const looksLikeOption = (tok: string): boolean => tok.length > 1 && tok.startsWith('-') && !/^-\d/.test(tok);

interface Occurrence {
  spec: OptionSpec;
  shown: string;
  value?: string;
}

/** Parses argv (without `node` and the script). Throws UsageError on any command-line mistake. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const seen: Occurrence[] = [];
  let help = false;
  let firstError: UsageError | undefined;
  const fail = (e: UsageError): void => {
    firstError ??= e;
  };

  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeOption(tok)) {
      positionals.push(tok);
      continue;
    }
    const doubleDash = tok.startsWith('--');
    const body = tok.slice(doubleDash ? 2 : 1);
    const eq = body.indexOf('=');
    const rawName = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const name = rawName.toLowerCase().replace(/_/g, '-');
    const shown = eq >= 0 ? tok.slice(0, tok.indexOf('=')) : tok;
    const spec = !doubleDash && name.length === 1 ? BY_SHORT.get(name) : (BY_LONG.get(name) ?? (name.length === 1 ? BY_SHORT.get(name) : undefined));
    if (!spec) {
      fail(new UsageError(`unknown option ${shown}`));
      continue;
    }
    if (spec.key === 'help') {
      help = true;
      continue;
    }
    if (!spec.arg) {
      if (inline !== undefined) fail(new UsageError(`option ${shown} takes no value`));
      seen.push({ spec, shown });
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) {
        fail(new UsageError(`option ${shown} needs a value ${spec.arg}`));
        continue;
      }
      value = next;
      i++;
    }
    seen.push({ spec, shown, value });
  }

  // Which command: `-f <function>` (FATE style) or the first positional word(s).
  const fn = [...seen].reverse().find((o) => o.spec.key === 'function');
  let command: CommandName | undefined;
  let extra: string[];
  if (fn) {
    command = resolveCommand(fn.value!);
    if (!command) throw unknownCommand(fn.value!, true);
    extra = positionals;
  } else if (positionals.length === 0) {
    if (help) return { help, options: emptyOptions() };
    throw firstError ?? new UsageError('missing command');
  } else {
    const word = positionals[0]!;
    if (word === 'views') {
      if (positionals[1] === 'rebuild') command = 'views rebuild';
      else if (help && positionals[1] === undefined) command = 'views rebuild';
      else if (positionals[1] === undefined) throw new UsageError("missing subcommand for 'views' (expected 'views rebuild')", 'views rebuild');
      else throw new UsageError(`unknown subcommand 'views ${positionals[1]}' (expected 'views rebuild')`, 'views rebuild');
      extra = positionals.slice(2);
    } else if (word === 'certs') {
      if (positionals[1] === 'init' || (help && positionals[1] === undefined)) command = 'certs init';
      else if (positionals[1] === undefined) throw new UsageError("missing subcommand for 'certs' (expected 'certs init')", 'certs init');
      else throw new UsageError(`unknown subcommand 'certs ${positionals[1]}' (expected 'certs init')`, 'certs init');
      extra = positionals.slice(2);
    } else {
      command = resolveCommand(word);
      if (!command) throw unknownCommand(word, false);
      extra = positionals.slice(1);
    }
  }
  if (help) return { command, help, options: emptyOptions() };
  if (firstError) throw new UsageError(firstError.message, command);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, command);

  const options = emptyOptions();
  const target = options as unknown as Record<string, unknown>;
  for (const { spec, shown, value } of seen) {
    if (spec.key === 'function') continue;
    if (spec.commands && !spec.commands.includes(command)) {
      throw new UsageError(`option ${shown} is not valid for 'fedflow ${command}'`, command);
    }
    if (!spec.arg) {
      target[spec.key] = true;
      continue;
    }
    let parsed: unknown = value;
    if (spec.parse) {
      try {
        parsed = spec.parse(value!, shown);
      } catch (e) {
        throw new UsageError((e as Error).message, command);
      }
    }
    if (spec.limit) ((target.limits ??= {}) as Record<string, unknown>)[spec.limit] = parsed;
    else if (spec.repeat) ((target[spec.key] ??= []) as unknown[]).push(parsed);
    else target[spec.key] = parsed; // like argparse: the last occurrence wins
  }
  checkRequired(command, options);
  return { command, help: false, options };
}

function emptyOptions(): CliOptions {
  return { dataRoots: [], noWait: false, jsonMode: false };
}

function checkRequired(command: CommandName, o: CliOptions): void {
  const missing = (what: string): UsageError => new UsageError(`missing required option ${what}`, command);
  switch (command) {
    case 'upload':
    case 'download':
      if (!o.config) throw missing('-c <conf.json>');
      break;
    case 'table-info':
      if (!o.namespace) throw missing('-n <namespace>');
      if (!o.tableName) throw missing('-t <table_name>');
      break;
    case 'table-delete':
      if (o.namespace && !o.tableName) throw missing('-t <table_name> (given with -n)');
      if (o.tableName && !o.namespace) throw missing('-n <namespace> (given with -t)');
      if (!o.namespace && !o.jobId) throw missing('-n <namespace> -t <table_name>, or -j <job_id>');
      if (!o.jobId && (o.role || o.partyId || o.componentName)) throw missing('-j <job_id> (needed with -r/-p/-cpn)');
      break;
    case 'job-query':
      if (!o.jobId && !o.role && !o.partyId && !o.status) throw missing('-j <job_id> (or at least one of -r, -p, -s)');
      break;
    case 'submit-job':
    case 'load':
    case 'bind':
      if (!o.config) throw missing('-c <conf.json>');
      break;
    case 'stop-job':
    case 'clean-job':
    case 'component-metric-delete':
      if (!o.jobId) throw missing('-j <job_id>');
      break;
    case 'job-log':
      if (!o.jobId) throw missing('-j <job_id>');
      if (!o.outputPath) throw missing('-o <dir>');
      break;
    case 'data-view-query':
      if (!o.jobId && !o.role && !o.partyId && !o.componentName) throw missing('-j <job_id> (or at least one of -r, -p, -cpn)');
      break;
    case 'query-task':
      if (!o.jobId && !o.componentName && !o.role && !o.partyId && !o.status) throw missing('-j <job_id> (or at least one of -cpn, -r, -p, -s)');
      break;
    case 'job-config':
      if (!o.jobId) throw missing('-j <job_id>');
      if (!o.role) throw missing('-r <role>');
      if (!o.partyId) throw missing('-p <party_id>');
      if (!o.outputPath) throw missing('-o <dir>');
      break;
    case 'update-job':
      if (!o.jobId) throw missing('-j <job_id>');
      if (!o.role) throw missing('-r <role>');
      if (!o.partyId) throw missing('-p <party_id>');
      if (o.notes === undefined) throw missing('--notes <text>');
      break;
    case 'dag-dependency':
      if (o.jobId && (o.config || o.dsl)) throw new UsageError('give either -j <job_id> or -c <conf.json> -d <dsl.json>, not both', command);
      if (!o.jobId && !o.config && !o.dsl) throw missing('-j <job_id>, or -c <conf.json> -d <dsl.json>');
      if (o.config && !o.dsl) throw missing('-d <dsl.json> (given with -c)');
      if (o.dsl && !o.config) throw missing('-c <conf.json> (given with -d)');
      if (!o.role) throw missing('-r <role>');
      if (!o.partyId) throw missing('-p <party_id>');
      break;
    default:
      if (isTracking(command)) {
        if (!o.jobId) throw missing('-j <job_id>');
        if (!o.componentName) throw missing('-cpn <component>');
        // The server fills in the initiator only when both are absent.
        if (o.role && !o.partyId) throw missing('-p <party_id> (given with -r)');
        if (o.partyId && !o.role) throw missing('-r <role> (given with -p)');
        // -o: FATE's download of the whole table, filed under the party's name.
        if (command === 'component-output-data' && o.outputPath && (!o.role || !o.partyId)) throw missing('-r <role> -p <party_id> (needed with -o)');
        if (command === 'component-metric-data') {
          if (!o.namespace) throw missing('--namespace <metric_namespace>');
          if (!o.metricName) throw missing('--name <metric_name>');
        }
      }
      break;
  }
}

export function isTracking(command: CommandName): command is TrackingCommand {
  return (TRACKING_COMMANDS as readonly string[]).includes(command);
}
