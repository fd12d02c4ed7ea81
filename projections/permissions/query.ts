import type { Database } from 'better-sqlite3';
import type { Privilege, PrivilegeType } from '../../src/domain/permission/events.js';
import { prepared } from '../filters.js';
import { T_PERMISSION } from './schema.js';

export interface PrivilegeRow extends Privilege {
  readonly srcPartyId: string;
  readonly grantedBy: string;
  readonly grantTime: number;
}

/** Every privilege `srcPartyId` holds on this node. */
export function privilegesOf(db: Database, srcPartyId: string): PrivilegeRow[] {
  const rows = prepared(db, `SELECT * FROM ${T_PERMISSION} WHERE f_src_party_id = ? ORDER BY f_src_role, f_type, f_value`).all(srcPartyId) as Record<string, unknown>[];
  return rows.map((r) => ({
    srcPartyId: String(r.f_src_party_id),
    srcRole: String(r.f_src_role),
    type: r.f_type as PrivilegeType,
    value: String(r.f_value),
    grantedBy: String(r.f_granted_by ?? ''),
    grantTime: Number(r.f_grant_time ?? 0),
  }));
}
