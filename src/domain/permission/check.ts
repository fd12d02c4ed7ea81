// Whether a party may make this node act for its job: pure, over the privileges it holds.
// Deny by default: the role this node is asked to play, the command, every component of the job
// and every table this node would read for it must each be granted to the sending party.
import { datasetValue, type Privilege } from './events.js';

/** FATE 1.4's privilege_command names for the commands fedflow checks. */
export const CHECKED_COMMANDS = ['create_job', 'run_task', 'stop_task'] as const;
export type CheckedCommand = (typeof CHECKED_COMMANDS)[number];
export const PRIVILEGE_ROLES = ['guest', 'host', 'arbiter'] as const;

export interface PermissionRequest {
  readonly srcPartyId: string;
  /** The role the source plays as the job's initiator. */
  readonly srcRole: string;
  readonly command: CheckedCommand;
  /** The roles this node is asked to play. */
  readonly roles: readonly string[];
  /** Module names of the components involved (compared lower-case, as FATE does). */
  readonly modules: readonly string[];
  /** The tables this node would read. */
  readonly datasets: readonly { namespace: string; name: string }[];
}

/** The first missing privilege, as a sentence naming the party and the privilege; undefined when all are held. */
export function permissionRefusal(held: readonly Privilege[], r: PermissionRequest): string | undefined {
  const has = (type: Privilege['type'], value: string, partyWide: boolean): boolean =>
    held.some((p) => p.type === type && p.value === value && (p.srcRole === r.srcRole || (partyWide && p.srcRole === '')));
  const who = `party ${r.srcPartyId} (${r.srcRole})`;
  for (const role of r.roles) if (!has('role', role, true)) return `${who} lacks privilege role ${role}: not authorized`;
  if (!has('command', r.command, true)) return `${who} lacks privilege command ${r.command}: not authorized`;
  for (const module of new Set(r.modules.map((m) => m.toLowerCase()))) {
    if (!has('component', module, true)) return `${who} lacks privilege component ${module}: not authorized`;
  }
  for (const t of r.datasets) {
    if (!has('dataset', datasetValue(t.namespace, t.name), true)) return `${who} lacks privilege dataset ${t.namespace}.${t.name}: not authorized`;
  }
  return undefined;
}
