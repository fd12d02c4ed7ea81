// Starts a real node in a child process (for crash tests: it can be SIGKILLed).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./nodeMain.js', import.meta.url));

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `wrap`: a command the node runs under, e.g. `ip netns exec <ns>` (which execs, so the pid is the node's). */
export function spawnNode(env: Record<string, string>, wrap: readonly string[] = []): Promise<NodeProcess> {
  // FEDFLOW_NODE_ARGS: extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = process.env.FEDFLOW_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const [command, ...args] = [...wrap, process.execPath, ...extra, entry] as unknown as [string, ...string[]];
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^listening (\S+)$/m);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ url: m[1]!, child, kill: async (signal = 'SIGKILL') => { child.kill(signal); await exited; } });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`node exited early with ${code}: ${out}`)));
  });
}
