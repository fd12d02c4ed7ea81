// The permission decider: grants add what is not held yet (a repeated grant records nothing),
// revocations remove what is held and refuse, as FATE does, to revoke what was never granted.
import { assertNever, IllegalStateError, type Decider } from '../decider.js';
import type { PermissionCommand } from './commands.js';
import { privilegeKey, type Privilege, type PermissionEvent } from './events.js';

export interface PermissionState {
  /** privilegeKey → the privilege. */
  readonly held: ReadonlyMap<string, Privilege>;
}

export function decidePermission(command: PermissionCommand, state: PermissionState): PermissionEvent[] {
  const d = command.data;
  switch (command.type) {
    case 'GrantPrivileges': {
      const fresh = unique(d.privileges).filter((p) => !state.held.has(privilegeKey(p)));
      return fresh.length ? [{ type: 'PrivilegesGranted', data: { srcPartyId: d.srcPartyId, privileges: fresh, by: d.by, at: d.at } }] : [];
    }
    case 'RevokePrivileges': {
      const named = unique(d.privileges);
      const missing = named.find((p) => !state.held.has(privilegeKey(p)));
      if (missing) throw new IllegalStateError(`${missing.type} ${missing.value} is not authorized for party ${d.srcPartyId}${missing.srcRole ? ` role ${missing.srcRole}` : ''}, it cannot be deleted`);
      const all = [...state.held.values()].filter((p) => command.data.allOf?.some((a) => a.srcRole === p.srcRole && a.type === p.type));
      const gone = unique([...named, ...all]);
      return gone.length ? [{ type: 'PrivilegesRevoked', data: { srcPartyId: d.srcPartyId, privileges: gone, by: d.by, at: d.at } }] : [];
    }
    default:
      return assertNever(command);
  }
}

export function evolvePermission(state: PermissionState, event: PermissionEvent): PermissionState {
  const held = new Map(state.held);
  switch (event.type) {
    case 'PrivilegesGranted':
      for (const p of event.data.privileges) held.set(privilegeKey(p), p);
      return { held };
    case 'PrivilegesRevoked':
      for (const p of event.data.privileges) held.delete(privilegeKey(p));
      return { held };
    default:
      return assertNever(event);
  }
}

function unique(privileges: readonly Privilege[]): Privilege[] {
  return [...new Map(privileges.map((p) => [privilegeKey(p), p])).values()];
}

export const permissionDecider: Decider<PermissionState, PermissionCommand, PermissionEvent> = {
  decide: decidePermission,
  evolve: evolvePermission,
  initialState: () => ({ held: new Map() }),
};
