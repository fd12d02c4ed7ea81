// The version of the code that wrote an event: package.json's version (no git needed at run time).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function codeVersion(): string {
  if (cached) return cached;
  // src/store/audit → the package root is three levels up, from src/ and from dist/src/ alike.
  for (const rel of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fedflow' && pkg.version) return (cached = pkg.version);
    } catch {
      // try the next candidate
    }
  }
  return (cached = 'unknown');
}
