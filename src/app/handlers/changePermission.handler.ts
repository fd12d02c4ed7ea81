import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { permissionDecider } from '../../domain/permission/decider.js';
import { permissionStreamId } from '../../domain/permission/events.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import { NodeServices } from '../nodeServices.js';
import { ChangePermission } from '../permissionCommands.js';

@CommandHandler(ChangePermission)
export class ChangePermissionHandler implements ICommandHandler<ChangePermission> {
  constructor(private readonly s: NodeServices) {}

  async execute({ command }: ChangePermission): Promise<{ changed: number }> {
    const result = await handleCommand(this.s.store, permissionStreamId(command.data.srcPartyId), permissionDecider, command, {
      metadata: { actor: command.data.by },
    });
    if (!result.appended) return { changed: 0 };
    // Read-your-writes: the next job from that party is checked against this change.
    await this.s.views.waitFor(result.appended.position);
    return { changed: result.events.reduce((n, e) => n + e.data.privileges.length, 0) };
  }
}
