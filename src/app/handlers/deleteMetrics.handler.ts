import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeleteMetrics } from '../commands.js';
import { appendAll, metricDeletions } from '../metricDeletion.js';
import { NodeServices } from '../nodeServices.js';

/** Metric delete as events (MetricsDeleted per party), so a rebuilt view forgets them too. */
@CommandHandler(DeleteMetrics)
export class DeleteMetricsHandler implements ICommandHandler<DeleteMetrics> {
  constructor(private readonly s: NodeServices) {}

  async execute({ filter }: DeleteMetrics) {
    const appends = metricDeletions(this.s.views.db, filter, this.s.clock.now());
    const position = await appendAll(this.s.store, appends);
    if (position !== undefined) await this.s.views.waitFor(position);
    return { parties: appends.map((a) => a.events[0]!.data as { role: string; partyId: string }).map(({ role, partyId }) => ({ role, partyId })) };
  }
}
