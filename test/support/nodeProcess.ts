// Starts a real node in a child process (for crash tests: it can be SIGKILLed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./nodeMain.js', import.meta.url));

/** How much of the child's stderr is kept for `stderrTail()` (it is also passed through as it comes). */
const STDERR_TAIL = 16_384;

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last STDERR_TAIL characters the child wrote on stderr (a crash's message, a fatal V8 error). */
  stderrTail(): string;
  /** Resolves when the child has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every child started here and not yet exited: a suite's `after` kills what a failed test left running. */
const live = new Set<ChildProcess>();

/** SIGKILLs every node child still running and waits for each to exit (for a suite's `after` hook). */
export async function killLiveNodes(): Promise<void> {
  await Promise.all([...live].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
}

/** `wrap`: a command the node runs under, e.g. `ip netns exec <ns>` (which execs, so the pid is the node's). */
export function spawnNode(env: Record<string, string>, wrap: readonly string[] = []): Promise<NodeProcess> {
  // FEDFLOW_NODE_ARGS: extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = process.env.FEDFLOW_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const [command, ...args] = [...wrap, process.execPath, ...extra, entry] as unknown as [string, ...string[]];
  // stderr is piped (and passed through) rather than inherited, so that a caller can say why a child died.
  // stdin is a pipe the child only watches: it ends when this process dies, however it dies (a test
  // runner SIGKILLed on a timeout runs no finally), and the child then exits instead of running on.
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    process.stderr.write(d);
    tail = (tail + d.toString()).slice(-STDERR_TAIL);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^listening (\S+)$/m);
      if (!m) return;
      child.stdout!.off('data', onData);
      // FEDFLOW_NODE_STDOUT=<file>: keep the child's later stdout (e.g. `--trace-gc` lines) instead of dropping it.
      if (process.env.FEDFLOW_NODE_STDOUT) child.stdout!.pipe(createWriteStream(process.env.FEDFLOW_NODE_STDOUT));
      else child.stdout!.resume();
      resolve({
        url: m[1]!, child, exited, stderrTail: () => tail,
        kill: async (signal = 'SIGKILL') => { child.kill(signal); await exited; },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`node exited early with ${code ?? signal}: ${out}${tail}`)));
  });
}
