// fedflow serving (run a serving node) and fedflow predict (one online inference). They parse their
// own options (node:util parseArgs): their flags (--port is gRPC here, --flow, --route) do not mix
// with the flow client's option table.
import { readFileSync } from 'node:fs';
import { readPrivateKey } from '../../federation/privateKey.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TlsMaterial } from '../../federation/tls.js';
import type { CliContext } from '../context.js';

export const SERVING_COMMANDS = new Set(['serving', 'predict']);

export const SERVING_USAGE = `Usage: fedflow serving --party-id <id> --flow <url> [options]

Runs a serving node (the FATE-Serving counterpart) until SIGINT/SIGTERM: gRPC ModelService
(publishLoad/publishBind/queryModel/unload/unbind, called by the flow node) and the host
inference service; HTTP POST /federation/v1/inference at the guest's serving.
  --party-id <id>            the party this serving serves (required)
  --flow <url>               this party's flow node, e.g. http://127.0.0.1:9380 (required;
                             models are pulled from its /v1/model/transfer)
  --port <port>              gRPC port (default 8000; 0 = any)
  --http-port <port>         HTTP inference port (default 8059; 0 = any)
  --host <host>              bind address (default 127.0.0.1)
  --route <party>=<host:port>  a host party's serving gRPC address; repeatable (guest)
  --host-features <file.csv> the host's online features: id column + feature columns (host)
  --data-dir <dir>           loaded models and bindings (default ./.fedflow/serving)
  --host-timeout-ms <ms>     deadline of a call to a host's serving (default 3000)
  --tls-ca, --tls-cert, --tls-key <file>  this party's files from 'fedflow certs init'
  --insecure                 plain-text gRPC without certificates (local tests only)
`;

export const PREDICT_USAGE = `Usage: fedflow predict --serving <url> --service-id <id> --feature-data '<json>' [--remote-data '<json>']

One online inference at a guest's serving node (POST /federation/v1/inference); prints the answer
{retcode, retmsg, data: {score, ...}}. Exit status 0 when retcode is 0.
  --serving <url>            the guest's serving HTTP address, e.g. http://127.0.0.1:8059 (required)
  --service-id <id>          the bound service id (required)
  --feature-data <json>      the guest's features, e.g. '{"x0": 0.25, "x1": -1.04}' (required)
  --remote-data <json>       sendToRemoteFeatureData for the hosts, e.g. '{"id": "133"}'
  --case-id <id>             a trace id
`;

class ServingUsageError extends Error {}

const port = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ServingUsageError(`option --${name} must be an integer 0..65535, got '${raw}'`);
  return n;
};

const jsonObject = (raw: string, name: string): Record<string, unknown> => {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new ServingUsageError(`option --${name} is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ServingUsageError(`option --${name} must be a JSON object`);
  return v as Record<string, unknown>;
};

/** Runs `fedflow serving …` or `fedflow predict …` (argv starts with the command word). */
export async function servingCli(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const command = argv[0]!;
  try {
    return command === 'serving' ? await runServing(ctx, argv.slice(1)) : await predict(ctx, argv.slice(1));
  } catch (err) {
    if (err instanceof ServingUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      ctx.stderr(`fedflow ${command}: ${(err as Error).message}\nRun 'fedflow ${command} --help' for its options.\n`);
      return 2;
    }
    ctx.stderr(`fedflow ${command}: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

async function runServing(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h' },
      'party-id': { type: 'string', short: 'p' },
      flow: { type: 'string' },
      port: { type: 'string' },
      'http-port': { type: 'string' },
      host: { type: 'string' },
      route: { type: 'string', multiple: true },
      'host-features': { type: 'string' },
      'data-dir': { type: 'string' },
      'host-timeout-ms': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      insecure: { type: 'boolean' },
    },
  });
  if (v.help) {
    ctx.stdout(SERVING_USAGE);
    return 0;
  }
  if (!v['party-id']) throw new ServingUsageError('missing required option --party-id <id>');
  if (!v.flow) throw new ServingUsageError('missing required option --flow <url>');
  const routes = new Map<string, string>();
  for (const r of v.route ?? []) {
    const m = /^([^=\s]+)=([^:\s]+:\d{1,5})$/.exec(r);
    if (!m) throw new ServingUsageError(`option --route must be <party>=<host:port>, got '${r}'`);
    routes.set(m[1]!, m[2]!);
  }
  let tls: TlsMaterial;
  if (v.insecure) tls = { insecure: true };
  else if (v['tls-ca'] && v['tls-cert'] && v['tls-key']) {
    tls = { ca: readFileSync(v['tls-ca']), cert: readFileSync(v['tls-cert']), key: readPrivateKey(v['tls-key'], 'serving TLS key') };
  } else throw new ServingUsageError('give --tls-ca, --tls-cert and --tls-key (mutual TLS), or --insecure');
  const timeout = v['host-timeout-ms'];
  if (timeout !== undefined && !/^\d+$/.test(timeout)) throw new ServingUsageError(`option --host-timeout-ms must be a positive integer, got '${timeout}'`);

  const { startServing } = await import('../../serving/servingNode.js');
  let received: string | undefined;
  let onSignal: (signal: string) => void = () => {};
  const off = ctx.onShutdownSignal((sig) => {
    if (received !== undefined) return ctx.exit(1);
    received = sig;
    onSignal(sig);
  });
  const dataDir = resolve(ctx.cwd, v['data-dir'] ?? '.fedflow/serving');
  let running: Awaited<ReturnType<typeof startServing>>;
  try {
    running = await startServing({
      partyId: v['party-id'],
      host: v.host,
      grpcPort: port(v.port, 'port', 8000),
      httpPort: port(v['http-port'], 'http-port', 8059),
      flowUrl: v.flow,
      routes,
      hostFeatures: v['host-features'] ? resolve(ctx.cwd, v['host-features']) : undefined,
      dataDir,
      tls,
      hostDeadlineMs: timeout === undefined ? undefined : Number(timeout),
      log: (line) => ctx.stderr(`fedflow serving: ${line}\n`),
    });
  } catch (err) {
    off();
    throw err;
  }
  const models = running.registry.list().length;
  const features = running.features ? `, ${running.features.size} host feature rows` : '';
  ctx.stdout(
    `fedflow serving listening: party ${v['party-id']}, gRPC port ${running.grpcPort}${tls.insecure ? ' plain text' : ' mutual TLS'}, ` +
      `HTTP ${running.url}/federation/v1/inference (${models} models restored${features}, data dir ${dataDir})\n`,
  );
  const signal = received ?? (await new Promise<string>((r) => (onSignal = r)));
  ctx.stderr(`fedflow serving: ${signal} received, closing\n`);
  await running.close();
  off();
  ctx.exit(0);
  return 0;
}

async function predict(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h' },
      serving: { type: 'string' },
      'service-id': { type: 'string' },
      'feature-data': { type: 'string' },
      'remote-data': { type: 'string' },
      'case-id': { type: 'string' },
    },
  });
  if (v.help) {
    ctx.stdout(PREDICT_USAGE);
    return 0;
  }
  if (!v.serving) throw new ServingUsageError('missing required option --serving <url>');
  if (!v['service-id']) throw new ServingUsageError('missing required option --service-id <id>');
  if (!v['feature-data']) throw new ServingUsageError("missing required option --feature-data '<json>'");
  const body = {
    serviceId: v['service-id'],
    featureData: jsonObject(v['feature-data'], 'feature-data'),
    sendToRemoteFeatureData: v['remote-data'] ? jsonObject(v['remote-data'], 'remote-data') : {},
    ...(v['case-id'] ? { caseId: v['case-id'] } : {}),
  };
  const url = `${v.serving.replace(/\/+$/, '')}/federation/v1/inference`;
  let answer: { retcode?: unknown };
  try {
    const res = await ctx.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    answer = (await res.json()) as typeof answer;
  } catch (err) {
    ctx.stdout(`${JSON.stringify({ retcode: 100, retmsg: `Connection refused, Please check if the serving at ${v.serving} is started (${(err as Error).message})` }, null, 2)}\n`);
    return 1;
  }
  ctx.stdout(`${JSON.stringify(answer, null, 2)}\n`);
  return answer?.retcode === 0 ? 0 : 1;
}
