// The main-thread side of a Download task: the table's current location is looked up when the task
// starts (the component streams it from there), and its progress is the job's. Its metrics go
// through the component's tracker like any other component's.
import type { Database } from 'better-sqlite3';
import { getTable } from '../../../projections/tables/query.js';
import { localJobKindOf } from '../localJobs.js';
import type { TaskHook } from '../taskHooks.js';
import { localJobProgress } from './jobProgress.js';
import type { LocalTaskDeps } from './uploadTask.js';

export function downloadHook(deps: LocalTaskDeps & { readonly views: Database }): TaskHook {
  return {
    async prepare(plan, _ref, scope) {
      const kind = localJobKindOf(plan.dsl, plan.conf);
      if (kind?.module !== 'Download') throw new Error('a Download component runs only in a download job (/v1/data/download)');
      const { namespace, table_name } = kind.params;
      const table = getTable(deps.views, namespace, table_name);
      if (!table?.location) throw new Error(`table ${namespace}.${table_name} does not exist`);
      const progress = localJobProgress(deps, scope.jobId);
      return {
        tableFiles: { tablesDir: deps.tables.dir, read: { table: table.location } },
        onProgress: progress.report,
        flushProgress: progress.flush,
        successEntries: () => [],
        finish: () => undefined,
      };
    },
  };
}
