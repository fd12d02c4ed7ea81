// /v1/version/get (FATE 1.4.5's version_app): the version of a module from the node's env, keyed
// by the module name as asked. FATE reads its fate.env; fedflow answers as the FATE version it
// speaks for, plus its own. A module it does not know answers null, as FATE's get_env does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import { ok } from '../envelope.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';

/** fedflow's version from the nearest package.json above this file (src/ or dist/src/). */
function ownVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'fedflow' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours: keep looking
      }
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** The FATE release whose API fedflow follows, and fedflow's own version (package.json). */
export const VERSION_ENV: Readonly<Record<string, string>> = Object.freeze({ FATE: '1.4.5', FEDFLOW: ownVersion() });

export function versionRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/version/get', deps, (body) => {
    const asked = body.module;
    const key = typeof asked === 'string' ? asked : 'FATE';
    // FATE keys the answer by request.json.get('module'): a missing module is the JSON key "null".
    const label = asked === undefined || asked === null ? 'null' : String(asked);
    return ok({ data: { [label]: VERSION_ENV[key] ?? null } });
  });
}
