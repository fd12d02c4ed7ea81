// Party permissions: FATE 1.4's /v1/permission/{grant,delete,query}/privilege (per source party
// and role: privilege_role, privilege_command, privilege_component, comma-separated or `all`) and
// FATE-Flow 1.11's /v1/permission/{grant,delete,query} (per party: component, dataset). Every
// change is an event naming who made it (the request's app key).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ChangePermission } from '../../app/permissionCommands.js';
import { COMPONENTS } from '../../components/registry.js';
import { CHECKED_COMMANDS, PRIVILEGE_ROLES } from '../../domain/permission/check.js';
import type { PermissionCommand } from '../../domain/permission/commands.js';
import { datasetValue, type Privilege, type PrivilegeType } from '../../domain/permission/events.js';
import { privilegesOf } from '../../../projections/permissions/query.js';
import { ok } from '../envelope.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name, requireKeys } from '../validate.js';

type Body = Record<string, unknown>;

/** Every value a privilege type may hold (what `all` / `*` stands for). */
function allValues(type: Exclude<PrivilegeType, 'dataset'>): readonly string[] {
  if (type === 'role') return PRIVILEGE_ROLES;
  if (type === 'command') return CHECKED_COMMANDS;
  // Upload and Download are a party's own local jobs, never another party's to ask for (as FATE).
  return Object.keys(COMPONENTS).map((m) => m.toLowerCase()).filter((m) => m !== 'upload' && m !== 'download').sort();
}

/** `"a, b"`, `["a","b"]`, or `all` / `*` (undefined when the field is absent). */
function values(body: Body, key: string): string[] | 'all' | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!list || list.some((x) => typeof x !== 'string')) throw badRequest(`${key} must be a comma-separated string or a list of strings`);
  const clean = (list as string[]).map((x) => x.trim()).filter(Boolean);
  if (clean.some((x) => x === 'all' || x === '*')) return 'all';
  return clean;
}

function privilegesFor(srcRole: string, type: Exclude<PrivilegeType, 'dataset'>, wanted: string[] | 'all' | undefined, revoke: boolean): { privileges: Privilege[]; all: boolean } {
  if (wanted === undefined) return { privileges: [], all: false };
  if (wanted === 'all') return revoke ? { privileges: [], all: true } : { privileges: allValues(type).map((value) => ({ srcRole, type, value })), all: false };
  const known = allValues(type);
  const list = type === 'component' ? wanted.map((w) => w.toLowerCase()) : wanted;
  const unknown = list.find((v) => !known.includes(v));
  // FATE 1.4's message, and the values it would accept.
  if (unknown !== undefined) throw badRequest(`${unknown} does not exist in the permission ${type} (one of ${known.join(', ')}, or all)`);
  return { privileges: list.map((value) => ({ srcRole, type, value })), all: false };
}

function datasets(body: Body, revoke: boolean): { privileges: Privilege[]; all: boolean } {
  const v = body.dataset;
  if (v === undefined || v === null || v === '') return { privileges: [], all: false };
  if (v === '*') {
    if (!revoke) throw badRequest('dataset "*" cannot be granted: name each table ({namespace, name}); datasets are deny by default');
    return { privileges: [], all: true };
  }
  const list = Array.isArray(v) ? v : [v];
  return {
    all: false,
    privileges: list.map((d) => {
      if (!d || typeof d !== 'object' || Array.isArray(d)) throw badRequest('dataset must be {"namespace": ..., "name": ...} or a list of them');
      return { srcRole: '', type: 'dataset' as const, value: datasetValue(name(d as Body, 'namespace'), name(d as Body, 'name')) };
    }),
  };
}

const actor = (ctx: Context): string => (typeof ctx.state.appKey === 'string' ? ctx.state.appKey : 'local');

function command(revoke: boolean, srcPartyId: string, parts: { privileges: Privilege[]; all: boolean; srcRole: string; type: PrivilegeType }[], by: string, at: number): PermissionCommand {
  const privileges = parts.flatMap((p) => p.privileges);
  if (privileges.length === 0 && !parts.some((p) => p.all)) throw badRequest('nothing to grant or delete: give privilege_role, privilege_command, privilege_component (FATE 1.4) or component, dataset (FATE-Flow 1.11)');
  if (!revoke) return { type: 'GrantPrivileges', data: { srcPartyId, privileges, by, at } };
  return { type: 'RevokePrivileges', data: { srcPartyId, privileges, allOf: parts.filter((p) => p.all).map((p) => ({ srcRole: p.srcRole, type: p.type })), by, at } };
}

export function permissionRoutes(router: Router, deps: EdgeDeps): void {
  const change14 = (revoke: boolean) => async (body: Body, ctx: Context) => {
    requireKeys(body, ['src_party_id', 'src_role']);
    const src = name(body, 'src_party_id');
    const srcRole = name(body, 'src_role');
    const everything = body.all === true || body.all === 'true' || body.all === 1;
    const types = [['role', 'privilege_role'], ['command', 'privilege_command'], ['component', 'privilege_component']] as const;
    const parts = types.map(([type, key]) => ({ ...privilegesFor(srcRole, type, everything ? 'all' : values(body, key), revoke), srcRole, type }));
    await deps.commands.execute(new ChangePermission(command(revoke, src, parts, actor(ctx), Date.now())));
    return ok();
  };
  postJson(router, '/permission/grant/privilege', deps, change14(false));
  postJson(router, '/permission/delete/privilege', deps, change14(true));
  postJson(router, '/permission/query/privilege', deps, (body) => {
    requireKeys(body, ['src_party_id']);
    const src = name(body, 'src_party_id');
    const srcRole = typeof body.src_role === 'string' ? body.src_role : undefined;
    const held = privilegesOf(deps.views, src).filter((p) => srcRole === undefined || p.srcRole === srcRole || p.srcRole === '');
    const of = (type: PrivilegeType) => [...new Set(held.filter((p) => p.type === type).map((p) => p.value))];
    return ok({
      data: {
        src_party_id: src, role: srcRole ?? null,
        privilege_role: of('role'), privilege_command: of('command'), privilege_component: of('component'),
        privilege_dataset: of('dataset').map((v) => JSON.parse(v) as unknown),
        grants: held.map((p) => ({ src_role: p.srcRole, type: p.type, value: p.value, granted_by: p.grantedBy, grant_time: p.grantTime })),
      },
    });
  });

  const change111 = (revoke: boolean) => async (body: Body, ctx: Context) => {
    requireKeys(body, ['party_id']);
    const src = name(body, 'party_id');
    const parts = [
      { ...privilegesFor('', 'component', values(body, 'component'), revoke), srcRole: '', type: 'component' as const },
      { ...datasets(body, revoke), srcRole: '', type: 'dataset' as const },
    ];
    await deps.commands.execute(new ChangePermission(command(revoke, src, parts, actor(ctx), Date.now())));
    return ok();
  };
  postJson(router, '/permission/grant', deps, change111(false));
  postJson(router, '/permission/delete', deps, change111(true));
  postJson(router, '/permission/query', deps, (body) => {
    requireKeys(body, ['party_id']);
    const held = privilegesOf(deps.views, name(body, 'party_id')).filter((p) => p.srcRole === '');
    return ok({
      data: {
        component: held.filter((p) => p.type === 'component').map((p) => p.value),
        dataset: held.filter((p) => p.type === 'dataset').map((p) => JSON.parse(p.value) as unknown),
      },
    });
  });
}
