import type { Privilege } from './events.js';

export type PermissionCommand =
  | { type: 'GrantPrivileges'; data: { srcPartyId: string; privileges: readonly Privilege[]; by: string; at: number } }
  /** `all` types: every privilege of those types the party holds for srcRole goes (FATE's `all`). */
  | { type: 'RevokePrivileges'; data: { srcPartyId: string; privileges: readonly Privilege[]; allOf?: readonly { srcRole: string; type: Privilege['type'] }[]; by: string; at: number } };
