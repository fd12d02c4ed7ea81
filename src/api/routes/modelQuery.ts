// POST /v1/model/query (FATE-Flow 1.6's name and filters: model_version, and optionally model_id,
// role, party_id): the party models this node holds with their publication state. `as_of` (a log
// position or ISO time) answers as the views were then (src/api/asOf.ts).
import type Router from '@koa/router';
import { modelInfos } from '../../../projections/models/modelInfo.js';
import { queryViews } from '../asOf.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name, requireKeys } from '../validate.js';

/** FATE 1.6's answer when no model matches (retcode 100, its words, its trailing space). */
export const NO_MODEL = 'Query model info failed, cannot find model from db. ';

export function modelQueryRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/model/query', deps, async (body) => {
    requireKeys(body, ['model_version']);
    const optional = (key: string) => (body[key] === undefined || body[key] === null || body[key] === '' ? undefined : name(body, key));
    const filter = {
      modelVersion: name(body, 'model_version'),
      ...withValue('modelId', optional('model_id')), ...withValue('role', optional('role')), ...withValue('partyId', optional('party_id')),
    };
    const rows = await queryViews(deps, body, (views) => modelInfos(views, filter));
    if (rows.length === 0) throw new ApiError(100, NO_MODEL);
    return ok({ retmsg: 'Query model info from db success.', data: rows });
  });
}

function withValue<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
