// Everything a command touches outside pure code, injectable so tests can run commands in-process.
import type { NodeConfig } from '../config.js';

/** The node runtime entry points (src/main.ts), loaded lazily so client commands stay light. */
export interface NodeApi {
  startNode(config: NodeConfig): Promise<{ url: string; config: NodeConfig; grpcPort?: number; close(): Promise<void> }>;
  rebuildViews(config: NodeConfig): Promise<{ events: number; ms: number }>;
}

export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Draw a progress bar (stderr is a terminal) instead of printing status lines. */
  stderrIsTTY: boolean;
  /** Width of the stderr terminal (0 = unknown): live multi-line displays cut their lines to it. */
  stderrColumns: number;
  /** stdout is a terminal: commands offering a human-readable form (component-output-data) use it. */
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch: typeof globalThis.fetch;
  sleep(ms: number): Promise<void>;
  /** Delay between two /v1/job/query polls. */
  pollIntervalMs: number;
  /** Consecutive failed polls (transport error or retcode != 0) tolerated before giving up. */
  maxPollErrors: number;
  loadNodeApi(): Promise<NodeApi>;
  /** Calls handler on SIGINT/SIGTERM; returns an unsubscribe function. */
  onShutdownSignal(handler: (signal: string) => void): () => void;
  exit(code: number): void;
}

export function defaultContext(overrides: Partial<CliContext> = {}): CliContext {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns ?? 0,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
    fetch: (...args) => globalThis.fetch(...args),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pollIntervalMs: 500,
    maxPollErrors: 20,
    loadNodeApi: async () => {
      const api = await import('../main.js');
      return { startNode: api.startNode, rebuildViews: api.rebuildViews };
    },
    onShutdownSignal: (handler) => {
      const listener = (signal: NodeJS.Signals): void => handler(signal);
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
    exit: (code) => process.exit(code),
    ...overrides,
  };
}

/** Prints a value as the 2-space JSON scripts parse. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
