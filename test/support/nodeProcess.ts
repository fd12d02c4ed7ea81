// Starts a real node in a child process (for crash tests: it can be SIGKILLed).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./nodeMain.js', import.meta.url));

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnNode(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^listening (\S+)$/m);
      if (m) resolve({ url: m[1]!, child, kill: async (signal = 'SIGKILL') => { child.kill(signal); await exited; } });
    });
    child.once('exit', (code) => reject(new Error(`node exited early with ${code}: ${out}`)));
  });
}
