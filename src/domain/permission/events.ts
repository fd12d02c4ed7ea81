// Party permissions: what another party may make this node do. One stream per source party.
// A privilege is (src_role, type, value): FATE 1.4's per-role privileges (role, command,
// component; src_role names the role the source plays as initiator) and FATE-Flow 1.11's
// party-wide ones (component, dataset; src_role '').

export const PRIVILEGE_TYPES = ['role', 'command', 'component', 'dataset'] as const;
export type PrivilegeType = (typeof PRIVILEGE_TYPES)[number];

export interface Privilege {
  /** The role the source party plays as the job's initiator (FATE 1.4); '' = any (FATE-Flow 1.11). */
  readonly srcRole: string;
  readonly type: PrivilegeType;
  /** role: guest|host|arbiter; command: create_job|run_task|stop_task; component: lower-case module; dataset: `namespace.name` as JSON. */
  readonly value: string;
}

export interface PrivilegeChange {
  readonly srcPartyId: string;
  readonly privileges: readonly Privilege[];
  /** Who changed it: the app key of the request, or `local` when client authentication is off. */
  readonly by: string;
  readonly at: number;
}

export type PermissionEvent =
  | { type: 'PrivilegesGranted'; data: PrivilegeChange }
  | { type: 'PrivilegesRevoked'; data: PrivilegeChange };

export const PERMISSION_EVENT_TYPES: readonly PermissionEvent['type'][] = ['PrivilegesGranted', 'PrivilegesRevoked'];

export function permissionStreamId(srcPartyId: string): string {
  return `permission-${encodeURIComponent(srcPartyId)}`;
}

/** A dataset's privilege value: one spelling for grant, check and view. */
export const datasetValue = (namespace: string, name: string): string => JSON.stringify({ namespace, name });

export const privilegeKey = (p: Privilege): string => `${p.srcRole}\u0000${p.type}\u0000${p.value}`;
