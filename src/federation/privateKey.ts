// A private key readable by others on the machine is as good as published: the node refuses one
// whose file grants any permission to group or others (ssh's rule), and says how to fix it.
import { readFileSync, statSync } from 'node:fs';

export class PrivateKeyError extends Error {
  override name = 'PrivateKeyError';
}

/** Throws unless `path` is a regular file with no group/other permission bits (0600 or 0400). */
export function checkPrivateKeyMode(path: string, what: string): void {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new PrivateKeyError(`${what} ${path} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof PrivateKeyError) throw err;
    throw new PrivateKeyError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  // POSIX modes mean nothing on Windows (ACLs decide there).
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new PrivateKeyError(`${what} ${path} is readable by others (mode 0${mode.toString(8)}); run chmod 600 ${path}`);
  }
}

export function readPrivateKey(path: string, what: string): Buffer {
  checkPrivateKeyMode(path, what);
  return readFileSync(path);
}
