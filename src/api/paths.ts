// Server-side paths (upload `file`, download `output_path`) must stay inside the node's data roots.
// FATE read any path the server could open; fedflow refuses `..`, absolute paths and symlinks
// that lead outside the roots.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { badRequest } from './errors.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** realpath of the longest existing prefix + the rest, so not-yet-created outputs can be checked. */
function realpathLoose(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(existing.slice(parent.length + 1));
    existing = parent;
  }
  return resolve(realpathSync(existing), ...rest);
}

function candidates(input: string, roots: readonly string[]): string[] {
  return isAbsolute(input) ? [resolve(input)] : roots.map((r) => resolve(r, input));
}

function checkInside(field: string, input: string, path: string, roots: readonly string[]): string {
  const real = realpathLoose(path);
  const realRoots = roots.filter(existsSync).map((r) => realpathSync(r));
  if (!realRoots.some((r) => inside(r, real))) {
    throw badRequest(`${field} ${input} is outside the node's data roots (${roots.join(', ')})`);
  }
  return real;
}

/** A file to read: relative paths are tried against each root in order; the first that exists wins. */
export function resolveInputPath(field: string, input: string, roots: readonly string[]): string {
  const all = candidates(input, roots);
  const found = all.find((p) => existsSync(p)) ?? all[0]!;
  return checkInside(field, input, found, roots);
}

/** A file to write: relative paths resolve against the first root. */
export function resolveOutputPath(field: string, input: string, roots: readonly string[]): string {
  return checkInside(field, input, candidates(input, roots)[0]!, roots);
}

/**
 * A download's `output_path`: relative paths resolve against the node's working directory, as
 * FATE's download task does (os.path.abspath), and the result must still lie inside the roots.
 */
export function resolveDownloadPath(field: string, input: string, roots: readonly string[], cwd: string): string {
  return checkInside(field, input, isAbsolute(input) ? resolve(input) : resolve(cwd, input), roots);
}
