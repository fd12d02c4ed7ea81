// grant-privilege, delete-privilege, query-privilege: FATE 1.4's party permission functions
// (POST /v1/permission/{grant,delete,query}/privilege). Fields come from -c conf.json (which may
// also hold FATE-Flow 1.11's party_id/component/dataset, sent to /v1/permission/{grant,delete,query})
// and are overridden by -src_party_id, -src_role, -privilege_role, -privilege_command,
// -privilege_component (comma-separated values or `all`).
import type { CliOptions, PermissionCommandName } from '../args.js';
import type { CliContext } from '../context.js';
import { loadConf } from '../conf.js';
import { UsageError } from '../args.js';
import { clientFor, finish } from './shared.js';

export function permissionCommand(command: PermissionCommandName) {
  return async (ctx: CliContext, o: CliOptions): Promise<number> => {
    const body: Record<string, unknown> = o.config ? { ...loadConf(o.config, ctx.cwd).conf } : {};
    if (o.srcPartyId !== undefined) body.src_party_id = o.srcPartyId;
    if (o.srcRole !== undefined) body.src_role = o.srcRole;
    if (o.privilegeRole !== undefined) body.privilege_role = o.privilegeRole;
    if (o.privilegeCommand !== undefined) body.privilege_command = o.privilegeCommand;
    if (o.privilegeComponent !== undefined) body.privilege_component = o.privilegeComponent;
    const action = command.split('-')[0]!;
    // FATE-Flow 1.11's shape (party_id, component, dataset) goes to its own endpoints.
    const v111 = body.src_party_id === undefined && body.party_id !== undefined;
    if (!v111 && (body.src_party_id === undefined || (command !== 'query-privilege' && body.src_role === undefined))) {
      throw new UsageError(`${command} needs -src_party_id and -src_role (or a -c conf.json holding them)`, command);
    }
    const path = v111 ? `/v1/permission/${action}` : `/v1/permission/${action}/privilege`;
    return finish(ctx, await clientFor(ctx, o).post(path, body));
  };
}
