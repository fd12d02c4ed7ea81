import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/decider.js';
import { tableDecider, uploadRefusal } from '../../domain/table/decider.js';
import { tableStreamId } from '../../domain/table/events.js';
import { SubmitUpload } from '../commands.js';
import { loadState } from '../../eventSourcing/handleCommand.js';
import { NodeServices } from '../nodeServices.js';
import { submitLocalJob } from './submitLocalJob.js';

@CommandHandler(SubmitUpload)
export class SubmitUploadHandler implements ICommandHandler<SubmitUpload> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, params }: SubmitUpload): Promise<{ jobId: string }> {
    // Refused up front (the Upload task checks again when it starts, in case the table changed).
    const { state } = await loadState(this.s.store, tableStreamId(params.namespace, params.table_name), tableDecider);
    const refusal = uploadRefusal(state, params.drop);
    if (refusal) throw new IllegalStateError(refusal);
    return submitLocalJob(this.s, jobId, { module: 'Upload', component: 'upload_0', params });
  }
}
