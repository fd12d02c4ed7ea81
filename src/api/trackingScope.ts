// Contract 5.10, shared by every /v1/tracking route: `job_id` (and `component_name` for the
// component routes) are required; when both `role` and `party_id` are absent they are the job's
// initiator (from the initiator's own t_job row); when only one is absent FATE's KeyError text
// answers (`'role'` / `'party_id'`). party_id may be an int or a string; scopes carry it as text.
// Also: planStoredJob, the plan of a stored t_job row (tracking parameters, pipeline dag/dependency).
import type { Database } from 'better-sqlite3';
import { queryJobs, type JobRow } from '../../projections/jobs/query.js';
import { isPlainObject } from '../domain/dsl/json.js';
import { planJob, type JobPlan } from '../domain/dsl/plan.js';
import { badRequest } from './errors.js';
import { name, requireKeys } from './validate.js';

type Body = Record<string, unknown>;

export interface JobScope {
  readonly jobId: string;
  readonly role: string;
  readonly partyId: string;
}

export interface ComponentScope extends JobScope {
  readonly componentName: string;
}

/** The (job, role, party) a tracking request is about (job/data_view: no component). */
export function jobScope(views: Database, body: Body): JobScope {
  requireKeys(body, ['job_id']);
  return withParty(views, name(body, 'job_id'), body);
}

/** The (job, component, role, party) a component tracking request is about. */
export function componentScope(views: Database, body: Body): ComponentScope {
  requireKeys(body, ['job_id', 'component_name']);
  const jobId = name(body, 'job_id');
  const componentName = name(body, 'component_name');
  return { componentName, ...withParty(views, jobId, body) };
}

function withParty(views: Database, jobId: string, body: Body): JobScope {
  let role = body.role;
  let partyId = body.party_id;
  if (role === undefined && partyId === undefined) {
    const initiator = queryJobs(views, { job_id: jobId, is_initiator: 1 })[0];
    if (initiator) {
      role = initiator.f_role;
      partyId = initiator.f_initiator_party_id ?? initiator.f_party_id;
    }
  }
  if (role === undefined) throw badRequest("'role'");
  if (partyId === undefined) throw badRequest("'party_id'");
  return { jobId, role: text(role), partyId: text(partyId) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** FATE's job timeout default (7 days); only the plan's timeout depends on it. */
const DEFAULT_TIMEOUT_SECONDS = 604_800;

/**
 * The plan of a stored job (5.15, 5.18): its DSL and runtime conf rebuilt as at submit time, with
 * the row's own work mode (a stored job is never refused for the server's mode). A conf that no
 * longer plans answers 100 with the planner's message.
 */
export function planStoredJob(row: JobRow): JobPlan {
  const trainRuntimeConf = parseStored(row.f_train_runtime_conf);
  const outcome = planJob(parseStored(row.f_dsl), parseStored(row.f_runtime_conf), {
    jobId: String(row.f_job_id),
    serverWorkMode: Number(row.f_work_mode) === 1 ? 1 : 0,
    defaultTimeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    ...(isPlainObject(trainRuntimeConf) && Object.keys(trainRuntimeConf).length ? { trainRuntimeConf } : {}),
  });
  if (!outcome.ok) throw badRequest(outcome.message);
  return outcome.plan;
}

function parseStored(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
