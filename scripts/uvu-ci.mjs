// Runs uvu on the compiled tests and prints one closing line `uvu: N passed, N failed, N skipped`.
// Why a wrapper: uvu has no "Failed" line, exits 0 when no test ran, and hangs on open handles.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// uvu's "exports" hides bin.js: locate it from the package entry (dist/index.js).
const bin = join(dirname(dirname(createRequire(import.meta.url).resolve('uvu'))), 'bin.js');
const child = spawn(process.execPath, [bin, ...process.argv.slice(2), '--no-color'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
const timeoutMs = Number(process.env.UVU_TIMEOUT_MS ?? 2_400_000);
const timer = setTimeout(() => {
  console.error(`uvu: timed out after ${timeoutMs} ms (an open handle?)`);
  child.kill('SIGKILL');
}, timeoutMs);
child.on('close', (code) => {
  clearTimeout(timer);
  const num = (k) => Number(out.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  if (Number.isNaN(total)) {
    console.log('uvu: 0 passed, 1 failed, 0 skipped');
    process.exit(code || 1);
  }
  console.log(`uvu: ${passed} passed, ${total - passed} failed, ${skipped} skipped`);
  process.exit(code !== 0 ? (code ?? 1) : total === 0 ? 1 : 0);
});
