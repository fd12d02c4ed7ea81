// /v1/model/load, /v1/model/load/do and /v1/model/bind (contract 5.19, 5.20): publish a trained
// model to FATE-Serving and bind a service id to it. Bad bodies are refused with retcode 100 and
// a message naming the field (FATE answered a bare KeyError such as `'initiator'`).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { BindModel, LoadModel, LoadModelOnParty, type LoadRequest } from '../../app/publishCommands.js';
import type { PartyLoadResult } from '../../domain/publish/events.js';
import type { PartyRef, RoleMap } from '../../domain/publish/plan.js';
import { parseServings } from '../../config.js';
import type { Envelope } from '../envelope.js';
import { ApiError, badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { requiredArgumentsMessage } from '../validate.js';

type Body = Record<string, unknown>;

export function modelPublishRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/model/load', deps, async (body, ctx) => {
    const request = loadRequestOf(body);
    const jobId = deps.nextJobId();
    const answer = await deps.commands.execute(new LoadModel(jobId, request, requester(ctx)));
    return { retcode: answer.retcode, retmsg: answer.retmsg, jobId, data: loadData(answer.results) };
  });

  postJson(router, '/model/load/do', deps, async (body, ctx) => {
    const request = loadRequestOf(body);
    const local = partyOf(body, 'local');
    const jobId = typeof body.job_id === 'string' && body.job_id ? body.job_id : deps.nextJobId();
    const { retcode, retmsg } = await deps.commands.execute(new LoadModelOnParty(jobId, request, local, requester(ctx)));
    return { retcode, retmsg };
  });

  postJson(router, '/model/bind', deps, async (body, ctx): Promise<Envelope> => {
    // FATE checks the service id before anything else in the body.
    const serviceId = body.service_id;
    if (serviceId === undefined || serviceId === null || serviceId === '') throw new ApiError(101, 'no service id');
    if (typeof serviceId !== 'string' && typeof serviceId !== 'number') throw badRequest(requiredArgumentsMessage([], ['service_id=<string>']));
    const { loadType: _l, filePath: _f, ...request } = loadRequestOf(body);
    const servings = servingsOf(body);
    const { retcode, retmsg } = await deps.commands.execute(new BindModel(String(serviceId), request, servings, requester(ctx)));
    return { retcode, retmsg: retcode === 0 ? `service id is ${serviceId}` : retmsg };
  });
}

/** Who asked, for the events' metadata: the HTTP client's address. */
const requester = (ctx: Context): string => `http ${ctx.request.ip || ctx.req.socket.remoteAddress || 'unknown'}`;

/** `data[role][party]` = the party's code; `detail[role][party]` = its answer (none for an unreachable party). */
export function loadData(results: readonly PartyLoadResult[]): Record<string, unknown> {
  const data: Record<string, Record<string, number>> = {};
  const detail: Record<string, Record<string, { retcode: number; retmsg: string }>> = {};
  for (const r of results) {
    (data[r.role] ??= {})[r.partyId] = r.retcode;
    detail[r.role] ??= {};
    // fedflow keeps every party of a role (FATE 1.4 kept only the last one).
    if (r.retmsg !== undefined) detail[r.role]![r.partyId] = { retcode: r.retcode, retmsg: r.retmsg };
  }
  return { ...data, detail };
}

const isObject = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is string | number => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));

/** Validates initiator, role and job_parameters of a load or bind body. */
export function loadRequestOf(body: Body): LoadRequest {
  const params = isObject(body.job_parameters) ? body.job_parameters : undefined;
  const missing = [
    ...(body.initiator === undefined || body.initiator === null ? ['initiator'] : []),
    ...(body.role === undefined || body.role === null ? ['role'] : []),
    ...(body.job_parameters === undefined || body.job_parameters === null ? ['job_parameters'] : []),
    ...(params && !isId(params.model_id) ? ['job_parameters.model_id'] : []),
    ...(params && !isId(params.model_version) ? ['job_parameters.model_version'] : []),
  ];
  if (missing.length) throw badRequest(requiredArgumentsMessage(missing, []));
  if (!params) throw badRequest(requiredArgumentsMessage([], ['job_parameters=<object>']));
  const initiator = partyOf(body, 'initiator');
  const roles = roleMapOf(body.role);
  if (!roles[initiator.role]?.includes(initiator.partyId)) {
    throw badRequest(requiredArgumentsMessage([], [`initiator=<a party of role: ${initiator.role} ${initiator.partyId} is not in role.${initiator.role}>`]));
  }
  const workMode = params.work_mode;
  if (workMode !== undefined && workMode !== null && workMode !== 0 && workMode !== 1 && workMode !== '0' && workMode !== '1') {
    throw badRequest(requiredArgumentsMessage([], ['job_parameters.work_mode=<0 or 1>']));
  }
  const text = (key: 'load_type' | 'file_path'): string | undefined => {
    const v = params[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw badRequest(requiredArgumentsMessage([], [`job_parameters.${key}=<string>`]));
    return v;
  };
  const filePath = text('file_path');
  return {
    initiator,
    roles,
    modelId: String(params.model_id),
    modelVersion: String(params.model_version),
    loadType: text('load_type') ?? 'FATEFLOW',
    ...(filePath !== undefined ? { filePath } : {}),
    ...(workMode !== undefined && workMode !== null ? { workMode: Number(workMode) as 0 | 1 } : {}),
  };
}

function partyOf(body: Body, key: 'initiator' | 'local'): PartyRef {
  const v = body[key];
  if (v === undefined || v === null) throw badRequest(requiredArgumentsMessage([key], []));
  if (!isObject(v)) throw badRequest(requiredArgumentsMessage([], [`${key}=<{"role", "party_id"}>`]));
  const missing = [...(!isId(v.role) ? [`${key}.role`] : []), ...(!isId(v.party_id) ? [`${key}.party_id`] : [])];
  if (missing.length) throw badRequest(requiredArgumentsMessage(missing, []));
  return { role: String(v.role), partyId: String(v.party_id) };
}

/** `{"guest": ["9999"], ...}`; numeric party ids become strings (protobuf map keys). */
function roleMapOf(v: unknown): RoleMap {
  const bad = (detail: string): ApiError => badRequest(requiredArgumentsMessage([], [`role=<{"<role>": [<party_id>, ...]}>: ${detail}`]));
  if (!isObject(v) || Object.keys(v).length === 0) throw bad('a non-empty object');
  const out: Record<string, string[]> = {};
  for (const [role, ids] of Object.entries(v)) {
    const list = Array.isArray(ids) ? ids : [ids];
    if (list.length === 0 || !list.every(isId)) throw bad(`role.${role} must list party ids`);
    out[role] = list.map(String);
  }
  return out;
}

/** bind's optional `servings`: a list of host:port (undefined → the configured ones). */
function servingsOf(body: Body): readonly string[] | undefined {
  const v = body.servings;
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '') return undefined;
  try {
    const parsed = parseServings(v, 'servings');
    if (!Array.isArray(parsed)) throw new Error('servings must be a list of host:port');
    return parsed as readonly string[];
  } catch (error) {
    throw badRequest(requiredArgumentsMessage([], [`servings=<list of host:port>: ${(error as Error).message}`]));
  }
}
