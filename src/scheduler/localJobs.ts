// What an upload or download job is, as recorded in its JobCreated event: FATE's one-component
// local job (role local, party 0) with its parameters as one-element lists under
// role_parameters.local.<component>.
import { LOCAL_MODEL_ID } from '../domain/ids.js';

export const LOCAL_ROLE = 'local';
export const LOCAL_PARTY = '0';

export interface UploadParams {
  /** Absolute, checked path of the file to load on this node. */
  file: string;
  head: 0 | 1;
  partition: number;
  work_mode: 0 | 1;
  namespace: string;
  table_name: string;
  /** 0 = write into, 1 = replace; undefined = refuse a non-empty table. */
  drop?: 0 | 1;
  in_version?: boolean;
  /** Set in multipart mode: a directory of this node to remove after the task. */
  temp_dir?: string;
}

export interface DownloadParams {
  namespace: string;
  table_name: string;
  /** Absolute, checked output path on this node. */
  output_path: string;
  delimitor: string;
  work_mode: 0 | 1;
}

/**
 * Upload and Download run only as the local jobs of /v1/data/upload and /v1/data/download, which
 * check their server paths against the data roots: a submitted job (here or from another party)
 * naming them is refused. Returns the message, or undefined when no module of the job is one.
 */
export function localOnlyModuleRefusal(modules: readonly string[]): string | undefined {
  const found = modules.find((m) => m === 'Upload' || m === 'Download');
  return found && `module ${found} runs only as the job of /v1/data/${found.toLowerCase()}, not in a submitted job`;
}

export type LocalJobKind = { module: 'Upload'; component: 'upload_0'; params: UploadParams } | { module: 'Download'; component: 'download_0'; params: DownloadParams };

/** The DSL and runtime conf FATE builds for an upload/download job. */
export function localJobConf(jobId: string, kind: LocalJobKind): { dsl: unknown; runtimeConf: unknown } {
  const listed = Object.fromEntries(Object.entries(kind.params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, [v]]));
  return {
    dsl: { components: { [kind.component]: { module: kind.module } } },
    runtimeConf: {
      initiator: { role: LOCAL_ROLE, party_id: 0 },
      job_parameters: { work_mode: kind.params.work_mode, model_id: LOCAL_MODEL_ID, model_version: jobId },
      role: { [LOCAL_ROLE]: [0] },
      role_parameters: { [LOCAL_ROLE]: { [kind.component]: listed } },
    },
  };
}

/** Reads the kind back from a recorded job; undefined for jobs that are not local upload/download jobs. */
export function localJobKindOf(dsl: unknown, runtimeConf: unknown): LocalJobKind | undefined {
  const components = (dsl as { components?: Record<string, { module?: string }> } | null)?.components ?? {};
  const params = (component: string): Record<string, unknown> | undefined => {
    const listed = (runtimeConf as { role_parameters?: Record<string, Record<string, Record<string, unknown[]>>> })?.role_parameters?.[LOCAL_ROLE]?.[component];
    return listed && Object.fromEntries(Object.entries(listed).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  };
  if (components.upload_0?.module === 'Upload') {
    const p = params('upload_0');
    return p && { module: 'Upload', component: 'upload_0', params: p as unknown as UploadParams };
  }
  if (components.download_0?.module === 'Download') {
    const p = params('download_0');
    return p && { module: 'Download', component: 'download_0', params: p as unknown as DownloadParams };
  }
  return undefined;
}
