// Runtime conf v1 (contract 6.2) as /v1/job/submit normalises it (5.4 steps 1, 2, 3 and 5):
// work_mode, required keys, int party ids, job type, model id/version, initiator check, timeout.

import { attempt, DslError, type Outcome } from './errors.js';
import { cloneObject, isPlainObject, own, setOwn, show, type JsonObject } from './json.js';

export type WorkMode = 0 | 1;
export type JobType = 'train' | 'predict';

export interface ConfOptions {
  /** The id of the job being submitted; a training job's model_version. */
  readonly jobId: string;
  /** The work mode this server runs in. */
  readonly serverWorkMode: WorkMode;
  /** Used when job_parameters.timeout is absent. */
  readonly defaultTimeoutSeconds: number;
}

export interface NormalizedConf {
  /** The conf with int party ids and (training) model_id/model_version; other keys verbatim. */
  readonly conf: JsonObject;
  readonly workMode: WorkMode;
  readonly jobType: JobType;
  readonly initiator: { readonly role: string; readonly partyId: number };
  /** role → party ids, in the conf's order. */
  readonly roles: Readonly<Record<string, readonly number[]>>;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly timeoutSeconds: number;
}

/** FATE's required-arguments message (contract 1.4), spaces included. */
export const requiredArgumentsMessage = (missing: readonly string[], bad: readonly string[] = []): string =>
  `the following arguments are required: ${missing.join(',')} ${bad.join(',')}`;

export const WORK_MODE_MESSAGE = requiredArgumentsMessage([], ['work_mode=(<WorkMode.CLUSTER: 1>, <WorkMode.STANDALONE: 0>)']);
export const CLUSTER_JOB_ON_STANDALONE_MESSAGE = 'server run on standalone can not support cluster mode job';
export const STANDALONE_JOB_ON_CLUSTER_MESSAGE =
  'standalone mode job (work_mode 0) submitted to a cluster server: forward it to the standalone job server';

/** Step 1 alone: the job's work mode, checked against the server's. */
export function checkWorkMode(rawConf: unknown, serverWorkMode: WorkMode): Outcome<WorkMode> {
  return attempt(() => workModeOf(rawConf, serverWorkMode));
}

/** Steps 1–3 and 5 of /v1/job/submit, plus the timeout. */
export function normalizeRuntimeConf(rawConf: unknown, options: ConfOptions): Outcome<NormalizedConf> {
  return attempt(() => normalize(rawConf, options));
}

/** Section 2: `<role>-<sorted unique party ids joined by "_">` per role, roles sorted, `#model`. */
export function modelIdOf(roles: Readonly<Record<string, readonly number[]>>): string {
  const names = Object.keys(roles).sort(compareStrings);
  if (names.length === 0) return 'all#model';
  const key = names
    .map((role) => `${role}-${[...new Set(roles[role])].sort((a, b) => a - b).join('_')}`)
    .join('#');
  return `${key}#model`;
}

/** Section 2: `<role>#<party_id>#<model_id>`. */
export const partyModelId = (role: string, partyId: number | string, modelId: string): string =>
  `${role}#${partyId}#${modelId}`;

// ---------------------------------------------------------------------------------------------

function normalize(rawConf: unknown, options: ConfOptions): NormalizedConf {
  const workMode = workModeOf(rawConf, options.serverWorkMode);
  const raw = rawConf as JsonObject; // workModeOf proved it is an object with job_parameters

  const missing = ['initiator', 'job_parameters', 'role'].filter((k) => own(raw, k) === undefined || own(raw, k) === null);
  if (missing.length) throw new DslError(requiredArgumentsMessage(missing));
  const initiatorRaw = own(raw, 'initiator');
  if (!isPlainObject(initiatorRaw)) throw new DslError(`initiator should be an object with role and party_id, got ${show(initiatorRaw)}`);
  const missingInitiator = ['role', 'party_id'].filter((k) => own(initiatorRaw, k) === undefined || own(initiatorRaw, k) === null);
  if (missingInitiator.length) throw new DslError(requiredArgumentsMessage(missingInitiator));
  const roleRaw = own(raw, 'role');
  if (!isPlainObject(roleRaw)) throw new DslError(`role should be an object of role name to party id list, got ${show(roleRaw)}`);

  const conf = cloneObject(raw);
  const initiatorRole = String(own(initiatorRaw, 'role'));
  const initiatorPartyId = toPartyId(own(initiatorRaw, 'party_id'), `initiator`);
  const roles: Record<string, number[]> = {};
  const confRole: JsonObject = {};
  for (const [role, parties] of Object.entries(roleRaw)) {
    if (!Array.isArray(parties)) throw new DslError(`role ${role} should be a list of party ids, got ${show(parties)}`);
    const ids = parties.map((p) => toPartyId(p, `role ${role}`));
    setOwn(roles, role, ids);
    setOwn(confRole, role, ids);
  }
  setOwn(conf, 'initiator', { ...(conf['initiator'] as JsonObject), role: initiatorRole, party_id: initiatorPartyId });
  setOwn(conf, 'role', confRole);

  const jobParameters = conf['job_parameters'] as JsonObject;
  const jobType: JobType = own(jobParameters, 'job_type') === 'predict' ? 'predict' : 'train';
  let modelId: string;
  let modelVersion: string;
  if (jobType === 'predict') {
    const absent = ['model_id', 'model_version'].filter((k) => {
      const v = own(jobParameters, k);
      return v === undefined || v === null || v === '';
    });
    if (absent.length) throw new DslError(requiredArgumentsMessage(absent));
    modelId = String(jobParameters['model_id']);
    modelVersion = String(jobParameters['model_version']);
  } else {
    modelId = modelIdOf(roles);
    modelVersion = options.jobId;
    setOwn(jobParameters, 'model_id', modelId);
    setOwn(jobParameters, 'model_version', modelVersion);
  }

  const initiatorParties = Object.prototype.hasOwnProperty.call(roles, initiatorRole) ? roles[initiatorRole]! : [];
  if (!initiatorParties.includes(initiatorPartyId)) throw new DslError(`initiator party id error ${initiatorPartyId}`);

  const timeoutSeconds = timeoutOf(own(jobParameters, 'timeout'), options.defaultTimeoutSeconds);
  // fedflow's own: how long a party may be unreachable before the job fails (the node's default when absent).
  const partyTimeout = own(jobParameters, 'party_timeout');
  if (partyTimeout !== undefined && partyTimeout !== null && !(typeof partyTimeout === 'number' && Number.isFinite(partyTimeout) && partyTimeout > 0)) {
    throw new DslError(`job_parameters.party_timeout should be a positive number of seconds, got ${show(partyTimeout)}`);
  }

  return {
    conf,
    workMode,
    jobType,
    initiator: { role: initiatorRole, partyId: initiatorPartyId },
    roles,
    modelId,
    modelVersion,
    timeoutSeconds,
  };
}

function workModeOf(rawConf: unknown, serverWorkMode: WorkMode): WorkMode {
  const workMode = own(own(rawConf, 'job_parameters'), 'work_mode');
  if (workMode !== 0 && workMode !== 1) throw new DslError(WORK_MODE_MESSAGE);
  if (workMode !== serverWorkMode) {
    if (serverWorkMode === 0) throw new DslError(CLUSTER_JOB_ON_STANDALONE_MESSAGE);
    throw new DslError(STANDALONE_JOB_ON_CLUSTER_MESSAGE, 'standalone-job-on-cluster');
  }
  return workMode;
}

/** Python's int(): integers and integer strings (surrounding blanks allowed); anything else is refused. */
function toPartyId(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw new DslError(`invalid literal for int() with base 10: ${show(value)} (party id of ${where})`);
}

/** A stored job conf's job_parameters.party_timeout in seconds (checked at submit), else `fallback`. */
export function partyTimeoutOf(conf: unknown, fallback: number): number {
  const value = own(own(conf, 'job_parameters'), 'party_timeout');
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function timeoutOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new DslError(`job_parameters.timeout should be a positive number of seconds, got ${show(value)}`);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
