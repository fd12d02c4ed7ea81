// Test fixtures live in the repository (test/fixtures: FATE's example data and confs, copied from
// ../shared so a clean checkout is self-contained). Compiled tests run from dist/ or .build/<x>/,
// so the repository root is found by walking up to the directory holding test/fixtures.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findFixtures(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures');
    if (existsSync(join(candidate, 'examples')) && existsSync(join(dir, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no test/fixtures above ${start}`);
  }
}

export const FIXTURES = findFixtures();
/** FATE's example CSVs (breast hetero/homo). */
export const FIXTURE_DATA = join(FIXTURES, 'data');
/** FATE-format upload confs, DSLs and runtime confs (standalone/ and cluster/). */
export const FIXTURE_EXAMPLES = join(FIXTURES, 'examples');
/** FATE 1.4.5's own examples, unchanged: examples/federatedml-1.x-examples/<module>/ and examples/data/. */
export const FATE_EXAMPLES = join(FIXTURES, 'fate-examples');
