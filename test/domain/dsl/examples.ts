// The example DSLs and confs, from the repository's test fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../../support/fixtures.js';

export function examplesDir(): string {
  return FIXTURE_EXAMPLES;
}

export type ExampleMode = 'standalone' | 'cluster';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const example = (mode: ExampleMode, file: string): any => JSON.parse(readFileSync(join(examplesDir(), mode, file), 'utf8'));

/** A fresh deep copy of a JSON value (tests edit examples freely). */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
