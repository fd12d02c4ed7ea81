import { PERMISSION_EVENT_TYPES, type PermissionEvent } from '../../src/domain/permission/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { T_PERMISSION, permissionSchema } from './schema.js';

function project(event: PermissionEvent): RowOp[] {
  const d = event.data;
  return d.privileges.map((p): RowOp => {
    const where = { f_src_party_id: d.srcPartyId, f_src_role: p.srcRole, f_type: p.type, f_value: p.value };
    return event.type === 'PrivilegesGranted'
      ? { op: 'upsert', table: T_PERMISSION, row: { ...where, f_granted_by: d.by, f_grant_time: d.at } }
      : { op: 'delete', table: T_PERMISSION, where };
  });
}

const HANDLED = new Set<string>(PERMISSION_EVENT_TYPES);

export const permissionsProjection: Projection = {
  name: 'permissions',
  schema: permissionSchema,
  tables: [T_PERMISSION],
  project: (event) => (HANDLED.has(event.type) ? project(event as unknown as PermissionEvent) : []),
};
