import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { tableDecider } from '../../domain/table/decider.js';
import { tableStreamId } from '../../domain/table/events.js';
import { DeleteTable } from '../commands.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import { NodeServices } from '../nodeServices.js';

@CommandHandler(DeleteTable)
export class DeleteTableHandler implements ICommandHandler<DeleteTable> {
  constructor(private readonly s: NodeServices) {}

  async execute({ namespace, name }: DeleteTable): Promise<{ deleted: boolean }> {
    const result = await handleCommand(this.s.store, tableStreamId(namespace, name), tableDecider, {
      type: 'DeleteTable',
      data: { at: this.s.clock.now() },
    });
    const deleted = result.events.find((e) => e.type === 'TableDeleted');
    if (!result.appended || deleted?.type !== 'TableDeleted') return { deleted: false };
    await this.s.views.waitFor(result.appended.position);
    // Rows go only after the event: a crash in between leaves an orphan file, removed at start-up.
    this.s.tables.drop(deleted.data.location);
    return { deleted: true };
  }
}
