// A suite's scratch folder: a fresh temp dir for each test, removed after it (nothing a test
// wrote is seen by the next one, and nothing is left in the temp folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';

/** Registers `t`'s hooks; returns the current test's dir (created as `prefix` + random characters). */
export function tempDirPerTest(t: Test, prefix: string): () => string {
  let dir = '';
  t.before.each(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  t.after.each(() => {
    rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  return () => dir || (() => {
    throw new Error('tempDirPerTest: used outside a test');
  })();
}
