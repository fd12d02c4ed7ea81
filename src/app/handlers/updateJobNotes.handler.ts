import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { jobDecider } from '../../domain/job/decider.js';
import { jobStreamId } from '../../domain/job/events.js';
import { UpdateJobNotes } from '../commands.js';
import { handleCommand, loadState } from '../../eventSourcing/handleCommand.js';
import { NodeServices } from '../nodeServices.js';

/** /v1/job/update: notes on this party's row only. */
@CommandHandler(UpdateJobNotes)
export class UpdateJobNotesHandler implements ICommandHandler<UpdateJobNotes> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, role, partyId, notes }: UpdateJobNotes): Promise<{ updated: boolean }> {
    const streamId = jobStreamId(jobId, role, partyId);
    if ((await loadState(this.s.store, streamId, jobDecider)).state.status === 'absent') return { updated: false };
    const result = await handleCommand(this.s.store, streamId, jobDecider, { type: 'UpdateJobNotes', data: { notes, at: this.s.clock.now() } });
    if (result.appended) await this.s.views.waitFor(result.appended.position);
    return { updated: true };
  }
}
