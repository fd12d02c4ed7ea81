// The file side of a testsuite run: finding suites below a folder, FATE's data base folder, and
// reading JSON files with messages that name them.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SuiteError } from './env.js';

/** run_test.py's search_testsuite: every file ending `testsuite.json` below dir, in path order. */
export function findSuites(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      throw new SuiteError(`cannot read directory ${d}: ${(err as Error).message}`);
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('testsuite.json')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * FATE's suites name their data `examples/data/x.csv`, relative to FATE's root, the folder that
 * holds `examples/`: the nearest ancestor of the suite called `examples`, its parent. A suite outside
 * such a tree reads its data relative to its own folder.
 */
export function defaultDataBase(suitePath: string): string {
  let dir = dirname(suitePath);
  for (;;) {
    if (basename(dir) === 'examples') return dirname(dir);
    const up = dirname(dir);
    if (up === dir) return dirname(suitePath);
    dir = up;
  }
}

export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SuiteError(code === 'ENOENT' ? `${what} ${path} does not exist` : `cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SuiteError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
