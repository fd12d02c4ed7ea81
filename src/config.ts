// One typed, frozen configuration for a node: defaults < config file < environment < CLI flags.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAppKeys, type AppKey } from './api/auth/appKeys.js';

export interface NodeConfig {
  /** Address the /v1 HTTP edge binds to. */
  readonly host: string;
  /** HTTP port of /v1 (0 = ephemeral, for tests). */
  readonly httpPort: number;
  /** 0 = standalone (one node hosts every party), 1 = cluster. */
  readonly workMode: 0 | 1;
  /** Absolute directory holding the event log, views and party-local tables. */
  readonly dataDir: string;
  /** `sqlite` (default, <dataDir>/events.sqlite), `memory` (tests only) or an `esdb://…` connection string. */
  readonly eventStore: string;
  /** Absolute directories that server-side paths (upload `file`, download `output_path`) must stay inside. */
  readonly dataRoots: readonly string[];
  /** Largest JSON body accepted, in bytes. */
  readonly jsonBodyLimit: number;
  /** Largest multipart upload accepted, in bytes. */
  readonly uploadLimit: number;
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  readonly logLevel: string;
  /** Jobs this node runs at once as initiator; more wait in its queue (FATE: 5). */
  readonly maxConcurrentJobs: number;
  /** Job timeout when job_parameters.timeout is absent (FATE: 7 days). */
  readonly jobTimeoutSeconds: number;
  /** Cluster mode (src/federation/clusterConfig.ts checks these): the party this node hosts. */
  readonly partyId?: string;
  /** Party-to-party gRPC port (0 = ephemeral). */
  readonly grpcPort: number;
  /** Route table file: party id → host:port of its node. */
  readonly routeTable?: string;
  /** This party's TLS files from `fedflow certs init`. */
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Plain-text gRPC, only for local tests. */
  readonly insecure: boolean;
  /**
   * FATE-Serving addresses (`host:port`) that /v1/model/load and /v1/model/bind publish to: one
   * list for every party of this node, or per party id (a standalone node hosts several parties).
   */
  readonly servings?: Servings;
  /** Client app keys for /v1 (FATE-Flow 1.11 signed requests); empty = no client authentication. */
  readonly appKeys: readonly AppKey[];
  /** Serve /v1 without client authentication although the node is in cluster mode or not on loopback. */
  readonly insecureHttp: boolean;
  /** HTTPS for /v1: PEM certificate and private key (both or neither). */
  readonly httpTlsCert?: string;
  readonly httpTlsKey?: string;
  /**
   * Worker threads a task may run its output partitions on (DataIO over a big upload, issue 17);
   * absent: the rule of scheduler/partitionWorkers.ts, the cores over the component's parties on
   * this node (1 in a standalone job of two parties on two cores). 1: the task's own thread.
   */
  readonly partitionWorkers?: number;
  /** Party permissions checked on other parties' job commands (default: on in cluster mode, off standalone). */
  readonly permission: boolean;
  /** Serve the queries of an existing data dir and refuse every write (a replayed log, an audit copy). */
  readonly readOnly: boolean;
  /** Limits against hostile or broken clients and peers (see `Limits`, documented in SECURITY.md). */
  readonly limits: Limits;
}

/**
 * What one client or peer may cost a node. Every limit answers with a clear refusal (HTTP 408/413,
 * gRPC RESOURCE_EXHAUSTED/DEADLINE_EXCEEDED) instead of letting one party starve the others.
 */
export interface Limits {
  /** HTTP: a client must send its request headers within this (slowloris). */
  readonly httpHeadersTimeoutMs: number;
  /** HTTP: a client must send its whole request (headers and body) within this (0 = no limit). */
  readonly httpRequestTimeoutMs: number;
  /** HTTP: a keep-alive connection idle this long is closed. */
  readonly httpKeepAliveTimeoutMs: number;
  /** gRPC: largest single message (a command, one data-plane chunk), bytes. */
  readonly grpcMaxMessageBytes: number;
  /** gRPC: calls one peer may have open at once (unary commands and data-plane streams). */
  readonly grpcMaxCallsPerPeer: number;
  /** gRPC: messages per second one peer may send (a token bucket holding one second's worth). */
  readonly grpcMessagesPerSecondPerPeer: number;
  /** gRPC: bytes of unfinished federation objects one peer may have buffered at this node. */
  readonly grpcMaxInflightBytesPerPeer: number;
  /** gRPC: a data-plane stream that sends nothing for this long is cancelled and its bytes freed. */
  readonly grpcStreamIdleMs: number;
  /** Heartbeats: a party of a running job unreachable this long fails the job (job_parameters.party_timeout overrides). */
  readonly partyTimeoutSeconds: number;
  /** Heartbeats: how often a node pings the other parties of its running jobs. */
  readonly heartbeatIntervalMs: number;
  /** /v1/job/submit: components one DSL may have. */
  readonly maxDslComponents: number;
  /** /v1/job/submit: party ids one job's role assignment may list (all roles together). */
  readonly maxPartiesPerJob: number;
  /** /v1/data/upload: uploads received at once (each holds a connection and a temp file). */
  readonly maxConcurrentUploads: number;
}

export const DEFAULT_LIMITS: Limits = {
  httpHeadersTimeoutMs: 20_000,
  httpRequestTimeoutMs: 30 * 60_000,
  httpKeepAliveTimeoutMs: 5_000,
  grpcMaxMessageBytes: 8 * 1024 * 1024,
  grpcMaxCallsPerPeer: 64,
  grpcMessagesPerSecondPerPeer: 2_000,
  grpcMaxInflightBytesPerPeer: 512 * 1024 * 1024,
  grpcStreamIdleMs: 60_000,
  partyTimeoutSeconds: 120,
  heartbeatIntervalMs: 5_000,
  maxDslComponents: 200,
  maxPartiesPerJob: 64,
  maxConcurrentUploads: 8,
};

/** The limits' FEDFLOW_* variables and flags: `httpHeadersTimeoutMs` ↔ FEDFLOW_HTTP_HEADERS_TIMEOUT_MS ↔ --http-headers-timeout-ms. */
export const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
export const limitEnvName = (key: keyof Limits): string => `FEDFLOW_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
export const limitFlagName = (key: keyof Limits): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `["127.0.0.1:8000"]` (every party of the node) or `{"9999": ["127.0.0.1:8001"], "10000": [...]}`. */
export type Servings = readonly string[] | Readonly<Record<string, readonly string[]>>;

export type ConfigInput = Partial<{ -readonly [K in Exclude<keyof NodeConfig, 'appKeys' | 'permission' | 'limits'>]: NodeConfig[K] }> & {
  /** Any subset of the limits; the others keep their defaults. Top-level limit keys are accepted too. */
  limits?: Partial<Limits>;
  /** `<key>:<secret>[:<role>]` strings are accepted too (flags, env, config file). */
  appKeys?: readonly (AppKey | string)[] | string;
  /** `on`/`off` are accepted too. */
  permission?: boolean | 'on' | 'off';
};

const DEFAULTS = {
  host: '127.0.0.1',
  httpPort: 9380,
  workMode: 0 as const,
  dataDir: './.fedflow',
  eventStore: 'sqlite',
  jsonBodyLimit: 16 * 1024 * 1024,
  uploadLimit: 64 * 1024 * 1024 * 1024,
  logLevel: 'info',
  maxConcurrentJobs: 5,
  jobTimeoutSeconds: 604_800,
  grpcPort: 9360,
  insecure: false,
};

/** Reads FEDFLOW_* variables (FEDFLOW_HOST, FEDFLOW_HTTP_PORT, FEDFLOW_WORK_MODE, FEDFLOW_DATA_DIR,
 * FEDFLOW_EVENT_STORE, FEDFLOW_DATA_ROOTS (path-separated), FEDFLOW_LOG_LEVEL,
 * FEDFLOW_MAX_CONCURRENT_JOBS, FEDFLOW_JOB_TIMEOUT_SECONDS, FEDFLOW_SERVINGS: JSON or
 * `host:port,host:port` or `9999=host:port,10000=host:port`). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigInput {
  const out: ConfigInput = {};
  if (env.FEDFLOW_HOST) out.host = env.FEDFLOW_HOST;
  if (env.FEDFLOW_HTTP_PORT) out.httpPort = Number(env.FEDFLOW_HTTP_PORT);
  if (env.FEDFLOW_WORK_MODE) out.workMode = Number(env.FEDFLOW_WORK_MODE) as 0 | 1;
  if (env.FEDFLOW_DATA_DIR) out.dataDir = env.FEDFLOW_DATA_DIR;
  if (env.FEDFLOW_EVENT_STORE) out.eventStore = env.FEDFLOW_EVENT_STORE;
  if (env.FEDFLOW_DATA_ROOTS) out.dataRoots = env.FEDFLOW_DATA_ROOTS.split(':').filter(Boolean);
  if (env.FEDFLOW_LOG_LEVEL) out.logLevel = env.FEDFLOW_LOG_LEVEL;
  if (env.FEDFLOW_MAX_CONCURRENT_JOBS) out.maxConcurrentJobs = Number(env.FEDFLOW_MAX_CONCURRENT_JOBS);
  if (env.FEDFLOW_JOB_TIMEOUT_SECONDS) out.jobTimeoutSeconds = Number(env.FEDFLOW_JOB_TIMEOUT_SECONDS);
  if (env.FEDFLOW_PARTY_ID) out.partyId = env.FEDFLOW_PARTY_ID;
  if (env.FEDFLOW_GRPC_PORT) out.grpcPort = Number(env.FEDFLOW_GRPC_PORT);
  if (env.FEDFLOW_ROUTE_TABLE) out.routeTable = env.FEDFLOW_ROUTE_TABLE;
  if (env.FEDFLOW_TLS_CA) out.tlsCa = env.FEDFLOW_TLS_CA;
  if (env.FEDFLOW_TLS_CERT) out.tlsCert = env.FEDFLOW_TLS_CERT;
  if (env.FEDFLOW_TLS_KEY) out.tlsKey = env.FEDFLOW_TLS_KEY;
  if (env.FEDFLOW_INSECURE) out.insecure = env.FEDFLOW_INSECURE === '1' || env.FEDFLOW_INSECURE === 'true';
  if (env.FEDFLOW_APP_KEYS) out.appKeys = env.FEDFLOW_APP_KEYS;
  if (env.FEDFLOW_INSECURE_HTTP) out.insecureHttp = env.FEDFLOW_INSECURE_HTTP === '1' || env.FEDFLOW_INSECURE_HTTP === 'true';
  if (env.FEDFLOW_HTTP_TLS_CERT) out.httpTlsCert = env.FEDFLOW_HTTP_TLS_CERT;
  if (env.FEDFLOW_HTTP_TLS_KEY) out.httpTlsKey = env.FEDFLOW_HTTP_TLS_KEY;
  if (env.FEDFLOW_READ_ONLY) out.readOnly = env.FEDFLOW_READ_ONLY === '1' || env.FEDFLOW_READ_ONLY === 'true';
  if (env.FEDFLOW_PERMISSION) out.permission = env.FEDFLOW_PERMISSION as 'on' | 'off';
  if (env.FEDFLOW_JSON_BODY_LIMIT) out.jsonBodyLimit = Number(env.FEDFLOW_JSON_BODY_LIMIT);
  if (env.FEDFLOW_UPLOAD_LIMIT) out.uploadLimit = Number(env.FEDFLOW_UPLOAD_LIMIT);
  if (env.FEDFLOW_PARTITION_WORKERS) out.partitionWorkers = Number(env.FEDFLOW_PARTITION_WORKERS);
  if (env.FEDFLOW_SERVINGS) out.servings = parseServings(env.FEDFLOW_SERVINGS, 'FEDFLOW_SERVINGS');
  const limits: Partial<Record<keyof Limits, number>> = {};
  for (const key of LIMIT_KEYS) {
    const raw = env[limitEnvName(key)];
    if (raw !== undefined && raw !== '') limits[key] = Number(raw);
  }
  if (Object.keys(limits).length) out.limits = limits;
  return out;
}

/** Reads a JSON config file (same keys as NodeConfig). */
export function configFromFile(path: string): ConfigInput {
  if (!existsSync(path)) throw new Error(`config file ${path} does not exist`);
  return JSON.parse(readFileSync(path, 'utf8')) as ConfigInput;
}

/** Merges layers (later wins), validates, resolves paths against cwd, and freezes. */
export function buildConfig(...layers: ConfigInput[]): NodeConfig {
  const merged = Object.assign({}, DEFAULTS, ...layers) as ConfigInput & typeof DEFAULTS;
  const cwd = process.cwd();
  const dataDir = resolve(cwd, merged.dataDir);
  const dataRoots = (merged.dataRoots ?? [dataDir, cwd]).map((r) => resolve(cwd, r));
  const port = Number(merged.httpPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`config httpPort must be 0..65535, got ${merged.httpPort}`);
  if (merged.workMode !== 0 && merged.workMode !== 1) throw new Error(`config workMode must be 0 or 1, got ${merged.workMode}`);
  if (!/^(sqlite|memory|esdb(\+discover)?:\/\/.+)$/.test(merged.eventStore)) {
    throw new Error(`config eventStore must be sqlite, memory or an esdb:// connection string, got ${merged.eventStore}`);
  }
  const positive = (key: 'maxConcurrentJobs' | 'jobTimeoutSeconds'): number => {
    const n = Number(merged[key]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`config ${key} must be a positive integer, got ${merged[key]}`);
    return n;
  };
  const bytes = (key: 'jsonBodyLimit' | 'uploadLimit'): number => {
    const n = Number(merged[key]);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`config ${key} must be a positive number of bytes, got ${merged[key]}`);
    return n;
  };
  const partitionWorkers = merged.partitionWorkers === undefined ? undefined : Number(merged.partitionWorkers);
  if (partitionWorkers !== undefined && !(Number.isInteger(partitionWorkers) && partitionWorkers >= 1)) {
    throw new Error(`config partitionWorkers must be a positive integer, got ${merged.partitionWorkers}`);
  }
  const grpcPort = Number(merged.grpcPort);
  if (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535) throw new Error(`config grpcPort must be 0..65535, got ${merged.grpcPort}`);
  const file = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(cwd, p));
  if ((merged.httpTlsCert === undefined) !== (merged.httpTlsKey === undefined)) throw new Error('config httpTlsCert and httpTlsKey go together: give both or neither');
  const permission: unknown = merged.permission ?? Number(merged.workMode) === 1;
  const limits = buildLimits(layers);
  if (![true, false, 'on', 'off'].includes(permission as string)) throw new Error(`config permission must be on or off, got ${String(permission)}`);
  return Object.freeze({
    host: merged.host,
    httpPort: port,
    workMode: merged.workMode,
    dataDir,
    eventStore: merged.eventStore,
    dataRoots: Object.freeze(dataRoots),
    jsonBodyLimit: bytes('jsonBodyLimit'),
    uploadLimit: bytes('uploadLimit'),
    logLevel: merged.logLevel,
    maxConcurrentJobs: positive('maxConcurrentJobs'),
    jobTimeoutSeconds: positive('jobTimeoutSeconds'),
    ...(merged.partyId !== undefined ? { partyId: String(merged.partyId) } : {}),
    grpcPort,
    ...(merged.routeTable !== undefined ? { routeTable: file(merged.routeTable) } : {}),
    ...(merged.tlsCa !== undefined ? { tlsCa: file(merged.tlsCa) } : {}),
    ...(merged.tlsCert !== undefined ? { tlsCert: file(merged.tlsCert) } : {}),
    ...(merged.tlsKey !== undefined ? { tlsKey: file(merged.tlsKey) } : {}),
    insecure: merged.insecure === true,
    ...(merged.servings !== undefined ? { servings: parseServings(merged.servings, 'config servings') } : {}),
    appKeys: parseAppKeys(merged.appKeys ?? []),
    insecureHttp: merged.insecureHttp === true,
    ...(merged.httpTlsCert !== undefined ? { httpTlsCert: file(merged.httpTlsCert), httpTlsKey: file(merged.httpTlsKey) } : {}),
    permission: permission === true || permission === 'on',
    readOnly: merged.readOnly === true,
    ...(partitionWorkers !== undefined ? { partitionWorkers } : {}),
    limits,
  });
}

/**
 * Limits merge key by key across layers (a file may set one, the environment another); each must be
 * a non-negative integer (0 only where it means "no limit": httpRequestTimeoutMs).
 */
function buildLimits(layers: readonly ConfigInput[]): Limits {
  const merged: Record<string, unknown> = { ...DEFAULT_LIMITS };
  for (const layer of layers) {
    for (const key of LIMIT_KEYS) if ((layer as Record<string, unknown>)[key] !== undefined) merged[key] = (layer as Record<string, unknown>)[key];
    if (layer.limits) for (const [key, value] of Object.entries(layer.limits)) if (value !== undefined) merged[key] = value;
  }
  for (const key of Object.keys(merged)) {
    if (!(LIMIT_KEYS as string[]).includes(key)) throw new Error(`config limits: unknown limit ${key} (known: ${LIMIT_KEYS.join(', ')})`);
    const n = Number(merged[key]);
    const min = key === 'httpRequestTimeoutMs' ? 0 : 1;
    if (!Number.isInteger(n) || n < min) throw new Error(`config ${key} must be an integer >= ${min}, got ${String(merged[key])}`);
    merged[key] = n;
  }
  const limits = merged as unknown as Limits;
  if (limits.httpRequestTimeoutMs > 0 && limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs) {
    throw new Error(`config httpHeadersTimeoutMs (${limits.httpHeadersTimeoutMs}) must not exceed httpRequestTimeoutMs (${limits.httpRequestTimeoutMs})`);
  }
  return Object.freeze(limits);
}

const ADDRESS = /^[^\s:/]+:\d{1,5}$/;

/**
 * Normalises every accepted spelling of the serving addresses: a list, a per-party map (values a
 * list or one address), JSON text of either, or `a:1,b:2` / `9999=a:1,10000=b:2` (env and flags).
 * Throws naming `what` when an address is not `host:port`.
 */
export function parseServings(input: unknown, what = 'servings'): Servings {
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('[') || text.startsWith('{')) {
      try {
        return parseServings(JSON.parse(text), what);
      } catch (error) {
        if (error instanceof SyntaxError) throw new Error(`${what} is not valid JSON: ${error.message}`);
        throw error;
      }
    }
    return parseServings(text.split(',').map((a) => a.trim()).filter(Boolean), what);
  }
  const check = (address: unknown): string => {
    if (typeof address !== 'string' || !ADDRESS.test(address.trim())) throw new Error(`${what}: serving address must be host:port, got ${JSON.stringify(address)}`);
    return address.trim();
  };
  if (Array.isArray(input)) {
    const perParty = input.filter((a) => typeof a === 'string' && a.includes('='));
    if (perParty.length === 0) return Object.freeze(input.map(check));
    if (perParty.length !== input.length) throw new Error(`${what}: give every address as <party_id>=host:port or none`);
    const map: Record<string, string[]> = {};
    for (const entry of input as string[]) {
      const [party, address] = entry.split('=', 2) as [string, string];
      (map[party.trim()] ??= []).push(check(address));
    }
    return freezeMap(map);
  }
  if (input !== null && typeof input === 'object') {
    const map: Record<string, string[]> = {};
    for (const [party, addresses] of Object.entries(input)) map[party] = (Array.isArray(addresses) ? addresses : [addresses]).map(check);
    return freezeMap(map);
  }
  throw new Error(`${what} must be a list of host:port or a map party id → list of host:port`);
}

function freezeMap(map: Record<string, string[]>): Servings {
  for (const list of Object.values(map)) Object.freeze(list);
  return Object.freeze(map);
}

/** The serving addresses configured for one party of this node (empty when none). */
export function servingsOf(servings: Servings | undefined, partyId: string): readonly string[] {
  if (!servings) return [];
  if (Array.isArray(servings)) return servings as readonly string[];
  return (servings as Readonly<Record<string, readonly string[]>>)[partyId] ?? [];
}
