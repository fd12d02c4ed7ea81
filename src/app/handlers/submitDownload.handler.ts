import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/decider.js';
import { tableDecider } from '../../domain/table/decider.js';
import { tableStreamId } from '../../domain/table/events.js';
import { SubmitDownload } from '../commands.js';
import { loadState } from '../../eventSourcing/handleCommand.js';
import { NodeServices } from '../nodeServices.js';
import { submitLocalJob } from './submitLocalJob.js';

@CommandHandler(SubmitDownload)
export class SubmitDownloadHandler implements ICommandHandler<SubmitDownload> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, params }: SubmitDownload): Promise<{ jobId: string }> {
    const { state } = await loadState(this.s.store, tableStreamId(params.namespace, params.table_name), tableDecider);
    if (state.status !== 'live') throw new IllegalStateError(`table ${params.namespace}.${params.table_name} does not exist`);
    return submitLocalJob(this.s, jobId, { module: 'Download', component: 'download_0', params });
  }
}
