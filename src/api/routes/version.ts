// /v1/version/get (FATE 1.4.5's version_app): the version of a module from the node's env, keyed
// by the module name as asked. FATE reads its fate.env; fedflow answers as the FATE version it
// speaks for, plus its own. A module it does not know answers null, as FATE's get_env does.
import type Router from '@koa/router';
import { ok } from '../envelope.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';

/** The FATE release whose API fedflow follows, and fedflow's own version (package.json). */
export const VERSION_ENV: Readonly<Record<string, string>> = Object.freeze({ FATE: '1.4.5', FEDFLOW: '0.1.0' });

export function versionRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/version/get', deps, (body) => {
    const asked = body.module;
    const key = typeof asked === 'string' ? asked : 'FATE';
    // FATE keys the answer by request.json.get('module'): a missing module is the JSON key "null".
    const label = asked === undefined || asked === null ? 'null' : String(asked);
    return ok({ data: { [label]: VERSION_ENV[key] ?? null } });
  });
}
