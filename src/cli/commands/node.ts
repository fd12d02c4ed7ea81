// node, views rebuild: build the NodeConfig and hand it to the node runtime (src/main.ts).
import { buildConfig, configFromEnv, configFromFile, type ConfigInput, type NodeConfig } from '../../config.js';
import type { CliOptions, CommandName } from '../args.js';
import type { CliContext, NodeApi } from '../context.js';

/** Flags → the highest-precedence config layer. */
export function configFromFlags(o: CliOptions): ConfigInput {
  const out: ConfigInput = {};
  if (o.host !== undefined) out.host = o.host;
  if (o.port !== undefined) out.httpPort = o.port;
  if (o.dataDir !== undefined) out.dataDir = o.dataDir;
  if (o.workMode !== undefined) out.workMode = o.workMode;
  if (o.eventStore !== undefined) out.eventStore = o.eventStore;
  if (o.dataRoots.length > 0) out.dataRoots = [...o.dataRoots];
  if (o.logLevel !== undefined) out.logLevel = o.logLevel;
  if (o.partyId !== undefined) out.partyId = o.partyId;
  if (o.grpcPort !== undefined) out.grpcPort = o.grpcPort;
  if (o.routeTable !== undefined) out.routeTable = o.routeTable;
  if (o.tlsCa !== undefined) out.tlsCa = o.tlsCa;
  if (o.tlsCert !== undefined) out.tlsCert = o.tlsCert;
  if (o.tlsKey !== undefined) out.tlsKey = o.tlsKey;
  if (o.insecure) out.insecure = true;
  if (o.servings?.length) out.servings = [...o.servings];
  if (o.appKeys?.length) out.appKeys = [...o.appKeys];
  if (o.insecureHttp) out.insecureHttp = true;
  if (o.httpTlsCert !== undefined) out.httpTlsCert = o.httpTlsCert;
  if (o.httpTlsKey !== undefined) out.httpTlsKey = o.httpTlsKey;
  if (o.permission !== undefined) out.permission = o.permission as 'on' | 'off';
  if (o.readOnly) out.readOnly = true;
  if (o.partitionWorkers !== undefined) out.partitionWorkers = o.partitionWorkers;
  if (o.limits) out.limits = { ...o.limits };
  return out;
}

/** A bad config file or value (exit status 2). */
export class NodeConfigError extends Error {
  constructor(
    message: string,
    readonly command: CommandName,
  ) {
    super(message);
    this.name = 'NodeConfigError';
  }
}

/** defaults < config file < environment < flags. */
export function nodeConfig(ctx: CliContext, o: CliOptions, command: CommandName): NodeConfig {
  try {
    const layers: ConfigInput[] = [];
    if (o.config) layers.push(configFromFile(o.config));
    layers.push(configFromEnv(ctx.env), configFromFlags(o));
    return buildConfig(...layers);
  } catch (err) {
    throw new NodeConfigError((err as Error).message, command);
  }
}

async function loadApi(ctx: CliContext, command: string): Promise<NodeApi | undefined> {
  try {
    return await ctx.loadNodeApi();
  } catch (err) {
    ctx.stderr(`fedflow ${command}: cannot load the node runtime: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** The longest a SIGTERM/SIGINT shutdown may take before the process exits anyway (code 1). */
export const SHUTDOWN_BOUND_MS = 30_000;

export async function runNode(ctx: CliContext, o: CliOptions): Promise<number> {
  const config = nodeConfig(ctx, o, 'node');
  const api = await loadApi(ctx, 'node');
  if (!api) return 1;

  // Subscribe before starting (and before printing the line scripts wait for): a signal that
  // arrives while the node starts is honoured as soon as it is up.
  let received: string | undefined;
  let onSignal: (signal: string) => void = () => {};
  const off = ctx.onShutdownSignal((sig) => {
    if (received !== undefined) {
      ctx.stderr(`fedflow node: ${sig} again, exiting without waiting for close\n`);
      ctx.exit(1);
      return;
    }
    received = sig;
    onSignal(sig);
  });

  let running: Awaited<ReturnType<NodeApi['startNode']>>;
  try {
    running = await api.startNode(config);
  } catch (err) {
    off();
    ctx.stderr(`fedflow node: ${(err as Error).message}\n`);
    return 1;
  }
  const cfg = running.config ?? config;
  const party = running.grpcPort !== undefined ? `, party ${cfg.partyId}, gRPC port ${running.grpcPort}${cfg.insecure ? ' plain text' : ' mutual TLS'}` : '';
  ctx.stdout(`fedflow node listening on ${running.url} (work_mode ${cfg.workMode}${party}, data dir ${cfg.dataDir}${cfg.readOnly ? ', read-only' : ''})\n`);

  const signal = received ?? (await new Promise<string>((resolve) => (onSignal = resolve)));
  ctx.stderr(`fedflow node: ${signal} received, closing\n`);
  let code = 0;
  let bound: NodeJS.Timeout | undefined;
  try {
    // A shutdown that hangs (a stuck worker, a peer that never answers) must not keep the process:
    // after SHUTDOWN_BOUND_MS it exits 1 and the next start recovers as after a crash.
    await Promise.race([
      running.close(),
      new Promise<never>((_, reject) => (bound = setTimeout(() => reject(new Error(`not closed within ${SHUTDOWN_BOUND_MS / 1000} s`)), SHUTDOWN_BOUND_MS))),
    ]);
    ctx.stderr('fedflow node: closed\n');
  } catch (err) {
    ctx.stderr(`fedflow node: close failed: ${(err as Error).message}\n`);
    code = 1;
  } finally {
    clearTimeout(bound);
  }
  off();
  ctx.exit(code);
  return code;
}

export async function viewsRebuild(ctx: CliContext, o: CliOptions): Promise<number> {
  const config = nodeConfig(ctx, o, 'views rebuild');
  const api = await loadApi(ctx, 'views rebuild');
  if (!api) return 1;
  try {
    const { events, ms } = await api.rebuildViews(config);
    ctx.stdout(`views rebuilt from ${events} events in ${Math.round(ms)} ms\n`);
    return 0;
  } catch (err) {
    ctx.stderr(`fedflow views rebuild: ${(err as Error).message}\n`);
    return 1;
  }
}
