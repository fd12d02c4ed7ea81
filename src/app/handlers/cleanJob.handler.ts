import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { queryDataViews } from '../../../projections/dataView/query.js';
import { queryJobs } from '../../../projections/jobs/query.js';
import { queryTasks } from '../../../projections/tasks/query.js';
import { IllegalStateError } from '../../domain/decider.js';
import { tableDecider } from '../../domain/table/decider.js';
import { tableStreamId } from '../../domain/table/events.js';
import { trackingStreamId, type TrackingEvent } from '../../domain/tracking/events.js';
import type { StreamAppend } from '../../store/eventStore.js';
import { CleanJob } from '../commands.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import { appendAll, metricDeletions } from '../metricDeletion.js';
import { NodeServices } from '../nodeServices.js';

/** Component outputs live in these namespaces; uploaded tables (an upload job's data view) are never cleaned. */
const OUTPUT_NAMESPACE = 'output_data_';

/**
 * /v1/job/clean (FATE's start_clean_job) on the parties this node holds: per task, its output
 * tables are deleted (TableDeleted on each table's stream, then the files), its output-data and
 * data-view rows go (OutputsCleaned) and its metrics (MetricsDeleted) — all events, so a rebuild
 * of the views gives the same answers. Federation objects of a job are already dropped when it
 * ends. A job still waiting or running is refused: cleaning under a running task breaks it.
 */
@CommandHandler(CleanJob)
export class CleanJobHandler implements ICommandHandler<CleanJob> {
  constructor(private readonly s: NodeServices) {}

  async execute({ filter }: CleanJob) {
    const db = this.s.views.db;
    const taskFilter: Record<string, string> = { job_id: filter.jobId };
    if (filter.role !== undefined) taskFilter.role = filter.role;
    if (filter.partyId !== undefined) taskFilter.party_id = filter.partyId;
    if (filter.componentName !== undefined) taskFilter.component_name = filter.componentName;
    const open = queryJobs(db, { job_id: filter.jobId }).find((r) => r.f_status === 'waiting' || r.f_status === 'running');
    if (open) throw new IllegalStateError(`job ${filter.jobId} is ${String(open.f_status)} on ${String(open.f_role)} ${String(open.f_party_id)}: stop it first (/v1/job/stop), then clean`);
    const tasks = queryTasks(db, taskFilter);
    if (tasks.length === 0) return { found: false, tables: [], tasks: 0 };
    const at = this.s.clock.now();
    const dropped: string[] = [];
    const locations: string[] = [];
    const appends: StreamAppend[] = [];
    for (const task of tasks) {
      const [componentName, role, partyId] = [String(task.f_component_name), String(task.f_role), String(task.f_party_id)];
      const views = queryDataViews(db, { job_id: filter.jobId, component_name: componentName, role, party_id: partyId });
      const tables = views
        .map((v) => ({ namespace: String(v.f_table_namespace), name: String(v.f_table_name) }))
        .filter((t) => t.namespace.startsWith(OUTPUT_NAMESPACE));
      for (const t of tables) {
        const result = await handleCommand(this.s.store, tableStreamId(t.namespace, t.name), tableDecider, { type: 'DeleteTable', data: { at } });
        const deleted = result.events.find((e) => e.type === 'TableDeleted');
        if (deleted?.type === 'TableDeleted') {
          locations.push(deleted.data.location);
          dropped.push(`${t.namespace}.${t.name}`);
        }
      }
      if (views.length > 0) {
        const data: Extract<TrackingEvent, { type: 'OutputsCleaned' }>['data'] = { jobId: filter.jobId, componentName, role, partyId, tables, at };
        appends.push({ streamId: trackingStreamId(filter.jobId, role, partyId), events: [{ type: 'OutputsCleaned', data }] });
      }
      appends.push(...metricDeletions(db, { jobId: filter.jobId, componentName, role, partyId }, at));
    }
    const position = await appendAll(this.s.store, appends);
    await this.s.views.waitFor(position ?? (await this.s.store.headPosition()));
    // Rows go only after the events: a crash in between leaves orphan files, removed at start-up.
    for (const location of locations) this.s.tables.drop(location);
    return { found: true, tables: dropped, tasks: tasks.length };
  }
}
