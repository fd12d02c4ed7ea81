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
// Once uvu has printed its summary every suite has run: a runner still alive a while later is held by
// an open handle (e.g. a child node a failed test left running). Stop it then, rather than at the
// overall timeout 40 minutes on, and fail the run: an open handle is a defect.
const AFTER_SUMMARY_MS = Number(process.env.UVU_AFTER_SUMMARY_MS ?? 120_000);
let lingering = null;
let heldOpen = false;
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
  if (!lingering && /^\s*Duration:/m.test(out)) {
    lingering = setTimeout(() => {
      heldOpen = true;
      console.error(`uvu: still running ${AFTER_SUMMARY_MS} ms after its summary (an open handle?); stopped`);
      child.kill('SIGKILL');
    }, AFTER_SUMMARY_MS);
  }
});
// A test hung mid-run: CI gives npm ci + npm test 90 minutes, and a loaded machine ran the suite in 35.
const timeoutMs = Number(process.env.UVU_TIMEOUT_MS ?? 4_200_000);
const timer = setTimeout(() => {
  console.error(`uvu: timed out after ${timeoutMs} ms (a test hung?)`);
  child.kill('SIGKILL');
}, timeoutMs);
child.on('close', (code) => {
  clearTimeout(timer);
  if (lingering) clearTimeout(lingering);
  const num = (k) => Number(out.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  if (Number.isNaN(total)) {
    console.log('uvu: 0 passed, 1 failed, 0 skipped');
    process.exit(code || 1);
  }
  console.log(`uvu: ${passed} passed, ${total - passed} failed, ${skipped} skipped${heldOpen ? ', held open after its summary' : ''}`);
  process.exit(heldOpen ? 1 : code !== 0 ? (code ?? 1) : total === 0 ? 1 : 0);
});
