// Upload/download conf files: loading, local file resolution and the transport decision.
// Everything but loadConf is pure (the file-existence check is injectable).
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export type Conf = Record<string, unknown>;

/** A conf that cannot be read or is not a JSON object (exit status 1). */
export class ConfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfError';
  }
}

export interface LoadedConf {
  conf: Conf;
  /** Absolute path of the conf file. */
  path: string;
  /** Its directory: relative `file` paths are looked up here first. */
  dir: string;
}

/** Reads a JSON object file; `what` names it in error messages ('conf file', 'dsl file'). */
export function loadConf(path: string, cwd: string, what = 'conf file'): LoadedConf {
  const abs = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfError(code === 'ENOENT' ? `${what} ${path} does not exist` : `cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  let conf: unknown;
  try {
    conf = JSON.parse(text);
  } catch (err) {
    throw new ConfError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!conf || typeof conf !== 'object' || Array.isArray(conf)) throw new ConfError(`${what} ${path} must hold a JSON object`);
  return { conf: conf as Conf, path: abs, dir: dirname(abs) };
}

export type FileCheck = (absPath: string) => boolean;

export const isFile: FileCheck = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The client-side file for `file`: absolute as is; relative against the conf's directory, then cwd. */
export function resolveLocalFile(file: string, confDir: string, cwd: string, exists: FileCheck = isFile): string | undefined {
  const candidates = isAbsolute(file) ? [file] : [resolve(confDir, file), resolve(cwd, file)];
  return candidates.find((p) => exists(p));
}

export interface UploadOverrides {
  drop?: 0 | 1;
  namespace?: string;
  tableName?: string;
  workMode?: 0 | 1;
  /** Send JSON (server-side path) even when the file is local. */
  jsonMode?: boolean;
}

export type UploadPlan =
  | { mode: 'multipart'; localFile: string; query: Record<string, string> }
  | { mode: 'json'; body: Conf };

const isZero = (v: unknown): boolean => v === 0 || v === '0';
const isOne = (v: unknown): boolean => v === 1 || v === '1';

function applyOverrides(conf: Conf, o: UploadOverrides): Conf {
  const out: Conf = { ...conf };
  if (o.drop !== undefined) out.drop = o.drop;
  if (o.namespace !== undefined) out.namespace = o.namespace;
  if (o.tableName !== undefined) out.table_name = o.tableName;
  if (o.workMode !== undefined) out.work_mode = o.workMode;
  return out;
}

/** Query parameters are strings: numbers/booleans via String, objects as JSON, null/undefined dropped. */
export function toQuery(conf: Conf): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/**
 * FATE 1.4's choice: multipart when `file` exists on this machine and the conf does not say
 * `use_local_data: 0`; otherwise JSON with `file` as given (a path on the server), marked
 * `use_local_data: 0` so a FATE 1.4 server reads it from its own disk too.
 * Throws ConfError when the conf insists on a local file (`use_local_data: 1`) that is not here.
 */
export function planUpload(loaded: LoadedConf, cwd: string, o: UploadOverrides = {}, exists: FileCheck = isFile): UploadPlan {
  const conf = applyOverrides(loaded.conf, o);
  const file = conf.file;
  const serverSide = o.jsonMode === true || isZero(conf.use_local_data);
  if (!serverSide && typeof file === 'string' && file !== '') {
    const localFile = resolveLocalFile(file, loaded.dir, cwd, exists);
    if (localFile) return { mode: 'multipart', localFile, query: toQuery(conf) };
    if (isOne(conf.use_local_data)) {
      throw new ConfError(`file ${file} does not exist on this machine (conf has "use_local_data": 1); check the path`);
    }
  }
  return { mode: 'json', body: { ...conf, use_local_data: 0 } };
}

/** The download body: overrides applied and `output_path` made absolute against cwd (like FATE's client). */
export function planDownload(loaded: LoadedConf, cwd: string, o: Omit<UploadOverrides, 'drop' | 'jsonMode'> = {}): Conf {
  const conf = applyOverrides(loaded.conf, o);
  if (typeof conf.output_path === 'string' && conf.output_path !== '') conf.output_path = resolve(cwd, conf.output_path);
  return conf;
}
